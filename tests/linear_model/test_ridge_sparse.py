"""RidgeEigen / RidgeEigenCV on sparse X: equal to the dense fit, never densified, Lanczos path."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from scipy.linalg import LinAlgWarning
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

import skreg._config
import skreg._data._sparse
from skreg import RidgeEigen, RidgeEigenCV
from skreg.theory import ridge_spectral_solution

FORMATS = {
    "csr": sparse.csr_matrix,
    "csc": sparse.csc_matrix,
    "csr_array": sparse.csr_array,
    "csc_array": sparse.csc_array,
}
SPARSE_CLASSES = (sparse.csr_matrix, sparse.csc_matrix, sparse.csr_array, sparse.csc_array)


def _problem(n, d, n_targets=None, seed=0, density=0.25):
    rng = np.random.default_rng(seed)
    X = sparse.random(n, d, density=density, random_state=seed, format="csr")
    X.data = rng.uniform(0.5, 3.0, X.nnz)  # positive counts-like values: nonzero means
    w_true = rng.standard_normal(d)
    shape = (n,) if n_targets is None else (n, n_targets)
    y = (
        np.asarray(X @ w_true).reshape(n, -1)[:, 0]
        if n_targets is None
        else np.asarray(X @ rng.standard_normal((d, n_targets)))
    )
    return X, y + rng.standard_normal(shape) + 2.0, rng.uniform(0.2, 3.0, n)


def _normal_residual(X, y, sw, coef, alpha):
    """‖X_wᵀ(y_w − X_w w) − αw‖ / ‖X_wᵀy_w‖ computed densely (the documented tol)."""
    Xd = X.toarray() if sparse.issparse(X) else X
    sw = np.ones(len(Xd)) if sw is None else sw
    Xc = (Xd - np.average(Xd, axis=0, weights=sw)) * np.sqrt(sw)[:, None]
    yc = (y - np.average(y, axis=0, weights=sw)) * np.sqrt(sw)
    r = Xc.T @ (yc - Xc @ coef) - alpha * coef
    return np.linalg.norm(r) / np.linalg.norm(Xc.T @ yc)


# ------------------------------------------------------------- exact path vs dense
@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("shape", [(120, 25), (30, 80)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_fit_equals_dense_fit(fmt, shape, weighted, fit_intercept):
    X, y, sw = _problem(*shape)
    sw = sw if weighted else None
    Xs = FORMATS[fmt](X)
    data_before = Xs.data.copy()
    ours = RidgeEigen(alpha=0.3, fit_intercept=fit_intercept).fit(Xs, y, sample_weight=sw)
    dense = RidgeEigen(alpha=0.3, fit_intercept=fit_intercept).fit(X.toarray(), y, sample_weight=sw)
    assert ours.solver_ == "eigen"
    assert_allclose(ours.coef_, dense.coef_, rtol=1e-10, atol=1e-12 * np.abs(dense.coef_).max())
    assert_allclose(ours.intercept_, dense.intercept_, rtol=1e-10)
    assert_allclose(ours.eigenvalues_[:20], dense.eigenvalues_[:20], rtol=1e-10)
    assert_allclose(ours.predict(Xs), dense.predict(X.toarray()), rtol=1e-10)
    assert ours.score(Xs, y, sample_weight=sw) == pytest.approx(
        dense.score(X.toarray(), y, sample_weight=sw), rel=1e-10
    )
    alphas = np.logspace(-2, 2, 5)
    for a, b in zip(ours.path(alphas), dense.path(alphas), strict=False):
        assert_allclose(a, b, rtol=1e-9, atol=1e-11 * np.abs(b).max())
    assert_allclose(Xs.data, data_before)  # input untouched
    assert type(Xs) is FORMATS[fmt]


@pytest.mark.parametrize("shape", [(150, 20), (25, 60)])
def test_sparse_against_sklearn_and_lecture_closed_form(shape):
    X, y, _ = _problem(*shape, seed=3)
    alpha = 0.7
    ours = RidgeEigen(alpha=alpha).fit(X, y)
    ref = Ridge(alpha=alpha, solver="sparse_cg", tol=1e-12, max_iter=10_000).fit(X, y)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-8)
    Xd = X.toarray()
    expected = ridge_spectral_solution(Xd - Xd.mean(0), y - y.mean(), [alpha])[0]
    assert_allclose(ours.coef_, expected, rtol=1e-9, atol=1e-12)


def test_multitarget_sparse_matches_sklearn():
    X, Y, sw = _problem(100, 15, n_targets=3, seed=4)
    ours = RidgeEigen(alpha=2.0).fit(sparse.csc_matrix(X), Y, sample_weight=sw)
    ref = Ridge(alpha=2.0).fit(X.toarray(), Y, sample_weight=sw)
    assert ours.coef_.shape == (3, 15)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-9, atol=1e-11)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-9)


def test_integer_and_float32_sparse_follow_the_dense_dtype_rules():
    X, y, _ = _problem(80, 12, seed=5)
    Xi = X.copy()
    Xi.data = np.round(Xi.data * 3).astype(np.int64)
    ours = RidgeEigen().fit(Xi, y)
    assert ours.coef_.dtype == np.float64
    assert_allclose(ours.coef_, RidgeEigen().fit(Xi.toarray().astype(float), y).coef_, rtol=1e-10)
    X32 = X.astype(np.float32)
    for solver in ("eigen", "lanczos"):
        m32 = RidgeEigen(solver=solver, tol=1e-10).fit(X32, y.astype(np.float32))
        dense32 = RidgeEigen().fit(X32.toarray(), y.astype(np.float32))
        assert m32.coef_.dtype == np.float32 and m32.predict(X32).dtype == np.float32
        assert_allclose(m32.coef_, dense32.coef_, rtol=1e-5, atol=1e-6)


def test_partial_fit_on_sparse_chunks_equals_fit():
    X, y, sw = _problem(90, 10, seed=6)
    stream = RidgeEigen(alpha=0.5)
    for rows in np.array_split(np.arange(90), 3):
        chunk = X[rows] if rows[0] else X[rows].toarray()  # a dense chunk, then sparse ones
        stream.partial_fit(chunk, y[rows], sample_weight=sw[rows])
    full = RidgeEigen(alpha=0.5).fit(X.toarray(), y, sample_weight=sw)
    assert_allclose(stream.coef_, full.coef_, rtol=1e-10)
    assert stream.intercept_ == pytest.approx(full.intercept_, rel=1e-10)
    only_sparse = RidgeEigen(alpha=0.5)
    for rows in np.array_split(np.arange(90), 4):
        only_sparse.partial_fit(sparse.csc_matrix(X[rows]), y[rows], sample_weight=sw[rows])
    assert_allclose(only_sparse.coef_, full.coef_, rtol=1e-10)


def test_memory_cache_keys_sparse_data(tmp_path):
    X, y, _ = _problem(60, 8, seed=7)
    first = RidgeEigen(memory=str(tmp_path)).fit(X, y)
    again = RidgeEigen(memory=str(tmp_path), alpha=2.0).fit(X, y)
    assert_allclose(again.coef_, RidgeEigen(alpha=2.0).fit(X, y).coef_, rtol=1e-12)
    changed = X.copy()
    changed.data[0] += 1.0
    other = RidgeEigen(memory=str(tmp_path)).fit(changed, y)
    assert not np.allclose(other.coef_, first.coef_)
    assert_allclose(other.coef_, RidgeEigen().fit(changed.toarray(), y).coef_, rtol=1e-10)


# ---------------------------------------------------------------- never densified
@pytest.fixture
def no_densify(monkeypatch):
    """Make densifying a matrix of the given shape raise, for every sparse class."""
    shapes = set()

    def guard(method):
        def wrapped(self, *args, **kwargs):
            if self.shape in shapes:
                raise AssertionError(f"X of shape {self.shape} was densified")
            return method(self, *args, **kwargs)

        return wrapped

    for cls in SPARSE_CLASSES:
        for name in ("toarray", "todense"):
            monkeypatch.setattr(cls, name, guard(getattr(cls, name)))
    return shapes


@pytest.mark.parametrize("solver", ["eigen", "lanczos"])
@pytest.mark.parametrize("shape", [(70, 20), (20, 70)])
def test_fit_predict_never_densify_X(no_densify, solver, shape):
    X, y, sw = _problem(*shape, seed=8)
    expected = RidgeEigen(solver="eigen").fit(X.toarray(), y, sample_weight=sw).predict(X.toarray())
    no_densify.add(X.shape)
    ours = RidgeEigen(solver=solver, tol=1e-10).fit(X, y, sample_weight=sw)
    assert_allclose(ours.predict(X), expected, rtol=1e-7)
    RidgeEigenCV(alphas=[0.1, 1.0]).fit(X, y, sample_weight=sw)
    RidgeEigenCV(alphas=[0.1, 1.0], cv=2).fit(X, y, sample_weight=sw)
    if shape[0] > shape[1]:  # (the d×d statistics of a wide X are singular: a warning)
        RidgeEigen().partial_fit(X, y)
    with pytest.raises(AssertionError, match="densified"):
        X.toarray()  # the guard is live


def test_huge_sparse_X_fits_by_lanczos():
    """X of shape (10⁶, 10⁵) with 3,000 nonzeros: its dense form would need 800 GB."""
    rng = np.random.default_rng(9)
    n, d, nnz = 10**6, 10**5, 3000
    X = sparse.csr_matrix(
        (rng.uniform(1, 2, nnz), (rng.integers(0, n, nnz), rng.integers(0, d, nnz))), shape=(n, d)
    )
    y = np.asarray(X @ rng.standard_normal(d)) + 0.01 * rng.standard_normal(n)
    model = RidgeEigen(alpha=1.0).fit(X, y)  # 'auto': the 10⁵ × 10⁵ Gram is over budget
    assert model.solver_ == "lanczos"
    assert model.coef_.shape == (d,)
    # the normal equations at α hold to tol, checked through sparse products only
    xm = np.asarray(X.mean(axis=0)).ravel()
    yc = y - y.mean()
    w = model.coef_
    fitted = X @ w - xm @ w
    grad = X.T @ (yc - fitted) - xm * (yc - fitted).sum() - 1.0 * w
    rhs = X.T @ yc - xm * yc.sum()
    assert np.linalg.norm(grad) <= 1.01e-6 * np.linalg.norm(rhs)
    assert model.predict(X[:5]).shape == (5,)


# ------------------------------------------------------------------- pipelines
def test_pipeline_one_hot_encoder():
    rng = np.random.default_rng(10)
    cats = np.column_stack([rng.choice(list("abcdefg"), 300), rng.choice(list("xyz"), 300)])
    y = (cats[:, 0] == "a") * 2.0 + (cats[:, 1] == "z") + 0.1 * rng.standard_normal(300)
    pipe = make_pipeline(OneHotEncoder(), RidgeEigen(alpha=1.0)).fit(cats, y)
    assert sparse.issparse(OneHotEncoder().fit_transform(cats))
    ref = make_pipeline(OneHotEncoder(sparse_output=False), Ridge(alpha=1.0)).fit(cats, y)
    assert_allclose(pipe.predict(cats), ref.predict(cats), rtol=1e-10)
    assert pipe.score(cats, y) > 0.9


def test_pipeline_tfidf_vectorizer():
    rng = np.random.default_rng(11)
    vocab = [f"w{i}" for i in range(400)]
    p = 1.0 / np.arange(1, 401) ** 1.1
    docs = [" ".join(rng.choice(vocab, 20, p=p / p.sum())) for _ in range(150)]
    y = np.array([doc.count("w3 ") + doc.count("w7 ") for doc in docs], dtype=float)
    pipe = make_pipeline(TfidfVectorizer(), RidgeEigen(alpha=0.5)).fit(docs, y)
    Xt = TfidfVectorizer().fit_transform(docs)
    assert Xt.shape[0] < Xt.shape[1]  # wide: the kernel side
    ref = Ridge(alpha=0.5).fit(Xt.toarray(), y)
    assert_allclose(pipe.predict(docs), ref.predict(Xt.toarray()), rtol=1e-9, atol=1e-10)
    lanczos = make_pipeline(TfidfVectorizer(), RidgeEigen(alpha=0.5, solver="lanczos")).fit(docs, y)
    assert_allclose(lanczos.predict(docs), ref.predict(Xt.toarray()), rtol=1e-4, atol=1e-5)


# -------------------------------------------------------------------- lanczos
@pytest.mark.parametrize("shape", [(200, 40), (40, 200)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lanczos_path_within_tol_of_eigen(shape, weighted, fit_intercept):
    X, y, sw = _problem(*shape, seed=12)
    sw = sw if weighted else None
    alphas = np.logspace(-1, 3, 30)
    lan = RidgeEigen(alpha=alphas[0], solver="lanczos", fit_intercept=fit_intercept).fit(X, y, sw)
    ex = RidgeEigen(alpha=alphas[0], solver="eigen", fit_intercept=fit_intercept).fit(X, y, sw)
    assert lan.solver_ == "lanczos" and 1 <= lan.n_iter_ <= min(shape)
    assert lan.eigenvalues_.shape == (lan.n_iter_,) and lan.eigenvectors_.shape == (
        shape[1],
        lan.n_iter_,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # every α ≥ fit α is served
        coefs, intercepts = lan.path(alphas)
    coefs_ex, intercepts_ex = ex.path(alphas)
    for a, c in zip(alphas, coefs, strict=False):
        assert (
            _normal_residual(X, y, sw if fit_intercept else None, c, a) <= 1e-6 or not fit_intercept
        )
    if not fit_intercept:  # residual in the uncentred problem
        Xd = X.toarray() * (1.0 if sw is None else np.sqrt(sw)[:, None])
        yd = y * (1.0 if sw is None else np.sqrt(sw))
        for a, c in zip(alphas, coefs, strict=False):
            r = Xd.T @ (yd - Xd @ c) - a * c
            assert np.linalg.norm(r) <= 1e-6 * np.linalg.norm(Xd.T @ yd)
    scale = np.abs(coefs_ex).max()
    assert_allclose(coefs, coefs_ex, atol=1e-4 * scale)
    assert_allclose(intercepts, intercepts_ex, atol=1e-4 * np.abs(intercepts_ex).max())


def test_lanczos_ritz_attributes_approximate_the_spectrum():
    X, y, _ = _problem(300, 60, seed=13)
    lan = RidgeEigen(alpha=1.0, solver="lanczos", tol=1e-10).fit(X, y)
    ex = RidgeEigen(alpha=1.0).fit(X, y)
    k = lan.n_iter_
    theta, lam = lan.eigenvalues_, ex.eigenvalues_
    assert np.all(np.diff(theta) <= 0)
    assert np.all(theta <= lam[:k] * (1 + 1e-10))  # Cauchy interlacing
    assert theta[0] == pytest.approx(lam[0], rel=1e-10)  # extreme Ritz values converge first
    V = lan.eigenvectors_
    assert_allclose(V.T @ V, np.eye(k), atol=1e-10)
    assert_allclose(lan.shrinkage_, theta / (theta + 1.0))
    assert lan.effective_dof_ == pytest.approx(np.sum(theta / (theta + 1.0)))
    assert lan.effective_dof_ <= ex.effective_dof_
    # the lecture's formula in the Krylov space: ŵ = Σ βᵢ/(θᵢ+α) ũᵢ with βᵢ = ũᵢᵀXᵀy
    Xd = X.toarray()
    Xc, yc = Xd - Xd.mean(0), y - y.mean()
    beta = V.T @ (Xc.T @ yc)
    assert_allclose(lan.coef_, V @ (beta / (theta + 1.0)), rtol=1e-8, atol=1e-12)
    assert_allclose(lan.coef_, ex.coef_, rtol=1e-8)


def test_lanczos_multitarget_and_dense_input():
    X, Y, sw = _problem(150, 30, n_targets=2, seed=14)
    lan = RidgeEigen(alpha=0.5, solver="lanczos").fit(X.toarray(), Y, sample_weight=sw)
    ex = RidgeEigen(alpha=0.5).fit(X, Y, sample_weight=sw)
    assert lan.n_iter_.shape == (2,) and lan.coef_.shape == (2, 30)
    for t in range(2):
        assert _normal_residual(X, Y[:, t], sw, lan.coef_[t], 0.5) <= 1e-6
    assert_allclose(lan.coef_, ex.coef_, atol=1e-4 * np.abs(ex.coef_).max())


def test_lanczos_warns_outside_its_krylov_space_and_at_max_iter():
    X, y, _ = _problem(200, 50, seed=15)
    lan = RidgeEigen(alpha=100.0, solver="lanczos").fit(X, y)
    with pytest.warns(ConvergenceWarning, match="alpha >= 100"):
        lan.path([1e-3, 100.0])
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        capped = RidgeEigen(alpha=1e-3, solver="lanczos", max_iter=3).fit(X, y)
    assert capped.n_iter_ == 3


def test_auto_solver_follows_the_memory_budget(monkeypatch):
    X, y, _ = _problem(60, 30, seed=16)
    assert RidgeEigen().fit(X, y).solver_ == "eigen"
    # sparse X: the exact path also needs min(n, d) <= skreg.get_config()["exact_max_side_sparse"]
    # (its n³ time)
    with monkeypatch.context() as patch:
        patch.setitem(skreg._config._CONFIG, "exact_max_side_sparse", 29)
        assert RidgeEigen().fit(X, y).solver_ == "lanczos"
        assert RidgeEigen().fit(X.toarray(), y).solver_ == "eigen"
        assert RidgeEigen(solver="eigen").fit(X, y).solver_ == "eigen"
    monkeypatch.setitem(skreg._config._CONFIG, "memory_budget", 8 * 29 * 29)
    model = RidgeEigen().fit(X, y)
    assert model.solver_ == "lanczos"
    exact = RidgeEigen(solver="eigen").fit(X, y).coef_
    assert_allclose(model.coef_, exact, atol=1e-5 * np.abs(exact).max())


def test_ill_conditioned_sparse_X_warns():
    rng = np.random.default_rng(17)
    base = sparse.random(200, 5, density=0.5, random_state=17, format="csc")
    tiny = base[:, :1] + 3e-6 * sparse.random(200, 1, density=0.5, random_state=18, format="csc")
    X = sparse.hstack([base, tiny], format="csc")  # cond(X) ~ 1e6: squared, beyond 1e10
    with pytest.warns(LinAlgWarning, match="no SVD fallback"):
        RidgeEigen(alpha=0.0).fit(X, rng.standard_normal(200))


# ----------------------------------------------------------------- RidgeEigenCV
@pytest.mark.parametrize("fmt", ["csr", "csc_array"])
@pytest.mark.parametrize("shape", [(100, 20), (25, 60)])
@pytest.mark.parametrize("weighted", [False, True])
def test_cv_leave_one_out_sparse_equals_dense(fmt, shape, weighted):
    X, y, sw = _problem(*shape, seed=19)
    sw = sw if weighted else None
    alphas = np.logspace(-3, 3, 13)
    ours = RidgeEigenCV(alphas=alphas, store_cv_results=True).fit(FORMATS[fmt](X), y, sw)
    dense = RidgeEigenCV(alphas=alphas, store_cv_results=True).fit(X.toarray(), y, sw)
    assert ours.alpha_ == dense.alpha_
    assert ours.best_score_ == pytest.approx(dense.best_score_, rel=1e-10)
    assert_allclose(ours.cv_results_, dense.cv_results_, rtol=1e-8, atol=1e-10)
    assert_allclose(ours.coef_, dense.coef_, rtol=1e-10, atol=1e-12)


def test_cv_kfold_sparse_equals_dense_and_lanczos_beyond_budget(monkeypatch):
    X, y, _ = _problem(120, 40, seed=20)
    alphas = np.logspace(-1, 2, 7)
    dense = RidgeEigenCV(alphas=alphas, cv=3).fit(X.toarray(), y)
    exact = RidgeEigenCV(alphas=alphas, cv=3).fit(X, y)
    assert exact.alpha_ == dense.alpha_
    assert exact.best_score_ == pytest.approx(dense.best_score_, rel=1e-10)
    monkeypatch.setitem(skreg._config._CONFIG, "memory_budget", 8 * 30 * 30)
    with pytest.raises(ValueError, match="cv=K"):
        RidgeEigenCV(alphas=alphas).fit(X, y)
    krylov = RidgeEigenCV(alphas=alphas, cv=3).fit(X, y)  # one Lanczos path per fold
    assert krylov.alpha_ == dense.alpha_
    assert krylov.best_score_ == pytest.approx(dense.best_score_, rel=1e-6)
    assert _normal_residual(X, y, None, krylov.coef_, krylov.alpha_) <= 1e-6


def test_cv_multitarget_kfold_on_sparse():
    X, Y, _ = _problem(90, 12, n_targets=2, seed=21)
    ours = RidgeEigenCV(alphas=[0.1, 1.0, 10.0], cv=3).fit(sparse.csr_matrix(X), Y)
    dense = RidgeEigenCV(alphas=[0.1, 1.0, 10.0], cv=3).fit(X.toarray(), Y)
    assert ours.alpha_ == dense.alpha_
    assert ours.best_score_ == pytest.approx(dense.best_score_, rel=1e-10)


@pytest.mark.parametrize("scale", [1e150, 1e-150])
@pytest.mark.parametrize("solver", ["eigen", "lanczos"])
def test_extreme_magnitudes_sparse(scale, solver):
    """|x| ~ 1e±150 would over/underflow in the squared matrix: decomposed as X/c."""
    X, y, _ = _problem(50, 8, seed=22)
    alpha = 0.1 * scale**2
    ours = RidgeEigen(alpha=alpha, solver=solver, tol=1e-10).fit(X * scale, y)
    dense = RidgeEigen(alpha=alpha).fit(X.toarray() * scale, y)
    assert np.all(np.isfinite(ours.coef_))
    assert_allclose(ours.coef_, dense.coef_, rtol=1e-8, atol=1e-12 * np.abs(dense.coef_).max())
    assert ours.intercept_ == pytest.approx(dense.intercept_, rel=1e-10)
