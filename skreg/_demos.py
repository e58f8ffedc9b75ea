"""``python -m skreg demo``: the lecture's three demos, with their numbers and figures.

* ``penalties``: the polynomial example (10 points, degree-8 features): eigenvalues of
  H = XᵀX, the unregularized vs the L2-regularized fit, the coefficients shrinking along
  the small-λ directions, and L1 vs L2 shrinkage (soft-threshold vs λ/(λ+α)).
* ``early-stopping``: gradient descent stopped on a validation set, and its equivalence
  with explicit L2: α = λ(1 − ελ)^τ / (1 − (1 − ελ)^τ) per eigen-direction.
* ``noise``: noise on the inputs (= ridge with α = δN), on the labels (label smoothing)
  and on the weights (a penalty ½δ²‖∇θf‖²).

Each demo is a function ``demo_*(out, quick, random_state, stream)`` that prints its
numbers to ``stream``, writes its PNG figures to ``out`` and returns the numbers as a
dict (used by the tests).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from . import theory
from ._spectral import decompose
from .datasets import make_polynomial_example
from .linear_model import (
    EarlyStoppedGD,
    NoisyInputRegressor,
    RidgeEigen,
    RidgeEigenCV,
    SoftThresholdQuadratic,
)
from .neural_network import MLPClassifier, MLPRegressor
from .noise import smooth_labels
from .plotting import save_figure

__all__ = ["run_demo", "demo_penalties", "demo_early_stopping", "demo_noise"]


def _plt():
    from .plotting import _pyplot

    return _pyplot()


def _grid_x(n=200):
    return np.linspace(0.0, 1.0, n)


def _poly(x, degree):
    return np.asarray(x)[:, None] ** np.arange(1, degree + 1)


def _fmt_array(values, digits=3):
    return "[" + ", ".join(f"{v:.{digits}g}" for v in np.asarray(values).ravel()) + "]"


# ----------------------------------------------------------------------- penalties
def demo_penalties(out, quick=False, random_state=0, stream=None):
    """Parameter norm penalties on the lecture's polynomial example."""
    out = Path(out)
    X, y = make_polynomial_example(random_state=random_state)  # 10 points, x … x⁸
    degree = X.shape[1]
    x = X[:, 0]
    spectrum = decompose(X, y)
    lam = spectrum.eigenvalues
    print(
        "Demo: parameter norm penalties (polynomial regression, 10 points, degree 8)", file=stream
    )
    print(f"eigenvalues of H = XᵀX (centred): {_fmt_array(lam)}", file=stream)
    print(f"condition number λ_max/λ_min = {lam[0] / lam[-1]:.3g}", file=stream)

    cv = RidgeEigenCV(alphas=np.logspace(-10, 0, 41)).fit(X, y)
    alpha = float(cv.alpha_)
    ols = RidgeEigen(alpha=0.0).fit(X, y)
    ridge = RidgeEigen(alpha=alpha).fit(X, y)
    xs = _grid_x()
    truth = np.sin(2 * np.pi * xs)
    err_ols = float(np.mean((ols.predict(_poly(xs, degree)) - truth) ** 2))
    err_ridge = float(np.mean((ridge.predict(_poly(xs, degree)) - truth) ** 2))
    print(
        f"ridge α chosen by leave-one-out: {alpha:.3g} "
        f"(effective dof {ridge.effective_dof_:.2f} of {degree})",
        file=stream,
    )
    print(
        f"mean squared error against sin(2πx): unregularized {err_ols:.4g}, L2 {err_ridge:.4g}",
        file=stream,
    )
    print(
        f"‖w‖: unregularized {np.linalg.norm(ols.coef_):.4g}, L2 {np.linalg.norm(ridge.coef_):.4g}",
        file=stream,
    )

    theta_star = spectrum.theta_star[:, 0]  # coordinates of ŵ_OLS in the eigenbasis
    phi = lam / (lam + alpha)
    theta_ridge = phi * theta_star
    print("direction  λᵢ          λᵢ/(λᵢ+α)   θ*ᵢ (unreg.)   θ̂ᵢ (L2)", file=stream)
    for i in range(lam.size):  # a short table, one line per direction
        print(
            f"  u{i + 1:<7d}{lam[i]:<12.3g}{phi[i]:<12.3g}"
            f"{theta_star[i]:<15.4g}{theta_ridge[i]:.4g}",
            file=stream,
        )

    # L1 vs L2 on the same diagonal quadratic ½Σλᵢ(θᵢ − θ*ᵢ)² (the lecture's example)
    l2 = theory.l2_shrink(theta_star, lam, alpha)
    l1 = theory.soft_threshold(theta_star, lam, alpha)
    print(
        f"L1 vs L2 at α = {alpha:.3g} on the quadratic in the eigenbasis: "
        f"L2 keeps {np.count_nonzero(l2)} of "
        f"{lam.size} coordinates (all shrunk), "
        f"L1 sets {lam.size - np.count_nonzero(l1)} exactly to zero",
        file=stream,
    )
    lasso_alpha = 0.05
    lasso = SoftThresholdQuadratic(alpha=lasso_alpha, max_iter=5000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        lasso.fit(StandardScaler().fit_transform(X), y)
    print(
        f"SoftThresholdQuadratic(alpha={lasso_alpha}) on the standardized features: "
        f"{np.count_nonzero(lasso.coef_)} of {degree} coefficients nonzero",
        file=stream,
    )

    figures = _penalties_figures(
        out, lam, alpha, x, y, xs, truth, ols, ridge, theta_star, theta_ridge
    )
    return {
        "eigenvalues": lam,
        "alpha": alpha,
        "error_unregularized": err_ols,
        "error_l2": err_ridge,
        "theta_star": theta_star,
        "theta_l2": theta_ridge,
        "l1_zeros": int(lam.size - np.count_nonzero(l1)),
        "figures": figures,
    }


def _penalties_figures(out, lam, alpha, x, y, xs, truth, ols, ridge, theta_star, theta_ridge):
    """The four figures of :func:`demo_penalties`; returns their paths."""
    X_deg = ols.coef_.shape[-1]
    phi = lam / (lam + alpha)
    plt = _plt()
    figures = []
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.semilogy(np.arange(1, lam.size + 1), lam, "o-")
    ax.axhline(alpha, color="C3", ls="--", label=f"α = {alpha:.3g}")
    ax.set_xlabel("i")
    ax.set_ylabel("λᵢ")
    ax.set_title("eigenvalues of H = XᵀX")
    ax.legend()
    figures.append(save_figure(fig, tight_layout=True, path=out / "penalties_eigenvalues.png"))

    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.plot(xs, truth, "k:", label="sin(2πx)")
    ax.plot(xs, ols.predict(_poly(xs, X_deg)), label="unregularized")
    ax.plot(xs, ridge.predict(_poly(xs, X_deg)), label=f"L2, α = {alpha:.3g}")
    ax.plot(x, y, "ko", label="data")
    ax.set_ylim(-2.5, 2.5)
    ax.set_title("degree-8 fit to 10 points")
    ax.legend(fontsize="small")
    figures.append(save_figure(fig, tight_layout=True, path=out / "penalties_fits.png"))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    idx = np.arange(1, lam.size + 1)
    ax1.semilogy(idx, np.abs(theta_star), "o-", label="|θ*ᵢ| unregularized")
    ax1.semilogy(idx, np.maximum(np.abs(theta_ridge), 1e-300), "s-", label="|θ̂ᵢ| L2")
    ax1.set_xlabel("eigen-direction i (λ decreasing)")
    ax1.set_title("coefficients in the eigenbasis")
    ax1.legend(fontsize="small")
    ax2.semilogx(lam, phi, "o")
    ax2.set_xlabel("λᵢ")
    ax2.set_ylabel("λᵢ/(λᵢ+α)")
    ax2.set_title("small-λ directions are shrunk away")
    figures.append(save_figure(fig, tight_layout=True, path=out / "penalties_shrinkage.png"))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    t = np.linspace(-3, 3, 301)
    ax1.plot(t, t, "k:", label="unregularized θ̂ = θ*")
    ax1.plot(t, theory.l2_shrink(t, 1.0, 1.0), label="L2: λ/(λ+α) θ*")
    ax1.plot(t, theory.soft_threshold(t, 1.0, 1.0), label="L1: soft-threshold")
    ax1.set_xlabel("θ*")
    ax1.set_ylabel("θ̂")
    ax1.set_title("one coordinate, λ = α = 1")
    ax1.legend(fontsize="small")
    alphas = np.logspace(np.log10(alpha) - 4, np.log10(alpha) + 4, 100)
    k = min(3, lam.size)
    for i in range(k):
        (line,) = ax2.semilogx(
            alphas, theory.l2_shrink(theta_star[i], lam[i], alphas), label=f"L2, u{i + 1}"
        )
        ax2.semilogx(
            alphas,
            theory.soft_threshold(theta_star[i], lam[i], alphas),
            "--",
            color=line.get_color(),
            label=f"L1, u{i + 1}",
        )
    ax2.set_xlabel("α")
    ax2.set_ylabel("θ̂ᵢ")
    ax2.set_title("paths: L1 reaches exact zeros")
    ax2.legend(fontsize="x-small")
    figures.append(save_figure(fig, tight_layout=True, path=out / "penalties_l1_vs_l2.png"))
    return figures


# ------------------------------------------------------------------ early stopping
def demo_early_stopping(out, quick=False, random_state=0, stream=None):
    """Early stopping on the polynomial example, and its equivalence with L2."""
    out = Path(out)
    X, y = make_polynomial_example(n_samples=20, degree=12, noise=0.3, random_state=random_state)
    X = StandardScaler().fit_transform(X)  # gradient descent needs a reasonable condition number
    n = X.shape[0]
    max_iter = 2000 if quick else 20000
    print(
        "Demo: early stopping (polynomial example, 20 points, degree 12, standardized)", file=stream
    )
    es = EarlyStoppedGD(
        max_iter=max_iter, patience=1000 if quick else 5000, random_state=random_state
    ).fit(X, y)
    h = es.history_
    print(
        f"Algorithm 7.1: i* = {es.best_iter_} of {es.n_iter_} steps, validation loss "
        f"{h['val_loss'].min():.4g} at i*, {h['val_loss'][-1]:.4g} at the end; "
        f"training loss {h['train_loss'][-1]:.4g} at the end",
        file=stream,
    )
    # exact equivalence: τ plain GD steps = generalized ridge with α per direction
    tau = max(int(es.best_iter_), 1)
    gd = EarlyStoppedGD(strategy=None, max_iter=tau).fit(X, y)
    spectrum = decompose(X, y)
    lam = spectrum.eigenvalues
    a = gd.equivalent_alpha_
    phi = np.divide(lam, lam + a, out=np.zeros_like(lam), where=(lam + a) > 0)
    coef_ridge = spectrum.filtered_coef(phi[None, :])[0, 0]
    gap = float(np.max(np.abs(coef_ridge - gd.coef_)))
    print(
        f"learning rate ε = {gd.learning_rate_:.4g} on the mean loss "
        f"(ε/n = {gd.learning_rate_ / n:.4g} on the sum)", file=stream,
    )
    print(f"equivalent α per direction at τ = {tau}: {_fmt_array(a)}", file=stream)
    print(f"max |w_GD(τ) − w_ridge(α per direction)| = {gap:.2e}", file=stream)
    cv = RidgeEigenCV(alphas=np.logspace(-4, 3, 50)).fit(X, y)
    print(
        f"ridge α chosen by leave-one-out: {cv.alpha_:.4g}; "
        f"1/(ε'τ) = {n / (gd.learning_rate_ * tau):.4g} "
        "(the small-λ limit of the equivalent α)", file=stream,
    )

    from .plotting import EarlyStoppingCurveDisplay, ShrinkageSpectrumDisplay

    plt = _plt()
    figures = []
    fig, ax = plt.subplots(figsize=(6, 4))
    EarlyStoppingCurveDisplay.from_estimator(es, ax=ax)
    ax.set_xscale("log")
    figures.append(save_figure(fig, tight_layout=True, path=out / "early_stopping_curve.png"))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    taus = np.unique(np.geomspace(1, max_iter, 200).astype(int))
    for i in range(0, lam.size, 2):
        ax1.loglog(
            taus,
            theory.early_stopping_equivalent_alpha(lam[i], gd.learning_rate_ / n, taus),
            label=f"λ = {lam[i]:.3g}",
        )
    ax1.axhline(cv.alpha_, color="k", ls="--", label=f"ridge α (LOO) = {cv.alpha_:.3g}")
    ax1.axvline(tau, color="0.5", ls=":", label=f"τ = i* = {tau}")
    ax1.set_xlabel("steps τ")
    ax1.set_ylabel("equivalent α")
    ax1.set_title("α = λ(1−ελ)^τ / (1−(1−ελ)^τ)")
    ax1.legend(fontsize="x-small")
    ShrinkageSpectrumDisplay(
        lam, [a, float(cv.alpha_)], labels=[f"GD, τ = {tau}", f"ridge α = {cv.alpha_:.3g}"]
    ).plot(ax=ax2)
    figures.append(save_figure(fig, tight_layout=True, path=out / "early_stopping_equivalence.png"))

    fig, ax = plt.subplots(figsize=(6, 4))
    ks = np.arange(0, 60)
    theta = theory.early_stopping_iterate(0.0, 1.0, 1.0, 0.1, ks)
    ax.plot(ks, theta, label="GD iterate θ_k (θ₀ = 0, θ* = 1, ελ = 0.1)")
    alpha_k = theory.early_stopping_equivalent_alpha(1.0, 0.1, ks[1:])
    ax.plot(ks[1:], 1.0 / (1.0 + alpha_k), "--", label="ridge λ/(λ+α(k)) θ*")
    ax.set_xlabel("k")
    ax.set_title("1-D: early stopping is L2 centred at θ₀")
    ax.legend(fontsize="small")
    figures.append(save_figure(fig, tight_layout=True, path=out / "early_stopping_1d.png"))
    return {
        "best_iter": int(es.best_iter_),
        "equivalence_gap": gap,
        "equivalent_alpha": a,
        "ridge_alpha": float(cv.alpha_),
        "figures": figures,
    }


# -------------------------------------------------------------------------- noise
def demo_noise(out, quick=False, random_state=0, stream=None):
    """Noise on inputs, labels and weights."""
    out = Path(out)
    X, y = make_polynomial_example(n_samples=30, random_state=random_state)
    X = StandardScaler().fit_transform(X)
    n = X.shape[0]
    noise_std = 0.3
    alpha = theory.input_noise_equivalent_alpha(noise_std**2, n)
    ridge = RidgeEigen(alpha=alpha).fit(X, y)
    print("Demo: adding noise (inputs, labels, weights)", file=stream)
    print(
        f"inputs: noise_std = {noise_std} (δ = {noise_std**2:.3g}), N = {n}: "
        f"equivalent ridge α = δN = {alpha:.3g}", file=stream,
    )
    copies = [1, 10, 100] if quick else [1, 10, 100, 1000]
    distances = []
    for c in copies:  # a few sizes
        model = NoisyInputRegressor(noise_std=noise_std, n_copies=c, random_state=random_state).fit(
            X, y
        )
        d = float(np.linalg.norm(model.coef_ - ridge.coef_))
        distances.append(d)
        print(f"  augment with {c:5d} noisy copies: ‖w − w_ridge(δN)‖ = {d:.4g}", file=stream)
    exact = NoisyInputRegressor(noise_std=noise_std, method="marginalize").fit(X, y)
    print(
        "  marginalized (the expectation): "
        f"‖w − w_ridge(δN)‖ = {np.linalg.norm(exact.coef_ - ridge.coef_):.2e}", file=stream,
    )

    smoothed = smooth_labels([1], 0.1, n_classes=4)[0]
    print(f"labels: one-hot (0, 1, 0, 0) with α = 0.1 → {_fmt_array(smoothed)}", file=stream)
    from sklearn.datasets import load_iris

    Xi, yi = load_iris(return_X_y=True)
    Xi = StandardScaler().fit_transform(Xi)
    epochs = 100 if quick else 400
    confidences = {}
    for a in (0.0, 0.2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf = MLPClassifier(
                (16,),
                learning_rate_init=0.01,
                max_iter=epochs,
                label_smoothing=a,
                random_state=random_state,
            ).fit(Xi, yi)
        confidences[a] = clf.predict_proba(Xi).max(axis=1)
        print(
            f"  MLPClassifier on iris, label_smoothing = {a}: "
            f"mean max probability {confidences[a].mean():.3f}, "
            f"largest {confidences[a].max():.3f}, training accuracy {clf.score(Xi, yi):.3f}",
            file=stream,
        )

    xs = _grid_x()
    x1, y1, nets, mc, closed, draws = _weight_noise(xs, quick, random_state, stream)
    figures = _noise_figures(
        out,
        X,
        y,
        noise_std,
        alpha,
        ridge,
        copies,
        distances,
        smoothed,
        confidences,
        x1,
        y1,
        xs,
        nets,
        random_state,
    )
    return {
        "equivalent_alpha": float(alpha),
        "copies": copies,
        "distances": distances,
        "smoothed": smoothed,
        "confidence": {a: float(c.mean()) for a, c in confidences.items()},
        "roughness": {d: v[2] for d, v in nets.items()},
        "weight_noise_mc": (float(mc.mean()), float(mc.std() / np.sqrt(draws))),
        "weight_noise_closed": float(closed),
        "figures": figures,
    }


def _weight_noise(xs, quick, random_state, stream):
    """Weight noise on an overfitting MLP, and the lecture's expansion checked by Monte Carlo."""
    rng = np.random.default_rng(random_state)
    x1 = np.sort(rng.uniform(0, 1, 12))  # few points, a big network: it overfits
    y1 = np.sin(2 * np.pi * x1) + 0.3 * rng.standard_normal(12)
    nets = {}
    for delta in (0.0, 0.03):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            net = MLPRegressor(
                (64, 64),
                activation="tanh",
                learning_rate_init=0.01,
                max_iter=3000,
                batch_size=None,
                alpha=0.0,
                weight_noise=delta,
                tol=0.0,
                n_iter_no_change=10**6,
                random_state=random_state,
            ).fit(x1[:, None], y1)
        pred = net.predict(xs[:, None])
        rough = float(np.sum(np.diff(pred, 2) ** 2) * (len(xs) - 1) ** 3)
        nets[delta] = (net, pred, rough)
        norm = float(np.sqrt(sum(np.sum(W**2) for W in net.coefs_)))
        error = float(np.mean((pred - np.sin(2 * np.pi * xs)) ** 2))
        print(
            f"weights: MLPRegressor (64, 64) on 12 points, weight_noise δ = {delta}: "
            f"‖W‖ = {norm:.3g}, "
            f"roughness ∫f''² = {rough:.4g}, error against sin(2πx) {error:.4g}",
            file=stream,
        )

    # the lecture's expansion for a linear model f = θ·x: E ½(f(θ+δφ) − y)² = ½(f − y)² + ½δ²‖x‖²
    rng = np.random.default_rng(random_state)
    theta, xv, yv, delta = rng.standard_normal(5), rng.standard_normal(5), 0.7, 0.1
    draws = 20000 if quick else 200000
    phi = rng.standard_normal((draws, 5))
    mc = 0.5 * ((theta + delta * phi) @ xv - yv) ** 2
    closed = 0.5 * (theta @ xv - yv) ** 2 + theory.weight_noise_penalty(xv, delta)
    print(
        f"  linear f = θ·x: Monte Carlo E½(f(θ+δφ) − y)² = {mc.mean():.5f} "
        f"± {mc.std() / np.sqrt(draws):.5f}, "
        f"½(f − y)² + ½δ²‖∇θf‖² = {closed:.5f}",
        file=stream,
    )

    return x1, y1, nets, mc, closed, draws


def _noise_figures(
    out,
    X,
    y,
    noise_std,
    alpha,
    ridge,
    copies,
    distances,
    smoothed,
    confidences,
    x1,
    y1,
    xs,
    nets,
    random_state,
):
    """The three figures of :func:`demo_noise`; returns their paths."""
    plt = _plt()
    figures = []
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.loglog(copies, distances, "o-", label="augmented")
    ax1.loglog(copies, distances[0] / np.sqrt(copies), "k:", label="∝ 1/√copies")
    ax1.set_xlabel("noisy copies")
    ax1.set_ylabel("‖w − w_ridge(δN)‖")
    ax1.set_title("input noise → ridge with α = δN")
    ax1.legend(fontsize="small")
    idx = np.arange(1, X.shape[1] + 1)
    ax2.plot(idx, RidgeEigen(alpha=0.0).fit(X, y).coef_, "o-", label="least squares")
    ax2.plot(idx, ridge.coef_, "s-", label=f"ridge α = δN = {alpha:.3g}")
    ax2.plot(
        idx,
        NoisyInputRegressor(noise_std=noise_std, n_copies=copies[-1], random_state=random_state)
        .fit(X, y)
        .coef_,
        "x--",
        label=f"augmented ({copies[-1]} copies)",
    )
    ax2.set_xlabel("feature x^k")
    ax2.set_ylabel("coefficient")
    ax2.legend(fontsize="small")
    figures.append(save_figure(fig, tight_layout=True, path=out / "noise_inputs.png"))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.bar(np.arange(4) - 0.2, [0, 1, 0, 0], width=0.4, label="one-hot")
    ax1.bar(np.arange(4) + 0.2, smoothed, width=0.4, label="smoothed, α = 0.1")
    ax1.set_xticks(range(4))
    ax1.set_title("label smoothing: 1 → 1−α, 0 → α/(K−1)")
    ax1.legend(fontsize="small")
    for a, conf in confidences.items():
        ax2.hist(conf, bins=20, range=(0.3, 1.0), alpha=0.6, label=f"label_smoothing = {a}")
    ax2.set_xlabel("max predicted probability (iris)")
    ax2.legend(fontsize="small")
    figures.append(save_figure(fig, tight_layout=True, path=out / "noise_labels.png"))

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(x1, y1, "ko", label="data")
    ax.plot(xs, np.sin(2 * np.pi * xs), "k:", label="sin(2πx)")
    for delta, (_, pred, _) in nets.items():
        ax.plot(xs, pred, label=f"weight noise δ = {delta}")
    ax.set_ylim(-2, 2)
    ax.set_title("noise on the weights flattens the network")
    ax.legend(fontsize="small")
    figures.append(save_figure(fig, tight_layout=True, path=out / "noise_weights.png"))
    return figures


_DEMOS = {"penalties": demo_penalties, "early-stopping": demo_early_stopping, "noise": demo_noise}


def run_demo(name, *, out="skreg-demo", quick=False, random_state=0, stream=None):
    """Run one demo by name ('penalties', 'early-stopping', 'noise'); returns its numbers."""
    if name not in _DEMOS:
        raise ValueError(f"unknown demo {name!r}; choose from {sorted(_DEMOS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stream = sys.stdout if stream is None else stream
    result = _DEMOS[name](out, quick=quick, random_state=random_state, stream=stream)
    print(f"figures: {', '.join(str(f) for f in result['figures'])}", file=stream)
    return result
