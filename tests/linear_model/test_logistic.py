"""PenalizedLogisticRegression against scikit-learn's LogisticRegression(C=1/alpha)."""

import tracemalloc

import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from skreg import PenalizedLogisticRegression
from skreg._logistic_core import CrossEntropy, penalty_value
from skreg._logistic_solvers import kkt_violation


def _data(n_classes, n=240, d=7, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    centres = rng.standard_normal((n_classes, d))
    X = rng.standard_normal((n, d)) + 0.8 * centres[y]
    return X, y


def _objective(model, X, y, alpha, l1_ratio, sw=None, factor=None):
    """The skreg objective of any fitted LogisticRegression-like model, computed here."""
    P = np.clip(model.predict_proba(X), 1e-300, None)
    idx = np.searchsorted(model.classes_, y)
    sw = np.ones(len(y)) if sw is None else sw
    loss = -float(sw @ np.log(P[np.arange(len(y)), idx]))
    W = np.asarray(model.coef_)
    f = np.ones(W.shape[1]) if factor is None else factor
    return loss + alpha * (
        l1_ratio * float(np.abs(W).sum(0) @ f) + 0.5 * (1 - l1_ratio) * float((W * W).sum(0) @ f)
    )


def _reference(alpha, l1_ratio, X, y, **kw):
    solver = "saga" if l1_ratio > 0 else "lbfgs"
    Xd = X.toarray() if sparse.issparse(X) else X
    return LogisticRegression(
        C=1 / alpha, l1_ratio=l1_ratio, solver=solver, tol=1e-12, max_iter=200_000, **kw
    ).fit(Xd, y)


def _centred(W):
    return W - W.mean(axis=0) if W.shape[0] > 1 else W


@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_same_solution_as_sklearn(n_classes, l1_ratio, fmt):
    X, y = _data(n_classes)
    Xf = sparse.csr_matrix(X) if fmt == "csr" else X
    alpha = 4.0
    model = PenalizedLogisticRegression(
        alpha=alpha, l1_ratio=l1_ratio, tol=1e-10, max_iter=2000
    ).fit(Xf, y)
    ref = _reference(alpha, l1_ratio, X, y)
    scale = np.abs(ref.coef_).max()
    assert np.abs(_centred(model.coef_) - _centred(ref.coef_)).max() <= 1e-5 * scale
    assert np.allclose(model.predict_proba(Xf), ref.predict_proba(X), atol=1e-6)
    ours, theirs = _objective(model, X, y, alpha, l1_ratio), _objective(ref, X, y, alpha, l1_ratio)
    assert ours <= theirs * (1 + 1e-8)
    assert model.coef_.shape == ((1 if n_classes == 2 else n_classes), X.shape[1])


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
def test_sample_and_class_weight(n_classes, l1_ratio):
    X, y = _data(n_classes, seed=1)
    rng = np.random.default_rng(3)
    sw = rng.uniform(0.2, 3.0, len(y))
    cw = {0: 2.0, 1: 0.5} if n_classes == 2 else "balanced"
    alpha = 2.0
    model = PenalizedLogisticRegression(
        alpha=alpha, l1_ratio=l1_ratio, class_weight=cw, tol=1e-10, max_iter=2000
    ).fit(X, y, sample_weight=sw)
    solver = "saga" if l1_ratio else "lbfgs"
    ref = LogisticRegression(
        C=1 / alpha, l1_ratio=l1_ratio, class_weight=cw, solver=solver, tol=1e-12, max_iter=200_000
    ).fit(X, y, sample_weight=sw)
    assert np.allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert (
        np.abs(_centred(model.coef_) - _centred(ref.coef_)).max() <= 1e-5 * np.abs(ref.coef_).max()
    )


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "prox-newton"])
def test_l2_solvers_agree(solver):
    X, y = _data(3, seed=2)
    ref = PenalizedLogisticRegression(alpha=1.0, solver="lbfgs", tol=1e-10, max_iter=1000).fit(X, y)
    model = PenalizedLogisticRegression(alpha=1.0, solver=solver, tol=1e-9, max_iter=1000).fit(X, y)
    assert np.allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("n_classes, l1_ratio", [(2, 0.5), (3, 1.0), (3, 0.3)])
def test_kkt_conditions_hold(n_classes, l1_ratio):
    X, y = _data(n_classes, seed=4)
    factor = np.array([0.0, 1, 1, 2, 0.5, 1, 1])
    alpha = 6.0
    model = PenalizedLogisticRegression(
        alpha=alpha, l1_ratio=l1_ratio, penalty_factor=factor, tol=1e-9, max_iter=2000
    ).fit(X, y)
    Y = np.eye(n_classes)[y][:, 1:] if n_classes == 2 else np.eye(n_classes)[y]
    fit = CrossEntropy(X, Y, np.ones(len(y)))
    W, b = model.coef_, model.intercept_
    gW, gb = fit.gradient(fit.proba(fit.linear(W, b)))
    assert kkt_violation(gW, gb, W, alpha, l1_ratio, factor) <= 1e-8 * len(y)
    # written out: a zero coefficient has |∂| ≤ αρf, an unpenalized one ∂ = 0
    smooth = gW + alpha * (1 - l1_ratio) * factor * W
    zero = W == 0
    assert np.all(
        np.abs(smooth[zero]) <= (alpha * l1_ratio * np.broadcast_to(factor, W.shape))[zero] + 1e-6
    )
    assert np.abs(smooth[:, 0]).max() <= 1e-6
    assert penalty_value(W, alpha, l1_ratio, factor) > 0


def test_path_equals_fresh_fits():
    X, y = _data(2, seed=5)
    model = PenalizedLogisticRegression(alpha=1.0, l1_ratio=1.0, tol=1e-10).fit(X, y)
    alphas = [30.0, 3.0, 0.3]
    coefs, intercepts = model.path(alphas)
    assert coefs.shape == (3, 1, X.shape[1]) and intercepts.shape == (3, 1)
    for a, c, b in zip(alphas, coefs, intercepts, strict=False):
        fresh = PenalizedLogisticRegression(alpha=a, l1_ratio=1.0, tol=1e-10).fit(X, y)
        assert np.allclose(c, fresh.coef_, atol=1e-7) and np.allclose(
            b, fresh.intercept_, atol=1e-7
        )
    default_coefs, _ = model.path()
    assert default_coefs.shape == (100, 1, X.shape[1])
    assert np.count_nonzero(default_coefs[0]) == 0 and np.count_nonzero(default_coefs[1]) > 0


def test_labels_dtype_and_attributes():
    X, y = _data(3, seed=6)
    labels = np.array(["a", "b", "c"])[y]
    model = PenalizedLogisticRegression(alpha=0.5).fit(X.astype(np.float32), labels)
    assert model.coef_.dtype == np.float32 and model.intercept_.dtype == np.float32
    assert list(model.classes_) == ["a", "b", "c"]
    assert set(model.predict(X)) <= {"a", "b", "c"}
    assert np.allclose(np.exp(model.predict_log_proba(X)), model.predict_proba(X))
    assert abs(model.intercept_.sum()) < 1e-5  # centred intercepts
    assert np.allclose(model.coef_.sum(axis=0), 0, atol=1e-5)  # L2: symmetric solution
    binary = PenalizedLogisticRegression().fit(X, y == 1)
    assert binary.decision_function(X).shape == (len(y),)
    assert list(binary.classes_) == [False, True]


def test_effective_dof_is_trace_of_hat_matrix():
    X, y = _data(2, seed=7)
    alpha = 3.0
    model = PenalizedLogisticRegression(alpha=alpha, tol=1e-10).fit(X, y)
    p = model.predict_proba(X)[:, 1]
    D = p * (1 - p)
    Xc = X - (D @ X) / D.sum()
    H = Xc.T @ (D[:, None] * Xc)
    expected = np.trace(H @ np.linalg.inv(H + alpha * np.eye(X.shape[1])))
    assert model.effective_dof_ == pytest.approx(expected, rel=1e-8)
    lam = np.linalg.eigvalsh(H)[::-1]
    assert np.allclose(model.shrinkage_, lam / (lam + alpha))
    assert PenalizedLogisticRegression(alpha=1.0, l1_ratio=0.5).fit(X, y).effective_dof_ is None


def test_multinomial_l1_representative():
    X, y = _data(4, seed=8)
    model = PenalizedLogisticRegression(alpha=3.0, l1_ratio=1.0, tol=1e-10, max_iter=2000).fit(X, y)
    W = model.coef_
    # 0 is a median of every feature's class coefficients (optimality) and the shift is
    # the class mean clipped to the interval of medians
    s = np.sort(W, axis=0)
    lo, hi = s[1], s[2]
    assert np.all(lo <= 1e-9) and np.all(hi >= -1e-9)
    mean = W.mean(axis=0)
    assert np.allclose(np.clip(mean, lo, hi), 0, atol=1e-9)


def test_warm_start_reuses_solution():
    X, y = _data(2, seed=9)
    model = PenalizedLogisticRegression(alpha=1.0, warm_start=True, tol=1e-8).fit(X, y)
    first = model.n_iter_[0]
    model.fit(X, y)
    assert model.n_iter_[0] < first and model.n_iter_[0] <= 1


def test_alpha_zero_unpenalized_and_separable_error():
    X, y = _data(2, seed=10, n=400)
    y = np.where(np.random.default_rng(0).random(len(y)) < 0.2, 1 - y, y)  # not separable
    model = PenalizedLogisticRegression(alpha=0.0, tol=1e-10).fit(X, y)
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10000).fit(X, y)
    assert np.allclose(model.coef_, ref.coef_, atol=1e-6)
    Xs = np.array([[0.0], [1.0], [2.0], [3.0]])
    with pytest.raises(ValueError, match="alpha"):
        PenalizedLogisticRegression(alpha=0.0).fit(Xs, [0, 0, 1, 1])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"alpha": -1.0}, "alpha"),
        ({"l1_ratio": 1.5}, "l1_ratio"),
        ({"solver": "newton", "l1_ratio": 0.5}, "prox-newton"),
    ],
)
def test_bad_parameters(params, match):
    X, y = _data(2)
    with pytest.raises(ValueError, match=match):
        PenalizedLogisticRegression(**params).fit(X, y)


def test_one_class_raises():
    X, _ = _data(2)
    with pytest.raises(ValueError, match="class"):
        PenalizedLogisticRegression().fit(X, np.zeros(len(X)))


def test_sparse_never_densified(monkeypatch):
    rng = np.random.default_rng(11)
    X = sparse.random(3000, 4000, density=0.002, format="csr", random_state=12)
    y = (np.asarray(X.sum(axis=1)).ravel() + 0.01 * rng.standard_normal(3000) > 0.01).astype(int)

    def forbidden(*a, **k):
        raise AssertionError("densified")

    monkeypatch.setattr(type(X), "toarray", forbidden)
    monkeypatch.setattr(type(X), "todense", forbidden)
    tracemalloc.start()
    model = PenalizedLogisticRegression(alpha=1.0, l1_ratio=1.0).fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < X.shape[0] * X.shape[1] * 8 / 8  # an eighth of one dense float64 copy
    assert model.coef_.shape == (1, 4000) and np.count_nonzero(model.coef_) < 4000
    l2 = PenalizedLogisticRegression(alpha=1.0).fit(X, y)
    assert l2.solver_ == "lbfgs"


def test_sparsify_keeps_predictions_and_warm_start():
    X, y = _data(2, seed=12)
    model = PenalizedLogisticRegression(alpha=20.0, l1_ratio=1.0, warm_start=True).fit(X, y)
    dense = model.predict_proba(X)
    model.sparsify()
    assert sparse.issparse(model.coef_)
    assert np.allclose(model.predict_proba(X), dense)
    assert model.fit(X, y).n_iter_[0] <= 1
