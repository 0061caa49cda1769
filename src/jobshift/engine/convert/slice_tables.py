"""Tables the slices of one partition share: values normalized in one slice are not normalized again in
the next (a partition converted in slices of ``partition.CONVERT_ROWS`` rows repeats most of its
companies and hosts from slice to slice)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

MAX_ROWS = 400_000
"""A table holding more rows than this is dropped (started again by the next slice): the memory a
partition's tables take stays bounded whatever the partition holds."""


@dataclass
class SliceTables:
    """The normalized values of a partition's earlier slices (``None``: none yet)."""

    domains: pl.DataFrame | None = None
    """``v``, ``d``: values and their registrable domain (:func:`.domains.domain_table`)."""
    companies: pl.DataFrame | None = None
    """The experience's distinct companies with their normalized columns, by key hash
    (:func:`.experience.experience_entries`)."""


def bounded(table: pl.DataFrame | None) -> pl.DataFrame | None:
    """``table``, or ``None`` when it holds more than :data:`MAX_ROWS` rows."""
    return table if table is not None and table.height <= MAX_ROWS else None
