"""skreg.theory.soft_threshold: the lecture's L1 closed form."""

import numpy as np
import pytest
from scipy import optimize

from skreg.theory import l2_shrink, soft_threshold


def test_soft_threshold_values():
    theta_star = np.array([3.0, -3.0, 0.5, -0.5, 2.0])
    lam = np.array([1.0, 2.0, 1.0, 4.0, 1.0])
    # α/λ = 1, 0.5, 1, 0.25, 1
    np.testing.assert_allclose(soft_threshold(theta_star, lam, 1.0), [2.0, -2.5, 0.0, -0.25, 1.0])


def test_soft_threshold_minimizes_each_coordinate():
    """θ̂ᵢ minimizes ½λᵢ(θ − θ*ᵢ)² + α|θ| (checked by a bounded scalar minimizer)."""
    rng = np.random.default_rng(1)
    theta_star = rng.normal(size=6) * 3
    lam = rng.uniform(0.2, 3.0, size=6)
    alpha = 1.3
    expected = soft_threshold(theta_star, lam, alpha)
    for t, l, e in zip(theta_star, lam, expected, strict=False):
        res = optimize.minimize_scalar(
            lambda th, t=t, l=l: 0.5 * l * (th - t) ** 2 + alpha * abs(th),
            bounds=(-20, 20),
            method="bounded",
            options={"xatol": 1e-12},
        )
        assert res.x == pytest.approx(e, abs=1e-7)


def test_soft_threshold_broadcasts_over_alpha():
    theta_star = np.array([2.0, -1.0])
    lam = np.array([1.0, 1.0])
    alphas = np.array([0.0, 0.5, 1.5, 3.0])[:, None]
    out = soft_threshold(theta_star, lam, alphas)
    assert out.shape == (4, 2)
    np.testing.assert_allclose(out, [[2.0, -1.0], [1.5, -0.5], [0.5, 0.0], [0.0, 0.0]])


def test_l1_is_hard_l2_is_soft():
    """Both push θ̂ from θ* (α = 0) towards 0; only L1 reaches exact zeros."""
    theta_star = np.array([1.0, -2.0, 0.3])
    lam = np.array([0.5, 2.0, 4.0])
    alphas = np.geomspace(1e-3, 1e3, 25)[:, None]
    l1 = soft_threshold(theta_star, lam, alphas)
    l2 = l2_shrink(theta_star, lam, alphas)
    np.testing.assert_allclose(soft_threshold(theta_star, lam, 0.0), theta_star)
    # |θ̂| non-increasing in α for both
    assert np.all(np.diff(np.abs(l1), axis=0) <= 0)
    assert np.all(np.diff(np.abs(l2), axis=0) <= 0)
    assert np.all(l2 != 0)
    assert np.all(l1[-1] == 0)
    # a coordinate is zero exactly from α = λᵢ|θ*ᵢ| on
    threshold = lam * np.abs(theta_star)
    np.testing.assert_array_equal(l1 == 0, alphas >= threshold)
    # high-curvature (large λ) directions are less affected
    assert soft_threshold(1.0, 10.0, 1.0) > soft_threshold(1.0, 2.0, 1.0)
