"""Early stopping of gradient descent on least squares: EarlyStoppedGD.

Two trainers implement :class:`skreg.early_stopping.Trainer` for the mean least-squares
loss with coupled weight decay,

    J_α(w) = (1/n) [ ½‖X_c w − y_c‖² + ½α‖w‖² ]      (X_c, y_c centred),

or, with sample weights wₖ, J_α(w) = (1/Σw) [ ½Σ wₖ(x_c,kᵀw − y_c,k)² + ½α‖w‖² ] (means
weighted).  Everything below holds for the weighted loss with X_c, y_c the centred rows
scaled by √wₖ and n replaced by Σw: H = X_cᵀX_c is then X_wᵀX_w, the eigenvalues are
those of :func:`skreg._spectral.decompose` with the weights, and an integer weight k is
exactly k repeated rows.  The weights of a data set are attached to it by identity
(``set_sample_weight``), so the :class:`~skreg.early_stopping.Trainer` protocol, and the
driver, are unchanged; validation losses are weighted means with the validation weights.

and :func:`skreg.early_stopping.run_early_stopping` runs Algorithm 7.1, 7.2 or 7.3 over
either of them:

* ``_IterativeTrainer`` runs the steps through :mod:`skreg.optim` (full-batch GD,
  minibatch SGD, momentum);
* ``_SpectralTrainer`` uses the closed form of full-batch GD, derived here.

Closed-form trajectory (the developer note the spectral solver relies on)
-------------------------------------------------------------------------
Let H = X_cᵀX_c = Σ λᵢ uᵢuᵢᵀ (the *sum*-loss Hessian of the spectral core, λᵢ ≥ 0) and
X_cᵀy_c = Σ βᵢ uᵢ, βᵢ = λᵢθ*ᵢ.  One GD step of size ε on J_α is

    w ← w − (ε/n) [ (H + αI) w − X_cᵀy_c ],

so in the eigenbasis each coordinate cᵢ = uᵢᵀw follows its own affine recursion

    cᵢ ← ρᵢ cᵢ + (1 − ρᵢ) c∞ᵢ,     ρᵢ = 1 − ε(λᵢ + α)/n,   c∞ᵢ = βᵢ/(λᵢ + α) = λᵢ/(λᵢ+α) θ*ᵢ

(the fixed point is the ridge solution with strength α, the contraction uses the
eigenvalue λᵢ/n + α/n of the mean-loss Hessian), hence after τ steps from c₀

    cᵢ(τ) = ρᵢ^τ c₀ᵢ + (1 − ρᵢ^τ) c∞ᵢ.

From θ₀ = 0 and α = 0 this is the lecture's θ_τ = (1 − (1 − ε'λ)^τ) θ* with ε' = ε/n (a
step ε on the mean loss is a step ε/n on the sum loss).  GD is stable iff |ρᵢ| < 1 for
all i, i.e. ε < 2/λ_max with λ_max = (λ₁ + α)/n the largest eigenvalue of the mean-loss
Hessian; for 1 < ε(λ+α)/n < 2, ρ is negative and ρ^τ alternates in sign (handled).
Components of a non-zero start outside span{uᵢ} (only for Algorithm 7.3's continuation
from θ*, on the kernel side d > n) are null directions of H: they decay as (1 − εα/n)^τ,
so they are added to the basis as extra directions with λ = 0.

Losses along the trajectory, for many τ at once, without forming w(τ):

* training: ‖X_c w − y_c‖² = Σᵢ λᵢ (cᵢ − θ*ᵢ)² + RSS_min (the residual of least squares
  is orthogonal to the range of X_c);
* validation (centred with the *training* means, since b = ȳ − x̄ᵀw): with
  A = X_v,c [u₁ … u_k] and any q, ‖Ac − y_v‖² = (c−q)ᵀAᵀA(c−q) + 2(c−q)ᵀAᵀ(Aq − y_v)
  + ‖Aq − y_v‖².  Taking q the least-squares solution makes the last two terms the
  small, fixed part, so the τ-dependent part is a k×k quadratic form: O(k²) work per
  evaluation, one matrix product for a whole block of evaluations, no gradient step.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_array, validate_data

from .._atomic import atomic_fit
from .._config import fits_budget, memory_budget
from .._dask import is_dask_collection
from .._sparse import (
    CenteredDesign,
    exact_decomposition_by_default,
    is_sparse,
    weighted_column_mean,
)
from .._spectral import center_data, decompose, gd_powers
from ..early_stopping import run_early_stopping, stack_rows, validation_split
from ..optim import SGD, iter_minibatches
from ._base import LinearRegressorMixin, validate_fit_data

__all__ = ["EarlyStoppedGD"]


# ------------------------------------------------------------------ closed forms
def _equivalent_alpha(eigenvalues, alpha, learning_rate, n_samples, n_steps):
    """Per-direction ridge strength (sum convention) reproducing τ GD steps from 0.

    φᵢ = λᵢ/(λᵢ+α) (1 − ρᵢ^τ) is the GD filter; the ridge strength with the same filter
    λᵢ/(λᵢ + aᵢ) is aᵢ = (α + λᵢρᵢ^τ)/(1 − ρᵢ^τ), which for α = 0 is the lecture's
    λ(1−ε'λ)^τ/(1 − (1−ε'λ)^τ).  Where λᵢ + α = 0 the limit τ → n/(ετ) is used.
    ``n_samples`` is the normalizer of the mean loss: n, or Σw with sample weights.
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    total = lam + alpha
    power, one_minus = gd_powers(learning_rate * total / n_samples, [n_steps])
    power, one_minus = power[0], one_minus[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (alpha + lam * power) / one_minus
    if n_steps == 0:
        return np.full(lam.shape, np.inf)
    return np.where(total > 0, out, n_samples / (learning_rate * n_steps))


def _psd_solve(G, h):
    """Minimum-norm least-squares solution of G q = h for symmetric PSD G (pseudo-inverse).

    Eigenvalues below d·eps·λ_max count as zero, so a singular G (fewer validation
    samples than features) gives a q of moderate norm rather than amplified round-off.
    """
    if G.shape[0] == 0:
        return np.zeros(h.shape)
    # NumPy's LAPACK throughout: mixing in SciPy's separately bundled OpenBLAS right
    # after NumPy's BLAS products makes the two thread pools contend (see _spectral).
    try:  # well-conditioned (the usual case): Cholesky
        L = np.linalg.cholesky(G)
        diag = np.abs(np.diag(L))
        if diag.min() > 1e-6 * diag.max():
            return np.linalg.solve(L.T, np.linalg.solve(L, h))
    except np.linalg.LinAlgError:
        pass
    lam, Q = np.linalg.eigh(G)
    keep = lam > G.shape[0] * np.finfo(np.float64).eps * max(lam[-1], 0.0)
    Q = Q[:, keep]
    return Q @ ((Q.T @ h) / lam[keep, None])


def _lambda_max(Xc):
    """Largest eigenvalue of Xcᵀ Xc (0 for an empty or zero matrix)."""
    n, d = Xc.shape
    if n == 0 or d == 0:
        return 0.0
    M = Xc.T @ Xc if n >= d else Xc @ Xc.T
    return max(float(np.linalg.eigvalsh(M)[-1]), 0.0)


def _drop_zero_weights(X, Y, sample_weight):
    """Rows of positive weight only (the inputs themselves when there is no zero)."""
    keep = sample_weight > 0
    if keep.all():
        return X, Y, sample_weight
    return X[keep], Y[keep], sample_weight[keep]


def _as_float64(X):
    """X as float64, dense or sparse (a copy only when the dtype changes)."""
    if is_sparse(X):
        return X.astype(np.float64, copy=False)
    return np.asarray(X, dtype=np.float64)


def _design_lambda_max(design):
    """λ₁ of X_wᵀX_w for an implicit (sparse) design, without forming X_w.

    The small side's Gram or kernel when it has at most 2,000 rows, else a few Lanczos
    iterations on X_wᵀX_w (deterministic start vector).
    """
    n, d = design.shape
    if n == 0 or d == 0:
        return 0.0
    if min(n, d) <= 2000:
        M = design.gram() if d <= n else design.kernel()
        return max(float(np.linalg.eigvalsh(M)[-1]), 0.0)
    from scipy.sparse.linalg import LinearOperator, eigsh

    H = LinearOperator((d, d), matvec=lambda v: design.rmatmat(design.matmat(v)), dtype=np.float64)
    v0 = np.random.RandomState(0).uniform(0.5, 1.5, d)
    return max(float(eigsh(H, k=1, which="LA", v0=v0, return_eigenvectors=False)[0]), 0.0)


# ------------------------------------------------------------------ trainers
class _Dataset:
    """One training set: its means, the centred data and the decomposition on demand.

    With sample weights w (all positive: zero-weight rows are dropped by ``fit``) the
    means are weighted, ``Xc`` and ``yc`` are the rows of X − x̄ and y − ȳ scaled by √w
    (so that Xcᵀ Xc = X_wᵀX_w is the weighted sum-loss Hessian) and ``total_weight``, the
    normalizer of the mean loss, is Σw; without weights it is n and nothing is scaled.
    """

    def __init__(self, X, y, fit_intercept, sample_weight=None):
        self.X, self.y = X, y  # kept so that the id-based cache key stays valid
        self.n_samples = X.shape[0]
        self.fit_intercept = fit_intercept
        self.sample_weight = sample_weight
        if sample_weight is None:
            self.total_weight = self.n_samples
            self.sqrt_sw = None
        else:
            self.total_weight = float(sample_weight.sum())
            self.sqrt_sw = np.sqrt(sample_weight)
        self.sparse = is_sparse(X)
        if fit_intercept:
            if self.sparse:  # x̄ from one sparse product, X untouched
                self.X_offset = weighted_column_mean(X, sample_weight)
                self.y_offset = np.average(y, axis=0, weights=sample_weight)
            elif sample_weight is None:
                self.X_offset, self.y_offset = X.mean(axis=0), y.mean(axis=0)
            else:
                self.X_offset = np.average(X, axis=0, weights=sample_weight)
                self.y_offset = np.average(y, axis=0, weights=sample_weight)
        else:
            self.X_offset, self.y_offset = np.zeros(X.shape[1]), np.zeros(y.shape[1])
        self.yc = y - self.y_offset
        if sample_weight is not None:
            self.yc *= self.sqrt_sw[:, None]
        self._Xc = self._spectrum = self._lambda_max = self._rss = None

    @property
    def mean_weight(self):
        """Σw / n (1 without weights): a minibatch of size m carries m·Σw/n on average."""
        return 1.0 if self.sample_weight is None else self.total_weight / self.n_samples

    @property
    def Xc(self):
        """√w (X − x̄): a dense copy made once (only the iterative trainer needs it), or
        for sparse X the implicit :class:`~skreg._sparse.CenteredDesign` (no copy)."""
        if self._Xc is None:
            if self.sparse:
                self._Xc = CenteredDesign(self.X, self.X_offset, self.sqrt_sw)
            else:
                self._Xc = center_data(self.X, self.y, self.sample_weight, self.fit_intercept)[0]
        return self._Xc

    @property
    def decomposition_fits_budget(self):
        """Whether the exact decomposition is taken by default: dense X within the memory
        budget; sparse X also min(n, d) ≤ ``skreg.get_config()["exact_max_side_sparse"]``
        (:func:`~skreg._sparse.exact_decomposition_by_default`)."""
        n, d = self.X.shape
        return exact_decomposition_by_default((n, d), self.sparse)

    @property
    def spectrum(self):
        if self._spectrum is None:
            # dense or sparse (implicit centring, never densified): the one spectral core
            self._spectrum = decompose(
                self.X, self.y, self.sample_weight, fit_intercept=self.fit_intercept
            )
        return self._spectrum

    @property
    def lambda_max(self):
        """λ₁ of the (weighted sum) Hessian X_cᵀX_c."""
        if self._lambda_max is None:
            if self._spectrum is not None:
                lam = self._spectrum.eigenvalues
                self._lambda_max = float(lam[0]) if lam.size else 0.0
            elif self.sparse:
                self._lambda_max = _design_lambda_max(self.Xc)
            else:
                self._lambda_max = _lambda_max(self.Xc)
        return self._lambda_max

    @property
    def rss_min(self):
        """‖X_c w_ls − y_c‖² (Σ wₖ rₖ² with weights), the training loss no w can remove."""
        if self._rss is None:
            s = self.spectrum
            w_ls = s.eigenvectors @ s.theta_star
            if self.sample_weight is None:
                resid = self.X @ w_ls - (self.X_offset @ w_ls + self.yc)
            else:
                resid = (self.X @ w_ls - self.X_offset @ w_ls) * self.sqrt_sw[:, None] - self.yc
            self._rss = float(np.einsum("ij,ij->", resid, resid))
        return self._rss

    def intercept(self, w):
        if not self.fit_intercept:
            return np.zeros(w.shape[1])
        return self.y_offset - self.X_offset @ w


class _IterativeTrainer:
    """Gradient steps on J_α through :mod:`skreg.optim` (GD, minibatch SGD, momentum).

    params = [w (d, t), b (t,)]; b is not descended but recovered after the steps from
    the means of the data being trained on.  One step is one parameter update (one
    minibatch); minibatches run through reshuffled epochs from the trainer's seed.
    """

    def __init__(self, n_features, n_targets, *, alpha, fit_intercept, momentum=0.0,
                 batch_size=None, seed=0, learning_rate=None):
        self.shape = (n_features, n_targets)
        self.alpha, self.fit_intercept = alpha, fit_intercept
        self.momentum, self.batch_size, self.seed = momentum, batch_size, seed
        self._datasets = {}
        self._weights = {}
        self.set_learning_rate(learning_rate)

    def set_sample_weight(self, X, y, sample_weight):
        """Attach weights to the data set (X, y) (by identity): its losses become weighted."""
        self._weights[(id(X), id(y))] = (X, y, sample_weight)

    def sample_weight(self, X, y):
        """The weights attached to (X, y), or None (unweighted)."""
        entry = self._weights.get((id(X), id(y)))
        return None if entry is None else entry[2]

    def set_learning_rate(self, learning_rate):
        """Set ε (None until known: the datasets are needed to choose it)."""
        self.learning_rate = learning_rate
        self.optimizer = None if learning_rate is None else SGD(learning_rate, momentum=self.momentum)
        self.init_params()

    def dataset(self, X, y):
        key = (id(X), id(y))
        if key not in self._datasets:
            self._datasets[key] = _Dataset(X, y, self.fit_intercept, self.sample_weight(X, y))
        return self._datasets[key]

    def init_params(self):
        if self.optimizer is not None:
            self.optimizer.reset()
        self._rng = np.random.RandomState(self.seed)
        self._stream_key, self._stream = None, None
        self._last_output = None
        d, t = self.shape
        return [np.zeros((d, t)), np.zeros(t)]

    def copy(self, params):
        return [p.copy() for p in params]

    def loss(self, params, X, y):
        """J(θ; X, y) = ½ · (weighted) mean over samples of ‖x w + b − y‖² (no penalty)."""
        w, b = params
        residual = X @ w + b - y
        sw = self.sample_weight(X, y)
        if sw is None:
            return 0.5 * float(np.einsum("ij,ij->", residual, residual)) / X.shape[0]
        return 0.5 * float(np.einsum("i,ij,ij->", sw, residual, residual)) / float(sw.sum())

    def _next_batch(self, data):
        if self._stream_key is not data:
            self._stream_key, self._stream = data, None
        while True:
            if self._stream is None:
                self._stream = iter_minibatches(data.n_samples, self.batch_size, self._rng)
            batch = next(self._stream, None)
            if batch is not None:
                return batch
            self._stream = None

    def train(self, params, X, y, n_steps):
        data = self.dataset(X, y)
        if params is not self._last_output and self.optimizer is not None:
            # a new trajectory (e.g. Algorithm 7.3 continuing from the restored θ*):
            # the momentum of the abandoned one does not belong to it
            self.optimizer.reset()
        w = params[0].copy()
        decay = self.alpha / data.total_weight  # coupled weight decay on the mean loss
        full = self.batch_size is None or self.batch_size >= data.n_samples
        Xc, yc = data.Xc, data.yc
        implicit = isinstance(Xc, CenteredDesign)  # sparse X: products, no dense copy
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(n_steps):
                if full:
                    if implicit:
                        grad = Xc.rmatmat(Xc.matmat(w) - yc) / data.total_weight
                    else:
                        grad = Xc.T @ (Xc @ w - yc) / data.total_weight
                else:  # rows scaled by √w: Σ_batch wₖ xₖ rₖ / (m Σw/n), unbiased
                    idx = self._next_batch(data)
                    scale = idx.size if data.sample_weight is None else idx.size * data.mean_weight
                    if implicit:
                        Xb = CenteredDesign(data.X[idx], data.X_offset,
                                            None if data.sqrt_sw is None else data.sqrt_sw[idx])
                        grad = Xb.rmatmat(Xb.matmat(w) - yc[idx]) / scale
                    else:
                        Xb = Xc[idx]
                        grad = Xb.T @ (Xb @ w - yc[idx]) / scale
                if decay:
                    grad += decay * w
                self.optimizer.update([w], [grad])
        self._check_not_diverged(data, w, full)
        self._last_output = [w, data.intercept(w)]
        return self._last_output

    def _check_not_diverged(self, data, w, full):
        """Raise instead of returning NaN / exploding coefficients.

        Full-batch GD (with or without momentum) below the step bound checked in ``fit``
        cannot diverge, so only finiteness is checked.  Minibatch SGD has no such bound:
        its training loss is also checked against 10¹² times the loss of w = 0.
        """
        diverged = not np.all(np.isfinite(w))
        if not diverged and not full:
            with np.errstate(over="ignore", invalid="ignore"):
                Xc = data.Xc
                resid = (Xc.matmat(w) if isinstance(Xc, CenteredDesign) else Xc @ w) - data.yc
                loss = float(np.einsum("ij,ij->", resid, resid))
            diverged = not np.isfinite(loss) or loss > 1e12 * (float(np.sum(data.yc**2)) + 1e-300)
        if diverged:
            raise ValueError(
                f"gradient descent diverged (non-finite or exploding coefficients) with "
                f"learning_rate={self.learning_rate:g}"
                + (f" and batch_size={self.batch_size}" if not full else "")
                + "; use a smaller learning_rate."
            )


class _SpectralTrainer(_IterativeTrainer):
    """Full-batch GD (no momentum) in closed form: see the module docstring."""

    def __init__(self, n_features, n_targets, *, alpha, fit_intercept, learning_rate=None):
        self._validation = {}
        super().__init__(n_features, n_targets, alpha=alpha, fit_intercept=fit_intercept,
                         learning_rate=learning_rate)

    def dataset(self, X, y):
        data = super().dataset(X, y)
        data.spectrum  # decompose once: λ_max, the trajectory and the losses all use it
        return data

    def _start(self, data, w0):
        """Basis Q (d, k), eigenvalues (k,), θ* (k, t), c∞ (k, t) and c₀ (k, t) for w0."""
        s = data.spectrum
        V, lam, theta = s.eigenvectors, s.eigenvalues, s.theta_star
        c0 = V.T @ w0
        extra = None
        if V.shape[1] < V.shape[0] and np.any(w0):
            resid = w0 - V @ c0
            resid -= V @ (V.T @ resid)
            norms = np.linalg.norm(resid, axis=0)
            if norms.max() > 1e-14 * max(np.linalg.norm(w0), 1e-300):
                Q, R = linalg.qr(resid, mode="economic")
                keep = np.abs(np.diag(R)) > 1e-14 * norms.max()
                extra = Q[:, keep]
                c0 = np.vstack([c0, extra.T @ resid])
                lam = np.concatenate([lam, np.zeros(extra.shape[1])])
                theta = np.vstack([theta, np.zeros((extra.shape[1], theta.shape[1]))])
        total = lam + self.alpha
        beta = lam[:, None] * theta
        with np.errstate(divide="ignore", invalid="ignore"):
            c_inf = np.where(total[:, None] > 0, beta / total[:, None], 0.0)
        return V, extra, lam, theta, c_inf, c0

    def _coords(self, data, lam, c_inf, c0, steps):
        power, one_minus = gd_powers(self.learning_rate * (lam + self.alpha) / data.total_weight, steps)
        C = one_minus[:, :, None] * c_inf[None]
        if np.any(c0):
            C += power[:, :, None] * c0[None]
        return C

    def train(self, params, X, y, n_steps):
        data = self.dataset(X, y)
        w0 = params[0]
        if n_steps == 0:
            return self.copy(params)
        V, extra, lam, _, c_inf, c0 = self._start(data, w0)
        c = self._coords(data, lam, c_inf, c0, [n_steps])[0]
        r = V.shape[1]
        w = V @ c[:r]
        if extra is not None:
            w += extra @ c[r:]
        return [w, data.intercept(w)]

    def _validation_design(self, data, X_val, y_val):
        """(x ↦ X_v,c x, y_v): the validation rows centred with the *training* means.

        Scaled by √v with validation weights.  Dense X_val is centred explicitly (one
        n_val × d copy, no cancellation for data far from the origin); sparse X_val
        implicitly (:class:`~skreg._sparse.CenteredDesign`), never densified.
        """
        yv = y_val - data.y_offset
        sw_val = self.sample_weight(X_val, y_val)
        sqrt_sw = None if sw_val is None else np.sqrt(sw_val)
        if sqrt_sw is not None:
            yv *= sqrt_sw[:, None]
        if is_sparse(X_val):
            return CenteredDesign(X_val, data.X_offset, sqrt_sw).matmat, yv
        Xv = X_val - data.X_offset
        if sqrt_sw is not None:
            Xv *= sqrt_sw[:, None]
        return Xv.__matmul__, yv

    def _validation_terms(self, data, X_val, y_val, V, extra):
        """G = AᵀA, g = Aᵀ(Aq − y_v), q and ‖Aq − y_v‖² for A = X_v,c [V, extra].

        X_v,c = X_val − x̄ and y_v = y_val − ȳ with the *training* means.  Everything
        comes from A = X_v,c V (n_val × k, cached per pair of data sets), never from the
        d×d matrix X_v,cᵀX_v,c: on wide data (d ≫ n) that matrix alone would cost
        n_val·d² operations and 8d² bytes.  q solves the normal equations of the V block
        (any q keeps the identity exact; a least-squares q keeps the fixed part small),
        and the residual Aq − y_v is formed explicitly so that ‖Aq − y_v‖² and g carry
        no cancellation.
        """
        key = (id(data), id(X_val), id(y_val))
        if key not in self._validation:
            apply, yv = self._validation_design(data, X_val, y_val)
            A = apply(V)
            G = A.T @ A
            q = _psd_solve(G, A.T @ yv)
            resid = A @ q - yv
            self._validation[key] = (apply, G, A.T @ resid, resid, q,
                                     float(np.einsum("ij,ij->", resid, resid)), A, X_val, y_val)
        apply, G, g, resid, q, rss, A, _, _ = self._validation[key]
        if extra is None:
            return G, g, q, rss
        E = apply(extra)  # X_v,c times the extra directions (n_val × e)
        G = np.block([[G, A.T @ E], [E.T @ A, E.T @ E]])
        g = np.vstack([g, E.T @ resid])
        q = np.vstack([q, np.zeros((extra.shape[1], q.shape[1]))])
        return G, g, q, rss

    def trajectory_losses(self, params, X, y, X_val, y_val, steps):
        """Training and validation losses after each τ in ``steps`` from ``params``."""
        data = self.dataset(X, y)
        V, extra, lam, theta, c_inf, c0 = self._start(data, params[0])
        C = self._coords(data, lam, c_inf, c0, steps)  # (m, k, t)
        m, k, t = C.shape
        D = C - theta[None]
        train = 0.5 * (np.einsum("mkt,k->m", D * D, lam) + data.rss_min) / data.total_weight
        if y_val is None:
            return train, np.full(m, np.nan)
        G, g, q, rss = self._validation_terms(data, X_val, y_val, V, extra)
        D = C - q[None]
        D2 = np.ascontiguousarray(D.transpose(1, 0, 2)).reshape(k, m * t)
        quad = np.einsum("kj,kj->j", D2, G @ D2).reshape(m, t).sum(axis=1)
        linear = 2.0 * np.einsum("mkt,kt->m", D, g)
        val = 0.5 * (quad + linear + rss) / self._validation_weight(X_val, y_val)
        return train, val

    def _validation_weight(self, X_val, y_val):
        """Normalizer of the validation loss: n_val, or Σv with validation weights."""
        sw_val = self.sample_weight(X_val, y_val)
        return y_val.shape[0] if sw_val is None else float(sw_val.sum())


class _Moments:
    """A data set known only by its statistics (:class:`~skreg._gram.GramStats`).

    Stands for both X and y of a data set in the :class:`~skreg.early_stopping.Trainer`
    protocol: the Dask fit hands the driver these instead of arrays.
    """

    def __init__(self, stats):
        self.stats = stats
        self.shape = (stats.n_samples, stats.Sxx.shape[0])


class _MomentsDataset:
    """:class:`_Dataset` from sufficient statistics: everything the spectral trainer
    asks of a training set (means, decomposition, λ₁, RSS_min) without the rows."""

    sample_weight = None
    sparse = False
    decomposition_fits_budget = True
    mean_weight = 1.0

    def __init__(self, stats, fit_intercept):
        from .._spectral import decompose_gram

        self.stats, self.fit_intercept = stats, fit_intercept
        self.n_samples = stats.n_samples
        self.total_weight = float(stats.weight_sum)
        self.spectrum = decompose_gram(stats, fit_intercept=fit_intercept)
        self.X_offset, self.y_offset = self.spectrum.X_offset, self.spectrum.y_offset
        lam = self.spectrum.eigenvalues
        self.lambda_max = float(lam[0]) if lam.size else 0.0
        # ‖X_c w_ls − y_c‖² = ‖y_c‖² − Σᵢ λᵢθ*ᵢ² (the fitted part is orthogonal to it)
        yy = stats.scatter_about(self.X_offset, self.y_offset)[2]
        fitted = float(np.einsum("k,kt,kt->", lam, self.spectrum.theta_star, self.spectrum.theta_star))
        self.rss_min = max(float(yy.sum()) - fitted, 0.0)

    def intercept(self, w):
        if not self.fit_intercept:
            return np.zeros(w.shape[1])
        return self.y_offset - self.X_offset @ w


class _MomentsTrainer(_SpectralTrainer):
    """The spectral trainer on data sets given by their statistics (Dask).

    The validation terms of the closed form only need the validation rows' second
    moments about the training means: with A = X_v,c V, AᵀA = Vᵀ S_xx V and
    Aᵀy_v = Vᵀ S_xy, and ‖Aq − y_v‖² = qᵀAᵀAq − 2qᵀAᵀy_v + S_yy.
    """

    def dataset(self, X, y):
        key = (id(X), id(y))
        if key not in self._datasets:
            self._datasets[key] = _MomentsDataset(X.stats, self.fit_intercept)
        return self._datasets[key]

    def loss(self, params, X, y):
        """½ Σ wₖ(xₖᵀw + b − yₖ)² / Σw from the moments about the point (x̄', ȳ') with
        x̄'ᵀw + b = ȳ' (so that the residual is (x − x̄')ᵀw − (y − ȳ'))."""
        w, b = params
        st = X.stats
        x_point = st.x_shift + st.x_mean
        y_point = x_point @ w + b  # the model's prediction at x̄
        Sxx, Sxy, Syy = st.scatter_about(x_point, y_point)
        total = (np.einsum("dt,de,et->", w, Sxx, w) - 2.0 * np.einsum("dt,dt->", w, Sxy)
                 + float(Syy.sum()))
        return 0.5 * max(total, 0.0) / st.weight_sum

    def _validation_terms(self, data, X_val, y_val, V, extra):
        if extra is not None:  # pragma: no cover - the Gram side has a full basis
            raise RuntimeError("moments trainer: no directions outside the eigenbasis")
        key = (id(data), id(X_val))
        if key not in self._validation:
            Sxx, Sxy, Syy = X_val.stats.scatter_about(data.X_offset, data.y_offset)
            G = V.T @ Sxx @ V
            h = V.T @ Sxy
            q = _psd_solve(G, h)
            Gq = G @ q
            rss = float(np.einsum("kt,kt->", q, Gq) - 2.0 * np.einsum("kt,kt->", q, h) + Syy.sum())
            self._validation[key] = (G, Gq - h, q, max(rss, 0.0), X_val)
        G, g, q, rss, _ = self._validation[key]
        return G, g, q, rss

    def _validation_weight(self, X_val, y_val):
        return float(X_val.stats.weight_sum)


# ------------------------------------------------------------------ estimator
class EarlyStoppedGD(LinearRegressorMixin, BaseEstimator):
    """Least squares trained by gradient descent and stopped early (Algorithms 7.1–7.3).

    Gradient descent from θ₀ = 0 on the mean loss

        J_α(w) = (1/n) [ ½‖Xw + b − y‖² + ½α‖w‖² ],

    with ``sample_weight`` the weighted mean J_α(w) = (1/Σw) [ ½Σ wₖ(xₖᵀw + b − yₖ)² +
    ½α‖w‖² ] (the lecture's weighted sum loss divided by Σw; for unit weights Σw = n),
    stopped by a validation set: ``'best'`` (Algorithm 7.1) keeps the iterate of lowest
    validation loss, ``'retrain'`` (7.2) retrains on all data for that many steps,
    ``'continue'`` (7.3) continues on all data until the validation loss falls to the
    training loss of the best iterate.  Early stopping is an implicit L2 penalty, and
    ``equivalent_alpha_`` reports it per eigen-direction.

    Parameters
    ----------
    learning_rate : 'auto' or float, default='auto'
        The step ε on the mean loss J_α.  ``'auto'`` is 1/λ_max, with λ_max the largest
        eigenvalue of the mean-loss Hessian (X_cᵀX_c + αI)/n (the largest over the
        training sets that are descended).  A step ε ≥ 2/λ_max (2(1 + momentum)/λ_max
        with momentum) would diverge and raises a ValueError.  With ``sample_weight``
        it is the step on the weighted mean loss: w ← w − ε ∇J_α with Hessian
        (X_wᵀX_w + αI)/Σw (X_w: centred rows scaled by √wₖ), i.e. a step ε/Σw on the
        weighted sum loss; so integer weights step exactly as repeated rows, and with
        α = 0 multiplying all weights by a constant changes nothing.
    max_iter : int, default=1000
        Bound on the steps of the search (Algorithm 7.1), and for ``'continue'`` on the
        total steps of search plus continuation.  With ``strategy=None``: exactly this
        many steps.
    eval_every : int, default=1
        n, the number of steps between two validation evaluations.
    patience : int, default=10
        p, the number of successive evaluations without improvement that stop the search.
    min_delta : float, default=0.0
        An evaluation improves only when its validation loss is lower than the best by
        more than this.
    strategy : {'best', 'retrain', 'continue'} or None, default='best'
        Algorithm 7.1, 7.2 or 7.3; None runs exactly ``max_iter`` GD steps on all of X
        (no validation; ``X_val``, if given, is only monitored in ``history_``).
    validation_fraction : float, default=0.2
        Fraction of X held out (seeded by ``random_state``) when no ``X_val`` is passed
        to ``fit``; needs at least 2 samples (a clear ValueError otherwise).
    alpha : float, default=0.0
        Coupled weight decay, an explicit L2 strength in the RidgeEigen (sum)
        convention: with ``strategy=None`` and ``max_iter → ∞`` the fit tends to
        ``RidgeEigen(alpha)``.
    momentum : float, default=0.0
        Heavy-ball momentum μ in [0, 1) (iterative solver).
    batch_size : int or None, default=None
        Minibatch size for SGD; None is full-batch GD.  One step is one minibatch update.
        With weights a batch B of size m steps along Σ_{k∈B} wₖ∇ℓₖ / (m Σw/n), an
        unbiased estimate of ∇J_α.
    fit_intercept : bool, default=True
        Fit an intercept: data are centred and b recovered, b is never descended.
    solver : {'auto', 'spectral', 'iterative'}, default='auto'
        ``'spectral'``: the closed-form trajectory (full batch, no momentum), losses of
        every evaluation from one eigendecomposition, no gradient step.
        ``'iterative'``: the steps through :mod:`skreg.optim`.  ``'auto'``: spectral
        whenever it applies and its decomposition is the default (dense X within the
        1 GiB budget; sparse X also min(n, d) ≤ 3,000, ``skreg.get_config()["exact_max_side_sparse"]``),
        else iterative.  Both give the same iterates (to rounding).
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split and the minibatch shuffling.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
        b = ȳ − x̄ᵀw (means of the data of the final phase).
    learning_rate_ : float
        The step ε used (on the mean loss).
    best_iter_ : int
        i*, the step of the lowest validation loss (``max_iter`` for ``strategy=None``).
    n_iter_ : int
        Total number of steps run (search + retraining or continuation).
    history_ : pandas.DataFrame
        One row per evaluation: ``step``, ``train_loss`` and ``val_loss`` (½·mean
        squared error, weighted by the sample weights of the set when there are any; no
        penalty; training loss on the data of that phase) and
        ``phase`` (``'search'``, ``'retrain'``, ``'continue'`` or ``'train'``).
    eigenvalues_ : ndarray of shape (n_components,)
        λᵢ of the centred Gram matrix X_cᵀX_c (X_wᵀX_w with weights) of the final
        training data (subtrain set for ``'best'``, all data otherwise), descending.
        ``eigenvalues_``, ``eigenvectors_`` and ``equivalent_alpha_`` are not set for a
        sparse X whose decomposition exceeds the memory budget (iterative solver).
    eigenvectors_ : ndarray of shape (n_features, n_components)
    equivalent_alpha_ : ndarray of shape (n_components,)
        Per-direction ridge strength aᵢ in the RidgeEigen (sum) convention such that the
        generalized ridge Σ βᵢ/(λᵢ + aᵢ) uᵢ on the final training data reproduces
        ``coef_`` (with weights: βᵢ, λᵢ, uᵢ of the weighted data, as RidgeEigen with
        ``sample_weight``).  For α = 0, aᵢ = λᵢ(1 − ε'λᵢ)^τ / (1 − (1 − ε'λᵢ)^τ) with
        ε' = ε/n (ε/Σw with weights) and τ the steps behind ``coef_``.  With ``alpha > 0`` it is the total strength
        (explicit decay plus early stopping), aᵢ = (α + λᵢρᵢ^τ)/(1 − ρᵢ^τ),
        ρᵢ = 1 − ε(λᵢ + α)/n (n → Σw with weights).  Exact for full-batch GD without momentum and the
        strategies 'best', 'retrain' and None; for 'continue' (the first i* steps saw
        only the subtrain set) and for SGD / momentum it is the same formula, an
        approximation.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    sklearn.linear_model.SGDRegressor : SGD with ``early_stopping=True`` (Algorithm 7.1
        on a held-out fraction, with a tolerance instead of the best iterate).
    RidgeEigen : the explicit L2 penalty that early stopping is equivalent to.

    Notes
    -----
    In the eigenbasis of H = X_cᵀX_c, τ GD steps of size ε' = ε/n from θ₀ give (the
    lecture's "Early Stopping vs Explicit Regularization", one direction at a time)

        θ_τ = (1 − ε'λ)^τ θ₀ + (1 − (1 − ε'λ)^τ) θ*,

    a weighted average of θ₀ and the optimum; ridge centred at θ₀ gives the weights
    α/(α+λ) and λ/(α+λ), so stopping at τ is L2 regularization of strength

        α = λ(1 − ε'λ)^τ / (1 − (1 − ε'λ)^τ).

    The spectral solver evaluates the whole validation curve from these closed forms
    (the derivation, with weight decay, is in this module's docstring).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import EarlyStoppedGD
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = EarlyStoppedGD(max_iter=5000, patience=50, random_state=0).fit(X, y)
    >>> model.best_iter_ > 0, model.coef_.shape
    (True, (10,))
    >>> list(model.history_.columns)
    ['step', 'train_loss', 'val_loss', 'phase']

    An integer sample weight is a repeated row (here without the random split):

    >>> import numpy as np
    >>> w = np.arange(len(y)) % 3
    >>> weighted = EarlyStoppedGD(strategy=None).fit(X, y, sample_weight=w)
    >>> repeated = EarlyStoppedGD(strategy=None).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    >>> bool(np.allclose(weighted.coef_, repeated.coef_))
    True
    """

    _supports_sparse = True  # CSR/CSC X and X_val: implicit centring, never densified

    _parameter_constraints: dict = {
        "learning_rate": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "eval_every": [Interval(Integral, 1, None, closed="left")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "min_delta": [Interval(Real, 0, None, closed="left")],
        "strategy": [StrOptions({"best", "retrain", "continue"}), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "fit_intercept": ["boolean"],
        "solver": [StrOptions({"auto", "spectral", "iterative"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        learning_rate="auto",
        *,
        max_iter=1000,
        eval_every=1,
        patience=10,
        min_delta=0.0,
        strategy="best",
        validation_fraction=0.2,
        alpha=0.0,
        momentum=0.0,
        batch_size=None,
        fit_intercept=True,
        solver="auto",
        random_state=None,
    ):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.eval_every = eval_every
        self.patience = patience
        self.min_delta = min_delta
        self.strategy = strategy
        self.validation_fraction = validation_fraction
        self.alpha = alpha
        self.momentum = momentum
        self.batch_size = batch_size
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit  # a failed fit leaves the estimator as it was
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Train by gradient descent, stopped early on a validation set.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Sparse CSR/CSC (matrix or array): centred implicitly, never densified; the
            spectral solver runs when the min(n, d)² Gram or kernel matrix fits the
            1 GiB budget of :mod:`skreg._sparse` (and, with ``solver='auto'``, min(n, d)
            ≤ 3,000), otherwise (``solver='auto'``) the iterative one.  Dask array or DataFrame: the spectral solver from blockwise
            Gram statistics, with the split rule of
            :func:`skreg._dask.validation_mask` (a hash of the global row number and
            ``random_state``, independent of the chunking).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights wₖ of the training rows: the loss descended is the
            weighted mean (1/Σw)[½Σ wₖ(xₖᵀw + b − yₖ)² + ½α‖w‖²] and the means that
            centre X and y are weighted.  An integer weight k is k repeated rows; a zero
            weight is an absent row (dropped before the validation split).  The
            validation split (``validation_fraction``) splits the weights with the rows.
        X_val : {array-like, sparse matrix, dask array} of shape (n_val, n_features), default=None
            Explicit validation data; then nothing is held out of X, and "all data"
            (Algorithms 7.2, 7.3) is X followed by X_val.
        y_val : array-like of shape (n_val,) or (n_val, n_targets), default=None
        sample_weight_val : float or array-like of shape (n_val,), default=None
            Weights of the explicit validation rows (only with ``X_val``): the
            validation loss is their weighted mean, and they follow X_val into "all
            data".  None means unit weights.

        Returns
        -------
        self : EarlyStoppedGD
        """
        if is_dask_collection(X):
            return self._fit_dask(X, y, sample_weight, X_val, y_val, sample_weight_val)
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        dtype, y_ndim = X.dtype, y.ndim
        X64 = _as_float64(X)
        Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
        X_val, Y_val, sw_val = self._validate_validation(X_val, y_val, Y.shape[1], sample_weight_val)
        rng = check_random_state(self.random_state)
        strategy = self.strategy
        weighted = sample_weight is not None or sw_val is not None
        sw = sw_tr = sw_all = None

        if weighted:  # zero weight = absent row: dropped before anything sees it
            sw = np.ones(X64.shape[0]) if sample_weight is None else sample_weight
            X64, Y, sw = _drop_zero_weights(X64, Y, sw)
            if X_val is not None:
                sw_val = np.ones(X_val.shape[0]) if sw_val is None else sw_val
                X_val, Y_val, sw_val = _drop_zero_weights(X_val, Y_val, sw_val)

        if strategy is None:
            X_tr, Y_tr, X_all, Y_all = X64, Y, X64, Y
            sw_tr = sw_all = sw
            descended = [(X64, Y)]
        else:
            split = validation_split(
                X64, Y, sw, validation_fraction=self.validation_fraction, random_state=rng,
                X_val=X_val, y_val=Y_val, sample_weight_val=sw_val,
            )
            (X_tr, Y_tr, sw_tr), (X_val, Y_val, sw_val), (X_all, Y_all, sw_all) = (
                split.train, split.val, split.all)
            descended = [(X_tr, Y_tr)] + ([] if strategy == "best" else [(X_all, Y_all)])
        seed = rng.randint(np.iinfo(np.int32).max)

        n_max = max(Xd.shape[0] for Xd, _ in descended)
        full_batch = self.batch_size is None or self.batch_size >= n_max
        spectral_ok = full_batch and self.momentum == 0
        if self.solver == "spectral" and not spectral_ok:
            raise ValueError(
                "solver='spectral' is the closed form of full-batch gradient descent: it "
                "needs batch_size=None and momentum=0; use solver='iterative'."
            )
        # sparse X: the spectral solver needs the dense min(n, d)² Gram or kernel matrix
        m_max = max(min(Xd.shape) for Xd, _ in descended)
        fits = not is_sparse(X64) or fits_budget(m_max, m_max)
        default = exact_decomposition_by_default((m_max, m_max), is_sparse(X64))
        if self.solver == "spectral" and not fits:
            raise ValueError(
                f"solver='spectral' on this sparse X needs a dense {m_max}×{m_max} Gram or "
                f"kernel matrix ({8 * m_max**2 / 2**30:.1f} GiB), above the "
                f"{memory_budget() / 2**30:.2g} GiB memory budget; use "
                "solver='iterative' (sparse products only)."
            )
        use_spectral = self.solver == "spectral" or (self.solver == "auto" and spectral_ok and default)
        common = dict(alpha=float(self.alpha), fit_intercept=bool(self.fit_intercept))
        if use_spectral:
            trainer = _SpectralTrainer(X.shape[1], Y.shape[1], **common)
        else:
            trainer = _IterativeTrainer(
                X.shape[1], Y.shape[1], **common, momentum=float(self.momentum),
                batch_size=self.batch_size, seed=seed,
            )
        if weighted:
            trainer.set_sample_weight(X_tr, Y_tr, sw_tr)
            trainer.set_sample_weight(X_all, Y_all, sw_all)
            if X_val is not None:
                trainer.set_sample_weight(X_val, Y_val, sw_val)
        datasets = [trainer.dataset(Xd, Yd) for Xd, Yd in descended]
        self.learning_rate_ = self._check_learning_rate(datasets)
        trainer.set_learning_rate(self.learning_rate_)

        result = run_early_stopping(
            trainer, X_tr, Y_tr, X_val, Y_val,
            strategy=strategy, eval_every=self.eval_every, patience=self.patience,
            min_delta=self.min_delta, max_iter=self.max_iter, X_all=X_all, y_all=Y_all,
        )
        return self._set_result(result, datasets[-1], dtype, y_ndim)

    def _set_result(self, result, final, dtype, y_ndim):
        """Fitted attributes from the driver's result and the final training set."""
        w, b = result.params
        coef, intercept = w.T, b
        if y_ndim == 1:
            coef, intercept = coef[0], intercept[0]
        elif coef.shape[0] == 1:  # y of shape (n, 1): coef_ (n_features,), intercept_ (1,)
            coef = coef[0]  # as scikit-learn's Ridge
        self.coef_ = coef.astype(dtype, copy=False)
        self.intercept_ = np.asarray(intercept).astype(dtype)[()] if self.fit_intercept else 0.0
        self.best_iter_ = int(result.best_iter)
        self.n_iter_ = int(result.n_iter)
        self.history_ = result.history
        if final.decomposition_fits_budget or getattr(final, "_spectrum", None) is not None:
            spectrum = final.spectrum
            self.eigenvalues_ = spectrum.eigenvalues
            self.eigenvectors_ = spectrum.eigenvectors
            self.equivalent_alpha_ = _equivalent_alpha(
                spectrum.eigenvalues, float(self.alpha), self.learning_rate_, final.total_weight,
                result.n_steps,
            )
        return self

    def _fit_dask(self, X, y, sample_weight, X_val, y_val, sample_weight_val):
        """The spectral solver from blockwise Gram statistics (Dask input).

        One pass over the data reduces the subtrain and the validation rows to their
        weighted counts, means and scatter matrices (d² numbers each); the closed-form
        trajectory, every validation loss and Algorithms 7.1–7.3 then run on the client
        from those alone.  The split: see :func:`skreg._dask.validation_mask`.
        """
        from .._dask import check_dask_inputs, gram_stats_many, split_gram_stats

        if self.solver == "iterative" or self.batch_size is not None or self.momentum != 0:
            raise ValueError(
                "EarlyStoppedGD on Dask runs the spectral solver (the closed form of "
                "full-batch gradient descent, from blockwise Gram statistics): use "
                "solver='auto' or 'spectral', batch_size=None and momentum=0."
            )
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        if sample_weight_val is not None and X_val is None:
            raise ValueError("sample_weight_val needs X_val and y_val.")
        Xd, yd, wd, dtype, y_ndim = check_dask_inputs(self, X, y, sample_weight)
        if X_val is not None:
            from .._dask import as_dask_array

            if not is_dask_collection(X_val):  # an in-memory validation set is fine too
                import dask.array as da

                X_val, y_val = da.from_array(np.asarray(X_val)), da.from_array(np.asarray(y_val))
                if sample_weight_val is not None:
                    sample_weight_val = da.from_array(np.asarray(sample_weight_val))
            Xv, yv, wv, _, yv_ndim = check_dask_inputs(
                self, X_val, y_val, sample_weight_val, reset=False, names=("X_val", "y_val"))
            if (1 if yv_ndim == 1 else as_dask_array(y_val, "y_val").shape[1]) != (
                    1 if y_ndim == 1 else yd.shape[1]):
                raise ValueError("y_val must have as many targets as y.")
            tr, va = gram_stats_many((Xd, yd, wd), (Xv, yv, wv))
        elif self.strategy is None:
            (tr,), va = gram_stats_many((Xd, yd, wd)), None
        else:
            rs = self.random_state
            seed = (int(rs) if isinstance(rs, Integral) and rs >= 0
                    else check_random_state(rs).randint(np.iinfo(np.int32).max))
            tr, va = split_gram_stats(Xd, yd, wd, self.validation_fraction, seed)
            if tr.weight_sum <= 0 or va.weight_sum <= 0:
                raise ValueError(
                    f"The blockwise split with validation_fraction={self.validation_fraction} "
                    f"left {'no training' if tr.weight_sum <= 0 else 'no validation'} rows "
                    f"(of {tr.n_samples + va.n_samples}); pass X_val and y_val, or use more "
                    "samples."
                )
        if tr.weight_sum <= 0:
            raise ValueError("Sample weights must contain at least one non-zero number.")
        strategy = self.strategy
        handle_tr = _Moments(tr)
        handle_val = None if va is None else _Moments(va)
        if strategy is None:
            handle_all, descended = handle_tr, [handle_tr]
        else:
            handle_all = _Moments(tr.merge(va))
            descended = [handle_tr] + ([] if strategy == "best" else [handle_all])
        trainer = _MomentsTrainer(tr.Sxx.shape[0], tr.Sxy.shape[1], alpha=float(self.alpha),
                                  fit_intercept=bool(self.fit_intercept))
        datasets = [trainer.dataset(h, h) for h in descended]
        self.learning_rate_ = self._check_learning_rate(datasets)
        trainer.set_learning_rate(self.learning_rate_)
        result = run_early_stopping(
            trainer, handle_tr, handle_tr, handle_val, handle_val,
            strategy=strategy, eval_every=self.eval_every, patience=self.patience,
            min_delta=self.min_delta, max_iter=self.max_iter, X_all=handle_all, y_all=handle_all,
        )
        return self._set_result(result, datasets[-1], dtype, y_ndim)

    def _validate_validation(self, X_val, y_val, n_targets, sample_weight_val=None):
        if X_val is None and y_val is None:
            if sample_weight_val is not None:
                raise ValueError("sample_weight_val needs X_val and y_val.")
            return None, None, None
        if X_val is None or y_val is None:
            raise ValueError("X_val and y_val must be given together.")
        X_val = validate_data(self, X_val, reset=False, dtype=[np.float64, np.float32],
                              accept_sparse=["csr", "csc"])
        Y_val = check_array(y_val, ensure_2d=False, dtype=np.float64, input_name="y_val")
        Y_val = Y_val.reshape(Y_val.shape[0], -1)
        if Y_val.shape != (X_val.shape[0], n_targets):
            raise ValueError(
                f"y_val must have {X_val.shape[0]} rows (as X_val) and {n_targets} target(s) "
                f"(as y), got shape {np.shape(y_val)}."
            )
        if sample_weight_val is not None:
            sample_weight_val = _check_sample_weight(
                sample_weight_val, X_val, dtype=np.float64, ensure_non_negative=True
            )
        return _as_float64(X_val), Y_val, sample_weight_val

    def _check_learning_rate(self, datasets):
        """ε from 'auto' or the user, checked against 2(1 + μ)/λ_max of every descended set."""
        lam_max = max((d.lambda_max + self.alpha) / d.total_weight for d in datasets)
        if self.learning_rate == "auto":
            return 1.0 / lam_max if lam_max > 0 else 1.0
        lr = float(self.learning_rate)
        bound = 2.0 * (1.0 + self.momentum) / lam_max if lam_max > 0 else np.inf
        if lr >= bound:
            raise ValueError(
                f"learning_rate={lr:g} would make gradient descent diverge: it must be below "
                f"2{'(1 + momentum)' if self.momentum else ''}/λ_max = {bound:g}, with "
                f"λ_max = {lam_max:g} the largest eigenvalue of the mean-loss Hessian "
                "(X_cᵀX_c + αI)/n. Use a smaller learning_rate or learning_rate='auto' (1/λ_max)."
            )
        return lr
