"""The lecture's examples as small, seeded data generators."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["make_polynomial_example"]


def make_polynomial_example(n_samples=10, degree=8, *, noise=0.2, random_state=0):
    """The lecture's numerical example: few points fitted with many polynomial features.

    Inputs x are drawn uniformly on [0, 1] (sorted), targets are
    y = sin(2πx) + ε with ε ~ N(0, noise²), and the features are x, x², …, x^degree
    (no constant column: estimators fit the intercept).  With the defaults (10 points,
    degree 8) H = XᵀX is severely ill-conditioned, so the eigenvalues λ_i span many
    decades: the setting in which L2 "removes the influence of the data in the
    directions of small variance".

    Parameters
    ----------
    n_samples : int, default=10
    degree : int, default=8
    noise : float, default=0.2
        Standard deviation of the Gaussian noise on y.
    random_state : int, RandomState instance or None, default=0

    Returns
    -------
    X : ndarray of shape (n_samples, degree)
        Polynomial features of x.
    y : ndarray of shape (n_samples,)

    Examples
    --------
    >>> X, y = make_polynomial_example()
    >>> X.shape, y.shape
    ((10, 8), (10,))
    >>> bool(np.allclose(X[:, 1], X[:, 0] ** 2))
    True
    """
    if int(n_samples) < 1 or int(degree) < 1:
        raise ValueError("n_samples and degree must be positive integers.")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}.")
    rng = check_random_state(random_state)
    x = np.sort(rng.uniform(0.0, 1.0, size=int(n_samples)))
    y = np.sin(2 * np.pi * x) + noise * rng.standard_normal(int(n_samples))
    X = x[:, None] ** np.arange(1, int(degree) + 1)
    return X, y
