"""``python -m skreg study``: which regularizer, how strong, and what does it do to my model?

The study is a registry of :class:`Method` entries. Each entry says how to build one
regularized estimator, which strengths to try (a ``GridSearchCV`` grid, or none when the
estimator tunes itself), and how to report what the lecture attaches to it: an
equivalent L2 strength α (sum convention, the α of ``RidgeEigen``), the effective
degrees of freedom Σ λᵢ/(λᵢ + α), the number of nonzero coefficients.  Every entry runs
through the same code: a ``Pipeline(preprocess, StandardScaler, model)``, cross-validated
on a training split, scored on a held-out split.  A new estimator joins with one entry.

:func:`run_study` is the library entry point; ``skreg/__main__.py`` only parses arguments.
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from scipy import optimize
from sklearn.base import clone
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, train_test_split, validation_curve
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from . import theory
from ._spectral import decompose
from .linear_model import (
    EarlyStoppedGD,
    NoisyInputRegressor,
    RidgeEigen,
    RidgeEigenCV,
    SoftThresholdQuadratic,
    SoftThresholdQuadraticCV,
)
from .neural_network import MLPClassifier, MLPRegressor

__all__ = ["Method", "METHODS", "StudyError", "StudySettings", "load_dataset", "run_study"]


class StudyError(Exception):
    """Bad input for the study: reported as one line on stderr, exit status 2."""


# --------------------------------------------------------------------------- data
@dataclass
class Dataset:
    """A table ready for the study: features, target, task and column roles."""

    name: str
    X: pd.DataFrame
    y: pd.Series
    task: str
    numeric: list
    categorical: list


def _read_csv(path):
    path = Path(path)
    if not path.exists():
        raise StudyError(f"data file not found: {path}")
    if path.is_dir():
        raise StudyError(f"{path} is a directory, not a CSV file")
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise StudyError(f"{path} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StudyError(f"could not read {path} as CSV: {first}") from None
    if frame.shape[1] < 2:
        raise StudyError(f"{path} has {frame.shape[1]} column(s); a target and at least one feature are needed")
    return frame


def _builtin(name, random_state):
    if name == "diabetes":
        from sklearn.datasets import load_diabetes

        return load_diabetes(as_frame=True).frame, "target"
    if name == "polynomial":
        from .datasets import make_polynomial_example

        X, y = make_polynomial_example(n_samples=80, degree=8, random_state=random_state)
        frame = pd.DataFrame(X, columns=[f"x^{k}" for k in range(1, X.shape[1] + 1)])
        frame["y"] = y
        return frame, "y"
    return None


def _is_integer_valued(values):
    values = np.asarray(values, dtype=np.float64)
    return bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))


def load_dataset(data="diabetes", *, target=None, task="auto", random_state=0):
    """Load the study's table and decide the task.

    Parameters
    ----------
    data : str, default='diabetes'
        'diabetes' (scikit-learn's bundled set), 'polynomial' (the lecture's example,
        sin(2πx) + noise with features x, …, x⁸, 80 points) or the path of a CSV file.
    target : str or None, default=None
        Target column; None: the built-in set's target, or a CSV's last column.
    task : {'auto', 'regression', 'classification'}, default='auto'
        'auto': classification for a non-numeric or boolean target, or an integer
        target with at most 10 distinct values; regression otherwise.
    random_state : int, default=0

    Returns
    -------
    Dataset

    Raises
    ------
    StudyError
        Missing file, unknown column, missing targets, no numeric feature, a single
        class, a non-numeric regression target.
    """
    builtin = _builtin(data, random_state)
    if builtin is not None:
        frame, default_target = builtin
        name = data
    else:
        frame, default_target = _read_csv(data), None
        name = Path(data).name
        default_target = frame.columns[-1]
    frame.columns = [str(c) for c in frame.columns]
    target = default_target if target is None else target
    if target not in frame.columns:
        shown = ", ".join(map(str, frame.columns[:12])) + (", …" if frame.shape[1] > 12 else "")
        raise StudyError(f"unknown column {target!r} in {name} (columns: {shown})")
    y = frame[target]
    missing = int(y.isna().sum())
    if missing:
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(y.isna().to_numpy())[:5])
        raise StudyError(
            f"target {target!r} is missing in {missing} row(s) (file lines {rows}{', …' if missing > 5 else ''}); "
            "drop or fill those rows first"
        )
    X = frame.drop(columns=[target])
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c])]
    categorical = [c for c in X.columns if c not in numeric]
    numeric = [c for c in numeric if X[c].notna().any()]
    if not numeric:
        raise StudyError(f"{name} has no numeric feature column besides the target {target!r}")
    X = X.astype({c: np.float64 for c in numeric})
    categorical = [c for c in categorical if X[c].notna().any()]
    X = X[numeric + categorical]

    numeric_target = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    if task == "auto":
        if not numeric_target:
            task = "classification"
        elif _is_integer_valued(y) and y.nunique() <= 10:
            task = "classification"
        else:
            task = "regression"
    if task == "regression":
        if not numeric_target:
            raise StudyError(f"target {target!r} is not numeric; use --task classification")
        y = y.astype(np.float64)
    else:
        y = y.astype(str) if not numeric_target else y
        classes = pd.unique(y)
        if len(classes) < 2:
            raise StudyError(f"target {target!r} has a single class ({classes[0]!r}); classification needs two or more")
    return Dataset(name, X, y, task, numeric, categorical)


def make_preprocessor(dataset):
    """ColumnTransformer: numeric features (median-imputed), categorical ones one-hot encoded."""
    parts = [("num", SimpleImputer(strategy="median"), dataset.numeric)]
    if dataset.categorical:
        parts.append(
            (
                "cat",
                Pipeline(
                    [
                        ("impute", SimpleImputer(strategy="most_frequent")),
                        ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
                    ]
                ),
                dataset.categorical,
            )
        )
    return ColumnTransformer(parts, verbose_feature_names_out=False)


# ------------------------------------------------------------------ settings, methods
@dataclass
class StudySettings:
    """What the method entries may depend on."""

    task: str = "regression"
    cv: int = 5
    quick: bool = False
    random_state: int = 0
    n_train: int = 100

    def grid(self, full, quick):
        """A grid of strengths: ``full`` normally, ``quick`` with --quick."""
        return list(quick if self.quick else full)


@dataclass
class Method:
    """One line of the study.

    Parameters
    ----------
    name : str
        Label in the table.
    key : str
        File-name slug (``validation_<key>.png``).
    task : {'regression', 'classification'}
    make : callable(StudySettings) -> estimator
        The unfitted final step of the pipeline.
    grid : callable(StudySettings) -> dict
        Parameters of that step for ``GridSearchCV`` (unprefixed); {} when the
        estimator tunes its strength itself.
    curve_param : str or None
        Strength for the validation curve (a key of ``grid``, or of ``curve_make``).
    curve_make, curve_values : callables or None
        When the strength is not in ``grid`` (own CV, early stopping): an estimator and
        the values of ``curve_param`` for ``sklearn.model_selection.validation_curve``.
    describe : callable(model, Xt, y, settings) -> dict
        ``equivalent_alpha``, ``effective_dof``, ``n_nonzero`` (NaN when undefined).
    lecture : callable(row, model, context) -> str
        One paragraph tying the result to the lecture.
    """

    name: str
    key: str
    task: str
    make: Callable
    grid: Callable
    describe: Callable
    lecture: Callable
    curve_param: str | None = None
    curve_make: Callable | None = None
    curve_values: Callable | None = None
    log_curve: bool = True
    scale_target: bool = False


def _n_nonzero(coef):
    return int(np.count_nonzero(np.asarray(coef)))


def _dof_at(eigenvalues, alpha):
    lam = np.asarray(eigenvalues, dtype=np.float64)
    alpha = np.broadcast_to(np.asarray(alpha, dtype=np.float64), lam.shape)
    denom = lam + alpha
    return float(np.divide(lam, denom, out=np.zeros_like(lam), where=denom > 0).sum())


def alpha_with_dof(eigenvalues, dof):
    """The ridge α whose effective degrees of freedom Σ λᵢ/(λᵢ+α) equal ``dof``."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    rank = np.count_nonzero(lam > 0)
    if not 0 < dof < rank - 1e-9:
        return 0.0 if dof >= rank - 1e-9 else math.inf
    f = lambda log_a: _dof_at(lam, math.exp(log_a)) - dof  # noqa: E731
    top = math.log(lam.max())
    return math.exp(optimize.brentq(f, top - 60, top + 60, xtol=1e-10))


def _spectrum_eigenvalues(Xt):
    return decompose(Xt, np.zeros(Xt.shape[0])).eigenvalues


def _nan_summary(**kwargs):
    out = {"equivalent_alpha": math.nan, "effective_dof": math.nan, "n_nonzero": math.nan}
    out.update(kwargs)
    return out


def _describe_ols(model, Xt, y, s):
    return _nan_summary(equivalent_alpha=0.0, effective_dof=model.effective_dof_, n_nonzero=_n_nonzero(model.coef_))


def _describe_ridge(model, Xt, y, s):
    return _nan_summary(
        equivalent_alpha=float(model.alpha_), effective_dof=float(model.effective_dof_), n_nonzero=_n_nonzero(model.coef_)
    )


def _describe_l1(model, Xt, y, s):
    # The lecture gives L1 no L2-equivalent α; the lasso's degrees of freedom are the
    # size of its support (Zou, Hastie & Tibshirani 2007), reported as n_nonzero.
    return _nan_summary(n_nonzero=_n_nonzero(model.coef_))


def _describe_early_stopping(model, Xt, y, s):
    alphas = np.asarray(model.equivalent_alpha_, dtype=np.float64)
    lam = np.asarray(model.eigenvalues_, dtype=np.float64)
    dof = _dof_at(lam, alphas)
    return _nan_summary(
        equivalent_alpha=alpha_with_dof(lam, dof), effective_dof=dof, n_nonzero=_n_nonzero(model.coef_)
    )


def _describe_noise(model, Xt, y, s):
    alpha = float(model.equivalent_alpha_)
    return _nan_summary(
        equivalent_alpha=alpha, effective_dof=_dof_at(_spectrum_eigenvalues(Xt), alpha), n_nonzero=_n_nonzero(model.coef_)
    )


def _describe_mlp(model, Xt, y, s):
    alpha = np.atleast_1d(np.asarray(model.alpha, dtype=np.float64))
    return _nan_summary(
        equivalent_alpha=float(alpha[0]) if alpha.size == 1 else math.nan,
        n_nonzero=int(sum(np.count_nonzero(W) for W in model.coefs_)),
    )


def _describe_logistic(model, Xt, y, s):
    return _nan_summary(equivalent_alpha=1.0 / float(model.C), n_nonzero=_n_nonzero(model.coef_))


def _fmt(value, digits=3):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:.{digits}g}"


def _mlp_hidden(s):
    return (16,) if s.quick else (32,)


def _mlp_common(s):
    return dict(
        hidden_layer_sizes=_mlp_hidden(s),
        solver="adam",
        learning_rate_init=0.01,
        max_iter=15 if s.quick else 150,
        batch_size=64,
        random_state=s.random_state,
    )


# Paragraphs: each ties the numbers of its row to the lecture.
def _p_ols(row, model, ctx):
    lam = model.eigenvalues_[model.eigenvalues_ > 0]
    return (
        f"**{row['estimator']}** minimizes ½‖Xw − y‖² alone: ŵ = Σ βᵢ/λᵢ uᵢ. The eigenvalues of H = XᵀX "
        f"(standardized training data) run from {lam.min():.3g} to {lam.max():.3g}, a ratio of "
        f"{lam.max() / lam.min():.3g}; the directions of small λᵢ are fitted as faithfully as the large ones, "
        f"noise included. It uses all {int(row['effective_dof'])} degrees of freedom and reaches a held-out "
        f"score of {_fmt(row['test_score'])}: the baseline every regularizer below is measured against."
    )


def _p_ridge(row, model, ctx):
    lam = model.eigenvalues_
    alpha = float(model.alpha_)
    return (
        f"**{row['estimator']}** (L2, Ω = ½‖w‖²) chose α = {alpha:.3g} by exact leave-one-out from one "
        f"eigendecomposition. Each direction is kept by the factor λᵢ/(λᵢ + α): "
        f"{int(np.sum(lam < alpha))} of {lam.size} eigenvalues lie below α (shrunk by more than half), so the "
        f"effective degrees of freedom are {row['effective_dof']:.2f} of {lam.size}. This is the lecture's "
        "'the regularization removes the influence of the data in the direction of small variance' "
        "(figure `ridge_path.png`)."
    )


def _p_l1(row, model, ctx):
    n = int(row["n_nonzero"])
    alpha = float(getattr(model, "alpha_", getattr(model, "alpha", math.nan)))
    rules = ""
    if hasattr(model, "alpha_1se_"):
        nnz = dict(zip(model.cv_results_["alpha"], model.cv_results_["n_nonzero"]))
        rules = (
            f" It cross-validated {len(model.cv_results_['alpha'])} α on its own folds: least mean error at "
            f"α_min = {model.alpha_min_:.3g} ({int(nnz[model.alpha_min_])} nonzero coefficients); the "
            f"one-standard-error rule gives α_1se = {model.alpha_1se_:.3g} ({int(nnz[model.alpha_1se_])} nonzero)."
        )
    return (
        f"**{row['estimator']}** (L1, Ω = ‖w‖₁) chose α = {alpha:.3g} (sum convention, "
        f"= Lasso(alpha={alpha / ctx['n_train']:.3g})).{rules} Every update is the lecture's soft-threshold "
        f"θ̂ᵢ = θ*ᵢ − sign(θ*ᵢ)α/λᵢ or 0, and {ctx['n_features'] - n} of {ctx['n_features']} coefficients are "
        f"exactly zero: L1 is 'hard' and selects features where L2 only shrinks (figure `l1_vs_l2_paths.png`)."
    )


def _p_early(row, model, ctx):
    alphas = np.asarray(model.equivalent_alpha_, dtype=np.float64)
    finite = alphas[np.isfinite(alphas)]
    span = f"from {finite.min():.3g} to {finite.max():.3g}" if finite.size else "infinite"
    return (
        f"**{row['estimator']}** ran gradient descent from θ₀ = 0 and kept the iterate of step i* = "
        f"{int(model.best_iter_)} ({model.n_iter_} steps in all, strategy '{model.strategy}'). At τ steps each "
        f"eigen-direction is the ridge solution with α = λ(1 − ελ)^τ / (1 − (1 − ελ)^τ) (the lecture's "
        f"equivalence), here {span} across directions; the ridge with the same {row['effective_dof']:.2f} "
        f"degrees of freedom has α = {_fmt(row['equivalent_alpha'])}, to compare with RidgeEigenCV's choice "
        f"(figures `early_stopping_curve.png`, `early_stopping_vs_ridge.png`). No α was tuned: the "
        "validation split chose the time."
    )


def _p_noise(row, model, ctx):
    return (
        f"**{row['estimator']}** trains on X + Z with Z ~ N(0, δI), δ = {float(model.noise_std) ** 2:.3g}. "
        f"In expectation that is ridge with α = δN = {row['equivalent_alpha']:.3g} (N = training rows of the "
        f"refit), {row['effective_dof']:.2f} effective degrees of freedom: the lecture's "
        "E_Z R̃(w) = R(w) + ½δN‖w‖². "
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
    return (
        f"**{row['estimator']}**: a network σ(Wx + b) regularizes the same way as the linear models, "
        + "; ".join(extra)
        + f". Held-out score {_fmt(row['test_score'])} with {int(row['n_nonzero'])} nonzero weights."
    )


def _p_logistic(row, model, ctx):
    return (
        f"**{row['estimator']}** is scikit-learn's softmax regression with L2 strength 1/C = "
        f"{1.0 / float(model.C):.3g} (a reference for the classification methods, with the same Gaussian-prior "
        "reading of L2)."
    )


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


def _es_curve_make(s):
    return EarlyStoppedGD(strategy=None, max_iter=10)


def _es_curve_values(s):
    return np.unique(np.geomspace(1, 300 if s.quick else 3000, 6 if s.quick else 15).astype(int))


def _noise_grid(s):
    return s.grid(np.geomspace(0.01, 3.0, 13), [0.05, 0.5])


def _default_methods():
    R, C = "regression", "classification"
    methods = [
        Method(
            "least squares (unregularized)", "least_squares", R,
            make=lambda s: RidgeEigen(alpha=0.0), grid=lambda s: {},
            describe=_describe_ols, lecture=_p_ols,
        ),
        Method(
            "RidgeEigenCV (L2)", "ridge", R,
            make=lambda s: RidgeEigenCV(alphas=s.grid(np.logspace(-3, 4, 30), np.logspace(-2, 3, 6))),
            grid=lambda s: {}, describe=_describe_ridge, lecture=_p_ridge,
            curve_param="alpha", curve_make=lambda s: RidgeEigen(),
            curve_values=lambda s: s.grid(np.logspace(-3, 4, 30), np.logspace(-2, 3, 6)),
        ),
        Method(
            "SoftThresholdQuadraticCV (L1)", "l1", R,
            make=lambda s: SoftThresholdQuadraticCV(alphas=30 if s.quick else 100, cv=s.cv),
            grid=lambda s: {}, describe=_describe_l1, lecture=_p_l1,
            curve_param="alpha", curve_make=lambda s: SoftThresholdQuadratic(),
            curve_values=lambda s: s.grid(np.geomspace(0.01, 1e3, 16) * s.n_train / 100, [1.0, 50.0]),
        ),
    ]
    for strategy in ("best", "retrain", "continue"):
        methods.append(
            Method(
                f"EarlyStoppedGD ({strategy})", f"early_stopping_{strategy}", R,
                make=_es(strategy), grid=lambda s: {}, describe=_describe_early_stopping, lecture=_p_early,
                curve_param="max_iter", curve_make=_es_curve_make, curve_values=_es_curve_values,
            )
        )
    methods += [
        Method(
            "NoisyInputRegressor (marginalized)", "noise_marginalized", R,
            make=lambda s: NoisyInputRegressor(method="marginalize"),
            grid=lambda s: {"noise_std": _noise_grid(s)}, describe=_describe_noise, lecture=_p_noise,
            curve_param="noise_std",
        ),
        Method(
            "NoisyInputRegressor (augmented)", "noise_augmented", R,
            make=lambda s: NoisyInputRegressor(method="augment", n_copies=3 if s.quick else 10, random_state=s.random_state),
            grid=lambda s: {"noise_std": s.grid(np.geomspace(0.01, 3.0, 7), [0.05, 0.5])},
            describe=_describe_noise, lecture=_p_noise, curve_param="noise_std",
        ),
        Method(
            "MLPRegressor (L2)", "mlp", R,
            scale_target=True, make=lambda s: MLPRegressor(**_mlp_common(s)),
            grid=lambda s: {"alpha": s.grid([1e-2, 1.0, 10.0, 100.0], [1e-2, 10.0])},
            describe=_describe_mlp, lecture=_p_mlp, curve_param="alpha",
        ),
        Method(
            "MLPRegressor (per-layer α)", "mlp_per_layer", R,
            scale_target=True, make=lambda s: MLPRegressor(**_mlp_common(s)),
            grid=lambda s: {
                "alpha": s.grid(
                    [(a1, a2) for a1 in (0.1, 10.0, 100.0) for a2 in (0.1, 10.0)], [(0.1, 0.1), (10.0, 0.1)]
                )
            },
            describe=_describe_mlp, lecture=_p_mlp,
        ),
        Method(
            "MLPRegressor (weight noise)", "mlp_weight_noise", R,
            scale_target=True, make=lambda s: MLPRegressor(alpha=1e-4, **_mlp_common(s)),
            grid=lambda s: {"weight_noise": s.grid([0.0, 0.01, 0.03, 0.1], [0.0, 0.05])},
            describe=_describe_mlp, lecture=_p_mlp, curve_param="weight_noise", log_curve=False,
        ),
        Method(
            "LogisticRegression (sklearn, L2)", "logistic", C,
            make=lambda s: LogisticRegression(max_iter=500),
            grid=lambda s: {"C": s.grid(np.logspace(-3, 3, 7), [0.1, 10.0])},
            describe=_describe_logistic, lecture=_p_logistic, curve_param="C",
        ),
        Method(
            "MLPClassifier (L2)", "mlp_classifier", C,
            make=lambda s: MLPClassifier(**_mlp_common(s)),
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


# ------------------------------------------------------------------------- running
def _progress(message, stream):
    if stream is not None:
        print(message, file=stream, flush=True)


def _check_sizes(dataset, cv, test_size):
    n = len(dataset.y)
    n_test = math.ceil(test_size * n)
    n_train = n - n_test
    if n_test < 1 or n_train < cv:
        raise StudyError(
            f"{dataset.name} has {n} rows: {n_train} left for training after the {test_size:g} held-out split, "
            f"fewer than the {cv} cross-validation folds"
        )
    if dataset.task == "classification":
        counts = dataset.y.value_counts()
        # a stratified split keeps ≈ (1 − test_size) of each class for training
        smallest = counts.idxmin()
        if math.floor(counts.min() * (1 - test_size)) < cv or counts.min() < 2:
            raise StudyError(
                f"class {str(smallest)!r} has only {int(counts.min())} rows, too few for the held-out split and "
                f"{cv} stratified folds"
            )
    return n_train


def _format_params(params):
    parts = []
    for key, value in params.items():
        key = key.rsplit("__", 1)[-1]
        if isinstance(value, float | np.floating):
            value = f"{float(value):.3g}"
        elif isinstance(value, tuple):
            value = "(" + ", ".join(f"{float(v):.3g}" for v in value) + ")"
        parts.append(f"{key}={value}")
    return ", ".join(parts) if parts else "—"


def _own_params(model, method):
    """Strength the estimator chose itself (own CV, early stopping)."""
    if hasattr(model, "alpha_1se_"):  # L1 CV: both rules, with their nonzero counts
        nnz = dict(zip(model.cv_results_["alpha"], model.cv_results_["n_nonzero"]))
        return {"alpha_min": model.alpha_min_, "nnz_min": int(nnz[model.alpha_min_]),
                "alpha_1se": model.alpha_1se_, "nnz_1se": int(nnz[model.alpha_1se_])}
    if hasattr(model, "alpha_"):
        return {"alpha": float(model.alpha_)}
    if hasattr(model, "best_iter_") and method.key.startswith("early_stopping"):
        return {"i*": int(model.best_iter_)}
    return {}


def _inner(pipe):
    """The fitted model of a study pipeline (inside a target transformer if any)."""
    model = pipe.named_steps["model"]
    return model.regressor_ if isinstance(model, TransformedTargetRegressor) else model


def _validation_curve(method, search, pipe_for, settings, X, y, cv, scoring, n_jobs):
    """(values, mean, std) of the CV score along the method's strength, or None."""
    p = method.curve_param
    if p is None:
        return None
    results = pd.DataFrame(search.cv_results_)
    prefix = "model__regressor__" if method.scale_target else "model__"
    column = f"param_{prefix}{p}"
    if column in results:
        frame = pd.DataFrame(
            {"value": results[column].astype(float), "mean": results["mean_test_score"], "std": results["std_test_score"]}
        )
        best = frame.loc[frame.groupby("value")["mean"].idxmax()].sort_values("value")
        return best["value"].to_numpy(), best["mean"].to_numpy(), best["std"].to_numpy()
    if method.curve_make is None:
        return None
    values = np.asarray(method.curve_values(settings))
    _, test = validation_curve(
        pipe_for(method.curve_make(settings), method.scale_target), X, y, param_name=f"{prefix}{p}", param_range=values,
        cv=cv, scoring=scoring, n_jobs=n_jobs,
    )
    return values, test.mean(axis=1), test.std(axis=1)


@dataclass
class StudyResult:
    """What :func:`run_study` returns."""

    results: pd.DataFrame
    table: str
    out: Path
    figures: list = field(default_factory=list)
    models: dict = field(default_factory=dict)


def format_table(results):
    """The printed table: one row per method."""
    shown = pd.DataFrame(
        {
            "estimator": results["estimator"],
            "best parameters": results["best_params"],
            "CV score": [f"{m:.3f} ± {s:.3f}" for m, s in zip(results["cv_mean"], results["cv_std"])],
            "held-out": results["test_score"].map(lambda v: f"{v:.3f}"),
            "eq. α": results["equivalent_alpha"].map(_fmt),
            "dof": results["effective_dof"].map(lambda v: "n/a" if not np.isfinite(v) else f"{v:.2f}"),
            "nonzero": results["n_nonzero"].map(lambda v: "n/a" if not np.isfinite(v) else str(int(v))),
            "fit time (s)": results["fit_time"].map(lambda v: f"{v:.2f}"),
        }
    )
    return shown.to_string(index=False)


def run_study(
    data="diabetes",
    *,
    target=None,
    task="auto",
    cv=5,
    test_size=0.25,
    out="skreg-study",
    n_jobs=None,
    random_state=0,
    quick=False,
    methods=None,
    progress=True,
):
    """Cross-validate every regularizer on one data set and write the report.

    Parameters
    ----------
    data, target, task :
        See :func:`load_dataset`.
    cv : int, default=5
        Folds of the cross-validation (stratified for classification).
    test_size : float, default=0.25
        Fraction of rows held out for the final score.
    out : str or Path, default='skreg-study'
        Folder for ``results.csv``, ``report.md`` and the PNG figures.
    n_jobs : int or None, default=None
        Passed to ``GridSearchCV``.
    random_state : int, default=0
    quick : bool, default=False
        Small grids and few iterations (seconds; for tests).
    methods : list of Method or None, default=None
        None: :data:`METHODS` for the task.
    progress : bool or file, default=True
        True writes progress lines to ``sys.stderr``; False or None is silent.

    Returns
    -------
    StudyResult
    """
    progress = sys.stderr if progress is True else (progress or None)
    if int(cv) < 2:
        raise StudyError(f"--cv must be at least 2, got {cv}")
    if not 0.0 < float(test_size) < 1.0:
        raise StudyError(f"--test-size must be between 0 and 1, got {test_size}")
    if task not in ("auto", "regression", "classification"):
        raise StudyError(f"--task must be auto, regression or classification, got {task!r}")
    dataset = load_dataset(data, target=target, task=task, random_state=random_state)
    n_train = _check_sizes(dataset, int(cv), float(test_size))
    classification = dataset.task == "classification"
    stratify = dataset.y if classification else None
    X_train, X_test, y_train, y_test = train_test_split(
        dataset.X, dataset.y, test_size=test_size, random_state=random_state, stratify=stratify
    )
    settings = StudySettings(task=dataset.task, cv=int(cv), quick=quick, random_state=random_state, n_train=n_train)
    splitter = (StratifiedKFold if classification else KFold)(int(cv), shuffle=True, random_state=random_state)
    scoring = "accuracy" if classification else "r2"
    preprocessor = make_preprocessor(dataset)

    def pipe_for(estimator, scale_target=False):
        if scale_target:
            estimator = TransformedTargetRegressor(estimator, transformer=StandardScaler())
        return Pipeline([("prep", clone(preprocessor)), ("scale", StandardScaler()), ("model", estimator)])

    chosen = [m for m in (METHODS if methods is None else methods) if m.task == dataset.task]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _progress(
        f"skreg study: {dataset.name}, {dataset.task}, {len(dataset.y)} rows "
        f"({len(dataset.numeric)} numeric, {len(dataset.categorical)} categorical features), "
        f"{len(chosen)} methods, {cv}-fold CV, scoring {scoring}" + (" [quick]" if quick else ""),
        progress,
    )
    rows, fitted, curves = [], {}, {}
    for k, method in enumerate(chosen, 1):
        _progress(f"[{k}/{len(chosen)}] {method.name} …", progress)
        start = time.perf_counter()
        prefix = "model__regressor__" if method.scale_target else "model__"
        search = GridSearchCV(
            pipe_for(method.make(settings), method.scale_target),
            {f"{prefix}{p}": list(v) for p, v in method.grid(settings).items()},
            cv=splitter,
            scoring=scoring,
            n_jobs=n_jobs,
            error_score="raise",
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            search.fit(X_train, y_train)
            curve = _validation_curve(method, search, pipe_for, settings, X_train, y_train, splitter, scoring, n_jobs)
        for w in caught:  # re-raise what is not a convergence note (e.g. RuntimeWarning)
            if not issubclass(w.category, ConvergenceWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        n_conv = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
        elapsed = time.perf_counter() - start
        best = search.best_estimator_
        model = _inner(best)
        Xt = best[:-1].transform(X_train)
        summary = method.describe(model, np.asarray(Xt, dtype=np.float64), np.asarray(y_train), settings)
        i = search.best_index_
        params = dict(search.best_params_) or _own_params(model, method)
        row = {
            "estimator": method.name,
            "best_params": _format_params(params),
            "cv_mean": float(search.cv_results_["mean_test_score"][i]),
            "cv_std": float(search.cv_results_["std_test_score"][i]),
            "test_score": float(search.score(X_test, y_test)),
            **summary,
            "fit_time": float(search.refit_time_),
            "search_time": elapsed,
            "scoring": scoring,
            "task": dataset.task,
            "key": method.key,
        }
        rows.append(row)
        fitted[method.key] = (method, best)
        if curve is not None:
            curves[method.key] = curve
        note = f", {n_conv} convergence warning(s)" if n_conv else ""
        _progress(f"    {row['best_params']}: CV {row['cv_mean']:.3f}, held-out {row['test_score']:.3f} ({elapsed:.1f} s{note})", progress)

    results = pd.DataFrame(rows)
    table = format_table(results)
    results.to_csv(out / "results.csv", index=False)
    context = {
        "n_train": n_train,
        "n_features": int(np.asarray(next(iter(fitted.values()))[1][:-1].transform(X_train.iloc[:2])).shape[1]),
        "dataset": dataset,
        "scoring": scoring,
    }
    try:
        figures = study_figures(out, fitted, curves, results, X_train, y_train, scoring)
    except ImportError as exc:
        figures = []
        _progress(f"figures skipped: {exc}", progress)
    paragraphs = []
    for row in rows:
        method, best = fitted[row["key"]]
        paragraphs.append(method.lecture(row, _inner(best), context))
    _write_report(out / "report.md", dataset, results, figures, paragraphs, settings, scoring, cv, test_size)
    _progress(f"wrote {out / 'results.csv'}, {out / 'report.md'} and {len(figures)} figures", progress)
    return StudyResult(results=results, table=table, out=out, figures=figures, models={k: v[1] for k, v in fitted.items()})


def _markdown_table(results):
    header = ["estimator", "best parameters", "CV score", "held-out", "eq. α", "dof", "nonzero", "fit time (s)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for _, r in results.iterrows():
        cells = [
            r["estimator"],
            r["best_params"],
            f"{r['cv_mean']:.3f} ± {r['cv_std']:.3f}",
            f"{r['test_score']:.3f}",
            _fmt(r["equivalent_alpha"]),
            "n/a" if not np.isfinite(r["effective_dof"]) else f"{r['effective_dof']:.2f}",
            "n/a" if not np.isfinite(r["n_nonzero"]) else str(int(r["n_nonzero"])),
            f"{r['fit_time']:.2f}",
        ]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _write_report(path, dataset, results, figures, paragraphs, settings, scoring, cv, test_size):
    fig_names = [Path(f).name for f in figures]
    lines = [
        f"# skreg study: {dataset.name}",
        "",
        f"{dataset.task.capitalize()} on {len(dataset.y)} rows ({len(dataset.numeric)} numeric and "
        f"{len(dataset.categorical)} categorical features, one-hot encoded), every model in a "
        f"`Pipeline(preprocess, StandardScaler, model)`. Strengths tuned by {cv}-fold cross-validation on "
        f"{1 - test_size:.0%} of the rows (scoring: {scoring}); the held-out column scores the refitted best "
        f"model on the remaining {test_size:.0%}." + (" Quick settings (small grids)." if settings.quick else ""),
        "",
        "Equivalent α is in the lecture's sum convention (the α of `RidgeEigen`, "
        "½‖Xw − y‖² + ½α‖w‖²); dof = Σ λᵢ/(λᵢ + α) over the eigenvalues of H = XᵀX of the standardized "
        "training data.",
        "",
        _markdown_table(results),
        "",
        "## What each method did",
        "",
    ]
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    if fig_names:
        lines += ["## Figures", ""]
        for name in fig_names:
            lines += [f"![{name}]({name})", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")


# ------------------------------------------------------------------------- figures
def _new_figure(n_axes=1, width=6.0):
    from .plotting import _pyplot

    plt = _pyplot()
    fig, axes = plt.subplots(1, n_axes, figsize=(width * n_axes if n_axes > 1 else width, 4.2), squeeze=False)
    return plt, fig, list(axes[0])


def _save(plt, fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def study_figures(out, fitted, curves, results, X_train, y_train, scoring):
    """Write the study's PNG figures to ``out``; returns their paths.

    Raises ImportError (with the install hint) when matplotlib is missing.
    """
    import matplotlib

    if not matplotlib.get_backend().lower().endswith("agg") and not os.environ.get("DISPLAY"):
        matplotlib.use("Agg")
    from .plotting import EarlyStoppingCurveDisplay, RegularizationPathDisplay, ShrinkageSpectrumDisplay

    out = Path(out)
    figures = []
    y = np.asarray(y_train, dtype=np.float64) if "ridge" in fitted else None
    any_pipe = next(iter(fitted.values()))[1]
    Xt = np.asarray(any_pipe[:-1].transform(X_train), dtype=np.float64)
    names = list(any_pipe[:-1].get_feature_names_out()) if hasattr(any_pipe[:-1], "get_feature_names_out") else None

    if "ridge" in fitted:
        cv_model = fitted["ridge"][1].named_steps["model"]
        alpha = float(cv_model.alpha_)
        ridge = RidgeEigen(alpha=alpha).fit(Xt, y)
        lam = ridge.eigenvalues_[ridge.eigenvalues_ > 0]
        alphas = np.geomspace(lam.min() * 1e-2, lam.max() * 1e2, 80)
        plt, fig, (ax1, ax2) = _new_figure(2)
        RegularizationPathDisplay.from_estimator(ridge, alphas, feature_names=names, chosen_alpha=alpha, ax=ax1)
        spectrum = ShrinkageSpectrumDisplay(
            ridge.eigenvalues_, [alpha / 10, alpha, alpha * 10],
            labels=[f"α = {alpha / 10:.3g}", f"α = {alpha:.3g} (CV)", f"α = {alpha * 10:.3g}"],
        ).plot(ax=ax2)
        spectrum.ax_.set_title(f"shrinkage λ/(λ+α), dof = {ridge.effective_dof_:.2f} at the CV α")
        figures.append(_save(plt, fig, out / "ridge_path.png"))

        plt, fig, (ax1, ax2) = _new_figure(2)
        RegularizationPathDisplay.from_estimator(ridge, alphas, feature_names=names, chosen_alpha=alpha, penalty="L2", ax=ax1)
        l1_alpha = None
        if "l1" in fitted:
            l1_model = fitted["l1"][1].named_steps["model"]
            l1_alpha = float(getattr(l1_model, "alpha_", getattr(l1_model, "alpha", 1.0)))
        lasso = SoftThresholdQuadratic(alpha=l1_alpha or 1.0).fit(Xt, y)
        top = lasso.alpha_max_ if lasso.alpha_max_ > 0 else 1.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            RegularizationPathDisplay.from_estimator(
                lasso, np.geomspace(top, top * 1e-4, 60), feature_names=names, chosen_alpha=l1_alpha, penalty="L1",
                ax=ax2,
            )
        ax1.get_legend() and ax1.get_legend().remove()
        figures.append(_save(plt, fig, out / "l1_vs_l2_paths.png"))

    if "early_stopping_best" in fitted:
        es = fitted["early_stopping_best"][1].named_steps["model"]
        plt, fig, (ax,) = _new_figure(1)
        EarlyStoppingCurveDisplay.from_estimator(es, ax=ax)
        figures.append(_save(plt, fig, out / "early_stopping_curve.png"))

        lam = np.asarray(es.eigenvalues_)
        keep = lam > 0
        eq = np.asarray(es.equivalent_alpha_)
        plt, fig, (ax1, ax2) = _new_figure(2)
        n_sub = int(round(len(y_train) * (1 - es.validation_fraction)))
        taus = np.unique(np.geomspace(1, max(es.n_iter_, 10) * 10, 200).astype(int))
        lr = es.learning_rate_ / n_sub  # the step on the sum loss
        for i in np.flatnonzero(keep)[:: max(1, keep.sum() // 5)]:
            ax1.plot(taus, theory.early_stopping_equivalent_alpha(lam[i], lr, taus), lw=1, label=f"λ = {lam[i]:.3g}")
        ax1.axvline(es.best_iter_, color="k", ls="--", lw=1, label=f"i* = {es.best_iter_}")
        if "ridge" in fitted:
            ridge_alpha = float(fitted["ridge"][1].named_steps["model"].alpha_)
            ax1.axhline(ridge_alpha, color="C3", lw=1.5, label=f"ridge α (CV) = {ridge_alpha:.3g}")
        ax1.set_xscale("log")
        ax1.set_yscale("log")
        positive = eq[np.isfinite(eq) & (eq > 0)]
        if positive.size:
            ax1.set_ylim(positive.min() / 1e3, positive.max() * 1e3)
        ax1.set_xlabel("GD steps τ")
        ax1.set_ylabel("equivalent α = λ(1−ελ)^τ / (1−(1−ελ)^τ)")
        ax1.set_title("early stopping's equivalent α per direction")
        ax1.legend(fontsize="x-small")
        strengths = [eq]
        labels = [f"early stopping at i* = {es.best_iter_}"]
        if "ridge" in fitted:
            strengths.append(ridge_alpha)
            labels.append(f"ridge α = {ridge_alpha:.3g} (CV)")
        ShrinkageSpectrumDisplay(lam, strengths, labels=labels).plot(ax=ax2)
        ax2.set_title("shrinkage per eigen-direction")
        figures.append(_save(plt, fig, out / "early_stopping_vs_ridge.png"))

    label = "R²" if scoring == "r2" else scoring
    for key, (values, mean, std) in curves.items():
        method = fitted[key][0]
        plt, fig, (ax,) = _new_figure(1)
        ax.plot(values, mean, marker="o", label="CV mean")
        ax.fill_between(values, mean - std, mean + std, alpha=0.2, label="± 1 std")
        best = int(np.argmax(mean))
        ax.axvline(values[best], color="k", ls="--", lw=1, label=f"best {method.curve_param} = {values[best]:.3g}")
        if method.log_curve and np.all(np.asarray(values) > 0):
            ax.set_xscale("log")
        ax.set_xlabel(method.curve_param)
        ax.set_ylabel(f"CV {label}")
        ax.set_title(f"validation curve: {method.name}")
        ax.legend(fontsize="small")
        figures.append(_save(plt, fig, out / f"validation_{key}.png"))
    return figures
