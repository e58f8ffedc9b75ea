"""Early stopping (Algorithm 7.1) and its equivalent L2 strength per eigen-direction.

Run: python docs/examples/early_stopping.py [OUT]   (figure: OUT/example_early_stopping.png;
OUT defaults to
a temporary folder, see _common.py; the guide's copy is docs/figures/example_early_stopping.png)
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import OUT, QUICK
from sklearn.preprocessing import StandardScaler

from skreg import EarlyStoppedGD, RidgeEigenCV
from skreg.datasets import make_polynomial_example
from skreg.plotting import EarlyStoppingCurveDisplay, ShrinkageSpectrumDisplay

X, y = make_polynomial_example(n_samples=20, degree=12, noise=0.3, random_state=0)
X = StandardScaler().fit_transform(X)
model = EarlyStoppedGD(max_iter=2000 if QUICK else 20000, patience=1000, random_state=0).fit(X, y)
ridge = RidgeEigenCV(alphas=np.logspace(-4, 3, 50)).fit(X, y)
print(f"i* = {model.best_iter_}, learning rate {model.learning_rate_:.3g}")
print("equivalent alpha per direction:", np.array2string(model.equivalent_alpha_, precision=3))
print(f"ridge alpha_ (leave-one-out) = {ridge.alpha_:.3g}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
EarlyStoppingCurveDisplay.from_estimator(model, ax=ax1)
ax1.set_xscale("log")
ShrinkageSpectrumDisplay(
    model.eigenvalues_, [model.equivalent_alpha_], labels=[f"GD stopped at i* = {model.best_iter_}"]
).plot(ax=ax2)
fig.tight_layout()
fig.savefig(OUT / "example_early_stopping.png", dpi=80)
print(f"wrote {OUT / 'example_early_stopping.png'}")
