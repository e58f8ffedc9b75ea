"""Ridge with per-feature penalty factors, reduced exactly to one plain spectrum.

The penalty ½α Σⱼ pⱼ wⱼ² (glmnet's ``penalty.factor``) is the plain ridge of the
lecture on a transformed design:

* penalized features P (pⱼ > 0) are rescaled, x̃ⱼ = xⱼ / √pⱼ, so that ½α‖w̃‖² is the
  penalty on w̃ⱼ = √pⱼ wⱼ;
* unpenalized features U (pⱼ = 0) are projected out (Frisch–Waugh): with Q an
  orthonormal basis of the centred Z = X_U, X̃ = (I − QQᵀ) X_P D⁻¹ and ỹ = (I − QQᵀ) y;
  w_U is then the least-squares fit of the residual on Z.

One :class:`~skreg._spectral.Spectrum` of X̃ serves every α (solve, shrinkage, dof,
leave-one-out), exactly as without factors; the L1 core reduces its penalty factors by
the same two steps (:class:`skreg._l1._FactorProblem`), with the same rank rule
(:func:`skreg._spectral.significant`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from ._config import fits_budget
from ._data._centering import (
    center_data,
    centring_deviation,
    implicit_offsets,
)
from ._data._sparse import CenteredDesign, dense_result
from ._spectral import (
    Spectrum,
    _check_moments_rank,
    _decompose_matrix,
    _eigh_descending,
    _loo_from_rows,
    _loo_rows,
    _offset_energy,
    decompose_gram,
    design_offset_energy,
    significant,
)

__all__ = ["PenalizedSpectrum", "decompose_gram_penalized", "decompose_penalized"]


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


def _spectrum_from_centred(Xw, yw, n_structural_zeros, keep_left, offset=0.0):
    """:func:`decompose` after centring: a Spectrum of already centred, scaled data."""
    scale = max(float(Xw.max()), -float(Xw.min())) if Xw.size else 0.0
    scale = scale if scale > 0 and not 1e-100 < scale < 1e100 else 1.0
    if scale != 1.0:
        Xw = Xw / scale
    lam, V, U, tol = _decompose_matrix(Xw, n_structural_zeros, offset / scale**2)
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
    weight_sum = float(n if sample_weight is None else np.sum(sample_weight))
    # the averaged part of the mean, whose round-off the centred columns carry
    deviation = centring_deviation(np.asarray(X, dtype=np.float64), X_offset, sample_weight)[0]
    if unpenalized.size:
        Uz, sz, Vzt = np.linalg.svd(Zc, full_matrices=False)
        omega_z = _offset_energy(deviation[unpenalized], weight_sum)
        r = int(np.count_nonzero(significant(sz**2, *Zc.shape, offset=omega_z, method="svd")))
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
    omega_p = _offset_energy(deviation[penalized] / scale, weight_sum)
    inner = _spectrum_from_centred(Xp, yw, n_zero, keep_left, omega_p)
    return PenalizedSpectrum(
        inner=inner, penalized=penalized, unpenalized=unpenalized, scale=scale,
        z_coef=z_coef, z_map=z_map, z_gram_pinv=z_gram_pinv, z_rank=r,
        X_offset=X_offset, y_offset=y_offset, fit_intercept=fit_intercept,
        sqrt_sw=sqrt_sw if keep_left else None,
        z_leverage=z_leverage if keep_left else None,
        weight_sum=weight_sum,
    )


def _decompose_penalized_sparse(X, y2, penalized, unpenalized, scale, sample_weight,
                                fit_intercept, keep_left):
    """:func:`decompose_penalized` for sparse X: X is never densified or centred.

    The penalized columns enter through the implicit centred design of X_P D⁻¹
    (:class:`skreg._data._sparse.CenteredDesign`); only the unpenalized columns Z are made
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
        omega_z = _offset_energy(X_offset[unpenalized], float(n if sample_weight is None
                                                              else np.sum(sample_weight)))
        r = int(np.count_nonzero(significant(sz**2, *Zc.shape, offset=omega_z, method="svd")))
        Q, Vr, sr = Uz[:, :r], Vzt[:r].T, sz[:r]
    else:
        r, Q, Vr, sr = 0, np.zeros((n, 0)), np.zeros((0, 0)), np.zeros(0)
    QtX = design.rmatmat(Q).T  # (r, n_p) = Qᵀ X_P D⁻¹
    Qty = Q.T @ yw
    yt = yw - Q @ Qty
    if fits_budget(n_p, n_p) and n >= n_p:
        lam, V = (
            _eigh_descending(design.gram() - QtX.T @ QtX)
            if n_p
            else (np.zeros(0), np.zeros((0, 0)))
        )
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
    omega = design_offset_energy(design)
    keep = significant(lam, n, n_p, offset=omega, method="moments")
    _check_moments_rank(lam, np.where(keep, lam, 0.0), omega)
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
        r = int(np.count_nonzero(significant(lam_z, stats.n_samples, unpenalized.size)))
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
