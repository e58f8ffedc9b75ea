"""Run scikit-learn's own RidgeClassifier(CV) unit tests against skreg's ridge classifiers.

Copies ``sklearn/linear_model/tests/test_ridge.py`` from the installed scikit-learn to a
temporary directory, replaces its import of ``RidgeClassifier, RidgeClassifierCV`` by
``skreg.RidgeEigenClassifier, skreg.RidgeEigenClassifierCV`` (under scikit-learn's names),
runs the tests that use them and prints the counts.  Tests of behaviour skreg chooses
differently are listed in ``DIFFERS`` with the reason; every other selected test must
pass (exit status 1 otherwise).  Array-API items skip unless PyTorch/CuPy are installed
(the ridge classifiers are NumPy/SciPy only); some items of the selected tests run
scikit-learn's own Ridge/RidgeCV.

    python benchmarks/sklearn_ridge_classifier_tests.py

(Not part of the test suite: it follows scikit-learn's file, which changes with its versions.)
"""

from __future__ import annotations

import ast
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import sklearn

# test name -> why skreg differs on purpose
DIFFERS = {
    "test_ridgecv_alphas_zero": (
        "alpha = 0 is allowed with cv=None (exact leave-one-out stays finite)"
    ),
    "test_ridgecv_alphas_validation": "negative alphas: the message says '>= 0.0' (0 is allowed)",
}


def _classifier_tests(text):
    """Names of the test functions whose body or decorators mention RidgeClassifier."""
    tree = ast.parse(text)
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            source = ast.get_source_segment(text, node) + "".join(
                ast.get_source_segment(text, d) for d in node.decorator_list
            )
            if "RidgeClassifier" in source:
                names.append(node.name)
    return names


def main():
    source = pathlib.Path(sklearn.__file__).parent / "linear_model" / "tests" / "test_ridge.py"
    text = source.read_text()
    swapped, n = re.subn(
        r"^    RidgeClassifier,\n    RidgeClassifierCV,\n",
        "",
        text,
        flags=re.M,
    )
    if n != 1:
        sys.exit("could not find the estimator import in scikit-learn's test_ridge.py")
    swapped = swapped.replace(
        "from sklearn.linear_model._ridge import (",
        "from skreg import RidgeEigenClassifier as RidgeClassifier\n"
        "from skreg import RidgeEigenClassifierCV as RidgeClassifierCV\n"
        "from sklearn.linear_model._ridge import (",
        1,
    )
    names = _classifier_tests(text)
    root = pathlib.Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "test_ridge_swapped.py"
        path.write_text(swapped)
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-rfE",
                "-p",
                "no:cacheprovider",
                "-o",
                "addopts=",
                "-k",
                " or ".join(names),
                str(path),
            ],
            capture_output=True,
            text=True,
            cwd=tmp,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
    failed = set(re.findall(r"^(?:FAILED|ERROR) \S*::(\w+)", proc.stdout, flags=re.M))
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr
    print(
        f"scikit-learn {sklearn.__version__}, {source}: {len(names)} tests use RidgeClassifier(CV)"
    )
    print(f"pytest: {summary}")
    for name in sorted(failed):
        print(f"  failed  {name:40s} {DIFFERS.get(name, 'UNEXPECTED')}")
    unexpected = sorted(failed - set(DIFFERS))
    if unexpected:
        print(f"{len(unexpected)} unexpected failure(s): {unexpected}")
        print(proc.stdout[-5000:])
        return 1
    print("every test of a behaviour skreg shares passes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
