"""EarlyStoppedGD (closed-form spectral trajectory) vs an explicit NumPy gradient-descent loop.

Problem: n = 10000 samples of which 2500 are held out for validation (so 7500 subtrain),
d = 200 features, 2000 GD steps with an evaluation (training and validation loss) after
every step, Algorithm 7.1 with a patience that lets all 2000 steps run.  The reference loop
computes the same iterates step by step (one gradient and both losses per step) and keeps
the best one.  Reported: best-of-R wall times, speed-up, and the largest differences in
coefficients, intercept and the validation curve (must be ≤ 1e-8).

A second table (issue 12): wide dense data, n = 500, d = 20,000, where EarlyStoppedGD.fit
(default settings: Algorithm 7.1 on a 20 % split, spectral solver on the kernel side, the
validation terms from X_val·V, never X_valᵀX_val) should take at most 3x RidgeEigen.fit.

Run:  python benchmarks/bench_early_stopping.py [--wide-only]
"""

from __future__ import annotations

import warnings

import numpy as np
from _timing import best_time_with_result
from threadpoolctl import threadpool_limits

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
    print(f"Wide dense data: n=500, d=20000 (best of {repeat})")
    print()
    print(f"| {'fit':<28} | {'time (s)':>8} |")
    print(f"|{'-' * 30}|{'-' * 10}|")
    print(f"| {'RidgeEigen(alpha=1)':<28} | {t_ridge:8.3f} |")
    print(f"| {'EarlyStoppedGD()':<28} | {t_es:8.3f} |")
    print()
    print(f"ratio EarlyStoppedGD / RidgeEigen = {t_es / t_ridge:.2f} (goal <= 3); best step "
          f"{model.best_iter_}")


def main(argv=None):
    import sys

    argv = sys.argv[1:] if argv is None else argv
    warnings.simplefilter("ignore")  # patience = STEPS: the search ends at max_iter by design
    if "--wide-only" in argv:
        wide()
        return
    X, y = make_data()
    # the split the model makes: its random_state seeds the split first
    X_tr, y_tr, X_va, y_va, _, _ = split_validation(
        X, y, validation_fraction=N_VAL / N, random_state=np.random.RandomState(0))
    print(f"EarlyStoppedGD vs explicit NumPy GD loop: n={N} (validation {N_VAL}), d={D}, "
          f"{STEPS} steps, evaluation every step (best of {REPEAT})")
    print()
    print(f"| {'BLAS threads':<12} | {'explicit loop (s)':>17} | {'EarlyStoppedGD (s)':>18} | {'speed-up':>8} |")
    print(f"|{'-' * 14}|{'-' * 19}|{'-' * 20}|{'-' * 10}|")
    for threads in (1, None):
        with threadpool_limits(limits=threads, user_api="blas"):
            model = EarlyStoppedGD(max_iter=STEPS, patience=STEPS, eval_every=1,
                                   validation_fraction=N_VAL / N, random_state=0)
            t_model, model = best_time_with_result(lambda: model.fit(X, y), REPEAT)
            lr = model.learning_rate_
            t_loop, (w, b, i_best, val_curve) = best_time_with_result(
                lambda: explicit_loop(X_tr, y_tr, X_va, y_va, lr), 3)
        label = "1" if threads == 1 else "default"
        print(f"| {label:<12} | {t_loop:17.3f} | {t_model:18.4f} | {t_loop / t_model:7.1f}x |")
    coef_diff = float(np.max(np.abs(model.coef_ - w)))
    int_diff = abs(float(model.intercept_) - float(b))
    curve_diff = float(np.max(np.abs(model.history_["val_loss"].to_numpy() - val_curve)))
    print()
    print(f"best step: loop {i_best}, EarlyStoppedGD {model.best_iter_}; max |Δcoef| = {coef_diff:.2e}, "
          f"|Δintercept| = {int_diff:.2e}, max |Δ val loss| over the curve = {curve_diff:.2e}")
    ok = coef_diff <= 1e-8 and int_diff <= 1e-8 and curve_diff <= 1e-8 and model.best_iter_ == i_best
    print("identical to 1e-8:", ok)
    print()
    wide()


if __name__ == "__main__":
    main()
