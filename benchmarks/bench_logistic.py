"""Benchmark: PenalizedLogisticRegression(CV) vs scikit-learn's LogisticRegression(CV).

Everything in one run, so the ratios share the machine's load (issue 22's rows):

* L2 binary, n = 100,000, d = 100: ``fit`` vs ``LogisticRegression(solver='lbfgs')``;
* L1 binary, AR(1) design (ρ = 0.9) n = 10,000, d = 1,000: the 100-α path
  (α_max → 0.01·α_max) vs 100 warm-started ``LogisticRegression(solver='saga')`` fits and
  100 ``liblinear`` fits;
* L1 CV, 100 α × 5 folds on the same data vs ``LogisticRegressionCV(solver='saga',
  l1_ratios=[1])`` (``--cv``; saga takes long);
* sparse text-like binary (10,000 × 20,000, ~30 nonzeros a row), L1 at 0.05·α_max vs
  ``liblinear``;
* multinomial, 10 classes, 20,000 × 200, L2, vs ``lbfgs``.

α is the sum convention, C = 1/α.  Every contender runs at its default tolerance
(scikit-learn 1e-4, skreg 1e-6).  ΔF/F is the relative excess of each objective over
the best one found (``PenalizedLogisticRegression(tol=1e-10)``): "at equal objective"
means ours is not above scikit-learn's.  ``--scale s`` multiplies every n by s (quick
runs).  ``--every k`` times scikit-learn's 100-α path on every k-th α only (10 fits for
k = 10, warm-started along that coarser grid) and scales its time by k.
Run: ``python benchmarks/bench_logistic.py [--repeat 1] [--scale 1] [--cv] [--every 1]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, os.path.dirname(__file__))
from _timing import best_time_with_result  # noqa: E402
from bench_sparse import text_like  # noqa: E402

from skreg import PenalizedLogisticRegression, PenalizedLogisticRegressionCV  # noqa: E402
from skreg.linear_model._logistic import logistic_alpha_max, logistic_datafit  # noqa: E402


def ar1(n, d, rho=0.9, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, d))
    X = np.empty((n, d))
    X[:, 0] = Z[:, 0]
    for j in range(1, d):  # generating the data, not a hot path
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    return X


def binary_target(X, n_nonzero, seed=1):
    rng = np.random.default_rng(seed)
    w = np.zeros(X.shape[1])
    w[rng.choice(X.shape[1], n_nonzero, replace=False)] = rng.choice([-1.0, 1.0], n_nonzero)
    eta = np.asarray(X @ w).ravel()
    eta *= 2.0 / eta.std()
    return (rng.random(X.shape[0]) < 1 / (1 + np.exp(-eta))).astype(int)


def objective(model, X, y, alpha, l1_ratio):
    P = np.clip(model.predict_proba(X), 1e-300, None)
    idx = np.searchsorted(model.classes_, y)
    W = np.asarray(model.coef_)
    pen = l1_ratio * np.abs(W).sum() + 0.5 * (1 - l1_ratio) * (W * W).sum()
    return -np.log(P[np.arange(len(y)), idx]).sum() + alpha * pen


def alpha_max(X, y, l1_ratio):
    est = PenalizedLogisticRegression(l1_ratio=l1_ratio)
    datafit, _, factor = logistic_datafit(est, X, y, None)
    return logistic_alpha_max(datafit, l1_ratio, factor)


def report(name, t_ours, t_ref, excess_ours, excess_ref):
    print(
        f"{name:<48} skreg {t_ours:7.2f}s  sklearn {t_ref:7.2f}s  ratio {t_ours / t_ref:5.2f}x  "
        f"ΔF/F skreg {excess_ours:+.1e} sklearn {excess_ref:+.1e}"
    )


def single_fit_row(name, X, y, alpha, l1_ratio, ref, repeat):
    t_ours, ours = best_time_with_result(
        lambda: PenalizedLogisticRegression(alpha=alpha, l1_ratio=l1_ratio).fit(X, y), repeat
    )
    t_loose, loose = best_time_with_result(  # scikit-learn's tolerance, same criterion
        lambda: PenalizedLogisticRegression(alpha=alpha, l1_ratio=l1_ratio, tol=1e-4).fit(X, y),
        repeat,
    )
    t_ref, theirs = best_time_with_result(lambda: ref.fit(X, y), repeat)
    best = PenalizedLogisticRegression(
        alpha=alpha, l1_ratio=l1_ratio, tol=1e-10, max_iter=1000
    ).fit(X, y)
    f = [objective(m, X, y, alpha, l1_ratio) for m in (ours, loose, theirs, best)]
    f_best = min(f)
    rel = [(v - f_best) / abs(f_best) for v in f]
    report(f"{name} ({ours.solver_})", t_ours, t_ref, rel[0], rel[2])
    report("    the same, skreg at tol=1e-4", t_loose, t_ref, rel[1], rel[2])
    return t_ours / t_ref


def path_rows(X, y, n_alphas, repeat, every=1):
    top = alpha_max(X, y, 1.0)
    alphas = np.geomspace(top, 0.01 * top, n_alphas)
    model = PenalizedLogisticRegression(alpha=top, l1_ratio=1.0).fit(X, y)
    t_ours, (coefs, intercepts) = best_time_with_result(lambda: model.path(alphas), repeat)

    sub = alphas[::every]  # scikit-learn on every `every`-th α, its time scaled up

    def saga():
        est = LogisticRegression(l1_ratio=1.0, solver="saga", warm_start=True)
        return [est.set_params(C=1 / a).fit(X, y) for a in sub][-1]

    def liblinear():
        return [
            LogisticRegression(C=1 / a, l1_ratio=1.0, solver="liblinear").fit(X, y) for a in sub
        ][-1]

    t_saga, m_saga = best_time_with_result(saga, repeat)
    t_lib, m_lib = best_time_with_result(liblinear, repeat)
    t_saga, t_lib = t_saga * alphas.size / sub.size, t_lib * alphas.size / sub.size
    ours = PenalizedLogisticRegression(alpha=sub[-1], l1_ratio=1.0)
    ours.coef_, ours.intercept_, ours.classes_ = (
        coefs[::every][-1],
        intercepts[::every][-1],
        m_lib.classes_,
    )
    f = [objective(m, X, y, sub[-1], 1.0) for m in (ours, m_saga, m_lib)]
    rel = [(v - min(f)) / abs(min(f)) for v in f]
    note = (
        f" (scikit-learn timed on {sub.size} of the {alphas.size} α, scaled)" if every > 1 else ""
    )
    print(
        f"{'L1 path, ' + str(alphas.size) + ' α, ' + str(X.shape):<48} skreg {t_ours:7.2f}s  saga "
        f"{t_saga:7.2f}s ({t_ours / t_saga:5.2f}x)  "
        f"liblinear {t_lib:7.2f}s ({t_ours / t_lib:5.2f}x)"
        f"{note}; at the smallest α: {np.count_nonzero(coefs[-1])} nonzero, ΔF/F skreg "
        f"{rel[0]:+.1e} saga {rel[1]:+.1e} liblinear {rel[2]:+.1e}"
    )
    return top


def cv_row(X, y, repeat):
    folds = StratifiedKFold(5)
    t_ours, ours = best_time_with_result(
        lambda: PenalizedLogisticRegressionCV(alphas=100, l1_ratio=1.0, eps=1e-2, cv=folds).fit(
            X, y
        ),
        repeat,
    )
    Cs = 1 / ours.alphas_
    t_ref, ref = best_time_with_result(
        lambda: LogisticRegressionCV(
            Cs=Cs, l1_ratios=[1.0], solver="saga", cv=folds, scoring="neg_log_loss"
        ).fit(X, y),
        repeat,
    )
    print(
        f"{'L1 CV, 100 α × 5 folds, ' + str(X.shape):<44} skreg {t_ours:7.2f}s  sklearn "
        f"{t_ref:7.2f}s  ratio {t_ours / t_ref:5.2f}x  α_ skreg {ours.alpha_:.4g} sklearn "
        f"{1 / np.ravel(ref.C_)[0]:.4g}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--cv", action="store_true")
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        help="time scikit-learn's path on every k-th α only (scaled by k)",
    )
    args = parser.parse_args()
    s, r = args.scale, args.repeat
    warnings.simplefilter("ignore", ConvergenceWarning)
    X = np.random.default_rng(0).standard_normal((int(100_000 * s), 100))
    y = binary_target(X, 20)
    single_fit_row("L2 binary " + str(X.shape), X, y, 1.0, 0.0, LogisticRegression(C=1.0), r)
    X = ar1(int(10_000 * s), 1000)
    y = binary_target(X, 40)
    path_rows(X, y, 100, r, args.every)
    if args.cv:
        cv_row(X, y, r)
    X, _ = text_like(int(10_000 * s), 20_000, 30)
    y = binary_target(X, 200)
    a = 0.05 * alpha_max(X, y, 1.0)
    single_fit_row(
        "sparse L1 " + str(X.shape) + " 0.05·α_max",
        X,
        y,
        a,
        1.0,
        LogisticRegression(C=1 / a, l1_ratio=1.0, solver="liblinear"),
        r,
    )
    rng = np.random.default_rng(3)
    n = int(20_000 * s)
    y = rng.integers(0, 10, n)
    X = rng.standard_normal((n, 200)) + 0.3 * rng.standard_normal((10, 200))[y]
    single_fit_row(
        "multinomial L2, 10 classes " + str(X.shape), X, y, 1.0, 0.0, LogisticRegression(C=1.0), r
    )


if __name__ == "__main__":
    main()
