"""Ridge benchmark: skreg's spectral ridge against scikit-learn, measured in one run.

Dense data n=8000, d=300 (override with --n/--d), 100 alphas. Prints the best-of-k wall
time of each side, their ratio and its goal: RidgeEigen.fit <= 1.3x Ridge.fit and <= 3x
the Gram product X.T @ X; the 100-alpha path <= 0.02x 100 Ridge fits; RidgeEigenCV <= 0.2x
RidgeCV (LOO, 100 alphas); a cached RidgeEigen in GridSearchCV <= 0.2x Ridge's.
The selection rows (GCV, information criteria, Bayesian ridge: each about one
decomposition, goal <= 1.2x one RidgeEigen fit, BayesianRidgeEigen <= 1.0x BayesianRidge)
run on 10,000 x 1,000 (--n-select/--d-select; 0 skips them).

    python benchmarks/bench_ridge.py [--n 8000] [--d 300] [--repeat 5]
"""

from __future__ import annotations

import tempfile

import numpy as np
import warnings

from _common import best_time, correlated_regression, make_parser, print_table
from sklearn.linear_model import BayesianRidge, Ridge, RidgeCV
from sklearn.model_selection import GridSearchCV

from skreg import BayesianRidgeEigen, RidgeEigen, RidgeEigenCV, RidgeEigenIC


def selection_rows(n, d, repeat):
    """Each α-selection fit against one RidgeEigen fit, and BayesianRidgeEigen vs BayesianRidge.

    The candidates run interleaved, best of ``repeat`` rounds, so a busy machine slows
    every side alike.
    """
    rng = np.random.default_rng(1)
    X = rng.standard_normal((n, d))
    y = X @ rng.standard_normal(d) + 5 * rng.standard_normal(n)
    fits = {
        "ridge": lambda: RidgeEigen(alpha=1.0).fit(X, y),
        "gcv": lambda: RidgeEigenCV(alphas="auto", cv="gcv").fit(X, y),
        "ic": lambda: RidgeEigenIC().fit(X, y),
        "bayes": lambda: BayesianRidgeEigen().fit(X, y),
    }
    best = dict.fromkeys(fits, np.inf)
    for _ in range(repeat + 1):  # the first round warms up
        for name, fit in fits.items():
            best[name] = min(best[name], best_time(fit, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_br = best_time(lambda: BayesianRidge().fit(X, y), 1)
    ours, ref = BayesianRidgeEigen().fit(X, y), BayesianRidge(tol=1e-10, max_iter=1000).fit(X, y)
    err = np.abs(ours.coef_ - ref.coef_).max() / np.abs(ref.coef_).max()
    print(f"selection rows: n={n} d={d}; BayesianRidgeEigen vs BayesianRidge: max relative "
          f"|coef diff| = {err:.1e}, alpha_ = {ours.alpha_:.6g} vs lambda_/alpha_ = "
          f"{ref.lambda_ / ref.alpha_:.6g}")
    return [
        (f"RidgeEigenCV(cv='gcv', 50 auto alphas) / RidgeEigen.fit ({n}x{d})", best["gcv"],
         best["ridge"], None, 1.2),
        (f"RidgeEigenIC(50 auto alphas) / RidgeEigen.fit ({n}x{d})", best["ic"], best["ridge"],
         None, 1.2),
        (f"BayesianRidgeEigen / RidgeEigen.fit ({n}x{d})", best["bayes"], best["ridge"], None, 1.2),
        (f"BayesianRidgeEigen / BayesianRidge ({n}x{d})", best["bayes"], t_br, None, 1.0),
    ]


def main(argv=None):
    args = make_parser(__doc__, n=8000, d=300, repeat=5, n_select=10_000, d_select=1_000).parse_args(argv)
    X, y = correlated_regression(args.n, args.d)
    alphas = np.logspace(-3, 3, 100)
    r = args.repeat
    rows = []

    t_ridge = best_time(lambda: Ridge(alpha=1.0).fit(X, y), r)
    t_ours = best_time(lambda: RidgeEigen(alpha=1.0).fit(X, y), r)
    t_gram = best_time(lambda: X.T @ X, r)
    rows.append(("RidgeEigen.fit / Ridge.fit", t_ours, t_ridge, None, 1.3))
    rows.append(("RidgeEigen.fit / X.T @ X", t_ours, t_gram, None, 3))

    fitted = RidgeEigen(alpha=1.0).fit(X, y)
    t_path = best_time(lambda: fitted.path(alphas), r)
    t_loop = best_time(lambda: [Ridge(alpha=a).fit(X, y) for a in alphas], 1)
    rows.append(("path(100 alphas) / 100 Ridge fits", t_path, t_loop, None, 0.02))

    t_cv = best_time(lambda: RidgeEigenCV(alphas=alphas).fit(X, y), r)
    t_rcv = best_time(lambda: RidgeCV(alphas=alphas).fit(X, y), 2)
    rows.append(("RidgeEigenCV / RidgeCV (LOO, 100 alphas)", t_cv, t_rcv, None, 0.2))

    grid20 = np.logspace(-3, 3, 20)
    with tempfile.TemporaryDirectory() as cache_dir:
        counter = iter(range(10**6))

        def ours_grid():
            # a fresh cache directory each repetition: the decompositions are really computed
            est = RidgeEigen(memory=f"{cache_dir}/{next(counter)}")
            GridSearchCV(est, {"alpha": grid20}, cv=3).fit(X, y)

        t_gs = best_time(ours_grid, max(1, r // 2))
    t_gs_ref = best_time(lambda: GridSearchCV(Ridge(), {"alpha": grid20}, cv=3).fit(X, y), 1)
    rows.append(("GridSearchCV 20 alphas cv=3: cached RidgeEigen / Ridge", t_gs, t_gs_ref, None,
                 0.2))

    if args.n_select and args.d_select:
        rows += selection_rows(args.n_select, args.d_select, max(1, min(r, 3)))

    # correctness alongside the timings
    err = np.abs(fitted.coef_ - Ridge(alpha=1.0).fit(X, y).coef_).max() / np.abs(fitted.coef_).max()
    print_table(rows, f"Ridge: n={args.n} d={args.d}, best of {r}",
                notes=[f"max relative |coef - Ridge.coef_| = {err:.1e}"])


if __name__ == "__main__":
    main()
