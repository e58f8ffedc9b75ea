"""skreg._dask in-process (synchronous scheduler): the blockwise statistics and their
input checks, against the NumPy computation on the same data."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

da = pytest.importorskip("dask.array")
import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

from skreg import RidgeEigen, RidgeEigenCV, SoftThresholdQuadratic  # noqa: E402
from skreg._dask import as_dask_array, gram_stats, is_dask_collection, map_row_blocks  # noqa: E402
from skreg._gram import GramStats  # noqa: E402


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


@pytest.mark.parametrize("value, message", [(np.nan, "NaN or infinity"), (np.inf, "NaN or infinity")])
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
