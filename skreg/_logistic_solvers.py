"""Solvers of the penalized cross-entropy: (prox-)Newton on IRLS statistics, and L-BFGS.

Each takes a :class:`skreg._logistic_core.CrossEntropy` datafit and the penalty
α[ρ Σⱼ fⱼ‖w_{·j}‖₁ + (1 − ρ)/2 Σⱼ fⱼ‖w_{·j}‖²] (intercept never penalized) and knows
nothing else.

(Prox-)Newton (glmnet's quadratic approximation, one class block at a time)
---------------------------------------------------------------------------
At (W, b), class k's part of the cross-entropy is approximated by its second-order
expansion: with the IRLS weights D = S pₖ(1 − pₖ), the intercept profiled out and the
smooth L2 part added exactly, the step solves the weighted least-squares problem

    min_w ½wᵀGw − qᵀw + αρ Σⱼ fⱼ|wⱼ|,
    G = X_cᵀ D X_c + α(1 − ρ) diag(f),    q = X_cᵀ D X_c w_k − (∇_w R − x̄ ∂_b R),

on a working set of features (the support and the strongest violators of the
optimality conditions).  For ρ = 0 it is the Newton system G w = q (Cholesky); with an
L1 part it is a weighted LASSO on Gram statistics, solved by skreg's L1 core
(:func:`skreg._l1.solve_path` on :meth:`skreg._l1._Problem.from_gram`, penalty factors
and unpenalized features included).  The intercept step follows in closed form,
δb = −∂_b R/ΣD − x̄ᵀΔ.  A backtracking (Armijo) line search on the true objective makes
every step a descent step.  For two classes the block is the whole model (a proximal
Newton method); for K ≥ 3 the classes are cycled (glmnet's partial Newton).

The fit stops when the largest violation of the optimality conditions of the true
problem (the subgradient conditions for every coefficient, ∂_b R = 0 for the intercept)
is at most ``tol`` times the sum of the weights: the criterion of scikit-learn's
``LogisticRegression(solver='lbfgs')`` (``gtol`` on the mean loss).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg, optimize
from sklearn.exceptions import ConvergenceWarning

from ._l1 import _Problem, solve_path
from ._logistic_core import penalty_value

__all__ = ["fit_lbfgs", "fit_prox_newton", "kkt_violation", "check_not_separated"]

# a working set adds up to max(this, the support's size) violators at a time
_WS_MIN = 100
_ARMIJO = 1e-4
_MAX_BACKTRACK = 40
_ROUNDING = 1e-13


def kkt_violation(grad_W, grad_b, W, alpha, l1_ratio, factor):
    """The largest violation of the optimality conditions (0 at the solution).

    ``grad_W`` is the gradient of the cross-entropy alone; the smooth L2 part is added
    here.  A nonzero coefficient needs ∂ = −αρfⱼ sign(w); a zero one |∂| ≤ αρfⱼ.
    """
    smooth = grad_W + alpha * (1.0 - l1_ratio) * factor * W
    thr = alpha * l1_ratio * factor
    viol = np.where(
        W != 0, np.abs(smooth + thr * np.sign(W)), np.maximum(np.abs(smooth) - thr, 0.0)
    )
    worst = float(viol.max()) if viol.size else 0.0
    return max(worst, float(np.abs(grad_b).max()) if grad_b.size else 0.0)


def check_not_separated(datafit, eta):
    """Raise when α = 0 and the linear predictor η separates the classes.

    A strictly separating η means the unpenalized cross-entropy has no minimizer: the
    coefficients diverge along it.
    """
    pos = datafit.s > 0
    if datafit.binary:
        margin = (2.0 * datafit.Y[:, 0] - 1.0) * eta[:, 0]
    else:
        true = np.einsum("ij,ij->i", datafit.Y, eta)
        other = np.where(datafit.Y > 0, -np.inf, eta).max(axis=1)
        margin = true - other
    if np.all(margin[pos] > 0):
        raise ValueError(
            "The classes are linearly separable and alpha=0: the unpenalized "
            "cross-entropy has no minimizer (the coefficients diverge). Use alpha > 0."
        )


def _penalized_objective(datafit, eta, W, alpha, l1_ratio, factor):
    return datafit.value(eta) + penalty_value(W, alpha, l1_ratio, factor)


def _working_set(w, g_smooth, alpha, l1_ratio, factor):
    """Support ∪ the strongest violators of |∂ⱼ| ≤ αρfⱼ (all features without L1)."""
    if alpha == 0 or l1_ratio == 0:
        return np.arange(w.size)
    support = np.flatnonzero(w)
    viol = np.where(w != 0, -np.inf, np.abs(g_smooth) - alpha * l1_ratio * factor)
    cand = np.flatnonzero(viol > 0)
    m = max(_WS_MIN, support.size)
    if cand.size > m:
        cand = cand[np.argsort(-viol[cand], kind="stable")[:m]]
    return np.union1d(support, cand)


def _solve_quadratic(G, q, yy, alpha_l1, factor, w0, tol_abs):
    """argmin ½wᵀGw − qᵀw + alpha_l1 Σ fⱼ|wⱼ| (a Newton system when alpha_l1 = 0)."""
    if q.size == 0:
        return q.copy()
    if alpha_l1 == 0:
        try:
            return linalg.cho_solve(linalg.cho_factor(G, check_finite=False), q, check_finite=False)
        except linalg.LinAlgError:  # α = 0 on collinear columns: the minimum-norm step
            return linalg.lstsq(G, q, cond=1e-12, check_finite=False)[0]
    # G is symmetric: its transpose is the Fortran-ordered array from_gram wants (no copy)
    problem = _Problem.from_gram(G.T, q[:, None], np.array([max(yy, 1e-300)]))
    pf = None if np.all(factor == 1) else factor
    tol = min(1e-6, max(tol_abs / max(yy, 1e-300), 1e-13))
    coefs, _, _ = solve_path(
        problem,
        [alpha_l1],
        penalty_factor=pf,
        tol=tol,
        max_iter=1000,
        coef_init=w0[None, :],
        warn=False,
    )
    return coefs[0, 0]


def _class_step(datafit, state, k, g, gb, P, alpha, l1_ratio, factor, tol_abs):
    """One (prox-)Newton step with line search on class k's block; updates ``state``."""
    eta, W, b, obj = state["eta"], state["W"], state["b"], state["obj"]
    w = W[k]
    l2 = alpha * (1.0 - l1_ratio)
    cols = _working_set(w, g + l2 * factor * w, alpha, l1_ratio, factor)
    D = datafit.irls_weights(P, k)
    d_sum = float(D.sum())
    H, xbar = datafit.weighted_gram(D, cols)
    wc = w[cols]
    eta_w = datafit.matvec_cols(cols, wc) if cols.size else np.zeros(datafit.n_samples)
    yy = datafit.working_response_sq(eta_w + b[k], datafit.residual(P)[:, k], D)
    fc = factor[cols]
    q = H @ wc - (g[cols] - xbar * gb)
    G = H  # H is a new array: the L2 part goes on its diagonal in place
    if l2 > 0:
        G[np.diag_indices_from(G)] += l2 * fc
    w_new = _solve_quadratic(
        G,
        q,
        yy,
        alpha * l1_ratio,
        fc,
        wc,
        0.01 * tol_abs**2 / max(np.max(np.diag(G), initial=1.0), 1e-300),
    )
    delta = w_new - wc
    db = (-gb / d_sum - float(xbar @ delta)) if datafit.fit_intercept and d_sum > 0 else 0.0
    decrease = float(g[cols] @ delta) + gb * db
    decrease += penalty_value(w_new[None, :], alpha, l1_ratio, fc) - penalty_value(
        wc[None, :], alpha, l1_ratio, fc
    )
    if not decrease < 0:
        return False
    d_eta = (datafit.matvec_cols(cols, delta) if cols.size else 0.0) + db
    t = 1.0
    for _ in range(_MAX_BACKTRACK):
        W_try = W.copy()
        W_try[k, cols] = wc + t * delta
        eta_try = eta.copy()
        eta_try[:, k] += t * d_eta
        obj_try = _penalized_objective(datafit, eta_try, W_try, alpha, l1_ratio, factor)
        # at t = 1 an increase within rounding of the objective is accepted: near the
        # solution the decrease of a full (prox-)Newton step is below its resolution
        slack = _ROUNDING * abs(obj) if t == 1.0 else 0.0
        if obj_try <= obj + _ARMIJO * t * decrease + slack:
            b_try = b.copy()
            b_try[k] += t * db
            state.update(eta=eta_try, W=W_try, b=b_try, obj=obj_try)
            return True
        t *= 0.5
    return False


def _best_shift(W, l1_ratio):
    """Per column j, the c minimizing Σₖ ρ|w_kj − c| + (1 − ρ)/2 (w_kj − c)² (ρ < 1).

    Candidates: the kinks w_kj and, between consecutive sorted values s_(m) and
    s_(m+1), the stationary point mean + ρ(K − 2m)/((1 − ρ)K), clipped to the interval.
    """
    K = W.shape[0]
    s = np.sort(W, axis=0)
    mean = W.mean(axis=0)
    m = np.arange(K + 1)[:, None]
    lo = np.vstack([np.full((1, W.shape[1]), -np.inf), s])
    hi = np.vstack([s, np.full((1, W.shape[1]), np.inf)])
    stat = np.clip(mean + l1_ratio * (K - 2 * m) / ((1.0 - l1_ratio) * K), lo, hi)
    cand = np.vstack([s, stat])  # (2K + 1, d)
    dev = W[None, :, :] - cand[:, None, :]
    value = l1_ratio * np.abs(dev).sum(axis=1) + 0.5 * (1.0 - l1_ratio) * (dev * dev).sum(axis=1)
    return cand[np.argmin(value, axis=0), np.arange(W.shape[1])]


def _shift_step(datafit, state, alpha, l1_ratio, factor):
    """Shift each feature's class coefficients by the constant minimizing the penalty.

    The softmax is invariant to the shift, so the cross-entropy is unchanged and the
    objective decreases; cycling over the classes alone barely moves along this
    direction (its curvature is only the penalty's).
    """
    cols = np.flatnonzero(factor > 0)
    if alpha == 0 or l1_ratio == 1 or cols.size == 0:
        return False
    W = state["W"]
    c = _best_shift(W[:, cols], l1_ratio)
    if not np.any(np.abs(c) > 1e-15 * (1.0 + np.abs(W[:, cols]).max())):
        return False
    W_new = W.copy()
    W_new[:, cols] -= c
    obj = datafit.value(state["eta"]) + penalty_value(W_new, alpha, l1_ratio, factor)
    if not obj < state["obj"]:
        return False
    shift = datafit.matvec_cols(cols, c)
    state.update(W=W_new, eta=state["eta"] - shift[:, None], obj=obj)
    return True


def fit_prox_newton(datafit, alpha, l1_ratio, factor, W, b, *, tol, max_iter):
    """(Prox-)Newton on the penalized cross-entropy (see the module docstring).

    Parameters
    ----------
    datafit : CrossEntropy
    alpha, l1_ratio : float
    factor : ndarray of shape (n_features,)
    W : ndarray of shape (n_outputs, n_features), b : ndarray of shape (n_outputs,)
        The start (warm start or zeros).
    tol : float
        On the largest optimality violation divided by the sum of the weights.
    max_iter : int
        Newton steps (for K ≥ 3: cycles over the classes).

    Returns
    -------
    W, b, n_iter, converged
    """
    W, b = np.array(W, dtype=np.float64), np.array(b, dtype=np.float64)
    eta = datafit.linear(W, b)
    state = {
        "eta": eta,
        "W": W,
        "b": b,
        "obj": _penalized_objective(datafit, eta, W, alpha, l1_ratio, factor),
    }
    tol_abs = tol * datafit.weight_sum
    n_iter, converged = 0, False
    while True:
        if alpha == 0 and n_iter:
            check_not_separated(datafit, state["eta"])
        P = datafit.proba(state["eta"])
        grad_W, grad_b = datafit.gradient(P)
        if kkt_violation(grad_W, grad_b, state["W"], alpha, l1_ratio, factor) <= tol_abs:
            converged = True
            break
        if n_iter >= max_iter:
            break
        n_iter += 1
        moved = False
        for k in range(datafit.n_outputs):
            if k:
                P = datafit.proba(state["eta"])
                r = datafit.residual(P)[:, k]
                g = datafit.rmat(r[:, None])[:, 0]
                gb = float(r.sum()) if datafit.fit_intercept else 0.0
            else:
                g, gb = grad_W[0], float(grad_b[0])
            moved |= _class_step(datafit, state, k, g, gb, P, alpha, l1_ratio, factor, tol_abs)
        if not datafit.binary:
            moved |= _shift_step(datafit, state, alpha, l1_ratio, factor)
        if not moved:  # no descent left at machine precision: optimal to rounding
            converged = True
            break
    return state["W"], state["b"], n_iter, converged


def fit_lbfgs(datafit, alpha, factor, W, b, *, tol, max_iter):
    """L-BFGS on the L2-penalized cross-entropy divided by Σsᵢ (scikit-learn's options).

    Returns
    -------
    W, b, n_iter, converged
    """
    K, d = W.shape
    scale = 1.0 / datafit.weight_sum
    fit_b = datafit.fit_intercept

    def fun(x):
        Wx = x[: K * d].reshape(K, d)
        bx = x[K * d :] if fit_b else np.zeros(K)
        eta = datafit.linear(Wx, bx)
        fw = factor * Wx
        val, P = datafit.value_and_proba(eta)
        val += 0.5 * alpha * float(np.sum(fw * Wx))
        gW, gb = datafit.gradient(P)
        grad = np.concatenate([(gW + alpha * fw).ravel(), gb if fit_b else []])
        return val * scale, grad * scale

    x0 = np.concatenate([np.ravel(W), b if fit_b else []]).astype(np.float64)
    res = optimize.minimize(
        fun,
        x0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter, "maxls": 50, "gtol": tol, "ftol": 64 * np.finfo(float).eps},
    )
    W_out = res.x[: K * d].reshape(K, d).copy()
    b_out = res.x[K * d :].copy() if fit_b else np.zeros(K)
    if alpha == 0:
        check_not_separated(datafit, datafit.linear(W_out, b_out))
    return W_out, b_out, int(res.nit), bool(res.status == 0)


def warn_not_converged(solver, max_iter):
    """The ConvergenceWarning every solver of this module emits."""
    warnings.warn(
        f"PenalizedLogisticRegression (solver={solver!r}) did not converge within "
        f"max_iter={max_iter} iterations; increase max_iter or tol.",
        ConvergenceWarning,
        stacklevel=3,
    )
