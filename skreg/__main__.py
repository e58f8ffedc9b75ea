"""``python -m skreg``: the command-line entry point.

* ``python -m skreg``: version and the list of estimators.
* ``python -m skreg study [...]``: cross-validate every regularizer on a data set and
  write ``results.csv``, ``report.md`` and figures (see :mod:`skreg.study`).
* ``python -m skreg demo penalties|early-stopping|noise``: the lecture's three demos
  (see ``skreg._demos``).

Bad input exits with status 2 and one line on stderr (no traceback), including a
``skreg/`` folder in the current directory that shadows the installed package.  The
messages of :func:`skreg.study.run_study` name its arguments (``cv must be at least 2``);
here they name the flags (``--cv must be at least 2``, :meth:`StudyError.as_flags`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings

DEMOS = ("penalties", "early-stopping", "noise")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``skreg: error: ...``) and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    return value


def _shadowing_folder():
    """The folder that ``import skreg`` resolves to when it is not this package, else None.

    ``python -m skreg`` puts the current directory first on ``sys.path``: a ``skreg/``
    folder there (an output folder, a checkout's parent) becomes a namespace package
    named ``skreg`` while this ``__main__`` is found through the installed package.
    """
    import skreg

    here = os.path.dirname(os.path.abspath(__file__))
    origin = getattr(skreg, "__file__", None)
    if origin is not None and os.path.dirname(os.path.abspath(origin)) == here:
        return None
    paths = list(getattr(skreg, "__path__", []) or [])
    return paths[0] if paths else (origin or "?")


def _build_parser():
    import skreg

    parser = _Parser(prog="python -m skreg", description=skreg.__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"skreg {skreg.__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    study = sub.add_parser(
        "study",
        help="cross-validate every regularizer on a data set and write a report",
        description="Compare every skreg regularizer on a bundled data set or a CSV file by one "
        "nested cross-validation: the same outer folds for every row, each row's tuning inside "
        "them.",
    )
    study.add_argument(
        "--data", default="diabetes",
        help="'diabetes' (default), 'polynomial' or the path of a CSV file",
    )
    study.add_argument("--target", default=None,
                       help="target column (default: the CSV's last column)")
    study.add_argument("--task", default="auto", choices=("auto", "regression", "classification"))
    study.add_argument(
        "--scoring", default=None,
        help="any scikit-learn scorer name (r2, neg_mean_squared_error, accuracy, "
        "balanced_accuracy, roc_auc, neg_log_loss, ...); default r2, or accuracy "
        "(balanced_accuracy when a class is under 20%%)",
    )
    study.add_argument("--cv", type=_int, default=5,
                       help="outer cross-validation folds (default 5)")
    study.add_argument("--inner-cv", type=_int, default=None,
                       help="folds of each row's tuning inside an outer fold (default 3; 2 with "
                       "--quick)")
    study.add_argument("--test-size", type=float, default=0.25,
                       help="held-out fraction (default 0.25)")
    study.add_argument("--sep", default=None,
                       help="CSV delimiter (default ','; a file separated by ; tab or | is "
                       "detected and named in the error); '\\t' is a tab")
    study.add_argument("--decimal", default=None, metavar="CHAR",
                       help="decimal mark of the CSV's numbers (default '.'; a column of "
                       "decimal-comma numbers such as 3,14 is an error that says to pass "
                       "--decimal ',')")
    study.add_argument("--na-values", default=None, metavar="TOKEN[,TOKEN]",
                       help="extra missing-value markers (default '?'; '', NA, NaN, null ... "
                       "always)")
    study.add_argument("--categorical", default=None, metavar="COL[,COL]",
                       help="columns to one-hot encode")
    study.add_argument("--drop", default=None, metavar="COL[,COL]", help="columns to leave out")
    study.add_argument("--out", default="skreg-study", help="output folder (default skreg-study/)")
    study.add_argument("--n-jobs", type=_int, default=None,
                       help="parallel jobs over the outer folds")
    study.add_argument("--blas-threads", type=_int, default=1,
                       help="BLAS threads for the whole study (default 1: no oversubscription on "
                       "a busy machine)")
    study.add_argument("--random-state", type=_int, default=0)
    study.add_argument("--quick", action="store_true",
                       help="small grids, 2 inner folds, few iterations (seconds)")
    study.add_argument("--no-figures", action="store_true",
                       help="write results.csv and report.md only")
    study.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS|local",
        help="run the searches on a Dask cluster through joblib's dask backend: a "
        "scheduler address, or 'local' to start a LocalCluster (needs skreg[dask])",
    )

    demo = sub.add_parser(
        "demo",
        help="the lecture's demos: penalties, early-stopping, noise",
        description="Reproduce one of the lecture's three demos, print its numbers and write "
        "its figures.",
    )
    demo.add_argument("name", choices=DEMOS)
    demo.add_argument("--out", default="skreg-demo", help="output folder (default skreg-demo/)")
    demo.add_argument("--quick", action="store_true", help="fewer steps and copies (seconds)")
    demo.add_argument("--random-state", type=_int, default=0)
    return parser


def _summary():
    import skreg
    from skreg.utils import all_estimators

    print(f"skreg {skreg.__version__}")
    print("estimators:")
    for name, cls in all_estimators():
        summary = (cls.__doc__ or "").strip().splitlines()[0]
        print(f"  {name:<24} {summary}")
    print("commands: python -m skreg study --help | python -m skreg demo --help")


def _use_agg():
    """Draw off-screen: the commands only write PNG files."""
    try:
        import matplotlib
    except ImportError:
        return
    matplotlib.use("Agg")


@contextlib.contextmanager
def _joblib_backend(scheduler):
    """joblib's Dask backend on the cluster at ``scheduler`` ('local' starts one)."""
    if scheduler is None:
        yield
        return
    from skreg.study import StudyError

    try:
        import joblib
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise StudyError(f'--scheduler needs Dask: pip install "skreg[dask]" ({exc})') from None
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=":0", silence_logs=40)
            client = Client(cluster, timeout="60s")
        else:
            client = Client(scheduler, timeout="5s")
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise StudyError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None
    print(f"skreg: running the searches on {client.scheduler.address}", file=sys.stderr)
    try:
        with joblib.parallel_backend("dask"):
            yield
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def main(argv=None):
    """Run the skreg command line; returns the process exit status."""
    shadow = _shadowing_folder()
    if shadow is not None:
        print(
            f"skreg: error: the folder {shadow} shadows the installed skreg package (Python "
            "imports the current directory first); run from another folder or rename it",
            file=sys.stderr,
        )
        return 2
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (already printed)
        return 0 if exc.code is None else exc.code
    if args.command is None:
        _summary()
        return 0

    from skreg.study import StudyError

    try:
        if args.command == "study":
            from skreg.study import StudyWarning, run_study

            _use_agg()
            with _joblib_backend(args.scheduler), warnings.catch_warnings():
                # already printed as 'warning: ...' lines
                warnings.simplefilter("ignore", StudyWarning)
                result = run_study(
                    args.data,
                    target=args.target,
                    task=args.task,
                    scoring=args.scoring,
                    cv=args.cv,
                    inner_cv=args.inner_cv,
                    test_size=args.test_size,
                    out=args.out,
                    sep="\t" if args.sep == "\\t" else args.sep,
                    decimal=args.decimal,
                    na_values=args.na_values,
                    categorical=args.categorical,
                    drop=args.drop,
                    blas_threads=args.blas_threads,
                    n_jobs=-1 if args.scheduler and args.n_jobs is None else args.n_jobs,
                    random_state=args.random_state,
                    quick=args.quick,
                    figures=not args.no_figures,
                )
            print(result.table)
            print(f"\nresults: {result.out / 'results.csv'}   report: {result.out / 'report.md'}")
        else:
            from skreg._demos import run_demo
            from skreg.plotting import _pyplot

            try:  # the demos draw figures: say so before any work is done
                _pyplot()
            except ImportError as exc:
                print(f"skreg: error: {exc}", file=sys.stderr)
                return 2
            _use_agg()
            run_demo(args.name, out=args.out, quick=args.quick, random_state=args.random_state)
    except StudyError as exc:
        print(f"skreg: error: {exc.as_flags()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("skreg: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, or input no check foresaw: still one line, no traceback
        first = (str(exc).strip().splitlines() or [""])[0]
        print(
            f"skreg: error: unexpected {type(exc).__name__}: {first} (please report this)",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
