"""Linear estimators: each one a spectral filter of least squares, or an L1 solve."""

from ._bayesian_ridge import BayesianRidgeEigen
from ._early_stopping import EarlyStoppedGD
from ._lasso import SoftThresholdQuadratic
from ._lasso_cv import SoftThresholdQuadraticCV
from ._logistic import PenalizedLogisticRegression
from ._logistic_cv import PenalizedLogisticRegressionCV
from ._noise import NoisyInputRegressor
from ._noise_classifier import NoisyInputClassifier
from ._ridge import RidgeEigen
from ._ridge_classifier import RidgeEigenClassifier, RidgeEigenClassifierCV
from ._ridge_cv import RidgeEigenCV
from ._ridge_ic import RidgeEigenIC

__all__ = ["BayesianRidgeEigen", "EarlyStoppedGD", "NoisyInputClassifier", "NoisyInputRegressor",
           "PenalizedLogisticRegression", "PenalizedLogisticRegressionCV", "RidgeEigen",
           "RidgeEigenCV", "RidgeEigenClassifier", "RidgeEigenClassifierCV", "RidgeEigenIC",
           "SoftThresholdQuadratic", "SoftThresholdQuadraticCV"]
