"""The classification rows of the study: every lecture method on a classification table.

Penalized logistic regression (``PenalizedLogisticRegressionCV``: L2, L1, elastic net,
α_min and α_1se from its own K-fold path), L2 in the eigenbasis (``RidgeEigenClassifierCV``,
exact leave-one-out), input noise on
the logistic model (``NoisyInputClassifier``, marginalized and augmented), early
stopping (Algorithms 7.1–7.3) and label smoothing of the multinomial logistic model
(``MLPClassifier(hidden_layer_sizes=())``, the documented route for those two).  Every
row is fitted with the class weights that match the study's score
(``StudySettings.class_weight``: 'balanced' when the score is balanced accuracy).
"""

from __future__ import annotations

import math

import numpy as np

from .._spectral import decompose
from ..linear_model import NoisyInputClassifier, RidgeEigenClassifierCV
from ..linear_model._noise_classifier import _default_classifier
from ..neural_network import MLPClassifier
from ._pipeline import fmt_number as _fmt
from ._rows import (
    Method,
    _dof_at,
    _edge,
    _n_nonzero,
    _nan_summary,
    _positive,
    clean_alpha,
)

__all__ = ["classification_methods"]


# ---------------------------------------------------------------------- numbers
def _hessian_dof(model, Xt, alpha):
    """Σ λᵢ/(λᵢ + α) over the eigenvalues of the binary logistic Hessian XᵀDX at the fit.

    D = diag(pᵢ(1 − pᵢ)): the Newton step of the cross-entropy is a weighted least-squares
    problem, so its degrees of freedom are those of ridge on the √D-weighted, centred X.
    NaN for more than two classes (a (K·d)² Hessian) or designs too large to decompose.
    """
    X = Xt if hasattr(Xt, "tocsr") else np.asarray(Xt, dtype=np.float64)
    if len(model.classes_) != 2 or min(X.shape) > 3000:
        return math.nan
    p = model.predict_proba(Xt)[:, 1]
    weights = p * (1.0 - p)
    if not np.any(weights > 0):
        return math.nan
    spectrum = decompose(X, np.zeros(X.shape[0]), sample_weight=weights)
    return _dof_at(_positive(spectrum.eigenvalues), alpha)


def _describe_ridge_classifier(model, Xt, y, s):
    return _nan_summary(
        equivalent_alpha=clean_alpha(model.alpha_), effective_dof=float(model.effective_dof_),
        n_nonzero=_n_nonzero(model.coef_), params={"alpha": float(model.alpha_)},
        edge=_edge("alpha", float(model.alpha_), model.alphas),
    )


def _describe_noise_classifier(model, Xt, y, s):
    alpha = clean_alpha(model.equivalent_alpha_)
    return _nan_summary(equivalent_alpha=alpha, effective_dof=_hessian_dof(model, Xt, alpha),
                        n_nonzero=_n_nonzero(model.coef_))


def _linear_mlp_alpha(model):
    """The MLP's α as a logistic-regression α: two softmax outputs w₁ = −w₂ = w/2 carry
    ½α(‖w₁‖² + ‖w₂‖²) = ½(α/2)‖w‖², so α/2 for two classes; α for K ≥ 3."""
    alpha = float(np.atleast_1d(model.alpha)[0])
    return alpha / 2 if len(model.classes_) == 2 else alpha


def _describe_early_logistic(model, Xt, y, s):
    edge = []
    if model.best_iter_ <= 1:
        edge = ["i* = 1 is at the edge: the first evaluation was the best (lower "
                "learning_rate_init)"]
    elif model.best_iter_ >= model.max_iter:
        edge = [f"i* = {model.best_iter_} is at the edge of the grid: widen it (the last epoch of "
                f"max_iter = {model.max_iter}; raise max_iter)"]
    params = {"i*": int(model.best_iter_)}
    if model.early_stopping == "continue":
        params["epochs"] = int(model.n_iter_)
    # no closed-form α for a stopped logistic model (the lecture's equivalence is for
    # least squares): the row reports the stopping time, not an α
    return _nan_summary(n_nonzero=_n_nonzero(model.coefs_[0]), params=params, edge=edge)


def _describe_smoothed_logistic(model, Xt, y, s):
    return _nan_summary(
        equivalent_alpha=_linear_mlp_alpha(model), n_nonzero=_n_nonzero(model.coefs_[0])
    )


def _plr_cv(l1_ratio):
    def make(s):
        from ..linear_model import PenalizedLogisticRegressionCV

        return PenalizedLogisticRegressionCV(
            alphas=15 if s.quick else 40,
            l1_ratio=l1_ratio,
            cv=s.inner_cv,
            class_weight=s.class_weight,
        )
    return make


def _path_nonzero(model):
    """Features with a nonzero coefficient at each α of the full-data path."""
    path = np.asarray(model.coef_path_)
    return np.count_nonzero(
        np.any(path.reshape(-1, path.shape[-2], path.shape[-1]) != 0, axis=0), axis=0
    )


def _describe_plr(model, Xt, y, s):
    alphas = np.asarray(model.alphas_, dtype=np.float64)
    a_min, a_1se = float(model.alpha_min_), float(model.alpha_1se_)
    nonzero = _path_nonzero(model)
    i_min, i_1se = int(np.argmin(np.abs(alphas - a_min))), int(np.argmin(np.abs(alphas - a_1se)))
    dof = getattr(model, "effective_dof_", None)
    if dof is None and float(model.l1_ratio_) == 0:  # L2: tr of the Hessian hat at the solution
        dof = _hessian_dof(model, Xt, float(model.alpha_))
    return _nan_summary(
        equivalent_alpha=float(model.alpha_) if float(model.l1_ratio_) == 0 else math.nan,
        effective_dof=math.nan if dof is None else float(dof),
        n_nonzero=int(np.count_nonzero(np.any(np.atleast_2d(model.coef_) != 0, axis=0))),
        params={"alpha_min": a_min, "alpha_1se": a_1se, "l1_ratio": float(model.l1_ratio_)},
        alpha_min=a_min,
        alpha_1se=a_1se,
        nonzero_min=int(nonzero[i_min]),
        nonzero_1se=int(nonzero[i_1se]),
        edge=_edge("alpha_min", a_min, alphas, "alphas, eps"),
    )


# ------------------------------------------------------------------- paragraphs
def _p_ridge_classifier(row, model, ctx):
    lam = _positive(model.eigenvalues_)
    alpha = clean_alpha(model.alpha_)
    k = len(model.classes_)
    targets = "one ±1 target (two classes)" if k == 2 else f"{k} ±1 targets, one per class"
    return (
        f"**{row['estimator']}** (L2, Ω = ½‖w‖²) regresses {targets} on X by least squares and "
        "predicts the class of the largest fitted value. All targets share one eigendecomposition "
        f"of H = XᵀX, so α = {alpha:.3g} came from the exact leave-one-out errors of every class "
        "and every α at once. Each direction keeps λᵢ/(λᵢ + α) of the data's influence: "
        f"{int(np.sum(lam < alpha))} of {lam.size} eigenvalues lie below α, "
        f"{row['effective_dof']:.2f} effective degrees of freedom per class. Held-out score "
        f"{_fmt(row['test_score'])}: the fastest strong baseline for many classes."
    )


def _p_noise_classifier(row, model, ctx):
    how = ("'marginalize' minimizes that expected loss (to second order) directly"
           if model.method == "marginalize"
           else f"'augment' fits the logistic model on {model.n_copies} noisy copies, "
           "a Monte Carlo estimate")
    dof = ("" if not math.isfinite(row["effective_dof"]) else
           f", {row['effective_dof']:.2f} effective degrees of freedom of the Hessian XᵀDX at the "
           "fit")
    return (
        f"**{row['estimator']}** trains the logistic model on x + ε, ε ~ N(0, σ²I), σ = "
        f"{float(model.noise_std):.3g}. For the cross-entropy the lecture's expansion gives a "
        "data-dependent ridge, ½σ² Σᵢ pᵢ(1 − pᵢ)‖w‖² (softmax: ½σ² Σᵢ tr(Wᵀ(diag pᵢ − pᵢpᵢᵀ)W)): "
        f"confident rows cost nothing, uncertain ones pull w towards 0. {how}. At the solution it "
        f"equals ridge with α = {_fmt(row['equivalent_alpha'])}{dof}."
    )


def _p_plr(row, model, ctx):
    ratio = float(model.l1_ratio_)
    kind = {0.0: "L2, Ω = ½‖w‖²", 1.0: "L1, Ω = ‖w‖₁"}.get(
        ratio, f"elastic net, l1_ratio = {ratio:.2g}")
    return (
        f"**{row['estimator']}** ({kind}) minimizes the cross-entropy plus α·Ω by (prox-)Newton "
        "steps, each a weighted least-squares problem on the IRLS Gram statistics. Its own K-fold "
        f"path chose α_min = {row['alpha_min']:.3g} ({int(row['nonzero_min'])} nonzero) and α_1se "
        f"= {row['alpha_1se']:.3g} ({int(row['nonzero_1se'])} nonzero); the model uses α = "
        f"{float(model.alpha_):.3g} (sum convention, 1/C of LogisticRegression)."
    )


def _p_early_logistic(row, model, ctx):
    algorithm = {"best": "7.1 (keep the best iterate)",
                 "retrain": "7.2 (retrain on all rows for i* epochs)",
                 "continue": "7.3 (continue on all rows until the validation loss falls to the "
                             "training loss at i*)"}[model.early_stopping]
    return (
        f"**{row['estimator']}** is multinomial logistic regression "
        "(`MLPClassifier(hidden_layer_sizes=())`) trained by Adam from w = 0 without a penalty "
        f"and stopped by Algorithm {algorithm}: i* = {int(model.best_iter_)} epochs chosen on a "
        "validation split. The lecture's equivalence: stopping early keeps the small-step "
        "iterate, which shrinks the directions of small curvature like L2 does. Held-out score "
        f"{_fmt(row['test_score'])}."
    )


def _p_smoothed_logistic(row, model, ctx):
    a = model.label_smoothing
    return (
        f"**{row['estimator']}** is multinomial logistic regression "
        "(`MLPClassifier(hidden_layer_sizes=())`, L-BFGS) on smoothed targets: one-hot 1 → 1 − α, "
        f"0 → α/(K − 1) with α = {a:.3g}. The cross-entropy then never asks for p = 1, so the "
        "weights stay finite even on separable rows (output noise, the lecture's label "
        f"smoothing), with a small L2 α = {_fmt(row['equivalent_alpha'])}."
    )


# ------------------------------------------------------------------- estimators
def _noise_base(s):
    # a tiny L2 base (α = 0.01 on standardized X): the unpenalized model has no minimizer
    # on separable rows, which small noise leaves separable
    return _default_classifier().set_params(alpha=0.01, class_weight=s.class_weight)


def _linear_mlp(s, **kwargs):
    return MLPClassifier(
        hidden_layer_sizes=(), class_weight=s.class_weight, random_state=s.random_state, **kwargs
    )


def _early_logistic(strategy):
    def make(s):
        # a budget of Adam updates (minibatches of 64), spread over 20 to 1,000 epochs
        n_batches = max(1, math.ceil(0.8 * s.n_train / 64))
        updates = 3000 if s.quick else 10000
        epochs = int(min(1000, max(20, updates // n_batches)))
        return _linear_mlp(
            s,
            early_stopping=strategy,
            alpha=0.0,
            solver="adam",
            learning_rate_init=0.01,
            batch_size=64,
            max_iter=epochs,
            validation_fraction=0.2,
            patience=10 if s.quick else 20,
        )

    return make


def classification_methods():
    """The classification rows (after the baseline) in table order."""
    C = "classification"
    none = lambda s: {}  # noqa: E731
    rows = [
        Method("PenalizedLogisticRegressionCV (L2)", "logistic", C, make=_plr_cv(0.0), grid=none,
               describe=_describe_plr, lecture=_p_plr,
               tuning="K-fold path (PenalizedLogisticRegressionCV)"),
        Method("PenalizedLogisticRegressionCV (L1)", "l1_logistic", C, make=_plr_cv(1.0), grid=none,
               describe=_describe_plr, lecture=_p_plr,
               tuning="K-fold path (PenalizedLogisticRegressionCV)"),
        Method("PenalizedLogisticRegressionCV (elastic net)", "elastic_net_logistic", C,
               make=_plr_cv(0.5), grid=none, describe=_describe_plr, lecture=_p_plr,
               tuning="K-fold path (PenalizedLogisticRegressionCV)"),
        Method(
            "RidgeEigenClassifierCV (L2)", "ridge_classifier", C,
            make=lambda s: RidgeEigenClassifierCV(
                alphas=s.grid(np.logspace(-3, 5, 33), np.logspace(-2, 4, 7)),
                class_weight=s.class_weight),
            grid=none, describe=_describe_ridge_classifier, lecture=_p_ridge_classifier,
            tuning="leave-one-out (RidgeEigenClassifierCV)",
        ),
        Method(
            "NoisyInputClassifier (marginalized)", "noise_classifier_marginalized", C,
            make=lambda s: NoisyInputClassifier(_noise_base(s), method="marginalize"),
            grid=lambda s: {"noise_std": s.grid(np.geomspace(0.01, 3.0, 9), [0.03, 0.3, 1.0])},
            describe=_describe_noise_classifier, lecture=_p_noise_classifier,
            curve_param="noise_std",
        ),
        Method(
            "NoisyInputClassifier (augmented)", "noise_classifier_augmented", C,
            make=lambda s: NoisyInputClassifier(_noise_base(s), method="augment",
                                                n_copies=3 if s.quick else 10,
                                                random_state=s.random_state),
            grid=lambda s: {"noise_std": s.grid(np.geomspace(0.03, 3.0, 5), [0.1, 1.0])},
            describe=_describe_noise_classifier, lecture=_p_noise_classifier,
            curve_param="noise_std",
        ),
    ]
    for strategy, number in (("best", "7.1"), ("retrain", "7.2"), ("continue", "7.3")):
        rows.append(Method(
            f"early-stopped logistic ({number} {strategy})",
            f"early_stopping_logistic_{strategy}", C,
            make=_early_logistic(strategy), grid=none, describe=_describe_early_logistic,
            lecture=_p_early_logistic, tuning="validation split (early stopping)",
        ))
    rows.append(Method(
        "label-smoothed logistic", "label_smoothing_logistic", C,
        make=lambda s: _linear_mlp(s, solver="lbfgs", alpha=1e-2, max_iter=200 if s.quick else 500),
        grid=lambda s: {"label_smoothing": s.grid([0.0, 0.05, 0.1, 0.2], [0.0, 0.1])},
        describe=_describe_smoothed_logistic, lecture=_p_smoothed_logistic,
        curve_param="label_smoothing", log_curve=False,
    ))
    return rows
