"""Test data builders: the series table, data repositories and source repositories.

Shipped with the package so that the tests, the benchmarks and the demo build their
data one way.
"""
