"""PenalizedLogisticRegressionCV against a plain loop of LogisticRegression fits."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedKFold

from skreg import PenalizedLogisticRegression, PenalizedLogisticRegressionCV


def _data(n_classes=2, n=200, d=10, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    X = rng.standard_normal((n, d))
    X[:, :3] += 0.7 * rng.standard_normal((n_classes, 3))[y]
    return X, y


def _loop_scores(X, y, alphas, l1_ratio, folds, scoring):
    """Mean and sem of the fold scores of LogisticRegression(C = n/(n_train·α))."""
    scorer = get_scorer(scoring)
    n = len(y)
    scores = np.empty((len(alphas), len(folds)))
    solver = "saga" if l1_ratio > 0 else "lbfgs"
    for k, (train, test) in enumerate(folds):
        for i, a in enumerate(alphas):
            ref = LogisticRegression(
                C=n / (len(train) * a),
                l1_ratio=l1_ratio,
                solver=solver,
                tol=1e-10,
                max_iter=100_000,
            ).fit(X[train], y[train])
            scores[i, k] = scorer(ref, X[test], y[test])
    return scores


@pytest.mark.parametrize("l1_ratio, scoring", [(1.0, "neg_log_loss"), (0.0, "roc_auc")])
def test_chooses_what_a_loop_of_sklearn_fits_chooses(l1_ratio, scoring):
    X, y = _data()
    folds = list(StratifiedKFold(4).split(X, y))
    alphas = np.geomspace(40, 0.1, 8)
    model = PenalizedLogisticRegressionCV(
        alphas=alphas, l1_ratio=l1_ratio, cv=folds, scoring=scoring, tol=1e-9
    ).fit(X, y)
    scores = _loop_scores(X, y, alphas, l1_ratio, folds, scoring)
    mean = scores.mean(axis=1)
    assert np.allclose(model.cv_results_["mean_test_score"], mean, atol=1e-5)
    assert model.alpha_ == alphas[np.argmax(mean)]
    sem = scores.std(axis=1) / np.sqrt(len(folds) - 1)
    within = mean >= mean.max() - sem[np.argmax(mean)]
    assert model.alpha_1se_ == alphas[within].max()
    assert model.coef_path_.shape == (1, X.shape[1], alphas.size)
    refit = PenalizedLogisticRegression(alpha=model.alpha_, l1_ratio=l1_ratio, tol=1e-9).fit(X, y)
    assert np.allclose(model.coef_, refit.coef_, atol=1e-6)


def test_grid_l1_ratios_and_1se():
    X, y = _data(n_classes=3, seed=1)
    model = PenalizedLogisticRegressionCV(
        alphas=12, l1_ratio=[0.5, 1.0], cv=3, selection="1se"
    ).fit(X, y)
    res = model.cv_results_
    assert len(res["alpha"]) == 24 and set(res["l1_ratio"]) == {0.5, 1.0}
    assert model.alpha_ == model.alpha_1se_ >= model.alpha_min_
    assert model.l1_ratio_ in (0.5, 1.0)
    top = model.alphas_[0]
    # α_max: every penalized coefficient zero there, not below it
    at_top = PenalizedLogisticRegression(alpha=top * 1.0001, l1_ratio=model.l1_ratio_).fit(X, y)
    below = PenalizedLogisticRegression(alpha=top * 0.9, l1_ratio=model.l1_ratio_).fit(X, y)
    assert np.count_nonzero(at_top.coef_) == 0 and np.count_nonzero(below.coef_) > 0
    assert res["n_nonzero"][0] <= res["n_nonzero"][-1]
    assert model.coef_.shape == (3, X.shape[1])
    assert model.predict_proba(X).shape == (len(y), 3)


def test_refit_false_averages_folds():
    X, y = _data(seed=2)
    model = PenalizedLogisticRegressionCV(alphas=5, cv=3, refit=False).fit(X, y)
    assert model.coef_.shape == (1, X.shape[1])
    assert np.allclose(model.coef_path_[..., list(model.alphas_).index(model.alpha_)], model.coef_)


def test_bad_l1_ratio():
    X, y = _data()
    with pytest.raises(ValueError, match="l1_ratio"):
        PenalizedLogisticRegressionCV(l1_ratio=[0.5, 2.0]).fit(X, y)
