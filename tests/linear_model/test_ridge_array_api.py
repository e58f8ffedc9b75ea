"""RidgeEigen / RidgeEigenCV and the spectral core under scikit-learn's array API dispatch.

Every namespace and device scikit-learn tests with (``yield_namespace_device_dtype_
combinations``): array-api-strict always (a test dependency), PyTorch on CPU and CUDA,
CuPy, ... only where installed (``_array_api_for_tests`` skips otherwise).  The
reference is the NumPy fit of the same data: float64 results agree to 1e-10.
"""

import re
from pathlib import Path

import numpy as np

import skreg._config
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.model_selection import KFold
from sklearn.utils._array_api import (
    device as array_device,
    get_namespace,
    move_to,
    yield_namespace_device_dtype_combinations,
)
from sklearn.utils._testing import _array_api_for_tests

import skreg._data._centering as centering_module
import skreg.linear_model._base as base_module
from skreg import EarlyStoppedGD, RidgeEigen, RidgeEigenCV, SoftThresholdQuadratic
from skreg._spectral import decompose

COMBINATIONS = list(yield_namespace_device_dtype_combinations(include_numpy_namespaces=False))
FLOAT64 = [c for c in COMBINATIONS if c[2] in ("float64", None)]
FLOAT32 = [c for c in COMBINATIONS if c[2] == "float32"]
ALPHAS = [0.0, 1e-15, 0.01, 1.0, 100.0]


def _ids(combos):
    return ["-".join(str(part) for part in combo) for combo in combos]


def _namespace(combo):
    name, device_name, dtype_name = combo
    xp, device = _array_api_for_tests(name, device_name, dtype_name)
    return xp, device


def _to_numpy(a):
    with config_context(array_api_dispatch=True):
        return move_to(a, xp=np, device="cpu")


def _assert_in_namespace(a, xp, device):
    with config_context(array_api_dispatch=True):
        assert get_namespace(a)[0].__name__ == xp.__name__
        assert array_device(a) == array_device(xp.zeros(1, device=device))


def _data(n=40, d=6, n_targets=None, seed=0, ill=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) + 3.0
    if ill:  # cond(X) ~ 1e8: the SVD path of the decomposition
        X[:, -1] = X[:, 0] + 1e-8 * rng.standard_normal(n)
    coef = rng.standard_normal((d,) if n_targets is None else (d, n_targets))
    y = X @ coef + 0.3 * rng.standard_normal((n,) if n_targets is None else (n, n_targets))
    w = rng.uniform(0.2, 3.0, n)
    return X, y, w


def _fit_both(estimator, X, y, w, xp, device, **fit_kw):
    """The NumPy fit and the array-API fit of the same data (dispatch on for the latter)."""
    ref = sklearn.clone(estimator).fit(X, y, sample_weight=w, **fit_kw)
    args = [xp.asarray(a, device=device) for a in (X, y)]
    sw = None if w is None else xp.asarray(w, device=device)
    with config_context(array_api_dispatch=True):
        est = sklearn.clone(estimator).fit(*args, sample_weight=sw, **fit_kw)
    return ref, est, args[0]


def _assert_attributes_match(ref, est, xp, device, names, rtol=1e-10, atol=1e-10):
    for name in names:
        expected, got = getattr(ref, name), getattr(est, name)
        if type(expected) is float:  # a Python float stays one (alpha_, best_score_)
            assert type(got) is float, name
            assert got == pytest.approx(expected, rel=rtol, abs=atol), name
            continue
        _assert_in_namespace(got, xp, device)
        got = _to_numpy(got)
        assert got.shape == np.shape(expected), name
        assert got.dtype == np.asarray(expected).dtype, name
        if name == "eigenvectors_":  # each column is defined up to its sign
            got = got * _column_signs(got, expected)
        assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=name)


def _column_signs(V, V_ref):
    """±1 per column aligning V with V_ref (LAPACK builds differ in the sign they pick)."""
    dots = np.sum(V * V_ref, axis=0)
    assert_allclose(np.abs(dots), 1.0, atol=1e-8)
    return np.sign(dots)


SPECTRAL = ["coef_", "intercept_", "eigenvalues_", "eigenvectors_", "shrinkage_", "effective_dof_"]


@pytest.mark.parametrize("combo", FLOAT64, ids=_ids(FLOAT64))
@pytest.mark.parametrize(
    "shape, n_targets, ill",
    [((40, 6), None, False), ((40, 6), 3, False), ((8, 20), 2, False), ((40, 6), None, True)],
    ids=["gram", "gram-multi", "kernel", "svd"],
)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_fit_predict_path_match_numpy(combo, shape, n_targets, ill, fit_intercept):
    xp, device = _namespace(combo)
    X, y, w = _data(*shape, n_targets=n_targets, ill=ill)
    ref, est, X_xp = _fit_both(RidgeEigen(alpha=0.5, fit_intercept=fit_intercept), X, y, w, xp, device)
    names = SPECTRAL if fit_intercept else [n for n in SPECTRAL if n != "intercept_"]
    if ill:  # the near-null direction's eigenvector is determined to ~eps·cond only
        names = [n for n in names if n != "eigenvectors_"]
    _assert_attributes_match(ref, est, xp, device, names)
    if not fit_intercept:
        assert est.intercept_ == 0.0
    assert est.n_features_in_ == X.shape[1]

    # cond(X) ~ 1e8: below α ~ 1e-2 the solution itself moves by eps·cond² between
    # two roundings of the same data (NumPy's weighted mean vs the array API one)
    alphas = [a for a in ALPHAS if a >= 0.01] if ill else ALPHAS
    with config_context(array_api_dispatch=True):
        pred = est.predict(X_xp)
        coefs, intercepts = est.path(alphas)
    _assert_in_namespace(pred, xp, device)
    assert_allclose(_to_numpy(pred), ref.predict(X), rtol=1e-10, atol=1e-10)
    ref_coefs, ref_intercepts = ref.path(alphas)
    for got, expected in [(coefs, ref_coefs), (intercepts, ref_intercepts)]:
        _assert_in_namespace(got, xp, device)
        assert_allclose(_to_numpy(got), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("combo", FLOAT64, ids=_ids(FLOAT64))
@pytest.mark.parametrize(
    "shape, n_targets, weighted",
    [((40, 6), None, True), ((40, 6), 3, False), ((8, 20), 2, True), ((30, 30), None, False)],
    ids=["gram-w", "gram-multi", "kernel-w", "square"],
)
def test_loo_matches_numpy(combo, shape, n_targets, weighted):
    xp, device = _namespace(combo)
    X, y, w = _data(*shape, n_targets=n_targets, seed=1)
    w = w if weighted else None
    model = RidgeEigenCV(alphas=ALPHAS, store_cv_results=True)
    ref, est, _ = _fit_both(model, X, y, w, xp, device)
    assert isinstance(est.alpha_, float) and est.alpha_ == ref.alpha_
    _assert_attributes_match(ref, est, xp, device, ["best_score_", "cv_results_", *SPECTRAL])
    # the selection is not trivial: the LOO errors differ across alphas
    assert np.ptp(ref.cv_results_.mean(axis=0).reshape(-1, len(ALPHAS)), axis=1).min() > 1e-6


@pytest.mark.parametrize("combo", FLOAT64, ids=_ids(FLOAT64))
def test_loo_per_target_and_scorer_match_numpy(combo):
    xp, device = _namespace(combo)
    X, y, w = _data(30, 5, n_targets=3, seed=2)
    y[:, 2] = 0.01 * y[:, 2] + 5 * np.random.default_rng(3).standard_normal(30)  # noisy target
    per_target = RidgeEigenCV(alphas=ALPHAS, alpha_per_target=True, store_cv_results=True)
    ref, est, _ = _fit_both(per_target, X, y, w, xp, device)
    assert len(set(ref.alpha_.tolist())) > 1  # targets choose different alphas
    _assert_attributes_match(ref, est, xp, device, ["alpha_", "best_score_", "cv_results_", *SPECTRAL])

    # (α = 0 and 1e-15 score alike to round-off: a scorer must not be left to break the tie)
    scored = RidgeEigenCV(alphas=[0.0, 0.01, 1.0, 100.0], scoring="neg_mean_absolute_error",
                          store_cv_results=True)
    ref, est, _ = _fit_both(scored, X, y[:, 0], w, xp, device)
    assert est.alpha_ == ref.alpha_
    _assert_attributes_match(ref, est, xp, device, ["best_score_", "cv_results_", "coef_"])


@pytest.mark.parametrize("combo", FLOAT64, ids=_ids(FLOAT64))
@pytest.mark.parametrize("n_targets", [None, 2])
def test_kfold_matches_numpy(combo, n_targets):
    xp, device = _namespace(combo)
    X, y, w = _data(45, 7, n_targets=n_targets, seed=4)
    model = RidgeEigenCV(alphas=ALPHAS, cv=KFold(3, shuffle=True, random_state=0))
    ref, est, X_xp = _fit_both(model, X, y, w, xp, device)
    assert est.alpha_ == ref.alpha_
    _assert_attributes_match(ref, est, xp, device, ["best_score_", *SPECTRAL])
    with config_context(array_api_dispatch=True):
        pred = est.predict(X_xp)
    _assert_in_namespace(pred, xp, device)
    assert_allclose(_to_numpy(pred), ref.predict(X), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("combo", FLOAT64, ids=_ids(FLOAT64))
def test_spectral_core_matches_numpy(combo):
    xp, device = _namespace(combo)
    X, y, w = _data(25, 10, n_targets=2, seed=5)
    ref = decompose(X, y, w, keep_left=True)
    with config_context(array_api_dispatch=True):
        X_xp, y_xp, w_xp = (xp.asarray(a, device=device) for a in (X, y, w))
        spec = decompose(X_xp, y_xp, w_xp, keep_left=True)
        got = {
            "eigenvalues": spec.eigenvalues,
            "theta_star": spec.theta_star,  # coordinates: signed as the eigenvectors
            "loo": spec.loo_residuals(ALPHAS),
            "coef": spec.ridge_coef(ALPHAS),
            "dof": spec.effective_dof(ALPHAS),
            "intercept": spec.intercept(spec.ridge_coef(ALPHAS)),
        }
        assert spec.rank == ref.rank == 10
    expected = {
        "eigenvalues": ref.eigenvalues,
        "theta_star": ref.theta_star,
        "loo": ref.loo_residuals(ALPHAS),
        "coef": ref.ridge_coef(ALPHAS),
        "dof": ref.effective_dof(ALPHAS),
        "intercept": ref.intercept(ref.ridge_coef(ALPHAS)),
    }
    signs = _column_signs(_to_numpy(spec.eigenvectors), ref.eigenvectors)
    assert_allclose(_to_numpy(spec.eigenvectors) * signs, ref.eigenvectors, atol=1e-10)
    for key, value in got.items():
        _assert_in_namespace(value, xp, device)
        value = _to_numpy(value) * (signs[:, None] if key == "theta_star" else 1.0)
        assert_allclose(value, expected[key], rtol=1e-10, atol=1e-10, err_msg=key)


@pytest.mark.parametrize("combo", FLOAT32, ids=_ids(FLOAT32))
def test_float32_input_gives_float32_outputs(combo):
    """float32 in, float32 coef_/intercept_/predict out, computed in the device's best float."""
    xp, device = _namespace(combo)
    X, y, w = _data(40, 6, seed=6)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    ref, est, X_xp = _fit_both(RidgeEigenCV(alphas=ALPHAS, store_cv_results=True), X32, y32, w, xp, device)
    assert est.coef_.dtype == xp.float32 and est.cv_results_.dtype == xp.float32
    assert est.alpha_ == ref.alpha_
    _assert_attributes_match(ref, est, xp, device, ["coef_", "intercept_", "cv_results_"],
                             rtol=1e-5, atol=1e-5)
    with config_context(array_api_dispatch=True):
        pred = est.predict(X_xp)
    assert pred.dtype == xp.float32
    assert_allclose(_to_numpy(pred), ref.predict(X32), rtol=1e-5, atol=1e-4)


def test_float32_only_device_keeps_float32(monkeypatch):
    """A device without float64 (Apple MPS): everything in float32, LOO within its bound.

    Simulated on array-api-strict by making scikit-learn's "highest float precision of
    the device" answer float32.  docs/array_api.md states the bound checked here: the
    leave-one-out errors carry a relative error of about eps₃₂·λ_max/(λ_min + α).
    """
    xp, device = _array_api_for_tests("array_api_strict", "CPU_DEVICE", "float32")
    float32_only = lambda xp, device: xp.float32  # noqa: E731
    monkeypatch.setattr(centering_module, "_max_precision_float_dtype", float32_only)
    monkeypatch.setattr(base_module, "_max_precision_float_dtype", float32_only)
    X, y, w = _data(50, 5, seed=7)
    alphas = [0.0, 0.1, 10.0]
    ref = RidgeEigenCV(alphas=alphas, store_cv_results=True).fit(X, y, sample_weight=w)
    with config_context(array_api_dispatch=True):
        est = RidgeEigenCV(alphas=alphas, store_cv_results=True).fit(
            xp.asarray(X, dtype=xp.float32), xp.asarray(y, dtype=xp.float32),
            sample_weight=xp.asarray(w, dtype=xp.float32),
        )
    assert est.eigenvalues_.dtype == xp.float32 and est.eigenvectors_.dtype == xp.float32
    assert est.coef_.dtype == xp.float32
    lam = ref.eigenvalues_
    eps32 = float(np.finfo(np.float32).eps)
    for j, alpha in enumerate(alphas):
        bound = 50 * eps32 * lam[0] / (lam[-1] + alpha)  # 50: a few ulps of data, sums
        loo, loo_ref = np.sqrt(_to_numpy(est.cv_results_)[:, j]), np.sqrt(ref.cv_results_[:, j])
        rel = np.abs(loo - loo_ref) / np.max(loo_ref)
        assert rel.max() < bound, (alpha, rel.max(), bound)
        assert rel.max() > 1e-12  # really computed in float32
    assert_allclose(_to_numpy(est.coef_), ref.coef_, rtol=1e-4)


def test_dispatch_with_numpy_input_is_bit_identical():
    X, y, w = _data(30, 5, n_targets=2, seed=8)
    for model in [RidgeEigen(alpha=0.3), RidgeEigenCV(alphas=ALPHAS, store_cv_results=True),
                  RidgeEigenCV(alphas=ALPHAS, cv=3)]:
        ref = sklearn.clone(model).fit(X, y, sample_weight=w)
        with config_context(array_api_dispatch=True):
            est = sklearn.clone(model).fit(X, y, sample_weight=w)
            pred = est.predict(X)
        assert isinstance(est.coef_, np.ndarray) and isinstance(pred, np.ndarray)
        for name in ["coef_", "intercept_", "eigenvalues_", "eigenvectors_", "shrinkage_"]:
            assert_array_equal(getattr(est, name), getattr(ref, name))
        assert_array_equal(pred, ref.predict(X))


def test_mixed_inputs_follow_X():
    """y and sample_weight in NumPy (or lists) follow X's namespace and device."""
    xp, device = _array_api_for_tests("array_api_strict", "device1", "float64")
    X, y, w = _data(30, 4, seed=9)
    ref = RidgeEigenCV(alphas=ALPHAS, cv=3).fit(X, y, sample_weight=w)
    with config_context(array_api_dispatch=True):
        est = RidgeEigenCV(alphas=ALPHAS, cv=3).fit(xp.asarray(X, device=device), y.tolist(),
                                                    sample_weight=w)
    _assert_attributes_match(ref, est, xp, device, ["coef_", "intercept_", "eigenvalues_"])
    # a number as sample_weight is not an array to move (scikit-learn's move_to rejects it)
    ref = RidgeEigen(alpha=1.0).fit(X, y, sample_weight=3.0)
    with config_context(array_api_dispatch=True):
        est = RidgeEigen(alpha=1.0).fit(xp.asarray(X, device=device), y, sample_weight=3.0)
        on_numpy = RidgeEigen(alpha=1.0).fit(X, y, sample_weight=3.0)
    _assert_attributes_match(ref, est, xp, device, ["coef_", "intercept_", "eigenvalues_"])
    assert_array_equal(on_numpy.coef_, ref.coef_)
    assert ref.coef_ != pytest.approx(RidgeEigen(alpha=1.0).fit(X, y).coef_)  # the weight counts


def test_predict_in_another_namespace_raises():
    xp, device = _array_api_for_tests("array_api_strict", "CPU_DEVICE", "float64")
    X, y, _ = _data(20, 3, seed=10)
    with config_context(array_api_dispatch=True):
        est = RidgeEigen().fit(xp.asarray(X), xp.asarray(y))
        with pytest.raises(ValueError, match=r"RidgeEigen\.predict\(\) must use the same namespace"):
            est.predict(X)
    numpy_fit = RidgeEigen().fit(X, y)
    with config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match="same namespace"):
            numpy_fit.predict(xp.asarray(X))


def test_partial_fit_rejects_array_api_input():
    xp, _ = _array_api_for_tests("array_api_strict", "CPU_DEVICE", "float64")
    X, y, _ = _data(20, 3, seed=11)
    est = RidgeEigen()
    with config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match="partial_fit takes NumPy arrays only"):
            est.partial_fit(xp.asarray(X), xp.asarray(y))
    assert not hasattr(est, "coef_")


def test_memory_is_skipped_for_array_api_input(tmp_path):
    xp, _ = _array_api_for_tests("array_api_strict", "CPU_DEVICE", "float64")
    X, y, _ = _data(20, 3, seed=12)
    with config_context(array_api_dispatch=True):
        est = RidgeEigen(alpha=2.0, memory=str(tmp_path)).fit(xp.asarray(X), xp.asarray(y))
    assert not any(path.is_file() for path in tmp_path.rglob("*"))  # nothing cached
    assert_allclose(_to_numpy(est.coef_), RidgeEigen(alpha=2.0).fit(X, y).coef_, rtol=1e-10)
    RidgeEigen(alpha=2.0, memory=str(tmp_path)).fit(X, y)  # NumPy input is cached
    assert any(path.is_file() for path in tmp_path.rglob("*"))


def test_array_api_tags():
    assert RidgeEigen().__sklearn_tags__().array_api_support
    assert RidgeEigenCV(cv=5).__sklearn_tags__().array_api_support
    # NumPy/SciPy-only options say so in the tags (and raise on array API input)
    assert not RidgeEigen(solver="lanczos").__sklearn_tags__().array_api_support
    assert not RidgeEigen(penalty_factor=[1.0, 0.0]).__sklearn_tags__().array_api_support
    assert not RidgeEigenCV(penalty_factor=[1.0, 0.0]).__sklearn_tags__().array_api_support
    for other in [SoftThresholdQuadratic(), EarlyStoppedGD()]:
        assert not other.__sklearn_tags__().array_api_support



def test_move_estimator_to_numpy_moves_the_decomposition():
    """scikit-learn's move_estimator_to takes the fitted spectrum along: path() follows."""
    from sklearn.utils._array_api import move_estimator_to

    xp, device = _array_api_for_tests("array_api_strict", "device1", "float64")
    X, y, _ = _data(30, 4, n_targets=2, seed=13)
    with config_context(array_api_dispatch=True):
        est = RidgeEigen(alpha=0.7).fit(xp.asarray(X, device=device), xp.asarray(y, device=device))
        moved = move_estimator_to(est, np, "cpu")
    assert isinstance(moved.coef_, np.ndarray) and isinstance(moved._spectrum.eigenvalues, np.ndarray)
    assert moved is not est and not isinstance(est.coef_, np.ndarray)  # the original stays
    ref = RidgeEigen(alpha=0.7).fit(X, y)
    coefs, intercepts = moved.path([0.1, 0.7])
    assert isinstance(coefs, np.ndarray)
    assert_allclose(coefs[1], ref.coef_, rtol=1e-10)
    assert_allclose(intercepts, ref.path([0.1, 0.7])[1], rtol=1e-10)
    assert_allclose(moved.predict(X), ref.predict(X), rtol=1e-10)


def test_guide_example_runs():
    """The PyTorch example of docs/array_api.md runs (where PyTorch is installed)."""
    pytest.importorskip("torch")
    page = Path(__file__).resolve().parents[2] / "docs" / "array_api.md"
    block = re.search(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S).group(1)
    namespace = {}
    exec(compile(block, str(page), "exec"), namespace)  # noqa: S102 - our own guide
    cv = namespace["cv"]
    assert type(cv.coef_).__module__.startswith("torch") and isinstance(cv.alpha_, float)
    assert namespace["coefs"].shape == (3, 50)


@pytest.mark.parametrize(
    "model, match",
    [
        (RidgeEigen(solver="lanczos"), "solver='lanczos' takes NumPy/SciPy arrays only"),
        (RidgeEigen(penalty_factor=np.array([1.0, 0.0, 2.0])), "penalty_factor is not supported"),
        (RidgeEigenCV(penalty_factor=np.array([1.0, 0.0, 2.0])), "penalty_factor is not supported"),
        (RidgeEigenCV(cv=3, penalty_factor=np.array([1.0, 0.0, 2.0])), "penalty_factor is not supported"),
    ],
)
def test_numpy_only_options_raise_on_array_api_input(model, match):
    xp, _ = _array_api_for_tests("array_api_strict", "CPU_DEVICE", "float64")
    X, y, _ = _data(20, 3, seed=14)
    with config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match=match):
            sklearn.clone(model).fit(xp.asarray(X), xp.asarray(y))
        fitted = sklearn.clone(model).fit(X, y)  # NumPy input: the option works
    assert fitted.coef_.shape == (3,)


@pytest.mark.parametrize("combo", FLOAT64, ids=_ids(FLOAT64))
@pytest.mark.parametrize("cv", [None, 4])
def test_one_standard_error_rule_matches_numpy(combo, cv):
    """selection='1se': the standard error over LOO samples / folds, in X's namespace."""
    xp, device = _namespace(combo)
    X, y, w = _data(60, 8, seed=15)
    alphas = np.logspace(-2, 3, 12)
    model = RidgeEigenCV(alphas=alphas, cv=cv, selection="1se")
    ref, est, _ = _fit_both(model, X, y, w, xp, device)
    assert ref.alpha_1se_ > ref.alpha_min_  # the rule moves the choice
    assert (est.alpha_, est.alpha_min_, est.alpha_1se_) == (ref.alpha_, ref.alpha_min_, ref.alpha_1se_)
    names = ["best_score_", "coef_"] + (["score_path_", "mse_path_"] if cv else [])
    _assert_attributes_match(ref, est, xp, device, names)


def test_auto_solver_beyond_the_budget_raises_for_array_api_input(monkeypatch):
    """Where NumPy input would switch to Lanczos, array API input says it cannot."""
    xp, _ = _array_api_for_tests("array_api_strict", "CPU_DEVICE", "float64")
    X, y, _ = _data(20, 3, seed=16)
    monkeypatch.setitem(skreg._config._CONFIG, "memory_budget", 8)  # not even a 3 x 3 Gram
    with config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match="with solver='auto' it needs"):
            RidgeEigen().fit(xp.asarray(X), xp.asarray(y))
        assert RidgeEigen().fit(X, y).solver_ == "lanczos"  # NumPy input: Lanczos


@pytest.mark.parametrize("combo", FLOAT64, ids=_ids(FLOAT64))
def test_auto_grid_and_per_target_kfold_under_array_api(combo):
    xp, device = _namespace(combo)
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 5))
    Y = X @ rng.standard_normal((5, 2)) + rng.standard_normal((40, 2)) * [0.5, 8.0]
    cv = KFold(4)
    for params in ({"alphas": "auto"}, {"alphas": np.logspace(-3, 4, 12), "cv": cv,
                                         "alpha_per_target": True}):
        ref = RidgeEigenCV(**params).fit(X, Y)
        with config_context(array_api_dispatch=True):
            ours = RidgeEigenCV(**params).fit(xp.asarray(X, device=device),
                                              xp.asarray(Y, device=device))
        _assert_in_namespace(ours.alphas_, xp, device)
        assert_allclose(_to_numpy(ours.alphas_), ref.alphas_, rtol=1e-10)
        assert_allclose(np.asarray(_to_numpy(ours.alpha_) if hasattr(ours.alpha_, "shape")
                                   else ours.alpha_), ref.alpha_, rtol=1e-12)
        assert_allclose(_to_numpy(ours.coef_), ref.coef_, rtol=1e-9)
