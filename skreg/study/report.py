"""The study's printed table and ``report.md``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._pipeline import fmt_number

__all__ = ["format_table", "markdown_table", "write_report"]


def _cells(results):
    regression = "task" not in results or (results["task"] == "regression").all()
    columns = {
        "estimator": results["estimator"],
        "best parameters": [
            p + (" (edge!)" if isinstance(e, str) and e else "")
            for p, e in zip(
                results["best_params"], results.get("grid_edge", [""] * len(results)), strict=False
            )
        ],
        "CV score": [
            f"{m:.3f} ± {s:.3f}"
            for m, s in zip(results["cv_mean"], results["cv_std"], strict=False)
        ],
        "held-out": results["test_score"].map(lambda v: f"{v:.3f}"),
        "eq. α": results["equivalent_alpha"].map(fmt_number),
    }
    if regression or np.isfinite(results["effective_dof"].astype(float)).any():
        columns["dof"] = results["effective_dof"].map(
            lambda v: "n/a" if not np.isfinite(v) else f"{v:.2f}"
        )
    columns["nonzero"] = results["n_nonzero"].map(
        lambda v: "n/a" if not np.isfinite(v) else str(int(v))
    )
    columns["time (s)"] = results["time"].map(lambda v: f"{v:.1f}")
    return pd.DataFrame(columns)


def format_table(results):
    """The printed table: one row per method.

    Parameters
    ----------
    results : pandas.DataFrame
        :attr:`StudyResult.results`.

    Returns
    -------
    str
    """
    if len(results) == 0:
        return "(no method ran)"
    return _cells(results).to_string(index=False)


def markdown_table(results):
    """The table of :func:`format_table` as Markdown."""
    shown = _cells(results)
    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "---|" * shown.shape[1]]
    for _, r in shown.iterrows():
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    return "\n".join(lines)


def write_report(path, result, paragraphs, quick=False):
    """Write ``report.md``: schema, protocol, table, grid-edge flags, one paragraph per row,
    figures."""
    dataset, results = result.dataset, result.results
    regression = dataset.task == "regression"
    lines = [f"# skreg study: {dataset.name}", "", "## Data", ""]
    lines += [f"- {line}" for line in dataset.schema_lines()]
    lines += [f"- warning: {note}" for note in dataset.notes]
    lines += [
        "",
        "## Protocol",
        "",
        result.protocol + (" Quick settings (small grids)." if quick else ""),
        "",
    ]
    if result.scoring_reason:
        lines += [f"Scoring is {result.scoring} because {result.scoring_reason}.", ""]
    if getattr(result, "class_weight", None):
        lines += [
            f"Every classifier is fitted with `class_weight='{result.class_weight}'`: "
            f"{result.scoring} weighs the classes equally, so the fits do too (without the weights "
            "every row would sit near the baseline on an imbalanced table).",
            "",
        ]
    if regression:
        lines += [
            "Every model sits in `Pipeline(preprocess, StandardScaler, model)`. Equivalent α is in "
            "the lecture's sum convention (the α of `RidgeEigen`, ½‖Xw − y‖² + ½α‖w‖²); dof = Σ "
            "λᵢ/(λᵢ + α) over the eigenvalues of H = XᵀX of the standardized training data.",
            "",
        ]
    else:
        lines += [
            "Every model sits in `Pipeline(preprocess, StandardScaler, model)` and minimizes a "
            "cross-entropy −Σₖ log p(yₖ | xₖ) plus its penalty (RidgeEigenClassifierCV: least "
            "squares on ±1 class targets); eq. α is the L2 strength on that sum (logistic `alpha` "
            "= 1/C; the linear MLP's α/2 for two classes, whose two softmax outputs share the "
            "penalty); dof = Σ λᵢ/(λᵢ + α) over the eigenvalues of XᵀX (ridge) or of the Hessian "
            "XᵀDX at the solution (binary logistic rows).",
            "",
        ]
    lines += [markdown_table(results), ""]
    edges = [
        (r["estimator"], r["grid_edge"])
        for _, r in results.iterrows()
        if isinstance(r["grid_edge"], str) and r["grid_edge"]
    ]
    if edges:
        lines += ["## At the edge of the grid", ""]
        lines += [f"- **{name}**: {message}" for name, message in edges]
        lines += [""]
    if result.skipped:
        lines += (
            ["## Skipped", ""] + [f"- {key}: {why}" for key, why in result.skipped.items()] + [""]
        )
    lines += ["## What each method did", ""]
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    if result.figures:
        lines += ["## Figures", ""]
        for name in (Path(f).name for f in result.figures):
            lines += [f"![{name}]({name})", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
