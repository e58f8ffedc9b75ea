"""Neural networks: a vectorized multilayer perceptron with the lecture's regularizers."""

from ._mlp import MLPClassifier, MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
