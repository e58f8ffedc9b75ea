"""SoftThresholdQuadraticCV: the LASSO with α chosen by K-fold cross-validation.

What is computed
----------------
For a grid α₁ > α₂ > … > α_m of *full-data* strengths (sum convention, as
:class:`SoftThresholdQuadratic`), each fold k with training rows T_k (weight sum W_T,
n_T rows for unit weights) is fitted along the whole grid at the strengths

    α · W_T / W          (W = Σ wᵢ over all rows; n_T / n without weights)

— the same *per-sample* strength as on all the data, which is what
:class:`sklearn.linear_model.LassoCV` does in its mean convention.  So ``alpha_`` is
directly the α of ``SoftThresholdQuadratic(alpha=alpha_)`` on all the data and equals
``LassoCV().alpha_ × W`` on the same folds and grid.

Sufficient statistics by subtraction (n_samples ≥ n_features)
-------------------------------------------------------------
A fold's LASSO only needs its centred weighted Gram statistics (G_T, q_T, ‖y_T‖²).  With
every row shifted by one reference point c (the first row plus the weighted mean of the
shifted data, so the shifted values are of the size of the data's spread, not of its
offset), write a = (x − c, y − c_y) for the augmented row and, for any set of rows A,

    P_A = Σ_A wᵢ aᵢaᵢᵀ,   s_A = Σ_A wᵢ aᵢ,   W_A = Σ_A wᵢ.

The fold's training rows are everything minus the rows R_k it leaves out, so
P_T = P_all − P_R, s_T = s_all − s_R, W_T = W − W_R and the centred statistics are

    S_T = P_T − s_T s_Tᵀ / W_T     (G_T, q_T, ‖y_T‖² are its blocks).

s_T / W_T is the fold mean minus c: a small vector, so the rank-one correction does not
cancel digits (the textbook Σxxᵀ − W x̄x̄ᵀ at an offset of 1e8 would lose all of them).
When the left-out sets partition the rows (K-fold), P_all = Σₖ P_Rₖ: the K left-out
products together cost one product over the data, n·d², instead of K−1 of them.
Each fold's path is then warm-started from α₁ down with the exact active-set solver of
:class:`SoftThresholdQuadratic` on its Gram matrix, with single-threaded BLAS (its
products are small), the folds run in parallel threads with ``n_jobs``.

Wide data (n_features > n_samples)
----------------------------------
No d×d matrix is formed: each fold's rows are centred at the fold mean and the same
solver works on X_T, computing the Gram blocks of its working sets only.

Penalty factors and sparse X
----------------------------
Each fold's problem (Gram or rows) is reduced by :func:`skreg._l1.reduce_problem`:
positive factors rescale the columns, zero factors are projected out (Frisch–Waugh), so
the solver sees the plain LASSO and the coefficients come back in the original features.
The grid's α_max is that of the reduced full-data problem (:func:`skreg._l1.alpha_max`).
Sparse X is read through one CSR view: on the Gram route the held-out blocks' statistics
are :class:`skreg._data._gram.GramStats` of sparse row blocks (implicit centring), merged into
the total and subtracted from it per fold; on the rows route each fold is
:func:`skreg._l1.make_problem` of its rows (implicitly centred working sets).

Dask input
----------
One pass over the blocks gives each test fold's Gram statistics
(:func:`skreg._data._dask.kfold_gram_stats`); a fold trains on the total minus its own and is
scored from its statistics (:class:`_StatsData`).  K-fold-like splitters only.

The full-data path
------------------
The data are also fitted along the whole grid (one more job in parallel with the
folds): it gives ``cv_results_['n_nonzero']`` (as glmnet's ``nzero``) and the final
model at ``alpha_`` (warm-started, solved to the same duality-gap tolerance as a
single fit).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from scipy.linalg import blas
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.model_selection import check_cv
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions

from .._config import memory_budget
from .._data._checks import check_split_weight
from .._data._dask import is_dask_collection
from .._data._gram import GramStats
from .._data._sparse import is_sparse
from .._l1 import (
    _Problem,
    _solve_path,
    alpha_max,
    check_positive_factors,
    make_problem,
    nontrivial_penalty_factor,
    reduce_problem,
    relax,
    support_least_squares,
)
from .._utils._atomic import atomic_fit
from .._utils._threads import blas_threads
from ._base import LinearRegressorMixin, validate_fit_data
from ._cv import min_and_one_se, standard_error, warn_at_grid_edge
from ._lasso import check_l1_ratio_scale
from ._scaling import fit_if_extreme

__all__ = ["SoftThresholdQuadraticCV"]

# fitted attributes in data units: (power of s_x, power of s_y), see skreg.linear_model._scaling
_SCALED_ATTRIBUTES = {
    "coef_": (-1, 1),
    "intercept_": (0, 1),
    "coef_path_": (-1, 1),
    "intercept_path_": (0, 1),
    "alphas_": (1, 1),
    "alpha_": (1, 1),
    "alpha_min_": (1, 1),
    "alpha_1se_": (1, 1),
    "mse_path_": (0, 2),
    "dual_gap_": (0, 2),
    "cv_results_.alpha": (1, 1),
    "cv_results_.*_mse": (0, 2),
    "path_summary_.alpha": (1, 1),
}

# The K+2 (d+1)×(d+1) matrices of the Gram route must fit in this many bytes; beyond it
# the folds work on their rows of X (Gram blocks of the working sets only).

_ger = blas.dger


def _check_alpha_grid(alphas):
    """A user grid: 1-D, non-negative finite reals (no strings), sorted decreasing."""
    values = alphas.tolist() if isinstance(alphas, np.ndarray) else alphas
    if np.ndim(alphas) != 1 or len(values) == 0:
        raise InvalidParameterError(
            f"alphas must be an int or a non-empty 1-D array-like of floats, got {alphas!r}."
        )
    for index, alpha in enumerate(values):
        if not isinstance(alpha, Real):
            raise InvalidParameterError(
                f"alphas[{index}] must be a real number, got {alpha!r} of type "
                f"{type(alpha).__name__}."
            )
        if not (np.isfinite(alpha) and alpha >= 0):
            raise InvalidParameterError(f"alphas[{index}] must be finite and >= 0, got {alpha!r}.")
    return np.sort(np.asarray(values, dtype=np.float64))[::-1]


def _grid_unit(problem, y, sample_weight):
    """The largest α_max data of this magnitude could have, for the "y is constant" test.

    α_max = maxⱼ|x_jᵀy_w| ≤ maxⱼ‖x_j‖·‖y_w‖ (centred, weighted); with ȳ² added to y's
    energy, y constant up to the round-off of its mean (‖y_w‖ ~ eps·|ȳ|) reads as
    α_max/unit ≤ eps, whatever the scale of X and y (the absolute test α_max/Σw ≤ 1e-15
    reads y·1e-16 as constant).  A row heavier than all the others together is
    centred away and carries no slope information: its weight is left out of the ȳ²
    term (one weight of 1e300 would swamp the test).
    """
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    i = int(np.argmax(w)) if w.size else 0
    rest = float(w[:i].sum() + w[i + 1 :].sum())  # summed, not Σw − wᵢ (1e300 + 19 − 1e300)
    weight = rest if w.size > 1 and w[i] > rest > 0 else float(w.sum())
    y_mean = float(np.average(y, weights=w)) if w.size else 0.0
    unit = np.sqrt(max(float(np.max(problem.diag, initial=0.0)), 0.0)) * np.sqrt(
        float(np.sum(problem.yy)) + weight * y_mean**2
    )
    return unit if unit > 0 else None


class _Data:
    """The data shifted to a reference point c, and the weights: what every fold shares.

    ``A`` holds the rows aᵢ = (xᵢ − c, yᵢ − c_y) (features, then y in the last
    column); ``c`` is the first row plus the weighted mean of the shifted rows when an
    intercept is fitted (so A is centred for all the data), 0 otherwise.
    """

    def __init__(self, X, y, sample_weight, fit_intercept):
        n, d = X.shape
        A = np.empty((n, d + 1))
        A[:, :d] = X
        A[:, d] = y
        if fit_intercept:  # about the heaviest row (a weight of 1e300: see weighted_centre)
            c = A[0 if sample_weight is None else int(np.argmax(sample_weight))].copy()
            A -= c
            shift = np.average(A, axis=0, weights=sample_weight)
            A -= shift
            c += shift
        else:
            c = np.zeros(d + 1)
        self.A = A
        self.c = c
        self.w = sample_weight
        self.sqrt_w = None if sample_weight is None else np.sqrt(sample_weight)
        self.fit_intercept = fit_intercept
        self.n_features = d
        self.weight_sum = float(n if sample_weight is None else sample_weight.sum())

    def weight(self, rows):
        return float(rows.size if self.w is None else self.w[rows].sum())

    def moments(self, rows):
        """(P_A, s_A, W_A) of the rows A (one symmetric product)."""
        B = self.A[rows]
        if self.sqrt_w is None:
            s = B.sum(axis=0)
        else:
            B *= self.sqrt_w[rows, None]
            s = self.sqrt_w[rows] @ B
        return B.T @ B, s, self.weight(rows)

    def problem_from_moments(self, P, s, W):
        """(_Problem on the centred Gram statistics, means relative to c)."""
        d = self.n_features
        S = np.array(P, order="F")  # P is symmetric: its own transpose
        if self.fit_intercept:
            mean = s / W
            u = s / np.sqrt(W)
            S = _ger(-1.0, u, u, a=S, overwrite_a=True)  # S − uuᵀ, exactly symmetric
        else:
            mean = np.zeros(d + 1)
        q = S[:d, d].copy()
        yy = max(float(S[d, d]), 0.0)
        return _Problem.from_gram(S[:d, :d], q[:, None], np.array([yy])), mean

    def problem_from_rows(self, rows):
        """(_Problem on the rows' centred weighted X, y, means relative to c)."""
        B = self.A[rows]
        w = None if self.w is None else self.w[rows]
        if self.fit_intercept:
            mean = np.average(B, axis=0, weights=w)
            B -= mean
        else:
            mean = np.zeros(self.n_features + 1)
        if w is not None:
            B *= np.sqrt(w)[:, None]
        d = self.n_features
        return _Problem(np.asfortranarray(B[:, :d]), B[:, d:].copy()), mean

    def test_mse(self, rows, coefs, mean):
        """(Weighted) mean squared error on the rows of every coefficient vector."""
        d = self.n_features
        support = np.flatnonzero(np.any(coefs != 0, axis=0))
        B = self.A[rows]
        # residual = (x − c)ᵀw + b_rel − (y − c_y), b_rel = m_y − m_xᵀw (means relative to c)
        offset = mean[d] - coefs[:, support] @ mean[support]
        resid = B[:, support] @ coefs[:, support].T + offset - B[:, d:]
        if self.w is None:
            return np.mean(resid**2, axis=0)
        w = self.w[rows]
        return (w @ resid**2) / w.sum()  # Σw > 0: checked in fit


def _problem_from_stats(stats, fit_intercept):
    """(_Problem on the centred — or, without intercept, raw — Gram statistics of a
    :class:`~skreg._data._gram.GramStats`, the absolute means (zeros without intercept))."""
    G, Q = stats.gram(fit_intercept)
    if fit_intercept:
        x_mean, y_mean = stats.means()
        yy, mean = stats.Syy, np.concatenate([x_mean, y_mean])
    else:
        yy = stats.Syy + stats.weight_sum * stats.means()[1] ** 2
        mean = np.zeros(G.shape[0] + 1)
    return _Problem.from_gram(np.array(G, order="F"), Q, yy), mean


class _StatsData:
    """Dask input: the folds are given by Gram statistics only (``skreg._data._dask``).

    A test fold's error comes from its statistics: with r = (x − x̄_T)ᵀw − (y − ȳ_T)
    (the model centred at the training means; 0 for both without intercept),
    Σ wᵢrᵢ² = wᵀS_xx w − 2wᵀS_xy + S_yy with the moments about (x̄_T, ȳ_T).
    """

    def __init__(self, n_features, fit_intercept):
        self.c = np.zeros(n_features + 1)
        self.n_features = n_features
        self.fit_intercept = fit_intercept

    def test_mse(self, test, coefs, mean):
        d = self.n_features
        return test.rss(coefs[:, None, :], mean[:d], mean[d:])[:, 0] / test.weight_sum


class _SparseData:
    """What every fold shares, for sparse X (CSR/CSC): never densified.

    The rows are read from one CSR view (a copy only when X is CSC).  ``c`` is 0: the
    means are absolute (sparse columns sit near the origin).  Fold Gram statistics
    are :class:`skreg._data._gram.GramStats` of sparse row blocks (sparse products plus a
    rank-one correction, at a common reference row: the origin for X, y₀ for y), a
    fold's training statistics the total minus its held-out rows' (:meth:`GramStats.subtract`);
    beyond the memory budget each fold is a working-set problem on its rows, centred
    implicitly (:func:`skreg._l1.make_problem`).
    """

    def __init__(self, X, y, sample_weight, fit_intercept):
        self.X = X.tocsr() if X.format != "csr" else X
        self.y = np.asarray(y, dtype=np.float64)
        self.w = sample_weight
        self.fit_intercept = fit_intercept
        self.n_features = X.shape[1]
        self.c = np.zeros(self.n_features + 1)
        self.shift = (np.zeros(self.n_features), self.y[:1].copy())
        self.weight_sum = float(X.shape[0] if sample_weight is None else sample_weight.sum())

    def weight(self, rows):
        return float(rows.size if self.w is None else self.w[rows].sum())

    def stats(self, rows):
        """GramStats of the rows (at the common reference row)."""
        w = None if self.w is None else self.w[rows]
        return GramStats.from_chunk(self.X[rows], self.y[rows], w, self.shift)

    def problem_from_stats(self, stats):
        return _problem_from_stats(stats, self.fit_intercept)

    def problem_from_rows(self, rows):
        """(_Problem on the rows, implicitly centred and weighted, means)."""
        w = None if self.w is None else self.w[rows]
        y = self.y[rows]
        problem, (x_mean, y_mean) = make_problem(self.X[rows], y[:, None], w, self.fit_intercept)
        return problem, np.concatenate([x_mean, y_mean])

    def test_mse(self, rows, coefs, mean):
        """(Weighted) mean squared error on the rows of every coefficient vector."""
        d = self.n_features
        support = np.flatnonzero(np.any(coefs != 0, axis=0))
        offset = mean[d] - coefs[:, support] @ mean[support]
        X_R = self.X[rows][:, support]
        resid = np.asarray(X_R @ coefs[:, support].T) + offset - self.y[rows, None]
        if self.w is None:
            return np.mean(resid**2, axis=0)
        w = self.w[rows]
        return (w @ resid**2) / w.sum()


def _fold_job(data, build, test_rows, grids, spec, factor):
    """One fold (or, with test_rows None, all the data): the paths and their test errors.

    ``build()`` gives the fold's problem and means; the penalty factors are applied to
    it here (:func:`skreg._l1.reduce_problem`), so each fold reduces its own problem.
    One warm-started path per l1_ratio (``grids[r]``, the fold's strengths), and for
    the relaxed fits one least-squares refit per α on the path's supports, shared by
    every γ.  A fold returns (mse of shape (n_ratios, n_gammas, n_alphas), failed); the
    full data returns its paths (:func:`_full_paths`).
    """
    problem, mean = build()
    problem = reduce_problem(problem, factor)
    ratios, gammas = spec["l1_ratios"], spec["gammas"]
    solver = {key: spec[key] for key in ("tol", "max_iter", "positive")}
    paths, failed = [], []
    for ratio, alphas in zip(ratios, grids, strict=False):
        coefs, gaps, n_iter, bad = _solve_path(problem, alphas, l1_ratio=ratio, **solver)
        failed += bad
        refit = None if gammas == [1.0] else support_least_squares(problem, coefs)[:, 0]
        paths.append((coefs[:, 0], refit, gaps[:, 0], n_iter[:, 0]))
    if test_rows is None:
        return paths, failed, mean, problem
    mse = np.array(
        [
            [data.test_mse(test_rows, relax(coefs, refit, g), mean) for g in gammas]
            for coefs, refit, _, _ in paths
        ]
    )
    return mse, failed


def _dev_ratio_from_gram(problem, coefs):
    """1 − RSS(w)/RSS(0) on the full (centred, weighted) data for each row of coefs:
    glmnet's ``dev.ratio``, RSS(w) = ‖y‖² − 2qᵀw + wᵀGw from the Gram statistics."""
    base = problem.base if hasattr(problem, "base") else problem
    yy = float(base.yy[0])
    if yy <= 0:
        return np.zeros(len(coefs))
    q = base.Q[:, 0]
    rss = np.array([yy - 2.0 * float(q @ w) + float(w @ base.gram_times(w)) for w in coefs])
    return 1.0 - np.maximum(rss, 0.0) / yy


class SoftThresholdQuadraticCV(LinearRegressorMixin, BaseEstimator):
    """LASSO / elastic net with α (ρ, γ) chosen by K-fold CV, by least error or the 1-SE rule.

    Fits :class:`SoftThresholdQuadratic`'s objective

        R̃(w) = ½‖Xw − y‖² + α·[ρ Σⱼ pⱼ|wⱼ| + (1 − ρ)/2 Σⱼ pⱼwⱼ²]
        (rows weighted by ``sample_weight``)

    along a grid of α on every training fold (one warm-started path per fold, from the
    fold's sufficient statistics), scores each α by the mean squared error on the
    held-out rows, and refits all the data at the chosen α.  The strengths are in the
    sum convention of :class:`SoftThresholdQuadratic` for the *full* data; a fold with
    n_train rows is fitted at α·n_train/n (α·Σw_train/Σw with weights), the same
    per-sample strength, as :class:`~sklearn.linear_model.LassoCV` does.

    Parameters
    ----------
    alphas : int or array-like of shape (n_alphas,), default=100
        An int m: m strengths geometrically spaced from ``α_max`` down to
        ``eps · α_max``, with α_max = max |X_cᵀW y_c| over the full data (the smallest α
        giving all-zero coefficients; clipped at 0 when ``positive``; with
        ``penalty_factor``, see there).  An array: the
        strengths α ≥ 0 themselves, sorted decreasingly (the same grid for every
        l1_ratio); a chosen α at the smallest or largest value of such a grid (of two or
        more values) raises a ``UserWarning``.  With an int and ρ < 1, each ratio's grid starts
        at α_max/ρ (as
        ``ElasticNetCV``); ρ = 0 needs an explicit grid.
    l1_ratio : float or array-like of floats in [0, 1], default=1.0
        ρ, the L1 share of the penalty (1: LASSO).  A list is cross-validated too: one
        warm-started path per ratio and fold, as ``ElasticNetCV``.
    gammas : array-like of floats in [0, 1] or None, default=None
        The relaxed LASSO's γ (see :class:`SoftThresholdQuadratic`), all scored on the
        same fold paths (one least-squares refit on the support per α, shared by every
        γ); None: no relaxation (γ = 1).
    eps : float, default=1e-3
        Length of the automatic grid, α_min / α_max.
    cv : int, cross-validation generator or iterable, default=5
        As in :func:`sklearn.model_selection.check_cv` (an int gives ``KFold``).
    selection : {'min', '1se'}, default='min'
        Which α becomes ``alpha_``: the least mean CV error (``alpha_min_``) or the
        largest α within one standard error of it (``alpha_1se_``, glmnet's
        ``lambda.1se``).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (each fold centred at its own weighted means).
    max_iter : int, default=1000
        Maximum number of solver iterations per α (see :class:`SoftThresholdQuadratic`).
    tol : float, default=1e-4
        Every α of every path is solved (at least once, then) to a duality gap
        ≤ ``tol · min(‖y_c‖², 2F(w))`` of its fold (y centred and weighted, F the
        objective; :class:`SoftThresholdQuadratic`'s rule).
    positive : bool, default=False
        Constrain the coefficients to be ≥ 0.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature factors pⱼ ≥ 0: the penalty becomes α Σⱼ pⱼ|wⱼ| (None: all ones);
        pⱼ = 0 leaves feature j unpenalized (fitted by least squares with the
        intercept, on every fold and in the refit).  ``alphas_`` then starts at
        α_max = max over penalized j of |X_jᵀr₀|/pⱼ, r₀ the residual of y on the
        unpenalized features.  Used as given (glmnet's ``penalty.factor`` is rescaled
        to sum to n_features: pass ``p * n_features / p.sum()`` for glmnet's model).
        Zero factors cannot be combined with ``positive=True``.
    n_jobs : int or None, default=None
        Number of threads running the paths of the folds (and of the full data) at
        once; None means 1 (see :term:`n_jobs`).

    Attributes
    ----------
    alpha_ : float
        The chosen strength (``alpha_min_`` or ``alpha_1se_``), for
        ``SoftThresholdQuadratic(alpha=alpha_)`` on all the data.
    alpha_min_ : float
        The α of least mean CV error (the largest one in a tie).
    alpha_1se_ : float
        The largest α whose mean CV error is at most the least mean error plus its
        standard error (see Notes).
    l1_ratio_ : float
        The chosen ρ (the one of least mean CV error).
    gamma_ : float
        The chosen γ (1.0 when ``gammas`` is None).
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratios, n_alphas)
        The grid, decreasing (full-data strengths); one row per ratio for a list of
        ratios and an automatic grid (``ElasticNetCV``'s shapes).
    mse_path_ : ndarray of shape (n_alphas, n_folds), (n_l1_ratios, n_alphas, n_folds) or (n_l1_ratios, n_gammas, n_alphas, n_folds)
        Test mean squared error of every α on every fold (weighted by ``sample_weight``
        within a fold): the first shape for one ratio, the second for a list, the
        third when ``gammas`` is set.
    cv_results_ : dict of ndarrays of shape (n_l1_ratios · n_gammas · n_alphas,)
        One row per (l1_ratio, gamma, alpha): ``alpha``, ``mean_test_mse``,
        ``std_test_mse`` (over folds, ddof=0), ``sem_test_mse`` (standard error, see
        Notes), ``n_nonzero`` (nonzero coefficients of the full-data fit at each α,
        glmnet's ``nzero``), ``l1_ratio``, ``gamma``, ``dev_ratio`` (fraction of the
        null deviance explained on the full data, glmnet's ``dev.ratio``) and
        ``split{k}_test_mse``; ``pandas.DataFrame(cv_results_)`` shows them.
    coef_path_ : ndarray of shape (n_features, n_alphas)
        The full-data path at ``l1_ratio_`` and ``gamma_`` over its grid (the α axis
        last, as ``enet_path``): glmnet's ``coef(cvfit, s=...)`` at any α without a
        refit; ``coef_`` is its column at ``alpha_``.
    intercept_path_ : ndarray of shape (n_alphas,)
    path_summary_ : dict of ndarrays of shape (n_alphas,)
        glmnet's print of the path: ``alpha``, ``n_nonzero``, ``dev_ratio``.
    coef_ : ndarray of shape (n_features,)
        Coefficients of the fit on all the data at ``alpha_``.
    intercept_ : float
    n_iter_ : int
        Solver iterations of the final fit at ``alpha_`` (warm-started along the grid).
    dual_gap_ : float
        Duality gap of the final fit (sum convention, as
        :attr:`SoftThresholdQuadratic.dual_gap_`).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    sklearn.linear_model.LassoCV : the same selection by least mean error, in the mean
        convention (``alpha_ = LassoCV().alpha_ × n_samples``).
    SoftThresholdQuadratic : the LASSO at one α.
    RidgeEigenCV : the L2 counterpart.
    skreg.plotting.CVCurveDisplay : the CV curve with both rules marked.

    Notes
    -----
    With K folds, e_k(α) the test MSE of fold k (``mse_path_``), the mean and the
    standard error are

        ē(α) = (1/K) Σₖ e_k(α),   SE(α) = sqrt( Σₖ (e_k(α) − ē(α))² / (K (K − 1)) ),

    i.e. ``std_test_mse / sqrt(K − 1)`` = ``np.std(e, ddof=1) / sqrt(K)``: glmnet's
    ``cvsd`` (with equal fold weights; SE = 0 for K = 1).  The rules are

        α_min = argmin ē(α),      α_1se = max{ α : ē(α) ≤ ē(α_min) + SE(α_min) }

    (Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning*, §7.10):
    α_1se is the sparsest model whose error is statistically indistinguishable from
    the best one.  ``alpha_min_`` is the α ``LassoCV`` selects.

    The CV error of a LASSO path is computed from each fold's sufficient statistics:
    for n_samples ≥ n_features, one product over the data gives every fold's Gram
    matrix by subtracting the held-out rows' (see the module docstring of
    ``skreg.linear_model._lasso_cv``).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import SoftThresholdQuadraticCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = SoftThresholdQuadraticCV(cv=5).fit(X, y)
    >>> round(model.alpha_min_, 2), round(model.alpha_1se_, 1)
    (1.66, 82.6)
    >>> int((model.coef_ != 0).sum()), model.mse_path_.shape
    (9, (100, 5))
    >>> SoftThresholdQuadraticCV(selection="1se").fit(X, y).alpha_ == model.alpha_1se_
    True
    """  # noqa: E501 (the numpydoc type line of mse_path_ cannot wrap)

    _supports_sparse = True  # CSR/CSC matrices and arrays, never densified

    _parameter_constraints: dict = {
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), "array-like"],
        "gammas": ["array-like", None],
        "eps": [Interval(Real, 0, None, closed="neither")],
        "cv": ["cv_object"],
        "selection": [StrOptions({"min", "1se"})],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "positive": ["boolean"],
        "penalty_factor": ["array-like", None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        alphas=100,
        *,
        l1_ratio=1.0,
        gammas=None,
        eps=1e-3,
        cv=5,
        selection="min",
        fit_intercept=True,
        max_iter=1000,
        tol=1e-4,
        positive=False,
        penalty_factor=None,
        n_jobs=None,
    ):
        self.alphas = alphas
        self.l1_ratio = l1_ratio
        self.gammas = gammas
        self.eps = eps
        self.cv = cv
        self.selection = selection
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.positive = positive
        self.penalty_factor = penalty_factor
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False  # one target, as LassoCV
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Cross-validate the α grid and fit all the data at the chosen α.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Sparse X (CSR/CSC matrices or arrays) is never densified: the fold Gram
            statistics come from sparse products with implicit centring when the
            (d+1)×(d+1) matrices fit the memory budget, working sets on each fold's
            rows otherwise.  A Dask array is cross-validated from fold Gram statistics
            in one pass over its blocks (K-fold-like splitters: disjoint test folds,
            each training set their complement).
        y : array-like of shape (n_samples,)
            A 2-D y with one column is raveled with a ``DataConversionWarning`` (as
            ``LassoCV``); several columns raise a ValueError.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, in every fold's fit and in its test error.

        Returns
        -------
        self : SoftThresholdQuadraticCV
        """
        if is_dask_collection(X) or is_dask_collection(y):
            return self._fit_dask(X, y, sample_weight)
        if not isinstance(self.alphas, Integral):
            grid = _check_alpha_grid(self.alphas)
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        if y.ndim == 2:
            if y.shape[1] > 1:
                raise ValueError(
                    f"SoftThresholdQuadraticCV takes one target, got y with {y.shape[1]} "
                    "columns: fit one model per column."
                )
            y = column_or_1d(y, warn=True)
        check_l1_ratio_scale(self, X, y, self._spec()["l1_ratios"])
        grid_param = {} if isinstance(self.alphas, Integral) else {"alphas": (1, 1)}
        if fit_if_extreme(self, X, y, sample_weight, grid_param, _SCALED_ATTRIBUTES):
            return self  # magnitudes beyond 1e±100: fitted on X/s_x, y/s_y (see _scaling)
        n_samples, n_features = X.shape
        factor = nontrivial_penalty_factor(self.penalty_factor, n_features)
        check_positive_factors(self.positive, factor)
        sparse_X = is_sparse(X)
        data = (_SparseData if sparse_X else _Data)(X, y, sample_weight, self.fit_intercept)
        if data.weight_sum <= 0:
            raise ValueError("Sample weights must contain at least one non-zero number.")

        folds = [
            (np.asarray(train, dtype=np.intp), np.asarray(test, dtype=np.intp))
            for train, test in check_cv(self.cv).split(X, y)
        ]
        if not folds:
            raise ValueError("cv produced no split.")
        for k, (train, test) in enumerate(folds):
            check_split_weight(k, data.weight(train), data.weight(test))
        everything = np.arange(n_samples)
        left_out = []
        for train, _ in folds:
            mask = np.ones(n_samples, dtype=bool)
            mask[train] = False
            left_out.append(np.flatnonzero(mask))

        n_folds = len(folds)
        use_gram = (
            n_features <= n_samples and (n_folds + 2) * (n_features + 1) ** 2 * 8 <= memory_budget()
        )
        # callables giving (problem, means relative to data.c); the full data last
        if use_gram:
            builders = self._gram_builders(data, folds, left_out, everything, sparse_X)
        else:
            builders = [(lambda rows=train: data.problem_from_rows(rows)) for train, _ in folds] + [
                lambda: data.problem_from_rows(everything)
            ]
        full_problem, full_mean = builders[-1]()
        full_problem = reduce_problem(full_problem, factor)
        # α_max with the factors: max over penalized j of |X_jᵀr₀|/pⱼ (r₀: y after the
        # unpenalized features), the same reduction as SoftThresholdQuadratic's
        top = alpha_max(full_problem, positive=self.positive)
        alphas = self._grids(
            top,
            data.weight_sum,
            None if isinstance(self.alphas, Integral) else grid,
            _grid_unit(full_problem, y, sample_weight),
        )
        spec = self._spec()
        jobs = [
            delayed(_fold_job)(
                data,
                builders[k],
                test,
                alphas * (data.weight(train) / data.weight_sum),
                spec,
                factor,
            )
            for k, (train, test) in enumerate(folds)
        ]
        jobs.append(
            delayed(_fold_job)(data, lambda: (full_problem, full_mean), None, alphas, spec, None)
        )
        with blas_threads(1):  # the paths' products are small: no thread start-up
            results = Parallel(n_jobs=self.n_jobs, prefer="threads")(jobs)

        return self._finish(results, alphas, data.c, X.dtype)

    def _fit_dask(self, X, y, sample_weight):
        """K-fold on Dask input from fold statistics, in one pass over the blocks.

        ``skreg._data._dask.kfold_gram_stats`` gives each test fold's Gram statistics; a fold's
        training statistics are the total minus its own (as ``RidgeEigenCV``'s Dask
        K-fold), its test errors come from its statistics (:class:`_StatsData`).  The
        Gram route only: the (d+1)×(d+1) matrices must fit the memory budget.
        """
        from .._data._dask import kfold_gram_stats

        grid = None if isinstance(self.alphas, Integral) else _check_alpha_grid(self.alphas)
        n_features = X.shape[1] if len(X.shape) == 2 else 0
        if not n_features or (n_features + 1) ** 2 * 8 * 4 > memory_budget():
            raise ValueError(
                f"SoftThresholdQuadraticCV on Dask works from {n_features}x{n_features} "
                "fold Gram matrices, beyond the memory budget: compute() the arrays."
            )
        fold_stats, total, dtype, y_ndim = kfold_gram_stats(self, X, y, sample_weight)
        if total.Sxy.shape[1] > 1:
            raise ValueError(
                f"SoftThresholdQuadraticCV takes one target, got y with {total.Sxy.shape[1]} "
                "columns: fit one model per column."
            )
        if y_ndim == 2:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please change "
                "the shape of y to (n_samples, ), for example using ravel().",
                DataConversionWarning,
                stacklevel=3,
            )
        if not total.weight_sum > 0:
            raise ValueError("Sample weights must contain at least one non-zero number.")
        factor = nontrivial_penalty_factor(self.penalty_factor, n_features)
        check_positive_factors(self.positive, factor)
        train_stats = []
        for k, fs in enumerate(fold_stats):
            check_split_weight(k, total.weight_sum - fs.weight_sum, fs.weight_sum)
            train_stats.append(total.subtract(fs))
        data = _StatsData(n_features, self.fit_intercept)
        full_problem, full_mean = _problem_from_stats(total, self.fit_intercept)
        full_problem = reduce_problem(full_problem, factor)
        top = alpha_max(full_problem, positive=self.positive)
        alphas = self._grids(top, total.weight_sum, grid)
        spec = self._spec()
        jobs = [
            delayed(_fold_job)(
                data,
                (lambda ts=ts: _problem_from_stats(ts, self.fit_intercept)),
                fs,
                alphas * (ts.weight_sum / total.weight_sum),
                spec,
                factor,
            )
            for ts, fs in zip(train_stats, fold_stats, strict=False)
        ]
        jobs.append(
            delayed(_fold_job)(data, lambda: (full_problem, full_mean), None, alphas, spec, None)
        )
        with blas_threads(1):
            results = Parallel(n_jobs=self.n_jobs, prefer="threads")(jobs)
        return self._finish(results, alphas, data.c, dtype)

    def _finish(self, results, alphas, c, dtype):
        """Warn on non-convergence, select (ρ, γ, α), set the path and the final model.

        ``results``: the folds' (mse, failed) and, last, the full data's paths;
        ``alphas`` the (n_ratios, n_alphas) grids; ``c`` the reference point the full
        data's means are relative to.
        """
        n_features = c.size - 1
        failed = [pair for result in results for pair in result[1]]
        paths, _, mean, full_problem = results[-1]
        if failed:
            gap, tol = max(failed, key=lambda pair: pair[0] - pair[1])
            warnings.warn(
                "Objective did not converge on some folds or α. You might want to increase "
                f"the number of iterations (max_iter={self.max_iter}). Duality gap: "
                f"{gap:.3e}, tolerance: {tol:.3e}",
                ConvergenceWarning,
                stacklevel=4,
            )
        gammas = self._spec()["gammas"]
        mse = np.stack([result[0] for result in results[:-1]], axis=-1)  # (r, g, a, folds)
        fits = [[relax(coefs, refit, g) for g in gammas] for coefs, refit, _, _ in paths]
        dev = np.array([[_dev_ratio_from_gram(full_problem, f) for f in row] for row in fits])
        nnz = np.array([np.count_nonzero(coefs, axis=1) for coefs, _, _, _ in paths])
        r, g, best = self._select(alphas, mse, nnz, dev)
        coefs = fits[r][g]
        if self.fit_intercept:
            x_mean = c[:n_features] + mean[:n_features]
            y_mean = c[n_features] + mean[n_features]
            intercepts = y_mean - coefs @ x_mean
        else:
            intercepts = np.zeros(coefs.shape[0])
        self.coef_path_ = coefs.T.astype(dtype, copy=False)
        self.intercept_path_ = intercepts.astype(dtype, copy=False)
        self.path_summary_ = {
            "alpha": alphas[r].copy(),
            "n_nonzero": nnz[r].copy(),
            "dev_ratio": dev[r, g].copy(),
        }
        self.coef_ = coefs[best].astype(dtype, copy=False)
        self.intercept_ = (
            np.asarray(intercepts[best]).astype(dtype)[()] if self.fit_intercept else 0.0
        )
        self.n_iter_ = int(paths[r][3][best])
        self.dual_gap_ = float(paths[r][2][best])
        return self

    @staticmethod
    def _gram_builders(data, folds, left_out, everything, sparse_X):
        """Callables giving each fold's Gram problem (and the full data's, last).

        K-fold (the left-out sets partition the rows): the held-out blocks' statistics
        are computed once, their sum is the full data's, and a fold's training
        statistics are the full ones minus its held-out block's.  Other splitters: the
        full statistics directly, each fold by subtraction or directly (when it trains
        on fewer rows than it leaves out).
        """
        n_samples = everything.size
        counts = np.bincount(np.concatenate(left_out), minlength=n_samples)
        partition = bool(np.all(counts == 1))
        if sparse_X:
            held = [data.stats(rows) for rows in left_out] if partition else [None] * len(folds)
            if partition:
                full = held[0]
                for part in held[1:]:
                    full = full.merge(part)
            else:
                full = data.stats(everything)

            def fold(train, rows, held_k):
                if rows.size > train.size:
                    return lambda: data.problem_from_stats(data.stats(train))
                return lambda: data.problem_from_stats(
                    full.subtract(held_k if held_k is not None else data.stats(rows))
                )

            builders = [
                fold(train, rows, h)
                for (train, _), rows, h in zip(folds, left_out, held, strict=False)
            ]
            return builders + [lambda: data.problem_from_stats(full)]
        if partition:  # K-fold: the held-out products sum to the full one
            held = [data.moments(rows) for rows in left_out]
            full = (sum(h[0] for h in held), sum(h[1] for h in held), data.weight_sum)
        else:
            held = [None] * len(folds)
            full = data.moments(everything)
        builders = []
        for k, ((train, _), rows) in enumerate(zip(folds, left_out, strict=False)):
            moments = SoftThresholdQuadraticCV._fold_moments(data, full, held[k], train, rows)
            builders.append(lambda moments=moments: data.problem_from_moments(*moments()))
        return builders + [lambda: data.problem_from_moments(*full)]

    @staticmethod
    def _fold_moments(data, full, held, train, rows):
        """A callable giving the fold's (P_T, s_T, W_T): full minus held-out, or direct."""
        if rows.size > train.size:  # fewer training rows than left-out ones: direct
            return lambda: data.moments(train)

        def subtract():
            P_R, s_R, W_R = held if held is not None else data.moments(rows)
            # W_T summed, not subtracted: (1e300 + 19) − 1e300 is 0 in float64
            return full[0] - P_R, full[1] - s_R, data.weight(train)

        return subtract

    def _spec(self):
        """The l1_ratios and gammas as lists, with the solver settings."""
        ratios = np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64)).tolist()
        gammas = [1.0] if self.gammas is None else np.asarray(self.gammas, np.float64).tolist()
        return {
            "l1_ratios": ratios,
            "gammas": gammas,
            "tol": self.tol,
            "max_iter": self.max_iter,
            "positive": self.positive,
        }

    def _grids(self, alpha_max, weight_sum, grid, unit=None):
        """(n_ratios, n_alphas) strengths: the user's grid for every ratio, or
        ElasticNetCV's: α_max/ρ → eps·α_max/ρ (the L1 part αρ reaches α_max)."""
        ratios = self._spec()["l1_ratios"]
        _check_ratios(ratios, "l1_ratio")
        if self.gammas is not None:
            _check_ratios(np.asarray(self.gammas, dtype=np.float64).tolist(), "gammas")
        if grid is not None:
            return np.tile(grid, (len(ratios), 1))
        if min(ratios) == 0:
            raise ValueError(  # scikit-learn's ElasticNetCV message (the ridge has no α_max)
                "Automatic alpha grid generation is not supported for l1_ratio=0. Please "
                "supply a grid by providing your estimator with the appropriate `alphas=` "
                "argument."
            )
        return np.array(
            [
                self._alpha_grid(
                    alpha_max / ratio, weight_sum, None if unit is None else unit / ratio
                )
                for ratio in ratios
            ]
        )

    def _alpha_grid(self, alpha_max, weight_sum, unit=None):
        """LassoCV's grid in the sum convention: α_max → eps·α_max, geometric.

        ``unit`` (:func:`_grid_unit`, default Σw) makes the "y is constant" test
        α_max/unit ≤ resolution scale-free.
        """
        resolution = np.finfo(np.float64).resolution
        if alpha_max / (weight_sum if unit is None else unit) <= resolution:  # y constant
            return np.full(self.alphas, resolution * weight_sum)  # every α gives w = 0
        return np.geomspace(alpha_max, alpha_max * self.eps, num=self.alphas)

    def _select(self, alphas, mse_path, n_nonzero, dev_ratio):
        """Both rules from mse_path (n_ratios, n_gammas, n_alphas, n_folds); sets the CV
        attributes and returns the chosen (ratio, gamma, alpha) indices.

        (ρ, γ) is the pair of least mean CV error over all α; α_min and α_1se are taken
        within it (the 1-SE rule over α only, as glmnet's ``lambda.1se``).
        """
        spec = self._spec()
        ratios, gammas = spec["l1_ratios"], spec["gammas"]
        n_folds = mse_path.shape[-1]
        mean = mse_path.mean(axis=-1)
        std = mse_path.std(axis=-1)
        sem = standard_error(mse_path, axis=-1)  # = std / √(K − 1), glmnet's cvsd
        r, g, _ = np.unravel_index(int(np.argmin(mean)), mean.shape)  # first: largest α
        # the one rule (skreg.linear_model._cv) over α within the best (ratio, γ)
        i_min, i_1se = (
            int(i[0]) for i in min_and_one_se(alphas[r], -mean[r, g][:, None], sem[r, g][:, None])
        )
        single = np.ndim(self.l1_ratio) == 0
        # ElasticNetCV's shapes: a user grid is the same for every ratio, kept 1-D
        user_grid = not isinstance(self.alphas, Integral)
        self.alphas_ = alphas[0].copy() if single or user_grid else alphas
        if self.gammas is None:
            self.mse_path_ = mse_path[0, 0] if single else mse_path[:, 0]
        else:
            self.mse_path_ = mse_path
        self.l1_ratio_ = float(ratios[r])
        self.gamma_ = float(gammas[g])
        self.alpha_min_ = float(alphas[r][i_min])
        self.alpha_1se_ = float(alphas[r][i_1se])
        self.alpha_ = self.alpha_min_ if self.selection == "min" else self.alpha_1se_
        if user_grid and len(self.alphas_) > 1:  # the automatic grid spans α_max
            warn_at_grid_edge(
                self.alphas_,
                self.alpha_,
                type(self).__name__,
                stacklevel=7,
                automatic="an int alphas (a grid from alpha_max down)",
            )
        shape = mean.shape
        results = {
            "alpha": np.broadcast_to(alphas[:, None, :], shape).ravel().copy(),
            "mean_test_mse": mean.ravel(),
            "std_test_mse": std.ravel(),
            "sem_test_mse": sem.ravel(),
            "n_nonzero": np.broadcast_to(n_nonzero[:, None, :], shape).ravel().astype(int),
            "l1_ratio": np.broadcast_to(np.asarray(ratios)[:, None, None], shape).ravel().copy(),
            "gamma": np.broadcast_to(np.asarray(gammas)[None, :, None], shape).ravel().copy(),
            "dev_ratio": dev_ratio.ravel(),
        }
        for k in range(n_folds):
            results[f"split{k}_test_mse"] = mse_path[..., k].ravel().copy()
        self.cv_results_ = results
        best = i_min if self.selection == "min" else i_1se
        return int(r), int(g), int(best)


def _check_ratios(values, name):
    """Every value a real number in [0, 1] (InvalidParameterError otherwise)."""
    if len(values) == 0:
        raise InvalidParameterError(f"{name} must not be empty.")
    for v in values:
        if not (np.isfinite(v) and 0.0 <= v <= 1.0):
            raise InvalidParameterError(f"{name} must be in [0, 1], got {v!r}.")
