"""SoftThresholdQuadratic on sparse and wide X: held to scikit-learn's Lasso on the same data."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Lasso
from sklearn.pipeline import make_pipeline

from skreg import SoftThresholdQuadratic
from skreg._l1 import make_problem

FORMATS = {
    "csr": sparse.csr_matrix,
    "csc": sparse.csc_matrix,
    "csr_array": sparse.csr_array,
    "csc_array": sparse.csc_array,
}


def sparse_data(n=80, d=30, density=0.25, seed=0):
    rng = np.random.default_rng(seed)
    X = sparse.random(n, d, density=density, random_state=seed, format="csr") * 3.0
    w = np.zeros(d)
    w[: d // 4] = rng.uniform(1.0, 3.0, d // 4) * rng.choice([-1.0, 1.0], d // 4)
    y = X @ w + 0.3 * rng.standard_normal(n) + 2.0
    return X, y


def objective(X, y, coef, intercept, alpha, sample_weight=None):
    r = np.asarray(X @ coef).ravel() + intercept - y
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    return 0.5 * float(np.sum(sw * r**2)) + alpha * float(np.abs(coef).sum())


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("positive", [False, True])
def test_sparse_matches_sklearn_lasso(fmt, fit_intercept, weighted, positive):
    X, y = sparse_data()
    X = FORMATS[fmt](X)
    n = X.shape[0]
    sw = np.random.default_rng(1).uniform(0.2, 3.0, n) if weighted else None
    alpha = 0.03 * n * 3.0
    total = n if sw is None else sw.sum()
    ours = SoftThresholdQuadratic(
        alpha=alpha, tol=1e-12, fit_intercept=fit_intercept, positive=positive
    ).fit(X, y, sample_weight=sw)
    ref = Lasso(
        alpha=alpha / total,
        tol=1e-14,
        max_iter=100_000,
        fit_intercept=fit_intercept,
        positive=positive,
    ).fit(X, y, sample_weight=sw)
    assert 0 < np.count_nonzero(ours.coef_) < X.shape[1]
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-9, atol=1e-9)
    # the same fit as on the dense copy, to rounding
    dense = SoftThresholdQuadratic(
        alpha=alpha, tol=1e-12, fit_intercept=fit_intercept, positive=positive
    ).fit(X.toarray(), y, sample_weight=sw)
    assert_allclose(ours.coef_, dense.coef_, rtol=1e-9, atol=1e-11)
    assert_allclose(ours.predict(X), dense.predict(X.toarray()), rtol=1e-10)
    assert ours.dual_gap_ <= 1e-12 * objective(X, y, 0 * ours.coef_, y.mean(), 0.0, sw) * 2


@pytest.mark.parametrize("fmt", ["csr", "csc_array"])
def test_wide_sparse_uses_no_gram_and_matches_lasso(fmt):
    """n < d: no d×d Gram (working-set blocks only), same solution as Lasso."""
    rng = np.random.default_rng(3)
    n, d = 60, 800
    X = FORMATS[fmt](sparse.random(n, d, density=0.05, random_state=3, format="csr"))
    coef = np.zeros(d)
    coef[rng.choice(d, 10, replace=False)] = rng.uniform(2, 4, 10)
    y = X @ coef + 0.05 * rng.standard_normal(n)
    problem, _ = make_problem(X, y[:, None])
    assert not problem.cached  # gradients by sparse products, blocks of the working set
    for frac in (0.3, 0.05):
        ours = SoftThresholdQuadratic(alpha=frac, tol=1e-12).fit(X, y)
        ref = Lasso(alpha=frac / n, tol=1e-10, max_iter=200_000).fit(X, y)
        f_ours = objective(X, y, ours.coef_, ours.intercept_, frac)
        f_ref = objective(X, y, ref.coef_, ref.intercept_, frac)
        assert f_ours <= f_ref * (1 + 1e-10)
        assert_allclose(ours.coef_, ref.coef_, atol=1e-5)


def test_sparse_path_matches_dense_path():
    X, y = sparse_data(seed=4)
    alphas = np.geomspace(60.0, 0.5, 8)
    ours = SoftThresholdQuadratic(tol=1e-12).fit(X, y)
    dense = SoftThresholdQuadratic(tol=1e-12).fit(X.toarray(), y)
    c1, b1 = ours.path(alphas)
    c2, b2 = dense.path(alphas)
    assert_allclose(c1, c2, rtol=1e-8, atol=1e-10)
    assert_allclose(b1, b2, rtol=1e-10)
    assert ours.alpha_max_ == pytest.approx(dense.alpha_max_, rel=1e-12)


def test_sparse_input_is_never_densified_nor_mutated(monkeypatch):
    """A sparse X whose dense form would take 80 GB fits; toarray/todense are never called."""
    rng = np.random.default_rng(0)
    n, d = 100_000, 100_000
    rows = rng.integers(0, n, 40_000)
    cols = rng.integers(0, 300, 40_000)  # the signal lives in the first 300 columns
    X = sparse.csr_matrix((rng.standard_normal(40_000), (rows, cols)), shape=(n, d))
    y = X[:, :5] @ np.array([3.0, -2.0, 1.0, 4.0, -1.0]) + 0.01 * rng.standard_normal(n)
    X_data, X_indices = X.data.copy(), X.indices.copy()

    for cls in (sparse.csr_matrix, sparse.csc_matrix, sparse.coo_matrix):
        for name in ("toarray", "todense"):
            original = getattr(cls, name)

            def guarded(self, *args, _original=original, **kwargs):
                # small Gram blocks of the working set are dense by design; X is not
                if self.shape[0] * self.shape[1] > 10**7:
                    raise AssertionError("X was densified")
                return _original(self, *args, **kwargs)

            monkeypatch.setattr(cls, name, guarded)
    model = SoftThresholdQuadratic(alpha=20.0).fit(X, y)
    # the columns past 300 are empty: the solution is Lasso's on the first 300
    ref = Lasso(alpha=20.0 / n, tol=1e-10).fit(X[:, :300].tocsc(), y)
    assert np.count_nonzero(model.coef_[300:]) == 0
    assert_allclose(model.coef_[:300], ref.coef_, atol=1e-4)
    assert 5 <= np.count_nonzero(model.coef_) < 100
    assert model.predict(X[:10]).shape == (10,)
    np.testing.assert_array_equal(X.data, X_data)
    np.testing.assert_array_equal(X.indices, X_indices)


def test_partial_fit_on_sparse_chunks_equals_fit():
    X, y = sparse_data(n=120, d=12, density=0.4, seed=5)
    full = SoftThresholdQuadratic(alpha=5.0, tol=1e-12).fit(X.toarray(), y)
    model = SoftThresholdQuadratic(alpha=5.0, tol=1e-12)
    for start in range(0, 120, 40):
        model.partial_fit(X[start : start + 40], y[start : start + 40])
    assert_allclose(model.coef_, full.coef_, rtol=1e-8, atol=1e-10)
    assert_allclose(model.intercept_, full.intercept_, rtol=1e-10)
    # a sparse chunk merges with a dense one
    mixed = SoftThresholdQuadratic(alpha=5.0, tol=1e-12)
    mixed.partial_fit(X[:60].toarray(), y[:60]).partial_fit(X[60:], y[60:])
    assert_allclose(mixed.coef_, full.coef_, rtol=1e-8, atol=1e-10)


def test_tfidf_pipeline_fits_and_predicts():
    rng = np.random.default_rng(0)
    vocab = np.array(["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"])
    docs, y = [], []
    for _ in range(60):
        words = rng.choice(vocab, 6)
        docs.append(" ".join(words))
        y.append(3.0 * np.sum(words == "alpha") - 2.0 * np.sum(words == "beta"))
    y = np.asarray(y)
    pipe = make_pipeline(TfidfVectorizer(), SoftThresholdQuadratic(alpha=0.5)).fit(docs, y)
    pred = pipe.predict(docs)
    assert pred.shape == (60,)
    assert np.corrcoef(pred, y)[0, 1] > 0.9
    Xt = TfidfVectorizer().fit_transform(docs)
    ref = Lasso(alpha=0.5 / 60, tol=1e-10, max_iter=100_000).fit(Xt, y)
    assert_allclose(pred, ref.predict(Xt), atol=1e-2 * np.std(y))


def test_sparse_float32_and_integer_follow_dense_rules():
    X, y = sparse_data(seed=6)
    m32 = SoftThresholdQuadratic(alpha=3.0).fit(X.astype(np.float32), y.astype(np.float32))
    assert m32.coef_.dtype == np.float32
    Xi = sparse.csr_matrix(np.round(X.toarray() * 3).astype(np.int64))
    mi = SoftThresholdQuadratic(alpha=3.0, tol=1e-12).fit(Xi, y)
    md = SoftThresholdQuadratic(alpha=3.0, tol=1e-12).fit(Xi.toarray().astype(float), y)
    assert mi.coef_.dtype == np.float64
    assert_allclose(mi.coef_, md.coef_, rtol=1e-9, atol=1e-11)
