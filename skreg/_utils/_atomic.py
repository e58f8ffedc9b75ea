"""A fit either succeeds or leaves the estimator exactly as it was."""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["atomic_fit"]


def atomic_fit(fit):
    """Decorate ``fit`` (or ``partial_fit``) so that a failed call changes nothing.

    The rule every skreg estimator follows: when ``fit`` raises, ``vars(estimator)`` is
    restored to what it was before the call (same keys, same objects). A fresh estimator
    therefore has no attribute ending in ``_`` after a failed fit, and a fitted one still
    predicts as before — never a mix of the old fit and half of the new one (for example
    ``feature_names_in_`` of the new data with ``coef_`` of the old).

    The snapshot is shallow: the decorated method must not modify fitted arrays in place
    (skreg's estimators replace them), which keeps the snapshot free.  The one object a
    fit does advance in place, a random stream (a ``RandomState`` or ``Generator`` held
    as an attribute: ``partial_fit``'s stored stream, or the user's ``random_state``
    instance), has its state saved and restored too, so that an interrupted call
    (``KeyboardInterrupt`` after the epoch drew its shuffles) does not leave it advanced.

    Parameters
    ----------
    fit : callable
        A method ``fit(self, ...)``.

    Returns
    -------
    callable
        The wrapped method (same name and docstring, as ``_fit_context`` needs).

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> class Model(BaseEstimator):
    ...     @atomic_fit
    ...     def fit(self, X):
    ...         self.n_features_in_ = len(X[0])
    ...         raise ValueError("bad data")
    >>> model = Model()
    >>> try:
    ...     model.fit([[1.0, 2.0]])
    ... except ValueError:
    ...     pass
    >>> vars(model)
    {}
    """

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        state = dict(vars(self))
        streams = [(v, _stream_state(v)) for v in state.values() if _stream_state(v) is not None]
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(state)
            for stream, saved in streams:
                _set_stream_state(stream, saved)
            raise

    return wrapper


def _stream_state(value):
    """The state of a NumPy random stream (RandomState or Generator), else None."""
    if isinstance(value, np.random.RandomState):
        return value.get_state()
    if isinstance(value, np.random.Generator):
        return value.bit_generator.state
    return None


def _set_stream_state(stream, state):
    if isinstance(stream, np.random.RandomState):
        stream.set_state(state)
    else:
        stream.bit_generator.state = state
