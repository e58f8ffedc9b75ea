"""skreg.early_stopping: the driver held to the lecture's pseudo-code, written out in the tests."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from skreg.early_stopping import EarlyStoppingResult, history_frame, Trainer, run_early_stopping, split_validation


# ------------------------------------------------------------------ scripted curves
class Scripted:
    """θ is the step count; the "data" y is a function giving the loss at each step."""

    def __init__(self):
        self.inits = 0

    def init_params(self):
        self.inits += 1
        return 0

    def train(self, params, X, y, n_steps):
        return params + n_steps

    def loss(self, params, X, y):
        return float(y(params))

    def copy(self, params):
        return params


def algorithm_7_1(curve, n, p, max_iter, min_delta=0.0):
    """The lecture's Algorithm 7.1, line by line (plus the max_iter bound)."""
    i, j, v, i_star = 0, 0, np.inf, 0
    while j < p and i + n <= max_iter:
        i += n
        v_new = curve(i)
        if v_new < v - min_delta:
            j, i_star, v = 0, i, v_new
        else:
            j += 1
    return i_star, i


def _noisy_u(seed):
    noise = np.random.RandomState(seed).rand(2000)
    return lambda i: (i / 60.0 - 1.0) ** 2 + 0.05 * noise[i]


@pytest.mark.parametrize("n, p, min_delta", [(1, 1, 0.0), (1, 10, 0.0), (3, 4, 0.0), (7, 2, 0.0), (2, 5, 0.01), (5, 20, 0.0)])
@pytest.mark.parametrize("seed", [0, 1])
def test_best_matches_algorithm_7_1(n, p, min_delta, seed):
    curve = _noisy_u(seed)
    i_star, i_stop = algorithm_7_1(curve, n, p, 1500, min_delta)
    result = run_early_stopping(Scripted(), None, curve, None, curve, eval_every=n, patience=p,
                                min_delta=min_delta, max_iter=1500)
    assert (result.best_iter, result.n_iter, result.params) == (i_star, i_stop, i_star)
    assert result.converged
    assert history_frame(result.history)["step"].tolist() == list(range(n, i_stop + 1, n))
    np.testing.assert_allclose(history_frame(result.history)["val_loss"], [curve(s) for s in range(n, i_stop + 1, n)])
    assert (history_frame(result.history)["phase"] == "search").all()


def test_theta_0_is_not_a_candidate():
    # validation loss increasing from the start: θ₀ would be best, yet i* = n
    curve = lambda i: float(i)  # noqa: E731
    result = run_early_stopping(Scripted(), None, curve, None, curve, eval_every=4, patience=3)
    assert result.best_iter == 4 and result.params == 4 and result.n_iter == 16


def test_max_iter_bounds_the_search_and_warns():
    with pytest.warns(ConvergenceWarning, match="still improving"):
        curve = lambda i: -float(i)  # noqa: E731
        result = run_early_stopping(Scripted(), None, curve, None, curve, eval_every=3, max_iter=20)
    assert (result.best_iter, result.n_iter, result.converged) == (18, 18, False)


def test_diverged_training_is_an_error():
    with pytest.raises(ValueError, match="never finite"):
        curve = lambda i: np.nan  # noqa: E731
        run_early_stopping(Scripted(), None, curve, None, curve, patience=2)


def test_bad_arguments():
    curve = _noisy_u(0)
    with pytest.raises(ValueError, match="strategy"):
        run_early_stopping(Scripted(), None, curve, None, curve, strategy="worst")
    with pytest.raises(ValueError, match="max_iter"):
        run_early_stopping(Scripted(), None, curve, None, curve, eval_every=5, max_iter=3)
    with pytest.raises(ValueError, match="validation set"):
        run_early_stopping(Scripted(), None, curve, None, None)
    with pytest.raises(ValueError, match="patience"):
        run_early_stopping(Scripted(), None, curve, None, curve, patience=0)


# ------------------------------------------------------------------ a real learner
class LeastSquaresGD:
    """Plain GD on ½·mean‖Xw − y‖², from a seeded random θ₀ (no intercept)."""

    def __init__(self, n_features, learning_rate, seed=0):
        self.d, self.lr, self.seed = n_features, learning_rate, seed
        self.inits = 0

    def init_params(self):
        self.inits += 1
        return np.random.RandomState(self.seed).randn(self.d)

    def train(self, params, X, y, n_steps):
        w = params.copy()
        for _ in range(n_steps):
            w -= self.lr * X.T @ (X @ w - y) / X.shape[0]
        return w

    def loss(self, params, X, y):
        return 0.5 * float(np.mean((X @ params - y) ** 2))

    def copy(self, params):
        return params.copy()


class ClosedFormLeastSquaresGD(LeastSquaresGD):
    """Same learner, with the optional vectorized hook (computed by brute force here)."""

    calls = 0

    def trajectory_losses(self, params, X, y, X_val, y_val, steps):
        type(self).calls += 1
        train, val, w, done = [], [], params.copy(), 0
        for s in steps:
            w = self.train(w, X, y, int(s) - done)
            done = int(s)
            train.append(self.loss(w, X, y))
            val.append(self.loss(w, X_val, y_val) if y_val is not None else np.nan)
        return np.array(train), np.array(val)


@pytest.fixture
def problem():
    rng = np.random.RandomState(6)
    d = 12
    scales = np.logspace(0, -1.5, d)
    w_true = rng.randn(d)
    X = rng.randn(20, d) * scales
    y = X @ w_true + rng.randn(20)
    X_val = rng.randn(10, d) * scales
    y_val = X_val @ w_true + rng.randn(10)
    return X, y, X_val, y_val


def _explicit_best(trainer, X, y, X_val, y_val, n, p, max_iter):
    w, i, j, v, best = trainer.init_params(), 0, 0, np.inf, None
    while j < p and i + n <= max_iter:
        w = trainer.train(w, X, y, n)
        i += n
        v_new = trainer.loss(w, X_val, y_val)
        if v_new < v:
            j, v, best = 0, v_new, (i, w.copy())
        else:
            j += 1
    return best, i


@pytest.mark.parametrize("n, p", [(1, 5), (4, 3), (10, 2)])
def test_retrain_is_gd_on_all_data_for_i_star_steps(problem, n, p):
    X, y, X_val, y_val = problem
    trainer = LeastSquaresGD(X.shape[1], learning_rate=0.5)
    (i_star, _), i_stop = _explicit_best(LeastSquaresGD(X.shape[1], 0.5), X, y, X_val, y_val, n, p, 5000)
    result = run_early_stopping(trainer, X, y, X_val, y_val, strategy="retrain", eval_every=n, patience=p, max_iter=5000)
    X_all, y_all = np.vstack([X, X_val]), np.concatenate([y, y_val])
    expected = trainer.train(trainer.init_params(), X_all, y_all, i_star)
    assert result.best_iter == i_star and result.n_iter == i_stop + i_star
    np.testing.assert_allclose(result.params, expected, rtol=1e-12)
    retrain = history_frame(result.history)[history_frame(result.history)["phase"] == "retrain"]
    assert retrain["step"].tolist() == list(range(n, i_star + 1, n))
    assert trainer.inits == 2 + 1  # search, re-initialisation (+ the one in this test)


@pytest.mark.parametrize("n, p", [(1, 5), (3, 3)])
def test_continue_trains_until_validation_loss_reaches_subtrain_loss(problem, n, p):
    X, y, X_val, y_val = problem
    trainer = LeastSquaresGD(X.shape[1], learning_rate=0.5)
    (i_star, w), i_stop = _explicit_best(LeastSquaresGD(X.shape[1], 0.5), X, y, X_val, y_val, n, p, 20000)
    target = trainer.loss(w, X, y)
    X_all, y_all = np.vstack([X, X_val]), np.concatenate([y, y_val])
    extra = 0
    while trainer.loss(w, X_val, y_val) > target and extra < 5000:
        w = trainer.train(w, X_all, y_all, n)
        extra += n
    assert 0 < extra < 5000
    result = run_early_stopping(trainer, X, y, X_val, y_val, strategy="continue", eval_every=n, patience=p, max_iter=20000)
    assert (result.best_iter, result.n_iter, result.n_steps) == (i_star, i_stop + extra, i_star + extra)
    assert result.target_loss == pytest.approx(target, rel=1e-12) and result.converged
    np.testing.assert_allclose(result.params, w, rtol=1e-12)
    cont = history_frame(result.history)[history_frame(result.history)["phase"] == "continue"]
    assert cont["step"].tolist() == list(range(i_star + n, i_star + extra + 1, n))
    assert cont["val_loss"].iloc[-1] <= target < cont["val_loss"].iloc[:-1].min()


def test_continue_that_cannot_finish_warns(problem):
    X, y, X_val, y_val = problem
    trainer = LeastSquaresGD(X.shape[1], learning_rate=0.5)
    (i_star, _), i_stop = _explicit_best(LeastSquaresGD(X.shape[1], 0.5), X, y, X_val, y_val, 1, 5, 20000)
    max_iter = i_stop + 3  # three continuation steps are not enough
    with pytest.warns(ConvergenceWarning, match=r"7\.3.*max_iter"):
        result = run_early_stopping(trainer, X, y, X_val, y_val, strategy="continue", patience=5, max_iter=max_iter)
    assert result.n_iter == max_iter and result.n_steps == i_star + 3 and not result.converged
    assert (history_frame(result.history)["val_loss"] > result.target_loss).all()


@pytest.mark.parametrize("strategy", ["best", "retrain", "continue", None])
def test_closed_form_hook_gives_the_same_run(problem, strategy):
    X, y, X_val, y_val = problem
    kwargs = dict(strategy=strategy, eval_every=2, patience=150, max_iter=1200)
    plain = run_early_stopping(LeastSquaresGD(X.shape[1], 0.5), X, y, X_val, y_val, **kwargs)
    ClosedFormLeastSquaresGD.calls = 0
    fast = run_early_stopping(ClosedFormLeastSquaresGD(X.shape[1], 0.5), X, y, X_val, y_val, **kwargs)
    assert ClosedFormLeastSquaresGD.calls >= 1
    assert (fast.best_iter, fast.n_iter, fast.n_steps) == (plain.best_iter, plain.n_iter, plain.n_steps)
    np.testing.assert_allclose(fast.params, plain.params, rtol=1e-12)
    pd.testing.assert_frame_equal(history_frame(fast.history), history_frame(plain.history), rtol=1e-12)


def test_strategy_none_runs_exactly_max_iter_steps(problem):
    X, y, _, _ = problem
    trainer = LeastSquaresGD(X.shape[1], 0.5)
    result = run_early_stopping(trainer, X, y, None, None, strategy=None, eval_every=4, max_iter=10)
    np.testing.assert_allclose(result.params, trainer.train(trainer.init_params(), X, y, 10), rtol=1e-13)
    assert history_frame(result.history)["step"].tolist() == [4, 8, 10]
    assert history_frame(result.history)["val_loss"].isna().all() and (history_frame(result.history)["phase"] == "train").all()
    assert (result.best_iter, result.n_iter) == (10, 10)


def test_result_and_protocol_types(problem):
    X, y, X_val, y_val = problem
    trainer = LeastSquaresGD(X.shape[1], 0.5)
    assert isinstance(trainer, Trainer)
    result = run_early_stopping(trainer, X, y, X_val, y_val)
    assert isinstance(result, EarlyStoppingResult)
    assert list(history_frame(result.history).columns) == ["step", "train_loss", "val_loss", "phase"]
    assert history_frame(result.history)["step"].dtype == np.int64


# ------------------------------------------------------------------ split_validation
def test_split_validation_fraction_and_seed():
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20.0)
    X_tr, y_tr, X_va, y_va, X_all, y_all = split_validation(X, y, validation_fraction=0.25, random_state=1)
    assert X_tr.shape == (15, 2) and X_va.shape == (5, 2) and X_all is X and y_all is y
    np.testing.assert_array_equal(np.sort(np.concatenate([y_tr, y_va])), y)
    np.testing.assert_array_equal(X_va[:, 0] / 2, y_va)  # rows stay paired
    again = split_validation(X, y, validation_fraction=0.25, random_state=1)
    np.testing.assert_array_equal(again[3], y_va)


def test_split_validation_explicit_data_is_appended():
    X, y = np.ones((6, 2)), np.arange(6.0)
    X_val, y_val = np.zeros((3, 2)), -np.ones(3)
    X_tr, y_tr, X_va, y_va, X_all, y_all = split_validation(
        X, y, validation_fraction=0.5, random_state=0, X_val=X_val, y_val=y_val)
    assert X_tr is X and X_va is X_val
    np.testing.assert_array_equal(y_all, np.concatenate([y, y_val]))
    assert X_all.shape == (9, 2)
    with pytest.raises(ValueError, match="together"):
        split_validation(X, y, validation_fraction=0.5, random_state=0, X_val=X_val)


def test_split_validation_stratifies_and_falls_back():
    y = np.array([0] * 16 + [1] * 4)
    X = np.arange(20.0)[:, None]
    _, y_tr, _, y_va, _, _ = split_validation(X, y, validation_fraction=0.25, random_state=0, stratify=True)
    assert np.bincount(y_va).tolist() == [4, 1] and np.bincount(y_tr).tolist() == [12, 3]
    y_rare = np.array([0] * 19 + [1])  # one member: stratification impossible, plain split
    _, y_tr, _, y_va, _, _ = split_validation(X, y_rare, validation_fraction=0.25, random_state=0, stratify=True)
    assert y_tr.size == 15 and y_va.size == 5 and y_tr.sum() + y_va.sum() == 1


def test_split_validation_too_few_samples():
    with pytest.raises(ValueError, match="n_samples=1"):
        split_validation(np.ones((1, 2)), np.ones(1), validation_fraction=0.2, random_state=0)
    X_tr, _, X_va, _, _, _ = split_validation(np.ones((2, 2)), np.ones(2), validation_fraction=0.2, random_state=0)
    assert X_tr.shape[0] == 1 and X_va.shape[0] == 1
    with pytest.raises(ValueError, match="validation_fraction"):
        split_validation(np.ones((5, 2)), np.ones(5), validation_fraction=1.0, random_state=0)


def test_verbose_prints_one_line_per_evaluation_with_elapsed_time(capsys):
    import re

    from skreg import EarlyStoppedGD, RidgeEigenCV

    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 4))
    y = X @ np.array([1.0, 2.0, 0.0, 0.0]) + rng.standard_normal(60)
    model = EarlyStoppedGD(max_iter=20, patience=3, verbose=1, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(model.history_["step"])
    assert all(re.search(r"^\[search\] step \d+: train .*, val .* \(\d+\.\d\d s\)$", line) for line in lines)
    RidgeEigenCV(alphas=[0.1, 1.0, 10.0], cv=3, verbose=1).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and all("fold" in line and line.endswith(" s)") for line in lines)
    RidgeEigenCV(alphas=[0.1, 1.0, 10.0], verbose=0).fit(X, y)
    assert capsys.readouterr().out == ""
