"""Dask support: sufficient statistics computed blockwise, only d×d numbers to the client.

Dask is optional (``pip install "skreg[dask]"``); nothing here imports it unless the user
passed a Dask collection, which is detected without importing dask.
"""

from __future__ import annotations

import sys

import numpy as np

from ._gram import GramStats

__all__ = ["is_dask_collection", "as_dask_array", "gram_stats", "map_row_blocks"]


def is_dask_collection(obj):
    """True for a dask Array, DataFrame or Series (without importing dask)."""
    if "dask" not in sys.modules or obj is None:
        return False
    from dask.base import is_dask_collection as _is_dask

    return _is_dask(obj)


def as_dask_array(obj, name):
    """A dask array, chunked along rows only, from a dask Array/DataFrame/Series."""
    import dask.array as da

    if hasattr(obj, "to_dask_array"):  # DataFrame / Series
        obj = obj.to_dask_array(lengths=True)
    if not isinstance(obj, da.Array):
        raise TypeError(f"{name} must be a dask array, DataFrame or Series, got {type(obj)}.")
    if obj.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numeric, got dtype {obj.dtype}.")
    if obj.ndim == 2:
        obj = obj.rechunk({1: -1})
    return obj


def _chunk_stats(X, y, w):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("Input contains NaN or infinity (found in a dask block).")
    if w is not None and np.any(np.asarray(w) < 0):
        raise ValueError("Negative values in data passed to `sample_weight`.")
    return GramStats.from_chunk(X, y, w)


def _row_blocks(*arrays):
    """Delayed row blocks of aligned arrays (None stays None)."""
    import dask.array as da

    present = [a for a in arrays if a is not None]
    # rows share index "i"; each array's columns get their own letter
    pairs = sum(([a, "i" + "abcdefgh"[q] if a.ndim == 2 else "i"] for q, a in enumerate(present)), [])
    present = da.core.unify_chunks(*pairs)[1]
    present = iter(present)
    aligned = [None if a is None else next(present) for a in arrays]
    blocks = []
    for a in aligned:
        if a is None:
            blocks.append(None)
        else:
            delayed = a.to_delayed()
            blocks.append(list(delayed[:, 0]) if a.ndim == 2 else list(delayed))
    n_blocks = len(next(b for b in blocks if b is not None))
    return [[None if b is None else b[i] for b in blocks] for i in range(n_blocks)]


def gram_stats(X, y, sample_weight=None):
    """GramStats of dask arrays, merged by a tree reduction on the cluster.

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
    y : dask.array.Array of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : dask.array.Array of shape (n_samples,) or None

    Returns
    -------
    GramStats
        Computed: only the d×d statistics reach the client.
    """
    import dask

    # each block is centred relative to its own first row (see skreg._gram): no extra
    # pass over the data to agree on a reference point first
    parts = [dask.delayed(_chunk_stats)(*blk) for blk in _row_blocks(X, y, sample_weight)]
    while len(parts) > 1:  # pairwise tree: log₂(blocks) levels, no single hot task
        merged = [dask.delayed(GramStats.merge)(a, b) for a, b in zip(parts[::2], parts[1::2])]
        if len(parts) % 2:
            merged.append(parts[-1])
        parts = merged
    return dask.compute(parts[0])[0]


def map_row_blocks(func, X, y, sample_weight=None):
    """Compute ``func(X_block, y_block, w_block)`` for every row block; list of results."""
    import dask

    return dask.compute(*[dask.delayed(func)(*blk) for blk in _row_blocks(X, y, sample_weight)])
