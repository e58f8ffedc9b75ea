"""skreg._config: one memory budget and one exact-side limit, read at call time."""

import numpy as np
import pytest
from scipy import sparse

import skreg
from skreg import RidgeEigen, config_context, get_config, set_config
from skreg._config import fits_budget, memory_budget


def test_defaults_and_budget_arithmetic():
    config = get_config()
    assert config == {"memory_budget": 2**30, "exact_max_side_sparse": 3000}
    side = int(np.sqrt(config["memory_budget"] / 8))
    assert fits_budget(side, side)
    assert not fits_budget(side + 1, side + 1)
    assert fits_budget(10, 10, itemsize=2) and memory_budget(0.25) == 2**28
    with config_context(memory_budget=800):
        assert fits_budget(10, 10) and not fits_budget(10, 11)
        assert fits_budget(10, 5, fraction=0.5) and not fits_budget(10, 6, fraction=0.5)


def test_context_restores_and_set_config_persists():
    with config_context(memory_budget=8, exact_max_side_sparse=5):
        assert get_config() == {"memory_budget": 8, "exact_max_side_sparse": 5}
    assert get_config()["memory_budget"] == 2**30
    try:
        set_config(exact_max_side_sparse=7)
        assert get_config() == {"memory_budget": 2**30, "exact_max_side_sparse": 7}
    finally:
        set_config(exact_max_side_sparse=3000)
    with pytest.raises(RuntimeError), config_context(memory_budget=8):
        raise RuntimeError  # an error inside the block still restores
    assert get_config()["memory_budget"] == 2**30


@pytest.mark.parametrize("bad", [0, -1, 1.5, "1", True])
def test_invalid_values_are_refused(bad):
    with pytest.raises(ValueError, match="positive integer"):
        set_config(memory_budget=bad)
    with pytest.raises(ValueError, match="Unknown skreg configuration key"):
        with config_context(working_memory=1):
            pass
    assert get_config()["memory_budget"] == 2**30


def test_estimators_read_the_budget_at_call_time():
    rng = np.random.default_rng(0)
    X = sparse.random(60, 30, density=0.3, random_state=1, format="csr")
    y = rng.standard_normal(60)
    assert RidgeEigen().fit(X, y).solver_ == "eigen"
    with config_context(memory_budget=8 * 29 * 29):  # the 30 x 30 Gram no longer fits
        assert RidgeEigen().fit(X, y).solver_ == "lanczos"
    with skreg.config_context(exact_max_side_sparse=29):  # sparse X only
        assert RidgeEigen().fit(X, y).solver_ == "lanczos"
        assert RidgeEigen().fit(X.toarray(), y).solver_ == "eigen"
