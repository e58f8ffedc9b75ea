"""The lecture's closed forms as pure, vectorized functions.

This module imports nothing from the rest of skreg: it is the independent reference the
tests hold the estimators to, so that a test compares two different computations.
Every function broadcasts over its array arguments (many α, many directions, many targets),
and validates them the same way (``_checked``): a ValueError naming the argument for NaN,
infinity, a negative strength, variance, step or count, and a negative eigenvalue.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ridge_spectral_solution", "l2_shrink", "input_noise_equivalent_alpha", "weight_noise_penalty", "soft_threshold", "early_stopping_equivalent_alpha", "early_stopping_iterate"]


def _checked(name, value, *, low=None, strict=False, high=None, finite=True, what=""):
    """``value`` as a float64 array, or a ValueError that names the argument.

    The one validation of this module: NaN is refused everywhere (a closed form of NaN
    is not a reference), infinities where ``finite``, values below ``low`` (or equal to
    it when ``strict``) and, when ``high`` is given, values at or above it.
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}.") from None
    if np.any(np.isnan(arr)):
        raise ValueError(f"{name} contains NaN.")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains infinity; the closed forms need finite values.")
    if low is not None and np.any(arr <= low if strict else arr < low):
        bound = f"> {low:g}" if strict else f">= {low:g}"
        raise ValueError(f"{name} must be {bound}{what}, got {float(np.min(arr)):g}.")
    if high is not None and np.any(arr >= high):
        raise ValueError(f"{name} must be < {high:g}{what}, got {float(np.max(arr)):g}.")
    return arr


_EIGEN = (" (eigenvalues of a Gram matrix are non-negative: clip rounding-level negatives "
          "with np.maximum(lam, 0))")


def ridge_spectral_solution(X, y, alpha):
    """Ridge solution from the eigendecomposition of H = XᵀX, as the lecture writes it.

    With Hu_i = λ_i u_i and Xᵀy = Σ β_i u_i,

        ŵ = (H + αI)⁻¹ Xᵀy = Σ_i β_i / (λ_i + α) u_i.

    No intercept and no centring: pass centred data to compare with a model that fits
    an intercept.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alpha : float or array-like of shape (n_alphas,)
        Strengths α > 0 (or α = 0 when H is invertible).

    Returns
    -------
    ndarray of shape (n_features,) for a scalar α, else (n_alphas, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> ridge_spectral_solution(X, np.array([1.0, 2.0]), 1.0)
    array([0.5, 0.8])
    """
    X = _checked("X", X)
    y = _checked("y", y)
    alpha_arr = _checked("alpha", alpha, low=0.0, what=" (a strength)")
    lam, U = np.linalg.eigh(X.T @ X)
    beta = U.T @ (X.T @ y)
    coords = beta / (lam + alpha_arr.reshape(-1, 1))
    w = coords @ U.T
    return w[0] if alpha_arr.ndim == 0 else w


def l2_shrink(theta_star, lam, alpha):
    """L2-regularized minimizer of a diagonal quadratic: θ̂_i = λ_i / (λ_i + α) θ*_i.

    The lecture's "L1 vs L2" example minimizes ½ Σ λ_i (θ_i − θ*_i)² + ½α‖θ‖².

    Parameters
    ----------
    theta_star : array-like
        Unregularized minimizer θ*.
    lam : array-like
        Curvatures λ_i > 0 (eigenvalues of H), broadcast against ``theta_star``.
    alpha : float or array-like
        Strength α ≥ 0, broadcast.

    Returns
    -------
    ndarray
        The broadcast shape of the three arguments.

    Examples
    --------
    >>> l2_shrink([2.0, -2.0], [1.0, 3.0], 1.0)
    array([ 1. , -1.5])
    """
    theta_star = _checked("theta_star", theta_star)
    lam = _checked("lam", lam, low=0.0, what=_EIGEN)
    alpha = _checked("alpha", alpha, low=0.0, what=" (a strength)")
    return lam / (lam + alpha) * theta_star


def input_noise_equivalent_alpha(noise_var, n_samples):
    """L2 strength equivalent to Gaussian input noise in least squares: α = δ·N.

    The lecture's "linear regression with noisy inputs": with X̃ = X + Z and the rows
    of Z drawn from N(0, δI),

        ½‖X̃w − y‖² = ½‖Xw − y‖² + ½‖Zw‖² + (Zw)ᵀ(Xw − y),

    and since E[ZᵀZ] = δN·I and E[Z] = 0,

        E_Z ½‖X̃w − y‖² = ½‖Xw − y‖² + ½ δN ‖w‖²,

    ridge regression with α = δN in the sum convention of ``RidgeEigen``.  With
    sample weights wᵢ (risk ½Σ wᵢ(x̃ᵢᵀw − yᵢ)²) the same computation gives α = δ Σᵢ wᵢ:
    pass Σ wᵢ as ``n_samples``.

    Parameters
    ----------
    noise_var : float or array-like
        δ ≥ 0, the variance of each noise entry (``noise_std ** 2``).
    n_samples : float or array-like
        N, the number of samples (or the sum of the sample weights), broadcast.

    Returns
    -------
    float or ndarray
        δ·N, the broadcast shape of the arguments.

    Examples
    --------
    >>> input_noise_equivalent_alpha(0.01, 442)
    4.42
    """
    noise_var = _checked("noise_var", noise_var, low=0.0, what=" (a variance)")
    n_samples = _checked("n_samples", n_samples, low=0.0)
    out = noise_var * n_samples
    return float(out) if out.ndim == 0 else out


def weight_noise_penalty(grad_f, noise_std):
    """Second-order penalty of Gaussian weight noise: ½δ² Σₖ ‖∇θ f(xₖ, θ)‖².

    The lecture perturbs the weights, θ ↦ θ + δφ with φ ~ N(0, I), and expands the
    squared loss of one pair (x, y) to second order in δ:

        E_φ ½(f(x, θ + δφ) − y)² = ½(f − y)² + ½δ²‖∇θ f‖² + ½δ²(f − y)·Δθ f + O(δ⁴).

    The lecture keeps the gradient term, a penalty on how much the prediction moves with
    the weights, and drops the last term ½δ²(f − y)·Δθ f (Δθ f = tr ∇²θ f, the
    Laplacian of the prediction).  That term vanishes exactly for models linear in θ
    (f = θᵀx has Δθ f = 0, and then the expansion is exact: E_φ = ½(f − y)² +
    ½δ²‖x‖²) and at a perfect fit (f = y); otherwise it is of the same order δ² and
    its sign follows the residual.  This function returns the kept term, summed over
    samples.

    Parameters
    ----------
    grad_f : array-like of shape (n_samples, n_params) or (n_params,)
        ∇θ f(xₖ, θ) for each sample (one row per sample; a 1-D array is one sample).
    noise_std : float or array-like
        δ ≥ 0, the standard deviation of the weight perturbation (an array gives one
        penalty per δ).

    Returns
    -------
    float or ndarray
        ½δ² Σₖ ‖∇θ f(xₖ, θ)‖², the shape of ``noise_std``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[3.0, 4.0]])   # f = θᵀx, so ∇θ f = x
    >>> weight_noise_penalty(x, 0.1)
    0.125
    """
    grad_f = _checked("grad_f", grad_f)
    noise_std = _checked("noise_std", noise_std, low=0.0, what=" (a standard deviation)")
    squared_norm = float(np.sum(grad_f * grad_f))
    out = 0.5 * noise_std**2 * squared_norm
    return float(out) if out.ndim == 0 else out


def soft_threshold(theta_star, lam, alpha):
    """L1-regularized minimizer of a diagonal quadratic: the lecture's soft-threshold.

    The lecture's "L1 vs L2" example minimizes Σᵢ ½λᵢ(θᵢ − θ*ᵢ)² + α|θᵢ|, one
    coordinate at a time:

        θ̂ᵢ = θ*ᵢ − sign(θ*ᵢ)·α/λᵢ   if |θ*ᵢ| > α/λᵢ,   else 0.

    Parameters
    ----------
    theta_star : array-like
        Unregularized minimizer θ*.
    lam : array-like
        Curvatures λᵢ > 0 (eigenvalues of H), broadcast against ``theta_star``.
    alpha : float or array-like
        Strength α ≥ 0, broadcast (e.g. shape (n_alphas, 1) for many α at once).

    Returns
    -------
    ndarray
        The broadcast shape of the three arguments.

    Examples
    --------
    >>> soft_threshold([2.0, -2.0, 0.5], [1.0, 1.0, 1.0], 1.0)
    array([ 1., -1.,  0.])
    """
    theta_star = _checked("theta_star", theta_star)
    lam = _checked("lam", lam, low=0.0, strict=True, what=_EIGEN)
    alpha = _checked("alpha", alpha, low=0.0, what=" (a strength)")
    threshold = alpha / lam
    shrunk = theta_star - np.sign(theta_star) * threshold
    return np.where(np.abs(theta_star) > threshold, shrunk, 0.0)


def early_stopping_iterate(theta_0, theta_star, lam, learning_rate, n_steps):
    """Gradient descent on ½λ(θ − θ*)² after τ steps: a weighted average of θ₀ and θ*.

    The lecture's 1-D example: θ_{k+1} = θ_k − ελ(θ_k − θ*), hence

        θ_τ = (1 − ελ)^τ θ₀ + (1 − (1 − ελ)^τ) θ*.

    Parameters
    ----------
    theta_0, theta_star : array-like
        Initial point and optimum (broadcast).
    lam : array-like
        Curvature λ ≥ 0 (an eigenvalue of the Hessian of the loss descended).
    learning_rate : float or array-like
        Step ε.
    n_steps : int or array-like
        Number of steps τ ≥ 0.

    Returns
    -------
    ndarray
        The broadcast shape of the arguments.

    Examples
    --------
    >>> early_stopping_iterate(0.0, 2.0, 1.0, 0.5, [1, 2, 3])
    array([1.  , 1.5 , 1.75])
    """
    theta_0 = _checked("theta_0", theta_0)
    theta_star = _checked("theta_star", theta_star)
    lam = _checked("lam", lam, low=0.0, what=_EIGEN)
    eps = _checked("learning_rate", learning_rate, low=0.0)
    tau = _checked("n_steps", n_steps, low=0.0)
    weight = (1.0 - eps * lam) ** tau
    return weight * theta_0 + (1.0 - weight) * theta_star


def early_stopping_equivalent_alpha(lam, learning_rate, n_steps):
    """L2 strength equivalent to stopping gradient descent after τ steps.

    Stopping at τ gives θ̂ = (1 − ελ)^τ θ₀ + (1 − (1 − ελ)^τ) θ*, and L2 regularization
    centred at θ₀ gives θ̂ = α/(α+λ) θ₀ + λ/(α+λ) θ*; the two agree for

        α = λ(1 − ελ)^τ / (1 − (1 − ελ)^τ).

    λ, ε and α are in one convention: with the sum loss ½‖Xθ − y‖² (λ an eigenvalue of
    XᵀX, ε the step on that loss) α is RidgeEigen's alpha.  α decreases in τ (for
    0 < ελ < 1): training longer is regularizing less.

    Parameters
    ----------
    lam : array-like
        Curvatures λ ≥ 0.  At λ = 0 the limit 1/(ετ) is returned.
    learning_rate : float or array-like
        Step ε > 0 (ελ < 2 for a convergent iteration; for 1 < ελ < 2 and odd τ the
        iterate overshoots θ* and α is negative).
    n_steps : int or array-like
        τ ≥ 0 (τ = 0 gives α = ∞: nothing learned).

    Returns
    -------
    ndarray
        The broadcast shape of the arguments.

    Examples
    --------
    >>> early_stopping_equivalent_alpha([1.0, 1.0, 1.0], 0.5, [1, 2, 3])
    array([1.        , 0.33333333, 0.14285714])
    """
    lam = _checked("lam", lam, low=0.0, what=_EIGEN)
    eps = _checked("learning_rate", learning_rate, low=0.0, strict=True)
    tau = _checked("n_steps", n_steps, low=0.0)
    lam, eps, tau = np.broadcast_arrays(lam, eps, tau)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # (1 − ελ)^τ and 1 − (1 − ελ)^τ without cancellation when ελ is small
        x = tau * np.log1p(-np.minimum(eps * lam, 1.0))
        small = eps * lam <= 1.0
        q = np.where(small, np.exp(x), (1.0 - eps * lam) ** tau)
        one_minus_q = np.where(small, -np.expm1(x), 1.0 - q)
        alpha = lam * q / one_minus_q
        limit = 1.0 / (eps * tau)
    alpha = np.where(lam == 0, limit, alpha)
    return np.where(tau == 0, np.inf, alpha)


__all__ += ["dropout_equivalent_penalty"]


def dropout_equivalent_penalty(X, coef, rate):
    """Expected extra loss of input dropout on a linear model: ½·p/(1−p)·Σⱼ (Σᵢ xᵢⱼ²) wⱼ².

    Inverted dropout replaces each input by x̃ᵢⱼ = xᵢⱼ mᵢⱼ / (1 − p) with independent
    mᵢⱼ ~ Bernoulli(1 − p), so E[x̃ᵢⱼ] = xᵢⱼ and Var[x̃ᵢⱼ] = xᵢⱼ² p / (1 − p).  For the
    squared loss of a linear model the cross term vanishes in expectation and

        E_M ½‖X̃w + b − y‖² = ½‖Xw + b − y‖² + ½ Σᵢ Σⱼ Var[x̃ᵢⱼ] wⱼ²
                           = ½‖Xw + b − y‖² + ½·p/(1 − p)·Σⱼ (Σᵢ xᵢⱼ²) wⱼ²,

    exactly (no expansion): ridge regression whose penalty weighs each wⱼ by the energy
    Σᵢ xᵢⱼ² of its feature — the lecture's input noise with a variance proportional to
    xᵢⱼ² (multiplicative instead of additive noise; Gaussian noise of variance δ gives
    the data-independent ½δN‖w‖² of :func:`input_noise_equivalent_alpha`).  Its
    gradient in w is p/(1 − p)·(Σᵢ xᵢⱼ²) wⱼ.  Sum convention: divide by n for a mean loss.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The inputs the masks act on (uncentred: dropout multiplies the raw inputs).
    coef : array-like of shape (n_features,) or (n_features, n_targets)
        w (several targets: the penalties of the columns add up).
    rate : float or array-like
        Dropout rate p in [0, 1) (an array gives one penalty per rate).

    Returns
    -------
    float or ndarray
        ½·p/(1 − p)·Σⱼ (Σᵢ xᵢⱼ²) Σₖ wⱼₖ², the shape of ``rate``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [1.0, 2.0]])   # column energies 2 and 4
    >>> dropout_equivalent_penalty(X, np.array([1.0, 0.5]), 0.5)   # ½·1·(2·1 + 4·0.25)
    1.5
    """
    X = _checked("X", X)
    coef = _checked("coef", coef)
    rate = _checked("rate", rate, low=0.0, high=1.0, what=" (a dropout rate in [0, 1))")
    if X.ndim != 2 or coef.shape[0] != X.shape[1]:
        raise ValueError(f"coef must have one row per column of X ({X.shape[1]}), got shape {coef.shape}.")
    energy = np.einsum("ij,ij->j", X, X)
    weighted = float(np.sum(energy * np.sum(coef.reshape(coef.shape[0], -1) ** 2, axis=1)))
    out = 0.5 * rate / (1.0 - rate) * weighted
    return float(out) if out.ndim == 0 else out


__all__ += ["logistic_input_noise_penalty"]


def logistic_input_noise_penalty(X, coef, intercept, noise_std, sample_weight=None):
    """Second-order expected cost of Gaussian input noise on a logistic model.

    With x̃ = x + ε, ε ~ N(0, σ²I) (σ = ``noise_std``), the decision values move by
    u = Wε ~ N(0, σ²WWᵀ), and a Taylor expansion of the cross-entropy ℓ(z) around the
    clean z = Wx + b gives E ℓ(z + u) = ℓ(z) + ½ E[uᵀ∇²ℓ(z)u] + O(σ⁴), so

        binary  (p = σ(wᵀx + b)):   ½σ² Σᵢ sᵢ pᵢ(1 − pᵢ) ‖w‖²
        softmax (p = softmax(Wx + b)): ½σ² Σᵢ sᵢ tr(Wᵀ(diag pᵢ − pᵢpᵢᵀ)W)

    (∇²ℓ = diag p − ppᵀ does not depend on the label): a ridge penalty whose strength
    depends on the data and on W through p (Bishop 1995; Wager, Wang & Liang 2013).
    Sum convention (a sum over samples, weighted by sᵢ).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    coef : array-like of shape (n_features,), (1, n_features) or (n_classes, n_features)
        One row: the binary model (sigmoid); K ≥ 2 rows: softmax over K classes.
    intercept : float or array-like of shape (1,) or (n_classes,)
    noise_std : float
        σ ≥ 0, the standard deviation of each noise entry (the lecture's δ = σ²).
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((4, 2))            # p = ½ everywhere: ½σ²·4·¼·‖w‖²
    >>> round(logistic_input_noise_penalty(X, [3.0, 4.0], 0.0, noise_std=0.1), 12)
    0.125
    """
    X = np.asarray(X, dtype=np.float64)
    W = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    b = np.broadcast_to(np.asarray(intercept, dtype=np.float64), (W.shape[0],))
    s = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    Z = X @ W.T + b
    if W.shape[0] == 1:
        p = 1.0 / (1.0 + np.exp(-Z[:, 0]))
        return float(0.5 * noise_std**2 * np.sum(s * p * (1.0 - p)) * np.sum(W**2))
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    hessians = np.einsum("ik,kl->ikl", P, np.eye(W.shape[0])) - np.einsum("ik,il->ikl", P, P)
    traces = np.einsum("kd,ikl,ld->i", W, hessians, W)  # tr(Wᵀ Hᵢ W)
    return float(0.5 * noise_std**2 * np.sum(s * traces))


__all__ += ["elastic_net_diagonal_solution"]


def elastic_net_diagonal_solution(theta_star, eigenvalues, alpha, l1_ratio):
    """Elastic-net minimizer of a diagonal quadratic: soft-threshold, then ridge shrinkage.

    Minimizes Σᵢ ½λᵢ(θᵢ − θ*ᵢ)² + α·[ρ|θᵢ| + (1 − ρ)/2 θᵢ²] coordinate by coordinate:
    the stationarity condition λᵢ(θᵢ − θ*ᵢ) + αρ·sign(θᵢ) + α(1 − ρ)θᵢ = 0 gives

        θ̂ᵢ = S(θ*ᵢ, αρ/λᵢ) · λᵢ / (λᵢ + α(1 − ρ)),

    S the lecture's soft-threshold: ρ = 1 is the LASSO's soft-threshold, ρ = 0 the
    ridge shrinkage λᵢ/(λᵢ + α) of θ*ᵢ.

    Parameters
    ----------
    theta_star : array-like
        Unregularized minimizer θ*.
    eigenvalues : array-like
        Curvatures λᵢ > 0, broadcast against ``theta_star``.
    alpha : float or array-like
        Strength α ≥ 0 (broadcast).
    l1_ratio : float or array-like
        ρ ∈ [0, 1] (broadcast).

    Returns
    -------
    ndarray
        The broadcast shape of the arguments.

    Examples
    --------
    >>> elastic_net_diagonal_solution([3.0, -3.0, 0.5], [1.0, 1.0, 1.0], 2.0, 0.5)
    array([ 1., -1.,  0.])
    """
    theta_star = np.asarray(theta_star, dtype=np.float64)
    lam = np.asarray(eigenvalues, dtype=np.float64)
    alpha = np.asarray(alpha, dtype=np.float64)
    rho = np.asarray(l1_ratio, dtype=np.float64)
    if np.any(np.isnan(theta_star)) or np.any(np.isnan(lam)):
        raise ValueError("theta_star and eigenvalues must not contain NaN.")
    if np.any(~(lam > 0)):
        raise ValueError("eigenvalues must be > 0.")
    if np.any(~(alpha >= 0)):
        raise ValueError("alpha must be >= 0.")
    if np.any(~((rho >= 0) & (rho <= 1))):
        raise ValueError("l1_ratio must be in [0, 1].")
    return soft_threshold(theta_star, lam, alpha * rho) * lam / (lam + alpha * (1.0 - rho))
