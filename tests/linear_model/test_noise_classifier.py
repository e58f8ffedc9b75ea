"""NoisyInputClassifier and the logistic input-noise penalty, held to the theory,
to Monte-Carlo averages of the noisy cross-entropy, finite differences and scikit-learn."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, log_expit, logsumexp, softmax
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from skreg import NoisyInputClassifier
from skreg.noise import add_input_noise, input_noise_logistic_penalty
from skreg.theory import logistic_input_noise_penalty


def _data(n_classes=2, n=120, d=4, seed=0):
    X, y = make_classification(n_samples=n, n_features=d, n_informative=3, n_redundant=0,
                               n_classes=n_classes, n_clusters_per_class=1, flip_y=0.2,
                               class_sep=0.7, random_state=seed)
    return X, y


def _cross_entropy(X, W, b, y, s=None):
    """Σ sᵢ ℓ(yᵢ, Wxᵢ + b), written out here (binary: one row of W)."""
    s = np.ones(len(y)) if s is None else s
    Z = X @ np.atleast_2d(W).T + b
    if Z.shape[1] == 1:
        return -float(s @ (y * log_expit(Z[:, 0]) + (1 - y) * log_expit(-Z[:, 0])))
    return float(s @ (logsumexp(Z, axis=1) - Z[np.arange(len(y)), y]))


def _proba(X, W, b):
    Z = X @ W.T + b
    return expit(Z[:, 0]) if W.shape[0] == 1 else softmax(Z, axis=1)


@pytest.mark.parametrize("n_rows", [1, 3])
def test_core_penalty_is_the_theory_and_its_gradient_the_finite_differences(n_rows):
    rng = np.random.default_rng(0)
    X, s = rng.standard_normal((30, 4)), rng.uniform(0.5, 2.0, 30)
    W, b = rng.standard_normal((n_rows, 4)), rng.standard_normal(n_rows)

    def core(W, b):
        return input_noise_logistic_penalty(X, W, _proba(X, W, b), 0.3, s)

    value, grad_W, grad_b = core(W, b)
    assert value == pytest.approx(logistic_input_noise_penalty(X, W, b, 0.3, s), rel=1e-12)
    eps = 1e-6
    for idx in np.ndindex(W.shape):
        E = np.zeros_like(W)
        E[idx] = eps
        fd = (logistic_input_noise_penalty(X, W + E, b, 0.3, s)
              - logistic_input_noise_penalty(X, W - E, b, 0.3, s)) / (2 * eps)
        assert grad_W[idx] == pytest.approx(fd, rel=1e-6, abs=1e-8)
    for k in range(n_rows):
        e = eps * np.eye(n_rows)[k]
        fd = (logistic_input_noise_penalty(X, W, b + e, 0.3, s)
              - logistic_input_noise_penalty(X, W, b - e, 0.3, s)) / (2 * eps)
        assert grad_b[k] == pytest.approx(fd, rel=1e-6, abs=1e-8)


def test_softmax_with_two_classes_is_the_binary_penalty_of_the_difference():
    rng = np.random.default_rng(1)
    X, W, b = rng.standard_normal((25, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    two = logistic_input_noise_penalty(X, W, b, 0.2)
    one = logistic_input_noise_penalty(X, W[1] - W[0], b[1] - b[0], 0.2)
    assert two == pytest.approx(one, rel=1e-12)


def _noisy_mean(X, W, b, y, sigma, eps):
    """Monte-Carlo mean of the noisy cross-entropy: the draws ε (M, n, d), antithetic."""
    total = 0.0
    for sign in (1.0, -1.0):
        total += np.mean([_cross_entropy(X + sign * sigma * e, W, b, y) for e in eps])
    return total / 2


@pytest.mark.parametrize("n_rows", [1, 3])
def test_monte_carlo_expansion_is_second_order(n_rows):
    # E ℓ(x + ε) − ℓ(x) = penalty + O(σ⁴): the same draws for every σ, so the gap to the
    # penalty, divided by σ⁴, stays bounded while σ shrinks and the penalty ∝ σ² does not
    rng = np.random.default_rng(2)
    n, d = 12, 3
    X = rng.standard_normal((n, d))
    W, b = rng.standard_normal((n_rows, d)), rng.standard_normal(n_rows)
    y = rng.integers(0, max(2, n_rows), n)
    eps = rng.standard_normal((4000, n, d))
    clean = _cross_entropy(X, W, b, y)
    gaps, penalties = [], []
    for sigma in (0.2, 0.1):
        mc = _noisy_mean(X, W, b, y, sigma, eps) - clean
        penalty = logistic_input_noise_penalty(X, W, b, sigma)
        # the quadratic term's sampling error: the same draws through the exact Hessian term
        U = np.einsum("mnd,kd->mnk", sigma * eps, W)
        P = np.atleast_2d(_proba(X, W, b).T).T
        if n_rows == 1:
            quad = 0.5 * np.mean(np.sum(P[:, 0] * (1 - P[:, 0]) * U[..., 0] ** 2, axis=1))
        else:
            quad = 0.5 * np.mean(np.sum(np.einsum("nk,mnk->mn", P, U**2)
                                        - np.einsum("nk,mnk->mn", P, U) ** 2, axis=1))
        assert quad == pytest.approx(penalty, rel=0.05)  # E[quadratic term] = the penalty
        gaps.append(abs(mc - quad))
        penalties.append(penalty)
    assert penalties[1] == pytest.approx(penalties[0] / 4, rel=1e-12)  # ∝ σ²
    assert gaps[1] < gaps[0] / 8  # the remainder is O(σ⁴) (ratio 16 in the limit)
    assert gaps[1] < 0.02 * penalties[1]


def test_monte_carlo_mean_matches_the_penalty_for_small_noise():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((10, 3))
    W, b, y = rng.standard_normal((1, 3)), np.array([0.3]), rng.integers(0, 2, 10)
    sigma = 0.05
    eps = rng.standard_normal((20000, 10, 3))
    mc = _noisy_mean(X, W, b, y, sigma, eps) - _cross_entropy(X, W, b, y)
    assert mc == pytest.approx(logistic_input_noise_penalty(X, W, b, sigma), rel=0.03)


def _objective(X, W, b, y, s, sigma, alpha):
    return (_cross_entropy(X, W, b, y, s) + 0.5 * alpha * np.sum(W**2)
            + logistic_input_noise_penalty(X, W, b, sigma, s))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_marginalize_is_a_stationary_point_of_the_theory_objective(n_classes):
    X, y = _data(n_classes)
    s = np.random.default_rng(4).uniform(0.5, 2.0, len(y))
    clf = NoisyInputClassifier(LogisticRegression(C=0.5), noise_std=0.4,
                               method="marginalize").fit(X, y, sample_weight=s)
    W, b = clf.coef_, clf.intercept_
    assert W.shape == ((1, 4) if n_classes == 2 else (3, 4))
    eps = 1e-6
    for idx in np.ndindex(W.shape):
        E = np.zeros_like(W)
        E[idx] = eps
        fd = (_objective(X, W + E, b, y, s, 0.4, 2.0) - _objective(X, W - E, b, y, s, 0.4, 2.0))
        assert abs(fd / (2 * eps)) < 1e-4 * s.sum()
    assert clf.noise_penalty_ == pytest.approx(logistic_input_noise_penalty(X, W, b, 0.4, s), rel=1e-10)
    norm2 = np.sum(W**2)
    assert clf.equivalent_alpha_ == pytest.approx(2.0 + 2 * clf.noise_penalty_ / norm2, rel=1e-8)
    if n_classes == 2:
        p = clf.predict_proba(X)[:, 1]
        assert clf.equivalent_alpha_ == pytest.approx(2.0 + 0.16 * np.sum(s * p * (1 - p)), rel=1e-8)
    # the model is better-regularized than without noise: a smaller ‖W‖
    plain = NoisyInputClassifier(LogisticRegression(C=0.5), noise_std=0.0,
                                 method="marginalize").fit(X, y, sample_weight=s)
    assert norm2 < np.sum(plain.coef_**2)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_marginalize_without_noise_is_logistic_regression(n_classes):
    X, y = _data(n_classes)
    s = np.random.default_rng(5).uniform(0.5, 2.0, len(y))
    ours = NoisyInputClassifier(LogisticRegression(C=0.3), noise_std=0.0,
                                method="marginalize").fit(X, y, sample_weight=s)
    ref = LogisticRegression(C=0.3, tol=1e-12, max_iter=10_000).fit(X, y, sample_weight=s)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-7)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    assert ours.equivalent_alpha_ == pytest.approx(1 / 0.3)


def test_marginalize_is_the_limit_of_augmentation_for_small_noise():
    X, y = _data(2, n=200)
    base = LogisticRegression(C=1.0, max_iter=2000)
    exact = NoisyInputClassifier(base, noise_std=0.3, method="marginalize").fit(X, y)
    plain = NoisyInputClassifier(base, noise_std=0.0, method="marginalize").fit(X, y)
    aug = NoisyInputClassifier(LogisticRegression(C=1 / 200, tol=1e-10, max_iter=5000),
                               noise_std=0.3, n_copies=200, random_state=0).fit(X, y)
    # 200 copies: the data term is 200 times the expected one, so α = 200 (C = 1/200)
    # is α = 1 per copy
    def rel(a):
        return np.abs(a.coef_ - exact.coef_).max() / np.abs(exact.coef_).max()

    assert rel(aug) < 0.04 and rel(plain) > 0.15  # noise matters; its expansion describes it
    assert aug.equivalent_alpha_ == pytest.approx(exact.equivalent_alpha_, rel=0.01)


def test_weights_are_repeated_rows_and_sparse_is_dense():
    X, y = _data(3, n=60)
    w = np.random.default_rng(6).integers(1, 3, len(y)).astype(float)
    clf = NoisyInputClassifier(LogisticRegression(C=1.0), noise_std=0.3, method="marginalize")
    weighted = clf.fit(X, y, sample_weight=w).coef_.copy()
    repeated = clf.fit(np.repeat(X, w.astype(int), axis=0), np.repeat(y, w.astype(int))).coef_
    np.testing.assert_allclose(weighted, repeated, rtol=1e-6, atol=1e-8)
    Xs = X.copy()
    Xs[np.abs(Xs) < 0.5] = 0
    dense = clf.fit(Xs, y).coef_.copy()
    np.testing.assert_allclose(clf.fit(sp.csr_matrix(Xs), y).coef_, dense, rtol=1e-8, atol=1e-10)


def test_augment_fits_the_classifier_on_noisy_copies():
    X, y = _data(3)
    labels = np.array(["a", "b", "c"])[y]
    sw = np.random.default_rng(7).uniform(0.5, 2, len(y))
    clf = NoisyInputClassifier(LogisticRegression(max_iter=2000), noise_std=0.3, n_copies=5,
                               random_state=0).fit(X, labels, sample_weight=sw)
    X_aug = add_input_noise(X, 0.3, random_state=np.random.RandomState(0), n_copies=5)
    ref = LogisticRegression(max_iter=2000).fit(X_aug, np.tile(labels, 5), np.tile(sw, 5))
    np.testing.assert_allclose(clf.coef_, ref.coef_, rtol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), ref.predict(X))
    np.testing.assert_array_equal(clf.classes_, ["a", "b", "c"])
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X), rtol=1e-12)
    # the penalty at the fitted model on the clean rows, and its α (plus α_inner / n_copies)
    assert clf.noise_penalty_ == pytest.approx(
        logistic_input_noise_penalty(X, ref.coef_, ref.intercept_, 0.3, sw), rel=1e-10)
    assert clf.equivalent_alpha_ == pytest.approx(
        1.0 / 5 + 2 * clf.noise_penalty_ / np.sum(ref.coef_**2), rel=1e-10)
    # any classifier: no coefficients, no equivalent α
    tree = NoisyInputClassifier(DecisionTreeClassifier(random_state=0), random_state=0).fit(X, y)
    assert not hasattr(tree, "equivalent_alpha_") and tree.score(X, y) > 0.7


def test_errors():
    X, y = _data(2)
    with pytest.raises(ValueError, match="marginalize.*logistic"):
        NoisyInputClassifier(DecisionTreeClassifier(), method="marginalize").fit(X, y)
    with pytest.raises(ValueError, match="marginalize.*logistic"):
        NoisyInputClassifier(LogisticRegression(l1_ratio=1.0, solver="saga"),
                             method="marginalize").fit(X, y)
    with pytest.raises(ValueError, match="noise_std"):
        NoisyInputClassifier(noise_std=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="Unknown label type"):
        NoisyInputClassifier(method="marginalize").fit(X, np.linspace(0, 1, len(y)))
