"""Adversarial numerics (issue 20): rank decisions, extreme scales, numerical crashes.

Every answer is held to a brute-force computation written here (a leave-one-out loop,
a fit without the redundant columns, a fit on the unscaled problem) or to the exact
exception type and a message that names the problem.
"""

import warnings
from contextlib import nullcontext

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import sparse
from scipy.linalg import LinAlgWarning
from sklearn.linear_model import RidgeCV

from skreg import EarlyStoppedGD, RidgeEigen, RidgeEigenCV

# --- rank decisions ----------------------------------------------------------------

# the issue's example: a constant column whose mean is not exact in floating point
X_ISSUE = np.array([[2.3, -.18, -.02], [2.3, .04, .01], [2.3, -.07, -.01],
                    [2.3, 0, .06], [2.3, -.03, .03], [2.3, .09, -.11]])
Y_ISSUE = np.array([-.3, .7, 1, -.9, .5, -.8])


def _ridge_brute(X, y, alpha, w=None):
    """Weighted ridge with an unpenalized intercept, by least squares on [√w X_c; √α I]."""
    w = np.ones(len(y)) if w is None else np.asarray(w, float)
    xm, ym = np.average(X, axis=0, weights=w), np.average(y, weights=w)
    A, b = np.sqrt(w)[:, None] * (X - xm), np.sqrt(w) * (y - ym)
    if alpha > 0:
        A = np.vstack([A, np.sqrt(alpha) * np.eye(X.shape[1])])
        b = np.concatenate([b, np.zeros(X.shape[1])])
    coef = np.linalg.lstsq(A, b, rcond=None)[0]
    return coef, ym - xm @ coef


def _loo_brute(X, y, alpha, w=None, drop=()):
    """Squared leave-one-out errors from n refits; ``drop``: columns that are redundant
    in exact arithmetic (constant columns; second copies of duplicated ones at α = 0)."""
    keep = [j for j in range(X.shape[1]) if j not in set(drop)]
    X = X[:, keep]
    w = np.ones(len(y)) if w is None else np.asarray(w, float)
    out = np.empty(len(y))
    for k in range(len(y)):
        m = np.arange(len(y)) != k
        coef, b = _ridge_brute(X[m], y[m], alpha, w[m])
        out[k] = w[k] * (y[k] - X[k] @ coef - b) ** 2
    return out


def _loo(model_X, y, alpha, **kw):
    est = RidgeEigenCV(alphas=[alpha], store_cv_results=True, **kw).fit(model_X, y)
    return est.cv_results_[:, 0], est


@pytest.mark.parametrize("alpha", [1.0, 0.0])
def test_issue_example_loo_matches_ridgecv_and_brute_force(alpha):
    loo, est = _loo(X_ISSUE, Y_ISSUE, alpha)
    ref = _loo_brute(X_ISSUE, Y_ISSUE, alpha, drop=[0])
    assert_allclose(loo, ref, rtol=1e-9)
    if alpha == 1.0:
        assert loo.mean() == pytest.approx(0.798, abs=5e-4)
        sk = RidgeCV(alphas=[1.0], store_cv_results=True).fit(X_ISSUE, Y_ISSUE)
        assert_allclose(loo, sk.cv_results_[:, 0], rtol=1e-9)
    else:
        assert loo[0] == pytest.approx(5.898, abs=1e-3)
    # the constant column carries no direction: the degrees of freedom count two
    assert RidgeEigen(alpha=0.0).fit(X_ISSUE, Y_ISSUE).effective_dof_ == pytest.approx(2.0)


def _redundant_data(kind, n=12, d=4, wide=False, seed=0):
    """X (tall, or wide: d = n + 5) with a constant, duplicated or nearly constant
    column, y, and the columns a brute force may drop at α = 0 and at α > 0."""
    rng = np.random.RandomState(seed)
    d = n + 5 if wide else d
    X, y = 0.1 * rng.randn(n, d), rng.randn(n)
    if kind == "constant":
        X[:, 0] = 2.3
        return X, y, [0], [0]
    if kind == "duplicated":
        X[:, 1] = X[:, 2]
        return X, y, [2], []
    X[:, 0] = 2.3 + 1e-5 * rng.randn(n)  # nearly constant: real, small variation
    return X, y, [], []


@pytest.mark.parametrize("kind", ["constant", "duplicated", "nearly constant"])
@pytest.mark.parametrize("wide", [False, True])
@pytest.mark.parametrize("as_sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("penalty_factor", [None, "ones", "unpenalized constant"])
@pytest.mark.parametrize("alpha", [1.0, 0.0])
def test_loo_and_dof_match_brute_force(kind, wide, as_sparse, weighted, penalty_factor, alpha):
    X, y, drop_at_zero, drop = _redundant_data(kind, wide=wide)
    if wide and alpha == 0.0:
        pytest.skip("d > n at α = 0 interpolates: every LOO error is the α → 0 limit")
    p = None
    if penalty_factor is not None:
        p = np.ones(X.shape[1])
        if penalty_factor == "unpenalized constant":
            if kind != "constant":
                pytest.skip("the brute force has no penalty factors")
            p[0] = 0.0  # a constant unpenalized column: still no direction
    w = np.random.RandomState(1).uniform(0.5, 2.0, len(y)) if weighted else None
    Xfit = sparse.csr_matrix(X) if as_sparse else X
    # a sparse X is centred implicitly (from uncentred sums): a nearly constant column's
    # variance carries the round-off of its mean², which it says (a LinAlgWarning)
    grey = as_sparse and kind == "nearly constant" and not wide
    with warnings.catch_warnings():
        warnings.simplefilter("error" if not grey else "ignore")
        with pytest.warns(LinAlgWarning) if grey else nullcontext():
            est = RidgeEigenCV(alphas=[alpha], store_cv_results=True, penalty_factor=p).fit(
                Xfit, y, sample_weight=w)
    ref = _loo_brute(X, y, alpha, w=w, drop=drop_at_zero if alpha == 0 else drop)
    assert_allclose(est.cv_results_[:, 0], ref, rtol=1e-3 if grey and alpha == 0 else 1e-6)
    # degrees of freedom: trace of the hat matrix of the brute-force design, minus 1
    keep = [j for j in range(X.shape[1]) if j not in (drop_at_zero if alpha == 0 else drop)]
    Xk = X[:, keep]
    sw = np.ones(len(y)) if w is None else w
    Xc = np.sqrt(sw)[:, None] * (Xk - np.average(Xk, axis=0, weights=sw))
    lam = np.clip(np.linalg.eigvalsh(Xc.T @ Xc), 0, None)
    lam = lam[lam > 1e-12 * lam.max()]
    dof = np.sum(lam / (lam + alpha))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LinAlgWarning)
        fit = RidgeEigen(alpha=alpha, penalty_factor=p).fit(Xfit, y, sample_weight=w)
    assert fit.effective_dof_ == pytest.approx(dof, rel=1e-6)


def test_early_stopped_gd_constant_column_matches_gd_loop():
    rng = np.random.RandomState(0)
    X_val = X_ISSUE + 0.05 * rng.randn(*X_ISSUE.shape)
    X_val[:, 0] = 2.3
    y_val = rng.randn(6)
    xm, ym = X_ISSUE.mean(0), Y_ISSUE.mean()
    Xc, yc = X_ISSUE - xm, Y_ISSUE - ym
    w, val = np.zeros(3), []
    for _ in range(50):  # the brute force: 50 GD steps of size 10 on the mean loss
        w = w - 10.0 * Xc.T @ (Xc @ w - yc) / 6
        val.append(0.5 * np.mean((X_val @ w + ym - xm @ w - y_val) ** 2))
    for X in (X_ISSUE, sparse.csr_matrix(X_ISSUE)):
        for solver in ("spectral", "iterative"):
            est = EarlyStoppedGD(learning_rate=10.0, strategy=None, max_iter=50,
                                 solver=solver).fit(X, Y_ISSUE, X_val=X_val, y_val=y_val)
            assert_allclose(est.coef_, w, atol=1e-12)
            assert_allclose(est.history_.val_loss.to_numpy()[-50:], val, rtol=1e-10)
            # the constant column is no direction: its eigenvalue is an exact zero
            assert est.eigenvalues_[-1] == 0.0
            assert np.count_nonzero(est.eigenvalues_) == 2


def test_null_tolerance_is_the_documented_rule():
    from skreg._spectral import null_tolerance

    eps = np.finfo(np.float64).eps
    assert null_tolerance(2.0, 6, 3) == 6 * eps * 2.0
    assert null_tolerance(2.0, 3, 10, eps=1e-7) == 10 * 1e-7 * 2.0
    assert null_tolerance(2.0, 6, 3, method="svd") == (6 * eps) ** 2 * 2.0
    assert null_tolerance(2.0, 6, 3, offset=5.0, method="moments") == 6 * eps * 7.0


@pytest.mark.parametrize("alpha", [1.0, 0.0])
def test_issue_example_array_api_route(alpha):
    xp = pytest.importorskip("array_api_strict")
    from sklearn import config_context

    ref = _loo_brute(X_ISSUE, Y_ISSUE, alpha, drop=[0])
    with config_context(array_api_dispatch=True):
        est = RidgeEigenCV(alphas=[alpha], store_cv_results=True).fit(
            xp.asarray(X_ISSUE), xp.asarray(Y_ISSUE))
        loo = np.asarray(est.cv_results_)[:, 0]
    assert_allclose(loo, ref, rtol=1e-9)
    assert float(est.effective_dof_) == pytest.approx(2.0 if alpha == 0 else 0.0588424, rel=1e-5)


@pytest.mark.parametrize("alpha", [1.0, 0.0])
def test_issue_example_moments_routes(alpha):
    """Dask and partial_fit decompose sufficient statistics: same LOO mean, same dof."""
    da = pytest.importorskip("dask.array")
    import dask

    ref = _loo_brute(X_ISSUE, Y_ISSUE, alpha, drop=[0])
    with dask.config.set(scheduler="synchronous"), warnings.catch_warnings():
        warnings.simplefilter("ignore", LinAlgWarning)  # H alone: collinear or imprecise
        est = RidgeEigenCV(alphas=[alpha]).fit(da.from_array(X_ISSUE, chunks=(3, 3)),
                                               da.from_array(Y_ISSUE, chunks=3))
        part = RidgeEigen(alpha=alpha)
        part.partial_fit(X_ISSUE[:3], Y_ISSUE[:3]).partial_fit(X_ISSUE[3:], Y_ISSUE[3:])
    assert -est.best_score_ == pytest.approx(ref.mean(), rel=1e-9)
    dense = RidgeEigen(alpha=alpha).fit(X_ISSUE, Y_ISSUE)
    assert part.effective_dof_ == pytest.approx(dense.effective_dof_, rel=1e-9)
    assert_allclose(part.coef_, dense.coef_, atol=1e-12)


def test_krylov_route_constant_column():
    X, y, _, _ = _redundant_data("constant", n=40, d=6)
    ref = RidgeEigen(alpha=0.0).fit(X[:, 1:], y)
    est = RidgeEigen(alpha=0.0, solver="lanczos", tol=1e-12).fit(sparse.csr_matrix(X), y)
    assert_allclose(est.coef_[1:], ref.coef_, rtol=1e-8)
    assert est.coef_[0] == pytest.approx(0.0, abs=1e-8)
    assert est.effective_dof_ == pytest.approx(5.0, rel=1e-8)
