"""penalty_factor of SoftThresholdQuadratic: Ω(w) = Σⱼ pⱼ|wⱼ|, held to equivalent problems."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from sklearn.linear_model import Lasso

from skreg import SoftThresholdQuadratic


def data(n=90, d=12, seed=0, offset=3.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) + offset
    X[:, 1] += 0.8 * X[:, 0]  # some correlation
    coef = rng.standard_normal(d) * (rng.random(d) < 0.6)
    y = X @ coef + rng.standard_normal(n) + 1.0
    return X, y


def weighted_objective(X, y, coef, intercept, alpha, factor, sample_weight=None):
    r = X @ coef + intercept - y
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    return 0.5 * float(np.sum(sw * r**2)) + alpha * float(np.sum(factor * np.abs(coef)))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_positive_factors_equal_column_rescaling(weighted, fit_intercept):
    """Σ pⱼ|wⱼ| on X is the plain L1 on X/p with w̃ = p·w."""
    X, y = data()
    rng = np.random.default_rng(1)
    p = rng.uniform(0.3, 3.0, X.shape[1])
    sw = rng.uniform(0.5, 2.0, len(y)) if weighted else None
    alpha = 40.0
    ours = SoftThresholdQuadratic(
        alpha=alpha, tol=1e-12, penalty_factor=p, fit_intercept=fit_intercept
    ).fit(X, y, sample_weight=sw)
    scaled = SoftThresholdQuadratic(alpha=alpha, tol=1e-12, fit_intercept=fit_intercept).fit(
        X / p, y, sample_weight=sw
    )
    assert 0 < np.count_nonzero(ours.coef_) < X.shape[1]
    assert_allclose(ours.coef_, scaled.coef_ / p, rtol=1e-9, atol=1e-11)
    assert_allclose(ours.intercept_, scaled.intercept_, rtol=1e-10)
    assert ours.alpha_max_ == pytest.approx(scaled.alpha_max_, rel=1e-12)
    assert ours.dual_gap_ == pytest.approx(scaled.dual_gap_, abs=1e-8)


def test_factors_of_one_equal_sklearn_lasso():
    X, y = data(seed=2)
    n = len(y)
    ones = SoftThresholdQuadratic(alpha=30.0, tol=1e-12, penalty_factor=np.ones(X.shape[1])).fit(
        X, y
    )
    ref = Lasso(alpha=30.0 / n, tol=1e-14, max_iter=100_000).fit(X, y)
    assert_allclose(ones.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    assert_allclose(ones.intercept_, ref.intercept_, rtol=1e-10)


@pytest.mark.parametrize("sparse_X", [False, True])
def test_zero_factors_are_least_squares_on_the_residual(sparse_X):
    """Unpenalized features: OLS on the residual of the penalized ones, and the KKT
    conditions hold with weighted dual norm |X_jᵀr| ≤ α pⱼ and X_Uᵀr = 0."""
    X, y = data(seed=3)
    p = np.random.default_rng(4).uniform(0.5, 2.0, X.shape[1])
    p[[0, 5]] = 0.0
    alpha = 80.0
    Xin = sparse.csr_matrix(X) if sparse_X else X
    model = SoftThresholdQuadratic(alpha=alpha, tol=1e-13, penalty_factor=p).fit(Xin, y)
    w = model.coef_
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    r = yc - Xc @ w
    c = Xc.T @ r
    P, U = p > 0, p == 0
    assert_allclose(c[U], 0.0, atol=1e-8 * np.abs(Xc.T @ yc).max())  # X_Uᵀr = 0
    assert np.all(np.abs(c[P]) / p[P] <= alpha * (1 + 1e-8))
    active = P & (w != 0)
    assert active.any() and (P & (w == 0)).any()
    assert_allclose(c[active], alpha * p[active] * np.sign(w[active]), rtol=1e-8)
    # w_U is least squares of the residual of the penalized part on X_U
    w_U = np.linalg.lstsq(Xc[:, U], yc - Xc[:, P] @ w[P], rcond=None)[0]
    assert_allclose(w[U], w_U, rtol=1e-9)
    # α_max: r₀ = residual of y on X_U; max |X_jᵀr₀|/pⱼ over penalized j
    b0 = np.linalg.lstsq(Xc[:, U], yc, rcond=None)[0]
    r0 = yc - Xc[:, U] @ b0
    expected = np.max(np.abs(Xc[:, P].T @ r0) / p[P])
    assert model.alpha_max_ == pytest.approx(expected, rel=1e-10)
    at_max = SoftThresholdQuadratic(alpha=model.alpha_max_, penalty_factor=p).fit(Xin, y)
    assert np.count_nonzero(at_max.coef_[P]) == 0
    assert_allclose(at_max.coef_[U], b0, rtol=1e-9)
    below = SoftThresholdQuadratic(alpha=0.95 * expected, penalty_factor=p).fit(Xin, y)
    assert np.count_nonzero(below.coef_[P]) >= 1


def test_duality_gap_is_the_original_problems():
    """dual_gap_ = primal − dual with the weighted dual norm, computed here by hand."""
    X, y = data(seed=5)
    p = np.linspace(0.0, 2.0, X.shape[1])  # p₀ = 0: one unpenalized feature
    alpha = 60.0
    model = SoftThresholdQuadratic(alpha=alpha, tol=1e-3, penalty_factor=p).fit(X, y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    w = model.coef_
    r = yc - Xc @ w
    primal = 0.5 * r @ r + alpha * np.sum(p * np.abs(w))
    c = Xc.T @ r
    P = p > 0
    # r ⟂ X_U (w_U exact), so θ = κr is dual feasible with κ = min(1, α / max|cⱼ|/pⱼ)
    kappa = min(1.0, alpha / np.max(np.abs(c[P]) / p[P]))
    theta = kappa * r
    dual = 0.5 * yc @ yc - 0.5 * (yc - theta) @ (yc - theta)
    assert model.dual_gap_ == pytest.approx(primal - dual, rel=1e-6, abs=1e-9 * yc @ yc)
    assert model.dual_gap_ <= 1e-3 * yc @ yc


def test_all_zero_factors_are_ordinary_least_squares():
    X, y = data(seed=6)
    model = SoftThresholdQuadratic(alpha=1e6, penalty_factor=np.zeros(X.shape[1])).fit(X, y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    assert_allclose(model.coef_, np.linalg.lstsq(Xc, yc, rcond=None)[0], rtol=1e-9)
    assert model.alpha_max_ == 0.0
    assert model.dual_gap_ == 0.0


def test_collinear_unpenalized_features_give_minimum_norm_least_squares():
    X, y = data(seed=7)
    X = np.column_stack([X, X[:, 0]])  # unpenalized duplicate of column 0
    p = np.ones(X.shape[1])
    p[[0, -1]] = 0.0
    model = SoftThresholdQuadratic(alpha=50.0, tol=1e-12, penalty_factor=p).fit(X, y)
    assert model.coef_[0] == pytest.approx(model.coef_[-1], rel=1e-8)
    ref = SoftThresholdQuadratic(alpha=50.0, tol=1e-12, penalty_factor=p[:-1]).fit(X[:, :-1], y)
    assert_allclose(model.coef_[0] + model.coef_[-1], ref.coef_[0], rtol=1e-8)
    assert_allclose(model.coef_[1:-1], ref.coef_[1:], rtol=1e-8, atol=1e-10)


def test_path_and_warm_start_use_the_factors():
    X, y = data(seed=8)
    p = np.r_[0.0, np.full(X.shape[1] - 1, 2.0)]
    model = SoftThresholdQuadratic(alpha=10.0, tol=1e-12, penalty_factor=p).fit(X, y)
    alphas = [200.0, 50.0, 10.0]
    coefs, intercepts = model.path(alphas)
    for a, coef, b in zip(alphas, coefs, intercepts, strict=False):
        single = SoftThresholdQuadratic(alpha=a, tol=1e-12, penalty_factor=p).fit(X, y)
        assert_allclose(coef, single.coef_, rtol=1e-8, atol=1e-10)
        assert b == pytest.approx(single.intercept_, rel=1e-10)
    warm = SoftThresholdQuadratic(alpha=10.0, tol=1e-12, penalty_factor=p, warm_start=True)
    warm.fit(X, y).set_params(alpha=12.0).fit(X, y)
    cold = SoftThresholdQuadratic(alpha=12.0, tol=1e-12, penalty_factor=p).fit(X, y)
    assert_allclose(warm.coef_, cold.coef_, rtol=1e-8, atol=1e-10)


def test_glmnet_rescaling_is_one_line():
    """glmnet rescales factors to sum to n_features: same fit with α/mean(p)."""
    X, y = data(seed=9)
    p = np.random.default_rng(0).uniform(0.5, 4.0, X.shape[1])
    glmnet_p = p * len(p) / p.sum()
    a = SoftThresholdQuadratic(alpha=30.0 / p.mean(), tol=1e-12, penalty_factor=p).fit(X, y)
    b = SoftThresholdQuadratic(alpha=30.0, tol=1e-12, penalty_factor=glmnet_p).fit(X, y)
    assert_allclose(a.coef_, b.coef_, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize(
    "factor, message",
    [
        (np.ones(3), "shape"),
        (-np.ones(12), ">= 0"),
        (np.r_[np.nan, np.ones(11)], "finite"),
        (np.ones((12, 1)), "shape"),
        (["a"] * 12, "non-negative floats"),
    ],
)
def test_bad_factors_raise_and_leave_no_state(factor, message):
    X, y = data()
    model = SoftThresholdQuadratic(penalty_factor=factor)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)
    assert not [k for k in vars(model) if k.endswith("_")]


def test_positive_with_zero_factors_raises():
    X, y = data()
    p = np.ones(12)
    p[0] = 0.0
    with pytest.raises(ValueError, match="positive=True cannot be combined"):
        SoftThresholdQuadratic(positive=True, penalty_factor=p).fit(X, y)
    # positive factors with positive=True: the rescaled problem
    p[0] = 0.5
    ours = SoftThresholdQuadratic(alpha=20.0, positive=True, tol=1e-12, penalty_factor=p).fit(X, y)
    scaled = SoftThresholdQuadratic(alpha=20.0, positive=True, tol=1e-12).fit(X / p, y)
    assert_allclose(ours.coef_, scaled.coef_ / p, rtol=1e-9, atol=1e-11)
    assert np.all(ours.coef_ >= 0)


def test_factor_array_is_not_mutated():
    X, y = data()
    p = np.linspace(0.0, 1.0, 12)
    before = p.copy()
    SoftThresholdQuadratic(alpha=5.0, penalty_factor=p).fit(X, y)
    np.testing.assert_array_equal(p, before)
