"""NoisyInputRegressor: input noise = ridge with α = δN, sampled or in closed form."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import MetaEstimatorMixin, clone
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso, LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

from skreg import NoisyInputRegressor, RidgeEigen
from skreg.noise import add_input_noise
from skreg.theory import input_noise_equivalent_alpha, ridge_spectral_solution

X, y = load_diabetes(return_X_y=True)
N = X.shape[0]
SIGMA = 0.02  # noise std; the columns of diabetes X have std ≈ 0.048
DELTA = SIGMA**2


@pytest.fixture(scope="module")
def ridge_reference():
    return RidgeEigen(alpha=DELTA * N).fit(X, y)


# ------------------------------------------------------------------ marginalize


def test_marginalized_is_ridge_with_alpha_delta_n(ridge_reference):
    model = NoisyInputRegressor(noise_std=SIGMA, method="marginalize").fit(X, y)
    assert model.equivalent_alpha_ == pytest.approx(
        input_noise_equivalent_alpha(DELTA, N), rel=1e-15
    )
    np.testing.assert_allclose(model.coef_, ridge_reference.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, ridge_reference.intercept_, rtol=0, atol=1e-8)
    # and against two independent computations: scikit-learn, and the lecture's formula
    sk = Ridge(alpha=DELTA * N).fit(X, y)
    np.testing.assert_allclose(model.coef_, sk.coef_, rtol=1e-8, atol=1e-8)
    theory = ridge_spectral_solution(X - X.mean(0), y - y.mean(), DELTA * N)
    np.testing.assert_allclose(model.coef_, theory, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(model.predict(X), sk.predict(X), rtol=0, atol=1e-8)


def test_marginalize_adds_delta_n_to_a_ridge_base_alpha_and_keeps_fit_intercept():
    base = RidgeEigen(alpha=3.0, fit_intercept=False)
    model = NoisyInputRegressor(base, noise_std=SIGMA, method="marginalize").fit(X, y)
    assert model.equivalent_alpha_ == pytest.approx(3.0 + DELTA * N, rel=1e-15)
    sk = Ridge(alpha=3.0 + DELTA * N, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(model.coef_, sk.coef_, rtol=1e-8, atol=1e-8)
    assert model.intercept_ == 0.0
    assert base.alpha == 3.0  # the given estimator is not modified


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_marginalize_linear_regression_respects_fit_intercept(fit_intercept):
    est = LinearRegression(fit_intercept=fit_intercept)
    model = NoisyInputRegressor(est, noise_std=SIGMA, method="marginalize").fit(X, y)
    sk = Ridge(alpha=DELTA * N, fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(model.coef_, sk.coef_, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, sk.intercept_, rtol=0, atol=1e-8)
    assert isinstance(model.estimator_, RidgeEigen)


def test_marginalize_with_sample_weight_is_delta_times_sum_of_weights():
    w = np.random.RandomState(0).randint(0, 4, size=N).astype(float)
    model = NoisyInputRegressor(noise_std=SIGMA, method="marginalize").fit(X, y, sample_weight=w)
    assert model.equivalent_alpha_ == pytest.approx(DELTA * w.sum(), rel=1e-15)
    sk = Ridge(alpha=DELTA * w.sum()).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(model.coef_, sk.coef_, rtol=1e-8, atol=1e-8)
    # integer weights are exactly repeated rows (α = δ·Σw = δ·rows of the repeated data)
    idx = np.repeat(np.arange(N), w.astype(int))
    repeated = NoisyInputRegressor(noise_std=SIGMA, method="marginalize").fit(X[idx], y[idx])
    np.testing.assert_allclose(model.coef_, repeated.coef_, rtol=1e-9, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, repeated.intercept_, rtol=1e-9)


@pytest.mark.parametrize(
    "estimator",
    [
        Lasso(),
        LinearRegression(positive=True),
        DecisionTreeRegressor(),
        make_pipeline(RidgeEigen()),
    ],
)
def test_marginalize_refuses_other_estimators(estimator):
    with pytest.raises(ValueError, match="method='marginalize'.*linear least squares"):
        NoisyInputRegressor(estimator, method="marginalize").fit(X, y)


# ---------------------------------------------------------------------- augment


def test_augmented_distance_to_ridge_shrinks_like_one_over_sqrt_copies(ridge_reference):
    # ŵ_c minimizes a sum over c independent noisy copies; by the central limit theorem
    # ŵ_c − ŵ_ridge ≈ Gaussian with covariance Σ/c, so E‖ŵ_c − ŵ_ridge‖ = k/√c and the
    # mean distances at 10 and 160 copies have ratio √16 = 4.  The band is 3.5 standard
    # errors of log(ratio), estimated from the seeds themselves (delta method).
    n_seeds = 60
    dist = {}
    for c in (10, 160):
        dist[c] = np.array(
            [
                np.linalg.norm(
                    NoisyInputRegressor(noise_std=SIGMA, n_copies=c, random_state=s).fit(X, y).coef_
                    - ridge_reference.coef_
                )
                for s in range(n_seeds)
            ]
        )
    m10, m160 = dist[10].mean(), dist[160].mean()
    se_log_ratio = np.sqrt(
        dist[10].var(ddof=1) / (n_seeds * m10**2) + dist[160].var(ddof=1) / (n_seeds * m160**2)
    )
    assert abs(np.log(m10 / m160) - np.log(4.0)) < 3.5 * se_log_ratio
    assert se_log_ratio < 0.15  # the band is informative: it excludes no convergence (ratio 1)
    # and the augmented fit really is near ridge: the 160-copy error is a few % of ‖ŵ‖
    assert m160 < 0.05 * np.linalg.norm(ridge_reference.coef_)


def test_augment_reports_delta_n_and_repeats_y_and_sample_weight():
    w = np.random.RandomState(1).uniform(0.5, 2.0, size=N)
    model = NoisyInputRegressor(noise_std=SIGMA, n_copies=4, random_state=7).fit(
        X, y, sample_weight=w
    )
    assert model.equivalent_alpha_ == pytest.approx(DELTA * w.sum(), rel=1e-15)
    # the same fit by hand: the copies are add_input_noise's, y and w are tiled
    X_aug = add_input_noise(X, SIGMA, random_state=7, n_copies=4)
    by_hand = RidgeEigen(alpha=0.0).fit(X_aug, np.tile(y, 4), sample_weight=np.tile(w, 4))
    np.testing.assert_allclose(model.coef_, by_hand.coef_, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(model.intercept_, by_hand.intercept_, rtol=1e-12)
    unweighted = NoisyInputRegressor(noise_std=SIGMA, n_copies=4, random_state=7).fit(X, y)
    assert unweighted.equivalent_alpha_ == pytest.approx(DELTA * N, rel=1e-15)


def test_augment_with_ridge_inner_approximates_delta_n_plus_alpha_over_copies():
    # The data term is repeated n_copies times, the inner penalty is not: the augmented
    # objective is c(R + ½δN‖w‖²) + ½a‖w‖² = c(R + ½(δN + a/c)‖w‖²).
    a, c = 50.0, 20
    model = NoisyInputRegressor(RidgeEigen(alpha=a), noise_std=SIGMA, n_copies=c, random_state=0)
    model.fit(X, y)
    assert model.equivalent_alpha_ == pytest.approx(DELTA * N + a / c, rel=1e-15)
    close = RidgeEigen(alpha=model.equivalent_alpha_).fit(X, y).coef_
    far = RidgeEigen(alpha=DELTA * N + a).fit(X, y).coef_
    assert np.linalg.norm(model.coef_ - close) < 0.2 * np.linalg.norm(model.coef_ - far)


def test_augment_without_noise_is_least_squares():
    model = NoisyInputRegressor(noise_std=0.0, n_copies=3, random_state=0).fit(X, y)
    ols = LinearRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, ols.coef_, rtol=1e-8, atol=1e-8)
    assert model.equivalent_alpha_ == 0.0


def test_augment_any_regressor():
    knn = NoisyInputRegressor(KNeighborsRegressor(), noise_std=SIGMA, n_copies=3, random_state=0)
    knn.fit(X, y)
    assert knn.estimator_.n_samples_fit_ == 3 * N
    assert not hasattr(knn, "coef_")
    assert knn.equivalent_alpha_ == pytest.approx(DELTA * N, rel=1e-15)
    assert knn.predict(X[:5]).shape == (5,)
    with pytest.raises(ValueError, match="does not support sample_weight"):
        knn.fit(X, y, sample_weight=np.ones(N))


def test_same_random_state_same_result():
    a = NoisyInputRegressor(noise_std=SIGMA, random_state=3).fit(X, y)
    b = NoisyInputRegressor(noise_std=SIGMA, random_state=3).fit(X, y)
    c = NoisyInputRegressor(noise_std=SIGMA, random_state=4).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert np.abs(a.coef_ - c.coef_).max() > 1e-3
    d = NoisyInputRegressor(noise_std=SIGMA, random_state=np.random.RandomState(3)).fit(X, y)
    np.testing.assert_array_equal(a.coef_, d.coef_)


def test_memory_bound_is_enforced_before_allocating():
    with pytest.raises(ValueError, match=r"GiB.*limit.*marginalize"):
        NoisyInputRegressor(n_copies=40_000).fit(X, y)  # 40000 × 442 × 10 × 8 B ≈ 1.3 GiB
    with pytest.raises(ValueError, match=r"GiB.*limit"):
        NoisyInputRegressor(DecisionTreeRegressor(), n_copies=40_000).fit(X, y)


@pytest.mark.parametrize(
    "params",
    [
        {"noise_std": -0.1},
        {"noise_std": np.inf},
        {"n_copies": 0},
        {"n_copies": 2.5},
        {"method": "sample"},
        {"estimator": "ridge"},
    ],
)
def test_bad_parameters_raise_value_error(params):
    with pytest.raises(ValueError):
        NoisyInputRegressor(**params).fit(X, y)


# ------------------------------------------------------- scikit-learn integration


def test_meta_estimator_params_pipeline_and_grid_search():
    assert isinstance(NoisyInputRegressor(), MetaEstimatorMixin)
    est = NoisyInputRegressor(RidgeEigen(alpha=1.0), method="marginalize")
    assert est.get_params()["estimator__alpha"] == 1.0
    pipe = make_pipeline(StandardScaler(), est)
    grid = {
        "noisyinputregressor__noise_std": [0.0, 0.5, 1.0],
        "noisyinputregressor__estimator__alpha": [0.0, 10.0],
    }
    search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    best = search.best_estimator_[-1]
    delta_best = search.best_params_["noisyinputregressor__noise_std"] ** 2
    alpha_best = search.best_params_["noisyinputregressor__estimator__alpha"]
    assert best.equivalent_alpha_ == pytest.approx(alpha_best + delta_best * N, rel=1e-15)
    Xs = StandardScaler().fit_transform(X)
    ridge = Ridge(alpha=best.equivalent_alpha_).fit(Xs, y)
    np.testing.assert_allclose(best.coef_, ridge.coef_, rtol=1e-8, atol=1e-8)
    # the grid's scores are those of ridge at α = a + δ·(fold size)
    assert search.cv_results_["mean_test_score"].shape == (6,)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_multioutput_float32_and_dataframe():
    Y = np.column_stack([y, -2 * y])
    model = NoisyInputRegressor(noise_std=SIGMA, method="marginalize").fit(X, Y)
    ref = Ridge(alpha=DELTA * N).fit(X, Y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-8, atol=1e-8)
    aug = NoisyInputRegressor(noise_std=SIGMA, n_copies=2, random_state=0).fit(X, Y)
    assert aug.predict(X).shape == (N, 2)

    X32 = X.astype(np.float32)
    for method in ("augment", "marginalize"):
        m32 = NoisyInputRegressor(noise_std=SIGMA, method=method, random_state=0).fit(X32, y)
        assert m32.coef_.dtype == np.float32

    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    fitted = NoisyInputRegressor(noise_std=SIGMA, method="marginalize").fit(df, y)
    np.testing.assert_array_equal(fitted.feature_names_in_, df.columns)
    assert fitted.n_features_in_ == X.shape[1]
    np.testing.assert_allclose(fitted.predict(df), model.predict(X)[:, 0], rtol=1e-12)


def test_clone_keeps_unfitted_inner_estimator():
    inner = RidgeEigen(alpha=2.0)
    model = NoisyInputRegressor(inner, noise_std=SIGMA, n_copies=2, random_state=0).fit(X, y)
    assert model.estimator_ is not inner and not hasattr(inner, "coef_")
    assert not hasattr(clone(model), "estimator_")
