"""BayesianRidgeEigen: ridge with α from the evidence (MacKay), in the eigenbasis of XᵀX."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils._atomic import atomic_fit
from .._criteria import (
    evidence_fixed_point,
    least_squares_rss,
    penalized_directions,
    posterior_covariance,
    posterior_quadratic,
)
from .._spectral import decompose
from ._base import _sparse_formats
from ._ridge_ic import SingleTargetRegressorMixin
from ._scaling import data_scales

__all__ = ["BayesianRidgeEigen"]


class BayesianRidgeEigen(SingleTargetRegressorMixin, BaseEstimator):
    """Bayesian ridge regression: α maximizes the evidence, from one eigendecomposition.

    The Gaussian-prior reading of L2 (the lecture's MAP section): w ~ N(0, I/λ_w),
    yₖ | w ~ N(b + xₖᵀw, 1/(β sₖ)) with sₖ the normalized sample weights, Gamma
    hyperpriors on β and λ_w as in :class:`sklearn.linear_model.BayesianRidge`.  The
    noise precision β and the weight precision λ_w are MacKay's fixed point of the
    evidence, the same iteration as scikit-learn's, each step an O(rank) update on the
    eigenvalues of the centred XᵀX (``skreg._criteria.evidence_fixed_point``).

    Parameters
    ----------
    max_iter : int, default=300
        Largest number of fixed-point iterations.
    tol : float, default=1e-6
        Stop when the posterior mean changed by at most ``tol`` relative to its norm
        in one iteration (a ``ConvergenceWarning`` when ``max_iter`` comes first).
    alpha_init : float, default=None
        Starting ridge strength λ_w/β (``RidgeEigen`` units).  None: β = 1/Var(y)
        and λ_w = 1, scikit-learn's start; otherwise β = 1/Var(y), λ_w = alpha_init·β.
    alpha_1, alpha_2 : float, default=1e-6
        Shape and rate of the Gamma hyperprior on the noise precision β
        (scikit-learn's ``alpha_1``, ``alpha_2``).
    lambda_1, lambda_2 : float, default=1e-6
        Shape and rate of the Gamma hyperprior on the weight precision λ_w.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (flat prior), by centring.
    compute_score : bool, default=False
        Keep the log evidence of each iteration in ``scores_``.

    Attributes
    ----------
    alpha_ : float
        The ridge strength weight_precision_ / noise_precision_, in ``RidgeEigen``
        units: ``RidgeEigen(alpha=model.alpha_)`` gives the same ``coef_`` (with the
        sample weights divided by their mean).  scikit-learn's ``BayesianRidge``
        calls β ``alpha_`` and λ_w ``lambda_``: our ``alpha_`` is its
        ``lambda_ / alpha_``.
    noise_precision_ : float
        β (scikit-learn's ``alpha_``), the inverse noise variance of a sample of
        weight 1.
    weight_precision_ : float
        λ_w (scikit-learn's ``lambda_``).
    coef_ : ndarray of shape (n_features,)
        Posterior mean of the weights.
    intercept_ : float
    coef_std_ : ndarray of shape (n_features,)
        Posterior standard deviations √Σⱼⱼ.
    sigma_ : ndarray of shape (n_features, n_features)
        The posterior covariance Σ = (βX_cᵀSX_c + λ_wI)⁻¹, computed on first access
        from the eigendecomposition (null directions of X keep the prior 1/λ_w).
    scores_ : ndarray of shape (n_iter_ + 1,)
        Log evidence (with the hyperpriors) at each iteration and at the end; only
        with ``compute_score=True``.
    n_iter_ : int
    eigenvalues_, eigenvectors_, shrinkage_, effective_dof_ :
        As in :class:`RidgeEigen` at ``alpha_``; ``effective_dof_`` is MacKay's γ,
        the number of well-determined parameters.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    sklearn.linear_model.BayesianRidge : the same model and iteration (SVD of X).
    RidgeEigenIC, RidgeEigenCV : α by an information criterion or cross-validation.

    Notes
    -----
    With H = X_cᵀSX_c = Σ λᵢuᵢuᵢᵀ, bᵢ = uᵢᵀX_cᵀSy_c/√λᵢ and a = λ_w/β, the posterior
    mean is the ridge solution Σ √λᵢbᵢ/(λᵢ + a) uᵢ, γ = Σ λᵢ/(λᵢ + a), and

        λ_w ← (γ + 2λ₁)/(‖m‖² + 2λ₂),     β ← (n − γ + 2α₁)/(RSS + 2α₂)

    with RSS = RSS₀ + a²Σ bᵢ²/(λᵢ + a)² (MacKay 1992; Tipping 2001).  The sample
    weights are relative precisions normalized to mean 1 (S = diag(s), Σsₖ = n):
    multiplying every weight by the same number changes nothing, noise precision and
    predictive standard deviation included (scikit-learn issue #24313).  The
    posterior covariance is complete also for p > n: directions outside the row
    space of X_c keep the prior variance 1/λ_w.  ``predict(X, return_std=True)``
    returns √(1/β + 1/(βn) + (x − x̄)ᵀΣ(x − x̄)), the middle term being the
    intercept's posterior variance (absent without intercept).  The Gamma hyperpriors
    are not scale-free: X or y beyond 1e±100 raises a ``ValueError`` (rescale first).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import BayesianRidgeEigen, RidgeEigen
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = BayesianRidgeEigen().fit(X, y)
    >>> round(model.alpha_, 4), model.coef_std_.shape
    (0.0336, (10,))
    >>> bool(np.allclose(RidgeEigen(alpha=model.alpha_).fit(X, y).coef_, model.coef_))
    True
    >>> mean, std = model.predict(X[:2], return_std=True)
    >>> std.round(1)
    array([54.6, 54.7])
    """

    _parameter_constraints: dict = {
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "alpha_init": [Interval(Real, 0, None, closed="neither"), None],
        "alpha_1": [Interval(Real, 0, None, closed="left")],
        "alpha_2": [Interval(Real, 0, None, closed="left")],
        "lambda_1": [Interval(Real, 0, None, closed="left")],
        "lambda_2": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "compute_score": ["boolean"],
    }

    def __init__(self, *, max_iter=300, tol=1e-6, alpha_init=None, alpha_1=1e-6,
                 alpha_2=1e-6, lambda_1=1e-6, lambda_2=1e-6, fit_intercept=True,
                 compute_score=False):
        self.max_iter = max_iter
        self.tol = tol
        self.alpha_init = alpha_init
        self.alpha_1 = alpha_1
        self.alpha_2 = alpha_2
        self.lambda_1 = lambda_1
        self.lambda_2 = lambda_2
        self.fit_intercept = fit_intercept
        self.compute_score = compute_score

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Maximize the evidence over (β, λ_w) and store the posterior.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Relative precisions (normalized to mean 1).

        Returns
        -------
        self : BayesianRidgeEigen
        """
        X, y, sample_weight = self._validate_single_target(X, y, sample_weight)
        if data_scales(X, y) != (1.0, 1.0):
            raise ValueError(
                "BayesianRidgeEigen: X or y lies beyond 1e±100. The Gamma hyperpriors "
                "(alpha_1, alpha_2, lambda_1, lambda_2) are not scale-free, so the evidence "
                "there is dominated by them or overflows; rescale X and y first (e.g. "
                "StandardScaler, TransformedTargetRegressor)."
            )
        n, d = X.shape
        if sample_weight is not None:
            sample_weight = sample_weight * (n / np.sum(sample_weight))
        spectrum = decompose(X, y, sample_weight, fit_intercept=bool(self.fit_intercept))
        lam, b, _ = penalized_directions(spectrum)
        rss0 = float(least_squares_rss(spectrum, X, y, sample_weight)[0])
        y64 = np.asarray(y, dtype=np.float64)
        y_mean = np.average(y64, weights=sample_weight)
        y_var = np.average((y64 - y_mean) ** 2, weights=sample_weight)
        beta = 1.0 / (y_var + np.finfo(np.float64).eps)
        wp = 1.0 if self.alpha_init is None else self.alpha_init * beta
        fit = evidence_fixed_point(
            lam, b, rss0, n, d, noise_precision=beta, weight_precision=wp,
            max_iter=self.max_iter, tol=self.tol,
            hyper=(self.alpha_1, self.alpha_2, self.lambda_1, self.lambda_2),
            compute_score=self.compute_score,
        )
        if not fit.converged:
            warnings.warn(
                f"BayesianRidgeEigen: the evidence fixed point did not converge in "
                f"max_iter={self.max_iter} iterations (tol={self.tol:g}). Increase max_iter.",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.noise_precision_ = float(fit.noise_precision)
        self.weight_precision_ = float(fit.weight_precision)
        self.alpha_ = self.weight_precision_ / self.noise_precision_
        self.n_iter_ = fit.n_iter
        self._n_samples = n
        if self.compute_score:
            self.scores_ = fit.scores
        else:
            self.__dict__.pop("scores_", None)
        self._set_spectral_attributes(spectrum, self.alpha_, X.dtype, 1)
        self._posterior = (np.asarray(spectrum.eigenvectors, dtype=np.float64),
                           np.asarray(spectrum.eigenvalues, dtype=np.float64),
                           np.asarray(spectrum.X_offset, dtype=np.float64))
        self.__dict__.pop("_sigma", None)
        V, lam_all, _ = self._posterior
        var = posterior_quadratic(V, np.ones(d), lam_all, d, self.noise_precision_,
                                  self.weight_precision_)
        self.coef_std_ = np.sqrt(var).astype(X.dtype)
        return self

    @property
    def sigma_(self):
        """Posterior covariance of the weights, shape (n_features, n_features)."""
        check_is_fitted(self)
        if "_sigma" not in self.__dict__:
            V, lam_all, _ = self._posterior
            self._sigma = posterior_covariance(V, lam_all, self.noise_precision_,
                                               self.weight_precision_)
        return self._sigma

    def predict(self, X, return_std=False):
        """Predictive mean, and optionally its standard deviation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        return_std : bool, default=False
            Also return √(1/β + 1/(βn) + (x − x̄)ᵀΣ(x − x̄)): the noise, the
            intercept's uncertainty (with ``fit_intercept``) and the weights'.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,)
        y_std : ndarray of shape (n_samples,)
            Only with ``return_std=True``.
        """
        y_mean = super().predict(X)
        if not return_std:
            return y_mean
        X = validate_data(self, X, accept_sparse=_sparse_formats(self),
                          dtype=[np.float64, np.float32], reset=False)
        V, lam_all, x_mean = self._posterior
        if sparse.issparse(X):
            Z = np.asarray(X @ V) - x_mean @ V
            sq = (np.asarray(X.multiply(X).sum(axis=1)).ravel() - 2 * np.asarray(X @ x_mean).ravel()
                  + x_mean @ x_mean)
        else:
            Xc = np.asarray(X, dtype=np.float64) - x_mean
            Z, sq = Xc @ V, np.einsum("ij,ij->i", Xc, Xc)
        var = posterior_quadratic(Z, sq, lam_all, X.shape[1], self.noise_precision_,
                                  self.weight_precision_) + 1.0 / self.noise_precision_
        if self.fit_intercept:
            var = var + 1.0 / (self.noise_precision_ * self._n_samples)
        return y_mean, np.sqrt(var).astype(y_mean.dtype)
