"""RidgeEigenIC: AIC/BIC against direct formulas, and LassoLarsIC's conventions where they meet."""

import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LassoLarsIC

from skreg import RidgeEigen, RidgeEigenIC


def _data(n=50, d=6, seed=0, noise=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.3, 3.0, d) - 2.0
    y = X @ rng.standard_normal(d) + noise * rng.standard_normal(n) + 1.0
    return X, y, rng.uniform(0.2, 3.0, n)


def _direct(X, y, alphas, sample_weight=None, fit_intercept=True, factor=None):
    """RSS (weights normalized to mean 1) and tr S of the dense hat matrix, per α."""
    n, d = X.shape
    raw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    w = raw * n / raw.sum()
    A = np.hstack([np.ones((n, 1)), X]) if fit_intercept else X
    p = np.ones(d) if factor is None else np.asarray(factor, float)
    pen = np.concatenate([[0.0], p]) if fit_intercept else p
    rss, dof = [], []
    for a in alphas:
        S = A @ np.linalg.pinv(A.T @ (raw[:, None] * A) + a * np.diag(pen)) @ A.T * raw[None, :]
        rss.append(w @ (y - S @ y) ** 2)
        dof.append(np.trace(S))
    return np.asarray(rss), np.asarray(dof)


@pytest.mark.parametrize("criterion", ["aic", "bic"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_criteria_equal_direct_formulas(criterion, weighted, fit_intercept):
    X, y, sw = _data()
    sw = sw if weighted else None
    alphas = np.logspace(-2, 4, 13)
    model = RidgeEigenIC(alphas, criterion=criterion, fit_intercept=fit_intercept).fit(
        X, y, sample_weight=sw)
    rss, dof = _direct(X, y, alphas, sw, fit_intercept)
    n = len(y)
    k = 2.0 if criterion == "aic" else math.log(n)
    ref = n * np.log(rss / n) + k * dof
    np.testing.assert_allclose(model.dof_, dof, rtol=1e-10)
    np.testing.assert_allclose(model.criterion_, ref, rtol=1e-10)
    best = int(np.argmin(ref))
    assert model.alpha_ == alphas[best]
    assert model.noise_variance_ == pytest.approx(rss[best] / (n - dof[best]), rel=1e-10)
    fixed = RidgeEigen(alpha=model.alpha_, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, fixed.coef_, rtol=1e-12)
    assert model.intercept_ == pytest.approx(fixed.intercept_, rel=1e-12, abs=1e-12)
    np.testing.assert_array_equal(model.alphas_, alphas)


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_known_noise_variance_and_penalty_factor(criterion):
    X, y, sw = _data(seed=2)
    factor = np.array([0.0, 1.0, 3.0, 1.0, 0.5, 1.0])
    alphas = np.logspace(-2, 4, 13)
    model = RidgeEigenIC(alphas, criterion=criterion, noise_variance=0.7,
                         penalty_factor=factor).fit(X, y, sample_weight=sw)
    rss, dof = _direct(X, y, alphas, sw, True, factor)
    k = 2.0 if criterion == "aic" else math.log(len(y))
    np.testing.assert_allclose(model.criterion_, rss / 0.7 + k * dof, rtol=1e-10)
    assert model.noise_variance_ == 0.7
    fixed = RidgeEigen(alpha=model.alpha_, penalty_factor=factor).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, fixed.coef_, rtol=1e-10)


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_lassolarsic_conventions_at_least_squares(criterion):
    """At α = 0 both are least squares: the same σ̂², the criteria differ by constants.

    LassoLarsIC adds n·log(2πσ²) with a known σ² and does not count the intercept.
    """
    X, y, _ = _data(80, 5, seed=4)
    n = len(y)
    k = 2.0 if criterion == "aic" else math.log(n)
    ours = RidgeEigenIC([0.0], criterion=criterion).fit(X, y)
    ref = LassoLarsIC(criterion=criterion).fit(X, y)
    assert ours.noise_variance_ == pytest.approx(ref.noise_variance_, rel=1e-10)
    sigma2 = 0.8
    ours = RidgeEigenIC([0.0], criterion=criterion, noise_variance=sigma2).fit(X, y)
    ref = LassoLarsIC(criterion=criterion, noise_variance=sigma2).fit(X, y)
    assert ref.alphas_[-1] == 0.0
    expected = ref.criterion_[-1] - n * math.log(2 * math.pi * sigma2) + k
    assert ours.criterion_[0] == pytest.approx(expected, rel=1e-9)


def test_weights_scaled_by_a_common_factor_change_nothing():
    X, y, sw = _data()
    a = RidgeEigenIC().fit(X, y, sample_weight=sw)
    b = RidgeEigenIC().fit(X, y, sample_weight=5 * sw)
    np.testing.assert_allclose(a.criterion_, b.criterion_, rtol=1e-10)
    np.testing.assert_allclose(a.dof_, b.dof_, rtol=1e-10)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10)
    assert a.noise_variance_ == pytest.approx(b.noise_variance_, rel=1e-10)
    np.testing.assert_allclose(b.alphas_, 5 * a.alphas_, rtol=1e-10)  # α in the weights' units


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_p_greater_than_n_works(criterion):
    X, y, _ = _data(15, 40, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = RidgeEigenIC(criterion=criterion).fit(X, y)
    assert np.all(model.dof_ < len(y))
    np.testing.assert_allclose(model.dof_[[0, -1]], [len(y) - 1 - 0.5 + 1, 1.5], rtol=1e-9)
    rss, dof = _direct(X, y, model.alphas_[[10, 30]])
    k = 2.0 if criterion == "aic" else math.log(len(y))
    ref = len(y) * np.log(rss / len(y)) + k * dof
    np.testing.assert_allclose(model.criterion_[[10, 30]], ref, rtol=1e-7)
    with pytest.raises(ValueError, match="fit the data exactly"):
        RidgeEigenIC([0.0, 1.0], criterion=criterion).fit(X, y)


def test_sparse_equals_dense_and_edge_warning():
    X, y, sw = _data(60, 8, seed=6)
    X[np.abs(X + 2) < 1.0] = 0.0
    dense = RidgeEigenIC().fit(X, y, sample_weight=sw)
    sparse = RidgeEigenIC().fit(sp.csr_matrix(X), y, sample_weight=sw)
    np.testing.assert_allclose(sparse.criterion_, dense.criterion_, rtol=1e-9)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-8)
    with pytest.warns(UserWarning, match="RidgeEigenIC: the selected alpha is the largest"):
        RidgeEigenIC([1e-4, 1e-3]).fit(X, 0 * X[:, 0] + np.random.default_rng(0).standard_normal(60))


def test_bad_input():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="criterion"):
        RidgeEigenIC(criterion="cp").fit(X, y)
    with pytest.raises(ValueError, match="noise_variance"):
        RidgeEigenIC(noise_variance=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="y should be a 1d array"):
        RidgeEigenIC().fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="alphas\\[1\\] == -1"):
        RidgeEigenIC([1.0, -1]).fit(X, y)


@pytest.mark.parametrize("sx, sy", [(1e150, 1.0), (1.0, 1e150), (1e-150, 1e-150)])
@pytest.mark.parametrize("noise_variance", [None, 0.5])
def test_extreme_scales_are_equivariant(sx, sy, noise_variance):
    X, y, sw = _data(seed=7)
    nv = None if noise_variance is None else noise_variance * sy**2
    ref = RidgeEigenIC(noise_variance=noise_variance).fit(X, y, sample_weight=sw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = RidgeEigenIC(noise_variance=nv).fit(X * sx, y * sy, sample_weight=sw)
    np.testing.assert_allclose(got.alphas_, ref.alphas_ * sx**2, rtol=1e-10)
    assert got.alpha_ == pytest.approx(ref.alpha_ * sx**2, rel=1e-10)
    np.testing.assert_allclose(got.coef_, ref.coef_ * sy / sx, rtol=1e-9)
    shift = len(y) * np.log(sy**2) if noise_variance is None else 0.0
    np.testing.assert_allclose(got.criterion_, ref.criterion_ + shift, rtol=1e-9)
    assert got.noise_variance_ == pytest.approx(ref.noise_variance_ * sy**2, rel=1e-9)
