"""Input-noise injection as a meta-estimator: NoisyInputRegressor.

Two ways to fit "the model trained on noisy inputs":

* ``method='augment'`` does what the lecture describes, for any regressor: draw
  ``n_copies`` noisy versions X + Z of the inputs and fit on all of them.
* ``method='marginalize'`` takes the expectation over Z in closed form, which for least
  squares is ridge regression with α = δN (see :func:`skreg.theory.input_noise_equivalent_alpha`).
  Augmentation converges to it as ``n_copies`` grows, with an error ∝ 1/√n_copies.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
    clone,
)
from sklearn.linear_model import LinearRegression
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from .._config import memory_budget
from .._data._dask import is_dask_collection
from .._data._sparse import is_sparse
from .._utils._atomic import atomic_fit
from ..noise import add_input_noise
from ._base import validate_fit_data
from ._ridge import RidgeEigen

__all__ = ["NoisyInputRegressor", "fit_augmented"]

# Largest augmented design matrix (n_copies · n_samples · n_features · itemsize) that
# method='augment' builds: 1 GiB.  Larger requests are refused with a ValueError.


def _linear_least_squares_alpha(estimator):
    """(base α, fit_intercept) when ``estimator`` is plain linear least squares, else None.

    None (ordinary least squares), :class:`sklearn.linear_model.LinearRegression`
    (unconstrained) and :class:`RidgeEigen` minimize ½‖Xw + b − y‖² + ½a‖w‖² with an
    unpenalized intercept, so adding input noise only adds δN to a.
    """
    if estimator is None:
        return 0.0, True
    if type(estimator) is RidgeEigen:
        # per-feature factors or per-target alphas: noise adds δN·I, not δN·diag(p)
        if estimator.penalty_factor is not None or np.ndim(estimator.alpha) != 0:
            return None
        return float(estimator.alpha), bool(estimator.fit_intercept)
    if type(estimator) is LinearRegression and not estimator.positive:
        return 0.0, bool(estimator.fit_intercept)
    return None


def fit_augmented(model, X, y, sample_weight, noise_std, n_copies, random_state, exact_hint):
    """Fit ``model`` on ``n_copies`` Gaussian-noised copies of X, y and weights repeated.

    The augmented matrix is dense (noise fills every entry) and must fit the memory
    budget; ``exact_hint`` adds "use method='marginalize'" to the error message.
    """
    if sample_weight is not None and not has_fit_parameter(model, "sample_weight"):
        raise ValueError(
            f"{type(model).__name__} does not support sample_weight in fit; "
            f"fit without sample_weight."
        )
    n_samples = X.shape[0]
    n_bytes = n_copies * n_samples * X.shape[1] * X.dtype.itemsize
    limit = memory_budget()
    if is_sparse(X) and n_bytes > limit:
        raise ValueError(
            f"method='augment' adds Gaussian noise to every entry, so the sparse X "
            f"would become {n_copies} dense copies, a ({n_copies * n_samples}, "
            f"{X.shape[1]}) {X.dtype} matrix of {n_bytes / 2**30:.2f} GiB, above the "
            f"{limit / 2**30:.2g} GiB limit (skreg.get_config()['memory_budget']). Use "
            "method='marginalize' "
            "(the exact n_copies → ∞ limit, keeps X sparse), or lower n_copies."
        )
    if n_bytes > limit:
        raise ValueError(
            f"method='augment' would build a ({n_copies * n_samples}, {X.shape[1]}) "
            f"{X.dtype} matrix of {n_bytes / 2**30:.2f} GiB, above the "
            f"{limit / 2**30:.2g} GiB limit (skreg.get_config()['memory_budget']): lower n_copies"
            + (
                ", or use method='marginalize' (the exact n_copies → ∞ limit)."
                if exact_hint
                else "."
            )
        )
    rng = check_random_state(random_state)
    # noise makes every entry of the copies nonzero (dense, within the limit); a sparse X
    # itself is never densified: its nonzeros are added to the noise in place
    X_aug = add_input_noise(X, noise_std, random_state=rng, n_copies=n_copies)
    y_aug = np.tile(y, (n_copies,) + (1,) * (np.ndim(y) - 1))
    if sample_weight is None:
        return model.fit(X_aug, y_aug)
    return model.fit(X_aug, y_aug, sample_weight=np.tile(sample_weight, n_copies))


def _noise_alpha(noise_std, total_weight):
    """δΣw (δ = noise_std²), or a ValueError when it is not representable in float64."""
    with np.errstate(over="ignore"):
        alpha = np.float64(noise_std) ** 2 * np.float64(total_weight)
    if not np.isfinite(alpha):
        raise ValueError(
            f"noise_std={noise_std!r} is too large to represent: the noise variance "
            f"noise_std² times the total sample weight ({total_weight:g}), the equivalent "
            "ridge strength, overflows float64. Use a smaller noise_std (rescale X and "
            "noise_std together)."
        )
    return float(alpha)


class NoisyInputRegressor(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """Fit a regressor on Gaussian-noise-corrupted inputs, or on their expectation.

    The lecture's input-noise regularization X ↦ X̃ = X + Z, rows of Z ~ N(0, δI) with
    δ = ``noise_std``², either sampled (``method='augment'``, any regressor) or
    integrated out exactly (``method='marginalize'``, linear least squares, where it is
    ridge regression with α = δN).

    Parameters
    ----------
    estimator : regressor or None, default=None
        The model fitted on the noisy data. None means ordinary least squares,
        ``RidgeEigen(alpha=0)``.
    noise_std : float, default=0.1
        Standard deviation √δ ≥ 0 of each noise entry, in the units of X (scale X
        first, e.g. in a :class:`~sklearn.pipeline.Pipeline`, to make one value mean
        the same for every feature).
    n_copies : int, default=10
        ``method='augment'``: number of noisy copies of X stacked for the fit
        (ignored by ``'marginalize'``).
    method : {'augment', 'marginalize'}, default='augment'
        'augment': fit a clone of ``estimator`` on ``n_copies`` stacked noisy copies
        of X, with y and ``sample_weight`` repeated.  The augmented matrix is built in
        memory and is refused (ValueError) above 1 GiB
        (``n_copies · n_samples · n_features · 8`` bytes for float64).
        'marginalize': the exact expectation of the noisy least-squares risk, fitted
        in closed form as ``RidgeEigen(alpha=a + δΣw)``; only for ``estimator`` None,
        :class:`~sklearn.linear_model.LinearRegression` (``positive=False``; its
        ``fit_intercept`` is respected) or :class:`RidgeEigen` (base α = its
        ``alpha``, its ``fit_intercept`` respected). Any other estimator raises a
        ValueError.
    random_state : int, RandomState instance or None, default=None
        Seed of the noise (``'augment'``), through
        :func:`~sklearn.utils.check_random_state`.

    Attributes
    ----------
    estimator_ : regressor
        The fitted model: a clone of ``estimator`` fitted on the augmented data
        ('augment'), or the closed-form ``RidgeEigen`` ('marginalize').
    coef_, intercept_ : ndarray, float
        Those of ``estimator_``, when it has them.
    equivalent_alpha_ : float
        For a linear least-squares ``estimator`` (None, LinearRegression, RidgeEigen):
        the α such that ``RidgeEigen(alpha=equivalent_alpha_)`` on the original data
        is the model fitted ('marginalize': a + δΣw) or the one augmentation
        approximates as ``n_copies`` → ∞ ('augment': δΣw + a/n_copies, because the
        data term is repeated ``n_copies`` times but the inner penalty ½a‖w‖² is
        not; δN for least squares either way).  For any other estimator: δΣw, the L2
        strength the noise adds to a least-squares linear model (the lecture's
        "heuristically true in general"); it does not describe that model exactly.
        Σw = n_samples without ``sample_weight``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    skreg.noise.add_input_noise : the noise itself.
    skreg.theory.input_noise_equivalent_alpha : the closed form α = δN.
    RidgeEigen : the marginalized model.
    sklearn.linear_model.Ridge : the same marginalized model, ``Ridge(alpha=δN)``.

    Notes
    -----
    With X̃ = X + Z the lecture expands the least-squares risk as

        ½‖X̃w − y‖² = ½‖Xw − y‖² + ½‖Zw‖² + (Zw)ᵀ(Xw − y),

    and E[ZᵀZ] = δN·I, E[Z] = 0 give E_Z ½‖X̃w − y‖² = ½‖Xw − y‖² + ½δN‖w‖²: input
    noise is L2 regularization with α = δN.  With sample weights wᵢ the risk is
    ½Σᵢ wᵢ(x̃ᵢᵀw + b − yᵢ)²; each row contributes wᵢ E[(zᵢᵀw)²] = wᵢ δ‖w‖², so
    α = δ Σᵢ wᵢ.  The intercept b is never penalized (the noise is on X only).

    'augment' minimizes the empirical version Σₖ ½‖(X + Zₖ)w + b − y‖² over
    ``n_copies`` independent draws Zₖ: a Monte Carlo estimate of n_copies times the
    expected risk, whose minimizer approaches the ridge solution at the rate
    1/√n_copies.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import NoisyInputRegressor, RidgeEigen
    >>> X, y = load_diabetes(return_X_y=True)
    >>> exact = NoisyInputRegressor(noise_std=0.02, method="marginalize").fit(X, y)
    >>> round(exact.equivalent_alpha_, 4)
    0.1768
    >>> ridge = RidgeEigen(alpha=exact.equivalent_alpha_).fit(X, y)
    >>> bool(abs(exact.coef_ - ridge.coef_).max() < 1e-8)
    True
    >>> noisy = NoisyInputRegressor(noise_std=0.02, n_copies=200, random_state=0).fit(X, y)
    >>> bool(abs(noisy.coef_ - ridge.coef_).max() < 0.05 * abs(ridge.coef_).max())
    True
    """

    # sparse CSR/CSC X passes validation: 'marginalize' hands it to RidgeEigen as it is,
    # 'augment' densifies it within the 1 GiB limit (noise fills every entry)
    _supports_sparse = True

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "noise_std": [Interval(Real, 0, None, closed="left")],
        "n_copies": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions({"augment", "marginalize"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self, estimator=None, *, noise_std=0.1, n_copies=10, method="augment", random_state=None
    ):
        self.estimator = estimator
        self.noise_std = noise_std
        self.n_copies = n_copies
        self.method = method
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit  # a failed fit leaves the estimator as it was
    def fit(self, X, y, sample_weight=None):
        """Fit on noisy copies of X ('augment') or on their expectation ('marginalize').

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Numeric inputs.  Sparse CSR/CSC: 'marginalize' keeps X sparse (RidgeEigen's
            implicit centring); 'augment' adds dense noise to every entry, so it builds
            the dense noisy copies only within the 1 GiB limit and otherwise raises a
            ValueError naming 'marginalize'.  Dask (array or DataFrame): 'marginalize'
            only, fitted blockwise from the Gram statistics (``augment`` raises).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, passed (repeated) to the inner estimator, which must
            accept ``sample_weight`` in ``fit``.

        Returns
        -------
        self : NoisyInputRegressor
        """
        if not np.isfinite(self.noise_std):
            raise ValueError(f"noise_std must be finite, got {self.noise_std!r}.")
        if is_dask_collection(X):
            return self._fit_dask(X, y, sample_weight)
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        n_samples = X.shape[0]
        total_weight = float(n_samples if sample_weight is None else sample_weight.sum())
        noise_alpha = _noise_alpha(self.noise_std, total_weight)
        linear = _linear_least_squares_alpha(self.estimator)

        if self.method == "marginalize":  # ridge: sparse (and Dask) X as RidgeEigen takes it
            model = self._marginal_model(linear, noise_alpha)
            model.fit(X, y, sample_weight=sample_weight)
        else:
            model = RidgeEigen(alpha=0.0) if self.estimator is None else clone(self.estimator)
            fit_augmented(
                model,
                X,
                y,
                sample_weight,
                self.noise_std,
                int(self.n_copies),
                self.random_state,
                exact_hint=linear is not None,
            )
            if linear is not None:
                self.equivalent_alpha_ = noise_alpha + linear[0] / int(self.n_copies)
            else:
                self.equivalent_alpha_ = noise_alpha

        self._set_fitted(model)
        return self

    def _set_fitted(self, model):
        self.estimator_ = model
        for name in ("coef_", "intercept_"):
            if hasattr(model, name):
                setattr(self, name, getattr(model, name))

    def _marginal_model(self, linear, noise_alpha):
        """The unfitted RidgeEigen(alpha=a + δΣw) of 'marginalize'; sets equivalent_alpha_."""
        if linear is None:
            raise ValueError(
                "method='marginalize' is the closed-form expectation for linear least "
                "squares only: estimator must be None, LinearRegression(positive=False) "
                "or RidgeEigen (scalar alpha, no penalty_factor), got "
                f"{self.estimator!r}. Use method='augment' for "
                "other estimators."
            )
        base_alpha, fit_intercept = linear
        if isinstance(self.estimator, RidgeEigen):
            model = clone(self.estimator)
        else:
            model = RidgeEigen(fit_intercept=fit_intercept)
        self.equivalent_alpha_ = base_alpha + noise_alpha
        return model.set_params(alpha=self.equivalent_alpha_)

    def _fit_dask(self, X, y, sample_weight):
        """'marginalize' on Dask: RidgeEigen's blockwise fit with α = a + δΣw."""
        if self.method != "marginalize":
            raise ValueError(
                "method='augment' on a Dask collection would materialize n_copies noisy "
                "copies of X; use method='marginalize' (the exact n_copies → ∞ limit: ridge "
                "with α = δΣw, fitted blockwise from the Gram statistics)."
            )
        from .._data._dask import as_dask_array

        Xd = as_dask_array(X, "X")
        if sample_weight is None:
            if np.isnan(Xd.shape[0]):
                Xd = Xd.compute_chunk_sizes()
            total_weight = float(Xd.shape[0])
        else:  # Σw: one pass over the weights only
            total_weight = float(as_dask_array(sample_weight, "sample_weight").sum().compute())
        linear = _linear_least_squares_alpha(self.estimator)
        model = self._marginal_model(linear, _noise_alpha(self.noise_std, total_weight))
        model.fit(X, y, sample_weight=sample_weight)
        self.n_features_in_ = model.n_features_in_
        if hasattr(model, "feature_names_in_"):
            self.feature_names_in_ = model.feature_names_in_
        else:
            self.__dict__.pop("feature_names_in_", None)
        self._set_fitted(model)
        return self

    def predict(self, X):
        """Predict with the fitted inner estimator (no noise at prediction time).

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_is_fitted(self)
        if is_dask_collection(X):  # the inner RidgeEigen predicts lazily
            return self.estimator_.predict(X)
        X = validate_data(
            self, X, dtype=[np.float64, np.float32], reset=False, accept_sparse=["csr", "csc"]
        )
        if is_sparse(X) and not get_tags(self.estimator_).input_tags.sparse:
            X = X.toarray()  # 'augment' with a dense-only inner model: these rows only
        return self.estimator_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = RidgeEigen() if self.estimator is None else self.estimator
        tags.target_tags.multi_output = get_tags(inner).target_tags.multi_output
        # 'augment' densifies (within its memory limit); 'marginalize' is RidgeEigen
        tags.input_tags.sparse = (
            self.method == "augment" or get_tags(RidgeEigen()).input_tags.sparse
        )
        tags.input_tags.allow_nan = False
        return tags
