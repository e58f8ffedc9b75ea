"""How the data is seen (centring, sparse designs, Gram statistics, Dask reductions);
no solver logic.
"""
