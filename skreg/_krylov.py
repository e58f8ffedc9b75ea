"""The Krylov core: Golub–Kahan bidiagonalization, one Krylov space for every ridge α.

When the d×d Gram or n×n kernel of the centred design X_w = √W(X − 1x̄ᵀ) does not fit
the memory budget (:func:`skreg.get_config`), the spectral idea of
:mod:`skreg._spectral` still holds in a Krylov space.  Golub–Kahan bidiagonalization
of A = X_w started from b = y_w (the centred, √w-scaled target) builds, after k steps,

    A V_k = U_{k+1} B_k,        Aᵀ U_{k+1} = V_k B_kᵀ + α_{k+1} v_{k+1} e_{k+1}ᵀ,

with V_k (d × k) an orthonormal basis of the Krylov space
K_k(AᵀA, Aᵀb) = span{Aᵀb, (AᵀA)Aᵀb, …} and B_k the (k+1) × k lower-bidiagonal
matrix of the α's (diagonal) and β's (sub-diagonal).  The Krylov space does not depend
on α: K_k(AᵀA + αI, Aᵀb) = K_k(AᵀA, Aᵀb) (shift invariance), so **one space serves
every α**.  In it the ridge problem min ½‖Aw − b‖² + ½α‖w‖² with w = V_k z is the small
damped least-squares problem

    min ‖B_k z − β₁e₁‖² + α‖z‖²,       z(α) = Σᵢ qᵢ σᵢ (β₁ pᵢ₁) / (σᵢ² + α)

(B_k = P Σ Qᵀ, a (k+1)×k SVD), vectorized over α.  With the Ritz pairs θᵢ = σᵢ²
(eigenvalues of V_kᵀAᵀAV_k) and ũᵢ = V_k qᵢ this is the lecture's formula

    ŵ(α) = Σᵢ βᵢ / (θᵢ + α) ũᵢ,      βᵢ = ũᵢᵀ Aᵀb = σᵢ β₁ pᵢ₁:

the Ritz pairs stand in for (λᵢ, uᵢ), and :class:`skreg._spectral.Spectrum` evaluates
it for any α unchanged.  For each α, the iterate equals k steps of LSQR with
damping √α (equivalently CG on (AᵀA + αI)w = Aᵀb), so the whole path costs about
one LSQR solve: the one of the smallest α.

Stopping.  The relative residual of the normal equations at α,

    res(α) = ‖Aᵀ(b − Aŵ(α)) − αŵ(α)‖ / ‖Aᵀb‖,

equals α_{k+1}β_{k+1}|e_kᵀz(α)| / (α₁β₁) (from the two relations above); it is tracked
for every requested α at O(1) cost per step with LSQR's Givens recurrences (vectorized
over α), and the iteration stops when the worst α meets ``tol``.

Reorthogonalization.  Without it, V_k loses orthogonality as soon as a Ritz value
converges: the Krylov solution still converges (as CG does) but later, the Ritz values
come with spurious copies, and ũᵢ = V_k qᵢ are no eigenvector approximations.  We keep
V_k orthonormal to working precision (*one-sided full reorthogonalization*, classical
Gram–Schmidt applied twice, "twice is enough"): V_k is stored anyway, since it is the
model's output (the Ritz vectors that let ``path`` serve any α without the data), and
Simon & Zha (SIAM J. Sci. Comput. 21, 2000) show that keeping one side orthogonal
keeps the projected B_k, hence the Ritz values and the residual estimates, accurate;
reorthogonalizing U too would store another n × k block for no gain in the solution.
The cost is 4dk flops per step, against 4·nnz(X) for the two products.

Several targets: one Krylov space per target (each its own right-hand side), then a
Rayleigh–Ritz step on the union of the spaces gives one set of Ritz pairs shared by
all targets (Galerkin in a larger space: each target's solution only improves), so the
result is again one :class:`Spectrum`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._config import memory_budget
from ._data._centering import implicit_offsets
from ._data._sparse import CenteredDesign, is_sparse
from ._spectral import Spectrum, design_offset_energy, significant
from ._utils._threads import single_blas_thread

__all__ = ["KrylovPath", "golub_kahan", "ridge_krylov"]

#: Largest Lanczos basis (d × k float64, the model's Ritz vectors) built without an
#: explicit ``max_iter``: 4 × the memory budget (4 GiB by default).
_BASIS_FRACTION = 4.0


@dataclass(frozen=True)
class KrylovPath:
    """Ridge for every α from one Krylov space: Ritz pairs and residual estimates.

    Attributes
    ----------
    spectrum : Spectrum
        Ritz values as ``eigenvalues``, Ritz vectors as ``eigenvectors`` (orthonormal
        columns), and the coordinates θ*ᵢ of the projected least-squares solution.
    n_iter : ndarray of shape (n_targets,)
        Krylov dimension built for each target.
    residual_factor : ndarray of shape (p, r)
        F with ‖Aᵀ(b − Aŵ) − αŵ‖ = ‖F c‖ for ŵ = Σ cᵢ ũᵢ (c in Ritz coordinates).
    rhs_norm : ndarray of shape (n_targets,)
        ‖Aᵀb‖ for each target.
    """

    spectrum: Spectrum
    n_iter: np.ndarray
    residual_factor: np.ndarray
    rhs_norm: np.ndarray

    def residuals(self, alphas):
        """Relative normal-equation residuals res(α) (module docstring), shape (m, n_targets).

        Computed from the stored projection alone (no data needed), so ``path`` can say
        which strengths the Krylov space serves to ``tol``.
        """
        alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
        coords = self.spectrum.shrinkage(alphas)[:, :, None] * self.spectrum.theta_star[None]
        res = np.linalg.norm(np.einsum("pr,mrt->mpt", self.residual_factor, coords), axis=1)
        return np.divide(res, self.rhs_norm, out=np.zeros_like(res), where=self.rhs_norm > 0)


def _max_krylov_dim(n, d, max_iter):
    """The largest useful Krylov dimension: rank bound, memory budget, ``max_iter``."""
    by_memory = max(1, memory_budget(_BASIS_FRACTION) // (8 * max(d, 1)) - 1)
    k = min(n, d, by_memory)
    return k if max_iter is None else min(k, int(max_iter))


def golub_kahan(design, b, alphas, tol=1e-6, max_iter=None):
    """:func:`_golub_kahan` with BLAS on one thread.

    Every step is memory-bound vector work (norms, axpys, the two matrix–vector
    products of the reorthogonalization) beside single-threaded sparse products:
    extra BLAS threads only spin against them and each other on a loaded machine.
    """
    with single_blas_thread():
        return _golub_kahan(design, b, alphas, tol, max_iter)


def _golub_kahan(design, b, alphas, tol=1e-6, max_iter=None):
    """Golub–Kahan bidiagonalization of ``design`` from ``b`` until every α meets ``tol``.

    Parameters
    ----------
    design : CenteredDesign
        A = X_w, applied through ``matmat`` / ``rmatmat`` only.
    b : ndarray of shape (n_samples,)
    alphas : ndarray of shape (m,)
        The strengths whose residual must fall below ``tol``.
    tol : float
        Bound on res(α) = ‖Aᵀ(b − Aŵ) − αŵ‖ / ‖Aᵀb‖.
    max_iter : int or None
        Largest Krylov dimension (None: min(n, d), within 4 × the memory budget).

    Returns
    -------
    V : ndarray of shape (k + 1, n_features) or (k, n_features)
        Orthonormal Lanczos vectors as rows (v_{k+1} included unless the process broke
        down: then the space is invariant and exact for every α).
    alpha, beta : ndarrays of shape (k + 1,)
        Diagonal α₁…α_{k+1} and sub-diagonal β₁…β_{k+1} (β₁ = ‖b‖).
    k : int
        Krylov dimension.
    converged : bool
    """
    n, d = design.shape
    alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
    damp = np.sqrt(alphas)
    eps = np.finfo(np.float64).eps
    beta1 = float(np.linalg.norm(b))
    if beta1 == 0.0:
        return np.zeros((0, d)), np.zeros(1), np.zeros(1), 0, True
    u = b / beta1
    v = design.rmatmat(u)
    alpha1 = float(np.linalg.norm(v))
    if alpha1 == 0.0:
        return np.zeros((0, d)), np.zeros(1), np.array([beta1]), 0, True
    v /= alpha1
    k_max = _max_krylov_dim(n, d, max_iter)
    cap = min(k_max + 1, 16)
    V = np.empty((cap, d))
    V[0] = v
    alphas_out, betas_out = [alpha1], [beta1]
    anorm_sq = alpha1**2
    breakdown = 1e3 * eps
    # LSQR's Givens recurrences, one lane per α (scipy.sparse.linalg.lsqr, damp = √α)
    rhobar = np.full(alphas.shape, alpha1)
    phibar = np.full(alphas.shape, beta1)
    alpha, k, converged = alpha1, 0, False
    while k < k_max:
        u = design.matmat(v) - alpha * u
        beta = float(np.linalg.norm(u))
        anorm_sq += beta**2
        k += 1
        if beta <= breakdown * np.sqrt(anorm_sq):  # A V_k ⊂ span U_k: exact for every α
            alphas_out.append(0.0)
            betas_out.append(0.0)
            converged = True
            break
        u /= beta
        v = design.rmatmat(u) - beta * v
        for _ in range(2):  # one-sided full reorthogonalization, CGS2
            basis = V[:k]
            v -= (basis @ v) @ basis
        del basis
        alpha = float(np.linalg.norm(v))
        anorm_sq += alpha**2
        alphas_out.append(alpha)
        betas_out.append(beta)
        if alpha <= breakdown * np.sqrt(anorm_sq):  # Aᵀ U_{k+1} ⊂ span V_k: exact too
            alphas_out[-1] = 0.0
            converged = True
            break
        v /= alpha
        if k >= V.shape[0]:  # grow in place (realloc): see _RESIZE_NOTE
            # small steps: the unused capacity is the peak memory's only excess
            V.resize((min(k_max + 1, V.shape[0] + max(8, V.shape[0] // 8)), d), refcheck=False)
        V[k] = v
        # update the residual estimate of every α
        rhobar1 = np.hypot(rhobar, damp)  # no overflow for extreme scales
        phibar = (rhobar / rhobar1) * phibar
        rho = np.hypot(rhobar1, beta)
        cs, sn = rhobar1 / rho, beta / rho
        rhobar = -cs * alpha
        phi = cs * phibar
        phibar = sn * phibar
        arnorm = alpha * np.abs(sn * phi)
        if np.max(arnorm) <= tol * alpha1 * beta1:
            converged = True
            break
    V.resize((k + 1 if alphas_out[-1] > 0 else k, d), refcheck=False)  # _RESIZE_NOTE
    return V, np.array(alphas_out), np.array(betas_out), k, converged


# _RESIZE_NOTE: the basis V is one array that owns its data and of which no view is
# alive at the resize calls (the reorthogonalization's slice is deleted first), so
# ``ndarray.resize`` (a realloc: large blocks are remapped, not copied) grows and
# trims it in place: the basis never exists twice in memory, as a grow-by-copy would
# have it.  (refcheck=True would refuse: the calling frames hold references.)


def _rotate_rows_inplace(V, Qt, block=1024):
    """V[:k] ← Qᵀ V[:k'] (the Ritz vectors as rows), column block by column block."""
    k = Qt.shape[0]
    for start in range(0, V.shape[1], block):
        cols = slice(start, start + block)
        V[:k, cols] = Qt @ V[: Qt.shape[1], cols]


def _single_target(design, b, alphas, tol, max_iter):
    """Ritz pairs, θ*, residual factor and ‖Aᵀb‖ of one target's Krylov space."""
    n, d = design.shape
    # a target beyond 1e±100 would over/underflow in ‖b‖²: run on b/s, scale back
    s = float(np.max(np.abs(b))) if b.size else 0.0
    s = s if s > 0 and not 1e-100 < s < 1e100 else 1.0
    V, al, be, k, converged = golub_kahan(design, b / s if s != 1.0 else b, alphas, tol, max_iter)
    be[0] *= s  # β₁ = ‖b‖ scales with b (so θ* and ‖Aᵀb‖ do); the rest is A's alone
    if k == 0:
        return np.zeros(0), np.zeros((0, d)), np.zeros(0), np.zeros((1, 0)), 0.0, 0, True
    B = np.zeros((k + 1, k))
    B[np.arange(k), np.arange(k)] = al[:k]
    B[np.arange(1, k + 1), np.arange(k)] = be[1 : k + 1]
    P, sigma, Qt = np.linalg.svd(B, full_matrices=False)
    # residual of the normal equations: α_{k+1} β_{k+1} e_kᵀ z, z = Q c
    F = (al[k] * be[k]) * Qt[:, k - 1][None, :]
    keep = significant(sigma**2, n, d, offset=design_offset_energy(design), method="svd")
    theta = np.where(keep, be[0] * P[0] / np.where(keep, sigma, 1.0), 0.0)
    ritz = np.where(keep, sigma**2, 0.0)
    _rotate_rows_inplace(V, Qt)
    V.resize((k, d), refcheck=False)  # drop v_{k+1} in place (_RESIZE_NOTE)
    return ritz, V, theta, F, al[0] * be[0], k, converged


def ridge_krylov(
    X, y, sample_weight=None, fit_intercept=True, alphas=(1.0,), tol=1e-6, max_iter=None
):
    """Ridge for many α from Golub–Kahan bidiagonalization of the implicitly centred X.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Never densified nor copied (float32/int values are cast once).
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,) or None
    fit_intercept : bool, default=True
    alphas : array-like of shape (m,)
        Strengths that must meet ``tol``; the returned space serves any α (larger
        ones are at least as well converged, in practice).
    tol : float, default=1e-6
        Bound on the relative normal-equation residual of each α (module docstring).
    max_iter : int or None
        Largest Krylov dimension per target.

    Returns
    -------
    KrylovPath
        With ``converged`` read off ``residuals(alphas) <= tol``.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> from skreg._krylov import ridge_krylov
    >>> X = sparse.random(200, 50, density=0.1, random_state=0, format="csr")
    >>> y = X @ np.arange(50.0) + 1.0
    >>> path = ridge_krylov(X, y, alphas=[0.1, 10.0])
    >>> bool(np.all(path.residuals([0.1, 10.0]) <= 1e-6))
    True
    """
    y2 = np.asarray(y, dtype=np.float64)
    y2 = y2[:, None] if y2.ndim == 1 else y2
    n, d = X.shape
    X_offset, y_offset, yw, sqrt_sw = implicit_offsets(X, y2, sample_weight, fit_intercept)
    design = CenteredDesign(X if is_sparse(X) else np.asarray(X), X_offset, sqrt_sw)
    alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
    parts = [_single_target(design, yw[:, t], alphas, tol, max_iter) for t in range(yw.shape[1])]
    n_iter = np.array([p[5] for p in parts])
    rhs_norm = np.array([p[4] for p in parts])
    if len(parts) == 1:
        ritz, vectors, theta, F = parts[0][:4]
        theta = theta[:, None]
    else:
        ritz, vectors, theta, F = _rayleigh_ritz(design, [p[1] for p in parts], yw)
    spectrum = Spectrum(
        eigenvalues=ritz,
        eigenvectors=vectors.T,
        theta_star=theta,
        X_offset=X_offset,
        y_offset=y_offset,
        fit_intercept=fit_intercept,
    )
    return KrylovPath(spectrum, n_iter, F, rhs_norm)


def _rayleigh_ritz(design, bases, yw):
    """One set of Ritz pairs on the union of several targets' Krylov spaces.

    W: an orthonormal basis of the union (SVD of the stacked bases); X_w W = P Σ Zᵀ gives
    Ritz values σ², Ritz
    vectors W Z and θ* = PᵀY_w / σ; the residual factor is the R of a QR of
    (I − WWᵀ)AᵀA W Z (every Krylov space contains its own Aᵀb, so the Galerkin
    residual is exactly that term applied to the coordinates).
    """
    n, d = design.shape
    S = (
        np.concatenate([b for b in bases if b.size], axis=0)
        if any(b.size for b in bases)
        else np.zeros((0, d))
    )
    if S.shape[0] == 0:
        return np.zeros(0), np.zeros((0, d)), np.zeros((0, yw.shape[1])), np.zeros((1, 0))
    # the spaces overlap (all contain the dominant directions): an SVD, not a Gram,
    # gives a basis orthonormal to working precision
    _, s, W = np.linalg.svd(S, full_matrices=False)
    del S
    W = W[s > max(W.shape) * np.finfo(np.float64).eps * s[0]]  # rows orthonormal
    AW = design.matmat(W.T)  # (n, K)
    P, sigma, Zt = np.linalg.svd(AW, full_matrices=False)
    keep = significant(sigma**2, n, d, offset=design_offset_energy(design), method="svd")
    inv = np.where(keep, 1.0 / np.where(keep, sigma, 1.0), 0.0)
    theta = (P.T @ yw) * inv[:, None]
    R = design.rmatmat(AW)  # AᵀA W, (d, K)
    R -= W.T @ (W @ R)
    F = np.linalg.qr(R @ Zt.T, mode="r")
    vectors = Zt @ W
    return np.where(keep, sigma**2, 0.0), vectors, theta, F
