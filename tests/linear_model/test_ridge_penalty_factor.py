"""Per-feature penalty factors of RidgeEigen / RidgeEigenCV (issue 13).

Ω(w) = ½ Σⱼ pⱼwⱼ², so (X_cᵀX_c + α diag(p))w = X_cᵀy_c with an unpenalized intercept.
Every expected value below is computed independently of skreg's spectral code: the
closed form by ``np.linalg.solve``, Frisch–Waugh by ``lstsq``, leave-one-out by refits.
"""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold

from skreg import RidgeEigen, RidgeEigenCV


def _data(n=40, d=6, n_targets=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.3, 3.0, d) + rng.uniform(-3, 3, d)
    coef = rng.standard_normal(d)
    y = X @ coef + rng.standard_normal(n)
    if n_targets is not None:
        y = np.column_stack([y + k * rng.standard_normal(n) for k in range(n_targets)])
    return X, y, rng.uniform(0.2, 3.0, n)


def _closed_form(X, y, alpha, p, sw=None, fit_intercept=True):
    """(X_cᵀWX_c + α diag(p))⁻¹ X_cᵀW y_c and b = ȳ − x̄ᵀw, by a dense solve."""
    w = np.ones(len(X)) if sw is None else sw
    Y = y.reshape(len(y), -1)
    if fit_intercept:
        xm, ym = np.average(X, axis=0, weights=w), np.average(Y, axis=0, weights=w)
    else:
        xm, ym = np.zeros(X.shape[1]), np.zeros(Y.shape[1])
    Xc, Yc = X - xm, Y - ym
    coef = np.linalg.solve(
        Xc.T @ (w[:, None] * Xc) + alpha * np.diag(p), Xc.T @ (w[:, None] * Yc)
    ).T
    intercept = ym - coef @ xm
    if y.ndim == 1:
        return coef[0], intercept[0]
    return coef, intercept


P_MIXED = np.array([0.0, 1.0, 2.5, 0.0, 0.2, 4.0])


# ------------------------------------------------------------------ closed form
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("p", [P_MIXED, np.array([0.5, 1.0, 2.0, 3.0, 0.1, 7.0])])
def test_matches_closed_form(weighted, fit_intercept, p):
    X, y, sw = _data()
    sw = sw if weighted else None
    for alpha in [0.0, 0.3, 5.0, 300.0]:
        model = RidgeEigen(alpha=alpha, penalty_factor=p, fit_intercept=fit_intercept)
        model.fit(X, y, sample_weight=sw)
        coef, intercept = _closed_form(X, y, alpha, p, sw, fit_intercept)
        np.testing.assert_allclose(model.coef_, coef, rtol=1e-9, atol=1e-11)
        if fit_intercept:
            assert model.intercept_ == pytest.approx(intercept, rel=1e-10)
        else:
            assert model.intercept_ == 0.0
        np.testing.assert_allclose(
            model.predict(X), X @ coef + (intercept if fit_intercept else 0), rtol=1e-10
        )


def test_matches_closed_form_multitarget_and_wide():
    X, y, sw = _data(n=20, d=35, n_targets=3, seed=3)
    p = np.linspace(0.0, 3.0, 35)
    p[[4, 9]] = 0.0  # three unpenalized columns (0, 4, 9): [1, Z] still full rank
    model = RidgeEigen(alpha=2.0, penalty_factor=p).fit(X, y, sample_weight=sw)
    coef, intercept = _closed_form(X, y, 2.0, p, sw)
    assert model.coef_.shape == (3, 35) and model.intercept_.shape == (3,)
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-9)


def test_ones_equal_plain_ridge():
    X, y, sw = _data()
    ref = RidgeEigen(alpha=1.7).fit(X, y, sample_weight=sw)
    ours = RidgeEigen(alpha=1.7, penalty_factor=np.ones(6)).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-12)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-12)
    np.testing.assert_allclose(ours.eigenvalues_, ref.eigenvalues_, rtol=1e-12)
    assert ours.effective_dof_ == pytest.approx(ref.effective_dof_, rel=1e-12)


# ------------------------------------------------------- the two reductions, separately
def test_positive_factors_equal_column_rescaling():
    X, y, sw = _data(seed=5)
    p = np.array([0.5, 1.0, 2.0, 3.0, 0.1, 7.0])
    ours = RidgeEigen(alpha=3.0, penalty_factor=p).fit(X, y, sample_weight=sw)
    scaled = RidgeEigen(alpha=3.0).fit(X / np.sqrt(p), y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, scaled.coef_ / np.sqrt(p), rtol=1e-10)
    assert ours.intercept_ == pytest.approx(scaled.intercept_, rel=1e-12)
    # the spectral attributes are those of the rescaled problem
    np.testing.assert_allclose(ours.eigenvalues_, scaled.eigenvalues_, rtol=1e-10)
    np.testing.assert_allclose(ours.shrinkage_, scaled.shrinkage_, rtol=1e-10)


@pytest.mark.parametrize("weighted", [False, True])
def test_zero_factors_are_unpenalized_columns(weighted):
    """Frisch–Waugh: w_Z is least squares of the residual y − X_P w_P on Z (with intercept)."""
    X, y, sw = _data(seed=7)
    sw = sw if weighted else None
    alpha = 40.0  # strong: the penalized columns are visibly shrunk
    model = RidgeEigen(alpha=alpha, penalty_factor=P_MIXED).fit(X, y, sample_weight=sw)
    Z, P = P_MIXED == 0, P_MIXED > 0
    residual = y - X[:, P] @ model.coef_[P]
    ols = LinearRegression().fit(X[:, Z], residual, sample_weight=sw)
    np.testing.assert_allclose(model.coef_[Z], ols.coef_, rtol=1e-9)
    assert model.intercept_ == pytest.approx(ols.intercept_, rel=1e-9)
    # and the penalized part is ridge on the columns with Z (and the constant) partialled out
    w = np.ones(len(y)) if sw is None else sw
    A = np.column_stack([np.ones(len(y)), X[:, Z]]) * np.sqrt(w)[:, None]
    Q, _ = np.linalg.qr(A)
    Xp = (np.eye(len(y)) - Q @ Q.T) @ (X[:, P] * np.sqrt(w)[:, None]) / np.sqrt(P_MIXED[P])
    yp = (np.eye(len(y)) - Q @ Q.T) @ (y * np.sqrt(w))
    v = np.linalg.solve(Xp.T @ Xp + alpha * np.eye(P.sum()), Xp.T @ yp)
    np.testing.assert_allclose(model.coef_[P], v / np.sqrt(P_MIXED[P]), rtol=1e-9)
    # the spectral attributes belong to that projected, rescaled problem
    np.testing.assert_allclose(model.eigenvalues_, np.linalg.eigvalsh(Xp.T @ Xp)[::-1], rtol=1e-9)
    assert model.eigenvectors_.shape == (P.sum(), P.sum())
    # effective_dof_ = trace(hat) − 1 = tr(X̃(X̃ᵀX̃ + αI)⁻¹X̃ᵀ) + rank(Z)
    hat_p = np.trace(Xp @ np.linalg.solve(Xp.T @ Xp + alpha * np.eye(P.sum()), Xp.T))
    assert model.effective_dof_ == pytest.approx(hat_p + Z.sum(), rel=1e-10)


def test_all_zero_factors_is_least_squares_even_with_huge_alpha():
    X, y, sw = _data()
    model = RidgeEigen(alpha=1e6, penalty_factor=np.zeros(6)).fit(X, y, sample_weight=sw)
    ref = LinearRegression().fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-9)
    assert model.intercept_ == pytest.approx(ref.intercept_, rel=1e-9)
    assert model.effective_dof_ == pytest.approx(6.0)
    assert model.eigenvalues_.shape == (0,)


def test_rank_deficient_unpenalized_block_gives_minimum_norm_split():
    X, y, _ = _data(seed=2)
    X = np.column_stack([X, X[:, 0]])  # column 6 duplicates column 0; both unpenalized
    p = np.append(P_MIXED, 0.0)
    model = RidgeEigen(alpha=2.0, penalty_factor=p).fit(X, y)
    # the duplicated pair shares its coefficient equally (minimum norm); the fit equals
    # the one without the duplicate
    single = RidgeEigen(alpha=2.0, penalty_factor=P_MIXED).fit(X[:, :6], y)
    assert model.coef_[0] == pytest.approx(model.coef_[6], rel=1e-8)
    assert model.coef_[0] + model.coef_[6] == pytest.approx(single.coef_[0], rel=1e-8)
    np.testing.assert_allclose(model.predict(X), single.predict(X[:, :6]), rtol=1e-9)


# ------------------------------------------------------------------------ path
def test_path_equals_fits_at_each_alpha():
    X, y, sw = _data(n_targets=2)
    alphas = np.array([0.0, 0.1, 3.0, 100.0])
    model = RidgeEigen(penalty_factor=P_MIXED).fit(X, y, sample_weight=sw)
    coefs, intercepts = model.path(alphas)
    assert coefs.shape == (4, 2, 6) and intercepts.shape == (4, 2)
    for a, c, b in zip(alphas, coefs, intercepts, strict=False):
        coef, intercept = _closed_form(X, y, a, P_MIXED, sw)
        np.testing.assert_allclose(c, coef, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(b, intercept, rtol=1e-10)


# -------------------------------------------------------------- leave-one-out
def _brute_force_loo(X, y, alphas, p, sw=None, fit_intercept=True):
    """√wₖ(yₖ − ŷ₋ₖ)² by n refits of the closed form without row k."""
    n = len(y)
    w = np.ones(n) if sw is None else sw
    out = np.zeros((n, len(alphas)))
    for k in range(n):
        keep = np.arange(n) != k
        for j, a in enumerate(alphas):
            coef, b = _closed_form(X[keep], y[keep], a, p, w[keep], fit_intercept)
            out[k, j] = w[k] * (y[k] - X[k] @ coef - (b if fit_intercept else 0.0)) ** 2
    return out


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(30, 6), (12, 20)])
def test_loo_errors_equal_brute_force_refits(weighted, shape):
    X, y, sw = _data(*shape, seed=11)
    sw = sw if weighted else None
    p = np.resize(P_MIXED, shape[1])
    alphas = np.array([0.05, 1.0, 20.0])
    model = RidgeEigenCV(alphas=alphas, penalty_factor=p, store_cv_results=True)
    model.fit(X, y, sample_weight=sw)
    expected = _brute_force_loo(X, y, alphas, p, sw)
    np.testing.assert_allclose(model.cv_results_, expected, rtol=1e-8, atol=1e-12 * expected.max())
    best = int(np.argmin(expected.mean(axis=0)))
    assert model.alpha_ == alphas[best]
    assert model.best_score_ == pytest.approx(-expected.mean(axis=0)[best], rel=1e-9)
    coef, intercept = _closed_form(X, y, alphas[best], p, sw)
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-8, atol=1e-11)


def test_loo_without_intercept_equals_brute_force():
    X, y, _ = _data(25, 5, seed=4)
    p = np.array([0.0, 1.0, 3.0, 0.5, 2.0])
    alphas = np.array([0.5, 8.0])
    model = RidgeEigenCV(
        alphas=alphas, penalty_factor=p, fit_intercept=False, store_cv_results=True
    ).fit(X, y)
    expected = _brute_force_loo(X, y, alphas, p, fit_intercept=False)
    np.testing.assert_allclose(model.cv_results_, expected, rtol=1e-8)


def test_kfold_with_factors_equals_refits_per_fold():
    X, y, sw = _data(50, 6, seed=9)
    alphas = np.array([0.1, 3.0, 50.0])
    folds = KFold(5, shuffle=True, random_state=0)
    model = RidgeEigenCV(
        alphas=alphas, cv=folds, penalty_factor=P_MIXED, scoring="neg_mean_squared_error"
    ).fit(X, y, sample_weight=sw)
    expected = np.zeros((3, 5))
    for f, (train, test) in enumerate(folds.split(X)):
        for j, a in enumerate(alphas):
            coef, b = _closed_form(X[train], y[train], a, P_MIXED, sw[train])
            resid = y[test] - X[test] @ coef - b
            expected[j, f] = np.average(resid**2, weights=sw[test])
    np.testing.assert_allclose(model.mse_path_, expected, rtol=1e-9)
    assert model.alpha_ == alphas[np.argmax(model.score_path_.mean(axis=1))]
    coef, _ = _closed_form(X, y, model.alpha_, P_MIXED, sw)
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-9)


# ------------------------------------------------------------ streaming and Dask
def test_partial_fit_equals_fit():
    X, y, sw = _data(60, 6, n_targets=2)
    ref = RidgeEigen(alpha=2.0, penalty_factor=P_MIXED).fit(X, y, sample_weight=sw)
    model = RidgeEigen(alpha=2.0, penalty_factor=P_MIXED)
    for rows in np.array_split(np.arange(60), 4):
        model.partial_fit(X[rows], y[rows], sample_weight=sw[rows])
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-9)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-9)
    np.testing.assert_allclose(model.eigenvalues_, ref.eigenvalues_, rtol=1e-9)
    assert model.effective_dof_ == pytest.approx(ref.effective_dof_, rel=1e-9)


def test_dask_fit_and_loo_equal_in_memory():
    da = pytest.importorskip("dask.array")
    import dask

    X, y, sw = _data(48, 6, seed=13)
    alphas = np.array([0.1, 2.0, 30.0])
    dX, dy, dw = (
        da.from_array(X, chunks=(13, 6)),
        da.from_array(y, chunks=13),
        da.from_array(sw, chunks=13),
    )
    with dask.config.set(scheduler="synchronous"):
        ridge = RidgeEigen(alpha=2.0, penalty_factor=P_MIXED).fit(dX, dy, sample_weight=dw)
        cv = RidgeEigenCV(alphas=alphas, penalty_factor=P_MIXED, selection="1se").fit(
            dX, dy, sample_weight=dw
        )
    coef, intercept = _closed_form(X, y, 2.0, P_MIXED, sw)
    np.testing.assert_allclose(ridge.coef_, coef, rtol=1e-9)
    assert ridge.intercept_ == pytest.approx(intercept, rel=1e-9)
    ref = RidgeEigenCV(alphas=alphas, penalty_factor=P_MIXED, selection="1se").fit(
        X, y, sample_weight=sw
    )
    assert cv.alpha_min_ == ref.alpha_min_ and cv.alpha_1se_ == ref.alpha_1se_
    assert cv.best_score_ == pytest.approx(ref.best_score_, rel=1e-9)
    np.testing.assert_allclose(cv.coef_, ref.coef_, rtol=1e-9)


# ------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "p, match",
    [
        (np.ones(5), r"shape \(6,\)"),
        (np.ones((6, 1)), r"shape \(6,\)"),
        (np.array([1, 1, -1, 1, 1, 1.0]), ">= 0"),
        (np.array([1, 1, np.nan, 1, 1, 1.0]), "finite"),
        (["a"] * 6, "penalty_factor"),
    ],
)
@pytest.mark.parametrize("Estimator", [RidgeEigen, RidgeEigenCV])
def test_bad_penalty_factor_raises_and_leaves_no_state(Estimator, p, match):
    X, y, _ = _data()
    model = Estimator(penalty_factor=p)
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)
    assert not [k for k in vars(model) if k.endswith("_")]
    if Estimator is RidgeEigen:
        with pytest.raises(ValueError, match=match):
            model.partial_fit(X, y)
        assert not [k for k in vars(model) if k.endswith("_")]


def test_inputs_not_mutated_and_float32_kept():
    X, y, sw = _data()
    p = P_MIXED.copy()
    X0, y0, sw0 = X.copy(), y.copy(), sw.copy()
    model = RidgeEigenCV(alphas=[0.1, 1.0], penalty_factor=p).fit(X, y, sample_weight=sw)
    for a, b in [(X, X0), (y, y0), (sw, sw0), (p, P_MIXED)]:
        np.testing.assert_array_equal(a, b)
    assert model.penalty_factor is p
    m32 = RidgeEigen(penalty_factor=p).fit(X.astype(np.float32), y.astype(np.float32))
    assert m32.coef_.dtype == np.float32 and m32.predict(X.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("shape", [(50, 8), (12, 30)])  # Gram side, kernel side
@pytest.mark.parametrize("container", ["csr_matrix", "csc_array", "coo_matrix"])
def test_sparse_input_equals_dense_without_densifying(shape, container):
    """Ready for sparse RidgeEigen: same coefficients and LOO errors as the dense path."""
    sp = pytest.importorskip("scipy.sparse")
    from skreg.linear_model._ridge import _decompose_ridge

    n, d = shape
    rng = np.random.default_rng(1)
    Xs = getattr(sp, container)(sp.random(n, d, density=0.3, random_state=2).toarray() * 3 + 0.0)
    X = Xs.toarray()
    y = rng.standard_normal((n, 2))
    sw = rng.uniform(0.2, 2.0, n)
    # wide: few unpenalized columns, so that no row is fitted by [1, Z] alone
    p = np.resize(P_MIXED if n > d else [0.0, 1.0, 2.5, 0.2, 4.0, 1.0, 0.5, 3.0], d)
    alphas = np.array([0.1, 2.0, 40.0])
    for w in [None, sw]:
        sparse_spec = _decompose_ridge(Xs, y, w, p, fit_intercept=True, keep_left=True)
        dense_spec = _decompose_ridge(X, y, w, p, fit_intercept=True, keep_left=True)
        coefs = sparse_spec.ridge_coef(alphas)
        np.testing.assert_allclose(coefs, dense_spec.ridge_coef(alphas), rtol=1e-8, atol=1e-10)
        for j, a in enumerate(alphas):
            if n < d:  # sparse random Z columns can be rank deficient: no unique closed form
                break
            coef, intercept = _closed_form(X, y, a, p, w)
            np.testing.assert_allclose(coefs[j], coef, rtol=1e-8, atol=1e-10)
            np.testing.assert_allclose(
                sparse_spec.intercept(coefs[j]), intercept, rtol=1e-8, atol=1e-10
            )
        np.testing.assert_allclose(
            sparse_spec.loo_residuals(alphas),
            dense_spec.loo_residuals(alphas),
            rtol=1e-7,
            atol=1e-10,
        )


def test_memory_cache_keys_on_the_factors(tmp_path):
    X, y, _ = _data()
    a = RidgeEigen(alpha=5.0, penalty_factor=P_MIXED, memory=str(tmp_path)).fit(X, y)
    b = RidgeEigen(alpha=5.0, penalty_factor=2 * P_MIXED, memory=str(tmp_path)).fit(X, y)
    np.testing.assert_allclose(a.coef_, _closed_form(X, y, 5.0, P_MIXED)[0], rtol=1e-9)
    np.testing.assert_allclose(b.coef_, _closed_form(X, y, 10.0, P_MIXED)[0], rtol=1e-9)


def test_noisy_input_marginalize_refuses_factors_instead_of_mixing_them_up():
    """Input noise adds δN·I to the penalty, not δN·diag(p): no silent closed form."""
    from skreg import NoisyInputRegressor

    X, y, _ = _data()
    noisy = NoisyInputRegressor(RidgeEigen(alpha=1.0, penalty_factor=P_MIXED), method="marginalize")
    with pytest.raises(ValueError, match="no penalty_factor"):
        noisy.fit(X, y)
    augmented = NoisyInputRegressor(
        RidgeEigen(alpha=1.0, penalty_factor=P_MIXED), n_copies=3, noise_std=0.0, random_state=0
    ).fit(X, y)
    # zero noise: three copies of the data, so the penalty is relatively three times weaker
    np.testing.assert_allclose(augmented.coef_, _closed_form(X, y, 1.0 / 3, P_MIXED)[0], rtol=1e-8)


def test_lanczos_solver_with_factors_is_refused_clearly():
    """Merge hook: the exact spectral path implements penalty factors, Lanczos does not."""
    from skreg.linear_model._ridge import _check_solver_for_penalty_factor

    model = RidgeEigen(penalty_factor=P_MIXED)
    model.solver = "lanczos"  # the parameter the sparse work adds
    with pytest.raises(ValueError, match="penalty_factor is not supported with solver='lanczos'"):
        _check_solver_for_penalty_factor(model)
    model.solver = "eigen"
    _check_solver_for_penalty_factor(model)  # fine
