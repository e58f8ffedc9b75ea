"""L1 solvers: exact active-set solves, the FISTA fallback and working sets.

See :mod:`skreg._l1` for the algorithms.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ..penalties import L1Penalty
from ._problem import (
    _dual_norm,
    _duality_gap,
    _full_gap,
    _objective,
    _primal,
    _Problem,
    tolerance,
)

_potrf, _potrs, _trtrs = linalg.get_lapack_funcs(("potrf", "potrs", "trtrs"), (np.empty(1),))

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
    """Solve one LASSO problem (one target, one α) to a duality gap ≤ tol·min(‖y_w‖², 2F).

    ``engine`` is the :class:`_ActiveSet` matching the support of the start ``w``; it is
    updated in place (and rebuilt after a FISTA fallback) so that a path reuses it.
    The threshold (:func:`~skreg._l1._problem.tolerance`) is set from the objective at
    the start and checked again at the end: if the objective dropped enough to tighten
    it, the solve continues (warm) to the tighter threshold.

    Returns (w, gap, n_iter, converged).
    """
    if not problem.full:  # X at hand, no Gram matrix: working sets on Gram blocks
        return _ws_solve(problem, target, alpha, w, tol=tol, max_iter=max_iter,
                         positive=positive)[:4]
    q = problem.Q[:, target]
    yy = float(problem.yy[target])
    w = np.array(w, dtype=np.float64)
    gap, c, _ = _full_gap(problem, q, yy, alpha, w, positive)
    tol_abs = tolerance(problem, target, tol, _primal(alpha, w, c, q, yy))
    if max_iter <= 0:
        return w, gap, 0, gap <= tol_abs
    n_iter = 0
    for _ in range(4):  # the threshold tightens as F decreases: a few rounds at most
        w, gap, used, converged = _solve_once(
            problem, q, yy, alpha, w, engine, tol_abs=tol_abs, max_iter=max_iter - n_iter,
            positive=positive, alpha_prev=alpha_prev,
        )
        n_iter += used
        if not converged or n_iter >= max_iter:
            break
        c = q - problem.gram_times(w)
        tighter = tolerance(problem, target, tol, _primal(alpha, w, c, q, yy))
        if gap <= tighter:
            break
        tol_abs = tighter
    return w, gap, n_iter, bool(converged)


def _solve_once(problem, q, yy, alpha, w, engine, *, tol_abs, max_iter, positive, alpha_prev):
    """Active-set solve to ``tol_abs``, FISTA when it stalls: (w, gap, n_iter, converged)."""
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
    gap, c, _ = _full_gap(problem, q, yy, alpha, w_closed, positive)
    if gap <= tolerance(problem, target, tol, _primal(alpha, w_closed, c, q, yy)):
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
    3. stop when the duality gap over *all* features is ≤ tol·min(‖y_w‖², 2F(w))
       (:func:`~skreg._l1._problem.tolerance`, re-evaluated at every outer iteration);
       if no feature outside W violates |cⱼ| ≤ α, the sub-problem tolerance is
       tightened instead.

    Every call solves at least one sub-problem at this α before it may stop (unless
    w = 0 and no feature violates |cⱼ| ≤ α: then 0 is the solution): the warm start
    of a path is the previous α's solution, which the gap test alone could accept.
    For a :class:`~skreg._l1._problem._Ridged` problem (elastic net) the working set
    keeps the blocks of the problem without the ridge, which is added to each
    sub-problem's diagonal (it changes with α along a path).

    Returns (w, gap, n_iter, converged, ws), ``ws`` the :class:`_WorkingSet` to pass
    to the next α of a path.  n_iter counts the sub-problem iterations (at least one
    per outer iteration).
    """
    q = problem.Q[:, target]
    yy = float(problem.yy[target])
    w = np.array(w, dtype=np.float64)
    d = problem.n_features
    ridge = getattr(problem, "ridge", None)
    if ws is None:
        ws = _WorkingSet(getattr(problem, "inner", problem))
    tighten = 1.0
    n_iter = 0
    while True:
        gap, c, score = _full_gap(problem, q, yy, alpha, w, positive)
        tol_abs = tolerance(problem, target, tol, _primal(alpha, w, c, q, yy))
        # one sub-problem solve at this α before the gap may stop: the start (w = 0, or
        # the previous α's solution) can be within tol of the optimum yet not solve it
        first = n_iter == 0 and (bool(np.any(w)) or bool(np.any(score > alpha)))
        if gap <= tol_abs and not first:
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
        elif not first:  # W holds every violator: its sub-problem was not solved tightly enough
            tighten *= 0.1
        G_sub = ws.G if ridge is None else ws.G + np.diag(ridge[ws.idx])
        sub = _Problem.from_gram(G_sub, q[ws.idx, None], np.array([yy]))
        sub.tol_yy = np.array([1.0])  # tolerances below are absolute
        sub.absolute_tol = True
        w_sub, _, used, _, _ = _fit_one_engine(
            sub, 0, alpha, w[ws.idx], tol=_INNER_FRACTION * tighten * tol_abs,
            max_iter=max(max_iter - n_iter, 1),
            positive=positive,
        )
        n_iter += max(used, 1)
        w = np.zeros(d)
        w[ws.idx] = w_sub
