"""Adversarial input (issue 20): every case ends in the right answer or one clear error.

Each test is a case that used to crash with a NumPy/SciPy traceback, give a misleading
message, or report a NaN as a result; it asserts the exact exception type and a message
that names the problem, or the correct numbers (against scikit-learn or a direct fit).
"""

import contextlib
import inspect
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import is_classifier
from sklearn.linear_model import Ridge

import skreg
from skreg import RidgeEigen, RidgeEigenCV, theory
from skreg.study import StudyError
from skreg.utils import all_estimators

da = pytest.importorskip("dask.array")


def _data(n=12, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, X @ np.arange(1.0, d + 1) + rng.normal(size=n)


def _weighted_estimators():
    for name, cls in all_estimators():
        if "sample_weight" in inspect.signature(cls.fit).parameters:
            yield pytest.param(cls, id=name)


# ----------------------------------------------------------------- sample weights
@pytest.mark.parametrize("cls", list(_weighted_estimators()))
@pytest.mark.parametrize(
    "weight, message",
    [(np.nan, "sample_weight contains NaN"), (np.inf, "sample_weight contains infinity")],
)
def test_scalar_non_finite_sample_weight_one_message(cls, weight, message):
    X, y = _data()
    if is_classifier(cls()):
        y = (y > np.median(y)).astype(int)
    with pytest.raises(ValueError, match=message):
        cls().fit(X, y, sample_weight=weight)


@pytest.mark.parametrize(
    "cls",
    [c.values[0] for c in _weighted_estimators() if c.values[0].__name__ != "NoisyInputRegressor"],
)
def test_nan_weight_in_a_dask_block_same_message(cls):
    X, y = _data()
    if is_classifier(cls()):
        y = (y > np.median(y)).astype(int)
    w = np.ones(12)
    w[5] = np.nan
    with pytest.raises(ValueError, match="Input sample_weight contains NaN"):
        cls().fit(
            da.from_array(X, chunks=4),
            da.from_array(y, chunks=4),
            sample_weight=da.from_array(w, chunks=4),
        )


def test_scalar_weight_on_dask_is_checked_and_broadcast():
    X, y = _data()
    Xd, yd = da.from_array(X, chunks=4), da.from_array(y, chunks=4)
    with pytest.raises(ValueError, match="Input sample_weight contains NaN"):
        RidgeEigen().fit(Xd, yd, sample_weight=np.nan)
    # a scalar weighs every row: the same as sklearn's Ridge with that scalar
    coef = RidgeEigen(alpha=1.0).fit(Xd, yd, sample_weight=3.0).coef_
    np.testing.assert_allclose(
        coef, Ridge(alpha=1.0).fit(X, y, sample_weight=3.0).coef_, rtol=1e-10
    )


# ----------------------------------------------------------------- RidgeEigenCV folds
@pytest.mark.parametrize("dask", [False, True])
def test_ridge_cv_training_fold_of_zero_weight(dask):
    X, y = _data()
    w = np.zeros(12)
    w[:4] = 1.0  # KFold(3): split 0 trains on rows 4..11 only, all of weight 0
    args = (X, y, w)
    if dask:
        args = tuple(da.from_array(a, chunks=4) for a in args)
    with pytest.raises(ValueError, match="Split 0 has a training set of zero total sample weight"):
        RidgeEigenCV(cv=3).fit(args[0], args[1], sample_weight=args[2])


def test_ridge_cv_numeric_string_target_as_numbers():
    X, y = _data()
    text = y.astype(str)
    for cv in (None, 3):
        got = RidgeEigenCV(alphas=[0.1, 1.0, 10.0], cv=cv).fit(X, text)
        want = RidgeEigenCV(alphas=[0.1, 1.0, 10.0], cv=cv).fit(X, y)
        assert got.alpha_ == want.alpha_
        np.testing.assert_allclose(got.coef_, want.coef_, rtol=1e-12)
    with pytest.raises(ValueError, match="could not convert string to float"):
        RidgeEigenCV(cv=3).fit(X, np.array(["a"] * 12))


@pytest.mark.parametrize("cv", [None, 3])
def test_ridge_cv_one_dimensional_dask_x(cv):
    X, y = _data()
    with pytest.raises(ValueError, match="Expected a 2-D dask array for X, got 1-D"):
        RidgeEigenCV(cv=cv).fit(da.from_array(X[:, 0], chunks=4), da.from_array(y, chunks=4))


@pytest.mark.parametrize("dask", [False, True])
def test_ridge_cv_folds_too_small_to_score_say_the_largest_cv(dask):
    X, y = _data(n=20)
    if dask:
        X, y = da.from_array(X, chunks=5), da.from_array(y, chunks=5)
    with pytest.warns(UserWarning) if not dask else contextlib.nullcontext():
        with pytest.raises(
            ValueError, match=r"r2 score is NaN on 20 of 20 test folds.*largest usable cv is 10"
        ):
            RidgeEigenCV(cv=20).fit(X, y)
    # one-sample folds are fine for a score defined on one sample; cv=10 is fine for r2
    model = RidgeEigenCV(cv=20, scoring="neg_mean_squared_error").fit(X, y)
    assert np.isfinite(model.best_score_)
    assert np.isfinite(RidgeEigenCV(cv=10).fit(X, y).best_score_)


# ----------------------------------------------------------------- theory
_THEORY_ARGS = {  # a valid call of every closed form
    "ridge_spectral_solution": {"X": np.eye(2), "y": [1.0, 2.0], "alpha": 0.5},
    "l2_shrink": {"theta_star": [2.0, 1.0], "lam": [1.0, 3.0], "alpha": 1.0},
    "soft_threshold": {"theta_star": [2.0, 1.0], "lam": [1.0, 3.0], "alpha": 1.0},
    "early_stopping_iterate": {
        "theta_0": 0.0,
        "theta_star": 1.0,
        "lam": 1.0,
        "learning_rate": 0.1,
        "n_steps": 3,
    },
    "early_stopping_equivalent_alpha": {"lam": [1.0, 2.0], "learning_rate": 0.1, "n_steps": 3},
    "input_noise_equivalent_alpha": {"noise_var": 0.1, "n_samples": 10},
    "weight_noise_penalty": {"grad_f": [[1.0, 2.0]], "noise_std": 0.1},
    "dropout_equivalent_penalty": {"X": np.eye(2), "coef": [1.0, 1.0], "rate": 0.5},
}


@pytest.mark.parametrize(
    "name, arg", [(f, a) for f, kw in sorted(_THEORY_ARGS.items()) for a in kw]
)
def test_theory_refuses_nan_in_every_argument(name, arg):
    function, kwargs = getattr(theory, name), _THEORY_ARGS[name]
    assert np.all(np.isfinite(function(**kwargs)))  # the valid call works
    bad = dict(kwargs)
    bad[arg] = np.where(np.ones_like(np.asarray(kwargs[arg], dtype=float), dtype=bool), np.nan, 0.0)
    with pytest.raises(ValueError, match=f"^{arg} contains NaN"):
        function(**bad)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: theory.l2_shrink([1.0], [2.0], -1.0),
            r"alpha must be >= 0 \(a strength\), got -1",
        ),
        (lambda: theory.soft_threshold([1.0], [2.0], -1.0), "alpha must be >= 0"),
        (
            lambda: theory.ridge_spectral_solution(np.eye(2), [1.0, 2.0], [1.0, -2.0]),
            "alpha must be >= 0",
        ),
        (lambda: theory.l2_shrink([1.0, 1.0], [2.0, -1e-3], 1.0), "lam must be >= 0 .*eigenvalues"),
        (lambda: theory.soft_threshold([1.0], [-2.0], 1.0), "lam must be > 0 .*eigenvalues"),
        (lambda: theory.early_stopping_iterate(0.0, 1.0, -1.0, 0.1, 3), "lam must be >= 0"),
        (lambda: theory.early_stopping_equivalent_alpha(-1.0, 0.1, 3), "lam must be >= 0"),
        (lambda: theory.early_stopping_equivalent_alpha(1.0, -0.1, 3), "learning_rate must be > 0"),
        (lambda: theory.early_stopping_equivalent_alpha(1.0, 0.1, -3), "n_steps must be >= 0"),
        (lambda: theory.input_noise_equivalent_alpha(-0.1, 10), "noise_var must be >= 0"),
        (lambda: theory.input_noise_equivalent_alpha(0.1, -10), "n_samples must be >= 0"),
        (lambda: theory.weight_noise_penalty([1.0, 2.0], -0.1), "noise_std must be >= 0"),
        (lambda: theory.dropout_equivalent_penalty(np.eye(2), [1.0, 1.0], 1.0), "rate must be < 1"),
        (
            lambda: theory.dropout_equivalent_penalty(np.eye(2), [1.0, 1.0], -0.5),
            "rate must be >= 0",
        ),
        (lambda: theory.l2_shrink([np.inf], [1.0], 1.0), "theta_star contains infinity"),
    ],
)
def test_theory_refuses_negative_strengths_and_eigenvalues(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_theory_imports_nothing_of_skreg():
    import ast

    tree = ast.parse(inspect.getsource(theory))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in imported if m.startswith(("skreg", "."))] and all(
        n.level == 0 for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
    )


# ----------------------------------------------------------------- displays
def test_path_display_feature_names_must_match_the_coefficients():
    from skreg.plotting import RegularizationPathDisplay

    with pytest.raises(
        ValueError, match="feature_names has 2 entries but there are 3 coefficients"
    ):
        RegularizationPathDisplay(np.logspace(-2, 2, 5), np.ones((5, 3)), feature_names=["a", "b"])
    with pytest.raises(ValueError, match="feature_names must be a list of 3 names"):
        RegularizationPathDisplay(np.logspace(-2, 2, 5), np.ones((5, 3)), feature_names="abc")
    with pytest.raises(ValueError, match="one row per alpha"):
        RegularizationPathDisplay(np.logspace(-2, 2, 4), np.ones((5, 3)))
    X, y = _data()
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    with pytest.raises(ValueError, match="feature_names has 4 entries but there are 3"):
        RegularizationPathDisplay.from_estimator(RidgeEigen().fit(X, y), feature_names=list("abcd"))
    display = RegularizationPathDisplay.from_estimator(
        RidgeEigen().fit(X, y), feature_names=list("abc")
    )
    assert [line.get_label() for line in display.lines_] == ["a", "b", "c"]


def test_spectrum_display_labels_must_match_the_curves():
    from skreg.plotting import ShrinkageSpectrumDisplay

    with pytest.raises(ValueError, match="labels has 1 entries but there are 2 curves"):
        ShrinkageSpectrumDisplay([4.0, 1.0], [1.0, 2.0], labels=["one"])
    display = ShrinkageSpectrumDisplay([4.0, 1.0], [1.0, 2.0], labels=["one", "two"])
    np.testing.assert_allclose(display.shrinkage, [[0.8, 0.5], [4 / 6, 1 / 3]])


# ----------------------------------------------------------------- Dask predict
@pytest.mark.parametrize(
    "value, message", [(np.nan, "Input X contains NaN"), (np.inf, "Input X contains infinity")]
)
def test_dask_predict_with_non_finite_x_raises_as_numpy(value, message):
    from skreg import NoisyInputRegressor, SoftThresholdQuadratic

    X, y = _data()
    bad = X.copy()
    bad[7, 1] = value
    for model in (
        RidgeEigen(),
        SoftThresholdQuadratic(alpha=0.1),
        NoisyInputRegressor(method="marginalize"),
    ):
        model.fit(X, y)
        with pytest.raises(ValueError, match=message):
            model.predict(bad)  # NumPy
        lazy = model.predict(da.from_array(bad, chunks=4))  # lazy: nothing computed yet
        with pytest.raises(ValueError, match=message + r" \(found in a dask block\)"):
            lazy.compute()
        np.testing.assert_allclose(
            model.predict(da.from_array(X, chunks=4)).compute(), model.predict(X), rtol=1e-12
        )


# ----------------------------------------------------------------- state
@pytest.mark.parametrize("noise", [{}, {"weight_noise": 0.05, "input_noise": 0.05}])
def test_interrupted_partial_fit_leaves_the_random_stream_as_it_was(monkeypatch, noise):
    from skreg import MLPRegressor
    from skreg.neural_network import _mlp

    X, y = _data(n=40)
    params = dict(hidden_layer_sizes=(5,), solver="sgd", batch_size=8, random_state=0, **noise)
    plain = MLPRegressor(**params).partial_fit(X, y).partial_fit(X, y)
    model = MLPRegressor(**params).partial_fit(X, y)
    before = {k: v for k, v in vars(model).items()}
    state = model._rng.get_state()
    original = _mlp._BaseMLP._set_fitted

    def interrupted(self, *args, **kwargs):  # the epoch has run and drawn its shuffles
        raise KeyboardInterrupt

    monkeypatch.setattr(_mlp._BaseMLP, "_set_fitted", interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.partial_fit(X, y)
    monkeypatch.setattr(_mlp._BaseMLP, "_set_fitted", original)
    assert vars(model).keys() == before.keys() and all(vars(model)[k] is before[k] for k in before)
    after = model._rng.get_state()
    assert after[0] == state[0] and np.array_equal(after[1], state[1]) and after[2:] == state[2:]
    model.partial_fit(X, y)  # continues exactly as if the interrupted call never happened
    for a, b in zip(model.coefs_, plain.coefs_, strict=False):
        np.testing.assert_array_equal(a, b)
    assert model.loss_curve_ == plain.loss_curve_


def test_failed_fit_restores_a_user_random_state_instance():
    from skreg import MLPRegressor

    X, y = _data(n=40)
    rs = np.random.RandomState(3)
    state = rs.get_state()
    with pytest.raises(ValueError, match="sample_weight contains NaN"):
        MLPRegressor(hidden_layer_sizes=(3,), random_state=rs, max_iter=5).fit(
            X, y, sample_weight=np.r_[np.nan, np.ones(39)]
        )
    assert np.array_equal(rs.get_state()[1], state[1]) and rs.get_state()[2] == state[2]


# ----------------------------------------------------------------- array API
def test_per_target_alpha_in_the_namespace_of_x():
    xp = pytest.importorskip("array_api_strict")
    import sklearn
    from sklearn.utils._array_api import move_to

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))
    want = Ridge(alpha=np.array([1.0, 10.0])).fit(X, Y)
    with sklearn.config_context(array_api_dispatch=True):
        model = RidgeEigen(alpha=xp.asarray([1.0, 10.0])).fit(xp.asarray(X), xp.asarray(Y))
        ref = Ridge(alpha=xp.asarray([1.0, 10.0]), solver="svd").fit(xp.asarray(X), xp.asarray(Y))
        pred = model.predict(xp.asarray(X))
        with pytest.raises(ValueError, match="Number of targets and number of penalties"):
            RidgeEigen(alpha=xp.asarray([1.0, 2.0, 3.0])).fit(xp.asarray(X), xp.asarray(Y))
    assert isinstance(model.coef_, type(xp.asarray([1.0])))
    coef = move_to(model.coef_, xp=np, device="cpu")
    np.testing.assert_allclose(coef, want.coef_, rtol=1e-10)
    np.testing.assert_allclose(coef, move_to(ref.coef_, xp=np, device="cpu"), rtol=1e-10)
    np.testing.assert_allclose(move_to(pred, xp=np, device="cpu"), want.predict(X), rtol=1e-10)


# ----------------------------------------------------------------- the command line
def _table(path, n=40, **columns):
    import pandas as pd

    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    frame = {"a": X[:, 0], "b": X[:, 1], "y": X @ [1.0, 2.0] + rng.normal(size=n)}
    frame.update({k: (v(frame) if callable(v) else v) for k, v in columns.items()})
    pd.DataFrame(frame).to_csv(path, index=False)
    return path


def _one_line_error(capsys, argv):
    from skreg.__main__ import main

    status = main(["study", "--quick", "--no-figures"] + argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.count("\n") == 1 and err.startswith("skreg: error: ") and "Traceback" not in err, err
    return err.strip()[len("skreg: error: ") :]  # one line: nothing was fitted or printed before it


@pytest.fixture
def csv(tmp_path):
    return _table(tmp_path / "ok.csv")


@pytest.mark.parametrize(
    "out, message",
    [
        ("{tmp}/afile", r"^--out '.*afile' is a file, not a folder$"),
        (
            "{tmp}/afile/sub",
            r"^--out '.*afile/sub' cannot be used as the output folder: Not a directory$",
        ),
        (
            "/proc/skreg-x",
            r"^--out '/proc/skreg-x' cannot be used as the output folder: "
            r"No such file or directory$",
        ),
    ],
)
def test_cli_output_folder_is_checked_before_the_study(capsys, tmp_path, csv, out, message):
    import re

    (tmp_path / "afile").write_text("x")
    err = _one_line_error(capsys, ["--data", str(csv), "--out", out.format(tmp=tmp_path)])
    assert re.search(message, err), err


def test_cli_output_folder_is_created(capsys, tmp_path, csv):
    from skreg.__main__ import main

    out = tmp_path / "new" / "deeper"
    assert main(["study", "--quick", "--no-figures", "--data", str(csv), "--out", str(out)]) == 0
    assert (out / "results.csv").exists() and (out / "report.md").exists()


@pytest.mark.parametrize(
    "columns, args, message",
    [
        (
            {"a": 1.0, "b": 2.0},
            [],
            r"^every feature column of ok\.csv is constant \(a, b\): there is nothing to learn",
        ),
        (
            {"a": lambda f: f["a"] * 1e307},
            [],
            r"^column 'a' has values up to 2\.\d+e\+307: too large to standardize",
        ),
        (
            {"y": lambda f: f["y"] * 1e300},
            [],
            r"^target 'y' has values up to .*e\+300: too large to standardize",
        ),
        (
            {},
            ["--inner-cv", "30"],
            r"^--inner-cv 30 is too many folds for the 24 rows of the smallest outer "
            r"training fold \(--cv 5 of 30 training rows.*largest usable --inner-cv is 12$",
        ),
        (
            {},
            ["--cv", "30"],
            r"^--cv 30 leaves 1 row in an outer test fold of the 30 training rows, too few to "
            r"score r2: the largest usable --cv is 15$",
        ),
        ({}, ["--cv", "31"], r"30 left for training .* fewer than the 31 cross-validation folds"),
        (
            {},
            ["--cv", "20", "--test-size", "0.5"],
            r"^--cv 20 leaves 1 row in an outer test fold of the 20 training "
            r"rows, too few to score r2: the largest usable --cv is 10$",
        ),
        (
            {},
            ["--random-state", "-1"],
            r"^--random-state must be an integer from 0 to 4294967294 .*got -1$",
        ),
        (
            {},
            ["--random-state", str(2**32 - 1)],
            r"^--random-state must be an integer from 0 to 4294967294",
        ),
        (
            {},
            ["--random-state", str(2**32)],
            r"^--random-state must be an integer .*got 4294967296$",
        ),
        ({}, ["--n-jobs", "0"], r"^--n-jobs must be a non-zero integer .*got 0$"),
        ({}, ["--sep", ";;"], r"^--sep must be one character, got ';;'$"),
    ],
)
def test_cli_bad_input_one_line_before_any_fit(capsys, tmp_path, columns, args, message):
    import re

    csv = _table(tmp_path / "ok.csv", **columns)
    err = _one_line_error(capsys, ["--data", str(csv), "--out", str(tmp_path / "o")] + args)
    assert re.search(message, err), err
    assert not (tmp_path / "o" / "results.csv").exists()


def test_cli_random_state_at_the_largest_valid_seed_runs(capsys, tmp_path, csv):
    from skreg.__main__ import main

    assert (
        main(
            [
                "study",
                "--quick",
                "--no-figures",
                "--data",
                str(csv),
                "--out",
                str(tmp_path / "o"),
                "--random-state",
                str(2**32 - 2),
            ]
        )
        == 0
    )


def test_cli_integer_target_beyond_int64_is_not_cast(capsys, tmp_path):
    path = tmp_path / "big.csv"
    rows = [f"{i * 0.1},{(-1) ** i * 0.3},{[1, 99999999999999999999][i % 2]}" for i in range(40)]
    path.write_text("a,b,y\n" + "\n".join(rows) + "\n")
    err = _one_line_error(capsys, ["--data", str(path), "--out", str(tmp_path / "o")])
    assert (
        err.startswith(
            "target 'y' has integer class labels beyond the 64-bit range (e.g. "
            "99999999999999999999)"
        )
        and "use --task 'regression'" in err
    ), err
    # within int64 but beyond 2**53 (where float64 merges neighbours): kept exactly
    from skreg.study import load_dataset

    labels = [2**62 + 1, 2**62 + 2]
    rows = [f"{i * 0.1},{(-1) ** i * 0.3},{labels[i % 2]}" for i in range(40)]
    path.write_text("a,b,y\n" + "\n".join(rows) + "\n")
    data = load_dataset(str(path))
    assert data.task == "classification" and sorted(set(data.y.tolist())) == labels


def test_cli_decimal_comma_file_says_so_and_reads_with_decimal(capsys, tmp_path):
    path = tmp_path / "comma.csv"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = X @ [1.0, 2.0] + 0.1 * rng.normal(size=40)
    rows = [
        f"{a:.4f};{b:.4f};{t:.4f}".replace(".", ",")
        for a, b, t in zip(X[:, 0], X[:, 1], y, strict=False)
    ]
    path.write_text("a;b;y\n" + "\n".join(rows) + "\n")
    err = _one_line_error(capsys, ["--data", str(path), "--sep", ";", "--out", str(tmp_path / "o")])
    assert err.startswith(
        "column 'a' of comma.csv holds numbers written with a decimal-comma (e.g. "
    )
    assert "pass --decimal ','" in err
    from skreg.study import load_dataset, run_study

    with pytest.raises(StudyError, match="pass decimal=','"):  # the Python API names its argument
        run_study(str(path), sep=";", out=None, progress=False)
    data = load_dataset(str(path), sep=";", decimal=",")
    assert data.numeric == ["a", "b"]
    np.testing.assert_allclose(data.X["a"], np.round(X[:, 0], 4))


def test_cli_reads_a_pipe_without_losing_its_start(tmp_path, csv):
    import subprocess
    import sys

    import pandas as pd

    out = tmp_path / "o"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "skreg",
            "study",
            "--data",
            "/dev/stdin",
            "--quick",
            "--no-figures",
            "--out",
            str(out),
        ],
        input=csv.read_text(),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={**__import__("os").environ, "PYTHONPATH": str(Path(skreg.__file__).parents[1])},
    )
    assert proc.returncode == 0, proc.stderr
    assert "40 rows" in proc.stderr  # every row of the stream reached the study
    assert len(pd.read_csv(out / "results.csv")) > 5


def test_run_study_errors_name_its_own_arguments(tmp_path, csv):
    from skreg.study import run_study

    (tmp_path / "afile").write_text("x")
    cases = [
        ({"out": str(tmp_path / "afile")}, r"^out='.*afile' is a file, not a folder$"),
        (
            {"inner_cv": 30},
            r"^inner_cv=30 is too many folds .*\(cv=5 of 30 .*usable inner_cv is 12$",
        ),
        ({"random_state": 2**32 - 1}, r"^random_state must be an integer from 0 to 4294967294"),
        ({"n_jobs": 0}, r"^n_jobs must be a non-zero integer"),
        ({"sep": ";;"}, r"^sep must be one character"),
    ]
    for kwargs, message in cases:
        with pytest.raises(StudyError, match=message):
            run_study(str(csv), quick=True, progress=False, **{"out": None, **kwargs})
