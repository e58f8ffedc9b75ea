"""L2 regularization: RidgeEigen and RidgeEigenCV, thin wrappers over the spectral core."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._array_api import (
    _is_numpy_namespace,
    get_namespace_and_device,
    move_to,
)
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._data import _sparse
from .._data._dask import is_dask_collection
from .._data._gram import GramStats
from .._data._sparse import is_sparse
from .._krylov import ridge_krylov
from .._penalized_spectral import decompose_gram_penalized, decompose_penalized
from .._spectral import decompose, decompose_gram
from .._utils._atomic import atomic_fit
from .._utils._cache import cached_call
from ..penalties import check_penalty_factor
from ._base import (
    LinearRegressorMixin,
    check_alphas,
    validate_dask_fit_data,
    validate_fit_data,
)
from ._scaling import check_chunk_scale, fit_if_extreme

# fitted attributes in data units: (power of s_x, power of s_y), see skreg.linear_model._scaling
_SCALED_ATTRIBUTES = {"coef_": (-1, 1), "intercept_": (0, 1), "eigenvalues_": (2, 0)}

__all__ = ["RidgeEigen"]


def _spectrum_for_ridge(X, y, sample_weight, *, fit_intercept):
    """The decomposition RidgeEigen caches (module level so joblib can name it)."""
    return decompose(X, y, sample_weight, fit_intercept=fit_intercept)


def _rows(A, index, xp, device):
    """Rows ``A[index]`` for NumPy index arrays, in any array namespace."""
    if _is_numpy_namespace(xp):
        return A[index]
    return xp.take(A, xp.asarray(index, device=device), axis=0)


def _to_host(a, is_numpy):
    """A small array of results as NumPy (a copy from the device unless already NumPy)."""
    return a if is_numpy else move_to(a, xp=np, device="cpu")


def _check_numpy_only(X, what):
    """Clear error for array-API (non-NumPy) input where only NumPy is supported."""
    xp, is_array_api, _ = get_namespace_and_device(X)
    if is_array_api and not _is_numpy_namespace(xp):
        raise ValueError(
            f"{what} takes NumPy arrays only; got {xp.__name__} arrays under "
            "array_api_dispatch=True. Use fit, or convert the arrays to NumPy."
        )


def _check_array_api_input(X, solver, penalty_factor):
    """Clear errors for what the array API path (non-NumPy X) does not offer yet."""
    xp, is_array_api, _ = get_namespace_and_device(X)
    if not is_array_api or _is_numpy_namespace(xp):
        return
    if penalty_factor is not None:
        raise ValueError(
            f"penalty_factor is not supported with array API input ({xp.__name__}) yet: "
            "pass NumPy arrays, or rescale the columns yourself (positive factors p: fit "
            "on X / sqrt(p) and divide coef_ by sqrt(p))."
        )
    if solver == "lanczos":
        raise ValueError(
            f"solver='lanczos' takes NumPy/SciPy arrays only, not {xp.__name__} arrays "
            "(array API dispatch runs the exact decomposition, solver='eigen'; with "
            "solver='auto' it needs the min(n, d)² Gram/kernel to fit "
            "skreg.set_config(memory_budget=...))."
        )


def _check_exact_fits(X, what):
    """ValueError when a sparse X's exact decomposition would not fit the memory budget."""
    if is_sparse(X) and not _sparse.fits_budget(min(X.shape), min(X.shape)):
        side = min(X.shape)
        raise ValueError(
            f"{what} on sparse X needs the dense {side} x {side} centred Gram/kernel "
            f"matrix ({8 * side**2 / 2**30:.1f} GiB), more than the memory budget "
            "(skreg.set_config(memory_budget=...)). Pass cv=K (e.g. cv=5): K-fold runs one "
            "Lanczos path per fold."
        )


def _spectrum_for_penalized_ridge(X, y, sample_weight, penalty_factor, *, fit_intercept):
    """The decomposition RidgeEigen caches when ``penalty_factor`` is set."""
    return decompose_penalized(X, y, penalty_factor, sample_weight, fit_intercept=fit_intercept)


def _decompose_ridge(X, y, sample_weight, penalty_factor, *, fit_intercept, keep_left=False):
    """One decomposition of in-memory data, with or without penalty factors."""
    if penalty_factor is None:
        return decompose(X, y, sample_weight, fit_intercept=fit_intercept, keep_left=keep_left)
    return decompose_penalized(
        X, y, penalty_factor, sample_weight, fit_intercept=fit_intercept, keep_left=keep_left
    )


def _decompose_ridge_gram(stats, penalty_factor, *, fit_intercept):
    """One decomposition from sufficient statistics (partial_fit, Dask)."""
    if penalty_factor is None:
        return decompose_gram(stats, fit_intercept=fit_intercept)
    return decompose_gram_penalized(stats, penalty_factor, fit_intercept=fit_intercept)


def _target_alpha(alpha, n_targets):
    """``alpha`` as a float, or one α per target as scikit-learn's ``Ridge`` takes it.

    An array of size 1 is the same α for every target; size n_targets gives target j
    its own α; any other size is a ValueError (as ``Ridge``).  An array of another
    namespace (array API dispatch: an α per target given in X's namespace, as
    ``Ridge`` accepts it) is read on the host: it only scales the spectral filter.
    """
    if hasattr(alpha, "__array_namespace__") and not isinstance(alpha, np.ndarray):
        alpha = move_to(alpha, xp=np, device="cpu")
    if np.ndim(alpha) == 0:
        return float(alpha)
    values = np.asarray(alpha, dtype=np.float64).ravel()
    if values.size not in (1, n_targets):
        raise ValueError(
            "Number of targets and number of penalties do not correspond: "
            f"{values.size} != {n_targets}"
        )
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(f"alpha must be finite and >= 0, got {alpha!r}.")
    return float(values[0]) if values.size == 1 else values


def _check_solver_for_penalty_factor(estimator):
    """penalty_factor is implemented by the exact spectral path only (merge hook for ``solver``)."""
    if estimator.penalty_factor is not None and getattr(estimator, "solver", None) == "lanczos":
        raise ValueError(
            "penalty_factor is not supported with solver='lanczos': use solver='eigen' "
            "(exact; sparse X stays sparse), or fold the factors into X yourself "
            "(positive factors p: fit on X / sqrt(p), then divide coef_ by sqrt(p))."
        )


def _auto_solver(X):
    """'eigen' when the exact decomposition is the default for this X
    (:func:`skreg._data._sparse.exact_decomposition_by_default`), else 'lanczos'."""
    return "eigen" if _sparse.exact_decomposition_by_default(X.shape, is_sparse(X)) else "lanczos"


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
    """Path arrays shaped like ``coef_`` and ``intercept_`` (one more leading α axis)."""
    intercepts = spectrum.intercept(coefs)
    if y_ndim == 1:
        return coefs[:, 0, :], intercepts[:, 0]
    if coefs.shape[1] == 1:  # y of shape (n, 1): coef_ is (n_features,), intercept_ (1,)
        return coefs[:, 0, :], intercepts
    return coefs, intercepts


class RidgeEigen(LinearRegressorMixin, BaseEstimator):
    """Ridge regression solved in the eigenbasis of H = XᵀX.

    Minimizes the lecture's L2-regularized least squares

        R̃(w) = ½‖Xw − y‖² + ½α Σⱼ pⱼwⱼ²     (rows weighted by ``sample_weight``)

    with an unpenalized intercept and penalty factors pⱼ = 1 by default, so it returns
    the same coefficients as :class:`sklearn.linear_model.Ridge` with the same ``alpha``.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        L2 strength α ≥ 0. ``alpha=0`` is least squares (minimum-norm solution on
        rank-deficient data).  An array gives each target its own α, as in ``Ridge``
        (under array API dispatch it may be an array of X's namespace).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept by centring X and y.
    memory : None, str or joblib.Memory, default=None
        Opt-in cache of the eigendecomposition, as ``Pipeline(memory=...)``: a
        directory or a :class:`joblib.Memory`.  Refitting on the same data with another
        ``alpha`` (``set_params``, ``GridSearchCV``) then reuses the decomposition; a
        change in X, y, sample_weight or fit_intercept gives a new key.  The cache lives
        on disk, so it is shared by ``n_jobs`` worker processes and bounded as joblib's
        cache is (``Memory.reduce_size``).  Only the exact decomposition
        (``solver='eigen'``) of NumPy/SciPy data is cached: array API input (other
        namespaces, see ``docs/array_api.md``) is decomposed on its device each time,
        as hashing it would first copy it to the host.
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
          the memory budget (:func:`skreg.get_config`, 1 GiB, min(n, d) ≤ 11,585)
          and, for sparse X, min(n, d) ≤ 3,000
          (``skreg.get_config()["exact_max_side_sparse"]``: beyond
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
        4 × the memory budget).  A
        :class:`~sklearn.exceptions.ConvergenceWarning` says when it stops ``tol``
        from being met.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature factors pⱼ ≥ 0 of the penalty ½α Σⱼ pⱼwⱼ² (None: all ones), so the
        normal equations become (XᵀX + α diag(p))w = Xᵀy (centred X and y; the intercept
        stays unpenalized).  pⱼ = 0 leaves feature j unpenalized.  The factors are used
        as given: R's glmnet rescales ``penalty.factor`` to sum to n_features, so glmnet's
        factors p correspond to ``penalty_factor=p * len(p) / p.sum()`` (and glmnet's λ
        is a mean-convention strength besides).  Sparse X stays sparse (penalized
        columns centred implicitly); ``solver='lanczos'`` with factors raises a
        ValueError (``'auto'`` takes the exact path), and so does array API input.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        ŵ = Σᵢ βᵢ / (λᵢ + α) uᵢ.  Shape (n_features,) for y of shape (n,) or (n, 1),
        as scikit-learn's ``Ridge``.
    intercept_ : float or ndarray of shape (n_targets,)
        b = ȳ − x̄ᵀŵ (weighted means); shape (1,) for y of shape (n, 1), 0.0 without
        intercept.
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
    shrinkage_ : ndarray of shape (n_components,) or (n_targets, n_components)
        λᵢ / (λᵢ + α): how much of the data's influence survives in each direction
        (θᵢ / (θᵢ + α) for the Ritz values; one row per target when ``alpha`` is an
        array).
    effective_dof_ : float or ndarray of shape (n_targets,)
        Σᵢ λᵢ / (λᵢ + α), the effective number of parameters (intercept excluded), the
        trace of the hat matrix minus one.  With ``penalty_factor``, ``eigenvalues_``,
        ``eigenvectors_`` (n_penalized rows, coordinates vⱼ = √pⱼ wⱼ) and ``shrinkage_``
        refer to the rescaled, projected penalized problem (see Notes), and
        ``effective_dof_`` adds the rank of the unpenalized columns.
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
    Supports the array API: with ``sklearn.set_config(array_api_dispatch=True)``, X in
    PyTorch, CuPy, ... is fitted in its namespace and on its device, and the fitted
    arrays live there too (see ``docs/array_api.md``).

    With H = Σ λᵢ uᵢuᵢᵀ and Xᵀy = Σ βᵢ uᵢ (the lecture's L2 section),

        ŵ = (H + αI)⁻¹Xᵀy = Σᵢ βᵢ / (λᵢ + α) uᵢ:

    directions with λᵢ ≫ α are kept, those with λᵢ ≪ α lose the data's influence.
    One decomposition serves every α, see :meth:`path`. Computing it costs one Gram
    product and one symmetric eigensolver call (an SVD when X is ill-conditioned).

    Penalty factors stay exact and spectral (``skreg._penalized_spectral.PenalizedSpectrum``):
    positive factors rescale the columns (w_P = D⁻¹v, X_P → X_P D⁻¹ with D = diag(√p_P)),
    and unpenalized columns Z (pⱼ = 0) are projected out first, as the intercept is
    (Frisch–Waugh): ridge runs on X̃ = (I − Π₀)X_P D⁻¹ with Π₀ the projector onto the
    centred Z columns, and w_Z is least squares of the remaining residual on Z.  So
    :meth:`path` still costs one decomposition.

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
        "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
        "fit_intercept": ["boolean"],
        "memory": [None, str, HasMethods(["cache"])],
        "solver": [StrOptions({"auto", "eigen", "lanczos"})],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [None, Interval(Integral, 1, None, closed="left")],
        "penalty_factor": ["array-like", None],
    }

    _supports_sparse = True

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        memory=None,
        solver="auto",
        tol=1e-6,
        max_iter=None,
        penalty_factor=None,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.memory = memory
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.penalty_factor = penalty_factor

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
        _check_solver_for_penalty_factor(self)
        solver = "eigen"
        if is_dask_collection(X):  # sufficient statistics: always the exact Gram path
            stats, dtype, y_ndim = validate_dask_fit_data(self, X, y, sample_weight)
            factor = check_penalty_factor(self.penalty_factor, self.n_features_in_)
            spectrum = _decompose_ridge_gram(stats, factor, fit_intercept=self.fit_intercept)
        else:
            X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
            if fit_if_extreme(self, X, y, sample_weight, {"alpha": (2, 0)}, _SCALED_ATTRIBUTES):
                return self  # magnitudes beyond 1e±100: fitted on X/s_x, y/s_y (_scaling)
            factor = check_penalty_factor(self.penalty_factor, X.shape[1])
            solver = _auto_solver(X) if self.solver == "auto" else self.solver
            if factor is not None:  # the exact path only (lanczos refused above)
                solver = "eigen"
            _check_array_api_input(X, solver, factor)
            if solver == "lanczos":
                self._krylov = _krylov_for_ridge(
                    X,
                    y,
                    sample_weight,
                    bool(self.fit_intercept),
                    np.atleast_1d(_target_alpha(self.alpha, y.shape[1] if y.ndim == 2 else 1)),
                    self.tol,
                    self.max_iter,
                )
                spectrum = self._krylov.spectrum
            elif factor is None:
                xp, _, _ = get_namespace_and_device(X)
                spectrum = cached_call(
                    self.memory if _is_numpy_namespace(xp) else None,
                    _spectrum_for_ridge,
                    X,
                    y,
                    sample_weight,
                    fit_intercept=bool(self.fit_intercept),
                )
            elif sp.issparse(X):  # joblib's cache keys dense arrays only
                spectrum = _spectrum_for_penalized_ridge(
                    X, y, sample_weight, factor, fit_intercept=bool(self.fit_intercept)
                )
            else:
                spectrum = cached_call(
                    self.memory,
                    _spectrum_for_penalized_ridge,
                    X,
                    y,
                    sample_weight,
                    factor,
                    fit_intercept=bool(self.fit_intercept),
                )
            dtype, y_ndim = X.dtype, y.ndim
        self._spectrum = spectrum
        self._y_ndim = y_ndim
        alpha = _target_alpha(self.alpha, spectrum.theta_star.shape[1])
        self._set_spectral_attributes(spectrum, alpha, dtype, y_ndim)
        self.solver_ = solver
        self._set_n_iter(y_ndim)
        return self

    def _set_n_iter(self, y_ndim):
        krylov = getattr(self, "_krylov", None)
        if krylov is None:
            self.n_iter_ = int(self._spectrum.eigenvalues.shape[0])  # (torch: .size is a method)
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
        _check_numpy_only(X, "partial_fit")
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
        check_chunk_scale(X)
        self.__dict__.pop("_data_scale", None)  # the statistics are in the data's units
        factor = check_penalty_factor(self.penalty_factor, X.shape[1])
        with np.errstate(over="ignore", invalid="ignore"):  # overflow: the check below
            if first:
                stats = GramStats.from_chunk(X, y, sample_weight)
            else:  # same reference point as the running statistics (see skreg._data._gram)
                shift = (self._stats.x_shift, self._stats.y_shift)
                stats = self._stats.merge(GramStats.from_chunk(X, y, sample_weight, shift))
        check_chunk_scale(X, stats=stats)  # (ridge never reads ‖y‖²: y unchecked)
        self._stats = stats
        self._spectrum = _decompose_ridge_gram(
            self._stats, factor, fit_intercept=self.fit_intercept
        )
        self._y_ndim = y.ndim
        self.__dict__.pop("_krylov", None)
        alpha = _target_alpha(self.alpha, self._spectrum.theta_star.shape[1])
        self._set_spectral_attributes(self._spectrum, alpha, X.dtype, y.ndim)
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
            ``coef_`` for each α, shaped as ``coef_`` (so (n_alphas, n_features) also for
            y of shape (n, 1)).
        intercepts : ndarray of shape (n_alphas,) or (n_alphas, n_targets)
            Arrays of the fit's namespace and device (array API dispatch).

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
            _warn_unconverged(
                krylov, alphas, self.tol, "Fit with alpha set to the smallest alpha of the path."
            )
        sx, sy = getattr(self, "_data_scale", (1.0, 1.0))  # the spectrum of a rescaled fit
        coefs = self._spectrum.ridge_coef(alphas / sx / sx)
        coefs, intercepts = _as_path_output(self._spectrum, coefs, self._y_ndim)
        return coefs * (sy / sx), intercepts * sy

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # the exact decomposition runs on any array API namespace; Lanczos and penalty
        # factors are NumPy/SciPy only (array API input raises a ValueError there)
        tags.array_api_support = self.solver != "lanczos" and self.penalty_factor is None
        return tags
