"""The study's classification table: every lecture method as a skreg row, on the same
outer folds, fitted with the class weights the score asks for."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split

from skreg import MLPClassifier, NoisyInputClassifier, RidgeEigenClassifierCV
from skreg.study import methods_for, run_study
from skreg.study._classification import _linear_mlp_alpha

ROWS = {"baseline", "logistic", "ridge_classifier", "noise_classifier_marginalized", "noise_classifier_augmented",
        "early_stopping_logistic_best", "early_stopping_logistic_retrain", "early_stopping_logistic_continue",
        "label_smoothing_logistic", "mlp_classifier", "mlp_label_smoothing"}


def _table(tmp_path, name, n_classes, weights=None, n=240):
    X, y = make_classification(n_samples=n, n_features=6, n_informative=4, n_redundant=0,
                               n_classes=n_classes, n_clusters_per_class=1, weights=weights,
                               flip_y=0.05, random_state=0)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(6)])
    frame["label"] = np.array(["no", "yes", "maybe", "later"])[y]
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    return str(path)


def _same_outer_folds(result, key):
    """The row's pipeline re-scored by scikit-learn on the study's outer folds."""
    d = result.dataset
    X_train, _, y_train, _ = train_test_split(d.X, d.y, test_size=0.25, random_state=0, stratify=d.y)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    return cross_val_score(clone(result.models[key]), X_train, y_train, cv=folds,
                           scoring=result.scoring).mean()


def test_every_classification_row_is_skreg():
    names = {m.key for m in methods_for("classification")}
    assert ROWS <= names


def test_binary_imbalanced_table_uses_balanced_weights(tmp_path):
    path = _table(tmp_path, "imbalanced", 2, weights=[0.93, 0.07])
    result = run_study(path, target="label", quick=True, out=tmp_path / "out", progress=False,
                       figures=False)
    table = result.results.set_index("key")
    assert ROWS <= set(table.index)
    assert result.scoring == "balanced_accuracy" and result.class_weight == "balanced"
    ridge = result.models["ridge_classifier"].named_steps["model"]
    assert isinstance(ridge, RidgeEigenClassifierCV) and ridge.class_weight == "balanced"
    assert result.models["mlp_classifier"].named_steps["model"].class_weight == "balanced"
    # the weighted rows learn the minority class: well above the baseline's 0.5
    assert table.loc["baseline", "cv_mean"] == pytest.approx(0.5)
    for key in ("ridge_classifier", "noise_classifier_marginalized", "early_stopping_logistic_best"):
        assert table.loc[key, "cv_mean"] > 0.65
    # scored on the same outer folds: the self-tuning rows re-scored by scikit-learn
    for key in ("baseline", "ridge_classifier", "early_stopping_logistic_best"):
        assert table.loc[key, "cv_mean"] == pytest.approx(_same_outer_folds(result, key), rel=1e-12)
    assert table.loc["ridge_classifier", "equivalent_alpha"] == ridge.alpha_
    assert table.loc["ridge_classifier", "effective_dof"] == pytest.approx(ridge.effective_dof_)
    report = (tmp_path / "out" / "report.md").read_text()
    assert "class_weight='balanced'" in report and "RidgeEigenClassifierCV" in report


def test_four_class_table(tmp_path):
    path = _table(tmp_path, "four", 4)
    result = run_study(path, target="label", quick=True, out=None, progress=False, figures=False)
    table = result.results.set_index("key")
    assert ROWS <= set(table.index)
    assert result.scoring == "accuracy" and result.class_weight is None
    ridge = result.models["ridge_classifier"].named_steps["model"]
    assert ridge.coef_.shape == (4, 6)
    noise = result.models["noise_classifier_marginalized"].named_steps["model"]
    assert isinstance(noise, NoisyInputClassifier) and noise.coef_.shape == (4, 6)
    assert table.loc["noise_classifier_marginalized", "equivalent_alpha"] == pytest.approx(noise.equivalent_alpha_)
    assert math.isnan(table.loc["noise_classifier_marginalized", "effective_dof"])  # K > 2: no Hessian dof
    for key in ROWS - {"baseline"}:
        assert table.loc[key, "cv_mean"] > table.loc["baseline", "cv_mean"] + 0.2
    # scikit-learn's LogisticRegression is the reference of the L2 logistic row (not a row)
    d = result.dataset
    X_train, _, y_train, _ = train_test_split(d.X, d.y, test_size=0.25, random_state=0, stratify=d.y)
    pipe = result.models["logistic"]
    Xt = pipe[:-1].transform(X_train)
    alpha = table.loc["logistic", "equivalent_alpha"]
    ref = LogisticRegression(C=1 / alpha, tol=1e-10, max_iter=5000).fit(Xt, y_train)
    np.testing.assert_allclose(pipe[-1].predict_proba(Xt), ref.predict_proba(Xt), atol=2e-3)
    smoothing = result.models["label_smoothing_logistic"].named_steps["model"]
    assert table.loc["label_smoothing_logistic", "equivalent_alpha"] == smoothing.alpha  # K ≥ 3: no halving


@pytest.mark.parametrize("n_classes", [2, 3])
def test_linear_mlp_alpha_is_the_logistic_alpha(n_classes):
    # MLPClassifier(hidden_layer_sizes=()) is multinomial logistic regression; for two classes
    # its two softmax outputs share the penalty, so MLP alpha = 2a is LogisticRegression(C=1/a)
    X, y = make_classification(200, 5, n_informative=3, n_redundant=0, n_classes=n_classes,
                               n_clusters_per_class=1, random_state=0)
    a = 2.0
    mlp = MLPClassifier(hidden_layer_sizes=(), solver="lbfgs", alpha=2 * a if n_classes == 2 else a,
                        tol=1e-12, max_iter=5000, random_state=0).fit(X, y)
    ref = LogisticRegression(C=1 / a, tol=1e-12, max_iter=10_000).fit(X, y)
    W = mlp.coefs_[0]
    coef = (W[:, 1] - W[:, 0])[None, :] if n_classes == 2 else W.T
    np.testing.assert_allclose(coef, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(mlp.predict_proba(X), ref.predict_proba(X), atol=1e-3)
    assert _linear_mlp_alpha(mlp) == a
