"""What every table of the store shares: the naming convention, the metadata, the id type, index helpers."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, MetaData, String

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

ID = String(64)
"""The type of record ids (CRM ids: Salesforce 18 characters, HubSpot numbers, generated ids)."""


def prefix_index(column: str) -> Index:
    """An index for the web lists' prefix search and name sort on ``column`` (see
    ``store/browse/search.py``: index range scans on both SQLite and PostgreSQL)."""
    return Index(None, column)


def custom_column() -> Column[object]:
    """The ``custom`` JSON column of a CRM table (fields the canonical columns do not hold)."""
    return Column("custom", JSON, nullable=True)
