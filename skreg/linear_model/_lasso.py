"""L1 regularization: SoftThresholdQuadratic, a LASSO solver built on the soft-threshold.

The solver
----------
With the intercept removed by weighted centring (X_w = √w·(X − x̄), y_w = √w·(y − ȳ)),
the problem is the lecture's

    min_w  F(w) = ½‖X_w w − y_w‖² + α‖w‖₁ = ½wᵀGw − qᵀw + ½‖y_w‖² + α‖w‖₁,

with G = X_wᵀX_w, q = X_wᵀy_w and c = q − Gw = X_wᵀr the correlations of the residual.
Every update below exactly minimizes a quadratic plus α‖·‖₁: the lecture's
soft-threshold, for a diagonal quadratic (``L1Penalty.prox``) or restricted to one
orthant, where |wⱼ| = sⱼwⱼ and the problem is a linear system.

1. *Closed form first.*  From a cold start, try the lecture's coordinate-wise solution
   θ̂ⱼ = soft-threshold of θ*ⱼ = qⱼ/Gⱼⱼ at α/Gⱼⱼ.  It is the exact solution when G is
   diagonal (orthogonal design) and is returned when its duality gap says so.
2. *Exact solves on the active set* (:func:`_active_set_solve`).  On the support S
   with signs s the optimality conditions are G_SS w_S = q_S − α·s.  The Cholesky
   factor of G_SS is updated, never recomputed: features are appended by a block
   update and removed by Givens rotations.  A solution with a wrong sign is corrected
   by moving from w towards it up to the first sign change (F decreases on the segment,
   as in feature-sign search) and dropping that coordinate; the features violating the
   optimality condition |cⱼ| ≤ α (checked over all features) enter with sign(cⱼ), the
   strongest first.
3. *Continuation.*  A single fit reaches α through a short geometric grid from α_max,
   so the active set grows a few features at a time; :meth:`path` warm-starts each α
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
   when gap ≤ tol·‖y_w‖², the meaning of ``tol`` in :class:`~sklearn.linear_model.Lasso`.

Gram matrix: with n_samples ≥ n_features, columns of G are computed when a feature
first enters and cached, and the whole of G (one symmetric product) once a quarter of
the columns is needed or a path is asked for: a sparse fit never pays for all of G.
With n_features > n_samples only blocks X_w[:, S]ᵀX_w[:, W] are formed.  A fit runs
with single-threaded BLAS: most products are small, where threaded BLAS loses to
thread start-up, and on a shared machine threaded BLAS degrades badly when other
processes compete for the cores.  :meth:`path` forms the whole Gram matrix first, with
the default threads (as :func:`sklearn.linear_model.lasso_path` does), then iterates
single-threaded.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .._atomic import atomic_fit
from .._dask import is_dask_collection
from .._gram import GramStats
from .._spectral import center_data
from ..penalties import L1Penalty
from ._base import LinearRegressorMixin, check_alphas, validate_dask_fit_data, validate_fit_data

__all__ = ["SoftThresholdQuadratic"]

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
# Gram columns are computed when needed (one pass over X_w for all current violators);
# past _CACHE_FULL·n_features cached columns the whole Gram matrix is computed at once.
_CACHE_FULL = 0.25
# At most max(_ENTER_MIN, _ENTER_FRACTION·|S|) violators enter the active set per round.
_ENTER_MIN = 8
_ENTER_FRACTION = 0.25
# A collinear violator swaps into the active set only if |cⱼ| > α·(1 + _SWAP_MARGIN):
# a duplicate of an active feature ties at |cⱼ| = α up to rounding.
_SWAP_MARGIN = 1e-9
# Continuation of a cold single fit: α_max, ratio·α_max, ratio²·α_max, ..., α.
_CONTINUATION_RATIO = 0.25


from .._threads import _blas_controller, _blas_threads  # noqa: E402,F401  (shared with the MLP)


class _Problem:
    """Centred, weighted least squares data for one fit: X_w, q = X_wᵀy_w, ‖y_w‖², and G.

    With n_samples ≥ n_features the columns of G = X_wᵀX_w are computed when first
    needed and cached, so a sparse fit need not pay for the whole Gram matrix; :meth:`ensure_all` completes
    it (a path needs most of it).  With n_features > n_samples nothing is cached: the
    solver forms G_SW = X_w[:, S]ᵀX_w[:, W] for the working set only.
    """

    def __init__(self, Xw, yw):
        n_samples, n_features = Xw.shape
        self.n_features = n_features
        self.Xw = Xw
        self.Q = Xw.T @ yw  # (n_features, n_targets)
        self.yy = np.einsum("ij,ij->j", yw, yw)  # (n_targets,)
        self.diag = np.einsum("ij,ij->j", Xw, Xw)
        self.cached = n_samples >= n_features
        self.full = False
        if self.cached:
            self.G = np.empty((n_features, n_features), order="F")
            self.have = np.zeros(n_features, dtype=bool)

    @classmethod
    def from_gram(cls, G, Q, yy):
        """A problem given by its Gram statistics alone (G, q = Xᵀy, ‖y‖²), n ≥ d.

        Used for ``partial_fit`` and Dask input, where X never sits in memory: every
        solver step only needs G, q and ‖y‖².
        """
        problem = cls.__new__(cls)
        problem.n_features = G.shape[0]
        problem.Xw = None
        problem.Q = np.asarray(Q, dtype=np.float64)
        problem.yy = np.asarray(yy, dtype=np.float64)
        problem.G = np.asfortranarray(G)
        problem.diag = np.diag(problem.G).copy()
        problem.cached = problem.full = True
        problem.have = np.ones(problem.n_features, dtype=bool)
        return problem

    def ensure_all(self):
        """Complete the Gram matrix (one product for the missing columns)."""
        if self.cached and not self.full:
            missing = np.flatnonzero(~self.have)
            if 2 * missing.size > self.n_features:  # the symmetric product is cheaper
                self.G = self.Xw.T @ self.Xw
            elif missing.size:
                self.G[:, missing] = self.Xw.T @ self.Xw[:, missing]
            self.have[:] = True
            self.full = True

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
        self.G[:, missing] = self.Xw.T @ self.Xw[:, missing]
        self.have[missing] = True

    def block(self, rows, cols):
        """G[rows][:, cols]."""
        if self.cached:
            self._ensure(cols)
            return self.G[np.ix_(rows, cols)]
        return self.Xw[:, rows].T @ self.Xw[:, cols]

    def gram_times(self, w):
        """G w for a full-length w."""
        if self.full:
            return self.G @ w
        support = np.flatnonzero(w)
        if support.size == 0:
            return np.zeros(self.n_features)
        if self.cached and self.have[support].all():
            return self.G[:, support] @ w[support]
        return self.Xw.T @ (self.Xw[:, support] @ w[support])


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
        if problem.cached:  # one pass computes the columns of every current violator
            problem._ensure(J)
        if J.size > cap:  # the strongest violators first: correlated ones follow them
            J = J[np.argsort(-score[J], kind="stable")[:cap]]
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
    q = problem.Q[:, target]
    yy = float(problem.yy[target])
    tol_abs = tol * yy
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
    q = problem.Q[:, target]
    yy = float(problem.yy[target])
    engine = _ActiveSet(problem, positive)
    if np.any(w0):
        engine.reset(w0)
        return _solve(problem, target, alpha, w0, engine, tol=tol, max_iter=max_iter, positive=positive)
    penalty = L1Penalty(alpha, positive=positive)
    lam = problem.diag
    safe = np.where(lam > 0, lam, 1.0)
    w_closed = np.where(lam > 0, penalty.prox(q / safe, 1.0 / safe), 0.0)
    gap = _full_gap(problem, q, yy, alpha, w_closed, positive)[0]
    if gap <= tol * yy:
        return w_closed, gap, 1, True
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
    return w, gap, n_iter + used, converged


class SoftThresholdQuadratic(LinearRegressorMixin, BaseEstimator):
    """LASSO: least squares with an L1 penalty, solved by exact soft-thresholds.

    Minimizes the lecture's L1-regularized least squares

        R̃(w) = ½‖Xw − y‖² + α‖w‖₁     (rows weighted by ``sample_weight``)

    with an unpenalized intercept.  Its solution equals
    ``sklearn.linear_model.Lasso(alpha=alpha / n_samples)``; with ``sample_weight``,
    ``Lasso(alpha=alpha / sample_weight.sum())`` fitted with the same weights
    (scikit-learn rescales the weights to sum to n_samples, which turns its
    ``1/(2n)`` data term into ``1/(2Σw)``).

    Parameters
    ----------
    alpha : float, default=1.0
        L1 strength α ≥ 0 in the sum convention above.  α ≥ ``alpha_max_`` gives all
        coefficients exactly 0.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept by weighted centring of X and y.
    max_iter : int, default=1000
        Maximum number of iterations per target (and per α in :meth:`path`).  One
        iteration is one exact solve on the active set (with its optimality check) or
        one proximal-gradient (FISTA) step, each costing at most about one product with
        the Gram matrix; the continuation steps of a cold fit share the budget.
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol · ‖y_c‖²`` (y centred and weighted):
        the same meaning as in :class:`sklearn.linear_model.Lasso`.
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.
    positive : bool, default=False
        Constrain the coefficients to be ≥ 0.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The LASSO coefficients ŵ (exact zeros outside the support).
    intercept_ : float or ndarray of shape (n_targets,)
        b = ȳ − x̄ᵀŵ (weighted means); 0.0 when ``fit_intercept=False``.
    n_iter_ : int or ndarray of shape (n_targets,)
        Iterations used.
    dual_gap_ : float or ndarray of shape (n_targets,)
        Final duality gap of ½‖Xw − y‖² + α‖w‖₁ (sum convention: scikit-learn's
        ``Lasso.dual_gap_`` is this divided by n_samples).
    alpha_max_ : float
        The smallest α giving all-zero coefficients, max |X_cᵀy_c| over features (and
        targets), X_c, y_c centred and weighted (max(X_cᵀy_c) clipped at 0 when
        ``positive``).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    sklearn.linear_model.Lasso : the same model with ``alpha / n_samples``, solved by
        coordinate descent.
    sklearn.linear_model.lasso_path : the regularization path.
    RidgeEigen : the L2 counterpart.

    Notes
    -----
    For a diagonal quadratic R(θ) = ½ Σᵢ λᵢ(θᵢ − θ*ᵢ)² the lecture solves the L1 problem
    coordinate by coordinate:

        θ̂ᵢ = θ*ᵢ − sign(θ*ᵢ)·α/λᵢ   if |θ*ᵢ| > α/λᵢ,   else 0:

    weights with small curvature λᵢ are set exactly to 0 (sparsity, feature selection).
    Least squares is such a quadratic with H = XᵀX; when H is diagonal (orthogonal
    columns) this closed form is returned directly.  In general every update of the
    solver is the same soft-threshold applied to a quadratic model of R (a proximal
    gradient step, ``skreg.penalties.L1Penalty.prox``), combined with exact solves on
    the detected support; the stopping rule is scikit-learn's duality gap.  The solver
    is described in the module docstring of ``skreg.linear_model._lasso``.

    From the MAP viewpoint, R̃ is the negative log posterior under Gaussian noise of
    unit variance and the Laplace prior p(w) ∝ exp(−α‖w‖₁), up to a constant.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import SoftThresholdQuadratic
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = SoftThresholdQuadratic(alpha=20.0).fit(X, y)
    >>> int((model.coef_ != 0).sum()), round(model.alpha_max_, 1)
    (7, 949.4)
    >>> coefs, intercepts = model.path([500.0, 50.0, 5.0])
    >>> (coefs != 0).sum(axis=1)
    array([ 2,  7, 10])
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Fit the LASSO.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Each target is solved separately (they share the Gram matrix).
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights; weight 2 counts a sample twice.

        Returns
        -------
        self : SoftThresholdQuadratic
        """
        self.__dict__.pop("_stats", None)  # fit starts afresh; partial_fit accumulates
        if is_dask_collection(X):
            stats, dtype, y_ndim = validate_dask_fit_data(self, X, y, sample_weight)
            return self._fit_problem(*self._problem_from_stats(stats), dtype, y_ndim)
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        y2 = y.reshape(X.shape[0], -1)
        Xw, yw, X_offset, y_offset, _ = center_data(X, y2, sample_weight, self.fit_intercept)
        return self._fit_problem(_Problem(Xw, yw), (X_offset, y_offset), X.dtype, y.ndim)

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def partial_fit(self, X, y, sample_weight=None):
        """Add a chunk of data to the Gram statistics and refit from them.

        The LASSO objective only needs G = X_cᵀX_c, X_cᵀy_c and ‖y_c‖², which are merged
        chunk by chunk as in :meth:`RidgeEigen.partial_fit` (see ``skreg._gram``); each
        call re-solves warm-started from the previous coefficients.  Needs
        n_features ≤ the number of samples seen for a unique Gram-based solve (more
        features than samples works, but then prefer ``fit`` on all the data).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None

        Returns
        -------
        self : SoftThresholdQuadratic
        """
        first = getattr(self, "_stats", None) is None
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight, reset=first)
        if first:
            self._stats = GramStats.from_chunk(X, y, sample_weight)
        else:
            if y.ndim != self._y_ndim or y.reshape(len(y), -1).shape[1] != self._stats.Sxy.shape[1]:
                raise ValueError("y must have the same number of targets in every partial_fit call.")
            shift = (self._stats.x_shift, self._stats.y_shift)
            self._stats = self._stats.merge(GramStats.from_chunk(X, y, sample_weight, shift))
        previous = None if first else np.asarray(self.coef_, dtype=np.float64)
        return self._fit_problem(*self._problem_from_stats(self._stats), X.dtype, y.ndim,
                                 coef_init=previous)

    def _problem_from_stats(self, stats):
        """(_Problem, offsets) from GramStats: centred with an intercept, raw without."""
        G, Q = stats.gram(self.fit_intercept)
        x_mean, y_mean = stats.means()
        if self.fit_intercept:
            yy, offsets = stats.Syy, (x_mean, y_mean)
        else:
            yy = stats.Syy + stats.weight_sum * y_mean**2
            offsets = (np.zeros_like(x_mean), np.zeros_like(y_mean))
        return _Problem.from_gram(G, Q, yy), offsets

    def _fit_problem(self, problem, offsets, dtype, y_ndim, coef_init=None):
        """Solve every target of ``problem`` at ``alpha`` and set the fitted attributes."""
        n_targets, n_features = problem.Q.shape[1], problem.n_features
        if coef_init is None and self.warm_start and hasattr(self, "coef_"):
            coef_init = np.asarray(self.coef_, dtype=np.float64)
        if coef_init is not None and coef_init.size == n_targets * n_features:
            coef_init = coef_init.reshape(n_targets, n_features)
        else:  # no previous solution, or one for other data shapes: start from zero
            coef_init = None
        self._problem = problem
        self._offsets = offsets
        self._y_ndim = y_ndim
        self.alpha_max_ = self._alpha_max(problem)

        alpha = float(self.alpha)
        coef = np.zeros((n_targets, n_features))
        n_iter = np.zeros(n_targets, dtype=int)
        gaps = np.zeros(n_targets)
        failed = []
        with _blas_threads(1):
            for k in range(n_targets):
                w0 = np.zeros(n_features) if coef_init is None else coef_init[k]
                coef[k], gaps[k], n_iter[k], converged = _fit_one(
                    problem, k, alpha, w0, tol=self.tol, max_iter=self.max_iter,
                    positive=self.positive,
                )
                if not converged:
                    failed.append((gaps[k], self.tol * problem.yy[k]))
        if failed:
            _warn_not_converged(failed, self.max_iter)
        self._set_solution(coef, dtype)
        self.n_iter_ = int(n_iter[0]) if y_ndim == 1 else n_iter
        self.dual_gap_ = float(gaps[0]) if y_ndim == 1 else gaps
        return self

    def _alpha_max(self, problem):
        if problem.Q.size == 0:
            return 0.0
        if self.positive:
            return max(float(problem.Q.max()), 0.0)
        return float(np.abs(problem.Q).max())

    def _intercept(self, coef):
        """b = ȳ − x̄ᵀw for coef of shape (..., n_targets, n_features)."""
        X_offset, y_offset = self._offsets
        return y_offset - coef @ X_offset

    def _set_solution(self, coef, dtype):
        intercept = self._intercept(coef)
        if self._y_ndim == 1:
            coef, intercept = coef[0], intercept[0]
        self.coef_ = coef.astype(dtype, copy=False)
        if self.fit_intercept:
            self.intercept_ = np.asarray(intercept).astype(dtype)[()]
        else:
            self.intercept_ = 0.0

    def path(self, alphas=None):
        """LASSO coefficients along many α, warm-started from the largest α down.

        Every α is solved to the same duality-gap tolerance as :meth:`fit` (the gap is
        checked at each α before moving on, so no α inherits a stale solution).

        Parameters
        ----------
        alphas : array-like of shape (n_alphas,), default=None
            Strengths α ≥ 0 in any order (solved in decreasing order, returned in the
            given order).  None means ``np.geomspace(alpha_max_, 1e-3 * alpha_max_,
            100)`` (``alpha_max_`` replaced by 1 when it is 0, where every α gives 0).

        Returns
        -------
        coefs : ndarray of shape (n_alphas, n_features) or (n_alphas, n_targets, n_features)
        intercepts : ndarray of shape (n_alphas,) or (n_alphas, n_targets)
        """
        check_is_fitted(self)
        if alphas is None:
            top = self.alpha_max_ if self.alpha_max_ > 0 else 1.0
            alphas = np.geomspace(top, 1e-3 * top, 100)
        alphas = check_alphas(alphas)
        problem = self._problem
        n_targets, n_features = problem.Q.shape[1], problem.n_features
        order = np.argsort(-alphas, kind="stable")
        coefs = np.zeros((alphas.size, n_targets, n_features))
        failed = []
        problem.ensure_all()  # a path touches most columns: one (threaded) product
        with _blas_threads(1):
            for k in range(n_targets):
                w = np.zeros(n_features)
                engine = _ActiveSet(problem, self.positive)
                alpha_prev = None
                for i in order:
                    w, gap, _, converged = _solve(
                        problem, k, float(alphas[i]), w, engine, tol=self.tol,
                        max_iter=self.max_iter, positive=self.positive, alpha_prev=alpha_prev,
                    )
                    if not converged:
                        failed.append((gap, self.tol * problem.yy[k]))
                    coefs[i, k] = w
                    alpha_prev = float(alphas[i])
        if failed:
            _warn_not_converged(failed, self.max_iter)
        intercepts = self._intercept(coefs)
        dtype = np.asarray(self.coef_).dtype
        coefs, intercepts = coefs.astype(dtype, copy=False), intercepts.astype(dtype, copy=False)
        if self._y_ndim == 1:
            return coefs[:, 0, :], intercepts[:, 0]
        return coefs, intercepts


def _warn_not_converged(failed, max_iter):
    gap, tol = max(failed, key=lambda pair: pair[0] - pair[1])
    warnings.warn(
        "Objective did not converge. You might want to increase the number of "
        f"iterations (max_iter={max_iter}). Duality gap: {gap:.3e}, tolerance: {tol:.3e}",
        ConvergenceWarning,
        stacklevel=3,
    )
