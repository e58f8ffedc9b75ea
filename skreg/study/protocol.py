"""The one protocol every row goes through: nested cross-validation, then a held-out score.

1. The table is split once into training rows and held-out rows (``test_size``,
   stratified for classification).
2. The training rows are split once into ``cv`` outer folds (shuffled, seeded,
   stratified for classification); **every row uses these same folds**.
3. In each outer fold, a row's whole tuning runs on the outer training part only: a
   ``GridSearchCV`` over its grid with ``inner_cv`` folds, or the estimator's own
   search (``RidgeEigenCV``'s exact leave-one-out, the L1 CV estimator's K-fold path,
   early stopping's validation split).  The tuned model scores the outer test part.
   The CV column is the mean ± std of these ``cv`` scores: comparable across rows.
4. The same procedure refit on all training rows gives the model of the report and
   its held-out score.

BLAS threads are set once for the whole study (threadpoolctl), so that a busy machine
is not oversubscribed.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    train_test_split,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from .._config import memory_budget
from .._data._checks import largest_usable_cv
from ._pipeline import accepts_sparse, inner_model
from .data import (
    StudyError,
    StudyWarning,
    check_char,
    check_sizes,
    dense_bytes,
    fmt_bytes,
    load_dataset,
    make_preprocessor,
    plain,
)
from .methods import StudySettings, _edge, methods_for

__all__ = ["StudyResult", "default_scoring", "run_study", "protocol_sentence"]

#: Share of the memory budget (skreg.get_config) for densifying the one-hot block for an
#: estimator that cannot take sparse X, or for caching a dense preprocessed design.
DENSE_FRACTION = 0.25


@dataclass
class StudyResult:
    """What :func:`run_study` returns.

    Attributes
    ----------
    results : pandas.DataFrame
        One row per method (the columns of ``results.csv``).
    table : str
        The printed table.
    out : Path or None
        The output folder (None when nothing was written).
    figures : list of Path
    models : dict
        Method key → the pipeline refit on all training rows.
    dataset : Dataset
    scoring : str
    scoring_reason : str or None
        Why the default scoring is not accuracy (imbalanced classes), or None.
    protocol : str
        The protocol in one sentence (also in report.md).
    skipped : dict
        Method key → why it did not run.
    class_weight : None or str
        The class weights every classifier was fitted with ('balanced' for a balanced score).
    """

    results: pd.DataFrame
    table: str
    out: Path | None
    figures: list = field(default_factory=list)
    models: dict = field(default_factory=dict)
    dataset: object = None
    scoring: str = ""
    scoring_reason: str | None = None
    protocol: str = ""
    skipped: dict = field(default_factory=dict)
    class_weight: object = None


def default_scoring(dataset):
    """The default scorer name and, when it is not the obvious one, why.

    r2 for regression; for classification accuracy, or balanced_accuracy when the
    smallest class is under 20 % of the rows (accuracy would then reward predicting the
    majority class everywhere).

    Parameters
    ----------
    dataset : Dataset
        The typed table (:func:`skreg.study.load_dataset`).

    Returns
    -------
    scoring : str
    reason : str or None
    """
    if dataset.task == "regression":
        return "r2", None
    shares = dataset.y.value_counts(normalize=True)
    if shares.min() < 0.2:
        return "balanced_accuracy", (
            f"the smallest class ({plain(shares.idxmin())}) is {shares.min():.1%} of the rows "
            "(under 20 %), where accuracy rewards always predicting the majority class "
            f"({plain(shares.idxmax())}, {shares.max():.1%}); balanced accuracy (the mean recall "
            "over classes) does not"
        )
    return "accuracy", None


def _scorer(name):
    try:
        return get_scorer(name)
    except (ValueError, TypeError):
        raise StudyError(
            f"unknown scoring {name!r}: use a scikit-learn scorer name such as r2, "
            "neg_mean_squared_error, accuracy, balanced_accuracy, roc_auc, neg_log_loss "
            "(sklearn.metrics.get_scorer_names())",
            names=("scoring",),
        ) from None


def _check_scoring(scorer, name, dataset):
    """StudyError (before anything is printed or fitted) when the scorer cannot score the
    baseline."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    dummy = (
        DummyClassifier(strategy="prior") if dataset.task == "classification" else DummyRegressor()
    )
    X = np.zeros((len(dataset.y), 1))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scorer(dummy.fit(X, dataset.y), X, dataset.y)
    except (ValueError, TypeError, AttributeError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StudyError(f"scoring {name} does not work on this {dataset.task} target: {first}",
                         names=("scoring",)) from None


def protocol_sentence(cv, inner_cv, n_train, n_test, scoring):
    """The protocol in one sentence (report.md and the progress header)."""
    return (
        f"Every row is scored by the same {cv}-fold outer cross-validation of the {n_train} "
        f"training rows, with its tuning (a {inner_cv}-fold grid search, the estimator's own "
        "search, or early stopping's validation split) nested inside each outer training fold, "
        f"scoring {scoring}; the held-out column scores the same procedure refit on all {n_train} "
        f"training rows, on {n_test} rows it never saw."
    )


def _progress(message, stream):
    if stream is not None:
        print(message, file=stream, flush=True)


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


def _grid_edges(search, grid, prefix):
    """Grid-edge messages for the numeric 1-D parameters of a fitted GridSearchCV."""
    messages = []
    for name, values in grid.items():
        try:
            values = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if values.ndim != 1:
            continue
        messages += _edge(name, float(search.best_params_[prefix + name]), values)
    return messages


def _curve(search, method, prefix):
    """(values, mean, std, chosen) of the inner-CV score along the row's strength, or None."""
    p = method.curve_param
    column = f"param_{prefix}{p}"
    if p is None or not isinstance(search, GridSearchCV) or column not in search.cv_results_:
        return None
    frame = pd.DataFrame(
        {
            "value": np.asarray(search.cv_results_[column], dtype=np.float64),
            "mean": search.cv_results_["mean_test_score"],
            "std": search.cv_results_["std_test_score"],
        }
    ).sort_values("value")
    if len(frame) < 2:
        return None
    chosen = float(search.best_params_[prefix + p])
    return frame["value"].to_numpy(), frame["mean"].to_numpy(), frame["std"].to_numpy(), chosen


def _prep(dataset, sparse):
    return Pipeline(
        [
            ("prep", make_preprocessor(dataset, sparse=sparse)),
            ("scale", StandardScaler(with_mean=not sparse)),
        ]
    )


class _Folds:
    """The outer folds, preprocessed on their training part: computed once, shared by every row.

    A row's model sees exactly what ``Pipeline(preprocess, StandardScaler, model)``
    inside ``cross_validate`` would give it; caching only avoids repeating the
    preprocessing for every row (dense copies above a quarter of the memory budget are redone).
    """

    def __init__(self, dataset, X_train, y_train, outer):
        self.dataset, self.X, self.y, self.outer = dataset, X_train, y_train, outer
        self._cache = {}

    def _cacheable(self, sparse):
        return (
            sparse
            or not self.dataset.categorical
            or dense_bytes(self.dataset, len(self.y)) <= memory_budget(DENSE_FRACTION)
        )

    def fold(self, i, sparse):
        """(X_train_fold, y_train_fold, X_test_fold, y_test_fold), preprocessed on the training
        part."""
        key = (i, sparse)
        if key in self._cache:
            return self._cache[key]
        train, test = self.outer[i]
        prep = _prep(self.dataset, sparse)
        out = (
            prep.fit_transform(self.X.iloc[train]),
            self.y.iloc[train],
            prep.transform(self.X.iloc[test]),
            self.y.iloc[test],
        )
        if self._cacheable(sparse):
            self._cache[key] = out
        return out

    def full(self, sparse):
        """(fitted preprocessing pipeline, transformed training rows, None) for the final refit."""
        key = ("full", sparse)
        if key in self._cache:
            return self._cache[key]
        prep = _prep(self.dataset, sparse)
        out = (prep, prep.fit_transform(self.X), None)
        if self._cacheable(sparse):
            self._cache[key] = out
        return out


def _fit_and_score(estimator, X_train, y_train, X_test, y_test, scorer):
    return float(scorer(clone(estimator).fit(X_train, y_train), X_test, y_test))


def _check_arguments(
    *, cv, inner_cv, test_size, task, blas_threads, n_jobs, random_state, sep, quick
):
    """StudyError for a bad argument of :func:`run_study` (before anything is read);
    (cv, inner_cv)."""
    if int(cv) < 2:
        raise StudyError(f"cv must be at least 2, got {cv}", names=("cv",))
    if inner_cv is None:
        inner_cv = 2 if quick else 3
    if int(inner_cv) < 2:
        raise StudyError(f"inner_cv must be at least 2, got {inner_cv}", names=("inner_cv",))
    if not 0.0 < float(test_size) < 1.0:
        raise StudyError(
            f"test_size must be between 0 and 1, got {test_size}", names=("test_size",)
        )
    if task not in ("auto", "regression", "classification"):
        raise StudyError(
            f"task must be auto, regression or classification, got {task!r}", names=("task",)
        )
    if blas_threads is not None and int(blas_threads) < 1:
        raise StudyError(
            f"blas_threads must be at least 1, got {blas_threads}", names=("blas_threads",)
        )
    if n_jobs is not None and int(n_jobs) == 0:
        raise StudyError("n_jobs must be a non-zero integer (as joblib: -1 uses every core), got 0",
                         names=("n_jobs",))
    if isinstance(random_state, bool) or not isinstance(random_state, Integral) or not (
            0 <= random_state <= _MAX_SEED):
        raise StudyError(f"random_state must be an integer from 0 to {_MAX_SEED} (the inner folds "
                         "are seeded with one more, and seeds stop at 2**32 - 1), got "
                         f"{random_state!r}",
                         names=("random_state",))
    check_char(sep, "sep")
    return int(cv), int(inner_cv)


#: The largest random_state: the inner splitter is seeded with random_state + 1 ≤ 2³² − 1.
_MAX_SEED = 2**32 - 2


def _rows_to_score(scorer, dataset):
    """1 when the scorer gives a finite score on one row (MSE, accuracy), else 2
    (R²: NaN on one row)."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    dummy = (
        DummyClassifier(strategy="prior") if dataset.task == "classification" else DummyRegressor()
    )
    X = np.zeros((len(dataset.y), 1))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            score = scorer(dummy.fit(X, dataset.y), X[:1], dataset.y.iloc[:1])
    except (ValueError, TypeError, IndexError):
        return 2
    return 1 if np.isfinite(score) else 2


def _check_folds(scorer, scoring, dataset, n_train, cv, inner_cv):
    """StudyError when a test fold (outer, or inner within the smallest outer training fold)
    is too small to be scored: it would report NaN scores as results."""
    need = _rows_to_score(scorer, dataset)
    if n_train // cv < need:
        raise StudyError(
            f"cv={cv} leaves {n_train // cv} row in an outer test fold of the {n_train} training "
            f"rows, too few to score {scoring}: the largest usable cv is "
            f"{largest_usable_cv(n_train, need)}",
            names=("cv",),
        )
    rows = n_train - math.ceil(n_train / cv)  # the smallest outer training fold
    if rows // inner_cv < need:
        raise StudyError(
            f"inner_cv={inner_cv} is too many folds for the {rows} rows of the smallest outer "
            f"training fold (cv={cv} of {n_train} training rows; {scoring} needs {need} row(s) per "
            "test fold): the largest "
            f"usable inner_cv is {largest_usable_cv(rows, need)}", names=("inner_cv", "cv"))


def _output_folder(out):
    """The output folder, created and checked writable before anything is fitted."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise StudyError(f"out={str(path)!r} is a file, not a folder", names=("out",))
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise StudyError(f"out={str(path)!r} cannot be used as the output folder: "
                         f"{exc.strerror or exc}",
                         names=("out",)) from None
    return path


def run_study(
    data="diabetes",
    *,
    target=None,
    task="auto",
    scoring=None,
    cv=5,
    inner_cv=None,
    test_size=0.25,
    out="skreg-study",
    na_values=None,
    categorical=None,
    drop=None,
    sep=None,
    decimal=None,
    n_jobs=None,
    blas_threads=1,
    random_state=0,
    quick=False,
    methods=None,
    figures=True,
    progress=True,
):
    """Compare every regularizer on one data set by one nested cross-validation, and report.

    Every row goes through the same protocol: the same ``cv`` outer folds of the
    training rows; each row's own tuning (a grid search with ``inner_cv`` folds, the
    estimator's leave-one-out or K-fold path, or early stopping's validation split)
    runs inside each outer training fold; the CV column is the mean ± std of the
    outer-fold scores, comparable across rows.  The procedure refit on all training rows
    is scored on the held-out rows and described in ``report.md``.  A baseline row
    (mean, or class proportions) is always included.

    Parameters
    ----------
    data : str, default='diabetes'
        'diabetes', 'polynomial' or the path of a CSV file.
    target : str or None, default=None
        Target column (default: the CSV's last column).
    task : {'auto', 'regression', 'classification'}, default='auto'
    scoring : str or None, default=None
        Any scikit-learn scorer name (``r2``, ``neg_mean_squared_error``, ``roc_auc``,
        ``neg_log_loss``, …).  None: r2 for regression; for classification accuracy, or
        balanced_accuracy when the smallest class is under 20 % of the rows.
    cv : int, default=5
        Outer folds (stratified for classification).
    inner_cv : int or None, default=None
        Folds of the tuning inside each outer training fold; None: 3 (2 with ``quick``).
    test_size : float, default=0.25
        Fraction of rows held out for the final score.
    out : str, Path or None, default='skreg-study'
        Folder for ``results.csv``, ``report.md`` and the PNG figures; None writes nothing.
    na_values, categorical, drop, sep, decimal : optional
        Column typing and reading, see :func:`skreg.study.load_dataset`.
    n_jobs : int or None, default=None
        Parallel jobs over the outer folds (joblib's: -1 is every core; 0 is refused).
    blas_threads : int or None, default=1
        BLAS threads for the whole study (threadpoolctl); None leaves them alone.
    random_state : int, default=0
        Seeds the splits and the estimators, in [0, 2³² − 2] (the inner folds use
        ``random_state + 1``).
    quick : bool, default=False
        Small grids, 2 inner folds and few iterations (seconds; for tests and a first look).
    methods : list of Method or None, default=None
        None: :data:`skreg.study.METHODS` for the task.
    figures : bool, default=True
        Write the figures (needs matplotlib; skipped with a note otherwise).
    progress : bool or file, default=True
        True writes the schema and a line per method to ``sys.stderr``; False is silent.

    Returns
    -------
    StudyResult

    Raises
    ------
    StudyError
        Bad input (file, columns, values, options), with a one-line message that names
        the arguments of this function (the command line words them as its flags).
        Raised before anything is fitted: the arguments, the data, the fold sizes
        against the scoring and the output folder (created, writable) are checked
        first.

    Examples
    --------
    >>> from skreg.study import run_study
    >>> result = run_study("diabetes", quick=True, out=None, progress=False)  # doctest: +SKIP
    >>> result.results[["estimator", "cv_mean", "test_score"]]  # doctest: +SKIP
    """
    stream = sys.stderr if progress is True else (progress or None)
    plan = _plan(data, target=target, task=task, scoring=scoring, cv=cv, inner_cv=inner_cv,
                 test_size=test_size, out=out, na_values=na_values, categorical=categorical,
                 drop=drop, sep=sep, decimal=decimal, n_jobs=n_jobs, blas_threads=blas_threads,
                 random_state=random_state, quick=quick, methods=methods)
    _announce(plan, stream)
    rows, fitted, curves, skipped = [], {}, {}, {}
    limits = threadpool_limits(limits=int(blas_threads)) if blas_threads is not None else None
    try:
        folds = _Folds(plan.dataset, plan.X_train, plan.y_train, plan.outer)
        for k, method in enumerate(plan.methods, 1):
            outcome = _run_row(plan, method, folds, f"[{k}/{len(plan.methods)}]", stream)
            if isinstance(outcome, str):
                skipped[method.key] = outcome
                continue
            row, best, curve = outcome
            rows.append(row)
            fitted[method.key] = (method, best)
            if curve is not None:
                curves[method.key] = curve
    finally:
        if limits is not None:
            limits.restore_original_limits()
    return _write_outputs(plan, rows, fitted, curves, skipped, figures, stream)


@dataclass
class _Plan:
    """Everything :func:`run_study` decided before the first fit (all of it checked)."""

    dataset: object
    scoring: str
    scorer: object
    reason: str | None
    cv: int
    n_jobs: object
    quick: bool
    out: Path | None
    X_train: object
    X_test: object
    y_train: object
    y_test: object
    outer: list
    inner: object
    settings: object
    methods: list
    protocol: str


def _plan(data, *, target, task, scoring, cv, inner_cv, test_size, out, na_values, categorical,
          drop, sep, decimal, n_jobs, blas_threads, random_state, quick, methods):
    """Check the options, read the data, split it and choose the rows: the study's plan.

    Every check that can fail runs here, before anything is fitted: the arguments, the
    data, the fold sizes against the scoring and the output folder (created, writable).
    """
    cv, inner_cv = _check_arguments(cv=cv, inner_cv=inner_cv, test_size=test_size, task=task,
                                    blas_threads=blas_threads, n_jobs=n_jobs,
                                    random_state=random_state, sep=sep, quick=quick)
    scorer = None if scoring is None else _scorer(scoring)
    dataset = load_dataset(data, target=target, task=task, na_values=na_values,
                           categorical=categorical, drop=drop, sep=sep,
                           random_state=random_state, decimal=decimal)
    n_train = check_sizes(dataset, cv, float(test_size))
    reason = None
    if scoring is None:
        scoring, reason = default_scoring(dataset)
        scorer = get_scorer(scoring)
    classification = dataset.task == "classification"
    _check_scoring(scorer, scoring, dataset)
    _check_folds(scorer, scoring, dataset, n_train, cv, inner_cv)
    out = None if out is None else _output_folder(out)
    X_train, X_test, y_train, y_test = train_test_split(
        dataset.X, dataset.y, test_size=test_size, random_state=random_state,
        stratify=dataset.y if classification else None,
    )
    Splitter = StratifiedKFold if classification else KFold
    outer = list(Splitter(cv, shuffle=True, random_state=random_state).split(X_train, y_train))
    inner = Splitter(inner_cv, shuffle=True, random_state=random_state + 1)
    y_scale = float(np.std(y_train)) if not classification else 1.0
    class_weight = "balanced" if classification and "balanced" in scoring else None
    settings = StudySettings(task=dataset.task, cv=cv, inner_cv=inner, quick=quick,
                             random_state=random_state, n_train=n_train,
                             y_scale=y_scale if y_scale > 0 else 1.0, class_weight=class_weight)
    chosen = methods_for(dataset.task, methods)
    if not any(m.baseline for m in chosen):
        chosen = methods_for(dataset.task)[:1] + chosen
    return _Plan(dataset=dataset, scoring=scoring, scorer=scorer, reason=reason, cv=cv,
                 n_jobs=n_jobs, quick=quick, out=out, X_train=X_train, X_test=X_test,
                 y_train=y_train, y_test=y_test, outer=outer, inner=inner, settings=settings,
                 methods=chosen,
                 protocol=protocol_sentence(cv, inner_cv, n_train, len(y_test), scoring))


def _announce(plan, stream):
    """The schema, the data's notes and the plan, before the first fit."""
    dataset = plan.dataset
    _progress(
        f"skreg study: {dataset.name}, {dataset.task}, {len(dataset.y)} rows; columns:", stream
    )
    for line in dataset.schema_lines():
        _progress(f"    {line}", stream)
    for note in dataset.notes:
        _progress(f"warning: {note}", stream)
        warnings.warn(note, StudyWarning, stacklevel=3)
    if plan.reason:
        _progress(f"scoring: {plan.scoring}, because {plan.reason}", stream)
    if plan.settings.class_weight:
        _progress(f"class weights: every classifier is fitted with class_weight='balanced' "
                  f"({plan.scoring} weighs the classes equally)", stream)
    _progress(
        f"{len(plan.methods)} methods, {plan.cv} outer folds x (inner tuning), scoring "
        f"{plan.scoring}"
        + (" [quick]" if plan.quick else ""),
        stream,
    )


def _row_estimator(plan, method):
    """The row's estimator as the folds see it (target scaling, inner grid search), the
    grid and its parameter prefix."""
    estimator = method.make(plan.settings)
    if method.scale_target:
        estimator = TransformedTargetRegressor(estimator, transformer=StandardScaler())
    prefix = "regressor__" if method.scale_target else ""
    grid = method.grid(plan.settings)
    if grid:  # the search sees the outer training fold, preprocessed on that fold
        estimator = GridSearchCV(estimator, {prefix + p: list(v) for p, v in grid.items()},
                                 cv=plan.inner, scoring=plan.scorer, error_score="raise")
    return estimator, grid, prefix


def _evaluate(plan, method, estimator, folds, sparse):
    """Outer-fold scores, the search refit on all training rows, its pipeline and held-out
    score, and the warnings caught on the way."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        try:
            # the folds are preprocessed here, before Parallel dispatches: a preprocessing
            # step's own joblib call inside the dispatch would deadlock the Dask backend
            data = [folds.fold(i, sparse) for i in range(plan.cv)]
            scores = Parallel(n_jobs=plan.n_jobs)(
                delayed(_fit_and_score)(estimator, *d, plan.scorer) for d in data)
            prep, Xt, _ = folds.full(sparse)
            search = clone(estimator).fit(Xt, plan.y_train)
            best_model = search.best_estimator_ if isinstance(search, GridSearchCV) else search
            best = Pipeline(prep.steps + [("model", best_model)])
            test_score = float(plan.scorer(best, plan.X_test, plan.y_test))
        except (ValueError, TypeError, AttributeError) as exc:
            if not method.baseline:
                raise
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise StudyError(f"scoring {plan.scoring} does not work on this {plan.dataset.task} "
                             f"target: {first}", names=("scoring",)) from None
    if not np.all(np.isfinite(scores)):  # never a NaN reported as a result
        raise StudyError(f"{method.name} scored {plan.scoring} = nan on an outer fold "
                         f"(cv={plan.cv}): the folds of {len(plan.outer[0][1])} rows or the "
                         "values cannot be scored", names=("cv",))
    for w in caught:  # re-raise what is not a convergence note (e.g. RuntimeWarning)
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    n_conv = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    return scores, search, best, Xt, test_score, n_conv


def _run_row(plan, method, folds, counter, stream):
    """One row of the table: (row, refit pipeline, validation curve), or why it was skipped."""
    start = time.perf_counter()
    dataset, n_train = plan.dataset, plan.settings.n_train
    estimator, grid, prefix = _row_estimator(plan, method)
    sparse = bool(dataset.categorical) and accepts_sparse(estimator)
    if (
        dataset.categorical
        and not sparse
        and dense_bytes(dataset, n_train) > memory_budget(DENSE_FRACTION)
    ):
        why = (f"needs dense X of {fmt_bytes(dense_bytes(dataset, n_train))} (one-hot encoded), "
               f"over the {fmt_bytes(memory_budget(DENSE_FRACTION))} limit, and does not take "
               "sparse X")
        _progress(f"{counter} {method.name}: skipped, {why}", stream)
        return why
    scores, search, best, Xt, test_score, n_conv = _evaluate(plan, method, estimator, folds, sparse)
    summary = dict(method.describe(inner_model(best), Xt, np.asarray(plan.y_train), plan.settings))
    own = summary.pop("params", None) or {}
    edge = list(summary.pop("edge", None) or [])
    params, curve = dict(own), None
    if isinstance(search, GridSearchCV):
        params = {**search.best_params_, **own}
        edge += _grid_edges(search, grid, prefix)
        curve = _curve(search, method, prefix)
    elapsed = time.perf_counter() - start
    row = {
        "estimator": method.name, "best_params": _format_params(params),
        "cv_mean": float(np.mean(scores)), "cv_std": float(np.std(scores)),
        "test_score": test_score, **summary, "grid_edge": "; ".join(edge),
        "tuning": method.tuning, "sparse_input": sparse, "time": elapsed,
        "convergence_warnings": n_conv, "scoring": plan.scoring, "task": dataset.task,
        "key": method.key,
    }
    note = f", {n_conv} convergence warning(s)" if n_conv else ""
    _progress(f"{counter} {method.name}: {row['best_params']}, CV {row['cv_mean']:.3f} ± "
              f"{row['cv_std']:.3f}, held-out {test_score:.3f} ({elapsed:.1f} s{note})", stream)
    for message in edge:
        _progress(f"    warning: {message}", stream)
    return row, best, curve


def _write_outputs(plan, rows, fitted, curves, skipped, figures, stream):
    """The StudyResult, and (with an output folder) results.csv, the figures, report.md."""
    from .report import format_table, write_report

    results = pd.DataFrame(rows)
    result = StudyResult(results=results, table=format_table(results), out=None,
                         models={k: v[1] for k, v in fitted.items()}, dataset=plan.dataset,
                         scoring=plan.scoring, scoring_reason=plan.reason,
                         protocol=plan.protocol, skipped=skipped,
                         class_weight=plan.settings.class_weight)
    out = plan.out
    if out is None:
        return result
    result.out = out
    results.to_csv(out / "results.csv", index=False)
    first = next(iter(fitted.values()))[1]
    n_features = first[:-1].transform(plan.X_train.iloc[:2]).shape[1]
    context = {"n_train": plan.settings.n_train, "n_features": int(n_features),
               "dataset": plan.dataset, "scoring": plan.scoring, "task": plan.dataset.task}
    if figures:
        from .figures import study_figures

        try:
            result.figures = study_figures(out, fitted, curves, results, plan.X_train,
                                           plan.y_train, plan.scoring)
        except ImportError as exc:
            _progress(f"figures skipped: {exc}", stream)
    paragraphs = [fitted[row["key"]][0].lecture(row, inner_model(fitted[row["key"]][1]), context)
                  for row in rows]
    write_report(out / "report.md", result, paragraphs, quick=plan.quick)
    _progress(f"wrote {out / 'results.csv'}, {out / 'report.md'} and {len(result.figures)} figures",
              stream)
    return result
