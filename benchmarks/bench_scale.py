"""Scale benchmark: RidgeEigen on a Dask array larger than the client should hold.

A 5,000,000 x 100 float64 array (about 4 GB), generated chunk-wise on a LocalCluster
(2 worker processes) and never materialized, is fitted with ``RidgeEigen``.  Reported:
the client's peak memory during the Dask fit, the Dask fit time against the NumPy fit of
a 1/10 slice scaled x10, and the agreement with ``partial_fit`` over the same chunks.

    python benchmarks/bench_scale.py [--n 5000000] [--d 100] [--chunk 250000]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5_000_000)
    parser.add_argument("--d", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=250_000)
    args = parser.parse_args(argv)

    import dask
    import dask.array as da
    from distributed import Client, LocalCluster

    from skreg import RidgeEigen

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

        # the same fit once the chunks sit in the workers' memory (a cluster that holds
        # its data), which is what the NumPy fit below is compared with
        from distributed import wait

        Xp, yp = X.persist(), y.persist()
        wait([Xp, yp])
        t0 = time.perf_counter()
        persisted_model = RidgeEigen(alpha=1.0).fit(Xp, yp)
        t_persisted = time.perf_counter() - t0
        persisted_peak = peak_rss_mb()
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
        for xb, yb in zip(X.to_delayed()[:, 0], y.to_delayed()):
            xb, yb = dask.compute(xb, yb)
            stream.partial_fit(xb, yb)
        t_stream = time.perf_counter() - t0

    gb = args.n * args.d * 8 / 1e9
    rel = np.abs(stream.coef_ - dask_model.coef_).max() / np.abs(dask_model.coef_).max()
    print(f"X: {args.n} x {args.d} float64 = {gb:.1f} GB in chunks of {args.chunk} rows\n")
    print(f"{'measure':<46} {'value':>12}  goal")
    print(f"{'client peak RSS during the Dask fit [MB]':<46} {dask_peak:12.0f}  < 500")
    print(f"{'  (of which before the fit [MB])':<46} {start_rss:12.0f}")
    print(f"{'Dask fit [s] (includes generating the data)':<46} {t_dask:12.2f}")
    print(f"{'NumPy fit of a 1/10 slice x 10 [s]':<46} {t_numpy10:12.2f}")
    print(f"{'  generating the chunks alone [s]':<46} {t_generate:12.2f}")
    print(f"{'Dask fit, chunks persisted on the workers [s]':<46} {t_persisted:12.2f}")
    print(f"{'ratio persisted Dask fit / NumPy x10':<46} {t_persisted / t_numpy10:12.2f}  <= 2")
    print(f"{'ratio Dask fit with generation / NumPy x10':<46} {t_dask / t_numpy10:12.2f}")
    print(f"{'client peak RSS after the persisted fit [MB]':<46} {persisted_peak:12.0f}  < 500")
    same = np.abs(persisted_model.coef_ - dask_model.coef_).max() / np.abs(dask_model.coef_).max()
    print(f"{'max rel |coef(persisted) - coef(generated)|':<46} {same:12.1e}")
    print(f"{'partial_fit over the chunks [s] (client-side)':<46} {t_stream:12.2f}")
    print(f"{'max rel |coef(partial_fit) - coef(dask)|':<46} {rel:12.1e}  <= 1e-10")


if __name__ == "__main__":
    main()
