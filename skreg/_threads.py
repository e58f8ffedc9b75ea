"""BLAS thread limiting, shared by the solvers whose matrix products are small.

Threaded BLAS pays a synchronization cost per call; on products of a few hundred rows
(the L1 solver's working sets, an MLP's minibatches) that cost dominates, and on a busy
machine the threads wait for cores held by other processes.  Such solvers run inside
``_blas_threads(1)``.
"""

from __future__ import annotations

import functools

from threadpoolctl import ThreadpoolController

__all__ = ["_blas_controller", "_blas_threads"]


@functools.lru_cache(maxsize=None)
def _blas_controller():
    """One threadpoolctl controller (scanning the loaded libraries costs milliseconds)."""
    return ThreadpoolController()


def _blas_threads(limit):
    """Context manager limiting the BLAS threads to ``limit``."""
    return _blas_controller().limit(limits=limit, user_api="blas")
