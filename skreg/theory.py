"""The lecture's closed forms as pure, vectorized functions.

This module imports nothing from the rest of skreg: it is the independent reference the
tests hold the estimators to, so that a test compares two different computations.
Every function broadcasts over its array arguments (many α, many directions, many targets).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ridge_spectral_solution", "l2_shrink"]


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
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    lam, U = np.linalg.eigh(X.T @ X)
    beta = U.T @ (X.T @ y)
    alpha_arr = np.asarray(alpha, dtype=np.float64)
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
    theta_star = np.asarray(theta_star, dtype=np.float64)
    lam = np.asarray(lam, dtype=np.float64)
    return lam / (lam + np.asarray(alpha, dtype=np.float64)) * theta_star
