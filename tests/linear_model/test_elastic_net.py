"""The elastic net (l1_ratio) and the relaxed LASSO (gamma) of SoftThresholdQuadratic(CV),
held to scikit-learn's ElasticNet / ElasticNetCV, to RidgeEigen (ρ = 0), to the LASSO on
augmented rows (penalty factors), to theory.elastic_net_diagonal_solution and to least
squares on the support (γ = 0)."""

import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import ElasticNet, ElasticNetCV, LinearRegression
from sklearn.model_selection import KFold

from skreg import RidgeEigen, SoftThresholdQuadratic, SoftThresholdQuadraticCV
from skreg._l1 import solve_quadratic
from skreg.theory import elastic_net_diagonal_solution


def grouped_data(n, d, seed=0):
    """Correlated groups: columns 0-2 nearly equal, a sparse target, column offsets."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X[:, 1] = X[:, 0] + 0.05 * rng.standard_normal(n)
    X[:, 2] = X[:, 0] + 0.05 * rng.standard_normal(n)
    y = 2.0 * X[:, 0] + X[:, 3] - X[:, 4] + rng.standard_normal(n) + 3.0
    return X + rng.uniform(-2, 2, d), y


TALL = grouped_data(120, 12)
WIDE = grouped_data(40, 80, seed=1)


def objective(X, y, coef, intercept, alpha, rho, sw=None, factor=None):
    """The sum-convention elastic-net objective of the issue."""
    f = np.ones(X.shape[1]) if factor is None else factor
    r = np.asarray(X @ coef).ravel() + intercept - y
    data = 0.5 * float(np.sum((1.0 if sw is None else sw) * r**2))
    return data + alpha * (rho * float(f @ np.abs(coef)) + 0.5 * (1 - rho) * float(f @ coef**2))


def sk_enet(alpha, rho, X, y, sw=None, **kw):
    W = X.shape[0] if sw is None else sw.sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ElasticNet(alpha=alpha / W, l1_ratio=rho, tol=1e-14, max_iter=200_000, **kw).fit(
            X, y, sample_weight=sw)


@pytest.mark.parametrize("data", [TALL, WIDE], ids=["tall", "wide"])
@pytest.mark.parametrize("rho", [0.0, 0.1, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("kind", ["dense", "csr", "weighted"])
def test_equals_sklearn_elastic_net(data, rho, kind):
    X, y = data
    sw = np.random.default_rng(3).uniform(0.2, 3.0, X.shape[0]) if kind == "weighted" else None
    Xin = sparse.csr_matrix(X) if kind == "csr" else X
    n = X.shape[0]
    for alpha in (0.5 * n, 0.05 * n):
        ours = SoftThresholdQuadratic(alpha=alpha, l1_ratio=rho, tol=1e-12).fit(Xin, y, sample_weight=sw)
        sk = sk_enet(alpha, rho, X, y, sw)
        f_ours = objective(X, y, ours.coef_, ours.intercept_, alpha, rho, sw)
        f_sk = objective(X, y, sk.coef_, sk.intercept_, alpha, rho, sw)
        assert f_ours <= f_sk * (1 + 1e-10)
        if rho < 1 or X.shape[0] > X.shape[1]:  # ρ < 1: strictly convex, unique solution
            np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-7)
            np.testing.assert_allclose(ours.intercept_, sk.intercept_, atol=1e-7)


@pytest.mark.parametrize("data", [TALL, WIDE], ids=["tall", "wide"])
@pytest.mark.parametrize("sparse_X", [False, True])
def test_l1_ratio_zero_is_ridge_eigen(data, sparse_X):
    X, y = data
    sw = np.random.default_rng(4).uniform(0.5, 2.0, X.shape[0])
    Xin = sparse.csr_matrix(X) if sparse_X else X
    for alpha in (0.1, 10.0, 1000.0):
        ours = SoftThresholdQuadratic(alpha=alpha, l1_ratio=0.0).fit(Xin, y, sample_weight=sw)
        ridge = RidgeEigen(alpha=alpha).fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(ours.coef_, ridge.coef_, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(ours.intercept_, ridge.intercept_, rtol=1e-7, atol=1e-9)
    assert SoftThresholdQuadratic(alpha=1.0, l1_ratio=0.0).fit(X, y).alpha_max_ == np.inf


@pytest.mark.parametrize("data", [TALL, WIDE], ids=["tall", "wide"])
@pytest.mark.parametrize("rho", [0.3, 0.8])
def test_penalty_factors_scale_both_parts_as_the_lasso_on_augmented_rows(data, rho):
    # α·[ρ Σ fⱼ|wⱼ| + (1 − ρ)/2 Σ fⱼwⱼ²] = the LASSO (strength αρ, factors f) on X
    # stacked with the rows √(α(1 − ρ)fⱼ)·eⱼ and y with zeros (centred data, no intercept)
    X, y = data
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    d = X.shape[1]
    factor = np.linspace(0.2, 3.0, d)
    factor[5] = 0.0  # unpenalized in both parts
    alpha = 0.1 * X.shape[0]
    enet = SoftThresholdQuadratic(alpha=alpha, l1_ratio=rho, penalty_factor=factor, tol=1e-12,
                                  fit_intercept=False).fit(Xc, yc)
    X_aug = np.vstack([Xc, np.diag(np.sqrt(alpha * (1 - rho) * factor))])
    y_aug = np.concatenate([yc, np.zeros(d)])
    lasso = SoftThresholdQuadratic(alpha=alpha * rho, penalty_factor=factor, tol=1e-12,
                                   fit_intercept=False).fit(X_aug, y_aug)
    np.testing.assert_allclose(enet.coef_, lasso.coef_, atol=1e-8)
    # with an intercept: the same coefficients as on the centred data
    with_b = SoftThresholdQuadratic(alpha=alpha, l1_ratio=rho, penalty_factor=factor, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(with_b.coef_, enet.coef_, atol=1e-8)
    # no single column rescaling reproduces it: the plain elastic net on X/f differs
    assert not np.allclose(enet.coef_[factor > 0], SoftThresholdQuadratic(
        alpha=alpha, l1_ratio=rho, tol=1e-12, fit_intercept=False).fit(
            Xc[:, factor > 0] / factor[factor > 0], yc).coef_ / factor[factor > 0], atol=1e-4)


@pytest.mark.parametrize("rho", [0.0, 0.25, 0.7, 1.0])
def test_diagonal_closed_form_of_theory(rho):
    # orthogonal columns: XᵀX = diag(λ), so the solution is elastic_net_diagonal_solution
    rng = np.random.default_rng(5)
    Q, _ = np.linalg.qr(rng.standard_normal((50, 6)))
    lam = np.array([9.0, 4.0, 2.0, 1.0, 0.5, 0.2])
    X = Q * np.sqrt(lam)
    y = rng.standard_normal(50) * 3
    theta_star = (X.T @ y) / lam
    for alpha in (0.1, 1.0, 3.0):
        est = SoftThresholdQuadratic(alpha=alpha, l1_ratio=rho, fit_intercept=False, tol=1e-12).fit(X, y)
        expected = elastic_net_diagonal_solution(theta_star, lam, alpha, rho)
        np.testing.assert_allclose(est.coef_, expected, atol=1e-10)
    # the closed form itself, against a brute-force one-dimensional minimization
    grid = np.linspace(-5, 5, 200_001)
    for ts, lm in ((2.0, 1.5), (-0.4, 2.0), (3.0, 0.3)):
        values = 0.5 * lm * (grid - ts) ** 2 + 1.0 * (rho * np.abs(grid) + 0.5 * (1 - rho) * grid**2)
        assert abs(elastic_net_diagonal_solution(ts, lm, 1.0, rho) - grid[np.argmin(values)]) < 1e-4


def test_theory_rejects_bad_arguments():
    with pytest.raises(ValueError, match="l1_ratio"):
        elastic_net_diagonal_solution(1.0, 1.0, 1.0, 1.5)
    with pytest.raises(ValueError, match="alpha"):
        elastic_net_diagonal_solution(1.0, 1.0, -1.0, 0.5)
    with pytest.raises(ValueError, match="eigenvalues"):
        elastic_net_diagonal_solution(1.0, -1.0, 1.0, 0.5)
    with pytest.raises(ValueError, match="NaN"):
        elastic_net_diagonal_solution(np.nan, 1.0, 1.0, 0.5)


@pytest.mark.parametrize("data", [TALL, WIDE], ids=["tall", "wide"])
@pytest.mark.parametrize("rho", [0.5, 1.0])
def test_gamma_zero_is_least_squares_on_the_support(data, rho):
    X, y = data
    sw = np.random.default_rng(6).uniform(0.5, 2.0, X.shape[0])
    alpha = 0.2 * SoftThresholdQuadratic(l1_ratio=rho).fit(X, y, sample_weight=sw).alpha_max_
    plain = SoftThresholdQuadratic(alpha=alpha, l1_ratio=rho, tol=1e-12).fit(X, y, sample_weight=sw)
    support = np.flatnonzero(plain.coef_)
    assert 0 < support.size < X.shape[0]
    ls = LinearRegression().fit(X[:, support], y, sample_weight=sw)
    relaxed = SoftThresholdQuadratic(alpha=alpha, l1_ratio=rho, gamma=0.0, tol=1e-12).fit(
        X, y, sample_weight=sw)
    np.testing.assert_allclose(relaxed.coef_[support], ls.coef_, rtol=1e-7, atol=1e-9)
    assert np.all(np.delete(relaxed.coef_, support) == 0)
    np.testing.assert_allclose(relaxed.intercept_, ls.intercept_, rtol=1e-7, atol=1e-9)
    half = SoftThresholdQuadratic(alpha=alpha, l1_ratio=rho, gamma=0.3, tol=1e-12).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(half.coef_, 0.3 * plain.coef_ + 0.7 * relaxed.coef_, atol=1e-9)
    np.testing.assert_allclose(half.intercept_, 0.3 * plain.intercept_ + 0.7 * relaxed.intercept_, atol=1e-9)


@pytest.mark.parametrize("data", [TALL, WIDE], ids=["tall", "wide"])
def test_path_honours_l1_ratio_and_gamma(data):
    X, y = data
    est = SoftThresholdQuadratic(alpha=1.0, l1_ratio=0.6, gamma=0.4, tol=1e-12).fit(X, y)
    alphas = est.alpha_max_ * np.array([1.2, 0.5, 0.1, 0.02])
    coefs, intercepts = est.path(alphas)
    for k, a in enumerate(alphas):
        direct = SoftThresholdQuadratic(alpha=a, l1_ratio=0.6, gamma=0.4, tol=1e-12).fit(X, y)
        np.testing.assert_allclose(coefs[k], direct.coef_, atol=1e-7)
        np.testing.assert_allclose(intercepts[k], direct.intercept_, atol=1e-7)
    assert np.all(coefs[0] == 0)


def test_positive_with_l1_ratio_below_one_equals_sklearn():
    X, y = TALL
    for rho in (0.3, 0.9):
        ours = SoftThresholdQuadratic(alpha=6.0, l1_ratio=rho, positive=True, tol=1e-12).fit(X, y)
        sk = sk_enet(6.0, rho, X, y, positive=True)
        assert ours.coef_.min() >= 0
        np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-7)
    with pytest.raises(ValueError, match="l1_ratio > 0"):
        SoftThresholdQuadratic(l1_ratio=0.0, positive=True).fit(X, y)


def test_elastic_net_keeps_the_correlated_group():
    X, y = TALL
    lasso = SoftThresholdQuadratic(alpha=30.0).fit(X, y)
    enet = SoftThresholdQuadratic(alpha=60.0, l1_ratio=0.2).fit(X, y)
    assert np.count_nonzero(lasso.coef_[:3]) < 3
    assert np.count_nonzero(enet.coef_[:3]) == 3


def test_solve_quadratic_entry_point():
    # ½wᵀSw − sᵀw + α Σ fⱼ(ρ|wⱼ| + (1 − ρ)/2 wⱼ²) on a diagonal S is the closed form
    lam = np.array([4.0, 1.0, 2.5, 0.5])
    s = np.array([8.0, 0.5, -6.0, 1.0])
    f = np.array([1.0, 2.0, 0.5, 1.0])
    for rho in (0.0, 0.4, 1.0):
        w, gap, n_iter = solve_quadratic(np.diag(lam), s, 2.0, yy=100.0, l1_ratio=rho,
                                         penalty_factor=f, tol=1e-12)
        expected = elastic_net_diagonal_solution(s / lam, lam / (2.0 * f), 1.0, rho)
        # the factor fⱼ scales both parts: divide the objective by 2fⱼ per coordinate
        np.testing.assert_allclose(w, expected, atol=1e-10)
        assert gap <= 1e-8
    # a general S: the same solution as the estimator on X with S = XᵀX, s = Xᵀy
    X, y = TALL
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    w, _, _ = solve_quadratic(Xc.T @ Xc, Xc.T @ yc, 20.0, l1_ratio=0.5, tol=1e-12,
                              coef_init=np.ones(X.shape[1]))
    est = SoftThresholdQuadratic(alpha=20.0, l1_ratio=0.5, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(w, est.coef_, atol=1e-8)


# ------------------------------------------------------------------------------ the CV
def sk_enet_cv(X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ElasticNetCV(tol=1e-12, max_iter=200_000, **kw).fit(X, y)


@pytest.mark.parametrize("data", [TALL, WIDE], ids=["tall", "wide"])
def test_cv_chooses_the_same_alpha_and_ratio_as_elastic_net_cv(data):
    X, y = data
    n = X.shape[0]
    ratios = [0.1, 0.5, 0.9, 1.0]
    cv = KFold(4)
    ours = SoftThresholdQuadraticCV(alphas=20, l1_ratio=ratios, cv=cv, tol=1e-12).fit(X, y)
    sk = sk_enet_cv(X, y, alphas=20, l1_ratio=ratios, cv=cv)
    assert ours.alphas_.shape == sk.alphas_.shape == (4, 20)
    np.testing.assert_allclose(ours.alphas_, sk.alphas_ * n, rtol=1e-10)
    assert ours.mse_path_.shape == sk.mse_path_.shape == (4, 20, 4)
    np.testing.assert_allclose(ours.mse_path_[:3], sk.mse_path_[:3], rtol=1e-6)
    # the wide LASSO on near-duplicate columns: scikit-learn's coordinate descent stops at
    # a fold gap of ~3e-6 (ours ~1e-13, a lower objective), so its errors agree to 1e-3
    np.testing.assert_allclose(ours.mse_path_[3], sk.mse_path_[3], rtol=1e-6 if n > X.shape[1] else 1e-3)
    assert ours.l1_ratio_ == sk.l1_ratio_
    np.testing.assert_allclose(ours.alpha_, sk.alpha_ * n, rtol=1e-10)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
    assert ours.gamma_ == 1.0
    assert len(ours.cv_results_["alpha"]) == 4 * 20


def test_cv_single_ratio_shapes_and_weights_match_elastic_net_cv():
    X, y = TALL
    sw = np.random.default_rng(7).uniform(0.5, 2.0, X.shape[0])
    ours = SoftThresholdQuadraticCV(alphas=15, l1_ratio=0.5, cv=KFold(3), tol=1e-12).fit(X, y, sample_weight=sw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = ElasticNetCV(alphas=15, l1_ratio=0.5, cv=KFold(3), tol=1e-12, max_iter=100_000).fit(
            X, y, sample_weight=sw)
    assert ours.alphas_.shape == (15,) and ours.mse_path_.shape == (15, 3)
    np.testing.assert_allclose(ours.alphas_, sk.alphas_ * sw.sum(), rtol=1e-10)
    np.testing.assert_allclose(ours.mse_path_, sk.mse_path_, rtol=1e-6)
    assert ours.l1_ratio_ == 0.5


@pytest.mark.parametrize("data", [TALL, WIDE], ids=["tall", "wide"])
def test_coef_path_equals_fresh_fits(data):
    X, y = data
    est = SoftThresholdQuadraticCV(alphas=12, l1_ratio=[0.5, 1.0], gammas=[0.0, 0.5, 1.0], cv=3,
                                   tol=1e-12).fit(X, y)
    assert est.coef_path_.shape == (X.shape[1], 12)
    assert est.intercept_path_.shape == (12,)
    grid = est.alphas_[[0.5, 1.0].index(est.l1_ratio_)] if est.alphas_.ndim == 2 else est.alphas_
    for k in (0, 4, 11):
        fresh = SoftThresholdQuadratic(alpha=grid[k], l1_ratio=est.l1_ratio_, gamma=est.gamma_,
                                       tol=1e-12).fit(X, y)
        np.testing.assert_allclose(est.coef_path_[:, k], fresh.coef_, atol=1e-7)
        np.testing.assert_allclose(est.intercept_path_[k], fresh.intercept_, atol=1e-7)
    best = int(np.flatnonzero(grid == est.alpha_)[0])
    np.testing.assert_array_equal(est.coef_, est.coef_path_[:, best])
    summary = est.path_summary_
    np.testing.assert_array_equal(summary["alpha"], grid)
    np.testing.assert_array_equal(summary["n_nonzero"], np.count_nonzero(est.coef_path_, axis=0))
    dev = 1 - np.sum((y[:, None] - X @ est.coef_path_ - est.intercept_path_) ** 2, axis=0) / np.sum((y - y.mean()) ** 2)
    np.testing.assert_allclose(summary["dev_ratio"], dev, atol=1e-9)


def test_cv_gammas_score_every_gamma_on_the_same_fold_paths():
    X, y = TALL
    cv = KFold(3)
    relaxed = SoftThresholdQuadraticCV(alphas=10, l1_ratio=[0.5, 1.0], gammas=[0.0, 1.0], cv=cv,
                                       tol=1e-12).fit(X, y)
    plain = SoftThresholdQuadraticCV(alphas=10, l1_ratio=[0.5, 1.0], cv=cv, tol=1e-12).fit(X, y)
    assert relaxed.mse_path_.shape == (2, 2, 10, 3)
    np.testing.assert_allclose(relaxed.mse_path_[:, 1], plain.mse_path_, rtol=1e-10)
    # γ = 0 on a fold: least squares on the support of the fold's fit, scored on the test rows
    train, test = next(iter(cv.split(X)))
    a = relaxed.alphas_[1, 4] * len(train) / len(X)
    fold = SoftThresholdQuadratic(alpha=a, gamma=0.0, tol=1e-12).fit(X[train], y[train])
    mse = np.mean((fold.predict(X[test]) - y[test]) ** 2)
    np.testing.assert_allclose(relaxed.mse_path_[1, 0, 4, 0], mse, rtol=1e-8)
    res = relaxed.cv_results_
    assert len(res["alpha"]) == 2 * 2 * 10
    i = np.argmin(res["mean_test_mse"])
    assert (res["l1_ratio"][i], res["gamma"][i]) == (relaxed.l1_ratio_, relaxed.gamma_)
    assert res["alpha"][i] == relaxed.alpha_min_


def test_cv_refuses_an_automatic_grid_for_l1_ratio_zero():
    X, y = TALL
    with pytest.raises(ValueError, match="l1_ratio=0"):
        SoftThresholdQuadraticCV(l1_ratio=[0.0, 0.5]).fit(X, y)
    est = SoftThresholdQuadraticCV(alphas=[100.0, 10.0, 1.0], l1_ratio=[0.0, 1.0], cv=3).fit(X, y)
    assert est.alphas_.shape == (3,)  # a user grid stays 1-D, as ElasticNetCV's
    assert est.mse_path_.shape == (2, 3, 3)
    with pytest.raises(ValueError, match="gammas"):
        SoftThresholdQuadraticCV(gammas=[0.5, 2.0]).fit(X, y)


def test_every_new_option_on_sparse_dask_weights_and_factors():
    # the elastic net and the relaxation through every data route give the same numbers
    da = pytest.importorskip("dask.array")
    X, y = TALL
    rng = np.random.default_rng(8)
    sw = rng.uniform(0.5, 2.0, X.shape[0])
    factor = np.r_[0.0, np.linspace(0.5, 2.0, X.shape[1] - 1)]
    cv = KFold(3)
    kw = dict(alphas=8, l1_ratio=[0.4, 1.0], gammas=[0.0, 1.0], cv=cv, tol=1e-12, penalty_factor=factor)
    dense = SoftThresholdQuadraticCV(**kw).fit(X, y, sample_weight=sw)
    csr = SoftThresholdQuadraticCV(**kw).fit(sparse.csr_matrix(X), y, sample_weight=sw)
    dask = SoftThresholdQuadraticCV(**kw).fit(da.from_array(X, chunks=(40, 12)), da.from_array(y, chunks=40),
                                              sample_weight=da.from_array(sw, chunks=40))
    for other in (csr, dask):
        np.testing.assert_allclose(other.mse_path_, dense.mse_path_, rtol=1e-8)
        np.testing.assert_allclose(other.coef_path_, dense.coef_path_, atol=1e-8)
        assert (other.l1_ratio_, other.gamma_) == (dense.l1_ratio_, dense.gamma_)
        np.testing.assert_allclose(other.alpha_, dense.alpha_, rtol=1e-12)  # the grid's last digit
    single = dict(alpha=20.0, l1_ratio=0.4, gamma=0.5, tol=1e-12, penalty_factor=factor)
    ref = SoftThresholdQuadratic(**single).fit(X, y, sample_weight=sw)
    for Xin in (sparse.csc_matrix(X), da.from_array(X, chunks=(40, 12))):
        yin = da.from_array(y, chunks=40) if Xin.__class__.__module__.startswith("dask") else y
        win = da.from_array(sw, chunks=40) if yin is not y else sw
        other = SoftThresholdQuadratic(**single).fit(Xin, yin, sample_weight=win)
        np.testing.assert_allclose(other.coef_, ref.coef_, atol=1e-8)
        np.testing.assert_allclose(other.intercept_, ref.intercept_, atol=1e-8)
    # partial_fit on two chunks equals fit
    half = X.shape[0] // 2
    pf = SoftThresholdQuadratic(**single)
    pf.partial_fit(X[:half], y[:half], sample_weight=sw[:half]).partial_fit(X[half:], y[half:], sample_weight=sw[half:])
    np.testing.assert_allclose(pf.coef_, ref.coef_, atol=1e-8)


def test_elastic_net_on_extreme_scales_is_a_clear_error_and_the_lasso_is_rescaled():
    # the rescaled fit maps one strength by s_x·s_y (right for L1, not for L2: s_x²)
    X, y = TALL
    with pytest.raises(ValueError, match="l1_ratio < 1"):
        SoftThresholdQuadratic(alpha=1.0, l1_ratio=0.5).fit(X * 1e150, y)
    with pytest.raises(ValueError, match="l1_ratio < 1"):
        SoftThresholdQuadraticCV(l1_ratio=[0.5, 1.0], cv=3).fit(X, y * 1e-150)
    small = SoftThresholdQuadratic(alpha=20.0, gamma=0.5).fit(X, y)
    big = SoftThresholdQuadratic(alpha=20.0 * 1e150, gamma=0.5).fit(X, y * 1e150)
    np.testing.assert_allclose(big.coef_ / 1e150, small.coef_, rtol=1e-8, atol=1e-12)
