"""EarlyStoppedGD held to explicit gradient-descent loops written here, and to skreg.theory."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split

from skreg import EarlyStoppedGD, RidgeEigen
from skreg._spectral import decompose
from skreg.linear_model._trainers import _IterativeTrainer
from skreg.optim import iter_minibatches
from skreg.theory import early_stopping_equivalent_alpha, early_stopping_iterate


# ------------------------------------------------------------------ references
class ExplicitGD:
    """Plain GD on (1/n)[½‖X_c w − y_c‖² + ½α‖w‖²], intercept b = ȳ − x̄ᵀw recovered."""

    def __init__(self, X, y, learning_rate, alpha=0.0):
        self.xm, self.ym = X.mean(axis=0), y.mean(axis=0)
        self.Xc, self.yc = X - self.xm, y - self.ym
        self.n, self.lr, self.alpha = X.shape[0], learning_rate, alpha

    def step(self, w):
        return w - self.lr * (self.Xc.T @ (self.Xc @ w - self.yc) + self.alpha * w) / self.n

    def run(self, w, n_steps):
        for _ in range(n_steps):
            w = self.step(w)
        return w

    def intercept(self, w):
        return self.ym - self.xm @ w

    def loss(self, w, X, y):
        return 0.5 * np.mean((X @ w + self.intercept(w) - y) ** 2)


def explicit_algorithm_7_1(gd, X_val, y_val, n, p, max_iter):
    w, i, j, v, best = np.zeros(gd.Xc.shape[1]), 0, 0, np.inf, None
    while j < p and i + n <= max_iter:
        w = gd.run(w, n)
        i += n
        v_new = gd.loss(w, X_val, y_val)
        if v_new < v:
            j, v, best = 0, v_new, (i, w.copy())
        else:
            j += 1
    return best[0], best[1], i


def _data(n=30, n_val=60, d=20, seed=3, noise=1.0):
    rng = np.random.RandomState(seed)
    scales = np.logspace(0, -1.5, d)
    w_true = rng.randn(d)
    X = rng.randn(n, d) * scales + 1.0
    y = X @ w_true + 2.0 + noise * rng.randn(n)
    X_val = rng.randn(n_val, d) * scales + 1.0
    y_val = X_val @ w_true + 2.0 + noise * rng.randn(n_val)
    return X, y, X_val, y_val


def _lambda_max_mean(X, alpha=0.0):
    Xc = X - X.mean(axis=0)
    return (np.linalg.eigvalsh(Xc.T @ Xc)[-1] + alpha) / X.shape[0]


# ------------------------------------------------------------------ Algorithm 7.1
@pytest.mark.parametrize("solver", ["spectral", "iterative"])
@pytest.mark.parametrize("n, p", [(1, 10), (1, 3), (5, 4), (12, 2)])
def test_best_reproduces_an_explicit_gd_loop(n, p, solver):
    X, y, X_val, y_val = _data()
    lr = 0.8 / _lambda_max_mean(X)
    gd = ExplicitGD(X, y, lr)
    i_star, w_star, i_stop = explicit_algorithm_7_1(gd, X_val, y_val, n, p, 5000)
    assert n <= i_star < i_stop < 5000
    model = EarlyStoppedGD(lr, max_iter=5000, eval_every=n, patience=p, solver=solver).fit(
        X, y, X_val=X_val, y_val=y_val
    )
    assert (model.best_iter_, model.n_iter_) == (i_star, i_stop)
    np.testing.assert_allclose(model.coef_, w_star, rtol=1e-9, atol=1e-12)
    assert model.intercept_ == pytest.approx(gd.intercept(w_star), rel=1e-9)
    hist = model.history_frame()
    assert hist["step"].tolist() == list(range(n, i_stop + 1, n))
    assert hist["val_loss"].iloc[i_star // n - 1] == pytest.approx(
        gd.loss(w_star, X_val, y_val), rel=1e-9
    )
    assert hist["train_loss"].iloc[i_star // n - 1] == pytest.approx(
        gd.loss(w_star, X, y), rel=1e-9
    )
    assert model.learning_rate_ == lr


def test_retrain_is_gd_on_x_and_x_val_for_i_star_steps():
    X, y, X_val, y_val = _data()
    lr = 0.5 / _lambda_max_mean(np.vstack([X, X_val]))
    i_star, _, i_stop = explicit_algorithm_7_1(ExplicitGD(X, y, lr), X_val, y_val, 2, 5, 5000)
    model = EarlyStoppedGD(lr, eval_every=2, patience=5, strategy="retrain", max_iter=5000).fit(
        X, y, X_val=X_val, y_val=y_val
    )
    gd_all = ExplicitGD(np.vstack([X, X_val]), np.concatenate([y, y_val]), lr)
    w = gd_all.run(np.zeros(X.shape[1]), i_star)
    assert model.best_iter_ == i_star and model.n_iter_ == i_stop + i_star
    np.testing.assert_allclose(model.coef_, w, rtol=1e-9, atol=1e-12)
    assert model.intercept_ == pytest.approx(gd_all.intercept(w), rel=1e-9)
    assert set(model.history_frame()["phase"]) == {"search", "retrain"}


def _continue_data():
    # a small validation set that training on all data can fit: 7.3 terminates
    return _data(n=30, n_val=12, d=12, seed=0)


def test_continue_runs_gd_on_all_data_until_val_loss_reaches_epsilon():
    X, y, X_val, y_val = _continue_data()
    X_all, y_all = np.vstack([X, X_val]), np.concatenate([y, y_val])
    lr = 0.9 / _lambda_max_mean(X_all)
    gd = ExplicitGD(X, y, lr)
    i_star, w, i_stop = explicit_algorithm_7_1(gd, X_val, y_val, 1, 10, 20000)
    epsilon = gd.loss(w, X, y)
    gd_all, extra = ExplicitGD(X_all, y_all, lr), 0
    while gd_all.loss(w, X_val, y_val) > epsilon and extra < 20000:
        w, extra = gd_all.step(w), extra + 1
    assert 0 < extra < 20000
    for solver in ("spectral", "iterative"):
        model = EarlyStoppedGD(lr, strategy="continue", max_iter=20000, solver=solver).fit(
            X, y, X_val=X_val, y_val=y_val
        )
        assert (model.best_iter_, model.n_iter_) == (i_star, i_stop + extra)
        np.testing.assert_allclose(model.coef_, w, rtol=1e-9, atol=1e-12)
        assert model.intercept_ == pytest.approx(gd_all.intercept(w), rel=1e-9)
        last = model.history_frame().iloc[-1]
        assert last.phase == "continue" and last.step == i_star + extra and last.val_loss <= epsilon


def test_continue_that_cannot_reach_epsilon_warns():
    X, y, X_val, y_val = _data()  # large validation set: its loss stays above ε
    lr = 0.8 / _lambda_max_mean(np.vstack([X, X_val]))
    i_star, _, i_stop = explicit_algorithm_7_1(ExplicitGD(X, y, lr), X_val, y_val, 1, 10, 5000)
    with pytest.warns(ConvergenceWarning, match=r"7\.3.*max_iter=%d total steps" % (i_stop + 50)):
        model = EarlyStoppedGD(lr, strategy="continue", max_iter=i_stop + 50).fit(
            X, y, X_val=X_val, y_val=y_val
        )
    assert model.n_iter_ == i_stop + 50 and model.best_iter_ == i_star
    assert np.all(np.isfinite(model.coef_))


# ------------------------------------------------------------------ the two solvers
@pytest.mark.parametrize("strategy", ["best", "retrain", "continue", None])
@pytest.mark.parametrize("alpha", [0.0, 3.0])
@pytest.mark.parametrize("shape", [(40, 8, 1), (25, 40, 2)])  # n ≥ d; d > n with 2 targets
def test_spectral_and_iterative_solvers_agree(strategy, alpha, shape):
    n, d, t = shape
    rng = np.random.RandomState(1)
    X = rng.randn(n, d) * np.logspace(0, -1, d)
    Y = X @ rng.randn(d, t) + rng.randn(n, t)
    if t == 1:
        Y = Y[:, 0]
    kw = dict(
        learning_rate=1.5 / _lambda_max_mean(X, alpha),
        strategy=strategy,
        alpha=alpha,
        max_iter=400,
        eval_every=3,
        patience=6,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # allowed, not required
        spectral = EarlyStoppedGD(solver="spectral", **kw).fit(X, Y)
        iterative = EarlyStoppedGD(solver="iterative", **kw).fit(X, Y)
    np.testing.assert_allclose(spectral.coef_, iterative.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(spectral.intercept_, iterative.intercept_, rtol=1e-8, atol=1e-10)
    assert (spectral.best_iter_, spectral.n_iter_) == (iterative.best_iter_, iterative.n_iter_)
    pd.testing.assert_frame_equal(spectral.history_frame(), iterative.history_frame(), rtol=1e-8)
    np.testing.assert_allclose(spectral.equivalent_alpha_, iterative.equivalent_alpha_, rtol=1e-8)


def test_auto_picks_spectral_and_iterative_when_needed():
    X, y, X_val, y_val = _data()
    auto = EarlyStoppedGD().fit(X, y, X_val=X_val, y_val=y_val)
    spectral = EarlyStoppedGD(solver="spectral").fit(X, y, X_val=X_val, y_val=y_val)
    np.testing.assert_array_equal(auto.coef_, spectral.coef_)
    with pytest.raises(ValueError, match="solver='spectral'"):
        EarlyStoppedGD(solver="spectral", momentum=0.5).fit(X, y)
    with pytest.raises(ValueError, match="solver='spectral'"):
        EarlyStoppedGD(solver="spectral", batch_size=4).fit(X, y)


def test_momentum_runs_the_heavy_ball_recursion():
    X, y, X_val, y_val = _data()
    lr, mu = 0.5 / _lambda_max_mean(X), 0.6
    gd = ExplicitGD(X, y, lr)
    w, v = np.zeros(X.shape[1]), np.zeros(X.shape[1])
    for _ in range(37):
        v = mu * v - lr * gd.Xc.T @ (gd.Xc @ w - gd.yc) / gd.n
        w = w + v
    model = EarlyStoppedGD(lr, momentum=mu, strategy=None, max_iter=37).fit(X, y)
    np.testing.assert_allclose(model.coef_, w, rtol=1e-10)


def test_sgd_and_momentum_are_reproducible_with_random_state():
    X, y, _, _ = _data(n=80)
    kw = dict(
        batch_size=8,
        momentum=0.5,
        learning_rate=0.2 / _lambda_max_mean(X),
        max_iter=300,
        patience=5,
    )
    a = EarlyStoppedGD(random_state=4, **kw).fit(X, y)
    b = EarlyStoppedGD(random_state=4, **kw).fit(X, y)
    c = EarlyStoppedGD(random_state=5, **kw).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    pd.testing.assert_frame_equal(a.history_frame(), b.history_frame())
    assert not np.allclose(a.coef_, c.coef_)
    assert a.best_iter_ % a.eval_every == 0 and a.best_iter_ >= 1


def test_minibatch_sgd_decreases_the_training_loss():
    X, y, _, _ = _data(n=200, noise=0.1)
    model = EarlyStoppedGD(
        0.1 / _lambda_max_mean(X),
        batch_size=10,
        strategy=None,
        max_iter=600,
        eval_every=100,
        random_state=0,
    ).fit(X, y)
    losses = model.history_frame()["train_loss"].to_numpy()
    assert losses[-1] < 0.5 * losses[0]


# ------------------------------------------------------------------ equivalence with L2
@pytest.mark.parametrize("tau", [1, 7, 60])
def test_gd_iterate_is_generalized_ridge_with_equivalent_alpha(tau):
    X, y, _, _ = _data()
    lr = 0.7 / _lambda_max_mean(X)
    model = EarlyStoppedGD(lr, strategy=None, max_iter=tau).fit(X, y)
    w = ExplicitGD(X, y, lr).run(np.zeros(X.shape[1]), tau)
    np.testing.assert_allclose(model.coef_, w, rtol=1e-10, atol=1e-13)
    # generalized ridge Σ βᵢ/(λᵢ + aᵢ) uᵢ, computed here from numpy's eigh
    Xc, yc = X - X.mean(0), y - y.mean()
    lam, U = np.linalg.eigh(Xc.T @ Xc)
    lam, U = lam[::-1], U[:, ::-1]
    beta = U.T @ (Xc.T @ yc)
    a = model.equivalent_alpha_
    np.testing.assert_allclose(U @ (beta / (lam + a)), w, rtol=1e-8, atol=1e-11)
    # the lecture's formula, in the sum convention: ε' = ε/n on eigenvalues of XᵀX
    np.testing.assert_allclose(
        a, early_stopping_equivalent_alpha(lam, lr / X.shape[0], tau), rtol=1e-8
    )
    np.testing.assert_allclose(model.eigenvalues_, lam, rtol=1e-10)


def test_equivalent_alpha_with_weight_decay_reproduces_coef():
    X, y, _, _ = _data()
    alpha, tau = 4.0, 25
    lr = 0.9 / _lambda_max_mean(X, alpha)
    model = EarlyStoppedGD(lr, strategy=None, max_iter=tau, alpha=alpha).fit(X, y)
    w = ExplicitGD(X, y, lr, alpha).run(np.zeros(X.shape[1]), tau)
    np.testing.assert_allclose(model.coef_, w, rtol=1e-10, atol=1e-13)
    lam, U = model.eigenvalues_, model.eigenvectors_
    Xc, yc = X - X.mean(0), y - y.mean()
    beta = U.T @ (Xc.T @ yc)
    np.testing.assert_allclose(
        U @ (beta / (lam + model.equivalent_alpha_)), w, rtol=1e-8, atol=1e-11
    )
    assert np.all(model.equivalent_alpha_ >= alpha) and model.equivalent_alpha_[-1] > alpha + 0.1


def test_one_dimension_matches_the_lectures_weighted_average():
    rng = np.random.RandomState(0)
    x = rng.randn(50, 1)
    y = 3.0 * x[:, 0] + rng.randn(50)
    lam = float(x[:, 0] @ x[:, 0])  # sum-loss curvature, no intercept
    theta_star = float(x[:, 0] @ y) / lam
    lr = 0.3  # on the mean loss: ε' = ε/n on the sum loss
    for tau in (1, 2, 5, 20):
        model = EarlyStoppedGD(lr, strategy=None, max_iter=tau, fit_intercept=False).fit(x, y)
        expected = early_stopping_iterate(0.0, theta_star, lam, lr / 50, tau)
        assert model.coef_[0] == pytest.approx(expected, rel=1e-12)
        ridge = RidgeEigen(alpha=float(model.equivalent_alpha_[0]), fit_intercept=False).fit(x, y)
        assert ridge.coef_[0] == pytest.approx(model.coef_[0], rel=1e-10)
        assert model.intercept_ == 0.0


def test_long_gd_with_weight_decay_is_ridge():
    X, y, _, _ = _data(n=60, d=5)
    model = EarlyStoppedGD(strategy=None, alpha=2.0, max_iter=20000).fit(X, y)
    ridge = Ridge(alpha=2.0).fit(X, y)
    np.testing.assert_allclose(model.coef_, ridge.coef_, rtol=1e-8)
    assert model.intercept_ == pytest.approx(ridge.intercept_, rel=1e-8)


def test_theory_equivalent_alpha_decreases_in_tau():
    lam = np.array([0.1, 1.0, 5.0])
    taus = np.arange(1, 200)
    alphas = early_stopping_equivalent_alpha(lam[None, :], 0.15, taus[:, None])
    assert np.all(np.diff(alphas, axis=0) < 0)
    q = (1 - 0.15 * lam) ** 10
    np.testing.assert_allclose(alphas[9], lam * q / (1 - q), rtol=1e-12)
    # λ → 0: the limit 1/(ετ); τ = 0: nothing learned, α = ∞
    assert early_stopping_equivalent_alpha(0.0, 0.5, 4) == pytest.approx(0.5)
    assert early_stopping_equivalent_alpha(1e-9, 0.5, 4) == pytest.approx(0.5, rel=1e-8)
    assert np.isinf(early_stopping_equivalent_alpha(1.0, 0.5, 0))


# ------------------------------------------------------------------ learning rate
def test_auto_learning_rate_is_one_over_lambda_max():
    X, y, X_val, y_val = _data()
    model = EarlyStoppedGD(alpha=2.0).fit(X, y, X_val=X_val, y_val=y_val)
    assert model.learning_rate_ == pytest.approx(1.0 / _lambda_max_mean(X, 2.0), rel=1e-10)
    both = EarlyStoppedGD(strategy="retrain").fit(X, y, X_val=X_val, y_val=y_val)
    lam_max = max(_lambda_max_mean(X), _lambda_max_mean(np.vstack([X, X_val])))
    assert both.learning_rate_ == pytest.approx(1.0 / lam_max, rel=1e-10)


@pytest.mark.parametrize("solver", ["spectral", "iterative"])
def test_divergent_learning_rates_are_caught(solver):
    X, y, _, _ = _data()
    bound = 2.0 / _lambda_max_mean(X, 1.0)
    with pytest.raises(ValueError, match="diverge"):
        EarlyStoppedGD(1.001 * bound, alpha=1.0, strategy=None, solver=solver).fit(X, y)
    # just below the bound: GD oscillates (ρ < 0) but converges, no NaN
    model = EarlyStoppedGD(0.999 * bound, alpha=1.0, strategy=None, max_iter=50, solver=solver).fit(
        X, y
    )
    w = ExplicitGD(X, y, 0.999 * bound, 1.0).run(np.zeros(X.shape[1]), 50)
    np.testing.assert_allclose(model.coef_, w, rtol=1e-7, atol=1e-10)
    with pytest.raises(ValueError, match="momentum"):
        EarlyStoppedGD(2.0 * bound, momentum=0.5, alpha=1.0, strategy=None).fit(X, y)


def test_minibatch_divergence_is_an_error_not_nan():
    X, y, _, _ = _data(n=60)
    # below the full-batch bound 2/λ_max, yet single-sample steps blow up
    for factor in (1.0, 1.9):
        with pytest.raises(ValueError, match="diverged"):
            EarlyStoppedGD(
                factor / _lambda_max_mean(X),
                batch_size=1,
                strategy=None,
                max_iter=2000,
                random_state=0,
            ).fit(X, y)


# ------------------------------------------------------------------ data handling
def test_validation_fraction_split_and_tiny_data():
    X, y, _, _ = _data(n=50)
    model = EarlyStoppedGD(validation_fraction=0.3, random_state=0).fit(X, y)
    assert model.eigenvalues_.size == X.shape[1]  # subtrain (35 × 20) spectrum
    again = EarlyStoppedGD(validation_fraction=0.3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(model.coef_, again.coef_)
    with pytest.raises(ValueError, match="n_samples=1"):
        EarlyStoppedGD().fit(X[:1], y[:1])
    two = EarlyStoppedGD().fit(X[:2], y[:2])
    assert np.all(np.isfinite(two.coef_))
    one = EarlyStoppedGD(strategy=None, max_iter=5).fit(X[:1], y[:1])
    assert np.all(one.coef_ == 0) and one.intercept_ == pytest.approx(y[0])


def test_float32_and_multi_output_and_dataframes():
    X, y, X_val, y_val = _data()
    model = EarlyStoppedGD().fit(X.astype(np.float32), y.astype(np.float32))
    assert (
        model.coef_.dtype == np.float32 and model.predict(X.astype(np.float32)).dtype == np.float32
    )
    Y = np.column_stack([y, -y])
    multi = EarlyStoppedGD().fit(X, Y, X_val=X_val, y_val=np.column_stack([y_val, -y_val]))
    assert multi.coef_.shape == (2, X.shape[1]) and multi.intercept_.shape == (2,)
    np.testing.assert_allclose(multi.coef_[0], -multi.coef_[1], rtol=1e-10)
    cols = [f"f{i}" for i in range(X.shape[1])]
    frame = EarlyStoppedGD().fit(
        pd.DataFrame(X, columns=cols), y, X_val=pd.DataFrame(X_val, columns=cols), y_val=y_val
    )
    assert list(frame.feature_names_in_) == cols
    with pytest.raises(ValueError, match="together"):
        EarlyStoppedGD().fit(X, y, X_val=X_val)
    with pytest.raises(ValueError, match="y_val"):
        EarlyStoppedGD().fit(X, y, X_val=X_val, y_val=y_val[:5])


def test_history_and_inputs_untouched():
    X, y, X_val, y_val = _data()
    X0, y0 = X.copy(), y.copy()
    model = EarlyStoppedGD(eval_every=4, patience=3).fit(X, y, X_val=X_val, y_val=y_val)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    hist = model.history_frame()
    assert list(hist.columns) == ["step", "train_loss", "val_loss", "phase"]
    assert model.best_iter_ >= 4 and model.best_iter_ % 4 == 0
    assert hist.val_loss.min() == hist.val_loss[hist.step == model.best_iter_].iloc[0]
    assert len(hist) == model.n_iter_ // 4 and model.n_iter_ == model.best_iter_ + 3 * 4


@pytest.mark.parametrize("alpha", [0.0, 2.0])
def test_closed_form_from_any_start_matches_the_steps(alpha):
    # d > n: a start outside the row space is a null direction of H (decays as 1 − εα/n)
    from skreg.linear_model._trainers import _IterativeTrainer, _SpectralTrainer

    rng = np.random.RandomState(0)
    X, Y = rng.randn(15, 30), rng.randn(15, 2)
    X_val, Y_val = rng.randn(9, 30), rng.randn(9, 2)
    lr = 1.2 / _lambda_max_mean(X, alpha)
    kw = dict(alpha=alpha, fit_intercept=True, learning_rate=lr)
    spectral, iterative = _SpectralTrainer(30, 2, **kw), _IterativeTrainer(30, 2, **kw)
    start = [rng.randn(30, 2), np.zeros(2)]
    steps = np.array([1, 2, 5, 40])
    train, val = spectral.trajectory_losses(start, X, Y, X_val, Y_val, steps)
    params, done = start, 0
    for k, s in enumerate(steps):
        params, done = iterative.train(params, X, Y, s - done), s
        assert train[k] == pytest.approx(iterative.loss(params, X, Y), rel=1e-9)
        assert val[k] == pytest.approx(iterative.loss(params, X_val, Y_val), rel=1e-9)
        jumped = spectral.train(start, X, Y, int(s))
        np.testing.assert_allclose(jumped[0], params[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(jumped[1], params[1], rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ sample_weight
class WeightedExplicitGD(ExplicitGD):
    """GD on (1/Σw)[½Σ wₖ(xₖᵀw + b − yₖ)² + ½α‖w‖²] (weighted means, b recovered)."""

    def __init__(self, X, y, sw, learning_rate, alpha=0.0):
        self.xm, self.ym = np.average(X, axis=0, weights=sw), np.average(y, axis=0, weights=sw)
        self.Xc, self.yc, self.sw = X - self.xm, y - self.ym, sw
        self.n, self.lr, self.alpha = sw.sum(), learning_rate, alpha

    def step(self, w):
        grad = self.Xc.T @ (self.sw * (self.Xc @ w - self.yc)) + self.alpha * w
        return w - self.lr * grad / self.n


def _weighted_data(n=30, d=8, seed=5):
    X, y, X_val, y_val = _data(n=n, d=d, seed=seed)
    sw = np.random.RandomState(seed).randint(0, 4, size=n).astype(float)
    sw[:2] = [0.0, 3.0]
    return X, y, sw, X_val, y_val


@pytest.mark.parametrize("solver", ["spectral", "iterative"])
@pytest.mark.parametrize("alpha", [0.0, 2.0])
def test_integer_weights_equal_repeated_rows_without_early_stopping(solver, alpha):
    X, y, sw, _, _ = _weighted_data()
    kw = dict(strategy=None, max_iter=80, alpha=alpha, solver=solver)
    weighted = EarlyStoppedGD(**kw).fit(X, y, sample_weight=sw)
    rows = np.repeat(np.arange(X.shape[0]), sw.astype(int))
    repeated = EarlyStoppedGD(**kw).fit(X[rows], y[rows])
    assert weighted.learning_rate_ == pytest.approx(repeated.learning_rate_, rel=1e-12)
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-10, atol=1e-10)
    pd.testing.assert_frame_equal(weighted.history_frame(), repeated.history_frame(), rtol=1e-10)
    # and both are the weighted GD loop written above, with ε = 1/λ_max of the mean loss
    Xc = X - np.average(X, axis=0, weights=sw)
    lam_max = (np.linalg.eigvalsh((Xc * sw[:, None]).T @ Xc)[-1] + alpha) / sw.sum()
    assert weighted.learning_rate_ == pytest.approx(1.0 / lam_max, rel=1e-10)
    gd = WeightedExplicitGD(X, y, sw, weighted.learning_rate_, alpha)
    w = gd.run(np.zeros(X.shape[1]), 80)
    np.testing.assert_allclose(weighted.coef_, w, rtol=1e-9, atol=1e-11)
    assert weighted.intercept_ == pytest.approx(gd.intercept(w), rel=1e-10)


@pytest.mark.parametrize("strategy", ["best", "retrain", "continue"])
def test_integer_weights_equal_repeated_rows_with_an_explicit_validation_set(strategy):
    X, y, sw, X_val, y_val = _weighted_data()
    sw_val = np.random.RandomState(0).randint(1, 3, size=X_val.shape[0]).astype(float)
    kw = dict(
        learning_rate=0.5 / _lambda_max_mean(X),
        strategy=strategy,
        max_iter=4000,
        eval_every=2,
        patience=5,
    )
    rows, rows_val = (
        np.repeat(np.arange(X.shape[0]), sw.astype(int)),
        np.repeat(np.arange(X_val.shape[0]), sw_val.astype(int)),
    )
    with warnings.catch_warnings():  # 'continue' may not reach ε: the same for both
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = EarlyStoppedGD(**kw).fit(
            X, y, sample_weight=sw, X_val=X_val, y_val=y_val, sample_weight_val=sw_val
        )
        repeated = EarlyStoppedGD(**kw).fit(
            X[rows], y[rows], X_val=X_val[rows_val], y_val=y_val[rows_val]
        )
        unit = EarlyStoppedGD(**kw).fit(X, y, sample_weight=sw, X_val=X_val, y_val=y_val)
        plain = EarlyStoppedGD(**kw).fit(X[rows], y[rows], X_val=X_val, y_val=y_val)
    assert (weighted.best_iter_, weighted.n_iter_) == (repeated.best_iter_, repeated.n_iter_)
    assert weighted.best_iter_ > 2  # the search did stop early, somewhere inside
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-10, atol=1e-10)
    pd.testing.assert_frame_equal(weighted.history_frame(), repeated.history_frame(), rtol=1e-9)
    np.testing.assert_allclose(
        weighted.eigenvalues_,
        repeated.eigenvalues_[: weighted.eigenvalues_.size],
        rtol=1e-9,
        atol=1e-9,
    )
    # without sample_weight_val the validation rows count once each (unit weights)
    np.testing.assert_allclose(unit.coef_, plain.coef_, rtol=1e-10, atol=1e-10)


def test_validation_loss_is_the_weighted_mean_and_weights_split_with_rows():
    X, y, sw, _, _ = _weighted_data(n=40, seed=7)
    sw = sw + 0.5  # no zero weight: the split is then the unweighted split of the same rows
    kw = dict(learning_rate=0.9 / _lambda_max_mean(X), max_iter=3000, patience=3, random_state=7)
    model = EarlyStoppedGD(**kw).fit(X, y, sample_weight=sw)
    unweighted = EarlyStoppedGD(**kw).fit(X, y)
    assert 1 < model.best_iter_ < 3000 and model.best_iter_ != unweighted.best_iter_
    # the split is train_test_split's with the same seed (checked on the unweighted fit)
    i_tr, i_val = train_test_split(
        np.arange(40), test_size=8, random_state=np.random.RandomState(7)
    )
    Xc = X[i_tr] - X[i_tr].mean(0)
    np.testing.assert_allclose(
        unweighted.eigenvalues_[:8], np.linalg.eigvalsh(Xc.T @ Xc)[::-1], rtol=1e-9
    )
    w_tr = sw[i_tr]
    Xw = (X[i_tr] - np.average(X[i_tr], axis=0, weights=w_tr)) * np.sqrt(w_tr)[:, None]
    np.testing.assert_allclose(model.eigenvalues_, np.linalg.eigvalsh(Xw.T @ Xw)[::-1], rtol=1e-9)
    gd = WeightedExplicitGD(X[i_tr], y[i_tr], w_tr, model.learning_rate_)
    w = gd.run(np.zeros(X.shape[1]), model.best_iter_)
    np.testing.assert_allclose(model.coef_, w, rtol=1e-9, atol=1e-11)
    resid = X[i_val] @ w + gd.intercept(w) - y[i_val]
    row = model.history_frame().set_index("step").loc[model.best_iter_]
    assert row.val_loss == pytest.approx(0.5 * np.average(resid**2, weights=sw[i_val]), rel=1e-9)
    resid_tr = X[i_tr] @ w + gd.intercept(w) - y[i_tr]
    assert row.train_loss == pytest.approx(0.5 * np.average(resid_tr**2, weights=w_tr), rel=1e-9)


@pytest.mark.parametrize("strategy", [None, "best", "continue"])
@pytest.mark.parametrize("solver", ["spectral", "iterative"])
def test_zero_weight_is_an_absent_row(strategy, solver):
    X, y, _, _, _ = _weighted_data(n=40)
    sw = np.ones(40)
    sw[[3, 17, 30]] = 0.0
    keep = sw > 0
    kw = dict(strategy=strategy, max_iter=300, random_state=2, solver=solver)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = EarlyStoppedGD(**kw).fit(X, y, sample_weight=sw)
        dropped = EarlyStoppedGD(**kw).fit(X[keep], y[keep])
    np.testing.assert_allclose(weighted.coef_, dropped.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weighted.intercept_, dropped.intercept_, rtol=1e-10)
    assert (weighted.best_iter_, weighted.n_iter_) == (dropped.best_iter_, dropped.n_iter_)


@pytest.mark.parametrize("strategy", ["best", "retrain", "continue", None])
@pytest.mark.parametrize("alpha", [0.0, 3.0])
@pytest.mark.parametrize("shape", [(40, 8, 1), (25, 40, 2)])
def test_spectral_and_iterative_solvers_agree_with_weights(strategy, alpha, shape):
    n, d, t = shape
    rng = np.random.RandomState(1)
    X = rng.randn(n, d) * np.logspace(0, -1, d)
    Y = X @ rng.randn(d, t) + rng.randn(n, t)
    Y = Y[:, 0] if t == 1 else Y
    sw = rng.uniform(0.1, 3.0, size=n)
    sw[::7] = 0.0
    kw = dict(
        strategy=strategy, alpha=alpha, max_iter=400, eval_every=3, patience=6, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        spectral = EarlyStoppedGD(solver="spectral", **kw).fit(X, Y, sample_weight=sw)
        iterative = EarlyStoppedGD(solver="iterative", **kw).fit(X, Y, sample_weight=sw)
    np.testing.assert_allclose(spectral.coef_, iterative.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(spectral.intercept_, iterative.intercept_, rtol=1e-8, atol=1e-10)
    assert (spectral.best_iter_, spectral.n_iter_) == (iterative.best_iter_, iterative.n_iter_)
    pd.testing.assert_frame_equal(spectral.history_frame(), iterative.history_frame(), rtol=1e-8)
    # ε = 1/λ_max makes ρ₁ = 0 up to rounding: a₁ ≈ 0 within ~1e-46, hence the atol
    np.testing.assert_allclose(
        spectral.equivalent_alpha_, iterative.equivalent_alpha_, rtol=1e-8, atol=1e-12
    )


@pytest.mark.parametrize("alpha, tau", [(0.0, 1), (0.0, 40), (2.5, 15)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_equivalent_alpha_reproduces_coef_with_weights(alpha, tau, fit_intercept):
    X, y, sw, _, _ = _weighted_data()
    sw = sw * 0.7 + 0.1
    model = EarlyStoppedGD(
        strategy=None, max_iter=tau, alpha=alpha, fit_intercept=fit_intercept
    ).fit(X, y, sample_weight=sw)
    spec = decompose(X, y, sw, fit_intercept=fit_intercept)
    beta = spec.eigenvalues * spec.theta_star[:, 0]
    coef = spec.eigenvectors @ (beta / (spec.eigenvalues + model.equivalent_alpha_))
    np.testing.assert_allclose(coef, model.coef_, rtol=1e-8, atol=1e-11)
    np.testing.assert_allclose(model.eigenvalues_, spec.eigenvalues, rtol=1e-12)
    # the lecture's formula with ε' = ε/Σw on the eigenvalues of X_wᵀX_w
    if alpha == 0:
        expected = early_stopping_equivalent_alpha(
            spec.eigenvalues, model.learning_rate_ / sw.sum(), tau
        )
        # (ε = 1/λ₁ makes ρ₁ = 0 up to rounding: a₁ ≈ 0 to ~1e-15, hence the atol)
        np.testing.assert_allclose(model.equivalent_alpha_, expected, rtol=1e-8, atol=1e-10)
    # and RidgeEigen on the weighted data with a scalar α is the α-filter: long GD with decay
    if alpha > 0:
        long = EarlyStoppedGD(
            strategy=None, max_iter=20000, alpha=alpha, fit_intercept=fit_intercept
        ).fit(X, y, sample_weight=sw)
        ridge = RidgeEigen(alpha=alpha, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(long.coef_, ridge.coef_, rtol=1e-6, atol=1e-8)


def test_weighted_sgd_and_momentum_descend_the_weighted_loss():
    X, y, sw, _, _ = _weighted_data(n=60)
    sw = sw + 0.25
    gd = EarlyStoppedGD(strategy=None, max_iter=3000).fit(X, y, sample_weight=sw)
    best = gd.history_frame()["train_loss"].iloc[-1]
    for kw in [dict(batch_size=10, learning_rate=0.5), dict(momentum=0.5)]:
        model = EarlyStoppedGD(strategy=None, max_iter=3000, random_state=0, **kw).fit(
            X, y, sample_weight=sw
        )
        assert model.history_frame()["train_loss"].iloc[-1] < 1.02 * best
        np.testing.assert_allclose(model.predict(X), gd.predict(X), atol=0.2)
    # scaling every weight leaves a fit without decay unchanged (the loss is a weighted mean)
    scaled = EarlyStoppedGD(strategy=None, max_iter=3000).fit(X, y, sample_weight=5.0 * sw)
    np.testing.assert_allclose(scaled.coef_, gd.coef_, rtol=1e-9, atol=1e-12)


def test_weighted_minibatch_step_is_unbiased():
    X, y, sw, _, _ = _weighted_data(n=30)
    sw = sw + 0.5
    Y = y[:, None]
    lr, alpha, b = 0.01, 1.5, 7
    trainer = _IterativeTrainer(
        X.shape[1], 1, alpha=alpha, fit_intercept=True, batch_size=b, seed=4
    )
    trainer.set_sample_weight(X, Y, sw)
    trainer.set_learning_rate(lr)
    w1, b1 = trainer.train(trainer.init_params(), X, Y, 1)
    idx = next(iter_minibatches(30, b, np.random.RandomState(4)))
    xm, ym = np.average(X, axis=0, weights=sw), np.average(y, weights=sw)
    # Σ_batch wₖ ∇ℓₖ / (m · Σw/n): its expectation over batches is the full weighted gradient
    grad = (X[idx] - xm).T @ (sw[idx] * (0.0 - (y[idx] - ym))) / (b * sw.sum() / 30)
    np.testing.assert_allclose(w1[:, 0], -lr * grad, rtol=1e-12)
    assert b1[0] == pytest.approx(ym - xm @ w1[:, 0], rel=1e-12)
    assert trainer.loss([w1, b1], X, Y) == pytest.approx(
        0.5 * np.average((X @ w1[:, 0] + b1[0] - y) ** 2, weights=sw), rel=1e-12
    )


def test_bad_validation_weights():
    X, y, sw, X_val, y_val = _weighted_data()
    with pytest.raises(ValueError, match="sample_weight_val needs X_val"):
        EarlyStoppedGD().fit(X, y, sample_weight_val=np.ones(3))
    with pytest.raises(ValueError, match="sample_weight.shape"):
        EarlyStoppedGD().fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=np.ones(3))
    with pytest.raises(ValueError, match="[Nn]egative"):
        EarlyStoppedGD().fit(
            X, y, X_val=X_val, y_val=y_val, sample_weight_val=-np.ones(X_val.shape[0])
        )
    with pytest.raises(ValueError, match="non-zero"):
        EarlyStoppedGD().fit(
            X, y, X_val=X_val, y_val=y_val, sample_weight_val=np.zeros(X_val.shape[0])
        )
    w0 = sw.copy()
    EarlyStoppedGD(strategy=None, max_iter=20).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(sw, w0)
