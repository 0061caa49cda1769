"""Vectorized profile conversion: feed records parsed into Arrow, converted with polars expressions."""
