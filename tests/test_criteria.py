"""skreg._criteria: the sums over eigenvalues against direct computations."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skreg._criteria import (
    dof_grid,
    evidence_fixed_point,
    information_criterion,
    least_squares_rss,
    log_evidence,
    penalized_directions,
    posterior_covariance,
    ridge_dof,
    ridge_rss,
)
from skreg._spectral import decompose


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(1e-6, 1e6), min_size=1, max_size=30), st.integers(2, 60))
def test_dof_grid_runs_evenly_over_the_model_sizes(lam, n_alphas):
    lam = np.sort(np.asarray(lam))[::-1]
    alphas = dof_grid(lam, n_alphas)
    dof = (lam / (lam + alphas[:, None])).sum(axis=1)
    r = lam.size
    lo, hi = (0.5, r - 0.5) if r >= 2 else (0.1, 0.9)
    np.testing.assert_allclose(dof, np.linspace(hi, lo, n_alphas), atol=1e-9 * r)
    assert np.all(np.diff(alphas) >= 0)


def test_dof_grid_ignores_null_directions_and_handles_rank_zero():
    np.testing.assert_allclose(dof_grid([4.0, 1.0, 0.0, 0.0], 3), dof_grid([4.0, 1.0], 3))
    np.testing.assert_array_equal(dof_grid([0.0, 0.0], 4), np.ones(4))


def test_rss_and_dof_against_direct_ridge_fits():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 5)), rng.standard_normal((30, 2))
    w = rng.uniform(0.5, 2.0, 30)
    spec = decompose(X, y, w)
    alphas = np.array([0.0, 0.3, 3.0, 300.0])
    rss = ridge_rss(spec, alphas, least_squares_rss(spec, X, y, w))
    A = np.hstack([np.ones((30, 1)), X])
    for k, a in enumerate(alphas):
        M = A.T @ (w[:, None] * A) + a * np.diag([0.0] + [1.0] * 5)
        S = A @ np.linalg.solve(M, A.T * w)
        np.testing.assert_allclose(rss[k], w @ (y - S @ y) ** 2, rtol=1e-10)
        assert ridge_dof(spec, [a])[0] == pytest.approx(np.trace(S), rel=1e-10)


def test_information_criterion_formulas():
    rss, dof, n = np.array([2.0, 3.0]), np.array([4.0, 2.5]), 20
    np.testing.assert_allclose(information_criterion(rss, dof, n, "aic"),
                               n * np.log(rss / n) + 2 * dof)
    np.testing.assert_allclose(information_criterion(rss, dof, n, "bic", 0.5),
                               rss / 0.5 + math.log(n) * dof)


def test_evidence_fixed_point_is_a_stationary_point_of_log_evidence():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 6))
    y = X @ rng.standard_normal(6) + rng.standard_normal(40)
    spec = decompose(X, y)
    lam, b, _ = penalized_directions(spec)
    rss0 = float(least_squares_rss(spec, X, y)[0])
    fit = evidence_fixed_point(lam, b, rss0, 40, 6, noise_precision=1.0, weight_precision=1.0,
                               tol=1e-14, max_iter=10_000)
    assert fit.converged

    def score(log_beta, log_wp):
        return log_evidence(lam, b, rss0, 40, 6, math.exp(log_beta), math.exp(log_wp))

    lb, lw, h = math.log(fit.noise_precision), math.log(fit.weight_precision), 1e-5
    assert (score(lb + h, lw) - score(lb - h, lw)) / (2 * h) == pytest.approx(0, abs=1e-6)
    assert (score(lb, lw + h) - score(lb, lw - h)) / (2 * h) == pytest.approx(0, abs=1e-6)


def test_posterior_covariance_keeps_the_prior_on_the_null_space():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((5, 9))
    spec = decompose(X, rng.standard_normal(5))
    sigma = posterior_covariance(spec.eigenvectors, spec.eigenvalues, 2.0, 0.5)
    Xc = X - X.mean(axis=0)
    np.testing.assert_allclose(sigma, np.linalg.inv(2.0 * Xc.T @ Xc + 0.5 * np.eye(9)),
                               rtol=1e-10, atol=1e-12)
