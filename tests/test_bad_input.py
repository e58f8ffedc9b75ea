"""The bad-input matrix: every estimator × every case (issue 9).

Each case ends in a clear ValueError/TypeError whose message names the problem, or in
a correct, finite answer; never a NumPy traceback, never NaN in ``coef_`` or ``predict``.

Two rules are checked for every case:

* inputs are never mutated (X and y are compared with copies after ``fit``/``predict``,
  on success and on error);
* a failed fit changes nothing (:func:`skreg._utils._atomic.atomic_fit`): a fresh estimator has
  no attribute ending in ``_`` afterwards, and a fitted one keeps ``vars(est)`` (same
  keys, same objects), so it still predicts exactly as before.
"""

import copy
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import get_tags

from skreg import (
    EarlyStoppedGD,
    MLPClassifier,
    MLPRegressor,
    NoisyInputRegressor,
    RidgeEigen,
    RidgeEigenCV,
    SoftThresholdQuadratic,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# --- the estimators, with small fast settings -------------------------------------------
ESTIMATORS = {
    "RidgeEigen": lambda: RidgeEigen(alpha=1.0),
    "RidgeEigenCV": lambda: RidgeEigenCV(alphas=(0.1, 1.0, 10.0)),
    "SoftThresholdQuadratic": lambda: SoftThresholdQuadratic(alpha=0.1),
    "EarlyStoppedGD": lambda: EarlyStoppedGD(max_iter=50, random_state=0),
    "NoisyInputRegressor": lambda: NoisyInputRegressor(n_copies=3, random_state=0),
    "MLPRegressor": lambda: MLPRegressor((5,), max_iter=20, random_state=0),
    "MLPClassifier": lambda: MLPClassifier((5,), max_iter=20, random_state=0),
}
CLASSIFIERS = {"MLPClassifier"}
# those whose tags declare sparse input: CSR gives the dense answer instead of an error
SPARSE = {name for name, make in ESTIMATORS.items() if get_tags(make()).input_tags.sparse}
LINEAR = {"RidgeEigen", "RidgeEigenCV", "SoftThresholdQuadratic", "EarlyStoppedGD", "NoisyInputRegressor"}
# a constant column is centred away: its coefficient is exactly 0 (noise breaks this)
ZERO_ON_CONSTANT = LINEAR - {"NoisyInputRegressor"}
# the minimum-norm / from-zero solutions treat two equal columns symmetrically
SYMMETRIC_ON_DUPLICATES = {"RidgeEigen", "RidgeEigenCV", "EarlyStoppedGD"}


def _clean_data(name):
    rng = np.random.RandomState(0)
    X = rng.randn(20, 3)
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.randn(20)
    if name in CLASSIFIERS:
        y = np.arange(20) % 2  # two balanced classes, also in any 5 first rows
    return X, y


def _float_y(y):
    return np.asarray(y, dtype=np.float64)


def _with(X, value, where=(1, 1)):
    X = np.array(X, dtype=np.float64)
    X[where] = value
    return X


def _params(est):
    """The fitted parameters to check for finiteness and dtype."""
    if hasattr(est, "coefs_"):
        return list(est.coefs_) + list(est.intercepts_)
    return [np.asarray(est.coef_), np.asarray(est.intercept_)]


# --- the cases --------------------------------------------------------------------------
@dataclass
class Case:
    """make(X, y) -> (X, y) bad data; error (type, regex) or None for a finite answer;
    ``per_estimator`` overrides error for some estimators; ``check`` checks an answer."""

    name: str
    make: callable
    error: tuple | None = None
    per_estimator: dict = field(default_factory=dict)
    check: callable = None

    def expected(self, est_name):
        return self.per_estimator.get(est_name, self.error)


def _same_as_clean(est_name, est, X, y):
    """The answer equals a fit on the clean float data (exact conversions)."""
    Xc, yc = _clean_data(est_name)
    ref = ESTIMATORS[est_name]().fit(Xc, yc)
    assert_allclose(est.predict(X), ref.predict(Xc), rtol=1e-12, atol=1e-12)


def _same_as_float(est_name, est, X, y):
    ref = ESTIMATORS[est_name]().fit(np.asarray(X, dtype=np.float64), y)
    assert_allclose(est.predict(X), ref.predict(np.asarray(X, dtype=np.float64)), rtol=1e-12)
    for p in _params(est):
        assert np.asarray(p).dtype == np.float64


def _float32_kept(est_name, est, X, y):
    for p in _params(est):
        if np.ndim(p):  # scalar intercept 0.0 when fit_intercept=False is a float
            assert np.asarray(p).dtype == np.float32


def _constant_column_ignored(est_name, est, X, y):
    if est_name in ZERO_ON_CONSTANT:
        assert abs(float(np.asarray(est.coef_)[-1])) < 1e-10


def _duplicates_symmetric(est_name, est, X, y):
    if est_name in SYMMETRIC_ON_DUPLICATES:
        coef = np.asarray(est.coef_)
        assert_allclose(coef[0], coef[-1], rtol=1e-8, atol=1e-12)


def _sparse_same_as_dense(est_name, est, X, y):
    """An estimator that takes sparse X fits it as the dense equivalent (implicit centring)."""
    ref = ESTIMATORS[est_name]().fit(X.toarray(), y)
    assert_allclose(est.predict(X), ref.predict(X.toarray()), rtol=1e-9, atol=1e-10)


def _two_targets(est_name, est, X, y):
    assert est.predict(X).shape == (X.shape[0], 2)


NAN = (ValueError, "NaN")
INF = (ValueError, "infinity")
NOT_FLOAT = (ValueError, "could not convert string to float")

CASES = [
    Case("nan_in_X", lambda X, y: (_with(X, np.nan), y), NAN),
    Case("inf_in_X", lambda X, y: (_with(X, np.inf), y), INF),
    Case("neg_inf_in_X", lambda X, y: (_with(X, -np.inf), y), INF),
    Case("nan_in_y", lambda X, y: (X, _with(_float_y(y), np.nan, 3)), NAN),
    Case("inf_in_y", lambda X, y: (X, _with(_float_y(y), np.inf, 3)), INF),
    Case("empty_X", lambda X, y: (X[:0], y[:0]), (ValueError, "0 sample")),
    Case("no_features", lambda X, y: (X[:, :0], y), (ValueError, "0 feature")),
    Case(
        "one_sample",
        lambda X, y: (X[:1], y[:1]),
        per_estimator={
            "EarlyStoppedGD": (ValueError, "at least one training and one validation sample"),
        },  # MLPClassifier fits a single class, as scikit-learn's
    ),
    Case("one_feature", lambda X, y: (X[:, :1], y)),
    Case("y_wrong_length", lambda X, y: (X, y[:-1]), (ValueError, "inconsistent numbers of samples")),
    Case(
        "y_2d",
        lambda X, y: (X, np.column_stack([y, y])),
        per_estimator={"MLPClassifier": (ValueError, "1d array")},
        check=_two_targets,
    ),
    Case("numeric_strings", lambda X, y: (X.astype(str), y), check=_same_as_clean),
    Case("string_X", lambda X, y: (np.full(X.shape, "a"), y), NOT_FLOAT),
    Case("object_floats", lambda X, y: (X.astype(object), y), check=_same_as_clean),
    Case("object_with_None", lambda X, y: (_object_with_none(X), y), NAN),
    Case("complex", lambda X, y: (X + 1j, y), (ValueError, "[Cc]omplex")),
    Case(
        "sparse_csr",
        lambda X, y: (sp.csr_matrix(X), y),
        (TypeError, "[Ss]parse data"),
        # estimators that take sparse X (their tags say so): the dense data's answer
        per_estimator=dict.fromkeys(SPARSE),
        check=_sparse_same_as_dense,
    ),
    Case(
        "pandas_non_numeric",
        lambda X, y: (pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": ["x"] * len(X)}), y),
        NOT_FLOAT,
    ),
    Case(
        "pandas_numeric",
        lambda X, y: (pd.DataFrame(X, columns=["a", "b", "c"]), pd.Series(y, name="y")),
        check=_same_as_clean,
    ),
    Case("constant_column", lambda X, y: (np.column_stack([X, np.full(len(X), 3.0)]), y),
         check=_constant_column_ignored),
    Case("duplicated_column", lambda X, y: (np.column_stack([X, X[:, 0]]), y),
         check=_duplicates_symmetric),
    Case("d_greater_than_n", lambda X, y: (np.random.RandomState(1).randn(5, 12), y[:5])),
    Case("huge_X", lambda X, y: (X * 1e150, y)),
    Case("tiny_X", lambda X, y: (X * 1e-150, y)),
    Case("huge_y", lambda X, y: (X, y * 1e150 if y.dtype.kind == "f" else y)),
    Case("tiny_y", lambda X, y: (X, y * 1e-150 if y.dtype.kind == "f" else y)),
    Case("float32", lambda X, y: (X.astype(np.float32), y.astype(np.float32) if y.dtype.kind == "f"
                                  else y), check=_float32_kept),
    Case("int", lambda X, y: (np.round(10 * X).astype(np.int64), np.round(y).astype(np.int64)),
         check=_same_as_float),
]


def _object_with_none(X):
    Z = X.astype(object)
    Z[1, 1] = None
    return Z


def _copy(a):
    return a.copy() if isinstance(a, (pd.DataFrame, pd.Series)) else copy.deepcopy(a)


def assert_unchanged(a, original):
    """``a`` has exactly the values (and dtype) of its copy ``original``."""
    if sp.issparse(a):
        assert a.dtype == original.dtype and (a != original).nnz == 0
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, original)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, original)
    else:
        a, original = np.asarray(a), np.asarray(original)
        assert a.dtype == original.dtype
        if a.dtype == object:
            assert all(u is v or u == v for u, v in zip(a.ravel(), original.ravel()))
        else:
            assert_array_equal(a, original)


def assert_not_fitted(est):
    fitted = [k for k in vars(est) if k.endswith("_") and not k.startswith("__")]
    assert fitted == [], f"a failed fit left {fitted}"


def _fit_quietly(est, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kwargs)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("est_name", list(ESTIMATORS))
def test_bad_input(est_name, case):
    X_clean, y_clean = _clean_data(est_name)
    X, y = case.make(X_clean, y_clean)
    X0, y0 = _copy(X), _copy(y)
    expected = case.expected(est_name)
    est = ESTIMATORS[est_name]()
    if expected is not None:
        exc, message = expected
        with pytest.raises(exc, match=message):
            _fit_quietly(est, X, y)
        assert_not_fitted(est)
        # a failed refit of a fitted estimator changes nothing either
        fitted = _fit_quietly(ESTIMATORS[est_name](), X_clean, y_clean)
        before, prediction = dict(vars(fitted)), fitted.predict(X_clean)
        with pytest.raises(exc, match=message):
            _fit_quietly(fitted, X, y)
        assert vars(fitted).keys() == before.keys()
        assert all(vars(fitted)[k] is v for k, v in before.items())
        assert_array_equal(fitted.predict(X_clean), prediction)
    else:
        _fit_quietly(est, X, y)
        prediction = np.asarray(est.predict(X))
        assert prediction.shape[0] == np.shape(X)[0]
        if est_name in CLASSIFIERS:
            assert set(prediction) <= set(np.unique(y))
            proba = est.predict_proba(X)
            assert np.all(np.isfinite(proba))
            assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
        else:
            assert np.all(np.isfinite(prediction))
        assert all(np.all(np.isfinite(p)) for p in _params(est))
        if case.check is not None:
            case.check(est_name, est, X, y)
    assert_unchanged(X, X0)
    assert_unchanged(y, y0)


# --- 1e±150: not only finite, but the same answer as on the unscaled problem ------------
# X → sX with the penalty in matching units: ridge α → s²α, L1 α → sα, noise σ → sσ
# (early stopping with learning_rate='auto' is scale free); the predictions agree.
SCALED = {
    "RidgeEigen": lambda s: RidgeEigen(alpha=2.0 * s**2),
    "RidgeEigenCV": lambda s: RidgeEigenCV(alphas=np.array([0.1, 1.0, 10.0]) * s**2),
    "SoftThresholdQuadratic": lambda s: SoftThresholdQuadratic(alpha=2.0 * s),
    "EarlyStoppedGD": lambda s: EarlyStoppedGD(random_state=0),
    "NoisyInputRegressor": lambda s: NoisyInputRegressor(noise_std=0.3 * s, n_copies=3, random_state=0),
    "NoisyInputRegressor-marginalize": lambda s: NoisyInputRegressor(
        noise_std=0.3 * s, method="marginalize"
    ),
}


@pytest.mark.parametrize("scale", [1e150, 1e-150])
@pytest.mark.parametrize("name", list(SCALED))
def test_extreme_magnitudes_give_the_unscaled_answer(name, scale):
    X, y = _clean_data("RidgeEigen")
    reference = SCALED[name](1.0).fit(X, y)
    scaled = SCALED[name](scale).fit(X * scale, y)
    assert_allclose(scaled.predict(X * scale), reference.predict(X), rtol=1e-10, atol=1e-12)
    assert_allclose(np.asarray(scaled.coef_) * scale, reference.coef_, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("scale", [1e150, 1e-150])
@pytest.mark.parametrize("name", ["RidgeEigen", "SoftThresholdQuadratic", "EarlyStoppedGD"])
def test_extreme_targets_scale_the_coefficients(name, scale):
    X, y = _clean_data("RidgeEigen")
    make = {
        "RidgeEigen": lambda s: RidgeEigen(alpha=2.0),
        "SoftThresholdQuadratic": lambda s: SoftThresholdQuadratic(alpha=2.0 * s),
        "EarlyStoppedGD": lambda s: EarlyStoppedGD(random_state=0),
    }[name]
    reference = make(1.0).fit(X, y)
    scaled = make(scale).fit(X, y * scale)
    assert_allclose(scaled.coef_ / scale, reference.coef_, rtol=1e-10, atol=1e-14)


# --- predict ----------------------------------------------------------------------------
@pytest.mark.parametrize("est_name", list(ESTIMATORS))
def test_predict_rejects_bad_X(est_name):
    X, y = _clean_data(est_name)
    est = _fit_quietly(ESTIMATORS[est_name](), X, y)
    before = est.predict(X)
    for bad, (exc, message) in [
        (X[:, :2], (ValueError, "features")),
        (np.column_stack([X, X[:, :1]]), (ValueError, "features")),
        (_with(X, np.nan), NAN),
        (_with(X, np.inf), INF),
        (X + 1j, (ValueError, "[Cc]omplex")),
    ]:
        if sp.issparse(bad) and est.__sklearn_tags__().input_tags.sparse:
            assert_allclose(est.predict(bad), before, rtol=1e-12)  # sparse is valid input
            continue
        original = _copy(bad)
        with pytest.raises(exc, match=message):
            est.predict(bad)
        assert_unchanged(bad, original)
    assert_array_equal(est.predict(X), before)


@pytest.mark.parametrize("est_name", list(ESTIMATORS))
def test_predict_before_fit_is_a_clear_error(est_name):
    from sklearn.exceptions import NotFittedError

    X, _ = _clean_data(est_name)
    with pytest.raises(NotFittedError, match="not fitted"):
        ESTIMATORS[est_name]().predict(X)


# --- absurd parameters ------------------------------------------------------------------
PARAMS = ValueError  # InvalidParameterError is a ValueError (and a TypeError)
ABSURD = [
    ("RidgeEigen", lambda: RidgeEigen(alpha=-1.0), "alpha"),
    ("RidgeEigen", lambda: RidgeEigen(alpha=np.nan), "alpha"),
    ("RidgeEigen", lambda: RidgeEigen(alpha=np.inf), "alpha"),
    ("RidgeEigenCV", lambda: RidgeEigenCV(alphas=[1.0, -1.0]), "alphas"),
    ("RidgeEigenCV", lambda: RidgeEigenCV(alphas=[1.0, np.nan]), "alphas"),
    ("RidgeEigenCV", lambda: RidgeEigenCV(alphas=[]), "alphas"),
    ("RidgeEigenCV", lambda: RidgeEigenCV(alphas=[[1.0, 2.0]]), "alphas"),
    ("RidgeEigenCV", lambda: RidgeEigenCV(alphas="abc"), "alphas"),
    ("SoftThresholdQuadratic", lambda: SoftThresholdQuadratic(alpha=-0.1), "alpha"),
    ("SoftThresholdQuadratic", lambda: SoftThresholdQuadratic(alpha=np.nan), "alpha"),
    ("SoftThresholdQuadratic", lambda: SoftThresholdQuadratic(max_iter=0), "max_iter"),
    ("EarlyStoppedGD", lambda: EarlyStoppedGD(alpha=-1.0), "alpha"),
    ("EarlyStoppedGD", lambda: EarlyStoppedGD(alpha=np.nan), "alpha"),
    ("EarlyStoppedGD", lambda: EarlyStoppedGD(learning_rate=0.0), "learning_rate"),
    ("EarlyStoppedGD", lambda: EarlyStoppedGD(learning_rate=-0.1), "learning_rate"),
    ("EarlyStoppedGD", lambda: EarlyStoppedGD(learning_rate=np.nan), "learning_rate"),
    ("EarlyStoppedGD", lambda: EarlyStoppedGD(learning_rate=1e6), "diverge"),
    ("EarlyStoppedGD", lambda: EarlyStoppedGD(learning_rate=1e6, solver="iterative",
                                              batch_size=5, random_state=0), "diverge"),
    ("EarlyStoppedGD", lambda: EarlyStoppedGD(patience=0), "patience"),
    ("EarlyStoppedGD", lambda: EarlyStoppedGD(validation_fraction=1.0), "validation_fraction"),
    ("NoisyInputRegressor", lambda: NoisyInputRegressor(n_copies=0), "n_copies"),
    ("NoisyInputRegressor", lambda: NoisyInputRegressor(noise_std=-0.1), "noise_std"),
    ("NoisyInputRegressor", lambda: NoisyInputRegressor(noise_std=np.nan), "noise_std"),
    ("NoisyInputRegressor", lambda: NoisyInputRegressor(noise_std=np.inf), "noise_std"),
    ("MLPRegressor", lambda: MLPRegressor((5,), alpha=-1.0), "alpha"),
    ("MLPRegressor", lambda: MLPRegressor((5,), alpha=np.nan), "alpha"),
    ("MLPRegressor", lambda: MLPRegressor((5,), alpha=[1.0, 2.0, 3.0]), "alpha.*length"),
    ("MLPRegressor", lambda: MLPRegressor((5,), alpha=[1.0]), "alpha.*length"),
    ("MLPRegressor", lambda: MLPRegressor((5,), alpha=[1.0, -2.0]), "alpha"),
    ("MLPRegressor", lambda: MLPRegressor((5,), alpha=[1.0, np.nan]), "alpha"),
    ("MLPRegressor", lambda: MLPRegressor((5,), learning_rate_init=0.0), "learning_rate_init"),
    ("MLPRegressor", lambda: MLPRegressor((5,), learning_rate_init=-1.0), "learning_rate_init"),
    ("MLPRegressor", lambda: MLPRegressor((5,), solver="sgd", learning_rate_init=1e6,
                                          max_iter=50, random_state=0), "diverged"),
    ("MLPRegressor", lambda: MLPRegressor((5,), solver="gd", learning_rate_init=1e6,
                                          max_iter=50, random_state=0), "diverged"),
    ("MLPRegressor", lambda: MLPRegressor((5,), patience=0, early_stopping=True), "patience"),
    ("MLPRegressor", lambda: MLPRegressor((0,)), "hidden_layer_sizes"),
    ("MLPRegressor", lambda: MLPRegressor((5,), weight_noise=-1.0), "weight_noise"),
    ("MLPClassifier", lambda: MLPClassifier((5,), label_smoothing=1.0), "label_smoothing"),
    ("MLPClassifier", lambda: MLPClassifier((5,), label_smoothing=1.5), "label_smoothing"),
    ("MLPClassifier", lambda: MLPClassifier((5,), label_smoothing=-0.1), "label_smoothing"),
    ("MLPClassifier", lambda: MLPClassifier((5,), label_smoothing=np.nan), "label_smoothing"),
    ("MLPClassifier", lambda: MLPClassifier((5,), alpha=[1.0, 2.0, 3.0]), "alpha.*length"),
    ("MLPClassifier", lambda: MLPClassifier((5,), learning_rate_init=0.0), "learning_rate_init"),
    ("MLPClassifier", lambda: MLPClassifier((5,), patience=0), "patience"),
]


@pytest.mark.parametrize(
    "est_name, make, message", ABSURD, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(ABSURD)]
)
def test_absurd_parameters(est_name, make, message):
    X, y = _clean_data(est_name)
    X0, y0 = X.copy(), y.copy()
    est = make()
    with pytest.raises(PARAMS, match=message):
        _fit_quietly(est, X, y)
    assert_not_fitted(est)
    assert_unchanged(X, X0)
    assert_unchanged(y, y0)


@pytest.mark.parametrize(
    "make",
    [
        # Adam normalizes its steps: a huge learning rate is a poor fit, not a divergence
        lambda: MLPRegressor((5,), learning_rate_init=1e6, max_iter=20, random_state=0),
        lambda: MLPClassifier((5,), solver="sgd", learning_rate_init=1e6, max_iter=20,
                              random_state=0),
    ],
    ids=["MLPRegressor-adam", "MLPClassifier-sgd"],
)
def test_huge_learning_rate_is_finite_when_it_does_not_diverge(make):
    est = make()
    X, y = _clean_data(type(est).__name__)
    _fit_quietly(est, X, y)
    assert all(np.all(np.isfinite(p)) for p in _params(est))
    out = est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)
    assert np.all(np.isfinite(out))
    assert np.all(np.isfinite(est.loss_curve_))


# --- sample_weight (the estimators whose fit takes it) ----------------------------------
WEIGHTED = [
    "RidgeEigen", "RidgeEigenCV", "SoftThresholdQuadratic", "NoisyInputRegressor", "EarlyStoppedGD",
]
BAD_WEIGHTS = [
    ("nan", np.r_[np.ones(19), np.nan], NAN),
    ("inf", np.r_[np.ones(19), np.inf], INF),
    ("negative", np.r_[np.ones(19), -1.0], (ValueError, "[Nn]egative")),
    ("all_zero", np.zeros(20), (ValueError, "non-zero")),
    ("wrong_length", np.ones(19), (ValueError, r"sample_weight.shape")),
    ("2d", np.ones((20, 2)), (ValueError, "1D|1-D|shape")),
    ("strings", np.full(20, "a"), NOT_FLOAT),
]


@pytest.mark.parametrize("weights_name, weights, expected", BAD_WEIGHTS,
                         ids=[w[0] for w in BAD_WEIGHTS])
@pytest.mark.parametrize("est_name", WEIGHTED)
def test_bad_sample_weight(est_name, weights_name, weights, expected):
    X, y = _clean_data(est_name)
    w0 = weights.copy()
    exc, message = expected
    est = ESTIMATORS[est_name]()
    with pytest.raises(exc, match=message):
        est.fit(X, y, sample_weight=weights)
    assert_not_fitted(est)
    fitted = ESTIMATORS[est_name]().fit(X, y)
    before = dict(vars(fitted))
    with pytest.raises(exc, match=message):
        fitted.fit(X, y, sample_weight=weights)
    assert all(vars(fitted)[k] is v for k, v in before.items()) and vars(fitted).keys() == before.keys()
    assert_unchanged(weights, w0)


@pytest.mark.parametrize("est_name", WEIGHTED)
def test_sample_weight_is_not_mutated_and_zero_weight_drops_a_row(est_name):
    X, y = _clean_data(est_name)
    weights = np.r_[np.zeros(5), np.ones(15)]
    w0 = weights.copy()
    if est_name == "NoisyInputRegressor":  # the exact expectation: deterministic
        make = lambda: NoisyInputRegressor(noise_std=0.2, method="marginalize")  # noqa: E731
    else:
        make = ESTIMATORS[est_name]
    weighted = make().fit(X, y, sample_weight=weights)
    assert_unchanged(weights, w0)
    if est_name == "NoisyInputRegressor":  # α = δ²·Σw: the weight total sets the penalty
        dropped = make().fit(X[5:], y[5:])
        assert_allclose(weighted.equivalent_alpha_, dropped.equivalent_alpha_)
    elif est_name == "RidgeEigenCV":  # leave-one-out scores differ; the final fit agrees
        dropped = RidgeEigen(alpha=weighted.alpha_).fit(X[5:], y[5:])
    else:
        dropped = make().fit(X[5:], y[5:])
    assert_allclose(weighted.coef_, dropped.coef_, rtol=1e-7, atol=1e-10)


# --- failures after validation ------------------------------------------------------------
@pytest.mark.parametrize("params", [{"cv": 50}, {"scoring": "accuracy"}], ids=["cv", "scoring"])
def test_ridge_cv_failure_after_validation_leaves_no_state(params):
    X, y = _clean_data("RidgeEigenCV")
    est = RidgeEigenCV(**params)
    with pytest.raises(ValueError):
        est.fit(X, y)
    assert_not_fitted(est)


def test_lasso_warm_start_with_other_features():
    X, y = _clean_data("SoftThresholdQuadratic")
    est = SoftThresholdQuadratic(alpha=0.1, warm_start=True).fit(X, y)
    try:
        est.fit(X[:, :2], y)
    except ValueError as exc:
        assert "warm_start" in str(exc) or "features" in str(exc)
        assert est.n_features_in_ == 3 and est.coef_.shape == (3,)
    else:
        cold = SoftThresholdQuadratic(alpha=0.1).fit(X[:, :2], y)
        assert_allclose(est.coef_, cold.coef_, rtol=1e-6, atol=1e-8)
