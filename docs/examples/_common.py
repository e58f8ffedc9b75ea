"""Shared settings of the examples: quick mode and output folder (used by the tests)."""

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

QUICK = os.environ.get("SKREG_EXAMPLES_QUICK", "") not in ("", "0")
OUT = Path(os.environ.get("SKREG_EXAMPLES_OUT", Path(__file__).resolve().parent.parent / "figures"))
OUT.mkdir(parents=True, exist_ok=True)
