"""The L1 solver core: least squares with a (weighted) L1 penalty, exact and sparse-aware.

The problem
-----------
With the intercept removed by weighted centring (X_w = √W(X − 1x̄ᵀ), y_w = √W(y − ȳ)),
every L1 fit in skreg solves the lecture's

    min_w  F(w) = ½‖X_w w − y_w‖² + α Σⱼ pⱼ|wⱼ|
                = ½wᵀGw − qᵀw + ½‖y_w‖² + α Σⱼ pⱼ|wⱼ|,

with G = X_wᵀX_w, q = X_wᵀy_w, c = q − Gw = X_wᵀr the correlations of the residual and
per-feature penalty factors pⱼ ≥ 0 (all 1 by default).  Every update below exactly
minimizes a quadratic plus α‖·‖₁: the lecture's soft-threshold

    wᵢ = sign(w*ᵢ)·max(|w*ᵢ| − α/Hᵢᵢ, 0)

for a diagonal quadratic (``L1Penalty.prox``), or restricted to one orthant, where
|wⱼ| = sⱼwⱼ and the problem is a linear system.

Data (:class:`_Problem`, built by :func:`make_problem`)
-------------------------------------------------------
* dense X: centred (and weighted) into one Fortran-ordered copy, as scikit-learn
  centres X;
* sparse X (CSR/CSC matrices or arrays): never densified, never centred explicitly —
  :class:`skreg._data._sparse.CenteredDesign` applies X_w by sparse products and rank-one
  corrections (scikit-learn's X_offset); one CSC view is used for column blocks (a
  copy only when X is CSR, as scikit-learn's ``Lasso`` makes);
* Gram statistics only (G, q, ‖y_w‖², :meth:`_Problem.from_gram`): ``partial_fit``,
  Dask input, cross-validation folds.

Which route (:func:`solve_path`)
--------------------------------
* *Working sets* (:func:`_ws_solve`) whenever X is at hand and the whole Gram matrix
  has not been formed: single fits on tall, wide, dense or sparse X.  An outer
  iteration costs one gradient X_wᵀr over all features and the new rows of the
  working set's Gram block G_WW — never the d×d Gram matrix (n = 500, d = 20,000
  never forms 20,000²).  Each working set is solved by the direct route below.
* *Direct* (active set on G): when G is complete — Gram statistics, or a path on
  data with n_samples ≥ n_features whose d×d Gram fits the memory budget
  (``skreg.get_config()["memory_budget"]``; formed once, with threaded BLAS, as
  :func:`sklearn.linear_model.lasso_path` does).

Penalty factors (:func:`reduce_problem`)
----------------------------------------
Ω(w) = Σⱼ pⱼ|wⱼ| is brought back to the plain ‖·‖₁ by a change of variables, so the
solver below only knows the plain problem:

* pⱼ > 0: w̃ⱼ = pⱼwⱼ, i.e. column j of X_w divided by pⱼ (G̃ = D G D, q̃ = D q with
  D = diag(1/pⱼ));
* pⱼ = 0 (unpenalized, set U): Frisch–Waugh.  For fixed penalized weights w_P the best
  w_U is least squares on the residual, w_U = G_UU⁺(q_U − G_UP w_P); substituting it
  leaves an L1 problem in w_P alone on the design P⊥X_P (X_P projected orthogonally to
  the span of X_U — the intercept is the special case X_U = 1):
  G' = G_PP − G_PU G_UU⁺ G_UP, q' = q_P − G_PU G_UU⁺ q_U,
  ‖y'‖² = ‖y_w‖² − q_Uᵀ G_UU⁺ q_U.

Duality gap with factors: the dual of the factored problem is
max_θ ½‖y‖² − ½‖y − θ‖² subject to |X_jᵀθ| ≤ α pⱼ (j ∈ P) and X_Uᵀθ = 0.  The
reduced problem's dual point θ = κ·r' (r' = P⊥(y − X_P w_P), κ = min(1, α/ν) with
ν = max_{j∈P} |c_j|/p_j, the weighted dual norm) is orthogonal to X_U by construction,
and both the primal value (w_U optimal) and the dual value (‖y‖² = ‖y'‖² + ‖P_U y‖²) are
those of the original problem: the gap reported is the original problem's gap.
α_max = max_{j∈P} |X_jᵀr₀|/pⱼ, r₀ the residual of y on the unpenalized features.

The direct solver
-----------------
1. *Closed form first.*  From a cold start, try the lecture's coordinate-wise solution
   θ̂ⱼ = soft-threshold of θ*ⱼ = qⱼ/Gⱼⱼ at α/Gⱼⱼ.  It is the exact solution when G is
   diagonal (orthogonal design) and is returned when its duality gap says so.
2. *Exact solves on the active set* (:func:`_active_set_solve`).  On the support S
   with signs s the optimality conditions are G_SS w_S = q_S − α·s.  The Cholesky
   factor of G_SS is updated, never recomputed: features are appended by a block
   update and removed by Givens rotations.  A solution with a wrong sign is corrected
   by moving from w towards it up to the first sign change (F decreases on the segment,
   as in feature-sign search) and dropping that coordinate; the features violating the
   optimality condition |cⱼ| ≤ α (checked over all features: the working set of KKT
   violators) enter with sign(cⱼ), the strongest first.
3. *Continuation.*  A single fit reaches α through a short geometric grid from α_max,
   so the active set grows a few features at a time; a path warm-starts each α
   from the previous one (the factor included).
4. *FISTA fallback* (:func:`_fista_solve`), when step 2 stalls (collinear features, a
   feature entering with the wrong sign): proximal-gradient steps with adaptive restart
   (O'Donoghue & Candès) on a working set W = support ∪ strong-rule candidates
   {|cⱼ| ≥ 2α − α_prev} ∪ violators, each step a soft-threshold of the quadratic model
   around the extrapolated point; once the sign pattern is stable, an exact solve on
   it (least-squares when G_SS is singular) finishes the sub-problem.
5. *Stop on the duality gap* over all features: with ν = ‖c‖_∞ and the dual point
   θ = κ·r, κ = min(1, α/ν),

       gap = ½(1 − κ)²‖r‖² + α‖w‖₁ − κ·cᵀw

   (scikit-learn's coordinate-descent gap, written without cancellation); converged
   when gap ≤ tol·‖y_w‖², the meaning of ``tol`` in :class:`~sklearn.linear_model.Lasso`
   (‖y_w‖² of the full centred target, also with unpenalized features).

A fit runs with single-threaded BLAS: most products are small, where threaded BLAS
loses to thread start-up, and on a shared machine threaded BLAS degrades badly when
other processes compete for the cores.  A path forms the whole Gram matrix first (when
it is used), with the default threads, as :func:`sklearn.linear_model.lasso_path` does.
"""

from ._path import (  # noqa: F401
    _least_squares,
    _solve_path,
    _warn_not_converged,
    check_positive_factors,
    relax,
    solve_path,
    solve_quadratic,
    support_least_squares,
)
from ._problem import (  # noqa: F401  (the private solver API, re-exported)
    _dual_norm,
    _duality_gap,
    _FactorProblem,
    _full_gap,
    _objective,
    _Problem,
    _Ridged,
    alpha_max,
    make_problem,
    nontrivial_penalty_factor,
    reduce_problem,
)
from ._solvers import (  # noqa: F401
    _ActiveSet,
    _fista_solve,
    _fit_one,
    _fit_one_engine,
    _solve,
    _ws_solve,
)

__all__ = [
    "alpha_max",
    "nontrivial_penalty_factor",
    "make_problem",
    "reduce_problem",
    "relax",
    "solve_path",
    "solve_quadratic",
    "support_least_squares",
]
