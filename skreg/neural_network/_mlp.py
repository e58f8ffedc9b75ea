"""MLPRegressor and MLPClassifier: thin estimators over one core, one trainer, one driver.

The pieces, each from its own module (the lecture's R̃ = R + αΩ in code):

* the risk R and its gradient: :class:`~skreg.neural_network._core.MLPCore` (squared
  error with an identity output, or cross-entropy with a softmax output);
* the penalty αΩ, one per weight matrix, biases excluded: :func:`skreg.penalties.layer_penalties`;
* the steps: :mod:`skreg.optim` (GD, SGD with momentum, Adam) over seeded minibatches,
  or scipy's L-BFGS-B on the flat parameter vector;
* the noise: :mod:`skreg.noise` (weights, inputs, labels);
* when to stop: :func:`skreg.early_stopping.run_early_stopping` (Algorithms 7.1–7.3),
  which drives the :class:`_MLPTrainer` below through the trainer protocol
  (``init_params`` / ``train`` / ``loss`` / ``copy``).
"""

from __future__ import annotations

import contextlib
import copy
import math
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._atomic import atomic_fit
from .._checks import check_sample_weight
from .._threads import _blas_threads
from ..early_stopping import run_early_stopping, split_validation
from ..noise import add_input_noise, perturb_weights, smooth_labels
from ..optim import GD, SGD, Adam, iter_minibatches
from ..penalties import layer_penalties
from ._core import ACTIVATIONS, MLPCore

__all__ = ["MLPRegressor", "MLPClassifier"]


# Input noise on sparse X densifies each batch; allowed while one dense batch stays below
# this many bytes (256 MiB), a ValueError beyond it.
_SPARSE_NOISE_BUDGET = 2**28
# BLAS threads are limited to one when the largest product of a step has fewer
# multiply-adds than this (about 10⁸, e.g. 5000 × 64 × 64 = 2·10⁷ is below): threaded BLAS
# pays off only on larger products, and on a busy machine its threads wait for cores held
# by other processes (measured on 2 busy cores: (5000×64)·(64×64) 8.5 ms on one thread,
# 78 ms on two).
_SMALL_PRODUCT = 2**27


class _Data:
    """Targets and sample weights travelling together through the early-stopping driver.

    The driver only passes ``y`` back to the trainer, so a pair (encoded targets, sample
    weights) rides along as one object; ``validation`` marks the set whose scores are
    recorded (scikit-learn's ``validation_scores_``).
    """

    __slots__ = ("y", "sample_weight", "validation")

    def __init__(self, y, sample_weight=None, validation=False):
        self.y, self.sample_weight, self.validation = y, sample_weight, validation

    def __len__(self):
        return len(self.y)


def _take_rows(X, idx):
    return X[idx] if sp.issparse(X) else X.take(idx, axis=0)


def _stack_rows(a, b):
    if sp.issparse(a):
        return sp.vstack([a, b], format=a.format)
    return np.concatenate([a, b], axis=0)


class _MLPTrainer:
    """One fit's training loop, in the shape :mod:`skreg.early_stopping` drives.

    Parameters are the flat vector θ of :class:`MLPCore`; one *step* is one epoch (a
    pass over the training data in minibatches) for 'gd', 'sgd' and 'adam', and one
    L-BFGS iteration for 'lbfgs', so ``max_iter``, ``eval_every`` and ``best_iter_``
    count what scikit-learn's MLP counts in ``max_iter``.

    Each minibatch step is

        θ̃ = θ + δφ, φ ~ N(0, I)        (``weight_noise`` δ; θ̃ = θ when δ = 0)
        X̃_B = X_B + Z, Z ~ N(0, σ²I)    (``input_noise`` σ; X̃_B = X_B when σ = 0)
        θ ← optimizer(θ, ∇J_B(θ̃; X̃_B, Y_B))  (with fresh dropout masks inside J_B)

    so the gradient is the one of the lecture's noisy risk E_φ R(θ + δφ), sampled once
    per step, and the update is applied to the noise-free θ.
    """

    def __init__(self, core, penalties, theta0, random_state, targets, *, solver,
                 learning_rate, momentum, batch_size, weight_noise, input_noise, verbose,
                 dropout=None, shuffle=True, max_fun=15000, tol=0.0, score=None):
        self.core = core
        self.penalties = [p for p in penalties]
        self.theta0 = theta0
        self.random_state = random_state
        self.targets = targets
        self.solver = solver
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.weight_noise = weight_noise
        self.input_noise = input_noise
        self.dropout = dropout if dropout is not None and any(p > 0 for p in dropout) else None
        self.shuffle = shuffle
        self.max_fun = max_fun
        self.n_fun = 0
        self.tol = tol
        self.score = score
        self.val_scores = []
        self.noise_rng = None  # created at the first noisy epoch (see epoch)
        self.verbose = verbose
        self.grad = np.empty(core.n_params, dtype=core.dtype)
        self.loss_curve = []
        self.optimizer = None
        self.lbfgs_result = None

    # --- the trainer protocol -------------------------------------------------------
    def init_params(self):
        """θ₀ (the same every call: seeded init or the warm-start weights), fresh optimizer
        (and, for 'lbfgs', a fresh ``max_fun`` budget: 'retrain' starts over)."""
        self.optimizer = self.new_optimizer()
        self.n_fun = 0
        return self.theta0.copy()

    def new_optimizer(self):
        if self.solver == "adam":
            return Adam(self.learning_rate)
        if self.solver == "sgd":
            return SGD(self.learning_rate, momentum=self.momentum)
        if self.solver == "gd":
            return GD(self.learning_rate)
        return None

    def train(self, params, X, data, n_steps):
        """``n_steps`` epochs (L-BFGS iterations) on (X, y) from ``params``; a new θ."""
        theta = np.array(params, dtype=self.core.dtype, copy=True)
        Y = self.targets(data.y, train=True)
        if self.solver == "lbfgs":
            return self.lbfgs(theta, X, Y, data.sample_weight, int(n_steps))
        for _ in range(int(n_steps)):
            self.epoch(theta, X, Y, data.sample_weight)
        return theta

    def loss(self, params, X, data):
        """Mean data loss without penalty or noise (weighted by the sample weights): the
        validation error of 7.1–7.3; on the validation set the score is recorded too."""
        Y = self.targets(data.y, train=False)
        if data.validation and self.score is not None:
            loss, F = self.core.data_loss(params, X, Y, data.sample_weight, return_output=True)
            self.val_scores.append(float(self.score(F, data.y, data.sample_weight)))
            return loss
        return self.core.data_loss(params, X, Y, data.sample_weight)

    def copy(self, params):
        """An independent snapshot of θ."""
        return np.array(params, copy=True)

    # --- one epoch --------------------------------------------------------------------
    def _batches(self, n, batch_size):
        if batch_size >= n:
            return (None,)
        if self.shuffle:
            return iter_minibatches(n, batch_size, self.random_state)
        return (np.arange(start, min(start + batch_size, n)) for start in range(0, n, batch_size))

    def epoch(self, theta, X, Y, sample_weight=None):
        """One pass over (X, Y), updating θ in place; appends and returns the mean loss."""
        n = X.shape[0]
        core, grad, rng = self.core, self.grad, self.random_state
        dropout = self.dropout
        if (self.weight_noise or self.input_noise or dropout) and self.noise_rng is None:
            # one Generator per fit, seeded from random_state: Gaussian draws for the noise
            # cost about a third of RandomState's (they are drawn every batch)
            self.noise_rng = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
        noise_rng = self.noise_rng
        penalties = self.penalties
        update = self.optimizer.update
        params, grads = [theta], [grad]
        weight_noise, input_noise = self.weight_noise, self.input_noise
        batch_size = n if self.solver == "gd" else min(self.batch_size or n, n)
        total = 0.0
        for idx in self._batches(n, batch_size):
            if idx is None:
                Xb, Yb, swb = X, Y, sample_weight
            else:
                Xb, Yb = _take_rows(X, idx), Y.take(idx, axis=0)
                swb = None if sample_weight is None else sample_weight.take(idx)
            if swb is not None and not swb.any():
                continue  # a batch of zero weight: no objective, no step
            if input_noise:
                Xd = Xb.toarray() if sp.issparse(Xb) else Xb
                Xb = add_input_noise(Xd, input_noise, noise_rng).astype(core.dtype, copy=False)
            point = theta
            if weight_noise:
                point = perturb_weights(theta, weight_noise, noise_rng).astype(core.dtype, copy=False)
            if dropout is None and swb is None:
                loss = core.loss_grad(point, Xb, Yb, grad, penalties)
            else:
                loss = core.loss_grad(point, Xb, Yb, grad, penalties, swb, dropout, noise_rng)
            if not math.isfinite(loss):
                raise ValueError(
                    "Solver produced non-finite parameter weights. The input data may "
                    "contain large values and need to be preprocessed. (Training diverged: "
                    f"the loss became {loss} at epoch {len(self.loss_curve) + 1}; lower "
                    f"learning_rate_init, now {self.learning_rate}, or scale the inputs.)"
                )
            update(params, grads)
            total += loss * (Xb.shape[0] if swb is None else float(swb.sum()))
        loss = total / (n if sample_weight is None else float(sample_weight.sum()))
        self.loss_curve.append(loss)
        return loss

    # --- L-BFGS -----------------------------------------------------------------------
    def lbfgs(self, theta, X, Y, sample_weight, max_iter):
        """Up to ``max_iter`` L-BFGS-B iterations of the full-batch J(θ) from θ (scipy).

        The function evaluations of all calls share the budget ``max_fun``; each call
        starts a fresh curvature memory (with early stopping, one call per evaluation).
        """
        core, grad, penalties = self.core, self.grad, self.penalties
        dtype = core.dtype
        budget = self.max_fun - self.n_fun
        if budget < 1 or max_iter < 1:
            return theta

        def fun(t):
            self.n_fun += 1
            loss = core.loss_grad(t.astype(dtype, copy=False), X, Y, grad, penalties, sample_weight)
            return loss, grad.astype(np.float64)

        def callback(intermediate_result):
            self.loss_curve.append(float(intermediate_result.fun))
            if self.verbose:
                print(f"Iteration {len(self.loss_curve)}, loss = {intermediate_result.fun:.8f}")

        result = minimize(
            fun, theta.astype(np.float64), method="L-BFGS-B", jac=True, callback=callback,
            options={"maxfun": budget, "maxiter": max_iter, "gtol": self.tol},
        )
        if not np.all(np.isfinite(result.x)) or not math.isfinite(result.fun):
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may contain "
                "large values and need to be preprocessed."
            )
        self.lbfgs_result = result
        return result.x.astype(dtype)


def _copy_optimizer(optimizer):
    """A copy of an optimizer from skreg.optim whose state arrays are copies too."""
    if optimizer is None:
        return None
    new = copy.copy(optimizer)
    for name in ("velocities", "ms", "vs"):
        state = getattr(new, name, None)
        if state is not None:
            setattr(new, name, [a.copy() for a in state])
    return new


def _dropout_rates(dropout, n_layers):
    """One rate per weight matrix's input: a float drops the hidden units only."""
    if isinstance(dropout, Real) and not isinstance(dropout, bool):
        rates = [0.0] + [float(dropout)] * (n_layers - 1)
    else:
        rates = np.asarray(dropout, dtype=np.float64).reshape(-1).tolist()
        if len(rates) != n_layers:
            raise ValueError(
                f"dropout as a list needs one rate per weight matrix's input ({n_layers}: "
                f"the input features, then each hidden layer), got length {len(rates)}."
            )
    if not all(0.0 <= p < 1.0 for p in rates):
        raise ValueError(f"dropout rates must be in [0, 1), got {dropout!r}.")
    return rates


def _normalized_weights(sample_weight, X, dtype):
    """Validated sample weights, or None when they are all equal (J_B is invariant to a
    common factor, so equal weights are exactly the unweighted fit)."""
    if sample_weight is None:
        return None
    sw = check_sample_weight(sample_weight, X, dtype=dtype)
    if sw.size and not sw.any():
        raise ValueError("sample_weight sums to zero: at least one weight must be positive.")
    if sw.size == 0 or np.all(sw == sw[0]):
        return None
    return sw


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
        if any(isinstance(s, (bool, np.bool_)) or not isinstance(s, Integral) or s < 1 for s in sizes):
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
        noisy = [name for name, on in (("weight_noise", self.weight_noise),
                                       ("input_noise", self.input_noise),
                                       ("dropout", any(p > 0 for p in dropout))) if on]
        if noisy:
            raise ValueError(
                f"{' and '.join(noisy)} need a stochastic solver: solver='lbfgs' needs a "
                "deterministic objective (its line search compares function values). Use "
                "solver='gd', 'sgd' or 'adam'."
            )

    def _check_sparse_noise(self, X, batch_size):
        if not (sp.issparse(X) and self.input_noise):
            return
        rows = X.shape[0] if self.solver == "gd" or batch_size is None else min(batch_size, X.shape[0])
        nbytes = rows * X.shape[1] * X.dtype.itemsize
        if nbytes > _SPARSE_NOISE_BUDGET:
            raise ValueError(
                f"input_noise on sparse X makes every batch dense: {rows} rows × "
                f"{X.shape[1]} features = {nbytes / 2**20:.0f} MiB per batch, above the "
                f"{_SPARSE_NOISE_BUDGET // 2**20} MiB limit. Use dropout (which keeps X "
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
            core, penalties, theta0, rng, targets,
            solver=self.solver, learning_rate=float(self.learning_rate_init),
            momentum=float(self.momentum), batch_size=self._batch_size(),
            weight_noise=float(self.weight_noise), input_noise=float(self.input_noise),
            verbose=self.verbose, dropout=dropout, shuffle=bool(self.shuffle),
            max_fun=int(self.max_fun), tol=float(self.tol), score=self._score_output,
        )

    def _threads(self, core, X):
        """One BLAS thread when the largest product of a step is small (see _SMALL_PRODUCT)."""
        rows = X.shape[0] if self.solver in ("gd", "lbfgs") else min(self._batch_size() or X.shape[0], X.shape[0])
        units = core.layer_units
        work = rows * max(a * b for a, b in zip(units[:-1], units[1:]))
        if work < _SMALL_PRODUCT:
            return _blas_threads(1)
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
        trainer = self._make_trainer(core, theta0, rng, dtype, dropout)
        self.best_loss_ = self.validation_scores_ = self.best_validation_score_ = None
        with np.errstate(over="ignore", invalid="ignore", under="ignore"), self._threads(core, X):
            if strategy is None:
                theta, history = self._fit_plain(trainer, X, _Data(y_enc, sw))
                self.best_iter_ = self.n_iter_
                self.best_loss_ = float(np.min(trainer.loss_curve)) if trainer.loss_curve else None
            else:
                sets = self._validation_sets(X, y_enc, sw, rng, X_val, y_val_enc if X_val is not None else None,
                                             sw_val if X_val is not None else None)
                X_tr, d_tr, X_v, d_v, X_all, d_all = sets
                patience, min_delta = self._stopping_rule(self.max_iter)
                result = run_early_stopping(
                    trainer, X_tr, d_tr, X_v, d_v, strategy=strategy,
                    eval_every=self.eval_every, patience=patience,
                    min_delta=min_delta, max_iter=self.max_iter,
                    X_all=X_all, y_all=d_all, verbose=bool(self.verbose),
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
        if X_val is not None:
            if sw is None and sw_val is None:
                sw_all = None
            else:
                sw_all = np.concatenate([
                    np.ones(X.shape[0], X.dtype) if sw is None else sw,
                    np.ones(X_val.shape[0], X.dtype) if sw_val is None else sw_val,
                ])
            return (X, _Data(y_enc, sw), X_val, _Data(y_val_enc, sw_val, validation=True),
                    _stack_rows(X, X_val), _Data(np.concatenate([y_enc, y_val_enc]), sw_all))
        # the split of scikit-learn's train_test_split on the row indices (same rows as
        # splitting X itself), so that sparse X and the weights follow without copies of X
        n = X.shape[0]
        idx_tr, y_tr, idx_va, y_va, _, _ = split_validation(
            np.arange(n), y_enc, validation_fraction=self.validation_fraction,
            random_state=rng, stratify=self._output == "softmax",
        )
        if idx_va.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size "
                "of your dataset (or pass X_val and y_val)."
            )
        def part(idx):
            return None if sw is None else sw.take(idx)

        return (_take_rows(X, idx_tr), _Data(y_tr, part(idx_tr)), _take_rows(X, idx_va),
                _Data(y_va, part(idx_va), validation=True), X, _Data(y_enc, sw))

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
                msg = result.message.decode() if isinstance(result.message, bytes) else result.message
                warnings.warn(
                    f"{type(self).__name__}: lbfgs failed to converge after {n_iter} "
                    f"iterations ({msg}). Increase max_iter or max_fun, or scale the data.",
                    ConvergenceWarning,
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
                )
            self._no_improvement_count = count  # scikit-learn's counter, same meaning
        self.n_iter_ = n_iter
        return theta, self._plain_history(trainer.loss_curve)

    @property
    def history_(self):
        """pandas.DataFrame: the training record (see the class's Attributes)."""
        history = self.__dict__.get("_history")
        if history is None:
            if "loss_curve_" not in self.__dict__:
                raise AttributeError(f"{type(self).__name__} has no attribute 'history_' before fit.")
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
        return pd.DataFrame(
            {
                "step": np.arange(1, n + 1),
                "train_loss": np.asarray(loss_curve, dtype=np.float64),
                "val_loss": np.full(n, np.nan),
                "phase": "train",
            }
        )

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
        X, y_enc, n_outputs = self._validate_targets(X, y, reset=first, classes=classes,
                                                     incremental=True)
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
        X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32],
                          reset=False)
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


_COMMON_PARAMS_DOC = """
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer. ``()`` gives no hidden layer: a linear model
        (MLPRegressor) or softmax regression (MLPClassifier).
    activation : {'relu', 'tanh', 'logistic', 'identity'}, default='relu'
        Hidden-layer activation σ in σ(Wx + b).
    solver : {'gd', 'sgd', 'adam', 'lbfgs'}, default='adam'
        'gd': full-batch gradient descent (one step per epoch, ``batch_size`` and
        ``momentum`` unused); 'sgd': minibatch SGD with ``momentum``; 'adam': minibatch
        Adam (optimizers from :mod:`skreg.optim`); 'lbfgs': scipy's L-BFGS-B on the
        full-batch objective over the flat parameter vector (scikit-learn's choice for
        small data; L2 only, no noise or dropout, no ``partial_fit``).
    alpha : float or array-like of shape (len(hidden_layer_sizes) + 1,), default=0.0001
        Penalty strength, one value for every weight matrix or one per weight matrix
        (the lecture's "different strength for each layer"); a wrong length is a
        ValueError. Biases are never penalized. Same scaling as scikit-learn's MLP
        ``alpha``, see Notes.
    penalty : {'l2', 'l1'}, default='l2'
        Ω from :mod:`skreg.penalties`: ½‖W‖² (weight decay) or ‖W‖₁ (subgradient).
    batch_size : int, 'auto' or None, default='auto'
        Minibatch size for 'sgd' and 'adam'; 'auto' is min(200, n_samples), None (or a
        value ≥ n_samples) the full batch.
    learning_rate_init : float, default=0.001
        Step size ε of the optimizer (on the batch-mean objective).
    max_iter : int, default=200
        Maximum number of epochs (passes over the data; for 'gd', steps; for 'lbfgs',
        iterations).
    shuffle : bool, default=True
        Shuffle the rows before each epoch's minibatches ('sgd', 'adam').
    tol : float, default=1e-4
        Without early stopping: training stops when the epoch loss has not improved by
        at least ``tol`` for more than ``n_iter_no_change`` consecutive epochs ('lbfgs':
        the gradient tolerance ``gtol``, as scikit-learn). With early stopping: the
        scikit-learn alias of ``min_delta`` (used when ``min_delta`` is None).
    n_iter_no_change : int or np.inf, default=10
        See ``tol`` (as scikit-learn's MLP; ``np.inf`` never stops before ``max_iter``).
        With early stopping: the scikit-learn alias of ``patience``, which is then
        ``n_iter_no_change + 1`` (scikit-learn stops after *more than*
        ``n_iter_no_change`` epochs without improvement), used when ``patience`` is None.
    max_fun : int, default=15000
        'lbfgs' only: maximum number of loss evaluations (scikit-learn's ``max_fun``;
        with early stopping, over all L-BFGS calls from one initialization: the search
        with its continuation, then the retraining).
    momentum : float, default=0.9
        Momentum μ in [0, 1) of solver 'sgd'.
    weight_noise : float, default=0.0
        δ ≥ 0: every step evaluates the gradient at θ + δφ, φ ~ N(0, I) (all weights and
        biases), and updates θ (:func:`skreg.noise.perturb_weights`).
    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to each batch's inputs
        (:func:`skreg.noise.add_input_noise`). On sparse X each noisy batch is dense: a
        ValueError when one dense batch would exceed 256 MiB.
    dropout : float or array-like of float, default=0.0
        Inverted dropout, in training only: each step multiplies a layer's input by a
        fresh mask M/(1 − p), M ~ Bernoulli(1 − p), drawn from the estimator's seeded
        Generator; ``predict`` uses the whole network (deterministic). A float p drops
        hidden units only (the inputs stay whole, the common practice); a list gives
        one rate per weight matrix's input, the input features first (so
        ``hidden_layer_sizes=()`` with ``dropout=[p]`` is input dropout on a linear
        model). Rates in [0, 1); 0 is exactly the fit without dropout. See Notes.
    early_stopping : bool or {'best', 'retrain', 'continue'}, default=False
        False: train until ``tol`` or ``max_iter``. Otherwise the lecture's Algorithm
        7.1 ('best', also ``True``), 7.2 ('retrain') or 7.3 ('continue') through
        :func:`skreg.early_stopping.run_early_stopping`, on a validation split or on
        the ``X_val, y_val`` given to ``fit``.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping (seeded split).
    patience : int or None, default=None
        p: evaluations without improvement before stopping. None: from scikit-learn's
        ``n_iter_no_change`` (p = ``n_iter_no_change`` + 1, i.e. 11 by default); when
        both are set, ``patience`` wins.
    eval_every : int, default=1
        n: epochs (L-BFGS iterations) between two validation evaluations.
    min_delta : float or None, default=None
        An improvement of the validation loss must exceed this to count. None: ``tol``
        (scikit-learn's name); when both are set, ``min_delta`` wins.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialization, the minibatch order, the validation split and all
        noise: same seed, same fit.
    verbose : bool or int, default=False
        Print epoch, training loss (and validation loss with early stopping).
    warm_start : bool, default=False
        Start from the fitted weights of the previous call to ``fit``."""

_COMMON_ATTRS_DOC = """
    coefs_ : list of ndarray
        W_l of shape (units_l, units_{l+1}).
    intercepts_ : list of ndarray
        b_l of shape (units_{l+1},).
    loss_curve_ : list of float
        Mean training objective of every epoch (penalty included, noise as sampled).
    loss_ : float
        Last entry of ``loss_curve_``.
    history_ : pandas.DataFrame
        Columns step, train_loss, val_loss, phase: the early-stopping record, or one
        row per epoch (val_loss NaN) without early stopping.
    best_iter_ : int
        Epoch of the returned weights (i* with early stopping, else ``n_iter_``).
    n_iter_ : int
        Epochs run (L-BFGS iterations for 'lbfgs'; with ``partial_fit``, calls so far).
    t_ : int
        Training samples seen (scikit-learn's ``t_``).
    best_loss_ : float or None
        Lowest training loss (None with early stopping), as scikit-learn.
    validation_scores_ : list of float or None
        With early stopping: scikit-learn's score (R² or accuracy, weighted by the
        validation sample weights) at every evaluation, in ``history_`` order; None
        otherwise. The stopping rule itself watches the validation *loss* (history_).
    best_validation_score_ : float or None
        Largest entry of ``validation_scores_``.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
    out_activation_ : str
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names."""

_SCALING_NOTE = """
    Each minibatch B of m samples takes a step on (scikit-learn's MLP objective)

        J_B(θ) = (1/m) [ Σ_{i∈B} ℓ(f(xᵢ; θ), yᵢ) + Σ_l α_l Ω(W_l) ],

    and with ``sample_weight`` s (scikit-learn ≥ 1.7's convention, used here: the
    weighted mean loss, the penalty divided by the batch's weight sum)

        J_B(θ) = [ Σ_{i∈B} sᵢ ℓ(f(xᵢ; θ), yᵢ) + Σ_l α_l Ω(W_l) ] / Σ_{i∈B} sᵢ,

    so integer weights are exactly repeated rows for the full-batch solvers ('gd',
    'lbfgs'; in the sum convention R = ½Σ sᵢ(f(xᵢ) − yᵢ)² + αΩ) and in expectation for
    minibatches; equal weights are the unweighted fit.

    i.e. the lecture's sum-convention R̃ = R + αΩ on the batch, divided by m. With the
    full batch (solver 'gd', or ``batch_size`` ≥ n) the minimizer is that of
    ½‖f(X) − y‖² + α·½‖W‖² over all n samples: for ``hidden_layer_sizes=()`` it is
    ``RidgeEigen(alpha=alpha)``. With minibatches of size m the penalty enters each
    batch at full weight, so the stationary point is that of the sum convention with
    α·n/m, exactly as in scikit-learn's MLP."""


_DROPOUT_NOTE = """
    Dropout (lecture, "noise on the inputs" once more): for a linear model with input
    dropout (``hidden_layer_sizes=()``, ``dropout=[p]``) the expected loss over the
    masks is, with X̃ = X ⊙ M/(1 − p),

        E_M ½‖X̃w + b − y‖² = ½‖Xw + b − y‖² + ½·p/(1 − p)·Σⱼ (Σᵢ xᵢⱼ²) wⱼ²,

    ridge regression with a data-dependent penalty, each wⱼ shrunk in proportion to
    the energy of its feature (:func:`skreg.theory.dropout_equivalent_penalty`); on
    hidden units the same reading holds layer by layer."""


class MLPRegressor(RegressorMixin, _BaseMLP):
    __doc__ = f"""Multilayer perceptron regressor (squared error), with the lecture's regularizers.

    A fully vectorized NumPy MLP: identity output, loss ½‖f(x) − y‖², per-layer L2 or L1
    penalties on the weights (never the biases), weight noise, input noise and early
    stopping (Algorithms 7.1–7.3).

    Parameters
    ----------{_COMMON_PARAMS_DOC}

    Attributes
    ----------{_COMMON_ATTRS_DOC}

    See Also
    --------
    sklearn.neural_network.MLPRegressor : the same network and ``alpha`` scaling.
    MLPClassifier : softmax output, cross-entropy, label smoothing.
    RidgeEigen : the ``hidden_layer_sizes=()`` limit in closed form.

    Notes
    -----{_SCALING_NOTE}

    Weight noise (lecture, "Adding noise to the weights"): training on θ + δφ minimizes
    on average

        E_φ ½(f(x, θ + δφ) − y)² = ½(f(x, θ) − y)² + ½δ²‖∇_θ f(x, θ)‖² + …,

    a penalty on how much the prediction moves with the weights
    (:func:`skreg.theory.weight_noise_penalty`).
{_DROPOUT_NOTE}

    Differences from scikit-learn kept on purpose: a diverging fit raises a clear
    ValueError instead of returning NaN scores; early stopping watches the validation
    loss (``validation_scores_`` still records scikit-learn's score); a class too
    small to stratify the validation split falls back to an unstratified split; no
    learning-rate schedules, multilabel targets or Poisson loss.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, (200, 1))
    >>> y = np.sin(3 * X[:, 0])
    >>> model = MLPRegressor((32,), activation="tanh", learning_rate_init=0.01,
    ...                      batch_size=20, max_iter=300, random_state=0).fit(X, y)
    >>> bool(model.score(X, y) > 0.95)
    True
    >>> [W.shape for W in model.coefs_]
    [(1, 32), (32, 1)]
    """

    _output = "identity"

    def _validate_targets(self, X, y, reset, classes=None, incremental=False):
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32],
            multi_output=True, y_numeric=True, reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 0:
            raise ValueError("y has 0 targets; at least one is required.")
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if reset:
            self._y_ndim = y.ndim
        elif (y.ndim != self._y_ndim and not (y.ndim == 2 and y.shape[1] == 1)) or (
            incremental and n_outputs != self.n_outputs_
        ):
            raise ValueError(
                "y must have the same number of targets as the y of the first fit "
                f"({self.n_outputs_ if hasattr(self, 'n_outputs_') else '?'})."
            )
        return X, y, n_outputs

    def _score_output(self, F, y, sample_weight):
        y = np.asarray(y)
        return r2_score(y.reshape(F.shape), F, sample_weight=sample_weight)

    def _target_matrix(self, y, train, dtype):
        y = np.asarray(y)
        return np.ascontiguousarray(y.reshape(y.shape[0], -1), dtype=dtype)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Train the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Dense, or scipy.sparse CSR/CSC (the first layer is a sparse × dense product;
            X is never densified).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None
            Weights sᵢ ≥ 0 of the weighted mean loss (see Notes).
        X_val, y_val : array-like, default=None
            Validation data for early stopping, instead of a ``validation_fraction``
            split ("all data" for 'retrain' and 'continue' is then X with X_val).
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation loss.

        Returns
        -------
        self : MLPRegressor
        """
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)

    @available_if(_BaseMLP._check_partial_fit)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch on (X, y) from the current weights and optimizer state.

        scikit-learn's semantics: each call is one pass over the given data in
        minibatches (one step for 'gd'); the optimizer state (momentum, Adam moments)
        and the random streams carry over between calls, so k calls on the same data
        equal ``fit`` with ``max_iter=k`` (and no stopping rule). Not available for
        'lbfgs', nor with early stopping (a ValueError).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MLPRegressor
        """
        return self._partial_fit(X, y, sample_weight)

    def predict(self, X):
        """Predict with the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        F = self._network_output(X)
        return F[:, 0] if self._y_ndim == 1 else F

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class MLPClassifier(ClassifierMixin, _BaseMLP):
    __doc__ = f"""Multilayer perceptron classifier (softmax, cross-entropy), with the lecture's regularizers.

    The network of :class:`MLPRegressor` with a softmax output over the K classes (also
    for K = 2) trained on the cross-entropy −Σ_k y_k log p_k, plus label smoothing.

    Parameters
    ----------{_COMMON_PARAMS_DOC}
    label_smoothing : float, default=0.0
        α in [0, 1): train on smoothed targets 1 → 1 − α, 0 → α/(K − 1), the lecture's
        convention (:func:`skreg.noise.smooth_labels`). Keras and PyTorch spread α over
        all K classes instead; their α equals this one times K/(K − 1).
    class_weight : dict, 'balanced' or None, default=None
        Weight of each class, multiplying ``sample_weight`` (scikit-learn's
        definition): a dict {{label: weight}} (missing labels weigh 1), or 'balanced',
        n_samples / (n_classes · count of the class) computed on the y given to
        ``fit`` (not available in ``partial_fit``).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (strings or numbers).{_COMMON_ATTRS_DOC}

    See Also
    --------
    sklearn.neural_network.MLPClassifier : the same network and ``alpha`` scaling
        (scikit-learn uses one logistic output for two classes; here it is a 2-way
        softmax, the same model).
    MLPRegressor : squared-error output.

    Notes
    -----{_SCALING_NOTE}

    Label smoothing (lecture, "Label Smoothing") is output noise modelled explicitly:
    the cross-entropy against the smoothed target is minimized by p = smoothed target,
    so the predicted confidence stays near 1 − α instead of running to 1.
{_DROPOUT_NOTE}

    ``class_weight`` multiplies the sample weights, as scikit-learn's classifiers
    (``compute_sample_weight``): 'balanced' gives class k the weight n / (K·n_k).
    A y with a single class is fitted (it is always predicted), as scikit-learn.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skreg import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = MLPClassifier((16,), learning_rate_init=0.01, max_iter=300,
    ...                     label_smoothing=0.1, random_state=0).fit(X, y)
    >>> bool(clf.score(X, y) > 0.95), clf.predict_proba(X[:1]).shape
    (True, (1, 3))
    >>> setosa = clf.predict_proba(X[y == 0])[:, 0]   # easy class: confidence ≈ 1 − α
    >>> round(float(setosa.mean()), 2)
    0.9
    """

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    _output = "softmax"

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
        label_smoothing=0.0,
        class_weight=None,
        early_stopping=False,
        validation_fraction=0.1,
        patience=None,
        eval_every=1,
        min_delta=None,
        random_state=None,
        verbose=False,
        warm_start=False,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            penalty=penalty,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            max_iter=max_iter,
            shuffle=shuffle,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            momentum=momentum,
            weight_noise=weight_noise,
            input_noise=input_noise,
            dropout=dropout,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            patience=patience,
            eval_every=eval_every,
            min_delta=min_delta,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
        )
        self.label_smoothing = label_smoothing
        self.class_weight = class_weight

    def _validate_targets(self, X, y, reset, classes=None, incremental=False):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"],
                             dtype=[np.float64, np.float32], reset=reset)
        if incremental:
            check_classification_targets(y)
            if reset:
                if classes is None:
                    raise ValueError("classes must be passed on the first call to partial_fit.")
                self.classes_ = np.unique(np.asarray(classes))
            elif classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
                raise ValueError(
                    f"`classes={list(np.unique(np.asarray(classes)))}` is not the same as on the "
                    f"first call to partial_fit, was: {list(self.classes_)}."
                )
            unseen = np.setdiff1d(np.unique(y), self.classes_)
            if unseen.size:
                raise ValueError(
                    f"y contains labels not in classes (given on the first call to "
                    f"partial_fit): {list(unseen)}."
                )
            return X, np.searchsorted(self.classes_, y).astype(np.intp), self.classes_.size
        if reset:
            check_classification_targets(y)
            classes, y_enc = np.unique(y, return_inverse=True)
            if self.warm_start and hasattr(self, "classes_") and not np.array_equal(
                classes, self.classes_
            ):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has {classes}"
                )
            self.classes_ = classes
        else:
            y_enc = np.searchsorted(self.classes_, y)
            y_enc = np.clip(y_enc, 0, self.classes_.size - 1)
            unknown = self.classes_[y_enc] != y
            if np.any(unknown):
                raise ValueError(
                    f"y_val contains labels not seen in y: {np.unique(np.asarray(y)[unknown])}."
                )
        return X, np.asarray(y_enc, dtype=np.intp).reshape(-1), self.classes_.size

    def _target_matrix(self, y, train, dtype):
        n_classes = self.classes_.size
        if n_classes == 1:  # a single class: p = 1 always, nothing to learn
            return np.ones((len(y), 1), dtype=dtype)
        alpha = float(self.label_smoothing) if train else 0.0
        Y = smooth_labels(np.asarray(y, dtype=np.intp), alpha, n_classes=n_classes)
        return np.ascontiguousarray(Y, dtype=dtype)

    def _sample_weight(self, sample_weight, X, y_enc, incremental=False):
        if self.class_weight is None:
            return _normalized_weights(sample_weight, X, X.dtype)
        if isinstance(self.class_weight, str) and incremental:
            raise ValueError(
                "class_weight='balanced' is not available in partial_fit (a chunk does "
                "not know the class frequencies): pass "
                "compute_class_weight('balanced', classes=classes, y=y) as a dict."
            )
        weights = compute_class_weight(
            self.class_weight, classes=np.arange(self.classes_.size),
            y=np.asarray(y_enc),
        ) if isinstance(self.class_weight, str) else np.array(
            [self.class_weight.get(c, 1.0) for c in self.classes_.tolist()], dtype=np.float64
        )
        if isinstance(self.class_weight, dict):
            unknown = [k for k in self.class_weight if k not in set(self.classes_.tolist())]
            if unknown:
                raise ValueError(
                    f"class_weight has labels {unknown} that are not classes of y "
                    f"({list(self.classes_)})."
                )
        sw = np.ones(X.shape[0], dtype=X.dtype) if sample_weight is None else check_sample_weight(
            sample_weight, X, dtype=X.dtype
        )
        return _normalized_weights(sw * weights[np.asarray(y_enc)].astype(X.dtype), X, X.dtype)

    def _score_output(self, F, y_enc, sample_weight):
        return accuracy_score(np.asarray(y_enc), np.argmax(F, axis=1), sample_weight=sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Train the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Dense, or scipy.sparse CSR/CSC (never densified).
        y : array-like of shape (n_samples,)
            Class labels (strings or numbers).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights sᵢ ≥ 0 of the weighted mean loss (multiplied by ``class_weight``).
        X_val, y_val : array-like, default=None
            Validation data for early stopping, instead of a ``validation_fraction``
            split (labels must occur in y).
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation loss (multiplied by ``class_weight``).

        Returns
        -------
        self : MLPClassifier
        """
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)

    @available_if(_BaseMLP._check_partial_fit)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch on (X, y) from the current weights and optimizer state.

        scikit-learn's semantics: ``classes`` (every label the stream will contain) is
        required on the first call; each call is one pass over the given data; the
        optimizer state and random streams carry over, so k calls on the same data
        equal ``fit`` with ``max_iter=k``. Not available for 'lbfgs', nor with early
        stopping (a ValueError).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array-like of shape (n_classes,), default=None
            All class labels; required on the first call, may be omitted afterwards.

        Returns
        -------
        self : MLPClassifier
        """
        return self._partial_fit(X, y, sample_weight, classes)

    def predict_proba(self, X):
        """Class probabilities softmax(f(x)).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        return self._network_output(X)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Most probable class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
