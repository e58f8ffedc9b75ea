"""Regenerate the study tables in README.md from the command that prints them.

    python tools/readme_tables.py            # rewrite README.md's tables
    python tools/readme_tables.py --check    # exit 1 when a table differs (time column aside)

Each table sits in a ```text block right after a marker line
``<!-- study-table: <name> -->``; the table is what ``python -m skreg study`` prints for
that data at the default seed (``random_state=0``).  The check compares every column but
the wall time, which depends on the machine.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
MARKER = re.compile(r"<!-- study-table: (\S+) -->\n```text\n(.*?)```", re.S)


def study_table(name):
    """The printed table of the study on ``name`` ('diabetes', or 'breast_cancer')."""
    import tempfile

    from skreg.study import run_study

    with tempfile.TemporaryDirectory() as tmp:
        data = name
        if name == "breast_cancer":
            from sklearn.datasets import load_breast_cancer

            data = str(Path(tmp) / "breast_cancer.csv")
            load_breast_cancer(as_frame=True).frame.to_csv(data, index=False)
        result = run_study(
            data,
            target="target" if name == "breast_cancer" else None,
            out=None,
            progress=False,
            figures=False,
        )
    return result.table.rstrip("\n") + "\n"


def without_time(table):
    """The table's lines with the last (time) column dropped."""
    return [line.rsplit(None, 1)[0] for line in table.strip().splitlines()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--only", default=None, help="one table name")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    stale = []

    def replace(match):
        name, old = match.group(1), match.group(2)
        if args.only and name != args.only:
            return match.group(0)
        new = study_table(name)
        if without_time(new) != without_time(old):
            stale.append(name)
        return f"<!-- study-table: {name} -->\n```text\n{new}```"

    updated = MARKER.sub(replace, text)
    if args.check:
        for name in stale:
            print(f"README.md: the {name} study table is stale: run python tools/readme_tables.py")
        return 1 if stale else 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
