"""Sufficient statistics of weighted least squares, merged chunk by chunk.

Ridge (and every spectral filter of least squares) only needs the weighted count W = Σw,
the means x̄, ȳ, and the centred scatter matrices

    S_xx = Σ wₖ (xₖ − x̄)(xₖ − x̄)ᵀ,   S_xy = Σ wₖ (xₖ − x̄)(yₖ − ȳ)ᵀ,   S_yy = Σ wₖ (yₖ − ȳ)²:

d² + O(d·t) numbers, whatever n is.  :class:`GramStats` computes them for one chunk by
centring the chunk at its own mean (no cancellation), and merges two chunks with the
pairwise update of Chan, Golub & LeVeque (1979):

    δ = x̄_B − x̄_A,   W = W_A + W_B,   x̄ = x̄_A + δ W_B / W,
    S = S_A + S_B + (W_A W_B / W) δ δᵀ,

which stays accurate when the data sit far from the origin (a mean of 1e8 loses nothing,
where the textbook Σxxᵀ − W x̄x̄ᵀ would lose 16 digits).  One more care: a mean near 1e8
is itself only representable to ±1.5e-8, and δ between two such means would carry that
error.  So every chunk is first shifted by one common reference row x₀ (the first row
seen) and the means are kept relative to it: δ is then exact to the digits of the data's
spread, not of its offset.  Chunks computed independently (Dask blocks) each take their
own first row; merging moves one onto the other's reference, and the difference of two
reference rows of similar magnitude is exact (Sterbenz), so nothing is lost either.
This is what makes
``partial_fit`` over a stream and the blockwise Dask fit equal to the in-memory fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

__all__ = ["GramStats"]


@dataclass(frozen=True)
class GramStats:
    """Weighted count, means and centred scatter matrices of (X, y).

    Attributes
    ----------
    weight_sum : float
        W = Σ wₖ (the number of samples for unit weights).
    n_samples : int
        Number of rows seen (zero-weight rows included).
    x_mean : ndarray of shape (n_features,)
        Weighted mean of X minus ``x_shift``.
    y_mean : ndarray of shape (n_targets,)
    Sxx : ndarray of shape (n_features, n_features)
    Sxy : ndarray of shape (n_features, n_targets)
    Syy : ndarray of shape (n_targets,)
    x_shift, y_shift : ndarrays
        The common reference point; ``x_mean`` and ``y_mean`` are x̄ − x_shift and
        ȳ − y_shift (see :meth:`means`).
    """

    weight_sum: float
    n_samples: int
    x_mean: np.ndarray
    y_mean: np.ndarray
    Sxx: np.ndarray
    Sxy: np.ndarray
    Syy: np.ndarray
    x_shift: np.ndarray = None
    y_shift: np.ndarray = None

    @classmethod
    def from_chunk(cls, X, y, sample_weight=None, shift=None, overwrite_X=False):
        """Statistics of one chunk, centred at the chunk's own weighted mean.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : ndarray of shape (n_samples,) or None
        shift : tuple (x_shift, y_shift) or None
            Common reference point of all chunks to be merged; None takes this chunk's
            first row.
        overwrite_X : bool, default=False
            Centre a float64 X in place instead of a copy (for a caller's own temporary,
            e.g. the rows a boolean mask selected).

        Returns
        -------
        GramStats

        Examples
        --------
        >>> import numpy as np
        >>> X = np.arange(12.0).reshape(6, 2); y = X.sum(1)
        >>> a = GramStats.from_chunk(X[:2], y[:2]).merge(GramStats.from_chunk(X[2:], y[2:]))
        >>> bool(np.allclose(a.Sxx, GramStats.from_chunk(X, y).Sxx))
        True
        """
        if sparse.issparse(X):
            return cls._from_sparse_chunk(X, y, sample_weight, shift)
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        y = y[:, None] if y.ndim == 1 else y
        n, d = X.shape
        if shift is None:
            shift = (X[0].copy(), y[0].copy()) if n else (np.zeros(d), np.zeros(y.shape[1]))
        x_shift, y_shift = (np.asarray(a, dtype=np.float64) for a in shift)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        W = float(n if w is None else w.sum())
        if W <= 0:
            return cls(
                0.0,
                n,
                np.zeros(d),
                np.zeros(y.shape[1]),
                np.zeros((d, d)),
                np.zeros((d, y.shape[1])),
                np.zeros(y.shape[1]),
                x_shift,
                y_shift,
            )
        if overwrite_X and X.flags.writeable:  # the caller's temporary: no second copy
            Xc = X
            Xc -= x_shift
        else:
            Xc = X - x_shift  # one copy of the chunk, centred in place below
        yc = y - y_shift
        x_mean = np.average(Xc, axis=0, weights=w)
        y_mean = np.average(yc, axis=0, weights=w)
        Xc -= x_mean
        yc -= y_mean
        Xw = Xc if w is None else Xc * w[:, None]
        return cls(
            weight_sum=W,
            n_samples=n,
            x_mean=x_mean,
            y_mean=y_mean,
            Sxx=Xw.T @ Xc,
            Sxy=Xw.T @ yc,
            Syy=np.einsum("ij,ij->j", yc if w is None else yc * w[:, None], yc),
            x_shift=x_shift,
            y_shift=y_shift,
        )

    @classmethod
    def _from_sparse_chunk(cls, X, y, sample_weight=None, shift=None):
        """:meth:`from_chunk` for a SciPy sparse chunk, never densified.

        The centred scatter matrices come from :class:`skreg._data._sparse.CenteredDesign`
        at the chunk's own weighted mean (sparse product plus rank-one correction);
        only the d×d result is dense.  A sparse stream takes the origin as its
        reference row (most entries are zero, so the means sit near it) unless a
        reference is given.
        """
        from .._config import fits_budget
        from ._centering import weighted_column_mean
        from ._sparse import CenteredDesign

        y = np.asarray(y, dtype=np.float64)
        y = y[:, None] if y.ndim == 1 else y
        n, d = X.shape
        if not fits_budget(d, d):
            raise ValueError(
                f"Gram statistics of sparse data accumulate a {d}x{d} matrix, beyond the "
                "memory budget (skreg.set_config(memory_budget=...)); use fit on all the data."
            )
        if shift is None:
            shift = (np.zeros(d), y[0].copy() if n else np.zeros(y.shape[1]))
        x_shift, y_shift = (np.asarray(a, dtype=np.float64) for a in shift)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        W = float(n if w is None else w.sum())
        if W <= 0:
            return cls(
                0.0,
                n,
                np.zeros(d),
                np.zeros(y.shape[1]),
                np.zeros((d, d)),
                np.zeros((d, y.shape[1])),
                np.zeros(y.shape[1]),
                x_shift,
                y_shift,
            )
        x_abs = weighted_column_mean(X, w)
        yc = y - y_shift
        y_mean = np.average(yc, axis=0, weights=w)
        yc -= y_mean
        sqrt_w = None if w is None else np.sqrt(w)
        design = CenteredDesign(X, x_abs, sqrt_w)
        yw = yc if w is None else yc * sqrt_w[:, None]
        return cls(
            weight_sum=W,
            n_samples=n,
            x_mean=x_abs - x_shift,
            y_mean=y_mean,
            Sxx=design.gram(),
            Sxy=design.rmatmat(yw),
            Syy=np.einsum("ij,ij->j", yw, yw),
            x_shift=x_shift,
            y_shift=y_shift,
        )

    def merge(self, other):
        """Statistics of the union of two chunks (Chan et al. pairwise update).

        Parameters
        ----------
        other : GramStats

        Returns
        -------
        GramStats
        """
        if not (
            np.array_equal(self.x_shift, other.x_shift)
            and np.array_equal(self.y_shift, other.y_shift)
        ):
            other = other.reshifted(self.x_shift, self.y_shift)
        if other.weight_sum == 0:
            return GramStats(
                self.weight_sum,
                self.n_samples + other.n_samples,
                self.x_mean,
                self.y_mean,
                self.Sxx,
                self.Sxy,
                self.Syy,
                self.x_shift,
                self.y_shift,
            )
        if self.weight_sum == 0:
            return other.merge(self)
        wa, wb = self.weight_sum, other.weight_sum
        W = wa + wb
        dx = other.x_mean - self.x_mean
        dy = other.y_mean - self.y_mean
        f = wa * wb / W
        return GramStats(
            weight_sum=W,
            n_samples=self.n_samples + other.n_samples,
            x_mean=self.x_mean + dx * (wb / W),
            y_mean=self.y_mean + dy * (wb / W),
            Sxx=self.Sxx + other.Sxx + f * np.outer(dx, dx),
            Sxy=self.Sxy + other.Sxy + f * np.outer(dx, dy),
            Syy=self.Syy + other.Syy + f * dy**2,
            x_shift=self.x_shift,
            y_shift=self.y_shift,
        )

    def subtract(self, other):
        """Statistics of these rows without the rows of ``other`` (the inverse of merge).

        ``other`` must describe a subset of the rows summarized here (a fold of the
        data, say).  With U = A ∪ B known and B removed, the pairwise update solved for A
        is

            W_A = W_U − W_B,   x̄_A = x̄_U + (x̄_U − x̄_B) W_B / W_A,
            S_A = S_U − S_B − (W_A W_B / W_U) δ δᵀ,   δ = x̄_B − x̄_A,

        with the means taken relative to this object's reference row (``other`` is
        moved onto it first, as in :meth:`merge`), so δ carries the digits of the
        data's spread, not of its offset.  The scatter matrices are symmetrized and the
        diagonal of S_yy clipped at 0; what remains is a difference of two PSD
        matrices, accurate to about eps·‖S_U‖, so the removed part should not dwarf
        the rest (a K-fold training set keeps (K−1)/K of the data).

        Parameters
        ----------
        other : GramStats

        Returns
        -------
        GramStats

        Raises
        ------
        ValueError
            If ``other`` weighs as much as everything (nothing would remain) or more.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.arange(12.0).reshape(6, 2) ** 1.5; y = X.sum(1)
        >>> rest = GramStats.from_chunk(X, y).subtract(GramStats.from_chunk(X[4:], y[4:]))
        >>> bool(np.allclose(rest.Sxx, GramStats.from_chunk(X[:4], y[:4]).Sxx))
        True
        """
        if not (
            np.array_equal(self.x_shift, other.x_shift)
            and np.array_equal(self.y_shift, other.y_shift)
        ):
            other = other.reshifted(self.x_shift, self.y_shift)
        n = self.n_samples - other.n_samples
        if other.weight_sum == 0:
            return GramStats(
                self.weight_sum,
                n,
                self.x_mean,
                self.y_mean,
                self.Sxx,
                self.Sxy,
                self.Syy,
                self.x_shift,
                self.y_shift,
            )
        W = self.weight_sum - other.weight_sum
        if not W > 1e-12 * self.weight_sum or n < 1:
            raise ValueError(
                f"cannot remove rows of total weight {other.weight_sum:g} from statistics "
                f"of total weight {self.weight_sum:g}: nothing would remain."
            )
        wb = other.weight_sum
        x_mean = self.x_mean + (self.x_mean - other.x_mean) * (wb / W)
        y_mean = self.y_mean + (self.y_mean - other.y_mean) * (wb / W)
        dx = other.x_mean - x_mean
        dy = other.y_mean - y_mean
        f = W * wb / self.weight_sum
        Sxx = self.Sxx - other.Sxx - f * np.outer(dx, dx)
        return GramStats(
            weight_sum=W,
            n_samples=n,
            x_mean=x_mean,
            y_mean=y_mean,
            Sxx=0.5 * (Sxx + Sxx.T),
            Sxy=self.Sxy - other.Sxy - f * np.outer(dx, dy),
            Syy=np.maximum(self.Syy - other.Syy - f * dy**2, 0.0),
            x_shift=self.x_shift,
            y_shift=self.y_shift,
        )

    def scatter_about(self, x_point, y_point):
        """Second moments about a given point instead of the means.

        Σ wₖ (xₖ − p)(xₖ − p)ᵀ = S_xx + W (x̄ − p)(x̄ − p)ᵀ, and likewise for (x, y) and
        y: what a model centred with *another* data set's means (p = its x̄, ȳ) sees on
        these rows, e.g. the validation rows of early stopping or a test fold.
        x̄ − p is formed as (x_shift − p) + x_mean, so a point near the reference row
        loses nothing to the data's offset.

        Parameters
        ----------
        x_point : ndarray of shape (n_features,)
        y_point : ndarray of shape (n_targets,)

        Returns
        -------
        Sxx, Sxy, Syy : ndarrays of shapes (d, d), (d, t), (t,)
        """
        dx = (self.x_shift - x_point) + self.x_mean
        dy = (self.y_shift - y_point) + self.y_mean
        W = self.weight_sum
        return (
            self.Sxx + W * np.outer(dx, dx),
            self.Sxy + W * np.outer(dx, dy),
            self.Syy + W * dy**2,
        )

    def rss(self, coefs, x_point, y_point):
        """Weighted residual sums of squares of linear models, from the moments alone.

        With the model centred at the point (p, q) (the training means, as a test fold or
        a validation set sees it), the residual of row k is rₖ = (xₖ − p)ᵀw − (yₖ − q), so

            Σ wₖ rₖ² = wᵀS_xx w − 2wᵀS_xy + S_yy     (moments about (p, q)),

        one quadratic form per model and target, no pass over the rows.  Clipped at 0
        (cancellation can leave −eps on an exact fit).

        Parameters
        ----------
        coefs : ndarray of shape (..., n_targets, n_features)
            Any stack of coefficient matrices (e.g. one per α).
        x_point : ndarray of shape (n_features,)
        y_point : ndarray of shape (n_targets,)

        Returns
        -------
        rss : ndarray of shape (..., n_targets)
        """
        Sxx, Sxy, Syy = self.scatter_about(x_point, y_point)
        ss = (
            np.einsum("...td,de,...te->...t", coefs, Sxx, coefs)
            - 2.0 * np.einsum("...td,dt->...t", coefs, Sxy)
            + Syy
        )
        return np.maximum(ss, 0.0)

    def reshifted(self, x_shift, y_shift):
        """The same statistics with means relative to another reference point."""
        return GramStats(
            self.weight_sum,
            self.n_samples,
            self.x_mean + (self.x_shift - x_shift),
            self.y_mean + (self.y_shift - y_shift),
            self.Sxx,
            self.Sxy,
            self.Syy,
            np.asarray(x_shift),
            np.asarray(y_shift),
        )

    def means(self):
        """The absolute weighted means (x̄, ȳ)."""
        return self.x_shift + self.x_mean, self.y_shift + self.y_mean

    def gram(self, fit_intercept=True):
        """(H, Xᵀy): centred when fitting an intercept, raw second moments otherwise."""
        if fit_intercept:
            return self.Sxx, self.Sxy
        W = self.weight_sum
        x_mean, y_mean = self.means()
        return (
            self.Sxx + W * np.outer(x_mean, x_mean),
            self.Sxy + W * np.outer(x_mean, y_mean),
        )
