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

Sample weights s_i (``sample_weight``) turn the batch mean into a weighted mean, with the
penalty divided by the same Σ s_i (scikit-learn ≥ 1.7's MLP):

    J_B(θ) = [ Σ_{i∈B} s_i ℓ(F_i, Y_i) + Σ_l α_l Ω(W_l) ] / Σ_{i∈B} s_i,

so the output error is D_L = diag(s)(F − Y) / Σ s_i and integer weights act exactly like
repeated rows.

Inverted dropout (``dropout`` rates p_l, one per weight matrix's input A_l): in training,
A_l is replaced by Ã_l = A_l ⊙ M_l / (1 − p_l), M_l ~ Bernoulli(1 − p_l) entrywise, fresh for
every call (p_l realized to 2⁻¹⁶, see ``_dropout_scale``); backpropagation uses Ã_l in ∂J/∂W_l
and multiplies D_{l−1} by M_l / (1 − p_l).
Prediction uses A_l itself (E[Ã_l] = A_l, no rescaling at test time).

X may be a scipy.sparse matrix: the first layer is then a sparse × dense product, X ᵀD
likewise, and X is never densified (input dropout scales the stored entries only).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
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
        self.dropped = None  # masked hidden activations Ã_l, allocated on first dropout


def _dropout_scale(rng, shape, rate, dtype, out=None):
    """M / (1 − p') with M ~ Bernoulli(1 − p') entrywise: a fresh inverted-dropout mask.

    Each entry compares 16 random bits with round(65536·p), so the realized rate is
    p' = round(65536·p)/65536 (within 2⁻¹⁷ of p), and the scale 1/(1 − p') keeps
    E[M/(1 − p')] = 1 exactly.  Four entries per 64-bit draw of the Generator ``rng``'s
    bit generator: about a quarter of the cost of one uniform float per entry, which
    keeps dropout's overhead on a training step small.
    """
    size = int(np.prod(shape))
    threshold = int(round(rate * 65536))
    bits = rng.bit_generator.random_raw(-(-size // 4)).view(np.uint16)[:size].reshape(shape)
    if out is None:
        out = np.empty(shape, dtype=np.float32 if dtype == np.float32 else np.float64)
    np.greater_equal(bits, threshold, out=out)  # 1.0 kept / 0.0 dropped
    out *= 65536.0 / (65536 - threshold)
    return out


def _matmul_first(X, W, out):
    """out ← X W for dense or sparse X (sparse × dense: X is never densified)."""
    if sp.issparse(X):
        out[...] = X @ W
    else:
        np.matmul(X, W, out=out)


def _matmul_first_T(X, D, out):
    """out ← Xᵀ D for dense or sparse X."""
    if sp.issparse(X):
        out[...] = X.T @ D
    else:
        np.matmul(X.T, D, out=out)


def _drop_inputs(X, rate, rng):
    """X ⊙ M / (1 − p): for sparse X only the stored entries get a mask (the zeros stay
    zero under any mask), in a new matrix sharing X's index arrays."""
    if sp.issparse(X):
        Xc = X.tocsr() if X.format not in ("csr", "csc") else X
        data = Xc.data * _dropout_scale(rng, Xc.data.shape, rate, Xc.data.dtype)
        return type(Xc)((data, Xc.indices, Xc.indptr), shape=Xc.shape)
    return X * _dropout_scale(rng, X.shape, rate, X.dtype)


def _as_input(X, dtype):
    """X as ``dtype``: a dense ndarray, or a sparse matrix kept sparse."""
    if sp.issparse(X):
        return X if X.dtype == dtype else X.astype(dtype)
    return np.asarray(X, dtype=dtype)


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
        shapes = list(zip(self.layer_units[:-1], self.layer_units[1:], strict=False))
        self.coef_shapes = shapes
        sizes = [a * b for a, b in shapes]
        self.n_weights = int(sum(sizes))
        self.n_params = self.n_weights + int(sum(self.layer_units[1:]))
        w_bounds = np.concatenate([[0], np.cumsum(sizes)])
        b_bounds = self.n_weights + np.concatenate([[0], np.cumsum(self.layer_units[1:])])
        self._w_slices = [
            slice(int(a), int(b)) for a, b in zip(w_bounds[:-1], w_bounds[1:], strict=False)
        ]
        self._b_slices = [
            slice(int(a), int(b)) for a, b in zip(b_bounds[:-1], b_bounds[1:], strict=False)
        ]
        self._buffers = {}

    # ------------------------------------------------------------------ layout
    def unpack(self, theta):
        """Views (coefs, intercepts) of the flat vector θ: W_l of shape (u_l, u_{l+1})."""
        coefs = [
            theta[s].reshape(shape)
            for s, shape in zip(self._w_slices, self.coef_shapes, strict=False)
        ]
        intercepts = [theta[s] for s in self._b_slices]
        return coefs, intercepts

    def pack(self, coefs, intercepts):
        """The flat vector θ (a new array) from lists of weight matrices and biases."""
        theta = np.empty(self.n_params, dtype=self.dtype)
        W, b = self.unpack(theta)
        for dst, src in zip(W + b, list(coefs) + list(intercepts), strict=False):
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
    def _forward(self, W, b, X, buf, masks=None):
        """F(X); with dropout ``masks`` (scales M_l/(1 − p_l) of the hidden inputs, None
        where p_l = 0) the masked activations Ã_l go to ``buf.dropped[l − 1]``."""
        A = X
        for l in range(self.n_layers - 1):
            Z = buf.hidden[l]
            if l == 0:
                _matmul_first(A, W[0], Z)
            else:
                np.matmul(A, W[l], out=Z)
            Z += b[l]
            _activate(self.activation, Z)
            A = Z
            if masks is not None and masks[l + 1] is not None:
                A = np.multiply(Z, masks[l + 1], out=buf.dropped[l])
        F = buf.output
        if self.n_layers == 1:
            _matmul_first(A, W[-1], F)
        else:
            np.matmul(A, W[-1], out=F)
        F += b[-1]
        return F

    def decision_function(self, theta, X):
        """Network output F(X) (pre-softmax scores for the softmax output); a new array."""
        X = _as_input(X, self.dtype)
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

    def data_loss(self, theta, X, Y, sample_weight=None, return_output=False):
        """Mean data loss (1/m) Σᵢ ℓ(F_i, Y_i) (weighted: Σ sᵢℓᵢ / Σ sᵢ), no penalty:
        the validation error.  With ``return_output`` also F(X) (a buffer view)."""
        X = _as_input(X, self.dtype)
        W, b = self.unpack(theta)
        buf = _Buffers(X.shape[0], self.layer_units, self.dtype)
        F = self._forward(W, b, X, buf)
        if sample_weight is None:
            loss = self._output_loss(F, Y, buf, buf.deltas[-1]) / X.shape[0]
        else:
            sw = np.asarray(sample_weight, dtype=self.dtype)
            rows = self._output_loss(F.copy(), Y, buf, buf.deltas[-1], per_row=True)
            loss = float(np.dot(sw, rows)) / float(sw.sum())
        return (loss, F) if return_output else loss

    # ------------------------------------------------------------------ loss & gradient
    def _output_loss(self, F, Y, buf, D, per_row=False):
        """Σᵢ ℓ(F_i, Y_i) (the vector of ℓᵢ when ``per_row``); leaves the output error
        D = ∂/∂F of that sum in ``D``."""
        if self.output == "identity":
            np.subtract(F, Y, out=D)
            if per_row:
                return 0.5 * np.einsum("ij,ij->i", D, D)
            flat = D.reshape(-1)
            return 0.5 * float(np.dot(flat, flat))
        # softmax cross-entropy, rows of Y summing to one: −Σ Y log p = Σ log s − Σ Y·Z
        mx = buf.row
        np.max(F, axis=1, keepdims=True, out=mx)
        F -= mx
        np.exp(F, out=D)
        np.sum(D, axis=1, keepdims=True, out=mx)
        if per_row:
            loss = np.log(mx[:, 0]) - np.einsum("ij,ij->i", Y, F)
        else:
            loss = float(np.log(mx).sum()) - float(np.vdot(Y, F))
        D /= mx
        D -= Y
        return loss

    def loss_grad(
        self, theta, X, Y, grad, penalties=None, sample_weight=None, dropout=None, rng=None
    ):
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
        sample_weight : ndarray of shape (m,) or None
            s_i ≥ 0 with Σ s_i > 0: J_B = [Σ s_i ℓ_i + Σ_l α_l Ω(W_l)] / Σ s_i.
        dropout : sequence of float or None
            Inverted-dropout rate p_l of each weight matrix's input (length
            ``n_layers``, the input features first; 0 = no dropout there).
        rng : numpy.random.Generator
            Draws the dropout masks (required when a rate is positive).

        Returns
        -------
        loss : float
        """
        m = X.shape[0]
        W, b = self.unpack(theta)
        gW, gb = self.unpack(grad)
        buf = self._get_buffers(m)
        masks = None
        if dropout is not None and any(p > 0 for p in dropout):
            if buf.dropped is None:
                buf.dropped = [np.empty_like(h) for h in buf.hidden]
                buf.masks = [np.empty_like(h) for h in buf.hidden]
            masks = [None] + [
                None if p == 0 else _dropout_scale(rng, (m, u), p, self.dtype, out)
                for p, u, out in zip(dropout[1:], self.layer_units[1:-1], buf.masks, strict=False)
            ]
            if dropout[0] > 0:
                X = _drop_inputs(X, dropout[0], rng)
        F = self._forward(W, b, X, buf, masks)
        D = buf.deltas[-1]
        if sample_weight is None:
            loss = self._output_loss(F, Y, buf, D)
            scale = m
            D *= 1.0 / m
        else:
            sw = np.asarray(sample_weight, dtype=self.dtype)
            rows = self._output_loss(F, Y, buf, D, per_row=True)
            loss = float(np.dot(sw, rows))
            scale = float(sw.sum())
            D *= (sw * (1.0 / scale))[:, None]
        for l in range(self.n_layers - 1, -1, -1):
            if l == 0:
                _matmul_first_T(X, D, gW[0])
            else:
                A_in = (
                    buf.hidden[l - 1] if masks is None or masks[l] is None else buf.dropped[l - 1]
                )
                np.matmul(A_in.T, D, out=gW[l])
            np.sum(D, axis=0, out=gb[l])
            if l > 0:
                A_prev = buf.hidden[l - 1]
                D_prev = buf.deltas[l - 1]
                np.matmul(D, W[l].T, out=D_prev)
                if masks is not None and masks[l] is not None:
                    D_prev *= masks[l]
                _multiply_derivative(self.activation, A_prev, D_prev, buf.tmp[l - 1])
                D = D_prev
        if penalties is not None:
            for l, pen in enumerate(penalties):
                if pen.alpha != 0:
                    loss += float(pen.value(W[l]))
                    gW[l] += np.asarray(pen.gradient(W[l]), dtype=self.dtype) * (1.0 / scale)
        return loss / scale

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
