"""The CI contract: NumPy's overflow / invalid / divide warnings are errors everywhere.

pyproject.toml sets ``filterwarnings = ["error::RuntimeWarning"]``; these canaries fail
if that setting is dropped or if anything switches NumPy's floating-point reporting off
for the whole process (``np.seterr(all="ignore")``), which would let a silent NaN path
through every other test.
"""

import numpy as np
import pytest


def test_numpy_reports_floating_point_errors():
    assert np.geterr() == {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}


@pytest.mark.parametrize(
    "operation, message",
    [
        (lambda: np.exp(np.float64(1000.0)), "overflow"),
        (lambda: np.sqrt(np.float64(-1.0)), "invalid value"),
        (lambda: np.float64(1.0) / np.float64(0.0), "divide by zero"),
        (lambda: np.log(np.zeros(1)), "divide by zero"),
    ],
    ids=["overflow", "invalid", "divide", "log0"],
)
def test_runtime_warnings_are_errors(operation, message):
    with pytest.raises(RuntimeWarning, match=message):
        operation()
