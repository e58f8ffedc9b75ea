"""Tall data: partial_fit over chunks and Dask-array fits equal the in-memory fit."""

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import LinAlgWarning

from skreg import RidgeEigen, RidgeEigenCV, SoftThresholdQuadratic
from skreg._data._gram import GramStats


def _data(n=3000, d=12, offset=0.0, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.5, 2, d) + offset
    y = X @ rng.standard_normal(d) + rng.standard_normal(n)
    w = rng.uniform(0.2, 3.0, n)
    return X, y, w


def _rel(a, b):
    return np.abs(np.asarray(a) - b).max() / np.abs(b).max()


@pytest.mark.parametrize("offset", [0.0, 1e8])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_partial_fit_equals_fit(offset, weighted, fit_intercept):
    X, y, w = _data(offset=offset)
    w = w if weighted else None
    full = RidgeEigen(alpha=2.0, fit_intercept=fit_intercept).fit(X, y, sample_weight=w)
    stream = RidgeEigen(alpha=2.0, fit_intercept=fit_intercept)

    def run():
        for start in range(0, len(X), 700):
            rows = slice(start, start + 700)
            stream.partial_fit(X[rows], y[rows], sample_weight=None if w is None else w[rows])

    if offset and not fit_intercept:
        # raw second moments at 1e8: cond(H) ~ 1e17, the statistics cannot carry it: a
        # warning, never silence
        with pytest.warns(LinAlgWarning, match="ill-conditioned"):
            run()
        return
    run()
    tol = 1e-10
    assert _rel(stream.coef_, full.coef_) < tol
    # b = ȳ − x̄ᵀw cancels at a large offset: its error scales with |x̄|·|w|, not |b|
    scale = abs(full.intercept_) + np.abs(X.mean(0)) @ np.abs(full.coef_)
    assert abs(stream.intercept_ - full.intercept_) < tol * scale
    np.testing.assert_allclose(stream.eigenvalues_, full.eigenvalues_, rtol=1e-9)


def test_naive_centring_would_fail_at_large_offset():
    """The reason for the pairwise update: Σxxᵀ − W x̄x̄ᵀ loses every digit at 1e8."""
    X, y, _ = _data(offset=1e8)
    chunks = [GramStats.from_chunk(X[i : i + 500], y[i : i + 500]) for i in range(0, 3000, 500)]
    merged = chunks[0]
    for c in chunks[1:]:
        merged = merged.merge(c)
    exact = (X - X.mean(0)).T @ (X - X.mean(0))
    naive = X.T @ X - len(X) * np.outer(X.mean(0), X.mean(0))
    assert _rel(merged.Sxx, exact) < 1e-10
    assert _rel(naive, exact) > 1e-3


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_l1_partial_fit_equals_fit(fit_intercept):
    X, y, w = _data(offset=1e8 if fit_intercept else 0.0)
    alpha = 0.05 * np.abs((X - X.mean(0)).T @ (y - y.mean())).max()
    kwargs = dict(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12)
    full = SoftThresholdQuadratic(**kwargs).fit(X, y, sample_weight=w)
    stream = SoftThresholdQuadratic(**kwargs)
    for start in range(0, len(X), 1000):
        rows = slice(start, start + 1000)
        stream.partial_fit(X[rows], y[rows], sample_weight=w[rows])
    assert 0 < np.count_nonzero(full.coef_) < X.shape[1]  # a genuinely sparse solution
    np.testing.assert_array_equal(stream.coef_ != 0, full.coef_ != 0)
    assert _rel(stream.coef_, full.coef_) < 1e-8
    assert stream.alpha_max_ == pytest.approx(full.alpha_max_, rel=1e-10)


def test_partial_fit_checks_shapes():
    X, y, _ = _data()
    model = RidgeEigen().partial_fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:100, :5], y[:100])
    with pytest.raises(ValueError, match="target"):
        model.partial_fit(X[:100], np.column_stack([y[:100], y[:100]]))
    # fit starts afresh
    model.fit(X[:50], y[:50])
    np.testing.assert_allclose(model.partial_fit(X[50:80], y[50:80]).coef_,
                               RidgeEigen().fit(X[50:80], y[50:80]).coef_, rtol=1e-9)


da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=":0", silence_logs=40,
    )
    with distributed.Client(cluster, timeout="60s") as c:
        yield c
    cluster.close(timeout=30)


def test_dask_fit_equals_numpy_fit(client):
    X, y, w = _data(offset=1e8)
    Xd, yd, wd = da.from_array(X, chunks=600), da.from_array(y, chunks=450), da.from_array(w, chunks=1000)
    for sw, swd in [(None, None), (w, wd)]:
        ref = RidgeEigen(alpha=0.5).fit(X, y, sample_weight=sw)
        model = RidgeEigen(alpha=0.5).fit(Xd, yd, sample_weight=swd)
        assert _rel(model.coef_, ref.coef_) < 1e-10
        scale = abs(ref.intercept_) + np.abs(X.mean(0)) @ np.abs(ref.coef_)
        assert abs(model.intercept_ - ref.intercept_) < 1e-10 * scale
        pred = model.predict(Xd)
        assert isinstance(pred, da.Array)
        np.testing.assert_allclose(pred.compute(), ref.predict(X), rtol=1e-10)


def test_dask_l1_equals_numpy(client):
    X, y, w = _data(offset=1e8)
    ref = SoftThresholdQuadratic(alpha=200.0, tol=1e-12).fit(X, y, sample_weight=w)
    model = SoftThresholdQuadratic(alpha=200.0, tol=1e-12).fit(
        da.from_array(X, chunks=700), da.from_array(y, chunks=700),
        sample_weight=da.from_array(w, chunks=700),
    )
    np.testing.assert_array_equal(model.coef_ != 0, ref.coef_ != 0)
    assert _rel(model.coef_, ref.coef_) < 1e-8
    coefs, _ = model.path([400.0, 200.0, 100.0])
    np.testing.assert_allclose(coefs[1], model.coef_, rtol=1e-6, atol=1e-9)


def test_dask_ridgecv_loo_equals_numpy(client):
    X, y, w = _data(n=2000)
    Y = np.column_stack([y, np.sin(X[:, 0]) * 5])
    alphas = np.logspace(-3, 4, 15)
    for kwargs in [{}, {"alpha_per_target": True}]:
        ref = RidgeEigenCV(alphas=alphas, **kwargs).fit(X, Y, sample_weight=w)
        model = RidgeEigenCV(alphas=alphas, **kwargs).fit(
            da.from_array(X, chunks=500), da.from_array(Y, chunks=(400, 2)),
            sample_weight=da.from_array(w, chunks=500),
        )
        np.testing.assert_array_equal(model.alpha_, ref.alpha_)
        np.testing.assert_allclose(model.best_score_, ref.best_score_, rtol=1e-9)
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-9)
    with pytest.raises(ValueError, match="leave-one-out"):
        RidgeEigenCV(store_cv_results=True).fit(da.from_array(X, chunks=500),
                                                da.from_array(y, chunks=500))


def test_dask_kfold_and_early_stopping_on_a_cluster(client):
    """Issue 16 on worker processes (tasks and statistics pickled): K-fold RidgeEigenCV
    and EarlyStoppedGD equal their NumPy fits on the same folds / split."""
    from skreg import EarlyStoppedGD
    from skreg._data._dask import validation_mask

    X, y, w = _data(n=2000, offset=1e3)
    alphas = np.logspace(-3, 4, 15)
    dX, dy, dw = (da.from_array(X, chunks=(300, X.shape[1])), da.from_array(y, chunks=300),
                  da.from_array(w, chunks=300))
    ref = RidgeEigenCV(alphas=alphas, cv=4).fit(X, y, sample_weight=w)
    model = RidgeEigenCV(alphas=alphas, cv=4).fit(dX, dy, sample_weight=dw)
    assert model.alpha_ == ref.alpha_
    np.testing.assert_allclose(model.best_score_, ref.best_score_, rtol=1e-10)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-9)
    held = validation_mask(0, 2000, 0.2, seed=3)
    es = EarlyStoppedGD(random_state=3, min_delta=1e-12).fit(dX, dy, sample_weight=dw)
    es_ref = EarlyStoppedGD(min_delta=1e-12).fit(X[~held], y[~held], sample_weight=w[~held],
                                                 X_val=X[held], y_val=y[held],
                                                 sample_weight_val=w[held])
    assert es.best_iter_ == es_ref.best_iter_
    np.testing.assert_allclose(es.coef_, es_ref.coef_, rtol=1e-9)


def test_dask_dataframe_and_bad_blocks(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    X, y, _ = _data(n=1000, d=3)
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    ddf = dd.from_pandas(df, npartitions=3)
    model = RidgeEigen().fit(ddf, dd.from_pandas(pd.Series(y), npartitions=3))
    assert list(model.feature_names_in_) == ["a", "b", "c"]
    np.testing.assert_allclose(model.coef_, RidgeEigen().fit(df, y).coef_, rtol=1e-10)
    Xbad = X.copy()
    Xbad[700, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        RidgeEigen().fit(da.from_array(Xbad, chunks=300), da.from_array(y, chunks=300))


def test_study_runs_on_a_local_dask_cluster(tmp_path, capsys):
    from skreg.__main__ import main

    out = tmp_path / "study"
    assert main(["study", "--quick", "--scheduler", "local", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "running the searches on tcp://127.0.0.1" in captured.err
    results = pd.read_csv(out / "results.csv")
    ridge = results[results["estimator"].str.contains("RidgeEigenCV")]
    assert len(ridge) == 1 and ridge.iloc[0]["cv_mean"] > 0.3


def test_study_unreachable_scheduler_exits_2(tmp_path, capsys):
    from skreg.__main__ import main

    assert main(["study", "--quick", "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path)]) == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
