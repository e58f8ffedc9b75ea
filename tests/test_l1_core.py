"""skreg._l1: the L1 solver core, its public-to-skreg API and the names re-exported by _lasso."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from sklearn.linear_model import Lasso, lasso_path

from skreg import SoftThresholdQuadratic
from skreg._data._gram import GramStats
from skreg._l1 import _Problem, alpha_max, make_problem, reduce_problem, solve_path
from skreg._data._sparse import (
    CenteredDesign,
    centered_column_sq_norms,
    centered_columns_times,
    centered_gram_block,
)


def ar1(n=200, d=40, rho=0.8, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, d))
    X = np.empty((n, d))
    X[:, 0] = Z[:, 0]
    for j in range(1, d):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    coef = np.zeros(d)
    coef[::7] = rng.uniform(1, 2, coef[::7].size)
    return X + 1.0, X @ coef + rng.standard_normal(n)


def test_the_private_solver_api_has_one_home():
    import skreg._l1 as l1
    from skreg.linear_model import _lasso

    for name in ("_Problem", "_fit_one", "_solve", "_duality_gap", "_ActiveSet", "solve_path",
                 "make_problem", "alpha_max", "nontrivial_penalty_factor"):
        assert hasattr(l1, name), name
    # the estimator module uses the core; it does not re-export the solver internals
    assert not hasattr(_lasso, "_duality_gap") and not hasattr(_lasso, "_fit_one")
    assert l1._Problem is _Problem
    assert hasattr(l1._Problem, "from_gram")
    assert callable(SoftThresholdQuadratic()._alpha_max)


def test_solve_path_matches_lasso_path_in_any_order():
    X, y = ar1()
    n = len(y)
    problem, (x_mean, y_mean) = make_problem(X, y[:, None])
    a_max = alpha_max(problem)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    assert a_max == pytest.approx(np.abs(Xc.T @ yc).max(), rel=1e-12)
    alphas = a_max * np.array([0.01, 1.0, 0.3, 0.05])  # unsorted: returned in this order
    coefs, gaps, n_iters = solve_path(problem, alphas, tol=1e-12)
    assert coefs.shape == (4, 1, X.shape[1]) and gaps.shape == (4, 1) and n_iters.shape == (4, 1)
    order = np.argsort(-alphas)  # lasso_path solves and returns in decreasing order
    sk_alphas, ref, _ = lasso_path(Xc, yc, alphas=alphas / n, tol=1e-14, max_iter=100_000)
    assert_allclose(sk_alphas, alphas[order] / n)
    assert_allclose(coefs[order, 0, :], ref.T, rtol=1e-7, atol=1e-9)
    assert np.all(gaps <= 1e-12 * yc @ yc)
    np.testing.assert_array_equal(coefs[1], 0.0)


def test_solve_path_warm_start_from_coef_init():
    X, y = ar1(seed=1)
    problem, _ = make_problem(X, y[:, None])
    alpha = 0.05 * alpha_max(problem)
    cold, _, it_cold = solve_path(problem, [alpha], tol=1e-10)
    warm, gaps, it_warm = solve_path(problem, [alpha], tol=1e-10, coef_init=cold[0])
    assert_allclose(warm, cold, rtol=1e-8, atol=1e-10)
    assert it_warm[0, 0] <= 2 < it_cold[0, 0]


def test_gram_problem_equals_data_problem_with_factors():
    """from_gram (partial_fit, Dask, CV folds) and make_problem give the same solution."""
    X, y = ar1(seed=2)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    problem, _ = make_problem(X, y[:, None], w)
    stats = GramStats.from_chunk(X, y, w)
    G, Q = stats.gram(True)
    gram_problem = _Problem.from_gram(G, Q, stats.Syy)
    p = np.r_[0.0, np.linspace(0.5, 2.0, X.shape[1] - 1)]
    alphas = [40.0, 10.0, 2.0]
    a, ga, _ = solve_path(problem, alphas, penalty_factor=p, tol=1e-12)
    b, gb, _ = solve_path(gram_problem, alphas, penalty_factor=p, tol=1e-12)
    assert_allclose(a, b, rtol=1e-7, atol=1e-9)
    reduced = reduce_problem(gram_problem, p)
    assert alpha_max(reduced) == pytest.approx(alpha_max(problem, penalty_factor=p), rel=1e-10)


def test_two_targets_share_the_problem():
    X, y = ar1(seed=3)
    Y = np.column_stack([y, -2.0 * y + X[:, 3]])
    model = SoftThresholdQuadratic(alpha=30.0, tol=1e-12).fit(X, Y)
    assert model.coef_.shape == (2, X.shape[1]) and model.n_iter_.shape == (2,)
    for k in range(2):
        single = SoftThresholdQuadratic(alpha=30.0, tol=1e-12).fit(X, Y[:, k])
        assert_allclose(model.coef_[k], single.coef_, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_2d_y_with_one_column_has_sklearn_lasso_shapes(fit_intercept):
    """scikit-learn 1.9.1 Lasso, y of shape (n, 1): coef_ (d,), intercept_ (1,) (or 0.0),
    predict (n,), n_iter_ an int, dual_gap_ a float."""
    X, y = ar1(seed=4)
    Y = y[:, None]
    ours = SoftThresholdQuadratic(alpha=20.0, tol=1e-10, fit_intercept=fit_intercept).fit(X, Y)
    ref = Lasso(alpha=20.0 / len(y), tol=1e-12, fit_intercept=fit_intercept).fit(X, Y)
    assert ours.coef_.shape == ref.coef_.shape == (X.shape[1],)
    assert np.shape(ours.intercept_) == np.shape(ref.intercept_)
    assert type(ours.intercept_) is type(ref.intercept_)
    assert ours.predict(X).shape == ref.predict(X).shape == (len(y),)
    assert isinstance(ours.n_iter_, int) and isinstance(ours.dual_gap_, float)
    assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-7, atol=1e-9)
    coefs, intercepts = ours.path([40.0, 20.0])
    assert coefs.shape == (2, X.shape[1])
    assert_allclose(coefs[1], ours.coef_, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("centred", [False, True])
def test_sparse_column_block_functions_match_dense(weighted, centred):
    rng = np.random.default_rng(0)
    X = sparse.random(30, 12, density=0.3, random_state=0, format="csc")
    w = rng.uniform(0.5, 2.0, 30) if weighted else None
    m = np.asarray(X.mean(axis=0)).ravel() if centred else np.zeros(12)
    design = CenteredDesign(X, m, None if w is None else np.sqrt(w))
    Xw = (X.toarray() - m) * (1.0 if w is None else np.sqrt(w)[:, None])
    rows, cols = np.array([0, 3, 7]), np.array([1, 3, 11, 5])
    assert_allclose(centered_gram_block(design, rows, cols), Xw[:, rows].T @ Xw[:, cols], atol=1e-12)
    assert_allclose(centered_gram_block(design, None, None), Xw.T @ Xw, atol=1e-12)
    v = rng.standard_normal(4)
    assert_allclose(centered_columns_times(design, cols, v), Xw[:, cols] @ v, atol=1e-12)
    assert_allclose(centered_column_sq_norms(design), np.sum(Xw**2, axis=0), atol=1e-12)


@pytest.mark.parametrize("shape", [(400, 60), (40, 600)])
@pytest.mark.parametrize("as_sparse", [False, True])
def test_single_fit_forms_no_full_gram(shape, as_sparse):
    """A single fit works on working-set blocks: no d×d Gram matrix, tall or wide."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal(shape)
    X[rng.random(shape) < 0.7] = 0.0
    coef = np.zeros(shape[1])
    coef[:5] = [3.0, -2.0, 1.5, 1.0, -1.0]
    y = X @ coef + 0.1 * rng.standard_normal(shape[0])
    Xin = sparse.csr_matrix(X) if as_sparse else X
    model = SoftThresholdQuadratic(alpha=0.1 * shape[0] ** 0.5, tol=1e-10).fit(Xin, y)
    assert model._problem.G is None
    ref = Lasso(alpha=0.1 * shape[0] ** 0.5 / shape[0], tol=1e-12, max_iter=100_000).fit(X, y)
    assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("as_sparse", [False, True])
def test_wide_path_by_working_sets_matches_lasso_path(as_sparse):
    """n < d: the path warm-starts working sets from α to α (no Gram matrix at all)."""
    rng = np.random.default_rng(5)
    n, d = 40, 300
    X = rng.standard_normal((n, d))
    X[rng.random((n, d)) < 0.5] = 0.0
    y = X[:, :6] @ rng.uniform(1.0, 2.0, 6) + 0.1 * rng.standard_normal(n)
    Xin = sparse.csc_matrix(X) if as_sparse else X
    model = SoftThresholdQuadratic(tol=1e-12).fit(Xin, y)
    alphas = model.alpha_max_ * np.array([0.5, 0.1, 0.02])
    coefs, intercepts = model.path(alphas)
    assert model._problem.G is None
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    _, ref, _ = lasso_path(Xc, yc, alphas=alphas / n, tol=1e-14, max_iter=200_000)
    assert_allclose(coefs, ref.T, rtol=1e-6, atol=1e-8)
    assert_allclose(intercepts, y.mean() - coefs @ X.mean(axis=0), rtol=1e-10)
