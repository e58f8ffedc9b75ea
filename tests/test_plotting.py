"""skreg.plotting: Display objects, and matplotlib as an optional dependency."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_diabetes  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skreg import EarlyStoppedGD, RidgeEigen, RidgeEigenCV, SoftThresholdQuadratic  # noqa: E402
from skreg.plotting import (  # noqa: E402
    EarlyStoppingCurveDisplay,
    RegularizationPathDisplay,
    ShrinkageSpectrumDisplay,
)

X, y = load_diabetes(return_X_y=True)
XS = StandardScaler().fit_transform(X)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_regularization_path_from_estimator_matches_path():
    model = RidgeEigen(alpha=3.0).fit(XS, y)
    alphas = np.logspace(-2, 4, 7)
    display = RegularizationPathDisplay.from_estimator(make_pipeline(StandardScaler(), model), alphas)
    np.testing.assert_allclose(display.coefs, model.path(alphas)[0])
    assert len(display.lines_) == 10
    np.testing.assert_allclose(display.lines_[2].get_ydata(), model.path(alphas)[0][:, 2])
    assert display.ax_.get_xscale() == "log" and display.figure_ is display.ax_.figure
    assert display.chosen_alpha == 3.0 and display.penalty == "L2"


def test_l1_path_default_grid_reaches_zero():
    model = SoftThresholdQuadratic(alpha=10.0).fit(XS, y)
    display = RegularizationPathDisplay.from_estimator(model)
    assert display.alphas[0] == pytest.approx(model.alpha_max_)
    assert np.all(display.coefs[0] == 0) and display.penalty == "L1"


def test_shrinkage_spectrum_values_and_axes():
    model = RidgeEigenCV(alphas=np.logspace(-2, 3, 11)).fit(XS, y)
    fig, ax = plt.subplots()
    display = ShrinkageSpectrumDisplay.from_estimator(model, ax=ax)
    lam = model.eigenvalues_
    np.testing.assert_allclose(display.shrinkage[0], lam / (lam + model.alpha_))
    assert display.shrinkage[0].sum() == pytest.approx(model.effective_dof_)
    assert display.ax_ is ax and display.figure_ is fig
    # per-direction α (early stopping) is accepted
    per = ShrinkageSpectrumDisplay([4.0, 1.0], [np.array([4.0, 1.0]), 1.0])
    np.testing.assert_allclose(per.shrinkage, [[0.5, 0.5], [0.8, 0.5]])


def test_early_stopping_curve_marks_best_iter():
    model = EarlyStoppedGD(max_iter=300, patience=30, random_state=0).fit(XS, y)
    display = EarlyStoppingCurveDisplay.from_estimator(model)
    assert display.best_iter == model.best_iter_
    train, val = display.lines_
    np.testing.assert_allclose(val.get_ydata(), model.history_frame()["val_loss"])
    best_row = model.history_frame().loc[model.history_frame()["step"] == model.best_iter_, "val_loss"].iloc[0]
    assert best_row == pytest.approx(model.history_frame()["val_loss"].min())
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert f"i* = {model.best_iter_}" in labels


def test_display_errors_are_clear():
    from sklearn.linear_model import LinearRegression

    with pytest.raises(TypeError, match="path"):  # neither path(alphas) nor coef_path_
        RegularizationPathDisplay.from_estimator(LinearRegression().fit(XS, y))
    with pytest.raises(ValueError, match="history_"):
        EarlyStoppingCurveDisplay.from_estimator(RidgeEigen().fit(XS, y))


def test_import_skreg_does_not_need_matplotlib_and_hint_when_missing():
    code = (
        "import sys; sys.modules['matplotlib'] = None; sys.modules['matplotlib.pyplot'] = None\n"
        "import skreg, skreg.plotting, skreg.study, skreg._demos\n"
        "import pandas as pd\n"
        "from skreg.plotting import EarlyStoppingCurveDisplay\n"
        "h = pd.DataFrame({'step': [1], 'train_loss': [1.0], 'val_loss': [1.0]})\n"
        "try:\n"
        "    EarlyStoppingCurveDisplay(h).plot()\n"
        "except ImportError as e:\n"
        "    print('HINT', e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert 'HINT' in proc.stdout and 'pip install "skreg[plot]"' in proc.stdout
    plain = subprocess.run(
        [sys.executable, "-c", "import sys, skreg; print('matplotlib' in sys.modules)"],
        capture_output=True, text=True, timeout=120,
    )
    assert plain.stdout.strip() == "False"


def test_history_dataframe_display_without_estimator():
    history = pd.DataFrame({"step": [1, 2, 3], "train_loss": [3.0, 2.0, 1.0], "val_loss": [3.0, 2.5, 2.7]})
    display = EarlyStoppingCurveDisplay(history, best_iter=2).plot(log_y=False)
    assert display.ax_.get_yscale() == "linear"
    np.testing.assert_allclose(display.lines_[0].get_ydata(), [3.0, 2.0, 1.0])


def test_cv_curve_display_marks_both_rules_and_counts_nonzeros():
    from skreg import SoftThresholdQuadraticCV
    from skreg.plotting import CVCurveDisplay

    model = SoftThresholdQuadraticCV(alphas=30, cv=5).fit(XS, y)
    display = CVCurveDisplay.from_estimator(make_pipeline(StandardScaler(), model))
    line, (bars,) = display.errorbar_.lines[0], display.errorbar_.lines[2]
    np.testing.assert_allclose(line.get_xdata(), model.alphas_)
    np.testing.assert_allclose(line.get_ydata(), model.cv_results_["mean_test_mse"])
    # each error bar spans mean ± SE
    segments = bars.get_segments()
    spans = np.array([seg[1, 1] - seg[0, 1] for seg in segments])
    np.testing.assert_allclose(spans, 2 * model.cv_results_["sem_test_mse"])
    assert [ln.get_xdata()[0] for ln in display.lines_] == [model.alpha_min_, model.alpha_1se_]
    assert display.ax_.get_xscale() == "log"
    ticks = display.ax_top_.get_xticks()
    labels = [t.get_text() for t in display.ax_top_.get_xticklabels()]
    idx = [int(np.flatnonzero(model.alphas_ == t)[0]) for t in ticks]
    assert labels == [str(model.cv_results_["n_nonzero"][i]) for i in idx]
    assert labels[0] == "0"  # α_max: the empty model
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert f"α_1se = {model.alpha_1se_:.3g}" in legend


def test_cv_curve_display_without_counts_and_errors():
    from skreg.plotting import CVCurveDisplay

    fig, ax = plt.subplots()
    display = CVCurveDisplay([10.0, 1.0, 0.0], [3.0, 1.0, 1.2], [0.2, 0.3, 0.3], alpha_min=1.0).plot(ax=ax)
    assert display.ax_ is ax and display.ax_top_ is None and len(display.lines_) == 1
    np.testing.assert_allclose(display.errorbar_.lines[0].get_xdata(), [10.0, 1.0])  # α = 0 left out
    with pytest.raises(ValueError, match="cv_results_"):
        CVCurveDisplay.from_estimator(RidgeEigen().fit(XS, y))
    with pytest.raises(ValueError, match="scoring=None"):  # RidgeEigenCV is drawn since issue 21
        CVCurveDisplay.from_estimator(RidgeEigenCV(alphas=[1.0, 2.0], scoring="r2").fit(XS, y))
