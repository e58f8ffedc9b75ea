"""The L1 path: every α (and target) of one problem, warm-started, and α = 0.

See :mod:`skreg._l1`.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg
from sklearn.exceptions import ConvergenceWarning

from .._config import fits_budget
from .._utils._threads import blas_threads
from ._problem import (
    _PINV_RTOL,
    _FactorProblem,
    _Problem,
    l2_weights,
    reduce_problem,
    with_ridge,
)
from ._solvers import _ActiveSet, _fit_one_engine, _orthant_solve, _solve, _ws_solve


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


def _ridge_solve(reduced, target, ridge):
    """The l1_ratio = 0 (pure ridge) solution: (G̃ + diag(r)) w = q̃ in reduced coordinates.

    Zero penalty factors are already projected out (Frisch–Waugh holds for any penalty
    on the other features), so G̃ + diag(r) is positive definite.  Solved from the Gram
    matrix when it is (or may be) complete; else, without factors (r = α·1), through
    the n×n kernel: w = X_wᵀ(K + αI)⁻¹K⁺X_w q (the part of y_w outside the range of X_w
    does not enter q); otherwise by conjugate gradients on products with G̃.
    """
    q = reduced.Q[:, target]
    if reduced.cached:
        reduced.ensure_all()
        everything = np.arange(reduced.n_features)
        A = reduced.block(everything, everything)
        A[everything, everything] += ridge
        return linalg.solve(A, q, assume_a="pos", check_finite=False)
    if isinstance(reduced, _Problem) and np.ptp(ridge) == 0:
        n_samples = (reduced.design if reduced.design is not None else reduced.Xw).shape[0]
        if fits_budget(n_samples, n_samples):
            if reduced.design is not None:
                K, Xq = reduced.design.kernel(), reduced.design.matmat(q[:, None])[:, 0]
            else:
                K, Xq = reduced.Xw @ reduced.Xw.T, reduced.Xw @ q
            lam, U = linalg.eigh(K)
            keep = lam > _PINV_RTOL * max(float(lam.max()), 0.0)
            U, lam = U[:, keep], lam[keep]
            z = U @ ((U.T @ Xq) / (lam * (lam + float(ridge[0]))))
            return reduced._rmat(z[:, None])[:, 0]
    from scipy.sparse.linalg import LinearOperator, cg

    d = reduced.n_features
    op = LinearOperator(
        (d, d),
        matvec=lambda v: reduced.gram_times(np.ravel(v)) + ridge * np.ravel(v),
        dtype=np.float64,
    )
    return cg(op, q, rtol=1e-12, atol=0.0, maxiter=10 * d)[0]


def support_least_squares(problem, coefs):
    """Unpenalized least squares restricted to the support of each coefficient vector.

    The relaxed LASSO's refit ŵ_LS(S_α): for every α (and target) of ``coefs``, solve
    G_SS w_S = q_S on S = {j : ŵⱼ ≠ 0} of the original (centred, weighted) problem —
    the intercept is recovered from the means as for any fit.  Consecutive α with the
    same support share one solve; a singular G_SS gives the minimum-norm solution.

    Parameters
    ----------
    problem : _Problem or _FactorProblem (its base is used) or _Ridged
    coefs : ndarray of shape (n_alphas, n_targets, n_features)
        Original coordinates, as :func:`solve_path` returns them.

    Returns
    -------
    ndarray of the shape of ``coefs``
    """
    base = problem
    while not isinstance(base, _Problem):
        base = base.inner if hasattr(base, "inner") else base.base
    out = np.zeros_like(coefs)
    for k in range(coefs.shape[1]):
        last, w_last = None, None
        for i in range(coefs.shape[0]):
            S = np.flatnonzero(coefs[i, k])
            if last is None or not np.array_equal(S, last):
                w_last = _orthant_solve(base.block(S, S), base.Q[S, k]) if S.size else np.zeros(0)
                last = S
            out[i, k, S] = w_last
    return out


def relax(coefs, refit, gamma):
    """The relaxed fit γ·ŵ + (1 − γ)·ŵ_LS(S) (glmnet's ``relax=TRUE``)."""
    return coefs if gamma == 1.0 else gamma * coefs + (1.0 - gamma) * refit


def check_positive_factors(positive, factor):
    """The one error for ``positive=True`` with zero penalty factors (unpenalized features
    are fitted by unconstrained least squares, which a sign constraint cannot follow).

    Parameters
    ----------
    positive : bool
    factor : ndarray of shape (n_features,) or None
    """
    if positive and factor is not None and np.any(np.asarray(factor) == 0):
        raise ValueError(
            "positive=True cannot be combined with zero penalty factors (unpenalized "
            "features are fitted by unconstrained least squares); use small positive "
            "factors instead."
        )


def solve_path(
    problem,
    alphas,
    *,
    l1_ratio=1.0,
    gamma=1.0,
    penalty_factor=None,
    tol=1e-4,
    max_iter=1000,
    positive=False,
    coef_init=None,
    warn=True,
):
    """Solve min ½‖X_w w − y_w‖² + α Σⱼ pⱼ(ρ|wⱼ| + (1 − ρ)/2 wⱼ²) for every α and target.

    The strengths are solved in decreasing order, each warm-started from the previous
    one (the first from ``coef_init``, or cold: the lecture's closed form, then
    continuation from α_max); each to a duality gap ≤ ``tol·min(‖y_w‖², 2F(w))``
    (:func:`~skreg._l1._problem.tolerance`), after at least one solve at that α.  The
    elastic net's L2 part is a ridge on the diagonal of the quadratic
    (:class:`~skreg._l1._problem._Ridged`); ρ = 0 is ridge regression, solved directly.

    Parameters
    ----------
    problem : _Problem or _FactorProblem
        From :func:`make_problem`, :meth:`_Problem.from_gram`, or already reduced by
        :func:`reduce_problem` (then ``penalty_factor`` must be None).
    alphas : array-like of shape (n_alphas,)
        Strengths α ≥ 0 (sum convention), any order; results in the given order.
    l1_ratio : float in [0, 1], default=1.0
        ρ: the L1 share of the penalty (1: LASSO, 0: ridge).
    gamma : float in [0, 1], default=1.0
        Relaxation: the returned coefficients are γ·ŵ + (1 − γ)·ŵ_LS(S)
        (:func:`support_least_squares`); gaps are those of ŵ.
    penalty_factor : ndarray of shape (n_features,) or None
        Validated factors pⱼ ≥ 0 (:func:`nontrivial_penalty_factor`), scaling both parts of
        the penalty (glmnet); None means all ones.  Zero factors (unpenalized features)
        cannot be combined with ``positive``.
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
    >>> coefs, gaps, n_iters = solve_path(
    ...     problem, [200.0, 20.0], penalty_factor=np.array([0, 1, 1, 1, 1.0])
    ... )
    >>> coefs.shape, bool(coefs[0, 0, 0] != 0), int(np.count_nonzero(coefs[0, 0, 1:]))
    ((2, 1, 5), True, 0)
    """
    coefs, gaps, n_iters, failed = _solve_path(
        problem,
        alphas,
        l1_ratio=l1_ratio,
        penalty_factor=penalty_factor,
        tol=tol,
        max_iter=max_iter,
        positive=positive,
        coef_init=coef_init,
    )
    if failed and warn:
        _warn_not_converged(failed, max_iter)
    if gamma != 1.0:
        coefs = relax(
            coefs, support_least_squares(reduce_problem(problem, penalty_factor), coefs), gamma
        )
    return coefs, gaps, n_iters


def _solve_path(
    problem,
    alphas,
    *,
    l1_ratio=1.0,
    penalty_factor=None,
    tol=1e-4,
    max_iter=1000,
    positive=False,
    coef_init=None,
):
    """:func:`solve_path` without warning or relaxation: (coefs, gaps, n_iters, failed),
    ``failed`` the (gap, tolerance) pairs of the α and targets that did not converge."""
    alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
    reduced = reduce_problem(problem, penalty_factor)
    if isinstance(reduced, _FactorProblem):
        check_positive_factors(positive, reduced.factor)
    if positive and l1_ratio == 0:
        raise ValueError(
            "positive=True needs l1_ratio > 0 (the sign constraint is enforced through the "
            "L1 part's active set); use a small positive l1_ratio."
        )
    base = reduced.base if isinstance(reduced, _FactorProblem) else reduced
    n_targets, n_all = base.Q.shape[1], base.n_features
    coefs = np.zeros((alphas.size, n_targets, n_all))
    gaps = np.zeros((alphas.size, n_targets))
    n_iters = np.zeros((alphas.size, n_targets), dtype=int)
    failed = []
    if alphas.size > 1:
        reduced.ensure_all()  # a path touches most columns: one (threaded) product
    with blas_threads(1):
        for k in range(n_targets):
            if reduced.n_features == 0:  # every feature unpenalized: least squares
                coefs[:, k] = reduced.expand(np.zeros(0), k)
                continue
            w = np.zeros(reduced.n_features)
            if coef_init is not None:
                w0 = np.asarray(coef_init, dtype=np.float64).reshape(n_targets, n_all)[k]
                w = reduced.reduce(w0) if isinstance(reduced, _FactorProblem) else w0.copy()
            _path_one_target(
                reduced,
                k,
                alphas,
                w,
                l1_ratio,
                coefs,
                gaps,
                n_iters,
                failed,
                tol=tol,
                max_iter=max_iter,
                positive=positive,
            )
    return coefs, gaps, n_iters, failed


def _path_one_target(
    reduced, k, alphas, w, l1_ratio, coefs, gaps, n_iters, failed, *, tol, max_iter, positive
):
    """One target's warm-started path (decreasing α), written into the output arrays."""
    engine, alpha_prev, ws = None, None, None
    for i in np.argsort(-alphas, kind="stable"):
        a = float(alphas[i])
        w_direct = None
        if a == 0 and not positive:  # least squares (the gap cannot certify α = 0)
            w_direct = _least_squares(reduced, k)
        elif l1_ratio == 0:  # ridge: a linear system
            w_direct = _ridge_solve(reduced, k, a * l2_weights(reduced))
        l1 = a * l1_ratio
        problem = with_ridge(reduced, a, l1_ratio)
        if w_direct is not None:
            w, gap, used, converged = w_direct, 0.0, 1, True
            engine = None
        elif not reduced.full:  # working sets, carried from one α to the next
            w, gap, used, converged, ws = _ws_solve(
                problem,
                k,
                l1,
                w,
                tol=tol,
                max_iter=max_iter,
                positive=positive,
                ws=ws,
                alpha_prev=alpha_prev,
            )
        elif engine is None or problem is not reduced:  # a new factor for a new ridge
            if engine is None and not np.any(w):
                w, gap, used, converged, engine = _fit_one_engine(
                    problem, k, l1, w, tol=tol, max_iter=max_iter, positive=positive
                )
            else:
                engine = _ActiveSet(problem, positive)
                engine.reset(w)
                w, gap, used, converged = _solve(
                    problem,
                    k,
                    l1,
                    w,
                    engine,
                    tol=tol,
                    max_iter=max_iter,
                    positive=positive,
                    alpha_prev=alpha_prev,
                )
        else:
            w, gap, used, converged = _solve(
                problem,
                k,
                l1,
                w,
                engine,
                tol=tol,
                max_iter=max_iter,
                positive=positive,
                alpha_prev=alpha_prev,
            )
        if not converged:
            failed.append((gap, tol * float(reduced.tol_yy[k])))
        coefs[i, k] = reduced.expand(w, k)
        gaps[i, k], n_iters[i, k] = gap, used
        alpha_prev = l1


def solve_quadratic(
    S,
    s,
    alpha,
    *,
    yy=None,
    l1_ratio=1.0,
    penalty_factor=None,
    coef_init=None,
    tol=1e-4,
    max_iter=1000,
    positive=False,
):
    """Minimize ½wᵀSw − sᵀw + α Σⱼ fⱼ(ρ|wⱼ| + (1 − ρ)/2 wⱼ²) given Gram statistics.

    The entry point of the L1 core for a quadratic given by its statistics alone (for
    example the weighted least-squares sub-problem of an IRLS/Newton step of a GLM:
    S = XᵀWX, s = XᵀWz, ‖z‖²_W for centred X, z): the same solver, penalty factors
    and stopping rule as every L1 fit of skreg.

    Parameters
    ----------
    S : ndarray of shape (n_features, n_features)
        Symmetric positive semi-definite.
    s : ndarray of shape (n_features,)
    alpha : float
        Strength α ≥ 0 (sum convention).
    yy : float, default=None
        The constant ‖z‖² of the least-squares problem (½‖z − Xw‖² = ½wᵀSw − sᵀw +
        ½‖z‖²): the duality gap is scaled by it.  None: sᵀS⁺s (the part of ‖z‖² in the
        range of X; one least-squares solve).
    l1_ratio : float in [0, 1], default=1.0
    penalty_factor : ndarray of shape (n_features,), default=None
    coef_init : ndarray of shape (n_features,), default=None
        Warm start (e.g. the previous Newton step's solution).
    tol, max_iter, positive :
        As in :func:`solve_path`.

    Returns
    -------
    w : ndarray of shape (n_features,)
    gap : float
        Duality gap of the objective (plus ½‖z‖²).
    n_iter : int

    Examples
    --------
    >>> import numpy as np
    >>> from skreg._l1 import solve_quadratic
    >>> w, gap, n_iter = solve_quadratic(np.diag([4.0, 1.0]), np.array([8.0, 0.5]), 2.0)
    >>> w  # the soft-threshold S(sⱼ, α)/Sⱼⱼ of a diagonal quadratic
    array([1.5, 0. ])
    """
    S = np.asarray(S, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64).reshape(-1)
    if yy is None:
        yy = float(s @ linalg.lstsq(S, s, check_finite=False)[0])
    problem = _Problem.from_gram(np.array(S, order="F"), s[:, None], np.array([float(yy)]))
    coefs, gaps, n_iters, failed = _solve_path(
        problem,
        [float(alpha)],
        l1_ratio=l1_ratio,
        penalty_factor=penalty_factor,
        tol=tol,
        max_iter=max_iter,
        positive=positive,
        coef_init=coef_init,
    )
    if failed:
        _warn_not_converged(failed, max_iter)
    return coefs[0, 0], float(gaps[0, 0]), int(n_iters[0, 0])


def _warn_not_converged(failed, max_iter):
    gap, tol = max(failed, key=lambda pair: pair[0] - pair[1])
    warnings.warn(
        "Objective did not converge. You might want to increase the number of "
        f"iterations (max_iter={max_iter}). Duality gap: {gap:.3e}, tolerance: {tol:.3e}",
        ConvergenceWarning,
        stacklevel=3,
    )
