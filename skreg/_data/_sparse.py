"""Sparse and wide designs without densifying: implicit centring and a memory budget.

The intercept is never penalized, so every linear method works on the weighted,
centred design

    X_w = √W (X − 1 x̄ᵀ),      x̄ = XᵀW1 / Σw   (x̄ = 0 without intercept).

For a sparse X the centred matrix is dense, so it is never formed: :class:`CenteredDesign`
applies it and its transpose through sparse products and a rank-one correction (what
scikit-learn calls X_offset), and builds the two small matrices the spectral core
decomposes:

    Gram    X_wᵀX_w = XᵀWX − c x̄ᵀ − x̄ cᵀ + (Σw) x̄ x̄ᵀ,       c = XᵀW1     (d × d)
    kernel  X_wX_wᵀ = √W (XXᵀ − (Xx̄)1ᵀ − 1(Xx̄)ᵀ + ‖x̄‖² 11ᵀ) √W            (n × n)

Sample weights scale a copy of the nonzero *values* only (the index arrays are
shared), never a copy of X's structure.  The memory budget (:func:`skreg.get_config`) is the
largest dense Gram or kernel matrix an estimator forms on its own; beyond it the Krylov solvers take
over (``RidgeEigen(solver='lanczos')``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import LinearOperator

from .._config import exact_max_side_sparse, fits_budget

__all__ = [
    "CenteredDesign",
    "centered_column_sq_norms",
    "centered_columns_times",
    "centered_gram_block",
    "dense_result",
    "exact_decomposition_by_default",
    "is_sparse",
    "as_float64",
    "row_scaled",
    "sparse_signature_arrays",
]

def exact_decomposition_by_default(shape, sparse_input):
    """Whether ``solver='auto'`` decomposes the min(n, d)² Gram or kernel matrix exactly.

    Dense X: when that matrix fits the memory budget (:func:`skreg.get_config`).  Sparse
    X: also min(n, d) ≤ ``exact_max_side_sparse`` (both read at call time).
    """
    side = min(shape)
    if not fits_budget(side, side):
        return False
    return not sparse_input or side <= exact_max_side_sparse()


def is_sparse(X):
    """True for a SciPy sparse matrix or sparse array (CSR, CSC, ...)."""
    return sparse.issparse(X)


def as_float64(X):
    """X with float64 values: X itself when it already is, else a cast.

    For a sparse X only the values are cast (the index arrays are shared), so the sparse
    products that follow run in float64 without an upcast at every call.
    """
    if is_sparse(X):
        if X.dtype == np.float64:
            return X
        X = X.tocsr() if X.format not in ("csr", "csc") else X
        cls = sparse.csr_matrix if X.format == "csr" else sparse.csc_matrix
        return cls((X.data.astype(np.float64), X.indices, X.indptr), shape=X.shape)
    return np.asarray(X, dtype=np.float64)


def sparse_signature_arrays(X):
    """The arrays that determine a sparse matrix (for cache keys): values and structure."""
    X = X.tocsr() if X.format not in ("csr", "csc") else X
    fmt = np.frombuffer(X.format.encode(), dtype=np.uint8)
    return (fmt, np.asarray(X.shape), X.data, X.indices, X.indptr)


def row_scaled(X, scale):
    """``diag(scale) X`` for a sparse X, sharing X's index arrays (values copied once).

    Parameters
    ----------
    X : sparse matrix or array of shape (n_samples, n_features)
    scale : ndarray of shape (n_samples,)

    Returns
    -------
    CSR sparse matrix of shape (n_samples, n_features)
    """
    X = X.tocsr() if X.format != "csr" else X
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    return sparse.csr_matrix((X.data * scale[rows], X.indices, X.indptr), shape=X.shape)


def dense_result(M):
    """A small product matrix (Gram, kernel, block) as a new float64 ndarray.

    Sparse products come back sparse; they are scattered into a dense array here, so
    the only ``toarray`` calls in skreg are on matrices skreg computed itself (a test
    can forbid densifying the user's X outright).
    """
    if not is_sparse(M):
        return np.array(M, dtype=np.float64)
    coo = M.tocoo()
    out = np.zeros(M.shape, dtype=np.float64)
    np.add.at(out, (coo.row, coo.col), coo.data)
    return out


class CenteredDesign:
    """The implicit weighted, centred design X_w = √W (X − 1 x̄ᵀ).

    Parameters
    ----------
    X : sparse matrix or ndarray of shape (n_samples, n_features)
        Never copied, never densified.
    X_offset : ndarray of shape (n_features,)
        x̄ (zeros without intercept).
    sqrt_sw : ndarray of shape (n_samples,) or None
        √w, or None for unit weights.

    Notes
    -----
    ``matmat(V) = √W (XV − 1 (x̄ᵀV))`` and ``rmatmat(U) = Xᵀ(√W U) − x̄ (√wᵀU)``: one
    sparse product each plus a rank-one correction, so the cost is O(nnz(X)·k) for k
    vectors.  :meth:`as_operator` wraps them for ``scipy.sparse.linalg``.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> from skreg._data._sparse import CenteredDesign
    >>> X = sparse.random(6, 4, density=0.5, random_state=0, format="csr")
    >>> design = CenteredDesign(X, np.asarray(X.mean(axis=0)).ravel())
    >>> Xc = X.toarray() - X.toarray().mean(axis=0)
    >>> bool(np.allclose(design.gram(), Xc.T @ Xc) and np.allclose(design.kernel(), Xc @ Xc.T))
    True
    """

    def __init__(self, X, X_offset, sqrt_sw=None):
        self.X = as_float64(X)  # float32/int values cast once, not at every product
        self.X_offset = np.asarray(X_offset, dtype=np.float64)
        self.sqrt_sw = None if sqrt_sw is None else np.asarray(sqrt_sw, dtype=np.float64)
        self.shape = X.shape
        self._centred = bool(np.any(self.X_offset))

    # ---------------------------------------------------------------- products
    def matmat(self, V):
        """X_w V for V of shape (n_features,) or (n_features, k)."""
        V = np.asarray(V, dtype=np.float64)
        out = np.asarray(self.X @ V, dtype=np.float64)
        if self._centred:
            out = out - (self.X_offset @ V)
        if self.sqrt_sw is not None:
            out = out * (self.sqrt_sw if out.ndim == 1 else self.sqrt_sw[:, None])
        return out

    def rmatmat(self, U):
        """X_wᵀ U for U of shape (n_samples,) or (n_samples, k)."""
        U = np.asarray(U, dtype=np.float64)
        if self.sqrt_sw is not None:
            U = U * (self.sqrt_sw if U.ndim == 1 else self.sqrt_sw[:, None])
        out = np.asarray(self.X.T @ U, dtype=np.float64)
        if self._centred:
            out = out - np.multiply.outer(self.X_offset, U.sum(axis=0))  # U is √W U here
        return out

    def as_operator(self):
        """A :class:`scipy.sparse.linalg.LinearOperator` applying X_w (and X_wᵀ)."""
        return LinearOperator(
            self.shape,
            matvec=self.matmat,
            rmatvec=self.rmatmat,
            matmat=self.matmat,
            rmatmat=self.rmatmat,
            dtype=np.float64,
        )

    # ---------------------------------------------------------- small matrices
    def _weighted_X(self):
        if self.sqrt_sw is None:
            return self.X
        if is_sparse(self.X):
            return row_scaled(self.X, self.sqrt_sw)
        return self.X * self.sqrt_sw[:, None]

    def gram(self):
        """The centred Gram matrix X_wᵀX_w, dense (n_features, n_features)."""
        Xs = self._weighted_X()
        G = _dense_product(Xs.T, Xs) if is_sparse(Xs) else np.array(Xs.T @ Xs, dtype=np.float64)
        if self._centred:
            s = self.sqrt_sw
            c = np.asarray(Xs.T @ (np.ones(self.shape[0]) if s is None else s)).reshape(-1)
            total = float(self.shape[0] if s is None else s @ s)
            m = self.X_offset
            G -= np.outer(c, m)
            G -= np.outer(m, c)
            G += total * np.outer(m, m)
        return G

    def kernel(self):
        """The centred kernel matrix X_wX_wᵀ, dense (n_samples, n_samples)."""
        Xs = self._weighted_X()
        K = _dense_product(Xs, Xs.T) if is_sparse(Xs) else np.array(Xs @ Xs.T, dtype=np.float64)
        if self._centred:
            s = np.ones(self.shape[0]) if self.sqrt_sw is None else self.sqrt_sw
            m = self.X_offset
            a = np.asarray(Xs @ m).reshape(-1)  # √W X x̄
            K -= np.outer(a, s)
            K -= np.outer(s, a)
            K += float(m @ m) * np.outer(s, s)
        return K


# ------------------------------------------------------------- column blocks
# Functions over a CenteredDesign used by the L1 solver (skreg._l1), which needs the
# Gram matrix only for a few columns at a time.  They slice columns of design.X: pass
# a CSC matrix (or a dense array) for cheap slices.


def _col_slice(X, cols):
    return X if cols is None else X[:, cols]


def centered_gram_block(design, rows, cols):
    """A block X_w[:, rows]ᵀ X_w[:, cols] of the centred Gram matrix, from those columns only.

    With X_w = √W(X − 1x̄ᵀ) and c = XᵀW1,

        X_w[:, A]ᵀX_w[:, B] = X_AᵀWX_B − c_A x̄_Bᵀ − x̄_A c_Bᵀ + (Σw) x̄_A x̄_Bᵀ,

    one sparse product of the two column blocks plus rank-one corrections.

    Parameters
    ----------
    design : CenteredDesign
        Its ``X`` should be CSC (or dense) so that column slices are cheap.
    rows, cols : ndarray of int or None
        Column indices of X (None: all columns).

    Returns
    -------
    ndarray of shape (len(rows), len(cols))
    """
    XA, XB = _col_slice(design.X, rows), _col_slice(design.X, cols)
    n = design.shape[0]
    w = None if design.sqrt_sw is None else design.sqrt_sw**2
    if is_sparse(design.X):
        XBw = XB if w is None else XB.multiply(w[:, None])
        P = XA.T @ XBw
        P = dense_result(P)
    else:
        P = XA.T @ (XB if w is None else XB * w[:, None])
    P = np.asarray(P, dtype=np.float64)
    if design._centred:
        ones = np.ones(n) if w is None else w
        cA = np.asarray(XA.T @ ones, dtype=np.float64).reshape(-1)
        cB = np.asarray(XB.T @ ones, dtype=np.float64).reshape(-1)
        mA, mB = _col_slice_vec(design.X_offset, rows), _col_slice_vec(design.X_offset, cols)
        total = float(ones.sum())
        P -= np.outer(cA, mB)
        P -= np.outer(mA, cB)
        P += total * np.outer(mA, mB)
    return P


def _col_slice_vec(v, cols):
    return v if cols is None else v[cols]


def centered_columns_times(design, cols, v):
    """X_w[:, cols] v = √W(X[:, cols] v − 1 (x̄_colsᵀv)), without forming X_w.

    Parameters
    ----------
    design : CenteredDesign
    cols : ndarray of int
    v : ndarray of shape (len(cols),)

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    v = np.asarray(v, dtype=np.float64)
    out = np.asarray(design.X[:, cols] @ v, dtype=np.float64).reshape(-1)
    if design._centred:
        out = out - float(design.X_offset[cols] @ v)
    if design.sqrt_sw is not None:
        out = out * design.sqrt_sw
    return out


def centered_column_sq_norms(design):
    """‖X_w[:, j]‖² for every column: Σᵢ wᵢxᵢⱼ² − 2x̄ⱼcⱼ + (Σw)x̄ⱼ², c = XᵀW1.

    Parameters
    ----------
    design : CenteredDesign

    Returns
    -------
    ndarray of shape (n_features,)
    """
    X = design.X
    n = design.shape[0]
    w = np.ones(n) if design.sqrt_sw is None else design.sqrt_sw**2
    if is_sparse(X) and X.format == "csc":  # one temporary of nnz values, no index copy
        vals = np.square(X.data, dtype=np.float64)
        if design.sqrt_sw is not None:
            vals *= w[X.indices]
        sq = np.zeros(X.shape[1])
        starts = X.indptr[:-1]
        nonempty = np.diff(X.indptr) > 0
        if vals.size:
            sq[nonempty] = np.add.reduceat(vals, starts[nonempty])
    elif is_sparse(X):
        sq = np.asarray(X.multiply(X).T @ w, dtype=np.float64).reshape(-1)
    else:
        sq = np.einsum("ij,ij,i->j", X, X, w)
    if design._centred:
        c = np.asarray(X.T @ w, dtype=np.float64).reshape(-1)
        m = design.X_offset
        sq = sq - 2.0 * m * c + float(w.sum()) * m * m
    return np.maximum(sq, 0.0)


def _dense_product(A, B, block_bytes=1 << 26):
    """The dense ndarray A @ B of two sparse matrices, by blocks of rows of A.

    A sparse × sparse product is sparse; when it fills in (a Gram or kernel of text
    data is nearly dense) its sparse form takes 1.5× the dense one.  Computing and
    densifying it a block of rows at a time bounds that overhead by ``block_bytes``.
    """
    n_rows, n_cols = A.shape[0], B.shape[1]
    out = np.empty((n_rows, n_cols))
    step = max(1, block_bytes // (12 * max(n_cols, 1)))
    # (row blocks of a CSC matrix are sliced in one pass over it: parts, never a whole copy)
    for start in range(0, n_rows, step):
        block = A[start : start + step] @ B
        out[start : start + step] = dense_result(block)
    return out
