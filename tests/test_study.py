"""The study's registry, data loading and the lecture quantities it reports."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

from skreg import RidgeEigen, theory
from skreg._study import METHODS, StudyError, StudySettings, alpha_with_dof, load_dataset, run_study
from skreg.utils import all_estimators


def test_every_public_estimator_is_in_the_study():
    settings = StudySettings(quick=True)
    in_study = {type(m.make(settings)).__name__ for m in METHODS}
    # an estimator may enter through a row's validation curve (SoftThresholdQuadratic
    # draws the curve of the SoftThresholdQuadraticCV row)
    in_study |= {type(m.curve_make(settings)).__name__ for m in METHODS if m.curve_make}
    assert {name for name, _ in all_estimators()} <= in_study
    assert len({m.key for m in METHODS}) == len(METHODS)
    tasks = {m.task for m in METHODS}
    assert tasks == {"regression", "classification"}


def test_alpha_with_dof_inverts_ridge_dof():
    lam = np.array([10.0, 3.0, 0.5, 0.01])
    for alpha in (0.01, 1.0, 40.0):
        dof = float(np.sum(lam / (lam + alpha)))
        assert alpha_with_dof(lam, dof) == pytest.approx(alpha, rel=1e-8)
    assert alpha_with_dof(lam, 4.0) == 0.0
    assert math.isinf(alpha_with_dof(lam, 0.0))


def test_load_dataset_tasks_and_encoding(tmp_path):
    diabetes = load_dataset("diabetes")
    assert diabetes.task == "regression" and diabetes.X.shape == (442, 10)
    poly = load_dataset("polynomial")
    np.testing.assert_allclose(poly.X["x^2"], poly.X["x^1"] ** 2)
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "c": ["u", "v", "u", "v"], "y": [0, 1, 0, 1]})
    frame.to_csv(tmp_path / "d.csv", index=False)
    data = load_dataset(str(tmp_path / "d.csv"))
    assert data.task == "classification"  # integer target with 2 values
    assert data.numeric == ["a"] and data.categorical == ["c"]
    assert load_dataset(str(tmp_path / "d.csv"), task="regression").task == "regression"
    with pytest.raises(StudyError, match="not numeric"):
        load_dataset(str(tmp_path / "d.csv"), target="c", task="regression")


def test_study_reports_the_lecture_equivalences(tmp_path):
    chosen = [m for m in METHODS if m.key in {"ridge", "early_stopping_best", "noise_marginalized", "least_squares"}]
    result = run_study(quick=True, out=tmp_path, methods=chosen, progress=None)
    table = result.results.set_index("key")
    # input noise: equivalent α = δN with N the refit's training rows
    noisy = result.models["noise_marginalized"].named_steps["model"]
    n_train = 442 - math.ceil(0.25 * 442)
    assert table.loc["noise_marginalized", "equivalent_alpha"] == pytest.approx(
        theory.input_noise_equivalent_alpha(noisy.noise_std**2, n_train)
    )
    # ridge dof = Σ λ/(λ+α) on the standardized training data
    pipe = result.models["ridge"]
    Xt = pipe[:-1].transform(result_X(pipe, n_train))
    ridge = RidgeEigen(alpha=table.loc["ridge", "equivalent_alpha"]).fit(Xt, np.zeros(len(Xt)))
    assert table.loc["ridge", "effective_dof"] == pytest.approx(ridge.effective_dof_)
    # early stopping: the reported α is the ridge α with the same degrees of freedom
    es = result.models["early_stopping_best"].named_steps["model"]
    lam = es.eigenvalues_
    dof = np.sum(lam / (lam + es.equivalent_alpha_))
    assert table.loc["early_stopping_best", "effective_dof"] == pytest.approx(dof)
    alpha = table.loc["early_stopping_best", "equivalent_alpha"]
    assert np.sum(lam / (lam + alpha)) == pytest.approx(dof, rel=1e-8)
    assert table.loc["least_squares", "effective_dof"] == pytest.approx(10.0)


def result_X(pipe, n_train):
    """The study's training rows (same split, seed 0)."""
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    frame = load_diabetes(as_frame=True).frame
    X_train, _ = train_test_split(frame.drop(columns="target"), test_size=0.25, random_state=0)
    assert len(X_train) == n_train
    return X_train


def test_ridge_in_study_matches_standardized_ridge(tmp_path):
    chosen = [m for m in METHODS if m.key == "ridge"]
    result = run_study(quick=True, out=tmp_path, methods=chosen, progress=None)
    pipe = result.models["ridge"]
    X_train = result_X(pipe, 331)
    from sklearn.datasets import load_diabetes

    y = load_diabetes(as_frame=True).frame.loc[X_train.index, "target"]
    alpha = pipe.named_steps["model"].alpha_
    reference = RidgeEigen(alpha=alpha).fit(StandardScaler().fit_transform(X_train), y)
    np.testing.assert_allclose(pipe.named_steps["model"].coef_, reference.coef_, rtol=1e-10)


def test_l1_row_reports_both_cv_rules_with_their_nonzero_counts(tmp_path):
    chosen = [m for m in METHODS if m.key == "l1"]
    result = run_study(quick=True, out=tmp_path, methods=chosen, progress=None)
    model = result.models["l1"].named_steps["model"]
    assert type(model).__name__ == "SoftThresholdQuadraticCV"
    nnz = dict(zip(model.cv_results_["alpha"], model.cv_results_["n_nonzero"]))
    row = result.results.set_index("key").loc["l1"]
    assert row["best_params"] == (
        f"alpha_min={model.alpha_min_:.3g}, nnz_min={nnz[model.alpha_min_]}, "
        f"alpha_1se={model.alpha_1se_:.3g}, nnz_1se={nnz[model.alpha_1se_]}"
    )
    assert row["n_nonzero"] == np.count_nonzero(model.coef_) == nnz[model.alpha_min_]
    assert model.alpha_1se_ >= model.alpha_min_
    report = (tmp_path / "report.md").read_text()
    assert f"α_1se = {model.alpha_1se_:.3g} ({nnz[model.alpha_1se_]} nonzero)" in report
