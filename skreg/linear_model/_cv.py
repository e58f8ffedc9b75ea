"""The one model-selection rule module: standard error, least error and the 1-SE rule.

Every CV estimator (ridge, L1, logistic) scores each α on K folds, then chooses

- ``'min'``: the α of the best mean score (the first one on ties, as ``RidgeCV``);
- ``'1se'``: glmnet's one-standard-error rule, the largest α whose mean score is within
  one standard error of the best, SE = std(fold scores, ddof=1) / √K (glmnet's cvsd).

Scores are "larger is better" here; an error (MSE) is passed negated.  A chosen α at an
end of a user grid raises one warning, worded the same everywhere (``warn_at_grid_edge``).
"""

import math
import warnings

import numpy as np
from sklearn.utils._array_api import _is_numpy_namespace, get_namespace_and_device

__all__ = ["min_and_one_se", "splitter_params", "splitter_routing", "standard_error", "warn_at_grid_edge"]


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


def warn_at_grid_edge(alphas, chosen, estimator_name, stacklevel=5,
                      automatic="alphas='auto' (a grid read off the spectrum that spans every "
                                "model size)"):
    """UserWarning when the chosen α is the smallest or largest of a user grid.

    A grid that tops out (or bottoms out) at the chosen value may have cut off the
    optimum.  Silent for a grid of one value, and at a smallest α of 0 (nothing lies
    below it).

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The user's grid.
    chosen : float or ndarray
        The selected α (one per target allowed).
    estimator_name : str
    stacklevel : int, default=5
        Points the warning at the user's ``fit`` call (through ``fit``'s two
        decorators).
    automatic : str
        The estimator's automatic grid, named in the remedy.
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    if np.unique(alphas).size < 2:
        return
    chosen = np.atleast_1d(np.asarray(chosen, dtype=np.float64))
    lo, hi = alphas.min(), alphas.max()
    for end, value, side in (("largest", hi, "above"), ("smallest", lo, "below")):
        hits = int(np.count_nonzero(chosen == value))
        if hits == 0 or (end == "smallest" and value == 0.0):
            continue
        which = "" if chosen.size == 1 else f" for {hits} of {chosen.size} targets"
        warnings.warn(
            f"{estimator_name}: the selected alpha{which} is the {end} value of the grid "
            f"(alpha={value:.4g}); the optimum may lie {side} it. Extend alphas {side} "
            f"{value:.4g}, or pass {automatic}.",
            UserWarning,
            stacklevel=stacklevel,
        )


def splitter_params(estimator, params):
    """The keyword arguments a CV estimator's ``fit`` passes to its splitter's ``split``.

    ``groups`` (and any other parameter of the splitter's ``split``) reaches the splitter
    with and without scikit-learn's metadata routing, as ``GridSearchCV.fit(X, y,
    groups=g)`` passes it; with routing enabled (``sklearn.set_config(
    enable_metadata_routing=True)``) the request is resolved by :func:`process_routing`
    through the estimator's :meth:`get_metadata_routing`.

    Parameters
    ----------
    estimator : CV estimator
        Has a ``cv`` parameter and ``get_metadata_routing``.
    params : dict
        The extra keyword arguments given to ``fit``.

    Returns
    -------
    dict
        Keyword arguments for ``split``.

    Raises
    ------
    ValueError
        For splitter parameters when the estimator does not split (``cv=None`` exact
        leave-one-out, ``cv='gcv'``).
    """
    if not params:
        return {}
    if estimator.cv is None or isinstance(estimator.cv, str):
        raise ValueError(
            f"{type(estimator).__name__}.fit got {sorted(params)}, parameters of a CV "
            f"splitter, but cv={estimator.cv!r} does not split the data: pass cv (an int, a "
            "splitter such as GroupKFold, or an iterable of splits)."
        )
    from sklearn.utils.metadata_routing import _routing_enabled, process_routing

    if _routing_enabled():
        return dict(process_routing(estimator, "fit", **params).splitter.split)
    return dict(params)


def splitter_routing(estimator):
    """The metadata routing of a CV estimator: ``fit``'s extra parameters go to ``split``.

    Parameters
    ----------
    estimator : CV estimator

    Returns
    -------
    sklearn.utils.metadata_routing.MetadataRouter
    """
    from sklearn.model_selection import check_cv
    from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping

    router = MetadataRouter(owner=type(estimator).__name__)
    if estimator.cv is not None and not isinstance(estimator.cv, str):
        router.add(splitter=check_cv(estimator.cv),
                   method_mapping=MethodMapping().add(caller="fit", callee="split"))
    return router
