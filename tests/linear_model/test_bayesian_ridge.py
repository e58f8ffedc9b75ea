"""BayesianRidgeEigen: scikit-learn's BayesianRidge where it is right,
dense posteriors where not.
"""

import math
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import BayesianRidge

from skreg import BayesianRidgeEigen, RidgeEigen

TIGHT = dict(tol=1e-13, max_iter=100_000)
HYPER = 1e-6


def _data(n, d, seed=0, noise=0.5, n_informative=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.5, 2.0, d) + 1.0
    k = d if n_informative is None else n_informative
    y = X[:, :k] @ rng.standard_normal(k) + noise * rng.standard_normal(n) + 3.0
    return X, y, rng.uniform(0.3, 3.0, n)


def _dense_posterior(X, y, beta, wp, sample_weight=None, fit_intercept=True):
    """Σ, m, the fixed-point right-hand sides and the log evidence, densely."""
    n, d = X.shape
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    if fit_intercept:
        X = X - np.average(X, axis=0, weights=s)
        y = y - np.average(y, weights=s)
    Xw, yw = np.sqrt(s)[:, None] * X, np.sqrt(s) * y
    sigma = np.linalg.inv(beta * Xw.T @ Xw + wp * np.eye(d))
    m = beta * sigma @ Xw.T @ yw
    gamma = d - wp * np.trace(sigma)
    rss = np.sum((yw - Xw @ m) ** 2)
    C = np.eye(n) / beta + Xw @ Xw.T / wp
    logdet = np.linalg.slogdet(C)[1]
    evidence = -0.5 * (yw @ np.linalg.solve(C, yw) + logdet + n * math.log(2 * math.pi))
    evidence += HYPER * (math.log(wp) - wp + math.log(beta) - beta)
    return dict(
        sigma=sigma,
        m=m,
        wp=(gamma + 2 * HYPER) / (m @ m + 2 * HYPER),
        beta=(n - gamma + 2 * HYPER) / (rss + 2 * HYPER),
        evidence=evidence,
    )


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(100, 8), (300, 30)])
def test_equals_sklearn_bayesian_ridge_for_n_greater_than_p(fit_intercept, shape):
    X, y, _ = _data(*shape)
    ref = BayesianRidge(fit_intercept=fit_intercept, compute_score=True, **TIGHT).fit(X, y)
    ours = BayesianRidgeEigen(fit_intercept=fit_intercept, compute_score=True, **TIGHT).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-9, abs=1e-12)
    assert ours.alpha_ == pytest.approx(ref.lambda_ / ref.alpha_, rel=1e-9)
    assert ours.noise_precision_ == pytest.approx(ref.alpha_, rel=1e-9)
    assert ours.weight_precision_ == pytest.approx(ref.lambda_, rel=1e-9)
    np.testing.assert_allclose(ours.sigma_, ref.sigma_, rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(ours.coef_std_, np.sqrt(np.diag(ref.sigma_)), rtol=1e-8)
    k = min(len(ours.scores_), len(ref.scores_))
    np.testing.assert_allclose(ours.scores_[: k - 1], ref.scores_[: k - 1], rtol=1e-10)
    assert ours.scores_[-1] == pytest.approx(ref.scores_[-1], rel=1e-10)
    # the predictive std adds the intercept's posterior variance 1/(βn) to scikit-learn's
    mean, std = ours.predict(X[:5], return_std=True)
    ref_mean, ref_std = ref.predict(X[:5], return_std=True)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-9)
    extra = 1.0 / (ref.alpha_ * len(y)) if fit_intercept else 0.0
    np.testing.assert_allclose(std**2, ref_std**2 + extra, rtol=1e-8)
    # alpha_ is a RidgeEigen strength: the posterior mean is that ridge solution
    ridge = RidgeEigen(alpha=ours.alpha_, fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(ridge.coef_, ours.coef_, rtol=1e-10)


def test_default_iteration_matches_sklearn_start():
    X, y, _ = _data(120, 10, seed=1)
    ref = BayesianRidge(tol=1e-8).fit(X, y)
    ours = BayesianRidgeEigen().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6)
    start = BayesianRidgeEigen(alpha_init=2.0, compute_score=True, **TIGHT).fit(X, y)
    ref2 = BayesianRidge(
        alpha_init=1 / np.var(y), lambda_init=2.0 / np.var(y), compute_score=True, **TIGHT
    ).fit(X, y)
    assert start.scores_[0] == pytest.approx(ref2.scores_[0], rel=1e-12)
    assert start.alpha_ == pytest.approx(ref2.lambda_ / ref2.alpha_, rel=1e-9)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(15, 40), (30, 60)])
def test_p_greater_than_n_against_a_dense_posterior(weighted, shape):
    X, y, sw = _data(*shape, n_informative=4, noise=1.0)
    sw = sw if weighted else None
    model = BayesianRidgeEigen(compute_score=True, **TIGHT).fit(X, y, sample_weight=sw)
    dense = _dense_posterior(X, y, model.noise_precision_, model.weight_precision_, sw)
    # a fixed point of the dense updates
    assert model.weight_precision_ == pytest.approx(dense["wp"], rel=1e-7)
    assert model.noise_precision_ == pytest.approx(dense["beta"], rel=1e-7)
    # (entries far below the largest carry the dense inverse's absolute error)
    np.testing.assert_allclose(
        model.coef_, dense["m"], rtol=1e-7, atol=1e-8 * np.abs(dense["m"]).max()
    )
    np.testing.assert_allclose(
        model.sigma_, dense["sigma"], rtol=1e-7, atol=1e-9 * np.abs(dense["sigma"]).max()
    )
    np.testing.assert_allclose(model.coef_std_, np.sqrt(np.diag(dense["sigma"])), rtol=1e-8)
    assert model.scores_[-1] == pytest.approx(dense["evidence"], rel=1e-9)
    # ... and a maximum of the dense evidence: moving either precision lowers it
    for f_beta, f_wp in [(1.01, 1), (0.99, 1), (1, 1.01), (1, 0.99)]:
        moved = _dense_posterior(
            X, y, model.noise_precision_ * f_beta, model.weight_precision_ * f_wp, sw
        )
        assert moved["evidence"] < dense["evidence"]
    # the null space of X keeps the prior variance: Σ is not the row-space part alone
    assert np.linalg.matrix_rank(model.sigma_) == X.shape[1]


def test_uniform_weight_scaling_changes_nothing():
    X, y, sw = _data(60, 5, seed=3)
    a = BayesianRidgeEigen(**TIGHT).fit(X, y, sample_weight=sw)
    b = BayesianRidgeEigen(**TIGHT).fit(X, y, sample_weight=1000 * sw)
    for name in ("alpha_", "noise_precision_", "weight_precision_"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-9)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9)
    np.testing.assert_allclose(a.coef_std_, b.coef_std_, rtol=1e-9)
    std_a = a.predict(X[:4], return_std=True)[1]
    std_b = b.predict(X[:4], return_std=True)[1]
    np.testing.assert_allclose(std_a, std_b, rtol=1e-9)
    # scikit-learn's BayesianRidge reads weights as counts: its std changes (#24313)
    ref_a = BayesianRidge(**TIGHT).fit(X, y, sample_weight=sw).predict(X[:4], return_std=True)[1]
    ref_b = (
        BayesianRidge(**TIGHT).fit(X, y, sample_weight=1000 * sw).predict(X[:4], return_std=True)[1]
    )
    assert not np.allclose(ref_a, ref_b, rtol=1e-3)
    # unit-mean weights: the same as scikit-learn's
    unit = sw / sw.mean()
    ref = BayesianRidge(**TIGHT).fit(X, y, sample_weight=unit)
    np.testing.assert_allclose(a.coef_, ref.coef_, rtol=1e-8)
    assert a.noise_precision_ == pytest.approx(ref.alpha_, rel=1e-8)
    ridge = RidgeEigen(alpha=a.alpha_).fit(X, y, sample_weight=unit)
    np.testing.assert_allclose(ridge.coef_, a.coef_, rtol=1e-9)


def test_predict_std_against_dense_formula_p_greater_than_n():
    X, y, _ = _data(20, 35, n_informative=3, noise=1.0, seed=4)
    model = BayesianRidgeEigen(**TIGHT).fit(X, y)
    Xt = np.random.default_rng(9).standard_normal((6, 35))
    sigma = _dense_posterior(X, y, model.noise_precision_, model.weight_precision_)["sigma"]
    Xc = Xt - X.mean(axis=0)
    beta = model.noise_precision_
    var = np.einsum("ij,jk,ik->i", Xc, sigma, Xc) + 1 / beta + 1 / (beta * len(y))
    np.testing.assert_allclose(model.predict(Xt, return_std=True)[1], np.sqrt(var), rtol=1e-8)
    no_b = BayesianRidgeEigen(fit_intercept=False, **TIGHT).fit(X, y)
    sigma0 = _dense_posterior(
        X, y, no_b.noise_precision_, no_b.weight_precision_, fit_intercept=False
    )["sigma"]
    var0 = np.einsum("ij,jk,ik->i", Xt, sigma0, Xt) + 1 / no_b.noise_precision_
    np.testing.assert_allclose(no_b.predict(Xt, return_std=True)[1], np.sqrt(var0), rtol=1e-8)


@pytest.mark.parametrize("shape", [(80, 10), (15, 40)])
def test_sparse_equals_dense(shape):
    X, y, sw = _data(*shape, seed=5)
    X[np.abs(X - 1.0) < 0.8] = 0.0
    dense = BayesianRidgeEigen(**TIGHT).fit(X, y, sample_weight=sw)
    sparse = BayesianRidgeEigen(**TIGHT).fit(sp.csr_matrix(X), y, sample_weight=sw)
    assert sparse.alpha_ == pytest.approx(dense.alpha_, rel=1e-8)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(sparse.coef_std_, dense.coef_std_, rtol=1e-7)
    Xt = X[:5]
    np.testing.assert_allclose(
        sparse.predict(sp.csr_matrix(Xt), return_std=True)[1],
        dense.predict(Xt, return_std=True)[1],
        rtol=1e-7,
    )


def test_float32_pickle_and_convergence_warning():
    X, y, _ = _data(50, 4, seed=6)
    model = BayesianRidgeEigen().fit(X.astype(np.float32), y.astype(np.float32))
    assert model.coef_.dtype == np.float32
    assert model.predict(X[:3].astype(np.float32), return_std=True)[1].dtype == np.float32
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.sigma_, model.sigma_)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        BayesianRidgeEigen(max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="y should be a 1d array"):
        BayesianRidgeEigen().fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="alpha_init"):
        BayesianRidgeEigen(alpha_init=-1.0).fit(X, y)


@pytest.mark.parametrize("sx, sy", [(1e150, 1.0), (1.0, 1e150), (1e-150, 1.0)])
def test_extreme_scales_are_a_clear_error(sx, sy):
    X, y, _ = _data(30, 3, seed=8)
    with pytest.raises(ValueError, match="beyond 1e±100.*not scale-free"):
        BayesianRidgeEigen().fit(X * sx, y * sy)
