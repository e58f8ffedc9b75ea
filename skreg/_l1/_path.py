"""The L1 path: every α (and target) of one problem, warm-started, and α = 0.

See :mod:`skreg._l1`.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg
from sklearn.exceptions import ConvergenceWarning

from .._config import fits_budget
from .._threads import _blas_threads
from ._problem import _PINV_RTOL, _FactorProblem, reduce_problem
from ._solvers import _fit_one_engine, _solve, _ws_solve


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
