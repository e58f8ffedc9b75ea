"""Noise injection: inputs (= ridge with α = δN), labels (smoothing) and weights.

Run: python docs/examples/noise.py [OUT]   (figure: OUT/example_noise.png; OUT defaults to a
temporary
folder, see _common.py; the guide's copy is docs/figures/example_noise.png)
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from _common import OUT, QUICK
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

from skreg import MLPRegressor, NoisyInputRegressor, RidgeEigen
from skreg.noise import smooth_labels

X, y = load_diabetes(return_X_y=True)
X = StandardScaler().fit_transform(X)
exact = NoisyInputRegressor(noise_std=0.3, method="marginalize").fit(X, y)
print(f"input noise 0.3: equivalent alpha = δN = {exact.equivalent_alpha_:.4g}")
ridge = RidgeEigen(alpha=exact.equivalent_alpha_).fit(X, y)
copies = [1, 10, 100] if QUICK else [1, 10, 100, 1000]
gaps = [
    np.linalg.norm(
        NoisyInputRegressor(noise_std=0.3, n_copies=c, random_state=0).fit(X, y).coef_ - ridge.coef_
    )
    for c in copies
]
print("distance to ridge(δN) for", copies, "copies:", np.round(gaps, 3))
print("label smoothing, alpha=0.1:", smooth_labels([1], 0.1, n_classes=4)[0])

warnings.simplefilter("ignore", category=UserWarning)  # ConvergenceWarning: fixed epochs on purpose
rng = np.random.default_rng(0)
x = np.sort(rng.uniform(0, 1, 12))
t = np.sin(2 * np.pi * x) + 0.3 * rng.standard_normal(12)
grid = np.linspace(0, 1, 200)[:, None]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
ax1.loglog(copies, gaps, "o-")
ax1.set_xlabel("noisy copies")
ax1.set_ylabel("‖w − w_ridge(δN)‖")
ax1.set_title("augmented input noise → ridge")
ax2.plot(x, t, "ko")
for delta in (0.0, 0.03):
    net = MLPRegressor(
        (64, 64),
        activation="tanh",
        learning_rate_init=0.01,
        max_iter=3000,
        batch_size=None,
        alpha=0.0,
        tol=0.0,
        n_iter_no_change=10**6,
        weight_noise=delta,
        random_state=0,
    )
    ax2.plot(grid, net.fit(x[:, None], t).predict(grid), label=f"weight_noise = {delta}")
ax2.set_ylim(-2, 2)
ax2.legend()
ax2.set_title("weight noise flattens an overfitting network")
fig.tight_layout()
fig.savefig(OUT / "example_noise.png", dpi=80)
print(f"wrote {OUT / 'example_noise.png'}")
