"""L2 regularization: RidgeEigen and RidgeEigenCV, thin wrappers over the spectral core."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._cache import cached_call
from .._atomic import atomic_fit
from .._dask import is_dask_collection
from .._gram import GramStats
from .._krylov import ridge_krylov
from .. import _sparse
from .._sparse import is_sparse
from .._spectral import decompose, decompose_gram
from ._base import LinearRegressorMixin, check_alphas, validate_dask_fit_data, validate_fit_data

__all__ = ["RidgeEigen", "RidgeEigenCV"]


def _spectrum_for_ridge(X, y, sample_weight, *, fit_intercept):
    """The decomposition RidgeEigen caches (module level so joblib can name it)."""
    return decompose(X, y, sample_weight, fit_intercept=fit_intercept)


#: Sparse X only: largest min(n, d) for which solver='auto' takes the exact path (its
#: eigensolver costs O(min(n, d)³), about 5 s at 3,000; Lanczos takes over beyond).
EXACT_MAX_SIDE_SPARSE = 3000


def _auto_solver(X):
    """'eigen' when the min(n, d)² Gram or kernel fits the memory budget (and, for a
    sparse X, min(n, d) ≤ EXACT_MAX_SIDE_SPARSE), else 'lanczos'."""
    side = min(X.shape)
    if not _sparse.fits_budget(side, side):  # the budget is read at call time
        return "lanczos"
    return "lanczos" if is_sparse(X) and side > EXACT_MAX_SIDE_SPARSE else "eigen"


def _krylov_for_ridge(X, y, sample_weight, fit_intercept, alphas, tol, max_iter):
    """Golub–Kahan ridge path for ``alphas``, warning when some α misses ``tol``."""
    path = ridge_krylov(X, y, sample_weight, fit_intercept, alphas, tol=tol, max_iter=max_iter)
    _warn_unconverged(path, alphas, tol, "Increase max_iter or tol.")
    return path


def _warn_unconverged(path, alphas, tol, advice):
    res = path.residuals(alphas).max(axis=1)
    if np.any(res > tol):
        bad = np.asarray(alphas, dtype=np.float64)[res > tol]
        warnings.warn(
            f"solver='lanczos': the Krylov space (dimension {int(np.max(path.n_iter))}) "
            f"meets tol={tol:g} (relative normal-equation residual) for alpha >= "
            f"{_smallest_served(path, alphas, tol)}, not for alpha in {np.unique(bad)[:5]} "
            f"(worst residual {res.max():.2e}). {advice}",
            ConvergenceWarning,
            stacklevel=3,
        )


def _smallest_served(path, alphas, tol):
    res = path.residuals(alphas).max(axis=1)
    ok = np.asarray(alphas, dtype=np.float64)[res <= tol]
    return f"{ok.min():.3g}" if ok.size else "none of them"


def _as_path_output(spectrum, coefs, y_ndim):
    intercepts = spectrum.intercept(coefs)
    if y_ndim == 1:
        return coefs[:, 0, :], intercepts[:, 0]
    return coefs, intercepts


class RidgeEigen(LinearRegressorMixin, BaseEstimator):
    """Ridge regression solved in the eigenbasis of H = XᵀX.

    Minimizes the lecture's L2-regularized least squares

        R̃(w) = ½‖Xw − y‖² + ½α‖w‖²     (rows weighted by ``sample_weight``)

    with an unpenalized intercept, so it returns the same coefficients as
    :class:`sklearn.linear_model.Ridge` with the same ``alpha``.

    Parameters
    ----------
    alpha : float, default=1.0
        L2 strength α ≥ 0. ``alpha=0`` is least squares (minimum-norm solution on
        rank-deficient data).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept by centring X and y.
    memory : None, str or joblib.Memory, default=None
        Opt-in cache of the eigendecomposition, as ``Pipeline(memory=...)``: a
        directory or a :class:`joblib.Memory`.  Refitting on the same data with another
        ``alpha`` (``set_params``, ``GridSearchCV``) then reuses the decomposition; a
        change in X, y, sample_weight or fit_intercept gives a new key.  The cache lives
        on disk, so it is shared by ``n_jobs`` worker processes and bounded as joblib's
        cache is (``Memory.reduce_size``).  Only the exact decomposition
        (``solver='eigen'``) is cached.
    solver : {'auto', 'eigen', 'lanczos'}, default='auto'
        How the spectrum is computed.

        - ``'eigen'``: the exact eigendecomposition of the centred d×d Gram (n ≥ d)
          or n×n kernel (n < d); sparse X is centred implicitly (sparse product plus
          a rank-one correction), never densified.  Costs O(nnz·min(n, d) +
          min(n, d)³) time and 8·min(n, d)² bytes.
        - ``'lanczos'``: Golub–Kahan bidiagonalization of the implicitly centred
          X_w (sparse or dense, only products with X and Xᵀ): one Krylov space
          serves every α, so ``fit`` and ``path`` together cost about one LSQR/CG
          solve at the smallest α.  Memory: n_features × n_iter_ for the Ritz vectors.
        - ``'auto'``: ``'eigen'`` when that min(n, d)² matrix fits
          :data:`skreg._sparse.MEMORY_BUDGET_BYTES` (1 GiB, min(n, d) ≤ 11,585)
          and, for sparse X, min(n, d) ≤ 3,000 (``EXACT_MAX_SIDE_SPARSE``: beyond
          it the O(min(n, d)³) eigensolver takes longer than a Lanczos path);
          ``'lanczos'`` otherwise.
    tol : float, default=1e-6
        ``solver='lanczos'`` only: the bidiagonalization stops when the relative
        residual of the normal equations,
        ‖X_wᵀ(y_w − X_wŵ) − αŵ‖ / ‖X_wᵀy_w‖ (X_w, y_w the centred, √w-scaled
        data), is at most ``tol`` at ``alpha`` (for every target).  ``path`` reports
        the strengths the Krylov space does not serve to ``tol``.
    max_iter : int or None, default=None
        ``solver='lanczos'`` only: the largest Krylov dimension per target (None:
        min(n_samples, n_features), and a basis of at most 4 GiB,
        ``skreg._krylov.BASIS_BUDGET_BYTES``).  A
        :class:`~sklearn.exceptions.ConvergenceWarning` says when it stops ``tol``
        from being met.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        ŵ = Σᵢ βᵢ / (λᵢ + α) uᵢ.
    intercept_ : float or ndarray of shape (n_targets,)
        b = ȳ − x̄ᵀŵ (weighted means).
    eigenvalues_ : ndarray of shape (n_components,)
        λᵢ of the centred, weighted H = X_cᵀX_c, descending, zeros below the rank
        tolerance. n_components = min(n_samples, n_features), except that on the
        kernel side (n_features > n_samples) exact null directions are left out.
        With ``solver='lanczos'``: the Ritz values θᵢ (eigenvalues of H restricted to
        the Krylov space), n_components = its dimension.  The largest converge to
        the largest λᵢ first, and θᵢ ≤ λᵢ (Cauchy interlacing).
    eigenvectors_ : ndarray of shape (n_features, n_components)
        uᵢ as columns; with ``solver='lanczos'`` the Ritz vectors (orthonormal),
        which stand in for uᵢ in ŵ = Σ βᵢ / (θᵢ + α) ũᵢ.
    shrinkage_ : ndarray of shape (n_components,)
        λᵢ / (λᵢ + α): how much of the data's influence survives in each direction
        (θᵢ / (θᵢ + α) for the Ritz values).
    effective_dof_ : float
        Σᵢ λᵢ / (λᵢ + α), the effective number of parameters (intercept excluded).
        With ``solver='lanczos'`` the Ritz estimate Σ θᵢ / (θᵢ + α), a lower bound
        of the exact value (θᵢ ≤ λᵢ, fewer terms).
    solver_ : str
        The solver used: ``'eigen'`` or ``'lanczos'``.
    n_iter_ : int or ndarray of shape (n_targets,)
        ``solver='lanczos'``: the Krylov dimension built for each target (an int for
        1-D y).  ``'eigen'``: the number of eigen-directions, len(eigenvalues_).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    sklearn.linear_model.Ridge : the same model, solved by Cholesky and others.
    RidgeEigenCV : α chosen by efficient leave-one-out or K-fold cross-validation.

    Notes
    -----
    With H = Σ λᵢ uᵢuᵢᵀ and Xᵀy = Σ βᵢ uᵢ (the lecture's L2 section),

        ŵ = (H + αI)⁻¹Xᵀy = Σᵢ βᵢ / (λᵢ + α) uᵢ:

    directions with λᵢ ≫ α are kept, those with λᵢ ≪ α lose the data's influence.
    One decomposition serves every α, see :meth:`path`. Computing it costs one Gram
    product and one symmetric eigensolver call (an SVD when X is ill-conditioned).

    Sparse X (CSR/CSC matrices or arrays) is centred implicitly and never densified
    nor copied (float32 and integer values follow the dense dtype rules).  With
    ``solver='lanczos'`` the pairs (λᵢ, uᵢ) are replaced by the Ritz pairs (θᵢ, ũᵢ)
    of the Krylov space K_k(H, Xᵀy): ŵ(α) = Σᵢ βᵢ / (θᵢ + α) ũᵢ is then exactly k
    steps of LSQR with damping √α, for every α at once (``skreg._krylov``).  With
    several targets each target builds its own Krylov space and one Rayleigh–Ritz
    step on their union gives the shared Ritz pairs.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import RidgeEigen
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = RidgeEigen(alpha=0.1).fit(X, y)
    >>> model.coef_.shape, round(model.effective_dof_, 2)
    ((10,), 7.64)
    >>> coefs, intercepts = model.path([0.01, 0.1, 1.0])
    >>> coefs.shape
    (3, 10)
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "memory": [None, str, HasMethods(["cache"])],
        "solver": [StrOptions({"auto", "eigen", "lanczos"})],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [None, Interval(Integral, 1, None, closed="left")],
    }

    _supports_sparse = True

    def __init__(self, alpha=1.0, *, fit_intercept=True, memory=None, solver="auto",
                 tol=1e-6, max_iter=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.memory = memory
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Fit ridge regression from one eigendecomposition.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Dense, a Dask array, or SciPy sparse CSR/CSC (matrix or array).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights; weight 2 counts a sample twice.

        Returns
        -------
        self : RidgeEigen
        """
        self.__dict__.pop("_stats", None)  # fit starts afresh; partial_fit accumulates
        self.__dict__.pop("_krylov", None)
        solver = "eigen"
        if is_dask_collection(X):  # sufficient statistics: always the exact Gram path
            stats, dtype, y_ndim = validate_dask_fit_data(self, X, y, sample_weight)
            spectrum = decompose_gram(stats, fit_intercept=self.fit_intercept)
        else:
            X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
            solver = _auto_solver(X) if self.solver == "auto" else self.solver
            if solver == "lanczos":
                self._krylov = _krylov_for_ridge(
                    X, y, sample_weight, bool(self.fit_intercept), [self.alpha],
                    self.tol, self.max_iter,
                )
                spectrum = self._krylov.spectrum
            else:
                spectrum = cached_call(
                    self.memory,
                    _spectrum_for_ridge,
                    X,
                    y,
                    sample_weight,
                    fit_intercept=bool(self.fit_intercept),
                )
            dtype, y_ndim = X.dtype, y.ndim
        self._spectrum = spectrum
        self._y_ndim = y_ndim
        self._set_spectral_attributes(spectrum, self.alpha, dtype, y_ndim)
        self.solver_ = solver
        self._set_n_iter(y_ndim)
        return self

    def _set_n_iter(self, y_ndim):
        krylov = getattr(self, "_krylov", None)
        if krylov is None:
            self.n_iter_ = int(self._spectrum.eigenvalues.size)
        else:
            self.n_iter_ = int(krylov.n_iter[0]) if y_ndim == 1 else krylov.n_iter.copy()

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def partial_fit(self, X, y, sample_weight=None):
        """Add a chunk of data to the sufficient statistics and refit from them.

        Data larger than memory stream through: each call merges the chunk's weighted
        count, means and centred scatter matrices into the running ones (pairwise
        update, accurate for data far from the origin), then decomposes the d×d Gram.
        The result equals ``fit`` on all chunks at once.  ``fit`` starts afresh.
        Sparse chunks add their scatter by sparse products (never densified).  The
        d×d statistics are the exact Gram path whatever ``solver`` says (``solver_``
        is then ``'eigen'``): streaming needs them.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            The same number of targets in every call.
        sample_weight : float or array-like of shape (n_samples,), default=None

        Returns
        -------
        self : RidgeEigen
        """
        first = getattr(self, "_stats", None) is None
        if first:
            X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        else:
            X, y, sample_weight = validate_fit_data(self, X, y, sample_weight, reset=False)
            if y.ndim != self._y_ndim or (y.ndim == 2 and y.shape[1] != self._stats.Sxy.shape[1]):
                raise ValueError(
                    f"y has {1 if y.ndim == 1 else y.shape[1]} target(s) in {y.ndim}-D, but "
                    "earlier partial_fit calls had a different shape."
                )
        if first:
            self._stats = GramStats.from_chunk(X, y, sample_weight)
        else:  # same reference point as the running statistics (see skreg._gram)
            shift = (self._stats.x_shift, self._stats.y_shift)
            self._stats = self._stats.merge(GramStats.from_chunk(X, y, sample_weight, shift))
        self._spectrum = decompose_gram(self._stats, fit_intercept=self.fit_intercept)
        self._y_ndim = y.ndim
        self.__dict__.pop("_krylov", None)
        self._set_spectral_attributes(self._spectrum, self.alpha, X.dtype, y.ndim)
        self.solver_ = "eigen"
        self._set_n_iter(y.ndim)
        return self

    def path(self, alphas):
        """Coefficients for many α from the stored decomposition, without refitting.

        Parameters
        ----------
        alphas : array-like of shape (n_alphas,)
            Non-negative strengths.

        Returns
        -------
        coefs : ndarray of shape (n_alphas, n_features) or (n_alphas, n_targets, n_features)
        intercepts : ndarray of shape (n_alphas,) or (n_alphas, n_targets)

        Notes
        -----
        With ``solver='lanczos'`` every α is served by the Krylov space built in
        ``fit`` (no data needed); its residual at each α is known from the projection,
        and a :class:`~sklearn.exceptions.ConvergenceWarning` lists the strengths
        that miss ``tol`` (usually those smaller than ``alpha``: fit with the
        smallest α of the path to serve all of them).
        """
        check_is_fitted(self)
        alphas = check_alphas(alphas)
        krylov = getattr(self, "_krylov", None)
        if krylov is not None:
            _warn_unconverged(krylov, alphas, self.tol,
                              "Fit with alpha set to the smallest alpha of the path.")
        coefs = self._spectrum.ridge_coef(alphas)
        return _as_path_output(self._spectrum, coefs, self._y_ndim)


_CV_TOL = 1e-6  # RidgeEigenCV's Lanczos folds: RidgeEigen's default tol


class _Exact:
    """Wraps an exact Spectrum where a KrylovPath is expected (``.spectrum``)."""

    def __init__(self, spectrum):
        self.spectrum = spectrum


class _IdentityRegressor(RegressorMixin, BaseEstimator):
    """Lets a scikit-learn scorer score predictions that are already made."""

    def predict(self, predictions):
        """Return the predictions unchanged."""
        return predictions


class RidgeEigenCV(LinearRegressorMixin, BaseEstimator):
    """Ridge regression with α chosen by cross-validation from one decomposition.

    With ``cv=None`` the exact leave-one-out errors of every α come from one
    eigendecomposition of the full data (no refit); with ``cv`` given, each fold is
    decomposed once and every α is evaluated from it.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Candidate strengths α ≥ 0 (0 and tiny values are allowed, see Notes).
    fit_intercept : bool, default=True
    cv : int, cross-validation generator, iterable or None, default=None
        None: efficient leave-one-out. Otherwise as in ``GridSearchCV``.
    scoring : str, callable or None, default=None
        With ``cv=None``: None scores −mean(wₖ eₖ²) of the leave-one-out residuals
        (as ``RidgeCV``); a scorer scores the leave-one-out predictions. With ``cv``:
        None is R² (the estimator's ``score``), as ``GridSearchCV``.
    alpha_per_target : bool, default=False
        Choose one α per target (``cv=None`` only).
    store_cv_results : bool, default=False
        Keep the leave-one-out squared errors (or predictions when ``scoring`` is
        set) in ``cv_results_`` (``cv=None`` only).

    Attributes
    ----------
    alpha_ : float or ndarray of shape (n_targets,)
        Selected strength.
    best_score_ : float or ndarray of shape (n_targets,)
        Score of ``alpha_``.
    cv_results_ : ndarray of shape (n_samples, n_alphas) or (n_samples, n_targets, n_alphas)
        Only with ``store_cv_results=True``.
    coef_, intercept_ : ndarrays
        The ridge solution on all data at ``alpha_``.
    eigenvalues_, eigenvectors_, shrinkage_, effective_dof_ :
        As in :class:`RidgeEigen`, for the final fit.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    See Also
    --------
    sklearn.linear_model.RidgeCV : same selection (same ``alpha_`` and ``best_score_``
        for alphas > 0) by the dual formula.
    RidgeEigen : fixed α.

    Notes
    -----
    Leave-one-out residuals come from the hat matrix A(α) = qqᵀ + U diag(λ/(λ+α)) Uᵀ
    (q the intercept direction) as eₖ = rₖ(α) / (1 − Aₖₖ(α)), written so that neither
    numerator nor denominator divides by α: alphas containing 0 or 1e-15 give finite
    errors (the derivation is in ``skreg._spectral.Spectrum.loo_residuals``).

    Sparse X (CSR/CSC) is centred implicitly, never densified.  Leave-one-out needs
    the exact decomposition and its left vectors U = X_w V / s (n × rank): it runs
    when the centred Gram or kernel (min(n, d)² floats) fits
    :data:`skreg._sparse.MEMORY_BUDGET_BYTES`, and raises a ``ValueError`` asking
    for ``cv=K`` otherwise.  With ``cv`` given, each fold whose Gram/kernel does not
    fit, or for which ``RidgeEigen(solver='auto')`` would choose Lanczos, is solved by
    one Golub–Kahan (Lanczos) path for all alphas (tol 1e-6, see :class:`RidgeEigen`),
    and so is the final fit.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import RidgeEigenCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = RidgeEigenCV(alphas=np.logspace(-3, 3, 13)).fit(X, y)
    >>> round(float(model.alpha_), 5), round(float(model.best_score_), 1)
    (0.00316, -2999.8)
    """

    _supports_sparse = True

    _parameter_constraints: dict = {
        "alphas": ["array-like"],
        "fit_intercept": ["boolean"],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "alpha_per_target": ["boolean"],
        "store_cv_results": ["boolean"],
    }

    def __init__(
        self,
        alphas=(0.1, 1.0, 10.0),
        *,
        fit_intercept=True,
        cv=None,
        scoring=None,
        alpha_per_target=False,
        store_cv_results=False,
    ):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.scoring = scoring
        self.alpha_per_target = alpha_per_target
        self.store_cv_results = store_cv_results

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Select α by cross-validation and fit ridge on all data with it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Used in every fit; with ``cv=None`` also in the score (as ``RidgeCV``).

        Returns
        -------
        self : RidgeEigenCV
        """
        alphas = check_alphas(self.alphas)
        if self.cv is not None and self.store_cv_results:
            raise ValueError("cv!=None and store_cv_results=True are incompatible")
        if self.cv is not None and self.alpha_per_target:
            raise ValueError("cv!=None and alpha_per_target=True are incompatible")
        if is_dask_collection(X):
            spectrum, dtype, y_ndim = self._select_by_loo_dask(X, y, sample_weight, alphas)
            self._set_spectral_attributes(spectrum, self.alpha_, dtype, y_ndim)
            return self
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        if self.cv is None:
            if is_sparse(X) and not _sparse.fits_budget(min(X.shape), min(X.shape)):
                side = min(X.shape)
                raise ValueError(
                    f"Exact leave-one-out (cv=None) on sparse X needs the dense "
                    f"{side} x {side} centred Gram/kernel matrix ({8 * side**2 / 2**30:.1f} "
                    "GiB), more than the memory budget (skreg._sparse.MEMORY_BUDGET_BYTES). "
                    "Pass cv=K (e.g. cv=5): K-fold runs one Lanczos path per fold."
                )
            spectrum = self._select_by_loo(X, y, sample_weight, alphas)
        else:
            self._select_by_folds(X, y, sample_weight, alphas)
            spectrum = self._fold_path(X, y, sample_weight, [self.alpha_]).spectrum
        self._set_spectral_attributes(spectrum, self.alpha_, X.dtype, y.ndim)
        return self

    def _fold_path(self, X, y, sample_weight, alphas):
        """The spectrum serving ``alphas`` on (X, y): exact within the budget, else Lanczos.

        Returns an object with a ``spectrum`` attribute (a KrylovPath, or a stand-in).
        """
        if is_sparse(X) and _auto_solver(X) != "eigen":
            return _krylov_for_ridge(X, y, sample_weight, bool(self.fit_intercept), alphas,
                                     _CV_TOL, None)
        return _Exact(decompose(X, y, sample_weight, fit_intercept=self.fit_intercept))

    def _select_by_loo(self, X, y, sample_weight, alphas):
        spectrum = decompose(
            X, y, sample_weight, fit_intercept=self.fit_intercept, keep_left=True
        )
        n_samples = X.shape[0]
        looe = spectrum.loo_residuals(alphas)  # (m, n, t), √w-scaled
        per_target = self.alpha_per_target and y.ndim == 2 and y.shape[1] > 1
        if self.scoring is None:
            squared = looe**2
            scores = -squared.mean(axis=1) if per_target else -squared.mean(axis=(1, 2))
            results = squared
        else:
            y2 = y.reshape(n_samples, -1).astype(np.float64)
            if spectrum.sqrt_sw is None:
                predictions = y2 - looe
            else:  # back to the original scale; zero-weight samples keep their fit
                sqrt_sw = spectrum.sqrt_sw[None, :, None]
                resid = np.divide(looe, sqrt_sw, out=np.zeros_like(looe), where=sqrt_sw > 0)
                predictions = y2 - resid
            scorer = check_scoring(self, scoring=self.scoring)
            kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
            if per_target:
                scores = np.array(
                    [
                        [
                            scorer(_IdentityRegressor(), p[:, j], y2[:, j], **kwargs)
                            for j in range(y2.shape[1])
                        ]
                        for p in predictions
                    ]
                )
            else:
                target = y2[:, 0] if y.ndim == 1 else y2
                scores = np.array(
                    [
                        scorer(_IdentityRegressor(), p[:, 0] if y.ndim == 1 else p, target, **kwargs)
                        for p in predictions
                    ]
                )
            results = predictions
        # first maximum wins, as RidgeCV (strict improvement over earlier alphas)
        best = np.argmax(scores, axis=0)
        if per_target:
            self.alpha_ = alphas[best]
            self.best_score_ = scores[best, np.arange(scores.shape[1])]
        else:
            self.alpha_ = float(alphas[best])
            self.best_score_ = float(scores[best])
        if self.store_cv_results:
            res = np.moveaxis(results, 0, -1)  # (n, t, m)
            self.cv_results_ = (res[:, 0, :] if y.ndim == 1 else res).astype(X.dtype)
        return spectrum

    def _select_by_loo_dask(self, X, y, sample_weight, alphas):
        """Leave-one-out on a Dask cluster: statistics pass, then a residual pass.

        The first pass reduces the data to d×d statistics; the second computes each
        block's leave-one-out residuals from the global decomposition
        (:meth:`Spectrum.loo_residuals_for`) and returns only their sums of squares.
        """
        from .._dask import as_dask_array, map_row_blocks

        if self.cv is not None or self.scoring is not None or self.store_cv_results:
            raise ValueError(
                "Dask input supports the efficient leave-one-out selection only: use "
                "cv=None, scoring=None and store_cv_results=False (or compute the arrays)."
            )
        stats, dtype, y_ndim = validate_dask_fit_data(self, X, y, sample_weight)
        spectrum = decompose_gram(stats, fit_intercept=self.fit_intercept)

        def block_sums(Xb, yb, wb):
            looe = spectrum.loo_residuals_for(Xb, yb, wb, stats.weight_sum, alphas)
            return (looe**2).sum(axis=1)  # (m, t)

        Xd, yd = as_dask_array(X, "X"), as_dask_array(y, "y")
        wd = None if sample_weight is None else as_dask_array(sample_weight, "sample_weight")
        totals = np.sum(map_row_blocks(block_sums, Xd, yd, wd), axis=0)
        n_samples = stats.n_samples
        per_target = self.alpha_per_target and y_ndim == 2 and totals.shape[1] > 1
        scores = -totals / n_samples if per_target else -totals.mean(axis=1) / n_samples
        best = np.argmax(scores, axis=0)
        if per_target:
            self.alpha_ = alphas[best]
            self.best_score_ = scores[best, np.arange(scores.shape[1])]
        else:
            self.alpha_ = float(alphas[best])
            self.best_score_ = float(scores[best])
        return spectrum, dtype, y_ndim

    def _select_by_folds(self, X, y, sample_weight, alphas):
        cv = check_cv(self.cv)
        scorer = check_scoring(self, scoring=self.scoring or "r2")
        fold_scores = []
        for train, test in cv.split(X, y):
            sw = None if sample_weight is None else sample_weight[train]
            spectrum = self._fold_path(X[train], y[train], sw, alphas).spectrum
            coefs, intercepts = _as_path_output(spectrum, spectrum.ridge_coef(alphas), y.ndim)
            X_test = X[test].astype(np.float64)
            if y.ndim == 1:
                preds = np.asarray(X_test @ coefs.T) + intercepts  # (n_test, m)
                scores = [scorer(_IdentityRegressor(), preds[:, i], y[test]) for i in range(len(alphas))]
            else:
                m, t, d = coefs.shape  # (n_test, m·t) in one product, sparse or dense
                flat = np.asarray(X_test @ coefs.reshape(m * t, d).T)
                preds = flat.reshape(-1, m, t).transpose(1, 0, 2) + intercepts[:, None, :]
                scores = [scorer(_IdentityRegressor(), p, y[test]) for p in preds]
            fold_scores.append(scores)
        mean_scores = np.mean(fold_scores, axis=0)
        best = int(np.argmax(mean_scores))
        self.alpha_ = float(alphas[best])
        self.best_score_ = float(mean_scores[best])
