"""The L1 row: SoftThresholdQuadraticCV when skreg exports it (alpha_min_, alpha_1se_), else a grid search."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import LassoCV

import skreg
from skreg.study import METHODS, l1_cv_estimator, run_study
from skreg.study.methods import _l1_grid, _l1_make, StudySettings


class FakeSoftThresholdQuadraticCV(RegressorMixin, BaseEstimator):
    """Stand-in with issue 13's API (sum convention), built on LassoCV, until the real one merges."""

    def __init__(self, alphas=100, *, eps=1e-3, cv=5, selection="min"):
        self.alphas, self.eps, self.cv, self.selection = alphas, eps, cv, selection

    def fit(self, X, y):
        n = X.shape[0]
        lasso = LassoCV(alphas=self.alphas, eps=self.eps, cv=self.cv).fit(X, y)
        self.alphas_ = lasso.alphas_ * n
        self.mse_path_ = lasso.mse_path_
        mean = self.mse_path_.mean(axis=1)
        sem = self.mse_path_.std(axis=1) / np.sqrt(self.mse_path_.shape[1])
        best = int(np.argmin(mean))
        self.alpha_min_ = float(self.alphas_[best])
        self.alpha_1se_ = float(self.alphas_[mean <= mean[best] + sem[best]].max())
        self.alpha_ = self.alpha_min_ if self.selection == "min" else self.alpha_1se_
        chosen = skreg.SoftThresholdQuadratic(alpha=self.alpha_).fit(X, y)
        self.coef_, self.intercept_ = chosen.coef_, chosen.intercept_
        return self

    def predict(self, X):
        return np.asarray(X) @ self.coef_ + self.intercept_


def test_fallback_is_a_grid_search_when_skreg_has_no_cv_estimator(monkeypatch):
    monkeypatch.delattr(skreg, "SoftThresholdQuadraticCV", raising=False)
    assert l1_cv_estimator() is None
    s = StudySettings(n_train=100, y_scale=2.0)
    assert type(_l1_make(s)).__name__ == "SoftThresholdQuadratic"
    alphas = _l1_grid(s)["alpha"]
    assert max(alphas) == pytest.approx(200.0) and len(alphas) == 13


def test_l1_row_uses_the_cv_estimator_and_reports_both_rules(tmp_path, monkeypatch):
    monkeypatch.setattr(skreg, "SoftThresholdQuadraticCV", FakeSoftThresholdQuadraticCV, raising=False)
    assert l1_cv_estimator() is FakeSoftThresholdQuadraticCV
    assert _l1_grid(StudySettings()) == {}
    l1 = [m for m in METHODS if m.key == "l1"]
    result = run_study(methods=l1, quick=True, out=tmp_path, progress=False)
    row = result.results.set_index("key").loc["l1"]
    model = result.models["l1"].named_steps["model"]
    assert isinstance(model, FakeSoftThresholdQuadraticCV) and model.alphas == 20
    assert row["alpha_min"] == pytest.approx(model.alpha_min_) and row["alpha_1se"] == pytest.approx(model.alpha_1se_)
    assert row["alpha_1se"] >= row["alpha_min"] and row["nonzero_1se"] <= row["nonzero_min"] <= 10
    assert f"alpha_min={model.alpha_min_:.3g}" in row["best_params"]
    report = (tmp_path / "report.md").read_text()
    assert "α_min" in report and "α_1se" in report and f"{int(row['nonzero_1se'])} nonzero" in report
    assert (tmp_path / "validation_l1.png").stat().st_size > 1000
