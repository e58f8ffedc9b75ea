"""The elastic net keeps a correlated group that the LASSO splits; the relaxed LASSO.

Run: python docs/examples/elastic_net.py [OUT]   (figure: example_elastic_net.png)
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import OUT, QUICK

from skreg import SoftThresholdQuadratic, SoftThresholdQuadraticCV
from skreg.plotting import CVCurveDisplay, RegularizationPathDisplay

# a group of 5 nearly identical features (one latent factor) plus 15 noise features
rng = np.random.default_rng(0)
n, d, group = (100, 20, 5) if QUICK else (200, 20, 5)
latent = rng.standard_normal(n)
X = rng.standard_normal((n, d))
X[:, :group] = latent[:, None] + 0.1 * rng.standard_normal((n, group))
y = 3.0 * latent + rng.standard_normal(n)

lasso = SoftThresholdQuadratic(alpha=0.5 * n).fit(X, y)
enet = SoftThresholdQuadratic(alpha=1.0 * n, l1_ratio=0.2).fit(X, y)
print(f"LASSO keeps {np.count_nonzero(lasso.coef_[:group])} of the group of {group}: "
      f"{np.round(lasso.coef_[:group], 2)}")
print(f"elastic net (l1_ratio=0.2) keeps {np.count_nonzero(enet.coef_[:group])}: "
      f"{np.round(enet.coef_[:group], 2)}")

# the relaxed LASSO: the LASSO selects, least squares on the selection removes the bias
relaxed = SoftThresholdQuadratic(alpha=0.5 * n, gamma=0.0).fit(X, y)
print(f"sum of the group's coefficients (true 3): LASSO {lasso.coef_[:group].sum():.2f}, "
      f"relaxed {relaxed.coef_[:group].sum():.2f}")

cv = SoftThresholdQuadraticCV(l1_ratio=[0.1, 0.5, 1.0], gammas=[0.0, 0.5, 1.0], cv=5).fit(X, y)
print(f"CV chose l1_ratio_ = {cv.l1_ratio_}, gamma_ = {cv.gamma_}, alpha_ = {cv.alpha_:.3g}")

fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
for ax, model, title in ((axes[0], lasso, "LASSO"), (axes[1], enet, "elastic net, l1_ratio = 0.2")):
    alphas = np.geomspace(model.alpha_max_, 1e-3 * model.alpha_max_, 60)
    display = RegularizationPathDisplay.from_estimator(model, alphas, ax=ax)
    for line in display.lines_[:group]:
        line.set_linewidth(2.5)  # the correlated group
    ax.set_title(f"{title}: the group (thick)")
CVCurveDisplay.from_estimator(cv, ax=axes[2])
axes[2].set_yscale("log")
fig.tight_layout()
fig.savefig(OUT / "example_elastic_net.png", dpi=80)
print(f"wrote {OUT / 'example_elastic_net.png'}")
