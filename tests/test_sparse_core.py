"""skreg._data._sparse: the implicit centred design equals the explicit dense one."""

import numpy as np
import pytest
from scipy import sparse

from skreg._data._centering import weighted_column_mean
from skreg._data._sparse import (
    CenteredDesign,
    row_scaled,
)


def _problem(fmt, weighted, seed=0):
    rng = np.random.default_rng(seed)
    X = sparse.random(40, 9, density=0.3, random_state=seed, format=fmt.replace("_array", ""))
    if fmt == "csr_array":
        X = sparse.csr_array(X)
    w = rng.uniform(0.2, 3.0, 40) if weighted else None
    return X, w


@pytest.mark.parametrize("fmt", ["csr", "csc", "csr_array"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("centred", [False, True])
def test_centered_design_matches_dense(fmt, weighted, centred):
    X, w = _problem(fmt, weighted)
    data_before = X.data.copy()
    Xd = X.toarray()
    m = weighted_column_mean(X, w) if centred else np.zeros(9)
    sqrt_sw = None if w is None else np.sqrt(w)
    Xc = (Xd - m) * (1.0 if w is None else np.sqrt(w)[:, None])
    design = CenteredDesign(X, m, sqrt_sw)
    rng = np.random.default_rng(1)
    V, U = rng.normal(size=(9, 3)), rng.normal(size=(40, 3))
    np.testing.assert_allclose(design.gram(), Xc.T @ Xc, atol=1e-13)
    np.testing.assert_allclose(design.kernel(), Xc @ Xc.T, atol=1e-13)
    np.testing.assert_allclose(design.matmat(V), Xc @ V, atol=1e-13)
    np.testing.assert_allclose(design.matmat(V[:, 0]), Xc @ V[:, 0], atol=1e-13)
    np.testing.assert_allclose(design.rmatmat(U), Xc.T @ U, atol=1e-13)
    op = design.as_operator()
    np.testing.assert_allclose(op.rmatvec(U[:, 0]), Xc.T @ U[:, 0], atol=1e-13)
    np.testing.assert_array_equal(X.data, data_before)  # never mutated


def test_weighted_mean_and_row_scaling():
    X, w = _problem("csc", True)
    np.testing.assert_allclose(weighted_column_mean(X, w), np.average(X.toarray(), axis=0, weights=w))
    np.testing.assert_allclose(weighted_column_mean(X), X.toarray().mean(axis=0))
    scaled = row_scaled(X, w)
    np.testing.assert_allclose(scaled.toarray(), X.toarray() * w[:, None])
