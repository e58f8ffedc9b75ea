"""BLAS thread control, shared by every numerical core whose steps are small or memory-bound.

Threaded BLAS pays a synchronization cost per call.  On small products (the L1 solver's
working sets, an MLP's minibatches) and on memory-bound work (the tridiagonalization
inside a symmetric eigensolver, the Lanczos recurrences) that cost dominates, and on a
busy machine the OpenBLAS threads spin-wait for cores held by other processes: on a
loaded 2-core machine ``numpy.linalg.eigh`` of a 500×500 matrix took 1.4 s with two
threads against 0.14 s with one (0.03 s either way when idle).  NumPy and SciPy each
bring their own OpenBLAS; the limit applies to every BLAS loaded.  One
:class:`threadpoolctl.ThreadpoolController` is created on first use (about 1 ms) and
reused (about 20 µs a call).
"""

from __future__ import annotations

import functools

from threadpoolctl import ThreadpoolController

__all__ = ["blas_threads", "single_blas_thread"]


@functools.lru_cache(maxsize=None)
def _blas_controller():
    """One threadpoolctl controller (scanning the loaded libraries costs milliseconds)."""
    return ThreadpoolController()


def blas_threads(limit):
    """A context manager limiting every loaded BLAS to ``limit`` threads."""
    return _blas_controller().limit(limits=limit, user_api="blas")


def single_blas_thread():
    """A context manager limiting every loaded BLAS to one thread.

    Examples
    --------
    >>> import numpy as np
    >>> with single_blas_thread():
    ...     w = np.linalg.eigvalsh(np.eye(3))
    >>> w.tolist()
    [1.0, 1.0, 1.0]
    """
    return blas_threads(1)


