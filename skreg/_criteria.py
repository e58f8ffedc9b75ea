"""What ranks the ridge strengths α, and how sure the fit is, from one eigendecomposition.

Once the centred, weighted design is decomposed (:func:`skreg._spectral.decompose`,
X_w = U S Vᵀ, λᵢ = sᵢ², bᵢ = (Uᵀy_w)ᵢ = sᵢθ*ᵢ), every quantity below is a sum over the
r = rank directions, evaluated for many α at O(m·r) cost without touching the data:

* degrees of freedom (the trace of the hat matrix, intercept and unpenalized columns
  counted once each)::

      dof(α) = k₀ + Σᵢ λᵢ / (λᵢ + α),      k₀ = [fit_intercept] + rank(Z)

* the residual sum of squares, split into what no α can fit (RSS₀, the least-squares
  residual, computed once from the data) and what the shrinkage gives up::

      RSS(α) = RSS₀ + Σᵢ (α / (λᵢ + α))² bᵢ²

* the residual degrees of freedom without cancellation, n − dof(α) =
  (n − k₀ − r) + Σᵢ α / (λᵢ + α): both terms are non-negative, so n − dof stays
  accurate when the fit nearly interpolates;

* generalized cross-validation (Golub, Heath and Wahba 1979), AIC and BIC (Hastie,
  Tibshirani and Friedman, *The Elements of Statistical Learning*, §7.5–7.7)::

      GCV(α) = n·RSS(α) / (n − dof(α))²
      AIC(α) = n·log(RSS(α)/n) + 2·dof(α)       BIC: log(n) instead of 2
      known noise variance σ²:  RSS(α)/σ² + 2·dof(α)   (resp. log(n)·dof(α))

  with the sample weights normalized to mean 1 (RSS in units of a unit-weight
  sample, n the number of samples): multiplying every weight by c changes nothing;

* the evidence of the Gaussian-prior reading of L2 (the lecture's MAP section:
  w ~ N(0, I/λ_w), y | w ~ N(Xw, I/β) row-weighted) and MacKay's fixed point for the
  weight and noise precisions, each iteration O(r) (:func:`evidence_fixed_point`),
  and the posterior covariance Σ = (βH + λ_w I)⁻¹ = V diag(1/(βλᵢ + λ_w)) Vᵀ plus
  (I − VVᵀ)/λ_w on the null space of X (the directions the data never see keep the
  prior variance: the p > n case).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "penalized_directions",
    "least_squares_rss",
    "ridge_rss",
    "ridge_dof",
    "gcv_criterion",
    "information_criterion",
    "dof_grid",
    "EvidenceFit",
    "evidence_fixed_point",
    "log_evidence",
    "posterior_quadratic",
    "posterior_covariance",
]


def penalized_directions(spectrum):
    """``(lam, b, k0)`` of a Spectrum or PenalizedSpectrum.

    ``lam`` (r,): the nonzero eigenvalues of the penalized problem; ``b`` (r, t): the
    coordinates bᵢ = (Uᵀỹ)ᵢ = √λᵢ θ*ᵢ of the centred target; ``k0``: the degrees of
    freedom every α keeps (the intercept, the rank of unpenalized columns).
    """
    inner = getattr(spectrum, "inner", spectrum)
    lam = np.asarray(inner.eigenvalues, dtype=np.float64)
    rank = int(np.count_nonzero(lam))
    lam = lam[:rank]
    b = np.sqrt(lam)[:, None] * np.asarray(inner.theta_star, dtype=np.float64)[:rank]
    k0 = int(spectrum.fit_intercept) + int(getattr(spectrum, "z_rank", 0))
    return lam, b, k0


def least_squares_rss(spectrum, X, y, sample_weight=None):
    """RSS₀ = Σₖ wₖ (yₖ − ŷₖ(0))² of the α = 0 (minimum-norm) fit, per target.

    Computed from the data (one product with X, no cancellation), and exactly 0 when
    the fitted directions span every sample of positive weight (k₀ + r ≥ n₊: the
    model interpolates, e.g. d ≥ n).

    Parameters
    ----------
    spectrum : Spectrum or PenalizedSpectrum
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    ndarray of shape (n_targets,)
    """
    y2 = np.asarray(y, dtype=np.float64)
    y2 = y2[:, None] if y2.ndim == 1 else y2
    sw = np.ones(y2.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    lam, _, k0 = penalized_directions(spectrum)
    if k0 + lam.size >= np.count_nonzero(sw > 0):
        return np.zeros(y2.shape[1])
    coef = np.asarray(spectrum.ridge_coef([0.0])[0], dtype=np.float64)  # (t, d)
    fitted = np.asarray(X @ coef.T) + spectrum.intercept(coef)
    return sw @ (y2 - fitted) ** 2


def _filters(lam, alphas):
    """g = 1/(λ + α), shape (m, r), and α as a column (m, 1)."""
    a = np.asarray(alphas, dtype=np.float64).reshape(-1, 1)
    return 1.0 / (lam[None, :] + a), a


def ridge_rss(spectrum, alphas, rss0):
    """RSS(α) = RSS₀ + α² Σᵢ bᵢ² / (λᵢ + α)², shape (m, n_targets)."""
    lam, b, _ = penalized_directions(spectrum)
    g, a = _filters(lam, alphas)
    return np.asarray(rss0, dtype=np.float64)[None, :] + a**2 * ((g**2) @ (b**2))


def ridge_dof(spectrum, alphas):
    """dof(α) = k₀ + Σᵢ λᵢ / (λᵢ + α) (intercept and unpenalized columns counted), (m,)."""
    lam, _, k0 = penalized_directions(spectrum)
    g, _ = _filters(lam, alphas)
    return k0 + (g * lam[None, :]).sum(axis=1)


def _residual_dof(spectrum, alphas, n):
    """n − dof(α) = (n − k₀ − r) + α Σᵢ 1/(λᵢ + α): ``(m0, s)`` with n − dof = m0 + α·s."""
    lam, _, k0 = penalized_directions(spectrum)
    g, _ = _filters(lam, alphas)
    return max(n - k0 - lam.size, 0), g.sum(axis=1)


def gcv_criterion(spectrum, alphas, rss0, n_samples, weight_sum):
    """GCV(α) = n·RSS(α) / (n − dof(α))², weights normalized to mean 1, shape (m, t).

    ``rss0`` (from :func:`least_squares_rss`) and ``weight_sum`` = Σw are in the
    user's weights; RSS is rescaled by n/Σw.  When the model interpolates (RSS₀ = 0
    and n = k₀ + r) both RSS and (n − dof)² are α² times a positive sum and α
    cancels: GCV(α) = n Σbᵢ²gᵢ² / (Σgᵢ)² with gᵢ = 1/(λᵢ + α), finite down to α = 0
    (its α → 0⁺ limit), as the leave-one-out residuals of
    :meth:`skreg._spectral.Spectrum.loo_residuals`.
    """
    lam, b, _ = penalized_directions(spectrum)
    g, a = _filters(lam, alphas)
    rss0 = np.asarray(rss0, dtype=np.float64)[None, :] * (n_samples / weight_sum)
    shrunk = (g**2) @ (b**2) * (n_samples / weight_sum)  # (m, t): RSS − RSS₀ = α²·shrunk
    m0, s = _residual_dof(spectrum, alphas, n_samples)
    s = s[:, None]
    if m0 == 0 and not np.any(rss0):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = n_samples * shrunk / s**2
        return np.where(s > 0, out, np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = n_samples * (rss0 + a**2 * shrunk) / (m0 + a * s) ** 2
    return np.where(m0 + a * s > 0, out, np.inf)


def information_criterion(rss, dof, n_samples, criterion="aic", noise_variance=None):
    """AIC or BIC for each α (ESL §7.5–7.7), from a normalized RSS and dof.

    Parameters
    ----------
    rss : ndarray of shape (m,) or (m, t)
        RSS(α) with the weights normalized to mean 1.
    dof : ndarray of shape (m,)
        dof(α), intercept included.
    n_samples : int
    criterion : {'aic', 'bic'}
    noise_variance : float or None
        None: n·log(RSS/n) + k·dof (σ² profiled out); a value σ²: RSS/σ² + k·dof.
        k = 2 (AIC) or log n (BIC).

    Returns
    -------
    ndarray shaped as ``rss``
    """
    k = 2.0 if criterion == "aic" else math.log(n_samples)
    dof = np.asarray(dof, dtype=np.float64).reshape((-1,) + (1,) * (np.ndim(rss) - 1))
    if noise_variance is not None:
        return rss / noise_variance + k * dof
    with np.errstate(divide="ignore"):
        return n_samples * np.log(rss / n_samples) + k * dof


def dof_grid(eigenvalues, n_alphas=50):
    """``n_alphas`` strengths, ascending, at which dof(α) = Σλᵢ/(λᵢ + α) runs evenly.

    The penalized degrees of freedom fall monotonically from r (α = 0) to 0, so the
    targets 0.5 … r − 0.5 (0.1 … 0.9 for r = 1) are met by exactly one α each,
    found by bisection on log α inside a bracket where dof is above the largest
    target at one end and below the smallest at the other (rλ/(λ + α) ≥ t ⟺
    α ≤ λ(r − t)/t, with λ = λ_min resp. λ_max).  No grid read off the spectrum can miss
    the optimum by being too narrow: it spans the whole range of model sizes.

    Parameters
    ----------
    eigenvalues : array-like of shape (r,)
    n_alphas : int, default=50

    Returns
    -------
    ndarray of shape (n_alphas,)

    Examples
    --------
    >>> lam = np.array([10.0, 1.0, 0.1])
    >>> alphas = dof_grid(lam, 5)
    >>> np.round((lam / (lam + alphas[:, None])).sum(axis=1), 6)
    array([2.5, 2. , 1.5, 1. , 0.5])
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    lam = lam[lam > 0]
    r = lam.size
    if r == 0:  # nothing to shrink: every α gives the same (zero) coefficients
        return np.ones(n_alphas)
    lo_t, hi_t = (0.5, r - 0.5) if r >= 2 else (0.1, 0.9)
    targets = np.linspace(hi_t, lo_t, n_alphas)  # dof descending = α ascending
    # r·λ/(λ + α) ≥ t ⟺ α ≤ λ(r − t)/t: a bracket with a factor 2 to spare
    lo = np.full(n_alphas, math.log(lam.min() * (r - hi_t) / hi_t / 2))
    hi = np.full(n_alphas, math.log(2 * lam.max() * (r - lo_t) / lo_t))
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        dof = (lam[None, :] / (lam[None, :] + np.exp(mid)[:, None])).sum(axis=1)
        above = dof > targets  # α too small
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return np.exp(0.5 * (lo + hi))


# ------------------------------------------------------------------------ evidence
@dataclass(frozen=True)
class EvidenceFit:
    """Result of :func:`evidence_fixed_point`.

    Attributes
    ----------
    noise_precision, weight_precision : float
        β and λ_w at the fixed point.
    n_iter : int
    converged : bool
    scores : ndarray
        Log evidence (with the Gamma hyperpriors) before each update and at the end
        (empty unless ``compute_score``).
    """

    noise_precision: float
    weight_precision: float
    n_iter: int
    converged: bool
    scores: np.ndarray


def log_evidence(lam, b, rss0, n_samples, n_features, noise_precision, weight_precision,
                 hyper=(1e-6, 1e-6, 1e-6, 1e-6)):
    """log p(y | β, λ_w) + the Gamma hyperpriors, scikit-learn ``BayesianRidge``'s score.

    With m = βΣXᵀy the posterior mean and Σ = (βH + λ_wI)⁻¹,

        ½[p log λ_w + n log β − β‖y − Xm‖² − λ_w‖m‖² + log det Σ − n log 2π]
        + α₁ log β − α₂ β + λ₁ log λ_w − λ₂ λ_w

    which is log N(y; 0, I/β + XXᵀ/λ_w) plus the (unnormalized) log hyperpriors;
    log det Σ = −Σᵢ log(λ_w + βλᵢ) − (p − r) log λ_w.  ``hyper`` is
    (α₁, α₂, λ₁, λ₂) = (alpha_1, alpha_2, lambda_1, lambda_2).
    """
    beta, wp = float(noise_precision), float(weight_precision)
    a1, a2, l1, l2 = hyper
    g = 1.0 / (lam + wp / beta)
    coef_sq = float(np.sum(lam * g**2 * b[:, 0] ** 2))
    sse = float(rss0) + (wp / beta) ** 2 * float(np.sum(g**2 * b[:, 0] ** 2))
    logdet = -float(np.sum(np.log(wp + beta * lam))) - (n_features - lam.size) * math.log(wp)
    score = l1 * math.log(wp) - l2 * wp + a1 * math.log(beta) - a2 * beta
    return score + 0.5 * (n_features * math.log(wp) + n_samples * math.log(beta) - beta * sse
                          - wp * coef_sq + logdet - n_samples * math.log(2 * math.pi))


def evidence_fixed_point(lam, b, rss0, n_samples, n_features, *, noise_precision,
                         weight_precision, max_iter=300, tol=1e-6,
                         hyper=(1e-6, 1e-6, 1e-6, 1e-6), compute_score=False):
    """MacKay's fixed point for (β, λ_w), each iteration O(r) on the eigenvalues.

    scikit-learn ``BayesianRidge``'s iteration, in the eigenbasis: with a = λ_w/β the
    posterior mean has coordinates cᵢ = √λᵢ bᵢ/(λᵢ + a), the residual is
    RSS₀ + a²Σ bᵢ²/(λᵢ + a)², the number of well-determined parameters is
    γ = Σ λᵢ/(λᵢ + a), and

        λ_w ← (γ + 2λ₁) / (‖c‖² + 2λ₂),       β ← (n − γ + 2α₁) / (RSS + 2α₂)

    (the stationary point of :func:`log_evidence`).  Stops when the posterior mean of
    the iteration changed by at most ``tol`` relative to its norm (scikit-learn: an
    absolute ℓ1 change), as scikit-learn does, after the update.

    Parameters
    ----------
    lam : ndarray of shape (r,)
        Nonzero eigenvalues λᵢ.
    b : ndarray of shape (r, 1)
        bᵢ = (Uᵀy_w)ᵢ.
    rss0 : float
        Least-squares residual sum of squares (what no α can fit).
    n_samples, n_features : int
    noise_precision, weight_precision : float
        Starting β and λ_w.
    max_iter : int
    tol : float
    hyper : tuple
        (alpha_1, alpha_2, lambda_1, lambda_2) of scikit-learn's Gamma hyperpriors.
    compute_score : bool

    Returns
    -------
    EvidenceFit
    """
    a1, a2, l1, l2 = hyper
    b2 = b[:, 0] ** 2
    beta, wp = float(noise_precision), float(weight_precision)
    scores, c_old, converged = [], None, False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        g = 1.0 / (lam + wp / beta)
        c = np.sqrt(lam) * b[:, 0] * g
        if compute_score:
            scores.append(log_evidence(lam, b, rss0, n_samples, n_features, beta, wp, hyper))
        sse = float(rss0) + (wp / beta) ** 2 * float(np.sum(g**2 * b2))
        gamma = float(np.sum(lam * g))
        wp = (gamma + 2 * l1) / (float(c @ c) + 2 * l2)
        beta = (n_samples - gamma + 2 * a1) / (sse + 2 * a2)
        if c_old is not None and np.linalg.norm(c - c_old) <= tol * max(np.linalg.norm(c), 1e-300):
            converged = True
            break
        c_old = c
    if compute_score:
        scores.append(log_evidence(lam, b, rss0, n_samples, n_features, beta, wp, hyper))
    return EvidenceFit(beta, wp, n_iter, converged, np.asarray(scores, dtype=np.float64))


def _posterior_scales(lam_all, noise_precision, weight_precision):
    """1/(βλᵢ + λ_w) for every column of V (λᵢ = 0 included)."""
    return 1.0 / (noise_precision * np.asarray(lam_all, dtype=np.float64) + weight_precision)


def posterior_quadratic(Z, sq_norms, lam_all, n_features, noise_precision, weight_precision):
    """xᵀΣx for rows x with projections Z = xᵀV (k, c) and squared norms ‖x‖² (k,).

    Σ = V diag(1/(βλᵢ + λ_w)) Vᵀ + (I − VVᵀ)/λ_w: the part of x outside the columns
    of V (the null space of X when V holds only the rank directions, n < d) keeps
    the prior variance 1/λ_w.
    """
    out = (Z**2) @ _posterior_scales(lam_all, noise_precision, weight_precision)
    if Z.shape[1] < n_features:
        out = out + np.maximum(sq_norms - np.sum(Z**2, axis=1), 0.0) / weight_precision
    return out


def posterior_covariance(V, lam_all, noise_precision, weight_precision):
    """The d × d posterior covariance Σ = V diag(1/(βλᵢ + λ_w)) Vᵀ + (I − VVᵀ)/λ_w."""
    d, c = V.shape
    scales = _posterior_scales(lam_all, noise_precision, weight_precision)
    sigma = (V * scales) @ V.T
    if c < d:
        sigma += (np.eye(d) - V @ V.T) / weight_precision
    return sigma
