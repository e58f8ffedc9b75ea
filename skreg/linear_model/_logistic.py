"""PenalizedLogisticRegression: the lecture's R̃ = R + αΩ with R the cross-entropy."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, _fit_context
from sklearn.linear_model._base import LinearClassifierMixin, SparseCoefMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils._atomic import atomic_fit
from .._data._checks import check_sample_weight, check_weight_sum
from .._logistic_core import CrossEntropy
from .._logistic_solvers import fit_lbfgs, fit_prox_newton, warn_not_converged
from ..penalties import check_penalty_factor
from ._base import check_alphas

__all__ = ["PenalizedLogisticRegression"]

# 'auto' takes Newton steps on the d×d weighted Hessian (per class) up to this many
# features: one Hessian costs n·d² where an L-BFGS iteration costs 2·n·d·K
_NEWTON_MAX_FEATURES = 50
# effective_dof_ / shrinkage_ are computed when the Hessian has at most this many rows
_DOF_MAX_SIZE = 4096
# α_max of a pure L2 grid: the α_max of this l1_ratio (glmnet)
_L2_GRID_RATIO = 1e-3


class LogisticPredictMixin(LinearClassifierMixin):
    """``predict_proba`` / ``predict_log_proba`` of a fitted sigmoid or softmax model."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def predict_proba(self, X):
        """Class probabilities: the sigmoid (two classes) or the softmax of the scores.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return softmax(self._class_scores(X), axis=1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed stably.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return log_softmax(self._class_scores(X), axis=1)

    def _class_scores(self, X):
        """One score per class: (0, η) for two classes, the decision function else."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            scores = np.column_stack([np.zeros_like(scores), scores])
        return scores


class PenalizedLogisticRegression(LogisticPredictMixin, SparseCoefMixin, BaseEstimator):
    """Logistic regression with the lecture's L2, L1 and elastic-net penalties.

    Minimizes, in the sum convention (α = 1/C of scikit-learn's ``LogisticRegression``),

        Σᵢ sᵢ ℓ(yᵢ, W xᵢ + b) + α [ρ Σⱼ fⱼ‖w_{·j}‖₁ + (1 − ρ)/2 Σⱼ fⱼ‖w_{·j}‖²],

    ℓ the cross-entropy of the sigmoid (two classes) or of the softmax (K ≥ 3 classes),
    sᵢ the sample weight times the class weight, ρ = ``l1_ratio``, fⱼ =
    ``penalty_factor``; the intercept b is never penalized.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength α ≥ 0 (sum convention): the solution of
        ``LogisticRegression(C=1/alpha, l1_ratio=l1_ratio)``; ``alpha=0`` is unpenalized.
    l1_ratio : float in [0, 1], default=0.0
        ρ: 0 is the L2 penalty (ridge), 1 the L1 penalty (LASSO), between the elastic net.
    penalty_factor : array-like of shape (n_features,), default=None
        fⱼ ≥ 0 per feature (glmnet's ``penalty.factor``); 0 leaves a feature unpenalized.
    fit_intercept : bool, default=True
    class_weight : dict or 'balanced', default=None
        As ``LogisticRegression``: 'balanced' weights class c by n/(K·n_c), with the
        counts n_c weighted by ``sample_weight``.
    tol : float, default=1e-6
        The fit stops when the largest violation of the optimality conditions of the
        true problem, divided by the sum of the weights, is at most ``tol`` (the
        criterion of ``LogisticRegression(solver='lbfgs')``, 100 times tighter).
    max_iter : int, default=100
        Newton steps ('newton', 'prox-newton'; for K ≥ 3 cycles over the classes), or
        L-BFGS iterations.
    warm_start : bool, default=False
        Start from the previous solution (same classes and features).
    solver : {'auto', 'newton', 'prox-newton', 'lbfgs'}, default='auto'
        'newton': Newton steps on the weighted Hessian X_cᵀDX_c + αF with line search
        (L2 only); 'prox-newton': glmnet's quadratic approximation, each a weighted
        LASSO on Gram statistics solved by skreg's L1 core with working sets (any
        l1_ratio); 'lbfgs': L-BFGS (L2 only).  'auto' takes 'prox-newton' when
        l1_ratio > 0 and alpha > 0, else 'newton' up to 50 features (one
        Hessian costs n·d², an L-BFGS iteration 2·n·d·K), else 'lbfgs'; the choice
        is ``solver_``.
    verbose : int, default=0
        Print the solver, the iterations and the objective at the end of ``fit``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        For K ≥ 3 the symmetric parametrization, made unique (see Notes).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Zeros without intercept; for K ≥ 3 centred (mean 0 over the classes).
    n_iter_ : ndarray of shape (1,)
    solver_ : str
    effective_dof_ : float or None
        For l1_ratio = 0: tr(H(H + αF)⁻¹), H the weighted Hessian of the penalized
        coefficients at the solution with the intercept profiled out (X centred with
        the IRLS weights D = S p(1 − p)).  None when l1_ratio > 0, or when H would have
        more than 4,096 rows (K·d for K ≥ 3).
    shrinkage_ : ndarray or None
        λᵢ/(λᵢ + α) for the eigenvalues λᵢ of F^{-1/2} H F^{-1/2} (decreasing), the
        lecture's picture of L2 for a nonlinear risk.  None as ``effective_dof_``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    See Also
    --------
    sklearn.linear_model.LogisticRegression : the same solution with C = 1/alpha.
    PenalizedLogisticRegressionCV : α (and l1_ratio) by cross-validation, 1-SE rule.

    Notes
    -----
    A Newton step on the cross-entropy is a weighted least-squares problem (IRLS): with
    D = S p(1 − p), the Hessian is XᵀDX, the lecture's H = XᵀX with weights, and the
    penalized step solves (X_cᵀDX_c + α(1 − ρ)F) w + αρ ∂‖F w‖₁ ∋ q — the spectral
    (L2) or L1 core's problem on Gram statistics.

    *Which multinomial solution.*  For K ≥ 3 the softmax is unchanged when a feature's
    class coefficients w_{·j} shift together by a constant c.  With an L2 part
    (ρ < 1, fⱼ > 0) the penalty fixes c: Σₖ w_{kj} = 0 at the solution.  With a pure
    L1 penalty every c in the interval of medians of w_{·j} gives the same objective;
    the returned one is the optimal solution closest to the centred one (c the class
    mean clipped to that interval: the smallest ‖w_{·j}‖₂ among the optima, the limit
    of the elastic net as ρ → 1).  Unpenalized features (fⱼ = 0, or α = 0) and the
    intercepts are centred.  Compare probabilities and objectives, or class-centred
    coefficients, with other solvers.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.preprocessing import scale
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = scale(X)
    >>> model = PenalizedLogisticRegression(alpha=2.0).fit(X, y)
    >>> ref = LogisticRegression(C=1 / 2.0, tol=1e-10, max_iter=10_000).fit(X, y)
    >>> bool(abs(model.coef_ - ref.coef_).max() < 1e-5)
    True
    >>> sparse = PenalizedLogisticRegression(alpha=5.0, l1_ratio=1.0).fit(X, y)
    >>> int((sparse.coef_ != 0).sum()) < X.shape[1]
    True
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "penalty_factor": ["array-like", None],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "solver": [StrOptions({"auto", "newton", "prox-newton", "lbfgs"})],
        "verbose": ["verbose"],
    }

    def __init__(self, alpha=1.0, *, l1_ratio=0.0, penalty_factor=None, fit_intercept=True,
                 class_weight=None, tol=1e-6, max_iter=100, warm_start=False, solver="auto",
                 verbose=0):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.penalty_factor = penalty_factor
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.solver = solver
        self.verbose = verbose

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Fit the penalized logistic regression.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            CSR/CSC matrices are never densified.
        y : array-like of shape (n_samples,)
            Any labels (strings, ints, bools).
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        datafit, dtype = self._datafit_of(X, y, sample_weight)
        factor = self._factor
        solver = self._choose_solver(datafit)
        W0, b0 = self._start(datafit)
        W, b, n_iter = self._solve(datafit, solver, self.alpha, self.l1_ratio, factor, W0, b0)
        self.solver_ = solver
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        self._datafit = datafit
        self._set_solution(W, b, dtype)
        self._dof = None
        if self.verbose:
            print(f"[PenalizedLogisticRegression] solver={solver} n_iter={n_iter}")
        return self

    def _datafit_of(self, X, y, sample_weight):
        datafit, dtype, self._factor = logistic_datafit(self, X, y, sample_weight)
        return datafit, dtype

    def _choose_solver(self, datafit, alpha=None, l1_ratio=None):
        alpha = self.alpha if alpha is None else alpha
        l1_ratio = self.l1_ratio if l1_ratio is None else l1_ratio
        l1 = l1_ratio > 0 and alpha > 0
        if self.solver == "auto":
            if l1:
                return "prox-newton"
            return "newton" if datafit.n_features <= _NEWTON_MAX_FEATURES else "lbfgs"
        if l1 and self.solver in ("newton", "lbfgs"):
            raise ValueError(
                f"solver={self.solver!r} handles the L2 penalty only (l1_ratio=0), got "
                f"l1_ratio={l1_ratio}; use solver='prox-newton' (or 'auto')."
            )
        return self.solver

    def _start(self, datafit):
        shape = (datafit.n_outputs, datafit.n_features)
        old = getattr(self, "coef_", None)
        if (self.warm_start and old is not None and np.shape(old) == shape
                and np.array_equal(getattr(self, "_warm_classes", None), self.classes_)):
            old = old.toarray() if sparse.issparse(old) else old  # after sparsify()
            return np.array(old, dtype=np.float64), np.array(self.intercept_, dtype=np.float64)
        return np.zeros(shape), np.zeros(shape[0])

    def _solve(self, datafit, solver, alpha, l1_ratio, factor, W0, b0, warn=True):
        """One fit from (W0, b0); returns (W, b, n_iter) with the unique representative."""
        if solver == "lbfgs":
            W, b, n_iter, converged = fit_lbfgs(datafit, alpha, factor, W0, b0,
                                                tol=self.tol, max_iter=self.max_iter)
        else:
            W, b, n_iter, converged = fit_prox_newton(datafit, alpha, l1_ratio, factor, W0, b0,
                                                      tol=self.tol, max_iter=self.max_iter)
        if not converged and warn:
            warn_not_converged(solver, self.max_iter)
        if not datafit.binary:
            W, b = symmetric_representative(W, b, alpha, l1_ratio, factor, datafit.fit_intercept)
        return W, b, n_iter

    def _set_solution(self, W, b, dtype):
        self.coef_ = W.astype(dtype)
        self.intercept_ = b.astype(dtype) if self.fit_intercept else np.zeros(W.shape[0], dtype=dtype)
        self._warm_classes = self.classes_

    @property
    def effective_dof_(self):
        """tr(H(H + αF)⁻¹) at the solution (l1_ratio = 0; computed on first access)."""
        return self._spectral_summary()[1]

    @property
    def shrinkage_(self):
        """λᵢ/(λᵢ + α) of F^{-1/2} H F^{-1/2}, decreasing (computed on first access)."""
        return self._spectral_summary()[0]

    def _spectral_summary(self):
        check_is_fitted(self)
        if self._dof is None:
            W = self.coef_.toarray() if sparse.issparse(self.coef_) else self.coef_
            W = np.asarray(W, dtype=np.float64)
            if self.l1_ratio > 0 or W.size > _DOF_MAX_SIZE:
                self._dof = (None, None)
            else:
                datafit = self._datafit
                P = datafit.proba(datafit.linear(W, np.asarray(self.intercept_, dtype=np.float64)))
                f = np.tile(self._factor, W.shape[0])
                self._dof = hessian_shrinkage(datafit.profiled_hessian(P), f, self.alpha)
        return self._dof

    # ------------------------------------------------------------------ path
    def path(self, alphas=None):
        """Coefficients along many α, warm-started from the largest α down.

        Every α is solved to the tolerance of :meth:`fit`, on the data, weights,
        ``l1_ratio``, ``penalty_factor`` and solver of the last fit.

        Parameters
        ----------
        alphas : array-like of shape (n_alphas,), default=None
            Strengths α ≥ 0 in any order (solved in decreasing order, returned in the
            given order).  None: 100 values from α_max (every penalized coefficient
            zero; for l1_ratio = 0 the α_max of l1_ratio = 0.001) down to 1e-3·α_max.

        Returns
        -------
        coefs : ndarray of shape (n_alphas,) + coef_.shape
        intercepts : ndarray of shape (n_alphas,) + intercept_.shape
        """
        check_is_fitted(self)
        datafit = self._datafit
        if alphas is None:
            top = logistic_alpha_max(datafit, self.l1_ratio, self._factor)
            top = top if top > 0 else 1.0
            alphas = np.geomspace(top, 1e-3 * top, 100)
        alphas = check_alphas(alphas)
        coefs, intercepts, _ = solve_logistic_path(self, datafit, alphas, self.l1_ratio, self._factor)
        dtype = self.coef_.dtype
        return coefs.astype(dtype, copy=False), intercepts.astype(dtype, copy=False)



def logistic_datafit(est, X, y, sample_weight):
    """Validate (X, y, weights) for ``est``: (CrossEntropy datafit, output dtype, factors).

    Sets ``classes_``, ``n_features_in_`` (and ``feature_names_in_``) on ``est``; reads
    its ``class_weight``, ``penalty_factor`` and ``fit_intercept``.
    """
    X, y = validate_data(est, X, y, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32])
    check_classification_targets(y)
    encoder = LabelEncoder()
    y_idx = encoder.fit_transform(y)
    classes = encoder.classes_
    if classes.size < 2:
        raise ValueError(
            f"{type(est).__name__} needs samples of at least 2 classes in the data, but "
            f"the data contains only one class: {classes[0]!r}."
        )
    sw = check_sample_weight(sample_weight, X, dtype=np.float64)
    cw = compute_class_weight(est.class_weight, classes=classes, y=y, sample_weight=sample_weight)
    s = sw * cw[y_idx]
    check_weight_sum(float(s.sum()))
    n_out = 1 if classes.size == 2 else classes.size
    Y = (y_idx[:, None] == (np.array([1]) if n_out == 1 else np.arange(n_out))).astype(np.float64)
    est.classes_ = classes
    factor = check_penalty_factor(est.penalty_factor, X.shape[1])
    factor = np.ones(X.shape[1]) if factor is None else factor
    return CrossEntropy(X, Y, s, est.fit_intercept), X.dtype, factor

def solve_logistic_path(est, datafit, alphas, l1_ratio, factor):
    """(coefs, intercepts, n_iters) for every α (decreasing order, warm-started), given order."""
    order = np.argsort(-alphas, kind="stable")
    shape = (datafit.n_outputs, datafit.n_features)
    coefs = np.zeros((alphas.size,) + shape)
    intercepts = np.zeros((alphas.size, shape[0]))
    n_iters = np.zeros(alphas.size, dtype=np.int32)
    W, b = np.zeros(shape), np.zeros(shape[0])
    for i in order:
        a = float(alphas[i])
        solver = est._choose_solver(datafit, a, l1_ratio)
        W, b, n_iters[i] = est._solve(datafit, solver, a, l1_ratio, factor, W, b)
        coefs[i], intercepts[i] = W, b
    return coefs, intercepts, n_iters


def logistic_alpha_max(datafit, l1_ratio, factor):
    """The smallest α with every penalized coefficient 0 (l1_ratio 0: that of 0.001).

    The null model (intercept and unpenalized features) is fitted first; then
    α_max = max_{k, j: fⱼ > 0} |∂R/∂w_{kj}| / (ρ fⱼ).
    """
    shape = (datafit.n_outputs, datafit.n_features)
    W, b, _, _ = fit_prox_newton(datafit, 1e300, 1.0, factor, np.zeros(shape), np.zeros(shape[0]),
                                 tol=1e-10, max_iter=100)
    grad_W, _ = datafit.gradient(datafit.proba(datafit.linear(W, b)))
    pen = factor > 0
    if not pen.any():
        return 0.0
    ratio = max(l1_ratio, _L2_GRID_RATIO)
    return float((np.abs(grad_W[:, pen]) / factor[pen]).max() / ratio)


def symmetric_representative(W, b, alpha, l1_ratio, factor, fit_intercept):
    """The unique multinomial representative (see PenalizedLogisticRegression's Notes)."""
    W = W.copy()
    mean = W.mean(axis=0)
    shift = mean.copy()
    pure_l1 = (alpha > 0) & (l1_ratio == 1) & (factor > 0)
    if pure_l1.any():
        K = W.shape[0]
        s = np.sort(W[:, pure_l1], axis=0)
        lo, hi = s[(K - 1) // 2], s[K // 2]  # the interval of medians
        shift[pure_l1] = np.clip(mean[pure_l1], lo, hi)
    smooth = (alpha > 0) & (l1_ratio < 1) & (factor > 0)
    shift[smooth] = 0.0  # already Σₖ w_kj = 0 at the solution
    W -= shift
    b = b - b.mean() if fit_intercept else b
    return W, b


def hessian_shrinkage(H, factor, alpha):
    """(shrinkage λᵢ/(λᵢ + α) decreasing, tr(H(H + αF)⁻¹)) of a profiled Hessian H.

    Unpenalized coordinates (fⱼ = 0) are profiled out (Schur complement) and each
    counts 1 per direction of H it spans.
    """
    pen = factor > 0
    P, U = np.flatnonzero(pen), np.flatnonzero(~pen)
    H_PP = H[np.ix_(P, P)]
    n_free = 0
    if U.size:
        H_UU = H[np.ix_(U, U)]
        pinv = np.linalg.pinv(H_UU, hermitian=True, rcond=1e-12)
        H_PP = H_PP - H[np.ix_(P, U)] @ pinv @ H[np.ix_(U, P)]
        n_free = int(np.linalg.matrix_rank(H_UU, hermitian=True))
    scale = 1.0 / np.sqrt(factor[P])
    lam = np.linalg.eigvalsh(scale[:, None] * H_PP * scale[None, :])[::-1]
    lam = np.clip(lam, 0.0, None)
    if alpha == 0:
        shrink = (lam > lam.max(initial=0.0) * 1e-12).astype(float)
    else:
        shrink = lam / (lam + alpha)
    return shrink, float(shrink.sum() + n_free)
