"""The cross-entropy datafit: value, gradient, IRLS weights and weighted Gram statistics.

The lecture's R̃(θ) = R(θ) + αΩ(θ) with R the cross-entropy (a sum over samples,
weighted by sᵢ = sample weight × class weight):

    R(W, b) = Σᵢ sᵢ ℓ(yᵢ, ηᵢ),   ηᵢ = W xᵢ + b,

ℓ(y, η) = log(1 + e^η) − yη for two classes (W of shape (1, d)), and
ℓ(y, η) = log Σₖ e^{ηₖ} − η_y for K ≥ 3 (the symmetric multinomial parametrization,
W of shape (K, d)).  With P the probabilities (sigmoid or softmax), the gradient is

    ∇_W R = Rᵀ X,  ∇_b R = Rᵀ1,   R = S (P − Y)   (the weighted residuals),

and the Hessian of class k's block is Xᵀ D_k X with the IRLS weights
D_k = S pₖ(1 − pₖ): a Newton step on class k is a weighted least-squares problem with
the working response z = η_k + (y_k − p_k)/(p_k(1 − p_k)) — the lecture's H = XᵀX
with IRLS weights.  Profiling the unpenalized intercept out (Frisch–Waugh) centres X
with the weights D: H_c = X_cᵀ D X_c, X_c = X − 1x̄ᵀ, x̄ = XᵀD1/ΣD.

Sparse X is never densified: products go through X and Xᵀ, centring is implicit
(rank-one corrections), and column blocks come from one CSC view.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit

from ._data._sparse import as_float64, dense_result, is_sparse

__all__ = ["CrossEntropy", "penalty_value"]

# IRLS weights are floored at this fraction of the sample weight (glmnet bounds p to
# [1e-5, 1 − 1e-5]): the gradient stays exact, only the curvature model is bounded, so
# the working response z = η + (y − p)/D stays finite and the fixed point is unchanged.
_MIN_CURVATURE = 1e-5


def penalty_value(W, alpha, l1_ratio, factor):
    """αΩ(W) = α[ρ Σⱼ fⱼ‖w_{·j}‖₁ + (1 − ρ)/2 Σⱼ fⱼ‖w_{·j}‖²] (intercept excluded)."""
    if alpha == 0:
        return 0.0
    l1 = float(np.abs(W).sum(axis=0) @ factor)
    l2 = float((W * W).sum(axis=0) @ factor)
    return alpha * (l1_ratio * l1 + 0.5 * (1.0 - l1_ratio) * l2)


class CrossEntropy:
    """R(W, b) = Σᵢ sᵢ ℓ(yᵢ, W xᵢ + b) on dense or sparse X (a datafit, as skglm's).

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Never densified; cast to float64 (values only, for sparse X).
    Y : ndarray of shape (n_samples, n_outputs)
        Binary: one column of 0/1 labels; multinomial: the one-hot labels (K columns).
    sample_weight : ndarray of shape (n_samples,)
        sᵢ ≥ 0 (sample weight × class weight).
    fit_intercept : bool
    """

    def __init__(self, X, Y, sample_weight, fit_intercept=True):
        self.X = as_float64(X)
        self.sparse = is_sparse(self.X)
        self._csc = None
        self.Y = np.asarray(Y, dtype=np.float64)
        self.s = np.asarray(sample_weight, dtype=np.float64)
        self.fit_intercept = fit_intercept
        self.binary = self.Y.shape[1] == 1
        self.weight_sum = float(self.s.sum())
        self.n_samples, self.n_features = self.X.shape

    @property
    def n_outputs(self):
        """1 for two classes (the sigmoid), K for the softmax."""
        return self.Y.shape[1]

    # ---------------------------------------------------------------- products
    def linear(self, W, b):
        """η = X Wᵀ + b, of shape (n_samples, n_outputs)."""
        if self.binary:  # a matrix-vector product (gemv), not a one-column gemm
            eta = np.asarray(self.X @ W[0], dtype=np.float64).reshape(-1, 1)
        else:
            eta = np.asarray(self.X @ W.T, dtype=np.float64)
        return eta + b

    def matvec_cols(self, cols, v):
        """X[:, cols] v for a dense vector v of length len(cols)."""
        return np.asarray(self.columns(cols) @ v, dtype=np.float64).reshape(-1)

    def rmat(self, R):
        """Xᵀ R for R of shape (n_samples, m): an (n_features, m) ndarray."""
        if R.shape[1] == 1:
            return np.asarray(self.X.T @ R[:, 0], dtype=np.float64).reshape(-1, 1)
        return np.asarray(self.X.T @ R, dtype=np.float64)

    def columns(self, cols):
        """X[:, cols] (a CSC slice for sparse X, a gather for dense X)."""
        if cols is not None and len(cols) == self.n_features:  # sorted: all columns
            cols = None
        if not self.sparse:
            return self.X if cols is None else self.X[:, cols]
        if self._csc is None:
            self._csc = self.X.tocsc() if self.X.format != "csc" else self.X
        return self._csc if cols is None else self._csc[:, cols]

    # ------------------------------------------------------------ the datafit
    def proba(self, eta):
        """P: the sigmoid (n, 1) or the softmax (n, K) of η."""
        if self.binary:
            return expit(eta)
        E = np.exp(eta - eta.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    def value(self, eta):
        """R = Σᵢ sᵢ ℓ(yᵢ, ηᵢ)."""
        if self.binary:
            e, y = eta[:, 0], self.Y[:, 0]
            # log(1 + e^η) − yη = −log σ(η) + (1 − y)η, stable for large |η|
            return float(self.s @ (-log_expit(e) + (1.0 - y) * e))
        return self.value_and_proba(eta)[0]

    def value_and_proba(self, eta):
        """(R, P) with one exponential of η (the L-BFGS inner loop)."""
        if self.binary:
            return self.value(eta), expit(eta)
        shifted = eta - eta.max(axis=1, keepdims=True)
        E = np.exp(shifted)
        total = E.sum(axis=1)
        per_row = np.log(total) - np.einsum("ij,ij->i", self.Y, shifted)
        return float(self.s @ per_row), E / total[:, None]

    def residual(self, P):
        """The weighted residuals S(P − Y), of shape (n, n_outputs)."""
        return self.s[:, None] * (P - self.Y)

    def gradient(self, P):
        """(∇_W R of shape (n_outputs, d), ∇_b R of shape (n_outputs,))."""
        R = self.residual(P)
        grad_b = R.sum(axis=0) if self.fit_intercept else np.zeros(R.shape[1])
        return self.rmat(R).T, grad_b

    def irls_weights(self, P, k):
        """D_k = sᵢ pₖ(1 − pₖ), floored at ``_MIN_CURVATURE``·sᵢ."""
        p = P[:, k]
        return self.s * np.maximum(p * (1.0 - p), _MIN_CURVATURE)

    def working_response_sq(self, eta_k, r_k, D):
        """Σ D z_c² for the working response z = η_k − r_k/D (centred with D)."""
        pos = D > 0
        u = np.sqrt(D[pos]) * eta_k[pos] - r_k[pos] / np.sqrt(D[pos])
        total = float(u @ u)
        if self.fit_intercept:
            total -= float(np.sqrt(D[pos]) @ u) ** 2 / float(D.sum())
        return max(total, 0.0)

    def weighted_gram(self, D, cols):
        """(H_c, x̄): X_cᵀ D X_c on the columns ``cols`` and the D-weighted means x̄.

        Without intercept x̄ = 0 and H = XᵀDX.
        """
        Xs = self.columns(cols)
        d_sum = float(D.sum())
        if self.fit_intercept and d_sum > 0:
            xbar = np.asarray(Xs.T @ D, dtype=np.float64).reshape(-1) / d_sum
        else:
            xbar = np.zeros(Xs.shape[1])
        sqrt_d = np.sqrt(D)
        if not self.sparse:
            A = Xs * sqrt_d[:, None]
            G = A.T @ A  # one symmetric product (syrk)
        else:
            A = Xs.multiply(sqrt_d[:, None]).tocsc()
            G = dense_result(A.T @ A)
        if self.fit_intercept:  # the weighted centring, as a rank-one correction
            G -= d_sum * np.outer(xbar, xbar)
        return G, xbar

    def hessp(self, P, V, vb):
        """The Hessian of R times the direction (V, vb): (H_W, H_b) of V's shapes.

        Binary: Xᵀ D (X v + vb).  Softmax: with Z = X Vᵀ + vb, the directional derivative
        of the residuals is S·P∘(Z − (P∘Z)1), and the product is Xᵀ of it.
        """
        Z = self.linear(V, vb)
        if self.binary:
            M = (self.s * P[:, 0] * (1.0 - P[:, 0]))[:, None] * Z
        else:
            M = self.s[:, None] * P * (Z - np.einsum("ij,ij->i", P, Z)[:, None])
        hb = M.sum(axis=0) if self.fit_intercept else np.zeros(M.shape[1])
        return self.rmat(M).T, hb

    def _cross(self, c):
        """Xᵀ diag(c) X as a dense (d, d) array (c may be negative)."""
        if not self.sparse:
            return self.X.T @ (c[:, None] * self.X)
        return dense_result(self.X.T @ self.X.multiply(c[:, None]).tocsr())

    def profiled_hessian(self, P):
        """The Hessian of R in W with the intercepts profiled out, (K'd, K'd).

        Entries (k, j), (l, m): Σᵢ sᵢ xᵢⱼ xᵢₘ (pᵢₖδₖₗ − pᵢₖpᵢₗ) (binary: sᵢpᵢ(1 − pᵢ)),
        minus H_Wb H_bb⁺ H_bW when the intercepts are fitted (Frisch–Waugh: X centred
        with the IRLS weights).
        """
        K, d = self.n_outputs, self.n_features
        if self.binary:
            weights = {(0, 0): self.s * P[:, 0] * (1.0 - P[:, 0])}
        else:
            weights = {(k, l): self.s * P[:, k] * ((k == l) - P[:, l])
                       for k in range(K) for l in range(k, K)}
        H = np.empty((K * d, K * d))
        Hb = np.zeros((K * d, K))
        Hbb = np.zeros((K, K))
        for (k, l), c in weights.items():
            block = self._cross(c)
            H[k * d:(k + 1) * d, l * d:(l + 1) * d] = block
            H[l * d:(l + 1) * d, k * d:(k + 1) * d] = block.T
            Xc = np.asarray(self.X.T @ c, dtype=np.float64).reshape(-1)
            Hb[k * d:(k + 1) * d, l] = Xc
            Hb[l * d:(l + 1) * d, k] = Xc
            Hbb[k, l] = Hbb[l, k] = c.sum()
        if self.fit_intercept:
            H -= Hb @ np.linalg.pinv(Hbb, hermitian=True, rcond=1e-12) @ Hb.T
        return H

    def subset(self, rows):
        """The datafit of the rows ``rows`` (a cross-validation fold)."""
        return CrossEntropy(self.X[rows], self.Y[rows], self.s[rows], self.fit_intercept)
