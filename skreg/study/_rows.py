"""What a study row is and the numbers it reports: shared by every row module.

:class:`StudySettings` (what a row may depend on), :class:`Method` (one row), and the
numbers of the lecture a row reports: degrees of freedom Σ λᵢ/(λᵢ + α), the α with
given dof, nonzero counts, grid-edge messages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import optimize, sparse

from .._spectral import decompose, null_tolerance

__all__ = ["Method", "StudySettings", "alpha_with_dof", "clean_alpha"]


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
    class_weight : None or 'balanced'
        Class weights of every classifier: 'balanced' when the score weighs the classes
        equally (balanced accuracy), so that the fits minimize what the score measures.
    """

    task: str = "regression"
    cv: int = 5
    inner_cv: object = 3
    quick: bool = False
    random_state: int = 0
    n_train: int = 100
    y_scale: float = 1.0
    class_weight: object = None

    def grid(self, full, quick):
        """A grid of strengths: ``full`` normally, ``quick`` with --quick.

        Parameters
        ----------
        full, quick : sequence
            The grid of a normal run and of a ``--quick`` run.

        Returns
        -------
        list
        """
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
        return [
            f"{name} = {value:.3g} is at the edge of the grid: widen it (grid {lo:.3g} to "
            f"{hi:.3g}{extra})"
        ]
    return []
