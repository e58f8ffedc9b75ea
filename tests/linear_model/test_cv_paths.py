"""The path behind every CV fit (issue 21): RidgeEigenCV's alphas_, coef_path_,
intercept_path_ and path_summary_ from its one decomposition, held to fresh RidgeEigen
fits; the displays accept the fitted CV estimators."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402

from skreg import RidgeEigen, RidgeEigenCV, SoftThresholdQuadraticCV  # noqa: E402
from skreg.plotting import CVCurveDisplay, RegularizationPathDisplay  # noqa: E402


def data(n=60, d=8, t=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) + rng.uniform(-2, 2, d)
    W = rng.standard_normal((d,) if t is None else (d, t))
    y = X @ W + rng.standard_normal((n,) if t is None else (n, t)) + 1.5
    return X, y


@pytest.mark.parametrize("cv", [None, 4], ids=["loo", "kfold"])
@pytest.mark.parametrize("kind", ["dense", "csr", "weighted", "multi"])
def test_ridge_cv_path_equals_fresh_fits(cv, kind):
    X, y = data(t=3 if kind == "multi" else None)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, X.shape[0]) if kind == "weighted" else None
    Xin = sparse.csr_matrix(X) if kind == "csr" else X
    alphas = [10.0, 0.1, 1.0, 100.0]  # the user's order is kept
    est = RidgeEigenCV(alphas=alphas, cv=cv).fit(Xin, y, sample_weight=sw)
    np.testing.assert_array_equal(est.alphas_, alphas)
    assert est.coef_path_.shape == est.coef_.shape + (4,)
    assert est.intercept_path_.shape == np.shape(est.intercept_) + (4,)
    wts = np.ones(len(y)) if sw is None else sw
    Y = y.reshape(len(y), -1)
    null = np.sum(wts[:, None] * (Y - np.average(Y, axis=0, weights=wts)) ** 2)
    for k, a in enumerate(alphas):
        fresh = RidgeEigen(alpha=a).fit(Xin, y, sample_weight=sw)
        np.testing.assert_allclose(est.coef_path_[..., k], fresh.coef_, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(est.intercept_path_[..., k], fresh.intercept_, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(est.path_summary_["dof"][k], fresh.effective_dof_, rtol=1e-10)
        resid = y - fresh.predict(X)
        rss = np.sum(wts[:, None] * resid.reshape(len(y), -1) ** 2)
        np.testing.assert_allclose(est.path_summary_["dev_ratio"][k], 1 - rss / null, rtol=1e-9)
    np.testing.assert_array_equal(est.path_summary_["alpha"], alphas)
    best = alphas.index(est.alpha_)
    np.testing.assert_allclose(est.coef_path_[..., best], est.coef_, rtol=1e-12)


def test_ridge_cv_dof_is_the_spectral_sum():
    X, y = data()
    est = RidgeEigenCV(alphas=[0.5, 5.0]).fit(X, y)
    lam = np.linalg.eigvalsh((X - X.mean(0)).T @ (X - X.mean(0)))
    np.testing.assert_allclose(est.path_summary_["dof"], [np.sum(lam / (lam + a)) for a in (0.5, 5.0)],
                               rtol=1e-10)


def test_regularization_path_display_draws_the_stored_cv_paths():
    X, y = data()
    ridge = RidgeEigenCV(alphas=np.logspace(-2, 3, 12), cv=4, scoring="neg_mean_squared_error",
                         selection="1se").fit(X, y)
    disp = RegularizationPathDisplay.from_estimator(ridge, lw=3)
    np.testing.assert_allclose(disp.coefs, ridge.coef_path_.T)
    assert disp.lines_[0].get_linewidth() == 3  # **kwargs reach matplotlib
    marked = sorted(line.get_xdata()[0] for line in disp.rule_lines_)
    assert marked == sorted([ridge.alpha_min_, ridge.alpha_1se_])
    lasso = SoftThresholdQuadraticCV(alphas=15, l1_ratio=[0.5, 1.0], cv=3).fit(X, y)
    disp = RegularizationPathDisplay.from_estimator(lasso)
    np.testing.assert_allclose(disp.coefs, lasso.coef_path_.T)
    np.testing.assert_array_equal(disp.alphas, lasso.path_summary_["alpha"])
    assert disp.penalty == "L1" and len(disp.rule_lines_) == 2
    with pytest.raises(ValueError, match="alphas_"):
        RegularizationPathDisplay.from_estimator(lasso, alphas=[1.0, 2.0])
    plt.close("all")


def test_cv_curve_display_accepts_ridge_cv_and_one_curve_per_l1_ratio():
    X, y = data()
    kfold = RidgeEigenCV(alphas=np.logspace(-2, 3, 10), cv=KFold(4)).fit(X, y)
    disp = CVCurveDisplay.from_estimator(kfold, color="tab:blue")
    np.testing.assert_allclose(disp.mean_test_mse, kfold.mse_path_.mean(axis=1))
    np.testing.assert_allclose(disp.sem_test_mse, kfold.mse_path_.std(axis=1, ddof=1) / 2)
    loo = RidgeEigenCV(alphas=np.logspace(-2, 3, 10), store_cv_results=True).fit(X, y)
    disp = CVCurveDisplay.from_estimator(loo)
    errors = loo.cv_results_  # (n, n_alphas) squared LOO errors
    np.testing.assert_allclose(disp.mean_test_mse, errors.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(disp.sem_test_mse, errors.std(axis=0, ddof=1) / np.sqrt(len(y)), rtol=1e-10)
    assert disp.alpha_min == loo.alpha_min_
    enet = SoftThresholdQuadraticCV(alphas=12, l1_ratio=[0.2, 0.6, 1.0], cv=3).fit(X, y)
    disp = CVCurveDisplay.from_estimator(enet)
    assert len(disp.errorbars_) == 3 and disp.mean_test_mse.shape == (3, 12)
    np.testing.assert_allclose(disp.mean_test_mse, enet.mse_path_.mean(axis=-1))
    with pytest.raises(ValueError, match="scoring=None"):
        CVCurveDisplay.from_estimator(RidgeEigenCV(scoring="r2").fit(X, y))
    plt.close("all")
