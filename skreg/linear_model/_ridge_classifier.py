"""Ridge classifiers: RidgeEigen / RidgeEigenCV on the ±1 class-indicator targets.

A K-class problem becomes K least-squares targets Yₖ ∈ {−1, 1} (one column for two
classes), all fitted from one decomposition of the centred X: the classes share the
eigenvectors, only βᵢ = uᵢᵀX_cᵀYₖ differs per column.  So every class and every α come
from the spectral core at once, and the exact leave-one-out errors of all of them are
one more vectorized formula (:meth:`skreg._spectral.Spectrum.loo_residuals`).
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.metrics import get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from .._utils._atomic import atomic_fit
from ._cv import splitter_routing
from ._ridge import RidgeEigen
from ._ridge_cv import RidgeEigenCV

__all__ = ["RidgeEigenClassifier", "RidgeEigenClassifierCV"]

_SPECTRAL_ATTRIBUTES = ("eigenvalues_", "eigenvectors_", "shrinkage_", "effective_dof_")


class _RidgeClassifierMixin(LinearClassifierMixin):
    """Label binarization, class weights, predict and tags shared by both classifiers."""

    def _prepare_targets(self, X, y, sample_weight):
        """Validated X, labels y, ±1 targets Y of X's dtype and the weights to fit with.

        Class weights multiply the sample weights (as ``RidgeClassifier``): the targets
        of class c count ``class_weight[c]`` times in the sum of squares.
        """
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"],
                             dtype=[np.float64, np.float32], multi_output=True, y_numeric=False)
        check_classification_targets(y)
        binarizer = LabelBinarizer(pos_label=1, neg_label=-1)
        Y = binarizer.fit_transform(y).astype(X.dtype)
        if not binarizer.y_type_.startswith("multilabel"):
            y = column_or_1d(y, warn=True)
        self._label_binarizer = binarizer
        self.classes_ = binarizer.classes_
        if self.class_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64,
                                                 ensure_non_negative=True)
            sample_weight = sample_weight * compute_sample_weight(self.class_weight, y)
        return X, Y, sample_weight

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the ridge regression of the ±1 class targets (α selected first by the CV class).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels (any type), or a multilabel indicator matrix.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, multiplied by the class weights.
        **params : dict
            The CV class only: parameters of the splitter's ``split`` (``groups``).

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, Y, sample_weight = self._prepare_targets(X, y, sample_weight)
        ridge = self._ridge().fit(X, Y, sample_weight, **params)
        self.coef_ = ridge.coef_  # (n_features,) for two classes, as scikit-learn 1.9
        self.intercept_ = ridge.intercept_  # (n_targets,), or 0.0 without intercept
        for name in _SPECTRAL_ATTRIBUTES + self._fitted_names:
            if hasattr(ridge, name):
                setattr(self, name, getattr(ridge, name))
            else:
                self.__dict__.pop(name, None)
        return self

    def predict(self, X):
        """Predict class labels: the class of the largest decision value (its sign for two).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
            Labels; an indicator matrix for multilabel targets.
        """
        check_is_fitted(self)
        if self._label_binarizer.y_type_.startswith("multilabel"):
            scores = 2 * (self.decision_function(X) > 0) - 1
            return self._label_binarizer.inverse_transform(scores)
        return super().predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.sparse = True
        return tags


class RidgeEigenClassifier(_RidgeClassifierMixin, BaseEstimator):
    """Ridge classification from one eigendecomposition: least squares on ±1 targets.

    Each class k gets the target Yₖ = 1 for its samples and −1 otherwise (one column
    for two classes) and minimizes, as :class:`RidgeEigen`,

        ½‖Xwₖ + bₖ − Yₖ‖² + ½α Σⱼ pⱼwₖⱼ²     (rows weighted by sample and class weights)

    so it predicts as :class:`sklearn.linear_model.RidgeClassifier` with the same
    ``alpha``: the class of the largest decision value Xwₖ + bₖ.

    Parameters
    ----------
    alpha : float, default=1.0
        L2 strength α ≥ 0, the same units as ``RidgeClassifier(alpha)`` and
        :class:`RidgeEigen` (sum of squares).
    fit_intercept : bool, default=True
        Fit one unpenalized intercept per class by centring X and Y.
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight`` (as
        ``RidgeClassifier``); 'balanced' gives class c the weight n / (K·n_c).
    solver : {'auto', 'eigen', 'lanczos'}, default='auto'
        How the spectrum is computed, as in :class:`RidgeEigen` (the exact
        eigendecomposition, or one Golub–Kahan space for sparse X beyond the budget).
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature factors pⱼ ≥ 0 of the penalty, as in :class:`RidgeEigen`.
    memory : None, str or joblib.Memory, default=None
        Opt-in cache of the decomposition, as in :class:`RidgeEigen`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (n_features,) or (n_classes, n_features)
        One row per ±1 target; for two classes one vector, the positive class being
        ``classes_[1]`` (the shapes of scikit-learn 1.9's ``RidgeClassifier``).
    intercept_ : ndarray of shape (1,) or (n_classes,), or 0.0 without intercept
    eigenvalues_, eigenvectors_ : ndarrays
        The decomposition of the centred, weighted H = XᵀX, shared by every class.
    shrinkage_ : ndarray of shape (n_components,)
        λᵢ / (λᵢ + α), the same for every class.
    effective_dof_ : float
        Σᵢ λᵢ / (λᵢ + α), the effective number of parameters per class.
    solver_ : str
    n_iter_ : int or ndarray
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    sklearn.linear_model.RidgeClassifier : the same model, solved per class.
    RidgeEigenClassifierCV : α chosen by exact leave-one-out or K-fold.
    RidgeEigen : the regression estimator it fits.

    Notes
    -----
    With H = Σ λᵢ uᵢuᵢᵀ (centred X) and X_cᵀYₖ = Σ βᵢₖ uᵢ, the lecture's L2 solution is
    ŵₖ = Σᵢ βᵢₖ / (λᵢ + α) uᵢ for every class k from the same (λᵢ, uᵢ).  Sparse X is
    centred implicitly and never densified.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skreg import RidgeEigenClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = RidgeEigenClassifier(alpha=1.0).fit(X, y)
    >>> clf.coef_.shape, round(clf.score(X, y), 3), round(clf.effective_dof_, 2)
    ((3, 4), 0.853, 3.67)
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "solver": [StrOptions({"auto", "eigen", "lanczos"})],
        "penalty_factor": ["array-like", None],
        "memory": [None, str, HasMethods(["cache"])],
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, class_weight=None, solver="auto",
                 penalty_factor=None, memory=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.solver = solver
        self.penalty_factor = penalty_factor
        self.memory = memory

    _fitted_names = ("solver_", "n_iter_")

    def _ridge(self):
        return RidgeEigen(alpha=self.alpha, fit_intercept=self.fit_intercept,
                          memory=self.memory, solver=self.solver,
                          penalty_factor=self.penalty_factor)


class _PredictionsClassifier(ClassifierMixin, BaseEstimator):
    """Lets a scikit-learn scorer score decision values that are already made.

    ``predict`` decodes them as the ridge classifiers do (argmax, the sign for two
    classes, thresholds for multilabel), ``decision_function`` returns them (1-D for two
    classes, as scikit-learn's binary scorers expect).
    """

    def __init__(self, label_binarizer=None):
        self.label_binarizer = label_binarizer

    @property
    def classes_(self):
        return self.label_binarizer.classes_

    def decision_function(self, scores):
        """The decision values, 1-D for two classes."""
        binary = scores.ndim == 2 and scores.shape[1] == 1
        return scores[:, 0] if binary and self.label_binarizer.y_type_ == "binary" else scores

    def predict(self, scores):
        """Class labels of the decision values."""
        return self.label_binarizer.inverse_transform(scores)  # threshold 0: the ±1 midpoint


class _ClassTargetsRidgeCV(RidgeEigenCV):
    """RidgeEigenCV on the ±1 targets: folds stratified on the labels (as GridSearchCV
    splits a classifier's data), predictions scored as a classifier's (accuracy by default)."""

    _default_fold_scoring = "accuracy"
    _public_name = "RidgeEigenClassifierCV"  # the name a user's warnings should carry

    def _cv_splits(self, X, y):
        labels = self._label_binarizer.inverse_transform(y)
        return check_cv(self.cv, labels, classifier=True).split(X, labels,
                                                                **getattr(self, "_split_kw", {}))

    def _score_predictions(self, scorer, predictions, y_true, **kwargs):
        binarizer = self._label_binarizer
        return scorer(_PredictionsClassifier(binarizer), predictions,
                      binarizer.inverse_transform(y_true), **kwargs)


class RidgeEigenClassifierCV(_RidgeClassifierMixin, BaseEstimator):
    """Ridge classifier with α chosen by exact leave-one-out or K-fold, one decomposition.

    With ``cv=None`` one eigendecomposition of the full data gives the exact
    leave-one-out residuals of every class target and every α at once; with ``cv``
    given, each fold is decomposed once and every α is scored from it.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Candidate strengths α ≥ 0 (units of :class:`RidgeEigenClassifier`).
    fit_intercept : bool, default=True
    cv : int, cross-validation generator, iterable or None, default=None
        None: exact leave-one-out.  An int is stratified K-fold on the labels (as
        ``GridSearchCV`` for a classifier); any splitter or iterable of splits works.
    scoring : str, callable or None, default=None
        With ``cv=None``: None scores −mean(wₖ eₖ²) of the leave-one-out residuals of
        the ±1 targets (as ``RidgeClassifierCV``); a scorer scores the leave-one-out
        decision values as a classifier's (accuracy, balanced accuracy, ROC AUC ...,
        weighted by the sample and class weights).  With ``cv``: None is accuracy.
    class_weight : dict, 'balanced' or None, default=None
        As in :class:`RidgeEigenClassifier`, used in every fit (and with ``cv=None`` in
        the score).
    selection : {'min', '1se'}, default='min'
        'min': the α of the best mean CV score; '1se': the largest α within one
        standard error of it (as :class:`RidgeEigenCV`; with ``cv=None`` it needs
        ``scoring=None``).
    store_cv_results : bool, default=False
        Keep the leave-one-out squared errors (or decision values when ``scoring`` is
        set) in ``cv_results_`` (``cv=None`` only).

    Attributes
    ----------
    alpha_ : float
        The selected α.
    alpha_min_, alpha_1se_ : float
        The best α and the one-standard-error α (``alpha_1se_`` where it is defined,
        as :class:`RidgeEigenCV`).
    best_score_ : float
        Mean CV score of ``alpha_``.
    cv_results_ : ndarray of shape (n_samples, n_targets, n_alphas)
        Only with ``store_cv_results=True`` (n_targets = 1 for two classes).
    score_path_, mse_path_ : ndarrays of shape (n_alphas, n_folds)
        With ``cv`` given: the score and the ±1-target mean squared error per fold.
    classes_, coef_, intercept_, eigenvalues_, eigenvectors_, shrinkage_, effective_dof_ :
        As in :class:`RidgeEigenClassifier`, for the final fit at ``alpha_``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    See Also
    --------
    sklearn.linear_model.RidgeClassifierCV : the same selection (the same ``alpha_``).
    RidgeEigenCV : the regression estimator it runs on the ±1 targets.

    Notes
    -----
    With the hat matrix A(α) = qqᵀ + U diag(λ/(λ+α)) Uᵀ of the centred data (shared by
    every class), the leave-one-out residual of sample i and class k is
    eᵢₖ = rᵢₖ(α) / (1 − Aᵢᵢ(α)): one decomposition, no refit
    (``skreg._spectral.Spectrum.loo_residuals``).  For two classes with a scorer,
    ``RidgeClassifierCV`` (scikit-learn 1.9) takes the argmax of one column, so every α
    scores the same and it returns the first; here the sign decides, as in ``predict``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skreg import RidgeEigenClassifierCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = RidgeEigenClassifierCV(alphas=np.logspace(-3, 3, 7)).fit(X, y)
    >>> float(clf.alpha_), clf.coef_.shape, round(clf.score(X, y), 3)
    (0.01, (30,), 0.963)
    """

    _parameter_constraints: dict = {
        "alphas": ["array-like", Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "selection": [StrOptions({"min", "1se"})],
        "store_cv_results": ["boolean"],
    }

    def __init__(self, alphas=(0.1, 1.0, 10.0), *, fit_intercept=True, cv=None, scoring=None,
                 class_weight=None, selection="min", store_cv_results=False):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.scoring = scoring
        self.class_weight = class_weight
        self.selection = selection
        self.store_cv_results = store_cv_results

    _fitted_names = ("alpha_", "alpha_min_", "alpha_1se_", "best_score_", "cv_results_",
                     "score_path_", "mse_path_")

    def get_metadata_routing(self):
        """The routing of ``fit``'s splitter parameters (``groups``) to ``cv``.

        Returns
        -------
        sklearn.utils.metadata_routing.MetadataRouter
        """
        return splitter_routing(self)

    def _ridge(self):
        ridge = _ClassTargetsRidgeCV(
            alphas=self.alphas, fit_intercept=self.fit_intercept, cv=self.cv,
            scoring=self.scoring, store_cv_results=self.store_cv_results,
            selection=self.selection,
        )
        ridge._label_binarizer = self._label_binarizer
        return ridge
