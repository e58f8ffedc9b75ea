"""The L1 solver core: least squares with a (weighted) L1 penalty, exact and sparse-aware.

The problem
-----------
With the intercept removed by weighted centring (X_w = √W(X − 1x̄ᵀ), y_w = √W(y − ȳ)),
every L1 fit in skreg solves the lecture's

    min_w  F(w) = ½‖X_w w − y_w‖² + α Σⱼ pⱼ|wⱼ|
                = ½wᵀGw − qᵀw + ½‖y_w‖² + α Σⱼ pⱼ|wⱼ|,

with G = X_wᵀX_w, q = X_wᵀy_w, c = q − Gw = X_wᵀr the correlations of the residual and
per-feature penalty factors pⱼ ≥ 0 (all 1 by default).  Every update below exactly
minimizes a quadratic plus α‖·‖₁: the lecture's soft-threshold

    wᵢ = sign(w*ᵢ)·max(|w*ᵢ| − α/Hᵢᵢ, 0)

for a diagonal quadratic (``L1Penalty.prox``), or restricted to one orthant, where
|wⱼ| = sⱼwⱼ and the problem is a linear system.

Data (:class:`_Problem`, built by :func:`make_problem`)
-------------------------------------------------------
* dense X: centred (and weighted) into one Fortran-ordered copy, as scikit-learn
  centres X;
* sparse X (CSR/CSC matrices or arrays): never densified, never centred explicitly —
  :class:`skreg._sparse.CenteredDesign` applies X_w by sparse products and rank-one
  corrections (scikit-learn's X_offset); one CSC view is used for column blocks (a
  copy only when X is CSR, as scikit-learn's ``Lasso`` makes);
* Gram statistics only (G, q, ‖y_w‖², :meth:`_Problem.from_gram`): ``partial_fit``,
  Dask input, cross-validation folds.

Which route (:func:`solve_path`)
--------------------------------
* *Working sets* (:func:`_ws_solve`) whenever X is at hand and the whole Gram matrix
  has not been formed: single fits on tall, wide, dense or sparse X.  An outer
  iteration costs one gradient X_wᵀr over all features and the new rows of the
  working set's Gram block G_WW — never the d×d Gram matrix (n = 500, d = 20,000
  never forms 20,000²).  Each working set is solved by the direct route below.
* *Direct* (active set on G): when G is complete — Gram statistics, or a path on
  data with n_samples ≥ n_features whose d×d Gram fits the memory budget
  (``skreg.get_config()["memory_budget"]``; formed once, with threaded BLAS, as
  :func:`sklearn.linear_model.lasso_path` does).

Penalty factors (:func:`reduce_problem`)
----------------------------------------
Ω(w) = Σⱼ pⱼ|wⱼ| is brought back to the plain ‖·‖₁ by a change of variables, so the
solver below only knows the plain problem:

* pⱼ > 0: w̃ⱼ = pⱼwⱼ, i.e. column j of X_w divided by pⱼ (G̃ = D G D, q̃ = D q with
  D = diag(1/pⱼ));
* pⱼ = 0 (unpenalized, set U): Frisch–Waugh.  For fixed penalized weights w_P the best
  w_U is least squares on the residual, w_U = G_UU⁺(q_U − G_UP w_P); substituting it
  leaves an L1 problem in w_P alone on the design P⊥X_P (X_P projected orthogonally to
  the span of X_U — the intercept is the special case X_U = 1):
  G' = G_PP − G_PU G_UU⁺ G_UP, q' = q_P − G_PU G_UU⁺ q_U,
  ‖y'‖² = ‖y_w‖² − q_Uᵀ G_UU⁺ q_U.

Duality gap with factors: the dual of the factored problem is
max_θ ½‖y‖² − ½‖y − θ‖² subject to |X_jᵀθ| ≤ α pⱼ (j ∈ P) and X_Uᵀθ = 0.  The
reduced problem's dual point θ = κ·r' (r' = P⊥(y − X_P w_P), κ = min(1, α/ν) with
ν = max_{j∈P} |c_j|/p_j, the weighted dual norm) is orthogonal to X_U by construction,
and both the primal value (w_U optimal) and the dual value (‖y‖² = ‖y'‖² + ‖P_U y‖²) are
those of the original problem: the gap reported is the original problem's gap.
α_max = max_{j∈P} |X_jᵀr₀|/pⱼ, r₀ the residual of y on the unpenalized features.

The direct solver
-----------------
1. *Closed form first.*  From a cold start, try the lecture's coordinate-wise solution
   θ̂ⱼ = soft-threshold of θ*ⱼ = qⱼ/Gⱼⱼ at α/Gⱼⱼ.  It is the exact solution when G is
   diagonal (orthogonal design) and is returned when its duality gap says so.
2. *Exact solves on the active set* (:func:`_active_set_solve`).  On the support S
   with signs s the optimality conditions are G_SS w_S = q_S − α·s.  The Cholesky
   factor of G_SS is updated, never recomputed: features are appended by a block
   update and removed by Givens rotations.  A solution with a wrong sign is corrected
   by moving from w towards it up to the first sign change (F decreases on the segment,
   as in feature-sign search) and dropping that coordinate; the features violating the
   optimality condition |cⱼ| ≤ α (checked over all features: the working set of KKT
   violators) enter with sign(cⱼ), the strongest first.
3. *Continuation.*  A single fit reaches α through a short geometric grid from α_max,
   so the active set grows a few features at a time; a path warm-starts each α
   from the previous one (the factor included).
4. *FISTA fallback* (:func:`_fista_solve`), when step 2 stalls (collinear features, a
   feature entering with the wrong sign): proximal-gradient steps with adaptive restart
   (O'Donoghue & Candès) on a working set W = support ∪ strong-rule candidates
   {|cⱼ| ≥ 2α − α_prev} ∪ violators, each step a soft-threshold of the quadratic model
   around the extrapolated point; once the sign pattern is stable, an exact solve on
   it (least-squares when G_SS is singular) finishes the sub-problem.
5. *Stop on the duality gap* over all features: with ν = ‖c‖_∞ and the dual point
   θ = κ·r, κ = min(1, α/ν),

       gap = ½(1 − κ)²‖r‖² + α‖w‖₁ − κ·cᵀw

   (scikit-learn's coordinate-descent gap, written without cancellation); converged
   when gap ≤ tol·‖y_w‖², the meaning of ``tol`` in :class:`~sklearn.linear_model.Lasso`
   (‖y_w‖² of the full centred target, also with unpenalized features).

A fit runs with single-threaded BLAS: most products are small, where threaded BLAS
loses to thread start-up, and on a shared machine threaded BLAS degrades badly when
other processes compete for the cores.  A path forms the whole Gram matrix first (when
it is used), with the default threads, as :func:`sklearn.linear_model.lasso_path` does.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg
from sklearn.exceptions import ConvergenceWarning

from ._config import fits_budget
from ._data._centering import weighted_column_mean, weighted_mean
from ._threads import _blas_controller, _blas_threads  # noqa: F401  (re-exported)
from ._sparse import (
    CenteredDesign,
    centered_column_sq_norms,
    centered_columns_times,
    centered_gram_block,
    dense_result,
    is_sparse,
)
from .penalties import L1Penalty
from .penalties import check_penalty_factor as _check_factor

__all__ = [
    "alpha_max",
    "check_penalty_factor",
    "gram_stats_from_sparse",
    "make_problem",
    "reduce_problem",
    "solve_path",
]

# FISTA (fallback): an exact solve is tried once the sign pattern of the iterate has
# not changed for this many steps.
_STABLE_STEPS = 5
# Sign-correction rounds of one exact step in the FISTA fallback.
_EXACT_ROUNDS = 3
# Working-set sub-problems are solved to this fraction of the outer tolerance.
_INNER_FRACTION = 0.3
# Without a Gram matrix (n_features > n_samples) the working set grows by at most this
# many features per round, so G_WW stays small.
_DIRECT_WS_MIN = 256
# A feature whose Schur complement in the active Gram block is below this fraction of
# its own Gₖₖ is (numerically) in the span of the active ones: it is not added.
_COLLINEAR = 1e-10
# Gram columns are computed when needed (one pass over X_w for the entering features);
# past _CACHE_FULL·n_features cached columns the whole Gram matrix is computed at once.
_CACHE_FULL = 0.25
# At most max(_ENTER_MIN, _ENTER_FRACTION·|S|) violators enter the active set per round.
_ENTER_MIN = 8
_ENTER_FRACTION = 0.25
# Gram columns of the _PREFETCH·cap strongest violators are computed in one pass (the
# next rounds' entering features are most likely among them), not of all violators:
# on correlated data most violators never enter, and their columns would cost the
# whole Gram matrix.
_PREFETCH = 1
# A collinear violator swaps into the active set only if |cⱼ| > α·(1 + _SWAP_MARGIN):
# a duplicate of an active feature ties at |cⱼ| = α up to rounding.
_SWAP_MARGIN = 1e-9
# Continuation of a cold single fit: α_max, ratio·α_max, ratio²·α_max, ..., α.
_CONTINUATION_RATIO = 0.25
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
        if self.cached and self.full:
            return self.G @ w
        support = np.flatnonzero(w)
        if support.size == 0:
            return np.zeros(self.n_features)
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


def gram_stats_from_sparse(X, y, sample_weight=None, shift=None):
    """:class:`skreg._gram.GramStats` of a sparse chunk, without densifying it.

    The centred scatter matrices come from implicit centring (rank-one corrections of
    XᵀWX, :class:`skreg._sparse.CenteredDesign`), the means from sparse column sums.
    Used by ``partial_fit`` on sparse chunks; the d×d Gram matrix must fit the memory
    budget.

    Parameters
    ----------
    X : sparse matrix or array of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,) or None
    shift : tuple (x_shift, y_shift) or None
        Common reference point (None: this chunk's first row).

    Returns
    -------
    GramStats
    """
    from ._gram import GramStats

    n, d = X.shape
    if not fits_budget(d, d):
        raise ValueError(
            f"partial_fit on sparse data accumulates a {d}x{d} Gram matrix, beyond the "
            "memory budget (skreg.set_config(memory_budget=...)); use fit on all the data."
        )
    y = np.asarray(y, dtype=np.float64)
    y = y[:, None] if y.ndim == 1 else y
    if shift is None:
        first = dense_result(X[[0]]).reshape(-1) if n else np.zeros(d)  # one row, the shift
        shift = (first, y[0].copy() if n else np.zeros(y.shape[1]))
    x_shift, y_shift = (np.asarray(a, dtype=np.float64) for a in shift)
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    W = float(n if w is None else w.sum())
    if W <= 0:
        t = y.shape[1]
        return GramStats(0.0, n, np.zeros(d), np.zeros(t), np.zeros((d, d)), np.zeros((d, t)),
                         np.zeros(t), x_shift, y_shift)
    X = X.tocsc() if X.format != "csc" else X
    x_bar = weighted_column_mean(X, w)
    y_bar = np.average(y, axis=0, weights=w)
    sqrt_sw = None if w is None else np.sqrt(w)
    design = CenteredDesign(X, x_bar, sqrt_sw)
    yc = y - y_bar
    yw = yc if sqrt_sw is None else yc * sqrt_sw[:, None]
    return GramStats(
        weight_sum=W,
        n_samples=n,
        x_mean=x_bar - x_shift,
        y_mean=y_bar - y_shift,
        Sxx=centered_gram_block(design, None, None),
        Sxy=design.rmatmat(yw),
        Syy=np.einsum("ij,ij->j", yw, yw),
        x_shift=x_shift,
        y_shift=y_shift,
    )


def check_penalty_factor(penalty_factor, n_features):
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
        Validated factors (:func:`check_penalty_factor`); None means all ones.

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


_potrf, _potrs, _trtrs = linalg.get_lapack_funcs(("potrf", "potrs", "trtrs"), (np.empty(1),))


class _ActiveSet:
    """The active features S with their signs s and the Cholesky factor G_SS = RᵀR.

    Features are appended by a block update (one triangular solve and one small
    Cholesky) and removed by Givens rotations (``scipy.linalg.qr_delete``), so moving
    along a path never refactors from scratch.  R is kept Fortran-ordered for LAPACK.
    """

    def __init__(self, problem, positive):
        self.problem = problem
        self.positive = positive
        self.idx = np.empty(0, dtype=np.intp)
        self.signs = np.empty(0)
        self.R = np.empty((0, 0), order="F")
        self.valid = True  # the support of the current w is inside idx

    def reset(self, w):
        """Rebuild from the support and signs of w; returns False if G_SS is singular."""
        self.idx = np.empty(0, dtype=np.intp)
        self.signs = np.empty(0)
        self.R = np.empty((0, 0), order="F")
        support = np.flatnonzero(w)
        self.valid = self.add(support, np.sign(w[support])).size == 0
        return self.valid

    def add(self, J, signs):
        """Append features J with signs; returns the features rejected as collinear."""
        if J.size == 0:
            return J
        k, m = self.idx.size, J.size
        G_JJ = self.problem.block(J, J)
        if k:
            R12, info = _trtrs(self.R, self.problem.block(self.idx, J), lower=0, trans=1)
            S22 = G_JJ - R12.T @ R12
        else:
            R12, info, S22 = np.empty((0, m)), 0, G_JJ
        R22, info = _potrf(S22, lower=0, clean=1)
        ok = info == 0 and np.all(np.diag(R22) ** 2 > _COLLINEAR * np.diag(G_JJ))
        if ok:
            R = np.zeros((k + m, k + m), order="F")
            R[:k, :k] = self.R
            R[:k, k:] = R12
            R[k:, k:] = R22
            self.R = R
            self.idx = np.concatenate([self.idx, J])
            self.signs = np.concatenate([self.signs, np.ones(m) if self.positive else signs])
            return J[:0]
        if m == 1:
            return J
        rejected = [self.add(J[i : i + 1], signs[i : i + 1]) for i in range(m)]
        return np.concatenate(rejected)

    def remove(self, positions):
        """Remove the features at these positions of ``idx``."""
        for p in np.sort(positions)[::-1]:
            k = self.idx.size
            _, R = linalg.qr_delete(
                np.eye(k), self.R, int(p), which="col", overwrite_qr=True, check_finite=False
            )
            self.R = np.asfortranarray(R[:-1])
            self.idx = np.delete(self.idx, p)
            self.signs = np.delete(self.signs, p)

    def solve(self, rhs):
        x, _ = _potrs(self.R, rhs, lower=0)
        return x


def _active_set_solve(problem, q, yy, alpha, w, engine, *, tol_abs, max_iter, positive):
    """Exact solves on the active set, with sign correction and KKT-driven growth.

    On the active set S (signs s) the LASSO optimality conditions are linear,
    G_SS w_S = q_S − α·s: the lecture's closed form, now for a non-diagonal quadratic.
    A solution with the wrong sign is corrected by moving from w towards it up to the
    first sign change (F decreases along the segment: it equals the orthant's
    quadratic there) and dropping the coordinate that reached 0; features violating
    |cⱼ| ≤ α enter with sign(cⱼ).

    Returns (w, gap, n_iter, status), status in {'converged', 'max_iter', 'stalled'};
    'stalled' hands over to the FISTA working-set solver.
    """
    n_iter = 0
    blocked = np.zeros(q.size, dtype=bool)
    F_unblocked = np.inf
    while True:
        if not engine.valid:  # a swap left a collinear feature outside the factor
            return w, _full_gap(problem, q, yy, alpha, w, positive)[0], n_iter, "stalled"
        idx = engine.idx
        if idx.size:
            z = engine.solve(q[idx] - alpha * engine.signs)
            wrong = engine.signs * z <= 0
            if wrong.any():
                n_iter += 1
                w_S = w[idx]
                entering = wrong & (w_S == 0)
                if entering.any():  # would enter with the wrong sign: leave it out
                    blocked[idx[entering]] = True
                    engine.remove(np.flatnonzero(entering))
                else:  # feature-sign step: to the first zero crossing
                    with np.errstate(divide="ignore", invalid="ignore"):
                        t_cross = np.where(wrong, w_S / (w_S - z), np.inf)
                    t = float(min(t_cross.min(), 1.0))
                    w_S = w_S + t * (z - w_S)
                    hit = (wrong & (t_cross <= t)) | (engine.signs * w_S <= 0)
                    w_S[hit] = 0.0
                    w[idx] = w_S
                    engine.remove(np.flatnonzero(hit))
                if n_iter >= max_iter:
                    gap = _full_gap(problem, q, yy, alpha, w, positive)[0]
                    return w, gap, n_iter, "converged" if gap <= tol_abs else "max_iter"
                continue
            w[idx] = z
        n_iter += 1
        gap, c, score = _full_gap(problem, q, yy, alpha, w, positive)
        if gap <= tol_abs:
            return w, gap, n_iter, "converged"
        if n_iter >= max_iter:
            return w, gap, n_iter, "max_iter"
        entering = score > alpha
        entering[engine.idx] = False
        cap = max(_ENTER_MIN, int(_ENTER_FRACTION * engine.idx.size))
        if not (entering & ~blocked).any():
            # only blocked violators are left: retry them one at a time if F has
            # decreased since they were last unblocked, else hand over to FISTA
            F_now = _objective(alpha, w, q - c, q)
            if not entering.any() or F_now >= F_unblocked:
                return w, gap, n_iter, "stalled"
            blocked[:] = False
            F_unblocked = F_now
            cap = 1
        entering &= ~blocked
        J = np.flatnonzero(entering)
        if J.size > cap:  # the strongest violators first: correlated ones follow them
            J = J[np.argsort(-score[J], kind="stable")]
            if problem.cached:  # one pass for the columns of the next few to enter too
                problem._ensure(J[: _PREFETCH * cap])
            J = J[:cap]
        rejected = engine.add(J, np.sign(c[J]))
        if rejected.size == J.size:  # nothing entered: w is still optimal on S
            j = rejected[np.argmax(score[rejected])]
            s_j = 1.0 if positive else float(np.sign(c[j]))
            significant = score[j] > alpha * (1.0 + _SWAP_MARGIN)  # not a rounding tie
            if not (significant and _swap_in(problem, engine, q, alpha, w, j, s_j)):
                blocked[rejected] = True


def _swap_in(problem, engine, q, alpha, w, j, s_j):
    """Let a violator j that is collinear with the active set replace one of it.

    With X_j = X_S u (u = G_SS⁻¹G_Sj), moving along v = (−s_j·u, s_j) leaves X_w w
    unchanged and changes α‖w‖₁ at the rate α − |cⱼ| < 0 (at the optimum on S,
    cⱼ = uᵀc_S = α·uᵀs), so F decreases until a coordinate of S reaches 0: that one
    leaves and j enters (the swap of the homotopy / LARS-LASSO algorithm, needed when
    |S| reaches the rank of X, e.g. n_features > n_samples and small α).

    Updates ``w`` and ``engine`` in place; returns False when no swap is possible.
    """
    idx = engine.idx
    if idx.size == 0:
        return False
    u = engine.solve(problem.block(idx, np.array([j]))[:, 0])
    v_S = -s_j * u
    w_S = w[idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        t_cross = np.where(w_S * v_S < 0, -w_S / v_S, np.inf)
    t = float(t_cross.min())
    if not np.isfinite(t) or t <= 0:
        return False
    w_new = w.copy()
    w_S = w_S + t * v_S
    hit = (t_cross <= t) | (engine.signs * w_S <= 0)
    w_S[hit] = 0.0
    w_new[idx] = w_S
    w_new[j] = s_j * t
    before = _objective(alpha, w, problem.gram_times(w), q)
    if _objective(alpha, w_new, problem.gram_times(w_new), q) >= before:
        return False
    w[:] = w_new
    engine.remove(np.flatnonzero(hit))
    if engine.add(np.array([j]), np.array([s_j])).size:  # still collinear
        engine.valid = False
    return True


def _lipschitz(G):
    """An estimate of λ_max(G) (power iteration; FISTA doubles it if it is too small)."""
    k = G.shape[0]
    upper = float(np.abs(G).sum(axis=1).max())  # ‖G‖_∞ ≥ λ_max
    if k <= 64:
        return min(float(linalg.eigvalsh(G, subset_by_index=[k - 1, k - 1])[0]), upper)
    v = np.linspace(1.0, 2.0, k)
    for _ in range(20):
        v = G @ v
        norm = np.linalg.norm(v)
        if norm == 0:
            return 0.0
        v /= norm
    return min(1.02 * float(v @ (G @ v)), upper)


def _orthant_solve(G_SS, rhs):
    """Solve G_SS z = rhs: Cholesky, or the minimum-norm least-squares solution when G_SS
    is (numerically) singular, e.g. duplicated or collinear features."""
    factor, info = _potrf(G_SS, lower=0, clean=1)
    if info == 0:
        d = np.abs(np.diag(factor))
        if d.min() ** 2 > _COLLINEAR * d.max() ** 2:
            return _potrs(factor, rhs, lower=0)[0]
    return linalg.lstsq(G_SS, rhs, cond=1e-12, check_finite=False)[0]


def _exact_step(G, q, alpha, w, Gw, positive):
    """Minimize F on the orthant of the support of w (FISTA fallback, no factor reuse).

    Solves G_SS z = q_S − α·s.  When sign(z) ≠ s, moves from w towards z up to the
    first sign change, drops the coordinates that reached 0 and re-solves (a few
    rounds).  Returns the new (w, Gw), or the old ones when F did not decrease.
    """
    active = w != 0
    signs = np.ones_like(w) if positive else np.sign(w)
    w_old, Gw_old = w, Gw
    w = w.copy()
    for _ in range(_EXACT_ROUNDS):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        s = signs[idx]
        z = _orthant_solve(G[np.ix_(idx, idx)], q[idx] - alpha * s)
        wrong = s * z <= 0
        if not wrong.any():
            w[:] = 0.0
            w[idx] = z
            break
        w_S = w[idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            t_cross = np.where(wrong, w_S / (w_S - z), np.inf)
        t = float(min(t_cross.min(), 1.0))
        w_S = w_S + t * (z - w_S)
        hit = (wrong & (t_cross <= t)) | (s * w_S <= 0)
        w_S[hit] = 0.0
        w[idx] = w_S
        active[idx[hit]] = False
    Gw = G @ w
    if _objective(alpha, w, Gw, q) < _objective(alpha, w_old, Gw_old, q):
        return w, Gw
    return w_old, Gw_old


def _solve_working_set(G, q, yy, alpha, w, penalty, *, tol_abs, max_iter, positive):
    """FISTA with adaptive restart and exact solves on one working set.

    Returns (w, n_iter).  Each FISTA step and each exact step counts as one iteration.
    """
    Gw = G @ w
    L = None
    n_iter = 0
    z, Gz, t_k = w, Gw, 1.0
    F_w = _objective(alpha, w, Gw, q)
    pattern, stable, tried = np.sign(w), _STABLE_STEPS, False
    while n_iter < max_iter:
        if stable >= _STABLE_STEPS and not tried and np.any(w):
            w_exact, Gw_exact = _exact_step(G, q, alpha, w, Gw, positive)
            n_iter += 1
            tried = True
            if w_exact is not w:
                w, Gw = w_exact, Gw_exact
                z, Gz, t_k = w, Gw, 1.0
                F_w = _objective(alpha, w, Gw, q)
        c = q - Gw
        if _duality_gap(alpha, w, c, yy, float(q @ w), positive) <= tol_abs:
            break
        if n_iter >= max_iter:
            break
        if L is None:
            L = _lipschitz(G)
            if L <= 0:  # every feature in W is constant: nothing to fit
                break
        # proximal-gradient step on the quadratic model at z: a soft-threshold
        w_new = penalty.prox(z - (Gz - q) / L, 1.0 / L)
        Gw_new = G @ w_new
        F_new = _objective(alpha, w_new, Gw_new, q)
        n_iter += 1
        if F_new > F_w:
            if t_k == 1.0:  # a plain step went up: L underestimated λ_max
                L *= 2.0
            z, Gz, t_k = w, Gw, 1.0  # restart the momentum
            continue
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t_k * t_k))
        beta = (t_k - 1.0) / t_next
        z = w_new + beta * (w_new - w)
        Gz = Gw_new + beta * (Gw_new - Gw)
        new_pattern = np.sign(w_new)
        if np.array_equal(new_pattern, pattern):
            stable += 1
        else:
            pattern, stable, tried = new_pattern, 0, False
        w, Gw, F_w, t_k = w_new, Gw_new, F_new, t_next
    return w, n_iter


def _fista_solve(problem, q, yy, alpha, w, *, tol_abs, max_iter, positive, alpha_prev=None):
    """Working sets solved by FISTA + exact steps, grown by the strong rule and KKT.

    Returns (w, gap, n_iter, converged).
    """
    penalty = L1Penalty(alpha, positive=positive)
    inner_tol = _INNER_FRACTION * tol_abs
    in_ws = np.zeros(problem.n_features, dtype=bool)
    n_iter = 0
    first = True
    while True:
        gap, c, score = _full_gap(problem, q, yy, alpha, w, positive)
        if gap <= tol_abs:
            return w, gap, n_iter, True
        if n_iter >= max_iter:
            return w, gap, n_iter, False
        candidates = score > alpha
        if first:  # sequential strong rule: |cⱼ| ≥ 2α − α_prev
            nu = max(float(score.max()), 0.0)
            prev = nu if alpha_prev is None else max(alpha_prev, alpha)
            candidates |= score >= 2.0 * alpha - prev
            first = False
        new = candidates & ~in_ws & (w == 0)
        if not new.any():
            inner_tol *= 0.1  # the sub-problem was not solved tightly enough
        elif not problem.cached:  # keep G_WW small: the strongest candidates first
            budget = max(_DIRECT_WS_MIN, 2 * int(np.count_nonzero(w)))
            new_idx = np.flatnonzero(new)
            if new_idx.size > budget:
                keep = new_idx[np.argsort(-score[new_idx], kind="stable")[:budget]]
                new = np.zeros_like(new)
                new[keep] = True
        in_ws |= new | (w != 0)
        ws = np.flatnonzero(in_ws)
        w_ws, used = _solve_working_set(
            problem.block(ws, ws),
            q[ws],
            yy,
            alpha,
            w[ws],
            penalty,
            tol_abs=inner_tol,
            max_iter=max_iter - n_iter,
            positive=positive,
        )
        n_iter += max(used, 1)
        w = np.zeros_like(w)
        w[ws] = w_ws


def _solve(problem, target, alpha, w, engine, *, tol, max_iter, positive, alpha_prev=None):
    """Solve one LASSO problem (one target, one α) to a duality gap ≤ tol·‖y_w‖².

    ``engine`` is the :class:`_ActiveSet` matching the support of the start ``w``; it is
    updated in place (and rebuilt after a FISTA fallback) so that a path reuses it.

    Returns (w, gap, n_iter, converged).
    """
    if not problem.full:  # X at hand, no Gram matrix: working sets on Gram blocks
        return _ws_solve(problem, target, alpha, w, tol=tol, max_iter=max_iter,
                         positive=positive)[:4]
    q = problem.Q[:, target]
    yy = float(problem.yy[target])
    tol_abs = tol * float(problem.tol_yy[target])
    w = np.array(w, dtype=np.float64)
    if max_iter <= 0:
        gap = _full_gap(problem, q, yy, alpha, w, positive)[0]
        return w, gap, 0, gap <= tol_abs
    n_iter = 0
    if engine.valid:
        w, gap, n_iter, status = _active_set_solve(
            problem, q, yy, alpha, w, engine, tol_abs=tol_abs, max_iter=max_iter, positive=positive
        )
        if status != "stalled":
            return w, gap, n_iter, status == "converged"
    w, gap, used, converged = _fista_solve(
        problem, q, yy, alpha, w, tol_abs=tol_abs, max_iter=max_iter - n_iter,
        positive=positive, alpha_prev=alpha_prev,
    )
    engine.reset(w)
    return w, gap, n_iter + used, converged


def _fit_one(problem, target, alpha, w0, *, tol, max_iter, positive):
    """Single fit of one target: warm start, or closed form then continuation in α.

    From a cold start, the lecture's coordinate-wise closed form is tried first (exact
    when G is diagonal).  Otherwise α is approached from α_max along a geometric grid
    (ratio ``_CONTINUATION_RATIO``), each solution warm-starting the next: the active
    set then grows a few features at a time.  Returns (w, gap, n_iter, converged).
    """
    return _fit_one_engine(problem, target, alpha, w0, tol=tol, max_iter=max_iter,
                           positive=positive)[:4]


def _fit_one_engine(problem, target, alpha, w0, *, tol, max_iter, positive):
    """:func:`_fit_one`, also returning the :class:`_ActiveSet` matching the solution
    (None for a problem solved by working sets, without a Gram matrix)."""
    if not problem.full:
        return _ws_solve(problem, target, alpha, w0, tol=tol, max_iter=max_iter,
                         positive=positive)[:4] + (None,)
    q = problem.Q[:, target]
    yy = float(problem.yy[target])
    engine = _ActiveSet(problem, positive)
    w0 = np.asarray(w0, dtype=np.float64)
    if np.any(w0):
        engine.reset(w0)
        out = _solve(problem, target, alpha, w0, engine, tol=tol, max_iter=max_iter, positive=positive)
        return (*out, engine)
    penalty = L1Penalty(alpha, positive=positive)
    lam = problem.diag
    safe = np.where(lam > 0, lam, 1.0)
    # θ̂ = prox(θ*, α/λ) = prox(q, α)/λ: written this way |qⱼ| = α gives an exact 0
    w_closed = np.where(lam > 0, penalty.prox(q, 1.0) / safe, 0.0)
    gap = _full_gap(problem, q, yy, alpha, w_closed, positive)[0]
    if gap <= tol * float(problem.tol_yy[target]):
        engine.reset(w_closed)
        return w_closed, gap, 1, True, engine
    nu = _dual_norm(q, positive)
    w = np.zeros_like(q)
    n_iter = 0
    grid = []
    step = nu * _CONTINUATION_RATIO
    while step > max(alpha, 1e-4 * nu):
        grid.append(step)
        step *= _CONTINUATION_RATIO
    alpha_prev = nu
    for a in grid:
        w, _, used, _ = _solve(
            problem, target, a, w, engine, tol=tol, max_iter=max_iter - n_iter,
            positive=positive, alpha_prev=alpha_prev,
        )
        n_iter += used
        alpha_prev = a
    w, gap, used, converged = _solve(
        problem, target, alpha, w, engine, tol=tol, max_iter=max_iter - n_iter,
        positive=positive, alpha_prev=alpha_prev,
    )
    return w, gap, n_iter + used, converged, engine



# ------------------------------------------------------------------ working sets
# The first working set has this many features (or all, if fewer).
_WS_MIN = 10


class _WorkingSet:
    """Indices W and the Gram block G_WW, grown and shrunk without recomputing kept parts."""

    def __init__(self, problem):
        self.problem = problem
        self.idx = np.empty(0, dtype=np.intp)
        self.G = np.empty((0, 0))

    def update(self, new_idx):
        """Move to the features ``new_idx`` (kept entries of G_WW are reused)."""
        new_idx = np.asarray(new_idx, dtype=np.intp)
        pos = {j: i for i, j in enumerate(self.idx.tolist())}
        old_pos = np.array([pos.get(j, -1) for j in new_idx.tolist()], dtype=np.intp)
        kept = old_pos >= 0
        G = np.empty((new_idx.size, new_idx.size), order="F")
        if kept.any():
            G[np.ix_(kept, kept)] = self.G[np.ix_(old_pos[kept], old_pos[kept])]
        fresh = np.flatnonzero(~kept)
        if fresh.size:
            B = self.problem.ws_block(new_idx, new_idx[fresh])  # (|W|, |fresh|)
            G[:, fresh] = B
            G[fresh, :] = B.T
        self.idx, self.G = new_idx, G


def _ws_solve(problem, target, alpha, w, *, tol, max_iter, positive, ws=None, alpha_prev=None):
    """Working sets of KKT violators, each solved exactly on its Gram block G_WW.

    Without a Gram matrix (n_features > n_samples, sparse X, or a single fit on tall
    X, where the full G would cost n·d² and most of it is never used) an outer
    iteration costs one gradient c = X_wᵀr over all features (a sparse or dense
    product) and the new rows of G_WW = X_w[:, W]ᵀX_w[:, W]:

    1. W = support ∪ the strongest features by |cⱼ|/α (the KKT violators first), of
       size max(_WS_MIN, 2·|support|) — the working-set growth of Massias et al.
       (Celer, skglm), each set solved warm-started from the last;
    2. the sub-problem min ½wᵀG_WWw − q_Wᵀw + α‖w‖₁ is solved by the exact active-set
       solver (:func:`_fit_one_engine` on :meth:`_Problem.from_gram`) to a fraction
       of the tolerance;
    3. stop when the duality gap over *all* features is ≤ tol·‖y_w‖²; if no feature
       outside W violates |cⱼ| ≤ α, the sub-problem tolerance is tightened instead.

    Returns (w, gap, n_iter, converged, ws), ``ws`` the :class:`_WorkingSet` to pass
    to the next α of a path.  n_iter counts the sub-problem iterations (at least one
    per outer iteration).
    """
    q = problem.Q[:, target]
    yy = float(problem.yy[target])
    tol_abs = tol * float(problem.tol_yy[target])
    w = np.array(w, dtype=np.float64)
    d = problem.n_features
    if ws is None:
        ws = _WorkingSet(problem)
    inner = _INNER_FRACTION * tol_abs
    n_iter = 0
    cold = not np.any(w)
    while True:
        gap, c, score = _full_gap(problem, q, yy, alpha, w, positive)
        # a cold start always solves once when some |cⱼ| > α (as the closed form
        # would): w = 0 can be within tol of the optimum yet not the LASSO solution
        forced = cold and n_iter == 0 and bool(np.any(score > alpha))
        if gap <= tol_abs and not forced:  # a start at the solution counts its one check
            return w, gap, max(n_iter, 1), True, ws
        if n_iter >= max_iter:
            return w, gap, n_iter, False, ws
        support = np.flatnonzero(w)
        size = min(d, max(_WS_MIN, 2 * support.size))
        priority = score.copy()  # |cⱼ| (cⱼ when positive): > α violates the KKT conditions
        priority[support] = np.inf
        in_ws = np.zeros(d, dtype=bool)
        in_ws[ws.idx] = True
        violators = (score > alpha) & ~in_ws
        if violators.any():
            if size >= d:
                chosen = np.arange(d)
            else:
                chosen = np.sort(np.argpartition(-priority, size - 1)[:size])
                if not violators[chosen].any():  # always let the strongest violator in
                    strongest = np.flatnonzero(violators)[np.argmax(priority[violators])]
                    chosen = np.sort(np.append(chosen, strongest))
            ws.update(chosen)
        elif ws.idx.size == 0:
            ws.update(np.sort(np.argpartition(-priority, size - 1)[:size]) if size < d else np.arange(d))
        else:  # W holds every violator: its sub-problem was not solved tightly enough
            inner *= 0.1
        sub = _Problem.from_gram(ws.G, q[ws.idx, None], np.array([yy]))
        sub.tol_yy = np.array([1.0])  # tolerances below are absolute
        w_sub, _, used, _, _ = _fit_one_engine(
            sub, 0, alpha, w[ws.idx], tol=inner, max_iter=max(max_iter - n_iter, 1),
            positive=positive,
        )
        n_iter += max(used, 1)
        w = np.zeros(d)
        w[ws.idx] = w_sub


def _least_squares(reduced, target):
    """The α = 0 solution of one target (minimum norm on the original features), in the
    coordinates of ``reduced``; None when it would need a matrix beyond the budget.

    At α = 0 the penalty (factors included) vanishes, and the duality gap cannot
    certify a warm start: with κ = 1 it is max(−cᵀw, 0), 0 as soon as c vanishes on the
    support, while features outside it still have cⱼ ≠ 0.  So α = 0 is solved
    directly: w = G⁺q from the Gram matrix when it is (or may be) complete, else
    w = X_wᵀ K⁺² X_w q with the n×n kernel K = X_wX_wᵀ (= X_w⁺y_w: y_w is not kept).
    """
    base = reduced.base if isinstance(reduced, _FactorProblem) else reduced
    q = base.Q[:, target]
    if base.cached:
        base.ensure_all()
        lam, V = linalg.eigh(base.G)
        keep = lam > _PINV_RTOL * max(float(lam.max()), 0.0)
        V, lam = V[:, keep], lam[keep]
        w = V @ ((V.T @ q) / lam)
    else:
        n_samples = (base.design if base.design is not None else base.Xw).shape[0]
        if not fits_budget(n_samples, n_samples):
            return None
        if base.design is not None:
            K, Xq = base.design.kernel(), base.design.matmat(q[:, None])[:, 0]
        else:
            K, Xq = base.Xw @ base.Xw.T, base.Xw @ q
        lam, U = linalg.eigh(K)
        keep = lam > _PINV_RTOL * max(float(lam.max()), 0.0)
        U, lam = U[:, keep], lam[keep]
        z = U @ ((U.T @ Xq) / lam**2)
        w = base._rmat(z[:, None])[:, 0]
    return reduced.reduce(w) if isinstance(reduced, _FactorProblem) else w


def solve_path(problem, alphas, *, penalty_factor=None, tol=1e-4, max_iter=1000,
               positive=False, coef_init=None, warn=True):
    """Solve min ½‖X_w w − y_w‖² + α Σⱼ pⱼ|wⱼ| for every α and every target.

    The strengths are solved in decreasing order, each warm-started from the previous
    one (the first from ``coef_init``, or cold: the lecture's closed form, then
    continuation from α_max); each to a duality gap ≤ ``tol·‖y_w‖²``.

    Parameters
    ----------
    problem : _Problem or _FactorProblem
        From :func:`make_problem`, :meth:`_Problem.from_gram`, or already reduced by
        :func:`reduce_problem` (then ``penalty_factor`` must be None).
    alphas : array-like of shape (n_alphas,)
        Strengths α ≥ 0 (sum convention), any order; results in the given order.
    penalty_factor : ndarray of shape (n_features,) or None
        Validated factors pⱼ ≥ 0 (:func:`check_penalty_factor`); None means all ones.
        Zero factors (unpenalized features) cannot be combined with ``positive``.
    tol : float, default=1e-4
    max_iter : int, default=1000
        Iterations per α and target (a cold first α shares them with its continuation).
    positive : bool, default=False
    coef_init : ndarray of shape (n_targets, n_features) or (n_features,), or None
        Warm start for the first (largest) α, in the original features.
    warn : bool, default=True
        Emit a :class:`~sklearn.exceptions.ConvergenceWarning` when some α or target
        did not reach the tolerance within ``max_iter``.

    Returns
    -------
    coefs : ndarray of shape (n_alphas, n_targets, n_features)
        In the original features (unpenalized ones included).
    gaps : ndarray of shape (n_alphas, n_targets)
        Final duality gaps (of the original, factored problem).
    n_iters : ndarray of shape (n_alphas, n_targets)

    Examples
    --------
    >>> import numpy as np
    >>> from skreg._l1 import make_problem, solve_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 5)); y = X @ [3.0, 0, 0, -2.0, 0] + rng.standard_normal(50)
    >>> problem, (x_mean, y_mean) = make_problem(X, y[:, None])
    >>> coefs, gaps, n_iters = solve_path(problem, [200.0, 20.0], penalty_factor=np.array([0, 1, 1, 1, 1.0]))
    >>> coefs.shape, bool(coefs[0, 0, 0] != 0), int(np.count_nonzero(coefs[0, 0, 1:]))
    ((2, 1, 5), True, 0)
    """
    alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
    reduced = reduce_problem(problem, penalty_factor)
    if positive and isinstance(reduced, _FactorProblem) and reduced.U.size:
        raise ValueError(
            "positive=True cannot be combined with zero penalty factors (unpenalized "
            "features are fitted by unconstrained least squares); use small positive "
            "factors instead."
        )
    base = reduced.base if isinstance(reduced, _FactorProblem) else reduced
    n_targets, n_all = base.Q.shape[1], base.n_features
    order = np.argsort(-alphas, kind="stable")
    coefs = np.zeros((alphas.size, n_targets, n_all))
    gaps = np.zeros((alphas.size, n_targets))
    n_iters = np.zeros((alphas.size, n_targets), dtype=int)
    failed = []
    if alphas.size > 1:
        reduced.ensure_all()  # a path touches most columns: one (threaded) product
    with _blas_threads(1):
        for k in range(n_targets):
            if reduced.n_features == 0:  # every feature unpenalized: least squares
                w_full = reduced.expand(np.zeros(0), k)
                coefs[:, k] = w_full
                continue
            w = np.zeros(reduced.n_features)
            if coef_init is not None:
                w0 = np.asarray(coef_init, dtype=np.float64).reshape(n_targets, n_all)[k]
                w = reduced.reduce(w0) if isinstance(reduced, _FactorProblem) else w0.copy()
            engine, alpha_prev, ws = None, None, None
            for i in order:
                a = float(alphas[i])
                w_ls = _least_squares(reduced, k) if a == 0 and not positive else None
                if w_ls is not None:  # α = 0: least squares (the gap cannot certify it)
                    w, gap, used, converged = w_ls, 0.0, 1, True
                    if engine is not None:
                        engine.reset(w)
                elif not reduced.full:  # working sets, carried from one α to the next
                    w, gap, used, converged, ws = _ws_solve(
                        reduced, k, a, w, tol=tol, max_iter=max_iter, positive=positive,
                        ws=ws, alpha_prev=alpha_prev,
                    )
                elif engine is None:
                    w, gap, used, converged, engine = _fit_one_engine(
                        reduced, k, a, w, tol=tol, max_iter=max_iter, positive=positive
                    )
                else:
                    w, gap, used, converged = _solve(
                        reduced, k, a, w, engine, tol=tol, max_iter=max_iter,
                        positive=positive, alpha_prev=alpha_prev,
                    )
                if not converged:
                    failed.append((gap, tol * float(reduced.tol_yy[k])))
                coefs[i, k] = reduced.expand(w, k)
                gaps[i, k], n_iters[i, k] = gap, used
                alpha_prev = a
    if failed and warn:
        _warn_not_converged(failed, max_iter)
    return coefs, gaps, n_iters


def _warn_not_converged(failed, max_iter):
    gap, tol = max(failed, key=lambda pair: pair[0] - pair[1])
    warnings.warn(
        "Objective did not converge. You might want to increase the number of "
        f"iterations (max_iter={max_iter}). Duality gap: {gap:.3e}, tolerance: {tol:.3e}",
        ConvergenceWarning,
        stacklevel=3,
    )
