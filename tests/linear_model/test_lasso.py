"""SoftThresholdQuadratic: held to the lecture's closed form, to scikit-learn, and to properties."""

import pickle
import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import Lasso, lasso_path
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skreg import RidgeEigen, SoftThresholdQuadratic
from skreg.penalties import L1Penalty
from skreg.theory import l2_shrink, soft_threshold


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


def objective(X, y, coef, intercept, alpha, sample_weight=None):
    """½ Σ wₖ (xₖᵀw + b − yₖ)² + α‖w‖₁: the lecture's scaling."""
    r = X @ coef + intercept - y
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    return 0.5 * float(np.sum(sw * r**2)) + alpha * float(np.abs(coef).sum())


def orthogonal_design(n=40, d=5, seed=0):
    """Centred columns, mutually orthogonal, of different norms: XᵀX is diagonal."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, d))
    A -= A.mean(axis=0)
    Q, _ = np.linalg.qr(A)  # orthonormal and still centred (span of centred columns)
    X = Q * np.array([1.0, 2.0, 5.0, 0.5, 3.0])[:d] + rng.normal(size=d)  # column offsets
    y = X @ np.array([2.0, -1.0, 0.5, 3.0, -0.2])[:d] + rng.normal(size=n) + 4.0
    return X, y


@pytest.mark.parametrize("alpha", [0.0, 0.1, 1.0, 3.0, 10.0, 100.0])
def test_orthogonal_design_is_the_lectures_closed_form(alpha):
    X, y = orthogonal_design()
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    lam = np.sum(Xc**2, axis=0)  # the diagonal of H = XcᵀXc
    assert np.allclose(Xc.T @ Xc, np.diag(lam), atol=1e-10)
    theta_star = (Xc.T @ yc) / lam  # OLS solution
    model = SoftThresholdQuadratic(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(
        model.coef_, soft_threshold(theta_star, lam, alpha), rtol=1e-10, atol=1e-12
    )
    assert model.intercept_ == pytest.approx(y.mean() - X.mean(axis=0) @ model.coef_, rel=1e-12)
    assert model.n_iter_ <= 1  # one closed-form step
    assert model.dual_gap_ <= 1e-12 * (yc @ yc)


@pytest.mark.parametrize("alpha", [0.5, 5.0, 50.0, 400.0])
def test_matches_sklearn_lasso_on_diabetes(diabetes, alpha):
    X, y = diabetes
    n = X.shape[0]
    ours = SoftThresholdQuadratic(alpha=alpha, tol=1e-10).fit(X, y)
    ref = Lasso(alpha=alpha / n, tol=1e-10, max_iter=100_000).fit(X, y)
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-6 * scale)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-8)
    np.testing.assert_array_equal(ours.coef_ != 0, ref.coef_ != 0)
    # no worse than scikit-learn on the shared objective
    f_ours = objective(X, y, ours.coef_, ours.intercept_, alpha)
    f_ref = objective(X, y, ref.coef_, ref.intercept_, alpha)
    assert f_ours <= f_ref * (1 + 1e-12)
    # the gap is in the sum convention: scikit-learn's dual_gap_ is ours / n
    yc = y - y.mean()
    assert ours.dual_gap_ <= 1e-10 * (yc @ yc)


def test_default_tolerance_is_sklearns(diabetes):
    X, y = diabetes
    n = X.shape[0]
    yc = y - y.mean()
    ours = SoftThresholdQuadratic(alpha=20.0).fit(X, y)
    ref = Lasso(alpha=20.0 / n).fit(X, y)
    assert ours.dual_gap_ <= 1e-4 * (yc @ yc)
    f_ours = objective(X, y, ours.coef_, ours.intercept_, 20.0)
    f_ref = objective(X, y, ref.coef_, ref.intercept_, 20.0)
    assert abs(f_ours - f_ref) <= 1e-4 * (yc @ yc)


def test_alpha_max_zeroes_everything(diabetes):
    X, y = diabetes
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    model = SoftThresholdQuadratic().fit(X, y)
    assert model.alpha_max_ == pytest.approx(np.abs(Xc.T @ yc).max(), rel=1e-12)
    for alpha in [model.alpha_max_, 1.5 * model.alpha_max_, 1e6]:
        zero = SoftThresholdQuadratic(alpha=alpha).fit(X, y)
        np.testing.assert_array_equal(zero.coef_, np.zeros(X.shape[1]))
        assert zero.intercept_ == pytest.approx(y.mean())
    below = SoftThresholdQuadratic(alpha=0.99 * model.alpha_max_).fit(X, y)
    assert np.count_nonzero(below.coef_) == 1
    assert np.argmax(np.abs(below.coef_)) == np.argmax(np.abs(Xc.T @ yc))


def test_nonzeros_grow_as_alpha_decreases(diabetes):
    # orthogonal design: the support only grows as α decreases
    X, y = orthogonal_design()
    model = SoftThresholdQuadratic().fit(X, y)
    coefs, _ = model.path(np.geomspace(model.alpha_max_, 1e-3 * model.alpha_max_, 40))
    counts = np.count_nonzero(coefs, axis=1)
    assert counts[0] == 0 and counts[-1] == X.shape[1]
    assert np.all(np.diff(counts) >= 0) and len(set(counts)) == X.shape[1] + 1
    # diabetes: from 0 to all 10 features, with the same supports as scikit-learn
    # (a LASSO support need not be monotone: one feature leaves and re-enters here)
    X, y = diabetes
    model = SoftThresholdQuadratic(tol=1e-10).fit(X, y)
    alphas = np.geomspace(model.alpha_max_, 1e-3 * model.alpha_max_, 30)
    coefs, _ = model.path(alphas)
    counts = np.count_nonzero(coefs, axis=1)
    assert counts[0] == 0 and counts[-1] == X.shape[1]
    assert np.corrcoef(counts, np.arange(30))[0, 1] > 0.9
    _, ref, _ = lasso_path(
        X - X.mean(axis=0), y - y.mean(), alphas=alphas / len(y), tol=1e-12, max_iter=100_000
    )
    np.testing.assert_array_equal(counts, np.count_nonzero(ref, axis=0))
    # the L1 norm shrinks as α grows
    assert np.all(np.diff(np.abs(coefs).sum(axis=1)) >= -1e-9)


def test_path_equals_independent_fits(diabetes):
    X, y = diabetes
    model = SoftThresholdQuadratic(tol=1e-12).fit(X, y)
    alphas = np.array([5.0, 300.0, 0.5, 60.0])  # any order
    coefs, intercepts = model.path(alphas)
    assert coefs.shape == (4, X.shape[1]) and intercepts.shape == (4,)
    for a, c, b in zip(alphas, coefs, intercepts, strict=False):
        single = SoftThresholdQuadratic(alpha=a, tol=1e-12).fit(X, y)
        np.testing.assert_allclose(c, single.coef_, rtol=1e-8, atol=1e-8)
        assert b == pytest.approx(single.intercept_, rel=1e-10)


def test_default_path_grid_and_every_alpha_converged():
    """Each α of the default grid is solved to tol (no stale early exit)."""
    X, y = make_regression(n_samples=80, n_features=30, n_informative=8, noise=5.0, random_state=0)
    model = SoftThresholdQuadratic(tol=1e-8).fit(X, y)
    coefs, intercepts = model.path()
    assert coefs.shape == (100, 30)
    alphas = np.geomspace(model.alpha_max_, 1e-3 * model.alpha_max_, 100)
    np.testing.assert_array_equal(coefs[0], 0.0)
    for a, c, b in zip(alphas[::9], coefs[::9], intercepts[::9], strict=False):
        ref = Lasso(alpha=a / len(y), tol=1e-12, max_iter=100_000).fit(X, y)
        f = objective(X, y, c, b, a)
        f_ref = objective(X, y, ref.coef_, ref.intercept_, a)
        assert f <= f_ref + 1e-8 * (y - y.mean()) @ (y - y.mean())


def test_multi_output_solves_each_target(diabetes):
    X, y = diabetes
    Y = np.column_stack([y, -0.5 * y + X[:, 0] * 100, np.ones_like(y)])
    model = SoftThresholdQuadratic(alpha=30.0, tol=1e-10).fit(X, Y)
    assert model.coef_.shape == (3, X.shape[1])
    assert model.intercept_.shape == (3,)
    assert model.n_iter_.shape == (3,) and model.dual_gap_.shape == (3,)
    for k in range(3):
        single = SoftThresholdQuadratic(alpha=30.0, tol=1e-10).fit(X, Y[:, k])
        np.testing.assert_allclose(model.coef_[k], single.coef_, rtol=1e-10, atol=1e-10)
        assert model.intercept_[k] == pytest.approx(single.intercept_)
    np.testing.assert_array_equal(model.coef_[2], 0.0)  # constant target
    np.testing.assert_allclose(model.predict(X[:5]), X[:5] @ model.coef_.T + model.intercept_)
    coefs, intercepts = model.path([100.0, 10.0])
    assert coefs.shape == (2, 3, X.shape[1]) and intercepts.shape == (2, 3)


def test_l1_versus_l2_as_in_the_lecture():
    """Both push θ̂ from θ* to 0 as α grows; L1 reaches exact zeros, L2 never does."""
    X, y = orthogonal_design()
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    lam = np.sum(Xc**2, axis=0)
    theta_star = Xc.T @ yc / lam
    alphas = np.geomspace(1e-4, 1e4, 17)
    l1 = np.array([SoftThresholdQuadratic(alpha=a).fit(X, y).coef_ for a in alphas])
    l2 = np.array([RidgeEigen(alpha=a).fit(X, y).coef_ for a in alphas])
    np.testing.assert_allclose(
        l1, soft_threshold(theta_star, lam, alphas[:, None]), rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(l2, l2_shrink(theta_star, lam, alphas[:, None]), rtol=1e-8)
    np.testing.assert_allclose(l1[0], theta_star, rtol=1e-3)  # small α: near θ*
    np.testing.assert_allclose(l2[0], theta_star, rtol=1e-3)
    assert np.all(np.diff(np.abs(l1), axis=0) <= 1e-12)  # both shrink monotonically
    assert np.all(np.diff(np.abs(l2), axis=0) <= 1e-12)
    assert np.all(l1[-1] == 0) and np.all(l2 != 0)  # L1 is "hard"
    # a coordinate is zeroed exactly when α ≥ λᵢ|θ*ᵢ|; low-curvature ones go first
    np.testing.assert_array_equal(l1 == 0, alphas[:, None] >= lam * np.abs(theta_star))


def test_map_objective_is_negative_log_posterior(diabetes):
    """½‖r‖² + α‖w‖₁ = −log N(y | Xw + b, I) − log Laplace(w; α) + const."""
    X, y = diabetes
    alpha = 40.0
    model = SoftThresholdQuadratic(alpha=alpha, tol=1e-12).fit(X, y)
    prior = L1Penalty(alpha)

    def neg_log_posterior(coef, b):
        return -stats.norm.logpdf(y, loc=X @ coef + b, scale=1.0).sum() - prior.log_prior(
            coef, normalized=True
        )

    rng = np.random.default_rng(0)
    candidates = [(model.coef_, model.intercept_)] + [
        (model.coef_ + rng.normal(scale=5.0, size=X.shape[1]), model.intercept_ + rng.normal())
        for _ in range(5)
    ]
    consts = [neg_log_posterior(c, b) - objective(X, y, c, b, alpha) for c, b in candidates]
    np.testing.assert_allclose(consts, consts[0], rtol=1e-12)  # the same constant everywhere
    n, d = X.shape
    expected_const = 0.5 * n * np.log(2 * np.pi) - d * np.log(alpha / 2)
    assert consts[0] == pytest.approx(expected_const, rel=1e-12)
    # the fitted coefficients are the MAP estimate: every perturbation is less probable
    best = neg_log_posterior(model.coef_, model.intercept_)
    assert all(neg_log_posterior(c, b) > best for c, b in candidates[1:])


def test_sample_weight_equals_repeated_rows_and_sklearn(diabetes):
    X, y = diabetes
    X, y = X[:120], y[:120]
    sw = np.random.default_rng(0).integers(0, 4, size=len(y)).astype(float)
    alpha = 15.0
    weighted = SoftThresholdQuadratic(alpha=alpha, tol=1e-12).fit(X, y, sample_weight=sw)
    rep = np.repeat(np.arange(len(y)), sw.astype(int))
    repeated = SoftThresholdQuadratic(alpha=alpha, tol=1e-12).fit(X[rep], y[rep])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-9, atol=1e-9)
    assert weighted.intercept_ == pytest.approx(repeated.intercept_, rel=1e-10)
    # scikit-learn rescales sample_weight to sum to n: the match is alpha / sum(sw)
    ref = Lasso(alpha=alpha / sw.sum(), tol=1e-12, max_iter=100_000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(
        weighted.coef_, ref.coef_, rtol=1e-6, atol=1e-6 * np.abs(ref.coef_).max()
    )
    # a scalar weight c is the same as alpha / c
    scaled = SoftThresholdQuadratic(alpha=alpha, tol=1e-12).fit(X, y, sample_weight=4.0)
    plain = SoftThresholdQuadratic(alpha=alpha / 4.0, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(scaled.coef_, plain.coef_, rtol=1e-9, atol=1e-9)


def test_float32_in_float32_out(diabetes):
    X, y = diabetes
    m32 = SoftThresholdQuadratic(alpha=10.0).fit(X.astype(np.float32), y.astype(np.float32))
    m64 = SoftThresholdQuadratic(alpha=10.0).fit(X, y)
    assert m32.coef_.dtype == np.float32
    assert np.asarray(m32.intercept_).dtype == np.float32
    assert m32.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(m32.coef_, m64.coef_, rtol=1e-3, atol=1e-3 * np.abs(m64.coef_).max())
    coefs, intercepts = m32.path([100.0, 10.0])
    assert coefs.dtype == np.float32 and intercepts.dtype == np.float32


@pytest.mark.parametrize("n_samples, n_features", [(200, 30), (40, 120)])
def test_positive_and_no_intercept_match_sklearn(n_samples, n_features):
    X, y = make_regression(
        n_samples=n_samples, n_features=n_features, n_informative=10, noise=3.0, random_state=1
    )
    y = y + 10.0
    for kwargs in [dict(positive=True), dict(fit_intercept=False), dict()]:
        alpha = 0.05 * SoftThresholdQuadratic(**kwargs).fit(X, y).alpha_max_
        ours = SoftThresholdQuadratic(alpha=alpha, tol=1e-10, **kwargs).fit(X, y)
        ref = Lasso(alpha=alpha / n_samples, tol=1e-12, max_iter=200_000, **kwargs).fit(X, y)
        f_ours = objective(X, y, ours.coef_, ours.intercept_, alpha)
        f_ref = objective(X, y, ref.coef_, ref.intercept_, alpha)
        assert f_ours <= f_ref * (1 + 1e-9)
        np.testing.assert_allclose(
            ours.coef_, ref.coef_, rtol=1e-5, atol=1e-5 * np.abs(ref.coef_).max()
        )
        if kwargs.get("positive"):
            assert ours.coef_.min() >= 0
        if kwargs.get("fit_intercept") is False:
            assert ours.intercept_ == 0.0


def test_collinear_features_still_reach_the_optimum():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 6))
    X = np.column_stack([X, X[:, 0], 2 * X[:, 1] - X[:, 2]])  # duplicates and a combination
    y = X[:, :3] @ [3.0, -2.0, 1.0] + rng.normal(size=60)
    alpha = 2.0
    ours = SoftThresholdQuadratic(alpha=alpha, tol=1e-10).fit(X, y)
    ref = Lasso(alpha=alpha / 60, tol=1e-12, max_iter=100_000).fit(X, y)
    f_ours = objective(X, y, ours.coef_, ours.intercept_, alpha)
    f_ref = objective(X, y, ref.coef_, ref.intercept_, alpha)
    assert f_ours == pytest.approx(f_ref, rel=1e-9)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_more_features_than_samples_down_to_tiny_alpha(fit_intercept):
    """|S| reaches the rank of X: features must swap in and out (homotopy swaps)."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(30, 80))
    y = X[:, :5] @ rng.normal(size=5) * 2 + rng.normal(size=30)
    alpha_max = SoftThresholdQuadratic(fit_intercept=fit_intercept).fit(X, y).alpha_max_
    for frac in [1e-2, 1e-4]:
        alpha = frac * alpha_max
        ours = SoftThresholdQuadratic(alpha=alpha, tol=1e-8, fit_intercept=fit_intercept).fit(X, y)
        ref = Lasso(alpha=alpha / 30, tol=1e-12, max_iter=500_000, fit_intercept=fit_intercept).fit(
            X, y
        )
        yc = y - y.mean() if fit_intercept else y
        f_ours = objective(X, y, ours.coef_, ours.intercept_, alpha)
        f_ref = objective(X, y, ref.coef_, ref.intercept_, alpha)
        assert f_ours <= f_ref + 1e-8 * (yc @ yc)
        assert np.count_nonzero(ours.coef_) <= 30  # at most rank-many nonzeros


def test_convergence_warning_when_max_iter_is_reached():
    X, y = make_regression(n_samples=100, n_features=60, noise=1.0, random_state=0)
    X[:, 1:] += 3 * X[:, :1]  # strongly correlated
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = SoftThresholdQuadratic(alpha=0.1, tol=1e-14, max_iter=2).fit(X, y)
    assert model.n_iter_ == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        SoftThresholdQuadratic(alpha=0.1, tol=1e-8).fit(X, y)


def test_warm_start_reuses_coefficients(diabetes):
    X, y = diabetes
    model = SoftThresholdQuadratic(alpha=5.0, tol=1e-10, warm_start=True).fit(X, y)
    first = model.coef_.copy()
    model.fit(X, y)
    np.testing.assert_allclose(model.coef_, first, rtol=1e-10)
    assert model.n_iter_ == 1  # started at the solution: one check
    model.set_params(alpha=6.0).fit(X, y)
    cold = SoftThresholdQuadratic(alpha=6.0, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(model.coef_, cold.coef_, rtol=1e-8, atol=1e-8)


def test_select_from_model_picks_the_support():
    X, y = make_regression(
        n_samples=200, n_features=20, n_informative=4, noise=1.0, random_state=0, coef=False
    )
    lasso = SoftThresholdQuadratic(alpha=500.0)
    selector = SelectFromModel(lasso, threshold=1e-10).fit(X, y)
    support = np.flatnonzero(selector.estimator_.coef_)
    np.testing.assert_array_equal(selector.get_support(indices=True), support)
    assert selector.transform(X).shape == (200, support.size)
    assert 1 <= support.size < 20


def test_pipeline_grid_search_and_pickle(diabetes):
    X, y = diabetes
    search = GridSearchCV(
        make_pipeline(SoftThresholdQuadratic()),
        {"softthresholdquadratic__alpha": [1.0, 10.0, 100.0]},
        cv=3,
    ).fit(X, y)
    assert search.best_params_["softthresholdquadratic__alpha"] in (1.0, 10.0, 100.0)
    model = SoftThresholdQuadratic(alpha=10.0).fit(X, y)
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.predict(X), model.predict(X))
    np.testing.assert_allclose(clone.path([10.0])[0][0], model.coef_, rtol=1e-10)


def test_dataframe_feature_names(diabetes):
    pd = pytest.importorskip("pandas")
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    model = SoftThresholdQuadratic(alpha=10.0).fit(X, y)
    np.testing.assert_array_equal(model.feature_names_in_, X.columns)
    assert model.n_features_in_ == 10
    assert isinstance(X, pd.DataFrame)


def test_does_not_mutate_inputs(diabetes):
    X, y = diabetes
    X0, y0 = X.copy(), y.copy()
    sw = np.ones(len(y))
    SoftThresholdQuadratic(alpha=1.0).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(sw, 1.0)


def test_bad_input_gives_clear_errors(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="alpha"):
        SoftThresholdQuadratic(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="max_iter"):
        SoftThresholdQuadratic(max_iter=0).fit(X, y)
    with pytest.raises(ValueError, match="tol"):
        SoftThresholdQuadratic(tol=-1e-3).fit(X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SoftThresholdQuadratic().fit(X, y[:-1])
    Xnan = X.copy()
    Xnan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SoftThresholdQuadratic().fit(Xnan, y)
    with pytest.raises(ValueError, match="(?i)negative"):
        SoftThresholdQuadratic().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(NotFittedError):
        SoftThresholdQuadratic().path([1.0])
    model = SoftThresholdQuadratic().fit(X, y)
    with pytest.raises(ValueError, match="alphas"):
        model.path([-1.0])
    with pytest.raises(ValueError, match="alphas"):
        model.path([[1.0, 2.0]])
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])
