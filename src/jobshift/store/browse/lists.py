"""One page of a role-scoped list, its CSV rows and the filter drop-downs' values.

Every list is one set-based SQL statement: filters become WHERE clauses, sorting is a whitelisted
column plus the primary key as tie-breaker, pagination is LIMIT/OFFSET, and the total is a COUNT over
the same FROM/WHERE (left joins on unique keys are dropped by both SQLite and PostgreSQL planners).
CSV exports stream the same statement without a limit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, Select, Table, false, func, literal, select
from sqlalchemy.sql.selectable import ScalarSelect
from sqlalchemy.sql.util import find_tables
from sqlalchemy.sql.visitors import iterate

from jobshift.errors import InvalidValueError, UsageError
from jobshift.store.browse.fulltext import LeadTextMatch
from jobshift.store.browse.scope import Viewer, in_team, team_ids
from jobshift.store.browse.search import unindexed
from jobshift.store.browse.specs import LEADS, SPECS, ListSpec
from jobshift.store.schema import accounts, contacts, leads, signals, users

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
"""The highest page number a list accepts (deeper OFFSETs overflow the databases\' integers)."""
ENTITIES = ("leads", "signals", "contacts", "accounts")


COUNT_CAP = 1000
"""Lists count matching rows exactly up to this many; beyond it, only when the count needs no join
(an index-only count), else the total is reported as "more than COUNT_CAP" (``total_exact`` false)."""


SORT_MATCHES_UP_TO = 5000
"""When at most this many rows match, SQLite sorts them instead of walking the sort column's index."""


@dataclass
class Page:
    """One page of a list."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    total_exact: bool = True
    """False when ``total`` is a lower bound (more rows match; see ``COUNT_CAP``)."""
    has_more: bool = False
    """Whether a next page exists."""

    @property
    def pages(self) -> int:
        """Number of pages (at least 1); with an inexact total, the pages known so far."""
        known = max(1, -(-self.total // self.per_page))
        if not self.total_exact:
            return max(known, self.page + 1 if self.has_more else self.page)
        return known


def _where(spec: ListSpec, viewer: Viewer, filters: dict[str, str], mine: bool) -> list[ColumnElement[bool]]:
    where = [spec.scope(viewer)]
    for name, raw in filters.items():
        raw = (raw or "").strip()
        if not raw:
            continue
        build = spec.filters.get(name)
        if build is None:
            raise InvalidValueError(
                f"unknown filter {name!r} for {spec.name} (known: {', '.join(spec.filters)})"
            )
        where.append(build(raw))
    if viewer.role != "admin" or mine:
        for term in where:  # a scoped viewer's leads are an owner index range: walk it, probe the matches
            if isinstance(term, LeadTextMatch):
                term.drive = False
    if mine:
        if spec is not LEADS:
            raise UsageError(f"'mine' applies to leads only, not {spec.name}")
        where.append(leads.c.owner_id == viewer.crm_user_id if viewer.crm_user_id else false())
    return where


def _statement(
    spec: ListSpec, viewer: Viewer, filters: dict[str, str], mine: bool
) -> tuple[Select[Any], list[ColumnElement[bool]]]:
    where = _where(spec, viewer, filters, mine)
    return select(*spec.columns).select_from(spec.source).where(*where), where


def _order(spec: ListSpec, sort: str | None) -> list[Any]:
    sort = sort or spec.default_sort
    desc = sort.startswith("-")
    col = spec.sorts.get(sort.lstrip("-"))
    if col is None:
        raise InvalidValueError(f"unknown sort {sort!r} for {spec.name} (known: {', '.join(spec.sorts)})")
    return [col.desc(), spec.key.desc()] if desc else [col.asc(), spec.key.asc()]


def _paging_source(spec: ListSpec, filters: dict[str, str], sort: str | None) -> FromClause:
    """``narrow`` unless an active filter or the sort key needs the joined tables."""
    if spec.narrow is None:
        return spec.source
    active = {k for k, v in filters.items() if (v or "").strip()}
    sort_col = spec.sorts.get((sort or spec.default_sort).lstrip("-"))
    in_narrow = [t for t in find_tables(spec.narrow, include_aliases=True)]
    sort_needs_join = sort_col is not None and not any(sort_col.table is t for t in in_narrow)
    if active & spec.wide_keys or sort_needs_join:
        return spec.source
    return spec.narrow


def _has_subquery(where: list[ColumnElement[bool]]) -> bool:
    return any(isinstance(e, Select | ScalarSelect) for clause in where for e in iterate(clause))


def list_page(
    conn: Connection,
    viewer: Viewer,
    entity: str,
    filters: dict[str, str] | None = None,
    *,
    sort: str | None = None,
    page: int = 1,
    per_page: int = 50,
    mine: bool = False,
) -> Page:
    """One page of ``entity`` (leads, signals, contacts, accounts) as the viewer may see it.

    The page's keys are found on the narrowest FROM that the filters and the sort need (a
    "late row lookup"); only those ``per_page`` rows are then joined for display.
    """
    spec = SPECS[entity]
    filters = filters or {}
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidValueError(
            f"page must be between 1 and {MAX_PAGE:,} and per_page between 1 and {MAX_PER_PAGE}"
        )
    where = _where(spec, viewer, filters, mine)
    order = _order(spec, sort)
    narrow = _paging_source(spec, filters, sort)
    offset = (page - 1) * per_page
    capped = select(func.count()).select_from(
        select(literal(1)).select_from(narrow).where(*where).limit(COUNT_CAP + 1).subquery()
    )
    total = int(conn.execute(capped).scalar_one())
    exact = total <= COUNT_CAP
    searching = bool((filters.get("q") or "").strip())
    if not exact and isinstance(narrow, Table) and not searching and not _has_subquery(where):
        # one table, equality/range filters: an index-only count
        total, exact = (
            int(conn.execute(select(func.count()).select_from(narrow).where(*where)).scalar_one()),
            True,
        )
    # Few matches: sort them rather than walk the sort column's index looking for them (SQLite
    # would otherwise scan much of the created_at index for a rare search term).
    key_order = [unindexed(o) for o in order] if exact and total <= SORT_MATCHES_UP_TO else order
    keys = select(spec.key).select_from(narrow).where(*where).order_by(*key_order)
    page_keys = [r[0] for r in conn.execute(keys.limit(per_page + 1).offset(offset))]
    has_more = len(page_keys) > per_page
    page_keys = page_keys[:per_page]
    rows: list[dict[str, Any]] = []
    if page_keys:
        stmt = select(*spec.columns).select_from(spec.source).where(spec.key.in_(page_keys)).order_by(*order)
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    if not exact:
        total = max(COUNT_CAP + 1, offset + len(page_keys) + (1 if has_more else 0))
    return Page(rows=rows, total=total, page=page, per_page=per_page, total_exact=exact, has_more=has_more)


def iter_rows(
    conn: Connection,
    viewer: Viewer,
    entity: str,
    filters: dict[str, str] | None = None,
    *,
    sort: str | None = None,
    mine: bool = False,
    chunk_rows: int = 2000,
) -> Iterator[Sequence[Any]]:
    """The whole filtered list, streamed: the column names first, then one chunk of rows at a time."""
    spec = SPECS[entity]
    stmt, _ = _statement(spec, viewer, filters or {}, mine)
    stmt = stmt.order_by(*_order(spec, sort))
    result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(stmt)
    yield list(result.keys())
    yield from result.partitions()


def filter_options(conn: Connection, viewer: Viewer) -> dict[str, list[Any]]:
    """Values for the filter drop-downs: statuses, sources, signal types, match rules, owners."""

    def distinct(col: Any, where: ColumnElement[bool] | None = None) -> list[Any]:
        q = select(col).where(col.isnot(None)).distinct().order_by(col).limit(100)
        if where is not None:
            q = q.where(where)
        return [r[0] for r in conn.execute(q)]

    team = team_ids(viewer)
    owner_q = select(users.c.id, users.c.name).order_by(users.c.name)
    if team is not None:
        owner_q = owner_q.where(in_team(users.c.id, team))
    return {
        "lead_status": distinct(leads.c.status),
        "lead_source": distinct(leads.c.lead_source),
        "signal_type": distinct(signals.c.type),
        "signal_status": distinct(signals.c.status),
        "account_type": distinct(accounts.c.type),
        "segment": distinct(accounts.c.segment),
        "contact_status": distinct(contacts.c.status),
        "owners": [(r.id, r.name) for r in conn.execute(owner_q.limit(500))],
    }
