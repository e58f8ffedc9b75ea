"""RidgeEigenCV: α chosen by exact leave-one-out, GCV or K-fold from one decomposition.

The estimator of :mod:`skreg.linear_model._ridge` with the selection rules of
:mod:`skreg.linear_model._cv`: the exact leave-one-out residuals of every α from one
eigendecomposition (``Spectrum.loo_residuals``), generalized cross-validation from the
same (``skreg._criteria``), or one decomposition (or Krylov space) per fold.
"""

from __future__ import annotations

import time
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils._array_api import (
    _is_numpy_namespace,
    get_namespace_and_device,
)
from sklearn.utils._param_validation import Interval, StrOptions

from .._criteria import dof_grid, gcv_criterion, least_squares_rss
from .._data._checks import check_fold_scores, check_split_weight
from .._data._dask import is_dask_collection
from .._data._sparse import is_sparse
from .._utils._atomic import atomic_fit
from ..penalties import check_penalty_factor
from ._base import (
    LinearRegressorMixin,
    check_alphas,
    validate_dask_fit_data,
    validate_fit_data,
)
from ._cv import (
    min_and_one_se,
    splitter_params,
    splitter_routing,
    standard_error,
    warn_at_grid_edge,
)
from ._ridge import (
    _SCALED_ATTRIBUTES,
    _auto_solver,
    _check_array_api_input,
    _check_exact_fits,
    _check_numpy_only,
    _decompose_ridge,
    _decompose_ridge_gram,
    _krylov_for_ridge,
    _rows,
    _to_host,
)
from ._scaling import fit_if_extreme

__all__ = ["RidgeEigenCV"]


_CV_TOL = 1e-6  # RidgeEigenCV's Lanczos folds: RidgeEigen's default tol


class _Exact:
    """Wraps an exact Spectrum where a KrylovPath is expected (``.spectrum``)."""

    def __init__(self, spectrum):
        self.spectrum = spectrum


class _IdentityRegressor(RegressorMixin, BaseEstimator):
    """Lets a scikit-learn scorer score predictions that are already made."""

    def predict(self, predictions):
        """Return the predictions unchanged."""
        return predictions


def _dev_ratio(X, y, sample_weight, coefs, intercepts, fit_intercept):
    """1 − RSS(α)/RSS_null for coefs (m, t, d) on (X, y), summed over targets: glmnet's
    ``dev.ratio`` (the null model is the weighted mean, 0 without intercept).

    One product X Cᵀ per block of α (n × block·t floats at a time), in X's own library:
    NumPy or sparse, a Dask array (sums computed), or an array-API namespace.
    """
    xp, _, device = get_namespace_and_device(coefs)
    is_numpy = _is_numpy_namespace(xp)
    C = np.asarray(_to_host(coefs, is_numpy), dtype=np.float64)
    B = np.asarray(_to_host(intercepts, is_numpy), dtype=np.float64)
    m, t, d = C.shape
    n = X.shape[0]
    if is_dask_collection(X):
        import dask.array as da

        Y = da.asarray(y).reshape((n, -1)).astype(np.float64)
        to_x, col_sum = (lambda a: a), (lambda a: a.sum(axis=0))
        host = lambda a: np.asarray(a.compute() if is_dask_collection(a) else a)  # noqa: E731
        W = None if sample_weight is None else da.asarray(sample_weight)
    elif is_numpy:
        Y = np.asarray(y, dtype=np.float64).reshape(n, -1)
        to_x, col_sum, host = (lambda a: a), (lambda a: a.sum(axis=0)), np.asarray
        W = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    else:
        Y = xp.astype(xp.reshape(y, (n, -1)), coefs.dtype)
        to_x = lambda a: xp.asarray(a, dtype=coefs.dtype, device=device)  # noqa: E731
        col_sum = lambda a: xp.sum(a, axis=0)  # noqa: E731
        host = lambda a: np.asarray(_to_host(a, False))  # noqa: E731
        W = None if sample_weight is None else to_x(np.asarray(_to_host(sample_weight, False)))

    def weighted(sq):
        return sq if W is None else sq * W[:, None]

    if fit_intercept:
        total = float(n) if W is None else float(host(col_sum(W)))
        centre = host(col_sum(weighted(Y))) / total
    else:
        centre = np.zeros(t)
    null = float(np.sum(host(col_sum(weighted((Y - to_x(centre)) ** 2)))))
    rss = np.zeros(m)
    block = max(1, (1 << 24) // max(n * t, 1))
    for start in range(0, m, block):
        stop = min(m, start + block)
        k = stop - start
        P = X @ to_x(C[start:stop].reshape(k * t, d).T)  # (n, k·t), columns (α, target)
        P = np.asarray(P) if is_numpy and not is_dask_collection(P) else P
        cols = np.tile(np.arange(t), k)
        if is_numpy or is_dask_collection(Y):
            Yk = Y[:, cols]
        else:
            Yk = xp.take(Y, xp.asarray(cols, device=device), axis=1)
        R = P + to_x(B[start:stop].reshape(-1)) - Yk
        rss[start:stop] = host(col_sum(weighted(R * R))).reshape(k, t).sum(axis=1)
    return 1.0 - rss / null if null > 0 else np.zeros(m)


class RidgeEigenCV(LinearRegressorMixin, BaseEstimator):
    """Ridge regression with α chosen by cross-validation from one decomposition.

    With ``cv=None`` the exact leave-one-out errors of every α come from one
    eigendecomposition of the full data (no refit); ``cv='gcv'`` ranks the α by
    generalized cross-validation from the same decomposition; with ``cv`` folds,
    each fold is decomposed once and every α is evaluated from it.

    Parameters
    ----------
    alphas : float, array-like of shape (n_alphas,) or 'auto', default=(0.1, 1.0, 10.0)
        Candidate strengths α ≥ 0 (0 and tiny values are allowed, see Notes).  A
        scalar is a grid of one value; entries must be real numbers (a string raises
        ``TypeError``, as in ``RidgeCV``).  ``'auto'``: 50 strengths read off the
        spectrum of the full data, at which the degrees of freedom Σλᵢ/(λᵢ + α) run
        evenly from 0.5 to rank − 0.5 (``skreg._criteria.dof_grid``), so the grid
        cannot stop short of the optimum.  When the selected α is the smallest or
        largest value of a user grid (of two or more values) a ``UserWarning`` names
        the end and the remedy; never for ``'auto'``.
    fit_intercept : bool, default=True
    cv : int, cross-validation generator, iterable, 'gcv' or None, default=None
        None: efficient leave-one-out. ``'gcv'``: generalized cross-validation,
        GCV(α) = n·RSS(α)/(n − dof(α))² (Golub, Heath and Wahba 1979), with dof the
        trace of the hat matrix (the intercept counted) and the sample weights
        normalized to mean 1 (n the number of samples); ``best_score_`` is
        −GCV(``alpha_``); ``selection='1se'`` and a ``scoring`` are refused (one
        number per α has no spread to take a standard error of).  Otherwise folds
        as in ``GridSearchCV``.
    scoring : str, callable or None, default=None
        With ``cv=None``: None scores −mean(wₖ eₖ²) of the leave-one-out residuals
        (as ``RidgeCV``); a scorer scores the leave-one-out predictions. With ``cv``:
        None is R² (the estimator's ``score``), as ``GridSearchCV``.
    alpha_per_target : bool, default=False
        Choose one α per target, with every ``cv`` (leave-one-out, GCV, K folds): the
        same α as fitting each target on its own.
    store_cv_results : bool, default=False
        Keep the leave-one-out squared errors (or predictions when ``scoring`` is
        set) in ``cv_results_`` (``cv=None``), or the GCV values (``cv='gcv'``).
    selection : {'min', '1se'}, default='min'
        'min': the α of the best mean CV score (``alpha_min_``). '1se': glmnet's
        one-standard-error rule (``alpha_1se_``), the largest α whose mean score is
        within one standard error of the best, SE = std(fold scores, ddof=1) / √K
        (glmnet's ``cvsd`` for unit weights; folds are not weighted by their sizes).
        With ``cv`` given, the fold scores are the K held-out scores of ``scoring``
        (``score_path_``; R² by default, as ``RidgeCV``; for glmnet's rule on the
        mean squared error pass ``scoring='neg_mean_squared_error'``).  With
        ``cv=None`` the folds are the n single samples: the SE is that of the n
        per-sample leave-one-out errors wₖeₖ² (what glmnet does with ``nfolds = n``),
        which needs ``scoring=None`` (a ValueError otherwise); with
        ``alpha_per_target`` it is per target.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature factors pⱼ ≥ 0 of the penalty ½α Σⱼ pⱼwⱼ², as in
        :class:`RidgeEigen` (pⱼ = 0: unpenalized feature).  Leave-one-out stays exact
        (see ``skreg._penalized_spectral.PenalizedSpectrum`` for the hat matrix).
    verbose : int, default=0
        Print one line per fold (K-fold: its size, its best α, the elapsed time), or one
        line for the exact leave-one-out or GCV pass.

    Attributes
    ----------
    alpha_ : float or ndarray of shape (n_targets,)
        Selected strength (``alpha_min_`` or ``alpha_1se_``, by ``selection``).
    alpha_min_ : float or ndarray of shape (n_targets,)
        The α of the best mean CV score (first one on ties, as ``RidgeCV``).
    alpha_1se_ : float or ndarray of shape (n_targets,)
        The largest α whose mean score is at least the best mean score minus its
        standard error.  Set when it is defined: with ``cv`` given, or with
        ``cv=None`` and ``scoring=None``.
    best_score_ : float or ndarray of shape (n_targets,)
        Mean CV score of ``alpha_`` (−GCV(``alpha_``) with ``cv='gcv'``).
    alphas_ : ndarray of shape (n_alphas,)
        The grid searched: ``alphas`` as an array, or the ``'auto'`` grid.
    cv_results_ : ndarray
        Only with ``store_cv_results=True``.  ``cv=None``: shape (n_samples, n_alphas)
        or (n_samples, n_targets, n_alphas).  ``cv='gcv'``: GCV(α), shape (n_alphas,)
        or (n_alphas, n_targets) (one column per target for 2-D y).
    score_path_ : ndarray of shape (n_alphas, n_folds) or (n_alphas, n_folds, n_targets)
        With ``cv`` folds: the score of each α on each held-out fold (per target
        with ``alpha_per_target``).
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        With ``cv`` given: the mean squared error of each α on each held-out fold,
        weighted by the fold's sample weights and averaged over targets (as
        ``LassoCV.mse_path_``).
    coef_, intercept_ : ndarrays
        The ridge solution on all data at ``alpha_``.
    alphas_ : ndarray of shape (n_alphas,)
        The grid used, in the user's order.
    coef_path_ : ndarray of shape coef_.shape + (n_alphas,)
        The full-data ridge solution at every α of ``alphas_`` (the α axis last, as
        ``lasso_path``), ŵ(α) = Σ βᵢ/(λᵢ + α) uᵢ from the final fit's one
        decomposition (or Krylov space): any α of the grid without a refit.
    intercept_path_ : ndarray of shape np.shape(intercept_) + (n_alphas,)
    path_summary_ : dict of ndarrays of shape (n_alphas,)
        glmnet's print of a path: ``alpha``, ``dof`` (Σλᵢ/(λᵢ + α), the effective
        degrees of freedom) and ``dev_ratio`` (1 − RSS/RSS of the weighted mean, on the
        full data).
    eigenvalues_, eigenvectors_, shrinkage_, effective_dof_ :
        As in :class:`RidgeEigen`, for the final fit.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    See Also
    --------
    sklearn.linear_model.RidgeCV : same selection (same ``alpha_`` and ``best_score_``
        for alphas > 0) by the dual formula.
    RidgeEigen : fixed α.
    RidgeEigenIC : α by AIC or BIC from the same decomposition.
    BayesianRidgeEigen : α by the evidence (MacKay), with posterior uncertainty.

    Notes
    -----
    Leave-one-out residuals come from the hat matrix A(α) = qqᵀ + U diag(λ/(λ+α)) Uᵀ
    (q the intercept direction) as eₖ = rₖ(α) / (1 − Aₖₖ(α)), written so that neither
    numerator nor denominator divides by α: alphas containing 0 or 1e-15 give finite
    errors (the derivation is in ``skreg._spectral.Spectrum.loo_residuals``).

    Sparse X (CSR/CSC) is centred implicitly, never densified.  Leave-one-out needs
    the exact decomposition and its left vectors U = X_w V / s (n × rank): it runs
    when the centred Gram or kernel (min(n, d)² floats) fits
    the memory budget (:func:`skreg.get_config`), and raises a ``ValueError`` asking
    for ``cv=K`` otherwise.  With ``cv`` given, each fold whose Gram/kernel does not
    fit, or for which ``RidgeEigen(solver='auto')`` would choose Lanczos, is solved by
    one Golub–Kahan (Lanczos) path for all alphas (tol 1e-6, see :class:`RidgeEigen`),
    and so is the final fit.

    Supports the array API (leave-one-out and K-fold): with
    ``sklearn.set_config(array_api_dispatch=True)`` the selection and the final fit run
    in X's namespace and on its device; ``alpha_`` and ``best_score_`` are Python floats
    (arrays of that namespace with ``alpha_per_target``), the other fitted arrays live
    there too.  Computation is in float64 where the device has it; on a float32-only
    device the leave-one-out errors carry a relative error of about
    1e-7·λ_max/(λ_min + α) (see ``docs/array_api.md``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import RidgeEigenCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = RidgeEigenCV(alphas=np.logspace(-3, 3, 13)).fit(X, y)
    >>> round(float(model.alpha_), 5), round(float(model.best_score_), 1)
    (0.00316, -2999.8)
    >>> model = RidgeEigenCV(alphas=np.logspace(-3, 3, 13), selection="1se").fit(X, y)
    >>> round(float(model.alpha_1se_), 3), bool(model.alpha_ == model.alpha_1se_)
    (0.316, True)
    """

    _supports_sparse = True

    _parameter_constraints: dict = {
        "alphas": ["array-like", Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "fit_intercept": ["boolean"],
        "cv": ["cv_object", StrOptions({"gcv"})],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "alpha_per_target": ["boolean"],
        "store_cv_results": ["boolean"],
        "selection": [StrOptions({"min", "1se"})],
        "penalty_factor": ["array-like", None],
        "verbose": ["verbose"],
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
        selection="min",
        penalty_factor=None,
        verbose=0,
    ):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.scoring = scoring
        self.alpha_per_target = alpha_per_target
        self.store_cv_results = store_cv_results
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # penalty factors and GCV: NumPy only
        tags.array_api_support = self.penalty_factor is None and self.cv != "gcv"
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None, **params):
        """Select α by cross-validation and fit ridge on all data with it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Used in every fit and in the score (as ``RidgeCV``; with ``cv`` given, when
            the scorer takes ``sample_weight``, as ``GridSearchCV`` forwards it).
        **params : dict
            Parameters of the CV splitter's ``split``, e.g. ``groups`` for ``GroupKFold``
            (with or without metadata routing; ``cv`` must split the data).

        Returns
        -------
        self : RidgeEigenCV
        """
        alphas = None if isinstance(self.alphas, str) else check_alphas(self.alphas)
        self._check_cv_options()
        self._split_kw = splitter_params(self, params)
        for name in ("alpha_1se_", "cv_results_", "score_path_", "mse_path_", "alphas_",
                     "_loo_curve"):
            self.__dict__.pop(name, None)  # attributes of an earlier fit's settings
        if is_dask_collection(X):
            if self._split_kw:
                raise ValueError("Splitter parameters (groups, ...) are not supported with Dask "
                                 "input: the folds are formed blockwise from cv=K.")
            self._fit_dask(X, y, sample_weight, alphas)
            return self
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        # beyond 1e±100 squared errors would overflow (every α ties at inf) or underflow
        mse_scored = self.cv is None or self.cv == "gcv"
        scaled = dict(_SCALED_ATTRIBUTES, alpha_=(2, 0), alpha_min_=(2, 0), alpha_1se_=(2, 0),
                      alphas_=(2, 0), mse_path_=(0, 2), cv_results_=(0, 2),
                      best_score_=(0, 2 if mse_scored else 0))
        if fit_if_extreme(self, X, y, sample_weight, {"alphas": (2, 0)}, scaled,
                          scale_y=self.scoring is None, **params):  # a custom score: y as it is
            return self
        self._penalty_factor = check_penalty_factor(self.penalty_factor, X.shape[1])
        _check_array_api_input(X, "eigen", self._penalty_factor)
        if mse_scored:
            _check_exact_fits(
                X, "cv='gcv'" if self.cv == "gcv" else "Exact leave-one-out (cv=None)"
            )
            select = self._select_by_loo if self.cv is None else self._select_by_gcv
            start = time.perf_counter()
            spectrum = select(X, y, sample_weight, alphas)
            if self.verbose:
                what = "exact leave-one-out" if self.cv is None else "GCV"
                print(f"{type(self).__name__}: {what} of {len(self.alphas_)} alphas from one "
                      f"decomposition, alpha_ = {self.alpha_} "
                      f"({time.perf_counter() - start:.2f} s)")
        else:
            spectrum = self._select_by_folds(X, y, sample_weight, alphas)
        if alphas is not None:
            warn_at_grid_edge(
                alphas, self.alpha_, getattr(self, "_public_name", type(self).__name__)
            )
        self._set_spectral_attributes(spectrum, self.alpha_, X.dtype, y.ndim)
        # the path over the whole grid, from the same decomposition (or Krylov space)
        self._set_path(spectrum, np.asarray(self.alphas_), X, y, sample_weight, X.dtype, y.ndim)
        xp, _, device = get_namespace_and_device(X)
        if not _is_numpy_namespace(xp):  # the grid is a fitted array: in X's namespace
            self.alphas_ = xp.asarray(self.alphas_, device=device)
        if isinstance(self.alpha_, np.ndarray):  # one α per target: in X's namespace
            self.alpha_ = xp.asarray(self.alpha_, device=device)
            self.best_score_ = xp.asarray(self.best_score_, device=device)
        return self

    def _check_cv_options(self):
        """Clear errors for settings that do not go together."""
        folds = self.cv is not None and not isinstance(self.cv, str)
        if folds and self.store_cv_results:
            raise ValueError("cv=K folds and store_cv_results=True are incompatible "
                             "(store_cv_results needs cv=None or cv='gcv')")
        if isinstance(self.cv, str) and self.selection == "1se":
            raise ValueError(
                "selection='1se' is not offered for cv='gcv': GCV gives one number per "
                "alpha, with no spread over folds to take a standard error of. Use "
                "selection='min', or cv=None / cv=K for the 1-SE rule."
            )
        if isinstance(self.cv, str) and self.scoring is not None:
            raise ValueError(
                "cv='gcv' ranks alphas by the GCV criterion itself; scoring must be None "
                "(use cv=None or cv=K to score with a scorer)."
            )
        if self.cv is None and self.selection == "1se" and self.scoring is not None:
            raise ValueError(
                "selection='1se' with cv=None needs scoring=None: the standard error is "
                "taken over the n per-sample leave-one-out squared errors, which a general "
                "scorer does not define. Use scoring=None, or cv=K folds with the scorer."
            )

    def _fit_dask(self, X, y, sample_weight, alphas):
        """Dask input: K folds from fold statistics (one pass), or leave-one-out."""
        if alphas is None or self.cv == "gcv" or (self.cv is not None and self.alpha_per_target):
            raise ValueError(
                "Dask input supports a given alphas grid with leave-one-out (cv=None) or K "
                "folds without alpha_per_target; alphas='auto', cv='gcv' and per-target "
                "K-fold need the data in memory (compute the arrays)."
            )
        if self.cv is not None:  # K-fold from fold statistics, one pass (skreg._data._dask)
            from .._data._dask import kfold_ridge_cv

            scores, spectrum, dtype, y_ndim = kfold_ridge_cv(
                self, X, y, sample_weight, alphas,
                lambda stats: _decompose_ridge_gram(
                    stats, check_penalty_factor(self.penalty_factor, self.n_features_in_),
                    fit_intercept=self.fit_intercept),
            )
            self.score_path_ = scores.T  # (n_alphas, n_folds)
            self._set_selection(alphas, self.score_path_.mean(axis=1),
                                standard_error(self.score_path_, axis=1), False)
        else:
            spectrum, dtype, y_ndim = self._select_by_loo_dask(X, y, sample_weight, alphas)
        self.alphas_ = alphas
        warn_at_grid_edge(alphas, self.alpha_, type(self).__name__, stacklevel=6)
        self._set_spectral_attributes(spectrum, self.alpha_, dtype, y_ndim)
        self._set_path(spectrum, alphas, X, y, sample_weight, dtype, y_ndim)

    def _grid(self, spectrum, alphas):
        """The user's grid, or the 'auto' grid of the spectrum; stored as ``alphas_``
        (in the namespace of the fit, on its device)."""
        if alphas is None:
            xp, _, _ = get_namespace_and_device(spectrum.eigenvalues)
            alphas = dof_grid(_to_host(spectrum.eigenvalues, _is_numpy_namespace(xp)))
        self.alphas_ = alphas
        return alphas

    def _select_by_gcv(self, X, y, sample_weight, alphas):
        """Generalized cross-validation from one decomposition (``skreg._criteria``)."""
        _check_numpy_only(X, "cv='gcv'")
        spectrum = self._decompose(X, y, sample_weight)
        alphas = self._grid(spectrum, alphas)
        n = X.shape[0]
        weight_sum = float(n if sample_weight is None else np.sum(sample_weight))
        rss0 = least_squares_rss(spectrum, X, y, sample_weight)
        gcv = gcv_criterion(spectrum, alphas, rss0, n, weight_sum)  # (m, t)
        per_target = self.alpha_per_target and y.ndim == 2 and y.shape[1] > 1
        self._set_selection(alphas, -(gcv if per_target else gcv.mean(axis=1)), None, per_target)
        if self.store_cv_results:
            self.cv_results_ = (gcv[:, 0] if y.ndim == 1 else gcv).astype(X.dtype)
        return spectrum

    # hooks for RidgeEigenClassifierCV (skreg.linear_model._ridge_classifier): the
    # default K-fold score, the splitter and how a scorer sees made predictions
    _default_fold_scoring = "r2"

    def _cv_splits(self, X, y):
        return check_cv(self.cv).split(X, y, **getattr(self, "_split_kw", {}))

    def get_metadata_routing(self):
        """The routing of ``fit``'s splitter parameters (``groups``) to ``cv``.

        Returns
        -------
        sklearn.utils.metadata_routing.MetadataRouter
        """
        return splitter_routing(self)

    def _score_predictions(self, scorer, predictions, y_true, **kwargs):
        return scorer(_IdentityRegressor(), predictions, y_true, **kwargs)

    def _set_path(self, spectrum, alphas, X, y, sample_weight, dtype, y_ndim):
        """alphas_, coef_path_, intercept_path_ and path_summary_ over the grid.

        ``coef_path_`` has shape ``coef_.shape + (n_alphas,)`` (scikit-learn's
        ``lasso_path`` order), from the full data's spectrum: ŵ(α) = Σ βᵢ/(λᵢ + α) uᵢ
        for every α at once.  ``path_summary_['dev_ratio']`` is 1 − RSS(α)/RSS_null on
        the full (weighted) data, the null model being the (weighted) mean.
        """
        xp, _, device = get_namespace_and_device(spectrum.eigenvalues)
        coefs = spectrum.ridge_coef(alphas)  # (m, t, d)
        intercepts = spectrum.intercept(coefs)  # (m, t)
        dof = getattr(spectrum, "effective_dof", None) or (
            lambda a: spectrum.shrinkage(a).sum(axis=1))
        is_numpy = _is_numpy_namespace(xp)
        self.alphas_ = alphas.copy() if is_numpy else xp.asarray(alphas, device=device)
        if y_ndim == 1 or coefs.shape[1] == 1:
            path, b = coefs[:, 0, :].T, intercepts[:, 0]
            if y_ndim == 2:
                b = xp.reshape(b, (1, -1))
        else:
            path, b = xp.permute_dims(coefs, (1, 2, 0)), intercepts.T
        self.coef_path_ = xp.astype(path, dtype, copy=False)
        self.intercept_path_ = xp.astype(b, dtype, copy=False)
        self.path_summary_ = {
            "alpha": alphas.copy(),
            "dof": np.asarray(_to_host(dof(alphas), is_numpy), dtype=np.float64),
            "dev_ratio": _dev_ratio(X, y, sample_weight, coefs, intercepts, self.fit_intercept),
        }

    def _decompose(self, X, y, sample_weight, keep_left=False):
        return _decompose_ridge(X, y, sample_weight, self._penalty_factor,
                                fit_intercept=self.fit_intercept, keep_left=keep_left)

    def _set_selection(self, alphas, mean, sem, per_target):
        """alpha_min_, alpha_1se_ (when ``sem`` is given), alpha_ and best_score_."""
        mean2 = mean.reshape(len(alphas), -1)
        sem2 = np.zeros_like(mean2) if sem is None else sem.reshape(len(alphas), -1)
        best, one_se = min_and_one_se(alphas, mean2, sem2)
        chosen = one_se if self.selection == "1se" else best
        cols = np.arange(mean2.shape[1])
        if per_target:
            self.alpha_min_ = alphas[best]
            if sem is not None:
                self.alpha_1se_ = alphas[one_se]
            self.alpha_ = alphas[chosen]
            self.best_score_ = mean2[chosen, cols]
        else:
            self.alpha_min_ = float(alphas[best[0]])
            if sem is not None:
                self.alpha_1se_ = float(alphas[one_se[0]])
            self.alpha_ = float(alphas[chosen[0]])
            self.best_score_ = float(mean2[chosen[0], 0])

    def _fold_path(self, X, y, sample_weight, alphas):
        """The spectrum serving ``alphas`` on (X, y): exact within the budget, else Lanczos.

        Returns an object with a ``spectrum`` attribute (a KrylovPath, or a stand-in).
        """
        if is_sparse(X) and self._penalty_factor is None and _auto_solver(X) != "eigen":
            return _krylov_for_ridge(X, y, sample_weight, bool(self.fit_intercept), alphas,
                                     _CV_TOL, None)
        return _Exact(self._decompose(X, y, sample_weight))

    def _select_by_loo(self, X, y, sample_weight, alphas):
        spectrum = self._decompose(X, y, sample_weight, keep_left=True)
        alphas = self._grid(spectrum, alphas)
        xp, _, device = get_namespace_and_device(X)
        is_numpy = _is_numpy_namespace(xp)
        n_samples = X.shape[0]
        looe = spectrum.loo_residuals(alphas)  # (m, n, t), √w-scaled
        per_target = self.alpha_per_target and y.ndim == 2 and y.shape[1] > 1
        sem = None
        if self.scoring is None:
            squared = looe**2
            # per-sample errors: the n "folds" of leave-one-out, for the 1-SE rule
            per_sample = squared if per_target else xp.mean(squared, axis=2)  # (m, n[, t])
            scores = -xp.mean(per_sample, axis=1)
            sem = standard_error(per_sample, axis=1)
            results = squared
            if not is_numpy:  # m (× t) numbers: select on the host
                scores, sem = _to_host(scores, False), _to_host(sem, False)
            if not per_target:  # what CVCurveDisplay draws (mean and SE of the n errors)
                self._loo_curve = (
                    -np.asarray(scores, dtype=np.float64),
                    np.asarray(sem, dtype=np.float64),
                )
        else:
            y2 = xp.astype(xp.reshape(y, (n_samples, -1)), looe.dtype)
            if spectrum.sqrt_sw is None:
                predictions = y2 - looe
            else:  # back to the original scale; zero-weight samples keep their fit
                sqrt_sw = spectrum.sqrt_sw[None, :, None]
                positive = sqrt_sw > 0
                one = xp.ones((), dtype=looe.dtype, device=device)
                resid = xp.where(positive, looe / xp.where(positive, sqrt_sw, one), 0 * one)
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
                        for p in (predictions[i, ...] for i in range(predictions.shape[0]))
                    ]
                )
            else:
                target = y2[:, 0] if y.ndim == 1 else y2
                scores = np.array(
                    [
                        self._score_predictions(scorer, p[:, 0] if y.ndim == 1 else p, target,
                                                **kwargs)
                        for p in (predictions[i, ...] for i in range(predictions.shape[0]))
                    ]
                )
            results = predictions
        self._set_selection(alphas, scores, sem, per_target)
        if self.store_cv_results:
            res = xp.permute_dims(results, (1, 2, 0))  # (n, t, m)
            self.cv_results_ = xp.astype(res[:, 0, :] if y.ndim == 1 else res, X.dtype)
        return spectrum

    def _select_by_loo_dask(self, X, y, sample_weight, alphas):
        """Leave-one-out on a Dask cluster: statistics pass, then a residual pass.

        The first pass reduces the data to d×d statistics; the second computes each
        block's leave-one-out residuals from the global decomposition
        (:meth:`Spectrum.loo_residuals_for`) and returns only their sums (and sums of
        squares, for the 1-SE rule) of the per-sample squared errors.
        """
        from .._data._dask import as_dask_array, map_row_blocks

        if self.cv is not None or self.scoring is not None or self.store_cv_results:
            raise ValueError(
                "Dask input supports the efficient leave-one-out selection only: use "
                "cv=None, scoring=None and store_cv_results=False (or compute the arrays)."
            )
        stats, dtype, y_ndim = validate_dask_fit_data(self, X, y, sample_weight)
        factor = check_penalty_factor(self.penalty_factor, self.n_features_in_)
        spectrum = _decompose_ridge_gram(stats, factor, fit_intercept=self.fit_intercept)
        per_target = self.alpha_per_target and y_ndim == 2 and stats.Sxy.shape[1] > 1

        def block_sums(Xb, yb, wb):
            squared = spectrum.loo_residuals_for(Xb, yb, wb, stats.weight_sum, alphas) ** 2
            per_sample = squared if per_target else squared.mean(axis=2, keepdims=True)
            top = per_sample.max(axis=1)  # (m, t): Σs² kept as top² Σ(s/top)², no overflow
            top = np.where(top > 0, top, 1.0)
            return per_sample.sum(axis=1), top, ((per_sample / top[:, None, :]) ** 2).sum(axis=1)

        Xd, yd = as_dask_array(X, "X"), as_dask_array(y, "y")
        wd = None if sample_weight is None else as_dask_array(sample_weight, "sample_weight")
        parts = map_row_blocks(block_sums, Xd, yd, wd)
        n = stats.n_samples
        mean = np.sum([p[0] for p in parts], axis=0) / n
        top = np.max([p[1] for p in parts], axis=0)
        squares = np.sum([(p[1] / top) ** 2 * p[2] for p in parts], axis=0)  # Σs² / top²
        if n > 1:  # std(ddof=1) / √n from the two sums
            var = np.maximum(squares - n * (mean / top) ** 2, 0.0) / (n - 1)
            sem = top * np.sqrt(var / n)
        else:
            sem = np.zeros_like(mean)
        self._set_selection(alphas, -mean, sem, per_target)
        if not per_target:
            self._loo_curve = (np.ravel(mean).astype(np.float64), np.ravel(sem).astype(np.float64))
        return spectrum, dtype, y_ndim

    def _select_by_folds(self, X, y, sample_weight, alphas):
        """K-fold selection; returns the decomposition of the full data at ``alpha_``."""
        xp, _, device = get_namespace_and_device(X)
        is_numpy = _is_numpy_namespace(xp)
        full = None
        if alphas is None:  # 'auto': the grid of the full data's spectrum
            if is_sparse(X) and self._penalty_factor is None and _auto_solver(X) != "eigen":
                raise ValueError(
                    "alphas='auto' reads the grid off the exact spectrum, but this sparse X "
                    "takes the Lanczos route (beyond "
                    "skreg.get_config()['exact_max_side_sparse'] or "
                    "the memory budget). Pass an explicit alphas grid."
                )
            full = _Exact(self._decompose(X, y, sample_weight))
        alphas = self._grid(None if full is None else full.spectrum, alphas)
        per_target = self.alpha_per_target and y.ndim == 2 and y.shape[1] > 1
        scorer = check_scoring(self, scoring=self.scoring or self._default_fold_scoring)
        weighted_score = sample_weight is not None and getattr(
            scorer, "_accept_sample_weight", lambda: False)()
        Y = xp.reshape(y, (y.shape[0], -1))
        n_alphas, n_targets = len(alphas), Y.shape[1]
        fold_scores, fold_mse, test_sizes = [], [], []
        start = time.perf_counter()
        for k, (train, test) in enumerate(self._cv_splits(X, y)):
            sw = None if sample_weight is None else _rows(sample_weight, train, xp, device)
            if sw is not None:
                check_split_weight(k, float(xp.sum(sw)))
            test_sizes.append(len(test))
            spectrum = self._fold_path(_rows(X, train, xp, device), _rows(y, train, xp, device),
                                       sw, alphas).spectrum
            coefs = spectrum.ridge_coef(alphas)  # (m, t, d)
            intercepts = spectrum.intercept(coefs)  # (m, t)
            X_test = _rows(X, test, xp, device)
            X_test = X_test.astype(np.float64) if is_numpy else xp.astype(X_test, coefs.dtype)
            flat = X_test @ xp.reshape(coefs, (n_alphas * n_targets, -1)).T  # (n_test, m·t)
            flat = np.asarray(flat) if is_numpy else flat  # a sparse product may give np.matrix
            preds = xp.permute_dims(xp.reshape(flat, (-1, n_alphas, n_targets)), (1, 0, 2))
            preds = preds + intercepts[:, None, :]
            sw_test = None if sample_weight is None else _rows(sample_weight, test, xp, device)
            Y_test = xp.astype(_rows(Y, test, xp, device), preds.dtype)  # (integer y, array API)
            squared = xp.mean((preds - Y_test) ** 2, axis=2)  # (m, n_test)
            if sw_test is not None and float(xp.sum(sw_test)) > 0:
                fold_mse.append(_to_host(squared @ sw_test / xp.sum(sw_test), is_numpy))
            else:
                fold_mse.append(_to_host(xp.mean(squared, axis=1), is_numpy))
            y_test = _rows(y, test, xp, device)
            # weighted held-out scores, as GridSearchCV (scikit-learn >= 1.8) scores RidgeCV's
            score_kw = {"sample_weight": sw_test} if weighted_score else {}
            if per_target:  # (m, t): column j scored alone, as a fit of target j alone
                fold_scores.append([[scorer(_IdentityRegressor(), preds[i, :, j], Y_test[:, j],
                                            **score_kw)
                                     for j in range(n_targets)] for i in range(n_alphas)])
            else:
                fold_scores.append(
                    [
                        self._score_predictions(scorer, p[:, 0] if y.ndim == 1 else p, y_test,
                                                **score_kw)
                        for p in (preds[i, ...] for i in range(n_alphas))
                    ]
                )
            if self.verbose:
                best = alphas[int(np.argmax(np.mean(np.reshape(fold_scores[-1], (n_alphas, -1)),
                                                    axis=1)))]
                print(f"{type(self).__name__}: fold {k + 1}, {len(train)} training rows, best "
                      f"alpha {float(best):.4g} ({time.perf_counter() - start:.2f} s)")
        # (m, K), or (m, K, t) per target
        self.score_path_ = np.moveaxis(np.asarray(fold_scores, dtype=np.float64), 0, 1)
        self.mse_path_ = np.asarray(fold_mse, dtype=np.float64).T
        by_fold = np.moveaxis(self.score_path_, 1, -1).reshape(-1, len(test_sizes))  # (m[·t], K)
        check_fold_scores(by_fold, test_sizes, self.scoring or self._default_fold_scoring)
        mean = self.score_path_.mean(axis=1)
        self._set_selection(alphas, mean, standard_error(self.score_path_, axis=1), per_target)
        if not is_numpy:  # the paths are fitted attributes: in X's namespace
            self.score_path_ = xp.asarray(self.score_path_, device=device)
            self.mse_path_ = xp.asarray(self.mse_path_, device=device)
        if full is None:  # the whole grid: the path behind the CV fit (one Krylov space)
            full = self._fold_path(X, y, sample_weight, alphas)
        return full.spectrum
