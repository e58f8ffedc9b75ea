"""The one weighted centring: the intercept is never penalized.

Every linear method centres X and y at their weighted means, solves without an
intercept on the √w-scaled rows, and recovers b = ȳ − x̄ᵀw:

    X_w = √W (X − 1 x̄ᵀ),   y_w = √W (y − 1 ȳᵀ),   x̄ = XᵀW1 / Σw,   ȳ = yᵀW1 / Σw.

Two forms of it, one set of means:

* :func:`center_data`: a dense, centred copy (dense X, any array-API namespace);
* :func:`implicit_offsets`: the offsets only, for sparse (or very wide) X that is never
  densified (:class:`skreg._data._sparse.CenteredDesign` applies X_w through sparse products
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

__all__ = [
    "array_namespace", "center_data", "centring_deviation", "implicit_offsets",
    "weighted_centre", "weighted_column_mean", "weighted_mean", "check_implicit_weights",
]


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
    if not isinstance(X, np.ndarray):  # sparse: centred implicitly, from uncentred sums
        check_implicit_weights(w)
    return np.asarray(X.T @ w, dtype=np.float64).reshape(-1) / w.sum()


def check_implicit_weights(sample_weight):
    """ValueError when one weight swamps the rest beyond what implicit centring resolves.

    A sparse X is centred implicitly (XᵀWX − W x̄x̄ᵀ, √w(Xv − 1x̄ᵀv)): the heaviest row's
    share of those sums cancels, leaving a relative error of about eps·w_max/Σ_others in
    what the other rows contribute.  Beyond 10⁻⁶ (w_max > 4.5e9·Σ_others, e.g. one
    weight of 1e300) the fit would be silently wrong; a dense X is centred exactly about
    the heaviest row instead (:func:`weighted_centre`).
    """
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.size < 2:
        return
    i = int(np.argmax(w))
    rest = float(w[:i].sum() + w[i + 1:].sum())  # summed, not Σw − w_max
    if w[i] * np.finfo(np.float64).eps > 1e-6 * rest:
        raise ValueError(
            f"sample_weight has one weight ({w[i]:.3g}) of {w[i] / rest if rest else np.inf:.3g} "
            "times the total of the others: a sparse X is centred implicitly from "
            "uncentred sums, which cannot resolve the other rows next to it. Pass X as a "
            "dense array (centred exactly about the heaviest row), or rescale the weights."
        )


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
        Xw, X_offset = weighted_centre(X, sample_weight, xp)
        yw, y_offset = weighted_centre(y, sample_weight, xp)
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


def weighted_centre(A, sample_weight=None, xp=None):
    """(A − ā, ā) for the weighted column means ā, as a new array.

    With weights the means are taken about the heaviest row r, ā = a_r + avg(A − a_r):
    a weight of 1e300 makes √w_r amplify the round-off of a plain weighted mean
    (eps·|ā|, 1e-16) to 1e134 in the centred row, whereas a_r − ā = −avg(A − a_r) is
    exact to relative precision; the fit is then anchored at the heavy row, the
    w_r → ∞ limit.  Unit weights keep the plain mean (no shift needed).
    """
    xp = array_namespace(A)[0] if xp is None else xp
    if sample_weight is None:
        mean = _average(A, axis=0, xp=xp)
        return A - mean, mean
    ref = _centring_reference(A, sample_weight, xp)
    centred = A - ref
    shift = _average(centred, axis=0, weights=sample_weight, xp=xp)
    centred -= shift
    return centred, ref + shift


def weighted_mean(A, sample_weight=None):
    """The column means of :func:`weighted_centre` (about the heaviest row), NumPy."""
    if sample_weight is None:
        return np.average(A, axis=0)
    ref = A[int(np.argmax(sample_weight))]
    return ref + np.average(A - ref, axis=0, weights=sample_weight)


def _centring_reference(A, sample_weight, xp):
    """The row :func:`weighted_centre` takes the means about: the heaviest (0 without weights)."""
    if sample_weight is None:
        return xp.zeros_like(A[0, ...])
    return A[int(xp.argmax(sample_weight)), ...]


def centring_deviation(X, X_offset, sample_weight=None):
    """(x̄ − x_ref, Σw): the averaged part of :func:`center_data`'s means, and the weight.

    The centred entries carry the round-off of that part, eps·|x̄ − x_ref| (x_ref the
    row :func:`weighted_centre` shifts by; 0 without weights), so the energy centring
    can leave in X_w is ω = Σw‖x̄ − x_ref‖² (``skreg._spectral.null_tolerance``).
    """
    xp = array_namespace(X)[0]
    n = X.shape[0]
    if not n:
        return X_offset, 0.0
    ref = _centring_reference(X, sample_weight, xp)
    weight_sum = n if sample_weight is None else float(xp.sum(xp.asarray(sample_weight)))
    return X_offset - xp.asarray(ref, dtype=X_offset.dtype), weight_sum
