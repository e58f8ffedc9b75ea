"""What every benchmark script shares: timing, BLAS thread control, options, the one table.

Run a benchmark as ``python benchmarks/bench_<name>.py`` (this folder is then on the path).
Each script measures skreg against a peer (scikit-learn, NumPy, a plain loop) in one run
and prints its rows with :func:`print_table`: the two measurements, their ratio
skreg / peer and the goal for that ratio inline (``goal <= 1.3  ok``), so a reader sees
at once which goal a row is held to and whether this run met it.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from numbers import Real

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits


# --------------------------------------------------------------------------- timing
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


def interleaved_best(funcs, repeat):
    """Best wall time of each function and its last result, the calls taking turns.

    One warm-up call each, then ``repeat`` rounds calling every function once: on a
    shared machine a burst of load then hits every side of a ratio alike.
    """
    results = [func() for func in funcs]
    best = [float("inf")] * len(funcs)
    for _ in range(repeat):
        for i, func in enumerate(funcs):
            start = time.perf_counter()
            results[i] = func()
            best[i] = min(best[i], time.perf_counter() - start)
    return best, results


def blas_threads(limit):
    """Context manager limiting the BLAS thread pools to ``limit`` (None: no limit)."""
    return threadpool_limits(limits=limit, user_api="blas")


def _blas_thread_count():
    counts = {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}
    return "/".join(str(c) for c in sorted(counts)) or "?"


# ----------------------------------------------------------------- options and data
def make_parser(doc, **defaults):
    """An argument parser described by the first line of ``doc``, one option a default.

    ``n_alphas=100`` becomes ``--n-alphas`` (an int); a ``False`` default becomes a flag.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    for name, default in defaults.items():
        flag = "--" + name.replace("_", "-")
        if default is False:
            parser.add_argument(flag, action="store_true")
        else:
            parser.add_argument(flag, type=type(default), default=default)
    return parser


def correlated_regression(n, d, seed=0):
    """Dense X = Z·M/10 (Z, M standard normal: correlated columns) and y = Xw + noise."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) @ rng.standard_normal((d, d)) / 10
    y = X @ rng.standard_normal(d) + rng.standard_normal(n)
    return X, y


# --------------------------------------------------------------------------- goals
@dataclass(frozen=True)
class Goal:
    """A bound on a row's ratio: ``ratio <= bound`` (``strict``: ``<``; ``absolute``: |ratio|)."""

    bound: float
    strict: bool = False
    absolute: bool = False

    def met(self, value):
        value = abs(value) if self.absolute else value
        return value < self.bound if self.strict else value <= self.bound

    def __str__(self):
        bound = f"{'<' if self.strict else '<='} {self.bound:g}"
        return f"goal |x| {bound}" if self.absolute else f"goal {bound}"


def below(bound):
    """The goal ``ratio < bound``."""
    return Goal(bound, strict=True)


def abs_at_most(bound):
    """The goal ``|ratio| <= bound`` (for a difference rather than a ratio)."""
    return Goal(bound, absolute=True)


# --------------------------------------------------------------------------- table
def _fmt(value, digits=4):
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return str(value)
    if value != 0 and not 1e-3 <= abs(value) < 1e5:
        return f"{value:.{max(digits - 1, 1)}e}"
    return f"{value:.{digits}g}"


def _cells(row):
    label, ours, peer, ratio, goal, *note = row
    if ratio is None and isinstance(ours, Real) and isinstance(peer, Real):
        ratio = ours / peer
    value = ours if peer is None and ratio is None else ratio
    goal = Goal(goal) if isinstance(goal, Real) else goal
    if goal is None:
        verdict = ""
    elif not isinstance(value, Real):
        verdict = f"{goal}  n/a"
    else:
        verdict = f"{goal}  {'ok' if goal.met(value) else 'MISS'}"
    ratio = "" if ratio is None else _fmt(ratio, 3)
    return [label, _fmt(ours), "" if peer is None else _fmt(peer), ratio, verdict, " ".join(note)]


def print_table(rows, title, heads=("skreg [s]", "peer [s]"), notes=()):
    """Print ``title``, the machine's load, one aligned table of ``rows`` and ``notes``.

    Each row is ``(label, skreg, peer, ratio, goal)`` with an optional sixth item, a note.
    ``skreg`` and ``peer`` are numbers (seconds unless ``heads`` or the label say otherwise),
    a preformatted string, or None (not measured); ``ratio`` None means skreg / peer.  A
    row without a peer or ratio holds a single measurement, and its goal bounds that value.
    ``goal`` is None, a number (the bound of ``ratio <= bound``) or a :class:`Goal`; it is
    printed inline with ``ok`` or ``MISS`` for this run.
    """
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{title}\n(load average {load:.1f} on {os.cpu_count()} CPUs, "
          f"BLAS threads {_blas_thread_count()})")
    table = [("comparison", *heads, "ratio", "goal", "")] + [_cells(row) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(6)]
    for line in table:
        cells = [line[0].ljust(widths[0]), *(line[i].rjust(widths[i]) for i in (1, 2, 3)),
                 line[4].ljust(widths[4]), line[5]]
        print("  ".join(cells).rstrip())
    for note in notes:
        print(note)
    print()
