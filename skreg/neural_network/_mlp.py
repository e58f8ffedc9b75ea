"""MLPRegressor and MLPClassifier: thin estimators over one core, one trainer, one driver.

The pieces, each from its own module (the lecture's R̃ = R + αΩ in code):

* the risk R and its gradient: :class:`~skreg.neural_network._core.MLPCore` (squared
  error with an identity output, or cross-entropy with a softmax output);
* the penalty αΩ, one per weight matrix, biases excluded: :func:`skreg.penalties.layer_penalties`;
* the steps: :mod:`skreg.optim` (GD, SGD with momentum, Adam) over seeded minibatches;
* the noise: :mod:`skreg.noise` (weights, inputs, labels);
* when to stop: :func:`skreg.early_stopping.run_early_stopping` (Algorithms 7.1–7.3),
  which drives the :class:`_MLPTrainer` below through the trainer protocol
  (``init_params`` / ``train`` / ``loss`` / ``copy``).
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._atomic import atomic_fit
from ..early_stopping import run_early_stopping, split_validation
from ..noise import add_input_noise, perturb_weights, smooth_labels
from ..optim import GD, SGD, Adam, iter_minibatches
from ..penalties import layer_penalties
from ._core import ACTIVATIONS, MLPCore

__all__ = ["MLPRegressor", "MLPClassifier"]


class _MLPTrainer:
    """One fit's training loop, in the shape :mod:`skreg.early_stopping` drives.

    Parameters are the flat vector θ of :class:`MLPCore`; one *step* is one epoch (a
    pass over the training data in minibatches), so ``max_iter``, ``eval_every`` and
    ``best_iter_`` all count epochs, as scikit-learn's MLP counts ``max_iter``.

    Each minibatch step is

        θ̃ = θ + δφ, φ ~ N(0, I)        (``weight_noise`` δ; θ̃ = θ when δ = 0)
        X̃_B = X_B + Z, Z ~ N(0, σ²I)    (``input_noise`` σ; X̃_B = X_B when σ = 0)
        θ ← optimizer(θ, ∇J_B(θ̃; X̃_B, Y_B))

    so the gradient is the one of the lecture's noisy risk E_φ R(θ + δφ), sampled once
    per step, and the update is applied to the noise-free θ.
    """

    def __init__(self, core, penalties, theta0, random_state, targets, *, solver,
                 learning_rate, momentum, batch_size, weight_noise, input_noise, verbose):
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
        self.noise_rng = None  # created at the first noisy epoch (see epoch)
        self.verbose = verbose
        self.grad = np.empty(core.n_params, dtype=core.dtype)
        self.loss_curve = []
        self.optimizer = None

    # --- the trainer protocol -------------------------------------------------------
    def init_params(self):
        """θ₀ (the same every call: seeded init or the warm-start weights), fresh optimizer."""
        if self.solver == "adam":
            self.optimizer = Adam(self.learning_rate)
        elif self.solver == "sgd":
            self.optimizer = SGD(self.learning_rate, momentum=self.momentum)
        else:
            self.optimizer = GD(self.learning_rate)
        return self.theta0.copy()

    def train(self, params, X, y, n_steps):
        """``n_steps`` epochs on (X, y) from ``params``; returns the new θ (a new array)."""
        theta = np.array(params, dtype=self.core.dtype, copy=True)
        X = np.asarray(X, dtype=self.core.dtype)
        Y = self.targets(y, train=True)
        for _ in range(int(n_steps)):
            self.epoch(theta, X, Y)
        return theta

    def loss(self, params, X, y):
        """Mean data loss without penalty or noise: the validation error of 7.1–7.3."""
        X = np.asarray(X, dtype=self.core.dtype)
        return self.core.data_loss(params, X, self.targets(y, train=False))

    def copy(self, params):
        """An independent snapshot of θ."""
        return np.array(params, copy=True)

    # --- one epoch --------------------------------------------------------------------
    def epoch(self, theta, X, Y):
        """One pass over (X, Y), updating θ in place; appends and returns the mean loss."""
        n = X.shape[0]
        core, grad, rng = self.core, self.grad, self.random_state
        if (self.weight_noise or self.input_noise) and self.noise_rng is None:
            # one Generator per fit, seeded from random_state: Gaussian draws for the noise
            # cost about a third of RandomState's (they are drawn every batch)
            self.noise_rng = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
        noise_rng = self.noise_rng
        penalties = self.penalties
        update = self.optimizer.update
        params, grads = [theta], [grad]
        weight_noise, input_noise = self.weight_noise, self.input_noise
        batch_size = n if self.solver == "gd" else min(self.batch_size or n, n)
        if batch_size >= n:
            batches = (None,)
        else:
            batches = iter_minibatches(n, batch_size, rng)
        total = 0.0
        for idx in batches:
            if idx is None:
                Xb, Yb = X, Y
            else:
                Xb, Yb = X.take(idx, axis=0), Y.take(idx, axis=0)
            if input_noise:
                Xb = add_input_noise(Xb, input_noise, noise_rng).astype(core.dtype, copy=False)
            point = theta
            if weight_noise:
                point = perturb_weights(theta, weight_noise, noise_rng).astype(core.dtype, copy=False)
            loss = core.loss_grad(point, Xb, Yb, grad, penalties)
            if not math.isfinite(loss):
                raise ValueError(
                    f"Training diverged: the loss became {loss} at epoch "
                    f"{len(self.loss_curve) + 1}. Lower learning_rate_init (now "
                    f"{self.learning_rate}) or scale the inputs."
                )
            update(params, grads)
            total += loss * Xb.shape[0]
        loss = total / n
        self.loss_curve.append(loss)
        return loss


class _BaseMLP(BaseEstimator):
    """Shared parameters, fit and forward pass of MLPRegressor and MLPClassifier."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "solver": [StrOptions({"gd", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
        "penalty": [StrOptions({"l2", "l1"})],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left"), None],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_noise": [Interval(Real, 0, None, closed="left")],
        "input_noise": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean", StrOptions({"best", "retrain", "continue"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "eval_every": [Interval(Integral, 1, None, closed="left")],
        "min_delta": [Interval(Real, 0, None, closed="left")],
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
        tol=1e-4,
        n_iter_no_change=10,
        momentum=0.9,
        weight_noise=0.0,
        input_noise=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        eval_every=1,
        min_delta=0.0,
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
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.momentum = momentum
        self.weight_noise = weight_noise
        self.input_noise = input_noise
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

    # --- fit ----------------------------------------------------------------------------
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

    @atomic_fit  # a failed fit leaves the estimator as it was
    def _fit(self, X, y, X_val=None, y_val=None):
        hidden = self._hidden_sizes()
        strategy = self._strategy()
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        if X_val is not None and strategy is None:
            raise ValueError(
                "X_val and y_val are only used for early stopping; set early_stopping to "
                "'best', 'retrain' or 'continue' (or True), or do not pass them."
            )
        X, y_enc, n_outputs = self._validate_targets(X, y, reset=True)
        if X_val is not None:
            X_val, y_val_enc, _ = self._validate_targets(X_val, y_val, reset=False)
        else:
            y_val_enc = None
        dtype = X.dtype
        core = MLPCore([X.shape[1], *hidden, n_outputs], self.activation, self._output, dtype)
        penalties = layer_penalties(self.alpha, core.n_layers, self.penalty)
        rng = check_random_state(self.random_state)
        theta0 = self._initial_params(core, rng)
        batch_size = None if self.batch_size is None else (
            200 if self.batch_size == "auto" else int(self.batch_size)
        )
        def targets(y, train):
            return self._target_matrix(y, train, dtype)

        trainer = _MLPTrainer(
            core, penalties, theta0, rng, targets,
            solver=self.solver, learning_rate=float(self.learning_rate_init),
            momentum=float(self.momentum), batch_size=batch_size,
            weight_noise=float(self.weight_noise), input_noise=float(self.input_noise),
            verbose=self.verbose,
        )
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            if strategy is None:
                theta, history = self._fit_plain(trainer, X, y_enc)
                self.best_iter_ = self.n_iter_
            else:
                X_tr, y_tr, X_v, y_v, X_all, y_all = split_validation(
                    X, y_enc, validation_fraction=self.validation_fraction,
                    random_state=rng, stratify=self._output == "softmax",
                    X_val=X_val, y_val=y_val_enc,
                )
                result = run_early_stopping(
                    trainer, X_tr, y_tr, X_v, y_v, strategy=strategy,
                    eval_every=self.eval_every, patience=self.patience,
                    min_delta=self.min_delta, max_iter=self.max_iter,
                    X_all=X_all, y_all=y_all, verbose=bool(self.verbose),
                )
                theta, history = result.params, result.history
                self.best_iter_ = int(result.best_iter)
                self.n_iter_ = int(result.n_iter)
        coefs, intercepts = core.unpack(np.asarray(theta, dtype=dtype))
        self.coefs_ = [W.copy() for W in coefs]
        self.intercepts_ = [b.copy() for b in intercepts]
        self.loss_curve_ = list(trainer.loss_curve)
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else np.nan
        self.history_ = history
        self.n_layers_ = len(hidden) + 2
        self.n_outputs_ = n_outputs
        self.out_activation_ = self._output
        return self

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

    def _fit_plain(self, trainer, X, y):
        """No early stopping: stop when the epoch loss improves by less than ``tol`` for
        more than ``n_iter_no_change`` epochs in a row (scikit-learn's rule), else at
        ``max_iter`` with a ConvergenceWarning."""
        theta = trainer.init_params()
        Y = trainer.targets(y, train=True)
        best, count, converged = np.inf, 0, False
        n_iter = 0
        for n_iter in range(1, self.max_iter + 1):
            loss = trainer.epoch(theta, X, Y)
            if self.verbose:
                print(f"Epoch {n_iter}, loss = {loss:.8f}")
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
        self.n_iter_ = n_iter
        steps = np.arange(1, n_iter + 1)
        history = pd.DataFrame(
            {
                "step": steps,
                "train_loss": np.asarray(trainer.loss_curve, dtype=np.float64),
                "val_loss": np.full(n_iter, np.nan),
                "phase": "train",
            }
        )
        return theta, history

    # --- forward pass -------------------------------------------------------------------
    def _network_output(self, X):
        """Network output on validated X: F(X), or softmax probabilities."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        dtype = self.coefs_[0].dtype
        units = [W.shape[0] for W in self.coefs_] + [self.coefs_[-1].shape[1]]
        core = MLPCore(units, self.activation, self.out_activation_, dtype)
        theta = core.pack(self.coefs_, self.intercepts_)
        with np.errstate(over="ignore", under="ignore"):
            return core.predict(theta, X.astype(dtype, copy=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


_COMMON_PARAMS_DOC = """
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer. ``()`` gives no hidden layer: a linear model
        (MLPRegressor) or softmax regression (MLPClassifier).
    activation : {'relu', 'tanh', 'logistic', 'identity'}, default='relu'
        Hidden-layer activation σ in σ(Wx + b).
    solver : {'gd', 'sgd', 'adam'}, default='adam'
        'gd': full-batch gradient descent (one step per epoch, ``batch_size`` and
        ``momentum`` unused); 'sgd': minibatch SGD with ``momentum``; 'adam': minibatch
        Adam. Optimizers come from :mod:`skreg.optim`.
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
        Maximum number of epochs (passes over the data; for 'gd', steps).
    tol : float, default=1e-4
        Without early stopping: training stops when the epoch loss has not improved by
        at least ``tol`` for more than ``n_iter_no_change`` consecutive epochs.
    n_iter_no_change : int, default=10
        See ``tol`` (as scikit-learn's MLP).
    momentum : float, default=0.9
        Momentum μ in [0, 1) of solver 'sgd'.
    weight_noise : float, default=0.0
        δ ≥ 0: every step evaluates the gradient at θ + δφ, φ ~ N(0, I) (all weights and
        biases), and updates θ (:func:`skreg.noise.perturb_weights`).
    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to each batch's inputs
        (:func:`skreg.noise.add_input_noise`).
    early_stopping : bool or {'best', 'retrain', 'continue'}, default=False
        False: train until ``tol`` or ``max_iter``. Otherwise the lecture's Algorithm
        7.1 ('best', also ``True``), 7.2 ('retrain') or 7.3 ('continue') through
        :func:`skreg.early_stopping.run_early_stopping`, on a validation split or on
        the ``X_val, y_val`` given to ``fit``.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping (seeded split).
    patience : int, default=10
        p: evaluations without improvement before stopping.
    eval_every : int, default=1
        n: epochs between two validation evaluations.
    min_delta : float, default=0.0
        An improvement of the validation loss must exceed this to count.
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
        Epochs run.
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

    i.e. the lecture's sum-convention R̃ = R + αΩ on the batch, divided by m. With the
    full batch (solver 'gd', or ``batch_size`` ≥ n) the minimizer is that of
    ½‖f(X) − y‖² + α·½‖W‖² over all n samples: for ``hidden_layer_sizes=()`` it is
    ``RidgeEigen(alpha=alpha)``. With minibatches of size m the penalty enters each
    batch at full weight, so the stationary point is that of the sum convention with
    α·n/m, exactly as in scikit-learn's MLP."""


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

    def _validate_targets(self, X, y, reset):
        X, y = validate_data(
            self, X, y, dtype=[np.float64, np.float32], multi_output=True, y_numeric=True,
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 0:
            raise ValueError("y has 0 targets; at least one is required.")
        if reset:
            self._y_ndim = y.ndim
        elif y.ndim != self._y_ndim and not (y.ndim == 2 and y.shape[1] == 1):
            raise ValueError("y_val must have the same number of targets as y.")
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        return X, y, n_outputs

    def _target_matrix(self, y, train, dtype):
        y = np.asarray(y)
        return np.ascontiguousarray(y.reshape(y.shape[0], -1), dtype=dtype)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, X_val=None, y_val=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        X_val, y_val : array-like, default=None
            Validation data for early stopping, instead of a ``validation_fraction``
            split ("all data" for 'retrain' and 'continue' is then X with X_val).

        Returns
        -------
        self : MLPRegressor
        """
        return self._fit(X, y, X_val, y_val)

    def predict(self, X):
        """Predict with the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

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
        tol=1e-4,
        n_iter_no_change=10,
        momentum=0.9,
        weight_noise=0.0,
        input_noise=0.0,
        label_smoothing=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        eval_every=1,
        min_delta=0.0,
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
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            momentum=momentum,
            weight_noise=weight_noise,
            input_noise=input_noise,
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

    def _validate_targets(self, X, y, reset):
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], reset=reset)
        if reset:
            check_classification_targets(y)
            classes, y_enc = np.unique(y, return_inverse=True)
            if classes.size < 2:
                raise ValueError(
                    f"MLPClassifier needs samples of at least 2 classes in the data, but "
                    f"the data contain only one class: {classes[0]!r}."
                )
            if self.warm_start and hasattr(self, "classes_") and not np.array_equal(
                classes, self.classes_
            ):
                raise ValueError(
                    f"warm_start needs the same classes: fitted on {self.classes_}, got {classes}."
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
        alpha = float(self.label_smoothing) if train else 0.0
        Y = smooth_labels(np.asarray(y, dtype=np.intp), alpha, n_classes=self.classes_.size)
        return np.ascontiguousarray(Y, dtype=dtype)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, X_val=None, y_val=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (strings or numbers), at least two classes.
        X_val, y_val : array-like, default=None
            Validation data for early stopping, instead of a ``validation_fraction``
            split (labels must occur in y).

        Returns
        -------
        self : MLPClassifier
        """
        return self._fit(X, y, X_val, y_val)

    def predict_proba(self, X):
        """Class probabilities softmax(f(x)).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

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
