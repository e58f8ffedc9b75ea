"""skreg.study: the registry, the one protocol every row goes through, and what it reports."""

import math
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skreg._config
from skreg import RidgeEigen, RidgeEigenCV, theory
from skreg.study import (
    METHODS,
    Method,
    StudyError,
    StudySettings,
    alpha_with_dof,
    default_scoring,
    load_dataset,
    methods_for,
    run_study,
)
from skreg.study.methods import _describe_ols, _describe_ridge, _p_ols, clean_alpha
from skreg.utils import all_estimators


def _fixed(name, key, make, grid=None):
    return Method(
        name,
        key,
        "regression",
        make=make,
        grid=lambda s: dict(grid or {}),
        describe=_describe_ridge if "cv" in key else _describe_ols,
        lecture=_p_ols,
    )


def test_every_public_estimator_is_in_the_study():
    settings = StudySettings(quick=True)
    in_study = {type(m.make(settings)).__name__ for m in METHODS}
    # an estimator may be represented by its cross-validated form (the L1 row is
    # SoftThresholdQuadraticCV, whose folds fit SoftThresholdQuadratic's problem)
    missing = {
        name for name, _ in all_estimators() if name not in in_study and f"{name}CV" not in in_study
    }
    assert not missing
    keys = [(m.task, m.key) for m in METHODS]
    assert len(set(keys)) == len(keys)
    assert {m.task for m in METHODS} == {"regression", "classification"}
    for task in ("regression", "classification"):
        rows = methods_for(task)
        assert rows[0].baseline and sum(m.baseline for m in rows) == 1


def test_alpha_with_dof_inverts_ridge_dof_and_is_never_negative():
    lam = np.array([10.0, 3.0, 0.5, 0.01, 0.0])
    for alpha in (0.01, 1.0, 40.0):
        dof = float(np.sum(lam / (lam + alpha)))
        assert alpha_with_dof(lam, dof) == pytest.approx(alpha, rel=1e-8)
    assert alpha_with_dof(lam, 4.0) == 0.0  # rank 4: the exact zero is not a direction
    assert math.isinf(alpha_with_dof(lam, 0.0))
    assert clean_alpha(-2.64e-13) == 0.0 and clean_alpha(3.0) == 3.0 and clean_alpha(-1.0) == -1.0


def _diabetes_split():
    frame = load_diabetes(as_frame=True).frame
    X_train, _, y_train, _ = train_test_split(
        frame.drop(columns="target"), frame["target"], test_size=0.25, random_state=0
    )
    return X_train, y_train


def test_same_model_through_two_routes_gets_the_same_cv_score():
    """Ridge at α = 5 fixed, through RidgeEigenCV's LOO (one α) and through a grid search."""
    methods = [
        _fixed("fixed", "fixed", lambda s: RidgeEigen(alpha=5.0)),
        _fixed("own cv", "own_cv", lambda s: RidgeEigenCV(alphas=[5.0])),
        _fixed("grid", "grid", lambda s: RidgeEigen(), {"alpha": [5.0]}),
    ]
    result = run_study(methods=methods, out=None, progress=False, figures=False)
    table = result.results.set_index("key")
    assert list(table.index) == [
        "baseline",
        "fixed",
        "own_cv",
        "grid",
    ]  # the baseline is always a row
    for key in ("own_cv", "grid"):
        assert table.loc[key, "cv_mean"] == pytest.approx(table.loc["fixed", "cv_mean"], rel=1e-12)
        assert table.loc[key, "cv_std"] == pytest.approx(table.loc["fixed", "cv_std"], rel=1e-10)
        assert table.loc[key, "test_score"] == pytest.approx(
            table.loc["fixed", "test_score"], rel=1e-12
        )
    # and it is scikit-learn's Ridge(5) on the same outer folds
    X_train, y_train = _diabetes_split()
    folds = KFold(5, shuffle=True, random_state=0)
    reference = cross_val_score(
        make_pipeline(StandardScaler(), Ridge(alpha=5.0)), X_train, y_train, cv=folds
    )
    assert table.loc["fixed", "cv_mean"] == pytest.approx(reference.mean(), rel=1e-10)


def test_grid_edge_is_flagged_in_table_progress_and_report(tmp_path):
    import io

    methods = [
        _fixed("heavy ridge", "heavy", lambda s: RidgeEigen(), {"alpha": [1e3, 1e4, 1e5]}),
        _fixed(
            "own cv", "ridge_cv", lambda s: RidgeEigenCV(alphas=[0.1, 1.0, 10.0, 30.0, 100.0, 1e3])
        ),
    ]
    stream = io.StringIO()
    result = run_study(methods=methods, out=tmp_path, progress=stream, figures=False)
    table = result.results.set_index("key")
    assert "alpha = 1e+03 is at the edge of the grid: widen it" in table.loc["heavy", "grid_edge"]
    assert table.loc["ridge_cv", "grid_edge"] == ""  # LOO picks α ≈ 25, inside its grid
    assert "(edge!)" in result.table.splitlines()[2]
    assert "at the edge of the grid: widen it" in stream.getvalue()
    report = (tmp_path / "report.md").read_text()
    assert "## At the edge of the grid" in report and "at the edge of the grid: widen it" in report


def test_study_reports_the_lecture_equivalences(tmp_path):
    keys = {
        "ridge",
        "early_stopping_best",
        "early_stopping_continue",
        "noise_marginalized",
        "least_squares",
    }
    chosen = [m for m in METHODS if m.key in keys]
    result = run_study(quick=True, out=tmp_path, methods=chosen, progress=False, figures=False)
    table = result.results.set_index("key")
    n_train = 442 - math.ceil(0.25 * 442)
    noisy = result.models["noise_marginalized"].named_steps["model"]
    assert table.loc["noise_marginalized", "equivalent_alpha"] == pytest.approx(
        theory.input_noise_equivalent_alpha(noisy.noise_std**2, n_train)
    )
    X_train, y_train = _diabetes_split()
    Xt = result.models["ridge"][:-1].transform(X_train)
    ridge = RidgeEigen(alpha=table.loc["ridge", "equivalent_alpha"]).fit(Xt, y_train)
    assert table.loc["ridge", "effective_dof"] == pytest.approx(ridge.effective_dof_)
    es = result.models["early_stopping_best"].named_steps["model"]
    dof = np.sum(es.eigenvalues_ / (es.eigenvalues_ + es.equivalent_alpha_))
    assert table.loc["early_stopping_best", "effective_dof"] == pytest.approx(dof)
    assert table.loc["least_squares", "effective_dof"] == pytest.approx(10.0)

    # 'continue': the reported dof is the continued iterate's own filter, computed here
    # independently: shrinkage of each eigen-direction relative to least squares
    cont = result.models["early_stopping_continue"].named_steps["model"]
    Xc, yc = Xt - Xt.mean(axis=0), y_train.to_numpy() - y_train.mean()
    lam, V = np.linalg.eigh(Xc.T @ Xc)
    ols = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    phi = np.clip((V.T @ cont.coef_) / (V.T @ ols), 0, 1)
    assert table.loc["early_stopping_continue", "effective_dof"] == pytest.approx(
        phi.sum(), rel=1e-6
    )
    assert f"steps={cont.n_iter_}" in table.loc["early_stopping_continue", "best_params"]
    alpha = table.loc["early_stopping_continue", "equivalent_alpha"]
    assert np.sum(lam / (lam + alpha)) == pytest.approx(phi.sum(), rel=1e-6)
    report = (tmp_path / "report.md").read_text()
    assert f"step {cont.n_iter_} in all" in report
    assert "Every row is scored by the same 5-fold outer cross-validation" in report


def test_every_row_uses_the_same_outer_folds_and_blas_threads_are_set_once():
    from threadpoolctl import threadpool_info

    seen = []

    def make(s):
        seen.append([p["num_threads"] for p in threadpool_info()])
        return RidgeEigen(alpha=1.0)

    methods = [_fixed("a", "a", make), _fixed("b", "b", make)]
    run_study(methods=methods, out=None, progress=False, figures=False, blas_threads=1)
    assert seen and all(n == 1 for threads in seen for n in threads)


def test_default_scoring_rules(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    balanced = pd.DataFrame(X, columns=list("abc")).assign(y=np.where(X[:, 0] > 0, "yes", "no"))
    balanced.to_csv(tmp_path / "b.csv", index=False)
    assert default_scoring(load_dataset(str(tmp_path / "b.csv"))) == ("accuracy", None)
    imbalanced = balanced.assign(y=np.where(X[:, 0] > 1.2, "yes", "no"))  # ≈ 11 % positives
    imbalanced.to_csv(tmp_path / "i.csv", index=False)
    scoring, reason = default_scoring(load_dataset(str(tmp_path / "i.csv")))
    assert scoring == "balanced_accuracy" and "under 20 %" in reason and "(yes)" in reason
    assert default_scoring(load_dataset("diabetes")) == ("r2", None)


def test_option_errors():
    # run_study names its own arguments; the command line words them as flags
    with pytest.raises(StudyError, match="unknown scoring 'nope'") as info:
        run_study(scoring="nope", out=None, progress=False)
    assert info.value.as_flags().startswith("unknown --scoring 'nope'")
    for kwargs, message, flag in [
        ({"cv": 1}, "cv must be", "--cv must be"),
        ({"inner_cv": 1}, "inner_cv must be", "--inner-cv must be"),
        ({"test_size": 1.5}, "test_size must be", "--test-size must be"),
        ({"task": "x"}, "task must be", "--task must be"),
        ({"blas_threads": 0}, "blas_threads must be", "--blas-threads must be"),
    ]:
        with pytest.raises(StudyError, match="^" + re.escape(message)) as info:
            run_study(out=None, progress=False, **kwargs)
        assert info.value.as_flags().startswith(flag)


def test_sparse_onehot_reaches_estimators_that_take_it_and_dense_is_memory_checked(
    tmp_path, monkeypatch
):
    import scipy.sparse as sp
    from sklearn.base import BaseEstimator, RegressorMixin

    class Recorder(RegressorMixin, BaseEstimator):
        """sklearn Ridge that records whether X arrived sparse."""

        def fit(self, X, y):
            self.sparse_ = sp.issparse(X)
            self.ridge_ = Ridge(alpha=1.0).fit(X, y)
            return self

        def predict(self, X):
            return self.ridge_.predict(X)

        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.sparse = True
            return tags

    rng = np.random.default_rng(0)
    n = 300
    cat = [f"c{i % 120}" for i in range(n)]
    frame = pd.DataFrame({"x": rng.normal(size=n), "cat": cat})
    frame["y"] = 2 * frame["x"] + pd.Series(cat).str[1:].astype(int) % 3 + rng.normal(0, 0.1, n)
    frame.to_csv(tmp_path / "d.csv", index=False)

    class DenseRecorder(Recorder):
        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.sparse = False
            return tags

    def row(name, key, cls):
        return Method(
            name,
            key,
            "regression",
            make=lambda s: cls(),
            grid=lambda s: {},
            describe=lambda *a: {},
            lecture=lambda *a: "",
        )

    methods = [
        row("recorder", "rec", Recorder),
        row("dense", "dense", DenseRecorder),
        _fixed("ridge eigen", "eigen", lambda s: RidgeEigen(alpha=1.0)),
    ]
    result = run_study(
        str(tmp_path / "d.csv"), methods=methods, out=None, progress=False, figures=False
    )
    table = result.results.set_index("key")
    assert (
        bool(table.loc["rec", "sparse_input"]) and result.models["rec"].named_steps["model"].sparse_
    )
    assert (
        not table.loc["dense", "sparse_input"]
        and not result.models["dense"].named_steps["model"].sparse_
    )
    assert (
        bool(table.loc["eigen", "sparse_input"])
        is RidgeEigen().__sklearn_tags__().input_tags.sparse
    )
    # same model through the sparse and the dense route: same scores (the intercept absorbs the
    # centring)
    assert table.loc["rec", "cv_mean"] == pytest.approx(
        table.loc["dense", "cv_mean"], rel=1e-6
    )  # sparse_cg tol
    assert table.loc["rec", "test_score"] == pytest.approx(
        table.loc["dense", "test_score"], rel=1e-6
    )
    methods = methods[:1] + methods[2:]
    monkeypatch.setitem(skreg._config._CONFIG, "memory_budget", 4000)  # a quarter: 1,000 bytes
    result = run_study(
        str(tmp_path / "d.csv"), methods=methods, out=None, progress=False, figures=False
    )
    assert "rec" in set(result.results["key"])
    if not RidgeEigen().__sklearn_tags__().input_tags.sparse:
        assert "eigen" in result.skipped and "over the" in result.skipped["eigen"]
