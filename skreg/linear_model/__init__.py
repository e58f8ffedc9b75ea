"""Linear estimators: each one a spectral filter of least squares, or an L1 solve."""

from ._early_stopping import EarlyStoppedGD
from ._lasso import SoftThresholdQuadratic
from ._logistic import PenalizedLogisticRegression
from ._logistic_cv import PenalizedLogisticRegressionCV
from ._lasso_cv import SoftThresholdQuadraticCV
from ._noise import NoisyInputRegressor
from ._ridge import RidgeEigen, RidgeEigenCV

__all__ = ["EarlyStoppedGD", "NoisyInputRegressor", "PenalizedLogisticRegression",
           "PenalizedLogisticRegressionCV", "RidgeEigen", "RidgeEigenCV", "SoftThresholdQuadratic",
           "SoftThresholdQuadraticCV"]
