"""Global configuration: the one memory budget and the exact-decomposition side limit.

Every size decision in skreg reads these values at call time, as scikit-learn's
``working_memory`` is read: ``with skreg.config_context(memory_budget=2**28): ...``
changes them for the block only.  The limits that are not the d×d or n×n matrix
itself are fixed fractions of the one budget, so raising the budget raises them all:

=============================================  ==========================
what                                            limit
=============================================  ==========================
a dense d×d Gram or n×n kernel matrix           ``memory_budget``
the K-fold Gram statistics of the L1 CV         ``memory_budget``
a noise-augmented copy of X                     ``memory_budget``
the Golub–Kahan basis of the Krylov solver      4 × ``memory_budget``
a dense noisy copy of sparse X in the MLP       ``memory_budget`` / 4
a dense one-hot design, or a cached one, in     ``memory_budget`` / 4
the study
=============================================  ==========================
"""

from contextlib import contextmanager
from numbers import Integral

__all__ = [
    "config_context",
    "exact_max_side_sparse",
    "fits_budget",
    "get_config",
    "memory_budget",
    "set_config",
]

_DEFAULTS = {
    # bytes of the largest dense d×d Gram or n×n kernel matrix formed without being
    # asked: 1 GiB, about 11,585² float64 entries
    "memory_budget": 1 << 30,
    # sparse X only: the largest min(n, d) that solver='auto' decomposes exactly (its
    # eigensolver costs O(min(n, d)³), about 5 s at 3,000 on 2 cores; beyond, the Krylov
    # and iterative solvers, which only multiply by X, are much faster on sparse data)
    "exact_max_side_sparse": 3000,
}
# process-wide (threads of a joblib threading backend see it too; worker processes
# start from the defaults)
_CONFIG = dict(_DEFAULTS)


def _config():
    return _CONFIG


def get_config():
    """The current skreg configuration.

    Returns
    -------
    config : dict
        ``memory_budget`` (int, bytes): the largest dense d×d Gram or n×n kernel matrix
        skreg forms on its own (default 1 GiB); beyond it the sparse, Krylov and working-set
        routes take over.  ``exact_max_side_sparse`` (int): for sparse X, the largest
        min(n, d) that ``solver='auto'`` decomposes exactly (default 3,000).

    See Also
    --------
    set_config, config_context, sklearn.get_config

    Examples
    --------
    >>> import skreg
    >>> skreg.get_config()["memory_budget"] == 2**30
    True
    """
    return dict(_config())


def _check(name, value):
    if name not in _DEFAULTS:
        raise ValueError(
            f"Unknown skreg configuration key {name!r}; valid keys are {sorted(_DEFAULTS)}."
        )
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"skreg configuration {name!r} must be a positive integer, got {value!r}.")
    return int(value)


def set_config(memory_budget=None, exact_max_side_sparse=None):
    """Set the skreg configuration for this process (None leaves a value as it is).

    Parameters
    ----------
    memory_budget : int, default=None
        Bytes of the largest dense matrix skreg forms on its own (see :func:`get_config`).
    exact_max_side_sparse : int, default=None
        Sparse X: the largest min(n, d) that ``solver='auto'`` decomposes exactly.

    See Also
    --------
    get_config, config_context

    Examples
    --------
    >>> import skreg
    >>> skreg.set_config(memory_budget=2**31)
    >>> skreg.get_config()["memory_budget"]
    2147483648
    >>> skreg.set_config(memory_budget=2**30)
    """
    new = {"memory_budget": memory_budget, "exact_max_side_sparse": exact_max_side_sparse}
    checked = {k: _check(k, v) for k, v in new.items() if v is not None}
    _config().update(checked)


@contextmanager
def config_context(**changes):
    """Change the skreg configuration inside a ``with`` block only.

    Parameters
    ----------
    **changes
        The keys of :func:`get_config` with new values.

    Yields
    ------
    None

    See Also
    --------
    get_config, set_config, sklearn.config_context

    Examples
    --------
    >>> import skreg
    >>> with skreg.config_context(memory_budget=8 * 100**2):
    ...     skreg.get_config()["memory_budget"]
    80000
    >>> skreg.get_config()["memory_budget"] == 2**30
    True
    """
    checked = {k: _check(k, v) for k, v in changes.items()}
    old = get_config()
    _config().update(checked)
    try:
        yield
    finally:
        _config().clear()
        _config().update(old)


def fits_budget(n_rows, n_cols, itemsize=8, fraction=1.0):
    """Whether a dense ``n_rows × n_cols`` matrix fits ``fraction`` × the memory budget.

    Parameters
    ----------
    n_rows, n_cols : int
    itemsize : int, default=8
        Bytes per entry (float64).
    fraction : float, default=1.0
        The share of the budget this intermediate may take (see the module's table).

    Returns
    -------
    bool
    """
    return int(n_rows) * int(n_cols) * int(itemsize) <= memory_budget(fraction)


def memory_budget(fraction=1.0):
    """Bytes allowed now for a dense intermediate: ``fraction`` × the memory budget."""
    return int(_config()["memory_budget"] * fraction)


def exact_max_side_sparse():
    """The exact-decomposition side limit for sparse X, read now."""
    return _config()["exact_max_side_sparse"]
