"""Shared settings of the examples: quick mode and the output folder.

Every example writes its figures to the folder the user names, never over the tracked
files in docs/:

    python docs/examples/penalties.py [OUT]

OUT: the first argument, else $SKREG_EXAMPLES_OUT, else <temp dir>/skreg-examples.
$SKREG_EXAMPLES_QUICK=1 runs with small settings (the test suite does).
"""

import os
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")


def output_folder(argv=None, environ=None):
    """The folder the examples write to (created): argv[1], $SKREG_EXAMPLES_OUT or a temp folder."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    chosen = (
        argv[1]
        if len(argv) > 1
        else environ.get("SKREG_EXAMPLES_OUT") or Path(tempfile.gettempdir()) / "skreg-examples"
    )
    out = Path(chosen).resolve()
    out.mkdir(parents=True, exist_ok=True)
    return out


QUICK = os.environ.get("SKREG_EXAMPLES_QUICK", "") not in ("", "0")
OUT = output_folder()
