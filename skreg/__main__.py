"""``python -m skreg``: the command-line entry point."""

from __future__ import annotations

import argparse
import sys


def main(argv=None):
    """Run the skreg command line; returns the process exit status."""
    import skreg
    from skreg.utils import all_estimators

    parser = argparse.ArgumentParser(prog="python -m skreg", description=skreg.__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"skreg {skreg.__version__}")
    parser.parse_args(argv)
    print(f"skreg {skreg.__version__}")
    print("estimators:")
    for name, cls in all_estimators():
        summary = (cls.__doc__ or "").strip().splitlines()[0]
        print(f"  {name:<24} {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
