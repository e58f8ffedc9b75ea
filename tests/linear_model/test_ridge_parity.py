"""Drop-in parity with scikit-learn 1.9's Ridge/RidgeCV (issue 13), and RidgeEigenCV's
one-standard-error rule, held to hand computations."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, Ridge, RidgeCV
from sklearn.model_selection import KFold

from skreg import EarlyStoppedGD, NoisyInputRegressor, RidgeEigen, RidgeEigenCV


def _data(n=40, d=5, seed=0, n_targets=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) + rng.uniform(-2, 2, d)
    y = X @ rng.standard_normal(d) + rng.standard_normal(n) + 1.0
    if n_targets is not None:
        y = np.column_stack([y + rng.standard_normal(n) for _ in range(n_targets)])
    return X, y


# ----------------------------------------------------------------------- alphas
@pytest.mark.parametrize("cv", [None, 3])
def test_scalar_alphas_is_a_grid_of_one(cv):
    X, y = _data()
    for scalar in [1, 1.0, np.float32(1.0), np.array(1.0)]:
        model = RidgeEigenCV(alphas=scalar, cv=cv).fit(X, y)
        ref = RidgeEigenCV(alphas=[1.0], cv=cv).fit(X, y)
        assert model.alpha_ == 1.0 and isinstance(model.alpha_, float)
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-12)
        assert model.best_score_ == pytest.approx(ref.best_score_, rel=1e-12)
    assert RidgeEigenCV(alphas=1).fit(X, y).alpha_ == RidgeCV(alphas=1).fit(X, y).alpha_


@pytest.mark.parametrize(
    "alphas, err_type, message",
    [
        ((1, 1.0, "1"), TypeError, "alphas[2] must be an instance of float, not str."),
        ((1, -1, -100), ValueError, "alphas[1] == -1, must be >= 0.0."),
        ((-0.1, -1.0, -10.0), ValueError, "alphas[0] == -0.1, must be >= 0.0."),
    ],
)
def test_alphas_validation_matches_ridgecv(alphas, err_type, message):
    X, y = _data()
    # RidgeCV with cv given allows α = 0 as we do, so its messages are the reference
    with pytest.raises(err_type) as ref:
        RidgeCV(alphas=alphas, cv=3).fit(X, y)
    assert str(ref.value) == message
    for cv in [None, 3]:
        model = RidgeEigenCV(alphas=alphas, cv=cv)
        with pytest.raises(err_type) as ours:
            model.fit(X, y)
        assert str(ours.value) == message
        assert not hasattr(model, "coef_")
    with pytest.raises(err_type, match="alphas"):
        RidgeEigen().fit(X, y).path(list(alphas))


def test_alphas_validation_other_cases():
    X, y = _data()
    with pytest.raises(ValueError, match=r"alphas\[1\] == nan, must be finite"):
        RidgeEigenCV(alphas=[1.0, np.nan]).fit(X, y)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        RidgeEigenCV(alphas=[]).fit(X, y)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        RidgeEigenCV(alphas=[[1.0, 2.0]]).fit(X, y)
    with pytest.raises(TypeError, match=r"alphas\[0\] must be an instance of float, not str_"):
        RidgeEigenCV(alphas=np.array(["1", "2"])).fit(X, y)
    with pytest.raises(ValueError, match="alphas"):  # a string is not a grid
        RidgeEigenCV(alphas="1").fit(X, y)
    with pytest.raises(ValueError, match="alphas"):  # negative scalar: parameter check
        RidgeEigenCV(alphas=-1.0).fit(X, y)
    alphas = (0.1, 1, 10)
    model = RidgeEigenCV(alphas=alphas).fit(X, y)
    assert model.alphas is alphas  # not converted or mutated


# ---------------------------------------------------------- y of shape (n, 1)
def _shape_cases():
    return [
        (RidgeEigen(alpha=0.5), Ridge(alpha=0.5)),
        (RidgeEigen(alpha=0.5, fit_intercept=False), Ridge(alpha=0.5, fit_intercept=False)),
        (RidgeEigenCV(alphas=[0.1, 1.0, 10.0]), RidgeCV(alphas=[0.1, 1.0, 10.0])),
        (RidgeEigenCV(alphas=[0.1, 1.0, 10.0], cv=3), RidgeCV(alphas=[0.1, 1.0, 10.0], cv=3)),
        (RidgeEigenCV(alphas=[0.1, 1.0], alpha_per_target=True),
         RidgeCV(alphas=[0.1, 1.0], alpha_per_target=True)),
        (NoisyInputRegressor(method="marginalize", noise_std=0.1),
         Ridge(alpha=0.1**2 * 40)),
        (NoisyInputRegressor(LinearRegression(), method="marginalize", noise_std=0.1),
         Ridge(alpha=0.1**2 * 40)),
    ]


@pytest.mark.parametrize("ours, ref", _shape_cases(), ids=lambda e: type(e).__name__)
def test_single_column_y_shapes_match_sklearn(ours, ref):
    X, y = _data()
    Y = y[:, None]
    ours.fit(X, Y)
    ref.fit(X, Y)
    assert ours.coef_.shape == ref.coef_.shape == (5,)
    assert np.shape(ours.intercept_) == np.shape(ref.intercept_)
    assert type(ours.intercept_) is type(ref.intercept_)
    assert ours.predict(X).shape == ref.predict(X).shape == (40,)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-7)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-8)
    # the 1-D fit gives the same numbers
    flat = clone(ours).fit(X, y)
    np.testing.assert_allclose(flat.coef_, ours.coef_, rtol=1e-12)


def test_single_column_y_early_stopped_gd_and_other_paths():
    X, y = _data()
    Y = y[:, None]
    gd = EarlyStoppedGD(strategy=None, max_iter=200).fit(X, Y)
    gd1 = EarlyStoppedGD(strategy=None, max_iter=200).fit(X, y)
    assert gd.coef_.shape == (5,) and np.shape(gd.intercept_) == (1,)
    assert gd.predict(X).shape == (40,)
    np.testing.assert_allclose(gd.coef_, gd1.coef_, rtol=1e-10)
    np.testing.assert_allclose(gd.intercept_, [gd1.intercept_], rtol=1e-10)
    # partial_fit and path keep the same shapes
    model = RidgeEigen(alpha=0.5).partial_fit(X[:20], Y[:20]).partial_fit(X[20:], Y[20:])
    assert model.coef_.shape == (5,) and model.intercept_.shape == (1,)
    np.testing.assert_allclose(model.coef_, Ridge(alpha=0.5).fit(X, Y).coef_, rtol=1e-9)
    coefs, intercepts = model.path([0.5, 5.0])
    assert coefs.shape == (2, 5) and intercepts.shape == (2, 1)
    np.testing.assert_allclose(coefs[0], model.coef_, rtol=1e-12)
    # two targets keep scikit-learn's 2-D shapes
    two = RidgeEigen().fit(X, np.column_stack([y, -y]))
    assert two.coef_.shape == (2, 5) and two.intercept_.shape == (2,)
    # store_cv_results keeps the target axis, as RidgeCV
    cv = RidgeEigenCV(store_cv_results=True).fit(X, Y)
    assert cv.cv_results_.shape == RidgeCV(store_cv_results=True).fit(X, Y).cv_results_.shape


# ---------------------------------------------------------------- 1-SE rule
ALPHAS = np.logspace(-2, 4, 49)  # fine enough that 1 SE and ½ SE pick different α


def _one_se_by_hand(alphas, fold_scores):
    mean = fold_scores.mean(axis=1)
    sem = fold_scores.std(axis=1, ddof=1) / np.sqrt(fold_scores.shape[1])
    best = int(np.argmax(mean))
    ok = [a for a, m in zip(alphas, mean) if m >= mean[best] - sem[best]]
    return alphas[best], max(ok)


def test_kfold_one_se_against_hand_computation():
    X, y = _data(80, 8, seed=1)
    sw = np.random.default_rng(2).uniform(0.5, 2.0, 80)
    folds = KFold(5, shuffle=True, random_state=0)
    model = RidgeEigenCV(alphas=ALPHAS, cv=folds, scoring="neg_mean_squared_error",
                         selection="1se").fit(X, y, sample_weight=sw)
    # per-fold errors, independently: scikit-learn's Ridge refitted on each fold; the
    # held-out scores are weighted, as GridSearchCV weights RidgeCV's (scikit-learn 1.9)
    wmse = np.array([[np.average((Ridge(alpha=a).fit(X[tr], y[tr], sample_weight=sw[tr]).predict(X[te])
                                  - y[te]) ** 2, weights=sw[te]) for tr, te in folds.split(X)]
                     for a in ALPHAS])
    mse = wmse
    np.testing.assert_allclose(-model.score_path_, mse, rtol=1e-8)
    ref = RidgeCV(alphas=ALPHAS, cv=folds, scoring="neg_mean_squared_error").fit(X, y, sw)
    assert ref.best_score_ == pytest.approx(-mse.mean(axis=1).min(), rel=1e-9)
    np.testing.assert_allclose(model.mse_path_, wmse, rtol=1e-8)
    alpha_min, alpha_1se = _one_se_by_hand(ALPHAS, -mse)
    assert model.alpha_min_ == alpha_min
    assert model.alpha_1se_ == alpha_1se == model.alpha_
    assert alpha_1se > alpha_min  # the rule did something on these data
    j = list(ALPHAS).index(alpha_1se)
    assert model.best_score_ == pytest.approx(-mse[j].mean(), rel=1e-9)
    np.testing.assert_allclose(model.coef_, Ridge(alpha=alpha_1se).fit(X, y, sample_weight=sw).coef_,
                               rtol=1e-8)
    # selection='min' picks the minimum from the same folds; the default scorer is R²
    model_min = RidgeEigenCV(alphas=ALPHAS, cv=folds, scoring="neg_mean_squared_error").fit(
        X, y, sample_weight=sw)
    assert model_min.alpha_ == alpha_min and model_min.alpha_1se_ == alpha_1se
    r2 = RidgeEigenCV(alphas=ALPHAS, cv=folds, selection="1se").fit(X, y)
    ref = RidgeCV(alphas=ALPHAS, cv=folds).fit(X, y)
    assert r2.alpha_min_ == ref.alpha_
    assert r2.alpha_1se_ == _one_se_by_hand(ALPHAS, r2.score_path_)[1]


@pytest.mark.parametrize("weighted", [False, True])
def test_loo_one_se_uses_per_sample_errors(weighted):
    X, y = _data(60, 8, seed=3)
    sw = np.random.default_rng(4).uniform(0.5, 2.0, 60) if weighted else None
    model = RidgeEigenCV(alphas=ALPHAS, selection="1se", store_cv_results=True).fit(
        X, y, sample_weight=sw)
    # the n leave-one-out "folds": per-sample errors wₖeₖ², checked against RidgeCV's
    ref = RidgeCV(alphas=ALPHAS, store_cv_results=True).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.cv_results_, ref.cv_results_, rtol=1e-8)
    alpha_min, alpha_1se = _one_se_by_hand(ALPHAS, -ref.cv_results_.T)
    assert model.alpha_min_ == alpha_min == ref.alpha_
    assert model.alpha_ == model.alpha_1se_ == alpha_1se > alpha_min
    j = list(ALPHAS).index(alpha_1se)
    assert model.best_score_ == pytest.approx(-ref.cv_results_[:, j].mean(), rel=1e-9)


def test_loo_one_se_per_target_and_multi_target():
    X, y = _data(60, 8, seed=5, n_targets=2)
    y[:, 1] = 0.3 * y[:, 1] + 5 * np.random.default_rng(0).standard_normal(60)
    model = RidgeEigenCV(alphas=ALPHAS, alpha_per_target=True, selection="1se",
                         store_cv_results=True).fit(X, y)
    for t in range(2):
        alpha_min, alpha_1se = _one_se_by_hand(ALPHAS, -model.cv_results_[:, t, :].T)
        assert model.alpha_min_[t] == alpha_min and model.alpha_1se_[t] == alpha_1se
        np.testing.assert_allclose(model.coef_[t], Ridge(alpha=alpha_1se).fit(X, y[:, t]).coef_,
                                   rtol=1e-8)
    joint = RidgeEigenCV(alphas=ALPHAS, selection="1se", store_cv_results=True).fit(X, y)
    per_sample = joint.cv_results_.mean(axis=1)  # (n, m): mean over targets per sample
    assert joint.alpha_1se_ == _one_se_by_hand(ALPHAS, -per_sample.T)[1]


def test_one_se_needs_a_per_fold_error_and_stale_attributes_go():
    X, y = _data()
    with pytest.raises(ValueError, match="selection='1se' with cv=None needs scoring=None"):
        RidgeEigenCV(selection="1se", scoring="r2").fit(X, y)
    model = RidgeEigenCV(alphas=ALPHAS, cv=4).fit(X, y)
    assert model.score_path_.shape == model.mse_path_.shape == (49, 4)
    model.set_params(cv=None, scoring="r2").fit(X, y)  # LOO with a scorer: no SE defined
    for name in ("alpha_1se_", "score_path_", "mse_path_"):
        assert not hasattr(model, name)
    assert model.alpha_ == model.alpha_min_
    with pytest.raises(ValueError, match="selection"):
        RidgeEigenCV(selection="max").fit(X, y)


def test_dask_loo_one_se_equals_in_memory():
    da = pytest.importorskip("dask.array")
    import dask

    X, y = _data(60, 8, seed=3)
    sw = np.random.default_rng(4).uniform(0.5, 2.0, 60)
    with dask.config.set(scheduler="synchronous"):
        model = RidgeEigenCV(alphas=ALPHAS, selection="1se").fit(
            da.from_array(X, chunks=(16, 8)), da.from_array(y, chunks=16),
            sample_weight=da.from_array(sw, chunks=16))
    ref = RidgeEigenCV(alphas=ALPHAS, selection="1se").fit(X, y, sample_weight=sw)
    assert model.alpha_min_ == ref.alpha_min_ and model.alpha_1se_ == ref.alpha_1se_
    assert model.best_score_ == pytest.approx(ref.best_score_, rel=1e-9)


# ------------------------------------------------------------- alpha per target
def test_array_alpha_gives_each_target_its_alpha_as_ridge():
    X, y = _data(n_targets=3)
    alpha = np.array([0.01, 10.0, 1000.0])
    ours, ref = RidgeEigen(alpha=alpha).fit(X, y), Ridge(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-9)
    for j in range(3):
        np.testing.assert_allclose(ours.coef_[j], RidgeEigen(alpha=alpha[j]).fit(X, y[:, j]).coef_,
                                   rtol=1e-10)
    assert ours.shrinkage_.shape == (3, 5) and ours.effective_dof_.shape == (3,)
    assert np.all(np.diff(ours.effective_dof_) < 0)  # more shrinkage, fewer dof
    one = RidgeEigen(alpha=np.array([10.0])).fit(X, y)  # size 1: the same α for all
    np.testing.assert_allclose(one.coef_, RidgeEigen(alpha=10.0).fit(X, y).coef_, rtol=1e-12)
    with pytest.raises(ValueError, match="Number of targets and number of penalties do not correspond: 2 != 3"):
        RidgeEigen(alpha=np.array([1.0, 2.0])).fit(X, y)
    model = RidgeEigen(alpha=np.array([1.0, -2.0, 3.0]))
    with pytest.raises(ValueError, match="alpha must be finite and >= 0"):
        model.fit(X, y)
    assert not hasattr(model, "coef_")
