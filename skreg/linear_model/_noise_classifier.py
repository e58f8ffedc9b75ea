"""Input-noise injection for classifiers: NoisyInputClassifier.

* ``method='augment'`` fits any classifier on ``n_copies`` Gaussian-noised copies of X.
* ``method='marginalize'`` (logistic models) minimizes the cross-entropy plus the
  second-order expected cost of the noise, a ridge penalty whose strength depends on
  the data and on W through the predicted probabilities
  (:func:`skreg.noise.input_noise_logistic_penalty`).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit, logsumexp, softmax
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from .._utils._atomic import atomic_fit
from ..noise import input_noise_logistic_penalty
from ._noise import fit_augmented

__all__ = ["NoisyInputClassifier"]

_MAX_ITER = 2000  # L-BFGS iterations of 'marginalize'
_GTOL = 1e-10  # on the gradient of the objective divided by Σs


def _default_classifier():
    """``PenalizedLogisticRegression(alpha=0.0)``; scikit-learn's unpenalized logistic
    regression where that estimator is not available."""
    try:
        from ._logistic import PenalizedLogisticRegression
    except ImportError:  # pragma: no cover - the branch before the logistic module lands
        return LogisticRegression(C=np.inf, max_iter=1000)
    return PenalizedLogisticRegression(alpha=0.0)


def _logistic_l2(estimator):
    """(α, fit_intercept, class_weight) of an L2 (or unpenalized) logistic model, else None.

    α in the sum convention: ``PenalizedLogisticRegression(alpha)``, or 1/C of
    scikit-learn's ``LogisticRegression`` (C = inf: α = 0).
    """
    if estimator is None:
        estimator = _default_classifier()
    params = estimator.get_params(deep=False)
    name = type(estimator).__name__
    if name == "PenalizedLogisticRegression":
        if params.get("l1_ratio", 0.0) not in (0, 0.0) or params.get("penalty_factor") is not None:
            return None
        alpha = float(params["alpha"])
    elif type(estimator) is LogisticRegression:
        if params.get("l1_ratio") not in (None, 0, 0.0) or params.get("penalty") not in (
                "l2", None, "deprecated"):
            return None
        alpha = 0.0 if params.get("penalty") is None else 1.0 / float(params["C"])
    else:
        return None
    return alpha, bool(params.get("fit_intercept", True)), params.get("class_weight")


def _probabilities(Z):
    """Sigmoid of one column, softmax of several."""
    return expit(Z[:, 0]) if Z.shape[1] == 1 else softmax(Z, axis=1)


def _marginal_objective(theta, X, Y, s, alpha, noise_std, fit_intercept, shape):
    """(value, gradient) of Σs·CE + ½α‖W‖² + noise penalty, divided by Σs, at θ = [W, b]."""
    n_rows, n_features = shape
    W = theta[: n_rows * n_features].reshape(shape)
    b = theta[n_rows * n_features:] if fit_intercept else np.zeros(n_rows)
    Z = np.asarray(X @ W.T) + b
    P = _probabilities(Z)
    if n_rows == 1:  # binary: ℓ = −y log p − (1 − y) log(1 − p), ∂ℓ/∂z = p − y
        z, y = Z[:, 0], Y[:, 0]
        loss = -float(s @ (y * log_expit(z) + (1.0 - y) * log_expit(-z)))
        gz = (s * (P - y))[:, None]
    else:  # softmax: ℓ = logsumexp(z) − z_y, ∂ℓ/∂z = p − y
        loss = float(s @ (logsumexp(Z, axis=1) - np.sum(Y * Z, axis=1)))
        gz = s[:, None] * (P - Y)
    value, grad_W, grad_b = input_noise_logistic_penalty(X, W, P, noise_std, s)
    value += loss + 0.5 * alpha * float(np.sum(W**2))
    grad_W = grad_W + np.asarray(X.T @ gz).T + alpha * W
    grad = [grad_W.ravel()] + ([grad_b + gz.sum(axis=0)] if fit_intercept else [])
    total = float(s.sum())
    return value / total, np.concatenate(grad) / total


def _noise_equivalent_alpha(X, W, P, noise_std, s):
    """The α whose ½α‖W‖² equals the noise penalty at (W, P); binary: σ²Σ sᵢpᵢ(1 − pᵢ)."""
    if W.shape[0] == 1:
        p = P.reshape(-1)
        return float(noise_std) ** 2 * float(s @ (p * (1.0 - p)))
    value = input_noise_logistic_penalty(X, W, P, noise_std, s)[0]
    norm2 = float(np.sum(W**2))
    if norm2 == 0.0:  # any α: the mean eigenvalue of Σ sᵢ(diag pᵢ − pᵢpᵢᵀ)
        return float(noise_std) ** 2 * float(s @ (1.0 - np.sum(P**2, axis=1))) / W.shape[0]
    return 2.0 * value / norm2


class NoisyInputClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Fit a classifier on Gaussian-noise-corrupted inputs, or on their expected loss.

    The lecture's input noise x ↦ x + ε, ε ~ N(0, σ²I) (σ = ``noise_std``, the lecture's
    δ = σ²), either sampled (``method='augment'``, any classifier) or integrated out to
    second order (``method='marginalize'``, logistic models), where it becomes the
    data-dependent ridge

        binary:  ½σ² Σᵢ sᵢ pᵢ(1 − pᵢ) ‖w‖²
        softmax: ½σ² Σᵢ sᵢ tr(Wᵀ(diag pᵢ − pᵢpᵢᵀ)W)     (W = ``coef_``, (K, d))

    added to the cross-entropy (and to the inner model's own L2 penalty).

    Parameters
    ----------
    estimator : classifier or None, default=None
        The model. None is ``PenalizedLogisticRegression(alpha=0.0)``.  'marginalize'
        takes an L2 or unpenalized logistic model: ``PenalizedLogisticRegression``
        (``l1_ratio=0``, no ``penalty_factor``; α = its ``alpha``) or scikit-learn's
        ``LogisticRegression`` (L2; α = 1/C), and adds ½α‖W‖² to the objective.
    noise_std : float, default=0.1
        σ ≥ 0, the standard deviation of each noise entry, in the units of X (scale X
        first to make one value mean the same for every feature).
    n_copies : int, default=10
        ``method='augment'``: the number of noisy copies of X stacked for the fit.
    method : {'augment', 'marginalize'}, default='augment'
        'augment': fit a clone of ``estimator`` on ``n_copies`` noisy copies of X with
        the labels (and sample weights) repeated; dense, within skreg's memory budget.
        'marginalize': minimize Σᵢ sᵢ ℓ(yᵢ, Wxᵢ + b) + ½α‖W‖² + the penalty above by
        L-BFGS (analytic gradient), binary (one w, as scikit-learn) or multinomial;
        sparse X stays sparse.
    random_state : int, RandomState instance or None, default=None
        Seed of the noise ('augment').

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    estimator_ : classifier
        'augment': the fitted clone of ``estimator``.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        'marginalize', and 'augment' when the inner model has ``coef_``.
    intercept_ : ndarray of shape (1,) or (n_classes,)
    equivalent_alpha_ : float
        The ridge strength (sum convention, :class:`RidgeEigen` / logistic ``alpha``
        units) whose ½α‖W‖² has the value of the noise penalty at the solution, plus
        the inner model's α ('augment': α / n_copies, as the data term is repeated and
        the inner penalty is not).  Binary: σ²·Σᵢ sᵢ pᵢ(1 − pᵢ) + α.  Only for logistic
        models.  The noise is not a fixed ridge: this α describes the solution, it does
        not reproduce it with another p.
    noise_penalty_ : float
        The penalty's value at the solution (logistic models).
    n_iter_ : int
        'marginalize': L-BFGS iterations.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    See Also
    --------
    NoisyInputRegressor : the least-squares case, exactly ridge with α = σ²N.
    skreg.theory.logistic_input_noise_penalty : the closed form held to in the tests.
    skreg.noise.add_input_noise : the noise itself.

    Notes
    -----
    With u = Wε ~ N(0, σ²WWᵀ) the change of the decision values, a second-order Taylor
    expansion of the cross-entropy around the clean z = Wx + b gives
    E ℓ(z + u) = ℓ(z) + ½E[uᵀ(diag p − ppᵀ)u] + O(σ⁴), the penalty above (Bishop 1995;
    Wager, Wang & Liang 2013 for dropout).  The Hessian of the cross-entropy does not
    depend on the label, so the penalty pulls every sample's decision towards the
    boundary-free region in proportion to its uncertainty pᵢ(1 − pᵢ): confident samples
    cost nothing.  The objective is not convex in general; L-BFGS starts at W = 0.  On
    separable data without a base α the penalty vanishes as ‖W‖ → ∞ (pᵢ(1 − pᵢ) → 0),
    as the unpenalized cross-entropy does: add α through the estimator.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skreg import NoisyInputClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = NoisyInputClassifier(noise_std=0.5, method="marginalize").fit(X, y)
    >>> clf.coef_.shape, round(clf.score(X, y), 3), round(clf.equivalent_alpha_, 2)
    ((1, 30), 0.986, 3.09)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "noise_std": [Interval(Real, 0, None, closed="left")],
        "n_copies": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions({"augment", "marginalize"})],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, noise_std=0.1, n_copies=10, method="augment",
                 random_state=None):
        self.estimator = estimator
        self.noise_std = noise_std
        self.n_copies = n_copies
        self.method = method
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Fit on noisy copies of X ('augment') or on the expected noisy loss ('marginalize').

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights (passed, repeated, to the inner model by 'augment').

        Returns
        -------
        self : NoisyInputClassifier
        """
        if not np.isfinite(self.noise_std):
            raise ValueError(f"noise_std must be finite, got {self.noise_std!r}.")
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"],
                             dtype=[np.float64, np.float32])
        check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64,
                                                 ensure_non_negative=True)
        logistic = _logistic_l2(self.estimator)
        for name in ("estimator_", "coef_", "intercept_", "equivalent_alpha_",
                     "noise_penalty_", "n_iter_"):
            self.__dict__.pop(name, None)
        if self.method == "marginalize":
            self._fit_marginal(X, y, sample_weight, logistic)
        else:
            self._fit_augmented(X, y, sample_weight, logistic)
        return self

    def _fit_augmented(self, X, y, sample_weight, logistic):
        model = _default_classifier() if self.estimator is None else clone(self.estimator)
        fit_augmented(model, X, y, sample_weight, self.noise_std, int(self.n_copies),
                      self.random_state, exact_hint=logistic is not None)
        self.estimator_ = model
        self.classes_ = model.classes_
        if hasattr(model, "coef_"):
            self.coef_, self.intercept_ = model.coef_, model.intercept_
        if logistic is not None:  # the penalty at the solution, on the clean data
            s = _weights(y, sample_weight, logistic[2])
            P = model.predict_proba(X)
            P = P[:, 1] if P.shape[1] == 2 else P
            W = np.atleast_2d(model.coef_)
            self.noise_penalty_ = input_noise_logistic_penalty(X, W, P, self.noise_std, s)[0]
            self.equivalent_alpha_ = (logistic[0] / int(self.n_copies)
                                      + _noise_equivalent_alpha(X, W, P, self.noise_std, s))

    def _fit_marginal(self, X, y, sample_weight, logistic):
        if logistic is None:
            raise ValueError(
                "method='marginalize' is the expected cross-entropy of a logistic model: "
                "estimator must be None, PenalizedLogisticRegression (l1_ratio=0, no "
                "penalty_factor) or LogisticRegression with an L2 penalty, got "
                f"{self.estimator!r}. Use method='augment' for other classifiers."
            )
        alpha, fit_intercept, class_weight = logistic
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        codes = encoder.transform(y)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"y has {n_classes} class; at least 2 are needed.")
        s = _weights(y, sample_weight, class_weight)
        n_rows = 1 if n_classes == 2 else n_classes
        Y = (codes[:, None] == (np.arange(n_rows) + (n_classes == 2))).astype(np.float64)
        shape = (n_rows, X.shape[1])
        theta0 = np.zeros(n_rows * X.shape[1] + (n_rows if fit_intercept else 0))
        result = minimize(_marginal_objective, theta0, jac=True, method="L-BFGS-B",
                          args=(X, Y, s, alpha, self.noise_std, fit_intercept, shape),
                          options={"maxiter": _MAX_ITER, "gtol": _GTOL, "ftol": 1e-15})
        if not result.success:
            warnings.warn(f"NoisyInputClassifier(method='marginalize'): L-BFGS did not "
                          f"converge in {result.nit} iterations ({result.message}); on "
                          "separable data add an L2 penalty to the estimator.",
                          ConvergenceWarning, stacklevel=3)
        W = result.x[: n_rows * X.shape[1]].reshape(shape)
        b = result.x[n_rows * X.shape[1]:] if fit_intercept else np.zeros(n_rows)
        P = _probabilities(np.asarray(X @ W.T) + b)
        self.coef_ = W.astype(X.dtype, copy=False)
        self.intercept_ = b.astype(X.dtype, copy=False) if fit_intercept else np.zeros(n_rows, X.dtype)
        self.noise_penalty_ = input_noise_logistic_penalty(X, W, P, self.noise_std, s)[0]
        self.equivalent_alpha_ = alpha + _noise_equivalent_alpha(X, W, P, self.noise_std, s)
        self.n_iter_ = int(result.nit)

    def decision_function(self, X):
        """Decision values: Xwᵀ + b ('marginalize'), or the inner model's.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32],
                          reset=False)
        if hasattr(self, "estimator_"):
            return self.estimator_.decision_function(self._inner_input(X))
        Z = np.asarray(X @ self.coef_.T) + self.intercept_
        return Z[:, 0] if Z.shape[1] == 1 else Z

    def predict_proba(self, X):
        """Class probabilities (no noise at prediction time).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        if hasattr(self, "estimator_"):
            X = validate_data(self, X, accept_sparse=["csr", "csc"],
                              dtype=[np.float64, np.float32], reset=False)
            return self.estimator_.predict_proba(self._inner_input(X))
        Z = self.decision_function(X)
        if Z.ndim == 1:
            p = expit(Z)
            return np.column_stack([1.0 - p, p])
        return softmax(Z, axis=1)

    def predict(self, X):
        """Class labels (no noise at prediction time).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        if hasattr(self, "estimator_"):
            X = validate_data(self, X, accept_sparse=["csr", "csc"],
                              dtype=[np.float64, np.float32], reset=False)
            return self.estimator_.predict(self._inner_input(X))
        Z = self.decision_function(X)
        return self.classes_[(Z > 0).astype(int) if Z.ndim == 1 else np.argmax(Z, axis=1)]

    def _inner_input(self, X):
        """A sparse X densified for an inner model that does not take sparse input."""
        if hasattr(X, "toarray") and not get_tags(self.estimator_).input_tags.sparse:
            return X.toarray()
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # 'augment' densifies within the budget
        return tags


def _weights(y, sample_weight, class_weight):
    """Sample weights times class weights (ones when neither is given)."""
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if class_weight is not None:
        s = s * compute_sample_weight(class_weight, y)
    return s
