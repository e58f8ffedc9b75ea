"""The L1 row: SoftThresholdQuadraticCV, reporting alpha_min_ and alpha_1se_
with their nonzero counts.
"""

import pytest

import skreg
from skreg.study import METHODS, l1_cv_estimator, run_study
from skreg.study.methods import StudySettings, _l1_grid


def test_l1_row_uses_the_cv_estimator_and_reports_both_rules(tmp_path):
    assert l1_cv_estimator() is skreg.SoftThresholdQuadraticCV
    assert _l1_grid(StudySettings()) == {}
    l1 = [m for m in METHODS if m.key == "l1"]
    result = run_study(methods=l1, quick=True, out=tmp_path, progress=False)
    row = result.results.set_index("key").loc["l1"]
    model = result.models["l1"].named_steps["model"]
    assert isinstance(model, skreg.SoftThresholdQuadraticCV) and model.alphas == 20
    assert row["alpha_min"] == pytest.approx(model.alpha_min_) and row[
        "alpha_1se"
    ] == pytest.approx(model.alpha_1se_)
    assert row["alpha_1se"] >= row["alpha_min"] and row["nonzero_1se"] <= row["nonzero_min"] <= 10
    assert f"alpha_min={model.alpha_min_:.3g}" in row["best_params"]
    report = (tmp_path / "report.md").read_text()
    assert (
        "α_min" in report and "α_1se" in report and f"{int(row['nonzero_1se'])} nonzero" in report
    )
    assert (tmp_path / "validation_l1.png").stat().st_size > 1000
