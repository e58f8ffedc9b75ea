"""The one weighted centring: the intercept is never penalized.

Every linear method centres X and y at their weighted means, solves without an
intercept on the √w-scaled rows, and recovers b = ȳ − x̄ᵀw:

    X_w = √W (X − 1 x̄ᵀ),   y_w = √W (y − 1 ȳᵀ),   x̄ = XᵀW1 / Σw,   ȳ = yᵀW1 / Σw.

Two forms of it, one set of means:

* :func:`center_data`: a dense, centred copy (dense X, any array-API namespace);
* :func:`implicit_offsets`: the offsets only, for sparse (or very wide) X that is never
  densified (:class:`skreg._sparse.CenteredDesign` applies X_w through sparse products
  and a rank-one correction, scikit-learn's ``X_offset``).

Without an intercept the offsets are zero and only the √w scaling remains.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils._array_api import (
    _average,
    _is_numpy_namespace,
    _max_precision_float_dtype,
    get_namespace_and_device,
)

__all__ = ["array_namespace", "center_data", "implicit_offsets", "weighted_column_mean"]


def array_namespace(*arrays):
    """``(xp, is_numpy, device, dtype)`` of a computation on ``arrays``.

    NumPy (wrapped by array-api-compat) unless scikit-learn's array API dispatch is on
    and the arrays belong to another namespace; ``dtype`` is the float type computed in:
    float64, or float32 on a device without float64.
    """
    xp, _, device = get_namespace_and_device(*arrays)
    return xp, _is_numpy_namespace(xp), device, _max_precision_float_dtype(xp, device)


def weighted_column_mean(X, sample_weight=None):
    """x̄ = XᵀW1 / Σw for dense or sparse X, as a float64 ndarray of shape (n_features,)."""
    if sample_weight is None:  # accumulated in float64 whatever X's dtype
        return np.asarray(X.sum(axis=0, dtype=np.float64)).reshape(-1) / X.shape[0]
    w = np.asarray(sample_weight, dtype=np.float64)
    return np.asarray(X.T @ w, dtype=np.float64).reshape(-1) / w.sum()


def implicit_offsets(X, y, sample_weight=None, fit_intercept=True):
    """What implicit centring needs besides X: x̄, ȳ, the centred √w-scaled y, and √w.

    Parameters
    ----------
    X : sparse matrix or ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,) or None
    fit_intercept : bool
        When False the offsets are zero.

    Returns
    -------
    X_offset : ndarray of shape (n_features,)
    y_offset : ndarray of shape (n_targets,)
    yw : ndarray of shape (n_samples, n_targets)
        √w (y − ȳ), a new array.
    sqrt_sw : ndarray of shape (n_samples,) or None
    """
    sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    sqrt_sw = None if sw is None else np.sqrt(sw)
    if fit_intercept:
        X_offset = weighted_column_mean(X, sw)
        y_offset = np.average(y, axis=0, weights=sw)
    else:
        X_offset, y_offset = np.zeros(X.shape[1]), np.zeros(y.shape[1])
    yw = y - y_offset
    if sqrt_sw is not None:
        yw = yw * sqrt_sw[:, None]
    return X_offset, y_offset, yw, sqrt_sw


def center_data(X, y, sample_weight=None, fit_intercept=True):
    """Centre X and y at their (weighted) means and scale the rows by √w.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,) or None
    fit_intercept : bool
        When False nothing is centred and the offsets are zero.

    Returns
    -------
    Xw, yw : ndarrays
        ``√w · (X − x̄)`` and ``√w · (y − ȳ)`` (new arrays, inputs untouched).
    X_offset, y_offset : ndarrays of shape (n_features,) and (n_targets,)
    sqrt_sw : ndarray of shape (n_samples,) or None
    """
    xp, _, device, dtype = array_namespace(X)
    X = xp.asarray(X, dtype=dtype, device=device)
    y = xp.asarray(y, dtype=dtype, device=device)
    if sample_weight is not None:
        sample_weight = xp.asarray(sample_weight, dtype=dtype, device=device)
    if fit_intercept:
        X_offset = _average(X, axis=0, weights=sample_weight, xp=xp)
        y_offset = _average(y, axis=0, weights=sample_weight, xp=xp)
        Xw = X - X_offset
        yw = y - y_offset
    else:
        X_offset = xp.zeros(X.shape[1], dtype=dtype, device=device)
        y_offset = xp.zeros(y.shape[1], dtype=dtype, device=device)
        Xw = xp.asarray(X, copy=True)
        yw = xp.asarray(y, copy=True)
    sqrt_sw = None
    if sample_weight is not None:
        sqrt_sw = xp.sqrt(sample_weight)
        Xw *= sqrt_sw[:, None]
        yw *= sqrt_sw[:, None]
    return Xw, yw, X_offset, y_offset, sqrt_sw
