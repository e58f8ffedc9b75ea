"""Dask support: sufficient statistics computed blockwise, only d×d numbers to the client.

Dask is optional (``pip install "skreg[dask]"``); nothing here imports it unless the user
passed a Dask collection, which is detected without importing dask.
"""

from __future__ import annotations

import sys
from numbers import Number

import numpy as np

from ._checks import (
    check_fold_scores,
    check_split_weight,
    check_weight_sum,
    check_weight_values,
)
from ._gram import GramStats

__all__ = [
    "is_dask_collection",
    "as_dask_array",
    "finite_blocks",
    "check_dask_inputs",
    "gram_stats",
    "map_row_blocks",
    "validation_mask",
    "split_gram_stats",
    "kfold_ridge_cv",
    "kfold_gram_stats",
]


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


def _finite_block(block, name="X"):
    """The block, or NumPy's ValueError for non-finite input, naming the array."""
    if not np.all(np.isfinite(block)):
        what = "NaN" if np.any(np.isnan(block)) else "infinity"
        raise ValueError(f"Input {name} contains {what} (found in a dask block).")
    return block


def finite_blocks(X, name="X"):
    """``X`` with every block checked for NaN and infinity when it is computed (lazily).

    What ``predict`` does to a Dask X: NumPy input raises on NaN, so a Dask input must
    too (at compute time, with the same words) instead of returning NaN predictions.
    """
    from functools import partial

    return X.map_blocks(partial(_finite_block, name=name), dtype=X.dtype)


def _checked_block(X, y, w):
    X = _finite_block(np.asarray(X, dtype=np.float64), "X")
    y = _finite_block(np.asarray(y, dtype=np.float64), "y")
    if w is not None:
        w = np.asarray(w, dtype=np.float64)
        check_weight_values(w)
    return X, y, w


def _chunk_stats(X, y, w):
    return GramStats.from_chunk(*_checked_block(X, y, w))


def _tree_reduce(parts, merge):
    """Pairwise tree of delayed merges: log₂(blocks) levels, no single hot task."""
    import dask

    while len(parts) > 1:
        merged = [dask.delayed(merge)(a, b) for a, b in zip(parts[::2], parts[1::2], strict=False)]
        if len(parts) % 2:
            merged.append(parts[-1])
        parts = merged
    return parts[0]


def _merge_each(a, b):
    """Element-wise merge of two tuples of GramStats."""
    return tuple(x.merge(y) for x, y in zip(a, b, strict=False))


def _row_blocks(*arrays):
    """Delayed row blocks of aligned arrays (None stays None)."""
    return _row_blocks_and_starts(*arrays)[0]


def _row_blocks_and_starts(*arrays):
    """Delayed row blocks of aligned arrays (None stays None), and each block's first row."""
    import dask.array as da

    present = [a for a in arrays if a is not None]
    # rows share index "i"; each array's columns get their own letter
    pairs = sum(
        ([a, "i" + "abcdefgh"[q] if a.ndim == 2 else "i"] for q, a in enumerate(present)), []
    )
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
    rows = next(a for a in aligned if a is not None).chunks[0]
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64).tolist()
    return [[None if b is None else b[i] for b in blocks] for i in range(n_blocks)], starts


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

    # each block is centred relative to its own first row (see skreg._data._gram): no extra
    # pass over the data to agree on a reference point first
    parts = [dask.delayed(_chunk_stats)(*blk) for blk in _row_blocks(X, y, sample_weight)]
    return dask.compute(_tree_reduce(parts, GramStats.merge))[0]


def map_row_blocks(func, X, y, sample_weight=None):
    """Compute ``func(X_block, y_block, w_block)`` for every row block; list of results."""
    import dask

    return dask.compute(*[dask.delayed(func)(*blk) for blk in _row_blocks(X, y, sample_weight)])


def check_dask_inputs(estimator, X, y, sample_weight=None, *, reset=True, names=("X", "y")):
    """Validate Dask (X, y, sample_weight) without computing anything.

    As :func:`skreg.linear_model._base.validate_dask_fit_data` (shapes, numeric dtypes,
    whole-row chunks; finiteness and weights are checked inside each block later), but
    returning the arrays instead of their statistics, for estimators that reduce the
    blocks their own way.  ``reset=False`` checks X against ``n_features_in_``.

    Returns
    -------
    X, y, sample_weight : dask arrays (sample_weight None when not given)
    dtype : numpy dtype of the fitted attributes (float32 kept)
    y_ndim : int
    """
    if reset:
        cols = np.asarray(getattr(X, "columns", []), dtype=object)
        if cols.size and all(isinstance(name, str) for name in cols):
            estimator.feature_names_in_ = cols
        else:
            estimator.__dict__.pop("feature_names_in_", None)
    X = as_dask_array(X, names[0])
    y = as_dask_array(y, names[1])
    if X.ndim != 2:
        raise ValueError(f"Expected a 2-D dask array for {names[0]}, got {X.ndim}-D.")
    if isinstance(sample_weight, Number):  # as scikit-learn: a scalar weighs every row
        import dask.array as da

        check_weight_values(sample_weight)
        sample_weight = da.full(X.shape[0], float(sample_weight), chunks=(X.chunks[0],))
    elif sample_weight is not None:
        sample_weight = as_dask_array(sample_weight, "sample_weight")
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: "
            f"{[X.shape[0], y.shape[0]]}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(
            f"Found array with shape {X.shape}; at least one sample and feature are required."
        )
    if reset:
        estimator.n_features_in_ = X.shape[1]
    elif X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"{names[0]} has {X.shape[1]} features, but "
            f"{type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input."
        )
    dtype = np.dtype(np.float32) if X.dtype == np.float32 else np.dtype(np.float64)
    return X, y, sample_weight, dtype, y.ndim


def gram_stats_many(*triples):
    """GramStats of several (X, y, sample_weight) dask triples in one ``compute``."""
    import dask

    reduced = []
    for X, y, w in triples:
        parts = [dask.delayed(_chunk_stats)(*blk) for blk in _row_blocks(X, y, w)]
        reduced.append(_tree_reduce(parts, GramStats.merge))
    return dask.compute(*reduced)


# ------------------------------------------------------------ early stopping on Dask
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix64(z):
    """SplitMix64's finalizer on a uint64 array (wrapping arithmetic, no warning)."""
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def validation_mask(start, stop, validation_fraction, seed):
    """Which of the rows ``start, …, stop − 1`` the blockwise split holds out.

    The split rule of ``EarlyStoppedGD`` on Dask: row i (its position in the whole
    array) goes to the validation set iff

        u(seed, i) = splitmix64(splitmix64(seed) + (i + 1)·γ) / 2⁶⁴ < validation_fraction,

    γ = 0x9E3779B97F4A7C15, i.e. each row independently with probability
    ``validation_fraction`` from a counter-based hash.  A block needs only its own row
    range (no pass to agree on a permutation, nothing sent to the workers), the split
    does not depend on the chunking, and the same seed always gives the same rows; the
    number held out is Binomial(n, fraction) rather than exactly ⌈fraction·n⌉.

    Parameters
    ----------
    start, stop : int
        Global row range.
    validation_fraction : float
    seed : int
        Non-negative; ``EarlyStoppedGD`` uses ``random_state`` itself when it is an int.

    Returns
    -------
    ndarray of bool, shape (stop − start,)

    Examples
    --------
    >>> mask = validation_mask(0, 100_000, 0.2, seed=0)
    >>> same = bool((mask[500:600] == validation_mask(500, 600, 0.2, 0)).all())
    >>> round(float(mask.mean()), 2), same
    (0.2, True)
    """
    key = _splitmix64(np.array([seed], dtype=np.uint64))[0]
    i = np.arange(start, stop, dtype=np.uint64) + np.uint64(1)
    z = _splitmix64(i * _GOLDEN + key)
    u = (z >> np.uint64(11)).astype(np.float64) * 2.0**-53
    return u < validation_fraction


def _split_chunk_stats(X, y, w, start, validation_fraction, seed):
    X, y, w = _checked_block(X, y, w)
    held = validation_mask(start, start + X.shape[0], validation_fraction, seed)
    kept = ~held
    # X[mask] is a fresh copy: centred in place, so a block costs what RidgeEigen's does
    return (
        GramStats.from_chunk(X[kept], y[kept], None if w is None else w[kept], overwrite_X=True),
        GramStats.from_chunk(X[held], y[held], None if w is None else w[held], overwrite_X=True),
    )


def split_gram_stats(X, y, sample_weight, validation_fraction, seed):
    """(subtrain, validation) GramStats of the blockwise split, in one pass.

    Each block is split by :func:`validation_mask` on its own global rows and reduced
    to two sets of statistics; the pairs are merged by a tree on the cluster, so only
    2(d² + O(d·t)) numbers reach the client.

    Returns
    -------
    train, validation : GramStats
    """
    import dask

    blocks, starts = _row_blocks_and_starts(X, y, sample_weight)
    parts = [
        dask.delayed(_split_chunk_stats)(*blk, start, float(validation_fraction), int(seed))
        for blk, start in zip(blocks, starts, strict=False)
    ]
    return dask.compute(_tree_reduce(parts, _merge_each))[0]


# ------------------------------------------------------------ K-fold ridge on Dask
def _kfold_groups(cv, n_samples):
    """(bounds, None) for contiguous KFold, else (None, group of each row).

    A row's group is the index of the test fold holding it, or K for rows in no test
    fold (they train every fold).  Test folds must be disjoint and each training set
    the complement of its test fold, as in K-fold: then training statistics are the
    total minus the fold's.
    """
    from sklearn.model_selection import KFold, check_cv

    cv = check_cv(cv)
    if type(cv) is KFold and not cv.shuffle:  # contiguous folds, sizes as scikit-learn
        k = cv.get_n_splits()
        if k > n_samples:
            raise ValueError(
                f"Cannot have number of splits n_splits={k} greater than the "
                f"number of samples: n_samples={n_samples}."
            )
        sizes = np.full(k, n_samples // k, dtype=np.int64)
        sizes[: n_samples % k] += 1
        return np.concatenate([[0], np.cumsum(sizes)]), None, k
    groups = None
    splits = list(cv.split(np.zeros((n_samples, 1)), np.zeros(n_samples)))
    k = len(splits)
    groups = np.full(n_samples, k, dtype=np.int32)
    for j, (train, test) in enumerate(splits):
        test = np.asarray(test)
        if np.any(groups[test] != k):
            raise ValueError(
                "Dask K-fold needs disjoint test folds (as KFold, GroupKFold): "
                "a row is in two test folds."
            )
        groups[test] = j
        if len(train) + len(test) != n_samples or np.any(groups[np.asarray(train)] == j):
            raise ValueError(
                "Dask K-fold needs each training set to be the complement of "
                "its test fold (fold statistics are the total minus the fold's)."
            )
    return None, groups, k


def _fold_chunk_stats(X, y, w, start, bounds, groups, k):
    """Statistics of each test fold's rows in this block (groups 0..K−1, K = no fold)."""
    X, y, w = _checked_block(X, y, w)
    rows = np.arange(start, start + X.shape[0])
    g = np.searchsorted(bounds, rows, side="right") - 1 if groups is None else groups
    out = []
    for j in range(k + 1):
        sel = g == j
        out.append(
            GramStats.from_chunk(X[sel], y[sel], None if w is None else w[sel], overwrite_X=True)
        )
    return tuple(out)


def _fold_scores(spectrum, test, alphas, scoring):
    """Score of every α on one test fold from its (weighted) statistics (R² or −MSE)."""
    coefs = spectrum.ridge_coef(alphas)  # (m, t, d), the model centred at the training means
    ss_res = test.rss(coefs, spectrum.X_offset, spectrum.y_offset)
    if scoring == "neg_mean_squared_error":
        return -ss_res.mean(axis=1) / test.weight_sum
    ss_tot = test.Syy  # about the fold's own mean, as r2_score
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = 1.0 - ss_res / ss_tot
    # r2_score's force_finite: a constant fold scores 1 when predicted exactly, else 0
    r2 = np.where(ss_tot > 0, r2, np.where(ss_res == 0, 1.0, 0.0))
    return r2.mean(axis=1)


def kfold_ridge_cv(estimator, X, y, sample_weight, alphas, decompose_stats):
    """K-fold scores of ridge for ``RidgeEigenCV`` on Dask: one pass for all folds.

    Each block is reduced to the statistics of its rows in each test fold (and of the
    rows in none); a tree merges them per fold on the cluster (:func:`_kfold_pass`).  On
    the client, fold j's training statistics are the total minus fold j's
    (:meth:`GramStats.subtract`), decomposed once for every α by ``decompose_stats``
    (``decompose_gram``, or its penalty-factor form), and each α is scored on fold j
    from its statistics: with r = (x − x̄_tr)ᵀw − (y − ȳ_tr),

        Σ r² = wᵀS_xx w − 2wᵀS_xy + S_yy   (moments about the training means),

    R² = 1 − Σr² / Σ(y − ȳ_fold)², averaged over targets as
    :func:`sklearn.metrics.r2_score` does.  The folds are those of
    ``check_cv(estimator.cv)`` (an int is ``KFold`` without shuffling, contiguous rows,
    computed from row numbers without materializing indices); any other splitter is
    materialized once as a row → fold map.  Weights weight the fits and the scores
    (weighted R² about the fold's weighted mean, weighted MSE), as in the NumPy K-fold
    and as ``GridSearchCV`` forwards them to the scorer.

    Returns
    -------
    scores : ndarray of shape (n_folds, n_alphas)
    spectrum : the decomposition of all data
    dtype, y_ndim
        As :func:`check_dask_inputs` (which also sets ``n_features_in_``).
    """
    scoring = estimator.scoring
    if scoring not in (None, "r2", "neg_mean_squared_error"):
        raise ValueError(
            "K-fold on Dask scores from fold statistics: scoring must be None, 'r2' or "
            f"'neg_mean_squared_error', got {scoring!r} (or compute the arrays)."
        )
    fold_stats, total, dtype, y_ndim = _kfold_pass(estimator, X, y, sample_weight)
    check_weight_sum(total.weight_sum)
    for k, fs in enumerate(fold_stats):
        check_split_weight(k, total.weight_sum - fs.weight_sum)
    scores = np.array(
        [
            _fold_scores(decompose_stats(total.subtract(fs)), fs, alphas, scoring or "r2")
            for fs in fold_stats
        ]
    )
    sizes = [int(fs.n_samples) for fs in fold_stats]
    if scoring in (None, "r2"):  # as r2_score: undefined on fewer than two samples
        scores[np.asarray(sizes) < 2, :] = np.nan
    check_fold_scores(scores.T, sizes, scoring or "r2")
    return scores, decompose_stats(total), dtype, y_ndim


def _kfold_pass(estimator, X, y, sample_weight):
    """One pass over the blocks: the statistics of each test fold, and of all rows.

    Returns ``(fold_stats, total, dtype, y_ndim)``.
    """
    import dask

    X, y, w, dtype, y_ndim = check_dask_inputs(estimator, X, y, sample_weight)
    if np.isnan(X.shape[0]):
        X = X.compute_chunk_sizes()
    n = int(X.shape[0])
    bounds, groups, k = _kfold_groups(estimator.cv, n)
    blocks, starts = _row_blocks_and_starts(X, y, w)
    parts = []
    for blk, start, stop in zip(blocks, starts, starts[1:] + [n], strict=False):
        g = None if groups is None else groups[start:stop]
        parts.append(dask.delayed(_fold_chunk_stats)(*blk, start, bounds, g, k))
    stats = dask.compute(_tree_reduce(parts, _merge_each))[0]
    fold_stats, total = list(stats[:k]), stats[k]
    for fs in fold_stats:
        total = total.merge(fs)
    return fold_stats, total, dtype, y_ndim


def kfold_gram_stats(estimator, X, y, sample_weight):
    """Per-fold Gram statistics of Dask data in one pass, for estimators that fit the
    folds their own way (``SoftThresholdQuadraticCV``).

    The folds are those of ``check_cv(estimator.cv)`` as in :func:`kfold_ridge_cv`
    (test folds disjoint, each training set the complement of its test fold).  Fold j's
    training statistics are then ``total.subtract(fold_stats[j])``.

    Returns
    -------
    fold_stats : list of GramStats
        The (weighted) statistics of each test fold's rows.
    total : GramStats
        All rows.
    dtype, y_ndim
        As :func:`check_dask_inputs`.
    """
    fold_stats, total, dtype, y_ndim = _kfold_pass(estimator, X, y, sample_weight)
    return fold_stats, total, dtype, y_ndim
