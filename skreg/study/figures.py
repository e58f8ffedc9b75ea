"""The study's figures (matplotlib, the ``plot`` extra).

Every figure is drawn from the models of the table's rows (refit on all training rows):
a path plot's α range always contains the chosen α, and a ± std band is clipped to the
range the score can take (accuracy in [0, 1], R² at most 1, a ``neg_*`` score at most 0).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .. import theory
from ..linear_model import RidgeEigen, RidgeEigenCV, SoftThresholdQuadratic
from ..plotting import save_figure
from ._pipeline import inner_model
from .methods import _dense, clean_alpha

__all__ = ["score_range", "study_figures"]

_UNIT_SCORES = (
    "accuracy",
    "balanced_accuracy",
    "roc_auc",
    "average_precision",
    "f1",
    "precision",
    "recall",
    "jaccard",
    "top_k_accuracy",
    "matthews_corrcoef",
)


def score_range(scoring):
    """(low, high) that a scikit-learn score can take (±inf where unbounded).

    Examples
    --------
    >>> score_range("r2"), score_range("accuracy"), score_range("neg_log_loss")
    ((-inf, 1.0), (0.0, 1.0), (-inf, 0.0))
    """
    if scoring.startswith("neg_"):
        return -np.inf, 0.0
    if scoring == "matthews_corrcoef":
        return -1.0, 1.0
    if scoring.startswith(_UNIT_SCORES):
        return 0.0, 1.0
    if scoring in ("r2", "explained_variance", "d2_absolute_error_score") or scoring.startswith(
        "d2_"
    ):
        return -np.inf, 1.0
    return -np.inf, np.inf


def _new_figure(n_axes=1, width=6.0):
    from ..plotting import _pyplot

    plt = _pyplot()
    fig, axes = plt.subplots(1, n_axes, figsize=(width * n_axes, 4.2), squeeze=False)
    # fixed margins: tight_layout would draw every figure twice (half the study's figure time)
    fig.subplots_adjust(
        left=0.15 / n_axes, right=1 - 0.03 / n_axes, bottom=0.13, top=0.9, wspace=0.3
    )
    return plt, fig, list(axes[0])


def _span(low, high, chosen, pad=10.0):
    """A geometric range [low, high] widened to hold ``chosen`` with a factor ``pad`` to spare."""
    if chosen is not None and np.isfinite(chosen) and chosen > 0:
        low, high = min(low, chosen / pad), max(high, chosen * pad)
    return low, high


def _band(ax, values, mean, std, scoring, label="± 1 std"):
    lo, hi = score_range(scoring)
    ax.fill_between(
        values, np.clip(mean - std, lo, hi), np.clip(mean + std, lo, hi), alpha=0.2, label=label
    )


def study_figures(out, fitted, curves, results, X_train, y_train, scoring):
    """Write the study's PNG figures to ``out``; returns their paths.

    Parameters
    ----------
    out : Path
    fitted : dict
        Method key → (Method, pipeline refit on the training rows).
    curves : dict
        Method key → (values, mean, std, chosen) of the inner CV along the row's strength.
    results : pandas.DataFrame
    X_train, y_train :
        The training rows.
    scoring : str

    Returns
    -------
    list of Path

    Raises
    ------
    ImportError
        With the install hint, when matplotlib is missing.
    """
    import matplotlib

    if not matplotlib.get_backend().lower().endswith("agg") and not os.environ.get("DISPLAY"):
        matplotlib.use("Agg")
    out = Path(out)
    label = "R²" if scoring == "r2" else scoring
    ref = fitted.get("ridge", fitted.get("least_squares", next(iter(fitted.values()))))[1]
    Xt = _dense(ref[:-1].transform(X_train))
    names = (
        list(ref[:-1].get_feature_names_out())
        if hasattr(ref[:-1], "get_feature_names_out")
        else None
    )
    regression = Xt is not None and bool((results["task"] == "regression").all())
    y = np.asarray(y_train, dtype=np.float64) if regression else None

    figures = []
    if regression and "ridge" in fitted:
        figures += _ridge_figures(out, fitted, Xt, y, names)
    if regression and "l1" in fitted and hasattr(inner_model(fitted["l1"][1]), "mse_path_"):
        figures += _l1_curve_figure(out, fitted)
    if "early_stopping_best" in fitted:
        figures += _early_stopping_figures(out, fitted, y_train)
    figures += _validation_figures(out, fitted, curves, scoring, label)
    return figures


def _displays():
    from ..plotting import (
        CVCurveDisplay,
        EarlyStoppingCurveDisplay,
        RegularizationPathDisplay,
        ShrinkageSpectrumDisplay,
    )

    return (
        CVCurveDisplay,
        EarlyStoppingCurveDisplay,
        RegularizationPathDisplay,
        ShrinkageSpectrumDisplay,
    )


def _ridge_figures(out, fitted, Xt, y, names):
    """The L2 row: its path and shrinkage, its exact LOO curve, and L1 vs L2 paths."""
    _, _, RegularizationPathDisplay, ShrinkageSpectrumDisplay = _displays()
    figures = []
    cv_model = inner_model(fitted["ridge"][1])
    alpha = clean_alpha(cv_model.alpha_)
    ridge = RidgeEigen(alpha=alpha).fit(Xt, y)
    lam = ridge.eigenvalues_[ridge.eigenvalues_ > 0]
    low, high = _span(lam.min() * 1e-2, lam.max() * 1e2, alpha)
    alphas = np.geomspace(low, high, 80)
    plt, fig, (ax1, ax2) = _new_figure(2)
    RegularizationPathDisplay.from_estimator(
        ridge, alphas, feature_names=names, chosen_alpha=alpha, ax=ax1
    )
    spectrum = ShrinkageSpectrumDisplay(
        ridge.eigenvalues_,
        [alpha / 10, alpha, alpha * 10],
        labels=[f"α = {alpha / 10:.3g}", f"α = {alpha:.3g} (CV)", f"α = {alpha * 10:.3g}"],
    ).plot(ax=ax2)
    spectrum.ax_.set_title(f"shrinkage λ/(λ+α), dof = {ridge.effective_dof_:.2f} at the CV α")
    figures.append(save_figure(fig, out / "ridge_path.png"))

    # validation curve of the L2 row: the exact leave-one-out error of its own grid
    loo = RidgeEigenCV(alphas=cv_model.alphas, store_cv_results=True).fit(Xt, y)
    grid = np.asarray(cv_model.alphas, dtype=np.float64)
    mse = loo.cv_results_.mean(axis=0)
    plt, fig, (ax,) = _new_figure(1)
    order = np.argsort(grid)
    ax.plot(grid[order], mse[order], marker="o", ms=3, label="leave-one-out MSE")
    ax.axvline(alpha, color="k", ls="--", lw=1, label=f"chosen α = {alpha:.3g}")
    if np.all(grid > 0):
        ax.set_xscale("log")
    ax.set_xlabel("alpha")
    ax.set_ylabel("mean squared LOO error")
    ax.set_title("validation curve: RidgeEigenCV (L2), exact leave-one-out")
    ax.legend(fontsize="small")
    figures.append(save_figure(fig, out / "validation_ridge.png"))

    plt, fig, (ax1, ax2) = _new_figure(2)
    RegularizationPathDisplay.from_estimator(
        ridge, alphas, feature_names=names, chosen_alpha=alpha, penalty="L2", ax=ax1
    )
    l1_alpha = None
    if "l1" in fitted:
        l1 = inner_model(fitted["l1"][1])
        l1_alpha = float(getattr(l1, "alpha_", getattr(l1, "alpha", 1.0)))
    lasso = SoftThresholdQuadratic(alpha=l1_alpha or 1.0).fit(Xt, y)
    top = lasso.alpha_max_ if lasso.alpha_max_ > 0 else 1.0
    low, high = _span(top * 1e-4, top, l1_alpha, pad=3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        RegularizationPathDisplay.from_estimator(
            lasso,
            np.geomspace(high, low, 60),
            feature_names=names,
            chosen_alpha=l1_alpha,
            penalty="L1",
            ax=ax2,
        )
    if ax1.get_legend():
        ax1.get_legend().remove()
    figures.append(save_figure(fig, out / "l1_vs_l2_paths.png"))
    return figures


def _l1_curve_figure(out, fitted):
    """The L1 row's CV curve: mean ± one standard error, both selection rules."""
    CVCurveDisplay = _displays()[0]
    figures = []
    l1 = inner_model(fitted["l1"][1])
    plt, fig, (ax,) = _new_figure(1)
    CVCurveDisplay.from_estimator(l1, ax=ax)  # mean ± one standard error, both rules
    ax.set_xlabel("alpha (sum convention)")
    figures.append(save_figure(fig, out / "validation_l1.png"))
    return figures


def _early_stopping_figures(out, fitted, y_train):
    """Algorithm 7.1's curve, and its equivalent α per eigen-direction against ridge."""
    _, EarlyStoppingCurveDisplay, _, ShrinkageSpectrumDisplay = _displays()
    figures = []
    es = inner_model(fitted["early_stopping_best"][1])
    plt, fig, (ax,) = _new_figure(1)
    EarlyStoppingCurveDisplay.from_estimator(es, ax=ax)
    figures.append(save_figure(fig, out / "early_stopping_curve.png"))

    if hasattr(es, "eigenvalues_"):  # no decomposition when the iterative solver ran
        lam = np.asarray(es.eigenvalues_)
        keep = lam > 0
        eq = np.asarray(es.equivalent_alpha_)
        plt, fig, (ax1, ax2) = _new_figure(2)
        n_sub = int(round(len(y_train) * (1 - es.validation_fraction)))
        taus = np.unique(np.geomspace(1, max(es.n_iter_, 10) * 10, 200).astype(int))
        lr = es.learning_rate_ / n_sub  # the step on the sum loss
        for i in np.flatnonzero(keep)[:: max(1, keep.sum() // 5)]:
            ax1.plot(
                taus,
                theory.early_stopping_equivalent_alpha(lam[i], lr, taus),
                lw=1,
                label=f"λ = {lam[i]:.3g}",
            )
        ax1.axvline(es.best_iter_, color="k", ls="--", lw=1, label=f"i* = {es.best_iter_}")
        ridge_alpha = None
        if "ridge" in fitted:
            ridge_alpha = clean_alpha(inner_model(fitted["ridge"][1]).alpha_)
            ax1.axhline(ridge_alpha, color="C3", lw=1.5, label=f"ridge α (CV) = {ridge_alpha:.3g}")
        ax1.set_xscale("log")
        ax1.set_yscale("log")
        positive = eq[np.isfinite(eq) & (eq > 0)]
        if positive.size:
            # six decades below the typical strength: directions far below are "unregularized"
            floor = (ridge_alpha if ridge_alpha else float(np.median(positive))) * 1e-6
            low, high = _span(max(positive.min() / 1e3, floor), positive.max() * 1e3, ridge_alpha)
            ax1.set_ylim(low, high)
        ax1.set_xlabel("GD steps τ")
        ax1.set_ylabel("equivalent α = λ(1−ελ)^τ / (1−(1−ελ)^τ)")
        ax1.set_title("early stopping's equivalent α per direction")
        ax1.legend(fontsize="x-small")
        strengths, labels = [eq], [f"early stopping at i* = {es.best_iter_}"]
        if ridge_alpha is not None:
            strengths.append(ridge_alpha)
            labels.append(f"ridge α = {ridge_alpha:.3g} (CV)")
        ShrinkageSpectrumDisplay(lam, strengths, labels=labels).plot(ax=ax2)
        ax2.set_title("shrinkage per eigen-direction")
        figures.append(save_figure(fig, out / "early_stopping_vs_ridge.png"))
    return figures


def _validation_figures(out, fitted, curves, scoring, label):
    """One inner-CV validation curve per grid-searched row."""
    figures = []
    for key, (values, mean, std, chosen) in curves.items():
        method = fitted[key][0]
        plt, fig, (ax,) = _new_figure(1)
        ax.plot(values, mean, marker="o", label="inner CV mean (all training rows)")
        _band(ax, values, mean, std, scoring)
        ax.axvline(
            chosen, color="k", ls="--", lw=1, label=f"chosen {method.curve_param} = {chosen:.3g}"
        )
        if method.log_curve and np.all(np.asarray(values) > 0):
            ax.set_xscale("log")
        ax.set_xlabel(method.curve_param)
        ax.set_ylabel(f"CV {label}")
        ax.set_title(f"validation curve: {method.name}")
        ax.legend(fontsize="small")
        figures.append(save_figure(fig, out / f"validation_{key}.png"))
    return figures
