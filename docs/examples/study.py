"""The study from Python: every regularizer through one nested cross-validation.

Run: python docs/examples/study.py [OUT]   (same as `python -m skreg study --out OUT/study`;
OUT defaults to a temporary folder, see _common.py)
"""

from _common import OUT, QUICK

from skreg.study import run_study

result = run_study("diabetes", quick=QUICK, out=OUT / "study")
print(result.protocol)
print(result.table)
print(f"wrote {result.out / 'report.md'}")
