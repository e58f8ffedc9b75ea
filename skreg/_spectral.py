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
* Rank: one rule for every route (:func:`null_tolerance`, called by the dense Gram,
  kernel and SVD paths, the sparse and penalty-factor paths, the sufficient-statistics
  path of ``partial_fit`` and Dask, and the array API): an eigenvalue λᵢ of
  H = X_wᵀX_w counts as a direction only when

      λᵢ > max(n, d) · eps · λ_max        (eps of the dtype computed in),

  the pseudo-inverse rule applied to H.  Below it, λᵢ is an exact zero: its direction
  gets θ*ᵢ = 0, leaves the hat matrix, the leave-one-out residuals and the degrees
  of freedom, so α = 0 on rank-deficient data gives the minimum-norm (pseudo-inverse)
  solution and tiny α (1e-15) cannot amplify round-off in a null direction.  The
  threshold is on λ = s², not on s: a column that is constant in exact arithmetic
  is, once centred in floating point, round-off of size eps·|x̄ⱼ| (2.3 − mean(2.3, …)
  = −4.4e-16), a singular value that the SVD computes accurately and that a rule on
  s (s > max(n, d)·eps·s_max) would keep, while its square (1e-30) lies far below
  eps·λ_max: no information the data carry can be resolved there, and the Gram
  routes could not resolve it anyway (their eigenvalues carry an absolute error of
  about eps·λ_max).
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
from scipy.linalg import LinAlgWarning
from threadpoolctl import threadpool_limits

from ._data._centering import (
    array_namespace,
    center_data,
    centring_deviation,
    implicit_offsets,
)
from ._data._sparse import CenteredDesign, as_float64, is_sparse
from ._utils._threads import single_blas_thread

__all__ = [
    "Spectrum",
    "decompose",
    "decompose_gram",
    "null_tolerance",
    "significant",
    "ridge_shrinkage",
    "gd_shrinkage",
    "gd_powers",
]

# cond(X)² above which the Gram / kernel eigendecomposition is replaced by an SVD.
_GRAM_MAX_CONDITION = 1e10


def null_tolerance(lam_max, n_rows, n_cols, eps=None, *, offset=0.0, method="gram"):
    """The rank rule: eigenvalues of H = X_wᵀX_w at or below this value are exact zeros.

    With ρ = max(n, d)·eps (eps of the precision computed in), λ_max the largest
    eigenvalue and ω = Σwₖ‖x̄‖² the energy centring removed (the one eigenvalue of the
    rank-one matrix √w x̄ᵀ; 0 without intercept), the tolerance is the round-off that
    the route which computed λ can leave in it:

    ============  ==========================  ==========================================
    ``method``    λ computed from             tolerance
    ============  ==========================  ==========================================
    ``"gram"``    eigh of X_wᵀX_w or X_wX_wᵀ  ρ·λ_max + ρ²·ω
    ``"svd"``     svd of X_w                  ρ²·(λ_max + ω):  s > ρ·‖[X_w, √w x̄ᵀ]‖
    ``"moments"`` uncentred sums, corrected   ρ·(λ_max + ω)
    ============  ==========================  ==========================================

    The first is the pseudo-inverse rule λ > max(n, d)·eps·λ_max on the squared matrix;
    the second numpy's ``pinv`` rule on X_w itself; ρ²·ω is the square of the centring
    round-off, eps·|x̄ⱼ| per entry (see the module docstring, *Rank*).  Every spectral
    route of skreg decides its rank through this function (and :func:`significant`).

    Parameters
    ----------
    lam_max : float
        Largest eigenvalue of the symmetric PSD matrix (clipped at 0).
    n_rows, n_cols : int
        Shape of X_w (n and d).
    eps : float, optional
        Machine epsilon of the precision computed in; float64's by default.
    offset : float, default=0.0
        ω = Σw‖x̄‖², in the units of λ.
    method : {"gram", "svd", "moments"}, default="gram"

    Returns
    -------
    float

    Examples
    --------
    >>> bool(null_tolerance(1.0, 6, 3) == 6 * np.finfo(np.float64).eps)
    True
    """
    eps = np.finfo(np.float64).eps if eps is None else float(eps)
    rho = max(int(n_rows), int(n_cols), 1) * eps
    lam_max, offset = max(float(lam_max), 0.0), max(float(offset), 0.0)
    if method == "svd":
        return rho * rho * (lam_max + offset)
    if method == "moments":
        return rho * (lam_max + offset)
    return rho * lam_max + rho * rho * offset


def significant(lam, n_rows, n_cols, eps=None, **kwargs):
    """Mask of the eigenvalues (descending) above :func:`null_tolerance` (same arguments)."""
    lam_max = float(lam[0]) if lam.shape[0] else 0.0
    return lam > null_tolerance(lam_max, n_rows, n_cols, eps, **kwargs)


def _offset_energy(X_offset, weight_sum, scale=1.0):
    """ω = Σw‖x̄ / scale‖², the energy centring removed (for :func:`null_tolerance`)."""
    if not X_offset.shape[0]:
        return 0.0
    xp = array_namespace(X_offset)[0]
    m = X_offset / scale
    with np.errstate(over="ignore"):
        return min(float(weight_sum) * float(xp.sum(m * m)), np.finfo(np.float64).max)


def design_offset_energy(design, scale=1.0):
    """:func:`_offset_energy` of an implicitly centred design (``CenteredDesign``)."""
    s = design.sqrt_sw
    return _offset_energy(design.X_offset, design.shape[0] if s is None else float(s @ s), scale)


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
    # is memory-bound, and spinning threads on shared cores cost 10x (skreg._utils._threads).
    xp, is_numpy, device, dtype = array_namespace(A)
    if is_numpy:
        with single_blas_thread():
            lam, vec = xp.linalg.eigh(A)
    else:  # the same for other namespaces: PyTorch's MKL runs on OpenMP threads
        with threadpool_limits(limits=1):  # (measured: 0.44 s -> 0.04 s, d = 300, loaded)
            lam, vec = xp.linalg.eigh(A)
    zero = xp.zeros((), dtype=lam.dtype, device=device)
    return xp.maximum(xp.flip(lam, axis=0), zero), _contiguous(xp.flip(vec, axis=1), is_numpy)


def _decompose_matrix(Xw, n_structural_zeros=0, offset=0.0):
    """Thin spectral decomposition of Xw.

    Returns ``(lam, V, U, tol)``: λ = s² descending (clipped at 0), right vectors V
    (d × r, orthonormal where λ > 0), left vectors U (n × r) or None when not computed,
    and the tolerance below which an eigenvalue is an exact zero.  Gram side when
    n ≥ d, kernel side otherwise; thin SVD when squaring would lose too many digits.
    ``n_structural_zeros`` eigenvalues are known to vanish (centring removes one
    direction from the kernel side) and are left out of the conditioning test;
    ``offset`` is ω of :func:`null_tolerance` (the energy centring removed).
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
        tol = null_tolerance(lam[0], n, d, eps, offset=offset)
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
    tol = null_tolerance(s[0] ** 2, n, d, eps, offset=offset, method="svd") if s.shape[0] else 0.0
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
    omega = _offset_energy(*centring_deviation(X, X_offset, sample_weight)) if fit_intercept else 0.0
    lam, V, U, tol = _decompose_matrix(Xw, n_zero, omega / scale / scale)
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
    """Decompose from sufficient statistics (:class:`skreg._data._gram.GramStats`) alone.

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
    tol = null_tolerance(lam[0] if lam.size else 0.0, stats.n_samples, d)
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



def _decompose_sparse(X, y2, sample_weight, fit_intercept, keep_left):
    """:func:`decompose` for a SciPy sparse X: implicit centring, no densified X.

    With x̄ the weighted column means and X_w = √W(X − 1x̄ᵀ) (never formed,
    :class:`skreg._data._sparse.CenteredDesign`), the small matrix decomposed is

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
    if min(n, d) == 0:
        lam, V, U = np.zeros(0), np.zeros((d, 0)), None
    elif n >= d:
        lam, V = _eigh_descending(design.gram())
        U = None
    else:
        lam, U = _eigh_descending(design.kernel())
        V = None
    omega = design_offset_energy(design)  # the uncentred energy: round-off is relative to it
    kept = np.where(significant(lam, n, d, offset=omega, method="moments"), lam, 0.0)
    _check_moments_rank(lam, kept, omega, scale)
    lam = kept
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


def _check_moments_rank(raw, lam, omega, scale=1.0):
    """The rank of an implicitly centred Gram/kernel (sparse X), said out loud.

    ValueError when the data have directions (λ_max > 0) but every one lies below the
    round-off the centring leaves (ρ·ω: a column whose mean is huge next to its
    spread, e.g. 1e8 + U(−½, ½)); LinAlgWarning when kept directions lie below
    (λ_max + ω)/10¹⁰, where their relative error exceeds 10⁻⁶.
    """
    if raw.size and raw[0] > 0 and not lam[0] > 0:
        raise ValueError(
            "A sparse X is centred implicitly from uncentred sums, and here every "
            f"direction (largest eigenvalue {raw[0] * scale**2:.3g}) is below the round-off "
            f"of that centring ({omega * scale**2:.3g}·n·eps: a column's mean is too large "
            "next to its spread). Centre or rescale those columns, or pass X as a dense "
            "array (centred exactly)."
        )
    if not (lam.size and lam[0] > 0):
        return
    grey = (lam > 0) & (lam < (lam[0] + omega) / _GRAM_MAX_CONDITION)
    if np.any(grey):
        warnings.warn(
            f"The centred Gram/kernel matrix of the sparse X is ill-conditioned "
            f"(smallest nonzero eigenvalue {lam[grey][-1] / (lam[0] + omega):.1e} of "
            "the uncentred energy); a sparse X is centred implicitly and has no SVD "
            "fallback (it would be dense), so the smallest directions carry a relative "
            "error up to eps*(lambda_max + n*|mean|^2)/lambda. Use alpha > "
            f"{1e-6 * (lam[0] + omega) * scale**2:.3g}, centre or scale the columns, or "
            "solver='lanczos'.",
            LinAlgWarning,
            stacklevel=4,
        )
