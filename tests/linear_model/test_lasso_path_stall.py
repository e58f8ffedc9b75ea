"""Issue 20, "the L1 path": a warm-started path must solve every α, not return the previous
α's solution because it already passes a gap test scaled by ‖y‖².

Held to direct fits at tol = 1e-10 on tall, wide and sparse designs: the same support size
(±2 %), a relative objective excess ≤ 10·tol, no two identical consecutive columns; the CV's
mse_path_ has a distinct value per α and its 1-SE choice is that of tight-tol folds.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from skreg import SoftThresholdQuadratic, SoftThresholdQuadraticCV


def design(n, d, kind, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "sparse":
        X = sparse.random(n, d, density=0.05, random_state=seed, format="csr",
                          data_rvs=rng.standard_normal)
    else:
        X = rng.standard_normal((n, d))
    w = np.zeros(d)
    k = min(n, d) // 6
    w[:k] = rng.standard_normal(k)
    return X, np.asarray(X @ w).ravel() + rng.standard_normal(n)


def objective(X, y, coef, alpha, rho=1.0):
    Xd = X.toarray() if sparse.issparse(X) else X
    r = y - y.mean() - (Xd - Xd.mean(axis=0)) @ coef
    return 0.5 * r @ r + alpha * (rho * np.abs(coef).sum() + 0.5 * (1 - rho) * coef @ coef)


def direct_fits(X, y, alphas, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array([SoftThresholdQuadratic(alpha=a, tol=1e-10, **kw).fit(X, y).coef_ for a in alphas])


@pytest.mark.parametrize("n, d, kind", [(400, 60, "dense"), (150, 500, "dense"), (300, 800, "sparse")],
                         ids=["tall", "wide", "sparse"])
@pytest.mark.parametrize("rho", [1.0, 0.7])
def test_path_at_default_tol_matches_direct_tight_fits(n, d, kind, rho):
    X, y = design(n, d, kind)
    tol = 1e-4
    est = SoftThresholdQuadratic(alpha=1e12, l1_ratio=rho, tol=tol).fit(X, y)  # for alpha_max_
    alphas = np.geomspace(est.alpha_max_, 1e-2 * est.alpha_max_, 50)
    coefs, _ = est.path(alphas)
    direct = direct_fits(X, y, alphas, l1_ratio=rho)
    nnz, nnz_direct = np.count_nonzero(coefs, axis=1), np.count_nonzero(direct, axis=1)
    assert np.all(np.abs(nnz - nnz_direct) <= np.maximum(0.02 * nnz_direct, 1))
    for k, a in enumerate(alphas):
        f, f_direct = objective(X, y, coefs[k], a, rho), objective(X, y, direct[k], a, rho)
        assert (f - f_direct) / f_direct <= 10 * tol
    for k in range(len(alphas) - 1):
        if not np.array_equal(direct[k], direct[k + 1]):
            assert not np.array_equal(coefs[k], coefs[k + 1]), f"columns {k}, {k + 1} identical"


def test_cv_scores_every_alpha_and_its_1se_rule_is_that_of_tight_folds():
    X, y = design(150, 500, "dense")
    loose = SoftThresholdQuadraticCV(cv=5).fit(X, y)
    tight = SoftThresholdQuadraticCV(cv=5, tol=1e-10).fit(X, y)
    assert np.unique(loose.mse_path_.mean(axis=1)).size == loose.alphas_.size
    assert loose.alpha_1se_ == tight.alpha_1se_
    assert loose.alpha_min_ == tight.alpha_min_
    np.testing.assert_allclose(loose.mse_path_, tight.mse_path_, rtol=1e-2)


def test_wide_path_of_the_issue_has_no_stalled_runs():
    # the issue's case: 600 × 2,000, where 28 of 58 consecutive columns were identical
    X, y = design(600, 2000, "dense", seed=1)
    est = SoftThresholdQuadratic(alpha=1e12).fit(X, y)  # for alpha_max_
    alphas = np.geomspace(est.alpha_max_, 0.05 * est.alpha_max_, 40)
    coefs, _ = est.path(alphas)
    assert not any(np.array_equal(coefs[k], coefs[k + 1]) for k in range(len(alphas) - 1))
    nnz = np.count_nonzero(coefs, axis=1)
    assert np.all(np.diff(nnz[1:]) >= -2)  # the support grows (up to a few exits)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(8, 40),
    d=st.integers(2, 60),
    rho=st.sampled_from([1.0, 0.5, 0.1]),
    seed=st.integers(0, 10_000),
)
def test_property_path_equals_direct_fits(n, d, rho, seed):
    X, y = design(n, d, "dense", seed=seed)
    est = SoftThresholdQuadratic(alpha=1e12, l1_ratio=rho, tol=1e-4).fit(X, y)
    if est.alpha_max_ == 0:
        return
    alphas = np.geomspace(est.alpha_max_, 1e-2 * est.alpha_max_, 12)
    coefs, intercepts = est.path(alphas)
    direct = direct_fits(X, y, alphas, l1_ratio=rho)
    for k, a in enumerate(alphas):
        f, f_direct = objective(X, y, coefs[k], a, rho), objective(X, y, direct[k], a, rho)
        assert (f - f_direct) <= 10 * 1e-4 * f_direct + 1e-12 * np.sum((y - y.mean()) ** 2)
