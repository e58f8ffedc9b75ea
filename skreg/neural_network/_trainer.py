"""The MLP's training loop: one fit's trainer in the shape :mod:`skreg.early_stopping` drives.

:class:`_MLPTrainer` holds the core (risk and gradient), the per-layer penalties, the
noise and the optimizer, and exposes the trainer protocol (``init_params`` / ``train`` /
``loss`` / ``copy``); its epochs are seeded minibatch passes (or L-BFGS-B on the flat
parameter vector).  :class:`_Targets` carries the encoded targets and their sample
weights through the driver.
"""

from __future__ import annotations

import copy
import math
from numbers import Real

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

from .._data._checks import check_sample_weight
from ..early_stopping import take_rows
from ..noise import add_input_noise, perturb_weights
from ..optim import GD, SGD, Adam, iter_minibatches

# BLAS threads are limited to one when the largest product of a step has fewer
# multiply-adds than this (about 10⁸, e.g. 5000 × 64 × 64 = 2·10⁷ is below): threaded BLAS
# pays off only on larger products, and on a busy machine its threads wait for cores held
# by other processes (measured on 2 busy cores: (5000×64)·(64×64) 8.5 ms on one thread,
# 78 ms on two).
_SMALL_PRODUCT = 2**27


class _Targets:
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

    def __init__(
        self,
        core,
        penalties,
        theta0,
        random_state,
        targets,
        *,
        solver,
        learning_rate,
        momentum,
        batch_size,
        weight_noise,
        input_noise,
        verbose,
        dropout=None,
        shuffle=True,
        max_fun=15000,
        tol=0.0,
        score=None,
    ):
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
                Xb, Yb = take_rows(X, idx), Y.take(idx, axis=0)
                swb = None if sample_weight is None else sample_weight.take(idx)
            if swb is not None and not swb.any():
                continue  # a batch of zero weight: no objective, no step
            if input_noise:
                Xd = Xb.toarray() if sp.issparse(Xb) else Xb
                Xb = add_input_noise(Xd, input_noise, noise_rng).astype(core.dtype, copy=False)
            point = theta
            if weight_noise:
                point = perturb_weights(theta, weight_noise, noise_rng).astype(
                    core.dtype, copy=False
                )
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
            fun,
            theta.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=callback,
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
