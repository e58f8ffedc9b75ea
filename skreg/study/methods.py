"""The method registry: one :class:`Method` per row of the study.

An entry says how to build one regularized estimator, which strengths its tuning tries
(a ``GridSearchCV`` grid, or none when the estimator tunes itself: leave-one-out,
its own K-fold path, early stopping's validation split), and how to report what the
lecture attaches to it: an equivalent L2 strength α (sum convention, the α of
``RidgeEigen``), the effective degrees of freedom Σ λᵢ/(λᵢ + α), the nonzero
coefficients, and one paragraph.  Every entry goes through the same protocol
(:mod:`skreg.study.protocol`); a new estimator joins with one entry.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.dummy import DummyClassifier, DummyRegressor

from ..linear_model import (
    BayesianRidgeEigen,
    EarlyStoppedGD,
    NoisyInputRegressor,
    RidgeEigen,
    RidgeEigenCV,
    RidgeEigenIC,
)
from ..neural_network import MLPClassifier, MLPRegressor
from ._classification import classification_methods
from ._pipeline import fmt_number
from ._rows import (  # noqa: F401  (re-exported: the registry's public names and helpers)
    Method,
    StudySettings,
    _dense,
    _dof_at,
    _edge,
    _n_nonzero,
    _nan_summary,
    _positive,
    _spectrum,
    alpha_with_dof,
    clean_alpha,
)

__all__ = ["METHODS", "Method", "StudySettings", "alpha_with_dof", "l1_cv_estimator", "methods_for"]


# ----------------------------------------------------------------- the L1 row
def l1_cv_estimator():
    """The L1 row's cross-validated estimator class, ``skreg.SoftThresholdQuadraticCV``.

    The row tunes α with its own K-fold path (one warm-started path per inner fold) and
    reports both ``alpha_min_`` and glmnet's ``alpha_1se_``.

    Returns
    -------
    type
        :class:`skreg.SoftThresholdQuadraticCV`.
    """
    from ..linear_model import SoftThresholdQuadraticCV

    return SoftThresholdQuadraticCV


def _l1_make(s):
    return l1_cv_estimator()(alphas=20 if s.quick else 100, cv=s.inner_cv)


def _l1_grid(s):
    return {}  # the CV estimator searches its own α path


def _describe_none(model, Xt, y, s):
    return _nan_summary()


def _describe_ols(model, Xt, y, s):
    lam = _positive(model.eigenvalues_)
    return _nan_summary(
        equivalent_alpha=0.0, effective_dof=float(lam.size), n_nonzero=_n_nonzero(model.coef_)
    )


def _describe_ridge(model, Xt, y, s):
    return _nan_summary(
        equivalent_alpha=clean_alpha(model.alpha_),
        effective_dof=float(model.effective_dof_),
        n_nonzero=_n_nonzero(model.coef_),
        params={"alpha": float(model.alpha_)},
        edge=_edge("alpha", float(model.alpha_), model.alphas),
    )


def _describe_self_tuned_ridge(model, Xt, y, s):
    """RidgeEigenIC (the 'auto' grid spans every model size: no edge) and BayesianRidgeEigen."""
    return _nan_summary(
        equivalent_alpha=clean_alpha(model.alpha_),
        effective_dof=float(model.effective_dof_),
        n_nonzero=_n_nonzero(model.coef_),
        params={"alpha": float(model.alpha_)},
    )


def _describe_l1(model, Xt, y, s):
    # The lecture gives L1 no L2-equivalent α; the lasso's degrees of freedom are the
    # size of its support (Zou, Hastie & Tibshirani 2007), reported as n_nonzero.
    alphas = np.asarray(model.alphas_, dtype=np.float64)
    a_min, a_1se = float(model.alpha_min_), float(model.alpha_1se_)
    # the support size at each α of the path, from the CV estimator's full-data path
    nonzero = np.asarray(model.cv_results_["n_nonzero"])
    nz_min = int(nonzero[np.flatnonzero(alphas == a_min)[0]])
    nz_1se = int(nonzero[np.flatnonzero(alphas == a_1se)[0]])
    return _nan_summary(
        n_nonzero=_n_nonzero(model.coef_),
        params={"alpha_min": a_min, "alpha_1se": a_1se},
        alpha_min=a_min, alpha_1se=a_1se, nonzero_min=nz_min, nonzero_1se=nz_1se,
        edge=_edge("alpha_min", a_min, alphas, "alphas, eps"),
    )


def _describe_early_stopping(model, Xt, y, s):
    if not hasattr(model, "eigenvalues_"):  # the iterative solver ran (large sparse X)
        return _nan_summary(n_nonzero=_n_nonzero(model.coef_))
    lam = np.asarray(model.eigenvalues_, dtype=np.float64)
    if model.strategy == "continue":
        # The continued iterate saw the subtrain set for i* steps, then all the data: no
        # step count gives its filter. Read the filter off the coefficients themselves:
        # in the eigenbasis of the final data, φᵢ = (uᵢᵀŵ) / θ*ᵢ, clipped to [0, 1].
        spec = _spectrum(Xt, y)
        if spec is None:
            return _nan_summary(n_nonzero=_n_nonzero(model.coef_))
        lam = np.asarray(spec.eigenvalues, dtype=np.float64)
        theta = np.asarray(spec.theta_star, dtype=np.float64).reshape(lam.size, -1)[:, 0]
        c = spec.eigenvectors.T @ np.asarray(model.coef_, dtype=np.float64).ravel()
        keep = (lam > 0) & (np.abs(theta) > 1e-12 * max(np.abs(theta).max(initial=0.0), 1e-300))
        phi = np.clip(np.divide(c, theta, out=np.zeros_like(c), where=keep), 0.0, 1.0)
        dof = float(phi[keep].sum())
        params = {"i*": int(model.best_iter_), "steps": int(model.n_iter_)}
    else:
        dof = _dof_at(lam, np.asarray(model.equivalent_alpha_, dtype=np.float64))
        params = {"i*": int(model.best_iter_)}
    edge = []
    if model.best_iter_ >= model.max_iter - model.eval_every:
        edge = [f"i* = {model.best_iter_} is at the edge of the grid: widen it (the last step of "
                f"max_iter = {model.max_iter}; raise max_iter)"]
    return _nan_summary(
        equivalent_alpha=alpha_with_dof(lam, dof),
        effective_dof=dof,
        n_nonzero=_n_nonzero(model.coef_),
        params=params,
        edge=edge,
    )


def _describe_noise(model, Xt, y, s):
    alpha = clean_alpha(model.equivalent_alpha_)
    spec = _spectrum(Xt)
    return _nan_summary(
        equivalent_alpha=alpha,
        effective_dof=math.nan if spec is None else _dof_at(spec.eigenvalues, alpha),
        n_nonzero=_n_nonzero(model.coef_),
    )


def _describe_mlp(model, Xt, y, s):
    alpha = np.atleast_1d(np.asarray(model.alpha, dtype=np.float64))
    return _nan_summary(
        equivalent_alpha=float(alpha[0]) if alpha.size == 1 else math.nan,
        n_nonzero=int(sum(np.count_nonzero(W) for W in model.coefs_)),
    )


# ------------------------------------------------------------------- paragraphs
def _p_baseline(row, model, ctx):
    if ctx["task"] == "classification":
        what = "predicts the training split's class proportions (the majority class for every row)"
    else:
        what = "predicts the training mean for every row"
    return (
        f"**{row['estimator']}** {what}: CV {ctx['scoring']} {fmt_number(row['cv_mean'])}. A "
        "method that does not beat this row has learned nothing the scoring can see."
    )


def _p_ols(row, model, ctx):
    lam = _positive(model.eigenvalues_)
    n_zero = model.eigenvalues_.size - lam.size
    zeros = f" ({n_zero} more are exactly zero: collinear columns)" if n_zero else ""
    if lam.size == 0:  # every column constant in the training rows: the intercept alone
        return (f"**{row['estimator']}** minimizes ½‖Xw − y‖² alone, but H = XᵀX has no positive "
                "eigenvalue (every column is constant on the training rows): it predicts the "
                "training mean.")
    return (
        f"**{row['estimator']}** minimizes ½‖Xw − y‖² alone: ŵ = Σ βᵢ/λᵢ uᵢ. The positive "
        f"eigenvalues of H = XᵀX (standardized training data) run from {lam.min():.3g} to "
        f"{lam.max():.3g}, a ratio of {lam.max() / lam.min():.3g}{zeros}; the directions of small "
        "λᵢ are fitted as faithfully as the large ones, noise included. It uses all "
        f"{int(row['effective_dof'])} degrees of freedom and reaches a held-out score of "
        f"{fmt_number(row['test_score'])}: the baseline every regularizer below is measured "
        "against."
    )


def _p_ridge(row, model, ctx):
    lam = _positive(model.eigenvalues_)
    n_zero = model.eigenvalues_.size - lam.size
    alpha = clean_alpha(model.alpha_)
    zeros = f" (and {n_zero} zero eigenvalue(s), directions the data do not see)" if n_zero else ""
    return (
        f"**{row['estimator']}** (L2, Ω = ½‖w‖²) chose α = {alpha:.3g} by exact leave-one-out from "
        "one eigendecomposition, inside each outer fold. Each direction is kept by the factor "
        f"λᵢ/(λᵢ + α): {int(np.sum(lam < alpha))} of the {lam.size} positive eigenvalues lie below "
        f"α (shrunk by more than half){zeros}, so the effective degrees of freedom are "
        f"{row['effective_dof']:.2f}. This is the lecture's 'the regularization removes the "
        "influence of the data in the direction of small variance' (figure `ridge_path.png`)."
    )


def _p_ridge_ic(row, model, ctx):
    return (
        f"**{row['estimator']}** scored 50 strengths read off the spectrum (the degrees of freedom "
        "Σλᵢ/(λᵢ + α) running evenly from 0.5 to rank − 0.5) by BIC = n·log(RSS/n) + log(n)·dof, "
        "every one from the same eigendecomposition, and chose α = "
        f"{clean_alpha(model.alpha_):.3g} ({row['effective_dof']:.2f} effective degrees of "
        "freedom): no folds, no refit, the penalty on model size doing the work that held-out "
        "data do for cross-validation."
    )


def _p_bayesian_ridge(row, model, ctx):
    return (
        f"**{row['estimator']}** reads L2 as a Gaussian prior w ~ N(0, I/λ_w) (the lecture's MAP "
        "view) and chose the weight and noise precisions by maximizing the evidence (MacKay's "
        f"fixed point, {model.n_iter_} O(rank) steps on the eigenvalues): α = λ_w/β = "
        f"{clean_alpha(model.alpha_):.3g}, with γ = {row['effective_dof']:.2f} well-determined "
        "parameters. It also reports how sure the fit is: posterior standard deviations of the "
        f"coefficients from {np.min(model.coef_std_):.3g} to {np.max(model.coef_std_):.3g}."
    )


def _p_l1(row, model, ctx):
    n = int(row["n_nonzero"])
    if hasattr(model, "alpha_min_"):
        rules = (
            f"chose α_min = {row['alpha_min']:.3g} (least mean CV error, {int(row['nonzero_min'])} "
            f"nonzero) and α_1se = {row['alpha_1se']:.3g} (largest α within one standard error, "
            f"{int(row['nonzero_1se'])} nonzero) from one warm-started path per inner fold; the "
            f"model uses α = {float(model.alpha_):.3g}"
        )
        alpha = float(model.alpha_)
    else:
        alpha = float(model.alpha)
        rules = f"chose α = {alpha:.3g} by grid search"
    return (
        f"**{row['estimator']}** (L1, Ω = ‖w‖₁) {rules} (sum convention, = "
        f"Lasso(alpha={alpha / ctx['n_train']:.3g})). Every update is the lecture's soft-threshold "
        f"θ̂ᵢ = θ*ᵢ − sign(θ*ᵢ)α/λᵢ or 0, and {ctx['n_features'] - n} of {ctx['n_features']} "
        "coefficients are exactly zero: L1 is 'hard' and selects features where L2 only shrinks "
        "(figure `l1_vs_l2_paths.png`)."
    )


def _p_early(row, model, ctx):
    if model.strategy == "continue":
        how = (
            f"searched i* = {int(model.best_iter_)} on the subtrain split, then continued on all "
            "the training rows until the validation loss fell to the subtrain loss at i* (step "
            f"{int(model.n_iter_)} in all). The continued iterate's filter, read off its "
            "coefficients in the eigenbasis of all the training data, has "
            f"{row['effective_dof']:.2f} degrees of freedom: the ridge with the same dof has α = "
            f"{fmt_number(row['equivalent_alpha'])}"
        )
    else:
        alphas = np.asarray(model.equivalent_alpha_, dtype=np.float64)
        finite = alphas[np.isfinite(alphas)]
        span = f"from {finite.min():.3g} to {finite.max():.3g}" if finite.size else "infinite"
        how = (
            f"kept the iterate of step i* = {int(model.best_iter_)} ({model.n_iter_} steps in all, "
            f"strategy '{model.strategy}'). At τ steps each eigen-direction is the ridge solution "
            f"with α = λ(1 − ελ)^τ / (1 − (1 − ελ)^τ) (the lecture's equivalence), here {span} "
            f"across directions; the ridge with the same {row['effective_dof']:.2f} degrees of "
            f"freedom has α = {fmt_number(row['equivalent_alpha'])}"
        )
    return (
        f"**{row['estimator']}** ran gradient descent from θ₀ = 0 and {how}, to compare with "
        "RidgeEigenCV's choice (figures `early_stopping_curve.png`, "
        "`early_stopping_vs_ridge.png`). No α was tuned: a validation split inside each training "
        "fold chose the time."
    )


def _p_noise(row, model, ctx):
    dof = (
        ""
        if not math.isfinite(row["effective_dof"])
        else f", {row['effective_dof']:.2f} effective degrees of freedom"
    )
    return (
        f"**{row['estimator']}** trains on X + Z with Z ~ N(0, δI), δ = "
        f"{float(model.noise_std) ** 2:.3g}. In expectation that is ridge with α = δN = "
        f"{row['equivalent_alpha']:.3g} (N = training rows of the refit){dof}: the lecture's E_Z "
        "R̃(w) = R(w) + ½δN‖w‖². "
        + (
            "'marginalize' fits that expectation exactly."
            if model.method == "marginalize"
            else f"'augment' samples {model.n_copies} noisy copies, a Monte Carlo estimate of it."
        )
    )


def _p_mlp(row, model, ctx):
    alpha = model.alpha
    extra = []
    if np.ndim(alpha):
        extra.append(f"per-layer α = {tuple(float(a) for a in alpha)} (one strength per weight "
                     "matrix)")
    else:
        extra.append(f"α = {float(alpha):.3g} on the weights W (biases are never penalized)")
    if getattr(model, "weight_noise", 0):
        extra.append(
            f"weight noise δ = {model.weight_noise:.3g}: each step's gradient is taken at θ + δφ, "
            "which in expectation adds ½δ²‖∇θf‖² to the loss (the lecture's weight-noise "
            "expansion)"
        )
    if getattr(model, "label_smoothing", 0):
        a = model.label_smoothing
        extra.append(f"label smoothing α = {a:.3g}: one-hot targets become 1 − α and α/(K − 1)")
    if ctx["task"] == "classification":
        loss = "a softmax network minimizing the cross-entropy −Σₖ log p(yₖ | xₖ) + ½α‖W‖²"
    else:
        loss = "a network σ(Wx + b) minimizing ½‖f(X) − y‖² + ½α‖W‖²"
    return (
        f"**{row['estimator']}**: {loss}, regularized the same way as the linear models: "
        + "; ".join(extra)
        + f". Held-out score {fmt_number(row['test_score'])} with {int(row['n_nonzero'])} nonzero "
          "weights."
    )


# ------------------------------------------------------------------- estimators
def _es(strategy):
    def make(s):
        return EarlyStoppedGD(
            strategy=strategy,
            max_iter=300 if s.quick else 3000,
            patience=20 if s.quick else 100,
            validation_fraction=0.2,
            random_state=s.random_state,
        )

    return make


def _mlp_common(s, batch_size=64):
    n_batches = max(1, math.ceil(s.n_train / batch_size))
    budget, lo, hi = (100, 2, 15) if s.quick else (300, 10, 100)
    epochs = int(min(hi, max(lo, budget // n_batches)))
    return dict(
        hidden_layer_sizes=(16,) if s.quick else (32,),
        solver="adam",
        learning_rate_init=0.01,
        max_iter=epochs,
        batch_size=batch_size,
        random_state=s.random_state,
    )


def _ridge_methods(R, none):
    """The L2 rows that choose α themselves: leave-one-out, BIC, the evidence."""
    return [
        Method(
            "RidgeEigenCV (L2)", "ridge", R,
            make=lambda s: RidgeEigenCV(
                alphas=s.grid(np.logspace(-4, 5, 46), np.logspace(-3, 4, 8))),
            grid=none, describe=_describe_ridge, lecture=_p_ridge,
            tuning="leave-one-out (RidgeEigenCV)",
        ),
        Method("RidgeEigenIC (L2, BIC)", "ridge_bic", R,
               make=lambda s: RidgeEigenIC(criterion="bic"),
               grid=none, describe=_describe_self_tuned_ridge, lecture=_p_ridge_ic,
               tuning="information criterion (BIC)"),
        Method("BayesianRidgeEigen (L2, evidence)", "bayesian_ridge", R,
               make=lambda s: BayesianRidgeEigen(),
               grid=none, describe=_describe_self_tuned_ridge, lecture=_p_bayesian_ridge,
               tuning="evidence maximization"),
    ]


def _default_methods():
    R, C = "regression", "classification"
    none = lambda s: {}  # noqa: E731
    methods = [
        Method("mean (baseline)", "baseline", R, make=lambda s: DummyRegressor(strategy="mean"),
               grid=none, describe=_describe_none, lecture=_p_baseline, tuning="none",
               baseline=True),
        Method("majority class (baseline)", "baseline", C,
               make=lambda s: DummyClassifier(strategy="prior"), grid=none,
               describe=_describe_none, lecture=_p_baseline, tuning="none", baseline=True),
        Method("least squares (unregularized)", "least_squares", R,
               make=lambda s: RidgeEigen(alpha=0.0), grid=none,
               describe=_describe_ols, lecture=_p_ols, tuning="none"),
        *_ridge_methods(R, none),
        Method(
            "SoftThresholdQuadratic (L1)", "l1", R, make=_l1_make, grid=_l1_grid,
            describe=_describe_l1, lecture=_p_l1, curve_param="alpha",
            tuning="K-fold path (SoftThresholdQuadraticCV)",
        ),
    ]
    for strategy in ("best", "retrain", "continue"):
        methods.append(
            Method(
                f"EarlyStoppedGD ({strategy})", f"early_stopping_{strategy}", R,
                make=_es(strategy), grid=none, describe=_describe_early_stopping, lecture=_p_early,
                tuning="validation split (early stopping)",
            )
        )
    methods += [
        Method(
            "NoisyInputRegressor (marginalized)", "noise_marginalized", R,
            make=lambda s: NoisyInputRegressor(method="marginalize"),
            grid=lambda s: {"noise_std": s.grid(np.geomspace(0.01, 3.0, 11), [0.03, 0.3, 3.0])},
            describe=_describe_noise, lecture=_p_noise, curve_param="noise_std",
        ),
        Method(
            "NoisyInputRegressor (augmented)", "noise_augmented", R,
            make=lambda s: NoisyInputRegressor(method="augment", n_copies=3 if s.quick else 10,
                                               random_state=s.random_state),
            grid=lambda s: {"noise_std": s.grid(np.geomspace(0.01, 3.0, 7), [0.03, 0.3])},
            describe=_describe_noise, lecture=_p_noise, curve_param="noise_std",
        ),
        Method(
            "MLPRegressor (L2)", "mlp", R, scale_target=True,
            make=lambda s: MLPRegressor(**_mlp_common(s)),
            grid=lambda s: {"alpha": s.grid([1e-2, 1.0, 100.0], [1e-2, 10.0])},
            describe=_describe_mlp, lecture=_p_mlp, curve_param="alpha",
        ),
        Method(
            "MLPRegressor (per-layer α)", "mlp_per_layer", R, scale_target=True,
            make=lambda s: MLPRegressor(**_mlp_common(s)),
            grid=lambda s: {"alpha": s.grid([(0.1, 0.1), (10.0, 0.1), (0.1, 10.0)],
                                            [(0.1, 0.1), (10.0, 0.1)])},
            describe=_describe_mlp, lecture=_p_mlp,
        ),
        Method(
            "MLPRegressor (weight noise)", "mlp_weight_noise", R, scale_target=True,
            make=lambda s: MLPRegressor(alpha=1e-4, **_mlp_common(s)),
            grid=lambda s: {"weight_noise": s.grid([0.0, 0.1, 0.3], [0.0, 0.1])},
            describe=_describe_mlp, lecture=_p_mlp, curve_param="weight_noise", log_curve=False,
        ),
    ] + classification_methods() + [
        Method(
            "MLPClassifier (L2)", "mlp_classifier", C,
            make=lambda s: MLPClassifier(class_weight=s.class_weight, **_mlp_common(s)),
            grid=lambda s: {"alpha": s.grid([1e-2, 1.0, 10.0], [1e-2, 10.0])},
            describe=_describe_mlp, lecture=_p_mlp, curve_param="alpha",
        ),
        Method(
            "MLPClassifier (label smoothing)", "mlp_label_smoothing", C,
            make=lambda s: MLPClassifier(alpha=1e-2, class_weight=s.class_weight, **_mlp_common(s)),
            grid=lambda s: {"label_smoothing": s.grid([0.0, 0.05, 0.1, 0.2], [0.0, 0.1])},
            describe=_describe_mlp, lecture=_p_mlp, curve_param="label_smoothing", log_curve=False,
        ),
    ]
    return methods


#: The study's registry, in table order. Append a :class:`Method` to add an estimator.
METHODS = _default_methods()


def methods_for(task, methods=None):
    """The registry's rows for ``task``, baseline first.

    Parameters
    ----------
    task : {'regression', 'classification'}
    methods : list of Method or None, default=None
        Another list to filter (None: :data:`METHODS`).

    Returns
    -------
    list of Method
    """
    chosen = [m for m in (METHODS if methods is None else methods) if m.task == task]
    return sorted(chosen, key=lambda m: not m.baseline)
