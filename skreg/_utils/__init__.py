"""Plumbing with no numerical content: the fit cache, BLAS thread limits, atomic fits."""
