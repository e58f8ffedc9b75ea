"""Parameter norm penalties: L2 shrinks small-λ directions, L1 sets coefficients to zero.

Run: python docs/examples/penalties.py [OUT]   (figure: OUT/example_penalties.png; OUT defaults to a
temporary folder, see _common.py; the guide's copy is docs/figures/example_penalties.png)
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import OUT
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

from skreg import RidgeEigenCV, SoftThresholdQuadratic
from skreg.plotting import RegularizationPathDisplay, ShrinkageSpectrumDisplay

X, y = load_diabetes(return_X_y=True, as_frame=True)
Xs = StandardScaler().set_output(transform="pandas").fit_transform(X)

ridge = RidgeEigenCV(alphas=np.logspace(-3, 4, 30)).fit(Xs, y)
lasso = SoftThresholdQuadratic(alpha=300.0).fit(Xs, y)
print(
    f"ridge: alpha_ = {ridge.alpha_:.3g}, "
    f"effective dof = {ridge.effective_dof_:.2f} of {Xs.shape[1]}"
)
print(
    f"lasso: alpha = 300 (= sklearn Lasso(alpha={300 / len(y):.3g})), "
    f"{np.count_nonzero(lasso.coef_)} nonzero"
)

fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))
from skreg import RidgeEigen  # noqa: E402  (the fixed-α model carries the path)

RegularizationPathDisplay.from_estimator(
    RidgeEigen(alpha=ridge.alpha_).fit(Xs, y), np.logspace(-1, 5, 60), ax=axes[0]
)
RegularizationPathDisplay.from_estimator(lasso, ax=axes[1])
ShrinkageSpectrumDisplay.from_estimator(ridge, ax=axes[2])
fig.tight_layout()
fig.savefig(OUT / "example_penalties.png", dpi=80)
print(f"wrote {OUT / 'example_penalties.png'}")
