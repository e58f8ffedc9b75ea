"""The spectral core: one eigendecomposition of H = XᵀX, and everything computed from it.

Every linear estimator in skreg is a *spectral filter*.  Write the (weighted, centred)
design as X_w = U S Vᵀ (thin SVD, r = min(n, d) directions), so that H = X_wᵀX_w has
eigenvalues λᵢ = sᵢ² and eigenvectors uᵢ = vᵢ (the lecture's notation), and expand

    X_wᵀy_w = Σ βᵢ uᵢ,      θ*ᵢ = βᵢ / λᵢ   (the unregularized solution, coordinates)

Then each regularizer of the lecture only rescales the coordinates θ*ᵢ by a factor
φᵢ ∈ [0, 1]:

=====================================  =============================================
ridge, L2 strength α                    φᵢ = λᵢ / (λᵢ + α)
gradient descent, τ steps of size ε     φᵢ = 1 − (1 − ελᵢ)^τ   (from θ₀ = 0)
input noise of variance δ (N samples)   ridge with α = δN
=====================================  =============================================

and ŵ = Σ φᵢ θ*ᵢ uᵢ.  :class:`Spectrum` holds the decomposition once and evaluates any
filter, vectorized over many strengths and targets, without refitting.

Numerical choices
-----------------
* Centring: the intercept is never penalized.  With weights w, X and y are centred
  at their weighted means and each row is scaled by √wₖ; the intercept is recovered
  as b = ȳ − x̄ᵀŵ.
* n ≥ d: eigendecomposition of the d×d Gram matrix (``X_wᵀX_w``, one BLAS product and
  one ``eigh``).  d > n: the n×n kernel side ``X_wX_wᵀ`` instead.  Squaring the matrix
  squares its condition number: the smallest eigenvalue carries a relative error of
  about eps·λ_max/λ_min.  When the spectrum spans more than ten decades
  (cond(X) > 10⁵, where that error would pass 10⁻⁶) the decomposition is redone as a
  thin SVD of X_w itself, which keeps full relative accuracy in θ*ᵢ = (Uᵀy)ᵢ / sᵢ.
  Below that threshold the Gram path is as accurate as scikit-learn's Cholesky solve
  of (XᵀX + αI)w = Xᵀy, which squares the same condition number.
* Rank: singular values below ``max(n, d) · eps · s_max`` are exact zeros.  Their
  directions get θ*ᵢ = 0, so α = 0 on rank-deficient data gives the minimum-norm
  (pseudo-inverse) solution, and tiny α (1e-15) cannot amplify round-off in a null
  direction.
* Array API: with ``sklearn.set_config(array_api_dispatch=True)`` the functions below
  compute in the namespace and on the device of their input (PyTorch, CuPy,
  array-api-strict, ...), in the highest float precision that device offers
  (float64, or float32 where the device has no float64, e.g. Apple MPS); otherwise,
  and for NumPy and sparse inputs, NumPy exactly as without dispatch.  Tolerances use
  the machine epsilon of that precision.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, fields, replace

import numpy as np
from scipy import sparse
from scipy.linalg import LinAlgWarning
from threadpoolctl import threadpool_limits

from ._config import fits_budget
from ._data._centering import array_namespace, center_data, implicit_offsets
from ._sparse import CenteredDesign, as_float64, dense_result, is_sparse
from ._threads import single_blas_thread

__all__ = [
    "Spectrum",
    "decompose",
    "decompose_gram",
    "PenalizedSpectrum",
    "decompose_penalized",
    "decompose_gram_penalized",
    "ridge_shrinkage",
    "gd_shrinkage",
    "gd_powers",
]

# cond(X)² above which the Gram / kernel eigendecomposition is replaced by an SVD.
_GRAM_MAX_CONDITION = 1e10


def _contiguous(a, is_numpy):
    """C-contiguous copy for NumPy (fast BLAS on later products); as is otherwise."""
    return np.ascontiguousarray(a) if is_numpy else a


def ridge_shrinkage(eigenvalues, alphas):
    """Ridge filter φ(λ, α) = λ / (λ + α), with 0/0 := 0 (pseudo-inverse).

    Parameters
    ----------
    eigenvalues : array-like of shape (r,)
    alphas : array-like of shape (m,)

    Returns
    -------
    ndarray of shape (m, r)
    """
    xp, _, device, dtype = array_namespace(eigenvalues)
    lam = xp.asarray(eigenvalues, dtype=dtype, device=device)[None, :]
    alphas = xp.reshape(_as_alphas(alphas, xp, device, dtype), (-1, 1))
    denom = lam + alphas
    positive = denom > 0
    zero = xp.zeros((), dtype=dtype, device=device)
    return xp.where(positive, lam / xp.where(positive, denom, 1 + zero), zero)


def _as_alphas(alphas, xp, device, dtype):
    """Strengths (a sequence or NumPy array, as check_alphas gives) in xp, on device."""
    return xp.asarray(np.asarray(alphas, dtype=np.float64), dtype=dtype, device=device)


def gd_powers(rate, steps):
    """ρ^τ and 1 − ρ^τ for ρ = 1 − rate, every rate against every number of steps τ.

    The per-direction contraction of gradient descent: on a quadratic with curvature λ
    and step ε, ρ = 1 − ελ.  Accurate for ρ close to 1 (log1p / expm1, no cancellation
    in 1 − ρ^τ for tiny ελ) and correct in sign for ρ < 0 (1 < ελ < 2 oscillates).

    Parameters
    ----------
    rate : array-like of shape (k,)
        ελ ≥ 0 per direction.
    steps : array-like of shape (m,)
        Numbers of steps τ ≥ 0.

    Returns
    -------
    power, one_minus : ndarrays of shape (m, k)
    """
    rate = np.asarray(rate, dtype=np.float64).reshape(1, -1)
    tau = np.asarray(steps, dtype=np.float64).reshape(-1, 1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if np.all(rate <= 1.0) and np.all(tau > 0):  # ρ ∈ [0, 1]: the usual case
            x = tau * np.log1p(-rate)
            return np.exp(x), -np.expm1(x)
        rho = 1.0 - rate
        log_abs = np.where(rate <= 1.0, np.log1p(-np.minimum(rate, 1.0)), np.log(np.abs(rho)))
        x = np.where(tau == 0, 0.0, tau * log_abs)
        magnitude = np.exp(x)
        odd = np.mod(tau, 2) == 1
        power = np.where((rho < 0) & odd, -magnitude, magnitude)
        one_minus = np.where(rho >= 0, -np.expm1(x), 1.0 - power)
    return power, one_minus


def gd_shrinkage(eigenvalues, n_steps, learning_rate):
    """Gradient-descent filter φ(λ, τ) = 1 − (1 − ελ)^τ (from θ₀ = 0).

    τ steps of θ ← θ − ε(Hθ − Xᵀy) on ½‖Xθ − y‖² give, in the eigenbasis of H,
    θ_τ,ᵢ = (1 − (1 − ελᵢ)^τ) θ*ᵢ: the lecture's early-stopping trajectory.

    Parameters
    ----------
    eigenvalues : array-like of shape (r,)
        Eigenvalues of the Hessian of the loss that is descended.
    n_steps : array-like of shape (m,)
        Numbers of steps τ (non-negative integers).
    learning_rate : float
        Step size ε.

    Returns
    -------
    ndarray of shape (m, r)

    Examples
    --------
    >>> gd_shrinkage([1.5], [1, 2, 3], 1.0)[:, 0]
    array([1.5  , 0.75 , 1.125])
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    return gd_powers(learning_rate * lam, n_steps)[1]


@dataclass(frozen=True)
class Spectrum:
    """Eigendecomposition of the centred (weighted) Gram matrix H = X_wᵀX_w.

    Built by :func:`decompose`; evaluates the lecture's closed forms for any strength.

    Attributes
    ----------
    eigenvalues : ndarray of shape (r,)
        λᵢ, descending, exact zeros below the rank tolerance. r = min(n, d).
    eigenvectors : ndarray of shape (n_features, r)
        uᵢ as columns (orthonormal).
    theta_star : ndarray of shape (r, n_targets)
        Coordinates of the unregularized minimum-norm solution, θ*ᵢ = βᵢ/λᵢ
        (0 in null directions).
    X_offset, y_offset : ndarrays
        Weighted means subtracted before the decomposition (zeros without intercept).
    left_vectors : ndarray of shape (n_samples, rank) or None
        The matching left singular vectors X_w uᵢ / √λᵢ (rank directions only), kept
        when leave-one-out errors are wanted.
    yw : ndarray of shape (n_samples, n_targets) or None
        The centred, √w-scaled targets (kept with ``left_vectors``).
    sqrt_sw : ndarray of shape (n_samples,) or None
        √w, or None for unit weights.
    fit_intercept : bool
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    theta_star: np.ndarray
    X_offset: np.ndarray
    y_offset: np.ndarray
    fit_intercept: bool = True
    left_vectors: np.ndarray | None = field(default=None, repr=False)
    yw: np.ndarray | None = field(default=None, repr=False)
    sqrt_sw: np.ndarray | None = field(default=None, repr=False)

    def __sklearn_array_api_convert__(self, converter):
        """A copy with every array converted, for scikit-learn's ``move_estimator_to``.

        An estimator fitted on a GPU moves to NumPy (or another device) whole: its
        fitted attributes and the decomposition that ``path`` reads.
        """
        arrays = {
            f.name: converter(getattr(self, f.name))
            for f in fields(self)
            if hasattr(getattr(self, f.name), "__dlpack__")
        }
        return replace(self, **arrays)

    @property
    def beta(self):
        """βᵢ = uᵢᵀ X_wᵀ y_w = λᵢ θ*ᵢ, shape (r, n_targets)."""
        return self.eigenvalues[:, None] * self.theta_star

    @property
    def rank(self):
        """Number of nonzero eigenvalues."""
        xp = array_namespace(self.eigenvalues)[0]
        return int(xp.count_nonzero(self.eigenvalues))

    # ---------------------------------------------------------------- filters
    def filtered_coef(self, phi):
        """Coefficients ŵ = Σ φᵢ θ*ᵢ uᵢ for a batch of filters.

        Parameters
        ----------
        phi : ndarray of shape (m, r)
            Shrinkage factor of each eigen-direction, one row per model.

        Returns
        -------
        coef : ndarray of shape (m, n_targets, n_features)
        """
        xp = array_namespace(self.eigenvectors)[0]
        phi = xp.reshape(phi, (1, -1)) if phi.ndim == 1 else phi
        coords = phi[:, :, None] * self.theta_star[None, :, :]  # (m, r, t)
        return xp.permute_dims(self.eigenvectors @ coords, (0, 2, 1))

    def intercept(self, coef):
        """b = ȳ − x̄ᵀŵ for coefficients of shape (..., n_targets, n_features)."""
        if not self.fit_intercept:
            xp, _, device, dtype = array_namespace(coef)
            return xp.zeros(coef.shape[:-1], dtype=dtype, device=device)
        return self.y_offset - coef @ self.X_offset

    def shrinkage(self, alphas):
        """λᵢ / (λᵢ + α) for each α: ndarray of shape (m, r)."""
        return ridge_shrinkage(self.eigenvalues, alphas)

    def ridge_coef(self, alphas):
        """Ridge coefficients ŵ = Σ βᵢ / (λᵢ + α) uᵢ, shape (m, n_targets, n_features)."""
        return self.filtered_coef(self.shrinkage(alphas))

    def effective_dof(self, alphas):
        """Effective degrees of freedom Σ λᵢ / (λᵢ + α): ndarray of shape (m,).

        It falls from the rank of X (α = 0) to 0 (α → ∞); the intercept's one degree
        of freedom is not included.
        """
        xp = array_namespace(self.eigenvalues)[0]
        return xp.sum(self.shrinkage(alphas), axis=1)

    # ---------------------------------------------------------- leave-one-out
    def loo_residuals(self, alphas):
        """Exact leave-one-out residuals of ridge for many α, in the √w-scaled space.

        Returns √wₖ (yₖ − ŷ₋ₖ(α)) with ŷ₋ₖ the prediction of the model (intercept
        included) fitted without sample k: the quantity ``RidgeCV`` squares.

        Derivation.  In the scaled space the model is ŷ = b√w + X_w w, with the
        intercept column q = √w / ‖√w‖ unpenalized and orthogonal to X_w (X_w is
        weighted-centred).  With X_w = U S Vᵀ the hat matrix is

            A(α) = q qᵀ + U diag(λ/(λ+α)) Uᵀ.

        For any linear smoother fitted by least squares, the LOO residual is the
        ordinary residual divided by 1 − Aₖₖ.  Write P = I − qqᵀ − UUᵀ (projector on
        what neither the intercept nor X_w can fit) and note that y_w ⊥ q, so

            residual  rₖ = (P y_w)ₖ + α Σᵢ Uₖᵢ (Uᵀy_w)ᵢ / (λᵢ + α)  =: pₖ + α aₖ(α)
            1 − Aₖₖ      =  Pₖₖ     + α Σᵢ Uₖᵢ²        / (λᵢ + α)  =: Pₖₖ + α bₖ(α)

        Both α-terms are sums of positive-denominator terms with no cancellation, so
        the ratio is accurate for every α ≥ 0, including α = 0 (ordinary least
        squares LOO, pₖ / Pₖₖ) and α = 1e-15.  When Pₖₖ = 0 (sample k can only be
        fitted by its own direction, e.g. d ≥ n) then also pₖ = 0 and α cancels:
        the residual is aₖ / bₖ, the α → 0⁺ limit at α = 0.  The dual formula
        c / diag(G⁻¹) used by ``RidgeCV`` divides by α and has no such limit.

        Parameters
        ----------
        alphas : array-like of shape (m,)

        Returns
        -------
        ndarray of shape (m, n_samples, n_targets)
        """
        if self.left_vectors is None:
            raise ValueError("decompose(..., keep_left=True) is needed for LOO errors")
        xp, _, device, dtype = array_namespace(self.left_vectors)
        n = self.left_vectors.shape[0]
        sw = xp.ones(n, dtype=dtype, device=device) if self.sqrt_sw is None else self.sqrt_sw**2
        return _loo_from_rows(
            self.left_vectors, self.yw, sw, float(xp.sum(sw)), self.eigenvalues,
            self.fit_intercept, alphas,
        )

    def loo_residuals_for(self, X, y, sample_weight, weight_sum, alphas):
        """:meth:`loo_residuals` for some rows of the training data, from their raw values.

        The hat-matrix diagonal and residual of a row only involve that row and global
        quantities (x̄, ȳ, uᵢ, λᵢ, θ*ᵢ, W = Σw), so the leave-one-out residuals of a
        dataset too large for memory are computed block by block.

        Parameters
        ----------
        X : ndarray of shape (n_rows, n_features)
        y : ndarray of shape (n_rows,) or (n_rows, n_targets)
        sample_weight : ndarray of shape (n_rows,) or None
        weight_sum : float
            Σw over the whole training set.
        alphas : array-like of shape (m,)

        Returns
        -------
        ndarray of shape (m, n_rows, n_targets)
        """
        y, sw, sqrt_sw = _loo_rows(X, y, sample_weight)
        rank = self.rank
        s = np.sqrt(self.eigenvalues[:rank])
        Xw = (np.asarray(X, dtype=np.float64) - self.X_offset) * sqrt_sw
        U = (Xw @ self.eigenvectors[:, :rank]) / s
        yw = (y - self.y_offset) * sqrt_sw
        return _loo_from_rows(U, yw, sw, weight_sum, self.eigenvalues, self.fit_intercept,
                              alphas, uty=s[:, None] * self.theta_star[:rank])


def _loo_rows(X, y, sample_weight):
    """Rows for :meth:`Spectrum.loo_residuals_for`: y as 2-D, their weights and √w (column)."""
    y = np.asarray(y, dtype=np.float64)
    y = y[:, None] if y.ndim == 1 else y
    sw = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    return y, sw, np.sqrt(sw)[:, None]


def _loo_from_rows(U, yw, sw, weight_sum, eigenvalues, fit_intercept, alphas, uty=None,
                   unpenalized_leverage=None):
    """Row-separable leave-one-out residuals (see :meth:`Spectrum.loo_residuals`).

    ``unpenalized_leverage`` (shape (n,)) is the diagonal of the projector onto
    unpenalized columns other than the intercept (:class:`PenalizedSpectrum`); ``yw``
    and ``U`` must then be orthogonal to those columns.

    In float32 (a device without float64) the same formulas hold with eps = 1.2e-7:
    rows whose P_kk falls below 10·max(n, rank)·eps are treated as interpolated, and
    the residuals carry a relative error of about eps·λ_max/(λ_min + α).
    """
    xp, is_numpy, device, dtype = array_namespace(U)
    alphas = xp.reshape(_as_alphas(alphas, xp, device, dtype), (-1,))
    n, rank = U.shape
    lam = eigenvalues[:rank]
    if uty is None:
        uty = U.T @ yw  # (rank, t)
    p = yw - U @ uty  # P y_w (y_w already ⊥ q)
    if is_numpy:
        P_diag = 1.0 - np.einsum("ij,ij->i", U, U)
    else:
        P_diag = 1.0 - xp.sum(U * U, axis=1)
    if fit_intercept:
        P_diag = P_diag - sw / weight_sum
    if unpenalized_leverage is not None:
        P_diag = P_diag - unpenalized_leverage
    interpolated = P_diag <= 10 * max(n, rank) * xp.finfo(dtype).eps
    zero = xp.zeros((), dtype=dtype, device=device)
    P_diag = xp.where(interpolated, zero, P_diag)
    p = xp.where(interpolated[:, None], zero, p)

    inv = 1.0 / (lam[None, :] + alphas[:, None])  # (m, rank)
    a = U @ (uty[None, :, :] * inv[:, :, None])  # (m, n, t)
    b = (U * U) @ inv.T  # (n, m)
    scale = xp.where(interpolated[:, None], 1 + zero, alphas[None, :])  # (n, m): α cancels
    num = p[None, :, :] + scale.T[:, :, None] * a
    den = (P_diag[:, None] + scale * b).T[:, :, None]
    positive = den > 0
    return xp.where(positive, num / xp.where(positive, den, 1 + zero), zero)


def _eigh_descending(A):
    """Eigenpairs of a symmetric PSD matrix, descending, eigenvalues clipped at 0."""
    # NumPy's LAPACK, not SciPy's: right after NumPy's own BLAS product, switching to
    # SciPy's separately bundled OpenBLAS makes the two thread pools spin against each
    # other (measured: 2x slower on 2 cores).  And on one thread: the tridiagonalization
    # is memory-bound, and spinning threads on shared cores cost 10x (skreg._threads).
    xp, is_numpy, device, dtype = array_namespace(A)
    if is_numpy:
        with single_blas_thread():
            lam, vec = xp.linalg.eigh(A)
    else:  # the same for other namespaces: PyTorch's MKL runs on OpenMP threads
        with threadpool_limits(limits=1):  # (measured: 0.44 s -> 0.04 s, d = 300, loaded)
            lam, vec = xp.linalg.eigh(A)
    zero = xp.zeros((), dtype=lam.dtype, device=device)
    return xp.maximum(xp.flip(lam, axis=0), zero), _contiguous(xp.flip(vec, axis=1), is_numpy)


def _decompose_matrix(Xw, n_structural_zeros=0):
    """Thin spectral decomposition of Xw.

    Returns ``(lam, V, U, tol)``: λ = s² descending (clipped at 0), right vectors V
    (d × r, orthonormal where λ > 0), left vectors U (n × r) or None when not computed,
    and the tolerance below which an eigenvalue is an exact zero.  Gram side when
    n ≥ d, kernel side otherwise; thin SVD when squaring would lose too many digits.
    ``n_structural_zeros`` eigenvalues are known to vanish (centring removes one
    direction from the kernel side) and are left out of the conditioning test.
    """
    xp, is_numpy, device, dtype = array_namespace(Xw)
    n, d = Xw.shape
    eps = xp.finfo(dtype).eps
    if min(n, d) == 0:
        return (xp.zeros(0, dtype=dtype, device=device), xp.zeros((d, 0), dtype=dtype, device=device),
                xp.zeros((n, 0), dtype=dtype, device=device), 0.0)
    if n >= d:
        lam, V = _eigh_descending(Xw.T @ Xw)
        U = None
    else:
        lam, U = _eigh_descending(Xw @ Xw.T)
        V = None
    informative = lam[: max(lam.shape[0] - n_structural_zeros, 1)]
    if lam[0] > 0 and informative[-1] >= lam[0] / _GRAM_MAX_CONDITION:
        tol = max(n, d) * eps * lam[0]
        if V is None:  # kernel side: uᵢ = X_wᵀ Uᵢ / sᵢ for the nonzero directions
            keep = lam > tol
            if is_numpy:
                lam, U = lam[keep], U[:, keep]
            else:  # λ descends: the kept directions are the leading ones
                n_keep = int(xp.count_nonzero(keep))
                lam, U = lam[:n_keep], U[:, :n_keep]
            V = (Xw.T @ U) / xp.sqrt(lam)
        return lam, V, U, tol
    U, s, Vt = xp.linalg.svd(Xw, full_matrices=False)
    tol = (max(n, d) * eps * s[0]) ** 2 if s.shape[0] else 0.0
    return s**2, _contiguous(Vt.T, is_numpy), U, tol


def decompose(X, y, sample_weight=None, fit_intercept=True, keep_left=False):
    """Decompose the centred, weighted least-squares problem once.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        A SciPy sparse X (CSR/CSC) is centred implicitly and never densified: the
        decomposition is then that of the centred Gram (n ≥ d) or kernel (n < d),
        built by sparse products and rank-one corrections, without the SVD
        fallback (see :func:`_decompose_sparse`).
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,) or None
    fit_intercept : bool, default=True
        Centre X and y so that the intercept is not penalized.
    keep_left : bool, default=False
        Also keep the left singular vectors and the scaled targets, needed for
        :meth:`Spectrum.loo_residuals` (memory n × rank).

    Returns
    -------
    Spectrum

    Examples
    --------
    >>> import numpy as np
    >>> from skreg._spectral import decompose
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0], [2.0, 0.5]])
    >>> y = np.array([1.0, 2.0, 2.0, 2.5])
    >>> spec = decompose(X, y)
    >>> bool(np.allclose(spec.ridge_coef([0.0])[0, 0], np.linalg.lstsq(
    ...     X - X.mean(0), y - y.mean(), rcond=None)[0]))
    True
    """
    xp, is_numpy, device, dtype = array_namespace(X)
    y2 = xp.asarray(y, dtype=dtype, device=device)
    if y2.ndim == 1:
        y2 = y2[:, None]
    if is_sparse(X):  # implicit centring, never densified: see _decompose_sparse
        return _decompose_sparse(X, y2, sample_weight, fit_intercept, keep_left)
    Xw, yw, X_offset, y_offset, sqrt_sw = center_data(X, y2, sample_weight, fit_intercept)
    # Extreme magnitudes (|x| ~ 1e±150) would over/underflow in the squared matrix:
    # decompose X_w / c instead and put c back (λ scales by c², θ* by 1/c).
    has_values = Xw.shape[0] * Xw.shape[1] > 0
    scale = max(float(xp.max(Xw)), -float(xp.min(Xw))) if has_values else 0.0
    # (float32, on a device without float64: squares stay finite and normal within 1e±10)
    lo, hi = (1e-100, 1e100) if xp.finfo(dtype).bits == 64 else (1e-10, 1e10)
    scale = scale if scale > 0 and not lo < scale < hi else 1.0
    n_zero = int(fit_intercept and Xw.shape[0] <= Xw.shape[1])
    if scale != 1.0:
        Xw = Xw / scale
    lam, V, U, tol = _decompose_matrix(Xw, n_zero)
    zero = xp.zeros((), dtype=dtype, device=device)
    lam = xp.where(lam > tol, lam, zero)
    rank = int(xp.count_nonzero(lam))
    s = xp.sqrt(lam[:rank])
    null = xp.zeros((lam.shape[0] - rank, yw.shape[1]), dtype=dtype, device=device)
    if U is not None:  # θ*ᵢ = (Uᵀy)ᵢ / sᵢ: no squared singular value in the division
        U_rank = U[:, :rank]
        theta = xp.concat([(U_rank.T @ yw) / s[:, None], null], axis=0)
    else:
        U_rank = None
        theta = xp.concat([(V[:, :rank].T @ (Xw.T @ yw)) / lam[:rank, None], null], axis=0)
    if keep_left and U_rank is None:
        U_rank = (Xw @ V[:, :rank]) / s
    lam = lam * scale**2
    theta = theta / scale
    return Spectrum(
        eigenvalues=lam,
        eigenvectors=V,
        theta_star=theta,
        X_offset=X_offset,
        y_offset=y_offset,
        fit_intercept=fit_intercept,
        left_vectors=_contiguous(U_rank, is_numpy) if keep_left else None,
        yw=yw if keep_left else None,
        sqrt_sw=sqrt_sw if keep_left else None,
    )


def decompose_gram(stats, fit_intercept=True):
    """Decompose from sufficient statistics (:class:`skreg._gram.GramStats`) alone.

    The Gram path of :func:`decompose` for data that never sit in memory at once
    (``partial_fit``, Dask): eigenvalues and eigenvectors of H = S_xx (centred) or of
    the raw second moments, and θ*ᵢ = uᵢᵀ(Xᵀy) / λᵢ.  Without the data there is no SVD
    fallback, so on an X with cond(X) > 10⁵ the smallest directions carry the Gram's
    relative error eps·λ_max/λᵢ, like a Cholesky solve of the normal equations; a
    :class:`scipy.linalg.LinAlgWarning` says so when the spectrum spans more than ten
    decades (exactly collinear columns included: from H alone they cannot be told from
    precision loss).

    Parameters
    ----------
    stats : GramStats
    fit_intercept : bool, default=True

    Returns
    -------
    Spectrum
    """
    H, XTy = stats.gram(fit_intercept)
    lam, V = _eigh_descending(H) if H.size else (np.zeros(0), H)
    d = H.shape[0]
    tol = max(stats.n_samples, d) * np.finfo(np.float64).eps * (lam[0] if lam.size else 0.0)
    if lam.size and lam[-1] < lam[0] / _GRAM_MAX_CONDITION:
        warnings.warn(
            f"The Gram matrix built from sufficient statistics is ill-conditioned "
            f"(smallest/largest eigenvalue {lam[-1] / lam[0]:.1e}); without the data there "
            "is no SVD to fall back on, so the smallest directions are inaccurate or "
            "treated as exact zeros. Fit with the data in memory, centre or scale X, or "
            "use fit_intercept=True.",
            LinAlgWarning,
            stacklevel=3,
        )
    lam = np.where(lam > tol, lam, 0.0)
    rank = int(np.count_nonzero(lam))
    theta = np.zeros((lam.size, XTy.shape[1]))
    theta[:rank] = (V[:, :rank].T @ XTy) / lam[:rank, None]
    x_mean, y_mean = stats.means()
    return Spectrum(
        eigenvalues=lam,
        eigenvectors=V,
        theta_star=theta,
        X_offset=x_mean if fit_intercept else np.zeros(d),
        y_offset=y_mean if fit_intercept else np.zeros(XTy.shape[1]),
        fit_intercept=fit_intercept,
    )



# ------------------------------------------------------------ per-feature penalty factors
@dataclass(frozen=True)
class PenalizedSpectrum:
    """Ridge with per-feature penalty factors, reduced exactly to one plain :class:`Spectrum`.

    Solves, with an unpenalized intercept and rows weighted by wₖ,

        min_w  ½ Σₖ wₖ (yₖ − b − xₖᵀw)² + ½ α Σⱼ pⱼ wⱼ²,   i.e.  (X_cᵀX_c + α diag(p)) w = X_cᵀy_c

    for factors pⱼ ≥ 0.  Split the columns into penalized ones P (pⱼ > 0) and
    unpenalized ones Z (pⱼ = 0), and let D = diag(√p_P).

    * Positive factors rescale the columns: with v = D w_P the penalty is ½α‖v‖² on
      the design X_P D⁻¹, a plain ridge problem.
    * Zero factors are projected out first (Frisch–Waugh–Lovell), exactly as the
      intercept is: with Π₀ the projector onto span{q, Z_c} (q = √w/‖√w‖ the intercept
      direction, Z_c the centred, √w-scaled Z columns),

          X̃ = (I − Π₀) X_P D⁻¹,   ỹ = (I − Π₀) y_w,   v̂(α) = (X̃ᵀX̃ + αI)⁻¹ X̃ᵀỹ,

      then w_P = D⁻¹v̂ and w_Z = Z_c⁺(y_w − X_P w_P) = c₀ − B w_P with c₀ = Z_c⁺y_w and
      B = Z_c⁺X_P (least squares of y and of X_P on Z; minimum norm if Z_c is rank
      deficient).  ``inner`` is the decomposition of X̃ = Ũ S Ṽᵀ, so every α still costs
      only the filter λ/(λ+α): one decomposition serves the whole path.

    The fitted attributes built from it are in the original coordinates (one
    coefficient per column of X); ``eigenvalues``, ``eigenvectors`` and ``shrinkage``
    refer to the rescaled, projected penalized problem X̃ (n_penalized features).

    Leave-one-out.  The fitted values are ŷ_w = Π₀y_w + X̃v̂ = A(α) y_w with the hat matrix

        A(α) = Π₀ + Ũ diag(λ/(λ+α)) Ũᵀ,     Π₀ = qqᵀ + Q_Z Q_Zᵀ

    (Q_Z an orthonormal basis of Z_c, orthogonal to q since Z_c is centred; Ũ ⊥ Π₀ by
    construction).  This is the hat matrix of a weighted least-squares problem with a
    quadratic penalty, so the leave-one-out residual is again rₖ / (1 − Aₖₖ), and the
    derivation of :meth:`Spectrum.loo_residuals` carries over with qqᵀ replaced by Π₀:
    P = I − Π₀ − ŨŨᵀ, Pₖₖ = 1 − wₖ/W − ‖(Q_Z)ₖ‖² − ‖Ũₖ‖², and pₖ = (ỹ − ŨŨᵀỹ)ₖ.  Per
    row, ‖(Q_Z)ₖ‖² = wₖ z_cₖᵀ (Z_cᵀZ_c)⁺ z_cₖ (the row's leverage within Z), which is
    what :meth:`loo_residuals_for` uses when the rows arrive in blocks.

    Attributes
    ----------
    inner : Spectrum
        Decomposition of X̃ with ỹ (no centring of its own).
    penalized, unpenalized : ndarrays of int
        Column indices P and Z.
    scale : ndarray of shape (n_penalized,)
        √p_P.
    z_coef : ndarray of shape (n_unpenalized, n_targets)
        c₀ = Z_c⁺y_w.
    z_map : ndarray of shape (n_unpenalized, n_penalized)
        B = Z_c⁺X_P (centred, weighted).
    z_gram_pinv : ndarray of shape (n_unpenalized, n_unpenalized)
        (Z_cᵀZ_c)⁺.
    z_rank : int
        Rank of Z_c: the degrees of freedom of the unpenalized columns.
    X_offset, y_offset, fit_intercept, sqrt_sw :
        As in :class:`Spectrum`, for the original problem.
    z_leverage : ndarray of shape (n_samples,) or None
        diag(Q_Z Q_Zᵀ), kept for :meth:`loo_residuals`.
    weight_sum : float
        W = Σwₖ.
    """

    inner: Spectrum
    penalized: np.ndarray
    unpenalized: np.ndarray
    scale: np.ndarray
    z_coef: np.ndarray
    z_map: np.ndarray
    z_gram_pinv: np.ndarray
    z_rank: int
    X_offset: np.ndarray
    y_offset: np.ndarray
    fit_intercept: bool = True
    sqrt_sw: np.ndarray | None = field(default=None, repr=False)
    z_leverage: np.ndarray | None = field(default=None, repr=False)
    weight_sum: float = 0.0

    @property
    def eigenvalues(self):
        """λᵢ of X̃ᵀX̃ (the rescaled, projected penalized problem)."""
        return self.inner.eigenvalues

    @property
    def eigenvectors(self):
        """Eigenvectors of X̃ᵀX̃, shape (n_penalized, r), in the rescaled coordinates v = D w_P."""
        return self.inner.eigenvectors

    @property
    def theta_star(self):
        """θ*ᵢ of the rescaled, projected penalized problem."""
        return self.inner.theta_star

    @property
    def rank(self):
        """Rank of X̃ (the penalized directions)."""
        return self.inner.rank

    @property
    def n_features(self):
        """Number of columns of X."""
        return self.penalized.size + self.unpenalized.size

    def shrinkage(self, alphas):
        """λᵢ / (λᵢ + α) of the penalized directions: ndarray of shape (m, r)."""
        return self.inner.shrinkage(alphas)

    def effective_dof(self, alphas):
        """trace(A(α)) − 1: Σ λᵢ/(λᵢ + α) plus the rank of the unpenalized columns."""
        return self.inner.effective_dof(alphas) + self.z_rank

    def ridge_coef(self, alphas):
        """Coefficients in the original coordinates, shape (m, n_targets, n_features)."""
        v = self.inner.ridge_coef(alphas)  # (m, t, n_penalized)
        w_p = v / self.scale
        coef = np.empty(v.shape[:2] + (self.n_features,))
        coef[..., self.penalized] = w_p
        coef[..., self.unpenalized] = self.z_coef.T[None] - w_p @ self.z_map.T
        return coef

    def intercept(self, coef):
        """b = ȳ − x̄ᵀŵ for coefficients of shape (..., n_targets, n_features)."""
        if not self.fit_intercept:
            return np.zeros(coef.shape[:-1])
        return self.y_offset - coef @ self.X_offset

    def loo_residuals(self, alphas):
        """Exact leave-one-out residuals √wₖ(yₖ − ŷ₋ₖ(α)), shape (m, n_samples, n_targets).

        See the class docstring for the hat matrix; needs ``keep_left=True``.
        """
        inner = self.inner
        if inner.left_vectors is None:
            raise ValueError("decompose_penalized(..., keep_left=True) is needed for LOO errors")
        n = inner.left_vectors.shape[0]
        sw = np.ones(n) if self.sqrt_sw is None else self.sqrt_sw**2
        return _loo_from_rows(
            inner.left_vectors, inner.yw, sw, float(sw.sum()), inner.eigenvalues,
            self.fit_intercept, alphas, unpenalized_leverage=self.z_leverage,
        )

    def loo_residuals_for(self, X, y, sample_weight, weight_sum, alphas):
        """:meth:`loo_residuals` for some rows of the training data, from their raw values.

        Parameters
        ----------
        X : ndarray of shape (n_rows, n_features)
        y : ndarray of shape (n_rows,) or (n_rows, n_targets)
        sample_weight : ndarray of shape (n_rows,) or None
        weight_sum : float
            Σw over the whole training set.
        alphas : array-like of shape (m,)

        Returns
        -------
        ndarray of shape (m, n_rows, n_targets)
        """
        y, sw, sqrt_sw = _loo_rows(X, y, sample_weight)
        Xc = np.asarray(X, dtype=np.float64) - self.X_offset
        xz = Xc[:, self.unpenalized]
        Xt = sqrt_sw * (Xc[:, self.penalized] - xz @ self.z_map) / self.scale
        yt = sqrt_sw * ((y - self.y_offset) - xz @ self.z_coef)
        leverage = sw * np.einsum("ij,ij->i", xz @ self.z_gram_pinv, xz)
        inner = self.inner
        rank = inner.rank
        s = np.sqrt(inner.eigenvalues[:rank])
        U = (Xt @ inner.eigenvectors[:, :rank]) / s
        return _loo_from_rows(U, yt, sw, weight_sum, inner.eigenvalues, self.fit_intercept,
                              alphas, uty=s[:, None] * inner.theta_star[:rank],
                              unpenalized_leverage=leverage)


def _split_penalty_factor(penalty_factor):
    p = np.asarray(penalty_factor, dtype=np.float64)
    penalized = np.flatnonzero(p > 0)
    return penalized, np.flatnonzero(p == 0), np.sqrt(p[penalized])


def _spectrum_from_centred(Xw, yw, n_structural_zeros, keep_left):
    """:func:`decompose` after centring: a Spectrum of already centred, scaled data."""
    scale = max(float(Xw.max()), -float(Xw.min())) if Xw.size else 0.0
    scale = scale if scale > 0 and not 1e-100 < scale < 1e100 else 1.0
    if scale != 1.0:
        Xw = Xw / scale
    lam, V, U, tol = _decompose_matrix(Xw, n_structural_zeros)
    lam = np.where(lam > tol, lam, 0.0)
    rank = int(np.count_nonzero(lam))
    s = np.sqrt(lam[:rank])
    theta = np.zeros((lam.size, yw.shape[1]))
    if U is not None:
        U_rank = U[:, :rank]
        theta[:rank] = (U_rank.T @ yw) / s[:, None]
    else:
        U_rank = None
        theta[:rank] = (V[:, :rank].T @ (Xw.T @ yw)) / lam[:rank, None]
    if keep_left and U_rank is None:
        U_rank = (Xw @ V[:, :rank]) / s
    d = Xw.shape[1]
    return Spectrum(
        eigenvalues=lam * scale**2,
        eigenvectors=V,
        theta_star=theta / scale,
        X_offset=np.zeros(d),
        y_offset=np.zeros(yw.shape[1]),
        fit_intercept=False,
        left_vectors=np.ascontiguousarray(U_rank) if keep_left else None,
        yw=yw if keep_left else None,
    )


def decompose_penalized(X, y, penalty_factor, sample_weight=None, fit_intercept=True,
                        keep_left=False):
    """Decompose ridge with per-feature penalty factors once (see :class:`PenalizedSpectrum`).

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Sparse X is never densified (only its unpenalized columns are); see
        :func:`_decompose_penalized_sparse`.
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    penalty_factor : ndarray of shape (n_features,)
        pⱼ ≥ 0, validated by the caller.
    sample_weight : ndarray of shape (n_samples,) or None
    fit_intercept : bool, default=True
    keep_left : bool, default=False
        Keep what :meth:`PenalizedSpectrum.loo_residuals` needs (memory n × rank).

    Returns
    -------
    PenalizedSpectrum

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((30, 4)), rng.standard_normal(30)
    >>> p = np.array([0.0, 1.0, 2.0, 0.5])
    >>> spec = decompose_penalized(X, y, p, fit_intercept=False)
    >>> w = np.linalg.solve(X.T @ X + 3.0 * np.diag(p), X.T @ y)
    >>> bool(np.allclose(spec.ridge_coef([3.0])[0, 0], w))
    True
    """
    y2 = np.asarray(y, dtype=np.float64)
    if y2.ndim == 1:
        y2 = y2[:, None]
    penalized, unpenalized, scale = _split_penalty_factor(penalty_factor)
    if sparse.issparse(X):
        return _decompose_penalized_sparse(X, y2, penalized, unpenalized, scale,
                                           sample_weight, fit_intercept, keep_left)
    Xw, yw, X_offset, y_offset, sqrt_sw = center_data(X, y2, sample_weight, fit_intercept)
    n = Xw.shape[0]
    Xp = Xw if penalized.size == Xw.shape[1] else Xw[:, penalized]  # fresh either way
    Zc = Xw[:, unpenalized]
    if unpenalized.size:
        Uz, sz, Vzt = np.linalg.svd(Zc, full_matrices=False)
        tol = max(Zc.shape) * np.finfo(np.float64).eps * (sz[0] if sz.size else 0.0)
        r = int(np.count_nonzero(sz > tol))
        Q, Vr, sr = Uz[:, :r], Vzt[:r].T, sz[:r]
        QtX, Qty = Q.T @ Xp, Q.T @ yw
        z_map = (Vr / sr) @ QtX
        z_coef = (Vr / sr) @ Qty
        z_gram_pinv = (Vr / sr**2) @ Vr.T
        Xp -= Q @ QtX
        yw = yw - Q @ Qty
        z_leverage = np.einsum("ij,ij->i", Q, Q)
    else:
        r = 0
        z_map = np.zeros((0, penalized.size))
        z_coef = np.zeros((0, yw.shape[1]))
        z_gram_pinv = np.zeros((0, 0))
        z_leverage = None
    Xp /= scale
    # directions removed by centring and by the projection: known zeros of the spectrum
    n_zero = max(0, min(n, penalized.size) - (n - int(fit_intercept) - r))
    inner = _spectrum_from_centred(Xp, yw, n_zero, keep_left)
    return PenalizedSpectrum(
        inner=inner, penalized=penalized, unpenalized=unpenalized, scale=scale,
        z_coef=z_coef, z_map=z_map, z_gram_pinv=z_gram_pinv, z_rank=r,
        X_offset=X_offset, y_offset=y_offset, fit_intercept=fit_intercept,
        sqrt_sw=sqrt_sw if keep_left else None,
        z_leverage=z_leverage if keep_left else None,
        weight_sum=float(n if sample_weight is None else np.sum(sample_weight)),
    )


def _decompose_penalized_sparse(X, y2, penalized, unpenalized, scale, sample_weight,
                                fit_intercept, keep_left):
    """:func:`decompose_penalized` for sparse X: X is never densified or centred.

    The penalized columns enter through the implicit centred design of X_P D⁻¹
    (:class:`skreg._sparse.CenteredDesign`); only the unpenalized columns Z are made
    dense (n × n_unpenalized).  With Q an orthonormal basis of Z_c, X̃ = (I − QQᵀ)X_P D⁻¹
    is decomposed from its Gram matrix, H̃ = (X_P D⁻¹)ᵀ_w(X_P D⁻¹)_w − (QᵀX_P D⁻¹)ᵀ(QᵀX_P D⁻¹),
    when n ≥ n_penalized, else from its kernel matrix (I − QQᵀ)K(I − QQᵀ).  Like
    :func:`decompose_gram` there is no SVD fallback: on cond(X̃) > 10⁵ the smallest
    directions carry the squared matrix's relative error eps·λ_max/λᵢ.
    """
    n = X.shape[0]
    X = X.tocsc() if X.format not in ("csr", "csc") else X
    X_offset, y_offset, yw, sqrt_sw = implicit_offsets(X, y2, sample_weight, fit_intercept)
    n_p = penalized.size
    Xp = X[:, penalized] @ sparse.diags(1.0 / scale)
    design = CenteredDesign(Xp, X_offset[penalized] / scale, sqrt_sw)
    # the unpenalized columns only (n × |Z|, dense by nature once centred); X stays sparse
    Zc = dense_result(X[:, unpenalized]) - X_offset[unpenalized]
    if sqrt_sw is not None:
        Zc *= sqrt_sw[:, None]
    if unpenalized.size:
        Uz, sz, Vzt = np.linalg.svd(Zc, full_matrices=False)
        tol_z = max(Zc.shape) * np.finfo(np.float64).eps * (sz[0] if sz.size else 0.0)
        r = int(np.count_nonzero(sz > tol_z))
        Q, Vr, sr = Uz[:, :r], Vzt[:r].T, sz[:r]
    else:
        r, Q, Vr, sr = 0, np.zeros((n, 0)), np.zeros((0, 0)), np.zeros(0)
    QtX = design.rmatmat(Q).T  # (r, n_p) = Qᵀ X_P D⁻¹
    Qty = Q.T @ yw
    yt = yw - Q @ Qty
    if fits_budget(n_p, n_p) and n >= n_p:
        lam, V = _eigh_descending(design.gram() - QtX.T @ QtX) if n_p else (np.zeros(0), np.zeros((0, 0)))
        U = None
    elif fits_budget(n, n):
        K = design.kernel()
        if r:
            KQ = K @ Q
            K = K - KQ @ Q.T - Q @ KQ.T + Q @ (Q.T @ KQ) @ Q.T
        lam, U = _eigh_descending(K)
        V = None
    else:
        raise ValueError(
            f"penalty_factor with sparse X needs a dense {min(n, n_p)}×{min(n, n_p)} Gram or "
            "kernel matrix, above the memory budget (skreg.set_config(memory_budget=...))."
        )
    tol = max(n, n_p) * np.finfo(np.float64).eps * (lam[0] if lam.size else 0.0)
    keep = lam > tol
    rank = int(np.count_nonzero(keep))
    s = np.sqrt(lam[:rank])
    if V is None:  # kernel side: vᵢ = X̃ᵀuᵢ / sᵢ (uᵢ ⊥ Q, so X̃ᵀuᵢ = (X_P D⁻¹)_wᵀuᵢ)
        lam, U = lam[:rank], U[:, :rank]
        V = design.rmatmat(U) / s
        theta = (U.T @ yt) / s[:, None]
    else:
        lam = np.where(keep, lam, 0.0)
        theta = np.zeros((lam.size, yt.shape[1]))
        theta[:rank] = (V[:, :rank].T @ design.rmatmat(yt)) / lam[:rank, None]
        if keep_left:
            U = (design.matmat(V[:, :rank]) - Q @ (QtX @ V[:, :rank])) / s
    inner = Spectrum(
        eigenvalues=lam, eigenvectors=V, theta_star=theta, X_offset=np.zeros(n_p),
        y_offset=np.zeros(yt.shape[1]), fit_intercept=False,
        left_vectors=np.ascontiguousarray(U[:, :rank]) if keep_left else None,
        yw=yt if keep_left else None,
    )
    return PenalizedSpectrum(
        inner=inner, penalized=penalized, unpenalized=unpenalized, scale=scale,
        z_coef=(Vr / sr) @ Qty, z_map=(Vr / sr) @ (QtX * scale), z_gram_pinv=(Vr / sr**2) @ Vr.T,
        z_rank=r, X_offset=X_offset, y_offset=y_offset, fit_intercept=fit_intercept,
        sqrt_sw=sqrt_sw if keep_left else None,
        z_leverage=np.einsum("ij,ij->i", Q, Q) if keep_left and unpenalized.size else None,
        weight_sum=float(n if sample_weight is None else np.sum(sample_weight)),
    )


class _ReducedGram:
    """The (H, Xᵀy) of a reduced problem, in the interface :func:`decompose_gram` reads."""

    def __init__(self, H, XTy, n_samples):
        self._H, self._XTy, self.n_samples = H, XTy, n_samples

    def gram(self, fit_intercept=False):
        return self._H, self._XTy

    def means(self):
        return np.zeros(self._H.shape[0]), np.zeros(self._XTy.shape[1])


def decompose_gram_penalized(stats, penalty_factor, fit_intercept=True):
    """:func:`decompose_penalized` from sufficient statistics (``partial_fit``, Dask).

    With H = X_cᵀX_c and g = X_cᵀy_c split into blocks of the penalized (P) and
    unpenalized (Z) columns, projecting out Z is the Schur complement

        H̃ = D⁻¹(H_PP − H_PZ H_ZZ⁺ H_ZP)D⁻¹,   g̃ = D⁻¹(g_P − H_PZ H_ZZ⁺ g_Z),

    and B = H_ZZ⁺H_ZP, c₀ = H_ZZ⁺g_Z.  The Gram's precision caveats of
    :func:`decompose_gram` apply (to H_ZZ too: its pseudo-inverse drops eigenvalues
    below d·eps·λ_max).

    Parameters
    ----------
    stats : GramStats
    penalty_factor : ndarray of shape (n_features,)
    fit_intercept : bool, default=True

    Returns
    -------
    PenalizedSpectrum
    """
    penalized, unpenalized, scale = _split_penalty_factor(penalty_factor)
    H, XTy = stats.gram(fit_intercept)
    H_pp = H[np.ix_(penalized, penalized)]
    g_p = XTy[penalized]
    r = 0
    z_gram_pinv = np.zeros((unpenalized.size, unpenalized.size))
    if unpenalized.size:
        lam_z, V_z = _eigh_descending(H[np.ix_(unpenalized, unpenalized)])
        tol = max(stats.n_samples, unpenalized.size) * np.finfo(np.float64).eps * lam_z[0]
        r = int(np.count_nonzero(lam_z > tol))
        z_gram_pinv = (V_z[:, :r] / lam_z[:r]) @ V_z[:, :r].T
    H_zp = H[np.ix_(unpenalized, penalized)]
    z_map = z_gram_pinv @ H_zp
    z_coef = z_gram_pinv @ XTy[unpenalized]
    H_t = (H_pp - H_zp.T @ z_map) / np.outer(scale, scale)
    H_t = 0.5 * (H_t + H_t.T)
    g_t = (g_p - H_zp.T @ z_coef) / scale[:, None]
    inner = decompose_gram(_ReducedGram(H_t, g_t, stats.n_samples), fit_intercept=False)
    x_mean, y_mean = stats.means()
    d = H.shape[0]
    return PenalizedSpectrum(
        inner=inner, penalized=penalized, unpenalized=unpenalized, scale=scale,
        z_coef=z_coef, z_map=z_map, z_gram_pinv=z_gram_pinv, z_rank=r,
        X_offset=x_mean if fit_intercept else np.zeros(d),
        y_offset=y_mean if fit_intercept else np.zeros(XTy.shape[1]),
        fit_intercept=fit_intercept, weight_sum=float(stats.weight_sum),
    )


def _decompose_sparse(X, y2, sample_weight, fit_intercept, keep_left):
    """:func:`decompose` for a SciPy sparse X: implicit centring, no densified X.

    With x̄ the weighted column means and X_w = √W(X − 1x̄ᵀ) (never formed,
    :class:`skreg._sparse.CenteredDesign`), the small matrix decomposed is

    * n ≥ d: the centred Gram X_wᵀX_w = XᵀWX − c x̄ᵀ − x̄ cᵀ + (Σw) x̄x̄ᵀ (c = XᵀW1),
      one sparse product and a rank-one correction; uᵢ its eigenvectors.
    * n < d: the centred kernel X_wX_wᵀ (n × n); uᵢ = X_wᵀ Uᵢ / sᵢ by one sparse
      product with the kernel's eigenvectors.

    The caller checks the matrix against the memory budget
    (:func:`skreg.get_config`).  There is no SVD of X_w to fall back
    on (it would be dense), so, as in :func:`decompose_gram`, directions whose
    eigenvalue lies between the rank tolerance and λ_max / 10¹⁰ carry the squared
    matrix's relative error eps·λ_max/λᵢ; a :class:`scipy.linalg.LinAlgWarning` says
    so (any α ≥ 10⁻⁶·λ_max makes them harmless; ``solver='lanczos'`` works on X_w
    itself instead of its square).  Exact collinearity (one-hot blocks with an
    intercept) gives eigenvalues at round-off level, below the rank tolerance: exact
    zeros, no warning.
    """
    n, d = X.shape
    X = as_float64(X)
    X_offset, y_offset, yw, sqrt_sw = implicit_offsets(X, y2, sample_weight, fit_intercept)
    # extreme magnitudes would over/underflow in the squared matrix: decompose X_w / c
    scale = float(np.max(np.abs(X.data))) if X.nnz else 0.0
    scale *= float(sqrt_sw.max()) if sqrt_sw is not None and sqrt_sw.size else 1.0
    scale = scale if scale > 0 and not 1e-100 < scale < 1e100 else 1.0
    if scale != 1.0:
        X = X / scale
        X_offset_scaled = X_offset / scale
    else:
        X_offset_scaled = X_offset
    design = CenteredDesign(X, X_offset_scaled, sqrt_sw)
    eps = np.finfo(np.float64).eps
    if min(n, d) == 0:
        lam, V, U = np.zeros(0), np.zeros((d, 0)), None
    elif n >= d:
        lam, V = _eigh_descending(design.gram())
        U = None
    else:
        lam, U = _eigh_descending(design.kernel())
        V = None
    tol = max(n, d) * eps * (lam[0] if lam.size else 0.0)
    lam = np.where(lam > tol, lam, 0.0)
    if lam.size and lam[0] > 0:
        grey = (lam > 0) & (lam < lam[0] / _GRAM_MAX_CONDITION)
        if np.any(grey):
            warnings.warn(
                f"The centred Gram/kernel matrix of the sparse X is ill-conditioned "
                f"(smallest/largest nonzero eigenvalue {lam[grey][-1] / lam[0]:.1e}); a "
                "sparse X has no SVD fallback (it would be dense), so the smallest "
                "directions carry a relative error up to eps*cond(X)^2. Use alpha > "
                f"{1e-6 * lam[0] * scale**2:.3g}, scale the columns, or solver='lanczos'.",
                LinAlgWarning,
                stacklevel=3,
            )
    rank = int(np.count_nonzero(lam))
    s = np.sqrt(lam[:rank])
    if V is None:  # kernel side: keep the nonzero directions, uᵢ = X_wᵀ Uᵢ / sᵢ
        lam, U = lam[:rank], U[:, :rank]
        V = design.rmatmat(U) / s if rank else np.zeros((d, 0))
    theta = np.zeros((lam.size, yw.shape[1]))
    if U is not None:
        theta[:rank] = (U.T @ yw) / s[:, None]
        U_rank = U
    else:
        theta[:rank] = (V[:, :rank].T @ design.rmatmat(yw)) / lam[:rank, None]
        U_rank = design.matmat(V[:, :rank]) / s if keep_left else None
    if U_rank is not None and U_rank.ndim == 1:
        U_rank = U_rank[:, None]
    return Spectrum(
        eigenvalues=lam * scale**2,
        eigenvectors=np.ascontiguousarray(V),
        theta_star=theta / scale,
        X_offset=X_offset,
        y_offset=y_offset,
        fit_intercept=fit_intercept,
        left_vectors=np.ascontiguousarray(U_rank) if keep_left else None,
        yw=yw if keep_left else None,
        sqrt_sw=sqrt_sw if keep_left else None,
    )
