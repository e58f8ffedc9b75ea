"""RidgeEigenCV(cv='gcv'), alphas='auto', the grid-edge warning and per-target K-fold."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import KFold

from skreg import RidgeEigen, RidgeEigenCV


def _data(n=40, d=6, t=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.2, 3.0, d) + 1.5
    coef = rng.standard_normal((d, t))
    y = X @ coef + rng.standard_normal((n, t)) + 2.0
    return X, (y[:, 0] if t == 1 else y), rng.uniform(0.2, 3.0, n)


def _gcv_brute_force(X, y, alphas, sample_weight=None, fit_intercept=True, factor=None):
    """n·RSS/(n − tr S)² with the hat matrix S built densely, weights normalized to mean 1."""
    n, d = X.shape
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    w = w * n / w.sum()  # scores use normalized weights ...
    raw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    A = np.hstack([np.ones((n, 1)), X]) if fit_intercept else X
    p = np.ones(d) if factor is None else np.asarray(factor, float)
    pen = np.concatenate([[0.0], p]) if fit_intercept else p
    y2 = y.reshape(n, -1)
    out = []
    for a in alphas:  # ... the fit is ridge with the user's weights at strength α
        M = A.T @ (raw[:, None] * A) + a * np.diag(pen)
        S = A @ np.linalg.pinv(M) @ A.T * raw[None, :]  # ŷ = S y
        rss = w @ (y2 - S @ y2) ** 2
        out.append(n * rss / (n - np.trace(S)) ** 2)
    return np.asarray(out)  # (m, t)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(40, 6), (12, 30)])
def test_gcv_equals_dense_hat_matrix(weighted, fit_intercept, shape):
    X, y, sw = _data(*shape)
    sw = sw if weighted else None
    alphas = np.logspace(-2, 3, 9)
    model = RidgeEigenCV(alphas=alphas, cv="gcv", store_cv_results=True,
                         fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    ref = _gcv_brute_force(X, y, alphas, sw, fit_intercept)[:, 0]
    # (p > n: the dense n − tr S at small α loses digits to cancellation, not ours)
    rtol = 1e-9 if shape[0] > shape[1] else 1e-7
    np.testing.assert_allclose(model.cv_results_, ref, rtol=rtol)
    assert model.cv_results_.shape == (9,)
    assert model.alpha_ == alphas[np.argmin(ref)]
    assert model.best_score_ == pytest.approx(-ref.min(), rel=rtol)
    fixed = RidgeEigen(alpha=model.alpha_, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, fixed.coef_, rtol=1e-10, atol=1e-12)


def test_gcv_with_penalty_factor_equals_dense_hat_matrix():
    X, y, sw = _data(30, 5)
    factor = np.array([0.0, 1.0, 2.0, 0.5, 1.0])
    alphas = np.logspace(-2, 2, 7)
    model = RidgeEigenCV(alphas=alphas, cv="gcv", store_cv_results=True,
                         penalty_factor=factor).fit(X, y, sample_weight=sw)
    ref = _gcv_brute_force(X, y, alphas, sw, True, factor)[:, 0]
    np.testing.assert_allclose(model.cv_results_, ref, rtol=1e-9)


def test_gcv_invariant_to_a_common_weight_scale():
    X, y, sw = _data()
    alphas = np.logspace(-2, 3, 9)
    a = RidgeEigenCV(alphas=alphas, cv="gcv", store_cv_results=True).fit(X, y, sample_weight=sw)
    b = RidgeEigenCV(alphas=alphas * 10, cv="gcv", store_cv_results=True).fit(
        X, y, sample_weight=10 * sw)  # α in the weights' units: α·c on weights·c
    np.testing.assert_allclose(a.cv_results_, b.cv_results_, rtol=1e-10)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10)


def test_gcv_multitarget_and_per_target():
    X, Y, _ = _data(40, 5, t=3)
    Y[:, 1] *= 20  # different noise-to-signal per target
    alphas = np.logspace(-2, 3, 15)
    joint = RidgeEigenCV(alphas=alphas, cv="gcv", store_cv_results=True).fit(X, Y)
    ref = _gcv_brute_force(X, Y, alphas)
    np.testing.assert_allclose(joint.cv_results_, ref, rtol=1e-9)
    assert joint.cv_results_.shape == (15, 3)
    assert joint.alpha_ == alphas[np.argmin(ref.mean(axis=1))]
    per = RidgeEigenCV(alphas=alphas, cv="gcv", alpha_per_target=True).fit(X, Y)
    np.testing.assert_array_equal(per.alpha_, alphas[np.argmin(ref, axis=0)])
    np.testing.assert_allclose(per.best_score_, -ref.min(axis=0), rtol=1e-9)
    for j in range(3):
        single = RidgeEigenCV(alphas=alphas, cv="gcv").fit(X, Y[:, j])
        assert single.alpha_ == per.alpha_[j]
        np.testing.assert_allclose(per.coef_[j], single.coef_, rtol=1e-10)


def test_gcv_interpolating_limit_is_finite_at_alpha_zero():
    # p > n: n − dof → 0 and RSS → 0 together as α → 0; the ratio has a finite limit
    X, y, _ = _data(10, 25)
    alphas = np.array([0.0, 1e-12, 1e-8, 1.0])
    model = RidgeEigenCV(alphas=alphas, cv="gcv", store_cv_results=True).fit(X, y)
    assert np.all(np.isfinite(model.cv_results_))
    np.testing.assert_allclose(model.cv_results_[0], model.cv_results_[1], rtol=1e-6)
    ref = _gcv_brute_force(X, y, [0.1, 1.0])[:, 0]
    got = RidgeEigenCV(alphas=[0.1, 1.0], cv="gcv", store_cv_results=True).fit(X, y)
    np.testing.assert_allclose(got.cv_results_, ref, rtol=1e-8)
    # the limit: n·Σbᵢ²/λᵢ² / (Σ1/λᵢ)² from the eigen-decomposition of the centred kernel
    Xc, yc = X - X.mean(0), y - y.mean()
    s_val, U = np.linalg.svd(Xc, full_matrices=False)[1], np.linalg.svd(Xc, full_matrices=False)[0]
    keep = s_val > 1e-10 * s_val[0]
    lam, b = s_val[keep] ** 2, U[:, keep].T @ yc
    limit = len(y) * np.sum(b**2 / lam**2) / np.sum(1 / lam) ** 2
    assert model.cv_results_[0] == pytest.approx(limit, rel=1e-8)


def test_gcv_sparse_equals_dense():
    X, y, sw = _data(50, 8)
    X[np.abs(X) < 1.2] = 0.0
    alphas = np.logspace(-2, 3, 9)
    dense = RidgeEigenCV(alphas=alphas, cv="gcv", store_cv_results=True).fit(X, y, sample_weight=sw)
    Xs = sp.csr_matrix(X)
    sparse = RidgeEigenCV(alphas=alphas, cv="gcv", store_cv_results=True).fit(Xs, y, sample_weight=sw)
    np.testing.assert_allclose(sparse.cv_results_, dense.cv_results_, rtol=1e-8)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-8)


def test_gcv_refuses_1se_and_scoring():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="1se.*not offered for cv='gcv'"):
        RidgeEigenCV(cv="gcv", selection="1se").fit(X, y)
    with pytest.raises(ValueError, match="scoring must be None"):
        RidgeEigenCV(cv="gcv", scoring="r2").fit(X, y)
    with pytest.raises(ValueError):
        RidgeEigenCV(cv="loo").fit(X, y)


@pytest.mark.parametrize("cv", [None, "gcv", 4])
@pytest.mark.parametrize("shape", [(60, 8), (15, 40)])
def test_auto_grid_spans_the_degrees_of_freedom(cv, shape):
    X, y, _ = _data(*shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # never the edge warning for 'auto'
        model = RidgeEigenCV(alphas="auto", cv=cv).fit(X, y)
    assert model.alphas_.shape == (50,)
    assert np.all(np.diff(model.alphas_) > 0)
    lam = RidgeEigen().fit(X, y).eigenvalues_
    rank = int(np.count_nonzero(lam))
    dof = (lam / (lam + model.alphas_[:, None])).sum(axis=1)
    np.testing.assert_allclose(dof[[0, -1]], [rank - 0.5, 0.5], atol=1e-9)
    np.testing.assert_allclose(np.diff(dof), -(rank - 1) / 49, atol=1e-9)
    assert model.alpha_ in model.alphas_


@pytest.mark.parametrize("cv", [None, "gcv", 3])
def test_edge_of_a_user_grid_warns(cv):
    X, y, _ = _data()
    y = y + 10 * np.random.default_rng(1).standard_normal(y.shape)  # optimum far above 1e-3
    with pytest.warns(UserWarning, match="largest value of the grid.*above"):
        RidgeEigenCV(alphas=[1e-4, 1e-3], cv=cv).fit(X, y)
    with pytest.warns(UserWarning, match="smallest value of the grid.*below"):
        RidgeEigenCV(alphas=[1e5, 1e6], cv=cv).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        RidgeEigenCV(alphas=[1.0], cv=cv).fit(X, y)  # one value: no grid to extend
        model = RidgeEigenCV(alphas=np.logspace(-4, 5, 30), cv=cv).fit(X, y)
    assert model.alphas_[0] < model.alpha_ < model.alphas_[-1]


def test_kfold_per_target_equals_per_column_fits():
    X, Y, sw = _data(45, 6, t=3, seed=3)
    Y[:, 2] *= 30
    alphas = np.logspace(-3, 4, 15)
    cv = KFold(5, shuffle=True, random_state=0)
    for scoring in (None, "neg_mean_squared_error"):
        per = RidgeEigenCV(alphas=alphas, cv=cv, alpha_per_target=True, scoring=scoring).fit(
            X, Y, sample_weight=sw)
        assert per.score_path_.shape == (15, 5, 3)
        assert per.alpha_.shape == (3,)
        for j in range(3):
            single = RidgeEigenCV(alphas=alphas, cv=cv, scoring=scoring).fit(
                X, Y[:, j], sample_weight=sw)
            assert per.alpha_[j] == single.alpha_
            assert per.best_score_[j] == pytest.approx(single.best_score_, rel=1e-10)
            np.testing.assert_allclose(per.score_path_[:, :, j], single.score_path_, rtol=1e-10)
            np.testing.assert_allclose(per.coef_[j], single.coef_, rtol=1e-9)
    assert len(set(per.alpha_.tolist())) > 1  # the targets really chose differently


def test_kfold_per_target_one_se():
    X, Y, _ = _data(45, 6, t=2, seed=4)
    alphas = np.logspace(-3, 4, 15)
    per = RidgeEigenCV(alphas=alphas, cv=5, alpha_per_target=True, selection="1se").fit(X, Y)
    for j in range(2):
        single = RidgeEigenCV(alphas=alphas, cv=5, selection="1se").fit(X, Y[:, j])
        assert per.alpha_1se_[j] == single.alpha_1se_
        assert per.alpha_[j] == single.alpha_


def test_kfold_per_target_refuses_nan_fold_scores():
    X, Y, _ = _data(12, 3, t=2)
    with pytest.raises(ValueError, match="r2 score is NaN"):
        RidgeEigenCV(alphas=[0.1, 1.0], cv=12, alpha_per_target=True).fit(X, Y)
