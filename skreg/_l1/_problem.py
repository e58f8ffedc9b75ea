"""L1 problems: the centred weighted least-squares data, penalty factors, duality gap.

See :mod:`skreg._l1` for the mathematics.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from .._config import fits_budget
from .._data._centering import weighted_column_mean, weighted_mean
from .._data._sparse import (
    CenteredDesign,
    centered_column_sq_norms,
    centered_columns_times,
    centered_gram_block,
    is_sparse,
)
from ..penalties import check_penalty_factor as _check_factor

# Gram columns are computed when needed (one pass over X_w for the entering features);
# past _CACHE_FULL·n_features cached columns the whole Gram matrix is computed at once.
_CACHE_FULL = 0.25
# Eigenvalues of G_UU below this fraction of the largest are treated as 0 (collinear
# unpenalized features: the pseudo-inverse, the minimum-norm least-squares w_U).
_PINV_RTOL = 1e-12


class _Problem:
    """Centred, weighted least-squares data for one fit: X_w, q = X_wᵀy_w, ‖y_w‖², and G.

    ``_Problem(Xw, yw)`` takes the dense centred arrays; :func:`make_problem` builds
    one from raw (dense or sparse) data, :meth:`from_gram` from Gram statistics.  With
    ``cached`` (n_samples ≥ n_features and the d×d Gram within the memory budget) the
    columns of G = X_wᵀX_w are computed when first needed and kept, so a sparse
    solution need not pay for the whole Gram matrix; :meth:`ensure_all` completes it (a
    path needs most of it).  Otherwise nothing is cached: the solver forms
    G_SW = X_w[:, S]ᵀX_w[:, W] for the working set only, and X_wᵀr for the gradient.
    """

    def __init__(self, Xw, yw, *, design=None):
        self.Xw = Xw  # dense centred ndarray, or None with a sparse ``design``
        self.design = design
        n_samples, n_features = (design if design is not None else Xw).shape
        self.n_features = n_features
        self.Q = self._rmat(yw)  # (n_features, n_targets)
        self.yy = np.einsum("ij,ij->j", yw, yw)  # (n_targets,)
        self.tol_yy = self.yy
        self.diag = self._column_sq_norms()
        self.cached = n_samples >= n_features and fits_budget(n_features, n_features)
        self.full = False
        self.G = None  # allocated when a first Gram column is needed (never by working sets)
        if self.cached:
            self.have = np.zeros(n_features, dtype=bool)

    @classmethod
    def from_gram(cls, G, Q, yy):
        """A problem given by its Gram statistics alone (G, q = Xᵀy, ‖y‖²), n ≥ d.

        Used for ``partial_fit``, Dask input and cross-validation folds, where X is not
        needed: every solver step only needs G, q and ‖y‖².
        """
        problem = cls.__new__(cls)
        problem.n_features = G.shape[0]
        problem.Xw = None
        problem.design = None
        problem.Q = np.asarray(Q, dtype=np.float64)
        problem.yy = np.asarray(yy, dtype=np.float64)
        problem.tol_yy = problem.yy
        problem.G = np.asfortranarray(G)
        problem.diag = np.diag(problem.G).copy()
        problem.cached = problem.full = True
        problem.have = np.ones(problem.n_features, dtype=bool)
        return problem

    # -------------------------------------------------- products with X_w (private)
    def _rmat(self, U):
        """X_wᵀ U."""
        if self.design is not None:
            return self.design.rmatmat(U)
        return self.Xw.T @ U

    def _cross(self, rows, cols):
        """X_w[:, rows]ᵀ X_w[:, cols] (rows None: all features)."""
        if self.design is not None:
            return centered_gram_block(self.design, rows, cols)
        if rows is None:
            return self.Xw.T @ self.Xw[:, cols]
        return self.Xw[:, rows].T @ self.Xw[:, cols]

    def _column_sq_norms(self):
        if self.design is not None:
            return centered_column_sq_norms(self.design)
        return np.einsum("ij,ij->j", self.Xw, self.Xw)

    # ------------------------------------------------------------- the solver API
    def ensure_all(self):
        """Complete the Gram matrix (one product for the missing columns)."""
        if self.cached and not self.full:
            missing = np.flatnonzero(~self.have)
            if 2 * missing.size > self.n_features:  # the symmetric product is cheaper
                if self.design is not None:
                    self.G = np.asfortranarray(centered_gram_block(self.design, None, None))
                else:
                    self.G = self.Xw.T @ self.Xw
            elif missing.size:
                self._allocate()
                self.G[:, missing] = self._cross(None, missing)
            self.have[:] = True
            self.full = True

    def _allocate(self):
        if self.G is None:
            self.G = np.empty((self.n_features, self.n_features), order="F")

    def _ensure(self, J):
        """Make the columns J of G available (all of G past _CACHE_FULL·n_features)."""
        if self.full:
            return
        missing = J[~self.have[J]]
        if missing.size == 0:
            return
        if self.have.sum() + missing.size >= _CACHE_FULL * self.n_features:
            self.ensure_all()
            return
        self._allocate()
        self.G[:, missing] = self._cross(None, missing)
        self.have[missing] = True

    def block(self, rows, cols):
        """G[rows][:, cols]."""
        if self.cached:
            self._ensure(cols)
            return self.G[np.ix_(rows, cols)]
        return self._cross(rows, cols)

    def columns(self, cols):
        """G[:, cols] (all rows): from the cache, or one product X_wᵀX_w[:, cols]."""
        if self.cached:
            self._ensure(cols)
            if self.have[cols].all():
                return self.G[:, cols]
        return self._cross(None, cols)

    def ws_block(self, rows, cols):
        """G[rows][:, cols] without filling the column cache: X_w[:, rows]ᵀX_w[:, cols]
        costs n·|rows|·|cols| where a cached column costs n·n_features."""
        if self.full:
            return self.G[np.ix_(rows, cols)]
        return self._cross(rows, cols)

    def gram_times(self, w):
        """G w for a full-length w."""
        support = np.flatnonzero(w)
        if support.size == 0:
            return np.zeros(self.n_features)
        if self.cached and self.full:
            # along a path most coefficients are 0: G[:, S] w_S reads |S| columns of the
            # Fortran-ordered G (a matrix-vector product is bound by memory traffic)
            return self.G @ w if 3 * support.size > self.n_features else self.G[:, support] @ w[support]
        if self.cached and self.have[support].all():
            return self.G[:, support] @ w[support]
        if self.design is not None:
            return self.design.rmatmat(centered_columns_times(self.design, support, w[support]))
        if 8 * support.size > self.n_features:  # a column copy would cost more than it saves
            return self.Xw.T @ (self.Xw @ w)
        return self.Xw.T @ (self.Xw[:, support] @ w[support])

    def expand(self, w, target):
        """Coefficients of the original features (the identity: no penalty factors)."""
        return w


def _dense_problem(X, y, sample_weight, fit_intercept):
    """Centre (and weight) X into one new Fortran-ordered array.

    Column order matters: the working sets gather columns X_w[:, W], contiguous in
    Fortran order, where a C-ordered gather would stream the whole matrix each time.
    """
    X = np.asarray(X)
    if fit_intercept:  # the one weighted mean (about the heaviest row: 1e300 weights)
        X_offset = weighted_mean(X, sample_weight).astype(np.float64, copy=False)
        y_offset = weighted_mean(y, sample_weight)
    else:
        X_offset, y_offset = np.zeros(X.shape[1]), np.zeros(y.shape[1])
    Xw = np.empty(X.shape, dtype=np.float64, order="F")
    np.subtract(X, X_offset, out=Xw)
    yw = y - y_offset
    if sample_weight is not None:
        sqrt_sw = np.sqrt(np.asarray(sample_weight, dtype=np.float64))
        Xw *= sqrt_sw[:, None]
        yw *= sqrt_sw[:, None]
    return _Problem(Xw, yw), (X_offset, y_offset)


def make_problem(X, y, sample_weight=None, fit_intercept=True):
    """The centred, weighted L1 problem of (X, y), for dense or sparse X.

    Parameters
    ----------
    X : ndarray or sparse matrix/array (CSR or CSC) of shape (n_samples, n_features)
        Dense X is centred in a copy (as scikit-learn does); sparse X is never
        densified (implicit centring), and only converted to CSC when it is CSR.
    y : ndarray of shape (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,) or None
    fit_intercept : bool, default=True

    Returns
    -------
    problem : _Problem
    offsets : tuple (X_offset, y_offset)
        Weighted means (zeros without intercept): ``intercept = y_offset − coef @ X_offset``.
    """
    y = np.asarray(y, dtype=np.float64)
    if not is_sparse(X):
        return _dense_problem(X, y, sample_weight, fit_intercept)
    X = X.tocsc() if X.format != "csc" else X
    if fit_intercept:
        X_offset = weighted_column_mean(X, sample_weight)
        y_offset = np.average(y, axis=0, weights=sample_weight)
    else:
        X_offset, y_offset = np.zeros(X.shape[1]), np.zeros(y.shape[1])
    sqrt_sw = None if sample_weight is None else np.sqrt(np.asarray(sample_weight, dtype=np.float64))
    yw = y - y_offset
    if sqrt_sw is not None:
        yw *= sqrt_sw[:, None]
    design = CenteredDesign(X, X_offset, sqrt_sw)
    return _Problem(None, yw, design=design), (X_offset, y_offset)


def nontrivial_penalty_factor(penalty_factor, n_features):
    """Validated L1 factors (:func:`skreg.penalties.check_penalty_factor`), or None when
    they are all ones: the plain LASSO, solved without the change of variables.

    Returns
    -------
    ndarray of shape (n_features,) (float64, a new array), or None.
    """
    factor = _check_factor(penalty_factor, n_features)
    return None if factor is None or np.all(factor == 1.0) else factor


class _FactorProblem:
    """The plain-L1 problem equivalent to penalty factors p (see the module docstring).

    Penalized features P (pⱼ > 0) are rescaled by 1/pⱼ; unpenalized features U are
    projected out (Frisch–Waugh).  Exposes the solver API of :class:`_Problem` on the
    |P| reduced features; :meth:`expand` maps a reduced solution back to all features.
    """

    def __init__(self, base, factor):
        self.base = base
        self.factor = factor
        P = np.flatnonzero(factor > 0)
        U = np.flatnonzero(factor == 0)
        self.P, self.U = P, U
        self.scale = 1.0 / factor[P]
        self.n_features = P.size
        Q, yy, diag = base.Q[P], base.yy.copy(), base.diag[P].copy()
        if U.size:
            G_U = base.columns(U)  # (n_features, |U|): one product, no gather of X_P
            G_UU = G_U[U]
            lam, V = linalg.eigh(G_UU)
            keep = lam > _PINV_RTOL * max(float(lam.max()), 0.0)
            self._V, self._lam = V[:, keep], lam[keep]
            self.G_PU = np.ascontiguousarray(G_U[P])  # (|P|, |U|)
            self.M = self._pinv_U(self.G_PU.T)  # G_UU⁺ G_UP, (|U|, |P|)
            self.B_U = self._pinv_U(base.Q[U])  # G_UU⁺ q_U, (|U|, n_targets)
            Q = Q - self.G_PU @ self.B_U
            yy = np.maximum(yy - np.einsum("ut,ut->t", base.Q[U], self.B_U), 0.0)
            diag = np.maximum(diag - np.einsum("pu,up->p", self.G_PU, self.M), 0.0)
        self.Q = Q * self.scale[:, None]
        self.yy = yy
        self.tol_yy = base.tol_yy
        self.diag = diag * self.scale**2

    def _pinv_U(self, B):
        """G_UU⁺ B through the eigendecomposition of G_UU (no explicit inverse)."""
        return self._V @ ((self._V.T @ B) / self._lam[:, None])

    @property
    def cached(self):
        return self.base.cached

    @property
    def full(self):
        return self.base.full

    def ensure_all(self):
        self.base.ensure_all()

    def _ensure(self, J):
        if self.base.cached:
            self.base._ensure(self.P[J])

    def block(self, rows, cols):
        """G̃[rows][:, cols] = D (G_PP − G_PU G_UU⁺ G_UP) D, restricted."""
        B = self.base.block(self.P[rows], self.P[cols])
        if self.U.size:
            B = B - self.G_PU[rows] @ self.M[:, cols]
        return B * np.multiply.outer(self.scale[rows], self.scale[cols])

    def ws_block(self, rows, cols):
        B = self.base.ws_block(self.P[rows], self.P[cols])
        if self.U.size:
            B = B - self.G_PU[rows] @ self.M[:, cols]
        return B * np.multiply.outer(self.scale[rows], self.scale[cols])

    def gram_times(self, w):
        v = self.scale * w
        full = np.zeros(self.base.n_features)
        full[self.P] = v
        g = self.base.gram_times(full)[self.P]
        if self.U.size:
            g = g - self.G_PU @ (self.M @ v)
        return self.scale * g

    def expand(self, w, target):
        """(w_P, w_U) of the original features: w_P = w̃/p, w_U = G_UU⁺(q_U − G_UP w_P)."""
        out = np.zeros(self.base.n_features)
        w_P = self.scale * w
        out[self.P] = w_P
        if self.U.size:
            out[self.U] = self.B_U[:, target] - self.M @ w_P
        return out

    def reduce(self, w):
        """The reduced coordinates w̃ = p·w_P of a full coefficient vector."""
        return np.asarray(w, dtype=np.float64)[self.P] / self.scale


def reduce_problem(problem, penalty_factor=None):
    """The plain-L1 problem equivalent to ``problem`` with penalty factors.

    Parameters
    ----------
    problem : _Problem
    penalty_factor : ndarray of shape (n_features,) or None
        Validated factors (:func:`nontrivial_penalty_factor`); None means all ones.

    Returns
    -------
    _Problem or _FactorProblem
        ``problem`` itself when there are no factors.
    """
    if penalty_factor is None or isinstance(problem, _FactorProblem):
        return problem
    return _FactorProblem(problem, np.asarray(penalty_factor, dtype=np.float64))


def alpha_max(problem, *, penalty_factor=None, positive=False):
    """The smallest α whose solution is all zeros (over every target).

    α_max = max_{j penalized} |X_jᵀr₀|/pⱼ, r₀ the residual of y_w after least squares on
    the unpenalized features (r₀ = y_w without them); max(·) of the signed correlations,
    clipped at 0, when ``positive``.

    Parameters
    ----------
    problem : _Problem or _FactorProblem
    penalty_factor : ndarray of shape (n_features,) or None
    positive : bool, default=False

    Returns
    -------
    float
    """
    Q = reduce_problem(problem, penalty_factor).Q
    if Q.size == 0:
        return 0.0
    if positive:
        return max(float(Q.max()), 0.0)
    return float(np.abs(Q).max())


def _dual_norm(c, positive):
    if c.size == 0:
        return 0.0
    return max(float(c.max()), 0.0) if positive else float(np.abs(c).max())


def _duality_gap(alpha, w, c, yy, qw, positive, nu=None):
    """Duality gap of ½‖r‖² + α‖w‖₁ at w, with c = Xᵀr and qw = qᵀw.

    ``nu`` overrides the dual norm (e.g. the norm over all features when ``c`` is the
    working set's part only).
    """
    cw = float(c @ w)
    r2 = max(yy - qw - cw, 0.0)  # ‖r‖² = ‖y‖² − qᵀw − cᵀw
    nu = _dual_norm(c, positive) if nu is None else nu
    kappa = alpha / nu if (alpha > 0 and nu > alpha) else 1.0
    gap = 0.5 * (1.0 - kappa) ** 2 * r2 + alpha * float(np.abs(w).sum()) - kappa * cw
    return max(gap, 0.0)


def _full_gap(problem, q, yy, alpha, w, positive):
    """(gap, c, score) over all features."""
    c = q - problem.gram_times(w)
    score = c if positive else np.abs(c)
    nu = max(float(score.max()), 0.0) if score.size else 0.0
    return _duality_gap(alpha, w, c, yy, float(q @ w), positive, nu=nu), c, score


def _objective(alpha, w, Gw, q):
    """F(w) − ½‖y‖² = ½wᵀGw − qᵀw + α‖w‖₁."""
    return 0.5 * float(w @ Gw) - float(q @ w) + alpha * float(np.abs(w).sum())


class _Ridged:
    """A problem whose quadratic gains a diagonal: ½wᵀ(G + diag(r))w − qᵀw (elastic net).

    The elastic net's L2 part α(1 − ρ)/2 Σⱼ fⱼwⱼ² is a ridge on the diagonal of the
    quadratic (in reduced coordinates w̃ⱼ = fⱼwⱼ it is α(1 − ρ)/2 Σⱼ w̃ⱼ²/fⱼ, i.e.
    rⱼ = α(1 − ρ)/fⱼ): the same problem as the LASSO on the rows of X_w augmented
    with diag(√rⱼ) and y_w with zeros, so the LASSO solver and its duality gap apply
    unchanged (‖y_w‖² is the same; the residual is that of the augmented rows).  One
    wrapper per α (r changes with α); the solver state built on G (Cholesky factors)
    must be rebuilt with it, the working set's Gram blocks of :attr:`inner` are reused.
    """

    def __init__(self, inner, ridge):
        self.inner = inner
        self.ridge = np.asarray(ridge, dtype=np.float64)
        self.n_features = inner.n_features
        self.Q, self.yy, self.tol_yy = inner.Q, inner.yy, inner.tol_yy
        self.diag = inner.diag + self.ridge

    @property
    def cached(self):
        return self.inner.cached

    @property
    def full(self):
        return self.inner.full

    def ensure_all(self):
        self.inner.ensure_all()

    def _ensure(self, J):
        self.inner._ensure(J)

    def _shift(self, B, rows, cols):
        """B + the ridge where rows[i] == cols[k] (a new array; rows None: all features)."""
        cols = np.asarray(cols)
        B = np.asarray(B, dtype=np.float64)  # every block is a new array (fancy indexing)
        if rows is None:  # G[:, cols]
            B[cols, np.arange(cols.size)] += self.ridge[cols]
            return B
        rows = np.asarray(rows)
        if rows.shape == cols.shape and np.array_equal(rows, cols):  # a diagonal block
            B[np.arange(rows.size), np.arange(rows.size)] += self.ridge[rows]
            return B
        common, i, k = np.intersect1d(rows, cols, assume_unique=True, return_indices=True)
        B[i, k] += self.ridge[common]
        return B

    def block(self, rows, cols):
        return self._shift(self.inner.block(rows, cols), rows, cols)

    def ws_block(self, rows, cols):
        return self._shift(self.inner.ws_block(rows, cols), rows, cols)

    def columns(self, cols):
        return self._shift(self.inner.columns(cols), None, cols)

    def gram_times(self, w):
        return self.inner.gram_times(w) + self.ridge * w

    def expand(self, w, target):
        return self.inner.expand(w, target)

    def reduce(self, w):
        return self.inner.reduce(w) if isinstance(self.inner, _FactorProblem) else w


def l2_weights(reduced):
    """The per-coordinate weights of the elastic net's ridge in reduced coordinates:
    1/fⱼ for penalized features with factors (w̃ⱼ = fⱼwⱼ), 1 without factors."""
    if isinstance(reduced, _FactorProblem):
        return reduced.scale.copy()
    return np.ones(reduced.n_features)


def with_ridge(reduced, alpha, l1_ratio):
    """``reduced`` at strength α of the elastic net: the L1 strength αρ goes to the
    solver, the L2 part α(1 − ρ) to the diagonal (:class:`_Ridged`; ``reduced`` itself
    when ρ = 1 or α = 0)."""
    if l1_ratio >= 1.0 or alpha == 0:
        return reduced
    return _Ridged(reduced, alpha * (1.0 - l1_ratio) * l2_weights(reduced))


def _primal(alpha, w, c, q, yy):
    """F(w) = ½‖r‖² + α‖w‖₁ from c = q − Gw (‖r‖² = ‖y‖² − qᵀw − cᵀw)."""
    r2 = max(yy - float(q @ w) - float(c @ w), 0.0)
    return 0.5 * r2 + alpha * float(np.abs(w).sum())


def tolerance(problem, target, tol, primal):
    """The duality-gap threshold of one α: tol·min(‖y_w‖², 2F(w)).

    scikit-learn's ``tol·‖y_w‖²`` bounds the objective's *absolute* excess; at small α,
    where F(ŵ) ≪ ‖y_w‖² (wide data), the previous α's solution would already pass it
    and a path would stall on its warm start.  Relative to the objective at this α,
    the relative excess (F(w) − F(ŵ))/F(ŵ) ≤ gap/F(ŵ) stays ≤ about 2·tol at every α
    (the two rules agree at large α, where F ≈ ½‖y_w‖²).  Sub-problems with absolute
    tolerances (``absolute_tol``) use tol·tol_yy as given.
    """
    scale = float(problem.tol_yy[target])
    if getattr(problem, "absolute_tol", False):
        return tol * scale
    floor = 16 * np.finfo(np.float64).eps * scale  # the gap's own rounding
    return max(tol * min(scale, 2.0 * primal), floor)
