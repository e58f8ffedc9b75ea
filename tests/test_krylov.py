"""skreg._krylov: Golub–Kahan ridge path against exact solutions, LSQR and its own estimates."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from scipy.sparse.linalg import lsqr

from skreg._krylov import golub_kahan, ridge_krylov
from skreg._data._sparse import CenteredDesign
from skreg._spectral import decompose


def _data(n, d, seed=0, n_targets=None):
    rng = np.random.default_rng(seed)
    X = sparse.random(n, d, density=0.2, random_state=seed, format="csr")
    X.data = rng.uniform(0.5, 2.0, X.nnz)
    shape = (n,) if n_targets is None else (n, n_targets)
    return X, rng.standard_normal(shape)


def _centred(X, y, sw=None):
    Xd = X.toarray()
    sw = np.ones(len(Xd)) if sw is None else sw
    Xc = (Xd - np.average(Xd, axis=0, weights=sw)) * np.sqrt(sw)[:, None]
    yc = (y - np.average(y, axis=0, weights=sw)) * np.sqrt(sw).reshape(-1, *([1] * (y.ndim - 1)))
    return Xc, yc


@pytest.mark.parametrize("shape", [(150, 40), (40, 150)])
def test_residual_estimates_equal_true_residuals(shape):
    X, y = _data(*shape)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, shape[0])
    alphas = np.logspace(-2, 2, 9)
    path = ridge_krylov(X, y, sw, True, alphas, tol=1e-8)
    Xc, yc = _centred(X, y, sw)
    coefs = path.spectrum.ridge_coef(alphas)[:, 0, :]
    true = [np.linalg.norm(Xc.T @ (yc - Xc @ w) - a * w) / np.linalg.norm(Xc.T @ yc)
            for a, w in zip(alphas, coefs)]
    assert_allclose(path.residuals(alphas)[:, 0], true, rtol=1e-6, atol=1e-14)
    assert np.max(true) <= 1e-8  # the stopping rule: the worst α meets tol
    exact = np.linalg.solve(Xc.T @ Xc + 0.01 * np.eye(shape[1]), Xc.T @ yc)
    assert_allclose(coefs[0], exact, atol=1e-6 * np.abs(exact).max())


def test_each_alpha_is_lsqr_with_damping():
    """The multi-shift iterate at k steps is LSQR's (damp = √α) at k steps."""
    X, y = _data(120, 30, seed=2)
    Xc, yc = _centred(X, y)
    design = CenteredDesign(X, np.asarray(X.mean(axis=0)).ravel())
    V, al, be, k, _ = golub_kahan(design, yc, [1.0], tol=1e-30, max_iter=8)
    assert k == 8
    assert_allclose(V @ V.T, np.eye(V.shape[0]), atol=1e-13)  # reorthogonalized
    for alpha in (0.1, 1.0, 30.0):
        B = np.zeros((k + 1, k))
        B[np.arange(k), np.arange(k)] = al[:k]
        B[np.arange(1, k + 1), np.arange(k)] = be[1 : k + 1]
        rhs = np.zeros(k + 1)
        rhs[0] = be[0]
        z = np.linalg.solve(B.T @ B + alpha * np.eye(k), B.T @ rhs)
        ref = lsqr(Xc, yc, damp=np.sqrt(alpha), atol=0, btol=0, conlim=0, iter_lim=k)[0]
        assert_allclose(V[:k].T @ z, ref, rtol=1e-8, atol=1e-12)


def test_ritz_values_interlace_and_top_ones_converge():
    X, y = _data(300, 60, seed=3)
    path = ridge_krylov(X, y, None, True, [1e-3], tol=1e-10)
    exact = decompose(X, y)
    theta, lam = path.spectrum.eigenvalues, exact.eigenvalues
    k = theta.size
    assert np.all(theta <= lam[:k] * (1 + 1e-12))
    assert theta[0] == pytest.approx(lam[0], rel=1e-10)  # the extreme one first
    assert_allclose(theta[1:3], lam[1:3], rtol=1e-5)
    V = path.spectrum.eigenvectors
    assert_allclose(V.T @ V, np.eye(k), atol=1e-12)
    Xc, _ = _centred(X, y)
    # Ritz pairs: V diagonalizes H restricted to the Krylov space
    assert_allclose(V.T @ (Xc.T @ (Xc @ V)), np.diag(theta), atol=1e-10 * theta[0])


def test_low_rank_breaks_down_exactly():
    """Rank-3 X: the Krylov space is invariant after 3 steps and exact for every α (α = 0 too)."""
    rng = np.random.default_rng(4)
    X = sparse.csr_matrix(rng.standard_normal((50, 3)) @ rng.standard_normal((3, 20)))
    y = rng.standard_normal(50)
    path = ridge_krylov(X, y, None, True, [0.0], tol=1e-14)
    assert path.n_iter[0] <= 4
    assert np.count_nonzero(path.spectrum.eigenvalues) == 3
    exact = decompose(X.toarray(), y)
    alphas = [0.0, 1e-8, 1.0, 1e3]
    assert_allclose(path.spectrum.ridge_coef(alphas), exact.ridge_coef(alphas), rtol=1e-8, atol=1e-12)


def test_multitarget_union_and_dense_and_degenerate_targets():
    X, Y = _data(100, 25, seed=5, n_targets=3)
    Y[:, 2] = 7.0  # a constant target: centred to zero, empty Krylov space
    path = ridge_krylov(X.toarray(), Y, None, True, [0.5], tol=1e-9)
    assert path.n_iter[2] == 0 and path.n_iter[0] > 0
    coefs = path.spectrum.ridge_coef([0.5])[0]
    exact = decompose(X, Y).ridge_coef([0.5])[0]
    assert_allclose(coefs, exact, atol=1e-7 * np.abs(exact).max())
    assert_allclose(coefs[2], 0.0, atol=1e-12)
    assert np.all(path.residuals([0.5]) <= 1e-9)
    V = path.spectrum.eigenvectors
    assert_allclose(V.T @ V, np.eye(V.shape[1]), atol=1e-12)


def test_zero_target_and_no_intercept():
    X, y = _data(40, 10, seed=6)
    path = ridge_krylov(X, np.zeros(40), None, True, [1.0])
    assert path.n_iter[0] == 0 and path.spectrum.ridge_coef([1.0]).shape == (1, 1, 10)
    assert np.all(path.spectrum.ridge_coef([1.0]) == 0)
    path = ridge_krylov(X, y, None, False, [0.3], tol=1e-10)
    Xd = X.toarray()
    exact = np.linalg.solve(Xd.T @ Xd + 0.3 * np.eye(10), Xd.T @ y)
    assert_allclose(path.spectrum.ridge_coef([0.3])[0, 0], exact, rtol=1e-8)
