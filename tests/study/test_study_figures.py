"""skreg.study.figures: chosen α inside the plotted range, bands inside the score's range."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from skreg.study.figures import _band, _span, score_range  # noqa: E402


def test_span_always_contains_the_chosen_alpha():
    assert _span(1.0, 100.0, 1e4) == (1.0, 1e5)
    assert _span(1.0, 100.0, 1e-3) == (1e-4, 100.0)
    assert _span(1.0, 100.0, 10.0) == (1.0, 100.0)
    assert _span(1.0, 100.0, None) == (1.0, 100.0)


@pytest.mark.parametrize(
    "scoring, low, high",
    [
        ("accuracy", 0.0, 1.0),
        ("balanced_accuracy", 0.0, 1.0),
        ("roc_auc", 0.0, 1.0),
        ("r2", -np.inf, 1.0),
        ("neg_mean_squared_error", -np.inf, 0.0),
        ("matthews_corrcoef", -1.0, 1.0),
        ("max_error", -np.inf, np.inf),
    ],
)
def test_score_range(scoring, low, high):
    assert score_range(scoring) == (low, high)


def test_band_is_clipped_to_the_score_range():
    fig, ax = plt.subplots()
    values = np.array([0.1, 1.0, 10.0])
    _band(ax, values, np.array([0.95, 0.97, 0.9]), np.array([0.1, 0.08, 0.2]), "accuracy")
    verts = ax.collections[0].get_paths()[0].vertices
    assert verts[:, 1].max() <= 1.0 and verts[:, 1].min() >= 0.0
    assert verts[:, 1].max() == pytest.approx(1.0)  # 0.95 + 0.1 was cut at 1
    plt.close(fig)
