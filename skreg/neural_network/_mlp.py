"""MLPRegressor and MLPClassifier: thin estimators over one core, one trainer, one driver.

The pieces, each from its own module (the lecture's R̃ = R + αΩ in code):

* the risk R and its gradient: :class:`~skreg.neural_network._core.MLPCore` (squared
  error with an identity output, or cross-entropy with a softmax output);
* the penalty αΩ, one per weight matrix, biases excluded: :func:`skreg.penalties.layer_penalties`;
* the steps: :mod:`skreg.optim` (GD, SGD with momentum, Adam) over seeded minibatches,
  or scipy's L-BFGS-B on the flat parameter vector;
* the noise: :mod:`skreg.noise` (weights, inputs, labels);
* when to stop: :func:`skreg.early_stopping.run_early_stopping` (Algorithms 7.1–7.3),
  which drives the :class:`_MLPTrainer` below through the trainer protocol
  (``init_params`` / ``train`` / ``loss`` / ``copy``).
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from .._data._checks import check_sample_weight
from ..noise import smooth_labels
from ._base import _BaseMLP
from ._trainer import _normalized_weights

__all__ = ["MLPRegressor", "MLPClassifier"]


_COMMON_PARAMS_DOC = """
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer. ``()`` gives no hidden layer: a linear model
        (MLPRegressor) or softmax regression (MLPClassifier).
    activation : {'relu', 'tanh', 'logistic', 'identity'}, default='relu'
        Hidden-layer activation σ in σ(Wx + b).
    solver : {'gd', 'sgd', 'adam', 'lbfgs'}, default='adam'
        'gd': full-batch gradient descent (one step per epoch, ``batch_size`` and
        ``momentum`` unused); 'sgd': minibatch SGD with ``momentum``; 'adam': minibatch
        Adam (optimizers from :mod:`skreg.optim`); 'lbfgs': scipy's L-BFGS-B on the
        full-batch objective over the flat parameter vector (scikit-learn's choice for
        small data; L2 only, no noise or dropout, no ``partial_fit``).
    alpha : float or array-like of shape (len(hidden_layer_sizes) + 1,), default=0.0001
        Penalty strength, one value for every weight matrix or one per weight matrix
        (the lecture's "different strength for each layer"); a wrong length is a
        ValueError. Biases are never penalized. Same scaling as scikit-learn's MLP
        ``alpha``, see Notes.
    penalty : {'l2', 'l1'}, default='l2'
        Ω from :mod:`skreg.penalties`: ½‖W‖² (weight decay) or ‖W‖₁ (subgradient).
    batch_size : int, 'auto' or None, default='auto'
        Minibatch size for 'sgd' and 'adam'; 'auto' is min(200, n_samples), None (or a
        value ≥ n_samples) the full batch.
    learning_rate_init : float, default=0.001
        Step size ε of the optimizer (on the batch-mean objective).
    max_iter : int, default=200
        Maximum number of epochs (passes over the data; for 'gd', steps; for 'lbfgs',
        iterations).
    shuffle : bool, default=True
        Shuffle the rows before each epoch's minibatches ('sgd', 'adam').
    tol : float, default=1e-4
        Without early stopping: training stops when the epoch loss has not improved by
        at least ``tol`` for more than ``n_iter_no_change`` consecutive epochs ('lbfgs':
        the gradient tolerance ``gtol``, as scikit-learn). With early stopping: the
        scikit-learn alias of ``min_delta`` (used when ``min_delta`` is None).
    n_iter_no_change : int or np.inf, default=10
        See ``tol`` (as scikit-learn's MLP; ``np.inf`` never stops before ``max_iter``).
        With early stopping: the scikit-learn alias of ``patience``, which is then
        ``n_iter_no_change + 1`` (scikit-learn stops after *more than*
        ``n_iter_no_change`` epochs without improvement), used when ``patience`` is None.
    max_fun : int, default=15000
        'lbfgs' only: maximum number of loss evaluations (scikit-learn's ``max_fun``;
        with early stopping, over all L-BFGS calls from one initialization: the search
        with its continuation, then the retraining).
    momentum : float, default=0.9
        Momentum μ in [0, 1) of solver 'sgd'.
    weight_noise : float, default=0.0
        δ ≥ 0: every step evaluates the gradient at θ + δφ, φ ~ N(0, I) (all weights and
        biases), and updates θ (:func:`skreg.noise.perturb_weights`).
    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to each batch's inputs
        (:func:`skreg.noise.add_input_noise`). On sparse X each noisy batch is dense: a
        ValueError when one dense batch would exceed 256 MiB.
    dropout : float or array-like of float, default=0.0
        Inverted dropout, in training only: each step multiplies a layer's input by a
        fresh mask M/(1 − p), M ~ Bernoulli(1 − p), drawn from the estimator's seeded
        Generator; ``predict`` uses the whole network (deterministic). A float p drops
        hidden units only (the inputs stay whole, the common practice); a list gives
        one rate per weight matrix's input, the input features first (so
        ``hidden_layer_sizes=()`` with ``dropout=[p]`` is input dropout on a linear
        model). Rates in [0, 1); 0 is exactly the fit without dropout. See Notes.
    early_stopping : bool or {'best', 'retrain', 'continue'}, default=False
        False: train until ``tol`` or ``max_iter``. Otherwise the lecture's Algorithm
        7.1 ('best', also ``True``), 7.2 ('retrain') or 7.3 ('continue') through
        :func:`skreg.early_stopping.run_early_stopping`, on a validation split or on
        the ``X_val, y_val`` given to ``fit``.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping (seeded split).
    patience : int or None, default=None
        p: evaluations without improvement before stopping. None: from scikit-learn's
        ``n_iter_no_change`` (p = ``n_iter_no_change`` + 1, i.e. 11 by default); when
        both are set, ``patience`` wins.
    eval_every : int, default=1
        n: epochs (L-BFGS iterations) between two validation evaluations.
    min_delta : float or None, default=None
        An improvement of the validation loss must exceed this to count. None: ``tol``
        (scikit-learn's name); when both are set, ``min_delta`` wins.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialization, the minibatch order, the validation split and all
        noise: same seed, same fit.
    verbose : bool or int, default=False
        Print epoch, training loss (and validation loss with early stopping).
    warm_start : bool, default=False
        Start from the fitted weights of the previous call to ``fit``."""

_COMMON_ATTRS_DOC = """
    coefs_ : list of ndarray
        W_l of shape (units_l, units_{l+1}).
    intercepts_ : list of ndarray
        b_l of shape (units_{l+1},).
    loss_curve_ : list of float
        Mean training objective of every epoch (penalty included, noise as sampled).
    loss_ : float
        Last entry of ``loss_curve_``.
    history_ : dict of str to ndarray
        ``step``, ``train_loss``, ``val_loss``, ``phase`` (plain NumPy arrays; a DataFrame
        by ``history_frame()``): the early-stopping record, or one entry per epoch
        (val_loss NaN) without early stopping.
    best_iter_ : int
        Epoch of the returned weights (i* with early stopping, else ``n_iter_``).
    n_iter_ : int
        Epochs run (L-BFGS iterations for 'lbfgs'; with ``partial_fit``, calls so far).
    t_ : int
        Training samples seen (scikit-learn's ``t_``).
    best_loss_ : float or None
        Lowest training loss (None with early stopping), as scikit-learn.
    validation_scores_ : list of float or None
        With early stopping: scikit-learn's score (R² or accuracy, weighted by the
        validation sample weights) at every evaluation, in ``history_`` order; None
        otherwise. The stopping rule itself watches the validation *loss* (history_).
    best_validation_score_ : float or None
        Largest entry of ``validation_scores_``.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
    out_activation_ : str
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names."""

_SCALING_NOTE = """
    Each minibatch B of m samples takes a step on (scikit-learn's MLP objective)

        J_B(θ) = (1/m) [ Σ_{i∈B} ℓ(f(xᵢ; θ), yᵢ) + Σ_l α_l Ω(W_l) ],

    and with ``sample_weight`` s (scikit-learn ≥ 1.7's convention, used here: the
    weighted mean loss, the penalty divided by the batch's weight sum)

        J_B(θ) = [ Σ_{i∈B} sᵢ ℓ(f(xᵢ; θ), yᵢ) + Σ_l α_l Ω(W_l) ] / Σ_{i∈B} sᵢ,

    so integer weights are exactly repeated rows for the full-batch solvers ('gd',
    'lbfgs'; in the sum convention R = ½Σ sᵢ(f(xᵢ) − yᵢ)² + αΩ) and in expectation for
    minibatches; equal weights are the unweighted fit.

    i.e. the lecture's sum-convention R̃ = R + αΩ on the batch, divided by m. With the
    full batch (solver 'gd', or ``batch_size`` ≥ n) the minimizer is that of
    ½‖f(X) − y‖² + α·½‖W‖² over all n samples: for ``hidden_layer_sizes=()`` it is
    ``RidgeEigen(alpha=alpha)``. With minibatches of size m the penalty enters each
    batch at full weight, so the stationary point is that of the sum convention with
    α·n/m, exactly as in scikit-learn's MLP."""


_DROPOUT_NOTE = """
    Dropout (lecture, "noise on the inputs" once more): for a linear model with input
    dropout (``hidden_layer_sizes=()``, ``dropout=[p]``) the expected loss over the
    masks is, with X̃ = X ⊙ M/(1 − p),

        E_M ½‖X̃w + b − y‖² = ½‖Xw + b − y‖² + ½·p/(1 − p)·Σⱼ (Σᵢ xᵢⱼ²) wⱼ²,

    ridge regression with a data-dependent penalty, each wⱼ shrunk in proportion to
    the energy of its feature (:func:`skreg.theory.dropout_equivalent_penalty`); on
    hidden units the same reading holds layer by layer."""


class MLPRegressor(RegressorMixin, _BaseMLP):
    __doc__ = f"""Multilayer perceptron regressor (squared error), with the lecture's regularizers.

    A fully vectorized NumPy MLP: identity output, loss ½‖f(x) − y‖², per-layer L2 or L1
    penalties on the weights (never the biases), weight noise, input noise and early
    stopping (Algorithms 7.1–7.3).

    Parameters
    ----------{_COMMON_PARAMS_DOC}

    Attributes
    ----------{_COMMON_ATTRS_DOC}

    See Also
    --------
    sklearn.neural_network.MLPRegressor : the same network and ``alpha`` scaling.
    MLPClassifier : softmax output, cross-entropy, label smoothing.
    RidgeEigen : the ``hidden_layer_sizes=()`` limit in closed form.

    Notes
    -----{_SCALING_NOTE}

    Weight noise (lecture, "Adding noise to the weights"): training on θ + δφ minimizes
    on average

        E_φ ½(f(x, θ + δφ) − y)² = ½(f(x, θ) − y)² + ½δ²‖∇_θ f(x, θ)‖² + …,

    a penalty on how much the prediction moves with the weights
    (:func:`skreg.theory.weight_noise_penalty`).
{_DROPOUT_NOTE}

    Differences from scikit-learn kept on purpose: a diverging fit raises a clear
    ValueError instead of returning NaN scores; early stopping watches the validation
    loss (``validation_scores_`` still records scikit-learn's score); a class too
    small to stratify the validation split falls back to an unstratified split; no
    learning-rate schedules, multilabel targets or Poisson loss.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, (200, 1))
    >>> y = np.sin(3 * X[:, 0])
    >>> model = MLPRegressor((32,), activation="tanh", learning_rate_init=0.01,
    ...                      batch_size=20, max_iter=300, random_state=0).fit(X, y)
    >>> bool(model.score(X, y) > 0.95)
    True
    >>> [W.shape for W in model.coefs_]
    [(1, 32), (32, 1)]
    """

    _output = "identity"

    def _validate_targets(self, X, y, reset, classes=None, incremental=False):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=True,
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 0:
            raise ValueError("y has 0 targets; at least one is required.")
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if reset:
            self._y_ndim = y.ndim
        elif (y.ndim != self._y_ndim and not (y.ndim == 2 and y.shape[1] == 1)) or (
            incremental and n_outputs != self.n_outputs_
        ):
            raise ValueError(
                "y must have the same number of targets as the y of the first fit "
                f"({self.n_outputs_ if hasattr(self, 'n_outputs_') else '?'})."
            )
        return X, y, n_outputs

    def _score_output(self, F, y, sample_weight):
        y = np.asarray(y)
        return r2_score(y.reshape(F.shape), F, sample_weight=sample_weight)

    def _target_matrix(self, y, train, dtype):
        y = np.asarray(y)
        return np.ascontiguousarray(y.reshape(y.shape[0], -1), dtype=dtype)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Train the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Dense, or scipy.sparse CSR/CSC (the first layer is a sparse × dense product;
            X is never densified).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None
            Weights sᵢ ≥ 0 of the weighted mean loss (see Notes).
        X_val, y_val : array-like, default=None
            Validation data for early stopping, instead of a ``validation_fraction``
            split ("all data" for 'retrain' and 'continue' is then X with X_val).
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation loss.

        Returns
        -------
        self : MLPRegressor
        """
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)

    @available_if(_BaseMLP._check_partial_fit)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch on (X, y) from the current weights and optimizer state.

        scikit-learn's semantics: each call is one pass over the given data in
        minibatches (one step for 'gd'); the optimizer state (momentum, Adam moments)
        and the random streams carry over between calls, so k calls on the same data
        equal ``fit`` with ``max_iter=k`` (and no stopping rule). Not available for
        'lbfgs', nor with early stopping (a ValueError).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MLPRegressor
        """
        return self._partial_fit(X, y, sample_weight)

    def predict(self, X):
        """Predict with the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        F = self._network_output(X)
        return F[:, 0] if self._y_ndim == 1 else F

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class MLPClassifier(ClassifierMixin, _BaseMLP):
    __doc__ = f"""Multilayer perceptron classifier (softmax, cross-entropy), with the lecture's
    regularizers.

    The network of :class:`MLPRegressor` with a softmax output over the K classes (also
    for K = 2) trained on the cross-entropy −Σ_k y_k log p_k, plus label smoothing.

    Parameters
    ----------{_COMMON_PARAMS_DOC}
    label_smoothing : float, default=0.0
        α in [0, 1): train on smoothed targets 1 → 1 − α, 0 → α/(K − 1), the lecture's
        convention (:func:`skreg.noise.smooth_labels`). Keras and PyTorch spread α over
        all K classes instead; their α equals this one times K/(K − 1).
    class_weight : dict, 'balanced' or None, default=None
        Weight of each class, multiplying ``sample_weight`` (scikit-learn's
        definition): a dict {{label: weight}} (missing labels weigh 1), or 'balanced',
        n_samples / (n_classes · count of the class) computed on the y given to
        ``fit`` (not available in ``partial_fit``).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (strings or numbers).{_COMMON_ATTRS_DOC}

    See Also
    --------
    sklearn.neural_network.MLPClassifier : the same network and ``alpha`` scaling
        (scikit-learn uses one logistic output for two classes; here it is a 2-way
        softmax, the same model).
    MLPRegressor : squared-error output.

    Notes
    -----{_SCALING_NOTE}

    Label smoothing (lecture, "Label Smoothing") is output noise modelled explicitly:
    the cross-entropy against the smoothed target is minimized by p = smoothed target,
    so the predicted confidence stays near 1 − α instead of running to 1.
{_DROPOUT_NOTE}

    ``class_weight`` multiplies the sample weights, as scikit-learn's classifiers
    (``compute_sample_weight``): 'balanced' gives class k the weight n / (K·n_k).
    A y with a single class is fitted (it is always predicted), as scikit-learn.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skreg import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = MLPClassifier((16,), learning_rate_init=0.01, max_iter=300,
    ...                     label_smoothing=0.1, random_state=0).fit(X, y)
    >>> bool(clf.score(X, y) > 0.95), clf.predict_proba(X[:1]).shape
    (True, (1, 3))
    >>> setosa = clf.predict_proba(X[y == 0])[:, 0]   # easy class: confidence ≈ 1 − α
    >>> round(float(setosa.mean()), 2)
    0.9
    """

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    _output = "softmax"

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        penalty="l2",
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        shuffle=True,
        tol=1e-4,
        n_iter_no_change=10,
        max_fun=15000,
        momentum=0.9,
        weight_noise=0.0,
        input_noise=0.0,
        dropout=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=None,
        eval_every=1,
        min_delta=None,
        random_state=None,
        verbose=False,
        warm_start=False,
        label_smoothing=0.0,
        class_weight=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            penalty=penalty,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            max_iter=max_iter,
            shuffle=shuffle,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            momentum=momentum,
            weight_noise=weight_noise,
            input_noise=input_noise,
            dropout=dropout,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            patience=patience,
            eval_every=eval_every,
            min_delta=min_delta,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
        )
        self.label_smoothing = label_smoothing
        self.class_weight = class_weight

    def _validate_targets(self, X, y, reset, classes=None, incremental=False):
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=reset
        )
        if incremental:
            check_classification_targets(y)
            if reset:
                if classes is None:
                    raise ValueError("classes must be passed on the first call to partial_fit.")
                self.classes_ = np.unique(np.asarray(classes))
            elif classes is not None and not np.array_equal(
                np.unique(np.asarray(classes)), self.classes_
            ):
                raise ValueError(
                    f"`classes={list(np.unique(np.asarray(classes)))}` is not the same as on the "
                    f"first call to partial_fit, was: {list(self.classes_)}."
                )
            unseen = np.setdiff1d(np.unique(y), self.classes_)
            if unseen.size:
                raise ValueError(
                    f"y contains labels not in classes (given on the first call to "
                    f"partial_fit): {list(unseen)}."
                )
            return X, np.searchsorted(self.classes_, y).astype(np.intp), self.classes_.size
        if reset:
            check_classification_targets(y)
            classes, y_enc = np.unique(y, return_inverse=True)
            if (
                self.warm_start
                and hasattr(self, "classes_")
                and not np.array_equal(classes, self.classes_)
            ):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has {classes}"
                )
            self.classes_ = classes
        else:
            y_enc = np.searchsorted(self.classes_, y)
            y_enc = np.clip(y_enc, 0, self.classes_.size - 1)
            unknown = self.classes_[y_enc] != y
            if np.any(unknown):
                raise ValueError(
                    f"y_val contains labels not seen in y: {np.unique(np.asarray(y)[unknown])}."
                )
        return X, np.asarray(y_enc, dtype=np.intp).reshape(-1), self.classes_.size

    def _target_matrix(self, y, train, dtype):
        n_classes = self.classes_.size
        if n_classes == 1:  # a single class: p = 1 always, nothing to learn
            return np.ones((len(y), 1), dtype=dtype)
        alpha = float(self.label_smoothing) if train else 0.0
        Y = smooth_labels(np.asarray(y, dtype=np.intp), alpha, n_classes=n_classes)
        return np.ascontiguousarray(Y, dtype=dtype)

    def _sample_weight(self, sample_weight, X, y_enc, incremental=False):
        if self.class_weight is None:
            return _normalized_weights(sample_weight, X, X.dtype)
        if isinstance(self.class_weight, str) and incremental:
            raise ValueError(
                "class_weight='balanced' is not available in partial_fit (a chunk does "
                "not know the class frequencies): pass "
                "compute_class_weight('balanced', classes=classes, y=y) as a dict."
            )
        weights = (
            compute_class_weight(
                self.class_weight,
                classes=np.arange(self.classes_.size),
                y=np.asarray(y_enc),
            )
            if isinstance(self.class_weight, str)
            else np.array(
                [self.class_weight.get(c, 1.0) for c in self.classes_.tolist()], dtype=np.float64
            )
        )
        if isinstance(self.class_weight, dict):
            unknown = [k for k in self.class_weight if k not in set(self.classes_.tolist())]
            if unknown:
                raise ValueError(
                    f"class_weight has labels {unknown} that are not classes of y "
                    f"({list(self.classes_)})."
                )
        sw = (
            np.ones(X.shape[0], dtype=X.dtype)
            if sample_weight is None
            else check_sample_weight(sample_weight, X, dtype=X.dtype)
        )
        return _normalized_weights(sw * weights[np.asarray(y_enc)].astype(X.dtype), X, X.dtype)

    def _score_output(self, F, y_enc, sample_weight):
        return accuracy_score(np.asarray(y_enc), np.argmax(F, axis=1), sample_weight=sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Train the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Dense, or scipy.sparse CSR/CSC (never densified).
        y : array-like of shape (n_samples,)
            Class labels (strings or numbers).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights sᵢ ≥ 0 of the weighted mean loss (multiplied by ``class_weight``).
        X_val, y_val : array-like, default=None
            Validation data for early stopping, instead of a ``validation_fraction``
            split (labels must occur in y).
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation loss (multiplied by ``class_weight``).

        Returns
        -------
        self : MLPClassifier
        """
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)

    @available_if(_BaseMLP._check_partial_fit)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch on (X, y) from the current weights and optimizer state.

        scikit-learn's semantics: ``classes`` (every label the stream will contain) is
        required on the first call; each call is one pass over the given data; the
        optimizer state and random streams carry over, so k calls on the same data
        equal ``fit`` with ``max_iter=k``. Not available for 'lbfgs', nor with early
        stopping (a ValueError).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array-like of shape (n_classes,), default=None
            All class labels; required on the first call, may be omitted afterwards.

        Returns
        -------
        self : MLPClassifier
        """
        return self._partial_fit(X, y, sample_weight, classes)

    def predict_proba(self, X):
        """Class probabilities softmax(f(x)).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        return self._network_output(X)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Most probable class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
