"""Loading the study's table and deciding what every column is.

A CSV is read with ``sep`` (default ',': another delimiter is sniffed and named in the error),
with ``"?"``, ``"NA"``, ``""`` and
pandas' usual markers read as missing (``na_values``).  Each feature column then gets one
role, shown to the user before anything is fitted (:meth:`Dataset.schema_lines`):

* **numeric**: every non-missing value parses as a number (booleans count as 0/1);
* **categorical**: other text columns, one-hot encoded (sparse, see :func:`make_preprocessor`);
* **dropped**: ``--drop``, columns with no value at all, and identifier-like text columns
  (more distinct values than half the rows: a name or an ID carries no pattern a linear
  model can use, and one-hot encoding it adds a column per row).

``categorical`` and ``drop`` override the detection.  Every problem is a
:class:`StudyError` with a one-line message (the command line prints it and exits with 2).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

__all__ = [
    "Dataset",
    "StudyError",
    "StudyWarning",
    "DEFAULT_NA_VALUES",
    "check_char",
    "load_dataset",
    "make_preprocessor",
    "read_table",
]

#: Read as missing in addition to pandas' defaults ("", "NA", "N/A", "NaN", "null", …).
DEFAULT_NA_VALUES = ("?",)

_SEPARATORS = ",;\t|"


class StudyError(Exception):
    """Bad input for the study: reported as one line on stderr, exit status 2.

    The message names :func:`~skreg.study.run_study`'s own arguments (``cv must be at
    least 2``); ``names`` lists those it names, so that the command line can word them
    as its flags (:meth:`as_flags`: ``--cv must be at least 2``).

    Parameters
    ----------
    message : str
    names : tuple of str, default=()
        The arguments of ``run_study`` that the message names, as written in it (every
        occurrence as a word is rewritten, so the message must not use them otherwise).
    """

    def __init__(self, message, *, names=()):
        super().__init__(message)
        self.names = tuple(names)

    def as_flags(self):
        """The message with each named argument written as its command-line flag.

        Returns
        -------
        str

        Examples
        --------
        >>> StudyError("inner_cv=9 is more than 8 rows", names=("inner_cv",)).as_flags()
        '--inner-cv 9 is more than 8 rows'
        """
        message = str(self)
        for name in self.names:
            flag = "--" + name.replace("_", "-")
            # ``name=value`` becomes ``--flag value``, as it is typed on the command line
            message = re.sub(
                rf"(?<![\w.=-]){re.escape(name)}(?![\w-])(=?)",
                lambda m, flag=flag: flag + (" " if m.group(1) else ""),
                message,
            )
        return message


class StudyWarning(UserWarning):
    """A choice the study made about the data that the user should see (e.g. a dropped column)."""


def plain(value):
    """A value as a user reads it: ``1`` and ``'yes'``, never ``np.int64(1)``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _names(columns, limit=8):
    columns = [str(c) for c in columns]
    shown = ", ".join(columns[:limit])
    return shown + (f", … ({len(columns)} in all)" if len(columns) > limit else "")


@dataclass
class Dataset:
    """A table ready for the study: features, target, task and the role of every column.

    Attributes
    ----------
    name : str
    X : pandas.DataFrame
        The kept feature columns (numeric ones as float64, categorical ones as text).
    y : pandas.Series
    task : {'regression', 'classification'}
    numeric, categorical : list of str
    dropped : dict
        Column → reason it was dropped.
    notes : list of str
        Warnings about the typing (identifier columns, columns that are almost numeric).
    """

    name: str
    X: pd.DataFrame
    y: pd.Series
    task: str
    numeric: list
    categorical: list
    dropped: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    @property
    def n_onehot(self):
        """Number of one-hot columns the categorical features become (levels, all columns)."""
        return int(sum(self.X[c].nunique() for c in self.categorical))

    def schema_lines(self):
        """The detected schema, one line per role (printed before fitting, put in report.md).

        Returns
        -------
        list of str
        """
        levels = ", ".join(f"{c} ({self.X[c].nunique()} levels)" for c in self.categorical[:8])
        if len(self.categorical) > 8:
            levels += f", … ({len(self.categorical)} in all)"
        lines = [
            f"target: {self.y.name} ({self.task}"
            + (f", {self.y.nunique()} classes)" if self.task == "classification" else ")"),
            f"numeric: {len(self.numeric)}"
            + (f" ({_names(self.numeric)})" if self.numeric else ""),
            f"categorical: {len(self.categorical)}"
            + (f" ({levels}), one-hot encoded" if self.categorical else ""),
            f"dropped: {len(self.dropped)}"
            + (
                " (" + "; ".join(f"{c}: {why}" for c, why in list(self.dropped.items())[:8]) + ")"
                if self.dropped
                else ""
            ),
        ]
        return lines


# ------------------------------------------------------------------------ reading
def _sniff(sample, path):
    """The delimiter of a text sample: csv.Sniffer on its first lines, ',' when unsure."""
    if not sample.strip():
        raise StudyError(f"{path} is empty")
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=_SEPARATORS).delimiter, lines[0]
    except csv.Error:
        return ",", lines[0]


def _source(path):
    """(the first 64 KiB of text, what ``read_csv`` reads) of a file, a pipe or a FIFO.

    A regular file is sniffed from its start and read again by pandas; a stream (a pipe,
    ``--data /dev/stdin``) can be read only once: it is read into memory, sniffed there
    and parsed from the same text, so the sniffing does not consume it.
    """
    if path.is_file():
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            return handle.read(65536), path
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise StudyError(
            f"could not read {path} as UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise StudyError(f"could not read {path}: {exc.strerror or exc}") from None
    return text[:65536], io.StringIO(text)


def check_char(value, name):
    """StudyError unless ``value`` (the argument ``name``) is None or one character."""
    if value is not None and (not isinstance(value, str) or len(value) != 1):
        raise StudyError(f"{name} must be one character, got {value!r}", names=(name,))


def read_table(path, *, sep=None, na_values=None, decimal=None):
    """Read a CSV file into a DataFrame, as the study does.

    Parameters
    ----------
    path : str or Path
        A file, or a stream such as ``/dev/stdin`` (read once, into memory).
    sep : str or None, default=None
        Delimiter, one character; None is ',' (a file whose header is separated by
        ``;``, a tab or ``|`` instead is an error that names the ``sep`` to use).
    na_values : sequence of str or None, default=None
        Markers read as missing, in addition to pandas' defaults; None:
        :data:`DEFAULT_NA_VALUES`.
    decimal : str or None, default=None
        The decimal mark, one character; None is '.' (and :func:`load_dataset` then
        refuses columns of numbers written with a decimal comma, naming ``decimal``).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    StudyError
        A missing or empty file, a file that does not parse, a single column, no rows,
        a ``sep`` or ``decimal`` that is not one character.
    """
    path = Path(path)
    if not path.exists():
        raise StudyError(f"data file not found: {path}")
    if path.is_dir():
        raise StudyError(f"{path} is a directory, not a CSV file")
    check_char(sep, "sep")
    check_char(decimal, "decimal")
    if decimal is not None and decimal == (sep or ","):
        raise StudyError(
            f"decimal={decimal!r} is also the delimiter; pass sep", names=("decimal", "sep")
        )
    sample, source = _source(path)
    sniffed, header = _sniff(sample, path)
    if sep is None and sniffed != "," and header.count(sniffed) > header.count(","):
        raise StudyError(
            f"{path} looks separated by {sniffed!r}, not by commas: use sep={sniffed!r}",
            names=("sep",),
        )
    delimiter = "," if sep is None else sep
    na = list(DEFAULT_NA_VALUES if na_values is None else na_values)
    try:
        frame = pd.read_csv(
            source,
            sep=delimiter,
            na_values=na,
            keep_default_na=True,
            skipinitialspace=True,
            low_memory=False,
            decimal=decimal or ".",
        )
    except pd.errors.EmptyDataError:
        raise StudyError(f"{path} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StudyError(
            f"could not read {path} as CSV ({first}); if it is not comma-separated, pass sep",
            names=("sep",),
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.shape[1] < 2:
        others = [s for s in _SEPARATORS if s != delimiter and s in header]
        hint = (
            f"it looks separated by {others[0]!r}: use sep={others[0]!r}"
            if others
            else "a target and at least one feature are needed (if the file is not "
                 "comma-separated, pass sep)"
        )
        raise StudyError(
            f"{path} has 1 column with delimiter {delimiter!r}; {hint}", names=("sep",)
        )
    if len(frame) == 0:
        raise StudyError(f"{path} has a header but no rows")
    return frame


#: A number written with a decimal comma: 3,14 or -0,5e-3.
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+(?:[eE][+-]?\d+)?$")


def _check_decimal_comma(frame, name):
    """StudyError when a text column holds mostly numbers written with a decimal comma."""
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        text = values.dropna().astype(str).str.strip()
        comma = text.str.match(_DECIMAL_COMMA)
        if len(text) and comma.mean() >= 0.5:
            raise StudyError(
                f"column {column!r} of {name} holds numbers written with a decimal-comma (e.g. "
                f"{text[comma].iloc[0]!r}); pass decimal=',' to read them as numbers (or "
                "decimal='.' to keep them as text)",
                names=("decimal",),
            )


def _check_scalable(values, column, what="column"):
    """StudyError when a numeric column cannot be standardized: its squares overflow float64."""
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    with np.errstate(over="ignore", invalid="ignore"):
        spread = np.sum((v - np.mean(v)) ** 2) if v.size else 0.0
    if not np.isfinite(spread):
        raise StudyError(
            f"{what} {column!r} has values up to {np.max(np.abs(v)):.3g}: too large to standardize "
            "or score (their squared deviations overflow float64); divide it by a power of ten "
            "first"
        )


_INT64 = (-(2**63), 2**63 - 1)


def _integer_labels(raw, number, target):
    """Integer class labels as int64, exactly (from the text beyond 2⁵³), or a StudyError."""
    if float(np.max(np.abs(number.to_numpy()))) < 2.0**53:
        return number.astype(np.int64)
    try:
        ints = [int(str(v).strip()) for v in raw]
    except ValueError:  # written as floats (1e+20): not exact integers
        ints = None
    if ints is None or max(ints) > _INT64[1] or min(ints) < _INT64[0]:
        example = raw.iloc[int(np.argmax(np.abs(number.to_numpy())))]
        raise StudyError(
            f"target {target!r} has integer class labels beyond the 64-bit range (e.g. "
            f"{plain(example)}): they cannot be kept exactly; write them as text labels (e.g. with "
            "a letter prefix) or use task='regression'",
            names=("task",),
        )
    return pd.Series(ints, index=raw.index, dtype=np.int64)


def _builtin(name, random_state):
    if name == "diabetes":
        from sklearn.datasets import load_diabetes

        return load_diabetes(as_frame=True).frame, "target"
    if name == "polynomial":
        from ..datasets import make_polynomial_example

        X, y = make_polynomial_example(n_samples=80, degree=8, random_state=random_state)
        frame = pd.DataFrame(X, columns=[f"x^{k}" for k in range(1, X.shape[1] + 1)])
        frame["y"] = y
        return frame, "y"
    return None


def _split_names(value):
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def _as_number(column):
    """The column as float64 if every non-missing value parses as a number, else None."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype(np.float64)
    if pd.api.types.is_numeric_dtype(column):
        return column.astype(np.float64)
    text = column.astype("string").str.strip()
    parsed = pd.to_numeric(text, errors="coerce")
    if int(parsed.notna().sum()) == int(column.notna().sum()):
        return parsed.astype(np.float64)
    lowered = text.str.lower()
    booleans = {"true": 1.0, "false": 0.0}
    if column.notna().any() and lowered[column.notna()].isin(booleans).all():
        return lowered.map(booleans).astype(np.float64)
    return None


def _check_finite(values, column):
    bad = np.flatnonzero(np.isinf(values.to_numpy()))
    if bad.size:
        i = int(bad[0])
        sign = "-inf" if values.iloc[i] < 0 else "inf"
        more = f" (and {bad.size - 1} more row(s))" if bad.size > 1 else ""
        raise StudyError(
            f"column {column!r} is {sign} in row {i + 1} (file line {i + 2}){more}; replace it "
            "with a number or leave the cell empty (missing)"
        )


def _is_integer_valued(values):
    values = np.asarray(values, dtype=np.float64)
    return bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))


def _typed_target(y, target, task):
    """(the target as numbers or class labels, the task), or a StudyError."""
    number = _as_number(y)
    numeric_target = number is not None and not pd.api.types.is_bool_dtype(y)
    if number is not None:
        _check_finite(number, target)
    if task == "auto":
        if not numeric_target:
            task = "classification"
        elif _is_integer_valued(number) and number.nunique() <= 10:
            task = "classification"
        else:
            task = "regression"
    if task == "regression":
        if not numeric_target:
            raise StudyError(
                f"target {target!r} is not numeric; use task='classification'", names=("task",)
            )
        _check_scalable(number, target, "target")
        y = number.rename(target)
    else:
        if numeric_target and _is_integer_valued(number):
            y = _integer_labels(y, number, target).rename(target)
        elif numeric_target:
            y = number.rename(target)
        else:
            y = y.astype(str).str.strip().rename(target)
        classes = pd.unique(y)
        if len(classes) < 2:
            raise StudyError(
                f"target {target!r} has a single class ({plain(classes[0])}); classification needs "
                "two or more"
            )
    return y, task


def _type_columns(frame, target, dropped_by_user, forced_cat):
    """Each feature column typed: numeric, categorical or dropped (with the reason).

    Returns
    -------
    numeric, cats : lists of column names
    dropped : dict of column → reason
    notes : list of str
        Warnings for the user (numbers with a few odd values read as categorical).
    columns : dict of column → the typed values
    """
    n = len(frame)
    numeric, cats, dropped, notes, columns = [], [], {}, [], {}
    for column in frame.columns:
        if column == target:
            continue
        values = frame[column]
        if column in dropped_by_user:
            dropped[column] = "--drop"
            continue
        if values.isna().all():
            dropped[column] = "no values"
            continue
        if column in forced_cat:
            columns[column] = values.map(lambda v: v if pd.isna(v) else plain(v)).astype(object)
            cats.append(column)
            continue
        number = _as_number(values)
        if number is not None:
            _check_finite(number, column)
            _check_scalable(number, column)
            columns[column] = number
            numeric.append(column)
            continue
        text = values.astype("string").str.strip()
        distinct = int(text.nunique())
        if distinct > n / 2:
            dropped[column] = f"identifier-like, {distinct} distinct values in {n} rows"
            continue
        parsed = pd.to_numeric(text, errors="coerce")
        odd = text[parsed.isna() & text.notna()].unique()
        if parsed.notna().sum() >= 0.9 * text.notna().sum() and len(odd) <= 3:
            shown = ", ".join(repr(str(v)) for v in odd)
            notes.append(
                f"column {column!r} is numbers except {shown}: treated as categorical; if those "
                f"mark missing values, pass --na-values {','.join(str(v) for v in odd)}"
            )
        columns[column] = text.astype(object).where(text.notna(), np.nan)
        cats.append(column)
    return numeric, cats, dropped, notes, columns


def load_dataset(
    data="diabetes",
    *,
    target=None,
    task="auto",
    na_values=None,
    categorical=None,
    drop=None,
    sep=None,
    random_state=0,
    decimal=None,
):
    """Load the study's table, type its columns and decide the task.

    Parameters
    ----------
    data : str, default='diabetes'
        'diabetes' (scikit-learn's bundled set), 'polynomial' (the lecture's example,
        sin(2πx) + noise with features x, …, x⁸, 80 points) or the path of a CSV file.
    target : str or None, default=None
        Target column; None: the built-in set's target, or a CSV's last column.
    task : {'auto', 'regression', 'classification'}, default='auto'
        'auto': classification for a non-numeric or boolean target, or an integer
        target with at most 10 distinct values; regression otherwise.
    na_values : sequence of str or str or None, default=None
        Extra missing-value markers (comma-separated when a string); None: ``"?"``.
    categorical : sequence of str or str or None, default=None
        Columns to one-hot encode whatever they look like (e.g. numeric codes).
    drop : sequence of str or str or None, default=None
        Columns to leave out.
    sep : str or None, default=None
        The CSV delimiter; None sniffs it.
    random_state : int, default=0
        Seed of the 'polynomial' data.
    decimal : str or None, default=None
        The CSV's decimal mark (see :func:`read_table`).

    Returns
    -------
    Dataset

    Raises
    ------
    StudyError
        Missing file, unknown column, missing or infinite values in the target, an
        infinite feature value, no feature left, only constant features, numbers with
        a decimal comma, values too large to standardize, a single class, integer class
        labels beyond int64, a non-numeric regression target.
    """
    builtin = _builtin(data, random_state)
    if builtin is not None:
        frame, default_target = builtin
        name = data
    else:
        na = _split_names(na_values) if na_values is not None else None
        frame = read_table(data, sep=sep, na_values=na, decimal=decimal)
        name = Path(data).name
        default_target = frame.columns[-1]
        if decimal is None:
            _check_decimal_comma(frame, name)
    frame.columns = [str(c) for c in frame.columns]
    target = default_target if target is None else target
    forced_cat, dropped_by_user = _split_names(categorical), _split_names(drop)
    for column in [target, *forced_cat, *dropped_by_user]:
        if column not in frame.columns:
            raise StudyError(
                f"unknown column {column!r} in {name} (columns: {_names(frame.columns, 12)})"
            )
    if target in forced_cat or target in dropped_by_user:
        raise StudyError(
            f"{target!r} is the target; it cannot be in categorical or drop",
            names=("categorical", "drop"),
        )

    y = frame[target]
    missing = int(y.isna().sum())
    if missing:
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(y.isna().to_numpy())[:5])
        raise StudyError(
            f"target {target!r} is missing in {missing} row(s) (file lines "
            f"{rows}{', …' if missing > 5 else ''}); drop or fill those rows first"
        )
    numeric, cats, dropped, notes, columns = _type_columns(
        frame, target, dropped_by_user, forced_cat
    )
    identifiers = [c for c, why in dropped.items() if why.startswith("identifier")]
    if identifiers:
        notes.insert(
            0,
            f"dropped identifier-like text column(s) {', '.join(repr(c) for c in identifiers)} "
            "(more distinct values than half the rows); use --categorical to keep them",
        )
    if not numeric and not cats:
        raise StudyError(
            f"{name} has no feature column left besides the target {target!r} (dropped: "
            f"{_names(dropped) or 'none'})"
        )
    X = pd.DataFrame({c: columns[c] for c in numeric + cats}, index=frame.index)
    if all(X[c].nunique(dropna=True) <= 1 for c in X.columns):
        raise StudyError(
            f"every feature column of {name} is constant ({_names(X.columns)}): there is nothing "
            "to learn from"
        )

    y, task = _typed_target(y, target, task)
    return Dataset(name, X, y, task, numeric, cats, dropped, notes)


# ------------------------------------------------------------------- preprocessing
def make_preprocessor(dataset, *, sparse=True):
    """Impute numeric columns (median) and one-hot encode categorical ones.

    Parameters
    ----------
    dataset : Dataset
    sparse : bool, default=True
        Keep the one-hot block sparse (``OneHotEncoder``'s sparse output): the transformed
        X is then a sparse matrix whenever there is a categorical column.  False gives a
        dense array (for estimators that cannot take sparse X).

    Returns
    -------
    sklearn.compose.ColumnTransformer
    """
    parts = []
    if dataset.numeric:
        parts.append(("num", SimpleImputer(strategy="median"), list(dataset.numeric)))
    if dataset.categorical:
        parts.append(
            (
                "cat",
                Pipeline(
                    [
                        ("impute", SimpleImputer(strategy="most_frequent")),
                        ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=sparse)),
                    ]
                ),
                list(dataset.categorical),
            )
        )
    return ColumnTransformer(
        parts, verbose_feature_names_out=False, sparse_threshold=1.0 if sparse else 0.0
    )


def dense_bytes(dataset, n_rows=None):
    """Bytes of the dense float64 design matrix after one-hot encoding."""
    n_rows = len(dataset.y) if n_rows is None else n_rows
    return 8 * n_rows * (len(dataset.numeric) + dataset.n_onehot)


def fmt_bytes(n):
    """``1.5 GiB``-style size."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} TiB"  # pragma: no cover


def check_sizes(dataset, cv, test_size):
    """Rows left for training after the held-out split; StudyError when too few for ``cv`` folds."""
    n = len(dataset.y)
    n_test = math.ceil(test_size * n)
    n_train = n - n_test
    if n_test < 1 or n_train < cv:
        raise StudyError(
            f"{dataset.name} has {n} rows: {n_train} left for training after the {test_size:g} "
            f"held-out split, fewer than the {cv} cross-validation folds"
        )
    if dataset.task == "classification":
        counts = dataset.y.value_counts()
        smallest = counts.idxmin()
        if math.floor(counts.min() * (1 - test_size)) < cv or counts.min() < 2:
            raise StudyError(
                f"class {plain(smallest)!r} has only {int(counts.min())} rows, too few for the "
                f"held-out split and {cv} stratified folds"
            )
    return n_train
