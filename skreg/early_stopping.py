"""Early stopping: the lecture's Algorithms 7.1, 7.2 and 7.3, once, for every learner.

An iterative learner takes part through a small :class:`Trainer` protocol (fresh
parameters, take n training steps, the loss J(θ; X, y), snapshot), and
:func:`run_early_stopping` runs one of the three meta-algorithms over it:

``'best'`` (Algorithm 7.1)
    From θ₀, train ``eval_every`` (the book's n) steps at a time on the subtrain set and
    evaluate the validation loss v'.  An evaluation *improves* when v' < v − ``min_delta``
    (v the best so far); then θ* ← θ, i* ← i and the patience counter j is reset,
    otherwise j ← j + 1.  Stop when j reaches ``patience`` (the book's p) and return θ*
    and i*.  θ₀ itself is not a candidate, so i* ≥ n, exactly as the algorithm is written.
``'retrain'`` (Algorithm 7.2)
    Find i* as above, re-initialise θ, and train on all data (subtrain + validation) for
    exactly i* steps.
``'continue'`` (Algorithm 7.3)
    Find θ* as above, set ε = J(θ*; subtrain), and from θ* train on all data n steps at a
    time while J(θ; validation) > ε.  The target may never be reached: the run stops when
    the total number of steps (search + continuation) would exceed ``max_iter`` and a
    :class:`~sklearn.exceptions.ConvergenceWarning` says so.
``None``
    No early stopping: exactly ``max_iter`` steps on all data.

``max_iter`` bounds the search: evaluations happen at steps n, 2n, … ≤ ``max_iter``; if
the patience is not exhausted by then, the best evaluation so far is returned with a
ConvergenceWarning (the validation loss was still improving).

A trainer whose trajectory has a closed form may also provide the optional method
``trajectory_losses(params, X, y, X_val, y_val, steps)``, returning the training and
validation losses of θ after each number of ``steps`` from ``params`` in one vectorized
call.  The driver then asks for whole blocks of evaluations at once and materializes
parameters (``train``) only where it needs them; the algorithm, and so the result, is the
same.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

__all__ = [
    "Trainer",
    "EarlyStoppingResult",
    "run_early_stopping",
    "split_validation",
    "history_frame",
    "stack_rows",
    "take_rows",
    "validation_split",
    "ValidationSplit",
    "STRATEGIES",
]

STRATEGIES = ("best", "retrain", "continue", None)

# Evaluations asked of a closed-form trainer at once: starts small (patience often ends
# the search early) and doubles up to the cap (bounded memory for long runs).
_FIRST_BLOCK, _MAX_BLOCK = 64, 4096


@runtime_checkable
class Trainer(Protocol):
    """What an iterative learner provides to :func:`run_early_stopping`.

    ``params`` is whatever the trainer uses (typically a list of arrays); the driver only
    passes it back, snapshots it with :meth:`copy`, and never looks inside.
    """

    def init_params(self):
        """Fresh θ₀ (and fresh optimizer state), deterministic for the trainer's seed.

        Returns
        -------
        params : object
        """

    def train(self, params, X, y, n_steps):
        """Run ``n_steps`` training steps on (X, y) from ``params``.

        Parameters
        ----------
        params : object
            The current θ (the trainer may update it in place).
        X, y : object
            The data of the phase (subtrain, or all data).
        n_steps : int
            How many steps to run (≥ 1).

        Returns
        -------
        params : object
            θ after the steps.
        """

    def loss(self, params, X, y) -> float:
        """J(θ; X, y): the validation error, and Algorithm 7.3's ε on the subtrain set.

        Parameters
        ----------
        params : object
        X, y : object

        Returns
        -------
        float
        """

    def copy(self, params):
        """An independent snapshot of ``params``.

        Parameters
        ----------
        params : object

        Returns
        -------
        object
        """


@dataclass
class EarlyStoppingResult:
    """What :func:`run_early_stopping` returns.

    Attributes
    ----------
    params : object
        The parameters of the final model (θ* for ``'best'``; the retrained or continued
        parameters for ``'retrain'`` / ``'continue'``; θ after ``max_iter`` steps for None).
    best_iter : int
        i*, the number of steps of the best validation loss found by Algorithm 7.1
        (``max_iter`` when ``strategy=None``).
    n_iter : int
        Total number of training steps run, over all phases.
    history : dict of str to ndarray
        One entry per evaluation (Keras' ``History.history`` shape, plain NumPy arrays so
        that a fitted model pickles and ``skops``-saves anywhere; :func:`history_frame`
        gives the DataFrame view): ``step`` (training steps behind the evaluated θ:
        in the ``'retrain'`` phase counted from the re-initialisation, in the
        ``'continue'`` phase from θ₀ through θ*), ``train_loss`` (J on the data trained
        in that phase), ``val_loss`` (J on the validation set; NaN without one) and
        ``phase`` (``'search'``, ``'retrain'``, ``'continue'`` or ``'train'``).
    converged : bool
        False when ``max_iter`` ended the search before the patience ran out, or ended
        Algorithm 7.3 before the validation loss reached ε.
    n_steps : int
        Training steps behind ``params`` (i* for ``'best'`` and ``'retrain'``, i* plus the
        continuation for ``'continue'``, ``max_iter`` for None).
    target_loss : float
        Algorithm 7.3's ε = J(θ*; subtrain) (NaN for the other strategies).
    """

    params: Any
    best_iter: int
    n_iter: int
    history: dict
    converged: bool
    n_steps: int = 0
    target_loss: float = float("nan")


def _check_int(name, value, low):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    return int(value)


class _Phase:
    """Train from ``start`` on (X, y), evaluating at the given (increasing) step counts.

    ``run(steps, callback)`` calls ``callback(step, train_loss, val_loss)`` after each
    evaluation; the callback returns ``(stop, keep)``: stop the phase here, and/or
    remember θ at this step (Algorithm 7.1's θ*).  ``params_at(step)`` then returns θ at
    the start, at the last evaluated step, or at a kept step.
    """

    def __init__(self, trainer, start, X, y, X_val, y_val):
        self.trainer, self.start = trainer, start
        self.X, self.y, self.X_val, self.y_val = X, y, X_val, y_val
        self.fast = callable(getattr(trainer, "trajectory_losses", None))
        self.kept = {}
        self.last_step, self.last_params = 0, start

    def run(self, steps, callback):
        steps = np.asarray(steps, dtype=np.int64)
        if self.fast:
            return self._run_closed_form(steps, callback)
        trainer, params, done = self.trainer, self.trainer.copy(self.start), 0
        for step in steps.tolist():
            params = trainer.train(params, self.X, self.y, step - done)
            done = step
            train_loss = float(trainer.loss(params, self.X, self.y))
            val_loss = (
                float(trainer.loss(params, self.X_val, self.y_val))
                if self.y_val is not None
                else np.nan
            )
            stop, keep = callback(step, train_loss, val_loss)
            if keep:
                self.kept[step] = trainer.copy(params)
            if stop:
                break
        self.last_step, self.last_params = done, params
        return done

    def _run_closed_form(self, steps, callback):
        done, block, pos = 0, _FIRST_BLOCK, 0
        while pos < steps.size:
            chunk = steps[pos : pos + block]
            pos += chunk.size
            block = min(2 * block, _MAX_BLOCK)
            train_losses, val_losses = self.trainer.trajectory_losses(
                self.start, self.X, self.y, self.X_val, self.y_val, chunk
            )
            for step, tl, vl in zip(
                chunk.tolist(),
                np.asarray(train_losses).tolist(),
                np.asarray(val_losses).tolist(),
                strict=False,
            ):
                done = step
                stop, _ = callback(step, tl, vl)
                if stop:
                    self.last_step = done
                    return done
        self.last_step = done
        return done

    def params_at(self, step):
        if step == 0:
            return self.trainer.copy(self.start)
        if step in self.kept:
            return self.kept[step]
        if not self.fast and step == self.last_step:
            return self.last_params
        if self.fast:  # closed form: jump straight there
            return self.trainer.train(self.trainer.copy(self.start), self.X, self.y, step)
        raise RuntimeError(f"parameters at step {step} were not kept")  # pragma: no cover


def _say(phase, step, train_loss, val_loss, start, mark=""):
    """The verbose line of one evaluation, with the time since the phase began."""
    print(
        f"[{phase}] step {step}: train {train_loss:.6g}, val {val_loss:.6g}{mark} "
        f"({time.perf_counter() - start:.2f} s)"
    )


class _Search:
    """Algorithm 7.1's bookkeeping: best loss v, θ*'s step i*, patience counter j."""

    def __init__(self, patience, min_delta, rows, verbose):
        self.patience, self.min_delta = patience, min_delta
        self.rows, self.verbose = rows, verbose
        self.start = time.perf_counter()
        self.best_loss, self.best_step, self.wait = np.inf, None, 0

    def __call__(self, step, train_loss, val_loss):
        self.rows.append((step, train_loss, val_loss, "search"))
        improved = val_loss < self.best_loss - self.min_delta  # NaN never improves
        if improved:
            self.best_loss, self.best_step, self.wait = val_loss, step, 0
        else:
            self.wait += 1
        if self.verbose:
            _say("search", step, train_loss, val_loss, self.start, " *" if improved else "")
        return self.wait >= self.patience, improved


def _record(rows, phase, verbose):
    start = time.perf_counter()

    def callback(step, train_loss, val_loss):
        rows.append((step, train_loss, val_loss, phase))
        if verbose:
            _say(phase, step, train_loss, val_loss, start)
        return False, False

    return callback


def _history(rows):
    """The evaluation rows as a dict of NumPy arrays (fixed-width strings for ``phase``)."""
    columns = list(zip(*rows, strict=False)) if rows else [(), (), (), ()]
    return {
        "step": np.asarray(columns[0], dtype=np.int64),
        "train_loss": np.asarray(columns[1], dtype=np.float64),
        "val_loss": np.asarray(columns[2], dtype=np.float64),
        "phase": np.asarray(columns[3], dtype=str) if rows else np.zeros(0, dtype="<U8"),
    }


def history_frame(history):
    """A training history (``history_`` of an early-stopped estimator) as a DataFrame.

    Parameters
    ----------
    history : dict of str to ndarray
        ``step``, ``train_loss``, ``val_loss`` and ``phase``, one entry per evaluation.

    Returns
    -------
    pandas.DataFrame
        One row per evaluation, the columns in that order (``phase`` as Python strings).

    Examples
    --------
    >>> import numpy as np
    >>> history = {"step": np.array([1, 2]), "train_loss": np.array([2.0, 1.0]),
    ...            "val_loss": np.array([2.5, 2.0]), "phase": np.array(["search", "search"])}
    >>> history_frame(history).shape
    (2, 4)
    """
    frame = pd.DataFrame({key: np.asarray(history[key]) for key in history})
    if "phase" in frame:
        frame["phase"] = frame["phase"].astype(object)
    return frame


def _evaluation_steps(first, stride, last):
    """first, first + stride, … ≤ last (empty when first > last)."""
    if first > last:
        return np.zeros(0, dtype=np.int64)
    return np.arange(first, last + 1, stride, dtype=np.int64)


def _check_driver_options(strategy, eval_every, patience, min_delta, max_iter):
    """The driver's options, checked: (eval_every, patience, max_iter) as ints."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}.")
    eval_every = _check_int("eval_every", eval_every, 1)
    patience = _check_int("patience", patience, 1)
    max_iter = _check_int("max_iter", max_iter, 1)
    if isinstance(min_delta, bool) or not isinstance(min_delta, Real) or not min_delta >= 0:
        raise ValueError(f"min_delta must be a float >= 0, got {min_delta!r}.")
    return eval_every, patience, max_iter


def _train_plainly(trainer, X_all, y_all, X_val, y_val, eval_every, max_iter, rows, verbose):
    """strategy=None: ``max_iter`` steps on all data, losses recorded every ``eval_every``."""
    phase = _Phase(trainer, trainer.init_params(), X_all, y_all, X_val, y_val)
    steps = _evaluation_steps(eval_every, eval_every, max_iter)
    if steps.size == 0 or steps[-1] != max_iter:
        steps = np.append(steps, max_iter)
    phase.run(steps, _record(rows, "train", verbose))
    params = phase.params_at(max_iter)
    return EarlyStoppingResult(params, max_iter, max_iter, _history(rows), True, max_iter)


def run_early_stopping(
    trainer,
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    strategy="best",
    eval_every=1,
    patience=10,
    min_delta=0.0,
    max_iter=1000,
    X_all=None,
    y_all=None,
    verbose=False,
):
    """Run Algorithm 7.1, 7.2 or 7.3 (or plain training) over a trainer.

    Parameters
    ----------
    trainer : Trainer
        Provides ``init_params``, ``train``, ``loss`` and ``copy`` (and optionally the
        vectorized ``trajectory_losses``, see the module docstring).
    X_train, y_train : object
        The subtrain set (what θ is trained on during the search), in whatever form
        the trainer takes.
    X_val, y_val : object or None
        The validation set (may be None only for ``strategy=None``).
    strategy : {'best', 'retrain', 'continue'} or None, default='best'
        Algorithm 7.1, 7.2 or 7.3; None trains ``max_iter`` steps on all data.
    eval_every : int, default=1
        n, the number of steps between evaluations (≥ 1).
    patience : int, default=10
        p, the number of successive evaluations without improvement that stop the search.
    min_delta : float, default=0.0
        An evaluation improves only when it is lower than the best by more than this.
    max_iter : int, default=1000
        Bound on the steps of the search (and, for ``'continue'``, on the total steps of
        search plus continuation); None runs exactly this many steps.  Must be at least
        ``eval_every`` (except for None).
    X_all, y_all : object or None, default=None
        All data for ``'retrain'``, ``'continue'`` and None (typically the subtrain and
        validation sets together).  When None, the concatenation of the subtrain and
        validation sets (for None: the subtrain set).
    verbose : bool, default=False
        Print one line per evaluation.

    Returns
    -------
    EarlyStoppingResult

    Notes
    -----
    Algorithm 7.1 as the lecture writes it::

        θ ← θ₀; i ← 0; j ← 0; v ← ∞; θ* ← θ; i* ← i
        while j < p:
            train θ for n steps; i ← i + n; v' ← ValidationSetError(θ)
            if v' < v: j ← 0; θ* ← θ; i* ← i; v ← v'
            else: j ← j + 1

    (here with "v' < v − min_delta" and the extra bound i ≤ ``max_iter``).

    Examples
    --------
    A one-parameter model θ trained by θ ← θ − 0.5(θ − 1) on the training target 1,
    validated against 0.8:

    >>> class Halfway:
    ...     def init_params(self): return 0.0
    ...     def train(self, params, X, y, n_steps):
    ...         for _ in range(n_steps):
    ...             params = params - 0.5 * (params - y)
    ...         return params
    ...     def loss(self, params, X, y): return 0.5 * (params - y) ** 2
    ...     def copy(self, params): return params
    >>> result = run_early_stopping(Halfway(), None, 1.0, None, 0.8, patience=2)
    >>> result.best_iter, result.params, result.n_iter
    (2, 0.75, 4)
    """
    checked = _check_driver_options(strategy, eval_every, patience, min_delta, max_iter)
    eval_every, patience, max_iter = checked
    rows = []

    if strategy is None:
        X_all, y_all = (X_train, y_train) if X_all is None else (X_all, y_all)
        return _train_plainly(trainer, X_all, y_all, X_val, y_val, eval_every, max_iter, rows,
                              verbose)

    if y_val is None:
        raise ValueError(f"strategy={strategy!r} needs a validation set (X_val, y_val).")
    if max_iter < eval_every:
        raise ValueError(
            f"max_iter={max_iter} < eval_every={eval_every}: "
            "Algorithm 7.1 needs at least one evaluation."
        )
    if strategy != "best" and X_all is None:
        X_all, y_all = stack_rows(X_train, X_val), stack_rows(y_train, y_val)

    # ---- Algorithm 7.1 on (subtrain, validation)
    search = _Search(patience, min_delta, rows, verbose)
    phase = _Phase(trainer, trainer.init_params(), X_train, y_train, X_val, y_val)
    n_iter = phase.run(_evaluation_steps(eval_every, eval_every, max_iter), search)
    if search.best_step is None:
        raise ValueError(
            "the validation loss was never finite: training diverged (lower the learning rate)."
        )
    best_iter = search.best_step
    converged = search.wait >= patience
    if not converged:
        warnings.warn(
            f"Early stopping reached max_iter={max_iter} steps while the validation loss was "
            f"still improving (patience={patience} not exhausted); returning the best "
            f"iterate, step {best_iter}. Increase max_iter.",
            ConvergenceWarning,
            stacklevel=2,
        )
    best_params = phase.params_at(best_iter)

    if strategy == "best":
        return EarlyStoppingResult(
            best_params, best_iter, n_iter, _history(rows), converged, best_iter
        )

    if strategy == "retrain":  # ---- Algorithm 7.2: re-initialise, i* steps on all data
        phase = _Phase(trainer, trainer.init_params(), X_all, y_all, X_val, y_val)
        phase.run(
            _evaluation_steps(eval_every, eval_every, best_iter), _record(rows, "retrain", verbose)
        )
        params = phase.params_at(best_iter)
        return EarlyStoppingResult(
            params, best_iter, n_iter + best_iter, _history(rows), converged, best_iter
        )

    # ---- Algorithm 7.3: from θ*, train on all data until J(valid) ≤ ε = J(subtrain)
    target = float(trainer.loss(best_params, X_train, y_train))
    if not search.best_loss > target:
        return EarlyStoppingResult(
            best_params, best_iter, n_iter, _history(rows), converged, best_iter, target
        )
    phase = _Phase(trainer, best_params, X_all, y_all, X_val, y_val)
    budget = max_iter - n_iter
    reached = []
    start = time.perf_counter()

    def until_target(step, train_loss, val_loss):
        rows.append((best_iter + step, train_loss, val_loss, "continue"))
        if verbose:
            _say("continue", best_iter + step, train_loss, val_loss, start)
        if val_loss <= target:
            reached.append(step)
            return True, False
        return False, False

    extra = phase.run(_evaluation_steps(eval_every, eval_every, budget), until_target)
    if not reached:
        last_val = rows[-1][2] if extra else search.best_loss
        warnings.warn(
            f"Algorithm 7.3 ('continue') stopped at max_iter={max_iter} total steps before the "
            f"validation loss ({last_val:.6g}) reached the subtrain loss ε={target:.6g}. "
            "Increase max_iter.",
            ConvergenceWarning,
            stacklevel=2,
        )
        converged = False
    params = phase.params_at(extra)
    return EarlyStoppingResult(
        params, best_iter, n_iter + extra, _history(rows), converged, best_iter + extra, target
    )


def stack_rows(a, b):
    """``a`` followed by ``b`` along the rows.

    Parameters
    ----------
    a, b : array-like, sparse matrix, pandas object, scalar or None
        Arrays, sparse matrices (CSR, nothing densified), pandas objects (a fresh index),
        or scalars for toy problems (``a`` is returned).

    Returns
    -------
    stacked : same kind as ``a`` (CSR when either is sparse), or None when ``a`` is None
    """
    if a is None:
        return None
    if sparse.issparse(a) or sparse.issparse(b):
        return sparse.vstack([a, b], format="csr")
    if isinstance(a, pd.DataFrame | pd.Series):
        return pd.concat([a, b], ignore_index=True)
    if np.ndim(a) == 0:
        return a
    return np.concatenate([np.asarray(a), np.asarray(b)], axis=0)


def take_rows(a, idx):
    """Rows ``idx`` of an array, sparse matrix or pandas object (None stays None).

    Parameters
    ----------
    a : array-like, sparse matrix, pandas object, scalar or None
    idx : ndarray of int
        Row positions.

    Returns
    -------
    rows : same kind as ``a`` (scalars and None unchanged)
    """
    if a is None or np.ndim(a) == 0 and not sparse.issparse(a):
        return a
    if isinstance(a, pd.DataFrame | pd.Series):
        return a.iloc[idx]
    if sparse.issparse(a):
        return a[idx]
    return np.asarray(a).take(idx, axis=0)


@dataclass(frozen=True)
class ValidationSplit:
    """The three sets early stopping sees, each as ``(X, y, sample_weight)``.

    ``train`` is descended on, ``val`` scored (Algorithm 7.1), ``all`` is what Algorithms
    7.2 and 7.3 retrain or continue on: the training data with an explicit validation set
    appended, or the data itself when the validation rows were held out of it.
    """

    train: tuple
    val: tuple
    all: tuple


def _weights_of_all(sample_weight, sample_weight_val, n, n_val, dtype):
    if sample_weight is None and sample_weight_val is None:
        return None

    def ones(m):
        return np.ones(m, dtype=dtype)

    return np.concatenate(
        [
            ones(n) if sample_weight is None else np.asarray(sample_weight),
            ones(n_val) if sample_weight_val is None else np.asarray(sample_weight_val),
        ]
    )


def validation_split(
    X,
    y,
    sample_weight=None,
    *,
    validation_fraction,
    random_state,
    stratify=False,
    X_val=None,
    y_val=None,
    sample_weight_val=None,
):
    """Subtrain / validation / all-data sets, with their sample weights, for early stopping.

    The one split every early-stopping estimator uses.  The row indices are split (as
    ``train_test_split`` splits the rows themselves: the same permutation), so a sparse X
    stays sparse, no copy of X is made beyond the two parts, and the weights follow their
    rows.

    Parameters
    ----------
    X, y : array-like, sparse matrix or pandas object
        The training data passed to ``fit``.
    sample_weight : ndarray of shape (n_samples,) or None, default=None
    validation_fraction : float
        Fraction of (X, y) held out for validation when ``X_val`` is None, in (0, 1).
        The held-out size is ⌈fraction·n⌉ (as ``train_test_split``).
    random_state : int, RandomState instance or None
        Seeds the split.
    stratify : bool, default=False
        Keep the class proportions of y in both parts (for classifiers).  Falls back to
        a plain shuffled split when some class has fewer than 2 members or either part
        would be smaller than the number of classes (stratification impossible).
    X_val, y_val : array-like or None, default=None
        Explicit validation data (as scikit-learn's HistGradientBoosting takes them).
        Then nothing is held out: the subtrain set is (X, y) and all data is (X, y)
        followed by (X_val, y_val).
    sample_weight_val : ndarray of shape (n_val,) or None, default=None
        Weights of the explicit validation rows (1 where only the others are weighted).

    Returns
    -------
    ValidationSplit
        ``train``, ``val`` and ``all``, each ``(X, y, sample_weight)``.  With a held-out
        split, ``all`` is ``(X, y, sample_weight)`` themselves.

    Raises
    ------
    ValueError
        If only one of ``X_val``, ``y_val`` is given, or the split would leave either
        part empty (e.g. n_samples=1).

    Examples
    --------
    >>> import numpy as np
    >>> X, y, w = np.arange(20.0).reshape(10, 2), np.arange(10.0), np.arange(1.0, 11.0)
    >>> split = validation_split(X, y, w, validation_fraction=0.2, random_state=0)
    >>> split.train[0].shape, split.val[0].shape, split.all[0] is X
    ((8, 2), (2, 2), True)
    >>> bool(np.all(split.val[2] == split.val[1] + 1))  # the weights follow their rows
    True
    """
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together.")
    if X_val is not None:
        if np.shape(X_val)[0] != np.shape(y_val)[0]:
            raise ValueError(
                "X_val and y_val have different numbers of samples: "
                f"{np.shape(X_val)[0]} != {np.shape(y_val)[0]}."
            )
        if np.shape(X_val)[0] == 0:
            raise ValueError("X_val is empty: at least one validation sample is required.")
        sw_all = _weights_of_all(
            sample_weight,
            sample_weight_val,
            np.shape(X)[0] if np.ndim(X) else 0,
            np.shape(X_val)[0],
            getattr(X, "dtype", np.float64),
        )
        return ValidationSplit(
            (X, y, sample_weight),
            (X_val, y_val, sample_weight_val),
            (stack_rows(X, X_val), stack_rows(y, y_val), sw_all),
        )
    if (
        isinstance(validation_fraction, bool)
        or not isinstance(validation_fraction, Real)
        or not (0.0 < validation_fraction < 1.0)
    ):
        raise ValueError(f"validation_fraction must be in (0, 1), got {validation_fraction!r}.")
    n_samples = np.shape(X)[0]
    n_val = int(np.ceil(validation_fraction * n_samples))
    if n_val < 1 or n_samples - n_val < 1:
        raise ValueError(
            f"Early stopping with validation_fraction={validation_fraction} needs at least "
            f"one training and one validation sample, got n_samples={n_samples}. Use more "
            "samples, pass X_val and y_val, or strategy=None."
        )
    strata = None
    if stratify:
        labels = np.asarray(y)
        # one class per distinct label (per distinct row for 2-D labels, as sklearn)
        classes, counts = np.unique(labels.reshape(labels.shape[0], -1), axis=0, return_counts=True)
        if counts.min() >= 2 and min(n_val, n_samples - n_val) >= classes.shape[0]:
            strata = y
    idx_tr, idx_va = train_test_split(
        np.arange(n_samples), test_size=n_val, random_state=random_state, stratify=strata
    )

    def part(idx):
        return tuple(take_rows(a, idx) for a in (X, y, sample_weight))

    return ValidationSplit(part(idx_tr), part(idx_va), (X, y, sample_weight))


def split_validation(
    X, y, *, validation_fraction, random_state, stratify=False, X_val=None, y_val=None
):
    """Subtrain / validation / all-data sets for early stopping (without weights).

    :func:`validation_split` without sample weights, as a tuple.

    Parameters
    ----------
    X, y : array-like
        The training data passed to ``fit``.
    validation_fraction : float
        Fraction of (X, y) held out for validation when ``X_val`` is None, in (0, 1).
    random_state : int, RandomState instance or None
        Seeds the split.
    stratify : bool, default=False
        Keep the class proportions of y in both parts (see :func:`validation_split`).
    X_val, y_val : array-like or None, default=None
        Explicit validation data, appended to (X, y) for the all-data set.

    Returns
    -------
    X_train, y_train, X_val, y_val, X_all, y_all
        With a split, ``X_all, y_all`` are X, y themselves (same order).

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(20.0).reshape(10, 2), np.arange(10.0)
    >>> X_tr, y_tr, X_va, y_va, X_all, y_all = split_validation(
    ...     X, y, validation_fraction=0.2, random_state=0)
    >>> X_tr.shape, X_va.shape, X_all is X
    ((8, 2), (2, 2), True)
    """
    split = validation_split(
        X,
        y,
        validation_fraction=validation_fraction,
        random_state=random_state,
        stratify=stratify,
        X_val=X_val,
        y_val=y_val,
    )
    return split.train[:2] + split.val[:2] + split.all[:2]
