"""Property tests (hypothesis): the lecture's identities for random shapes and values.

Each property holds an skreg computation to an independent one (the normal equations,
``skreg.theory``, a direct objective evaluation) over many random problems; examples are
few and small so that the file runs in seconds.
"""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold

from skreg import (
    EarlyStoppedGD,
    MLPClassifier,
    MLPRegressor,
    NoisyInputRegressor,
    RidgeEigen,
    RidgeEigenCV,
    SoftThresholdQuadratic,
    theory,
)
from skreg._spectral import decompose, ridge_shrinkage
from skreg.noise import smooth_labels
from skreg.penalties import L1Penalty

# derandomize: the same examples on every run, so CI never flakes on a new draw
_COMMON = dict(
    deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
FAST = settings(max_examples=40, **_COMMON)
SLOW = settings(max_examples=8, **_COMMON)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@st.composite
def regression_problems(draw, min_samples=2, max_samples=12, max_features=6):
    """A random (X, y, sample_weight) from a seed and a shape: X well scaled, any rank."""
    n = draw(st.integers(min_samples, max_samples))
    d = draw(st.integers(1, max_features))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.RandomState(seed)
    scales = 10.0 ** rng.uniform(-2, 2, size=d)
    X = rng.randn(n, d) * scales + rng.uniform(-5, 5, size=d)
    if draw(st.booleans()) and d > 1:  # a duplicated column: rank deficient
        X[:, -1] = X[:, 0]
    y = X @ rng.randn(d) + rng.randn(n)
    w = rng.uniform(0.1, 3.0, size=n) if draw(st.booleans()) else None
    return X, y, w


def _centred(X, y, w):
    w = np.ones(X.shape[0]) if w is None else w
    Xc = X - np.average(X, axis=0, weights=w)
    yc = y - np.average(y, weights=w)
    return Xc * np.sqrt(w)[:, None], yc * np.sqrt(w)


# --- L2 ---------------------------------------------------------------------------------
@FAST
@given(regression_problems(), st.floats(1e-3, 1e3))
def test_ridge_spectral_form_solves_the_normal_equations(problem, alpha):
    X, y, w = problem
    model = RidgeEigen(alpha=alpha).fit(X, y, sample_weight=w)
    Xw, yw = _centred(X, y, w)
    expected = np.linalg.solve(Xw.T @ Xw + alpha * np.eye(X.shape[1]), Xw.T @ yw)
    scale = np.abs(expected).max() + 1e-12
    assert_allclose(model.coef_, expected, rtol=1e-6, atol=1e-7 * scale)
    # b = ȳ − x̄ᵀŵ: the weighted residuals sum to zero
    resid = y - model.predict(X)
    wts = np.ones_like(y) if w is None else w
    assert abs(np.sum(wts * resid)) <= 1e-8 * (np.sum(wts * np.abs(y)) + 1.0)


@FAST
@given(regression_problems(), st.lists(st.floats(0.0, 1e6), min_size=2, max_size=6))
def test_shrinkage_in_unit_interval_and_decreasing_in_alpha(problem, alphas):
    X, y, w = problem
    spectrum = decompose(X, y, w)
    lam = spectrum.eigenvalues[spectrum.eigenvalues > 0]
    alphas = np.sort(alphas)
    phi = ridge_shrinkage(lam, alphas)
    assert np.all(phi > 0) and np.all(phi <= 1)
    assert np.all(np.diff(phi, axis=0) <= 0)  # rows are α in increasing order
    assert_array_equal(ridge_shrinkage(lam, [0.0]), 1.0)
    # the estimator reports the same filter
    model = RidgeEigen(alpha=float(alphas[-1])).fit(X, y, sample_weight=w)
    assert_allclose(model.shrinkage_, spectrum.shrinkage([alphas[-1]])[0])


@FAST
@given(regression_problems())
def test_effective_dof_falls_from_rank_to_zero(problem):
    X, y, w = problem
    spectrum = decompose(X, y, w)
    lam_max = max(float(spectrum.eigenvalues.max()), 1e-300)
    alphas = np.r_[0.0, np.logspace(-6, 12, 40) * lam_max]
    dof = spectrum.effective_dof(alphas)
    Xw, _ = _centred(X, y, w)
    # rank of the centred data up to round-off (columns are at most 1e4 apart in scale)
    assert dof[0] == spectrum.rank == np.linalg.matrix_rank(Xw, tol=1e-9 * np.linalg.norm(Xw, 2))
    assert np.all(np.diff(dof) <= 0)
    assert dof[-1] < 1e-10 * max(spectrum.rank, 1)


# --- L1 ---------------------------------------------------------------------------------
finite_vectors = arrays(np.float64, st.integers(1, 8), elements=st.floats(-1e3, 1e3))


@FAST
@given(finite_vectors, st.floats(0.0, 100.0), st.floats(1e-3, 10.0), st.integers(0, 2**31 - 1))
def test_soft_threshold_is_the_prox_of_l1(theta, alpha, step, seed):
    """prox(θ) = argmin_x ½‖x − θ‖² + step·α‖x‖₁: no perturbation does better."""
    x = L1Penalty(alpha).prox(theta, step)

    def objective(z):
        return 0.5 * np.sum((z - theta) ** 2, axis=-1) + step * alpha * np.sum(np.abs(z), axis=-1)

    rng = np.random.RandomState(seed)
    perturbed = x + rng.randn(200, x.size) * 10.0 ** rng.uniform(-6, 1, size=(200, 1))
    assert np.all(objective(x) <= objective(perturbed) + 1e-9 * (1 + objective(x)))
    # the lecture's diagonal-quadratic form with λ = 1/step is the same map
    assert_allclose(theory.soft_threshold(theta, 1.0 / step, alpha), x, atol=1e-9)


@FAST
@given(finite_vectors, st.floats(0.01, 100.0), st.floats(0.0, 100.0), st.integers(0, 2**31 - 1))
def test_lecture_soft_threshold_minimizes_the_diagonal_quadratic(theta_star, lam, alpha, seed):
    theta = theory.soft_threshold(theta_star, lam, alpha)

    def objective(z):
        return np.sum(0.5 * lam * (z - theta_star) ** 2 + alpha * np.abs(z), axis=-1)

    rng = np.random.RandomState(seed)
    perturbed = theta + rng.randn(200, theta.size) * 10.0 ** rng.uniform(-6, 1, size=(200, 1))
    assert np.all(objective(theta) <= objective(perturbed) + 1e-9 * (1 + objective(theta)))


# --- early stopping ---------------------------------------------------------------------
@FAST
@given(
    arrays(np.float64, st.integers(1, 6), elements=st.floats(1e-3, 1e3)),
    st.floats(0.01, 0.99),
    st.integers(1, 200),
)
def test_early_stopping_alpha_decreases_in_tau(lam, rate, tau):
    eps = rate / lam.max()  # 0 < ελ < 1 for every direction
    a1 = theory.early_stopping_equivalent_alpha(lam, eps, tau)
    a2 = theory.early_stopping_equivalent_alpha(lam, eps, tau + 1)
    assert np.all(a1 >= 0) and np.all(np.isfinite(a1))  # (1 − ελ)^τ may underflow to 0
    assert np.all((a2 < a1) | (a1 == 0))


@FAST
@given(regression_problems(min_samples=3), st.floats(0.05, 1.5), st.integers(1, 60))
def test_gd_iterate_equals_its_generalized_ridge(problem, rate, n_steps):
    """τ GD steps from 0 = Σ βᵢ/(λᵢ + αᵢ) uᵢ with αᵢ = α(λᵢ, ε', τ) of the lecture."""
    X, y, _ = problem
    n = X.shape[0]
    spectrum = decompose(X, y)
    lam_max = float(spectrum.eigenvalues.max())
    if lam_max <= 0:
        return
    lr = rate * n / lam_max  # the mean-loss step; ε' = lr/n on the sum loss, ε'λ ≤ 1.5
    model = EarlyStoppedGD(learning_rate=lr, max_iter=n_steps, strategy=None).fit(X, y)
    lam = spectrum.eigenvalues
    keep = lam > 0  # null directions: the iterate has no component there
    alphas = theory.early_stopping_equivalent_alpha(lam[keep], lr / n, n_steps)
    beta = spectrum.beta[keep, 0]
    U = spectrum.eigenvectors[:, keep]
    expected = U @ (beta / (lam[keep] + alphas))
    assert_allclose(model.coef_, expected, rtol=1e-6, atol=1e-7 * (np.abs(expected).max() + 1e-12))
    # and the plain loop, w ← w − ε'(X_cᵀ(X_c w − y_c)), agrees to round-off
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    w = np.zeros(X.shape[1])
    for _ in range(n_steps):
        w -= lr / n * (Xc.T @ (Xc @ w - yc))
    assert_allclose(model.coef_, w, rtol=1e-7, atol=1e-9 * (np.abs(w).max() + 1e-12))
    assert_allclose(model.eigenvalues_, lam, rtol=1e-10, atol=1e-12 * lam_max)
    assert_allclose(model.equivalent_alpha_[keep], alphas, rtol=1e-6, atol=1e-9 * lam_max)


# --- noise ------------------------------------------------------------------------------
@FAST
@given(regression_problems(), st.floats(0.0, 3.0))
def test_marginalized_input_noise_is_ridge_with_alpha_delta_n(problem, noise_std):
    X, y, w = problem
    model = NoisyInputRegressor(noise_std=noise_std, method="marginalize").fit(
        X, y, sample_weight=w
    )
    total = X.shape[0] if w is None else w.sum()
    alpha = theory.input_noise_equivalent_alpha(noise_std**2, total)
    assert_allclose(model.equivalent_alpha_, alpha)
    ridge = RidgeEigen(alpha=alpha).fit(X, y, sample_weight=w)
    assert_allclose(model.predict(X), ridge.predict(X), rtol=1e-10, atol=1e-10)


@FAST
@given(
    st.integers(2, 6).flatmap(
        lambda k: st.tuples(st.just(k), st.lists(st.integers(0, k - 1), min_size=1, max_size=20))
    ),
    st.floats(0.0, 0.999),
    st.sampled_from(["lecture", "uniform"]),
)
def test_smoothed_labels_are_probability_rows(k_labels, alpha, convention):
    k, labels = k_labels
    Y = smooth_labels(np.array(labels), alpha, n_classes=k, convention=convention)
    assert Y.shape == (len(labels), k)
    assert np.all(Y >= 0)
    assert_allclose(Y.sum(axis=1), 1.0, rtol=1e-12)
    # the true class keeps the most mass
    assert np.all(np.argmax(Y, axis=1) == np.array(labels)) or alpha >= (k - 1) / k


# --- every estimator: finite, picklable, reproducible -----------------------------------
FACTORIES = {
    "RidgeEigen": lambda: RidgeEigen(alpha=0.5),
    "RidgeEigenCV": lambda: RidgeEigenCV(alphas=(0.0, 0.1, 10.0)),
    "SoftThresholdQuadratic": lambda: SoftThresholdQuadratic(alpha=0.5),
    "EarlyStoppedGD": lambda: EarlyStoppedGD(
        max_iter=30, solver="iterative", batch_size=4, random_state=0
    ),
    "NoisyInputRegressor": lambda: NoisyInputRegressor(n_copies=3, random_state=0),
    "MLPRegressor": lambda: MLPRegressor((4,), max_iter=15, random_state=0),
    "MLPClassifier": lambda: MLPClassifier((4,), max_iter=15, random_state=0),
}
RANDOMIZED = ["EarlyStoppedGD", "NoisyInputRegressor", "MLPRegressor", "MLPClassifier"]


def _targets(name, y):
    if name == "MLPClassifier":
        labels = (y > np.median(y)).astype(int)
        labels[:2] = [0, 1]  # two classes always
        return labels
    return y


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


@SLOW
@pytest.mark.parametrize("name", list(FACTORIES))
@given(problem=regression_problems(min_samples=6))
def test_predictions_are_finite(name, problem):
    X, y, _ = problem
    y = _targets(name, y)
    est = _fit(FACTORIES[name](), X, y)
    out = est.predict_proba(X) if name == "MLPClassifier" else est.predict(X)
    assert np.all(np.isfinite(out))


@SLOW
@pytest.mark.parametrize("name", list(FACTORIES))
@given(problem=regression_problems(min_samples=6))
def test_pickle_round_trip_is_exact(name, problem):
    X, y, _ = problem
    est = _fit(FACTORIES[name](), X, _targets(name, y))
    clone = pickle.loads(pickle.dumps(est))
    assert_array_equal(clone.predict(X), est.predict(X))
    assert clone.get_params() == est.get_params()


@SLOW
@pytest.mark.parametrize("name", RANDOMIZED)
@given(problem=regression_problems(min_samples=6), seed=st.integers(0, 2**31 - 1))
def test_same_random_state_same_result(name, problem, seed):
    X, y, _ = problem
    y = _targets(name, y)
    first = _fit(FACTORIES[name]().set_params(random_state=seed), X, y)
    second = _fit(FACTORIES[name]().set_params(random_state=np.random.RandomState(seed)), X, y)
    assert_array_equal(first.predict(X), second.predict(X))


def test_grid_search_parallel_equals_serial():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 4)
    y = X @ rng.randn(4) + 0.3 * rng.randn(40)
    grid = {"noise_std": [0.0, 0.3, 1.0], "method": ["augment", "marginalize"]}
    cv = KFold(3, shuffle=True, random_state=0)
    results = [
        GridSearchCV(NoisyInputRegressor(n_copies=2, random_state=0), grid, cv=cv, n_jobs=n_jobs)
        .fit(X, y)
        .cv_results_
        for n_jobs in (1, 2)
    ]
    assert_array_equal(results[0]["mean_test_score"], results[1]["mean_test_score"])
    assert_array_equal(results[0]["split0_test_score"], results[1]["split0_test_score"])
