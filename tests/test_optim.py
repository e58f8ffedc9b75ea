"""skreg.optim: each optimizer against the lecture's recursion or scikit-learn's MLP optimizers."""

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from skreg.optim import GD, SGD, Adam, iter_minibatches, weight_decay_step


def _params(seed=0):
    rng = np.random.RandomState(seed)
    return [rng.randn(3, 2), rng.randn(2)]


def _grad_sequence(n_steps, seed=1):
    rng = np.random.RandomState(seed)
    return [[rng.randn(3, 2), rng.randn(2)] for _ in range(n_steps)]


@pytest.mark.parametrize(
    "make", [lambda: GD(0.1, weight_decay=0.5), lambda: SGD(0.1, weight_decay=0.5)]
)
def test_weight_decay_with_constant_risk_decays_geometrically(make):
    # R = const ⇒ ∇R = 0 ⇒ θ_k = (1 − εα)^k θ_0 (the lecture's "weight decay")
    opt, theta0 = make(), _params()
    theta = [p.copy() for p in theta0]
    for k in range(1, 26):
        opt.update(theta, [np.zeros_like(p) for p in theta])
        for p, p0 in zip(theta, theta0, strict=False):
            np.testing.assert_allclose(p, (1 - 0.1 * 0.5) ** k * p0, rtol=1e-13)


def test_weight_decay_step_is_the_lecture_update():
    theta, grad = np.array([1.0, -2.0, 3.0]), np.array([0.5, 0.5, -1.0])
    out = weight_decay_step(theta, grad, 0.2, 0.3)
    np.testing.assert_allclose(out, theta - 0.2 * grad - 0.2 * 0.3 * theta)
    decayed = theta
    for _ in range(10):
        decayed = weight_decay_step(decayed, np.zeros(3), 0.2, 0.3)
    np.testing.assert_allclose(decayed, (1 - 0.06) ** 10 * theta, rtol=1e-13)
    np.testing.assert_array_equal(theta, [1.0, -2.0, 3.0])  # input untouched


def test_gd_is_theta_minus_step_times_gradient():
    theta, grads = _params(), _grad_sequence(5)
    expected = [p.copy() for p in theta]
    opt = GD(0.3)
    for g in grads:
        opt.update(theta, g)
        expected = [e - 0.3 * gi for e, gi in zip(expected, g, strict=False)]
    for p, e in zip(theta, expected, strict=False):
        np.testing.assert_allclose(p, e, rtol=1e-14)


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_sgd_matches_scikit_learn_sgd_optimizer(momentum, nesterov):
    theta, grads = _params(), _grad_sequence(8)
    reference = [p.copy() for p in theta]
    ref_opt = SGDOptimizer(
        reference,
        learning_rate_init=0.05,
        lr_schedule="constant",
        momentum=momentum,
        nesterov=nesterov,
    )
    opt = SGD(0.05, momentum=momentum, nesterov=nesterov)
    for g in grads:
        opt.update(theta, g)
        ref_opt.update_params(reference, [gi.copy() for gi in g])
    for p, r in zip(theta, reference, strict=False):
        np.testing.assert_allclose(p, r, rtol=1e-12, atol=1e-14)


def test_heavy_ball_recursion_on_a_quadratic():
    # v ← μv − ε∇, θ ← θ + v on ½λθ²: the explicit two-term recursion
    lam, eps, mu = 2.0, 0.3, 0.7
    theta, opt = [np.array([1.0])], SGD(eps, momentum=mu)
    t, v = 1.0, 0.0
    for _ in range(30):
        opt.update(theta, [lam * theta[0]])
        v = mu * v - eps * lam * t
        t = t + v
        assert theta[0][0] == pytest.approx(t, rel=1e-12, abs=1e-15)


def test_adam_matches_scikit_learn_adam_optimizer():
    theta, grads = _params(), _grad_sequence(10)
    reference = [p.copy() for p in theta]
    ref_opt = AdamOptimizer(reference, learning_rate_init=0.01)
    opt = Adam(0.01)
    for g in grads:
        opt.update(theta, g)
        ref_opt.update_params(reference, [gi.copy() for gi in g])
    for p, r in zip(theta, reference, strict=False):
        np.testing.assert_allclose(p, r, rtol=1e-12)


@pytest.mark.parametrize("make", [lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.1)])
def test_reset_forgets_the_state(make):
    opt, grads = make(), _grad_sequence(4)
    first = _params()
    for g in grads:
        opt.update(first, g)
    opt.reset()
    second = _params()
    for g in grads:
        opt.update(second, g)
    for a, b in zip(first, second, strict=False):
        np.testing.assert_array_equal(a, b)


def test_invalid_hyperparameters_raise():
    with pytest.raises(ValueError, match="learning_rate"):
        GD(0.0)
    with pytest.raises(ValueError, match="momentum"):
        SGD(0.1, momentum=1.0)
    with pytest.raises(ValueError, match="beta_1"):
        Adam(beta_1=1.5)
    with pytest.raises(ValueError, match="weight_decay"):
        GD(0.1, weight_decay=-1.0)
    with pytest.raises(ValueError, match="gradients"):
        GD(0.1).update([np.zeros(2)], [])


def test_minibatches_cover_each_sample_once_per_epoch():
    batches = list(iter_minibatches(23, 5, random_state=0))
    assert [b.size for b in batches] == [5, 5, 5, 5, 3]
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(23))
    assert not np.array_equal(np.concatenate(batches), np.arange(23))  # shuffled


def test_minibatches_are_seeded():
    a = [b.tolist() for b in iter_minibatches(17, 4, random_state=3)]
    b = [b.tolist() for b in iter_minibatches(17, 4, random_state=3)]
    assert a == b
    rng = np.random.RandomState(3)
    epoch1 = np.concatenate(list(iter_minibatches(17, 4, rng)))
    epoch2 = np.concatenate(list(iter_minibatches(17, 4, rng)))
    assert epoch1.tolist() == sum(a, [])  # an instance continues the same stream
    assert not np.array_equal(epoch1, epoch2)  # and reshuffles each epoch


def test_full_batch_is_one_unshuffled_batch():
    for batch_size in (None, 10, 50):
        batches = list(iter_minibatches(10, batch_size, random_state=0))
        assert len(batches) == 1
        np.testing.assert_array_equal(batches[0], np.arange(10))
    with pytest.raises(ValueError, match="batch_size"):
        list(iter_minibatches(10, 0))
