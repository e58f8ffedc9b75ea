"""MLP benchmark: skreg.MLPRegressor against sklearn.neural_network.MLPRegressor, one run.

Dense data n=5000, d=20 (plus 2000 test rows), network (64, 64), ReLU, the same seed on
both sides. Prints one table of ratios measured in this run (best of ``--repeat``; the skreg-only
ratios take turns round by round, see ``_common.interleaved_best``), each with its goal:

* Adam (batch 200): per-epoch training time over 30 epochs, skreg / scikit-learn (goal <= 1.0);
* the overhead of weight noise (δ = 0.01) and of dropout (p = 0.2 on the hidden units)
  over noise-free skreg training, per epoch (goal <= 1.3 each);
* ``partial_fit``: one call (one epoch) against one epoch of ``fit`` (goal <= 1.1);
* L-BFGS: time per iteration, skreg / scikit-learn, on the same network and data (goal <= 1.0);
* BLAS threads: a fit (full-batch 'gd', 5000 × 64 × 64 products) while a competing
  busy-loop process runs, skreg with its one-thread limit / skreg with the limit lifted
  (OpenBLAS's default threads) (goal < 1);
* test R² of both after 200 Adam epochs (goal |skreg - sklearn| <= 0.02).

    python benchmarks/bench_mlp.py [--n 5000] [--d 20] [--repeat 5]
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
from _common import (
    abs_at_most,
    below,
    best_time,
    best_time_with_result,
    interleaved_best,
    make_parser,
    print_table,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from skreg import MLPRegressor

# the module whose _SMALL_PRODUCT the one-thread rule of MLPRegressor._threads reads
LIMIT_GLOBALS = MLPRegressor._threads.__globals__

HIDDEN = (64, 64)
BATCH = 200


def make_data(n, d, n_test, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n + n_test, d))
    w1, w2 = rng.standard_normal((2, d)) / np.sqrt(d)
    y = np.sin(2 * X @ w1) + 0.5 * (X @ w2) ** 2 + 0.1 * rng.standard_normal(n + n_test)
    return X[:n], y[:n], X[n:], y[n:]


def ours(max_iter, **kw):
    kw = {"solver": "adam", "batch_size": BATCH, **kw}
    return MLPRegressor(HIDDEN, max_iter=max_iter, tol=0.0, n_iter_no_change=max_iter + 1,
                        random_state=0, **kw)


def theirs(max_iter, **kw):
    kw = {"solver": "adam", "batch_size": BATCH, **kw}
    return SkMLPRegressor(hidden_layer_sizes=HIDDEN, max_iter=max_iter, tol=0.0,
                          n_iter_no_change=max_iter + 1, random_state=0, **kw)


def partial_epochs(X, y, epochs):
    model = ours(1)
    for _ in range(epochs):
        model.partial_fit(X, y)
    return model


def per_iteration(make, X, y, repeat):
    """Best time of a fit divided by its iterations (L-BFGS may stop early)."""
    t, model = best_time_with_result(lambda: make().fit(X, y), repeat)
    return t / model.n_iter_


def with_competitor(func):
    """Run ``func()`` while another process spins on a core."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        return func()
    finally:
        spinner.kill()
        spinner.wait()


def main(argv=None):
    args = make_parser(__doc__, n=5000, d=20, epochs=30, lbfgs_iter=50, r2_epochs=200,
                       repeat=5).parse_args(argv)
    X, y, X_test, y_test = make_data(args.n, args.d, 2000)
    E, r, K = args.epochs, args.repeat, args.lbfgs_iter
    warnings.simplefilter("ignore", ConvergenceWarning)

    times, _ = interleaved_best([
        lambda: ours(E).fit(X, y),
        lambda: ours(E, weight_noise=0.01).fit(X, y),
        lambda: ours(E, dropout=0.2).fit(X, y),
        lambda: partial_epochs(X, y, E),
    ], r)
    t_ours, t_noise, t_drop, t_partial = (t / E for t in times)
    t_sk = best_time(lambda: theirs(E).fit(X, y), r) / E

    lbfgs = dict(solver="lbfgs", batch_size="auto")
    it_ours = per_iteration(lambda: ours(K, **lbfgs), X, y, r)
    it_sk = per_iteration(lambda: theirs(K, **lbfgs), X, y, r)

    gd = dict(solver="gd", learning_rate_init=0.05)

    def threads_run():
        limited = best_time(lambda: ours(10, **gd).fit(X, y), r)
        saved = LIMIT_GLOBALS["_SMALL_PRODUCT"]
        LIMIT_GLOBALS["_SMALL_PRODUCT"] = 0  # lift the limit: OpenBLAS's default threads
        try:
            unlimited = best_time(lambda: ours(10, **gd).fit(X, y), r)
        finally:
            LIMIT_GLOBALS["_SMALL_PRODUCT"] = saved
        return limited, unlimited

    t_limited, t_unlimited = with_competitor(threads_run)

    long_ours = ours(args.r2_epochs).fit(X, y)
    long_sk = theirs(args.r2_epochs).fit(X, y)
    r2_ours = r2_score(y_test, long_ours.predict(X_test))
    r2_sk = r2_score(y_test, long_sk.predict(X_test))

    ms = lambda t: f"{t * 1e3:.2f} ms"  # noqa: E731
    rows = [
        ("Adam epoch: skreg / sklearn", ms(t_ours), ms(t_sk), t_ours / t_sk, 1.0),
        ("weight_noise=0.01 / no noise (skreg epoch)", ms(t_noise), ms(t_ours),
         t_noise / t_ours, 1.3),
        ("dropout=0.2 / no dropout (skreg epoch)", ms(t_drop), ms(t_ours), t_drop / t_ours, 1.3),
        ("partial_fit call / fit epoch (skreg)", ms(t_partial), ms(t_ours), t_partial / t_ours,
         1.1),
        ("L-BFGS iteration: skreg / sklearn", ms(it_ours), ms(it_sk), it_ours / it_sk, 1.0),
        ("busy core, gd epoch: 1 BLAS thread / default threads", ms(t_limited / 10),
         ms(t_unlimited / 10), t_limited / t_unlimited, below(1)),
        (f"test R² after {args.r2_epochs} epochs: skreg - sklearn (a difference)",
         f"{r2_ours:.4f}", f"{r2_sk:.4f}", r2_ours - r2_sk, abs_at_most(0.02)),
    ]
    print_table(rows, f"MLP: n={args.n} d={args.d} hidden={HIDDEN}, random_state=0 on both; "
                f"best of {r}", heads=("skreg", "peer"))


if __name__ == "__main__":
    main()
