"""BLAS thread control for the memory-bound steps of the numerical cores.

A symmetric eigensolver (tridiagonalization is matrix–vector work) and the Lanczos
recurrences (norms, axpys, matrix–vector products) gain little from BLAS threads, but
lose a lot when the cores are shared: OpenBLAS threads spin-wait for each other, and on
a loaded 2-core machine ``numpy.linalg.eigh`` of a 500×500 matrix took 1.4 s with two
threads against 0.14 s with one (0.03 s either way when idle).  :func:`single_blas_thread`
runs such a step on one thread.  One :class:`threadpoolctl.ThreadpoolController` is
created on first use (about 1 ms) and reused (about 20 µs a call).
"""

from __future__ import annotations

from threadpoolctl import ThreadpoolController

__all__ = ["single_blas_thread"]

_CONTROLLER = None


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
    global _CONTROLLER
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")
