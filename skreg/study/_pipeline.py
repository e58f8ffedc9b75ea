"""Helpers the study's modules share: what a study pipeline holds, how a number is printed."""

import math

from sklearn.compose import TransformedTargetRegressor

__all__ = ["accepts_sparse", "fmt_number", "inner_model"]


def accepts_sparse(estimator):
    """Whether ``estimator`` (or the regressor inside a target transformer) takes sparse X
    (its tags)."""
    inner = estimator.regressor if isinstance(estimator, TransformedTargetRegressor) else estimator
    try:
        return bool(inner.__sklearn_tags__().input_tags.sparse)
    except AttributeError:  # pragma: no cover - estimators without tags
        return False


def inner_model(pipe):
    """The fitted model of a study pipeline (inside a target transformer if any)."""
    model = pipe.named_steps["model"]
    return model.regressor_ if isinstance(model, TransformedTargetRegressor) else model


def fmt_number(value, digits=3):
    """``value`` with ``digits`` significant digits, or 'n/a' for None, NaN, ±inf or a
    non-number."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "n/a"
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.{digits}g}"
