"""L2 regularization: RidgeEigen and RidgeEigenCV, thin wrappers over the spectral core."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._cache import cached_call
from .._atomic import atomic_fit
from .._dask import is_dask_collection
from .._gram import GramStats
from .._spectral import decompose, decompose_gram
from ._base import LinearRegressorMixin, check_alphas, validate_dask_fit_data, validate_fit_data

__all__ = ["RidgeEigen", "RidgeEigenCV"]


def _spectrum_for_ridge(X, y, sample_weight, *, fit_intercept):
    """The decomposition RidgeEigen caches (module level so joblib can name it)."""
    return decompose(X, y, sample_weight, fit_intercept=fit_intercept)


def _as_path_output(spectrum, coefs, y_ndim):
    intercepts = spectrum.intercept(coefs)
    if y_ndim == 1:
        return coefs[:, 0, :], intercepts[:, 0]
    return coefs, intercepts


class RidgeEigen(LinearRegressorMixin, BaseEstimator):
    """Ridge regression solved in the eigenbasis of H = XᵀX.

    Minimizes the lecture's L2-regularized least squares

        R̃(w) = ½‖Xw − y‖² + ½α‖w‖²     (rows weighted by ``sample_weight``)

    with an unpenalized intercept, so it returns the same coefficients as
    :class:`sklearn.linear_model.Ridge` with the same ``alpha``.

    Parameters
    ----------
    alpha : float, default=1.0
        L2 strength α ≥ 0. ``alpha=0`` is least squares (minimum-norm solution on
        rank-deficient data).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept by centring X and y.
    memory : None, str or joblib.Memory, default=None
        Opt-in cache of the eigendecomposition, as ``Pipeline(memory=...)``: a
        directory or a :class:`joblib.Memory`.  Refitting on the same data with another
        ``alpha`` (``set_params``, ``GridSearchCV``) then reuses the decomposition; a
        change in X, y, sample_weight or fit_intercept gives a new key.  The cache lives
        on disk, so it is shared by ``n_jobs`` worker processes and bounded as joblib's
        cache is (``Memory.reduce_size``).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        ŵ = Σᵢ βᵢ / (λᵢ + α) uᵢ.
    intercept_ : float or ndarray of shape (n_targets,)
        b = ȳ − x̄ᵀŵ (weighted means).
    eigenvalues_ : ndarray of shape (n_components,)
        λᵢ of the centred, weighted H = X_cᵀX_c, descending, zeros below the rank
        tolerance. n_components = min(n_samples, n_features), except that on the
        kernel side (n_features > n_samples) exact null directions are left out.
    eigenvectors_ : ndarray of shape (n_features, n_components)
        uᵢ as columns.
    shrinkage_ : ndarray of shape (n_components,)
        λᵢ / (λᵢ + α): how much of the data's influence survives in each direction.
    effective_dof_ : float
        Σᵢ λᵢ / (λᵢ + α), the effective number of parameters (intercept excluded).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    sklearn.linear_model.Ridge : the same model, solved by Cholesky and others.
    RidgeEigenCV : α chosen by efficient leave-one-out or K-fold cross-validation.

    Notes
    -----
    With H = Σ λᵢ uᵢuᵢᵀ and Xᵀy = Σ βᵢ uᵢ (the lecture's L2 section),

        ŵ = (H + αI)⁻¹Xᵀy = Σᵢ βᵢ / (λᵢ + α) uᵢ:

    directions with λᵢ ≫ α are kept, those with λᵢ ≪ α lose the data's influence.
    One decomposition serves every α, see :meth:`path`. Computing it costs one Gram
    product and one symmetric eigensolver call (an SVD when X is ill-conditioned).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import RidgeEigen
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = RidgeEigen(alpha=0.1).fit(X, y)
    >>> model.coef_.shape, round(model.effective_dof_, 2)
    ((10,), 7.64)
    >>> coefs, intercepts = model.path([0.01, 0.1, 1.0])
    >>> coefs.shape
    (3, 10)
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "memory": [None, str, HasMethods(["cache"])],
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, memory=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.memory = memory

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Fit ridge regression from one eigendecomposition.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights; weight 2 counts a sample twice.

        Returns
        -------
        self : RidgeEigen
        """
        self.__dict__.pop("_stats", None)  # fit starts afresh; partial_fit accumulates
        if is_dask_collection(X):
            stats, dtype, y_ndim = validate_dask_fit_data(self, X, y, sample_weight)
            spectrum = decompose_gram(stats, fit_intercept=self.fit_intercept)
        else:
            X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
            spectrum = cached_call(
                self.memory,
                _spectrum_for_ridge,
                X,
                y,
                sample_weight,
                fit_intercept=bool(self.fit_intercept),
            )
            dtype, y_ndim = X.dtype, y.ndim
        self._spectrum = spectrum
        self._y_ndim = y_ndim
        self._set_spectral_attributes(spectrum, self.alpha, dtype, y_ndim)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def partial_fit(self, X, y, sample_weight=None):
        """Add a chunk of data to the sufficient statistics and refit from them.

        Data larger than memory stream through: each call merges the chunk's weighted
        count, means and centred scatter matrices into the running ones (pairwise
        update, accurate for data far from the origin), then decomposes the d×d Gram.
        The result equals ``fit`` on all chunks at once.  ``fit`` starts afresh.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            The same number of targets in every call.
        sample_weight : float or array-like of shape (n_samples,), default=None

        Returns
        -------
        self : RidgeEigen
        """
        first = getattr(self, "_stats", None) is None
        if first:
            X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        else:
            X, y, sample_weight = validate_fit_data(self, X, y, sample_weight, reset=False)
            if y.ndim != self._y_ndim or (y.ndim == 2 and y.shape[1] != self._stats.Sxy.shape[1]):
                raise ValueError(
                    f"y has {1 if y.ndim == 1 else y.shape[1]} target(s) in {y.ndim}-D, but "
                    "earlier partial_fit calls had a different shape."
                )
        if first:
            self._stats = GramStats.from_chunk(X, y, sample_weight)
        else:  # same reference point as the running statistics (see skreg._gram)
            shift = (self._stats.x_shift, self._stats.y_shift)
            self._stats = self._stats.merge(GramStats.from_chunk(X, y, sample_weight, shift))
        self._spectrum = decompose_gram(self._stats, fit_intercept=self.fit_intercept)
        self._y_ndim = y.ndim
        self._set_spectral_attributes(self._spectrum, self.alpha, X.dtype, y.ndim)
        return self

    def path(self, alphas):
        """Coefficients for many α from the stored decomposition, without refitting.

        Parameters
        ----------
        alphas : array-like of shape (n_alphas,)
            Non-negative strengths.

        Returns
        -------
        coefs : ndarray of shape (n_alphas, n_features) or (n_alphas, n_targets, n_features)
        intercepts : ndarray of shape (n_alphas,) or (n_alphas, n_targets)
        """
        check_is_fitted(self)
        alphas = check_alphas(alphas)
        coefs = self._spectrum.ridge_coef(alphas)
        return _as_path_output(self._spectrum, coefs, self._y_ndim)


class _IdentityRegressor(RegressorMixin, BaseEstimator):
    """Lets a scikit-learn scorer score predictions that are already made."""

    def predict(self, predictions):
        """Return the predictions unchanged."""
        return predictions


class RidgeEigenCV(LinearRegressorMixin, BaseEstimator):
    """Ridge regression with α chosen by cross-validation from one decomposition.

    With ``cv=None`` the exact leave-one-out errors of every α come from one
    eigendecomposition of the full data (no refit); with ``cv`` given, each fold is
    decomposed once and every α is evaluated from it.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Candidate strengths α ≥ 0 (0 and tiny values are allowed, see Notes).
    fit_intercept : bool, default=True
    cv : int, cross-validation generator, iterable or None, default=None
        None: efficient leave-one-out. Otherwise as in ``GridSearchCV``.
    scoring : str, callable or None, default=None
        With ``cv=None``: None scores −mean(wₖ eₖ²) of the leave-one-out residuals
        (as ``RidgeCV``); a scorer scores the leave-one-out predictions. With ``cv``:
        None is R² (the estimator's ``score``), as ``GridSearchCV``.
    alpha_per_target : bool, default=False
        Choose one α per target (``cv=None`` only).
    store_cv_results : bool, default=False
        Keep the leave-one-out squared errors (or predictions when ``scoring`` is
        set) in ``cv_results_`` (``cv=None`` only).

    Attributes
    ----------
    alpha_ : float or ndarray of shape (n_targets,)
        Selected strength.
    best_score_ : float or ndarray of shape (n_targets,)
        Score of ``alpha_``.
    cv_results_ : ndarray of shape (n_samples, n_alphas) or (n_samples, n_targets, n_alphas)
        Only with ``store_cv_results=True``.
    coef_, intercept_ : ndarrays
        The ridge solution on all data at ``alpha_``.
    eigenvalues_, eigenvectors_, shrinkage_, effective_dof_ :
        As in :class:`RidgeEigen`, for the final fit.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    See Also
    --------
    sklearn.linear_model.RidgeCV : same selection (same ``alpha_`` and ``best_score_``
        for alphas > 0) by the dual formula.
    RidgeEigen : fixed α.

    Notes
    -----
    Leave-one-out residuals come from the hat matrix A(α) = qqᵀ + U diag(λ/(λ+α)) Uᵀ
    (q the intercept direction) as eₖ = rₖ(α) / (1 − Aₖₖ(α)), written so that neither
    numerator nor denominator divides by α: alphas containing 0 or 1e-15 give finite
    errors (the derivation is in ``skreg._spectral.Spectrum.loo_residuals``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import RidgeEigenCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = RidgeEigenCV(alphas=np.logspace(-3, 3, 13)).fit(X, y)
    >>> round(float(model.alpha_), 5), round(float(model.best_score_), 1)
    (0.00316, -2999.8)
    """

    _parameter_constraints: dict = {
        "alphas": ["array-like"],
        "fit_intercept": ["boolean"],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "alpha_per_target": ["boolean"],
        "store_cv_results": ["boolean"],
    }

    def __init__(
        self,
        alphas=(0.1, 1.0, 10.0),
        *,
        fit_intercept=True,
        cv=None,
        scoring=None,
        alpha_per_target=False,
        store_cv_results=False,
    ):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.scoring = scoring
        self.alpha_per_target = alpha_per_target
        self.store_cv_results = store_cv_results

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Select α by cross-validation and fit ridge on all data with it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Used in every fit; with ``cv=None`` also in the score (as ``RidgeCV``).

        Returns
        -------
        self : RidgeEigenCV
        """
        alphas = check_alphas(self.alphas)
        if self.cv is not None and self.store_cv_results:
            raise ValueError("cv!=None and store_cv_results=True are incompatible")
        if self.cv is not None and self.alpha_per_target:
            raise ValueError("cv!=None and alpha_per_target=True are incompatible")
        if is_dask_collection(X):
            if self.cv is not None:  # K-fold from fold statistics, one pass (skreg._dask)
                from .._dask import kfold_ridge_cv

                spectrum, dtype, y_ndim = kfold_ridge_cv(self, X, y, sample_weight, alphas)
            else:
                spectrum, dtype, y_ndim = self._select_by_loo_dask(X, y, sample_weight, alphas)
            self._set_spectral_attributes(spectrum, self.alpha_, dtype, y_ndim)
            return self
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        if self.cv is None:
            spectrum = self._select_by_loo(X, y, sample_weight, alphas)
        else:
            self._select_by_folds(X, y, sample_weight, alphas)
            spectrum = decompose(X, y, sample_weight, fit_intercept=self.fit_intercept)
        self._set_spectral_attributes(spectrum, self.alpha_, X.dtype, y.ndim)
        return self

    def _select_by_loo(self, X, y, sample_weight, alphas):
        spectrum = decompose(
            X, y, sample_weight, fit_intercept=self.fit_intercept, keep_left=True
        )
        n_samples = X.shape[0]
        looe = spectrum.loo_residuals(alphas)  # (m, n, t), √w-scaled
        per_target = self.alpha_per_target and y.ndim == 2 and y.shape[1] > 1
        if self.scoring is None:
            squared = looe**2
            scores = -squared.mean(axis=1) if per_target else -squared.mean(axis=(1, 2))
            results = squared
        else:
            y2 = y.reshape(n_samples, -1).astype(np.float64)
            if spectrum.sqrt_sw is None:
                predictions = y2 - looe
            else:  # back to the original scale; zero-weight samples keep their fit
                sqrt_sw = spectrum.sqrt_sw[None, :, None]
                resid = np.divide(looe, sqrt_sw, out=np.zeros_like(looe), where=sqrt_sw > 0)
                predictions = y2 - resid
            scorer = check_scoring(self, scoring=self.scoring)
            kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
            if per_target:
                scores = np.array(
                    [
                        [
                            scorer(_IdentityRegressor(), p[:, j], y2[:, j], **kwargs)
                            for j in range(y2.shape[1])
                        ]
                        for p in predictions
                    ]
                )
            else:
                target = y2[:, 0] if y.ndim == 1 else y2
                scores = np.array(
                    [
                        scorer(_IdentityRegressor(), p[:, 0] if y.ndim == 1 else p, target, **kwargs)
                        for p in predictions
                    ]
                )
            results = predictions
        # first maximum wins, as RidgeCV (strict improvement over earlier alphas)
        best = np.argmax(scores, axis=0)
        if per_target:
            self.alpha_ = alphas[best]
            self.best_score_ = scores[best, np.arange(scores.shape[1])]
        else:
            self.alpha_ = float(alphas[best])
            self.best_score_ = float(scores[best])
        if self.store_cv_results:
            res = np.moveaxis(results, 0, -1)  # (n, t, m)
            self.cv_results_ = (res[:, 0, :] if y.ndim == 1 else res).astype(X.dtype)
        return spectrum

    def _select_by_loo_dask(self, X, y, sample_weight, alphas):
        """Leave-one-out on a Dask cluster: statistics pass, then a residual pass.

        The first pass reduces the data to d×d statistics; the second computes each
        block's leave-one-out residuals from the global decomposition
        (:meth:`Spectrum.loo_residuals_for`) and returns only their sums of squares.
        """
        from .._dask import as_dask_array, map_row_blocks

        if self.cv is not None or self.scoring is not None or self.store_cv_results:
            raise ValueError(
                "Dask input supports the efficient leave-one-out selection only: use "
                "cv=None, scoring=None and store_cv_results=False (or compute the arrays)."
            )
        stats, dtype, y_ndim = validate_dask_fit_data(self, X, y, sample_weight)
        spectrum = decompose_gram(stats, fit_intercept=self.fit_intercept)

        def block_sums(Xb, yb, wb):
            looe = spectrum.loo_residuals_for(Xb, yb, wb, stats.weight_sum, alphas)
            return (looe**2).sum(axis=1)  # (m, t)

        Xd, yd = as_dask_array(X, "X"), as_dask_array(y, "y")
        wd = None if sample_weight is None else as_dask_array(sample_weight, "sample_weight")
        totals = np.sum(map_row_blocks(block_sums, Xd, yd, wd), axis=0)
        n_samples = stats.n_samples
        per_target = self.alpha_per_target and y_ndim == 2 and totals.shape[1] > 1
        scores = -totals / n_samples if per_target else -totals.mean(axis=1) / n_samples
        best = np.argmax(scores, axis=0)
        if per_target:
            self.alpha_ = alphas[best]
            self.best_score_ = scores[best, np.arange(scores.shape[1])]
        else:
            self.alpha_ = float(alphas[best])
            self.best_score_ = float(scores[best])
        return spectrum, dtype, y_ndim

    def _select_by_folds(self, X, y, sample_weight, alphas):
        cv = check_cv(self.cv)
        scorer = check_scoring(self, scoring=self.scoring or "r2")
        fold_scores = []
        for train, test in cv.split(X, y):
            sw = None if sample_weight is None else sample_weight[train]
            spectrum = decompose(X[train], y[train], sw, fit_intercept=self.fit_intercept)
            coefs, intercepts = _as_path_output(spectrum, spectrum.ridge_coef(alphas), y.ndim)
            X_test = X[test].astype(np.float64)
            if y.ndim == 1:
                preds = X_test @ coefs.T + intercepts  # (n_test, m)
                scores = [scorer(_IdentityRegressor(), preds[:, i], y[test]) for i in range(len(alphas))]
            else:
                preds = np.einsum("nd,mtd->mnt", X_test, coefs) + intercepts[:, None, :]
                scores = [scorer(_IdentityRegressor(), p, y[test]) for p in preds]
            fold_scores.append(scores)
        mean_scores = np.mean(fold_scores, axis=0)
        best = int(np.argmax(mean_scores))
        self.alpha_ = float(alphas[best])
        self.best_score_ = float(mean_scores[best])
