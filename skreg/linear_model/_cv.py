"""The one model-selection rule module: standard error, least error and the 1-SE rule.

Every CV estimator (ridge, L1, logistic) scores each α on K folds, then chooses

- ``'min'``: the α of the best mean score (the first one on ties, as ``RidgeCV``);
- ``'1se'``: glmnet's one-standard-error rule, the largest α whose mean score is within
  one standard error of the best, SE = std(fold scores, ddof=1) / √K (glmnet's cvsd).

Scores are "larger is better" here; an error (MSE) is passed negated.
"""

import math

import numpy as np
from sklearn.utils._array_api import _is_numpy_namespace, get_namespace_and_device

__all__ = ["min_and_one_se", "standard_error"]


def standard_error(values, axis):
    """Standard error of the mean over ``axis``: std(ddof=1) / √K (glmnet's cvsd); 0 if K < 2."""
    k = values.shape[axis]
    xp, _, device = get_namespace_and_device(values)
    if not _is_numpy_namespace(xp):  # array API: the same, in values' namespace
        if k < 2:
            shape = tuple(n for i, n in enumerate(values.shape) if i != axis % values.ndim)
            return xp.zeros(shape, dtype=values.dtype, device=device)
        scale = xp.max(xp.abs(values), axis=axis, keepdims=True)  # (as below)
        scale = xp.where((scale > 0) & xp.isfinite(scale), scale, xp.ones_like(scale))
        std = xp.std(values / scale, axis=axis, correction=1)
        return std / math.sqrt(k) * xp.squeeze(scale, axis=axis)
    if k < 2:
        return np.zeros(np.delete(values.shape, axis))
    # scaled by the largest magnitude: squared errors of a huge y must not overflow
    scale = np.max(np.abs(values), axis=axis, keepdims=True)
    scale = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
    return np.std(values / scale, axis=axis, ddof=1) / np.sqrt(k) * np.squeeze(scale, axis)


def min_and_one_se(alphas, mean, sem):
    """Indices of the best mean score and of the one-standard-error choice.

    ``mean`` and ``sem`` have shape (n_alphas, k) (k targets or 1).  The best index is
    the first maximum (as ``RidgeCV``); the 1-SE index is that of the largest α whose
    mean score is at least the best mean minus the best α's standard error.
    """
    best = np.argmax(mean, axis=0)
    cols = np.arange(mean.shape[1])
    within = mean >= (mean[best, cols] - sem[best, cols])[None, :]
    one_se = np.argmax(np.where(within, alphas[:, None], -np.inf), axis=0)
    return best, one_se
