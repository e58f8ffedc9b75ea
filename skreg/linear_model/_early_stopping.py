"""EarlyStoppedGD: gradient descent on least squares, stopped by Algorithm 7.1, 7.2 or 7.3.

The estimator only validates, splits (:func:`skreg.early_stopping.validation_split`),
picks a trainer and hands it to :func:`skreg.early_stopping.run_early_stopping`; the
trainers and the closed-form trajectory they rely on are derived in
:mod:`skreg.linear_model._trainers`.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from .._config import fits_budget, memory_budget
from .._data._checks import check_sample_weight, check_weight_sum
from .._data._dask import is_dask_collection
from .._data._sparse import (
    exact_decomposition_by_default,
    is_sparse,
)
from .._utils._atomic import atomic_fit
from ..early_stopping import history_frame, run_early_stopping, validation_split
from ._base import LinearRegressorMixin, validate_fit_data
from ._scaling import fit_if_extreme
from ._trainers import (
    _as_float64,
    _drop_zero_weights,
    _equivalent_alpha,
    _IterativeTrainer,
    _Moments,
    _MomentsTrainer,
    _SpectralTrainer,
)

__all__ = ["EarlyStoppedGD"]

# fitted attributes in data units: (power of s_x, power of s_y), see skreg.linear_model._scaling
_SCALED_ATTRIBUTES = {
    "coef_": (-1, 1), "intercept_": (0, 1), "eigenvalues_": (2, 0), "equivalent_alpha_": (2, 0),
    "learning_rate_": (-2, 0), "history_.train_loss": (0, 2), "history_.val_loss": (0, 2),
}


# ------------------------------------------------------------------ closed forms


class EarlyStoppedGD(LinearRegressorMixin, BaseEstimator):
    """Least squares trained by gradient descent and stopped early (Algorithms 7.1–7.3).

    Gradient descent from θ₀ = 0 on the mean loss

        J_α(w) = (1/n) [ ½‖Xw + b − y‖² + ½α‖w‖² ],

    with ``sample_weight`` the weighted mean J_α(w) = (1/Σw) [ ½Σ wₖ(xₖᵀw + b − yₖ)² +
    ½α‖w‖² ] (the lecture's weighted sum loss divided by Σw; for unit weights Σw = n),
    stopped by a validation set: ``'best'`` (Algorithm 7.1) keeps the iterate of lowest
    validation loss, ``'retrain'`` (7.2) retrains on all data for that many steps,
    ``'continue'`` (7.3) continues on all data until the validation loss falls to the
    training loss of the best iterate.  Early stopping is an implicit L2 penalty, and
    ``equivalent_alpha_`` reports it per eigen-direction.

    Parameters
    ----------
    learning_rate : 'auto' or float, default='auto'
        The step ε on the mean loss J_α.  ``'auto'`` is 1/λ_max, with λ_max the largest
        eigenvalue of the mean-loss Hessian (X_cᵀX_c + αI)/n (the largest over the
        training sets that are descended).  A step ε ≥ 2/λ_max (2(1 + momentum)/λ_max
        with momentum) would diverge and raises a ValueError.  With ``sample_weight``
        it is the step on the weighted mean loss: w ← w − ε ∇J_α with Hessian
        (X_wᵀX_w + αI)/Σw (X_w: centred rows scaled by √wₖ), i.e. a step ε/Σw on the
        weighted sum loss; so integer weights step exactly as repeated rows, and with
        α = 0 multiplying all weights by a constant changes nothing.
    max_iter : int, default=1000
        Bound on the steps of the search (Algorithm 7.1), and for ``'continue'`` on the
        total steps of search plus continuation.  With ``strategy=None``: exactly this
        many steps.
    eval_every : int, default=1
        n, the number of steps between two validation evaluations.
    patience : int, default=10
        p, the number of successive evaluations without improvement that stop the search.
    min_delta : float, default=0.0
        An evaluation improves only when its validation loss is lower than the best by
        more than this.
    strategy : {'best', 'retrain', 'continue'} or None, default='best'
        Algorithm 7.1, 7.2 or 7.3; None runs exactly ``max_iter`` GD steps on all of X
        (no validation; ``X_val``, if given, is only monitored in ``history_``).
    validation_fraction : float, default=0.2
        Fraction of X held out (seeded by ``random_state``) when no ``X_val`` is passed
        to ``fit``; needs at least 2 samples (a clear ValueError otherwise).
    alpha : float, default=0.0
        Coupled weight decay, an explicit L2 strength in the RidgeEigen (sum)
        convention: with ``strategy=None`` and ``max_iter → ∞`` the fit tends to
        ``RidgeEigen(alpha)``.
    momentum : float, default=0.0
        Heavy-ball momentum μ in [0, 1) (iterative solver).
    batch_size : int or None, default=None
        Minibatch size for SGD; None is full-batch GD.  One step is one minibatch update.
        With weights a batch B of size m steps along Σ_{k∈B} wₖ∇ℓₖ / (m Σw/n), an
        unbiased estimate of ∇J_α.
    fit_intercept : bool, default=True
        Fit an intercept: data are centred and b recovered, b is never descended.
    solver : {'auto', 'spectral', 'iterative'}, default='auto'
        ``'spectral'``: the closed-form trajectory (full batch, no momentum), losses of
        every evaluation from one eigendecomposition, no gradient step.
        ``'iterative'``: the steps through :mod:`skreg.optim`.  ``'auto'``: spectral
        whenever it applies and its decomposition is the default (dense X within the
        1 GiB budget; sparse X also min(n, d) ≤ 3,000,
        ``skreg.get_config()["exact_max_side_sparse"]``),
        else iterative.  Both give the same iterates (to rounding).
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split and the minibatch shuffling.
    verbose : int, default=0
        Print one line per evaluation (phase, step, training and validation loss,
        elapsed time).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
        b = ȳ − x̄ᵀw (means of the data of the final phase).
    learning_rate_ : float
        The step ε used (on the mean loss).
    best_iter_ : int
        i*, the step of the lowest validation loss (``max_iter`` for ``strategy=None``).
    n_iter_ : int
        Total number of steps run (search + retraining or continuation).
    history_ : dict of str to ndarray
        Keras' ``History.history`` shape, plain NumPy arrays (``history_frame()`` gives a
        DataFrame), one entry per evaluation: ``step``, ``train_loss`` and ``val_loss`` (½·mean
        squared error, weighted by the sample weights of the set when there are any; no
        penalty; training loss on the data of that phase) and
        ``phase`` (``'search'``, ``'retrain'``, ``'continue'`` or ``'train'``).
    eigenvalues_ : ndarray of shape (n_components,)
        λᵢ of the centred Gram matrix X_cᵀX_c (X_wᵀX_w with weights) of the final
        training data (subtrain set for ``'best'``, all data otherwise), descending.
        ``eigenvalues_``, ``eigenvectors_`` and ``equivalent_alpha_`` are not set for a
        sparse X whose decomposition exceeds the memory budget (iterative solver).
    eigenvectors_ : ndarray of shape (n_features, n_components)
    equivalent_alpha_ : ndarray of shape (n_components,)
        Per-direction ridge strength aᵢ in the RidgeEigen (sum) convention such that the
        generalized ridge Σ βᵢ/(λᵢ + aᵢ) uᵢ on the final training data reproduces
        ``coef_`` (with weights: βᵢ, λᵢ, uᵢ of the weighted data, as RidgeEigen with
        ``sample_weight``).  For α = 0, aᵢ = λᵢ(1 − ε'λᵢ)^τ / (1 − (1 − ε'λᵢ)^τ) with
        ε' = ε/n (ε/Σw with weights) and τ the steps behind ``coef_``.  With ``alpha > 0``
        it is the total strength
        (explicit decay plus early stopping), aᵢ = (α + λᵢρᵢ^τ)/(1 − ρᵢ^τ),
        ρᵢ = 1 − ε(λᵢ + α)/n (n → Σw with weights).  Exact for full-batch GD without momentum
        and the
        strategies 'best', 'retrain' and None; for 'continue' (the first i* steps saw
        only the subtrain set) and for SGD / momentum it is the same formula, an
        approximation.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    See Also
    --------
    sklearn.linear_model.SGDRegressor : SGD with ``early_stopping=True`` (Algorithm 7.1
        on a held-out fraction, with a tolerance instead of the best iterate).
    RidgeEigen : the explicit L2 penalty that early stopping is equivalent to.

    Notes
    -----
    In the eigenbasis of H = X_cᵀX_c, τ GD steps of size ε' = ε/n from θ₀ give (the
    lecture's "Early Stopping vs Explicit Regularization", one direction at a time)

        θ_τ = (1 − ε'λ)^τ θ₀ + (1 − (1 − ε'λ)^τ) θ*,

    a weighted average of θ₀ and the optimum; ridge centred at θ₀ gives the weights
    α/(α+λ) and λ/(α+λ), so stopping at τ is L2 regularization of strength

        α = λ(1 − ε'λ)^τ / (1 − (1 − ε'λ)^τ).

    The spectral solver evaluates the whole validation curve from these closed forms
    (the derivation, with weight decay, is in this module's docstring).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import EarlyStoppedGD
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = EarlyStoppedGD(max_iter=5000, patience=50, random_state=0).fit(X, y)
    >>> model.best_iter_ > 0, model.coef_.shape
    (True, (10,))
    >>> list(model.history_)
    ['step', 'train_loss', 'val_loss', 'phase']

    An integer sample weight is a repeated row (here without the random split):

    >>> import numpy as np
    >>> w = np.arange(len(y)) % 3
    >>> weighted = EarlyStoppedGD(strategy=None).fit(X, y, sample_weight=w)
    >>> repeated = EarlyStoppedGD(strategy=None).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    >>> bool(np.allclose(weighted.coef_, repeated.coef_))
    True
    """

    _supports_sparse = True  # CSR/CSC X and X_val: implicit centring, never densified

    _parameter_constraints: dict = {
        "learning_rate": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "eval_every": [Interval(Integral, 1, None, closed="left")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "min_delta": [Interval(Real, 0, None, closed="left")],
        "strategy": [StrOptions({"best", "retrain", "continue"}), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "fit_intercept": ["boolean"],
        "solver": [StrOptions({"auto", "spectral", "iterative"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        learning_rate="auto",
        *,
        max_iter=1000,
        eval_every=1,
        patience=10,
        min_delta=0.0,
        strategy="best",
        validation_fraction=0.2,
        alpha=0.0,
        momentum=0.0,
        batch_size=None,
        fit_intercept=True,
        solver="auto",
        random_state=None,
        verbose=0,
    ):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.eval_every = eval_every
        self.patience = patience
        self.min_delta = min_delta
        self.strategy = strategy
        self.validation_fraction = validation_fraction
        self.alpha = alpha
        self.momentum = momentum
        self.batch_size = batch_size
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit  # a failed fit leaves the estimator as it was
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Train by gradient descent, stopped early on a validation set.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Sparse CSR/CSC (matrix or array): centred implicitly, never densified; the
            spectral solver runs when the min(n, d)² Gram or kernel matrix fits the
            1 GiB budget of :mod:`skreg._data._sparse` (and, with ``solver='auto'``, min(n, d)
            ≤ 3,000), otherwise (``solver='auto'``) the iterative one.  Dask array or
            DataFrame: the spectral solver from blockwise
            Gram statistics, with the split rule of
            :func:`skreg._data._dask.validation_mask` (a hash of the global row number and
            ``random_state``, independent of the chunking).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights wₖ of the training rows: the loss descended is the
            weighted mean (1/Σw)[½Σ wₖ(xₖᵀw + b − yₖ)² + ½α‖w‖²] and the means that
            centre X and y are weighted.  An integer weight k is k repeated rows; a zero
            weight is an absent row (dropped before the validation split).  The
            validation split (``validation_fraction``) splits the weights with the rows.
        X_val : {array-like, sparse matrix, dask array} of shape (n_val, n_features), default=None
            Explicit validation data; then nothing is held out of X, and "all data"
            (Algorithms 7.2, 7.3) is X followed by X_val.
        y_val : array-like of shape (n_val,) or (n_val, n_targets), default=None
        sample_weight_val : float or array-like of shape (n_val,), default=None
            Weights of the explicit validation rows (only with ``X_val``): the
            validation loss is their weighted mean, and they follow X_val into "all
            data".  None means unit weights.

        Returns
        -------
        self : EarlyStoppedGD
        """
        if is_dask_collection(X):
            return self._fit_dask(X, y, sample_weight, X_val, y_val, sample_weight_val)
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        step = {} if isinstance(self.learning_rate, str) else {"learning_rate": (-2, 0)}
        if fit_if_extreme(self, X, y, sample_weight, {"alpha": (2, 0), "min_delta": (0, 2), **step},
                          _SCALED_ATTRIBUTES, X_val=X_val, y_val=y_val,
                          sample_weight_val=sample_weight_val):
            return self  # magnitudes beyond 1e±100: fitted on X/s_x, y/s_y (see _scaling)
        dtype, y_ndim = X.dtype, y.ndim
        X64 = _as_float64(X)
        Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
        X_val, Y_val, sw_val = self._validate_validation(X_val, y_val, Y.shape[1],
                                                         sample_weight_val)
        rng = check_random_state(self.random_state)
        strategy = self.strategy
        weighted = sample_weight is not None or sw_val is not None
        sw = sw_tr = sw_all = None

        if weighted:  # zero weight = absent row: dropped before anything sees it
            sw = np.ones(X64.shape[0]) if sample_weight is None else sample_weight
            X64, Y, sw = _drop_zero_weights(X64, Y, sw)
            if X_val is not None:
                sw_val = np.ones(X_val.shape[0]) if sw_val is None else sw_val
                X_val, Y_val, sw_val = _drop_zero_weights(X_val, Y_val, sw_val)

        if strategy is None:
            X_tr, Y_tr, X_all, Y_all = X64, Y, X64, Y
            sw_tr = sw_all = sw
            descended = [(X64, Y)]
        else:
            split = validation_split(
                X64, Y, sw, validation_fraction=self.validation_fraction, random_state=rng,
                X_val=X_val, y_val=Y_val, sample_weight_val=sw_val,
            )
            (X_tr, Y_tr, sw_tr), (X_val, Y_val, sw_val), (X_all, Y_all, sw_all) = (
                split.train, split.val, split.all)
            descended = [(X_tr, Y_tr)] + ([] if strategy == "best" else [(X_all, Y_all)])
        seed = rng.randint(np.iinfo(np.int32).max)

        n_max = max(Xd.shape[0] for Xd, _ in descended)
        full_batch = self.batch_size is None or self.batch_size >= n_max
        spectral_ok = full_batch and self.momentum == 0
        if self.solver == "spectral" and not spectral_ok:
            raise ValueError(
                "solver='spectral' is the closed form of full-batch gradient descent: it "
                "needs batch_size=None and momentum=0; use solver='iterative'."
            )
        # sparse X: the spectral solver needs the dense min(n, d)² Gram or kernel matrix
        m_max = max(min(Xd.shape) for Xd, _ in descended)
        fits = not is_sparse(X64) or fits_budget(m_max, m_max)
        default = exact_decomposition_by_default((m_max, m_max), is_sparse(X64))
        if self.solver == "spectral" and not fits:
            raise ValueError(
                f"solver='spectral' on this sparse X needs a dense {m_max}×{m_max} Gram or "
                f"kernel matrix ({8 * m_max**2 / 2**30:.1f} GiB), above the "
                f"{memory_budget() / 2**30:.2g} GiB memory budget; use "
                "solver='iterative' (sparse products only)."
            )
        use_spectral = self.solver == "spectral" or (
            self.solver == "auto" and spectral_ok and default
        )
        common = dict(alpha=float(self.alpha), fit_intercept=bool(self.fit_intercept))
        if use_spectral:
            trainer = _SpectralTrainer(X.shape[1], Y.shape[1], **common)
        else:
            trainer = _IterativeTrainer(
                X.shape[1], Y.shape[1], **common, momentum=float(self.momentum),
                batch_size=self.batch_size, seed=seed,
            )
        if weighted:
            trainer.set_sample_weight(X_tr, Y_tr, sw_tr)
            trainer.set_sample_weight(X_all, Y_all, sw_all)
            if X_val is not None:
                trainer.set_sample_weight(X_val, Y_val, sw_val)
        datasets = [trainer.dataset(Xd, Yd) for Xd, Yd in descended]
        self.learning_rate_ = self._check_learning_rate(datasets)
        trainer.set_learning_rate(self.learning_rate_)

        result = run_early_stopping(
            trainer, X_tr, Y_tr, X_val, Y_val,
            strategy=strategy, eval_every=self.eval_every, patience=self.patience,
            min_delta=self.min_delta, max_iter=self.max_iter, X_all=X_all, y_all=Y_all,
            verbose=bool(self.verbose),
        )
        return self._set_result(result, datasets[-1], dtype, y_ndim)

    def history_frame(self):
        """``history_`` as a pandas DataFrame, one row per evaluation.

        Returns
        -------
        pandas.DataFrame
            Columns ``step``, ``train_loss``, ``val_loss``, ``phase``.
        """
        check_is_fitted(self, "history_")
        return history_frame(self.history_)

    def _set_result(self, result, final, dtype, y_ndim):
        """Fitted attributes from the driver's result and the final training set."""
        w, b = result.params
        coef, intercept = w.T, b
        if y_ndim == 1:
            coef, intercept = coef[0], intercept[0]
        elif coef.shape[0] == 1:  # y of shape (n, 1): coef_ (n_features,), intercept_ (1,)
            coef = coef[0]  # as scikit-learn's Ridge
        self.coef_ = coef.astype(dtype, copy=False)
        self.intercept_ = np.asarray(intercept).astype(dtype)[()] if self.fit_intercept else 0.0
        self.best_iter_ = int(result.best_iter)
        self.n_iter_ = int(result.n_iter)
        self.history_ = result.history
        if final.decomposition_fits_budget or getattr(final, "_spectrum", None) is not None:
            spectrum = final.spectrum
            self.eigenvalues_ = spectrum.eigenvalues
            self.eigenvectors_ = spectrum.eigenvectors
            self.equivalent_alpha_ = _equivalent_alpha(
                spectrum.eigenvalues, float(self.alpha), self.learning_rate_, final.total_weight,
                result.n_steps,
            )
        return self

    def _fit_dask(self, X, y, sample_weight, X_val, y_val, sample_weight_val):
        """The spectral solver from blockwise Gram statistics (Dask input).

        One pass over the data reduces the subtrain and the validation rows to their
        weighted counts, means and scatter matrices (d² numbers each); the closed-form
        trajectory, every validation loss and Algorithms 7.1–7.3 then run on the client
        from those alone.  The split: see :func:`skreg._data._dask.validation_mask`.
        """
        from .._data._dask import check_dask_inputs, gram_stats_many, split_gram_stats

        if self.solver == "iterative" or self.batch_size is not None or self.momentum != 0:
            raise ValueError(
                "EarlyStoppedGD on Dask runs the spectral solver (the closed form of "
                "full-batch gradient descent, from blockwise Gram statistics): use "
                "solver='auto' or 'spectral', batch_size=None and momentum=0."
            )
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        if sample_weight_val is not None and X_val is None:
            raise ValueError("sample_weight_val needs X_val and y_val.")
        Xd, yd, wd, dtype, y_ndim = check_dask_inputs(self, X, y, sample_weight)
        if X_val is not None:
            from .._data._dask import as_dask_array

            if not is_dask_collection(X_val):  # an in-memory validation set is fine too
                import dask.array as da

                X_val, y_val = da.from_array(np.asarray(X_val)), da.from_array(np.asarray(y_val))
                if sample_weight_val is not None:
                    sample_weight_val = da.from_array(np.asarray(sample_weight_val))
            Xv, yv, wv, _, yv_ndim = check_dask_inputs(
                self, X_val, y_val, sample_weight_val, reset=False, names=("X_val", "y_val"))
            if (1 if yv_ndim == 1 else as_dask_array(y_val, "y_val").shape[1]) != (
                    1 if y_ndim == 1 else yd.shape[1]):
                raise ValueError("y_val must have as many targets as y.")
            tr, va = gram_stats_many((Xd, yd, wd), (Xv, yv, wv))
        elif self.strategy is None:
            (tr,), va = gram_stats_many((Xd, yd, wd)), None
        else:
            rs = self.random_state
            seed = (int(rs) if isinstance(rs, Integral) and rs >= 0
                    else check_random_state(rs).randint(np.iinfo(np.int32).max))
            tr, va = split_gram_stats(Xd, yd, wd, self.validation_fraction, seed)
            if tr.weight_sum <= 0 or va.weight_sum <= 0:
                raise ValueError(
                    f"The blockwise split with validation_fraction={self.validation_fraction} "
                    f"left {'no training' if tr.weight_sum <= 0 else 'no validation'} rows "
                    f"(of {tr.n_samples + va.n_samples}); pass X_val and y_val, or use more "
                    "samples."
                )
        check_weight_sum(tr.weight_sum)
        strategy = self.strategy
        handle_tr = _Moments(tr)
        handle_val = None if va is None else _Moments(va)
        if strategy is None:
            handle_all, descended = handle_tr, [handle_tr]
        else:
            handle_all = _Moments(tr.merge(va))
            descended = [handle_tr] + ([] if strategy == "best" else [handle_all])
        trainer = _MomentsTrainer(tr.Sxx.shape[0], tr.Sxy.shape[1], alpha=float(self.alpha),
                                  fit_intercept=bool(self.fit_intercept))
        datasets = [trainer.dataset(h, h) for h in descended]
        self.learning_rate_ = self._check_learning_rate(datasets)
        trainer.set_learning_rate(self.learning_rate_)
        result = run_early_stopping(
            trainer, handle_tr, handle_tr, handle_val, handle_val,
            strategy=strategy, eval_every=self.eval_every, patience=self.patience,
            min_delta=self.min_delta, max_iter=self.max_iter, X_all=handle_all, y_all=handle_all,
            verbose=bool(self.verbose),
        )
        return self._set_result(result, datasets[-1], dtype, y_ndim)

    def _validate_validation(self, X_val, y_val, n_targets, sample_weight_val=None):
        if X_val is None and y_val is None:
            if sample_weight_val is not None:
                raise ValueError("sample_weight_val needs X_val and y_val.")
            return None, None, None
        if X_val is None or y_val is None:
            raise ValueError("X_val and y_val must be given together.")
        X_val = validate_data(self, X_val, reset=False, dtype=[np.float64, np.float32],
                              accept_sparse=["csr", "csc"])
        Y_val = check_array(y_val, ensure_2d=False, dtype=np.float64, input_name="y_val")
        Y_val = Y_val.reshape(Y_val.shape[0], -1)
        if Y_val.shape != (X_val.shape[0], n_targets):
            raise ValueError(
                f"y_val must have {X_val.shape[0]} rows (as X_val) and {n_targets} target(s) "
                f"(as y), got shape {np.shape(y_val)}."
            )
        if sample_weight_val is not None:
            sample_weight_val = check_sample_weight(sample_weight_val, X_val, dtype=np.float64)
        return _as_float64(X_val), Y_val, sample_weight_val

    def _check_learning_rate(self, datasets):
        """ε from 'auto' or the user, checked against 2(1 + μ)/λ_max of every descended set."""
        lam_max = max((d.lambda_max + self.alpha) / d.total_weight for d in datasets)
        if self.learning_rate == "auto":
            return 1.0 / lam_max if lam_max > 0 else 1.0
        lr = float(self.learning_rate)
        bound = 2.0 * (1.0 + self.momentum) / lam_max if lam_max > 0 else np.inf
        if lr >= bound:
            raise ValueError(
                f"learning_rate={lr:g} would make gradient descent diverge: it must be below "
                f"2{'(1 + momentum)' if self.momentum else ''}/λ_max = {bound:g}, with "
                f"λ_max = {lam_max:g} the largest eigenvalue of the mean-loss Hessian "
                "(X_cᵀX_c + αI)/n. Use a smaller learning_rate or learning_rate='auto' (1/λ_max)."
            )
        return lr
