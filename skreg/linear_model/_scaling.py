"""Extreme but finite scales: fit in a rescaled space and map the answer back.

Least squares is scale-equivariant.  With X = s_x X', y = s_y y' (s_x, s_y > 0) and
w = s_y/s_x · w', the sum-convention objectives become

    ½‖Xw − y‖² + ½α‖w‖²  =  s_y² [ ½‖X'w' − y'‖² + ½(α/s_x²)‖w'‖² ]        (ridge)
    ½‖Xw − y‖² +  α‖w‖₁  =  s_y² [ ½‖X'w' − y'‖² + (α/(s_x s_y))‖w'‖₁ ]    (lasso)

so the fit of (X, y, α) is the fit of (X', y', α') mapped back: coef = (s_y/s_x)·coef',
intercept = s_y·intercept', strengths α = s_x²α' (ridge) or s_x s_yα' (lasso), squared
errors s_y²·mse'.  Data whose magnitudes lie beyond 1e±100 would overflow or
underflow once squared (XᵀX, ‖y‖², squared errors: 1e200² = inf, 1e-200² = 0), so
:func:`data_scales` picks powers of two (exact divisions) that bring max|X| and max|y|
to about 1, and :func:`fit_if_extreme` fits a clone of the estimator there.  Data
within 1e±100 are fitted as they are (nothing is copied).  An answer that cannot be
represented in float64 once mapped back raises a ValueError that says so.
"""

from __future__ import annotations

from fnmatch import fnmatch

import numpy as np
from sklearn.base import clone
from sklearn.utils._array_api import _is_numpy_namespace, get_namespace

from .._data._sparse import is_sparse

__all__ = ["data_scales", "fit_if_extreme", "check_chunk_scale", "max_abs"]

# magnitudes whose squares (times n ≤ 1e10) stay finite and normal
_SAFE = (1e-100, 1e100)


def max_abs(A):
    """max|A| over the stored values (0 for an empty array; for an array of another
    array API namespace too: those are fitted as they are)."""
    if not is_sparse(A) and not _is_numpy_namespace(get_namespace(A)[0]):
        return 0.0
    values = A.data if is_sparse(A) else np.asarray(A)
    if values.size == 0:
        return 0.0
    return max(float(np.max(values)), -float(np.min(values)))


def _scale_of(A):
    """A power of two near max|A| when it lies outside the safe range, else 1."""
    top = max_abs(A)
    if top == 0.0 or _SAFE[0] <= top <= _SAFE[1]:
        return 1.0
    return float(np.ldexp(1.0, int(np.frexp(top)[1])))


def data_scales(X, y):
    """``(s_x, s_y)``: powers of two to divide X and y by (1.0 when in range).

    Examples
    --------
    >>> import numpy as np
    >>> data_scales(np.ones((2, 2)), np.array([1e200, 2e200]))[0]
    1.0
    >>> float(np.log2(data_scales(np.ones((2, 2)), np.array([1e200, 2e200]))[1]))
    666.0
    """
    return _scale_of(X), _scale_of(y)


def _divide(A, s):
    """A / s, sparse kept sparse (in its format), a new array either way."""
    if s == 1.0 or A is None:
        return A
    if is_sparse(A):
        return A.multiply(1.0 / s).asformat(A.format)
    return np.asarray(A) / s


def _too_extreme(name, value):
    raise ValueError(
        f"{name}={value!r} is too large or too small to represent for data of this "
        "scale (the equivalent problem over- or underflows in float64); rescale X or y."
    )


def fit_if_extreme(estimator, X, y, sample_weight, params, attributes, *, scale_x=True,
                   scale_y=True, **fit_params):
    """Fit on rescaled data when X or y lies beyond 1e±100; None when in range.

    Parameters
    ----------
    estimator : BaseEstimator
        Receives the fitted attributes of a clone fitted on (X/s_x, y/s_y), and
        ``_data_scale = (s_x, s_y)`` for methods that read its private state
        (removed again by a fit in range).
    X, y, sample_weight :
        Validated training data.
    params : dict name -> (p_x, p_y)
        Numeric parameters in data units: the clone gets value / (s_x^p_x · s_y^p_y).
    attributes : dict name -> (p_x, p_y)
        Fitted attributes multiplied back by s_x^p_x · s_y^p_y; ``"name.key"`` is an
        entry of a dict or a column of a DataFrame attribute, and may use ``*``.
    scale_x, scale_y : bool, default=True
        False keeps X (the estimator scales it itself) or y (a score that cannot be
        mapped back, e.g. a custom scorer) as it is.
    **fit_params :
        ``X_val``/``y_val`` (divided like X and y) and other fit keywords.

    Returns
    -------
    estimator or None
    """
    vars(estimator).pop("_data_scale", None)
    sx, sy = data_scales(X, y)
    sx, sy = (sx if scale_x else 1.0), (sy if scale_y else 1.0)
    if sx == 1.0 and sy == 1.0:
        return None
    ex, ey = int(np.frexp(sx)[1]) - 1, int(np.frexp(sy)[1]) - 1  # s = 2^e exactly
    new = {}
    for name, (px, py) in params.items():
        value = getattr(estimator, name)
        if isinstance(value, str) or value is None:  # e.g. alphas='auto': data-derived
            continue
        with np.errstate(over="ignore", under="ignore"):
            scaled = np.ldexp(np.asarray(value, dtype=np.float64), -(px * ex + py * ey))
        if not np.all(np.isfinite(scaled)):
            _too_extreme(name, value)
        new[name] = float(scaled) if scaled.ndim == 0 else scaled
    inner = clone(estimator).set_params(**new)
    for key, s in (("X_val", sx), ("y_val", sy)):
        if fit_params.get(key) is not None:
            fit_params[key] = _divide(fit_params[key], s)
    inner.fit(_divide(X, sx), _divide(y, sy), sample_weight=sample_weight, **fit_params)
    fitted = {k: v for k, v in vars(inner).items() if k not in inner.get_params(deep=False)}
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for name, (px, py) in attributes.items():
            _rescale_attribute(fitted, name, px * ex + py * ey)
    for name in ("coef_", "intercept_"):
        if name in fitted and not np.all(np.isfinite(fitted[name])):
            raise ValueError(
                f"The fitted {name} is too large or too small to represent in float64 for "
                "data of this scale; rescale X or y."
            )
    vars(estimator).update(fitted)
    estimator._data_scale = (sx, sy)
    return estimator


def _rescale_attribute(fitted, name, exponent):
    """fitted[name] (or its entries ``name.key``) times 2^exponent, in ``fitted``."""
    head, _, key = name.partition(".")
    if head not in fitted:
        return
    if not key:
        fitted[head] = _times(fitted[head], exponent)
        return
    container = fitted[head].copy()
    for k in [k for k in list(container.keys()) if fnmatch(str(k), key)]:
        column = container[k]
        container[k] = np.ldexp(column, exponent) if hasattr(column, "to_numpy") else \
            _times(np.asarray(column), exponent)
    fitted[head] = container


def _times(value, exponent):
    """value · 2^exponent for floats and float arrays (dtype kept); others unchanged."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return np.ldexp(value, exponent).astype(value.dtype, copy=False)
    if isinstance(value, (float, np.floating)):
        return type(value)(np.ldexp(value, exponent))
    return value


def check_chunk_scale(X, y=None, stats=None):
    """ValueError when streamed statistics cannot represent a ``partial_fit`` chunk.

    Streaming accumulates XᵀX (and Xᵀy, ‖y‖²) in the data's own units, so there is
    no rescaled space to fall back on: values beyond 1e154 overflow once squared (the
    merged ``stats`` are then not finite), values below 1e-150 underflow.  ``y`` is
    checked when its square is accumulated (the LASSO's ‖y‖²).
    """
    arrays = [("X", X)] + ([("y", y)] if y is not None else [])
    for name, A in arrays:
        top = max_abs(A)
        if 0.0 < top < 1e-150:
            _stream_error(name, top)
    if stats is None:
        return
    for name, A, parts in (("X", X, (stats.Sxx,)), ("y", y, (stats.Sxy, stats.Syy))):
        if A is not None and not all(np.all(np.isfinite(p)) for p in parts):
            _stream_error(name, max_abs(A))


def _stream_error(name, top):
    raise ValueError(
        f"partial_fit got {name} values of magnitude {top:.3g}, too large or too small "
        "to represent once squared in the streamed Gram statistics (float64 holds "
        "squares within about 1e+-300). Divide the data by a constant first (fit "
        "rescales automatically)."
    )
