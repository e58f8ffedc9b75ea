"""The multilayer perceptron's numerical core, shared by MLPRegressor and MLPClassifier.

One object, :class:`MLPCore`, knows the layer sizes and lays every parameter of the
network out in ONE flat vector θ (all weight matrices first, then all bias vectors):

    θ = [vec W₀, vec W₁, …, vec W_L, b₀, b₁, …, b_L]

``unpack`` returns views of θ, so an optimizer updates the whole network with a handful
of vectorized operations on one array, weight noise perturbs it with one Gaussian draw,
and the "regularize W, not b" rule of the lecture is a slice: θ[:n_weights].

Forward pass, for a batch A₀ = X of m rows (one matrix product per layer, no loop over
samples):

    Z_l = A_l W_l + b_l,    A_{l+1} = σ(Z_l)  (hidden layers),    F = Z_L  (output)

Objective of one batch (the scikit-learn MLP scaling, see ``loss_grad``):

    J_B(θ) = (1/m) [ Σ_{i∈B} ℓ(F_i, Y_i) + Σ_l α_l Ω(W_l) ]

with ℓ = ½‖F_i − Y_i‖² (identity output, squared error) or ℓ = −Σ_k Y_ik log softmax(F_i)_k
(softmax output, cross-entropy).  Both are canonical pairs, so the output error is simply
D_L = ∂(mJ)/∂Z_L = F − Y (or P − Y), and backpropagation is

    ∂J/∂W_l = A_lᵀ D_l / m + α_l ∇Ω(W_l) / m,    ∂J/∂b_l = 1ᵀD_l / m,
    D_{l−1} = (D_l W_lᵀ) ⊙ σ'(A_l)

where σ' is written in terms of the activation's output A (relu: 1[A > 0], tanh: 1 − A²,
logistic: A(1 − A), identity: 1), so no pre-activation needs to be kept.  All work
buffers are allocated once per batch size and reused.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

__all__ = ["MLPCore", "ACTIVATIONS"]

ACTIVATIONS = ("relu", "tanh", "logistic", "identity")


def _activate(name, Z):
    """σ(Z) in place."""
    if name == "relu":
        np.maximum(Z, 0, out=Z)
    elif name == "tanh":
        np.tanh(Z, out=Z)
    elif name == "logistic":
        expit(Z, out=Z)
    # identity: nothing to do


def _multiply_derivative(name, A, D, tmp):
    """D ← D ⊙ σ'(Z), with σ' written in terms of the output A = σ(Z); ``tmp`` is scratch."""
    if name == "relu":
        np.greater(A, 0, out=tmp)  # 1.0 / 0.0 in the float buffer
        D *= tmp
    elif name == "tanh":
        np.multiply(A, A, out=tmp)
        np.subtract(1, tmp, out=tmp)
        D *= tmp
    elif name == "logistic":
        np.subtract(1, A, out=tmp)
        tmp *= A
        D *= tmp


class _Buffers:
    """Work arrays for one batch size: activations, output, errors, scratch."""

    def __init__(self, m, layer_units, dtype):
        self.hidden = [np.empty((m, u), dtype=dtype) for u in layer_units[1:-1]]
        self.output = np.empty((m, layer_units[-1]), dtype=dtype)
        self.deltas = [np.empty((m, u), dtype=dtype) for u in layer_units[1:]]
        self.tmp = [np.empty((m, u), dtype=dtype) for u in layer_units[1:-1]]
        self.row = np.empty((m, 1), dtype=dtype)


class MLPCore:
    """Layout, initialization, forward pass, loss and gradient of one MLP architecture.

    Parameters
    ----------
    layer_units : sequence of int
        [n_features, *hidden_layer_sizes, n_outputs].
    activation : {'relu', 'tanh', 'logistic', 'identity'}
        Hidden-layer activation σ.
    output : {'identity', 'softmax'}
        'identity' pairs with the squared error, 'softmax' with the cross-entropy.
    dtype : numpy dtype
        float64 or float32: parameters, buffers and gradients all use it.
    """

    _MAX_CACHED_SIZES = 8

    def __init__(self, layer_units, activation, output, dtype=np.float64):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}.")
        if output not in ("identity", "softmax"):
            raise ValueError(f"output must be 'identity' or 'softmax', got {output!r}.")
        self.layer_units = tuple(int(u) for u in layer_units)
        self.activation = activation
        self.output = output
        self.dtype = np.dtype(dtype)
        self.n_layers = len(self.layer_units) - 1  # number of weight matrices
        shapes = list(zip(self.layer_units[:-1], self.layer_units[1:]))
        self.coef_shapes = shapes
        sizes = [a * b for a, b in shapes]
        self.n_weights = int(sum(sizes))
        self.n_params = self.n_weights + int(sum(self.layer_units[1:]))
        w_bounds = np.concatenate([[0], np.cumsum(sizes)])
        b_bounds = self.n_weights + np.concatenate([[0], np.cumsum(self.layer_units[1:])])
        self._w_slices = [slice(int(a), int(b)) for a, b in zip(w_bounds[:-1], w_bounds[1:])]
        self._b_slices = [slice(int(a), int(b)) for a, b in zip(b_bounds[:-1], b_bounds[1:])]
        self._buffers = {}

    # ------------------------------------------------------------------ layout
    def unpack(self, theta):
        """Views (coefs, intercepts) of the flat vector θ: W_l of shape (u_l, u_{l+1})."""
        coefs = [theta[s].reshape(shape) for s, shape in zip(self._w_slices, self.coef_shapes)]
        intercepts = [theta[s] for s in self._b_slices]
        return coefs, intercepts

    def pack(self, coefs, intercepts):
        """The flat vector θ (a new array) from lists of weight matrices and biases."""
        theta = np.empty(self.n_params, dtype=self.dtype)
        W, b = self.unpack(theta)
        for dst, src in zip(W + b, list(coefs) + list(intercepts)):
            dst[...] = src
        return theta

    def init_params(self, random_state):
        """Glorot-uniform initialization, drawn in the same order as scikit-learn's MLP.

        Each W_l and b_l is uniform on ±√(f / (fan_in + fan_out)) with f = 6 (f = 2 for
        the logistic activation), so a seeded ``RandomState`` gives the very same θ₀ as
        ``sklearn.neural_network.MLPRegressor`` with that seed.
        """
        factor = 2.0 if self.activation == "logistic" else 6.0
        theta = np.empty(self.n_params, dtype=self.dtype)
        W, b = self.unpack(theta)
        for l, (fan_in, fan_out) in enumerate(self.coef_shapes):
            bound = np.sqrt(factor / (fan_in + fan_out))
            W[l][...] = random_state.uniform(-bound, bound, (fan_in, fan_out))
            b[l][...] = random_state.uniform(-bound, bound, fan_out)
        return theta

    def _get_buffers(self, m):
        buf = self._buffers.get(m)
        if buf is None:
            if len(self._buffers) >= self._MAX_CACHED_SIZES:
                self._buffers.clear()
            buf = self._buffers[m] = _Buffers(m, self.layer_units, self.dtype)
        return buf

    # ------------------------------------------------------------------ forward
    def _forward(self, W, b, X, buf):
        A = X
        for l in range(self.n_layers - 1):
            Z = buf.hidden[l]
            np.matmul(A, W[l], out=Z)
            Z += b[l]
            _activate(self.activation, Z)
            A = Z
        F = buf.output
        np.matmul(A, W[-1], out=F)
        F += b[-1]
        return F

    def decision_function(self, theta, X):
        """Network output F(X) (pre-softmax scores for the softmax output); a new array."""
        X = np.asarray(X, dtype=self.dtype)
        W, b = self.unpack(theta)
        return self._forward(W, b, X, _Buffers(X.shape[0], self.layer_units, self.dtype)).copy()

    def predict(self, theta, X):
        """F(X) for the identity output, class probabilities softmax(F(X)) otherwise."""
        F = self.decision_function(theta, X)
        if self.output == "softmax":
            F -= F.max(axis=1, keepdims=True)
            np.exp(F, out=F)
            F /= F.sum(axis=1, keepdims=True)
        return F

    def data_loss(self, theta, X, Y):
        """Mean data loss (1/m) Σᵢ ℓ(F_i, Y_i), no penalty: the validation error."""
        X = np.asarray(X, dtype=self.dtype)
        W, b = self.unpack(theta)
        buf = _Buffers(X.shape[0], self.layer_units, self.dtype)
        F = self._forward(W, b, X, buf)
        return self._output_loss(F, Y, buf, buf.deltas[-1]) / X.shape[0]

    # ------------------------------------------------------------------ loss & gradient
    def _output_loss(self, F, Y, buf, D):
        """Σᵢ ℓ(F_i, Y_i); leaves the output error D = ∂/∂F of that sum in ``D``."""
        if self.output == "identity":
            np.subtract(F, Y, out=D)
            flat = D.reshape(-1)
            return 0.5 * float(np.dot(flat, flat))
        # softmax cross-entropy, rows of Y summing to one: −Σ Y log p = Σ log s − Σ Y·Z
        mx = buf.row
        np.max(F, axis=1, keepdims=True, out=mx)
        F -= mx
        np.exp(F, out=D)
        np.sum(D, axis=1, keepdims=True, out=mx)
        loss = float(np.log(mx).sum()) - float(np.vdot(Y, F))
        D /= mx
        D -= Y
        return loss

    def loss_grad(self, theta, X, Y, grad, penalties=None):
        """Batch objective J_B(θ) and its gradient, written into ``grad`` (flat, in place).

        J_B(θ) = (1/m)[Σᵢ ℓ(F_i, Y_i) + Σ_l α_l Ω(W_l)]: the data term is a mean over
        the batch and the penalty is divided by the same m, which is exactly
        scikit-learn's MLP (``loss + 0.5 * alpha * ‖W‖² / n_samples_batch``).  Multiplied
        by m it is the lecture's sum convention R(θ) + αΩ(W) on the batch.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
        X : ndarray of shape (m, n_features), dtype ``self.dtype``
        Y : ndarray of shape (m, n_outputs)
            Targets (regression) or target distributions (rows summing to one).
        grad : ndarray of shape (n_params,)
            Receives ∇J_B(θ).
        penalties : list of penalty objects or None
            One per weight matrix, with ``alpha``, ``value(W)`` = α_l Ω(W) and
            ``gradient(W)`` = α_l ∇Ω(W) (skreg.penalties).  Biases are never penalized.

        Returns
        -------
        loss : float
        """
        m = X.shape[0]
        W, b = self.unpack(theta)
        gW, gb = self.unpack(grad)
        buf = self._get_buffers(m)
        F = self._forward(W, b, X, buf)
        D = buf.deltas[-1]
        loss = self._output_loss(F, Y, buf, D)
        D *= 1.0 / m
        for l in range(self.n_layers - 1, -1, -1):
            A_prev = X if l == 0 else buf.hidden[l - 1]
            np.matmul(A_prev.T, D, out=gW[l])
            np.sum(D, axis=0, out=gb[l])
            if l > 0:
                D_prev = buf.deltas[l - 1]
                np.matmul(D, W[l].T, out=D_prev)
                _multiply_derivative(self.activation, A_prev, D_prev, buf.tmp[l - 1])
                D = D_prev
        if penalties is not None:
            for l, pen in enumerate(penalties):
                if pen.alpha != 0:
                    loss += float(pen.value(W[l]))
                    gW[l] += np.asarray(pen.gradient(W[l]), dtype=self.dtype) * (1.0 / m)
        return loss / m

    # ------------------------------------------------------------------ diagnostics
    def output_gradients(self, theta, X):
        """Per-sample gradient ∇_θ f(xᵢ, θ) of a single-output network, shape (m, n_params).

        Backpropagation with D_L = 1 for each sample separately (outer products per
        layer, vectorized with ``einsum``); used for the lecture's weight-noise penalty
        ½δ²‖∇_θ f‖² (``skreg.theory.weight_noise_penalty``).
        """
        if self.layer_units[-1] != 1:
            raise ValueError("output_gradients needs a single-output network.")
        X = np.asarray(X, dtype=self.dtype)
        m = X.shape[0]
        W, b = self.unpack(theta)
        buf = _Buffers(m, self.layer_units, self.dtype)
        self._forward(W, b, X, buf)
        J = np.empty((m, self.n_params), dtype=self.dtype)
        D = np.ones((m, 1), dtype=self.dtype)
        for l in range(self.n_layers - 1, -1, -1):
            A_prev = X if l == 0 else buf.hidden[l - 1]
            J[:, self._w_slices[l]] = np.einsum("mi,mj->mij", A_prev, D).reshape(m, -1)
            J[:, self._b_slices[l]] = D
            if l > 0:
                D = D @ W[l].T
                _multiply_derivative(self.activation, A_prev, D, np.empty_like(D))
        return J
