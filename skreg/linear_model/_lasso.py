"""L1 regularization: SoftThresholdQuadratic, a LASSO estimator over the L1 core.

The numerical work (problems from dense, sparse or Gram data, penalty factors, the
exact active-set solver with its FISTA fallback, the duality gap) lives in
:mod:`skreg._l1`, the one home of the solver API; this module validates, wires and
stores.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .._data._dask import is_dask_collection
from .._data._gram import GramStats
from .._data._sparse import dense_result, is_sparse
from .._l1 import (
    _FactorProblem,
    _Problem,
    alpha_max,
    make_problem,
    nontrivial_penalty_factor,
    reduce_problem,
    solve_path,
)
from .._utils._atomic import atomic_fit
from ._base import (
    LinearRegressorMixin,
    check_alphas,
    validate_dask_fit_data,
    validate_fit_data,
)
from ._scaling import check_chunk_scale, data_scales, fit_if_extreme

__all__ = ["SoftThresholdQuadratic"]

# fitted attributes in data units: (power of s_x, power of s_y), see skreg.linear_model._scaling
_SCALED_ATTRIBUTES = {
    "coef_": (-1, 1),
    "intercept_": (0, 1),
    "alpha_max_": (1, 1),
    "dual_gap_": (0, 2),
}


def check_l1_ratio_scale(estimator, X, y, ratios):
    """ValueError for the elastic net (some ρ < 1) on data beyond 1e±100.

    The rescaled fit of :func:`~skreg.linear_model._scaling.fit_if_extreme` maps one
    strength by s_x·s_y: right for the L1 part, not for the L2 part (s_x²), so ρ < 1
    is refused there rather than solved in a wrong space.
    """
    if min(ratios) < 1 and data_scales(X, y) != (1.0, 1.0):
        raise ValueError(
            f"{type(estimator).__name__} with l1_ratio < 1 needs X and y of magnitudes "
            "within 1e+-100 (the elastic net's two parts rescale differently); divide X "
            "and y by constants first."
        )


class SoftThresholdQuadratic(LinearRegressorMixin, BaseEstimator):
    """LASSO and elastic net: least squares with an L1 (+ L2) penalty, exact soft-thresholds.

    Minimizes the lecture's regularized least squares

        R̃(w) = ½‖Xw − y‖² + α·[ρ Σⱼ pⱼ|wⱼ| + (1 − ρ)/2 Σⱼ pⱼwⱼ²]
        (rows weighted by ``sample_weight``)

    with an unpenalized intercept, ρ = ``l1_ratio`` and penalty factors pⱼ (all 1 by
    default) scaling both parts, as glmnet.  Its solution equals
    ``sklearn.linear_model.ElasticNet(alpha=alpha / n_samples, l1_ratio=l1_ratio)``
    (``Lasso(alpha=alpha / n_samples)`` for ρ = 1); with ``sample_weight``,
    ``alpha / sample_weight.sum()`` fitted with the same weights (scikit-learn rescales
    the weights to sum to n_samples, which turns its ``1/(2n)`` data term into
    ``1/(2Σw)``).  ρ = 0 is ridge regression, ``RidgeEigen(alpha=alpha)``.  With
    ``gamma`` < 1 the fit is the relaxed LASSO (glmnet's ``relax=TRUE``).

    Parameters
    ----------
    alpha : float, default=1.0
        Strength α ≥ 0 in the sum convention above.  α ≥ ``alpha_max_`` gives all
        penalized coefficients exactly 0.
    l1_ratio : float in [0, 1], default=1.0
        ρ, the L1 share of the penalty: 1 is the LASSO, 0 ridge regression (solved
        directly), in between the elastic net (scikit-learn's ``l1_ratio``, glmnet's
        ``alpha``).  ``positive=True`` needs ρ > 0.
    gamma : float in [0, 1], default=1.0
        Relaxation γ: the coefficients are γ·ŵ_α + (1 − γ)·ŵ_LS(S_α), ŵ_LS(S_α) the
        unpenalized least-squares fit (with intercept and sample weights) on the support
        S_α of the penalized solution ŵ_α; 1 is the plain fit, 0 least squares on the
        selected features.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept by weighted centring of X and y (implicit for
        sparse X: X is never densified).
    max_iter : int, default=1000
        Maximum number of iterations per target (and per α in :meth:`path`).  One
        iteration is one exact solve on the active set (with its optimality check) or
        one proximal-gradient (FISTA) step, each costing at most about one product with
        the Gram matrix; the continuation steps of a cold fit share the budget.
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol · min(‖y_c‖², 2F(w))`` (y centred and
        weighted, F the objective): scikit-learn's ``Lasso`` rule ``tol · ‖y_c‖²`` where
        F ≈ ½‖y_c‖² (large α), relative to the objective where F ≪ ‖y_c‖² (small α,
        wide data), so the relative excess of F stays about ≤ 2·tol at every α.  In
        :meth:`path` every α is solved at least once before this test.
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.
    positive : bool, default=False
        Constrain the coefficients to be ≥ 0 (not combinable with zero penalty factors).
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature factors pⱼ ≥ 0 of the penalty α Σⱼ pⱼ|wⱼ|; None means all ones.
        pⱼ = 0 leaves feature j unpenalized (fitted by least squares together with the
        intercept).  Used as given, where glmnet first rescales ``penalty.factor`` to
        sum to n_features: ``glmnet(x, y, lambda=λ, penalty.factor=p)`` is
        ``SoftThresholdQuadratic(alpha=λ·n_samples, penalty_factor=p * len(p) / p.sum())``
        (equivalently ``alpha=λ·n_samples / p.mean()`` with ``penalty_factor=p``).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The coefficients (exact zeros outside the support; relaxed when γ < 1).  As scikit-learn's
        ``Lasso``, a 2-D y with one column gives shape (n_features,).
    intercept_ : float or ndarray of shape (n_targets,)
        b = ȳ − x̄ᵀŵ (weighted means); 0.0 when ``fit_intercept=False``; shape (1,)
        for a 2-D y with one column (as ``Lasso``).
    n_iter_ : int or ndarray of shape (n_targets,)
        Iterations used.
    dual_gap_ : float or ndarray of shape (n_targets,)
        Final duality gap of R̃ at the penalized solution ŵ_α (sum convention:
        scikit-learn's ``Lasso.dual_gap_`` is this divided by n_samples).
    alpha_max_ : float
        The smallest α giving all-zero penalized coefficients:
        max over penalized j of |X_jᵀr₀|/pⱼ (and targets), r₀ the centred, weighted
        residual of y on the unpenalized features (y_c itself without them);
        max(X_jᵀr₀/pⱼ) clipped at 0 when ``positive``; divided by ρ for the elastic
        net (as ``enet_path``'s grid), ``inf`` for ρ = 0.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    sklearn.linear_model.Lasso : the same model with ``alpha / n_samples``, solved by
        coordinate descent.
    sklearn.linear_model.ElasticNet : the elastic net with ``alpha / n_samples``.
    sklearn.linear_model.lasso_path : the regularization path.
    RidgeEigen : the L2 counterpart.

    Notes
    -----
    For a diagonal quadratic R(θ) = ½ Σᵢ λᵢ(θᵢ − θ*ᵢ)² the lecture solves the L1 problem
    coordinate by coordinate, the soft-threshold

        θ̂ᵢ = sign(θ*ᵢ)·max(|θ*ᵢ| − α/λᵢ, 0)  (λᵢ = Hᵢᵢ):

    weights with small curvature λᵢ are set exactly to 0 (sparsity, feature selection).
    The elastic net's closed form on the same quadratic is the soft-threshold followed
    by the ridge shrinkage (``skreg.theory.elastic_net_diagonal_solution``):

        θ̂ᵢ = S(θ*ᵢ, αρ/λᵢ) · λᵢ/(λᵢ + α(1 − ρ)),

    and in general the L2 part is a ridge α(1 − ρ)pⱼ on the diagonal of the quadratic
    (the LASSO on X augmented with the rows √(α(1 − ρ)pⱼ)·eⱼ), solved by the same core.
    Least squares is such a quadratic with H = XᵀX; when H is diagonal (orthogonal
    columns) this closed form is returned directly.  In general every update of the
    solver is the same soft-threshold applied to a quadratic model of R (a proximal
    gradient step, ``skreg.penalties.L1Penalty.prox``), combined with exact solves on
    the detected support; the stopping rule is scikit-learn's duality gap.  The solver
    is described in the module docstring of ``skreg._l1``.

    Sparse X (CSR/CSC matrices or arrays) is never densified: the centring is implicit
    and, when the d×d Gram matrix would be large (n_features > n_samples or beyond the
    memory budget), gradients are sparse products X_cᵀr and only the working set's
    Gram block is formed.  Penalty factors are a change of variables: pⱼ > 0 rescales
    column j by 1/pⱼ, pⱼ = 0 projects the feature out (Frisch–Waugh), so the solver and
    its duality gap stay those of the plain LASSO.

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

    The elastic net, and the relaxed LASSO:

    >>> import numpy as np
    >>> enet = SoftThresholdQuadratic(alpha=20.0, l1_ratio=0.5).fit(X, y)
    >>> int((enet.coef_ != 0).sum())
    9
    >>> relaxed = SoftThresholdQuadratic(alpha=20.0, gamma=0.0).fit(X, y)
    >>> bool(np.all((relaxed.coef_ != 0) == (model.coef_ != 0)))
    True

    Keep the first two covariates unpenalized:

    >>> factor = np.r_[0.0, 0.0, np.ones(8)]
    >>> model = SoftThresholdQuadratic(alpha=500.0, penalty_factor=factor).fit(X, y)
    >>> bool(model.coef_[0] != 0 and model.coef_[1] != 0)
    True
    """

    _supports_sparse = True

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "gamma": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
        "penalty_factor": ["array-like", None],
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        l1_ratio=1.0,
        gamma=1.0,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        penalty_factor=None,
    ):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.gamma = gamma
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.penalty_factor = penalty_factor

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Fit the LASSO.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Dense, CSR/CSC (matrix or array), or a Dask array / DataFrame.
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
        check_l1_ratio_scale(self, X, y, [float(self.l1_ratio)])
        if fit_if_extreme(self, X, y, sample_weight, {"alpha": (1, 1)}, _SCALED_ATTRIBUTES):
            return self  # magnitudes beyond 1e±100: fitted on X/s_x, y/s_y (see _scaling)
        problem, offsets = make_problem(
            X, y.reshape(X.shape[0], -1), sample_weight, self.fit_intercept
        )
        return self._fit_problem(problem, offsets, X.dtype, y.ndim)

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def partial_fit(self, X, y, sample_weight=None):
        """Add a chunk of data to the Gram statistics and refit from them.

        The LASSO objective only needs G = X_cᵀX_c, X_cᵀy_c and ‖y_c‖², which are merged
        chunk by chunk as in :meth:`RidgeEigen.partial_fit` (see ``skreg._data._gram``); each
        call re-solves warm-started from the previous coefficients.  Needs
        n_features ≤ the number of samples seen for a unique Gram-based solve (more
        features than samples works, but then prefer ``fit`` on all the data).  Sparse
        chunks are reduced to the same statistics without densifying (implicit
        centring), as long as the d×d Gram matrix fits the memory budget
        (``skreg.get_config()["memory_budget"]``); beyond it, a ValueError says to use
        ``fit``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None

        Returns
        -------
        self : SoftThresholdQuadratic
        """
        first = getattr(self, "_stats", None) is None
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight, reset=first)
        check_chunk_scale(X, y)
        self.__dict__.pop("_data_scale", None)  # the statistics are in the data's units
        if not first and (
            y.ndim != self._y_ndim or y.reshape(len(y), -1).shape[1] != self._stats.Sxy.shape[1]
        ):
            raise ValueError("y must have the same number of targets in every partial_fit call.")
        with np.errstate(over="ignore", invalid="ignore"):  # overflow: the check below
            stats = (
                _stream_chunk_stats(X, y, sample_weight)
                if first
                else self._stats.merge(
                    _stream_chunk_stats(
                        X, y, sample_weight, (self._stats.x_shift, self._stats.y_shift)
                    )
                )
            )
        check_chunk_scale(X, y, stats=stats)
        self._stats = stats
        previous = None if first else np.asarray(self.coef_, dtype=np.float64)
        return self._fit_problem(
            *self._problem_from_stats(self._stats), X.dtype, y.ndim, coef_init=previous
        )

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
        factor = nontrivial_penalty_factor(self.penalty_factor, n_features)
        if coef_init is None and self.warm_start and hasattr(self, "coef_"):
            coef_init = np.asarray(self.coef_, dtype=np.float64)
        if coef_init is not None and coef_init.size == n_targets * n_features:
            coef_init = coef_init.reshape(n_targets, n_features)
        else:  # no previous solution, or one for other data shapes: start from zero
            coef_init = None
        reduced = reduce_problem(problem, factor)
        self._problem = reduced
        self._offsets = offsets
        self._y_ndim = y_ndim
        top = alpha_max(reduced, positive=self.positive)
        ratio = float(self.l1_ratio)
        self.alpha_max_ = top / ratio if ratio > 0 else (np.inf if top > 0 else 0.0)
        coefs, gaps, n_iters = solve_path(
            reduced,
            [float(self.alpha)],
            l1_ratio=ratio,
            gamma=float(self.gamma),
            tol=self.tol,
            max_iter=self.max_iter,
            positive=self.positive,
            coef_init=coef_init,
        )
        self._set_solution(coefs[0], dtype)
        single = y_ndim == 1 or n_targets == 1
        self.n_iter_ = int(n_iters[0, 0]) if single else n_iters[0]
        self.dual_gap_ = float(gaps[0, 0]) if single else gaps[0]
        return self

    def _alpha_max(self, problem):
        """α_max of ``problem`` with this estimator's penalty factors and sign constraint."""
        factor = None
        if not isinstance(problem, _FactorProblem):
            factor = nontrivial_penalty_factor(self.penalty_factor, problem.n_features)
        return alpha_max(problem, penalty_factor=factor, positive=self.positive)

    def _intercept(self, coef):
        """b = ȳ − x̄ᵀw for coef of shape (..., n_targets, n_features)."""
        X_offset, y_offset = self._offsets
        return y_offset - coef @ X_offset

    def _set_solution(self, coef, dtype):
        intercept = self._intercept(coef)
        if self._y_ndim == 1:
            coef, intercept = coef[0], intercept[0]
        elif coef.shape[0] == 1:  # 2-D y with one column: scikit-learn's Lasso shapes
            coef = coef[0]
        self.coef_ = coef.astype(dtype, copy=False)
        if self.fit_intercept:
            self.intercept_ = np.asarray(intercept).astype(dtype)[()]
        else:
            self.intercept_ = 0.0

    def path(self, alphas=None):
        """LASSO coefficients along many α, warm-started from the largest α down.

        Every α is solved to the same duality-gap tolerance as :meth:`fit` (the gap is
        checked at each α before moving on, so no α inherits a stale solution), with
        the data, ``penalty_factor`` and ``positive`` of the last fit.

        Parameters
        ----------
        alphas : array-like of shape (n_alphas,), default=None
            Strengths α ≥ 0 in any order (solved in decreasing order, returned in the
            given order).  None means ``np.geomspace(alpha_max_, 1e-3 * alpha_max_,
            100)`` (``alpha_max_`` replaced by 1 when it is 0, where every α gives 0).

        Returns
        -------
        coefs : ndarray of shape (n_alphas,) + coef_.shape
        intercepts : ndarray of shape (n_alphas,) or (n_alphas, n_targets)
            ``(n_alphas, 1)`` for a 2-D y with one column.
        """
        check_is_fitted(self)
        if alphas is None:
            if not np.isfinite(self.alpha_max_):
                raise ValueError(
                    "path() needs alphas with l1_ratio=0 (the ridge has no alpha_max_)."
                )
            top = self.alpha_max_ if self.alpha_max_ > 0 else 1.0
            alphas = np.geomspace(top, 1e-3 * top, 100)
        alphas = check_alphas(alphas)
        sx, sy = getattr(self, "_data_scale", (1.0, 1.0))  # the problem of a rescaled fit
        coefs, _, _ = solve_path(  # (rescaled fits have l1_ratio = 1: one factor s_x·s_y)
            self._problem,
            alphas / (sx * sy),
            l1_ratio=float(self.l1_ratio),
            gamma=float(self.gamma),
            tol=self.tol,
            max_iter=self.max_iter,
            positive=self.positive,
        )
        intercepts = self._intercept(coefs) * sy
        coefs = coefs * (sy / sx)
        dtype = np.asarray(self.coef_).dtype
        coefs, intercepts = coefs.astype(dtype, copy=False), intercepts.astype(dtype, copy=False)
        if self._y_ndim == 1:
            return coefs[:, 0, :], intercepts[:, 0]
        if coefs.shape[1] == 1:
            return coefs[:, 0, :], intercepts
        return coefs, intercepts


def _stream_chunk_stats(X, y, sample_weight, shift=None):
    """GramStats of one chunk, dense or sparse (a sparse chunk's reference row is its
    first row unless given, as a dense chunk's)."""
    if is_sparse(X) and shift is None and X.shape[0]:
        shift = (
            dense_result(X[[0]]).reshape(-1),
            np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)[0].copy(),
        )
    return GramStats.from_chunk(X, y, sample_weight, shift)
