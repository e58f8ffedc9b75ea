"""skreg.noise: input noise, weight noise and label smoothing, held to their definitions."""

import numpy as np
import pytest
from scipy import stats

from skreg.noise import add_input_noise, perturb_weights, smooth_labels

# ------------------------------------------------------------------ add_input_noise


def test_add_input_noise_shape_blocks_and_statistics():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 5))
    X_before = X.copy()
    out = add_input_noise(X, 0.3, random_state=1, n_copies=6)
    assert out.shape == (2400, 5) and out.dtype == np.float64
    np.testing.assert_array_equal(X, X_before)  # input untouched
    Z = out.reshape(6, 400, 5) - X[None]  # copy-major blocks: block k is X + Z_k
    # 12000 N(0, 0.09) draws: mean within 4 standard errors, variance by a chi² band
    n = Z.size
    assert abs(Z.mean()) < 4 * 0.3 / np.sqrt(n)
    lo, hi = stats.chi2.ppf([1e-4, 1 - 1e-4], n) / n * 0.09
    assert lo < np.mean(Z**2) < hi
    # the copies are independent draws, not repeats
    assert not np.allclose(Z[0], Z[1])
    assert abs(np.corrcoef(Z[0].ravel(), Z[1].ravel())[0, 1]) < 4 / np.sqrt(Z[0].size)


def test_add_input_noise_seeding():
    X = np.arange(12.0).reshape(4, 3)
    a = add_input_noise(X, 0.5, random_state=3, n_copies=2)
    b = add_input_noise(X, 0.5, random_state=3, n_copies=2)
    c = add_input_noise(X, 0.5, random_state=4, n_copies=2)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    # a RandomState instance is consumed: successive calls give fresh noise
    rs = np.random.RandomState(3)
    first = add_input_noise(X, 0.5, random_state=rs)
    second = add_input_noise(X, 0.5, random_state=rs)
    np.testing.assert_array_equal(first, a[:4])
    assert not np.allclose(first, second)


def test_add_input_noise_zero_std_repeats_X_and_keeps_float32():
    X = np.arange(6, dtype=np.float32).reshape(3, 2)
    out = add_input_noise(X, 0.0, random_state=0, n_copies=3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.tile(X, (3, 1)))
    out64 = add_input_noise(X.astype(int), 0.0, n_copies=1)
    assert out64.dtype == np.float64
    np.testing.assert_array_equal(out64, X)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"noise_std": -0.1}, ValueError),
        ({"noise_std": np.inf}, ValueError),
        ({"noise_std": "a"}, TypeError),
        ({"noise_std": 0.1, "n_copies": 0}, ValueError),
        ({"noise_std": 0.1, "n_copies": 1.5}, ValueError),
    ],
)
def test_add_input_noise_rejects_bad_parameters(kwargs, error):
    with pytest.raises(error, match="noise_std|n_copies"):
        add_input_noise(np.ones((3, 2)), **kwargs)


def test_add_input_noise_rejects_bad_X():
    with pytest.raises(ValueError, match="2-D"):
        add_input_noise(np.ones(3), 0.1)
    with pytest.raises(TypeError, match="numeric"):
        add_input_noise(np.array([["a", "b"]]), 0.1)


# ------------------------------------------------------------------ perturb_weights


def test_perturb_weights_shapes_statistics_and_no_mutation():
    W = np.ones((300, 50))
    b = np.zeros(50, dtype=np.float32)
    params = [W, b]
    new = perturb_weights(params, 0.2, random_state=0)
    assert [p.shape for p in new] == [(300, 50), (50,)]
    assert new[1].dtype == np.float32
    np.testing.assert_array_equal(W, 1.0)  # inputs untouched
    np.testing.assert_array_equal(b, 0.0)
    phi = (new[0] - W) / 0.2  # φ ~ N(0, I)
    assert abs(phi.mean()) < 4 / np.sqrt(phi.size)
    lo, hi = stats.chi2.ppf([1e-4, 1 - 1e-4], phi.size) / phi.size
    assert lo < np.mean(phi**2) < hi


def test_perturb_weights_seeding_and_single_array():
    theta = np.zeros(10)
    a = perturb_weights([theta], 0.1, random_state=5)
    b = perturb_weights([theta], 0.1, random_state=5)
    np.testing.assert_array_equal(a[0], b[0])
    single = perturb_weights(theta, 0.1, random_state=5)
    assert isinstance(single, np.ndarray)
    np.testing.assert_array_equal(single, a[0])
    np.testing.assert_array_equal(perturb_weights([theta], 0.0, random_state=1)[0], theta)
    with pytest.raises(ValueError, match="noise_std"):
        perturb_weights([theta], -1.0)


# -------------------------------------------------------------------- smooth_labels


def test_smooth_labels_lecture_four_class_example():
    alpha = 0.3
    expected = np.array([[alpha / 3, 1 - alpha, alpha / 3, alpha / 3]])
    np.testing.assert_allclose(smooth_labels([1], alpha, n_classes=4), expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(
        smooth_labels(np.array([[0, 1, 0, 0]]), alpha), expected, rtol=0, atol=1e-15
    )


@pytest.mark.parametrize("convention", ["lecture", "uniform"])
@pytest.mark.parametrize("K", [2, 3, 7])
def test_smooth_labels_rows_sum_to_one(convention, K):
    labels = np.random.RandomState(K).randint(0, K, size=50)
    Y = smooth_labels(labels, 0.25, n_classes=K, convention=convention)
    assert Y.shape == (50, K)
    np.testing.assert_allclose(Y.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    assert np.all(Y > 0)
    # the true class keeps the largest share
    np.testing.assert_array_equal(Y.argmax(axis=1), labels)


def test_smooth_labels_uniform_convention_is_keras_pytorch():
    K, alpha = 5, 0.2
    labels = np.array([0, 4, 2])
    onehot = np.eye(K)[labels]
    Y = smooth_labels(labels, alpha, n_classes=K, convention="uniform")
    np.testing.assert_allclose(Y, onehot * (1 - alpha) + alpha / K, rtol=0, atol=1e-15)
    # the conventions coincide when α_uniform = α_lecture · K/(K − 1)
    np.testing.assert_allclose(
        smooth_labels(labels, alpha * K / (K - 1), n_classes=K, convention="uniform"),
        smooth_labels(labels, alpha, n_classes=K, convention="lecture"),
        rtol=0,
        atol=1e-15,
    )


def test_smooth_labels_integer_and_onehot_inputs_agree_and_alpha_zero_is_identity():
    labels = np.array([2, 0, 1, 2])
    inferred = smooth_labels(labels, 0.1)  # K = max + 1 = 3
    assert inferred.shape == (4, 3)
    np.testing.assert_array_equal(inferred, smooth_labels(np.eye(3)[labels], 0.1))
    np.testing.assert_array_equal(smooth_labels(labels, 0.0), np.eye(3)[labels])
    np.testing.assert_array_equal(smooth_labels(labels.astype(float), 0.1), inferred)
    wide = smooth_labels(labels, 0.1, n_classes=5)  # unseen classes get α/(K − 1) too
    np.testing.assert_allclose(wide[:, 3:], 0.1 / 4, rtol=0, atol=1e-16)
    Y32 = smooth_labels(np.eye(3, dtype=np.float32)[labels], 0.1)
    assert Y32.dtype == np.float32


@pytest.mark.parametrize(
    "Y, kwargs, match",
    [
        ([0, 1, 2], {"alpha": 1.0}, r"alpha must be in \[0, 1\)"),
        ([0, 1, 2], {"alpha": 1.5}, r"alpha must be in \[0, 1\)"),
        ([0, 1, 2], {"alpha": -0.1}, r"alpha must be in \[0, 1\)"),
        ([0, 1, 2], {"alpha": 0.1, "convention": "keras"}, "convention"),
        ([0, 1, 5], {"alpha": 0.1, "n_classes": 3}, "out of range"),
        ([0, -1], {"alpha": 0.1}, "0 … K − 1"),
        ([0.5, 1.0], {"alpha": 0.1}, "integer"),
        ([0, 0], {"alpha": 0.1}, "at least 2 classes"),
        ([[1.0, 0.0], [1.0, 1.0]], {"alpha": 0.1}, "sum to 1"),
        ([[1.0, 0.0]], {"alpha": 0.1, "n_classes": 3}, "n_classes"),
        ([0, 1], {"alpha": 0.1, "n_classes": 1}, "n_classes"),
    ],
)
def test_smooth_labels_rejects_bad_input(Y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        smooth_labels(Y, **kwargs)


def test_input_noise_on_sparse_x_equals_dense_without_densifying_it(monkeypatch):
    from scipy import sparse

    from skreg.noise import add_input_noise

    X = sparse.random(30, 8, density=0.3, random_state=0, format="csr")
    dense = add_input_noise(X.toarray(), 0.3, random_state=1, n_copies=3)
    monkeypatch.setattr(type(X), "toarray", lambda *a, **k: pytest.fail("X was densified"))
    np.testing.assert_array_equal(add_input_noise(X, 0.3, random_state=1, n_copies=3), dense)
