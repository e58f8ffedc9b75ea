"""Benchmark: SoftThresholdQuadratic vs scikit-learn's Lasso (and skglm when installed).

Everything in one run, so the ratios share the machine's load:

* single fits (goal ≤ 0.6× ``Lasso.fit``, objective no worse):
  - tall AR(1) design, ρ = 0.9, n = 10,000, d = 1,000, α = 0.05·α_max;
  - wide AR(1) design, n = 500, d = 20,000, α = 0.05·α_max;
  - sparse text-like design (goal ≤ 1.0×), n = 10,000, d = 20,000, about 30
    nonzeros a row with Zipf-like column frequencies, α = 0.01·α_max;
* smaller AR(1) rows, n = 5,000, d = 500 (``--small-ar1``): fits at α = 0.1, 0.01,
  0.001·α_max (goal ≤ 1.5×) and the 100-α path against ``lasso_path`` (goal ≤ 1.2×);
* cross-validation (:func:`cv_rows`, goal ≤ 0.3× ``LassoCV``): ``SoftThresholdQuadraticCV``
  against ``LassoCV``, 100 α and the same ``KFold(5)``, on AR(1) n = 10,000, d = 1,000 and
  n = 500, d = 20,000 (best of ``--cv-repeat``, default 1: ``LassoCV`` takes about a
  minute on the wide data; ``--only-cv`` runs these rows alone).

``Lasso(alpha=α/n, tol=1e-4)`` is the same problem as
``SoftThresholdQuadratic(alpha=α, tol=1e-4)``; skglm's ``Lasso`` (if importable; a
benchmark-only dependency, never skreg's) uses the same α/n and tol.  ΔF/F is the
relative excess of our objective ½‖Xw + b − y‖² + α‖w‖₁ over scikit-learn's
(negative: ours is lower).  Times are the best of ``--repeat`` runs after a warm-up
(skglm's warm-up absorbs its numba compilation), the contenders interleaved.  Run:
``python benchmarks/bench_l1.py [--repeat 5] [--small-ar1] [--cv-repeat 1] [--only-cv] [--enet]``
(``--enet``: :func:`enet_cv_rows`, the elastic-net and relaxed-LASSO CV).
"""

from __future__ import annotations

import warnings

import numpy as np
from _common import interleaved_best, make_parser, print_table
from scipy import sparse
from sklearn.linear_model import Lasso, lasso_path

from skreg import SoftThresholdQuadratic

try:  # benchmark-only comparison
    from skglm import Lasso as SkglmLasso
except ImportError:  # pragma: no cover
    SkglmLasso = None


# ----------------------------------------------------------------------------- data
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


def make_text_like(n=10_000, d=20_000, nnz_per_row=30, n_nonzero=200, seed=0):
    """Sparse CSR counts-like design: Zipf column frequencies, tf-idf-like values."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, d + 1) ** 1.1
    p /= p.sum()
    cols = rng.choice(d, size=n * nnz_per_row, p=p)
    rows = np.repeat(np.arange(n), nnz_per_row)
    vals = rng.uniform(0.1, 1.0, n * nnz_per_row)
    X = sparse.csr_matrix((vals, (rows, cols)), shape=(n, d))
    X.sum_duplicates()
    w = np.zeros(d)
    support = rng.choice(2000, n_nonzero, replace=False)
    w[support] = rng.choice([-1.0, 1.0], n_nonzero) * rng.uniform(1.0, 3.0, n_nonzero)
    y = X @ w + 0.5 * rng.standard_normal(n)
    return X, y


def alpha_max(X, y):
    """max |X_cᵀy_c| (sum convention), without densifying a sparse X."""
    yc = y - y.mean()
    xty = np.asarray(X.T @ yc).ravel() - np.asarray(X.mean(axis=0)).ravel() * yc.sum()
    return float(np.abs(xty).max())


def objective(X, y, coef, intercept, alpha):
    """½‖Xw + b − y‖² + α‖w‖₁ (the lecture's scaling)."""
    r = np.asarray(X @ coef).ravel() + intercept - y
    return 0.5 * float(r @ r) + alpha * float(np.abs(coef).sum())


def single_fit_row(name, X, y, frac, goal, repeat):
    """One single-fit comparison at α = frac·α_max: a table row (with skglm in its note)."""
    n = X.shape[0]
    alpha = frac * alpha_max(X, y)
    funcs = [
        lambda: SoftThresholdQuadratic(alpha=alpha, tol=1e-4).fit(X, y),
        lambda: Lasso(alpha=alpha / n, tol=1e-4).fit(X, y),
    ]
    if SkglmLasso is not None:
        funcs.append(lambda: SkglmLasso(alpha=alpha / n, tol=1e-4).fit(X, y))
    times, models = interleaved_best(funcs, repeat)  # skglm's warm-up: numba compilation
    f = [objective(X, y, m.coef_, m.intercept_, alpha) for m in models]
    note = (f"nnz {np.count_nonzero(models[0].coef_)}/{np.count_nonzero(models[1].coef_)}, "
            f"ΔF/F {(f[0] - f[1]) / f[1]:+.1e}")
    if SkglmLasso is not None:
        note += (f", skglm {times[2]:.3f} s (skreg/skglm {times[0] / times[2]:.2f}), "
                 f"skglm ΔF/F {(f[2] - f[1]) / f[1]:+.1e}")
    return name, times[0], times[1], None, goal, note


# ----------------------------------------------------------------------------- rows
def single_fit_rows(repeat):
    """Single fits: tall and wide AR(1) (goal ≤ 0.6×) and sparse text-like (goal ≤ 1.0×)."""
    rows = []
    X, y = make_data(n=10_000, d=1_000)
    rows.append(single_fit_row("tall 10000×1000 0.05", X, y, 0.05, 0.6, repeat))
    X, y = make_data(n=500, d=20_000)
    rows.append(single_fit_row("wide 500×20000 0.05", X, y, 0.05, 0.6, repeat))
    X, y = make_text_like()
    rows.append(single_fit_row("sparse text 0.01", X, y, 0.01, 1.0, repeat))
    return rows


def small_ar1_rows(repeat):
    """AR(1) n = 5,000, d = 500: three α (goal ≤ 1.5×) and the 100-α path (goal ≤ 1.2×)."""
    X, y = make_data()
    n = X.shape[0]
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    a_max = float(np.abs(Xc.T @ yc).max())
    rows = [single_fit_row(f"5000×500 {frac:g}", X, y, frac, 1.5, repeat)
            for frac in (0.1, 0.01, 0.001)]
    alphas = np.geomspace(a_max, 1e-3 * a_max, 100)

    def ours_path():  # includes validation and the Gram matrix, as lasso_path does
        return SoftThresholdQuadratic(alpha=a_max, tol=1e-4).fit(Xc, yc).path(alphas)

    (t_ours, t_sk), ((coefs, _), (_, sk_coefs, _)) = interleaved_best(
        [ours_path, lambda: lasso_path(Xc, yc, alphas=alphas / n, tol=1e-4)], repeat
    )
    f_ours = np.array([objective(Xc, yc, c, 0.0, a) for c, a in zip(coefs, alphas, strict=True)])
    f_sk = np.array([objective(Xc, yc, c, 0.0, a) for c, a in zip(sk_coefs.T, alphas, strict=True)])
    rows.append(("5000×500 path 100 α", t_ours, t_sk, None, 1.2,
                 f"max ΔF/F {np.max((f_ours - f_sk) / f_sk):+.1e}"))
    return rows


def cv_rows(repeat=1):
    """SoftThresholdQuadraticCV vs LassoCV: 100 α, the same 5 folds and grid (goal ≤ 0.3×).

    Two designs: AR(1) ρ = 0.9 with n = 10,000, d = 1,000 (the fold Grams by subtraction)
    and n = 500, d = 20,000 (working sets on each fold's rows).  Both estimators run with
    their defaults otherwise (n_jobs=None).
    """
    from sklearn.linear_model import LassoCV
    from sklearn.model_selection import KFold

    from skreg import SoftThresholdQuadraticCV

    def lasso_cv(X, y, cv):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # LassoCV's ConvergenceWarning at small α
            return LassoCV(alphas=100, cv=cv).fit(X, y)

    rows = []
    for name, (n, d) in (("CV tall 10000×1000", (10_000, 1_000)),
                         ("CV wide 500×20000", (500, 20_000))):
        X, y = make_data(n=n, d=d, n_nonzero=min(40, n // 25))
        cv = KFold(5)
        (t_ours, t_sk), (ours, sk) = interleaved_best(
            [lambda X=X, y=y, cv=cv: SoftThresholdQuadraticCV(alphas=100, cv=cv).fit(X, y),
             lambda X=X, y=y, cv=cv: lasso_cv(X, y, cv)], repeat)
        mse_diff = np.max(np.abs(ours.mse_path_ - sk.mse_path_) / sk.mse_path_)
        nnz_1se = ours.cv_results_["n_nonzero"][ours.alphas_ == ours.alpha_1se_][0]
        rows.append((name, t_ours, t_sk, None, 0.3,
                     f"alpha_/n {ours.alpha_ / n:.4g} vs {sk.alpha_:.4g}, "
                     f"max rel Δmse {mse_diff:.1e}, 1se nnz {nnz_1se}"))
    return rows


def enet_cv_rows(repeat=1):
    """The elastic-net CV against ``ElasticNetCV``, and the relaxed CV's cost.

    ``SoftThresholdQuadraticCV(l1_ratio=[0.1, 0.5, 0.9, 1.0])``, 100 α, ``KFold(5)``, on
    AR(1) 10,000 × 1,000 and 500 × 20,000 (goal ≤ 0.3× ``ElasticNetCV`` at the same
    tol); then ``gammas=[0, 0.5, 1]`` against the same CV without relaxation (goal ≤ 1.5×).
    """
    from sklearn.linear_model import ElasticNetCV
    from sklearn.model_selection import KFold

    from skreg import SoftThresholdQuadraticCV

    ratios = [0.1, 0.5, 0.9, 1.0]

    def enet_cv(X, y, cv):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ElasticNetCV(l1_ratio=ratios, alphas=100, cv=cv).fit(X, y)

    rows = []
    for name, (n, d) in (("ENetCV tall 10000×1000", (10_000, 1_000)),
                         ("ENetCV wide 500×20000", (500, 20_000))):
        X, y = make_data(n=n, d=d, n_nonzero=min(40, n // 25))
        cv = KFold(5)
        (t_ours, t_sk), (ours, sk) = interleaved_best(
            [lambda X=X, y=y, cv=cv: SoftThresholdQuadraticCV(alphas=100, l1_ratio=ratios,
                                                             cv=cv).fit(X, y),
             lambda X=X, y=y, cv=cv: enet_cv(X, y, cv)], repeat)
        mse_diff = np.max(np.abs(ours.mse_path_ - sk.mse_path_) / sk.mse_path_)
        rows.append((name, t_ours, t_sk, None, 0.3,
                     f"l1_ratio_ {ours.l1_ratio_} vs {sk.l1_ratio_}, alpha_/n {ours.alpha_ / n:.4g} "
                     f"vs {sk.alpha_:.4g}, max rel Δmse {mse_diff:.1e}"))
        (t_relaxed, t_plain), (relaxed, _) = interleaved_best(
            [lambda X=X, y=y, cv=cv: SoftThresholdQuadraticCV(
                alphas=100, l1_ratio=ratios, gammas=[0.0, 0.5, 1.0], cv=cv).fit(X, y),
             lambda X=X, y=y, cv=cv: SoftThresholdQuadraticCV(alphas=100, l1_ratio=ratios,
                                                             cv=cv).fit(X, y)], repeat)
        rows.append((name.replace("ENetCV", "relaxed CV / plain CV"), t_relaxed, t_plain, None, 1.5,
                     f"gamma_ {relaxed.gamma_}"))
    return rows


def main(repeat=5, small_ar1=False, cv_repeat=1, only_cv=False, enet=False):
    """Print one table: single fits, the CV rows, (``enet``) the elastic-net CV rows and
    (``small_ar1``) the 5000×500 rows."""
    warnings.simplefilter("ignore", FutureWarning)
    rows = [] if only_cv else single_fit_rows(repeat)
    rows += cv_rows(cv_repeat)
    if enet:
        rows += enet_cv_rows(cv_repeat)
    if small_ar1 and not only_cv:
        rows += small_ar1_rows(repeat)
    print_table(rows, f"L1: SoftThresholdQuadratic vs sklearn Lasso, best of {repeat} (single "
                f"fits), {cv_repeat} (CV){'' if SkglmLasso else '; skglm not installed'}",
                heads=("skreg [s]", "sklearn [s]"))


if __name__ == "__main__":
    args = make_parser(__doc__, repeat=5, small_ar1=False, cv_repeat=1,
                       only_cv=False, enet=False).parse_args()
    main(args.repeat, args.small_ar1, args.cv_repeat, args.only_cv, args.enet)
