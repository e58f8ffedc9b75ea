"""Scale benchmark: RidgeEigen on a Dask array larger than the client should hold.

A 5,000,000 x 100 float64 array (about 4 GB), generated chunk-wise on a LocalCluster
(2 worker processes) and never materialized, is fitted with ``RidgeEigen``.  Reported:
the client's peak memory during the Dask fit (goal < 500 MB), the Dask fit time against
the NumPy fit of a 1/10 slice scaled x10 (goal <= 2x, chunks persisted), and the agreement
with ``partial_fit`` over the same chunks (goal <= 1e-10 relative).

A second table: ``EarlyStoppedGD`` (spectral solver from the blockwise Gram statistics of
the subtrain and validation rows, Algorithm 7.1) and 5-fold ``RidgeEigenCV`` (one pass for
all folds) on the same array, each against the Dask ``RidgeEigen`` fit (goal for
EarlyStoppedGD: <= 1.5x), generated and persisted; client memory goal < 500 MB.

    python benchmarks/bench_scale.py [--n 5000000] [--d 100] [--chunk 250000] [--small]

``--small`` is a quick check (500,000 x 100, 400 MB, chunks of 50,000 rows).
"""

from __future__ import annotations

import resource
import time

import numpy as np
from _common import below, make_parser, print_table

RSS_GOAL_MB = 500  # the client's peak memory while fitting an array it must not hold


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    args = make_parser(__doc__, n=5_000_000, d=100, chunk=250_000, small=False).parse_args(argv)
    if args.small:
        args.n, args.chunk = 500_000, 50_000

    import dask
    import dask.array as da
    from distributed import Client, LocalCluster

    from skreg import EarlyStoppedGD, RidgeEigen, RidgeEigenCV

    start_rss = peak_rss_mb()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0", memory_limit="8GB", silence_logs=40) as cluster, \
            Client(cluster):
        rs = da.random.RandomState(0)
        X = rs.standard_normal((args.n, args.d), chunks=(args.chunk, args.d)) + 3.0
        w_true = np.linspace(-1, 1, args.d)
        y = X @ w_true + rs.standard_normal(args.n, chunks=args.chunk)

        t0 = time.perf_counter()
        dask.compute(X.sum(), y.sum())  # generating the data alone, same chunks
        t_generate = time.perf_counter() - t0

        t0 = time.perf_counter()
        dask_model = RidgeEigen(alpha=1.0).fit(X, y)
        t_dask = time.perf_counter() - t0
        dask_peak = peak_rss_mb()

        t0 = time.perf_counter()
        es_model = EarlyStoppedGD(random_state=0).fit(X, y)
        t_es = time.perf_counter() - t0
        es_peak = peak_rss_mb()

        # the same fit once the chunks sit in the workers' memory (a cluster that holds
        # its data), which is what the NumPy fit below is compared with
        from distributed import wait

        Xp, yp = X.persist(), y.persist()
        wait([Xp, yp])
        t0 = time.perf_counter()
        persisted_model = RidgeEigen(alpha=1.0).fit(Xp, yp)
        t_persisted = time.perf_counter() - t0
        persisted_peak = peak_rss_mb()
        # the early-stopping and CV ratios: persisted fits, interleaved, best of 3 (a shared
        # machine)
        t_ridge_best, t_es_persisted, t_cv_persisted = np.inf, np.inf, np.inf
        for _ in range(3):
            t0 = time.perf_counter()
            RidgeEigen(alpha=1.0).fit(Xp, yp)
            t_ridge_best = min(t_ridge_best, time.perf_counter() - t0)
            t0 = time.perf_counter()
            es_persisted = EarlyStoppedGD(random_state=0).fit(Xp, yp)
            t_es_persisted = min(t_es_persisted, time.perf_counter() - t0)
            t0 = time.perf_counter()
            cv_persisted = RidgeEigenCV(alphas=np.logspace(-2, 4, 13), cv=5).fit(Xp, yp)
            t_cv_persisted = min(t_cv_persisted, time.perf_counter() - t0)
        cv_peak = peak_rss_mb()
        del Xp, yp

        # NumPy fit of a 1/10 slice (materialized on the client), scaled x10
        tenth = args.n // 10
        Xs, ys = dask.compute(X[:tenth], y[:tenth])
        t0 = time.perf_counter()
        RidgeEigen(alpha=1.0).fit(Xs, ys)
        t_numpy10 = (time.perf_counter() - t0) * 10
        del Xs, ys

        # partial_fit over the same chunks, streamed one at a time
        stream = RidgeEigen(alpha=1.0)
        t0 = time.perf_counter()
        for xb, yb in zip(X.to_delayed()[:, 0], y.to_delayed(), strict=True):
            xb, yb = dask.compute(xb, yb)
            stream.partial_fit(xb, yb)
        t_stream = time.perf_counter() - t0

    gb = args.n * args.d * 8 / 1e9
    rel = np.abs(stream.coef_ - dask_model.coef_).max() / np.abs(dask_model.coef_).max()
    same = np.abs(persisted_model.coef_ - dask_model.coef_).max() / np.abs(dask_model.coef_).max()
    same_es = np.abs(es_persisted.coef_ - es_model.coef_).max() / np.abs(es_model.coef_).max()
    rss = f"client peak RSS [MB] / {RSS_GOAL_MB} MB"
    print_table([
        (f"{rss}, during the Dask fit", dask_peak, RSS_GOAL_MB, None, below(1),
         f"(of which before the fit {start_rss:.0f} MB)"),
        ("Dask fit (includes generating the data) / NumPy 1/10 slice x 10", t_dask, t_numpy10,
         None, None),
        ("generating the chunks alone [s]", t_generate, None, None, None),
        ("Dask fit, chunks persisted on the workers / NumPy x10", t_persisted, t_numpy10, None,
         2),
        (f"{rss}, after the persisted fit", persisted_peak, RSS_GOAL_MB, None, below(1)),
        ("max rel |coef(persisted) - coef(generated)|", same, None, None, None),
        ("partial_fit over the chunks [s] (client-side)", t_stream, None, None, None),
        ("max rel |coef(partial_fit) - coef(dask)|", rel, None, None, 1e-10),
    ], f"Dask RidgeEigen: X {args.n} x {args.d} float64 = {gb:.1f} GB in chunks of "
       f"{args.chunk} rows", heads=("skreg", "peer"))
    print_table([
        ("EarlyStoppedGD / RidgeEigen, Dask fits with generation", t_es, t_dask, None, 1.5),
        ("EarlyStoppedGD / RidgeEigen, persisted, best of 3", t_es_persisted, t_ridge_best, None,
         1.5, f"best step {es_persisted.best_iter_}, learning rate "
         f"{es_persisted.learning_rate_:.3g}"),
        ("EarlyStoppedGD: max rel |coef(persisted) - coef(generated)|", same_es, None, None,
         None),
        (f"{rss}, after EarlyStoppedGD", es_peak, RSS_GOAL_MB, None, below(1)),
        ("RidgeEigenCV(cv=5, 13 alphas) / RidgeEigen, persisted, best of 3", t_cv_persisted,
         t_ridge_best, None, None, f"alpha_ {cv_persisted.alpha_:g}, best R^2 "
         f"{cv_persisted.best_score_:.6f}"),
        (f"{rss}, after RidgeEigenCV", cv_peak, RSS_GOAL_MB, None, below(1)),
    ], "Early stopping and K-fold on the same array", heads=("skreg", "peer"))


if __name__ == "__main__":
    main()
