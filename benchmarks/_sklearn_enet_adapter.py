"""scikit-learn's ElasticNet / ElasticNetCV API over skreg's estimators (mean → sum convention).

Used by benchmarks/sklearn_enet_tests.py only: alpha·n (or alpha·Σw) for SoftThresholdQuadratic,
the fitted attributes mapped back (alphas_ and dual_gap_ divided by n).
"""
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import enet_path
from skreg import SoftThresholdQuadratic, SoftThresholdQuadraticCV


def _weight_sum(X, sample_weight):
    n = X.shape[0] if hasattr(X, "shape") else len(X)
    if sample_weight is None:
        return float(n)
    sw = np.asarray(sample_weight, dtype=float)
    return float(sw * n) if sw.ndim == 0 else float(sw.sum())


class ElasticNet(RegressorMixin, BaseEstimator):
    path = staticmethod(enet_path)

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, precompute=False, max_iter=1000,
                 copy_X=True, tol=1e-4, warm_start=False, positive=False, random_state=None, selection="cyclic"):
        self.alpha = alpha; self.l1_ratio = l1_ratio; self.fit_intercept = fit_intercept
        self.precompute = precompute; self.max_iter = max_iter; self.copy_X = copy_X; self.tol = tol
        self.warm_start = warm_start; self.positive = positive; self.random_state = random_state
        self.selection = selection

    def fit(self, X, y, sample_weight=None, check_input=True):
        W = _weight_sum(X, sample_weight)
        est = SoftThresholdQuadratic(alpha=self.alpha * W, l1_ratio=self.l1_ratio,
                                     fit_intercept=self.fit_intercept, max_iter=self.max_iter, tol=self.tol,
                                     warm_start=self.warm_start, positive=self.positive)
        if self.warm_start and hasattr(self, "coef_"):
            est.coef_ = self.coef_
        est.fit(X, y, sample_weight=sample_weight)
        self._est = est
        for name in ("coef_", "intercept_", "n_iter_", "n_features_in_", "feature_names_in_"):
            if hasattr(est, name):
                setattr(self, name, getattr(est, name))
        self.dual_gap_ = np.asarray(est.dual_gap_) / W
        return self

    @property
    def sparse_coef_(self):
        from scipy import sparse
        return sparse.csr_matrix(np.atleast_2d(self.coef_))

    def predict(self, X):
        return self._est.predict(X)


class ElasticNetCV(RegressorMixin, BaseEstimator):
    path = staticmethod(enet_path)

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True, precompute="auto",
                 max_iter=1000, tol=1e-4, cv=None, copy_X=True, verbose=0, n_jobs=None, positive=False,
                 random_state=None, selection="cyclic"):
        self.l1_ratio = l1_ratio; self.eps = eps; self.alphas = alphas; self.fit_intercept = fit_intercept
        self.precompute = precompute; self.max_iter = max_iter; self.tol = tol; self.cv = cv
        self.copy_X = copy_X; self.verbose = verbose; self.n_jobs = n_jobs; self.positive = positive
        self.random_state = random_state; self.selection = selection

    def fit(self, X, y, sample_weight=None, **params):
        W = _weight_sum(X, sample_weight)
        alphas = self.alphas if isinstance(self.alphas, (int, np.integer)) else np.asarray(self.alphas) * W
        est = SoftThresholdQuadraticCV(alphas=alphas, l1_ratio=self.l1_ratio, eps=self.eps,
                                       cv=5 if self.cv is None else self.cv, fit_intercept=self.fit_intercept,
                                       max_iter=self.max_iter, tol=self.tol, positive=self.positive,
                                       n_jobs=self.n_jobs)
        est.fit(X, y, sample_weight=sample_weight)
        self._est = est
        self.alpha_ = est.alpha_ / W
        self.alphas_ = est.alphas_ / W
        self.l1_ratio_ = est.l1_ratio_
        self.mse_path_ = est.mse_path_
        for name in ("coef_", "intercept_", "n_iter_", "n_features_in_", "feature_names_in_"):
            if hasattr(est, name):
                setattr(self, name, getattr(est, name))
        self.dual_gap_ = est.dual_gap_ / W
        return self

    def predict(self, X):
        return self._est.predict(X)
