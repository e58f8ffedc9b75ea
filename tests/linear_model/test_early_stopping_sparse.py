"""EarlyStoppedGD on sparse and on wide data: the same numbers as the dense fit, an
explicit gradient-descent loop and skreg.theory, without densifying X and without the
d×d validation Gram matrix."""

import tracemalloc
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

import skreg._config
import skreg._data._sparse
from skreg import EarlyStoppedGD
from skreg._data._sparse import CenteredDesign
from skreg.linear_model._trainers import _design_lambda_max
from skreg.theory import early_stopping_equivalent_alpha

FORMATS = [sparse.csr_matrix, sparse.csc_matrix, sparse.csr_array, sparse.csc_array]


def _sparse_data(n, d, seed=0, density=0.3, noise=0.5):
    rng = np.random.RandomState(seed)
    Xs = sparse.random(
        n,
        d,
        density=density,
        random_state=rng,
        format="csr",
        data_rvs=lambda k: rng.uniform(0.5, 2.0, k),
    )
    y = Xs @ rng.randn(d) + 1.0 + noise * rng.randn(n)
    return Xs, y, rng.uniform(0.5, 2.0, n)


def _dense(A):
    """A dense copy made by hand (toarray may be patched to raise)."""
    coo = sparse.coo_matrix(A)
    out = np.zeros(A.shape)
    out[coo.row, coo.col] = coo.data
    return out


@pytest.fixture
def no_densify(monkeypatch):
    """Make densifying any sparse matrix or array shaped like data rows raise.

    Rows × features with rows ≠ features: the inputs and their row subsets.  The small
    dense products the spectral solver forms on purpose (the d×d Gram, the n×n kernel,
    square) stay allowed.
    """
    original = {cls: (cls.toarray, cls.todense) for cls in FORMATS}

    def guarded(cls, which):
        def method(self, *args, **kwargs):
            if self.shape[0] != self.shape[1]:
                raise AssertionError(f"a sparse {self.shape} input was densified")
            return original[cls][which](self, *args, **kwargs)

        return method

    def enable():
        for cls in FORMATS:
            monkeypatch.setattr(cls, "toarray", guarded(cls, 0))
            monkeypatch.setattr(cls, "todense", guarded(cls, 1))

    return enable


def _fit(X, y, w=None, **kwargs):
    # min_delta: the validation curves of the dense and the sparse fit agree to ~1e-16,
    # so on a flat stretch their argmin could differ by a step; a tiny threshold makes
    # the stopping step a property of the curve, not of its last bit
    params = dict(max_iter=200, patience=5, min_delta=1e-9, random_state=1)
    params.update(kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return EarlyStoppedGD(**params).fit(X, y, sample_weight=w)


# ------------------------------------------------------------------ sparse vs dense
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("shape", [(70, 12), (30, 80)])  # Gram side, kernel side
@pytest.mark.parametrize("solver", ["spectral", "iterative"])
def test_sparse_fit_equals_dense_fit(fmt, shape, solver, no_densify):
    Xs, y, w = _sparse_data(*shape)
    X_dense = _dense(Xs)
    no_densify()
    # every strategy, with and without weights, on CSR; the other formats on one
    cases = [(s, ws) for s in ["best", "retrain", "continue", None] for ws in [None, w]]
    for strategy, weights in cases if fmt is sparse.csr_matrix else [("retrain", w)]:
        dense = _fit(X_dense, y, weights, strategy=strategy, solver=solver, alpha=0.3)
        sp = _fit(fmt(Xs), y, weights, strategy=strategy, solver=solver, alpha=0.3)
        assert sp.best_iter_ == dense.best_iter_ and sp.n_iter_ == dense.n_iter_
        assert_allclose(sp.coef_, dense.coef_, rtol=1e-10, atol=1e-12 * abs(dense.coef_).max())
        assert_allclose(sp.intercept_, dense.intercept_, rtol=1e-10)
        assert_allclose(
            sp.history_frame()["val_loss"], dense.history_frame()["val_loss"], rtol=1e-10
        )
        assert_allclose(
            sp.eigenvalues_, dense.eigenvalues_, rtol=1e-10, atol=1e-12 * dense.eigenvalues_[0]
        )
        assert_allclose(sp.predict(fmt(Xs)), dense.predict(X_dense), rtol=1e-10)


@pytest.mark.parametrize("shape", [(60, 10), (25, 70)])
def test_sparse_spectral_and_iterative_solvers_agree(shape):
    Xs, y, w = _sparse_data(*shape, seed=2)
    spec = _fit(Xs, y, w, solver="spectral", strategy="retrain")
    it = _fit(Xs, y, w, solver="iterative", strategy="retrain")
    assert spec.best_iter_ == it.best_iter_
    assert_allclose(spec.coef_, it.coef_, rtol=1e-9, atol=1e-11)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sparse_explicit_validation_set_and_mixed_formats(no_densify):
    Xs, y, _ = _sparse_data(60, 15, seed=3)
    X_tr, X_val, y_tr, y_val = Xs[:45], Xs[45:], y[:45], y[45:]
    D_tr, D_val = _dense(X_tr), _dense(X_val)
    no_densify()
    for strategy in ["best", "retrain", "continue"]:
        ref = EarlyStoppedGD(strategy=strategy, min_delta=1e-9, max_iter=400, patience=5).fit(
            D_tr, y_tr, X_val=D_val, y_val=y_val
        )
        for A, B in [(X_tr, X_val), (X_tr, D_val), (D_tr, sparse.csc_array(X_val))]:
            est = EarlyStoppedGD(strategy=strategy, min_delta=1e-9, max_iter=400, patience=5).fit(
                A, y_tr, X_val=B, y_val=y_val
            )
            assert est.best_iter_ == ref.best_iter_
            assert_allclose(est.coef_, ref.coef_, rtol=1e-10, atol=1e-13)
            assert_allclose(
                est.history_frame()["val_loss"], ref.history_frame()["val_loss"], rtol=1e-10
            )


def test_sparse_gd_matches_an_explicit_loop_and_theory():
    """strategy=None on sparse X: τ plain GD steps on the centred dense copy (written
    here), and the equivalent ridge strength of skreg.theory for α = 0."""
    Xs, y, _ = _sparse_data(50, 8, seed=4)
    X = Xs.toarray()
    Xc, yc = X - X.mean(0), y - y.mean()
    tau, n = 37, X.shape[0]
    est = EarlyStoppedGD(strategy=None, max_iter=tau).fit(Xs, y)
    lam = np.linalg.eigvalsh(Xc.T @ Xc)[::-1]
    assert_allclose(est.learning_rate_, n / lam[0], rtol=1e-12)  # 'auto' = 1/λ_max(mean)
    w = np.zeros(X.shape[1])
    for _ in range(tau):
        w -= est.learning_rate_ * Xc.T @ (Xc @ w - yc) / n
    assert_allclose(est.coef_, w, rtol=1e-10, atol=1e-13)
    assert_allclose(est.intercept_, y.mean() - X.mean(0) @ w, rtol=1e-10)
    ref = early_stopping_equivalent_alpha(lam, est.learning_rate_ / n, tau)
    assert_allclose(est.equivalent_alpha_, ref, rtol=1e-8)


def test_float32_and_integer_sparse_follow_the_dense_dtype_rules():
    Xs, y, _ = _sparse_data(40, 6, seed=5)
    est32 = _fit(Xs.astype(np.float32), y)
    assert est32.coef_.dtype == np.float32
    ref = _fit(Xs.astype(np.float32).toarray(), y)
    assert_allclose(est32.coef_, ref.coef_, rtol=1e-6)
    ints = sparse.csr_matrix((np.arange(1, Xs.nnz + 1) % 4 + 1, Xs.indices, Xs.indptr), Xs.shape)
    est_int = _fit(ints, y)
    assert est_int.coef_.dtype == np.float64
    assert_allclose(est_int.coef_, _fit(ints.toarray().astype(float), y).coef_, rtol=1e-10)


def test_inputs_untouched():
    Xs, y, w = _sparse_data(40, 6, seed=6)
    X0, y0, w0 = Xs.copy(), y.copy(), w.copy()
    _fit(Xs, y, w, solver="iterative")
    _fit(Xs, y, w, solver="spectral", strategy="continue")
    assert (Xs != X0).nnz == 0 and np.array_equal(y, y0) and np.array_equal(w, w0)


# ------------------------------------------------------------------ memory budget
def test_beyond_the_budget_the_iterative_solver_runs(monkeypatch, no_densify):
    Xs, y, _ = _sparse_data(60, 10, seed=7)
    no_densify()
    inside = _fit(Xs, y, solver="auto", strategy="retrain")
    assert hasattr(inside, "eigenvalues_")
    iterative = _fit(Xs, y, solver="iterative", strategy="retrain")
    monkeypatch.setitem(skreg._config._CONFIG, "memory_budget", 8 * 9**2)  # below 10×10
    beyond = _fit(Xs, y, solver="auto", strategy="retrain")
    assert not hasattr(beyond, "eigenvalues_")  # no decomposition was made
    assert_allclose(beyond.coef_, iterative.coef_, rtol=1e-12)
    assert_allclose(beyond.coef_, inside.coef_, rtol=1e-9, atol=1e-11)
    with pytest.raises(ValueError, match="solver='iterative'"):
        EarlyStoppedGD(solver="spectral").fit(Xs, y)


def test_large_sparse_side_takes_the_iterative_solver_by_default(monkeypatch, no_densify):
    # the same rule as RidgeEigen's solver='auto': a sparse X with min(n, d) above
    # skreg.get_config()["exact_max_side_sparse"] is not decomposed (its eigensolver would cost
    # min(n, d)³)
    Xs, y, _ = _sparse_data(60, 10, seed=8)
    no_densify()
    exact = _fit(Xs, y, solver="auto", strategy="retrain")
    monkeypatch.setitem(skreg._config._CONFIG, "exact_max_side_sparse", 9)
    auto = _fit(Xs, y, solver="auto", strategy="retrain")
    assert hasattr(exact, "eigenvalues_") and not hasattr(auto, "eigenvalues_")
    assert_allclose(auto.coef_, exact.coef_, rtol=1e-9, atol=1e-11)
    spectral = _fit(Xs, y, solver="spectral", strategy="retrain")  # still allowed when asked
    assert hasattr(spectral, "eigenvalues_")
    assert_allclose(spectral.coef_, exact.coef_, rtol=1e-12)


def test_lambda_max_of_a_large_design_by_lanczos():
    """min(n, d) > 2000: λ₁ by eigsh on X_wᵀX_w, against a known spectrum."""
    s = np.linspace(0.1, 3.0, 2500)
    design = CenteredDesign(sparse.diags(s, format="csr"), np.zeros(2500))
    assert_allclose(_design_lambda_max(design), 9.0, rtol=1e-10)


def test_minibatch_sgd_on_sparse_equals_dense():
    Xs, y, w = _sparse_data(60, 8, seed=8)
    kw = dict(solver="iterative", batch_size=16, momentum=0.5, learning_rate=0.05)
    sp = _fit(Xs, y, w, **kw)
    dense = _fit(Xs.toarray(), y, w, **kw)
    assert sp.best_iter_ == dense.best_iter_
    assert_allclose(sp.coef_, dense.coef_, rtol=1e-10, atol=1e-13)


# ------------------------------------------------------------------ pipelines
def test_pipeline_one_hot_encoder(no_densify):
    rng = np.random.RandomState(9)
    cats = rng.randint(0, 12, size=(120, 3))
    y = (cats == 3).sum(1) * 2.0 + cats[:, 0] * 0.1 + rng.randn(120) * 0.1
    sparse_pipe = make_pipeline(OneHotEncoder(), EarlyStoppedGD(random_state=0, min_delta=1e-9))
    dense_pipe = make_pipeline(
        OneHotEncoder(sparse_output=False), EarlyStoppedGD(random_state=0, min_delta=1e-9)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense_pipe.fit(cats, y)
        expected = dense_pipe.predict(cats)
        no_densify()
        sparse_pipe.fit(cats, y)
    assert_allclose(sparse_pipe.predict(cats), expected, rtol=1e-9)
    assert sparse_pipe.score(cats, y) > 0.9


# ------------------------------------------------------------------ wide dense data
def test_wide_data_never_forms_the_validation_gram():
    """d = 4000, n = 60: X is 1.9 MB, a d×d matrix would be 128 MB."""
    rng = np.random.RandomState(10)
    X = rng.randn(60, 4000)
    y = X[:, :5] @ rng.randn(5) + 0.1 * rng.randn(60)
    tracemalloc.start()
    try:
        est = _fit(X, y, strategy="continue")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32e6, peak / 1e6
    assert est.best_iter_ >= 1


def test_wide_data_equals_an_explicit_loop():
    """n < d with an explicit validation set: Algorithm 7.1 by hand on the centred data."""
    rng = np.random.RandomState(11)
    X, X_val = rng.randn(30, 500) + 1.0, rng.randn(40, 500) + 1.0
    w_true = rng.randn(500) * (rng.rand(500) < 0.05)
    y, y_val = X @ w_true + rng.randn(30), X_val @ w_true + rng.randn(40)
    est = EarlyStoppedGD(patience=4, max_iter=300).fit(X, y, X_val=X_val, y_val=y_val)
    xm, ym = X.mean(0), y.mean()
    Xc, yc, lr, n = X - xm, y - ym, est.learning_rate_, X.shape[0]
    w, best, v, j, i = np.zeros(500), None, np.inf, 0, 0
    while j < 4 and i < 300:
        w = w - lr * Xc.T @ (Xc @ w - yc) / n
        i += 1
        loss = 0.5 * np.mean((X_val @ w + ym - xm @ w - y_val) ** 2)
        if loss < v:
            v, best, j = loss, (i, w.copy()), 0
        else:
            j += 1
    assert est.best_iter_ == best[0] and est.n_iter_ == i
    assert_allclose(est.coef_, best[1], rtol=1e-9, atol=1e-12)
