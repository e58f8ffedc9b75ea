"""PenalizedLogisticRegressionCV: α (and l1_ratio) by cross-validation on warm-started paths."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, _fit_context
from sklearn.metrics import check_scoring, log_loss, make_scorer
from sklearn.model_selection import check_cv
from sklearn.utils._param_validation import Interval, StrOptions

from .._utils._atomic import atomic_fit
from ._base import check_alphas
from ._cv import min_and_one_se, splitter_params, splitter_routing, standard_error
from ._logistic import (
    LogisticPredictMixin,
    PenalizedLogisticRegression,
    logistic_alpha_max,
    logistic_datafit,
    solve_logistic_path,
)

__all__ = ["PenalizedLogisticRegressionCV"]


def _check_l1_ratios(l1_ratio):
    values = np.atleast_1d(np.asarray(l1_ratio, dtype=np.float64))
    if (
        values.ndim != 1
        or values.size == 0
        or np.any(~np.isfinite(values))
        or np.any((values < 0) | (values > 1))
    ):
        raise ValueError(
            f"l1_ratio must be a float or a list of floats in [0, 1], got {l1_ratio!r}."
        )
    return values


def _fold_path_scores(
    inner, datafit, train, test, alphas, l1_ratio, factor, scorer, X, y, sw, strength
):
    """Scores (n_alphas,) and nonzero counts of one fold's warm-started path."""
    coefs, intercepts, n_iters = solve_logistic_path(
        inner, datafit.subset(train), alphas * strength, l1_ratio, factor
    )
    model = PenalizedLogisticRegression()
    model.classes_, model.n_features_in_ = inner.classes_, X.shape[1]
    scores = np.empty(alphas.size)
    kw = {} if sw is None else {"sample_weight": sw[test]}
    for i in range(alphas.size):
        model.coef_, model.intercept_ = coefs[i], intercepts[i]
        scores[i] = scorer(model, X[test], y[test], **kw)
    return scores, (coefs != 0).any(axis=1).sum(axis=1), coefs, intercepts, n_iters


class PenalizedLogisticRegressionCV(LogisticPredictMixin, BaseEstimator):
    """:class:`PenalizedLogisticRegression` with α (and l1_ratio) chosen by cross-validation.

    For each l1_ratio, the grid runs from α_max (the smallest α with every penalized
    coefficient zero; for l1_ratio = 0 the α_max of l1_ratio = 0.001, as glmnet) down to
    eps·α_max.  Each (stratified) fold fits one warm-started path at α·W_train/W (the
    weight sums: n_train/n without weights), the same per-sample strength as the final
    fit, as ``SoftThresholdQuadraticCV`` does; each α is scored on the held-out fold.

    Parameters
    ----------
    alphas : int or array-like of shape (n_alphas,), default=100
        The number of grid points, or the grid itself (sum convention, α = 1/C).
    l1_ratio : float or list of float, default=0.0
    eps : float, default=1e-4
        Smallest α of the grid as a fraction of α_max.
    cv : int, cross-validation generator or iterable, default=5
        Integers give ``StratifiedKFold``.
    scoring : str or callable, default=None
        Any scikit-learn scorer (higher is better); None is ``'neg_log_loss'``
        (glmnet's deviance).
    selection : {'min', '1se'}, default='min'
        'min': the best mean score; '1se': glmnet's ``lambda.1se``, the largest α whose
        mean score is within one standard error of the best (at the best l1_ratio).
    penalty_factor : array-like of shape (n_features,), default=None
        As :class:`PenalizedLogisticRegression`.
    fit_intercept : bool, default=True
        As :class:`PenalizedLogisticRegression`.
    class_weight : dict, 'balanced' or None, default=None
        As :class:`PenalizedLogisticRegression`.
    tol : float, default=1e-6
        As :class:`PenalizedLogisticRegression`.
    max_iter : int, default=100
        As :class:`PenalizedLogisticRegression`.
    n_jobs : int, default=None
        Folds (and l1_ratios) in parallel (joblib).
    refit : bool, default=True
        Refit on all data at the chosen (α, l1_ratio).  False: ``coef_`` and
        ``intercept_`` are the averages over the folds at the chosen α (as
        ``LogisticRegressionCV``).

    Attributes
    ----------
    alpha_, l1_ratio_ : float
        The chosen strength and ratio.
    alpha_min_, alpha_1se_ : float
        Both rules at the chosen l1_ratio.
    alphas_ : ndarray of shape (n_alphas,)
        The grid of the chosen l1_ratio (decreasing).
    cv_results_ : dict of arrays
        One row per (l1_ratio, alpha): ``l1_ratio``, ``alpha``, ``mean_test_score``,
        ``std_test_score``, ``sem_test_score`` (std(ddof=1)/√n_folds), ``n_nonzero``
        (features with a nonzero coefficient, median over the folds) and
        ``split{k}_test_score``.
    coef_path_ : ndarray of shape coef_.shape + (n_alphas,)
        The full-data path at the chosen l1_ratio (refit=False: the fold average).
    coef_, intercept_, classes_, n_features_in_, feature_names_in_
        As :class:`PenalizedLogisticRegression`.
    n_iter_ : ndarray of shape (1,)
        Newton (or L-BFGS) iterations of the final fit at ``alpha_`` (refit=False: the
        most over the folds).

    See Also
    --------
    sklearn.linear_model.LogisticRegressionCV : the same search over Cs = 1/alphas.
    SoftThresholdQuadraticCV : the regression counterpart.

    Notes
    -----
    Selection goes through :mod:`skreg.linear_model._cv`, the rule module of every skreg
    CV estimator: the first best mean score ('min'), and the largest α within one
    standard error std(ddof=1)/√K of it ('1se').

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import scale
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = PenalizedLogisticRegressionCV(alphas=20, l1_ratio=1.0, selection="1se")
    >>> model = model.fit(scale(X), y)
    >>> bool(model.alpha_1se_ >= model.alpha_min_), model.coef_path_.shape
    (True, (1, 30, 20))
    """

    _parameter_constraints = {
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), "array-like"],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "scoring": [str, callable, None],
        "selection": [StrOptions({"min", "1se"})],
        "penalty_factor": ["array-like", None],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "n_jobs": [Integral, None],
        "refit": ["boolean"],
    }

    def __init__(
        self,
        alphas=100,
        *,
        l1_ratio=0.0,
        eps=1e-4,
        cv=5,
        scoring=None,
        selection="min",
        penalty_factor=None,
        fit_intercept=True,
        class_weight=None,
        tol=1e-6,
        max_iter=100,
        n_jobs=None,
        refit=True,
    ):
        self.alphas = alphas
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.cv = cv
        self.scoring = scoring
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.refit = refit

    def get_metadata_routing(self):
        """The routing of ``fit``'s splitter parameters (``groups``) to ``cv``.

        Returns
        -------
        sklearn.utils.metadata_routing.MetadataRouter
        """
        return splitter_routing(self)

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None, **params):
        """Cross-validate the paths, choose (α, l1_ratio), refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Used by the fits and passed to the scorer.
        **params : dict
            Parameters of the CV splitter's ``split``, e.g. ``groups`` for ``GroupKFold``
            (with or without metadata routing).

        Returns
        -------
        self : object
        """
        l1_ratios = _check_l1_ratios(self.l1_ratio)
        datafit, dtype, factor = logistic_datafit(self, X, y, sample_weight)
        X_arr, y_arr = datafit.X, np.asarray(y)
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        inner = PenalizedLogisticRegression(
            tol=self.tol, max_iter=self.max_iter, fit_intercept=self.fit_intercept
        )
        inner.classes_ = self.classes_
        split_kw = splitter_params(self, params)
        folds = list(check_cv(self.cv, y_arr, classifier=True).split(X_arr, y_arr, **split_kw))
        if self.scoring is None:  # the deviance, with every class declared (small folds)
            scorer = make_scorer(
                log_loss,
                greater_is_better=False,
                response_method="predict_proba",
                labels=self.classes_,
            )
        else:
            scorer = check_scoring(self, scoring=self.scoring)
        grids = [self._grid(datafit, r, factor) for r in l1_ratios]
        jobs = [(r, k) for r in range(l1_ratios.size) for k in range(len(folds))]
        out = Parallel(n_jobs=self.n_jobs)(
            delayed(_fold_path_scores)(
                inner,
                datafit,
                folds[k][0],
                folds[k][1],
                grids[r],
                l1_ratios[r],
                factor,
                scorer,
                X_arr,
                y_arr,
                sw,
                datafit.s[folds[k][0]].sum() / datafit.weight_sum,
            )
            for r, k in jobs
        )
        n_folds = len(folds)
        scores = (
            np.array([o[0] for o in out]).reshape(l1_ratios.size, n_folds, -1).transpose(0, 2, 1)
        )
        nonzero = np.array([o[1] for o in out]).reshape(l1_ratios.size, n_folds, -1)
        r_best = self._select(l1_ratios, grids, scores, nonzero)
        alphas = grids[r_best]
        i = int(np.flatnonzero(alphas == self.alpha_)[0])
        if self.refit:
            coefs, intercepts, n_iters = solve_logistic_path(
                inner, datafit, alphas, l1_ratios[r_best], factor
            )
        else:
            picked = [out[r_best * n_folds + k] for k in range(n_folds)]
            coefs = np.mean([o[2] for o in picked], axis=0)
            intercepts = np.mean([o[3] for o in picked], axis=0)
            n_iters = np.max([o[4] for o in picked], axis=0)
        self.n_iter_ = np.array([n_iters[i]], dtype=np.int32)
        self.coef_ = coefs[i].astype(dtype)
        self.intercept_ = intercepts[i].astype(dtype)
        self.coef_path_ = np.moveaxis(coefs, 0, -1).astype(dtype)
        return self

    def _grid(self, datafit, l1_ratio, factor):
        if not np.isscalar(self.alphas) or isinstance(self.alphas, str):
            return np.sort(check_alphas(self.alphas))[::-1]
        top = logistic_alpha_max(datafit, l1_ratio, factor)
        top = top if top > 0 else 1.0
        return np.geomspace(top, top * self.eps, num=int(self.alphas))

    def _select(self, l1_ratios, grids, scores, nonzero):
        """Set the selection attributes; returns the index of the chosen l1_ratio."""
        n_folds = scores.shape[2]
        mean = scores.mean(axis=2)
        std = scores.std(axis=2)
        sem = standard_error(scores, axis=2)
        r_best = int(np.argmax(mean.max(axis=1)))
        best, one_se = min_and_one_se(grids[r_best], mean[r_best][:, None], sem[r_best][:, None])
        i_min, i_1se = int(best[0]), int(one_se[0])
        alphas = grids[r_best]
        self.l1_ratio_ = float(l1_ratios[r_best])
        self.alphas_ = alphas
        self.alpha_min_, self.alpha_1se_ = float(alphas[i_min]), float(alphas[i_1se])
        self.alpha_ = self.alpha_min_ if self.selection == "min" else self.alpha_1se_
        n_alphas = alphas.size
        results = {
            "l1_ratio": np.repeat(l1_ratios, n_alphas),
            "alpha": np.concatenate(grids),
            "mean_test_score": mean.ravel(),
            "std_test_score": std.ravel(),
            "sem_test_score": sem.ravel(),
            "n_nonzero": np.median(nonzero, axis=1).astype(int).ravel(),
        }
        for k in range(n_folds):
            results[f"split{k}_test_score"] = scores[:, :, k].ravel()
        self.cv_results_ = results
        return r_best
