"""docs/model_selection.md: its code blocks run and say what the page says."""

import re
import warnings
from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "model_selection.md"


def test_page_code_blocks_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for block in blocks:
            exec(compile(block, str(PAGE), "exec"), {})
    out = capsys.readouterr().out
    assert re.search(r"GCV alpha [\d.e-]+, BIC alpha [\d.e-]+, evidence alpha [\d.e-]+", out)
    assert "smallest value of the grid (alpha=10)" in out
