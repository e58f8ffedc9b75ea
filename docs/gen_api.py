"""Generate docs/api.md from the docstrings: python docs/gen_api.py"""

import inspect
import sys
from pathlib import Path

import skreg
import skreg.datasets
import skreg.noise
import skreg.penalties
import skreg.plotting
import skreg.study
import skreg.theory

MODULES = [
    ("skreg", skreg),
    ("skreg.penalties", skreg.penalties),
    ("skreg.noise", skreg.noise),
    ("skreg.theory", skreg.theory),
    ("skreg.datasets", skreg.datasets),
    ("skreg.plotting", skreg.plotting),
    ("skreg.study", skreg.study),
]


def render():
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings by `python docs/gen_api.py`; "
        "`help(name)` shows the full text",
        "(parameters, attributes, the lecture formula in Notes, examples).",
        "",
    ]
    for modname, module in MODULES:
        lines += [f"## `{modname}`", ""]
        for name in module.__all__:
            if name.startswith("__"):
                continue
            obj = getattr(module, name)
            try:
                sig = str(inspect.signature(obj))
            except (TypeError, ValueError):
                sig = ""
            summary = (inspect.getdoc(obj) or "").split("\n\n")[0].replace("\n", " ")
            lines += [f"### `{modname}.{name}{sig}`", "", summary, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    target = Path(__file__).resolve().parent / "api.md"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
