"""First-order optimizers acting in place on lists of arrays, and minibatch shuffling.

The lecture's gradient descent on a penalized risk R̃(θ) = R(θ) + ½α‖θ‖²,

    θ_{k+1} = θ_k − ε∇R(θ_k) − εαθ_k          (coupled weight decay),

and its stochastic variants.  Every optimizer has the same two methods:

* ``update(params, grads)``: one step, changing each array of ``params`` in place;
* ``reset()``: forget the state (velocities, moment estimates, step count).

``weight_decay`` (default 0) is the lecture's coupled decay: α·θ is added to the gradient
before the step, so that with a constant risk (∇R = 0) each step multiplies θ by
(1 − εα).  Callers may just as well add αθ to ``grads`` themselves.

All updates are whole-array NumPy operations (no loop over entries).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["GD", "SGD", "Adam", "iter_minibatches", "weight_decay_step"]


def _check_positive(name, value):
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} must be a finite float > 0, got {value!r}.")
    return float(value)


def _check_unit_interval(name, value):
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a float in [0, 1), got {value!r}.")
    return float(value)


def _check_weight_decay(value):
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not np.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"weight_decay must be a finite float >= 0, got {value!r}.")
    return float(value)


def _check_lists(params, grads):
    if len(params) != len(grads):
        raise ValueError(f"got {len(params)} parameter arrays but {len(grads)} gradients.")


def weight_decay_step(theta, grad, learning_rate, alpha):
    """One gradient step with coupled weight decay: θ − ε∇R − εαθ (a new array).

    Parameters
    ----------
    theta : array-like
        Current parameters θ_k.
    grad : array-like
        ∇R(θ_k), the gradient of the unpenalized risk (same shape).
    learning_rate : float
        Step ε > 0.
    alpha : float
        Decay (L2 strength) α ≥ 0.

    Returns
    -------
    ndarray
        θ_{k+1} = θ_k − ε∇R(θ_k) − εαθ_k.

    Notes
    -----
    This is why L2 regularization is called weight decay: with a constant risk the
    weights simply decay, θ_{k+1} = (1 − εα)θ_k, so θ_k = (1 − εα)^k θ_0.

    Examples
    --------
    >>> import numpy as np
    >>> weight_decay_step(np.array([1.0, -2.0]), np.zeros(2), 0.1, 0.5)
    array([ 0.95, -1.9 ])
    """
    theta = np.asarray(theta, dtype=np.float64)
    return (
        theta - learning_rate * np.asarray(grad, dtype=np.float64) - learning_rate * alpha * theta
    )


class GD:
    """Plain (full-batch or stochastic) gradient descent: θ ← θ − ε(g + αθ).

    Parameters
    ----------
    learning_rate : float
        Step ε > 0.
    weight_decay : float, default=0.0
        Coupled weight decay α ≥ 0 (added to the gradient).

    Notes
    -----
    The lecture's θ_{k+1} = θ_k − ε∇R(θ_k) − εαθ_k.  Stateless: ``reset`` does nothing.

    Examples
    --------
    >>> import numpy as np
    >>> theta = [np.array([1.0, 2.0])]
    >>> GD(0.5).update(theta, [np.array([2.0, 2.0])])
    >>> theta[0]
    array([0., 1.])
    """

    def __init__(self, learning_rate, weight_decay=0.0):
        self.learning_rate = _check_positive("learning_rate", learning_rate)
        self.weight_decay = _check_weight_decay(weight_decay)

    def reset(self):
        """Forget the state (none for plain gradient descent)."""

    def update(self, params, grads):
        """Take one step, in place.

        Parameters
        ----------
        params : list of ndarray
            Changed in place.
        grads : list of ndarray
            Gradients of the risk, same shapes as ``params``.
        """
        _check_lists(params, grads)
        lr, wd = self.learning_rate, self.weight_decay
        for p, g in zip(params, grads, strict=False):
            if wd:
                p *= 1.0 - lr * wd
            p -= lr * g


class SGD:
    """Stochastic gradient descent with (Nesterov) momentum.

    Parameters
    ----------
    learning_rate : float
        Step ε > 0.
    momentum : float, default=0.0
        Momentum μ in [0, 1); 0 is plain gradient descent.
    nesterov : bool, default=False
        Nesterov's look-ahead variant.
    weight_decay : float, default=0.0
        Coupled weight decay α ≥ 0 (added to the gradient).

    Notes
    -----
    With g = ∇R(θ) + αθ (the same update as scikit-learn's ``MLP`` SGD solver):

        v ← μv − εg,    θ ← θ + v                (heavy ball)
        v ← μv − εg,    θ ← θ + μv − εg          (Nesterov)

    On a quadratic with Hessian eigenvalue λ the heavy ball is stable iff
    0 < ελ < 2(1 + μ).

    Examples
    --------
    >>> import numpy as np
    >>> theta = [np.array([1.0])]
    >>> opt = SGD(0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.update(theta, [np.array([1.0])])
    >>> theta[0]
    array([0.71])
    """

    def __init__(self, learning_rate, momentum=0.0, nesterov=False, weight_decay=0.0):
        self.learning_rate = _check_positive("learning_rate", learning_rate)
        self.momentum = _check_unit_interval("momentum", momentum)
        self.nesterov = bool(nesterov)
        self.weight_decay = _check_weight_decay(weight_decay)
        self.velocities = None

    def reset(self):
        """Set the velocities back to zero."""
        self.velocities = None

    def update(self, params, grads):
        """Take one step, in place.

        Parameters
        ----------
        params : list of ndarray
            Changed in place.
        grads : list of ndarray
            Gradients of the risk, same shapes as ``params``.
        """
        _check_lists(params, grads)
        lr, mu, wd = self.learning_rate, self.momentum, self.weight_decay
        if mu == 0.0:  # no state: plain gradient descent
            for p, g in zip(params, grads, strict=False):
                if wd:
                    p *= 1.0 - lr * wd
                p -= lr * g
            return
        if self.velocities is None:
            self.velocities = [np.zeros_like(p, dtype=np.float64) for p in params]
        for p, g, v in zip(params, grads, self.velocities, strict=False):
            step = g + wd * p if wd else g
            v *= mu
            v -= lr * step
            if self.nesterov:
                p += mu * v - lr * step
            else:
                p += v


class Adam:
    """Adam (Kingma & Ba): adaptive per-coordinate steps from moment estimates.

    Parameters
    ----------
    learning_rate : float, default=1e-3
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of the first and second moment estimates, in [0, 1).
    epsilon : float, default=1e-8
        Added to √v for numerical stability.
    weight_decay : float, default=0.0
        Coupled weight decay α ≥ 0 (added to the gradient, i.e. L2 regularization,
        not AdamW's decoupled decay).

    Notes
    -----
    With g = ∇R(θ) + αθ and t the step count (the update of scikit-learn's ``MLP``
    Adam solver):

        m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²,
        θ ← θ − ε √(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + eps).

    Examples
    --------
    >>> import numpy as np
    >>> theta = [np.array([1.0, 1.0])]
    >>> Adam(learning_rate=0.1).update(theta, [np.array([3.0, -0.5])])
    >>> np.round(theta[0], 6)
    array([0.9, 1.1])
    """

    def __init__(
        self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8, weight_decay=0.0
    ):
        self.learning_rate = _check_positive("learning_rate", learning_rate)
        self.beta_1 = _check_unit_interval("beta_1", beta_1)
        self.beta_2 = _check_unit_interval("beta_2", beta_2)
        self.epsilon = _check_positive("epsilon", epsilon)
        self.weight_decay = _check_weight_decay(weight_decay)
        self.reset()

    def reset(self):
        """Set the moment estimates and the step count back to zero."""
        self.t = 0
        self.ms = None
        self.vs = None

    def update(self, params, grads):
        """Take one step, in place.

        Parameters
        ----------
        params : list of ndarray
            Changed in place.
        grads : list of ndarray
            Gradients of the risk, same shapes as ``params``.
        """
        _check_lists(params, grads)
        if self.ms is None:
            self.ms = [np.zeros_like(p, dtype=np.float64) for p in params]
            self.vs = [np.zeros_like(p, dtype=np.float64) for p in params]
        self.t += 1
        b1, b2, wd = self.beta_1, self.beta_2, self.weight_decay
        lr_t = self.learning_rate * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        for p, g, m, v in zip(params, grads, self.ms, self.vs, strict=False):
            step = g + wd * p if wd else g
            m *= b1
            m += (1.0 - b1) * step
            v *= b2
            v += (1.0 - b2) * step * step
            p -= lr_t * m / (np.sqrt(v) + self.epsilon)


def iter_minibatches(n_samples, batch_size, random_state=None):
    """Index arrays of one epoch of minibatches (shuffled, seeded).

    Parameters
    ----------
    n_samples : int
        Number of samples to cover.
    batch_size : int or None
        Samples per batch (the last batch may be smaller).  None, or a size of at least
        ``n_samples``, is full batch: one array ``arange(n_samples)``, nothing shuffled
        and no random number drawn.
    random_state : int, RandomState instance or None, default=None
        Shuffling.  Pass the same ``RandomState`` instance epoch after epoch to get a
        new (reproducible) order each epoch; an int gives the same order every time.

    Yields
    ------
    ndarray of int
        The indices of one batch; together they are a permutation of
        ``range(n_samples)``.

    Examples
    --------
    >>> [b.tolist() for b in iter_minibatches(5, 2, random_state=0)]
    [[2, 0], [1, 3], [4]]
    >>> [b.tolist() for b in iter_minibatches(3, None)]
    [[0, 1, 2]]
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 0:
        raise ValueError(f"n_samples must be an int >= 0, got {n_samples!r}.")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, Integral) or batch_size < 1
    ):
        raise ValueError(f"batch_size must be None or an int >= 1, got {batch_size!r}.")
    if batch_size is None or batch_size >= n_samples:
        yield np.arange(n_samples)
        return
    order = check_random_state(random_state).permutation(n_samples)
    for start in range(0, n_samples, batch_size):
        yield order[start : start + batch_size]
