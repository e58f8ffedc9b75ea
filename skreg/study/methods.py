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
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import optimize, sparse
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LogisticRegression

from .._spectral import decompose, null_tolerance
from ..linear_model import EarlyStoppedGD, NoisyInputRegressor, RidgeEigen, RidgeEigenCV
from ..neural_network import MLPClassifier, MLPRegressor
from ._pipeline import fmt_number

__all__ = ["METHODS", "Method", "StudySettings", "alpha_with_dof", "l1_cv_estimator", "methods_for"]


@dataclass
class StudySettings:
    """What the method entries may depend on (known before any fold is fitted).

    Attributes
    ----------
    task : {'regression', 'classification'}
    cv : int
        Outer folds.
    inner_cv : int or splitter
        Folds of a row's own tuning (grid searches, K-fold CV estimators).
    quick : bool
        Small grids and few iterations.
    random_state : int
    n_train : int
        Rows of the training split.
    y_scale : float
        Standard deviation of the training target (sets the L1 fallback grid).
    """

    task: str = "regression"
    cv: int = 5
    inner_cv: object = 3
    quick: bool = False
    random_state: int = 0
    n_train: int = 100
    y_scale: float = 1.0

    def grid(self, full, quick):
        """A grid of strengths: ``full`` normally, ``quick`` with --quick."""
        return list(quick if self.quick else full)


@dataclass
class Method:
    """One row of the study.

    Parameters
    ----------
    name : str
        Label in the table.
    key : str
        File-name slug (``validation_<key>.png``) and index of the results.
    task : {'regression', 'classification'}
    make : callable(StudySettings) -> estimator
        The unfitted final step of the pipeline.
    grid : callable(StudySettings) -> dict
        Parameters of that step for ``GridSearchCV`` (unprefixed), searched inside each
        outer training fold; {} when the estimator tunes itself or has nothing to tune.
    describe : callable(model, Xt, y, settings) -> dict
        ``equivalent_alpha``, ``effective_dof``, ``n_nonzero`` (NaN when undefined) and
        optionally ``params`` (what the estimator chose itself, for the table) and
        ``edge`` (a list of grid-edge messages).
    lecture : callable(row, model, context) -> str
        One paragraph tying the numbers of the row to the lecture.
    tuning : str
        How the row tunes, for the report ('none', 'grid search', 'leave-one-out', …).
    curve_param : str or None
        Grid parameter drawn as a validation curve.
    log_curve : bool
    scale_target : bool
        Standardize y around the model (``TransformedTargetRegressor``).
    baseline : bool
        The reference row (mean / majority class).
    """

    name: str
    key: str
    task: str
    make: Callable
    grid: Callable
    describe: Callable
    lecture: Callable
    tuning: str = "grid search"
    curve_param: str | None = None
    log_curve: bool = True
    scale_target: bool = False
    baseline: bool = False


# ----------------------------------------------------------------- the L1 row
def l1_cv_estimator():
    """The L1 row's cross-validated estimator class, ``skreg.SoftThresholdQuadraticCV``.

    The row tunes α with its own K-fold path (one warm-started path per inner fold) and
    reports both ``alpha_min_`` and glmnet's ``alpha_1se_``.
    """
    from ..linear_model import SoftThresholdQuadraticCV

    return SoftThresholdQuadraticCV


def _l1_make(s):
    return l1_cv_estimator()(alphas=20 if s.quick else 100, cv=s.inner_cv)


def _l1_grid(s):
    return {}  # the CV estimator searches its own α path


# ---------------------------------------------------------------------- numbers
def _n_nonzero(coef):
    return int(np.count_nonzero(np.asarray(coef)))


def _positive(lam):
    lam = np.asarray(lam, dtype=np.float64)
    return lam[lam > null_tolerance(lam.max(initial=0.0), lam.size, lam.size)]


def _dof_at(eigenvalues, alpha):
    lam = np.asarray(eigenvalues, dtype=np.float64)
    alpha = np.broadcast_to(np.asarray(alpha, dtype=np.float64), lam.shape)
    denom = lam + alpha
    return float(np.divide(lam, denom, out=np.zeros_like(lam), where=denom > 0).sum())


def alpha_with_dof(eigenvalues, dof):
    """The ridge α whose effective degrees of freedom Σ λᵢ/(λᵢ+α) equal ``dof``.

    Parameters
    ----------
    eigenvalues : array-like
        λᵢ of H = XᵀX (zeros allowed).
    dof : float

    Returns
    -------
    float
        0 when ``dof`` is the rank (least squares), inf when it is 0; never negative.
    """
    lam = _positive(eigenvalues)
    rank = lam.size
    if not 0 < dof < rank - 1e-9:
        return 0.0 if dof >= rank - 1e-9 else math.inf
    f = lambda log_a: _dof_at(lam, math.exp(log_a)) - dof  # noqa: E731
    top = math.log(lam.max())
    return max(math.exp(optimize.brentq(f, top - 60, top + 60, xtol=1e-10)), 0.0)


def clean_alpha(value):
    """A reported strength: round-off below zero (e.g. -2.6e-13) is 0."""
    value = float(value)
    return 0.0 if value < 0 and value > -1e-8 else value


def _nan_summary(**kwargs):
    out = {"equivalent_alpha": math.nan, "effective_dof": math.nan, "n_nonzero": math.nan}
    out.update(kwargs)
    return out


def _dense(Xt, limit=3000):
    """Xt when its smaller side is at most ``limit`` (else None: too big to decompose).

    A sparse Xt stays sparse (every skreg estimator and the spectral core take it);
    anything else becomes a float array.
    """
    if min(Xt.shape) > limit:
        return None
    return Xt if sparse.issparse(Xt) else np.asarray(Xt, dtype=np.float64)


def _spectrum(Xt, y=None):
    X = _dense(Xt)
    if X is None:
        return None
    return decompose(X, np.zeros(X.shape[0]) if y is None else np.asarray(y, dtype=np.float64))


def _edge(name, value, values, hint=None):
    """["<name> = v is at the edge of the grid: widen it (…)"] when v is the grid's min or max."""
    values = np.asarray(values, dtype=np.float64)
    if values.size < 2 or not np.isfinite(value):
        return []
    lo, hi = values.min(), values.max()
    # 0 is the natural end of a noise or smoothing grid (no regularization), not an edge
    if (np.isclose(value, lo, rtol=1e-9) and lo != 0) or np.isclose(value, hi, rtol=1e-9):
        extra = f"; {hint}" if hint else ""
        return [f"{name} = {value:.3g} is at the edge of the grid: widen it (grid {lo:.3g} to {hi:.3g}{extra})"]
    return []


def _describe_none(model, Xt, y, s):
    return _nan_summary()


def _describe_ols(model, Xt, y, s):
    lam = _positive(model.eigenvalues_)
    return _nan_summary(equivalent_alpha=0.0, effective_dof=float(lam.size), n_nonzero=_n_nonzero(model.coef_))


def _describe_ridge(model, Xt, y, s):
    return _nan_summary(
        equivalent_alpha=clean_alpha(model.alpha_),
        effective_dof=float(model.effective_dof_),
        n_nonzero=_n_nonzero(model.coef_),
        params={"alpha": float(model.alpha_)},
        edge=_edge("alpha", float(model.alpha_), model.alphas),
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
        edge = [f"i* = {model.best_iter_} is at the edge of the grid: widen it (the last step of max_iter = "
                f"{model.max_iter}; raise max_iter)"]
    return _nan_summary(
        equivalent_alpha=alpha_with_dof(lam, dof), effective_dof=dof, n_nonzero=_n_nonzero(model.coef_),
        params=params, edge=edge,
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


def _describe_logistic(model, Xt, y, s):
    return _nan_summary(equivalent_alpha=1.0 / float(model.C), n_nonzero=_n_nonzero(model.coef_))


# ------------------------------------------------------------------- paragraphs
def _p_baseline(row, model, ctx):
    if ctx["task"] == "classification":
        what = "predicts the training split's class proportions (the majority class for every row)"
    else:
        what = "predicts the training mean for every row"
    return (
        f"**{row['estimator']}** {what}: CV {ctx['scoring']} {fmt_number(row['cv_mean'])}. A method that does not beat "
        "this row has learned nothing the scoring can see."
    )


def _p_ols(row, model, ctx):
    lam = _positive(model.eigenvalues_)
    n_zero = model.eigenvalues_.size - lam.size
    zeros = f" ({n_zero} more are exactly zero: collinear columns)" if n_zero else ""
    if lam.size == 0:  # every column constant in the training rows: the intercept alone
        return (f"**{row['estimator']}** minimizes ½‖Xw − y‖² alone, but H = XᵀX has no positive eigenvalue "
                "(every column is constant on the training rows): it predicts the training mean.")
    return (
        f"**{row['estimator']}** minimizes ½‖Xw − y‖² alone: ŵ = Σ βᵢ/λᵢ uᵢ. The positive eigenvalues of H = XᵀX "
        f"(standardized training data) run from {lam.min():.3g} to {lam.max():.3g}, a ratio of "
        f"{lam.max() / lam.min():.3g}{zeros}; the directions of small λᵢ are fitted as faithfully as the large "
        f"ones, noise included. It uses all {int(row['effective_dof'])} degrees of freedom and reaches a held-out "
        f"score of {fmt_number(row['test_score'])}: the baseline every regularizer below is measured against."
    )


def _p_ridge(row, model, ctx):
    lam = _positive(model.eigenvalues_)
    n_zero = model.eigenvalues_.size - lam.size
    alpha = clean_alpha(model.alpha_)
    zeros = f" (and {n_zero} zero eigenvalue(s), directions the data do not see)" if n_zero else ""
    return (
        f"**{row['estimator']}** (L2, Ω = ½‖w‖²) chose α = {alpha:.3g} by exact leave-one-out from one "
        f"eigendecomposition, inside each outer fold. Each direction is kept by the factor λᵢ/(λᵢ + α): "
        f"{int(np.sum(lam < alpha))} of the {lam.size} positive eigenvalues lie below α (shrunk by more than "
        f"half){zeros}, so the effective degrees of freedom are {row['effective_dof']:.2f}. This is the "
        "lecture's 'the regularization removes the influence of the data in the direction of small variance' "
        "(figure `ridge_path.png`)."
    )


def _p_l1(row, model, ctx):
    n = int(row["n_nonzero"])
    if hasattr(model, "alpha_min_"):
        rules = (
            f"chose α_min = {row['alpha_min']:.3g} (least mean CV error, {int(row['nonzero_min'])} nonzero) and "
            f"α_1se = {row['alpha_1se']:.3g} (largest α within one standard error, {int(row['nonzero_1se'])} "
            f"nonzero) from one warm-started path per inner fold; the model uses α = {float(model.alpha_):.3g}"
        )
        alpha = float(model.alpha_)
    else:
        alpha = float(model.alpha)
        rules = f"chose α = {alpha:.3g} by grid search"
    return (
        f"**{row['estimator']}** (L1, Ω = ‖w‖₁) {rules} (sum convention, = Lasso(alpha="
        f"{alpha / ctx['n_train']:.3g})). Every update is the lecture's soft-threshold "
        f"θ̂ᵢ = θ*ᵢ − sign(θ*ᵢ)α/λᵢ or 0, and {ctx['n_features'] - n} of {ctx['n_features']} coefficients are "
        f"exactly zero: L1 is 'hard' and selects features where L2 only shrinks (figure `l1_vs_l2_paths.png`)."
    )


def _p_early(row, model, ctx):
    if model.strategy == "continue":
        how = (
            f"searched i* = {int(model.best_iter_)} on the subtrain split, then continued on all the training rows "
            f"until the validation loss fell to the subtrain loss at i* (step {int(model.n_iter_)} in all). The "
            "continued iterate's filter, read off its coefficients in the eigenbasis of all the training data, "
            f"has {row['effective_dof']:.2f} degrees of freedom: the ridge with the same dof has "
            f"α = {fmt_number(row['equivalent_alpha'])}"
        )
    else:
        alphas = np.asarray(model.equivalent_alpha_, dtype=np.float64)
        finite = alphas[np.isfinite(alphas)]
        span = f"from {finite.min():.3g} to {finite.max():.3g}" if finite.size else "infinite"
        how = (
            f"kept the iterate of step i* = {int(model.best_iter_)} ({model.n_iter_} steps in all, strategy "
            f"'{model.strategy}'). At τ steps each eigen-direction is the ridge solution with "
            f"α = λ(1 − ελ)^τ / (1 − (1 − ελ)^τ) (the lecture's equivalence), here {span} across directions; "
            f"the ridge with the same {row['effective_dof']:.2f} degrees of freedom has α = "
            f"{fmt_number(row['equivalent_alpha'])}"
        )
    return (
        f"**{row['estimator']}** ran gradient descent from θ₀ = 0 and {how}, to compare with RidgeEigenCV's choice "
        "(figures `early_stopping_curve.png`, `early_stopping_vs_ridge.png`). No α was tuned: a validation split "
        "inside each training fold chose the time."
    )


def _p_noise(row, model, ctx):
    dof = "" if not math.isfinite(row["effective_dof"]) else f", {row['effective_dof']:.2f} effective degrees of freedom"
    return (
        f"**{row['estimator']}** trains on X + Z with Z ~ N(0, δI), δ = {float(model.noise_std) ** 2:.3g}. "
        f"In expectation that is ridge with α = δN = {row['equivalent_alpha']:.3g} (N = training rows of the "
        f"refit){dof}: the lecture's E_Z R̃(w) = R(w) + ½δN‖w‖². "
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
        extra.append(f"per-layer α = {tuple(float(a) for a in alpha)} (one strength per weight matrix)")
    else:
        extra.append(f"α = {float(alpha):.3g} on the weights W (biases are never penalized)")
    if getattr(model, "weight_noise", 0):
        extra.append(
            f"weight noise δ = {model.weight_noise:.3g}: each step's gradient is taken at θ + δφ, which in "
            "expectation adds ½δ²‖∇θf‖² to the loss (the lecture's weight-noise expansion)"
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
        + f". Held-out score {fmt_number(row['test_score'])} with {int(row['n_nonzero'])} nonzero weights."
    )


def _p_logistic(row, model, ctx):
    return (
        f"**{row['estimator']}** is scikit-learn's logistic (softmax) regression: it minimizes the cross-entropy "
        f"−Σₖ log p(yₖ | xₖ) + ½α‖w‖² with α = 1/C = {1.0 / float(model.C):.3g} in the sum convention, the "
        "Gaussian-prior reading of L2 (a reference for the classification methods)."
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


def _default_methods():
    R, C = "regression", "classification"
    none = lambda s: {}  # noqa: E731
    methods = [
        Method("mean (baseline)", "baseline", R, make=lambda s: DummyRegressor(strategy="mean"), grid=none,
               describe=_describe_none, lecture=_p_baseline, tuning="none", baseline=True),
        Method("majority class (baseline)", "baseline", C, make=lambda s: DummyClassifier(strategy="prior"),
               grid=none, describe=_describe_none, lecture=_p_baseline, tuning="none", baseline=True),
        Method("least squares (unregularized)", "least_squares", R, make=lambda s: RidgeEigen(alpha=0.0), grid=none,
               describe=_describe_ols, lecture=_p_ols, tuning="none"),
        Method(
            "RidgeEigenCV (L2)", "ridge", R,
            make=lambda s: RidgeEigenCV(alphas=s.grid(np.logspace(-4, 5, 46), np.logspace(-3, 4, 8))),
            grid=none, describe=_describe_ridge, lecture=_p_ridge, tuning="leave-one-out (RidgeEigenCV)",
        ),
        Method(
            "SoftThresholdQuadratic (L1)", "l1", R, make=_l1_make, grid=_l1_grid, describe=_describe_l1,
            lecture=_p_l1, curve_param="alpha",
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
            "MLPRegressor (L2)", "mlp", R, scale_target=True, make=lambda s: MLPRegressor(**_mlp_common(s)),
            grid=lambda s: {"alpha": s.grid([1e-2, 1.0, 100.0], [1e-2, 10.0])},
            describe=_describe_mlp, lecture=_p_mlp, curve_param="alpha",
        ),
        Method(
            "MLPRegressor (per-layer α)", "mlp_per_layer", R, scale_target=True,
            make=lambda s: MLPRegressor(**_mlp_common(s)),
            grid=lambda s: {"alpha": s.grid([(0.1, 0.1), (10.0, 0.1), (0.1, 10.0)], [(0.1, 0.1), (10.0, 0.1)])},
            describe=_describe_mlp, lecture=_p_mlp,
        ),
        Method(
            "MLPRegressor (weight noise)", "mlp_weight_noise", R, scale_target=True,
            make=lambda s: MLPRegressor(alpha=1e-4, **_mlp_common(s)),
            grid=lambda s: {"weight_noise": s.grid([0.0, 0.1, 0.3], [0.0, 0.1])},
            describe=_describe_mlp, lecture=_p_mlp, curve_param="weight_noise", log_curve=False,
        ),
        Method(
            "LogisticRegression (sklearn, L2)", "logistic", C,
            make=lambda s: LogisticRegression(max_iter=500),
            grid=lambda s: {"C": s.grid(np.logspace(-3, 3, 7), [0.01, 1.0, 100.0])},
            describe=_describe_logistic, lecture=_p_logistic, curve_param="C",
        ),
        Method(
            "MLPClassifier (L2)", "mlp_classifier", C, make=lambda s: MLPClassifier(**_mlp_common(s)),
            grid=lambda s: {"alpha": s.grid([1e-2, 1.0, 10.0], [1e-2, 10.0])},
            describe=_describe_mlp, lecture=_p_mlp, curve_param="alpha",
        ),
        Method(
            "MLPClassifier (label smoothing)", "mlp_label_smoothing", C,
            make=lambda s: MLPClassifier(alpha=1e-2, **_mlp_common(s)),
            grid=lambda s: {"label_smoothing": s.grid([0.0, 0.05, 0.1, 0.2], [0.0, 0.1])},
            describe=_describe_mlp, lecture=_p_mlp, curve_param="label_smoothing", log_curve=False,
        ),
    ]
    return methods


#: The study's registry, in table order. Append a :class:`Method` to add an estimator.
METHODS = _default_methods()


def methods_for(task, methods=None):
    """The registry's rows for ``task`` (``methods``: another list to filter), baseline first."""
    chosen = [m for m in (METHODS if methods is None else methods) if m.task == task]
    return sorted(chosen, key=lambda m: not m.baseline)
