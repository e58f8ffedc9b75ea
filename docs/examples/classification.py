"""Classification: L2 vs L1 logistic regression, the path and the CV curve with α_min and α_1se.

Run: python docs/examples/classification.py   (figure: docs/figures/example_classification.png)
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import OUT, QUICK
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from skreg import PenalizedLogisticRegression, PenalizedLogisticRegressionCV

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
n_alphas = 20 if QUICK else 100

# the equivalence with scikit-learn: alpha = 1/C (sum convention)
alpha = 2.0
ours = PenalizedLogisticRegression(alpha=alpha).fit(X, y)
ref = LogisticRegression(C=1 / alpha, tol=1e-10, max_iter=10_000).fit(X, y)
print(
    f"L2, alpha={alpha}: max |coef - LogisticRegression(C=1/alpha).coef_| = "
    f"{np.abs(ours.coef_ - ref.coef_).max():.1e}, "
    f"effective dof {ours.effective_dof_:.2f} of {X.shape[1]}"
)

cv = PenalizedLogisticRegressionCV(alphas=n_alphas, l1_ratio=1.0, cv=5, selection="1se").fit(X, y)
res = cv.cv_results_
i_min = int(np.flatnonzero(cv.alphas_ == cv.alpha_min_)[0])
i_1se = int(np.flatnonzero(cv.alphas_ == cv.alpha_1se_)[0])
print(
    f"L1: alpha_min_ = {cv.alpha_min_:.4g} ({res['n_nonzero'][i_min]} features), "
    f"alpha_1se_ = {cv.alpha_1se_:.4g} ({res['n_nonzero'][i_1se]} features) of {X.shape[1]}"
)
l2 = PenalizedLogisticRegressionCV(alphas=n_alphas, l1_ratio=0.0, cv=5).fit(X, y)
print(
    f"CV deviance per sample: L1 {-res['mean_test_score'].max():.4f}, "
    f"L2 {-l2.cv_results_['mean_test_score'].max():.4f}"
)

fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
ax = axes[0]
mean, sem = -res["mean_test_score"], res["sem_test_score"]
ax.errorbar(cv.alphas_, mean, yerr=sem, fmt="o-", ms=3, lw=1, capsize=2)
ax.axvline(cv.alpha_min_, color="C1", ls="--", label="α_min")
ax.axvline(cv.alpha_1se_, color="k", ls=":", label="α_1se")
ax.set(
    xscale="log",
    xlabel="α (sum convention, = 1/C)",
    ylabel="CV log-loss",
    title="L1 logistic: CV curve",
)
ax.legend()
ax = axes[1]
ax.plot(cv.alphas_, cv.coef_path_[0].T, lw=1)
ax.axvline(cv.alpha_1se_, color="k", ls=":")
ax.set(xscale="log", xlabel="α", ylabel="coefficient", title="L1 path (warm-started)")
fig.tight_layout()
fig.savefig(OUT / "example_classification.png", dpi=80)
print(f"wrote {OUT / 'example_classification.png'}")
