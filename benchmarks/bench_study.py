"""Wall time of the main job, ``python -m skreg study``, against its targets.

Four runs of the command line, each in a fresh process as a user runs it (imports
included): the default diabetes study (goal ≤ 30 s), the same with ``--quick``
(≤ 15 s), scikit-learn's breast-cancer table exported to CSV, a classification study
(goal ≤ 60 s), and a generated 5,000 × 100 regression table (a few categorical columns,
missing values; goal ≤ 120 s, ``--quick`` ≤ 15 s).  Each row shows wall time / target
(goal <= 1).  The study sets BLAS to one thread itself (``--blas-threads 1``); the targets
are for 2 cores, so on a shared machine compare the cpu time in the note (user + system
time of the child) as well as the wall time.

Run:  python benchmarks/bench_study.py [--skip-large]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import make_parser, print_table

ROOT = Path(__file__).resolve().parent.parent


def make_table(path, n_rows=5000, n_features=100, seed=0):
    """A 5,000 × 100 regression table: 96 numeric columns, 4 categorical, some '?' cells."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_rows, n_features - 4))
    X[:, 1:] += 0.5 * X[:, :-1]  # correlated neighbours
    coef = rng.standard_normal(n_features - 4) * (rng.random(n_features - 4) < 0.3)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(n_features - 4)])
    for j in range(4):
        levels = np.array([f"level{k}" for k in range(3 + 4 * j)])
        codes = rng.integers(0, levels.size, n_rows)
        frame[f"cat{j}"] = levels[codes]
        frame["_shift"] = frame.get("_shift", 0.0) + (codes % 3 - 1) * 0.5
    y = X @ coef + frame.pop("_shift").to_numpy() + rng.standard_normal(n_rows)
    frame = frame.round(4).astype(object)
    holes = rng.random(frame.shape) < 0.01
    frame = frame.mask(holes, "?")
    frame["y"] = y
    frame.to_csv(path, index=False)
    return path


def breast_cancer_csv(path):
    """scikit-learn's breast-cancer data as a user exports it: 30 features and ``target``."""
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    frame.to_csv(path, index=False)
    return path


def run(args, out):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "skreg", "study", *args, "--out", str(out)],
                          capture_output=True, text=True, env=env, cwd=out.parent)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"study failed ({' '.join(args)}):\n{proc.stderr[-2000:]}")
    return wall, cpu


def main(argv=None):
    skip_large = make_parser(__doc__, skip_large=False).parse_args(argv).skip_large
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cancer = breast_cancer_csv(tmp / "breast_cancer.csv")
        cases = [("diabetes (442 x 10)", [], 30.0), ("diabetes --quick", ["--quick"], 15.0),
                 ("breast cancer (569 x 30)", ["--data", str(cancer), "--target", "target"], 60.0)]
        if not skip_large:
            table = make_table(tmp / "table.csv")
            cases += [("5,000 x 100 table", ["--data", str(table)], 120.0),
                      ("5,000 x 100 table --quick", ["--data", str(table), "--quick"], 15.0)]
        for k, (name, args, target) in enumerate(cases):
            wall, cpu = run(args, tmp / f"out{k}")
            busy = " (ok on cpu: busy machine)" if wall > target >= cpu else ""
            rows.append((f"study {name}: wall / target", wall, target, None, 1.0,
                         f"cpu {cpu:.1f} s{busy}"))
    print_table(rows, "python -m skreg study (wall times on a shared machine are noisy)",
                heads=("wall [s]", "target [s]"))


if __name__ == "__main__":
    main()
