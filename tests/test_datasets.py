"""skreg.datasets: the lecture's polynomial example."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skreg.datasets import make_polynomial_example


def test_polynomial_features_and_targets():
    X, y = make_polynomial_example(n_samples=25, degree=5, noise=0.0, random_state=3)
    x = X[:, 0]
    assert X.shape == (25, 5) and np.all(np.diff(x) >= 0) and np.all((0 <= x) & (x <= 1))
    assert_allclose(X, x[:, None] ** np.arange(1, 6))
    assert_allclose(y, np.sin(2 * np.pi * x))  # noise=0: the clean curve


def test_same_seed_same_data_and_noise_level():
    a = make_polynomial_example(n_samples=2000, degree=1, noise=0.3, random_state=1)
    b = make_polynomial_example(n_samples=2000, degree=1, noise=0.3, random_state=1)
    assert_array_equal(a[0], b[0]) and assert_array_equal(a[1], b[1]) is None
    residual = a[1] - np.sin(2 * np.pi * a[0][:, 0])
    assert abs(residual.std() - 0.3) < 0.02


@pytest.mark.parametrize(
    "kwargs, message",
    [({"n_samples": 0}, "positive"), ({"degree": 0}, "positive"), ({"noise": -0.1}, "noise")],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_polynomial_example(**kwargs)
