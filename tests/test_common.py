"""scikit-learn's estimator checks, once, over every public skreg estimator."""

import os

import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import has_fit_parameter

from skreg import (
    EarlyStoppedGD,
    MLPClassifier,
    MLPRegressor,
    NoisyInputClassifier,
    NoisyInputRegressor,
    PenalizedLogisticRegression,
    PenalizedLogisticRegressionCV,
    RidgeEigen,
    RidgeEigenCV,
    SoftThresholdQuadratic,
    SoftThresholdQuadraticCV,
)
from skreg.utils import all_estimators, expected_failed_checks

# the linear estimators and the MLPs take sample_weight, so scikit-learn's sample-weight
# checks (equivalence with repeated rows, zero weights, shapes, not overwritten) run on them
WEIGHTED = {"BayesianRidgeEigen", "RidgeEigen", "RidgeEigenCV", "RidgeEigenIC", "RidgeEigenClassifier",
            "RidgeEigenClassifierCV", "SoftThresholdQuadratic", "SoftThresholdQuadraticCV",
            "NoisyInputRegressor", "NoisyInputClassifier", "EarlyStoppedGD", "MLPClassifier",
            "MLPRegressor", "PenalizedLogisticRegression", "PenalizedLogisticRegressionCV"}


def _instances():
    # every estimator with its defaults, the exact (marginalized) input noise,
    # gradient descent without the random validation split, and the MLPs' L-BFGS
    # (PenalizedLogisticRegressionCV on a 10-α grid: its default 100 α × 5 folds would
    # fit 500 models in each of the ~80 checks), the prox-Newton (elastic-net) solver
    return [cls() for name, cls in all_estimators() if name != "PenalizedLogisticRegressionCV"] + [
        PenalizedLogisticRegressionCV(alphas=10),
        PenalizedLogisticRegression(l1_ratio=0.5),
        NoisyInputRegressor(method="marginalize"),
        # an L2 base: the checks' data are separable, where α = 0 has no minimizer
        NoisyInputClassifier(LogisticRegression(), method="marginalize"),
        EarlyStoppedGD(strategy=None),
        RidgeEigen(solver="lanczos"),  # the Krylov path, sparse checks included
        RidgeEigenCV(cv="gcv", alphas="auto"),
        RidgeEigenCV(cv=3, alpha_per_target=True),
        MLPRegressor(solver="lbfgs"),
        MLPClassifier(solver="lbfgs"),
        # the elastic net, ridge through the L1 core, the relaxed LASSO (issue 21)
        SoftThresholdQuadratic(l1_ratio=0.5),
        SoftThresholdQuadratic(l1_ratio=0.0),
        SoftThresholdQuadratic(gamma=0.5),
        SoftThresholdQuadraticCV(l1_ratio=[0.5, 1.0], gammas=[0.0, 1.0], alphas=10),
    ]


def test_registry_lists_public_estimators():
    names = {name for name, _ in all_estimators()}
    assert names >= {
        "BayesianRidgeEigen",
        "EarlyStoppedGD",
        "MLPClassifier",
        "MLPRegressor",
        "NoisyInputClassifier",
        "NoisyInputRegressor",
        "RidgeEigen",
        "RidgeEigenCV",
        "RidgeEigenIC",
        "RidgeEigenClassifier",
        "RidgeEigenClassifierCV",
        "SoftThresholdQuadratic",
        "SoftThresholdQuadraticCV",
    }


@pytest.mark.parametrize("name, cls", all_estimators())
def test_sample_weight_checks_run_for_the_linear_estimators(name, cls):
    assert has_fit_parameter(cls(), "sample_weight") == (name in WEIGHTED)


def test_array_api_checks_run_for_the_tagged_estimators():
    # tests/conftest.py switches SciPy's array API support on, so scikit-learn's
    # check_array_api_input really runs (array-api-strict, and PyTorch where installed)
    # for the estimators whose tags declare array_api_support, instead of skipping
    assert os.environ.get("SCIPY_ARRAY_API") == "1"
    tagged = {name for name, cls in all_estimators() if cls().__sklearn_tags__().array_api_support}
    assert tagged == {"RidgeEigen", "RidgeEigenCV"}


@parametrize_with_checks(_instances(), expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
