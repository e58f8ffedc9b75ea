"""Small public helpers."""

from __future__ import annotations

import inspect

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]


def all_estimators():
    """Every public estimator of skreg, as sorted ``(name, class)`` pairs.

    The single registry the common tests iterate over: an estimator exported from
    ``skreg/__init__.py`` is checked automatically.

    Returns
    -------
    list of (str, type)

    Examples
    --------
    >>> names = [name for name, _ in all_estimators()]
    >>> "RidgeEigen" in names
    True
    """
    import skreg

    found = {
        name: obj
        for name, obj in vars(skreg).items()
        if inspect.isclass(obj) and issubclass(obj, BaseEstimator) and not name.startswith("_")
    }
    return sorted(found.items())
