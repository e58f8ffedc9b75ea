"""Cross-validated L1: the CV curve with the least-error and one-standard-error rules.

Run: python docs/examples/l1_cv.py   (figure: docs/figures/example_l1_cv.png)
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import OUT, QUICK

from skreg import SoftThresholdQuadratic, SoftThresholdQuadraticCV
from skreg.plotting import CVCurveDisplay, RegularizationPathDisplay

# AR(1)-correlated features (ρ = 0.8), 10 true effects among 200 features
rng = np.random.default_rng(0)
n, d = (150, 60) if QUICK else (400, 200)
Z = rng.standard_normal((n, d))
X = np.empty((n, d))
X[:, 0] = Z[:, 0]
for j in range(1, d):  # generating the data, not a hot path
    X[:, j] = 0.8 * X[:, j - 1] + 0.6 * Z[:, j]
w_true = np.zeros(d)
w_true[rng.choice(np.arange(2, d), 8, replace=False)] = rng.choice([-1.0, 1.0], 8) * rng.uniform(
    0.5, 2.0, 8
)
w_true[:2] = [0.3, -0.3]  # two covariates with small effects (say, age and sex)
y = X @ w_true + 1.5 * rng.standard_normal(n)

cv = SoftThresholdQuadraticCV(alphas=100, cv=5).fit(X, y)
at = {
    name: int(np.flatnonzero(cv.alphas_ == a)[0])
    for name, a in (("min", cv.alpha_min_), ("1se", cv.alpha_1se_))
}
nnz = cv.cv_results_["n_nonzero"]
print(
    f"alpha_min_ = {cv.alpha_min_:.4g} ({nnz[at['min']]} nonzero), "
    f"alpha_1se_ = {cv.alpha_1se_:.4g} ({nnz[at['1se']]} nonzero), "
    f"true support {np.count_nonzero(w_true)}"
)
print(f"as scikit-learn's LassoCV alpha_: {cv.alpha_min_ / n:.4g} (= alpha_min_ / n_samples)")

# keep the two covariates in the model: a small penalty factor on them
factors = np.ones(d)
factors[:2] = 1e-3
one_se = SoftThresholdQuadraticCV(alphas=100, cv=5, selection="1se")
plain = one_se.fit(X, y).coef_[:2]
kept = (
    SoftThresholdQuadraticCV(alphas=100, cv=5, selection="1se", penalty_factor=factors)
    .fit(X, y)
    .coef_[:2]
)
print(
    f"covariates at alpha_1se_: {np.round(plain, 3)} penalized, "
    f"{np.round(kept, 3)} with factor 1e-3 "
    f"(true {w_true[:2]})"
)

fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
CVCurveDisplay.from_estimator(cv, ax=axes[0])
RegularizationPathDisplay.from_estimator(
    SoftThresholdQuadratic(alpha=cv.alpha_min_).fit(X, y),
    cv.alphas_,
    ax=axes[1],
    chosen_alpha=cv.alpha_min_,
)
axes[1].axvline(cv.alpha_1se_, color="k", ls=":", lw=1)  # the 1-SE rule, as on the left
fig.tight_layout()
fig.savefig(OUT / "example_l1_cv.png", dpi=80)
print(f"wrote {OUT / 'example_l1_cv.png'}")
