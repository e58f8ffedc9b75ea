"""Parameter norm penalties Ω: the αΩ(θ) of the lecture's R̃(θ) = R(θ; X, y) + αΩ(θ).

Each penalty is a small object holding its strength α and knowing four things about
αΩ, so that every iterative learner in skreg can take its penalty from here:

===============  ===========================  ===================================
                 :class:`L2Penalty`           :class:`L1Penalty`
===============  ===========================  ===================================
Ω(θ)             ½‖θ‖²                        ‖θ‖₁
``value``        ½α‖θ‖²                       α‖θ‖₁
``gradient``     αθ  (weight decay)           α·sign(θ)  (a subgradient)
``prox``         θ / (1 + εα)  (shrink)       sign(θ)·max(|θ| − εα, 0)  (soft-threshold)
``log_prior``    Gaussian, −½α‖θ‖²            Laplace, −α‖θ‖₁
===============  ===========================  ===================================

``prox(theta, step)`` is the proximal map of ε·αΩ with ε = ``step``,

    prox(v) = argmin_θ ½‖θ − v‖² + εαΩ(θ),

the exact minimizer of a quadratic plus the penalty: a proximal-gradient step
θ ← prox(θ − ε∇R(θ)) is the lecture's weight decay for L2 and its soft-threshold closed
form for L1.  ``log_prior`` is the MAP reading of the lecture's "Regularization and
Priors": minimizing R + αΩ is maximizing the posterior under the prior p(θ) ∝ exp(−αΩ(θ))
(Gaussian for L2, Laplace for L1), so ``log_prior(θ) = −αΩ(θ)`` up to a constant
(``normalized=True`` adds the constant).

Arrays may have any shape; ``value`` and ``log_prior`` sum over all entries.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

__all__ = ["L1Penalty", "L2Penalty", "check_penalty_factor", "layer_penalties", "make_penalty"]


def check_penalty_factor(penalty_factor, n_features):
    """Per-feature penalty factors pⱼ ≥ 0 as a new float array, or None; else a ValueError.

    The factors weight the penalty feature by feature, Ω(w) = Σⱼ pⱼ|wⱼ| (L1) or
    ½ Σⱼ pⱼwⱼ² (L2); pⱼ = 0 leaves feature j unpenalized (as the intercept always is),
    and so does a factor at or below ``n_features · eps · max(p)`` (1e-300 beside 1).
    ``penalty_factor`` of the linear estimators is validated here.

    Parameters
    ----------
    penalty_factor : array-like of shape (n_features,) or None
    n_features : int

    Returns
    -------
    ndarray of shape (n_features,) or None (None given)

    Examples
    --------
    >>> check_penalty_factor([0, 1, 2.5], 3).tolist()
    [0.0, 1.0, 2.5]
    """
    if penalty_factor is None:
        return None
    try:
        p = np.array(penalty_factor, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"penalty_factor must be an array of non-negative floats: {exc}") from None
    if p.shape != (n_features,):
        raise ValueError(
            f"penalty_factor must have shape ({n_features},) (one factor per feature of X), "
            f"got shape {p.shape}."
        )
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError(f"penalty_factor must be finite and >= 0, got {penalty_factor!r}.")
    # factors are the eigenvalues of the penalty's diagonal: the rank rule of
    # skreg._spectral.null_tolerance makes those at or below d·eps·max(p) exact zeros
    # (pⱼ = 1e-300 beside 1: the solvers rescale column j by 1/pⱼ or 1/√pⱼ, which
    # over- or underflows; the answer is the pⱼ → 0 limit to float precision)
    p[p <= max(n_features, 1) * np.finfo(np.float64).eps * (p.max() if p.size else 0.0)] = 0.0
    return p


def _check_alpha(alpha):
    if isinstance(alpha, bool) or not isinstance(alpha, (Real, np.number)):
        raise TypeError(f"alpha must be a real number, got {type(alpha).__name__}.")
    alpha = float(alpha)
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be finite and >= 0, got {alpha!r}.")
    return alpha


def _check_step(step):
    step = np.asarray(step, dtype=np.float64)
    if np.any(~np.isfinite(step)) or np.any(step < 0):
        raise ValueError(f"step must be finite and >= 0, got {step!r}.")
    return step


def _as_float_array(theta):
    theta = np.asarray(theta)
    if not np.issubdtype(theta.dtype, np.floating):
        theta = theta.astype(np.float64)
    return theta


class _Penalty:
    """Shared plumbing: the strength α, repr, equality."""

    name = ""

    def __init__(self, alpha=1.0):
        self.alpha = _check_alpha(alpha)

    def __repr__(self):
        return f"{type(self).__name__}(alpha={self.alpha!r})"

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(self.__dict__.items()))))


class L2Penalty(_Penalty):
    """The L2 (weight decay) penalty αΩ(θ) = ½α‖θ‖².

    Parameters
    ----------
    alpha : float, default=1.0
        Strength α ≥ 0.

    Attributes
    ----------
    alpha : float

    See Also
    --------
    L1Penalty : the sparsity-inducing penalty.
    sklearn.linear_model.Ridge : least squares with this penalty.

    Notes
    -----
    Gradient descent on R + αΩ is the lecture's weight decay,
    θ ← θ − ε∇R(θ) − εαθ; the proximal map shrinks, prox(v) = v / (1 + εα).
    The MAP prior is Gaussian, p(θ) ∝ exp(−½α‖θ‖²).

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.penalties import L2Penalty
    >>> pen = L2Penalty(alpha=0.5)
    >>> pen.value(np.array([1.0, -2.0]))
    1.25
    >>> pen.prox(np.array([3.0, -3.0]), step=2.0)
    array([ 1.5, -1.5])
    """

    name = "l2"

    def value(self, theta):
        """αΩ(θ) = ½α Σ θᵢ² over all entries.

        Parameters
        ----------
        theta : array-like of any shape

        Returns
        -------
        float
        """
        theta = _as_float_array(theta)
        return 0.5 * self.alpha * float(np.vdot(theta, theta).real)

    def gradient(self, theta):
        """∇(αΩ)(θ) = αθ.

        Parameters
        ----------
        theta : array-like of any shape

        Returns
        -------
        ndarray of the same shape
        """
        return self.alpha * _as_float_array(theta)

    def prox(self, theta, step):
        """Proximal map of step·αΩ: θ / (1 + step·α).

        Parameters
        ----------
        theta : array-like of any shape
        step : float or array-like broadcasting against ``theta``
            Step size ε ≥ 0.

        Returns
        -------
        ndarray of the broadcast shape
        """
        return _as_float_array(theta) / (1.0 + _check_step(step) * self.alpha)

    def log_prior(self, theta, normalized=False):
        """Log-density of the Gaussian prior N(0, I/α): −½α‖θ‖² (+ a constant).

        Parameters
        ----------
        theta : array-like of any shape
        normalized : bool, default=False
            Add the normalizing constant ½m·log(α/2π) (m = ``theta.size``; needs α > 0).

        Returns
        -------
        float
        """
        theta = _as_float_array(theta)
        out = -self.value(theta)
        if normalized:
            if self.alpha == 0:
                raise ValueError("The Gaussian prior is improper for alpha=0.")
            out += 0.5 * theta.size * np.log(self.alpha / (2.0 * np.pi))
        return out


class L1Penalty(_Penalty):
    """The L1 (LASSO) penalty αΩ(θ) = α‖θ‖₁.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength α ≥ 0.
    positive : bool, default=False
        Add the constraint θ ≥ 0 (Ω = +∞ elsewhere): ``prox`` then clips at 0.

    Attributes
    ----------
    alpha : float
    positive : bool

    See Also
    --------
    L2Penalty : weight decay.
    sklearn.linear_model.Lasso : least squares with this penalty.

    Notes
    -----
    The proximal map is the lecture's closed form for a diagonal quadratic:
    argmin_θ ½(θ − v)²/ε + α|θ| is the soft-threshold

        prox(v) = sign(v)·max(|v| − εα, 0),

    exactly zero when |v| ≤ εα (the sparsity of L1). With v = θ* and ε = 1/λᵢ it is the
    lecture's θ̂ᵢ = θ*ᵢ − sign(θ*ᵢ)α/λᵢ if |θ*ᵢ| > α/λᵢ, else 0.
    The MAP prior is Laplace, p(θ) ∝ exp(−α‖θ‖₁).

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.penalties import L1Penalty
    >>> pen = L1Penalty(alpha=1.0)
    >>> pen.value(np.array([1.0, -2.0]))
    3.0
    >>> pen.prox(np.array([3.0, -0.5, -2.0]), step=1.0)
    array([ 2., 0., -1.])
    """

    name = "l1"

    def __init__(self, alpha=1.0, *, positive=False):
        super().__init__(alpha)
        self.positive = bool(positive)

    def __repr__(self):
        extra = ", positive=True" if self.positive else ""
        return f"L1Penalty(alpha={self.alpha!r}{extra})"

    def value(self, theta):
        """αΩ(θ) = α Σ |θᵢ| over all entries (+∞ for a negative entry when ``positive``).

        Parameters
        ----------
        theta : array-like of any shape

        Returns
        -------
        float
        """
        theta = _as_float_array(theta)
        if self.positive and np.any(theta < 0):
            return np.inf
        return self.alpha * float(np.abs(theta).sum())

    def gradient(self, theta):
        """A subgradient of αΩ at θ: α·sign(θ) (0 where θ = 0).

        Parameters
        ----------
        theta : array-like of any shape

        Returns
        -------
        ndarray of the same shape
        """
        return self.alpha * np.sign(_as_float_array(theta))

    def prox(self, theta, step):
        """Proximal map of step·αΩ: the soft-threshold sign(θ)·max(|θ| − step·α, 0).

        With ``positive=True``: max(θ − step·α, 0).

        Parameters
        ----------
        theta : array-like of any shape
        step : float or array-like broadcasting against ``theta``
            Step size ε ≥ 0.

        Returns
        -------
        ndarray of the broadcast shape (a new array)
        """
        theta = _as_float_array(theta)
        threshold = _check_step(step) * self.alpha
        if self.positive:
            return np.maximum(theta - threshold, 0.0)
        return np.sign(theta) * np.maximum(np.abs(theta) - threshold, 0.0)

    def log_prior(self, theta, normalized=False):
        """Log-density of the Laplace prior with rate α: −α‖θ‖₁ (+ a constant).

        Parameters
        ----------
        theta : array-like of any shape
        normalized : bool, default=False
            Add the normalizing constant m·log(α/2) (m = ``theta.size``; needs α > 0;
            m·log(α) for ``positive``, the exponential prior).

        Returns
        -------
        float
        """
        theta = _as_float_array(theta)
        out = -self.value(theta)
        if normalized:
            if self.alpha == 0:
                raise ValueError("The Laplace prior is improper for alpha=0.")
            scale = self.alpha if self.positive else self.alpha / 2.0
            out += theta.size * np.log(scale)
        return out


_PENALTIES = {"l2": L2Penalty, "l1": L1Penalty}


def make_penalty(name, alpha=1.0):
    """The penalty object called ``name`` with strength ``alpha``.

    Parameters
    ----------
    name : {'l2', 'l1'}
    alpha : float, default=1.0

    Returns
    -------
    L2Penalty or L1Penalty

    Examples
    --------
    >>> from skreg.penalties import make_penalty
    >>> make_penalty("l1", 0.1)
    L1Penalty(alpha=0.1)
    """
    if not isinstance(name, str) or name.lower() not in _PENALTIES:
        raise ValueError(f"penalty must be one of {sorted(_PENALTIES)}, got {name!r}.")
    return _PENALTIES[name.lower()](alpha)


def layer_penalties(alpha, n_layers, penalty="l2"):
    """One penalty per layer of a network, from one strength or one per layer.

    Parameters
    ----------
    alpha : float or sequence of float
        A float gives every layer the same α; a sequence must have length ``n_layers``.
    n_layers : int
        Number of weight matrices (layers) to penalize.
    penalty : {'l2', 'l1'}, default='l2'

    Returns
    -------
    list of L2Penalty or L1Penalty, of length ``n_layers``

    Examples
    --------
    >>> from skreg.penalties import layer_penalties
    >>> layer_penalties([0.1, 0.0], 2)
    [L2Penalty(alpha=0.1), L2Penalty(alpha=0.0)]
    """
    if isinstance(n_layers, bool) or not isinstance(n_layers, (int, np.integer)) or n_layers < 0:
        raise ValueError(f"n_layers must be a non-negative integer, got {n_layers!r}.")
    n_layers = int(n_layers)
    if np.ndim(alpha) == 0:
        return [make_penalty(penalty, alpha) for _ in range(n_layers)]
    if np.ndim(alpha) != 1 or len(alpha) != n_layers:
        raise ValueError(
            f"alpha must be a float or a sequence of length n_layers={n_layers}, "
            f"got shape {np.shape(alpha)}."
        )
    return [make_penalty(penalty, a) for a in alpha]
