"""Timing helper shared by the benchmark scripts (run them as ``python benchmarks/bench_*.py``)."""

from __future__ import annotations

import time


def best_time_with_result(func, repeat):
    """Best wall time of ``repeat`` calls after one warm-up call, and the last result.

    The warm-up absorbs imports, BLAS thread start-up and page faults; the minimum is
    the least noisy statistic on a shared machine.
    """
    out = func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - start)
    return min(times), out


def best_time(func, repeat):
    """Best wall time (seconds) of ``repeat`` calls after one warm-up call."""
    return best_time_with_result(func, repeat)[0]
