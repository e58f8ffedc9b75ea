"""Checks on the data every estimator shares, each with its one message."""

__all__ = ["check_weight_sum"]

ZERO_WEIGHT_MESSAGE = "Sample weights must contain at least one non-zero number."


def check_weight_sum(weight_sum):
    """Raise the one ValueError for data whose total sample weight is not positive.

    Parameters
    ----------
    weight_sum : float
        Σw of the rows a fit would see (NaN counts as not positive).
    """
    if not weight_sum > 0:
        raise ValueError(ZERO_WEIGHT_MESSAGE)
