"""Set-up shared by the whole test suite."""

import os

# scikit-learn's array API dispatch (tests/linear_model/test_ridge_array_api.py and the
# array API checks that tests/test_common.py runs for estimators tagged
# array_api_support) needs SciPy's own array API support, which SciPy reads once, when
# it is first imported: switch it on before any test module imports SciPy.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
