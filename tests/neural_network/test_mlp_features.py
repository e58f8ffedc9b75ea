"""MLP features of issue 14 (and the MLP part of issue 12): sample and class weights,
L-BFGS, dropout, partial_fit, sparse input, scikit-learn's names, BLAS threads.

Every test holds the networks to an independent computation: scikit-learn's MLP on the
same data (same init, same objective), repeated rows, ``compute_sample_weight``, the
closed form :func:`skreg.theory.dropout_equivalent_penalty`, the dense fit, or a plain
loop written here.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.class_weight import compute_sample_weight
from threadpoolctl import threadpool_info, threadpool_limits

import skreg.neural_network._core as core_module
from skreg import MLPClassifier, MLPRegressor, RidgeEigen
from skreg.neural_network._core import MLPCore
from skreg.penalties import layer_penalties
from skreg.theory import dropout_equivalent_penalty

NO_STOP = dict(tol=0.0, n_iter_no_change=np.inf)


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _regression(n=80, d=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d))
    y = np.sin(X[:, 0]) + X[:, 1] ** 2 - 0.5 * X[:, 2] + 0.1 * rng.standard_normal(n)
    return X, y


def _classification(n=90, seed=0):
    X, y = make_blobs(n, 3, centers=3, cluster_std=2.0, random_state=seed)
    return (X - X.mean(0)) / X.std(0), y


def _assert_same_weights(a, b, rtol=1e-10, atol=1e-12):
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=False):
        np.testing.assert_allclose(u, v, rtol=rtol, atol=atol)


def _assert_identical(a, b):
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=False):
        np.testing.assert_array_equal(u, v)


# ---------------------------------------------------------------- sample_weight
@pytest.mark.parametrize("solver", ["gd", "lbfgs"])
@pytest.mark.parametrize("Est", [MLPRegressor, MLPClassifier])
def test_integer_weights_are_repeated_rows(Est, solver):
    X, y = _regression() if Est is MLPRegressor else _classification()
    sw = np.random.RandomState(1).randint(0, 4, X.shape[0])
    kw = dict(
        hidden_layer_sizes=(6,),
        activation="tanh",
        solver=solver,
        alpha=0.5,
        learning_rate_init=0.05,
        max_iter=60,
        random_state=0,
        **NO_STOP,
    )
    weighted = Est(**kw).fit(X, y, sample_weight=sw)
    repeated = Est(**kw).fit(np.repeat(X, sw, axis=0), np.repeat(y, sw))
    # the same objective up to summation order: 'gd' takes the same steps; L-BFGS's line
    # search may amplify the last bits over 60 iterations, hence its looser tolerance
    tol = 1e-9 if solver == "gd" else 1e-6
    _assert_same_weights(weighted, repeated, rtol=tol, atol=tol / 100)


def test_weighted_objective_is_scikit_learns():
    """Weights and penalty scaling as scikit-learn ≥ 1.7: full-batch GD equals its SGD
    (momentum 0, one batch) with the same sample weights, step for step."""
    X, y = _regression(60)
    sw = np.random.RandomState(2).uniform(0.1, 3.0, 60)
    kw = dict(
        hidden_layer_sizes=(8,),
        alpha=2.0,
        learning_rate_init=0.05,
        max_iter=40,
        random_state=0,
        tol=0.0,
        n_iter_no_change=1000,
    )
    ours = MLPRegressor(solver="gd", **kw).fit(X, y, sample_weight=sw)
    ref = SkMLPRegressor(solver="sgd", momentum=0.0, batch_size=60, shuffle=False, **kw).fit(
        X, y, sample_weight=sw
    )
    _assert_same_weights(ours, ref)
    np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-10)


def test_weighted_loss_and_gradient_closed_form():
    rng = np.random.RandomState(3)
    core = MLPCore([3, 5, 1], "tanh", "identity")
    theta = core.init_params(rng)
    X, Y = rng.standard_normal((7, 3)), rng.standard_normal((7, 1))
    sw = rng.uniform(0, 2, 7)
    W, b = core.unpack(theta)
    f = np.tanh(X @ W[0] + b[0]) @ W[1] + b[1]
    pens = layer_penalties(0.3, 2)
    expected = (
        0.5 * np.sum(sw * (f - Y)[:, 0] ** 2) + 0.15 * sum((w**2).sum() for w in W)
    ) / sw.sum()
    grad = np.empty_like(theta)
    assert core.loss_grad(theta, X, Y, grad, pens, sw) == pytest.approx(expected, rel=1e-12)
    eps = 1e-6
    numeric = [
        (
            core.loss_grad(theta + e, X, Y, np.empty_like(theta), pens, sw)
            - core.loss_grad(theta - e, X, Y, np.empty_like(theta), pens, sw)
        )
        / (2 * eps)
        for e in np.eye(theta.size) * eps
    ]
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_zero_and_equal_weights():
    X, y = _regression(60)
    kw = dict(
        hidden_layer_sizes=(5,),
        solver="gd",
        learning_rate_init=0.05,
        max_iter=30,
        random_state=0,
        **NO_STOP,
    )
    sw = np.r_[np.ones(40), np.zeros(20)]
    _assert_same_weights(
        MLPRegressor(**kw).fit(X, y, sample_weight=sw), MLPRegressor(**kw).fit(X[:40], y[:40])
    )
    # equal weights are the unweighted objective: bit for bit
    _assert_identical(
        MLPRegressor(**kw).fit(X, y, sample_weight=np.full(60, 3.0)), MLPRegressor(**kw).fit(X, y)
    )
    with pytest.raises(ValueError, match="non-zero"):
        MLPRegressor(**kw).fit(X, y, sample_weight=np.zeros(60))
    with pytest.raises(ValueError, match="(?i)negative"):
        MLPRegressor(**kw).fit(X, y, sample_weight=-np.ones(60))


def test_minibatch_weights_and_validation_weights():
    X, y = _regression(120)
    sw = np.random.RandomState(4).randint(1, 3, 120).astype(float)
    model = MLPRegressor(
        (8,), batch_size=16, learning_rate_init=0.01, max_iter=60, random_state=0
    ).fit(X, y, sample_weight=sw)
    assert model.score(X, y, sample_weight=sw) > 0.5
    # weighted validation loss: the driver's history records Σ s ℓ / Σ s
    X_val, y_val = _regression(30, seed=9)
    sw_val = np.linspace(0.5, 2, 30)
    es = MLPRegressor(
        (8,),
        solver="gd",
        learning_rate_init=0.05,
        early_stopping=True,
        patience=3,
        max_iter=30,
        random_state=0,
    ).fit(X, y, sample_weight=sw, X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    best = es.history_frame()["val_loss"].min()
    pred = es.predict(X_val)
    assert best == pytest.approx(0.5 * np.average((pred - y_val) ** 2, weights=sw_val), rel=1e-10)
    assert len(es.validation_scores_) == len(es.history_frame())
    assert es.best_validation_score_ == pytest.approx(es.score(X_val, y_val, sample_weight=sw_val))


# ---------------------------------------------------------------- class_weight
@pytest.mark.parametrize("solver", ["gd", "lbfgs"])
def test_balanced_class_weight_is_the_equivalent_sample_weight(solver):
    X, y = _classification(120)
    keep = np.r_[np.flatnonzero(y == 0)[:10], np.flatnonzero(y != 0)]  # imbalance
    X, y = X[keep], y[keep]
    kw = dict(
        hidden_layer_sizes=(6,),
        solver=solver,
        learning_rate_init=0.1,
        max_iter=40,
        random_state=0,
        **NO_STOP,
    )
    balanced = MLPClassifier(class_weight="balanced", **kw).fit(X, y)
    weighted = MLPClassifier(**kw).fit(X, y, sample_weight=compute_sample_weight("balanced", y))
    _assert_identical(balanced, weighted)
    # a dict, and multiplication with sample_weight
    sw = np.random.RandomState(0).uniform(0.5, 2, y.size)
    cw = {0: 3.0, 2: 0.5}
    a = MLPClassifier(class_weight=cw, **kw).fit(X, y, sample_weight=sw)
    b = MLPClassifier(**kw).fit(X, y, sample_weight=sw * np.array([3.0, 1.0, 0.5])[y])
    _assert_identical(a, b)
    unweighted = MLPClassifier(**kw).fit(X, y)
    assert not np.allclose(balanced.coefs_[0], unweighted.coefs_[0])


def test_class_weight_errors():
    X, y = _classification(60)
    with pytest.raises(ValueError, match="not classes of y"):
        MLPClassifier((4,), class_weight={7: 2.0}, max_iter=2).fit(X, y)
    clf = MLPClassifier((4,), class_weight="balanced", solver="sgd")
    with pytest.raises(ValueError, match="partial_fit"):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert not hasattr(clf, "coefs_")
    # a dict works in partial_fit
    MLPClassifier((4,), class_weight={0: 2.0}, solver="sgd").partial_fit(X, y, classes=[0, 1, 2])


# ---------------------------------------------------------------- dropout
def test_dropout_zero_is_todays_fit_bit_for_bit():
    """p = 0 takes the very code path without dropout (which matches scikit-learn)."""
    X, y = _regression(60)
    kw = dict(
        hidden_layer_sizes=(8, 4),
        activation="tanh",
        learning_rate_init=0.01,
        batch_size=20,
        max_iter=15,
        tol=0.0,
        random_state=0,
    )
    plain = MLPRegressor(**kw).fit(X, y)
    _assert_identical(plain, MLPRegressor(dropout=0.0, **kw).fit(X, y))
    _assert_identical(plain, MLPRegressor(dropout=[0.0, 0.0, 0.0], **kw).fit(X, y))
    full = {**kw, "batch_size": 60}  # one batch: scikit-learn's trajectory exactly
    _assert_same_weights(
        MLPRegressor(dropout=0.0, **full).fit(X, y), SkMLPRegressor(**full).fit(X, y)
    )


def test_dropout_masks_fresh_per_step_seeded_and_hidden_only(monkeypatch):
    X, y = _regression(50)
    recorded = []
    draw = core_module._dropout_scale

    def spy(rng, shape, rate, dtype, out=None):
        out = draw(rng, shape, rate, dtype, out)
        recorded.append((shape, rate, out.copy()))
        return out

    monkeypatch.setattr(core_module, "_dropout_scale", spy)
    kw = dict(
        hidden_layer_sizes=(40,),
        solver="gd",
        dropout=0.25,
        learning_rate_init=0.05,
        max_iter=4,
        random_state=0,
        **NO_STOP,
    )
    first = MLPRegressor(**kw).fit(X, y)
    assert len(recorded) == 4  # one mask per step, hidden layer only (float p)
    masks = [m for shape, rate, m in recorded]
    assert all(shape == (50, 40) and rate == 0.25 for shape, rate, _ in recorded)
    for m in masks:  # the rate is realized to 2⁻¹⁶: 0.25 exactly
        assert set(np.unique(m)) == {0.0, 1 / 0.75}
        assert abs((m == 0).mean() - 0.25) < 0.05
    assert all(not np.array_equal(masks[i], masks[j]) for i in range(4) for j in range(i))
    recorded.clear()
    second = MLPRegressor(**kw).fit(X, y)  # same seed: same masks, same fit
    np.testing.assert_array_equal(masks[0], recorded[0][2])
    _assert_identical(first, second)
    other = MLPRegressor(**{**kw, "random_state": 1}).fit(X, y)
    assert not np.allclose(first.coefs_[1], other.coefs_[1])
    # a list: one rate per weight matrix's input, the input features first
    recorded.clear()
    MLPRegressor(**{**kw, "dropout": [0.5, 0.0], "max_iter": 1}).fit(X, y)
    assert [(shape, rate) for shape, rate, _ in recorded] == [((50, 4), 0.5)]
    # prediction is deterministic and uses the whole network
    pred = first.predict(X)
    np.testing.assert_array_equal(pred, first.predict(X))
    W, b = first.coefs_, first.intercepts_
    np.testing.assert_allclose(
        pred, (np.maximum(X @ W[0] + b[0], 0) @ W[1] + b[1])[:, 0], rtol=1e-12
    )


def test_input_dropout_expected_gradient_is_the_theory_penalty():
    """Linear model, input dropout p: E_M ∇J = ∇[½‖Xw + b − y‖² + pen(w)] / n with
    pen = skreg.theory.dropout_equivalent_penalty (Monte Carlo over masks)."""
    rng = np.random.RandomState(0)
    n, d, p = 20, 3, 0.3
    X = rng.standard_normal((n, d)) + 1.0
    y = rng.standard_normal((n, 1))
    core = MLPCore([d, 1], "identity", "identity")
    theta = core.init_params(rng) * 3
    w, b = theta[:d], theta[d]
    gen = np.random.default_rng(0)
    draws = 20000
    grads, losses = np.empty((draws, theta.size)), np.empty(draws)
    g = np.empty_like(theta)
    for k in range(draws):
        losses[k] = core.loss_grad(theta, X, y, g, None, None, [p], gen)
        grads[k] = g
    r = X @ w + b - y[:, 0]
    eps = 1e-5
    pen_grad = np.array(
        [
            (dropout_equivalent_penalty(X, w + e, p) - dropout_equivalent_penalty(X, w - e, p))
            / (2 * eps)
            for e in np.eye(d) * eps
        ]
    )
    expected = np.r_[X.T @ r + pen_grad, r.sum()] / n
    se = grads.std(axis=0) / np.sqrt(draws)
    assert np.all(np.abs(grads.mean(axis=0) - expected) < 4 * se + 1e-12)
    assert np.abs(pen_grad).max() > 20 * se[:d].max()  # the penalty is resolved, not noise
    expected_loss = (0.5 * r @ r + dropout_equivalent_penalty(X, w, p)) / n
    assert abs(losses.mean() - expected_loss) < 4 * losses.std() / np.sqrt(draws)


def test_input_dropout_fit_approaches_the_equivalent_ridge():
    """Training with input dropout lands near the minimizer of the expected loss: ridge
    with the per-feature penalty p/(1 − p)·Σᵢ xᵢⱼ² (intercept free)."""
    X, y = _regression(200, d=3)
    X = X + 0.5
    p = 0.4
    lam = p / (1 - p) * np.einsum("ij,ij->j", X, X)
    Xc, yc = X - X.mean(0), y - y.mean()
    w_theory = np.linalg.solve(Xc.T @ Xc + np.diag(lam), Xc.T @ yc)
    w_ols = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    model = MLPRegressor(
        (),
        alpha=0.0,
        dropout=[p],
        solver="adam",
        batch_size=None,
        learning_rate_init=0.003,
        max_iter=3000,
        random_state=0,
        **NO_STOP,
    ).fit(X, y)
    w = model.coefs_[0][:, 0]
    assert np.linalg.norm(w - w_theory) < 0.1 * np.linalg.norm(w_ols - w_theory)


def test_dropout_validation():
    X, y = _regression(20)
    with pytest.raises(ValueError, match="one rate per weight matrix"):
        MLPRegressor((4,), dropout=[0.1]).fit(X, y)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        MLPRegressor((4,), dropout=[0.1, 1.0]).fit(X, y)
    with pytest.raises(ValueError, match="dropout"):
        MLPRegressor((4,), dropout=1.0).fit(X, y)


# ---------------------------------------------------------------- lbfgs
@pytest.mark.parametrize(
    "Est, SkEst", [(MLPRegressor, SkMLPRegressor), (MLPClassifier, SkMLPClassifier)]
)
def test_lbfgs_reaches_scikit_learns_loss(Est, SkEst):
    """Same init, same objective, same L-BFGS-B options as scikit-learn's MLP: the same
    iterates until round-off; the converged loss within 1%.

    A network's loss has many minima and the two runs' last bits differ, so after a
    few hundred iterations single runs may settle in different minima (±2% here):
    the final loss is compared in the median over seeds; the convex case (no hidden
    layer) to 1e-6."""
    X, y = _regression(150) if Est is MLPRegressor else _classification(150)
    with threadpool_limits(1, user_api="blas"):
        kw = dict(hidden_layer_sizes=(10,), solver="lbfgs", alpha=0.1, random_state=0)
        ours, ref = Est(max_iter=40, **kw).fit(X, y), SkEst(max_iter=40, **kw).fit(X, y)
        assert ours.loss_ == pytest.approx(ref.loss_, rel=1e-8)
        assert ours.n_iter_ == ref.n_iter_ == 40
        ratios = [
            Est(max_iter=1000, **{**kw, "random_state": s}).fit(X, y).loss_
            / SkEst(max_iter=1000, **{**kw, "random_state": s}).fit(X, y).loss_
            for s in range(4)
        ]
        assert abs(np.median(ratios) - 1) < 0.01
        assert max(ratios) < 1.05
        kw = dict(hidden_layer_sizes=(), solver="lbfgs", alpha=1.0, max_iter=1000, tol=1e-8)
        if Est is MLPRegressor:  # scikit-learn has no empty hidden_layer_sizes: identity net
            linear = SkEst(
                hidden_layer_sizes=(X.shape[1],),
                activation="identity",
                alpha=0.0,
                solver="lbfgs",
                max_iter=1000,
                tol=1e-8,
                random_state=0,
            ).fit(X, y)
            ours = Est(**{**kw, "alpha": 0.0}).fit(X, y)
            assert ours.loss_ == pytest.approx(linear.loss_, rel=1e-6)


def test_lbfgs_linear_is_ridge_and_options():
    X, y = _regression(100)
    ridge = RidgeEigen(alpha=5.0).fit(X, y)
    model = MLPRegressor(
        (), solver="lbfgs", alpha=5.0, tol=1e-12, max_iter=500, random_state=0
    ).fit(X, y)
    # L-BFGS-B stops on a relative decrease of 2.2e-9 (scipy's default, as scikit-learn)
    np.testing.assert_allclose(model.coefs_[0][:, 0], ridge.coef_, rtol=2e-4, atol=1e-6)
    with pytest.warns(ConvergenceWarning, match="lbfgs"):
        warnings.simplefilter("always", ConvergenceWarning)
        capped = MLPRegressor((20,), solver="lbfgs", max_fun=10, tol=0.0).fit(X, y)
    assert capped.n_iter_ <= 10
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")


@pytest.mark.parametrize(
    "option, match",
    [
        (dict(penalty="l1"), "'gd', 'sgd' or 'adam'"),
        (dict(weight_noise=0.1), "weight_noise"),
        (dict(dropout=0.2), "dropout"),
        (dict(input_noise=0.1), "input_noise"),
    ],
)
def test_lbfgs_rejects_nonsmooth_or_random_objectives(option, match):
    X, y = _regression(30)
    with pytest.raises(ValueError, match=match):
        MLPRegressor((4,), solver="lbfgs", **option).fit(X, y)


def test_lbfgs_with_early_stopping_evaluates_every_eval_every():
    X, y = _regression(120)
    model = MLPRegressor(
        (10,),
        solver="lbfgs",
        early_stopping=True,
        eval_every=5,
        patience=3,
        max_iter=300,
        random_state=0,
    ).fit(X, y)
    steps = model.history_frame()["step"].to_numpy()
    np.testing.assert_array_equal(steps, 5 * np.arange(1, steps.size + 1))
    assert model.best_iter_ % 5 == 0 and model.n_iter_ == steps[-1]
    assert model.score(X, y) > 0.8


# ---------------------------------------------------------------- partial_fit
@pytest.mark.parametrize("solver, batch_size", [("gd", None), ("sgd", 16), ("adam", 16)])
def test_partial_fit_calls_equal_fit_epochs(solver, batch_size):
    """k calls on the same data = fit with max_iter=k: optimizer state and the minibatch
    order carry over (bit for bit)."""
    X, y = _regression(64)
    kw = dict(
        hidden_layer_sizes=(6,),
        solver=solver,
        batch_size=batch_size,
        learning_rate_init=0.02,
        random_state=0,
    )
    stream = MLPRegressor(**kw)
    for _ in range(7):
        stream.partial_fit(X, y)
    full = MLPRegressor(max_iter=7, **NO_STOP, **kw).fit(X, y)
    _assert_identical(stream, full)
    assert stream.n_iter_ == 7 and stream.loss_curve_ == full.loss_curve_
    stream.partial_fit(X, y)  # after fit, too
    full.partial_fit(X, y)
    _assert_identical(stream, full)


def test_partial_fit_over_chunks_is_one_gd_step_per_chunk():
    """'gd': each call is one full-batch step on its chunk, from the previous weights."""
    X, y = _regression(90)
    chunks = np.array_split(np.arange(90), 3)
    kw = dict(hidden_layer_sizes=(5,), solver="gd", learning_rate_init=0.05, random_state=0)
    stream = MLPRegressor(**kw)
    core, theta = None, None
    for _epoch in range(2):
        for idx in chunks:
            stream.partial_fit(X[idx], y[idx])
            if core is None:  # the first call initializes exactly as fit
                ref = MLPRegressor(max_iter=1, **kw, **NO_STOP).fit(X[idx], y[idx])
                _assert_identical(stream, ref)
                units = [4, 5, 1]
                core = MLPCore(units, "relu", "identity")
                theta = core.pack(ref.coefs_, ref.intercepts_)
                continue
            g = np.empty_like(theta)
            core.loss_grad(theta, X[idx], y[idx, None], g, layer_penalties(1e-4, 2))
            theta = theta - 0.05 * g
    np.testing.assert_allclose(core.pack(stream.coefs_, stream.intercepts_), theta, rtol=1e-12)


def test_partial_fit_classifier_rules():
    X, y = _classification(60)
    clf = MLPClassifier((5,), solver="sgd")
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert clf.predict_proba(X).shape == (60, 3)
    clf.partial_fit(X[y == 2], y[y == 2])  # a label first seen later
    with pytest.raises(ValueError, match="not the same"):
        clf.partial_fit(X, y, classes=[0, 1, 5])
    with pytest.raises(ValueError, match="not in classes"):
        clf.partial_fit(X, np.where(y == 0, 9, y))
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        MLPClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])


# ---------------------------------------------------------------- sparse input
@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array, sp.csc_array])
@pytest.mark.parametrize("solver", ["gd", "adam", "lbfgs"])
def test_sparse_fits_agree_with_dense(container, solver):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((60, 12)) * (rng.uniform(size=(60, 12)) < 0.3)
    y = X @ rng.standard_normal(12) + 0.1 * rng.standard_normal(60)
    kw = dict(
        hidden_layer_sizes=(6,),
        solver=solver,
        batch_size=16,
        learning_rate_init=0.02,
        max_iter=15,
        random_state=0,
        **NO_STOP,
    )
    dense = MLPRegressor(**kw).fit(X, y)
    sparse = MLPRegressor(**kw).fit(container(X), y)
    _assert_same_weights(sparse, dense, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(
        sparse.predict(container(X)), dense.predict(X), rtol=1e-9, atol=1e-11
    )
    if solver != "lbfgs":
        dense.partial_fit(X, y)
        sparse.partial_fit(container(X), y)
        _assert_same_weights(sparse, dense, rtol=1e-9, atol=1e-11)
    assert sparse.score(container(X), y) == pytest.approx(dense.score(X, y), rel=1e-9)


def test_sparse_x_is_never_densified(monkeypatch):
    """X of 3000 × 400,000 (dense: 9.6 GB): the core only ever sees sparse matrices."""
    rng = np.random.RandomState(0)
    n, d = 3000, 400_000
    X = sp.csr_matrix((rng.uniform(1, 2, n), (np.arange(n), rng.randint(0, d, n))), shape=(n, d))
    y = np.asarray(X.sum(axis=1)).ravel()
    seen = []
    loss_grad = MLPCore.loss_grad

    def spy(self, theta, X, *args, **kwargs):
        seen.append(sp.issparse(X))
        return loss_grad(self, theta, X, *args, **kwargs)

    monkeypatch.setattr(MLPCore, "loss_grad", spy)
    model = MLPRegressor(
        (2,), solver="adam", batch_size=1000, dropout=[0.2, 0.0], max_iter=2, random_state=0
    ).fit(X, y)
    assert seen and all(seen)
    assert model.predict(X[:5]).shape == (5,)


def test_one_hot_pipeline_and_sparse_noise_rules():
    rng = np.random.RandomState(0)
    cats = rng.randint(0, 30, (200, 2))
    y = np.sin(cats[:, 0] / 5.0) + 0.1 * cats[:, 1] / 30
    kw = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=50, random_state=0)
    sparse_pipe = make_pipeline(OneHotEncoder(), MLPRegressor(**kw)).fit(cats, y)
    dense_pipe = make_pipeline(OneHotEncoder(sparse_output=False), MLPRegressor(**kw)).fit(cats, y)
    np.testing.assert_allclose(
        sparse_pipe.predict(cats), dense_pipe.predict(cats), rtol=1e-9, atol=1e-11
    )
    clf = make_pipeline(
        OneHotEncoder(), MLPClassifier((8,), learning_rate_init=0.01, max_iter=100, random_state=0)
    )
    assert clf.fit(cats, cats[:, 0] % 2).score(cats, cats[:, 0] % 2) > 0.9
    # Gaussian input noise makes a sparse batch dense: allowed within the memory limit
    X = sp.random(100, 50, density=0.1, format="csr", random_state=0)
    MLPRegressor((4,), input_noise=0.1, max_iter=2, random_state=0).fit(X, y[:100])
    huge = sp.csr_matrix(
        (np.ones(100), (np.arange(100), np.arange(100) * 9999)), shape=(100, 10**6)
    )
    with pytest.raises(ValueError, match="input_noise on sparse X"):
        MLPRegressor((4,), input_noise=0.1, solver="gd").fit(huge, y[:100])
    assert MLPRegressor().__sklearn_tags__().input_tags.sparse


# ---------------------------------------------------------------- scikit-learn's names
def test_tol_and_n_iter_no_change_act_with_early_stopping():
    X, y = _classification(150)
    clf = MLPClassifier(
        solver="sgd", tol=0.2, max_iter=3000, early_stopping=True, random_state=0
    ).fit(X, y)
    search = clf.history_frame()
    assert clf.n_iter_ < 100  # stopped by tol/n_iter_no_change, not max_iter
    assert len(search) == clf.best_iter_ + 11  # patience = n_iter_no_change + 1
    ref = SkMLPClassifier(
        solver="sgd", tol=0.2, max_iter=3000, early_stopping=True, random_state=0
    ).fit(X, y)
    assert ref.n_iter_ == 12 and clf.n_iter_ <= 2 * ref.n_iter_
    # patience and min_delta win when both are given
    both = MLPClassifier(
        solver="sgd",
        tol=0.0,
        n_iter_no_change=1000,
        patience=3,
        min_delta=0.2,
        max_iter=3000,
        early_stopping=True,
        random_state=0,
    ).fit(X, y)
    assert len(both.history_frame()) == both.best_iter_ + 3
    # np.inf: never stops before max_iter
    inf = MLPClassifier(
        (4,), solver="sgd", tol=1e9, n_iter_no_change=np.inf, max_iter=25, random_state=0
    ).fit(X, y)
    assert inf.n_iter_ == 25
    es_inf = MLPClassifier(
        (4,),
        solver="sgd",
        tol=1e9,
        n_iter_no_change=np.inf,
        max_iter=25,
        early_stopping=True,
        random_state=0,
    ).fit(X, y)
    assert es_inf.n_iter_ == 25


def test_single_class_is_fitted_as_scikit_learn():
    X, _ = _classification(30)
    y = np.full(30, "only")
    clf = MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    assert list(clf.classes_) == ["only"]
    assert set(clf.predict(X)) == {"only"}
    np.testing.assert_array_equal(clf.predict_proba(X), np.ones((30, 1)))
    assert SkMLPClassifier((4,), max_iter=5, random_state=0).fit(X, y).predict(X)[0] == "only"


def test_small_products_run_on_one_blas_thread(monkeypatch):
    X, y = _regression(100)
    threads = []
    loss_grad = MLPCore.loss_grad

    def spy(self, *args, **kwargs):
        threads.append(
            max((i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"), default=1)
        )
        return loss_grad(self, *args, **kwargs)

    monkeypatch.setattr(MLPCore, "loss_grad", spy)
    MLPRegressor((16,), max_iter=2, random_state=0).fit(X, y)
    assert threads and set(threads) == {1}


def test_failed_partial_fit_changes_nothing():
    X, y = _regression(64)
    kw = dict(hidden_layer_sizes=(6,), solver="adam", batch_size=16, random_state=0)
    stream, reference = MLPRegressor(**kw), MLPRegressor(**kw)
    for model in (stream, reference):
        model.partial_fit(X, y)
    before = dict(vars(stream))
    with pytest.raises(ValueError, match="non-finite"):
        stream.partial_fit(X, y * 1e300)  # the loss overflows: a clear error
    assert vars(stream).keys() == before.keys()
    assert all(vars(stream)[k] is v for k, v in before.items())
    stream.partial_fit(X, y)  # optimizer state and minibatch order as if nothing happened
    reference.partial_fit(X, y)
    _assert_identical(stream, reference)
