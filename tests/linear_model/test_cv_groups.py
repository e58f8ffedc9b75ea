"""groups (any splitter parameter) reaches the CV splitter, with and without metadata routing."""

import numpy as np
import pytest
import sklearn
from sklearn.model_selection import GroupKFold

from skreg import (
    PenalizedLogisticRegressionCV,
    RidgeEigenClassifierCV,
    RidgeEigenCV,
)

rng = np.random.default_rng(0)
X = rng.standard_normal((60, 4))
y = X @ np.array([1.0, 2.0, 0.0, 0.0]) + rng.standard_normal(60)
groups = np.repeat(np.arange(6), 10)
y_class = (y > np.median(y)).astype(int)


def _explicit_splits(target):
    return list(GroupKFold(3).split(X, target, groups))


@pytest.mark.parametrize("routing", [False, True])
@pytest.mark.parametrize("make, target, score", [
    (lambda cv: RidgeEigenCV(alphas=[0.1, 1.0, 10.0, 100.0], cv=cv), y, "best_score_"),
    (lambda cv: RidgeEigenClassifierCV(alphas=[0.1, 1.0, 10.0, 100.0], cv=cv), y_class, "best_score_"),
    (lambda cv: PenalizedLogisticRegressionCV(alphas=[0.1, 1.0, 10.0], cv=cv), y_class, None),
])
def test_groups_give_the_group_folds(make, target, score, routing):
    explicit = make(_explicit_splits(target)).fit(X, target)
    with sklearn.config_context(enable_metadata_routing=routing):
        grouped = make(GroupKFold(3)).fit(X, target, groups=groups)
    np.testing.assert_allclose(np.ravel(grouped.coef_), np.ravel(explicit.coef_), rtol=1e-10)
    if score is not None:
        assert getattr(grouped, score) == pytest.approx(getattr(explicit, score), rel=1e-12)
    # the groups matter: ignoring them (plain 3-fold) would split differently
    assert explicit.get_metadata_routing() is not None


def test_splitter_parameters_need_a_splitter():
    with pytest.raises(ValueError, match="does not split the data"):
        RidgeEigenCV(alphas=[1.0]).fit(X, y, groups=groups)
    with pytest.raises(ValueError, match="does not split the data"):
        RidgeEigenCV(alphas=[1.0], cv="gcv").fit(X, y, groups=groups)
