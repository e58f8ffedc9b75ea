"""RidgeEigenClassifier(CV) against scikit-learn's RidgeClassifier(CV) and brute force."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import RidgeClassifier, RidgeClassifierCV
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import RidgeEigen, RidgeEigenClassifier, RidgeEigenClassifierCV

ALPHAS = np.logspace(-3, 3, 13)


def _data(n_classes=3, n=90, d=6, seed=0, labels=None):
    X, y = make_classification(n_samples=n, n_features=d, n_informative=4, n_redundant=0,
                               n_classes=n_classes, n_clusters_per_class=1, flip_y=0.1,
                               random_state=seed)
    X = X + np.arange(d)  # off-centre: the intercept matters
    if labels is not None:
        y = np.asarray(labels)[y]
    return X, y


def _weights(n, seed=1):
    return np.random.default_rng(seed).uniform(0.2, 3.0, n)


def _assert_same_fit(ours, ref, X, rtol=1e-9):
    assert ours.coef_.shape == ref.coef_.shape
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=rtol, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=rtol, atol=1e-10)
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X),
                               rtol=rtol, atol=1e-9)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


@pytest.mark.parametrize("n_classes", [2, 3, 5])
@pytest.mark.parametrize("alpha", [1e-3, 1.0, 100.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_same_as_ridge_classifier(n_classes, alpha, fit_intercept):
    X, y = _data(n_classes)
    ref = RidgeClassifier(alpha=alpha, fit_intercept=fit_intercept).fit(X, y)
    ours = RidgeEigenClassifier(alpha=alpha, fit_intercept=fit_intercept).fit(X, y)
    _assert_same_fit(ours, ref, X)
    assert ours.score(X, y) == ref.score(X, y)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
@pytest.mark.parametrize("n_classes", [2, 4])
def test_sparse_same_as_dense_and_ridge_classifier(container, n_classes):
    X, y = _data(n_classes)
    X[np.abs(X) < 1.5] = 0.0
    Xs = container(X)
    before = Xs.copy()
    ours = RidgeEigenClassifier(alpha=0.5).fit(Xs, y)
    ref = RidgeClassifier(alpha=0.5, solver="sparse_cg", tol=1e-12).fit(sp.csr_matrix(X), y)
    _assert_same_fit(ours, ref, X, rtol=1e-6)
    np.testing.assert_allclose(ours.decision_function(Xs), ours.decision_function(X), rtol=1e-12)
    assert (Xs != before).nnz == 0  # the user's matrix untouched


@pytest.mark.parametrize("n_classes", [2, 3])
def test_sample_and_class_weights(n_classes):
    X, y = _data(n_classes)
    sw = _weights(len(y))
    weights = {c: 1.0 + c for c in np.unique(y)}
    for class_weight in [None, "balanced", weights]:
        ref = RidgeClassifier(alpha=2.0, class_weight=class_weight).fit(X, y, sample_weight=sw)
        ours = RidgeEigenClassifier(alpha=2.0, class_weight=class_weight).fit(X, y, sw)
        _assert_same_fit(ours, ref, X)
    # class weights are sample weights: class c's rows counted weights[c] times
    ours = RidgeEigenClassifier(class_weight=weights).fit(X, y)
    by_rows = RidgeEigenClassifier().fit(X, y, sample_weight=np.array([weights[c] for c in y]))
    np.testing.assert_allclose(ours.coef_, by_rows.coef_, rtol=1e-12)


def test_string_labels_and_float32():
    X, y = _data(3, labels=["setosa", "versicolor", "virginica"])
    ref = RidgeClassifier(alpha=1.0).fit(X, y)
    ours = RidgeEigenClassifier(alpha=1.0).fit(X, y)
    _assert_same_fit(ours, ref, X)
    assert ours.predict(X).dtype == ref.predict(X).dtype
    X32 = X.astype(np.float32)
    ours32 = RidgeEigenClassifier(alpha=1.0).fit(X32, y)
    ref32 = RidgeClassifier(alpha=1.0).fit(X32, y)
    assert ours32.coef_.dtype == ref32.coef_.dtype == np.float32
    np.testing.assert_allclose(ours32.coef_, ref.coef_, rtol=1e-4, atol=1e-5)


def test_binary_is_ridge_on_plus_minus_one_and_spectral_attributes():
    X, y = _data(2, labels=["no", "yes"])
    ours = RidgeEigenClassifier(alpha=3.0).fit(X, y)
    ridge = RidgeEigen(alpha=3.0).fit(X, np.where(y == "yes", 1.0, -1.0))
    np.testing.assert_allclose(ours.coef_, ridge.coef_, rtol=1e-12)
    # theory: the eigenvalues of the centred Gram, shrinkage λ/(λ+α) and dof Σ λ/(λ+α)
    Xc = X - X.mean(axis=0)
    lam = np.sort(np.linalg.eigvalsh(Xc.T @ Xc))[::-1]
    np.testing.assert_allclose(ours.eigenvalues_, lam, rtol=1e-10)
    np.testing.assert_allclose(ours.shrinkage_, lam / (lam + 3.0), rtol=1e-10)
    assert ours.effective_dof_ == pytest.approx(np.sum(lam / (lam + 3.0)), rel=1e-10)


def test_multilabel_same_as_ridge_classifier():
    X, _ = _data(3)
    rng = np.random.default_rng(3)
    Y = (X[:, :3] + rng.standard_normal((len(X), 3)) > np.median(X[:, :3], axis=0)).astype(int)
    ref = RidgeClassifier(alpha=1.0).fit(X, Y)
    ours = RidgeEigenClassifier(alpha=1.0).fit(X, Y)
    _assert_same_fit(ours, ref, X)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_cv_loo_same_alpha_as_ridge_classifier_cv(n_classes, weighted):
    X, y = _data(n_classes)
    sw = _weights(len(y)) if weighted else None
    ref = RidgeClassifierCV(alphas=ALPHAS, store_cv_results=True).fit(X, y, sample_weight=sw)
    ours = RidgeEigenClassifierCV(alphas=ALPHAS, store_cv_results=True).fit(X, y, sw)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8)
    assert ours.cv_results_.shape == ref.cv_results_.shape
    np.testing.assert_allclose(ours.cv_results_, ref.cv_results_, rtol=1e-7, atol=1e-10)
    _assert_same_fit(ours, ref, X, rtol=1e-7)


def test_cv_loo_with_a_scorer_multiclass_same_as_sklearn():
    X, y = _data(4)
    for scoring in ["accuracy", "balanced_accuracy"]:
        ref = RidgeClassifierCV(alphas=ALPHAS, scoring=scoring).fit(X, y)
        ours = RidgeEigenClassifierCV(alphas=ALPHAS, scoring=scoring).fit(X, y)
        assert ours.alpha_ == ref.alpha_
        assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-12)


def test_cv_loo_binary_scorer_is_brute_force_leave_one_out():
    # scikit-learn 1.9 scores one ±1 column by its argmax (always class 0) here;
    # the sign is the classifier's decision: held to n refits
    X, y = _data(2, n=40)
    alphas = [0.01, 1.0, 100.0, 1e4]
    ours = RidgeEigenClassifierCV(alphas=alphas, scoring="accuracy", store_cv_results=True)
    ours.fit(X, y)
    brute = []
    for alpha in alphas:
        hits = [RidgeClassifier(alpha=alpha).fit(np.delete(X, i, 0), np.delete(y, i))
                .predict(X[i:i + 1])[0] == y[i] for i in range(len(y))]
        brute.append(np.mean(hits))
    assert ours.best_score_ == pytest.approx(max(brute), rel=1e-12)
    assert ours.alpha_ == alphas[int(np.argmax(brute))]


@pytest.mark.parametrize("cv", [3, KFold(4, shuffle=True, random_state=0)])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_cv_kfold_same_as_ridge_classifier_cv(cv, n_classes):
    X, y = _data(n_classes, n=120, labels=np.array(["a", "b", "c"])[:n_classes])
    sw = _weights(len(y))
    ref = RidgeClassifierCV(alphas=ALPHAS, cv=cv, class_weight="balanced").fit(X, y, sw)
    ours = RidgeEigenClassifierCV(alphas=ALPHAS, cv=cv, class_weight="balanced").fit(X, y, sw)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-12)
    assert ours.score_path_.shape[0] == len(ALPHAS)
    _assert_same_fit(ours, ref, X, rtol=1e-7)


def test_cv_sparse_loo_same_as_dense():
    X, y = _data(3)
    X[np.abs(X) < 1.5] = 0.0
    dense = RidgeEigenClassifierCV(alphas=ALPHAS).fit(X, y)
    sparse = RidgeEigenClassifierCV(alphas=ALPHAS).fit(sp.csr_matrix(X), y)
    ref = RidgeClassifierCV(alphas=ALPHAS).fit(sp.csr_matrix(X), y)
    assert dense.alpha_ == sparse.alpha_ == ref.alpha_
    assert sparse.best_score_ == pytest.approx(ref.best_score_, rel=1e-8)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-8)


def test_one_standard_error_rule():
    X, y = _data(3, n=150, seed=4)
    loo = RidgeEigenClassifierCV(alphas=ALPHAS, selection="1se", store_cv_results=True).fit(X, y)
    per_sample = loo.cv_results_.mean(axis=1)  # (n, n_alphas): the n "folds"
    mean, sem = per_sample.mean(axis=0), per_sample.std(axis=0, ddof=1) / np.sqrt(len(y))
    best = np.argmin(mean)
    expected = ALPHAS[mean <= mean[best] + sem[best]].max()
    assert loo.alpha_min_ == ALPHAS[best]
    assert loo.alpha_ == loo.alpha_1se_ == expected >= loo.alpha_min_
    folds = RidgeEigenClassifierCV(alphas=ALPHAS, cv=5, selection="1se").fit(X, y)
    mean, sem = folds.score_path_.mean(axis=1), folds.score_path_.std(axis=1, ddof=1) / np.sqrt(5)
    best = np.argmax(mean)
    assert folds.alpha_ == ALPHAS[mean >= mean[best] - sem[best]].max() >= folds.alpha_min_


def test_errors_pipeline_and_clone():
    X, y = _data(3)
    with pytest.raises(ValueError, match="Unknown label type"):
        RidgeEigenClassifier().fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError, match="selection='1se' with cv=None needs scoring=None"):
        RidgeEigenClassifierCV(selection="1se", scoring="accuracy").fit(X, y)
    with pytest.raises(ValueError, match="store_cv_results"):
        RidgeEigenClassifierCV(cv=3, store_cv_results=True).fit(X, y)
    with pytest.raises(ValueError, match="class_weight"):
        RidgeEigenClassifier(class_weight="auto").fit(X, y)
    pipe = make_pipeline(StandardScaler(), RidgeEigenClassifierCV(alphas=ALPHAS)).fit(X, y)
    ref = make_pipeline(StandardScaler(), RidgeClassifierCV(alphas=ALPHAS)).fit(X, y)
    np.testing.assert_array_equal(pipe.predict(X), ref.predict(X))
    est = RidgeEigenClassifier(alpha=0.3, class_weight="balanced")
    assert clone(est).get_params() == est.get_params()


def test_lanczos_solver_matches_eigen():
    X, y = _data(3, n=200, d=30)
    X[np.abs(X) < 1.0] = 0.0
    exact = RidgeEigenClassifier(alpha=1.0, solver="eigen").fit(sp.csr_matrix(X), y)
    krylov = RidgeEigenClassifier(alpha=1.0, solver="lanczos").fit(sp.csr_matrix(X), y)
    assert krylov.solver_ == "lanczos"
    np.testing.assert_allclose(krylov.coef_, exact.coef_, rtol=1e-5, atol=1e-8)
