"""skreg.penalties: values, (sub)gradients, proximal maps and priors, held to plain formulas."""

import numpy as np
import pytest
from scipy import optimize, stats

from skreg.penalties import L1Penalty, L2Penalty, layer_penalties, make_penalty

THETA = np.array([[1.5, -0.2], [0.0, -3.0]])


def test_values_and_gradients():
    l2, l1 = L2Penalty(0.5), L1Penalty(0.5)
    assert l2.value(THETA) == pytest.approx(0.5 * 0.5 * (1.5**2 + 0.2**2 + 9.0))
    assert l1.value(THETA) == pytest.approx(0.5 * (1.5 + 0.2 + 3.0))
    np.testing.assert_allclose(l2.gradient(THETA), 0.5 * THETA)
    np.testing.assert_allclose(l1.gradient(THETA), [[0.5, -0.5], [0.0, -0.5]])
    # the L2 gradient is the derivative of the value (finite differences)
    eps = 1e-6
    e = np.zeros_like(THETA)
    e[0, 1] = eps
    fd = (l2.value(THETA + e) - l2.value(THETA - e)) / (2 * eps)
    assert fd == pytest.approx(l2.gradient(THETA)[0, 1], rel=1e-6)


def test_value_accepts_integers_and_lists():
    assert L1Penalty(2.0).value([1, -2, 3]) == 12.0
    assert L2Penalty(2.0).value([[1, 2]]) == 5.0


def test_l1_prox_is_soft_threshold():
    pen = L1Penalty(alpha=2.0)
    v = np.array([3.0, -3.0, 0.5, -0.5, 1.0])
    np.testing.assert_array_equal(pen.prox(v, step=0.5), [2.0, -2.0, 0.0, 0.0, 0.0])
    # per-coordinate steps broadcast
    np.testing.assert_allclose(
        pen.prox(v, step=np.array([0.1, 1.0, 0.1, 0.1, 0.25])), [2.8, -1.0, 0.3, -0.3, 0.5]
    )
    # positive: clipped at zero
    np.testing.assert_array_equal(
        L1Penalty(2.0, positive=True).prox(v, 0.5), [2.0, 0.0, 0.0, 0.0, 0.0]
    )


@pytest.mark.parametrize("penalty", [L1Penalty(0.7), L2Penalty(0.7)])
def test_prox_minimizes_its_objective(penalty):
    """prox(v) = argmin_θ ½‖θ − v‖² + step·αΩ(θ), checked by a numerical minimizer."""
    rng = np.random.default_rng(0)
    v = rng.normal(size=5) * 2
    step = 0.8
    expected = penalty.prox(v, step)

    def objective(theta):
        return 0.5 * np.sum((theta - v) ** 2) + step * penalty.value(theta)

    found = optimize.minimize(
        objective, np.zeros(5), method="Powell", options={"xtol": 1e-10, "ftol": 1e-14}
    ).x
    np.testing.assert_allclose(found, expected, atol=1e-6)
    assert objective(expected) <= objective(found) + 1e-12


def test_l2_prox_is_shrink():
    np.testing.assert_allclose(L2Penalty(1.0).prox(THETA, 3.0), THETA / 4.0)


def test_prox_does_not_mutate_input():
    v = np.array([3.0, -1.0])
    L1Penalty(1.0).prox(v, 1.0)
    L2Penalty(1.0).prox(v, 1.0)
    np.testing.assert_array_equal(v, [3.0, -1.0])


def test_log_priors_match_scipy_densities():
    alpha = 1.7
    theta = np.array([0.3, -1.2, 2.0])
    laplace = stats.laplace(scale=1.0 / alpha).logpdf(theta).sum()
    gauss = stats.norm(scale=1.0 / np.sqrt(alpha)).logpdf(theta).sum()
    assert L1Penalty(alpha).log_prior(theta, normalized=True) == pytest.approx(laplace)
    assert L2Penalty(alpha).log_prior(theta, normalized=True) == pytest.approx(gauss)
    assert L1Penalty(alpha, positive=True).log_prior(
        theta[theta > 0], normalized=True
    ) == pytest.approx(stats.expon(scale=1.0 / alpha).logpdf(theta[theta > 0]).sum())
    # up to a constant: −αΩ
    assert L1Penalty(alpha).log_prior(theta) == pytest.approx(-alpha * 3.5)
    assert L2Penalty(alpha).log_prior(theta) == pytest.approx(-0.5 * alpha * np.sum(theta**2))
    # differences of the unnormalized log prior equal differences of the true log density
    other = theta * 0.5
    assert L1Penalty(alpha).log_prior(theta) - L1Penalty(alpha).log_prior(other) == pytest.approx(
        laplace - stats.laplace(scale=1.0 / alpha).logpdf(other).sum()
    )


def test_make_penalty_and_layers():
    assert make_penalty("l1", 0.3) == L1Penalty(0.3)
    assert make_penalty("L2", 2) == L2Penalty(2.0)
    layers = layer_penalties(0.1, 3)
    assert [p.alpha for p in layers] == [0.1, 0.1, 0.1]
    assert all(isinstance(p, L2Penalty) for p in layers)
    layers = layer_penalties([0.1, 0.0, 2.0], 3, penalty="l1")
    assert [p.alpha for p in layers] == [0.1, 0.0, 2.0]
    assert all(isinstance(p, L1Penalty) for p in layers)
    assert layer_penalties(np.array([1.0, 2.0]), 2)[1].alpha == 2.0


def test_bad_input_errors():
    with pytest.raises(ValueError, match="n_layers=3"):
        layer_penalties([0.1, 0.2], 3)
    with pytest.raises(ValueError, match="one of"):
        make_penalty("l3", 1.0)
    with pytest.raises(ValueError, match=">= 0"):
        L1Penalty(-1.0)
    with pytest.raises(ValueError, match=">= 0"):
        L2Penalty(np.nan)
    with pytest.raises(TypeError, match="real number"):
        L2Penalty("big")
    with pytest.raises(ValueError, match="step"):
        L1Penalty(1.0).prox([1.0], -0.1)
    with pytest.raises(ValueError, match="improper"):
        L1Penalty(0.0).log_prior([1.0], normalized=True)
    assert L1Penalty(1.0, positive=True).value([-1.0]) == np.inf
