"""Dagster assets, one module per domain; the module decides the asset group."""
