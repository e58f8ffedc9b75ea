"""skreg._spectral held to independent computations written here.

Every reference below is computed without skreg's spectral code: ``np.linalg.solve`` of
(X_cᵀWX_c + α diag(p)) on data centred here, leave-one-out by refitting n times, the
degrees of freedom as the trace of a hat matrix formed explicitly, gradient descent by a
plain loop, and the closed forms of :mod:`skreg.theory`.  No test asserts that a
numerically-zero eigenvalue is kept: only α > 0 results, exact-zero directions
(minimum-norm solutions) or well-conditioned full-rank problems are compared.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import sparse
from scipy.linalg import LinAlgWarning

from skreg import theory
from skreg._data._gram import GramStats
from skreg._penalized_spectral import (
    PenalizedSpectrum,
    decompose_gram_penalized,
    decompose_penalized,
)
from skreg._spectral import (
    Spectrum,
    decompose,
    decompose_gram,
    gd_powers,
    gd_shrinkage,
    ridge_shrinkage,
)

ALPHAS = np.array([1e-3, 0.1, 1.0, 10.0, 1e3])
SPARSE_FORMATS = [sparse.csr_matrix, sparse.csc_matrix]


# ------------------------------------------------------------------ references
def _data(n, d, t=2, seed=0, weighted=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) @ np.diag(rng.uniform(0.5, 3.0, d)) + rng.uniform(-2, 2, d)
    y = X @ rng.standard_normal((d, t)) + 0.5 * rng.standard_normal((n, t)) + 3.0
    sw = rng.uniform(0.2, 3.0, n) if weighted else None
    return X, y, sw


def _centre(X, y, sw, fit_intercept):
    w = np.ones(X.shape[0]) if sw is None else np.asarray(sw, dtype=float)
    if fit_intercept:
        xm, ym = w @ X / w.sum(), w @ y / w.sum()
    else:
        xm, ym = np.zeros(X.shape[1]), np.zeros(y.shape[1])
    return X - xm, y - ym, xm, ym, w


def ridge_direct(X, y, alpha, sw=None, fit_intercept=True, penalty=None):
    """(coef (t, d), intercept (t,)) of weighted ridge by one linear solve."""
    Xc, yc, xm, ym, w = _centre(X, y, sw, fit_intercept)
    P = np.eye(X.shape[1]) if penalty is None else np.diag(penalty)
    A = Xc.T @ (w[:, None] * Xc) + alpha * P
    coef = np.linalg.solve(A, Xc.T @ (w[:, None] * yc)).T
    return coef, ym - coef @ xm


def loo_brute(X, y, alpha, sw=None, fit_intercept=True, penalty=None):
    """√wₖ (yₖ − ŷ₋ₖ) by refitting without row k, shape (n, t)."""
    n = X.shape[0]
    w = np.ones(n) if sw is None else np.asarray(sw, dtype=float)
    out = np.empty(y.shape)
    for k in range(n):
        keep = np.arange(n) != k
        coef, b = ridge_direct(X[keep], y[keep], alpha, w[keep], fit_intercept, penalty)
        out[k] = np.sqrt(w[k]) * (y[k] - X[k] @ coef.T - b)
    return out


def hat_trace(X, alpha, sw=None, fit_intercept=True, penalty=None):
    """trace of the hat matrix of weighted ridge, minus the intercept's 1."""
    n, d = X.shape
    w = np.ones(n) if sw is None else np.asarray(sw, dtype=float)
    p = np.ones(d) if penalty is None else np.asarray(penalty, dtype=float)
    Xa = np.column_stack([np.ones(n), X]) if fit_intercept else X
    D = np.diag(np.concatenate([[0.0], p]) if fit_intercept else p)
    Xs = np.sqrt(w)[:, None] * Xa
    A = Xs @ np.linalg.pinv(Xs.T @ Xs + alpha * D) @ Xs.T
    return np.trace(A) - int(fit_intercept)


# ------------------------------------------------------------------ filters
def test_ridge_shrinkage_table_and_zero_over_zero():
    lam = np.array([4.0, 1.0, 0.0])
    phi = ridge_shrinkage(lam, [0.0, 1.0, 3.0])
    assert phi.shape == (3, 3)
    assert_allclose(phi, [[1, 1, 0], [0.8, 0.5, 0], [4 / 7, 0.25, 0]], rtol=1e-15)


@pytest.mark.parametrize("steps", [[0, 1, 2, 3, 10], [1, 4, 25]])
def test_gd_powers_match_the_direct_power(steps):
    rate = np.array([0.0, 1e-3, 0.3, 1.0, 1.4, 1.9, 2.5])  # 2.5: divergent, still exact
    power, one_minus = gd_powers(rate, steps)
    expected = (1.0 - rate[None, :]) ** np.asarray(steps, float)[:, None]
    assert_allclose(power, expected, rtol=1e-12, atol=1e-15)
    assert_allclose(one_minus, 1.0 - expected, rtol=1e-12, atol=1e-15)


def test_gd_powers_no_cancellation_for_tiny_rates():
    # 1 − (1 − r)^τ = τr − τ(τ−1)r²/2 + …; the direct power rounds 1 − r to 1 and gives 0
    rate, tau = np.array([1e-17, 1e-12]), np.array([1000.0])
    _, one_minus = gd_powers(rate, tau)
    series = tau * rate - tau * (tau - 1) * rate**2 / 2
    assert_allclose(one_minus[0], series, rtol=1e-9)


def test_gd_shrinkage_is_theory_early_stopping_iterate():
    lam = np.array([3.0, 1.0, 0.2, 0.0])
    steps, eps = np.array([0, 1, 5, 40]), 0.5
    phi = gd_shrinkage(lam, steps, eps)
    theta_star = np.array([1.0, -2.0, 0.5, 0.0])
    ref = theory.early_stopping_iterate(0.0, theta_star, lam, eps, steps[:, None])
    assert_allclose(phi * theta_star, ref, rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ decompose, dense
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(40, 5), (8, 20)], ids=["gram", "kernel"])
def test_ridge_coef_and_intercept_match_a_linear_solve(shape, weighted, fit_intercept):
    X, y, sw = _data(*shape, weighted=weighted)
    spec = decompose(X, y, sw, fit_intercept)
    coef = spec.ridge_coef(ALPHAS)
    assert coef.shape == (ALPHAS.size, 2, shape[1])
    intercept = spec.intercept(coef)
    for i, a in enumerate(ALPHAS):
        c, b = ridge_direct(X, y, a, sw, fit_intercept)
        assert_allclose(coef[i], c, rtol=1e-8, atol=1e-10)
        assert_allclose(intercept[i], b, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("weighted", [False, True])
def test_spectrum_is_the_eigendecomposition_of_the_centred_weighted_gram(weighted):
    X, y, sw = _data(30, 6, weighted=weighted)
    spec = decompose(X, y, sw)
    Xc, yc, xm, ym, w = _centre(X, y, sw, True)
    H = Xc.T @ (w[:, None] * Xc)
    assert isinstance(spec, Spectrum) and spec.rank == 6
    assert_allclose(spec.eigenvalues, np.linalg.eigvalsh(H)[::-1], rtol=1e-10)
    V = spec.eigenvectors
    assert_allclose(V.T @ V, np.eye(6), atol=1e-12)
    assert_allclose(H @ V, V * spec.eigenvalues, rtol=1e-9, atol=1e-9 * spec.eigenvalues[0])
    assert_allclose(spec.beta, V.T @ (Xc.T @ (w[:, None] * yc)), rtol=1e-9, atol=1e-9)
    assert_allclose(spec.X_offset, xm, rtol=1e-13)
    assert_allclose(spec.y_offset, ym, rtol=1e-13)
    assert_allclose(spec.shrinkage(ALPHAS),
                    spec.eigenvalues / (spec.eigenvalues + ALPHAS[:, None]), rtol=1e-14)


def test_ridge_coef_is_theory_ridge_spectral_solution():
    X, y, sw = _data(25, 4, t=1, weighted=True)
    Xc, yc, _, _, w = _centre(X, y, sw, True)
    s = np.sqrt(w)[:, None]
    ref = theory.ridge_spectral_solution(s * Xc, (s * yc)[:, 0], ALPHAS)
    spec = decompose(X, y[:, 0], sw)
    assert_allclose(spec.ridge_coef(ALPHAS)[:, 0], ref, rtol=1e-9, atol=1e-12)
    # l2_shrink is the coordinate form of the same filter
    coords = theory.l2_shrink(spec.theta_star[:, 0], spec.eigenvalues, ALPHAS[:, None])
    assert_allclose(coords @ spec.eigenvectors.T, ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("shape", [(30, 4), (6, 12)])
def test_integer_sample_weights_are_repeated_rows(shape):
    X, y, _ = _data(*shape)
    sw = np.arange(shape[0]) % 3 + 1.0
    rep = np.repeat(np.arange(shape[0]), sw.astype(int))
    a, b = decompose(X, y, sw), decompose(X[rep], y[rep])
    assert_allclose(a.ridge_coef(ALPHAS), b.ridge_coef(ALPHAS), rtol=1e-9, atol=1e-11)
    assert_allclose(a.intercept(a.ridge_coef(ALPHAS)), b.intercept(b.ridge_coef(ALPHAS)),
                    rtol=1e-9, atol=1e-11)
    assert_allclose(a.effective_dof(ALPHAS), b.effective_dof(ALPHAS), rtol=1e-9)
    assert_allclose(a.eigenvalues[: a.rank], b.eigenvalues[: a.rank], rtol=1e-9)


def test_zero_weights_are_dropped_rows():
    X, y, _ = _data(20, 3)
    sw = np.ones(20)
    sw[[2, 7, 11]] = 0.0
    keep = sw > 0
    a, b = decompose(X, y, sw), decompose(X[keep], y[keep])
    assert_allclose(a.ridge_coef(ALPHAS), b.ridge_coef(ALPHAS), rtol=1e-9, atol=1e-12)
    loo = decompose(X, y, sw, keep_left=True).loo_residuals([1.0])[0]
    assert_allclose(loo[~keep], 0.0, atol=1e-14)
    assert_allclose(loo[keep], loo_brute(X[keep], y[keep], 1.0), rtol=1e-8, atol=1e-10)


def test_alpha_zero_rank_deficient_is_the_minimum_norm_solution():
    X, y, _ = _data(30, 4)
    X = np.column_stack([X, X[:, 1]])  # an exact duplicate column
    Xc, yc, _, _, _ = _centre(X, y, None, True)
    coef = decompose(X, y).ridge_coef([0.0])[0]
    assert_allclose(coef, (np.linalg.pinv(Xc) @ yc).T, rtol=1e-8, atol=1e-10)
    assert_allclose(coef[:, 1], coef[:, 4], rtol=1e-10)


def test_kernel_route_alpha_zero_interpolates_with_minimum_norm():
    X, y, _ = _data(7, 15)
    Xc, yc, _, _, _ = _centre(X, y, None, True)
    spec = decompose(X, y)
    assert spec.rank == 6  # n − 1 after centring: the structural zero is dropped
    coef = spec.ridge_coef([0.0])[0]
    assert_allclose(coef, (np.linalg.pinv(Xc) @ yc).T, rtol=1e-8, atol=1e-10)
    assert_allclose(X @ coef.T + spec.intercept(coef), y, rtol=1e-9, atol=1e-9)


def test_ill_conditioned_dense_x_keeps_full_accuracy_at_alpha_zero():
    # cond(X) ≈ 1e7: the squared Gram would lose 14 digits, the SVD fallback none
    X, y, _ = _data(50, 4)
    X[:, 2] *= 1e-7
    Xc, yc, _, _, _ = _centre(X, y, None, True)
    ref = np.linalg.lstsq(Xc, yc, rcond=None)[0].T
    assert_allclose(decompose(X, y).ridge_coef([0.0])[0], ref, rtol=1e-8)


@pytest.mark.parametrize("c", [1e-150, 1e150])
def test_extreme_magnitudes_scale_out(c):
    X, y, _ = _data(20, 3)
    ref = decompose(X, y).ridge_coef(ALPHAS)
    for A in (X * c, sparse.csr_matrix(X * c)):
        spec = decompose(A, y)
        assert_allclose(spec.ridge_coef(ALPHAS * c**2) * c, ref, rtol=1e-9)


def test_gradient_descent_trajectory_by_a_plain_loop():
    X, y, sw = _data(30, 5, weighted=True)
    spec = decompose(X, y, sw)
    Xc, yc, _, _, w = _centre(X, y, sw, True)
    H, g = Xc.T @ (w[:, None] * Xc), Xc.T @ (w[:, None] * yc)
    # ε·λ_max = 1.5: the top direction oscillates, the others creep
    eps = 1.5 / np.linalg.eigvalsh(H)[-1]
    steps = [0, 1, 2, 3, 7, 30]
    coef = spec.filtered_coef(gd_shrinkage(spec.eigenvalues, steps, eps))
    W = np.zeros((5, 2))
    for tau in range(max(steps) + 1):
        if tau in steps:
            assert_allclose(coef[steps.index(tau)], W.T, rtol=1e-9, atol=1e-11)
        W = W - eps * (H @ W - g)


def test_filtered_coef_accepts_one_filter():
    X, y, _ = _data(20, 3)
    spec = decompose(X, y)
    phi = spec.shrinkage([2.0])
    assert_allclose(spec.filtered_coef(phi[0]), spec.filtered_coef(phi), rtol=1e-15)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(25, 4), (6, 10)])
def test_effective_dof_is_the_trace_of_the_hat_matrix(shape, fit_intercept):
    X, y, sw = _data(*shape, weighted=True)
    spec = decompose(X, y, sw, fit_intercept)
    dof = spec.effective_dof(ALPHAS)
    ref = [hat_trace(X, a, sw, fit_intercept) for a in ALPHAS]
    assert_allclose(dof, ref, rtol=1e-8)
    assert np.all(np.diff(dof) < 0)
    assert_allclose(spec.effective_dof([0.0]), [spec.rank])


# ------------------------------------------------------------------ leave-one-out
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(20, 4), (8, 14)], ids=["gram", "kernel"])
def test_loo_residuals_match_refitting_n_times(shape, weighted, fit_intercept):
    X, y, sw = _data(*shape, weighted=weighted)
    spec = decompose(X, y, sw, fit_intercept, keep_left=True)
    alphas = [0.05, 1.0, 30.0]
    loo = spec.loo_residuals(alphas)
    assert loo.shape == (3, shape[0], 2)
    for i, a in enumerate(alphas):
        assert_allclose(loo[i], loo_brute(X, y, a, sw, fit_intercept), rtol=1e-7, atol=1e-9)


def test_loo_at_alpha_zero_is_ordinary_least_squares_loo():
    X, y, sw = _data(20, 3, weighted=True)
    loo = decompose(X, y, sw, keep_left=True).loo_residuals([0.0])[0]
    assert_allclose(loo, loo_brute(X, y, 0.0, sw), rtol=1e-8, atol=1e-10)


def test_loo_at_alpha_zero_kernel_side_is_the_minimum_norm_limit():
    # d ≥ n: every row is interpolated; the α → 0⁺ limit is the minimum-norm refit
    X, y, _ = _data(6, 12)
    loo = decompose(X, y, keep_left=True).loo_residuals([0.0])[0]
    ref = np.empty_like(y)
    for k in range(6):
        keep = np.arange(6) != k
        Xc, yc, xm, ym, _ = _centre(X[keep], y[keep], None, True)
        coef = (np.linalg.pinv(Xc) @ yc).T
        ref[k] = y[k] - X[k] @ coef.T - (ym - coef @ xm)
    assert_allclose(loo, ref, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_loo_residuals_for_blocks_equal_the_whole(fit_intercept):
    X, y, sw = _data(24, 5, weighted=True)
    spec = decompose(X, y, sw, fit_intercept, keep_left=True)
    whole = spec.loo_residuals(ALPHAS)
    blocks = [spec.loo_residuals_for(X[i:i + 7], y[i:i + 7], sw[i:i + 7], sw.sum(), ALPHAS)
              for i in range(0, 24, 7)]
    assert_allclose(np.concatenate(blocks, axis=1), whole, rtol=1e-9, atol=1e-11)
    single = decompose(X, y[:, 0], None, fit_intercept, keep_left=True)
    one = single.loo_residuals_for(X[:5], y[:5, 0], None, 24.0, [1.0])
    ref = single.loo_residuals([1.0])
    assert one.shape == (1, 5, 1)
    assert_allclose(one[0, :, 0], ref[0, :5, 0], rtol=1e-9, atol=1e-11)


def test_loo_needs_keep_left():
    X, y, _ = _data(10, 2)
    with pytest.raises(ValueError, match="keep_left=True"):
        decompose(X, y).loo_residuals([1.0])
    with pytest.raises(ValueError, match="keep_left=True"):
        decompose_penalized(X, y, np.ones(2)).loo_residuals([1.0])


# ------------------------------------------------------------------ sparse X
@pytest.mark.parametrize("fmt", SPARSE_FORMATS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(40, 6), (9, 25)], ids=["gram", "kernel"])
def test_sparse_equals_dense(shape, fit_intercept, fmt):
    X, y, sw = _data(*shape, weighted=True)
    rng = np.random.default_rng(1)
    X[rng.random(X.shape) < 0.6] = 0.0
    dense = decompose(X, y, sw, fit_intercept, keep_left=True)
    sp = decompose(fmt(X), y, sw, fit_intercept, keep_left=True)
    assert sp.rank == dense.rank
    r = dense.rank
    assert_allclose(sp.eigenvalues[:r], dense.eigenvalues[:r], rtol=1e-9)
    assert_allclose(sp.ridge_coef(ALPHAS), dense.ridge_coef(ALPHAS), rtol=1e-8, atol=1e-10)
    assert_allclose(sp.X_offset, dense.X_offset, rtol=1e-13, atol=1e-15)
    assert_allclose(sp.loo_residuals(ALPHAS[1:]), dense.loo_residuals(ALPHAS[1:]),
                    rtol=1e-7, atol=1e-9)
    for a in (0.1, 10.0):
        assert_allclose(sp.ridge_coef([a])[0], ridge_direct(X, y, a, sw, fit_intercept)[0],
                        rtol=1e-8, atol=1e-10)


def test_sparse_ill_conditioned_warns():
    X, y, _ = _data(50, 4)
    X[:, 2] *= 1e-6  # λ_min/λ_max ≈ 1e-12: above the rank tolerance, below 1e-10
    with pytest.warns(LinAlgWarning, match="ill-conditioned"):
        decompose(sparse.csr_matrix(X), y)


@pytest.mark.xfail(strict=True, reason="sparse centred Gram XᵀWX − c x̄ᵀ − x̄ cᵀ + W x̄x̄ᵀ "
                   "cancels catastrophically for a column with mean 1e8 (silently wrong coef)")
def test_sparse_column_with_a_large_offset_loses_nothing():
    rng = np.random.default_rng(0)
    Z = rng.integers(-512, 512, (200, 3)) / 1024.0  # exact in 1e8 + Z
    y = Z @ np.array([1.0, 2.0, 3.0]) + 0.1 * rng.standard_normal(200)
    X = Z.copy()
    X[:, 0] += 1e8
    ref = ridge_direct(Z, y[:, None], 1.0)[0]
    assert_allclose(decompose(X, y).ridge_coef([1.0])[0], ref, rtol=1e-6)  # dense: fine
    assert_allclose(decompose(sparse.csr_matrix(X), y).ridge_coef([1.0])[0], ref, rtol=1e-6)


# ------------------------------------------------------------------ sufficient statistics
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_decompose_gram_equals_decompose(fit_intercept):
    X, y, sw = _data(40, 5, weighted=True)
    stats = GramStats.from_chunk(X[:15], y[:15], sw[:15]).merge(
        GramStats.from_chunk(X[15:], y[15:], sw[15:]))
    a, b = decompose_gram(stats, fit_intercept), decompose(X, y, sw, fit_intercept)
    assert_allclose(a.eigenvalues, b.eigenvalues, rtol=1e-9)
    assert_allclose(a.ridge_coef(ALPHAS), b.ridge_coef(ALPHAS), rtol=1e-8, atol=1e-10)
    assert_allclose(a.intercept(a.ridge_coef(ALPHAS)), b.intercept(b.ridge_coef(ALPHAS)),
                    rtol=1e-8, atol=1e-10)
    assert_allclose(a.effective_dof(ALPHAS), b.effective_dof(ALPHAS), rtol=1e-9)


def test_gram_route_agrees_with_kernel_route_for_wide_data():
    # d > n: decompose works on the n×n kernel, decompose_gram on the d×d Gram
    X, y, sw = _data(8, 20, weighted=True)
    kernel = decompose(X, y, sw)
    with pytest.warns(LinAlgWarning, match="ill-conditioned"):  # rank n − 1 < d
        gram = decompose_gram(GramStats.from_chunk(X, y, sw))
    r = kernel.rank
    assert_allclose(gram.eigenvalues[:r], kernel.eigenvalues[:r], rtol=1e-8)
    alphas = ALPHAS[1:]
    assert_allclose(gram.ridge_coef(alphas), kernel.ridge_coef(alphas), rtol=1e-7, atol=1e-9)
    assert_allclose(gram.effective_dof(alphas), kernel.effective_dof(alphas), rtol=1e-7)


# ------------------------------------------------------------------ penalty factors
PENALTY = np.array([0.0, 1.0, 2.5, 0.0, 0.3, 4.0])


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(30, 6), (7, 6)], ids=["gram", "kernel"])
def test_penalized_matches_a_linear_solve(shape, weighted, fit_intercept):
    X, y, sw = _data(*shape, weighted=weighted)
    spec = decompose_penalized(X, y, PENALTY, sw, fit_intercept)
    assert isinstance(spec, PenalizedSpectrum) and spec.n_features == 6
    assert spec.z_rank == 2
    coef = spec.ridge_coef(ALPHAS)
    intercept = spec.intercept(coef)
    for i, a in enumerate(ALPHAS):
        c, b = ridge_direct(X, y, a, sw, fit_intercept, PENALTY)
        assert_allclose(coef[i], c, rtol=1e-7, atol=1e-9)
        assert_allclose(intercept[i], b, rtol=1e-7, atol=1e-9)


def test_positive_penalty_factors_are_column_rescaling():
    X, y, sw = _data(25, 4, weighted=True)
    p = np.array([0.5, 1.0, 3.0, 9.0])
    pen = decompose_penalized(X, y, p, sw)
    plain = decompose(X / np.sqrt(p), y, sw)
    assert pen.z_rank == 0
    assert_allclose(pen.eigenvalues, plain.eigenvalues, rtol=1e-10)
    assert_allclose(pen.ridge_coef(ALPHAS), plain.ridge_coef(ALPHAS) / np.sqrt(p),
                    rtol=1e-9, atol=1e-11)
    assert_allclose(pen.effective_dof(ALPHAS), plain.effective_dof(ALPHAS), rtol=1e-10)


def test_zero_penalty_factors_are_frisch_waugh():
    X, y, sw = _data(30, 6, weighted=True)
    Xc, yc, _, _, w = _centre(X, y, sw, True)
    s = np.sqrt(w)[:, None]
    P, Z = PENALTY > 0, PENALTY == 0
    Zs = s * Xc[:, Z]
    proj = np.eye(30) - Zs @ np.linalg.pinv(Zs)  # partial out Z (the intercept already is)
    Xt, yt = proj @ (s * Xc[:, P]), proj @ (s * yc)
    spec = decompose_penalized(X, y, PENALTY, sw)
    for a in ALPHAS:
        w_p = np.linalg.solve(Xt.T @ Xt + a * np.diag(PENALTY[P]), Xt.T @ yt)
        w_z = np.linalg.lstsq(Zs, s * yc - s * Xc[:, P] @ w_p, rcond=None)[0]
        coef = spec.ridge_coef([a])[0]
        assert_allclose(coef[:, P], w_p.T, rtol=1e-8, atol=1e-10)
        assert_allclose(coef[:, Z], w_z.T, rtol=1e-8, atol=1e-10)


def test_collinear_unpenalized_columns_get_the_minimum_norm_split():
    X, y, _ = _data(30, 3)
    X = np.column_stack([X, X[:, 0]])
    p = np.array([0.0, 1.0, 1.0, 0.0])
    Xc, yc, _, _, _ = _centre(X, y, None, True)
    spec = decompose_penalized(X, y, p)
    assert spec.z_rank == 1
    coef = spec.ridge_coef([2.0])[0]
    ref = np.linalg.pinv(Xc.T @ Xc + 2.0 * np.diag(p)) @ (Xc.T @ yc)
    assert_allclose(coef, ref.T, rtol=1e-8, atol=1e-10)
    assert_allclose(coef[:, 0], coef[:, 3], rtol=1e-9)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(30, 6), (8, 6)])
def test_penalized_dof_is_the_trace_of_the_hat_matrix(shape, fit_intercept):
    X, y, sw = _data(*shape, weighted=True)
    spec = decompose_penalized(X, y, PENALTY, sw, fit_intercept)
    ref = [hat_trace(X, a, sw, fit_intercept, PENALTY) for a in ALPHAS]
    assert_allclose(spec.effective_dof(ALPHAS), ref, rtol=1e-8)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_penalized_loo_matches_refitting(weighted, fit_intercept):
    X, y, sw = _data(18, 6, weighted=weighted)
    spec = decompose_penalized(X, y, PENALTY, sw, fit_intercept, keep_left=True)
    alphas = [0.05, 1.0, 30.0]
    loo = spec.loo_residuals(alphas)
    for i, a in enumerate(alphas):
        ref = loo_brute(X, y, a, sw, fit_intercept, PENALTY)
        assert_allclose(loo[i], ref, rtol=1e-7, atol=1e-9)
    total = 18.0 if sw is None else sw.sum()
    blocks = [spec.loo_residuals_for(X[i:i + 5], y[i:i + 5], None if sw is None else sw[i:i + 5],
                                     total, alphas) for i in range(0, 18, 5)]
    assert_allclose(np.concatenate(blocks, axis=1), loo, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("fmt", SPARSE_FORMATS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("n", [30, 5], ids=["gram", "kernel"])
def test_penalized_sparse_equals_dense(n, fit_intercept, fmt):
    X, y, sw = _data(n, 6, weighted=True)
    X[np.random.default_rng(2).random(X.shape) < 0.5] = 0.0
    dense = decompose_penalized(X, y, PENALTY, sw, fit_intercept, keep_left=True)
    sp = decompose_penalized(fmt(X), y, PENALTY, sw, fit_intercept, keep_left=True)
    assert sp.z_rank == dense.z_rank and sp.rank == dense.rank
    assert_allclose(sp.ridge_coef(ALPHAS), dense.ridge_coef(ALPHAS), rtol=1e-7, atol=1e-9)
    assert_allclose(sp.intercept(sp.ridge_coef(ALPHAS)),
                    dense.intercept(dense.ridge_coef(ALPHAS)), rtol=1e-7, atol=1e-9)
    assert_allclose(sp.effective_dof(ALPHAS), dense.effective_dof(ALPHAS), rtol=1e-8)
    assert_allclose(sp.loo_residuals(ALPHAS[1:]), dense.loo_residuals(ALPHAS[1:]),
                    rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gram_penalized_equals_dense(fit_intercept):
    X, y, sw = _data(40, 6, weighted=True)
    stats = GramStats.from_chunk(X[:22], y[:22], sw[:22]).merge(
        GramStats.from_chunk(X[22:], y[22:], sw[22:]))
    a = decompose_gram_penalized(stats, PENALTY, fit_intercept)
    b = decompose_penalized(X, y, PENALTY, sw, fit_intercept)
    assert a.z_rank == b.z_rank == 2
    assert_allclose(a.ridge_coef(ALPHAS), b.ridge_coef(ALPHAS), rtol=1e-8, atol=1e-10)
    assert_allclose(a.intercept(a.ridge_coef(ALPHAS)), b.intercept(b.ridge_coef(ALPHAS)),
                    rtol=1e-8, atol=1e-10)
    assert_allclose(a.effective_dof(ALPHAS), b.effective_dof(ALPHAS), rtol=1e-9)
    assert a.weight_sum == pytest.approx(sw.sum())


# ------------------------------------------------------------------ properties
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(3, 12), d=st.integers(1, 9),
       alpha=st.floats(0.01, 100.0), weighted=st.booleans(), fit_intercept=st.booleans())
def test_property_ridge_and_loo_match_direct_computations(seed, n, d, alpha, weighted,
                                                          fit_intercept):
    X, y, sw = _data(n, d, t=1, seed=seed, weighted=weighted)
    spec = decompose(X, y, sw, fit_intercept, keep_left=True)
    c, b = ridge_direct(X, y, alpha, sw, fit_intercept)
    coef = spec.ridge_coef([alpha])[0]
    assert_allclose(coef, c, rtol=1e-6, atol=1e-8)
    assert_allclose(spec.intercept(coef), b, rtol=1e-6, atol=1e-8)
    assert_allclose(spec.loo_residuals([alpha])[0], loo_brute(X, y, alpha, sw, fit_intercept),
                    rtol=1e-6, atol=1e-7)
    assert spec.effective_dof([alpha])[0] == pytest.approx(
        hat_trace(X, alpha, sw, fit_intercept), rel=1e-7, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(4, 15),
       p=st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=2, max_size=6),
       alpha=st.floats(0.05, 50.0))
def test_property_penalized_ridge_is_the_weighted_solve(seed, n, p, alpha):
    p = np.asarray(p)
    # unpenalized columns must be identifiable: fewer than n − 1 of them
    if np.count_nonzero(p == 0) >= n - 1:
        p[: n - 1] = np.maximum(p[: n - 1], 1.0)
    X, y, sw = _data(n, p.size, t=1, seed=seed, weighted=True)
    spec = decompose_penalized(X, y, p, sw)
    coef = spec.ridge_coef([alpha])[0]
    c, b = ridge_direct(X, y, alpha, sw, True, p)
    assert_allclose(coef, c, rtol=1e-6, atol=1e-7)
    assert_allclose(spec.intercept(coef), b, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("fmt", [np.asarray, sparse.csr_matrix])
def test_all_zero_penalty_factors_are_least_squares(fmt):
    X, y, sw = _data(20, 3, weighted=True)
    spec = decompose_penalized(fmt(X), y, np.zeros(3), sw, keep_left=True)
    assert spec.rank == 0 and spec.z_rank == 3
    c, b = ridge_direct(X, y, 0.0, sw)
    coef = spec.ridge_coef([1.0, 100.0])
    assert_allclose(coef, np.stack([c, c]), rtol=1e-9, atol=1e-11)
    assert_allclose(spec.intercept(coef[0]), b, rtol=1e-9, atol=1e-11)
    assert_allclose(spec.effective_dof([1.0]), [3.0])
    assert_allclose(spec.loo_residuals([1.0])[0], loo_brute(X, y, 0.0, sw), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("fmt", [np.asarray, sparse.csr_matrix])
def test_penalized_zero_weights_are_dropped_rows(fmt):
    X, y, _ = _data(20, 6)
    sw = np.ones(20)
    sw[[3, 8]] = 0.0
    keep = sw > 0
    spec = decompose_penalized(fmt(X), y, PENALTY, sw, keep_left=True)
    ref = decompose_penalized(X[keep], y[keep], PENALTY)
    assert_allclose(spec.ridge_coef(ALPHAS), ref.ridge_coef(ALPHAS), rtol=1e-8, atol=1e-10)
    loo = spec.loo_residuals([1.0])[0]
    assert_allclose(loo[~keep], 0.0, atol=1e-14)
    assert_allclose(loo[keep], loo_brute(X[keep], y[keep], 1.0, penalty=PENALTY),
                    rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("penalty", [None, PENALTY], ids=["plain", "factors"])
def test_loo_from_sufficient_statistics_matches_refitting(penalty, fit_intercept):
    # the Dask route: decompose from the moments, then residuals block by block
    X, y, sw = _data(24, 6, weighted=True)
    stats = GramStats.from_chunk(X[:10], y[:10], sw[:10]).merge(
        GramStats.from_chunk(X[10:], y[10:], sw[10:]))
    spec = (decompose_gram(stats, fit_intercept) if penalty is None
            else decompose_gram_penalized(stats, penalty, fit_intercept))
    alphas = [0.1, 3.0]
    loo = np.concatenate([spec.loo_residuals_for(X[i:i + 9], y[i:i + 9], sw[i:i + 9],
                                                 stats.weight_sum, alphas)
                          for i in range(0, 24, 9)], axis=1)
    for i, a in enumerate(alphas):
        assert_allclose(loo[i], loo_brute(X, y, a, sw, fit_intercept, penalty),
                        rtol=1e-7, atol=1e-9)
