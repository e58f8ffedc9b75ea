"""Noise injection: the lecture's third way to regularize, "change the data the risk sees".

Three small, seeded, vectorized mechanisms shared by every estimator:

=========================  ===============================================================
:func:`add_input_noise`    x ↦ x + z, z ~ N(0, δI) with δ = ``noise_std``² (inputs)
:func:`smooth_labels`      one-hot y ↦ 1 → 1 − α, 0 → α/(K − 1) (outputs / labels)
:func:`perturb_weights`    θ ↦ θ + δφ, φ ~ N(0, I) with δ = ``noise_std`` (weights)
=========================  ===============================================================

Mind the two different δ of the lecture: for inputs δ is the noise *variance*
(z ~ N(0, δI)), for weights it is the noise *standard deviation* (θ + δφ, φ ~ N(0, I)).
Every function here takes a standard deviation ``noise_std``, so input noise has
δ = ``noise_std``² and weight noise has δ = ``noise_std``.

The closed forms these mechanisms approximate are in :mod:`skreg.theory`
(:func:`~skreg.theory.input_noise_equivalent_alpha`,
:func:`~skreg.theory.weight_noise_penalty`).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.utils import check_random_state

__all__ = ["add_input_noise", "input_noise_logistic_penalty", "perturb_weights", "smooth_labels"]


def _as_rng(random_state):
    """A Generator passes through; anything else goes through check_random_state."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    return check_random_state(random_state)


def _check_noise_std(noise_std):
    if isinstance(noise_std, bool) or not isinstance(noise_std, Real):
        raise TypeError(f"noise_std must be a real number, got {type(noise_std).__name__}.")
    if not np.isfinite(noise_std) or noise_std < 0:
        raise ValueError(f"noise_std must be finite and >= 0, got {noise_std!r}.")
    return float(noise_std)


def _float_dtype(array):
    return array.dtype if array.dtype in (np.float32, np.float64) else np.dtype(np.float64)


def add_input_noise(X, noise_std, random_state=None, n_copies=1):
    """Stack ``n_copies`` copies of X, each with fresh Gaussian noise added.

    Row k·n + i of the result is xᵢ + zₖᵢ with independent zₖᵢ ~ N(0, δI), δ =
    ``noise_std``²: the lecture's X̃ = X + Z, drawn ``n_copies`` times.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        A sparse X is not densified: its nonzeros are added to the dense noise in place.
        Dense numeric inputs (not modified).
    noise_std : float
        Standard deviation √δ ≥ 0 of each noise entry.
    random_state : int, RandomState instance or None, default=None
        Seed of the noise (through :func:`sklearn.utils.check_random_state`), or a
        :class:`numpy.random.Generator`.
    n_copies : int, default=1
        Number of noisy copies stacked along the first axis.

    Returns
    -------
    ndarray of shape (n_copies * n_samples, n_features)
        float32 for float32 input, float64 otherwise.  Copy k occupies rows
        ``k * n_samples`` to ``(k + 1) * n_samples``.

    See Also
    --------
    skreg.theory.input_noise_equivalent_alpha : δ·N, the L2 strength this noise
        amounts to in expectation for least squares.
    skreg.linear_model.NoisyInputRegressor : fits any regressor on these copies.

    Notes
    -----
    For least squares R(w) = ½‖Xw − y‖² the lecture expands, with X̃ = X + Z,

        ½‖X̃w − y‖² = ½‖Xw − y‖² + ½‖Zw‖² + (Zw)ᵀ(Xw − y),

    whose expectation over Z is R(w) + ½δN‖w‖²: input noise is L2 regularization
    with α = δN.  Memory: the result holds ``n_copies`` times X; no bound is enforced
    here (:class:`~skreg.linear_model.NoisyInputRegressor` enforces one).

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.noise import add_input_noise
    >>> X = np.zeros((1000, 3))
    >>> X_noisy = add_input_noise(X, noise_std=0.5, random_state=0, n_copies=2)
    >>> X_noisy.shape
    (2000, 3)
    >>> round(float(X_noisy.std()), 1)
    0.5
    """
    noise_std = _check_noise_std(noise_std)
    if isinstance(n_copies, bool) or not isinstance(n_copies, Integral) or n_copies < 1:
        raise ValueError(f"n_copies must be an integer >= 1, got {n_copies!r}.")
    is_sparse_X = sparse.issparse(X)  # its nonzeros are added in place: X is never densified
    X = X if is_sparse_X else np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}.")
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool) or np.iscomplexobj(X):
        raise TypeError(f"X must be real numeric, got dtype {X.dtype}.")
    rng = _as_rng(random_state)
    n, d = X.shape
    dtype = _float_dtype(X)
    # One array of the final size: draw, scale and add X in place (copy-major blocks).
    noise = rng.standard_normal(size=(int(n_copies) * n, d))
    if dtype == np.float32:
        out = noise.astype(np.float32)
        del noise
    else:
        out = noise
    out *= noise_std
    blocks = out.reshape(int(n_copies), n, d)
    if is_sparse_X:
        coo = sparse.coo_matrix(X, copy=True)
        coo.sum_duplicates()  # one entry per position: the fancy-indexed += adds each once
        blocks[:, coo.row, coo.col] += coo.data.astype(dtype, copy=False)
    else:
        blocks[...] += X.astype(dtype, copy=False)
    return out


def perturb_weights(params, noise_std, random_state=None):
    """Gaussian weight noise: return θ + δφ with φ ~ N(0, I) for every array of θ.

    Parameters
    ----------
    params : list of array-like, or a single array-like
        The parameters θ (e.g. the weight matrices and biases of a network); not
        modified.
    noise_std : float
        δ ≥ 0, the standard deviation of each perturbation entry.
    random_state : int, RandomState instance or None, default=None
        Seed (through :func:`sklearn.utils.check_random_state`), or a
        :class:`numpy.random.Generator` (about 3x faster to draw from).  Passing the same
        instance at each training step draws fresh noise each time.

    Returns
    -------
    list of ndarray (or one ndarray when ``params`` is a single array)
        New arrays of the same shapes; float32 parameters stay float32.

    See Also
    --------
    skreg.theory.weight_noise_penalty : ½δ²Σ‖∇θ f‖², the penalty this noise adds
        to the squared loss to second order.

    Notes
    -----
    For one pair (x, y) and a prediction f(x, θ) the lecture gives

        E_φ ½(f(x, θ + δφ) − y)² = ½(f(x, θ) − y)² + ½δ²‖∇θ f(x, θ)‖² + …,

    a penalty on how much the prediction moves with the weights.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.noise import perturb_weights
    >>> W, b = np.zeros((500, 40)), np.zeros(40)
    >>> W_noisy, b_noisy = perturb_weights([W, b], noise_std=0.1, random_state=0)
    >>> W_noisy.shape, b_noisy.shape
    ((500, 40), (40,))
    >>> round(float(W_noisy.std()), 2)
    0.1
    """
    noise_std = _check_noise_std(noise_std)
    rng = _as_rng(random_state)
    single = isinstance(params, np.ndarray)
    arrays = [params] if single else list(params)
    out = []
    for theta in arrays:  # a loop over layers, not samples
        theta = np.asarray(theta)
        dtype = _float_dtype(theta)
        phi = rng.standard_normal(size=theta.shape)
        new = theta.astype(np.float64) + noise_std * phi
        out.append(new.astype(dtype, copy=False))
    return out[0] if single else out


def smooth_labels(Y, alpha, *, n_classes=None, convention="lecture"):
    """Label smoothing: soften one-hot targets by α.

    Parameters
    ----------
    Y : array-like of shape (n_samples,) or (n_samples, n_classes)
        Integer class indices 0 … K − 1, or a one-hot matrix (more generally, rows
        that are probability vectors: non-negative, summing to 1).
    alpha : float
        Smoothing strength, 0 ≤ α < 1 (α = 0 returns the one-hot matrix).
    n_classes : int or None, default=None
        K. For integer labels, None infers K = max(Y) + 1; for a matrix it must
        equal ``Y.shape[1]`` when given.  K ≥ 2.
    convention : {'lecture', 'uniform'}, default='lecture'
        'lecture': 1 → 1 − α and 0 → α/(K − 1), exactly as the lecture writes it
        (the true class keeps 1 − α, the rest is shared by the K − 1 others).
        'uniform': y(1 − α) + α/K, the convention of Keras
        (``CategoricalCrossentropy(label_smoothing=α)``) and PyTorch
        (``CrossEntropyLoss(label_smoothing=α)``): α is spread over all K classes,
        so the true class keeps 1 − α + α/K.  The two agree when α_uniform =
        α_lecture · K/(K − 1).

    Returns
    -------
    ndarray of shape (n_samples, K)
        Rows sum to 1. float32 for a float32 matrix, float64 otherwise.

    Raises
    ------
    ValueError
        α outside [0, 1), K < 2, labels outside 0 … K − 1 or not integers, rows of a
        matrix that are not probability vectors, or an unknown convention.

    Notes
    -----
    For a general probability row p, 'lecture' is the affine map
    p(1 − α) + (1 − p)α/(K − 1), which reduces to the lecture's rule on one-hot
    rows and keeps every row sum equal to 1:

        y = (0, 1, 0, 0)ᵀ  ↦  (α/3, 1 − α, α/3, α/3)ᵀ.

    Examples
    --------
    >>> from skreg.noise import smooth_labels
    >>> smooth_labels([1], 0.3, n_classes=4)
    array([[0.1, 0.7, 0.1, 0.1]])
    >>> smooth_labels([1], 0.4, n_classes=4, convention="uniform")
    array([[0.1, 0.7, 0.1, 0.1]])
    """
    if convention not in ("lecture", "uniform"):
        raise ValueError(f"convention must be 'lecture' or 'uniform', got {convention!r}.")
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(f"alpha must be a real number, got {type(alpha).__name__}.")
    if not 0 <= alpha < 1:
        raise ValueError(f"alpha must be in [0, 1), got {alpha!r}.")
    if n_classes is not None and (
        isinstance(n_classes, bool) or not isinstance(n_classes, Integral) or n_classes < 2
    ):
        raise ValueError(f"n_classes must be an integer >= 2 or None, got {n_classes!r}.")
    Y = np.asarray(Y)
    if not (np.issubdtype(Y.dtype, np.number) or Y.dtype == bool) or np.iscomplexobj(Y):
        raise ValueError(f"Y must hold integer labels or a one-hot matrix, got dtype {Y.dtype}.")
    if Y.ndim == 1:
        onehot = _one_hot(Y, n_classes)
    elif Y.ndim == 2:
        onehot = _check_probability_rows(Y, n_classes)
    else:
        raise ValueError(f"Y must be 1-D labels or a 2-D one-hot matrix, got shape {Y.shape}.")
    K = onehot.shape[1]
    if K < 2:
        raise ValueError(f"label smoothing needs at least 2 classes, got {K}.")
    alpha = float(alpha)
    if convention == "lecture":
        # p(1 − α) + (1 − p) α/(K − 1)  =  p(1 − α − α/(K − 1)) + α/(K − 1)
        off = alpha / (K - 1)
        return onehot * (1.0 - alpha - off) + off
    return onehot * (1.0 - alpha) + alpha / K


def _one_hot(labels, n_classes):
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise ValueError("integer labels expected: Y has non-integer values.")
    elif labels.dtype.kind not in "iub":
        raise ValueError(f"integer labels expected, got dtype {labels.dtype}.")
    labels = labels.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ValueError(f"labels must be in 0 … K − 1, got {labels.min()}.")
    K = n_classes if n_classes is not None else (int(labels.max()) + 1 if labels.size else 0)
    if K < 2:
        raise ValueError(f"label smoothing needs at least 2 classes, got K = {K}; pass n_classes.")
    if labels.size and labels.max() >= K:
        raise ValueError(f"label {labels.max()} is out of range for n_classes={K}.")
    onehot = np.zeros((labels.size, K))
    onehot[np.arange(labels.size), labels] = 1.0
    return onehot


def _check_probability_rows(Y, n_classes):
    if n_classes is not None and Y.shape[1] != n_classes:
        raise ValueError(f"Y has {Y.shape[1]} columns but n_classes={n_classes}.")
    dtype = np.float32 if Y.dtype == np.float32 else np.float64
    P = Y.astype(dtype)
    if not np.all(np.isfinite(P)) or np.any(P < 0) or np.any(P > 1):
        raise ValueError("a one-hot matrix Y must have entries in [0, 1].")
    tol = 1e-5 if dtype == np.float32 else 1e-8
    if P.shape[1] >= 2 and not np.allclose(P.sum(axis=1), 1.0, rtol=0, atol=tol * P.shape[1]):
        raise ValueError("each row of a one-hot matrix Y must sum to 1.")
    return P


def input_noise_logistic_penalty(X, coef, proba, noise_std, sample_weight=None):
    """Value and gradient of the second-order input-noise penalty of a logistic model.

    The expected cross-entropy under x ↦ x + ε, ε ~ N(0, σ²I), is the clean one plus

        binary:  P = ½σ² Σᵢ sᵢ pᵢ(1 − pᵢ) ‖w‖²
        softmax: P = ½σ² Σᵢ sᵢ tr(Wᵀ(diag pᵢ − pᵢpᵢᵀ)W)
                   = ½σ² Σᵢ sᵢ (Σₖ pᵢₖ‖wₖ‖² − ‖Wᵀpᵢ‖²)

    to O(σ⁴) (:func:`skreg.theory.logistic_input_noise_penalty` is the reference).  P
    depends on W directly and through pᵢ = p(Wxᵢ + b): with vᵢ = pᵢ(1 − pᵢ),
    ∂vᵢ/∂zᵢ = vᵢ(1 − 2pᵢ) (binary); for softmax, ∂tᵢ/∂pᵢₖ = ‖wₖ‖² − 2wₖᵀW ᵀpᵢ and the
    softmax Jacobian gives ∂tᵢ/∂zᵢ = pᵢ ⊙ (gᵢ − pᵢᵀgᵢ).  Vectorized over samples.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    coef : ndarray of shape (1, n_features) or (n_classes, n_features)
        One row: binary (sigmoid) model; K ≥ 2 rows: softmax.
    proba : ndarray of shape (n_samples,) or (n_samples, n_classes)
        p(Wxᵢ + b): the sigmoid for one row of ``coef``, the softmax otherwise.
    noise_std : float
        σ, the standard deviation of each noise entry.
    sample_weight : ndarray of shape (n_samples,), default=None

    Returns
    -------
    value : float
    grad_coef : ndarray, the shape of ``coef``
    grad_intercept : ndarray of shape (n_rows_of_coef,)
    """
    W = np.asarray(coef, dtype=np.float64)
    s = (
        np.ones(X.shape[0])
        if sample_weight is None
        else np.asarray(sample_weight, dtype=np.float64)
    )
    half_var = 0.5 * float(noise_std) ** 2
    if W.shape[0] == 1:  # binary: one sigmoid
        p = np.asarray(proba, dtype=np.float64).reshape(-1)
        sv = s * p * (1.0 - p)
        norm2 = float(np.sum(W**2))
        value = half_var * float(sv.sum()) * norm2
        gz = half_var * norm2 * sv * (1.0 - 2.0 * p)  # ∂P/∂zᵢ
        grad = 2.0 * half_var * float(sv.sum()) * W + np.asarray(X.T @ gz).reshape(1, -1)
        return value, grad, np.array([gz.sum()])
    P = np.asarray(proba, dtype=np.float64)
    q = np.sum(W**2, axis=1)  # ‖wₖ‖²
    M = P @ W  # rows Wᵀpᵢ
    t = P @ q - np.sum(M**2, axis=1)
    value = half_var * float(s @ t)
    g = q[None, :] - 2.0 * (M @ W.T)  # ∂tᵢ/∂pᵢₖ
    gz = half_var * s[:, None] * P * (g - np.sum(P * g, axis=1, keepdims=True))
    direct = 2.0 * ((s @ P)[:, None] * W - P.T @ (s[:, None] * M))
    grad = half_var * direct + np.asarray(X.T @ gz).T
    return value, grad, gz.sum(axis=0)
