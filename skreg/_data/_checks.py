"""Checks on the data every estimator shares, each with its one message.

Sample weights are checked here once, whatever form they come in: a scalar (which
scikit-learn's ``_check_sample_weight`` broadcasts without looking at it), a NumPy or
array-API array, or a block of a Dask array (checked inside the block, on the worker).
The messages are scikit-learn's, so a user sees the same text from every estimator.
"""

from numbers import Number

import numpy as np
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "check_fold_scores",
    "check_sample_weight",
    "check_split_weight",
    "check_weight_sum",
    "check_weight_values",
    "largest_usable_cv",
]

ZERO_WEIGHT_MESSAGE = "Sample weights must contain at least one non-zero number."


def check_weight_sum(weight_sum):
    """Raise the one ValueError for data whose total sample weight is not positive.

    Parameters
    ----------
    weight_sum : float
        Σw of the rows a fit would see (NaN counts as not positive).
    """
    if not weight_sum > 0:
        raise ValueError(ZERO_WEIGHT_MESSAGE)


def check_weight_values(sample_weight):
    """Raise ValueError unless every weight is finite and non-negative.

    Parameters
    ----------
    sample_weight : float or ndarray
        A scalar, or a NumPy array (a Dask block).

    Raises
    ------
    ValueError
        ``Input sample_weight contains NaN.``, ``... contains infinity ...`` or
        ``Negative values in data passed to `sample_weight`.`` (scikit-learn's words).

    Examples
    --------
    >>> check_weight_values(float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: Input sample_weight contains NaN.
    """
    w = np.asarray(sample_weight, dtype=np.float64)
    if not np.all(np.isfinite(w)):
        what = (
            "NaN" if np.any(np.isnan(w)) else "infinity or a value too large for dtype('float64')"
        )
        raise ValueError(f"Input sample_weight contains {what}.")
    if np.any(w < 0):
        raise ValueError("Negative values in data passed to `sample_weight`.")


def check_sample_weight(sample_weight, X, *, dtype=None):
    """Validated sample weights of shape (n_samples,): scikit-learn's check, and scalars too.

    ``sklearn.utils.validation._check_sample_weight`` broadcasts a scalar without
    checking it, so ``sample_weight=np.nan`` would reach the solvers; this checks the
    scalar first, then delegates (finite, non-negative, one weight per row of X).

    Parameters
    ----------
    sample_weight : float, array-like of shape (n_samples,) or None
    X : array-like of shape (n_samples, n_features)
    dtype : dtype or None, default=None

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    if isinstance(sample_weight, Number) or (
        isinstance(sample_weight, np.ndarray) and sample_weight.ndim == 0
    ):
        check_weight_values(sample_weight)
    return _check_sample_weight(sample_weight, X, dtype=dtype, ensure_non_negative=True)


def check_split_weight(k, train_weight, test_weight=None):
    """Raise ValueError when split ``k`` of a cross-validation has nothing to fit or to test.

    Parameters
    ----------
    k : int
        The split's index (as ``cv.split`` yields it).
    train_weight : float
        Total sample weight of the training rows: a fit on zero weight is undefined.
    test_weight : float or None, default=None
        Total weight of the test rows, when the test error is weighted (None: it is not).

    Examples
    --------
    >>> check_split_weight(0, 3.0, 1.0)
    >>> check_split_weight(2, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: Split 2 has a training set of zero total sample weight: its fit is undefined.
    Shuffle the rows into the folds (e.g. cv=KFold(5, shuffle=True)) or drop the zero-weight rows.
    """
    train_ok = train_weight > 0
    test_ok = test_weight is None or test_weight > 0
    if train_ok and test_ok:
        return
    which = "training or test set" if test_weight is not None else "training set"
    what = "its fit or its test error is" if test_weight is not None else "its fit is"
    raise ValueError(
        f"Split {k} has a {which} of zero total sample weight: {what} undefined. Shuffle "
        "the rows into the folds (e.g. cv=KFold(5, shuffle=True)) or drop the zero-weight rows."
    )


def check_fold_scores(scores, test_sizes, scoring):
    """Raise ValueError when a cross-validation score is NaN: never select from NaN scores.

    ``r2_score`` (the default of ``GridSearchCV`` and ``RidgeCV``'s K-fold) is NaN on a
    test fold of one sample; ``np.argmax`` would then pick the first candidate and
    report ``best_score_ = nan`` as if it were a result.

    Parameters
    ----------
    scores : array-like of shape (n_candidates, n_folds)
    test_sizes : sequence of int
        Number of test samples of each fold (their sum is the number of samples
        scored, n for K-fold).
    scoring : str or callable
        Named in the message.

    Examples
    --------
    >>> import numpy as np
    >>> check_fold_scores(np.full((2, 20), np.nan), [1] * 20, "r2")
    Traceback (most recent call last):
    ...
    ValueError: The r2 score is NaN on 20 of 20 test folds: test folds of 1 sample are too small
    to score r2. With 20 samples the largest usable cv is 10 (at least 2 samples per test fold);
    or pick a scoring defined on one sample, such as scoring='neg_mean_squared_error'.
    """
    scores = np.asarray(scores, dtype=np.float64)
    bad = np.flatnonzero(np.isnan(scores).any(axis=0))
    if bad.size == 0:
        return
    name = scoring if isinstance(scoring, str) else getattr(scoring, "__name__", repr(scoring))
    smallest = min(int(test_sizes[k]) for k in bad)
    where = f"on {bad.size} of {scores.shape[1]} test folds"
    if smallest < 2:
        n = int(np.sum(test_sizes))
        raise ValueError(
            f"The {name} score is NaN {where}: test folds of {smallest} sample are too small "
            f"to score {name}. With {n} samples the largest usable cv is {largest_usable_cv(n)} "
            "(at least 2 samples per test fold); or pick a scoring defined on one sample, "
            "such as scoring='neg_mean_squared_error'."
        )
    raise ValueError(
        f"The {name} score is NaN {where} (folds {bad.tolist()[:5]}): a candidate cannot be "
        "selected from NaN scores; check the data for non-finite or extreme values."
    )


def largest_usable_cv(n_samples, min_test_size=2):
    """The largest number of K-fold splits whose test folds all have ``min_test_size`` rows.

    K-fold test folds have ⌊n/K⌋ or ⌈n/K⌉ rows, so K = ⌊n / min_test_size⌋.

    Examples
    --------
    >>> largest_usable_cv(21)
    10
    """
    return int(n_samples) // int(min_test_size)
