"""RidgeEigen and RidgeEigenCV against scikit-learn, the lecture's formula and properties."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from scipy import linalg
from sklearn.base import clone
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge, RidgeCV
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import RidgeEigen, RidgeEigenCV, _spectral
from skreg.datasets import make_polynomial_example
from skreg.theory import l2_shrink, ridge_spectral_solution


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


def _random(n, d, n_targets=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.1, 3.0, d) + rng.uniform(-2, 2, d)
    shape = (n,) if n_targets is None else (n, n_targets)
    y = rng.standard_normal(shape) + 3.0
    return X, y


# ----------------------------------------------------------------- RidgeEigen vs Ridge
@pytest.mark.parametrize("alpha", [0.0, 1e-3, 0.1, 1.0, 100.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn_ridge_on_diabetes(diabetes, alpha, fit_intercept):
    X, y = diabetes
    ours = RidgeEigen(alpha=alpha, fit_intercept=fit_intercept).fit(X, y)
    ref = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="svd").fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-10)


@pytest.mark.parametrize("shape", [(200, 15), (30, 80), (50, 50)])
def test_matches_sklearn_ridge_multitarget_and_weights(shape):
    X, y = _random(*shape, n_targets=3)
    sw = np.random.default_rng(1).uniform(0.1, 5.0, shape[0])
    ours = RidgeEigen(alpha=0.7).fit(X, y, sample_weight=sw)
    ref = Ridge(alpha=0.7).fit(X, y, sample_weight=sw)
    assert ours.coef_.shape == ref.coef_.shape == (3, shape[1])
    assert ours.intercept_.shape == (3,)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8, atol=1e-9)


def test_lecture_spectral_formula(diabetes):
    X, y = diabetes
    Xc, yc = X - X.mean(0), y - y.mean()
    alphas = np.array([0.01, 0.3, 5.0])
    expected = ridge_spectral_solution(Xc, yc, alphas)
    for a, w in zip(alphas, expected, strict=False):
        np.testing.assert_allclose(RidgeEigen(alpha=a).fit(X, y).coef_, w, rtol=1e-9)
    # λ/(λ+α) shrinkage of the OLS coordinates in the eigenbasis (the lecture's picture)
    model = RidgeEigen(alpha=0.3).fit(X, y)
    lam, U = model.eigenvalues_, model.eigenvectors_
    theta_star = U.T @ RidgeEigen(alpha=0.0).fit(X, y).coef_
    np.testing.assert_allclose(U.T @ model.coef_, l2_shrink(theta_star, lam, 0.3), rtol=1e-9)
    np.testing.assert_allclose(model.shrinkage_, lam / (lam + 0.3))
    assert model.effective_dof_ == pytest.approx(np.sum(lam / (lam + 0.3)))
    # eigen attributes: descending, orthonormal, diagonalize the centred Gram
    assert np.all(np.diff(lam) <= 0)
    np.testing.assert_allclose(U.T @ U, np.eye(10), atol=1e-12)
    np.testing.assert_allclose(U.T @ (Xc.T @ Xc) @ U, np.diag(lam), atol=1e-9 * lam[0])


def test_polynomial_example_against_stable_lstsq():
    X, y = make_polynomial_example()
    model = RidgeEigen(alpha=0.0).fit(X, y)
    ref = linalg.lstsq(X - X.mean(0), y - y.mean(), lapack_driver="gelsd")[0]
    # cond(X) ~ 1e9: a Gram-based solve would lose every digit, the SVD path keeps them
    np.testing.assert_allclose(model.coef_, ref, rtol=1e-6)
    np.testing.assert_allclose(model.predict(X), y, atol=0.5)
    lam = model.eigenvalues_
    assert lam[0] / lam[-1] > 1e12  # the lecture's point: eigenvalues span many decades
    # with α the small-variance directions lose the data: shrinkage → 0 there, → 1 at the top
    shrink = RidgeEigen(alpha=1e-4).fit(X, y).shrinkage_
    assert shrink[0] > 0.99 and shrink[-1] < 1e-6


def test_d_greater_than_n_minimum_norm():
    X, y = _random(20, 60)
    model = RidgeEigen(alpha=0.0).fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    np.testing.assert_allclose(model.coef_, np.linalg.pinv(Xc) @ yc, rtol=1e-8)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-9)  # interpolates
    assert model.eigenvalues_.shape == (19,)  # centring removes one direction
    for a in [1e-3, 1.0]:
        np.testing.assert_allclose(
            RidgeEigen(alpha=a).fit(X, y).coef_, Ridge(alpha=a).fit(X, y).coef_, rtol=1e-7
        )


def test_rank_deficient_alpha_zero_is_pinv_and_finite():
    X, y = _random(100, 5)
    X = np.hstack([X, X[:, :2] * 2.0, X[:, :1] + X[:, 1:2]])  # 8 columns, rank 5
    with np.errstate(all="raise"):
        model = RidgeEigen(alpha=0.0).fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    np.testing.assert_allclose(model.coef_, np.linalg.pinv(Xc) @ yc, rtol=1e-7, atol=1e-9)
    assert np.count_nonzero(model.eigenvalues_) == 5
    assert model.effective_dof_ == pytest.approx(5.0)
    # a tiny α cannot blow up the null directions
    np.testing.assert_allclose(RidgeEigen(alpha=1e-15).fit(X, y).coef_, model.coef_, rtol=1e-6)


def test_sample_weight_two_equals_duplicated_row():
    X, y = _random(40, 6)
    sw = np.ones(40)
    sw[:7] = 2.0
    weighted = RidgeEigen(alpha=2.0).fit(X, y, sample_weight=sw)
    duplicated = RidgeEigen(alpha=2.0).fit(np.vstack([X, X[:7]]), np.concatenate([y, y[:7]]))
    np.testing.assert_allclose(weighted.coef_, duplicated.coef_, rtol=1e-10)
    np.testing.assert_allclose(weighted.intercept_, duplicated.intercept_, rtol=1e-10)
    zero = np.ones(40)
    zero[-5:] = 0
    np.testing.assert_allclose(
        RidgeEigen().fit(X, y, sample_weight=zero).coef_, RidgeEigen().fit(X[:-5], y[:-5]).coef_
    )


def test_float32_in_float32_out():
    X, y = _random(300, 8)
    model = RidgeEigen(alpha=1.0).fit(X.astype(np.float32), y.astype(np.float32))
    assert model.coef_.dtype == np.float32
    assert model.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(model.coef_, RidgeEigen(alpha=1.0).fit(X, y).coef_, rtol=1e-4)


def test_path_equals_refits_and_handles_2d(diabetes):
    X, y = diabetes
    alphas = np.logspace(-3, 2, 7)
    model = RidgeEigen(alpha=1.0).fit(X, y)
    coefs, intercepts = model.path(alphas)
    assert coefs.shape == (7, 10) and intercepts.shape == (7,)
    for a, c, b in zip(alphas, coefs, intercepts, strict=False):
        ref = Ridge(alpha=a).fit(X, y)
        np.testing.assert_allclose(c, ref.coef_, rtol=1e-8)
        assert b == pytest.approx(ref.intercept_)
    Y = np.column_stack([y, -y, 2 * y])
    coefs, intercepts = RidgeEigen().fit(X, Y).path(alphas)
    assert coefs.shape == (7, 3, 10) and intercepts.shape == (7, 3)
    np.testing.assert_allclose(coefs[:, 2], 2 * coefs[:, 0], rtol=1e-12)
    with pytest.raises(ValueError, match="alphas"):
        model.path([-1.0])


def test_effective_dof_falls_from_rank_to_zero(diabetes):
    X, y = diabetes
    model = RidgeEigen(alpha=0.0).fit(X, y)
    assert model.effective_dof_ == pytest.approx(10.0)
    dofs = [RidgeEigen(alpha=a).fit(X, y).effective_dof_ for a in np.logspace(-4, 6, 11)]
    assert np.all(np.diff(dofs) < 0) and dofs[-1] < 1e-3


@pytest.mark.parametrize(
    "make_bad, match",
    [
        (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 3, np.nan, X), y), "NaN"),
        (
            lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 3, np.inf, X), y),
            "infinity",
        ),
        (lambda X, y: (X, y[:-1]), "inconsistent numbers of samples"),
        (lambda X, y: (X, np.where(np.arange(y.size) == 0, np.nan, y)), "NaN"),
    ],
)
def test_bad_input_clear_errors(make_bad, match):
    X, y = _random(30, 4)
    Xb, yb = make_bad(X, y)
    with pytest.raises(ValueError, match=match):
        RidgeEigen().fit(Xb, yb)
    with pytest.raises(ValueError, match=match):
        RidgeEigenCV().fit(Xb, yb)


def test_bad_parameters():
    X, y = _random(30, 4)
    with pytest.raises(ValueError, match="alpha"):
        RidgeEigen(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="alphas"):
        RidgeEigenCV(alphas=[1.0, -2.0]).fit(X, y)
    with pytest.raises(ValueError, match="alphas"):
        RidgeEigenCV(alphas=[np.nan]).fit(X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        RidgeEigen().fit(X, y, sample_weight=-np.ones(30))
    with pytest.raises(ValueError, match="features"):
        RidgeEigen().fit(X, y).predict(X[:, :3])


def test_inputs_not_mutated_and_pandas_roundtrip():
    X, y = _random(50, 3)
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    X0, y0 = df.copy(), y.copy()
    sw = np.ones(50)
    model = RidgeEigen().fit(df, pd.Series(y), sample_weight=sw)
    pd.testing.assert_frame_equal(df, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(sw, np.ones(50))
    assert list(model.feature_names_in_) == ["a", "b", "c"]
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(df), model.predict(df))
    np.testing.assert_array_equal(restored.path([0.5])[0], model.path([0.5])[0])


# ---------------------------------------------------------------------------- caching
def test_memory_reuses_decomposition_and_tracks_data(tmp_path, monkeypatch):
    calls = []
    original = _spectral.decompose

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr("skreg.linear_model._ridge.decompose", counting)
    X, y = _random(80, 5)
    memory = joblib.Memory(tmp_path, verbose=0)
    model = RidgeEigen(alpha=1.0, memory=memory)
    for a in [0.1, 1.0, 10.0]:
        model.set_params(alpha=a).fit(X, y)
        np.testing.assert_allclose(model.coef_, Ridge(alpha=a).fit(X, y).coef_, rtol=1e-9)
    assert len(calls) == 1
    # any change of the data gives a new decomposition and the right answer
    X2 = X.copy()
    X2[3, 2] += 1e-6
    for Xn, yn, sw in [(X2, y, None), (X, y + 1.0, None), (X, y, np.full(80, 2.0)), (-X, y, None)]:
        model.fit(Xn, yn, sample_weight=sw)
        ref = Ridge(alpha=10.0).fit(Xn, yn, sample_weight=sw)
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-9)
    assert len(calls) == 5
    model.set_params(fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(model.coef_, Ridge(10.0, fit_intercept=False).fit(X, y).coef_)
    assert len(calls) == 6


def test_grid_search_with_memory_equals_sklearn(tmp_path, diabetes):
    X, y = diabetes
    grid = {"ridgeeigen__alpha": np.logspace(-3, 2, 6)}
    ours = GridSearchCV(
        make_pipeline(StandardScaler(), RidgeEigen(memory=str(tmp_path))), grid, cv=3, n_jobs=2
    ).fit(X, y)
    ref = GridSearchCV(
        make_pipeline(StandardScaler(), Ridge()), {"ridge__alpha": grid["ridgeeigen__alpha"]}, cv=3
    ).fit(X, y)
    assert ours.best_params_["ridgeeigen__alpha"] == ref.best_params_["ridge__alpha"]
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"], rtol=1e-9
    )
    # the cache holds one decomposition per fold plus the refit, not one per candidate
    cached = [p for p in tmp_path.rglob("output.pkl")]
    assert len(cached) == 4


# ---------------------------------------------------------------------- RidgeEigenCV
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(442, 10), (40, 100)])
def test_loo_matches_ridgecv(diabetes, fit_intercept, weighted, shape):
    if shape == (442, 10):
        X, y = diabetes
    else:
        X, y = _random(*shape)
    sw = np.random.default_rng(3).uniform(0.2, 4.0, X.shape[0]) if weighted else None
    alphas = np.logspace(-4, 4, 17)
    ours = RidgeEigenCV(alphas=alphas, fit_intercept=fit_intercept, store_cv_results=True)
    ref = RidgeCV(alphas=alphas, fit_intercept=fit_intercept, store_cv_results=True)
    ours.fit(X, y, sample_weight=sw)
    ref.fit(X, y, sample_weight=sw)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-7)
    np.testing.assert_allclose(ours.cv_results_, ref.cv_results_, rtol=1e-6)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8, atol=1e-10)


def test_loo_equals_explicit_leave_one_out():
    X, y = _random(25, 4)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, 25)
    model = RidgeEigenCV(alphas=[0.0, 0.5, 3.0], store_cv_results=True).fit(X, y, sample_weight=sw)
    for j, a in enumerate([0.0, 0.5, 3.0]):
        errors = []
        for k in range(25):
            keep = np.arange(25) != k
            fit = Ridge(alpha=a).fit(X[keep], y[keep], sample_weight=sw[keep])
            errors.append(sw[k] * (y[k] - fit.predict(X[k : k + 1])[0]) ** 2)
        np.testing.assert_allclose(model.cv_results_[:, j], errors, rtol=1e-8)


def test_loo_scoring_multitarget_and_alpha_per_target(diabetes):
    X, y = diabetes
    Y = np.column_stack([y, np.sqrt(np.abs(y)) * 10])
    alphas = np.logspace(-3, 3, 9)
    for kw in [
        {"scoring": "r2"},
        {"alpha_per_target": True},
        {"alpha_per_target": True, "scoring": "neg_mean_absolute_error"},
    ]:
        ours = RidgeEigenCV(alphas=alphas, store_cv_results=True, **kw).fit(X, Y)
        ref = RidgeCV(alphas=alphas, store_cv_results=True, **kw).fit(X, Y)
        np.testing.assert_array_equal(ours.alpha_, ref.alpha_)
        np.testing.assert_allclose(ours.best_score_, ref.best_score_, rtol=1e-7)
        np.testing.assert_allclose(ours.cv_results_, ref.cv_results_, rtol=1e-6)
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7)


@pytest.mark.parametrize("cv", [3, KFold(4, shuffle=True, random_state=0)])
def test_kfold_matches_ridgecv(diabetes, cv):
    X, y = diabetes
    alphas = np.logspace(-3, 3, 13)
    ours = RidgeEigenCV(alphas=alphas, cv=cv).fit(X, y)
    ref = RidgeCV(alphas=alphas, cv=cv).fit(X, y)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-9)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8)
    with pytest.raises(ValueError, match="incompatible"):
        RidgeEigenCV(cv=3, store_cv_results=True).fit(X, y)


def test_zero_and_tiny_alphas_are_stable():
    """scikit-learn issues #4781 and #32459: RidgeCV with α → 0 breaks; ours stays finite."""
    X, y = _random(60, 8)
    alphas = [0.0, 1e-15, 1e-10, 1.0]
    model = RidgeEigenCV(alphas=alphas, store_cv_results=True).fit(X, y)
    assert np.all(np.isfinite(model.cv_results_))
    # α = 0 gives the ordinary least-squares LOO errors, α = 1e-15 the same to round-off
    ols = RidgeEigenCV(alphas=[0.0], store_cv_results=True).fit(X, y).cv_results_[:, 0]
    resid = y - RidgeEigen(alpha=0.0).fit(X, y).predict(X)
    Xa = np.column_stack([np.ones(60), X])
    h = np.einsum("ij,ji->i", Xa, np.linalg.pinv(Xa))
    np.testing.assert_allclose(ols, (resid / (1 - h)) ** 2, rtol=1e-8)
    np.testing.assert_allclose(model.cv_results_[:, 1], model.cv_results_[:, 0], rtol=1e-6)
    # large sample weights, d > n (interpolation regime): still finite, good model chosen
    Xw, yw = _random(30, 60, seed=5)
    sw = np.random.default_rng(0).uniform(1e6, 1e8, 30)
    model = RidgeEigenCV(alphas=[0.0, 1e-15, 1e-3, 1e3], store_cv_results=True)
    model.fit(Xw, yw, sample_weight=sw)
    assert np.all(np.isfinite(model.cv_results_)) and np.all(np.isfinite(model.coef_))
    explicit = []
    for k in range(30):  # α = 0 on d > n is the α → 0⁺ limit: min-norm interpolant's LOO
        keep = np.arange(30) != k
        fit = RidgeEigen(alpha=0.0).fit(Xw[keep], yw[keep], sample_weight=sw[keep])
        explicit.append(sw[k] * (yw[k] - fit.predict(Xw[k : k + 1])[0]) ** 2)
    np.testing.assert_allclose(model.cv_results_[:, 0], explicit, rtol=1e-5)


def test_cv_spectral_attributes_and_clone(diabetes):
    X, y = diabetes
    model = RidgeEigenCV(alphas=[0.1, 1.0]).fit(X, y)
    ref = RidgeEigen(alpha=model.alpha_).fit(X, y)
    np.testing.assert_allclose(model.eigenvalues_, ref.eigenvalues_)
    np.testing.assert_allclose(model.shrinkage_, ref.shrinkage_)
    assert model.effective_dof_ == pytest.approx(ref.effective_dof_)
    assert clone(model).get_params() == model.get_params()
