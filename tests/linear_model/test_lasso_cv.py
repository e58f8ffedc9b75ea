"""SoftThresholdQuadraticCV: held to LassoCV on the same folds and grid, to a hand-computed
1-SE rule, and to direct per-fold computations."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.linear_model import LassoCV
from sklearn.model_selection import KFold, ShuffleSplit, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from scipy import sparse

from skreg import SoftThresholdQuadratic, SoftThresholdQuadraticCV
from skreg.linear_model._lasso_cv import _Data


def correlated_data(n, d, seed=0, n_nonzero=5, offset=0.0):
    """AR(1)-correlated columns (ρ = 0.7) with column offsets, a sparse target plus noise."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, d))
    X = np.empty((n, d))
    X[:, 0] = Z[:, 0]
    for j in range(1, d):
        X[:, j] = 0.7 * X[:, j - 1] + np.sqrt(1 - 0.49) * Z[:, j]
    w = np.zeros(d)
    w[rng.choice(d, n_nonzero, replace=False)] = rng.uniform(1.0, 3.0, n_nonzero) * rng.choice([-1, 1], n_nonzero)
    y = X @ w + rng.standard_normal(n) + 5.0
    X += rng.uniform(-3, 3, d) + offset
    return X, y


TALL = correlated_data(120, 15)  # Gram route: fold Gram = full Gram − held-out rows'
WIDE = correlated_data(40, 90, seed=1)  # X route: working sets on the fold's rows


def lasso_cv(**kw):
    return LassoCV(tol=1e-12, max_iter=200_000, **kw)


def ours(**kw):
    return SoftThresholdQuadraticCV(tol=1e-12, **kw)


@pytest.mark.parametrize("data", [TALL, WIDE], ids=["tall", "wide"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_lasso_cv_on_same_folds_and_grid(data, fit_intercept):
    X, y = data
    n = X.shape[0]
    cv = KFold(4, shuffle=True, random_state=0)
    sk = lasso_cv(alphas=30, cv=cv, fit_intercept=fit_intercept).fit(X, y)
    est = ours(alphas=30, cv=cv, fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(est.alphas_, sk.alphas_ * n, rtol=1e-12)
    assert est.mse_path_.shape == sk.mse_path_.shape == (30, 4)
    np.testing.assert_allclose(est.mse_path_, sk.mse_path_, rtol=1e-7)
    assert est.alpha_ == est.alpha_min_
    assert est.alpha_min_ == pytest.approx(sk.alpha_ * n, rel=1e-12)
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=1e-6, atol=1e-8)
    assert est.intercept_ == pytest.approx(sk.intercept_, rel=1e-8, abs=1e-10)


def test_weighted_matches_lasso_cv_with_sample_weight():
    X, y = TALL
    sw = np.random.default_rng(3).uniform(0.0, 3.0, X.shape[0])
    sw[:5] = 0.0
    cv = KFold(5, shuffle=True, random_state=1)
    sk = lasso_cv(alphas=25, cv=cv).fit(X, y, sample_weight=sw)
    est = ours(alphas=25, cv=cv).fit(X, y, sample_weight=sw)
    # full-data strengths in the sum convention: × Σw (LassoCV's α is per unit weight)
    np.testing.assert_allclose(est.alphas_, sk.alphas_ * sw.sum(), rtol=1e-12)
    np.testing.assert_allclose(est.mse_path_, sk.mse_path_, rtol=1e-7)
    assert est.alpha_ == pytest.approx(sk.alpha_ * sw.sum(), rel=1e-12)
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=1e-6, atol=1e-8)


def test_weighted_wide_matches_lasso_cv():
    X, y = WIDE
    sw = np.random.default_rng(4).uniform(0.5, 2.0, X.shape[0])
    cv = KFold(4, shuffle=True, random_state=2)
    # eps=1e-2: below it the wide folds' solutions are not unique (|S| ≈ n_train)
    sk = lasso_cv(alphas=20, eps=1e-2, cv=cv).fit(X, y, sample_weight=sw)
    est = ours(alphas=20, eps=1e-2, cv=cv).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(est.mse_path_, sk.mse_path_, rtol=1e-7)
    assert est.alpha_ == pytest.approx(sk.alpha_ * sw.sum(), rel=1e-12)


@pytest.mark.parametrize(
    "cv", [ShuffleSplit(4, test_size=0.3, random_state=0), TimeSeriesSplit(3)],
    ids=["shuffle-split", "time-series"],
)
def test_folds_that_do_not_partition_the_rows(cv):
    # ShuffleSplit: held-out sets overlap across splits (no Σ of held-out Grams);
    # TimeSeriesSplit: fewer training rows than left-out ones (direct fold Gram)
    X, y = TALL
    sk = lasso_cv(alphas=20, cv=cv).fit(X, y)
    est = ours(alphas=20, cv=cv).fit(X, y)
    np.testing.assert_allclose(est.mse_path_, sk.mse_path_, rtol=1e-7)
    assert est.alpha_ == pytest.approx(sk.alpha_ * X.shape[0], rel=1e-12)


def test_positive_matches_lasso_cv():
    X, y = TALL
    sk = lasso_cv(alphas=20, cv=3, positive=True).fit(X, y)
    est = ours(alphas=20, cv=3, positive=True).fit(X, y)
    np.testing.assert_allclose(est.alphas_, sk.alphas_ * X.shape[0], rtol=1e-12)
    np.testing.assert_allclose(est.mse_path_, sk.mse_path_, rtol=1e-7)
    assert np.all(est.coef_ >= 0)


def test_one_se_rule_by_hand():
    X, y = TALL
    est = ours(alphas=40, cv=KFold(5, shuffle=True, random_state=5), selection="1se").fit(X, y)
    e = est.mse_path_
    K = e.shape[1]
    mean = e.sum(axis=1) / K
    se = np.sqrt(((e - mean[:, None]) ** 2).sum(axis=1) / (K * (K - 1)))  # glmnet's cvsd
    i_min = int(np.argmin(mean))
    threshold = mean[i_min] + se[i_min]
    candidates = [a for a, m in zip(est.alphas_, mean) if m <= threshold]
    assert est.alpha_min_ == est.alphas_[i_min]
    assert est.alpha_1se_ == max(candidates)
    assert est.alpha_1se_ > est.alpha_min_  # on this data the rule picks a sparser model
    assert est.alpha_ == est.alpha_1se_
    np.testing.assert_allclose(est.cv_results_["sem_test_mse"], se, rtol=1e-12)
    np.testing.assert_allclose(est.cv_results_["std_test_mse"], e.std(axis=1), rtol=1e-12)
    np.testing.assert_allclose(est.cv_results_["mean_test_mse"], mean, rtol=1e-12)
    np.testing.assert_allclose(est.cv_results_["split2_test_mse"], e[:, 2])
    # the final model is the single fit at alpha_1se_
    single = SoftThresholdQuadratic(alpha=est.alpha_1se_, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(est.coef_, single.coef_, rtol=1e-8, atol=1e-10)
    assert est.intercept_ == pytest.approx(single.intercept_, rel=1e-10)
    assert np.count_nonzero(est.coef_) < np.count_nonzero(
        SoftThresholdQuadratic(alpha=est.alpha_min_, tol=1e-12).fit(X, y).coef_
    )


def test_cv_results_is_pandas_ready_and_counts_nonzeros_of_the_full_path():
    X, y = TALL
    est = ours(alphas=15, cv=3).fit(X, y)
    frame = pd.DataFrame(est.cv_results_)
    assert list(frame.columns[:5]) == ["alpha", "mean_test_mse", "std_test_mse", "sem_test_mse", "n_nonzero"]
    assert frame.shape == (15, 11)  # + l1_ratio, gamma, dev_ratio (issue 21)
    coefs, _ = SoftThresholdQuadratic(tol=1e-12).fit(X, y).path(est.alphas_)
    np.testing.assert_array_equal(frame["n_nonzero"], np.count_nonzero(coefs, axis=1))
    assert frame["n_nonzero"].iloc[0] == 0  # α_max gives the empty model


def test_cv_as_int_splitter_and_iterable_agree():
    X, y = TALL
    by_int = ours(alphas=10, cv=4).fit(X, y)
    by_splitter = ours(alphas=10, cv=KFold(4)).fit(X, y)
    by_list = ours(alphas=10, cv=list(KFold(4).split(X))).fit(X, y)
    np.testing.assert_array_equal(by_int.mse_path_, by_splitter.mse_path_)
    np.testing.assert_array_equal(by_int.mse_path_, by_list.mse_path_)


@pytest.mark.parametrize("data", [TALL, WIDE], ids=["tall", "wide"])
def test_n_jobs_does_not_change_the_result(data):
    X, y = data
    one = ours(alphas=20, cv=5, n_jobs=1).fit(X, y)
    two = ours(alphas=20, cv=5, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.mse_path_, two.mse_path_)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    assert one.alpha_ == two.alpha_


def test_alpha_array_is_sorted_and_validated():
    X, y = TALL
    grid = [3.0, 300.0, 30.0, 0.0]
    est = ours(alphas=grid, cv=3).fit(X, y)
    np.testing.assert_array_equal(est.alphas_, [300.0, 30.0, 3.0, 0.0])
    sk = lasso_cv(alphas=np.array(grid) / X.shape[0], cv=3).fit(X, y)
    np.testing.assert_allclose(est.mse_path_, sk.mse_path_, rtol=1e-7)
    for bad in ([1, 1.0, "1"], [1.0, -1.0], [np.nan], [[1.0, 2.0]], []):
        with pytest.raises(ValueError, match="alphas"):
            ours(alphas=bad).fit(X, y)


def test_fold_gram_by_subtraction_equals_direct_computation_at_large_offset():
    X0, y0 = TALL
    offset = 1e8
    X = X0 + offset  # the representable data: X − offset is exact (Sterbenz)
    y = y0 + offset
    Xr, yr = X - offset, y - offset
    sw = np.random.default_rng(6).uniform(0.5, 2.0, X.shape[0])
    data = _Data(X, y, sw, fit_intercept=True)
    rows = np.arange(30, 60)  # held out
    train = np.setdiff1d(np.arange(X.shape[0]), rows)
    P, s, W = data.moments(np.arange(X.shape[0]))
    P_R, s_R, W_R = data.moments(rows)
    problem, mean = data.problem_from_moments(P - P_R, s - s_R, W - W_R)
    # direct: centre the fold's exact data at its own weighted mean
    wt = sw[train]
    xm = np.average(Xr[train], axis=0, weights=wt)
    ym = np.average(yr[train], weights=wt)
    Xc = (Xr[train] - xm) * np.sqrt(wt)[:, None]
    yc = (yr[train] - ym) * np.sqrt(wt)
    np.testing.assert_allclose(problem.G, Xc.T @ Xc, rtol=1e-10, atol=1e-9 * np.abs(Xc.T @ Xc).max())
    np.testing.assert_allclose(problem.Q[:, 0], Xc.T @ yc, rtol=1e-10, atol=1e-9 * np.abs(Xc.T @ yc).max())
    assert problem.yy[0] == pytest.approx(yc @ yc, rel=1e-10)
    # the fold means, relative to the reference row c, give back the absolute means
    np.testing.assert_allclose(data.c[:-1] + mean[:-1] - offset, xm, atol=1e-7)
    # and the whole estimator is offset-invariant (same folds, same errors)
    far = ours(alphas=15, cv=4).fit(X, y, sample_weight=sw)
    near = ours(alphas=15, cv=4).fit(Xr, yr, sample_weight=sw)
    np.testing.assert_allclose(far.mse_path_, near.mse_path_, rtol=1e-6)
    np.testing.assert_allclose(far.coef_, near.coef_, rtol=1e-6, atol=1e-8)


def test_penalty_factor_equals_column_rescaling():
    X, y = TALL
    p = np.random.default_rng(7).uniform(0.2, 3.0, X.shape[1])
    est = ours(alphas=20, cv=4, penalty_factor=p).fit(X, y)
    # Σ pⱼ|wⱼ| with X: the plain LASSO on the columns X_j / p_j, coefficients w_j·p_j
    sk = lasso_cv(alphas=20, cv=4).fit(X / p, y)
    np.testing.assert_allclose(est.alphas_, sk.alphas_ * X.shape[0], rtol=1e-12)
    np.testing.assert_allclose(est.mse_path_, sk.mse_path_, rtol=1e-7)
    np.testing.assert_allclose(est.coef_, sk.coef_ / p, rtol=1e-6, atol=1e-8)
    assert est.intercept_ == pytest.approx(sk.intercept_, rel=1e-8)


def test_penalty_factor_validation():
    X, y = TALL
    with pytest.raises(ValueError, match="shape"):
        ours(penalty_factor=np.ones(3)).fit(X, y)
    with pytest.raises(ValueError, match=">= 0"):
        ours(penalty_factor=-np.ones(X.shape[1])).fit(X, y)
    zero = np.ones(X.shape[1])
    zero[0] = 0.0
    est = ours(penalty_factor=zero, positive=True)
    with pytest.raises(ValueError, match="positive=True cannot be combined with zero"):
        est.fit(X, y)
    assert not hasattr(est, "coef_")


def test_y_with_one_column_is_raveled_as_lasso_cv_does():
    X, y = TALL
    with pytest.warns(DataConversionWarning):
        est2 = ours(alphas=10, cv=3).fit(X, y[:, None])
    est1 = ours(alphas=10, cv=3).fit(X, y)
    assert est2.coef_.shape == (X.shape[1],)
    assert est2.predict(X).shape == (X.shape[0],)
    np.testing.assert_array_equal(est1.coef_, est2.coef_)
    with pytest.raises(ValueError, match="one target"):
        ours().fit(X, np.column_stack([y, y]))


def test_failed_fit_leaves_no_state_and_inputs_are_not_mutated():
    X, y = TALL
    X_copy, y_copy = X.copy(), y.copy()
    sw = np.ones(X.shape[0])
    est = ours(alphas=10, cv=3).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_array_equal(sw, 1.0)
    before = dict(vars(est))
    est.set_params(alphas=[1.0, "a"])
    with pytest.raises(ValueError):
        est.fit(X[:, :3], y)
    after = vars(est)
    assert set(after) == set(before)
    assert all(after[k] is before[k] for k in before if k.endswith("_"))


def test_convergence_warning_and_float32():
    X, y = TALL
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        SoftThresholdQuadraticCV(alphas=10, cv=3, max_iter=1, tol=0.0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = ours(alphas=10, cv=3).fit(X.astype(np.float32), y.astype(np.float32))
    assert est.coef_.dtype == np.float32
    assert est.mse_path_.dtype == np.float64


def test_constant_target_gives_the_empty_model():
    X, _ = TALL
    y = np.full(X.shape[0], 2.5)
    est = ours(alphas=5, cv=3).fit(X, y)
    sk = LassoCV(alphas=5, cv=3).fit(X, y)
    np.testing.assert_allclose(est.alphas_, sk.alphas_ * X.shape[0])
    np.testing.assert_array_equal(est.coef_, 0.0)
    assert est.intercept_ == pytest.approx(2.5)


@pytest.mark.parametrize(
    "cv", [3, KFold(4, shuffle=True, random_state=3)], ids=["kfold", "shuffled"]
)
def test_dask_input_equals_numpy(cv):
    da = pytest.importorskip("dask.array")
    X, y = TALL
    sw = np.random.default_rng(13).uniform(0.5, 2.0, X.shape[0])
    p = np.ones(X.shape[1])
    p[[0, 4]] = 0.0
    p[1] = 2.0
    for kw in ({}, {"penalty_factor": p, "selection": "1se"}, {"fit_intercept": False}):
        ref = ours(alphas=10, cv=cv, **kw).fit(X, y, sample_weight=sw)
        est = ours(alphas=10, cv=cv, **kw).fit(
            da.from_array(X, chunks=35), da.from_array(y, chunks=35),
            sample_weight=da.from_array(sw, chunks=35),
        )
        np.testing.assert_allclose(est.alphas_, ref.alphas_, rtol=1e-10)
        np.testing.assert_allclose(est.mse_path_, ref.mse_path_, rtol=1e-7)
        assert est.alpha_ == pytest.approx(ref.alpha_, rel=1e-10)
        np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
        assert est.intercept_ == pytest.approx(ref.intercept_, rel=1e-7, abs=1e-9)


def test_dask_refuses_what_it_cannot_do_and_leaves_no_state():
    da = pytest.importorskip("dask.array")
    X, y = TALL
    est = ours(alphas=5, cv=ShuffleSplit(3, test_size=0.2, random_state=0))
    with pytest.raises(ValueError, match="Dask K-fold needs disjoint test folds"):
        est.fit(da.from_array(X, chunks=40), da.from_array(y, chunks=40))
    assert not hasattr(est, "coef_") and not hasattr(est, "n_features_in_")
    with pytest.raises(ValueError, match="one target"):
        ours(alphas=5, cv=3).fit(da.from_array(X, chunks=40),
                                 da.from_array(np.c_[y, y], chunks=40))


def test_non_partition_folds_in_parallel_threads():
    # ShuffleSplit: each fold's Gram is the full one minus its left-out rows, computed
    # inside the fold's job; n_jobs=2 must give the same numbers
    X, y = TALL
    cv = ShuffleSplit(3, test_size=0.25, random_state=1)
    one = ours(alphas=10, cv=cv, n_jobs=1).fit(X, y)
    two = ours(alphas=10, cv=cv, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.mse_path_, two.mse_path_)


def test_a_split_of_zero_weight_is_a_clear_error():
    X, y = TALL
    sw = np.ones(X.shape[0])
    sw[:40] = 0.0  # the first KFold(3) test fold weighs nothing
    est = ours(alphas=5, cv=KFold(3))
    with pytest.raises(ValueError, match="Split 0 .* zero total sample weight"):
        est.fit(X, y, sample_weight=sw)
    assert not hasattr(est, "coef_")


# ------------------------------------------------------------ penalty factors with zeros
def brute_force_mse_path(X, y, alphas, cv, penalty_factor, sample_weight=None, fit_intercept=True):
    """mse_path_ by one SoftThresholdQuadratic fit per fold and α (at α·W_train/W)."""
    n = X.shape[0]
    sw = np.ones(n) if sample_weight is None else sample_weight
    folds = list(cv.split(X, y))
    mse = np.zeros((alphas.size, len(folds)))
    for k, (train, test) in enumerate(folds):
        scale = sw[train].sum() / sw.sum()
        for i, alpha in enumerate(alphas):
            model = SoftThresholdQuadratic(
                alpha=alpha * scale, tol=1e-12, penalty_factor=penalty_factor,
                fit_intercept=fit_intercept,
            ).fit(X[train], y[train], sample_weight=None if sample_weight is None else sw[train])
            resid = model.predict(X[test]) - y[test]
            mse[i, k] = np.average(resid**2, weights=sw[test])
    return mse


@pytest.mark.parametrize(
    "data, weighted, fit_intercept",
    [(TALL, False, True), (TALL, True, True), (WIDE, False, True), (TALL, False, False)],
    ids=["tall", "tall-weighted", "wide", "tall-no-intercept"],
)
def test_zero_penalty_factors_match_a_brute_force_loop_over_folds(data, weighted, fit_intercept):
    X, y = data
    d = X.shape[1]
    p = np.random.default_rng(8).uniform(0.5, 2.0, d)
    p[[0, 3]] = 0.0  # unpenalized
    sw = np.random.default_rng(9).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    cv = KFold(3, shuffle=True, random_state=2)
    est = ours(alphas=8, cv=cv, penalty_factor=p, fit_intercept=fit_intercept).fit(
        X, y, sample_weight=sw)
    # α_max accounts for the factors and the unpenalized columns: the single fit's
    full = SoftThresholdQuadratic(alpha=1.0, tol=1e-12, penalty_factor=p,
                                  fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    assert est.alphas_[0] == pytest.approx(full.alpha_max_, rel=1e-10)
    # and at α_max only the unpenalized features are nonzero
    assert est.cv_results_["n_nonzero"][0] == 2
    ref = brute_force_mse_path(X, y, est.alphas_, cv, p, sw, fit_intercept)
    np.testing.assert_allclose(est.mse_path_, ref, rtol=1e-7)
    # the refit is SoftThresholdQuadratic(alpha=alpha_, penalty_factor=p) on all the data
    refit = SoftThresholdQuadratic(alpha=est.alpha_, tol=1e-12, penalty_factor=p,
                                   fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(est.coef_, refit.coef_, rtol=1e-6, atol=1e-8)
    assert est.intercept_ == pytest.approx(refit.intercept_, rel=1e-7, abs=1e-9)
    assert np.all(est.coef_[[0, 3]] != 0)


def test_all_features_unpenalized_is_least_squares_at_every_alpha():
    X, y = TALL
    cv = KFold(3)
    est = ours(alphas=[5.0, 1.0, 0.0], cv=cv, penalty_factor=np.zeros(X.shape[1])).fit(X, y)
    for k, (train, test) in enumerate(cv.split(X)):
        coef, *_ = np.linalg.lstsq(np.c_[np.ones(train.size), X[train]], y[train], rcond=None)
        mse = np.mean((np.c_[np.ones(test.size), X[test]] @ coef - y[test]) ** 2)
        np.testing.assert_allclose(est.mse_path_[:, k], mse, rtol=1e-9)


def test_positive_factors_match_lasso_cv_on_rescaled_columns_wide():
    X, y = WIDE
    p = np.random.default_rng(10).uniform(0.3, 3.0, X.shape[1])
    cv = KFold(3)
    est = ours(alphas=10, cv=cv, penalty_factor=p).fit(X, y)
    sk = lasso_cv(alphas=10, cv=cv).fit(X / p, y)
    np.testing.assert_allclose(est.alphas_, sk.alphas_ * X.shape[0], rtol=1e-12)
    np.testing.assert_allclose(est.mse_path_, sk.mse_path_, rtol=1e-7)
    np.testing.assert_allclose(est.coef_, sk.coef_ / p, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------------------- sparse X
SPARSE_FORMATS = [sparse.csr_matrix, sparse.csc_matrix, sparse.csr_array, sparse.csc_array]


def sparsified(data, seed):
    X, y = data
    X = X - np.median(X, axis=0)
    X[np.abs(X) < 0.7] = 0.0  # about half the entries
    return X, y


TALL_SPARSE = sparsified(TALL, 0)
WIDE_SPARSE = sparsified(WIDE, 1)


@pytest.mark.parametrize("fmt", SPARSE_FORMATS)
@pytest.mark.parametrize("data", [TALL_SPARSE, WIDE_SPARSE], ids=["tall-gram", "wide-rows"])
def test_sparse_equals_dense(data, fmt):
    X, y = data
    sw = np.random.default_rng(11).uniform(0.5, 2.0, X.shape[0])
    p = np.ones(X.shape[1])
    p[1] = 0.0
    p[2] = 3.0
    cv = KFold(3, shuffle=True, random_state=0)
    for kw in ({}, {"penalty_factor": p}, {"fit_intercept": False}):
        dense = ours(alphas=10, cv=cv, **kw).fit(X, y, sample_weight=sw)
        sp = ours(alphas=10, cv=cv, **kw).fit(fmt(X), y, sample_weight=sw)
        np.testing.assert_allclose(sp.alphas_, dense.alphas_, rtol=1e-10)
        np.testing.assert_allclose(sp.mse_path_, dense.mse_path_, rtol=1e-7)
        assert sp.alpha_ == pytest.approx(dense.alpha_, rel=1e-10)  # the same grid point
        assert sp.alpha_1se_ == pytest.approx(dense.alpha_1se_, rel=1e-10)
        np.testing.assert_allclose(sp.coef_, dense.coef_, rtol=1e-6, atol=1e-8)
        assert sp.intercept_ == pytest.approx(dense.intercept_, rel=1e-7, abs=1e-9)
        np.testing.assert_allclose(sp.predict(fmt(X)), dense.predict(X), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("data", [TALL_SPARSE, WIDE_SPARSE], ids=["tall-gram", "wide-rows"])
def test_sparse_fit_never_densifies_x(data, monkeypatch):
    X, y = data
    expected = ours(alphas=8, cv=3).fit(X, y)

    def refuse(self, *args, **kwargs):
        raise AssertionError("a sparse input was densified")

    for cls in SPARSE_FORMATS:
        monkeypatch.setattr(cls, "toarray", refuse)
        monkeypatch.setattr(cls, "todense", refuse)
    for fmt in (sparse.csr_matrix, sparse.csc_array):
        est = ours(alphas=8, cv=3).fit(fmt(X), y)
        np.testing.assert_allclose(est.mse_path_, expected.mse_path_, rtol=1e-7)
        est.predict(fmt(X))


@pytest.mark.parametrize("d", [20, 60], ids=["gram", "rows"])
def test_sparse_with_alpha_zero_is_least_squares(d):
    X, y = WIDE_SPARSE  # n = 40: d = 20 takes the Gram route, d = 60 the rows (LSQR)
    X = X[:, :d]
    dense = ours(alphas=[10.0, 0.0], cv=3).fit(X, y)
    sp = ours(alphas=[10.0, 0.0], cv=3).fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(sp.mse_path_, dense.mse_path_, rtol=1e-7)
    if d < 26:  # n_train = 26 or 27 > d: a unique least-squares fit per fold
        for k, (train, test) in enumerate(KFold(3).split(X)):
            coef, *_ = np.linalg.lstsq(np.c_[np.ones(train.size), X[train]], y[train], rcond=None)
            mse = np.mean((np.c_[np.ones(test.size), X[test]] @ coef - y[test]) ** 2)
            assert sp.mse_path_[1, k] == pytest.approx(mse, rel=1e-7)


def test_one_hot_pipeline():
    rng = np.random.default_rng(12)
    cats = rng.integers(0, 12, size=(150, 3))
    effect = rng.standard_normal(12)
    y = effect[cats[:, 0]] + 0.5 * effect[cats[:, 1]] + 0.3 * rng.standard_normal(150)
    pipe = make_pipeline(OneHotEncoder(), ours(alphas=10, cv=3)).fit(cats, y)
    Xd = OneHotEncoder(sparse_output=False).fit_transform(cats)
    dense = ours(alphas=10, cv=3).fit(Xd, y)
    est = pipe[-1]
    np.testing.assert_allclose(est.mse_path_, dense.mse_path_, rtol=1e-7)
    np.testing.assert_allclose(pipe.predict(cats), dense.predict(Xd), rtol=1e-7, atol=1e-8)
    assert pipe.score(cats, y) > 0.7


# ------------------------------------------- the L1 core at α = 0 (skreg._l1.solve_path)
@pytest.mark.parametrize("case", ["tall", "wide", "wide-sparse", "tall-factors", "wide-factors"])
def test_warm_started_path_down_to_alpha_zero_is_least_squares(case):
    # the gap max(−cᵀw, 0) vanishes once c = 0 on the support: a warm start at α = 0
    # used to stop there, off the least-squares solution, and report convergence
    from sklearn.linear_model import LinearRegression

    X, y = TALL if case.startswith("tall") else WIDE
    p = None
    if case.endswith("factors"):
        p = np.ones(X.shape[1])
        p[0], p[2] = 0.0, 2.0
    Xin = sparse.csr_matrix(WIDE_SPARSE[0]) if case == "wide-sparse" else X
    Xd = WIDE_SPARSE[0] if case == "wide-sparse" else X
    model = SoftThresholdQuadratic(alpha=1.0, tol=1e-12, penalty_factor=p).fit(Xin, y)
    coefs, intercepts = model.path([3.0, 0.0])
    ref = LinearRegression().fit(Xd, y)  # the minimum-norm solution when d > n
    np.testing.assert_allclose(coefs[1], ref.coef_, rtol=1e-7, atol=1e-9 * np.abs(ref.coef_).max())
    assert intercepts[1] == pytest.approx(ref.intercept_, rel=1e-7)
    # and through the CV's full-data path (user grid ending at 0)
    cv = ours(alphas=[3.0, 0.0], cv=3, penalty_factor=p).fit(Xin, y)
    assert cv.cv_results_["n_nonzero"][1] == np.count_nonzero(ref.coef_)


def test_edge_of_a_user_grid_warns_not_for_the_automatic_grid():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 8))
    y = X[:, 0] * 3 + 0.1 * rng.standard_normal(60)
    with pytest.warns(UserWarning, match="SoftThresholdQuadraticCV: the selected alpha is the "
                                         "smallest value of the grid.*int alphas"):
        SoftThresholdQuadraticCV(alphas=[50.0, 100.0]).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model = SoftThresholdQuadraticCV(alphas=20).fit(X, y)
    assert model.alphas_.size == 20
