"""MLP benchmark: skreg.MLPRegressor against sklearn.neural_network.MLPRegressor, one run.

Dense data n=5000, d=20 (plus 2000 test rows), network (64, 64), ReLU, Adam, batch 200,
the same seed on both sides. Prints, next to the goals of issue 6:

* the per-epoch training time over 30 epochs (best of ``--repeat``), skreg / scikit-learn;
* the overhead of weight noise (δ = 0.01) over noise-free skreg training;
* test R² of both after 200 epochs.

    python benchmarks/bench_mlp.py [--n 5000] [--d 20] [--repeat 5]
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from _timing import best_time
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from skreg import MLPRegressor

HIDDEN = (64, 64)
BATCH = 200


def make_data(n, d, n_test, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n + n_test, d))
    w1, w2 = rng.standard_normal((2, d)) / np.sqrt(d)
    y = np.sin(2 * X @ w1) + 0.5 * (X @ w2) ** 2 + 0.1 * rng.standard_normal(n + n_test)
    return X[:n], y[:n], X[n:], y[n:]


def ours(max_iter, **kw):
    return MLPRegressor(HIDDEN, solver="adam", batch_size=BATCH, max_iter=max_iter, tol=0.0,
                        n_iter_no_change=max_iter + 1, random_state=0, **kw)


def theirs(max_iter):
    return SkMLPRegressor(hidden_layer_sizes=HIDDEN, solver="adam", batch_size=BATCH,
                          max_iter=max_iter, tol=0.0, n_iter_no_change=max_iter + 1,
                          random_state=0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--d", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--r2-epochs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    X, y, X_test, y_test = make_data(args.n, args.d, 2000)
    E, r = args.epochs, args.repeat
    warnings.simplefilter("ignore", ConvergenceWarning)

    t_ours = best_time(lambda: ours(E).fit(X, y), r) / E
    t_sk = best_time(lambda: theirs(E).fit(X, y), r) / E
    t_noise = best_time(lambda: ours(E, weight_noise=0.01).fit(X, y), r) / E

    long_ours = ours(args.r2_epochs).fit(X, y)
    long_sk = theirs(args.r2_epochs).fit(X, y)
    r2_ours = r2_score(y_test, long_ours.predict(X_test))
    r2_sk = r2_score(y_test, long_sk.predict(X_test))

    print(f"n={args.n} d={args.d} hidden={HIDDEN} Adam batch={BATCH}, random_state=0 on both\n")
    rows = [
        ("per-epoch time: skreg / sklearn", f"{t_ours * 1e3:.2f} ms", f"{t_sk * 1e3:.2f} ms",
         f"{t_ours / t_sk:.3f}", "<= 1.0"),
        ("weight_noise=0.01 / no noise (skreg)", f"{t_noise * 1e3:.2f} ms",
         f"{t_ours * 1e3:.2f} ms", f"{t_noise / t_ours:.3f}", "<= 1.3"),
        (f"test R² after {args.r2_epochs} epochs: skreg - sklearn", f"{r2_ours:.4f}",
         f"{r2_sk:.4f}", f"{r2_ours - r2_sk:+.4f}", "|diff| <= 0.02"),
    ]
    header = ("comparison", "skreg", "reference", "ratio/diff", "goal")
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(5)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))


if __name__ == "__main__":
    main()
