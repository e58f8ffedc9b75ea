"""Opt-in caching of spectral decompositions (the ``memory`` parameter).

Refitting ``RidgeEigen`` after ``set_params(alpha=...)`` on the same data only changes the
filter λ/(λ+α), not the decomposition.  With ``memory`` set (as in
:class:`sklearn.pipeline.Pipeline`: a directory or a :class:`joblib.Memory`), the
decomposition is stored by :mod:`joblib` under a key computed from the data, so a
``GridSearchCV`` over ``alpha`` costs one decomposition per fold, shared by every candidate
and every worker process.

The key must change whenever the data do, yet be much cheaper than the decomposition.
joblib's own argument hashing (MD5 over the whole buffer) costs about as much as the
Gram product, so the data arguments are excluded from joblib's hash and replaced by
:func:`fingerprint`: shape, dtype, a CRC-32 of the raw bytes (every bit counts) and two
random projections of the values (every numerically meaningful change counts).
"""

from __future__ import annotations

import zlib

import numpy as np
from sklearn.utils.validation import check_memory

__all__ = ["fingerprint", "cached_call"]

_PROBE_SEED = 20240611


def _array_signature(a):
    if a is None:
        return "None"
    a = np.ascontiguousarray(a)
    crc = zlib.crc32(memoryview(a).cast("B"))
    flat = a.reshape(a.shape[0], -1) if a.ndim else a.reshape(1, 1)
    rng = np.random.default_rng(_PROBE_SEED + flat.shape[1])
    r_cols = rng.standard_normal((flat.shape[1], 2))
    r_rows = np.random.default_rng(_PROBE_SEED + flat.shape[0]).standard_normal(flat.shape[0])
    with np.errstate(all="ignore"):
        proj = r_rows @ (flat.astype(np.float64, copy=False) @ r_cols)
    return f"{a.shape}|{a.dtype.str}|{crc:08x}|{proj[0]:.17g}|{proj[1]:.17g}"


def _signatures(arrays):
    """Expand sparse matrices into the arrays that determine them (values and structure)."""
    from scipy import sparse

    from .._data._sparse import sparse_signature_arrays

    for a in arrays:
        if sparse.issparse(a):
            yield from sparse_signature_arrays(a)
        else:
            yield a


def fingerprint(*arrays):
    """A cache key for arrays: equal for equal data, different when any value changes.

    Parameters
    ----------
    *arrays : ndarray, SciPy sparse matrix or None

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(6.0).reshape(3, 2)
    >>> fingerprint(X) == fingerprint(X.copy())
    True
    >>> fingerprint(X) == fingerprint(-X)
    False
    """
    return "/".join(_array_signature(a) for a in _signatures(arrays))


def cached_call(memory, func, *data, **params):
    """``func(*data, **params)``, memoized on disk by ``memory`` when it is set.

    Parameters
    ----------
    memory : None, str or joblib.Memory
        As ``Pipeline(memory=...)``; None (or a Memory without location) disables
        caching.
    func : callable
        Module-level function (joblib identifies it by name and code).
    *data : ndarrays or None
        Large positional arguments, keyed by :func:`fingerprint` instead of hashed.
    **params
        Small keyword arguments, hashed by joblib.
    """
    memory = check_memory(memory)
    if getattr(memory, "location", None) is None:
        return func(*data, **params)
    cached = memory.cache(_call_with_key, ignore=["func_args"])
    return cached(func, fingerprint(*data), func_args=data, **params)


def _call_with_key(func, key, func_args, **params):
    """The function joblib memoizes: ``key`` stands for ``func_args`` in the hash."""
    return func(*func_args, **params)
