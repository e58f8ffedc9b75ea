"""MLPRegressor / MLPClassifier: gradients, penalties, noise, label smoothing, early stopping.

Every test holds the network to an independent computation: central finite differences,
RidgeEigen / LogisticRegression in the linear case, scikit-learn's MLP (same init, same
Adam), skreg.theory's weight-noise penalty, the shared early-stopping driver.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from skreg import MLPClassifier, MLPRegressor, RidgeEigen
from skreg.neural_network._core import MLPCore
from skreg.penalties import layer_penalties
from skreg.theory import weight_noise_penalty


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _regression_data(n=100, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, 3))
    y = X @ [1.0, -2.0, 0.5] + np.sin(2 * X[:, 0]) + 3.0 + 0.1 * rng.standard_normal(n)
    return X, y


def _overfit_data(n=12, seed=0):
    rng = np.random.RandomState(seed)
    X = np.sort(rng.uniform(-1, 1, (n, 1)), axis=0)
    return X, np.sin(3 * X[:, 0]) + 0.3 * rng.standard_normal(n)


def _core_of(model):
    units = [model.coefs_[0].shape[0]] + [W.shape[1] for W in model.coefs_]
    core = MLPCore(units, model.activation, model.out_activation_)
    return core, core.pack(model.coefs_, model.intercepts_)


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("output", ["identity", "softmax"])
@pytest.mark.parametrize("penalty", ["l2", "l1"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_gradient_matches_finite_differences(activation, penalty, output):
    rng = np.random.RandomState(0)
    core = MLPCore([3, 5, 4, 3], activation, output)
    theta = core.init_params(rng)
    X = rng.standard_normal((7, 3))
    if output == "identity":
        Y = rng.standard_normal((7, 3))
    else:  # smoothed one-hot rows (sum to one), as label smoothing produces
        Y = np.eye(3)[rng.randint(0, 3, 7)] * 0.8 + 0.2 / 3
    penalties = layer_penalties([0.3, 0.1, 0.7], core.n_layers, penalty)
    grad = np.empty_like(theta)
    core.loss_grad(theta, X, Y, grad, penalties)

    def J(t):
        return core.loss_grad(t, X, Y, np.empty_like(t), penalties)

    eps = 1e-6
    eye = np.eye(theta.size) * eps
    numeric = np.array([(J(theta + e) - J(theta - e)) / (2 * eps) for e in eye])
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)
    # the biases are never penalized: their gradient is the same without the penalty
    grad0 = np.empty_like(theta)
    core.loss_grad(theta, X, Y, grad0, None)
    np.testing.assert_array_equal(grad[core.n_weights :], grad0[core.n_weights :])
    assert np.abs(grad[: core.n_weights] - grad0[: core.n_weights]).max() > 1e-3


def test_loss_is_scikit_learn_scaling():
    """J_B = mean ½(f − y)² + (α/2m)‖W‖², the objective of scikit-learn's MLP."""
    rng = np.random.RandomState(1)
    core = MLPCore([2, 4, 1], "tanh", "identity")
    theta = core.init_params(rng)
    X, y = rng.standard_normal((9, 2)), rng.standard_normal((9, 1))
    W, b = core.unpack(theta)
    f = np.tanh(X @ W[0] + b[0]) @ W[1] + b[1]
    expected = 0.5 * np.mean((f - y) ** 2) + 0.5 * 0.2 * sum((w**2).sum() for w in W) / 9
    got = core.loss_grad(theta, X, y, np.empty_like(theta), layer_penalties(0.2, 2))
    assert got == pytest.approx(expected, rel=1e-12)


def test_output_gradients_match_finite_differences():
    rng = np.random.RandomState(2)
    core = MLPCore([2, 6, 5, 1], "tanh", "identity")
    theta = core.init_params(rng)
    X = rng.standard_normal((4, 2))
    J = core.output_gradients(theta, X)
    eps = 1e-6
    numeric = np.stack(
        [
            (core.decision_function(theta + e, X) - core.decision_function(theta - e, X))[:, 0]
            / (2 * eps)
            for e in np.eye(theta.size) * eps
        ],
        axis=1,
    )
    np.testing.assert_allclose(J, numeric, rtol=1e-6, atol=1e-9)


def test_same_init_and_adam_as_scikit_learn_full_batch():
    """Same seed, same Glorot init, same Adam: identical to scikit-learn's MLP."""
    X, y = _overfit_data(40)
    kw = dict(
        hidden_layer_sizes=(8,),
        activation="tanh",
        learning_rate_init=0.01,
        max_iter=30,
        tol=0.0,
        random_state=0,
    )
    ours = MLPRegressor(**kw).fit(X, y)
    ref = SkMLPRegressor(**kw).fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_, strict=False):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-10)


# ---------------------------------------------------------------- penalties
def test_huge_alpha_zeroes_weights_but_not_the_intercept():
    X, y = _regression_data()
    # α/n = 10 dominates the data's curvature: the origin of the weights attracts
    model = MLPRegressor(
        (8,),
        alpha=1e3,
        solver="gd",
        learning_rate_init=0.05,
        max_iter=3000,
        tol=0.0,
        random_state=0,
    ).fit(X, y)
    assert max(np.abs(W).max() for W in model.coefs_) < 1e-6
    pred = model.predict(X)
    assert pred.std() < 1e-8
    assert pred.mean() == pytest.approx(y.mean(), abs=1e-6)  # the biases still fit the mean


def test_per_layer_alpha_shrinks_only_its_layer():
    X, y = _regression_data()
    norms = {}
    for key, alpha in {"none": [0.0, 0.0], "first": [30.0, 0.0], "last": [0.0, 30.0]}.items():
        model = MLPRegressor(
            (16,),
            activation="tanh",
            alpha=alpha,
            learning_rate_init=0.01,
            max_iter=300,
            random_state=0,
        ).fit(X, y)
        norms[key] = [np.linalg.norm(W) for W in model.coefs_]
    assert norms["first"][0] < 0.5 * norms["none"][0]  # penalized layer shrinks
    assert norms["first"][1] > norms["none"][1]  # the other one does not
    assert norms["last"][1] < 0.7 * norms["none"][1]
    assert norms["last"][0] > norms["none"][0]


def test_wrong_alpha_length_is_a_clear_error():
    X, y = _regression_data(20)
    with pytest.raises(ValueError, match="length"):
        MLPRegressor((4, 4), alpha=[0.1, 0.1]).fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        MLPRegressor((4,), alpha=[0.1, -1.0]).fit(X, y)


@pytest.mark.parametrize("alpha", [0.0, 10.0, 300.0])
def test_linear_case_is_ridge(alpha):
    """hidden_layer_sizes=(), squared error, full batch: the lecture's ridge, same α."""
    X, y = _regression_data()
    ridge = RidgeEigen(alpha=alpha).fit(X, y)
    model = MLPRegressor(
        (), alpha=alpha, solver="gd", learning_rate_init=0.2, max_iter=3000, tol=0.0, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(model.coefs_[0][:, 0], ridge.coef_, atol=1e-8)
    assert model.intercepts_[0][0] == pytest.approx(ridge.intercept_, abs=1e-8)
    np.testing.assert_allclose(model.predict(X), ridge.predict(X), atol=1e-8)


def test_linear_classifier_is_multinomial_logistic_regression():
    """hidden_layer_sizes=(), softmax, full batch: Σ CE + ½α‖W‖² is LogisticRegression(C=1/α)."""
    X, y = make_blobs(150, 2, centers=3, cluster_std=2.0, random_state=0)
    X = (X - X.mean(0)) / X.std(0)
    ref = LogisticRegression(C=0.5, tol=1e-12, max_iter=10_000).fit(X, y)
    clf = MLPClassifier(
        (),
        alpha=2.0,
        solver="gd",
        learning_rate_init=1.0,
        max_iter=5000,
        tol=0.0,
        n_iter_no_change=5000,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_allclose(clf.coefs_[0].T, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X), atol=1e-6)


# ---------------------------------------------------------------- noise
def test_weight_noise_is_reproducible_and_seeded():
    X, y = _overfit_data()
    fits = [
        MLPRegressor((16,), weight_noise=0.05, input_noise=0.1, max_iter=40, random_state=s).fit(
            X, y
        )
        for s in (3, 3, 4)
    ]
    for a, b in zip(fits[0].coefs_, fits[1].coefs_, strict=False):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(fits[0].coefs_[0], fits[2].coefs_[0])


def test_weight_noise_regularizes_an_overfitting_net():
    """Weight noise penalizes ‖∇θ f‖² (the lecture): it falls, and the fit loosens."""
    X, y = _overfit_data(15)
    out = {}
    for wn in (0.0, 0.1):
        model = MLPRegressor(
            (64, 64),
            alpha=0.0,
            weight_noise=wn,
            learning_rate_init=0.01,
            max_iter=1500,
            tol=0.0,
            n_iter_no_change=10**6,
            random_state=0,
        ).fit(X, y)
        core, theta = _core_of(model)
        out[wn] = (
            (core.output_gradients(theta, X) ** 2).sum(),
            np.mean((model.predict(X) - y) ** 2),
        )
    assert out[0.1][0] < 0.2 * out[0.0][0]
    assert out[0.1][1] > out[0.0][1]


def test_monte_carlo_weight_noise_loss_matches_the_lecture_expansion():
    """E_φ ½‖f(θ + δφ) − y‖² − ½‖f(θ) − y‖² ≈ ½δ²Σ‖∇θ f‖² on a trained net."""
    X, y = _overfit_data()
    model = MLPRegressor(
        (16, 16),
        activation="tanh",
        alpha=0.0,
        learning_rate_init=0.01,
        max_iter=3000,
        tol=0.0,
        n_iter_no_change=10**6,
        random_state=0,
    ).fit(X, y)
    core, theta = _core_of(model)
    f = core.decision_function(theta, X)[:, 0]
    base = 0.5 * np.sum((f - y) ** 2)
    grad_f = core.output_gradients(theta, X)
    rng = np.random.RandomState(1)
    phi = rng.standard_normal((2000, theta.size))
    excess = {}
    for delta in (1e-3, 1e-2):
        # antithetic pairs ±φ cancel the first-order term draw by draw
        vals = np.array(
            [
                0.25
                * sum(
                    np.sum((core.decision_function(theta + s * delta * p, X)[:, 0] - y) ** 2)
                    for s in (1, -1)
                )
                - base
                for p in phi
            ]
        )
        penalty = weight_noise_penalty(grad_f, delta)
        se = vals.std() / np.sqrt(vals.size)
        assert abs(vals.mean() - penalty) < 3 * se + 0.05 * penalty
        excess[delta] = vals.mean()
    assert excess[1e-2] / excess[1e-3] == pytest.approx(100, rel=0.1)  # second order in δ


def test_input_noise_on_a_linear_model_shrinks_toward_ridge():
    """Linear case: input noise of variance σ² acts like ridge α = σ²N (issue 5's closed form)."""
    X, y = _regression_data(200)
    sigma = 0.5
    ridge_noise = RidgeEigen(alpha=sigma**2 * X.shape[0]).fit(X, y)
    ols = RidgeEigen(alpha=0.0).fit(X, y)
    model = MLPRegressor(
        (),
        alpha=0.0,
        input_noise=sigma,
        solver="adam",
        batch_size=None,
        learning_rate_init=0.003,
        max_iter=3000,
        tol=0.0,
        n_iter_no_change=10**6,
        random_state=0,
    ).fit(X, y)
    w = model.coefs_[0][:, 0]
    assert np.linalg.norm(w - ridge_noise.coef_) < 0.1 * np.linalg.norm(
        ols.coef_ - ridge_noise.coef_
    )


# ---------------------------------------------------------------- classifier
def test_label_smoothing_caps_confidence_near_one_minus_alpha():
    X, y = make_blobs(600, 2, centers=[[-3, 0], [3, 0], [0, 4]], cluster_std=0.5, random_state=0)
    for alpha in (0.0, 0.1, 0.2):
        clf = MLPClassifier(
            (16,), label_smoothing=alpha, learning_rate_init=0.01, max_iter=300, random_state=0
        ).fit(X, y)
        conf = clf.predict_proba(X).max(axis=1)
        assert clf.score(X, y) == 1.0
        if alpha == 0:
            assert conf.mean() > 0.99
        else:
            assert conf.mean() == pytest.approx(1 - alpha, abs=0.015)
            assert np.quantile(conf, 0.9) < 1 - alpha + 0.05


def test_classifier_string_binary_and_multiclass_labels():
    X, y = make_blobs(120, 2, centers=3, random_state=1)
    names = np.array(["cat", "dog", "emu"])
    clf = MLPClassifier((8,), learning_rate_init=0.02, max_iter=200, random_state=0)
    clf.fit(X, names[y])
    assert list(clf.classes_) == ["cat", "dog", "emu"]
    assert clf.predict_proba(X).shape == (120, 3)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    assert clf.score(X, names[y]) > 0.9
    binary = MLPClassifier((8,), learning_rate_init=0.02, max_iter=200, random_state=0)
    yb = np.where(y == 0, 7, -3)
    binary.fit(X, yb)
    assert list(binary.classes_) == [-3, 7]
    assert binary.predict_proba(X).shape == (120, 2)
    assert set(binary.predict(X)) <= {-3, 7}
    assert binary.score(X, yb) > 0.95


# ---------------------------------------------------------------- early stopping
def test_early_stopping_best_goes_through_the_shared_driver():
    """With explicit X_val, 'best' returns exactly plain training for best_iter_ epochs."""
    X, y = _regression_data(120)
    X_val, y_val = _regression_data(40, seed=5)
    kw = dict(hidden_layer_sizes=(32,), learning_rate_init=0.02, batch_size=30, random_state=0)
    es = MLPRegressor(early_stopping=True, patience=5, min_delta=0.0, max_iter=300, **kw).fit(
        X, y, X_val=X_val, y_val=y_val
    )
    assert isinstance(es.history_, dict) and isinstance(es.history_frame(), pd.DataFrame)
    assert set(es.history_frame()["phase"]) == {"search"}
    search = es.history_frame()
    assert es.best_iter_ == int(search.step[search.val_loss.idxmin()])
    assert es.n_iter_ == es.best_iter_ + 5 == len(es.loss_curve_)
    plain = MLPRegressor(max_iter=es.best_iter_, tol=0.0, n_iter_no_change=10**6, **kw).fit(X, y)
    for a, b in zip(es.coefs_ + es.intercepts_, plain.coefs_ + plain.intercepts_, strict=False):
        np.testing.assert_array_equal(a, b)
    # the recorded validation loss is the mean ½(f − y)² of those weights
    best_val = search.val_loss.min()
    assert best_val == pytest.approx(0.5 * np.mean((plain.predict(X_val) - y_val) ** 2))


def test_early_stopping_retrain_and_continue():
    X, y = _regression_data(150)
    kw = dict(
        hidden_layer_sizes=(16,),
        solver="gd",
        learning_rate_init=0.05,
        patience=3,
        max_iter=400,
        random_state=0,
    )
    retrain = MLPRegressor(early_stopping="retrain", **kw).fit(X, y)
    assert {"search", "retrain"} <= set(retrain.history_frame()["phase"])
    # full-batch GD is deterministic: 'retrain' = plain GD on all data for i* steps
    plain = MLPRegressor(
        (16,),
        solver="gd",
        learning_rate_init=0.05,
        max_iter=retrain.best_iter_,
        tol=0.0,
        n_iter_no_change=10**6,
        random_state=0,
    ).fit(X, y)
    for a, b in zip(retrain.coefs_, plain.coefs_, strict=False):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    cont = MLPRegressor(early_stopping="continue", **kw).fit(X, y)
    assert cont.n_iter_ >= cont.best_iter_
    assert cont.history_frame()["phase"].iloc[0] == "search"


def test_classifier_early_stopping_and_verbose(capsys):
    X, y = make_blobs(200, 2, centers=3, cluster_std=2.0, random_state=0)
    clf = MLPClassifier(
        (8,),
        early_stopping="best",
        patience=3,
        max_iter=100,
        verbose=True,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X, y)
    printed = capsys.readouterr().out
    assert "val" in printed and "step" in printed
    assert clf.best_iter_ <= clf.n_iter_
    assert clf.score(X, y) > 0.7
    MLPRegressor((4,), max_iter=2, verbose=True, random_state=0).fit(*_regression_data(20))
    assert "Iteration 2, loss" in capsys.readouterr().out  # scikit-learn's wording


def test_x_val_without_early_stopping_is_an_error():
    X, y = _regression_data(30)
    with pytest.raises(ValueError, match="early_stopping"):
        MLPRegressor((4,)).fit(X, y, X_val=X, y_val=y)


# ---------------------------------------------------------------- misc
def test_non_finite_loss_names_the_learning_rate():
    X, y = _regression_data(50)
    with pytest.raises(ValueError, match="learning_rate"):
        MLPRegressor((8,), solver="gd", learning_rate_init=100.0, max_iter=200).fit(X, 100 * y)


def test_convergence_rule_and_warning():
    X, y = _regression_data(60)
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        MLPRegressor((4,), max_iter=3, random_state=0).fit(X, y)
    # scikit-learn's rule: stop when more than n_iter_no_change epochs missed tol
    model = MLPRegressor((4,), tol=10.0, n_iter_no_change=10, random_state=0).fit(X, y)
    ref = SkMLPRegressor(
        hidden_layer_sizes=(4,), tol=10.0, n_iter_no_change=10, random_state=0
    ).fit(X, y)
    assert model.n_iter_ == ref.n_iter_ == 12
    np.testing.assert_allclose(model.loss_curve_, ref.loss_curve_, rtol=1e-10)


def test_float32_stays_float32_and_warm_start_continues():
    X, y = _regression_data(60)
    model = MLPRegressor((4,), max_iter=5, random_state=0).fit(X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in model.coefs_ + model.intercepts_)
    assert model.predict(X.astype(np.float32)).dtype == np.float32
    warm = MLPRegressor((4,), max_iter=50, warm_start=True, random_state=0).fit(X, y)
    first, n_first = warm.loss_curve_[-1], len(warm.loss_curve_)
    warm.fit(X, y)
    # the second fit continues from the first, and its curve is appended (scikit-learn)
    assert warm.loss_curve_[n_first] < first * 1.05
    assert (
        warm.loss_curve_[n_first]
        < MLPRegressor((4,), max_iter=1, random_state=0).fit(X, y).loss_curve_[0]
    )
    assert len(warm.loss_curve_) == n_first + 50 == warm.n_iter_ == warm.best_iter_
    assert warm.t_ == X.shape[0] * warm.n_iter_
    np.testing.assert_array_equal(warm.history_["step"], np.arange(1, warm.n_iter_ + 1))
    np.testing.assert_array_equal(warm.history_["train_loss"], warm.loss_curve_)
