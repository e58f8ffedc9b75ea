"""The lecture's noise closed forms (skreg.theory), checked against sampled noise."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

from skreg.noise import add_input_noise, perturb_weights
from skreg.theory import input_noise_equivalent_alpha, weight_noise_penalty


def test_input_noise_equivalent_alpha_is_delta_times_n():
    assert input_noise_equivalent_alpha(0.01, 442) == pytest.approx(4.42, rel=1e-15)
    out = input_noise_equivalent_alpha(np.array([0.0, 0.5, 2.0]), 10)
    np.testing.assert_allclose(out, [0.0, 5.0, 20.0], rtol=1e-15)
    with pytest.raises(ValueError):
        input_noise_equivalent_alpha(-1.0, 10)


def test_lecture_expansion_holds_term_by_term_on_a_drawn_Z():
    X, y = load_diabetes(return_X_y=True)
    w = np.random.RandomState(0).normal(scale=100.0, size=X.shape[1])
    sigma = 0.02
    X_tilde = add_input_noise(X, sigma, random_state=1)
    Z = X_tilde - X
    lhs = np.sum((X_tilde @ w - y) ** 2)
    data, noise, cross = np.sum((X @ w - y) ** 2), np.sum((Z @ w) ** 2), 2 * (Z @ w) @ (X @ w - y)
    np.testing.assert_allclose(lhs, data + noise + cross, rtol=1e-12)
    # and each term has the expectation the lecture uses: over many draws of Z,
    # E‖Zw‖² = δN‖w‖² and E (Zw)ᵀ(Xw − y) = 0, within 4 standard errors
    n_draws = 400
    Zs = add_input_noise(X, sigma, random_state=2, n_copies=n_draws) - np.tile(X, (n_draws, 1))
    Zw = (Zs @ w).reshape(n_draws, -1)
    noise_terms = np.sum(Zw**2, axis=1)
    cross_terms = Zw @ (X @ w - y)
    delta, N = sigma**2, X.shape[0]
    expected_noise = input_noise_equivalent_alpha(delta, N) * (w @ w)
    se = noise_terms.std(ddof=1) / np.sqrt(n_draws)
    assert abs(noise_terms.mean() - expected_noise) < 4 * se
    assert abs(cross_terms.mean()) < 4 * cross_terms.std(ddof=1) / np.sqrt(n_draws)
    # so the sampled risk ½‖X̃w − y‖² averages to R(w) + ½δN‖w‖²
    risks = 0.5 * np.sum((Zw + (X @ w - y)) ** 2, axis=1)
    expected = 0.5 * np.sum((X @ w - y) ** 2) + 0.5 * expected_noise
    assert abs(risks.mean() - expected) < 4 * risks.std(ddof=1) / np.sqrt(n_draws)


def test_weight_noise_monte_carlo_matches_penalty_for_a_linear_model():
    # f = θ·x is linear in θ: ∇θ f = x, Δθ f = 0, so E_φ ½(f(θ + δφ) − y)² is exactly
    # ½(f − y)² + ½δ²‖x‖² summed over samples.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 4))
    y = rng.normal(size=20)
    theta = rng.normal(size=4)
    delta, n_draws = 0.3, 20000
    thetas = perturb_weights([np.tile(theta, (n_draws, 1))], delta, random_state=1)[0]
    losses = 0.5 * np.sum((thetas @ X.T - y) ** 2, axis=1)  # one risk per draw of φ
    expected = 0.5 * np.sum((X @ theta - y) ** 2) + weight_noise_penalty(X, delta)
    se = losses.std(ddof=1) / np.sqrt(n_draws)
    assert abs(losses.mean() - expected) < 4 * se
    # the penalty is ½δ² Σₖ‖xₖ‖², and is not negligible here compared to the error
    assert weight_noise_penalty(X, delta) == pytest.approx(0.5 * delta**2 * np.sum(X**2), rel=1e-14)
    assert weight_noise_penalty(X, delta) > 20 * se


def test_weight_noise_dropped_laplacian_term():
    # f = (θ·x)², ∇f = 2(θ·x)x, Δf = 2‖x‖²: the exact expectation is
    # ½r² + ½δ²‖∇f‖² + ½δ² r Δf + (3/2)δ⁴‖x‖⁴ with r = f − y.  The term the lecture
    # drops, ½δ² r Δf, is visible away from a perfect fit and vanishes at r = 0.
    rng = np.random.RandomState(3)
    x, theta = rng.normal(size=3), rng.normal(size=3)
    a, q = theta @ x, x @ x
    grad = 2 * a * x
    delta, n_draws = 0.1, 200000
    thetas = perturb_weights(np.tile(theta, (n_draws, 1)), delta, random_state=4)
    f_noisy = (thetas @ x) ** 2
    for y in (a**2 - 3.0, a**2):  # a poor fit, then a perfect one
        r = a**2 - y
        losses = 0.5 * (f_noisy - y) ** 2
        se = losses.std(ddof=1) / np.sqrt(n_draws)
        kept = 0.5 * r**2 + weight_noise_penalty(grad, delta)
        dropped = 0.5 * delta**2 * r * 2 * q
        exact = kept + dropped + 1.5 * delta**4 * q**2
        assert abs(losses.mean() - exact) < 4 * se
        if r != 0:
            assert abs(dropped) > 10 * se  # the dropped term is detectable here
        else:
            assert dropped == 0.0


def test_weight_noise_penalty_shapes():
    g = np.array([[1.0, 2.0], [2.0, 0.0]])
    assert weight_noise_penalty(g, 0.5) == pytest.approx(0.5 * 0.25 * 9.0, rel=1e-15)
    assert weight_noise_penalty(g[0], 0.5) == pytest.approx(0.5 * 0.25 * 5.0, rel=1e-15)
    np.testing.assert_allclose(weight_noise_penalty(g, [0.0, 1.0]), [0.0, 4.5], rtol=1e-15)
    with pytest.raises(ValueError):
        weight_noise_penalty(g, -0.1)
