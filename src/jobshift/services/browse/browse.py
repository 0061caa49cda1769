"""Role-scoped lists for the web UI and REST API: leads, signals, tracked contacts, accounts.

The statements live in :mod:`jobshift.store.browse` (scopes, list specs, paging); this module opens the
workspace's database for them and turns the CSV export's rows into text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from jobshift.services.admin.auth import AppUser
from jobshift.services.workspace import Workspace
from jobshift.store.browse import lists
from jobshift.store.browse.lists import COUNT_CAP, MAX_PAGE, MAX_PER_PAGE, SORT_MATCHES_UP_TO, Page
from jobshift.store.browse.scope import account_scope, contact_scope, lead_scope, signal_scope, team_ids
from jobshift.store.browse.specs import SPECS, ListSpec
from jobshift.utils.csv_safe import escape_formula

__all__ = [
    "COUNT_CAP",
    "ENTITIES",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "SORT_MATCHES_UP_TO",
    "SPECS",
    "ListSpec",
    "Page",
    "account_scope",
    "contact_scope",
    "filter_options",
    "iter_csv",
    "lead_scope",
    "list_page",
    "signal_scope",
    "team_ids",
]

ENTITIES = ("leads", "signals", "contacts", "accounts")


def list_page(
    ws: Workspace,
    viewer: AppUser,
    entity: str,
    filters: dict[str, str] | None = None,
    *,
    sort: str | None = None,
    page: int = 1,
    per_page: int = 50,
    mine: bool = False,
) -> Page:
    """One page of ``entity`` (leads, signals, contacts, accounts) as the viewer may see it."""
    with ws.store.connect() as conn:
        return lists.list_page(
            conn, viewer, entity, filters, sort=sort, page=page, per_page=per_page, mine=mine
        )


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    return escape_formula(str(v))


def iter_csv(
    ws: Workspace,
    viewer: AppUser,
    entity: str,
    filters: dict[str, str] | None = None,
    *,
    sort: str | None = None,
    mine: bool = False,
    chunk_rows: int = 2000,
) -> Iterator[str]:
    """The whole filtered list as CSV text chunks (header first), streamed from the database."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    with ws.store.connect() as conn:
        chunks = lists.iter_rows(conn, viewer, entity, filters, sort=sort, mine=mine, chunk_rows=chunk_rows)
        writer.writerow(next(chunks))
        for part in chunks:
            for row in part:
                writer.writerow([_csv_value(v) for v in row])
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    if buf.getvalue():
        yield buf.getvalue()


def filter_options(ws: Workspace, viewer: AppUser) -> dict[str, list[Any]]:
    """Values for the filter drop-downs: statuses, sources, signal types, match rules, owners."""
    with ws.store.connect() as conn:
        return lists.filter_options(conn, viewer)
