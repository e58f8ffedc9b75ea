"""Sparse and wide data benchmark: skreg against scikit-learn, in one run.

Sparse text-like data: n=10,000 documents, d=20,000 terms, about 30 terms a document
drawn with Zipf-like frequencies (p_j ∝ 1/j^1.1), weighted as ``TfidfVectorizer`` does
(tf·idf, rows L2-normalized); y = X w + noise.  Wide dense data: n=500, d=20,000
standard normal.  Prints best-of-k wall times, their ratio and its goal, the L1
objectives, and the peak memory (tracemalloc) of a sparse fit.  Goals: on the sparse data
RidgeEigen(lanczos).fit <= 1.0x Ridge.fit, its fit + 30-alpha path <= 0.1x 30 Ridge fits,
SoftThresholdQuadratic.fit <= 1.0x Lasso.fit, peak memory <= 2·size(X) + the model's own
output; on the wide data RidgeEigen.fit <= 1.2x Ridge.fit and EarlyStoppedGD.fit <= 3x
RidgeEigen.fit.

    python benchmarks/bench_sparse.py [--n 10000] [--d 20000] [--repeat 3]
"""

from __future__ import annotations

import tracemalloc

import numpy as np
from _common import best_time, best_time_with_result, make_parser, print_table
from scipy import sparse
from sklearn.linear_model import Lasso, Ridge

from skreg import EarlyStoppedGD, RidgeEigen, SoftThresholdQuadratic


def text_like(n, d, per_row, seed=0):
    """A TF-IDF matrix of Zipf-distributed terms (CSR), and a target."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, d + 1) ** 1.1
    cols = rng.choice(d, size=n * per_row, p=p / p.sum())
    rows = np.repeat(np.arange(n), per_row)
    counts = sparse.csr_matrix((np.ones(n * per_row), (rows, cols)), shape=(n, d))
    counts.sum_duplicates()
    df = np.bincount(counts.indices, minlength=d)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    X = counts.multiply(idf[None, :]).tocsr()
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ X
    X = sparse.csr_matrix(X)
    w = rng.standard_normal(d) * (rng.random(d) < 0.05)
    y = np.asarray(X @ w) + 0.05 * rng.standard_normal(n)
    return X, y


def l1_objective(X, y, coef, intercept, alpha):
    """½‖y − Xw − b‖² + α‖w‖₁ (the lecture's sum convention)."""
    r = y - np.asarray(X @ coef) - intercept
    return 0.5 * float(r @ r) + alpha * float(np.abs(coef).sum())


def sparse_bytes(X):
    return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes


def main(argv=None):
    args = make_parser(__doc__, n=10_000, d=20_000, per_row=30, wide_n=500, wide_d=20_000,
                       repeat=3).parse_args(argv)
    r = args.repeat
    rows, notes = [], []

    # ------------------------------------------------------------ sparse text-like
    X, y = text_like(args.n, args.d, args.per_row)
    notes.append(f"sparse X: {X.shape}, nnz={X.nnz} ({X.nnz / X.shape[0]:.1f}/row), "
                 f"{sparse_bytes(X) / 1e6:.1f} MB")
    t_ours, ours = best_time_with_result(
        lambda: RidgeEigen(alpha=1.0, solver="lanczos").fit(X, y), r)
    t_ridge, ridge = best_time_with_result(lambda: Ridge(alpha=1.0, solver="auto").fit(X, y), r)
    rows.append(("sparse: RidgeEigen(lanczos).fit / Ridge(auto).fit, alpha=1", t_ours, t_ridge,
                 None, 1.0))
    diff = np.linalg.norm(ours.coef_ - ridge.coef_) / np.linalg.norm(ridge.coef_)
    notes.append(f"alpha=1: Krylov dimension n_iter_={ours.n_iter_}; "
                 f"‖coef − Ridge.coef_‖/‖Ridge.coef_‖ = {diff:.1e} (Ridge's sparse_cg tol=1e-4)")

    alphas = np.logspace(-1, 3, 30)

    def our_path():
        model = RidgeEigen(alpha=alphas.min(), solver="lanczos").fit(X, y)
        return model, model.path(alphas)

    t_path, (path_model, _) = best_time_with_result(our_path, r)
    t_loop = best_time(lambda: [Ridge(alpha=a).fit(X, y) for a in alphas], 1)
    rows.append(("sparse: fit(alpha=0.1) + path(30 alphas) / 30 Ridge fits", t_path, t_loop,
                 None, 0.1))
    notes.append(f"path: one Krylov space of dimension {path_model.n_iter_} serves all 30 alphas")

    # L1 at 0.01 alpha_max, the lecture's sum convention vs Lasso(alpha / n)
    yc = y - y.mean()
    xm = np.asarray(X.mean(axis=0)).ravel()
    alpha_max = float(np.max(np.abs(X.T @ yc - xm * yc.sum())))
    a_l1 = 0.01 * alpha_max
    l1_label = "sparse: SoftThresholdQuadratic.fit / Lasso.fit, 0.01 alpha_max"
    t_lasso, lasso = best_time_with_result(
        lambda: Lasso(alpha=a_l1 / X.shape[0], max_iter=10_000).fit(X, y), 1)
    obj_lasso = l1_objective(X, y, lasso.coef_, lasso.intercept_, a_l1)
    try:
        t_stq, stq = best_time_with_result(lambda: SoftThresholdQuadratic(alpha=a_l1).fit(X, y), 1)
        obj_stq = l1_objective(X, y, stq.coef_, stq.intercept_, a_l1)
        rows.append((l1_label, t_stq, t_lasso, None, 1.0))
        notes.append(f"L1 objectives: SoftThresholdQuadratic {obj_stq:.10g}, "
                     f"Lasso {obj_lasso:.10g}")
    except (TypeError, ValueError) as exc:
        rows.append((l1_label, None, t_lasso, None, 1.0, "(dense only)"))
        notes.append(f"L1: SoftThresholdQuadratic n/a (dense only: {type(exc).__name__}); "
                     f"Lasso objective {obj_lasso:.10g}")

    # peak memory of a sparse fit: ≤ 2 × size of X + the model's own output
    tracemalloc.start()
    model = RidgeEigen(alpha=1.0, solver="lanczos").fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    output = sum(np.asarray(getattr(model, a)).nbytes
                 for a in ("coef_", "eigenvalues_", "eigenvectors_", "shrinkage_"))
    budget = 2 * sparse_bytes(X) + output
    notes.append(f"peak memory of RidgeEigen(lanczos).fit: {peak / 1e6:.1f} MB; "
                 f"X {sparse_bytes(X) / 1e6:.1f} MB, "
                 f"model output (coef_, Ritz vectors/values) {output / 1e6:.1f} MB")
    mem_row = ("sparse: peak memory [MB] / (2·size(X) + model output) [MB]", peak / 1e6,
               budget / 1e6, None, 1.0)

    # ------------------------------------------------------------------ wide dense
    rng = np.random.default_rng(1)
    Xw = rng.standard_normal((args.wide_n, args.wide_d))
    yw = Xw[:, :50] @ rng.standard_normal(50) + rng.standard_normal(args.wide_n)
    t_eig = best_time(lambda: RidgeEigen(alpha=1.0).fit(Xw, yw), r)
    t_rw = best_time(lambda: Ridge(alpha=1.0).fit(Xw, yw), r)
    rows.append((f"wide dense {Xw.shape}: RidgeEigen.fit / Ridge.fit", t_eig, t_rw, None, 1.2))
    t_gd = best_time(lambda: EarlyStoppedGD().fit(Xw, yw), 1)
    rows.append((f"wide dense {Xw.shape}: EarlyStoppedGD.fit / RidgeEigen.fit", t_gd, t_eig,
                 None, 3))

    print_table(rows + [mem_row], f"Sparse and wide data, best of {r}", notes=notes)


if __name__ == "__main__":
    main()
