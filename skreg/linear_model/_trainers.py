"""The least-squares trainers EarlyStoppedGD hands to the early-stopping driver.

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

import numpy as np
from scipy import linalg

from .._data._centering import center_data, implicit_offsets
from .._data._sparse import (
    CenteredDesign,
    exact_decomposition_by_default,
    is_sparse,
)
from .._spectral import decompose, gd_powers, null_tolerance
from ..optim import SGD, iter_minibatches

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
    keep = lam > null_tolerance(lam[-1], *G.shape)
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
        self.total_weight = self.n_samples if sample_weight is None else float(sample_weight.sum())
        self.sparse = is_sparse(X)
        # x̄ from one (sparse) product, X untouched; yc = √w (y − ȳ)
        self.X_offset, self.y_offset, self.yc, self.sqrt_sw = implicit_offsets(
            X, y, sample_weight, fit_intercept)
        self._Xc = self._spectrum = self._lambda_max = self._rss = None

    @property
    def mean_weight(self):
        """Σw / n (1 without weights): a minibatch of size m carries m·Σw/n on average."""
        return 1.0 if self.sample_weight is None else self.total_weight / self.n_samples

    @property
    def Xc(self):
        """√w (X − x̄): a dense copy made once (only the iterative trainer needs it), or
        for sparse X the implicit :class:`~skreg._data._sparse.CenteredDesign` (no copy)."""
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
        (:func:`~skreg._data._sparse.exact_decomposition_by_default`)."""
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
        implicitly (:class:`~skreg._data._sparse.CenteredDesign`), never densified.
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
    """A data set known only by its statistics (:class:`~skreg._data._gram.GramStats`).

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
        return 0.5 * float(st.rss(w.T, x_point, y_point).sum()) / st.weight_sum

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
