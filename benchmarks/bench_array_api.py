"""Array API benchmark: RidgeEigen / RidgeEigenCV on PyTorch (and array-api-strict) vs NumPy.

The same fits on the same data, once on NumPy arrays and once on another namespace with
``sklearn.config_context(array_api_dispatch=True)``, measured in one run (best-of-k
wall time).  Goal from issue 16: PyTorch on CPU within 1.5x of NumPy.  PyTorch is no
dependency of skreg: without it the PyTorch rows are skipped with a note.  A CUDA row is
added when a GPU is present.  array-api-strict wraps NumPy with checks, so its row only
shows the overhead of dispatch itself.

    python benchmarks/bench_array_api.py [--n 8000] [--d 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import importlib
import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")  # scikit-learn's dispatch needs it, before scipy

import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn import config_context  # noqa: E402
from sklearn.utils._array_api import move_to  # noqa: E402

from skreg import RidgeEigen, RidgeEigenCV  # noqa: E402


def _workloads(n_alphas):
    alphas = np.logspace(-3, 3, n_alphas)
    return [
        ("RidgeEigen.fit", lambda: RidgeEigen(alpha=1.0)),
        (f"RidgeEigenCV LOO, {n_alphas} alphas", lambda: RidgeEigenCV(alphas=alphas)),
        ("RidgeEigenCV 5-fold, 20 alphas", lambda: RidgeEigenCV(alphas=alphas[::5], cv=5)),
    ]


def _namespaces():
    """(label, xp, device, sync) for every namespace available here; skip notes."""
    found, notes = [], []
    try:
        import array_api_strict as strict

        found.append(("array-api-strict (overhead)", strict, None, lambda: None))
    except ImportError:  # pragma: no cover - a test dependency
        notes.append("array-api-strict not installed: its row is skipped")
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        notes.append("PyTorch not installed: the PyTorch rows are skipped (goal not measured)")
        return found, notes
    found.append(("PyTorch CPU", torch, "cpu", lambda: None))
    if torch.cuda.is_available():
        found.append(("PyTorch CUDA", torch, "cuda", torch.cuda.synchronize))
    else:
        notes.append("no CUDA device: no GPU row")
    return found, notes


def _interleaved_best(funcs, repeat):
    """Best wall time of each function and its last result, the calls interleaved.

    One warm-up call each, then ``repeat`` rounds calling every function once: on a
    shared machine a burst of load then hits both sides of a ratio alike.
    """
    results = [f() for f in funcs]
    best = [float("inf")] * len(funcs)
    for _ in range(repeat):
        for i, f in enumerate(funcs):
            start = time.perf_counter()
            results[i] = f()
            best[i] = min(best[i], time.perf_counter() - start)
    return best, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8000)
    parser.add_argument("--d", type=int, default=300)
    parser.add_argument("--n-alphas", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.n, args.d)) @ rng.standard_normal((args.d, args.d)) / 10
    y = X @ rng.standard_normal(args.d) + rng.standard_normal(args.n)
    namespaces, notes = _namespaces()

    rows = []
    for name, make in _workloads(args.n_alphas):
        for label, xp, device, sync in namespaces:
            X_xp, y_xp = xp.asarray(X, device=device), xp.asarray(y, device=device)

            def fit_xp():
                with config_context(array_api_dispatch=True):
                    est = make().fit(X_xp, y_xp)
                sync()
                return est

            (t_np, t_xp), (ref, est) = _interleaved_best([lambda: make().fit(X, y), fit_xp],
                                                         args.repeat)
            with config_context(array_api_dispatch=True):
                coef = move_to(est.coef_, xp=np, device="cpu")
            err = np.abs(coef - ref.coef_).max() / np.abs(ref.coef_).max()
            goal = "<= 1.5" if label == "PyTorch CPU" else ""
            rows.append((f"{name}: {label} / NumPy", t_xp, t_np, err, goal))

    print(f"n={args.n} d={args.d}, float64; threads: torch and NumPy's BLAS as configured")
    for note in notes:
        print(f"note: {note}")
    if not rows:
        return
    width = max(len(row[0]) for row in rows)
    print(f"\n{'comparison':<{width}}  {'namespace [s]':>13}  {'NumPy [s]':>9}  {'ratio':>6}"
          f"  {'rel |coef diff|':>15}  goal")
    for label, t_xp, t_np, err, goal in rows:
        print(f"{label:<{width}}  {t_xp:13.4f}  {t_np:9.4f}  {t_xp / t_np:6.2f}  {err:15.1e}  {goal}")


if __name__ == "__main__":
    main()
