"""The shared base of MLPRegressor and MLPClassifier: validation, fit, partial_fit.

The estimators differ only in their targets (identity + squared error, softmax +
cross-entropy); everything else (the trainer, the early-stopping driver, the history)
is here, once.
"""

from __future__ import annotations

import contextlib
import copy
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._config import memory_budget
from .._utils._atomic import atomic_fit
from .._utils._threads import blas_threads
from ..early_stopping import history_frame, run_early_stopping, validation_split
from ..penalties import layer_penalties
from ._core import ACTIVATIONS, MLPCore
from ._trainer import (
    _SMALL_PRODUCT,
    _copy_optimizer,
    _dropout_rates,
    _MLPTrainer,
    _normalized_weights,
    _Targets,
)

# Input noise on sparse X densifies each batch; allowed while one dense batch stays below
# this many bytes (256 MiB), a ValueError beyond it.
_SPARSE_NOISE_FRACTION = 0.25  # of the memory budget: 256 MiB by default


class _BaseMLP(BaseEstimator):
    """Shared parameters, fit and forward pass of MLPRegressor and MLPClassifier."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "solver": [StrOptions({"gd", "sgd", "adam", "lbfgs"})],
        "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
        "penalty": [StrOptions({"l2", "l1"})],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left"), None],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_noise": [Interval(Real, 0, None, closed="left")],
        "input_noise": [Interval(Real, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "early_stopping": ["boolean", StrOptions({"best", "retrain", "continue"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "eval_every": [Interval(Integral, 1, None, closed="left")],
        "min_delta": [Interval(Real, 0, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    _output = "identity"

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        penalty="l2",
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        shuffle=True,
        tol=1e-4,
        n_iter_no_change=10,
        max_fun=15000,
        momentum=0.9,
        weight_noise=0.0,
        input_noise=0.0,
        dropout=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=None,
        eval_every=1,
        min_delta=None,
        random_state=None,
        verbose=False,
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.penalty = penalty
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.momentum = momentum
        self.weight_noise = weight_noise
        self.input_noise = input_noise
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.eval_every = eval_every
        self.min_delta = min_delta
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # --- subclass hooks -----------------------------------------------------------------
    def _validate_targets(self, X, y, reset):
        """(X, y_encoded, n_outputs): validated data, targets as the trainer takes them."""
        raise NotImplementedError

    def _target_matrix(self, y, train, dtype):
        """Targets (n, n_outputs) of ``dtype`` from y as the trainer stores it (training
        targets when ``train``, else the plain ones that the validation loss uses)."""
        raise NotImplementedError

    def _sample_weight(self, sample_weight, X, y_enc, incremental=False):
        """Effective sample weights (the classifier multiplies its class weights in)."""
        return _normalized_weights(sample_weight, X, X.dtype)

    def _score_output(self, F, y_enc, sample_weight):
        """scikit-learn's score (R² or accuracy) from the network output F."""
        raise NotImplementedError

    # --- checks -------------------------------------------------------------------------
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
        if any(
            isinstance(s, (bool, np.bool_)) or not isinstance(s, Integral) or s < 1 for s in sizes
        ):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {self.hidden_layer_sizes!r}."
            )
        return [int(s) for s in sizes]

    def _strategy(self):
        if self.early_stopping is False or self.early_stopping is None:
            return None
        if self.early_stopping is True or isinstance(self.early_stopping, (np.bool_,)):
            return "best" if bool(self.early_stopping) else None
        return self.early_stopping

    def _check_solver_options(self, dropout):
        if self.solver != "lbfgs":
            return
        if self.penalty == "l1":
            raise ValueError(
                "penalty='l1' is not supported by solver='lbfgs' (L-BFGS needs a smooth "
                "objective); use solver='gd', 'sgd' or 'adam' for L1."
            )
        noisy = [
            name
            for name, on in (
                ("weight_noise", self.weight_noise),
                ("input_noise", self.input_noise),
                ("dropout", any(p > 0 for p in dropout)),
            )
            if on
        ]
        if noisy:
            raise ValueError(
                f"{' and '.join(noisy)} need a stochastic solver: solver='lbfgs' needs a "
                "deterministic objective (its line search compares function values). Use "
                "solver='gd', 'sgd' or 'adam'."
            )

    def _check_sparse_noise(self, X, batch_size):
        if not (sp.issparse(X) and self.input_noise):
            return
        rows = (
            X.shape[0] if self.solver == "gd" or batch_size is None else min(batch_size, X.shape[0])
        )
        nbytes = rows * X.shape[1] * X.dtype.itemsize
        limit = memory_budget(_SPARSE_NOISE_FRACTION)
        if nbytes > limit:
            raise ValueError(
                f"input_noise on sparse X makes every batch dense: {rows} rows × "
                f"{X.shape[1]} features = {nbytes / 2**20:.0f} MiB per batch, above the "
                f"{limit // 2**20} MiB limit (a quarter of skreg.get_config()['memory_budget']). "
                "Use dropout (which keeps X "
                "sparse), a smaller batch_size, or fewer features."
            )

    def _stopping_rule(self, max_iter):
        """(patience, min_delta) of the early-stopping driver.

        ``patience`` and ``min_delta`` win when set; when None they come from
        scikit-learn's ``n_iter_no_change`` and ``tol``: stopping after more than
        ``n_iter_no_change`` evaluations without an improvement of ``tol`` is patience
        ``n_iter_no_change + 1`` (np.inf: never, until ``max_iter``).
        """
        if self.patience is not None:
            patience = int(self.patience)
        elif self.n_iter_no_change == np.inf:
            patience = max_iter // self.eval_every + 1
        else:
            patience = int(self.n_iter_no_change) + 1
        min_delta = float(self.tol) if self.min_delta is None else float(self.min_delta)
        return patience, min_delta

    def _batch_size(self):
        if self.batch_size is None:
            return None
        return 200 if self.batch_size == "auto" else int(self.batch_size)

    def _make_trainer(self, core, theta0, rng, dtype, dropout):
        penalties = layer_penalties(self.alpha, core.n_layers, self.penalty)

        def targets(y, train):
            return self._target_matrix(y, train, dtype)

        return _MLPTrainer(
            core,
            penalties,
            theta0,
            rng,
            targets,
            solver=self.solver,
            learning_rate=float(self.learning_rate_init),
            momentum=float(self.momentum),
            batch_size=self._batch_size(),
            weight_noise=float(self.weight_noise),
            input_noise=float(self.input_noise),
            verbose=self.verbose,
            dropout=dropout,
            shuffle=bool(self.shuffle),
            max_fun=int(self.max_fun),
            tol=float(self.tol),
            score=self._score_output,
        )

    def _threads(self, core, X):
        """One BLAS thread when the largest product of a step is small (see _SMALL_PRODUCT)."""
        rows = (
            X.shape[0]
            if self.solver in ("gd", "lbfgs")
            else min(self._batch_size() or X.shape[0], X.shape[0])
        )
        units = core.layer_units
        work = rows * max(a * b for a, b in zip(units[:-1], units[1:], strict=False))
        if work < _SMALL_PRODUCT:
            return blas_threads(1)
        return contextlib.nullcontext()

    # --- fit ----------------------------------------------------------------------------
    @atomic_fit  # a failed fit leaves the estimator as it was
    def _fit(self, X, y, sample_weight=None, X_val=None, y_val=None, sample_weight_val=None):
        hidden = self._hidden_sizes()
        strategy = self._strategy()
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        if X_val is not None and strategy is None:
            raise ValueError(
                "X_val and y_val are only used for early stopping; set early_stopping to "
                "'best', 'retrain' or 'continue' (or True), or do not pass them."
            )
        if sample_weight_val is not None and X_val is None:
            raise ValueError("sample_weight_val needs X_val and y_val.")
        dropout = _dropout_rates(self.dropout, len(hidden) + 1)
        self._check_solver_options(dropout)
        X, y_enc, n_outputs = self._validate_targets(X, y, reset=True)
        sw = self._sample_weight(sample_weight, X, y_enc)
        if X_val is not None:
            X_val, y_val_enc, _ = self._validate_targets(X_val, y_val, reset=False)
            sw_val = self._sample_weight(sample_weight_val, X_val, y_val_enc)
        self._check_sparse_noise(X, self._batch_size())
        dtype = X.dtype
        core = MLPCore([X.shape[1], *hidden, n_outputs], self.activation, self._output, dtype)
        rng = check_random_state(self.random_state)
        theta0 = self._initial_params(core, rng)
        previous = self._warm_record()
        trainer = self._make_trainer(core, theta0, rng, dtype, dropout)
        self.best_loss_ = self.validation_scores_ = self.best_validation_score_ = None
        with np.errstate(over="ignore", invalid="ignore", under="ignore"), self._threads(core, X):
            if strategy is None:
                theta, history = self._fit_plain(trainer, X, _Targets(y_enc, sw))
                self.best_iter_ = self.n_iter_
                self.best_loss_ = float(np.min(trainer.loss_curve)) if trainer.loss_curve else None
            else:
                sets = self._validation_sets(
                    X,
                    y_enc,
                    sw,
                    rng,
                    X_val,
                    y_val_enc if X_val is not None else None,
                    sw_val if X_val is not None else None,
                )
                X_tr, d_tr, X_v, d_v, X_all, d_all = sets
                patience, min_delta = self._stopping_rule(self.max_iter)
                result = run_early_stopping(
                    trainer,
                    X_tr,
                    d_tr,
                    X_v,
                    d_v,
                    strategy=strategy,
                    eval_every=self.eval_every,
                    patience=patience,
                    min_delta=min_delta,
                    max_iter=self.max_iter,
                    X_all=X_all,
                    y_all=d_all,
                    verbose=bool(self.verbose),
                )
                theta, history = result.params, result.history
                self.best_iter_ = int(result.best_iter)
                self.n_iter_ = int(result.n_iter)
                self.validation_scores_ = list(trainer.val_scores)
                self.best_validation_score_ = (
                    max(self.validation_scores_) if self.validation_scores_ else None
                )
        self._set_fitted(core, theta, trainer, history, len(hidden), n_outputs)
        self.t_ = X.shape[0] * self.n_iter_
        if previous is not None:
            self._continue_record(previous, strategy is None)
        # what partial_fit continues from (optimizer state, random streams)
        self._optimizer = trainer.optimizer if strategy is None else None
        self._rng, self._noise_rng = rng, trainer.noise_rng
        return self

    def _set_fitted(self, core, theta, trainer, history, n_hidden, n_outputs):
        coefs, intercepts = core.unpack(np.asarray(theta, dtype=core.dtype))
        self.coefs_ = [W.copy() for W in coefs]
        self.intercepts_ = [b.copy() for b in intercepts]
        self.loss_curve_ = list(trainer.loss_curve)
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else np.nan
        self.history_ = history
        self.n_layers_ = n_hidden + 2
        self.n_outputs_ = n_outputs
        self.out_activation_ = self._output

    def _validation_sets(self, X, y_enc, sw, rng, X_val, y_val_enc, sw_val):
        """(X_train, data_train, X_val, data_val, X_all, data_all) for the driver."""
        split = validation_split(
            X,
            y_enc,
            sw,
            validation_fraction=self.validation_fraction,
            random_state=rng,
            stratify=self._output == "softmax",
            X_val=X_val,
            y_val=y_val_enc,
            sample_weight_val=sw_val,
        )
        if X_val is None and split.val[0].shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size "
                "of your dataset (or pass X_val and y_val)."
            )
        (X_tr, y_tr, w_tr), (X_va, y_va, w_va), (X_all, y_all, w_all) = (
            split.train,
            split.val,
            split.all,
        )
        return (
            X_tr,
            _Targets(y_tr, w_tr),
            X_va,
            _Targets(y_va, w_va, validation=True),
            X_all,
            _Targets(y_all, w_all),
        )

    def _warm_record(self):
        """What a warm-started fit continues (as scikit-learn: the loss curve, the history,
        the epoch and sample counters), or None for a fresh fit."""
        if not (self.warm_start and hasattr(self, "coefs_")):
            return None
        return list(self.loss_curve_), self.history_, int(self.n_iter_), int(getattr(self, "t_", 0))

    def _continue_record(self, previous, plain):
        """Append this fit's record to the warm start's (steps and epochs counted on)."""
        curve, history, n_iter, t = previous
        self.loss_curve_ = curve + self.loss_curve_
        offset = int(history["step"][-1]) if len(history["step"]) else 0
        new = self.history_
        shifted = {**new, "step": np.asarray(new["step"]) + offset}
        self.history_ = {
            key: np.concatenate([np.asarray(history[key]), np.asarray(shifted[key])]) for key in new
        }
        self.n_iter_ += n_iter
        self.t_ += t
        if plain:  # the returned weights are those of the last epoch
            self.best_iter_ = self.n_iter_
            self.best_loss_ = float(np.min(self.loss_curve_)) if self.loss_curve_ else None

    def _initial_params(self, core, rng):
        if self.warm_start and hasattr(self, "coefs_"):
            shapes = [W.shape for W in self.coefs_]
            if shapes == [tuple(s) for s in core.coef_shapes]:
                return core.pack(self.coefs_, self.intercepts_)
            raise ValueError(
                f"warm_start needs the same architecture: fitted weights have shapes "
                f"{shapes}, this fit needs {core.coef_shapes}."
            )
        return core.init_params(rng)

    def _fit_plain(self, trainer, X, data):
        """No early stopping: stop when the epoch loss improves by less than ``tol`` for
        more than ``n_iter_no_change`` epochs in a row (scikit-learn's rule), else at
        ``max_iter`` with a ConvergenceWarning.  'lbfgs': scipy's L-BFGS-B with
        ``maxiter=max_iter``, ``maxfun=max_fun`` and ``gtol=tol``, as scikit-learn."""
        theta = trainer.init_params()
        Y = trainer.targets(data.y, train=True)
        if self.solver == "lbfgs":
            theta = trainer.lbfgs(theta, X, Y, data.sample_weight, self.max_iter)
            result = trainer.lbfgs_result
            n_iter = int(result.nit)
            if result.status != 0:
                msg = (
                    result.message.decode() if isinstance(result.message, bytes) else result.message
                )
                warnings.warn(
                    f"{type(self).__name__}: lbfgs failed to converge after {n_iter} "
                    f"iterations ({msg}). Increase max_iter or max_fun, or scale the data.",
                    ConvergenceWarning,
                    stacklevel=2,
                )
        else:
            best, count, converged = np.inf, 0, False
            n_iter = 0
            for n_iter in range(1, self.max_iter + 1):
                loss = trainer.epoch(theta, X, Y, data.sample_weight)
                if self.verbose:
                    print(f"Iteration {n_iter}, loss = {loss:.8f}")
                count = count + 1 if loss > best - self.tol else 0
                best = min(best, loss)
                if count > self.n_iter_no_change:
                    converged = True
                    if self.verbose:
                        print(
                            f"Training loss did not improve more than tol={self.tol} for "
                            f"{self.n_iter_no_change} consecutive epochs. Stopping."
                        )
                    break
            if not converged:
                warnings.warn(
                    f"{type(self).__name__}: maximum iterations ({self.max_iter}) reached and "
                    "the optimization hasn't converged yet.",
                    ConvergenceWarning,
                    stacklevel=2,
                )
            self._no_improvement_count = count  # scikit-learn's counter, same meaning
        self.n_iter_ = n_iter
        return theta, self._plain_history(trainer.loss_curve)

    @property
    def history_(self):
        """dict of str to ndarray: the training record (see the class's Attributes)."""
        history = self.__dict__.get("_history")
        if history is None:
            if "loss_curve_" not in self.__dict__:
                raise AttributeError(
                    f"{type(self).__name__} has no attribute 'history_' before fit."
                )
            # after partial_fit: built from loss_curve_ on first access (a DataFrame per
            # call would cost a good part of a small epoch)
            history = self._history = self._plain_history(self.loss_curve_)
        return history

    @history_.setter
    def history_(self, value):
        self._history = value

    @staticmethod
    def _plain_history(loss_curve):
        n = len(loss_curve)
        return {
            "step": np.arange(1, n + 1, dtype=np.int64),
            "train_loss": np.asarray(loss_curve, dtype=np.float64),
            "val_loss": np.full(n, np.nan),
            "phase": np.full(n, "train", dtype="<U8"),
        }

    def history_frame(self):
        """``history_`` as a pandas DataFrame, one row per evaluation.

        Returns
        -------
        pandas.DataFrame
            Columns ``step``, ``train_loss``, ``val_loss``, ``phase``.
        """
        return history_frame(self.history_)

    # --- partial_fit --------------------------------------------------------------------
    def _check_partial_fit(self):
        if self.solver == "lbfgs":
            raise AttributeError(
                "partial_fit is only available for the iterative solvers 'gd', 'sgd' and "
                f"'adam', not solver={self.solver!r}."
            )
        return True

    @atomic_fit
    def _partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch on (X, y), from the current weights and optimizer state."""
        if self._strategy() is not None:
            raise ValueError(
                "partial_fit does not support early_stopping=True (nor 'retrain' or "
                "'continue'): there is no held-out set in a stream. Use fit."
            )
        first = not hasattr(self, "coefs_")
        hidden = self._hidden_sizes()
        dropout = _dropout_rates(self.dropout, len(hidden) + 1)
        X, y_enc, n_outputs = self._validate_targets(
            X, y, reset=first, classes=classes, incremental=True
        )
        sw = self._sample_weight(sample_weight, X, y_enc, incremental=True)
        self._check_sparse_noise(X, self._batch_size())
        if first:
            dtype = X.dtype
            core = MLPCore([X.shape[1], *hidden, n_outputs], self.activation, self._output, dtype)
            rng = check_random_state(self.random_state)
            theta = core.init_params(rng)
            optimizer, noise_rng, curve, n_iter = None, None, [], 0
        else:
            dtype = self.coefs_[0].dtype
            units = [W.shape[0] for W in self.coefs_] + [self.coefs_[-1].shape[1]]
            if units != [X.shape[1], *hidden, n_outputs]:
                raise ValueError(
                    f"partial_fit needs the fitted architecture {units}; the parameters now "
                    f"give {[X.shape[1], *hidden, n_outputs]}."
                )
            core = MLPCore(units, self.activation, self._output, dtype)
            theta = core.pack(self.coefs_, self.intercepts_)
            # copies (the stored RandomState: its state restored by atomic_fit), so that a
            # failed or interrupted call leaves the stored state as it was
            rng = getattr(self, "_rng", None) or check_random_state(self.random_state)
            optimizer = _copy_optimizer(getattr(self, "_optimizer", None))
            noise_rng = copy.deepcopy(getattr(self, "_noise_rng", None))
            curve, n_iter = list(self.loss_curve_), int(self.n_iter_)
            if sp.issparse(X):
                X = X.astype(dtype)
            else:
                X = np.asarray(X, dtype=dtype)
        trainer = self._make_trainer(core, theta, rng, dtype, dropout)
        fresh = trainer.new_optimizer()
        # the stored state continues only with the same optimizer (solver changed: restart)
        trainer.optimizer = optimizer if type(optimizer) is type(fresh) else fresh
        trainer.noise_rng = noise_rng
        trainer.loss_curve = curve
        Y = trainer.targets(y_enc, train=True)
        # atomic_fit restores the stored stream (self._rng) if anything below fails
        with np.errstate(over="ignore", invalid="ignore", under="ignore"), self._threads(core, X):
            loss = trainer.epoch(theta, X, Y, sw)
        if self.verbose:
            print(f"Iteration {n_iter + 1}, loss = {loss:.8f}")
        self.n_iter_ = self.best_iter_ = n_iter + 1
        self._set_fitted(core, theta, trainer, None, len(hidden), n_outputs)  # history_: lazy
        self.t_ = getattr(self, "t_", 0) + X.shape[0] if not first else X.shape[0]
        self.best_loss_ = float(min(trainer.loss_curve))
        self.validation_scores_ = self.best_validation_score_ = None
        self._optimizer, self._rng, self._noise_rng = trainer.optimizer, rng, trainer.noise_rng
        return self

    # --- forward pass -------------------------------------------------------------------
    def _network_output(self, X):
        """Network output on validated X: F(X), or softmax probabilities."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False
        )
        dtype = self.coefs_[0].dtype
        units = [W.shape[0] for W in self.coefs_] + [self.coefs_[-1].shape[1]]
        core = MLPCore(units, self.activation, self.out_activation_, dtype)
        theta = core.pack(self.coefs_, self.intercepts_)
        with np.errstate(over="ignore", under="ignore"):
            return core.predict(theta, X.astype(dtype, copy=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
