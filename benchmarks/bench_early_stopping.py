"""EarlyStoppedGD (closed-form spectral trajectory) vs an explicit NumPy gradient-descent loop.

Problem: n = 10000 samples of which 2500 are held out for validation (so 7500 subtrain),
d = 200 features, 2000 GD steps with an evaluation (training and validation loss) after
every step, Algorithm 7.1 with a patience that lets all 2000 steps run.  The reference loop
computes the same iterates step by step (one gradient and both losses per step) and keeps
the best one.  Reported: best-of-R wall times with one and the default BLAS threads, their
ratio (and the speed-up, its inverse), and the largest difference in coefficients,
intercept and the validation curve (goal <= 1e-8, the same best step).

A second table: wide dense data, n = 500, d = 20,000, where EarlyStoppedGD.fit (default
settings: Algorithm 7.1 on a 20 % split, spectral solver on the kernel side, the validation
terms from X_val·V, never X_valᵀX_val) has the goal <= 3x RidgeEigen.fit.

Run:  python benchmarks/bench_early_stopping.py [--wide-only]
"""

from __future__ import annotations

import warnings

import numpy as np
from _common import best_time_with_result, blas_threads, make_parser, print_table

from skreg import EarlyStoppedGD
from skreg.early_stopping import split_validation

N, N_VAL, D, STEPS, REPEAT = 10_000, 2_500, 200, 2_000, 7


def make_data(seed=0):
    rng = np.random.RandomState(seed)
    scales = np.logspace(0, -2, D)
    X = rng.randn(N, D) * scales + 0.5
    w = rng.randn(D)
    y = X @ w + 1.0 + 2.0 * rng.randn(N)
    return X, y


def explicit_loop(X_tr, y_tr, X_va, y_va, lr):
    """Plain NumPy GD on the mean loss, losses after every step, best iterate kept."""
    xm, ym = X_tr.mean(axis=0), y_tr.mean()
    Xc, yc = X_tr - xm, y_tr - ym
    Xv, yv = X_va - xm, y_va - ym
    n = Xc.shape[0]
    w = np.zeros(D)
    best, best_w, best_i = np.inf, None, 0
    val_curve, train_curve = np.empty(STEPS), np.empty(STEPS)
    resid = Xc @ w - yc
    for i in range(1, STEPS + 1):
        w = w - lr * (Xc.T @ resid) / n
        resid = Xc @ w - yc  # serves the training loss now and the next gradient
        train_curve[i - 1] = 0.5 * (resid @ resid) / n
        rv = Xv @ w - yv
        v = 0.5 * (rv @ rv) / rv.size
        val_curve[i - 1] = v
        if v < best:
            best, best_w, best_i = v, w.copy(), i
    return best_w, ym - xm @ best_w, best_i, val_curve


def wide(repeat=3):
    """EarlyStoppedGD.fit vs RidgeEigen.fit on wide dense data (n = 500, d = 20,000)."""
    from skreg import RidgeEigen

    rng = np.random.RandomState(0)
    X = rng.randn(500, 20_000)
    y = X[:, :50] @ rng.randn(50) + rng.randn(500)
    t_ridge = best_time_with_result(lambda: RidgeEigen(alpha=1.0).fit(X, y), repeat)[0]
    t_es, model = best_time_with_result(lambda: EarlyStoppedGD(random_state=0).fit(X, y), repeat)
    print_table([("EarlyStoppedGD().fit / RidgeEigen(alpha=1).fit", t_es, t_ridge, None, 3,
                  f"best step {model.best_iter_}")],
                f"Wide dense data: n=500, d=20000 (best of {repeat})")


def main(argv=None):
    args = make_parser(__doc__, wide_only=False).parse_args(argv)
    warnings.simplefilter("ignore")  # patience = STEPS: the search ends at max_iter by design
    if args.wide_only:
        wide()
        return
    X, y = make_data()
    # the split the model makes: its random_state seeds the split first
    X_tr, y_tr, X_va, y_va, _, _ = split_validation(
        X, y, validation_fraction=N_VAL / N, random_state=np.random.RandomState(0))
    rows = []
    for threads in (1, None):
        with blas_threads(threads):
            model = EarlyStoppedGD(max_iter=STEPS, patience=STEPS, eval_every=1,
                                   validation_fraction=N_VAL / N, random_state=0)
            t_model, model = best_time_with_result(lambda m=model: m.fit(X, y), REPEAT)
            lr = model.learning_rate_
            t_loop, (w, b, i_best, val_curve) = best_time_with_result(
                lambda lr=lr: explicit_loop(X_tr, y_tr, X_va, y_va, lr), 3)
        label = "1" if threads == 1 else "default"
        rows.append((f"BLAS threads {label}: EarlyStoppedGD.fit / explicit loop", t_model, t_loop,
                     None, None, f"speed-up {t_loop / t_model:.1f}x"))
    coef_diff = float(np.max(np.abs(model.coef_ - w)))
    int_diff = abs(float(model.intercept_) - float(b))
    curve_diff = float(np.max(np.abs(model.history_["val_loss"].to_numpy() - val_curve)))
    rows.append(("largest of max |Δcoef|, |Δintercept|, max |Δ val loss|",
                 max(coef_diff, int_diff, curve_diff), None, None, 1e-8,
                 f"best step: loop {i_best}, EarlyStoppedGD {model.best_iter_} "
                 f"({'same' if model.best_iter_ == i_best else 'DIFFERENT'})"))
    print_table(rows, f"EarlyStoppedGD vs explicit NumPy GD loop: n={N} (validation {N_VAL}), "
                f"d={D}, {STEPS} steps, evaluation every step (best of {REPEAT})",
                notes=[f"max |Δcoef| = {coef_diff:.2e}, |Δintercept| = {int_diff:.2e}, "
                       f"max |Δ val loss| over the curve = {curve_diff:.2e}"])
    wide()


if __name__ == "__main__":
    main()
