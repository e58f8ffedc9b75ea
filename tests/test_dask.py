"""skreg._data._dask in-process (synchronous scheduler): the blockwise statistics and their
input checks, against the NumPy computation on the same data."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

da = pytest.importorskip("dask.array")
import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

from skreg import RidgeEigen, RidgeEigenCV, SoftThresholdQuadratic  # noqa: E402
from skreg._data._dask import as_dask_array, gram_stats, is_dask_collection, map_row_blocks  # noqa: E402
from skreg._data._gram import GramStats  # noqa: E402


@pytest.fixture(autouse=True)
def synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


def _data(n=60, d=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * [1.0, 10.0, 0.1, 1.0] + 1e3
    y = X @ rng.randn(d) + rng.randn(n)
    w = rng.uniform(0.5, 2.0, n)
    return X, y, w


def test_is_dask_collection():
    X, _, _ = _data()
    assert is_dask_collection(None) is False
    assert is_dask_collection(X) is False
    assert is_dask_collection(da.from_array(X, chunks=(20, 4)))
    assert is_dask_collection(dd.from_pandas(pd.DataFrame(X), npartitions=2))


def test_as_dask_array_checks_type_and_dtype():
    X, _, _ = _data()
    with pytest.raises(TypeError, match="X must be a dask array"):
        as_dask_array(X, "X")
    with pytest.raises(ValueError, match="X must be numeric"):
        as_dask_array(da.from_array(np.full((4, 2), "a"), chunks=2), "X")
    frame = dd.from_pandas(pd.DataFrame(X, columns=list("abcd")), npartitions=3)
    arr = as_dask_array(frame, "X")
    assert arr.chunks[1] == (4,)  # one column chunk: whole rows per block
    assert_allclose(arr.compute(), X)


@pytest.mark.parametrize("weighted", [False, True])
def test_gram_stats_equal_numpy(weighted):
    X, y, w = _data()
    w = w if weighted else None
    # gram_stats takes whole rows per block (as_dask_array rechunks the columns)
    dX, dy = da.from_array(X, chunks=(13, 4)), da.from_array(y, chunks=17)  # misaligned rows
    dw = None if w is None else da.from_array(w, chunks=11)
    stats = gram_stats(dX, dy, dw)
    ref = GramStats.from_chunk(X, y, w)
    assert stats.n_samples == ref.n_samples == 60
    assert_allclose(stats.weight_sum, ref.weight_sum)
    assert_allclose(stats.x_mean, ref.x_mean, rtol=1e-13)
    assert_allclose(stats.Sxx, ref.Sxx, rtol=1e-10)
    assert_allclose(stats.Sxy, ref.Sxy, rtol=1e-10)


def test_map_row_blocks_covers_every_row():
    X, y, _ = _data()
    sums = map_row_blocks(lambda Xb, yb, wb: (Xb.shape[0], wb), da.from_array(X, chunks=(25, 4)),
                          da.from_array(y, chunks=25))
    assert [n for n, _ in sums] == [25, 25, 10]
    assert all(wb is None for _, wb in sums)


@pytest.mark.parametrize("Est", [RidgeEigen, RidgeEigenCV, SoftThresholdQuadratic])
def test_dask_fit_equals_numpy_fit(Est):
    X, y, w = _data()
    # column chunks too: the estimator rechunks to whole rows
    est = Est().fit(da.from_array(X, chunks=(16, 2)), da.from_array(y, chunks=16),
                    sample_weight=da.from_array(w, chunks=16))
    ref = Est().fit(X, y, sample_weight=w)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
    assert_allclose(est.intercept_, ref.intercept_, rtol=1e-8)
    out = est.predict(da.from_array(X, chunks=(16, 4)))
    assert is_dask_collection(out)
    assert_allclose(out.compute(), ref.predict(X), rtol=1e-8)


@pytest.mark.parametrize("value, message", [(np.nan, "Input X contains NaN"), (np.inf, "Input X contains infinity")])
def test_non_finite_block_is_a_clear_error(value, message):
    X, y, _ = _data()
    X = X.copy()
    X[45, 2] = value
    est = RidgeEigen()
    with pytest.raises(ValueError, match=message):
        est.fit(da.from_array(X, chunks=(20, 4)), da.from_array(y, chunks=20))


def test_negative_weights_in_a_block_are_a_clear_error():
    X, y, w = _data()
    w = w.copy()
    w[50] = -1.0
    with pytest.raises(ValueError, match="Negative values"):
        RidgeEigen().fit(da.from_array(X, chunks=(20, 4)), da.from_array(y, chunks=20),
                         sample_weight=da.from_array(w, chunks=20))


def test_dask_shape_errors():
    X, y, _ = _data()
    dX = da.from_array(X, chunks=(20, 4))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        RidgeEigen().fit(dX, da.from_array(y[:-1], chunks=20))
    with pytest.raises(ValueError, match="2-D"):
        RidgeEigen().fit(da.from_array(y, chunks=20), da.from_array(y, chunks=20))
    model = RidgeEigen().fit(dX, da.from_array(y, chunks=20))
    with pytest.raises(ValueError, match="features"):
        model.predict(dX[:, :2])


# ------------------------------------------------------------ GramStats.subtract
def test_gram_stats_subtract_is_the_inverse_of_merge_far_from_the_origin():
    rng = np.random.RandomState(1)
    X = rng.randn(50, 3) + 1e8  # means near 1e8: subtraction must not lose the spread
    y = X @ [1.0, -1.0, 0.5] + rng.randn(50)
    w = rng.uniform(0.5, 2.0, 50)
    for weights in [None, w]:
        whole = GramStats.from_chunk(X[:20], y[:20], None if weights is None else weights[:20]).merge(
            GramStats.from_chunk(X[20:], y[20:], None if weights is None else weights[20:]))
        fold = GramStats.from_chunk(X[35:], y[35:], None if weights is None else weights[35:])
        rest = whole.subtract(fold)
        ref = GramStats.from_chunk(X[:35], y[:35], None if weights is None else weights[:35])
        assert rest.n_samples == 35
        assert_allclose(rest.weight_sum, ref.weight_sum, rtol=1e-14)
        assert_allclose(rest.means()[0], ref.means()[0], rtol=1e-15)
        assert_allclose(rest.Sxx, ref.Sxx, rtol=1e-8)  # a spread of 1 survived the 1e8 offset
        assert_allclose(rest.Sxy, ref.Sxy, rtol=1e-8)
        assert_allclose(rest.Syy, ref.Syy, rtol=1e-8)
    with pytest.raises(ValueError, match="nothing would remain"):
        fold.subtract(fold)


# ------------------------------------------------------------ EarlyStoppedGD on Dask
from skreg import EarlyStoppedGD, NoisyInputRegressor  # noqa: E402
from skreg._data._dask import validation_mask  # noqa: E402


def _es_data(n=240, d=30, seed=2):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * np.logspace(0, -1, d) + 5.0
    y = X @ rng.randn(d) + 3.0 * rng.randn(n)  # noisy: the validation loss turns up
    return X, y, rng.uniform(0.5, 2.0, n)


def test_validation_mask_is_a_reproducible_chunk_free_rule():
    whole = validation_mask(0, 10_000, 0.25, seed=3)
    pieces = np.concatenate([validation_mask(a, b, 0.25, 3)
                             for a, b in [(0, 17), (17, 4000), (4000, 10_000)]])
    assert np.array_equal(whole, pieces)
    assert abs(whole.mean() - 0.25) < 0.02
    assert not np.array_equal(whole, validation_mask(0, 10_000, 0.25, seed=4))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("strategy", ["best", "retrain", "continue", None])
@pytest.mark.parametrize("weighted", [False, True])
def test_dask_early_stopping_equals_numpy_on_the_same_split(strategy, weighted):
    X, y, w = _es_data()
    w = w if weighted else None
    kw = dict(strategy=strategy, random_state=11, patience=5, min_delta=1e-9, max_iter=2000,
              alpha=0.5)
    dX, dy = da.from_array(X, chunks=(50, 10)), da.from_array(y, chunks=50)
    dw = None if w is None else da.from_array(w, chunks=50)
    est = EarlyStoppedGD(**kw).fit(dX, dy, sample_weight=dw)
    held = validation_mask(0, len(y), 0.2, seed=11)  # the documented split rule
    if strategy is None:
        ref = EarlyStoppedGD(**kw).fit(X, y, sample_weight=w)
    else:
        part = (lambda a, m: None if a is None else a[m])
        ref = EarlyStoppedGD(**kw).fit(X[~held], y[~held], sample_weight=part(w, ~held),
                                       X_val=X[held], y_val=y[held],
                                       sample_weight_val=part(w, held))
        assert 5 < ref.best_iter_ < 1000  # stopped early, not by max_iter
    assert est.best_iter_ == ref.best_iter_ and est.n_iter_ == ref.n_iter_
    assert_allclose(est.coef_, ref.coef_, rtol=1e-10, atol=1e-10 * abs(ref.coef_).max())
    assert_allclose(est.intercept_, ref.intercept_, rtol=1e-10)
    assert_allclose(est.learning_rate_, ref.learning_rate_, rtol=1e-10)
    assert_allclose(est.history_frame()["val_loss"], ref.history_frame()["val_loss"], rtol=1e-10)
    assert_allclose(est.history_frame()["train_loss"], ref.history_frame()["train_loss"], rtol=1e-10)
    assert_allclose(est.equivalent_alpha_, ref.equivalent_alpha_, rtol=1e-8)
    out = est.predict(dX)
    assert is_dask_collection(out)
    assert_allclose(out.compute(), ref.predict(X), rtol=1e-10)


def test_dask_early_stopping_with_an_explicit_validation_pair_and_two_targets():
    X, y, _ = _es_data(seed=3)
    Y = np.column_stack([y, 0.5 * y + np.random.RandomState(0).randn(len(y))])
    kw = dict(strategy="retrain", patience=5, min_delta=1e-9)
    ref = EarlyStoppedGD(**kw).fit(X[:180], Y[:180], X_val=X[180:], y_val=Y[180:])
    est = EarlyStoppedGD(**kw).fit(
        da.from_array(X[:180], chunks=(45, 30)), da.from_array(Y[:180], chunks=(45, 2)),
        X_val=da.from_array(X[180:], chunks=(25, 30)), y_val=da.from_array(Y[180:], chunks=(25, 2)))
    assert est.best_iter_ == ref.best_iter_
    assert_allclose(est.coef_, ref.coef_, rtol=1e-10, atol=1e-12)
    assert est.coef_.shape == (2, 30)


def test_dask_early_stopping_split_is_reproducible_and_chunk_free():
    X, y, _ = _es_data(seed=4)
    fits = [EarlyStoppedGD(random_state=5, patience=5).fit(
        da.from_array(X, chunks=(c, 30)), da.from_array(y, chunks=c)) for c in (240, 37, 37)]
    for other in fits[1:]:
        assert other.best_iter_ == fits[0].best_iter_
        assert_allclose(other.coef_, fits[0].coef_, rtol=1e-12)
    other_seed = EarlyStoppedGD(random_state=6, patience=5).fit(
        da.from_array(X, chunks=(37, 30)), da.from_array(y, chunks=37))
    assert not np.allclose(other_seed.history_frame()["val_loss"][:5], fits[0].history_["val_loss"][:5])


def test_dask_early_stopping_refuses_what_needs_the_rows():
    X, y, _ = _es_data()
    dX, dy = da.from_array(X, chunks=(60, 30)), da.from_array(y, chunks=60)
    for params in [dict(solver="iterative"), dict(batch_size=10), dict(momentum=0.5)]:
        with pytest.raises(ValueError, match="spectral solver"):
            EarlyStoppedGD(**params).fit(dX, dy)
    with pytest.raises(ValueError, match="no validation"):
        EarlyStoppedGD(validation_fraction=1e-9).fit(dX, dy)


def test_dask_fits_keep_the_client_memory_flat():
    """A 32 MB lazy array in 20 blocks, fitted with the synchronous scheduler: the client
    (this process) holds a block or two and d×d statistics, never the array."""
    import tracemalloc

    i = da.arange(400_000, chunks=20_000, dtype=np.float64)
    X = da.sin(i[:, None] * np.arange(1, 11) * 0.7) + 2.0  # cheap to generate, lazy
    y = X @ np.linspace(-1, 1, 10) + da.cos(i * 1.3)
    EarlyStoppedGD().fit(X[:100], y[:100])  # warm-up: lazy imports are not the data
    RidgeEigenCV(cv=4).fit(X[:100], y[:100])
    tracemalloc.start()
    try:
        es = EarlyStoppedGD(random_state=0).fit(X, y)
        es_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        cv = RidgeEigenCV(cv=4).fit(X, y)
        cv_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert es_peak < 0.35 * X.nbytes, es_peak / 1e6  # measured: 5.5 MB of 32 MB
    assert cv_peak < 0.35 * X.nbytes, cv_peak / 1e6
    assert es.best_iter_ >= 1 and np.isfinite(cv.coef_).all()


# ------------------------------------------------------------ NoisyInputRegressor on Dask
def test_dask_marginalize_equals_numpy_and_augment_names_marginalize():
    X, y, w = _data()
    dX, dy, dw = (da.from_array(a, chunks=16) if a.ndim == 1 else da.from_array(a, chunks=(16, 4))
                  for a in (X, y, w))
    for weights, dweights in [(None, None), (w, dw)]:
        est = NoisyInputRegressor(noise_std=0.5, method="marginalize").fit(dX, dy, sample_weight=dweights)
        ref = NoisyInputRegressor(noise_std=0.5, method="marginalize").fit(X, y, sample_weight=weights)
        assert_allclose(est.equivalent_alpha_, 0.25 * (60 if weights is None else w.sum()), rtol=1e-12)
        assert_allclose(est.equivalent_alpha_, ref.equivalent_alpha_, rtol=1e-12)
        assert_allclose(est.coef_, ref.coef_, rtol=1e-8)
        assert_allclose(est.predict(dX).compute(), ref.predict(X), rtol=1e-10)
    frame = dd.from_pandas(pd.DataFrame(X, columns=list("abcd")), npartitions=3)
    named = NoisyInputRegressor(method="marginalize").fit(frame, dd.from_pandas(pd.Series(y), npartitions=3))
    assert list(named.feature_names_in_) == list("abcd") and named.n_features_in_ == 4
    est = NoisyInputRegressor()
    with pytest.raises(ValueError, match="method='marginalize'"):
        est.fit(dX, dy)
    assert not hasattr(est, "estimator_")


# ------------------------------------------------------------ K-fold RidgeEigenCV on Dask
from sklearn.model_selection import KFold, ShuffleSplit  # noqa: E402


@pytest.mark.parametrize("cv", [5, KFold(4, shuffle=True, random_state=0), "list"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("scoring", [None, "neg_mean_squared_error"])
def test_dask_kfold_ridge_equals_numpy_kfold(cv, weighted, scoring):
    X, y, w = _data(n=103)
    Y = np.column_stack([y, -2.0 * y + np.random.RandomState(5).randn(103) * 50])
    if cv == "list":
        cv = list(KFold(3).split(X))
    w = w if weighted else None
    alphas = np.logspace(-3, 3, 9)
    for target in (y, Y):
        ref = RidgeEigenCV(alphas=alphas, cv=cv, scoring=scoring).fit(X, target, sample_weight=w)
        est = RidgeEigenCV(alphas=alphas, cv=cv, scoring=scoring).fit(
            da.from_array(X, chunks=(17, 4)), da.from_array(target, chunks=17),
            sample_weight=None if w is None else da.from_array(w, chunks=17))
        assert est.alpha_ == ref.alpha_
        assert_allclose(est.best_score_, ref.best_score_, rtol=1e-10)
        assert_allclose(est.coef_, ref.coef_, rtol=1e-10, atol=1e-10 * abs(ref.coef_).max())
        assert_allclose(est.intercept_, ref.intercept_, rtol=1e-10)


def test_dask_kfold_ridge_one_se_and_penalty_factor_equal_numpy():
    X, y, w = _data(n=103)
    factor = np.array([0.0, 1.0, 3.0, 0.5] + [1.0] * (X.shape[1] - 4))
    kw = dict(alphas=np.logspace(-3, 4, 15), cv=4, selection="1se",
              scoring="neg_mean_squared_error", penalty_factor=factor)
    ref = RidgeEigenCV(**kw).fit(X, y, sample_weight=w)
    est = RidgeEigenCV(**kw).fit(da.from_array(X, chunks=(17, 4)), da.from_array(y, chunks=17),
                                 sample_weight=da.from_array(w, chunks=17))
    assert est.alpha_ == ref.alpha_ == ref.alpha_1se_ and est.alpha_1se_ == ref.alpha_1se_
    assert est.alpha_min_ == ref.alpha_min_ and ref.alpha_1se_ >= ref.alpha_min_
    assert_allclose(est.score_path_, ref.score_path_, rtol=1e-9)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-10, atol=1e-10 * abs(ref.coef_).max())


def test_dask_kfold_one_pass_and_clear_errors(monkeypatch):
    X, y, _ = _data()
    dX, dy = da.from_array(X, chunks=(20, 4)), da.from_array(y, chunks=20)
    calls = []
    original = dask.compute
    monkeypatch.setattr(dask, "compute", lambda *a, **k: calls.append(1) or original(*a, **k))
    RidgeEigenCV(cv=5).fit(dX, dy)
    assert len(calls) == 1  # every fold's statistics from one pass over the blocks
    monkeypatch.undo()
    with pytest.raises(ValueError, match="disjoint test folds"):
        RidgeEigenCV(cv=ShuffleSplit(3, test_size=0.5, random_state=0)).fit(dX, dy)
    with pytest.raises(ValueError, match="scoring must be None"):
        RidgeEigenCV(cv=3, scoring="explained_variance").fit(dX, dy)
