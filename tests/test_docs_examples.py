"""The user guide never rots: every docs/examples script runs (quick settings)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import skreg

DOCS = Path(__file__).resolve().parent.parent / "docs"
EXAMPLES = sorted(p for p in (DOCS / "examples").glob("*.py") if not p.name.startswith("_"))


def test_examples_exist():
    assert {p.stem for p in EXAMPLES} >= {"penalties", "early_stopping", "noise", "study"}


def _docs_snapshot():
    return {
        p: p.stat().st_mtime_ns
        for p in DOCS.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(script, tmp_path):
    env = dict(os.environ, SKREG_EXAMPLES_QUICK="1", MPLBACKEND="Agg")
    env.pop("SKREG_EXAMPLES_OUT", None)
    before = _docs_snapshot()
    proc = subprocess.run(  # the folder named on the command line
        [sys.executable, "-W", "error::RuntimeWarning", str(script), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=script.parent,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _docs_snapshot() == before  # never writes over the tracked files in docs/
    pngs = list(tmp_path.rglob("*.png"))
    assert pngs and all(p.stat().st_size > 1000 for p in pngs)
    assert re.search(r"\d", proc.stdout)


def test_guide_pages_link_existing_files():
    pages = sorted(DOCS.glob("*.md"))
    assert {p.stem for p in pages} >= {
        "index",
        "penalties",
        "early_stopping",
        "noise",
        "conventions",
        "scaling",
        "api",
    }
    for page in pages:
        for target in re.findall(r"\]\(([^)#]+)\)", page.read_text(encoding="utf-8")):
            if "://" not in target:
                assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_api_page_lists_every_public_name():
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    missing = [
        name for name in skreg.__all__ if not name.startswith("__") and f"skreg.{name}(" not in api
    ]
    assert not missing, f"docs/api.md is stale (missing {missing}): run python docs/gen_api.py"


def test_examples_default_output_is_outside_docs(tmp_path, monkeypatch):
    import importlib
    import tempfile

    monkeypatch.syspath_prepend(str(DOCS / "examples"))
    monkeypatch.setattr(sys, "argv", ["x.py"])
    monkeypatch.delenv("SKREG_EXAMPLES_OUT", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    common = importlib.import_module("_common")
    assert common.output_folder(["x.py"], {}) == (tmp_path / "skreg-examples").resolve()
    assert (
        common.output_folder(["x.py", str(tmp_path / "mine")], {}) == (tmp_path / "mine").resolve()
    )
    assert (
        common.output_folder(["x.py"], {"SKREG_EXAMPLES_OUT": str(tmp_path / "env")})
        == (tmp_path / "env").resolve()
    )
    assert DOCS not in common.OUT.parents
