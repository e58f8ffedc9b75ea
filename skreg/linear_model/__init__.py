"""Linear estimators: each one a spectral filter of least squares, or an L1 solve."""

from ._early_stopping import EarlyStoppedGD
from ._lasso import SoftThresholdQuadratic
from ._lasso_cv import SoftThresholdQuadraticCV
from ._noise import NoisyInputRegressor
from ._noise_classifier import NoisyInputClassifier
from ._ridge import RidgeEigen, RidgeEigenCV
from ._ridge_classifier import RidgeEigenClassifier, RidgeEigenClassifierCV

__all__ = ["EarlyStoppedGD", "NoisyInputClassifier", "NoisyInputRegressor", "RidgeEigen", "RidgeEigenCV",
           "RidgeEigenClassifier", "RidgeEigenClassifierCV", "SoftThresholdQuadratic",
           "SoftThresholdQuadraticCV"]
