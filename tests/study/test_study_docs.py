"""Claims of the docs that the study relies on, held to scikit-learn."""

import numpy as np
from sklearn.linear_model import Lasso

from skreg import SoftThresholdQuadratic


def test_weighted_l1_equals_lasso_alpha_over_weight_sum():
    """docs/conventions.md: SoftThresholdQuadratic(a) with weights w ≡ Lasso(a / Σw), not a / n."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 6))
    y = X @ np.array([1.0, 0.0, 2.0, 0.0, 0.0, -1.0]) + rng.normal(size=80)
    w = rng.uniform(0.2, 3.0, 80)
    ours = SoftThresholdQuadratic(alpha=20.0, tol=1e-10).fit(X, y, sample_weight=w)
    theirs = Lasso(alpha=20.0 / w.sum(), tol=1e-12, max_iter=100_000).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-8)
    per_n = Lasso(alpha=20.0 / len(y), tol=1e-12, max_iter=100_000).fit(X, y, sample_weight=w)
    assert np.abs(ours.coef_ - per_n.coef_).max() > 1e-3  # a / n is not the same problem
