"""What every skreg linear estimator shares: input validation, predict, spectral attributes."""

from __future__ import annotations

from numbers import Number, Real

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils._array_api import (
    _is_numpy_namespace,
    _max_precision_float_dtype,
    check_same_namespace,
    get_namespace,
    get_namespace_and_device,
    move_to,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from .._data._dask import is_dask_collection
from .._data._checks import check_sample_weight, check_weight_sum

__all__ = [
    "LinearRegressorMixin",
    "check_alphas",
    "validate_fit_data",
    "validate_dask_fit_data",
]

# what validate_data writes on the estimator, restored when the data are rejected
_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


def validate_fit_data(estimator, X, y, sample_weight=None, reset=True):
    """Validate training data the way every skreg linear estimator does.

    Parameters
    ----------
    estimator : BaseEstimator
        Receives ``n_features_in_`` and ``feature_names_in_``.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Finite, numeric (float32 kept as float32 for the outputs).  Sparse CSR/CSC
        matrices and arrays are accepted (never densified) when the estimator's class
        sets ``_supports_sparse = True``.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : array-like of shape (n_samples,), float or None
        Non-negative, not all zero.
    reset : bool, default=True
        False checks X against the features seen before (``partial_fit``).

    Returns
    -------
    X, y, sample_weight : ndarrays (sample_weight None when not given)
        With scikit-learn's ``array_api_dispatch`` on and X from another array
        namespace (PyTorch, CuPy, ...), arrays of X's namespace on X's device: y and
        sample_weight follow X, as in scikit-learn ("everything follows X").

    Notes
    -----
    On invalid data ``n_features_in_`` and ``feature_names_in_`` are left as they were
    before the call (``validate_data`` sets the names before it checks the values), so
    a failed fit never leaves them half-updated.
    """
    saved = {k: v for k, v in vars(estimator).items() if k in _INPUT_ATTRIBUTES}
    try:
        xp, is_array_api, device = get_namespace_and_device(X)
        if is_array_api:  # dispatch on: y and sample_weight (unless a number) follow X
            y = move_to(y, xp=xp, device=device)
            if not isinstance(sample_weight, Number):
                sample_weight = move_to(sample_weight, xp=xp, device=device)
        X, y = validate_data(
            estimator,
            X,
            y,
            accept_sparse=_sparse_formats(estimator),
            dtype=[xp.float64, xp.float32] if is_array_api else [np.float64, np.float32],
            multi_output=True,
            y_numeric=True,
            reset=reset,
        )
        if isinstance(y, np.ndarray) and y.dtype.kind in "USO":  # numeric text, as Ridge
            y = y.astype(np.float64)  # (a non-numeric string raises NumPy's ValueError)
        if y.ndim == 2 and y.shape[1] == 0:
            raise ValueError("y has 0 targets; at least one is required.")
        if sample_weight is not None:
            sample_weight = check_sample_weight(
                sample_weight,
                X,
                dtype=_max_precision_float_dtype(xp, device) if is_array_api else np.float64,
            )
    except BaseException:
        for key in _INPUT_ATTRIBUTES:
            vars(estimator).pop(key, None)
        vars(estimator).update(saved)
        raise
    return X, y, sample_weight


def _sparse_formats(estimator):
    """The sparse formats an estimator takes as they are: CSR and CSC, or none."""
    return ["csr", "csc"] if getattr(estimator, "_supports_sparse", False) else False


def validate_dask_fit_data(estimator, X, y, sample_weight=None):
    """Validate Dask training data and reduce it to sufficient statistics on the cluster.

    Sets ``n_features_in_`` (and ``feature_names_in_`` for a Dask DataFrame); finiteness
    and non-negative weights are checked inside each block.

    Returns
    -------
    stats : GramStats
    dtype : numpy dtype of the fitted attributes (float32 kept)
    y_ndim : int
    """
    from .._data._dask import check_dask_inputs, gram_stats

    X, y, sample_weight, dtype, y_ndim = check_dask_inputs(estimator, X, y, sample_weight)
    stats = gram_stats(X, y, sample_weight)
    check_weight_sum(stats.weight_sum)
    return stats, dtype, y_ndim


def check_alphas(alphas, name="alphas"):
    """A non-empty 1-D float array of finite strengths α ≥ 0, or a clear error.

    Follows ``RidgeCV``'s validation of ``alphas`` (scikit-learn 1.9): a scalar is a grid
    of one value; each entry must be a real number, so a string such as ``"1"`` raises
    ``TypeError("alphas[2] must be an instance of float, not str.")`` instead of being
    read as 1.0; a negative entry raises ``ValueError("alphas[1] == -1, must be >=
    0.0.")``.  Unlike ``RidgeCV``'s leave-one-out, α = 0 is allowed (see
    :meth:`skreg._spectral.Spectrum.loo_residuals`).  Non-finite entries, an empty grid
    and arrays of more than one dimension raise ``ValueError``.

    Parameters
    ----------
    alphas : float or array-like of shape (n_alphas,)
    name : str, default="alphas"
        Name used in the error messages.

    Returns
    -------
    ndarray of shape (n_alphas,), float64 (a new array: the input is never modified)
    """
    if isinstance(alphas, str):
        raise TypeError(f"{name} must be an instance of float, not str.")
    try:
        shape = np.shape(alphas)
    except ValueError:  # ragged nesting
        shape = None
    if shape == ():
        entries = [np.asarray(alphas).item() if hasattr(alphas, "item") else alphas]
        names = [name]
    else:
        if shape is None or len(shape) != 1 or shape[0] == 0:
            raise ValueError(
                f"{name} must be a non-empty 1-D sequence of floats, got shape {shape}."
            )
        numeric = isinstance(alphas, np.ndarray) and alphas.dtype.kind in "biuf"
        # a list keeps each entry's own type: no str → float conversion
        entries = list(alphas.tolist() if numeric else alphas)
        names = [f"{name}[{i}]" for i in range(shape[0])]
    for entry, label in zip(entries, names):
        if not isinstance(entry, Real):  # as check_scalar: ints (and bools) are reals
            raise TypeError(f"{label} must be an instance of float, not {type(entry).__name__}.")
    values = np.array([float(e) for e in entries], dtype=np.float64)
    for i in np.flatnonzero(~np.isfinite(values) | (values < 0))[:1]:
        bound = "finite" if not np.isfinite(values[i]) else ">= 0.0"
        raise ValueError(f"{names[i]} == {entries[i]}, must be {bound}.")
    return values


class LinearRegressorMixin(RegressorMixin):
    """``predict`` = X coef_ᵀ + intercept_, and the tags of a multi-output regressor.

    A subclass whose fit takes sparse X sets ``_supports_sparse = True``: validation
    then keeps CSR/CSC input sparse and the estimator tags say so.
    """

    _supports_sparse = False

    def predict(self, X):
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
            In the array namespace and on the device of the fit (array API dispatch).
        """
        check_is_fitted(self)
        if is_dask_collection(X):  # lazy: a dask array in, a dask array out
            from .._data._dask import as_dask_array, finite_blocks

            names = getattr(X, "columns", None)
            expected = getattr(self, "feature_names_in_", None)
            if expected is not None and names is not None and list(names) != list(expected):
                raise ValueError("The feature names should match those that were passed during fit.")
            X = as_dask_array(X, "X")
            if X.ndim != 2 or X.shape[1] != self.n_features_in_:
                raise ValueError(f"X has {X.shape[-1]} features, but {type(self).__name__} "
                                 f"is expecting {self.n_features_in_} features as input.")
            X = finite_blocks(X, "X")  # NaN raises at compute, as NumPy input raises now
        else:
            check_same_namespace(X, self, attribute="coef_", method="predict")
            xp, is_array_api = get_namespace(X)
            if is_array_api and not _is_numpy_namespace(xp):
                X = validate_data(self, X, dtype=[xp.float64, xp.float32], reset=False)
                coef = self.coef_
                dtype = xp.result_type(X.dtype, coef.dtype)
                coef = xp.astype(coef.T if coef.ndim == 2 else coef, dtype, copy=False)
                return xp.astype(X, dtype, copy=False) @ coef + self.intercept_
            X = validate_data(self, X, accept_sparse=_sparse_formats(self),
                              dtype=[np.float64, np.float32], reset=False)
        out = X @ np.asarray(self.coef_).T
        if not is_dask_collection(out):  # a sparse product may give np.matrix; dask stays lazy
            out = np.asarray(out)
        return out + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = bool(self._supports_sparse)
        return tags

    def _set_spectral_attributes(self, spectrum, alpha, dtype, y_ndim):
        """Store coef_, intercept_ and the spectral attributes of one ridge solution.

        ``alpha`` is a float, or an array of shape (n_targets,) for one α per target.
        The attributes are arrays of the spectrum's namespace and device, ``dtype``
        (of that namespace) for coef_ and intercept_.
        Shapes follow scikit-learn 1.9's ``Ridge``: y of shape (n,) gives ``coef_`` of
        shape (n_features,) and a scalar ``intercept_``; y of shape (n, 1) gives
        ``coef_`` of shape (n_features,) and ``intercept_`` of shape (1,) (so ``predict``
        returns shape (n,)); y of shape (n, t > 1) gives (t, n_features) and (t,).
        Without intercept, ``intercept_`` is the float 0.0.  ``effective_dof_`` is
        ``spectrum.effective_dof`` (which counts unpenalized columns when there are any).
        """
        xp, _, device = get_namespace_and_device(spectrum.eigenvalues)
        is_numpy = _is_numpy_namespace(xp)
        alpha = np.asarray(alpha, dtype=np.float64)
        dof = getattr(spectrum, "effective_dof", None) or (
            lambda a: spectrum.shrinkage(a).sum(axis=1)
        )
        if alpha.ndim == 0:
            coef = spectrum.ridge_coef([alpha])[0, ...]
            self.shrinkage_ = spectrum.shrinkage([alpha])[0, ...]
            self.effective_dof_ = float(dof([alpha])[0])
        else:  # one α per target: row j of coef uses alpha[j]
            all_coef = spectrum.ridge_coef(alpha)
            if is_numpy:
                coef = all_coef[np.arange(alpha.size), np.arange(alpha.size)]
            else:  # the diagonal of (m = t, t, d), as (t, d)
                coef = xp.linalg.diagonal(xp.permute_dims(all_coef, (2, 0, 1))).T
            self.shrinkage_ = spectrum.shrinkage(alpha)
            self.effective_dof_ = dof(alpha)
        intercept = spectrum.intercept(coef)
        if y_ndim == 1:
            coef, intercept = coef[0, ...], intercept[0, ...]
        elif coef.shape[0] == 1:  # y of shape (n, 1): scikit-learn's Ridge shapes
            coef = coef[0, ...]  # (n_features,); intercept_ stays (1,), predict gives (n,)
        self.coef_ = xp.astype(coef, dtype, copy=False)
        if spectrum.fit_intercept and not is_numpy:
            self.intercept_ = xp.astype(intercept, dtype)
        elif spectrum.fit_intercept:
            self.intercept_ = np.asarray(intercept).astype(dtype)[()]
        else:  # as scikit-learn's linear models: a plain 0.0
            self.intercept_ = 0.0
        self.eigenvalues_ = spectrum.eigenvalues
        self.eigenvectors_ = spectrum.eigenvectors
