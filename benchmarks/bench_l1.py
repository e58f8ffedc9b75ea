"""Benchmark: SoftThresholdQuadratic vs scikit-learn's Lasso and lasso_path.

Correlated design: AR(1) columns with ρ = 0.9 (corr(xᵢ, xⱼ) = ρ^|i−j|), n = 5000,
d = 500, 40 true nonzero coefficients, Gaussian noise.  In one run:

* single fits at α = 0.1, 0.01 and 0.001 · α_max, against
  ``Lasso(alpha=α/n, tol=1e-4)`` (goal: ≤ 1.5× the time, objective no worse);
* the path over 100 α (``np.geomspace(α_max, 1e-3 α_max, 100)``) against
  ``lasso_path`` on the centred data (goal: ≤ 1.2×);
* cross-validation (:func:`cv_rows`): ``SoftThresholdQuadraticCV`` against ``LassoCV``,
  100 α and the same 5 folds, on n = 10,000 × d = 1,000 and n = 500 × d = 20,000
  (goal: ≤ 0.3×).

Timings are the best of ``--repeat`` runs (the machine is shared).  Run:
``python benchmarks/bench_l1.py``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn.linear_model import Lasso, lasso_path

from skreg import SoftThresholdQuadratic


def make_data(n=5000, d=500, rho=0.9, n_nonzero=40, noise=2.0, seed=0):
    """AR(1)-correlated Gaussian design and a sparse linear target."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, d))
    X = np.empty((n, d))
    X[:, 0] = Z[:, 0]
    scale = np.sqrt(1.0 - rho**2)
    for j in range(1, d):  # generating the data, not a hot path
        X[:, j] = rho * X[:, j - 1] + scale * Z[:, j]
    w = np.zeros(d)
    support = rng.choice(d, n_nonzero, replace=False)
    w[support] = rng.choice([-1.0, 1.0], n_nonzero) * rng.uniform(0.5, 2.0, n_nonzero)
    y = X @ w + noise * rng.standard_normal(n)
    return X, y


def objective(X, y, coef, intercept, alpha):
    """½‖Xw + b − y‖² + α‖w‖₁ (the lecture's scaling)."""
    r = X @ coef + intercept - y
    return 0.5 * float(r @ r) + alpha * float(np.abs(coef).sum())


def best_times(func_a, func_b, repeat):
    """Best wall-clock time of each function, the two interleaved so they share the load."""
    best = [np.inf, np.inf]
    out = [None, None]
    for _ in range(repeat):
        for i, func in enumerate((func_a, func_b)):
            start = time.perf_counter()
            out[i] = func()
            best[i] = min(best[i], time.perf_counter() - start)
    return best[0], out[0], best[1], out[1]


def main(repeat=10):
    X, y = make_data()
    n = X.shape[0]
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    alpha_max = float(np.abs(Xc.T @ yc).max())
    rows = []
    warnings.simplefilter("ignore", FutureWarning)

    for frac in (0.1, 0.01, 0.001):
        alpha = frac * alpha_max
        t_ours, ours, t_sk, sk = best_times(
            lambda: SoftThresholdQuadratic(alpha=alpha, tol=1e-4).fit(X, y),
            lambda: Lasso(alpha=alpha / n, tol=1e-4).fit(X, y),
            repeat,
        )
        f_ours = objective(X, y, ours.coef_, ours.intercept_, alpha)
        f_sk = objective(X, y, sk.coef_, sk.intercept_, alpha)
        rows.append(
            (f"fit α={frac:g}·α_max", t_ours, t_sk, 1.5,
             f"nnz {np.count_nonzero(ours.coef_)}/{np.count_nonzero(sk.coef_)}, "
             f"ΔF/F {(f_ours - f_sk) / f_sk:+.1e}")
        )

    alphas = np.geomspace(alpha_max, 1e-3 * alpha_max, 100)

    def ours_path():  # includes validation and the Gram matrix, as lasso_path does
        return SoftThresholdQuadratic(alpha=alpha_max, tol=1e-4).fit(Xc, yc).path(alphas)

    t_ours, (coefs, _), t_sk, (_, sk_coefs, _) = best_times(
        ours_path, lambda: lasso_path(Xc, yc, alphas=alphas / n, tol=1e-4), repeat
    )
    f_ours = np.array([objective(Xc, yc, c, 0.0, a) for c, a in zip(coefs, alphas)])
    f_sk = np.array([objective(Xc, yc, c, 0.0, a) for c, a in zip(sk_coefs.T, alphas)])
    rows.append(
        ("path, 100 α", t_ours, t_sk, 1.2,
         f"max ΔF/F {np.max((f_ours - f_sk) / f_sk):+.1e}")
    )

    print(f"n={X.shape[0]}, d={X.shape[1]}, AR(1) ρ=0.9, 40 nonzeros; best of {repeat}")
    print(f"{'case':<22}{'skreg (s)':>11}{'sklearn (s)':>13}{'ratio':>8}{'goal':>7}  notes")
    for name, t_ours, t_sk, goal, note in rows:
        print(f"{name:<22}{t_ours:>11.4f}{t_sk:>13.4f}{t_ours / t_sk:>8.2f}{goal:>7.1f}  {note}")


def cv_rows(repeat=1):
    """SoftThresholdQuadraticCV vs LassoCV: 100 α, the same 5 folds and grid (goal ≤ 0.3×).

    Two designs: AR(1) ρ = 0.9 with n = 10,000, d = 1,000 (the fold Grams by subtraction)
    and n = 500, d = 20,000 (working sets on each fold's rows).  Both estimators run with
    their defaults otherwise (n_jobs=None).  Timings: best of ``repeat`` after a warm-up
    (``benchmarks/_timing.py``).  Returns (name, t_skreg, t_sklearn, goal, note) rows.
    """
    from sklearn.linear_model import LassoCV
    from sklearn.model_selection import KFold

    from _timing import best_time_with_result
    from skreg import SoftThresholdQuadraticCV

    rows = []
    for name, shape in (("CV tall 10000x1000", (10_000, 1_000)), ("CV wide 500x20000", (500, 20_000))):
        X, y = make_data(n=shape[0], d=shape[1], n_nonzero=min(40, shape[0] // 25))
        cv = KFold(5)
        t_ours, ours = best_time_with_result(
            lambda: SoftThresholdQuadraticCV(alphas=100, cv=cv).fit(X, y), repeat
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # LassoCV's ConvergenceWarning at small α
            t_sk, sk = best_time_with_result(lambda: LassoCV(alphas=100, cv=cv).fit(X, y), repeat)
        n = X.shape[0]
        mse_diff = np.max(np.abs(ours.mse_path_ - sk.mse_path_) / sk.mse_path_)
        rows.append(
            (name, t_ours, t_sk, 0.3,
             f"alpha_/n {ours.alpha_ / n:.4g} vs {sk.alpha_:.4g}, max rel Δmse {mse_diff:.1e}, "
             f"1se nnz {ours.cv_results_['n_nonzero'][ours.alphas_ == ours.alpha_1se_][0]}")
        )
    return rows


def print_cv_rows(rows, repeat):
    print(f"cross-validation, 100 α, KFold(5); best of {repeat} after a warm-up")
    print(f"{'case':<22}{'skreg (s)':>11}{'sklearn (s)':>13}{'ratio':>8}{'goal':>7}  notes")
    for name, t_ours, t_sk, goal, note in rows:
        print(f"{name:<22}{t_ours:>11.3f}{t_sk:>13.3f}{t_ours / t_sk:>8.2f}{goal:>7.1f}  {note}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--cv-repeat", type=int, default=1,
                        help="timed runs of the CV rows (LassoCV takes about a minute on the wide data)")
    parser.add_argument("--only-cv", action="store_true", help="run the CV rows only")
    args = parser.parse_args()
    if not args.only_cv:
        main(args.repeat)
    print_cv_rows(cv_rows(args.cv_repeat), args.cv_repeat)
