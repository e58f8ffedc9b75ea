"""Array API benchmark: RidgeEigen / RidgeEigenCV on PyTorch (and array-api-strict) vs NumPy.

The same fits on the same data, once on NumPy arrays and once on another namespace with
``sklearn.config_context(array_api_dispatch=True)``, measured in one run (best-of-k
wall time).  Goal: PyTorch on CPU <= 1.5x NumPy on every row.  PyTorch is no
dependency of skreg: without it the PyTorch rows are skipped with a note.  A CUDA row is
added when a GPU is present.  array-api-strict wraps NumPy with checks, so its row only
shows the overhead of dispatch itself.

    python benchmarks/bench_array_api.py [--n 8000] [--d 300] [--repeat 5]
"""

from __future__ import annotations

import importlib
import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")  # scikit-learn's dispatch needs it, before scipy

import numpy as np  # noqa: E402
from _common import correlated_regression, interleaved_best, make_parser, print_table  # noqa: E402
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


def main(argv=None):
    args = make_parser(__doc__, n=8000, d=300, n_alphas=100, repeat=5).parse_args(argv)
    X, y = correlated_regression(args.n, args.d)
    namespaces, notes = _namespaces()

    rows = []
    for name, make in _workloads(args.n_alphas):
        for label, xp, device, sync in namespaces:
            X_xp, y_xp = xp.asarray(X, device=device), xp.asarray(y, device=device)

            def fit_xp(make=make, X_xp=X_xp, y_xp=y_xp, sync=sync):
                with config_context(array_api_dispatch=True):
                    est = make().fit(X_xp, y_xp)
                sync()
                return est

            (t_np, t_xp), (ref, est) = interleaved_best(
                [lambda make=make: make().fit(X, y), fit_xp], args.repeat)
            with config_context(array_api_dispatch=True):
                coef = move_to(est.coef_, xp=np, device="cpu")
            err = np.abs(coef - ref.coef_).max() / np.abs(ref.coef_).max()
            goal = 1.5 if label == "PyTorch CPU" else None
            rows.append((f"{name}: {label} / NumPy", t_xp, t_np, None, goal,
                         f"rel |coef diff| {err:.1e}"))
    print_table(rows, f"Array API: n={args.n} d={args.d}, float64, best of {args.repeat}; "
                "torch and NumPy's BLAS threads as configured",
                heads=("namespace [s]", "NumPy [s]"), notes=[f"note: {note}" for note in notes])


if __name__ == "__main__":
    main()
