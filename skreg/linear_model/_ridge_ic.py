"""RidgeEigenIC: ridge with α chosen by AIC or BIC, from one eigendecomposition."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import column_or_1d

from .._utils._atomic import atomic_fit
from .._criteria import (
    dof_grid,
    information_criterion,
    least_squares_rss,
    ridge_dof,
    ridge_rss,
)
from ..penalties import check_penalty_factor
from ._base import LinearRegressorMixin, check_alphas, validate_fit_data
from ._cv import warn_at_grid_edge
from ._ridge import (
    _SCALED_ATTRIBUTES,
    _check_exact_fits,
    _check_numpy_only,
    _decompose_ridge,
)
from ._scaling import fit_if_extreme

__all__ = ["RidgeEigenIC"]


class SingleTargetRegressorMixin(LinearRegressorMixin):
    """A linear regressor of one target (``RidgeEigenIC``, ``BayesianRidgeEigen``)."""

    _supports_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        return tags

    def _validate_single_target(self, X, y, sample_weight):
        """validate_fit_data with y of shape (n,) (a column raveled with scikit-learn's
        DataConversionWarning; more columns raise ValueError); NumPy and SciPy input
        only, the exact decomposition within the memory budget."""
        _check_numpy_only(X, type(self).__name__)
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        y = column_or_1d(y, warn=True)
        _check_exact_fits(X, type(self).__name__)
        return X, y, sample_weight


class RidgeEigenIC(SingleTargetRegressorMixin, BaseEstimator):
    """Ridge regression with α chosen by an information criterion (AIC or BIC).

    Every α of the grid is scored from one eigendecomposition, without refitting:
    the degrees of freedom and the residual sum of squares are sums over the
    eigenvalues (``skreg._criteria``).

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,) or 'auto', default='auto'
        Candidate strengths α ≥ 0 (``RidgeEigen`` units).  ``'auto'``: 50 strengths
        read off the spectrum at which dof runs evenly from about 0.5 to about
        rank − 0.5 (``skreg._criteria.dof_grid``).  A chosen α at an end of a user
        grid of two or more values raises a ``UserWarning``.
    criterion : {'aic', 'bic'}, default='aic'
    noise_variance : float, default=None
        The noise variance σ² of a sample of weight 1, if known.  None: σ² is profiled
        out (n·log(RSS/n)), which needs no least-squares fit, so n ≤ p works.
    fit_intercept : bool, default=True
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature factors pⱼ ≥ 0 of the penalty, as in :class:`RidgeEigen`; each
        unpenalized column counts as one degree of freedom.

    Attributes
    ----------
    alpha_ : float
        The α of the smallest criterion (the first one on ties).
    alphas_ : ndarray of shape (n_alphas,)
        The grid scored.
    criterion_ : ndarray of shape (n_alphas,)
        The criterion of each α.
    dof_ : ndarray of shape (n_alphas,)
        dof(α) = Σᵢ λᵢ/(λᵢ + α) + 1 for a fitted intercept (+ the rank of the
        unpenalized columns).
    noise_variance_ : float
        ``noise_variance`` when given, else RSS(α_)/(n − dof(α_)).
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    eigenvalues_, eigenvectors_, shrinkage_, effective_dof_ :
        As in :class:`RidgeEigen`, at ``alpha_``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    sklearn.linear_model.LassoLarsIC : the same criteria for the lasso path (n > p only).
    RidgeEigenCV : α by leave-one-out, GCV or K-fold cross-validation.

    Notes
    -----
    With n the number of samples, sample weights normalized to mean 1 (RSS in units of
    a sample of weight 1, so scaling every weight by c changes nothing) and
    dof(α) = Σᵢ λᵢ/(λᵢ + α) + [fit_intercept] (the trace of the hat matrix):

        AIC(α) = n·log(RSS(α)/n) + 2·dof(α),      BIC(α) = n·log(RSS(α)/n) + log(n)·dof(α)

    and with a known σ²: RSS(α)/σ² + 2·dof(α) (AIC), RSS(α)/σ² + log(n)·dof(α) (BIC).
    These are Hastie, Tibshirani and Friedman, *The Elements of Statistical Learning*,
    §7.5–7.7, with the effective number of parameters of §7.6.  scikit-learn's
    ``LassoLarsIC`` adds the constant n·log(2πσ²) with a given σ² (the same argmin)
    and counts the intercept out of its degrees of freedom (a shift by 2 or log n).
    RSS(α) = RSS₀ + Σᵢ (α/(λᵢ + α))² bᵢ² with RSS₀ the least-squares residual
    computed once from the data.  A user grid that contains an α at which the model
    interpolates the data (RSS = 0, e.g. α = 0 with p ≥ n) raises a ``ValueError``
    when σ² is profiled out (log 0).  X or y beyond 1e±100 is fitted on rescaled data
    and mapped back (``skreg.linear_model._scaling``), so the criteria stay finite.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import RidgeEigenIC
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = RidgeEigenIC(criterion="bic").fit(X, y)
    >>> model.alphas_.shape, model.criterion_.shape
    ((50,), (50,))
    >>> round(float(model.dof_.min()), 2), round(float(model.dof_.max()), 2)
    (1.5, 10.5)
    """

    _parameter_constraints: dict = {
        "alphas": ["array-like", StrOptions({"auto"})],
        "criterion": [StrOptions({"aic", "bic"})],
        "noise_variance": [Interval(Real, 0, None, closed="neither"), None],
        "fit_intercept": ["boolean"],
        "penalty_factor": ["array-like", None],
    }

    def __init__(self, alphas="auto", *, criterion="aic", noise_variance=None,
                 fit_intercept=True, penalty_factor=None):
        self.alphas = alphas
        self.criterion = criterion
        self.noise_variance = noise_variance
        self.fit_intercept = fit_intercept
        self.penalty_factor = penalty_factor

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Score every α by the criterion and fit ridge at the best one.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Relative precisions of the samples (normalized to mean 1 in the criterion).

        Returns
        -------
        self : RidgeEigenIC
        """
        alphas = None if isinstance(self.alphas, str) else check_alphas(self.alphas)
        X, y, sample_weight = self._validate_single_target(X, y, sample_weight)
        scaled = dict(_SCALED_ATTRIBUTES, alpha_=(2, 0), alphas_=(2, 0), noise_variance_=(0, 2))
        if fit_if_extreme(self, X, y, sample_weight, {"alphas": (2, 0), "noise_variance": (0, 2)},
                          scaled):  # beyond 1e±100: fitted on X/s_x, y/s_y, mapped back
            if self.noise_variance is None:  # n·log(RSS/n) moves by n·log(s_y²)
                self.criterion_ = self.criterion_ + X.shape[0] * 2 * np.log(self._data_scale[1])
            return self
        factor = check_penalty_factor(self.penalty_factor, X.shape[1])
        spectrum = _decompose_ridge(X, y, sample_weight, factor,
                                    fit_intercept=bool(self.fit_intercept))
        grid = dof_grid(spectrum.eigenvalues) if alphas is None else alphas
        n = X.shape[0]
        if self.noise_variance is None and n <= int(self.fit_intercept):
            raise ValueError(f"RidgeEigenIC needs at least 2 samples with an intercept "
                             f"(the residual variance is profiled out); got n_samples = {n}.")
        weight_sum = float(n if sample_weight is None else np.sum(sample_weight))
        rss0 = least_squares_rss(spectrum, X, y, sample_weight)
        rss = ridge_rss(spectrum, grid, rss0)[:, 0] * (n / weight_sum)
        dof = ridge_dof(spectrum, grid)
        if self.noise_variance is None and np.any(rss <= 0):
            raise ValueError(
                f"alphas {grid[rss <= 0][:5]} fit the data exactly (RSS = 0: the model "
                f"interpolates the n = {n} samples, or y is constant): n*log(RSS/n) is "
                "undefined there. Remove them, use alphas='auto', or pass noise_variance."
            )
        crit = information_criterion(rss, dof, n, self.criterion, self.noise_variance)
        best = int(np.argmin(crit))
        self.alphas_, self.criterion_, self.dof_ = grid, crit, dof
        self.alpha_ = float(grid[best])
        if self.noise_variance is not None:
            self.noise_variance_ = float(self.noise_variance)
        else:  # RSS > 0 means dof < n (k0 + rank < n, see _criteria.least_squares_rss)
            self.noise_variance_ = float(rss[best] / (n - dof[best]))
        if alphas is not None:
            warn_at_grid_edge(alphas, self.alpha_, type(self).__name__)
        self._set_spectral_attributes(spectrum, self.alpha_, X.dtype, 1)
        return self
