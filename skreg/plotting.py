"""Display objects in scikit-learn's style for the lecture's three pictures.

=================================  ===========================================================
:class:`RegularizationPathDisplay`  coefficients ŵ(α) against the strength α (L2 or L1)
:class:`ShrinkageSpectrumDisplay`   the filter φᵢ = λᵢ/(λᵢ + α) against the eigenvalues λᵢ
:class:`EarlyStoppingCurveDisplay`  training and validation loss per step, i* marked
=================================  ===========================================================

Each one follows scikit-learn's Display API (``sklearn.metrics.RocCurveDisplay``):
``Display.from_estimator(fitted_estimator, ...)`` computes what to draw and plots it,
``Display(...)`` holds precomputed values, ``display.plot(ax=...)`` draws them, and the
drawn objects are kept as ``figure_``, ``ax_`` and ``lines_``.

matplotlib is an optional dependency (``pip install "skreg[plot]"``): it is imported
only when something is drawn, so ``import skreg`` never needs it.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "EarlyStoppingCurveDisplay",
    "RegularizationPathDisplay",
    "ShrinkageSpectrumDisplay",
]

_INSTALL_HINT = 'skreg\'s plotting needs matplotlib: pip install "skreg[plot]"'


def _pyplot():
    """Import matplotlib.pyplot lazily, with an install hint when it is missing."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised with matplotlib hidden
        raise ImportError(_INSTALL_HINT) from exc
    return plt


def save_figure(fig, path, *, tight_layout=False):
    """Write ``fig`` to ``path`` as a 90-dpi PNG, close it, and return the path.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or pathlib.Path
    tight_layout : bool, default=False
        Call ``fig.tight_layout()`` first.

    Returns
    -------
    pathlib.Path
    """
    from pathlib import Path

    if tight_layout:
        fig.tight_layout()
    fig.savefig(path, dpi=90)
    _pyplot().close(fig)
    return Path(path)


def _get_ax(ax):
    if ax is None:
        plt = _pyplot()
        _, ax = plt.subplots()
    else:
        _pyplot()
    return ax, ax.figure


def _check_length(name, values, expected, what):
    """ValueError unless ``values`` (None allowed) has one entry per ``what``."""
    if values is None:
        return
    if isinstance(values, str) or np.ndim(values) != 1:
        raise ValueError(f"{name} must be a list of {expected} names, one for each of the {what}.")
    if len(values) != expected:
        raise ValueError(f"{name} has {len(values)} entries but there are {expected} {what}.")


def _final_step(estimator):
    """The last step of a Pipeline (or the estimator itself)."""
    steps = getattr(estimator, "steps", None)
    return steps[-1][1] if steps else estimator


def _fitted(estimator, attribute, what):
    if not hasattr(estimator, attribute):
        raise ValueError(
            f"{type(estimator).__name__} has no attribute {attribute!r}: {what} needs a "
            "fitted estimator that provides it."
        )
    return getattr(estimator, attribute)


class RegularizationPathDisplay:
    """Regularization path: each coefficient ŵⱼ(α) against the strength α.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
        Strengths α > 0 (drawn on a log axis).
    coefs : array-like of shape (n_alphas, n_features)
        Coefficients at each α.
    feature_names : list of str or None, default=None
        Legend labels (shown for at most 12 features).
    chosen_alpha : float or None, default=None
        A strength to mark with a vertical line (e.g. the one chosen by cross-validation).
    estimator_name : str or None, default=None
        Used in the title.
    penalty : str or None, default=None
        'L2' or 'L1', used in the title.
    alpha_min : float or None, default=None
        The cross-validation minimum to mark (a CV estimator's ``alpha_min_``).
    alpha_1se : float or None, default=None
        The one-standard-error choice to mark (``alpha_1se_``).

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One line per coefficient.
    rule_lines_ : list of matplotlib Line2D
        The vertical lines at ``alpha_min`` and ``alpha_1se`` (those given).
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    sklearn.linear_model.lasso_path : the L1 path of scikit-learn.
    ShrinkageSpectrumDisplay : the same shrinkage seen in the eigenbasis.

    Notes
    -----
    For L2 each coefficient follows ŵ(α) = Σᵢ βᵢ/(λᵢ + α) uᵢ (smooth, reaching 0 only
    as α → ∞); for L1 coefficients leave the path one by one at exact zeros.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg.plotting import RegularizationPathDisplay
    >>> display = RegularizationPathDisplay(np.logspace(-2, 2, 5), np.ones((5, 3)))
    >>> display.coefs.shape
    (5, 3)
    """

    def __init__(self, alphas, coefs, *, feature_names=None, chosen_alpha=None, estimator_name=None, penalty=None,
                 alpha_min=None, alpha_1se=None):
        self.alphas = np.asarray(alphas, dtype=np.float64)
        self.coefs = np.asarray(coefs, dtype=np.float64)
        self.alpha_min = alpha_min
        self.alpha_1se = alpha_1se
        if self.alphas.ndim != 1 or self.coefs.ndim != 2 or len(self.alphas) != len(self.coefs):
            raise ValueError(
                f"coefs must have shape (n_alphas, n_features) with one row per alpha; got alphas "
                f"of shape {self.alphas.shape} and coefs of shape {self.coefs.shape}."
            )
        _check_length("feature_names", feature_names, self.coefs.shape[1], "coefficients (columns of coefs)")
        self.feature_names = feature_names
        self.chosen_alpha = chosen_alpha
        self.estimator_name = estimator_name
        self.penalty = penalty

    @classmethod
    def from_estimator(cls, estimator, alphas=None, *, feature_names=None, chosen_alpha=None, penalty=None, ax=None,
                       **kwargs):
        """Compute the path of a fitted estimator and plot it.

        Parameters
        ----------
        estimator : fitted estimator or Pipeline
            Its final step must have ``path(alphas)`` returning ``(coefs, intercepts)``
            (:class:`~skreg.RidgeEigen`, :class:`~skreg.SoftThresholdQuadratic`), or be
            a fitted CV estimator with ``coef_path_`` (:class:`~skreg.RidgeEigenCV`,
            :class:`~skreg.SoftThresholdQuadraticCV`): its stored path is drawn (no
            refit) and ``alpha_min_`` and ``alpha_1se_`` are marked.
        alphas : array-like or None, default=None
            None: the estimator's default grid when its ``path`` has one (a CV
            estimator's ``alphas_``), else ``np.logspace(-3, 3, 50)`` times the largest
            eigenvalue when known.  Given for a CV estimator: its ``path`` is not
            available, so a ValueError is raised.
        feature_names : list of str or None, default=None
            None uses ``feature_names_in_`` when present.
        chosen_alpha : float or None, default=None
            None marks the estimator's own ``alpha_`` or ``alpha``.
        penalty : str or None, default=None
        ax : matplotlib Axes or None, default=None
        **kwargs
            Passed to matplotlib's ``Axes.plot`` for every coefficient line.

        Returns
        -------
        RegularizationPathDisplay
        """
        _pyplot()
        model = _final_step(estimator)
        if hasattr(model, "coef_path_"):
            return cls._from_cv_estimator(estimator, model, alphas, feature_names, penalty, ax, kwargs)
        if not hasattr(model, "path"):
            raise TypeError(f"{type(model).__name__} has no path(alphas) method.")
        if alphas is None:
            if hasattr(model, "alpha_max_"):
                alphas = np.geomspace(model.alpha_max_, 1e-3 * model.alpha_max_, 60)
            elif hasattr(model, "eigenvalues_") and np.max(model.eigenvalues_) > 0:
                top = float(np.max(model.eigenvalues_))
                alphas = np.logspace(-6, 1, 60) * top
            else:
                alphas = np.logspace(-3, 3, 60)
        alphas = np.asarray(alphas, dtype=np.float64)
        coefs, _ = model.path(alphas)
        coefs = np.asarray(coefs)
        if coefs.ndim == 3:  # several targets: show the first
            coefs = coefs[:, 0, :]
        if feature_names is None and hasattr(estimator, "feature_names_in_"):
            feature_names = list(estimator.feature_names_in_)
        if chosen_alpha is None:
            chosen_alpha = getattr(model, "alpha_", getattr(model, "alpha", None))
        if penalty is None:
            penalty = "L1" if hasattr(model, "alpha_max_") else "L2"
        display = cls(
            alphas,
            coefs,
            feature_names=feature_names,
            chosen_alpha=chosen_alpha,
            estimator_name=type(model).__name__,
            penalty=penalty,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def _from_cv_estimator(cls, estimator, model, alphas, feature_names, penalty, ax, kwargs):
        """The stored ``coef_path_`` of a fitted CV estimator, both rules marked."""
        if alphas is not None:
            raise ValueError(
                f"{type(model).__name__} draws its stored path over alphas_ (coef_path_); "
                "alphas cannot be chosen. Refit with other alphas, or plot a single-α "
                "estimator's path(alphas)."
            )
        grid = np.asarray(model.path_summary_["alpha"], dtype=np.float64)
        coefs = np.asarray(model.coef_path_, dtype=np.float64)
        if coefs.ndim == 3:  # several targets: show the first
            coefs = coefs[0]
        if feature_names is None and hasattr(estimator, "feature_names_in_"):
            feature_names = list(estimator.feature_names_in_)
        alpha_min, alpha_1se = getattr(model, "alpha_min_", None), getattr(model, "alpha_1se_", None)
        display = cls(
            grid,
            coefs.T,
            feature_names=feature_names,
            estimator_name=type(model).__name__,
            penalty=penalty or ("L2" if "dof" in model.path_summary_ else "L1"),
            alpha_min=None if np.ndim(alpha_min) else alpha_min,
            alpha_1se=None if np.ndim(alpha_1se) else alpha_1se,
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, legend=True, **kwargs):
        """Draw the path.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            None creates a new figure.
        legend : bool, default=True
            Show feature names (at most 12).
        **kwargs
            Passed to matplotlib's ``Axes.plot`` for every coefficient line.

        Returns
        -------
        self : RegularizationPathDisplay
        """
        ax, fig = _get_ax(ax)
        n_features = self.coefs.shape[1]
        names = self.feature_names if self.feature_names is not None else [f"x{j}" for j in range(n_features)]
        self.lines_ = []
        for j in range(n_features):  # one line per coefficient
            (line,) = ax.plot(self.alphas, self.coefs[:, j], label=str(names[j]), **kwargs)
            self.lines_.append(line)
        ax.set_xscale("log")
        ax.axhline(0.0, color="0.6", lw=0.8)
        if self.chosen_alpha is not None and np.ndim(self.chosen_alpha) == 0 and self.chosen_alpha > 0:
            ax.axvline(float(self.chosen_alpha), color="k", ls="--", lw=1, label=f"α = {float(self.chosen_alpha):.3g}")
        self.rule_lines_ = []
        for value, name, style in ((getattr(self, "alpha_min", None), "α_min", "--"),
                                   (getattr(self, "alpha_1se", None), "α_1se", ":")):
            if value is not None and value > 0:
                self.rule_lines_.append(ax.axvline(float(value), color="k", ls=style, lw=1,
                                                   label=f"{name} = {float(value):.3g}"))
        ax.set_xlabel("α (strength)")
        ax.set_ylabel("coefficient")
        title = f"{self.penalty} path" if self.penalty else "regularization path"
        if self.estimator_name:
            title += f" ({self.estimator_name})"
        ax.set_title(title)
        if legend and n_features <= 12:
            ax.legend(fontsize="x-small", ncol=2)
        self.ax_, self.figure_ = ax, fig
        return self


class ShrinkageSpectrumDisplay:
    """Shrinkage spectrum: the factor φᵢ = λᵢ/(λᵢ + α) of each eigen-direction of H.

    Parameters
    ----------
    eigenvalues : array-like of shape (r,)
        λᵢ of H = XᵀX (nonzero ones are drawn, on a log axis).
    alphas : array-like of shape (m,)
        Strengths, one curve each. An entry may itself be an array of shape (r,):
        one α per direction (early stopping's equivalent α).
    labels : list of str or None, default=None
        One label per curve.

    Attributes
    ----------
    shrinkage : ndarray of shape (m, r)
        φ for each strength and direction.
    lines_ : list of matplotlib Line2D
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    RegularizationPathDisplay : the same shrinkage seen on the coefficients.

    Notes
    -----
    The lecture's effect of L2: if λᵢ ≫ α then φᵢ ≈ 1 (the direction is kept), if
    λᵢ ≪ α then φᵢ ≈ 0 (the data's influence there is removed). Σᵢ φᵢ is the effective
    number of degrees of freedom.

    Examples
    --------
    >>> from skreg.plotting import ShrinkageSpectrumDisplay
    >>> display = ShrinkageSpectrumDisplay([4.0, 1.0], [1.0])
    >>> display.shrinkage
    array([[0.8, 0.5]])
    """

    def __init__(self, eigenvalues, alphas, *, labels=None):
        self.eigenvalues = np.asarray(eigenvalues, dtype=np.float64)
        if isinstance(alphas, (list, tuple)):
            self.alphas = list(alphas)
        else:
            self.alphas = list(np.atleast_1d(np.asarray(alphas, dtype=np.float64)))
        _check_length("labels", labels, len(self.alphas), "curves (entries of alphas)")
        self.labels = labels
        lam = self.eigenvalues
        rows = []
        for a in self.alphas:  # a few curves
            a = np.broadcast_to(np.asarray(a, dtype=np.float64), lam.shape)
            denom = lam + a
            rows.append(np.divide(lam, denom, out=np.zeros_like(lam), where=denom > 0))
        self.shrinkage = np.array(rows)

    @classmethod
    def from_estimator(cls, estimator, alphas=None, *, labels=None, ax=None):
        """Plot the shrinkage of a fitted estimator that exposes ``eigenvalues_``.

        Parameters
        ----------
        estimator : fitted estimator or Pipeline
            Final step with ``eigenvalues_`` (:class:`~skreg.RidgeEigen`,
            :class:`~skreg.RidgeEigenCV`, :class:`~skreg.EarlyStoppedGD`).
        alphas : array-like or None, default=None
            None: the estimator's own strength: ``alpha_``, ``equivalent_alpha_`` or
            ``alpha``.
        labels : list of str or None, default=None
        ax : matplotlib Axes or None, default=None

        Returns
        -------
        ShrinkageSpectrumDisplay
        """
        _pyplot()
        model = _final_step(estimator)
        eigenvalues = _fitted(model, "eigenvalues_", "ShrinkageSpectrumDisplay")
        if alphas is None:
            for name in ("alpha_", "equivalent_alpha_", "alpha"):
                if hasattr(model, name):
                    alphas = [getattr(model, name)]
                    if labels is None:
                        value = np.asarray(alphas[0])
                        labels = [f"{name} = {float(value):.3g}" if value.ndim == 0 else name]
                    break
            else:
                raise ValueError(f"{type(model).__name__} has no strength; pass alphas.")
        display = cls(eigenvalues, alphas, labels=labels)
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw φᵢ against λᵢ, one curve per strength.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None

        Returns
        -------
        self : ShrinkageSpectrumDisplay
        """
        ax, fig = _get_ax(ax)
        keep = self.eigenvalues > 0
        order = np.argsort(self.eigenvalues[keep])
        lam = self.eigenvalues[keep][order]
        self.lines_ = []
        for k, phi in enumerate(self.shrinkage):
            label = self.labels[k] if self.labels is not None else None
            if label is None:
                a = np.asarray(self.alphas[k])
                label = f"α = {float(a):.3g}" if a.ndim == 0 else "per-direction α"
            (line,) = ax.plot(lam, phi[keep][order], marker="o", ms=4, label=label)
            self.lines_.append(line)
        ax.set_xscale("log")
        ax.set_ylim(-0.03, 1.05)
        ax.set_xlabel("eigenvalue λᵢ of H = XᵀX")
        ax.set_ylabel("shrinkage λᵢ / (λᵢ + α)")
        ax.set_title("shrinkage spectrum")
        ax.legend(fontsize="small")
        self.ax_, self.figure_ = ax, fig
        return self


class EarlyStoppingCurveDisplay:
    """Training and validation loss along the iterations, with i* marked.

    Parameters
    ----------
    history : dict of str to ndarray or pandas.DataFrame
        Columns ``step``, ``train_loss``, ``val_loss`` and optionally ``phase``
        (the ``history_`` of :class:`~skreg.EarlyStoppedGD` or the MLPs).
    best_iter : int or None, default=None
        i*, the step with the best validation loss.
    estimator_name : str or None, default=None

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        Training and validation lines.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : loss against the training-set size.

    Notes
    -----
    Algorithm 7.1 evaluates the validation loss every n steps and returns the parameters
    θ* of the best evaluation, at step i*; the training loss keeps decreasing after i*
    while the validation loss stays level or rises.

    Examples
    --------
    >>> import pandas as pd
    >>> from skreg.plotting import EarlyStoppingCurveDisplay
    >>> history = pd.DataFrame({"step": [1, 2, 3], "train_loss": [3.0, 2.0, 1.0],
    ...                         "val_loss": [3.0, 2.5, 2.7]})
    >>> EarlyStoppingCurveDisplay(history, best_iter=2).best_iter
    2
    """

    def __init__(self, history, *, best_iter=None, estimator_name=None):
        self.history = history
        self.best_iter = best_iter
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Plot the ``history_`` and ``best_iter_`` of a fitted early-stopped estimator.

        Parameters
        ----------
        estimator : fitted estimator or Pipeline
            Final step with ``history_`` (and ``best_iter_``).
        ax : matplotlib Axes or None, default=None

        Returns
        -------
        EarlyStoppingCurveDisplay
        """
        _pyplot()
        model = _final_step(estimator)
        history = _fitted(model, "history_", "EarlyStoppingCurveDisplay")
        display = cls(history, best_iter=getattr(model, "best_iter_", None), estimator_name=type(model).__name__)
        return display.plot(ax=ax)

    def plot(self, ax=None, *, log_y=True):
        """Draw both losses against the step.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
        log_y : bool, default=True
            Logarithmic loss axis.

        Returns
        -------
        self : EarlyStoppingCurveDisplay
        """
        ax, fig = _get_ax(ax)
        h = self.history
        step = np.asarray(h["step"], dtype=np.float64)
        self.lines_ = []
        validated = False
        for column, label in (("train_loss", "training loss"), ("val_loss", "validation loss")):
            if column in h:
                values = np.asarray(h[column], dtype=np.float64)
                mask = np.isfinite(values)
                if not mask.any():  # no validation curve (e.g. an MLP without early stopping)
                    continue
                validated |= column == "val_loss"
                (line,) = ax.plot(step[mask], values[mask], label=label)
                self.lines_.append(line)
        phases = np.asarray(h["phase"]) if "phase" in h else np.zeros(0)
        for k in np.flatnonzero(phases[1:] != phases[:-1]):
            ax.axvline(step[k + 1], color="0.7", ls=":", lw=1)
        if self.best_iter is not None and validated:  # i* is a validation optimum
            ax.axvline(float(self.best_iter), color="k", ls="--", lw=1, label=f"i* = {int(self.best_iter)}")
        if log_y:
            ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
        title = "early stopping"
        if self.estimator_name:
            title += f" ({self.estimator_name})"
        ax.set_title(title)
        ax.legend(fontsize="small")
        self.ax_, self.figure_ = ax, fig
        return self


class CVCurveDisplay:
    """Cross-validation curve of an L1 path: mean test error ± one standard error vs α.

    The picture of glmnet's ``plot(cv.glmnet)``: the mean CV error of every α with
    error bars of one standard error, a vertical line at the α of least error
    (``alpha_min_``) and one at the largest α within one standard error of it
    (``alpha_1se_``), and the number of nonzero coefficients along the top axis.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
        Strengths α > 0 (drawn on a log axis).
    mean_test_mse : array-like of shape (n_alphas,)
    sem_test_mse : array-like of shape (n_alphas,)
        Standard error of the mean over folds.
    alpha_min : float or None, default=None
    alpha_1se : float or None, default=None
    n_nonzero : array-like of shape (n_alphas,) or None, default=None
        Nonzero coefficients at each α (top axis).
    estimator_name : str or None, default=None
    labels : list of str or None, default=None
        One legend label per curve when ``alphas``, ``mean_test_mse`` and
        ``sem_test_mse`` have shape (n_curves, n_alphas).
    yscale : {'linear', 'log'}, default='linear'
        Scale of the error axis ('log' for wide data, where the errors at large α
        dwarf the minimum).
    ylim : (float, float) or None, default=None
        Limits of the error axis.

    Attributes
    ----------
    errorbar_ : matplotlib ErrorbarContainer
        The (first) mean error curve with its error bars.
    errorbars_ : list of matplotlib ErrorbarContainer
        One per curve (one per l1_ratio of an elastic-net CV).
    lines_ : list of matplotlib Line2D
        The vertical lines at ``alpha_min`` and ``alpha_1se`` (those given).
    ax_ : matplotlib Axes
    ax_top_ : matplotlib Axes or None
        The twin axis carrying the nonzero counts (None without ``n_nonzero``).
    figure_ : matplotlib Figure

    See Also
    --------
    skreg.SoftThresholdQuadraticCV : computes what this display draws.
    sklearn.model_selection.ValidationCurveDisplay : scores against one parameter.

    Notes
    -----
    With fold errors e_k(α), k = 1..K, the curve is ē(α) = (1/K) Σₖ e_k(α) and the bars
    are ē(α) ± SE(α), SE = sqrt(Σₖ (e_k − ē)² / (K(K − 1))).  The one-standard-error
    rule picks α_1se = max{α : ē(α) ≤ ē(α_min) + SE(α_min)}: the sparsest model whose
    error cannot be told apart from the best one's.

    Examples
    --------
    >>> from skreg.plotting import CVCurveDisplay
    >>> display = CVCurveDisplay([10.0, 1.0, 0.1], [3.0, 1.0, 1.2], [0.2, 0.3, 0.3],
    ...                          alpha_min=1.0, alpha_1se=1.0)
    >>> display.mean_test_mse.tolist()
    [3.0, 1.0, 1.2]
    """

    def __init__(self, alphas, mean_test_mse, sem_test_mse, *, alpha_min=None, alpha_1se=None,
                 n_nonzero=None, estimator_name=None, labels=None, yscale="linear", ylim=None):
        self.yscale = yscale
        self.ylim = ylim
        self.alphas = np.asarray(alphas, dtype=np.float64)
        self.mean_test_mse = np.asarray(mean_test_mse, dtype=np.float64)
        self.sem_test_mse = np.asarray(sem_test_mse, dtype=np.float64)
        self.alpha_min = alpha_min
        self.alpha_1se = alpha_1se
        self.n_nonzero = None if n_nonzero is None else np.asarray(n_nonzero)
        self.estimator_name = estimator_name
        self.labels = labels

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, yscale="linear", ylim=None, **kwargs):
        """Plot the CV curve of a fitted :class:`~skreg.SoftThresholdQuadraticCV` or
        :class:`~skreg.RidgeEigenCV`.

        Parameters
        ----------
        estimator : fitted estimator or Pipeline
            Final step with ``cv_results_`` (``alpha``, ``mean_test_mse``,
            ``sem_test_mse``, optionally ``n_nonzero`` and ``l1_ratio``: one curve per
            l1_ratio, at the chosen ``gamma_``), ``alpha_min_`` and ``alpha_1se_``; or a
            fitted ``RidgeEigenCV``: K-fold (its ``mse_path_``) or leave-one-out (the
            mean and standard error of the n per-sample squared errors, kept by ``fit``
            when ``scoring=None``).
        ax : matplotlib Axes or None, default=None
        yscale : {'linear', 'log'}, default='linear'
            Scale of the error axis ('log' for wide data, where the errors at large α
            dwarf the minimum).
        ylim : (float, float) or None, default=None
            Limits of the error axis.
        **kwargs
            Passed to matplotlib's ``Axes.errorbar`` for every curve.

        Returns
        -------
        CVCurveDisplay
        """
        _pyplot()
        model = _final_step(estimator)
        if hasattr(model, "path_summary_") and "dof" in model.path_summary_:
            return cls._from_ridge_cv(model, ax, yscale, ylim, kwargs)
        results = _fitted(model, "cv_results_", "CVCurveDisplay")
        if not isinstance(results, dict) or not {"alpha", "mean_test_mse", "sem_test_mse"} <= set(results):
            raise ValueError(
                f"{type(model).__name__}.cv_results_ has no 'alpha', 'mean_test_mse' and "
                "'sem_test_mse': CVCurveDisplay needs a SoftThresholdQuadraticCV or RidgeEigenCV."
            )
        rows = np.ones(len(results["alpha"]), dtype=bool)
        if "gamma" in results:  # the chosen relaxation only
            rows &= np.asarray(results["gamma"]) == getattr(model, "gamma_", 1.0)
        ratios = np.asarray(results["l1_ratio"])[rows] if "l1_ratio" in results else np.zeros(rows.sum())
        values = np.unique(ratios)
        pick = [rows.nonzero()[0][ratios == r] for r in values]
        stack = lambda key: np.array([np.asarray(results[key])[i] for i in pick])  # noqa: E731
        chosen = pick[int(np.flatnonzero(values == getattr(model, "l1_ratio_", values[0]))[0])]
        display = cls(
            stack("alpha") if len(pick) > 1 else np.asarray(results["alpha"])[chosen],
            stack("mean_test_mse") if len(pick) > 1 else np.asarray(results["mean_test_mse"])[chosen],
            stack("sem_test_mse") if len(pick) > 1 else np.asarray(results["sem_test_mse"])[chosen],
            alpha_min=getattr(model, "alpha_min_", None),
            alpha_1se=getattr(model, "alpha_1se_", None),
            n_nonzero=None if len(pick) > 1 or "n_nonzero" not in results else np.asarray(results["n_nonzero"])[chosen],
            estimator_name=type(model).__name__,
            labels=[f"l1_ratio = {r:g}" for r in values] if len(pick) > 1 else None,
            yscale=yscale,
            ylim=ylim,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def _from_ridge_cv(cls, model, ax, yscale, ylim, kwargs):
        """RidgeEigenCV: the K-fold mse_path_, or the leave-one-out per-sample errors."""
        if hasattr(model, "mse_path_"):
            mse = np.asarray(model.mse_path_, dtype=np.float64)
            k = mse.shape[1]
            mean = mse.mean(axis=1)
            sem = mse.std(axis=1, ddof=1) / np.sqrt(k) if k > 1 else np.zeros_like(mean)
        elif getattr(model, "_loo_curve", None) is not None:
            mean, sem = model._loo_curve
        else:
            raise ValueError(
                "CVCurveDisplay needs RidgeEigenCV fitted with cv=K, or with cv=None and "
                "scoring=None (leave-one-out squared errors), and one alpha for all targets."
            )
        alpha_min, alpha_1se = getattr(model, "alpha_min_", None), getattr(model, "alpha_1se_", None)
        display = cls(
            model.alphas_, mean, sem,
            alpha_min=None if np.ndim(alpha_min) else alpha_min,
            alpha_1se=None if np.ndim(alpha_1se) else alpha_1se,
            estimator_name=type(model).__name__,
            yscale=yscale,
            ylim=ylim,
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, n_top_ticks=8, **kwargs):
        """Draw the curve(s), the error bars, both rules and the nonzero counts.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
        n_top_ticks : int, default=8
            How many nonzero counts to write along the top axis.
        **kwargs
            Passed to matplotlib's ``Axes.errorbar`` for every curve.

        Returns
        -------
        self : CVCurveDisplay
        """
        ax, fig = _get_ax(ax)
        all_alphas = np.atleast_2d(self.alphas)
        means, sems = np.atleast_2d(self.mean_test_mse), np.atleast_2d(self.sem_test_mse)
        labels = self.labels or ["mean CV error ± 1 SE"]
        self.errorbars_ = []
        for i in range(all_alphas.shape[0]):
            keep = all_alphas[i] > 0  # a log axis cannot show α = 0
            style = {"fmt": "o", "ms": 3, "ecolor": "0.6", "elinewidth": 1, "capsize": 2,
                     "label": labels[i]}
            if all_alphas.shape[0] == 1:
                style["color"] = "tab:red"
            style.update(kwargs)
            self.errorbars_.append(ax.errorbar(all_alphas[i][keep], means[i][keep], yerr=sems[i][keep],
                                               **style))
        self.errorbar_ = self.errorbars_[0]
        alphas = all_alphas[0][all_alphas[0] > 0]
        ax.set_xscale("log")
        ax.set_yscale(self.yscale)
        if self.ylim is not None:
            ax.set_ylim(*self.ylim)
        self.lines_ = []
        for value, name, style in ((self.alpha_min, "α_min", "--"), (self.alpha_1se, "α_1se", ":")):
            if value is not None and value > 0:
                line = ax.axvline(float(value), color="k", ls=style, lw=1, label=f"{name} = {float(value):.3g}")
                self.lines_.append(line)
        ax.set_xlabel("α (strength)")
        ax.set_ylabel("mean squared error")
        title = "cross-validation curve"
        if self.estimator_name:
            title += f" ({self.estimator_name})"
        self.ax_top_ = None
        if self.n_nonzero is not None and alphas.size:
            keep = all_alphas[0] > 0
            top = ax.twiny()
            top.set_xscale("log")
            top.set_xlim(ax.get_xlim())
            idx = np.unique(np.linspace(0, alphas.size - 1, min(n_top_ticks, alphas.size)).round().astype(int))
            top.set_xticks(alphas[idx])
            top.set_xticklabels([str(int(k)) for k in self.n_nonzero[keep][idx]], fontsize="small")
            top.minorticks_off()
            top.set_xlabel("nonzero coefficients")
            top.set_title(title)  # above the top axis' labels
            self.ax_top_ = top
        else:
            ax.set_title(title)
        ax.legend(fontsize="small")
        self.ax_, self.figure_ = ax, fig
        return self


__all__.append("CVCurveDisplay")  # appended here, not in the list at the top (shared file)
