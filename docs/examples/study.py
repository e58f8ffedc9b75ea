"""The study from Python: every regularizer cross-validated on one data set.

Run: python docs/examples/study.py   (same as `python -m skreg study`, report in docs/figures/study/)
"""

from _common import OUT, QUICK

from skreg._study import run_study

result = run_study("diabetes", quick=QUICK, out=OUT / "study")
print(result.table)
