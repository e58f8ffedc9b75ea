"""skreg: scikit-learn compatible regularization estimators.

The lecture's R̃(θ) = R(θ; X, y) + αΩ(θ), and its three ways to regularize: change Ω
(parameter norm penalties), change how long we minimize (early stopping), or change the
data the risk sees (noise on inputs, outputs, weights).
"""

__version__ = "0.1.0"

from ._config import config_context, get_config, set_config
from .linear_model import (
    BayesianRidgeEigen,
    EarlyStoppedGD,
    NoisyInputClassifier,
    NoisyInputRegressor,
    PenalizedLogisticRegression,
    PenalizedLogisticRegressionCV,
    RidgeEigen,
    RidgeEigenClassifier,
    RidgeEigenClassifierCV,
    RidgeEigenCV,
    RidgeEigenIC,
    SoftThresholdQuadratic,
    SoftThresholdQuadraticCV,
)
from .neural_network import MLPClassifier, MLPRegressor

__all__ = [
    "BayesianRidgeEigen",
    "EarlyStoppedGD",
    "MLPClassifier",
    "MLPRegressor",
    "NoisyInputClassifier",
    "NoisyInputRegressor",
    "PenalizedLogisticRegression",
    "PenalizedLogisticRegressionCV",
    "RidgeEigen",
    "RidgeEigenCV",
    "RidgeEigenIC",
    "RidgeEigenClassifier",
    "RidgeEigenClassifierCV",
    "SoftThresholdQuadratic",
    "SoftThresholdQuadraticCV",
    "__version__",
    "config_context",
    "get_config",
    "set_config",
]
