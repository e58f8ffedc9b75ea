"""``skreg.study``: which regularizer, how strong, and what does it do to my model?

The main job of skreg (``python -m skreg study``) as a public, layered package:

===========================  ==============================================================
:mod:`skreg.study.data`      reading a CSV and typing its columns (numeric, categorical,
                             dropped), the preprocessing (sparse one-hot encoding)
:mod:`skreg.study.methods`   the registry: one :class:`Method` per row, and what each row
                             reports (equivalent α, degrees of freedom, nonzeros, a paragraph)
:mod:`skreg.study.protocol`  :func:`run_study`: one nested cross-validation for every row
:mod:`skreg.study.report`    the printed table and ``report.md``
:mod:`skreg.study.figures`   the PNG figures
===========================  ==============================================================

Examples
--------
>>> from skreg.study import run_study
>>> result = run_study("diabetes", quick=True, out="skreg-study")  # doctest: +SKIP
>>> print(result.table)  # doctest: +SKIP
"""

from .data import (
    Dataset,
    StudyError,
    StudyWarning,
    load_dataset,
    make_preprocessor,
    read_table,
)
from .methods import (
    METHODS,
    Method,
    StudySettings,
    alpha_with_dof,
    l1_cv_estimator,
    methods_for,
)
from .protocol import StudyResult, default_scoring, run_study
from .report import format_table

__all__ = [
    "Dataset",
    "METHODS",
    "Method",
    "StudyError",
    "StudyResult",
    "StudySettings",
    "StudyWarning",
    "alpha_with_dof",
    "default_scoring",
    "format_table",
    "l1_cv_estimator",
    "load_dataset",
    "make_preprocessor",
    "methods_for",
    "read_table",
    "run_study",
]
