"""Run scikit-learn's own LogisticRegression tests against PenalizedLogisticRegression.

Copies ``sklearn/linear_model/tests/test_logistic.py`` from the installed scikit-learn to
a temporary directory, replaces its ``LogisticRegression`` by a thin adapter (C → alpha =
1/C, C = inf or penalty=None → alpha = 0, l1_ratio as given or from penalty='l1'/'l2'; solver,
dual, intercept_scaling,
random_state and n_jobs are accepted and ignored: skreg picks its own solver), adds the
``global_random_seed`` fixture of scikit-learn's conftest (seed 42), runs pytest and
prints the counts.  ``LogisticRegressionCV`` and everything else stay scikit-learn's.
Failures are API differences to read, not a gate: liblinear/saga specifics (their
errors, intercept_scaling, dual), penalty='...' deprecation messages, callbacks, and
unpenalized fits of separable data (skreg raises a ValueError where scikit-learn warns).

    python benchmarks/sklearn_logistic_tests.py
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile

import sklearn

ADAPTER = '''
import numpy as np
from skreg import PenalizedLogisticRegression


class LogisticRegression(PenalizedLogisticRegression):
    """scikit-learn's LogisticRegression parameters on skreg's estimator."""

    _parameter_constraints = {}

    def __init__(self, penalty="deprecated", *, dual=False, tol=1e-4, C=1.0, fit_intercept=True,
                 intercept_scaling=1, class_weight=None, random_state=None, solver="lbfgs",
                 max_iter=100, verbose=0, warm_start=False, n_jobs=None, l1_ratio=0.0):
        self.penalty, self.dual, self.C = penalty, dual, C
        self.intercept_scaling, self.random_state, self.n_jobs = (
            intercept_scaling, random_state, n_jobs
        )
        super().__init__(fit_intercept=fit_intercept, class_weight=class_weight, tol=tol,
                         max_iter=max_iter, warm_start=warm_start, verbose=verbose,
                         l1_ratio=l1_ratio)
        self.solver = solver

    def fit(self, X, y, sample_weight=None):
        l1_ratio = 0.0 if self.l1_ratio is None else self.l1_ratio
        l1_ratio = {"l1": 1.0, "l2": 0.0}.get(self.penalty, l1_ratio)  # the deprecated spelling
        est = PenalizedLogisticRegression(
            alpha=0.0 if (self.C == np.inf or self.penalty is None) else 1.0 / self.C,
            l1_ratio=l1_ratio,
            fit_intercept=self.fit_intercept, class_weight=self.class_weight, tol=self.tol,
            max_iter=self.max_iter, warm_start=self.warm_start)
        state = {k: v for k, v in vars(self).items() if k.endswith("_") or k.startswith("_")}
        if self.warm_start:
            vars(est).update(state)
        est.fit(X, y, sample_weight=sample_weight)
        vars(self).update(
            {k: v for k, v in vars(est).items() if k.endswith("_") or k.startswith("_")}
        )
        return self
'''

CONFTEST = '''
import pytest


@pytest.fixture
def global_random_seed():
    return 42
'''


def main():
    source = pathlib.Path(sklearn.__file__).parent / "linear_model" / "tests" / "test_logistic.py"
    text = source.read_text()
    old = "from sklearn.linear_model import LogisticRegression, LogisticRegressionCV, SGDClassifier"
    if old not in text:
        sys.exit("could not find the estimator import in scikit-learn's test_logistic.py")
    text = text.replace(
        old,
        "from sklearn.linear_model import LogisticRegressionCV, SGDClassifier\n"
        "from _adapter import LogisticRegression",
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        (folder / "test_logistic_swapped.py").write_text(text)
        (folder / "_adapter.py").write_text(ADAPTER)
        (folder / "conftest.py").write_text(CONFTEST)
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-o",
                "addopts=",
                "-W",
                "ignore",
                "--tb=no",
                "-rf",
                str(folder / "test_logistic_swapped.py"),
            ],
            capture_output=True,
            text=True,
            cwd=tmp,
        )
    lines = proc.stdout.strip().splitlines()
    failed = sorted(
        {line.split("::")[1].split("[")[0] for line in lines if line.startswith("FAILED")}
    )
    print("failing tests:", ", ".join(failed) or "none")
    print(lines[-1] if lines else proc.stderr[-2000:])


if __name__ == "__main__":
    main()
