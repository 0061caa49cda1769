"""Role-scoped list queries for the web UI and REST API: leads, signals, tracked contacts, accounts.

Every list is one set-based SQL statement: filters become WHERE clauses, sorting is a whitelisted
column plus the primary key as tie-breaker, pagination is LIMIT/OFFSET, and the total is a COUNT over
the same FROM/WHERE (left joins on unique keys are dropped by both SQLite and PostgreSQL planners).
CSV exports stream the same statement without a limit.

Scopes: an admin sees everything; a manager sees what belongs to their team (CRM users whose
``manager_id`` is the manager's CRM user, and the manager); a rep sees their own leads and the
contacts of accounts they own (as AE, BDR or Renewal Manager).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    Table,
    and_,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import KeyedColumnElement
from sqlalchemy.sql.selectable import ScalarSelect
from sqlalchemy.sql.util import find_tables
from sqlalchemy.sql.visitors import iterate

from jobshift.errors import InvalidValueError, UsageError
from jobshift.services.admin.auth import AppUser
from jobshift.services.browse.browse_search import Unindexed, prefix_any, prefix_search, unindexed
from jobshift.services.workspace import Workspace
from jobshift.store.schema import accounts, contacts, leads, signals, users
from jobshift.utils.csv_safe import escape_formula

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


# ---------------------------------------------------------------- scopes


def team_ids(viewer: AppUser) -> Any:
    """CRM user ids whose records the viewer sees: ``None`` for all, else a list or a subquery."""
    if viewer.role == "admin":
        return None
    if not viewer.crm_user_id:
        return []
    if viewer.role == "manager":
        me = viewer.crm_user_id
        return select(users.c.id).where(or_(users.c.manager_id == me, users.c.id == me)).scalar_subquery()
    return [viewer.crm_user_id]


def _in(col: KeyedColumnElement[Any], team: Any) -> ColumnElement[bool]:
    if isinstance(team, list) and not team:
        return false()
    return col.in_(team)


def lead_scope(viewer: AppUser) -> ColumnElement[bool]:
    """Leads the viewer may see."""
    team = team_ids(viewer)
    return true() if team is None else _in(leads.c.owner_id, team)


def account_scope(viewer: AppUser) -> ColumnElement[bool]:
    """Accounts the viewer may see (owned as AE, BDR or Renewal Manager)."""
    team = team_ids(viewer)
    if team is None:
        return true()
    return or_(
        _in(accounts.c.owner_id, team), _in(accounts.c.bdr_id, team), _in(accounts.c.renewal_manager_id, team)
    )


def contact_scope(viewer: AppUser) -> ColumnElement[bool]:
    """Contacts the viewer may see: their own and their accounts' contacts."""
    team = team_ids(viewer)
    if team is None:
        return true()
    mine = select(accounts.c.id).where(account_scope(viewer))
    return or_(_in(contacts.c.owner_id, team), contacts.c.account_id.in_(mine))


def signal_scope(viewer: AppUser) -> ColumnElement[bool]:
    """Signals whose lead the viewer sees, or whose contact (or its account at detection) is theirs."""
    if viewer.role == "admin":
        return true()
    team = team_ids(viewer)
    mine = select(accounts.c.id).where(account_scope(viewer))
    owned = select(contacts.c.id).where(_in(contacts.c.owner_id, team))
    # A contact is visible when the viewer owns it or its account: for a signal, the account is the
    # contact's account when it was detected (past_account_id). Both sets are small and come from
    # indexes, so the viewer's whole contact set is never built. Unindexed: walk signals newest first
    # and probe the sets rather than gather every in-scope signal through an index and sort them.
    theirs = select(contacts.c.id).where(contacts.c.account_id.in_(mine))
    return or_(
        Unindexed(signals.c.lead_id).in_(select(leads.c.id).where(lead_scope(viewer))),
        Unindexed(signals.c.past_account_id).in_(mine),
        Unindexed(signals.c.contact_id).in_(owned),
        # signals recorded without their past account (imported or hand-made): the contact's account
        and_(signals.c.past_account_id.is_(None), Unindexed(signals.c.contact_id).in_(theirs)),
    )


# ---------------------------------------------------------------- filter parsing


def _date(name: str, raw: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(raw), datetime.min.time())
    except ValueError:
        raise InvalidValueError(f"{name}: not a date YYYY-MM-DD (got {raw!r})") from None


def _float(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise InvalidValueError(f"{name}: not a number (got {raw!r})") from None


def _yes(name: str, raw: str) -> bool:
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise InvalidValueError(f"{name}: expected yes or no (got {raw!r})")


def _date_range(col: Any) -> dict[str, Callable[[str], ColumnElement[bool]]]:
    return {
        "from": lambda raw: col >= _date("from", raw),
        "to": lambda raw: col < _date("to", raw) + timedelta(days=1),
    }


# ---------------------------------------------------------------- list specs


@dataclass(frozen=True)
class ListSpec:
    """How one entity is listed: FROM, columns, scope, filters and sort keys."""

    name: str
    source: FromClause
    columns: tuple[Any, ...]
    key: Any
    scope: Callable[[AppUser], ColumnElement[bool]]
    filters: dict[str, Callable[[str], ColumnElement[bool]]]
    sorts: dict[str, Any]
    default_sort: str
    narrow: FromClause | None = None
    """A FROM without the display-only joins, used for counting and paging when no filter or sort
    needs the joined tables (SQLite does not drop unused left joins by itself)."""
    wide_keys: frozenset[str] = frozenset()
    """Filters and sort keys that need ``source`` rather than ``narrow``."""


_owner = users.alias("owner")
_bdr = users.alias("bdr")
_past = accounts.alias("past_account")
_acct = accounts.alias("account")

LEADS = ListSpec(
    name="leads",
    source=leads.outerjoin(_owner, _owner.c.id == leads.c.owner_id)
    .outerjoin(signals, signals.c.signal_id == leads.c.signal_id)
    .outerjoin(_past, _past.c.id == leads.c.past_account_id),
    columns=(
        leads.c.id,
        leads.c.first_name,
        leads.c.last_name,
        leads.c.title,
        leads.c.company,
        leads.c.email,
        leads.c.status,
        leads.c.lead_source,
        leads.c.owner_id,
        _owner.c.name.label("owner_name"),
        signals.c.type.label("signal_type"),
        signals.c.confidence,
        _past.c.name.label("past_company"),
        leads.c.past_title,
        leads.c.job_started_date,
        leads.c.created_at,
    ),
    key=leads.c.id,
    scope=lead_scope,
    filters={
        "q": prefix_search(
            (leads.c.last_name, leads.c.first_name, leads.c.company),
            (leads.c.email_norm,),
            first_last=(leads.c.first_name, leads.c.last_name),
        ),
        "status": lambda raw: leads.c.status == raw,
        "owner": lambda raw: leads.c.owner_id == raw,
        "type": lambda raw: signals.c.type == raw,
        "source": lambda raw: leads.c.lead_source == raw,
        **_date_range(leads.c.created_at),
    },
    sorts={
        "created": leads.c.created_at,
        "name": leads.c.last_name,
        "company": leads.c.company,
        "status": leads.c.status,
        "started": leads.c.job_started_date,
        "owner": _owner.c.name,
    },
    default_sort="-created",
    narrow=leads,
    wide_keys=frozenset({"type"}),
)

SIGNALS = ListSpec(
    name="signals",
    source=signals,
    columns=(
        signals.c.signal_id,
        signals.c.type,
        signals.c.full_name,
        signals.c.past_company,
        signals.c.past_title,
        signals.c.new_company,
        signals.c.new_title,
        signals.c.confidence,
        signals.c.match_rule,
        signals.c.job_started_date,
        signals.c.observed_at,
        signals.c.detected_at,
        signals.c.status,
        signals.c.lead_id,
        signals.c.contact_id,
    ),
    key=signals.c.signal_id,
    scope=signal_scope,
    filters={
        "q": prefix_search((signals.c.full_name, signals.c.new_company)),
        "type": lambda raw: signals.c.type == raw,
        "rule": lambda raw: signals.c.match_rule.ilike(raw.replace("%", "") + "%"),
        "status": lambda raw: or_(
            signals.c.status == raw, signals.c.status.like(raw.replace("%", "") + ":%")
        ),
        "min_confidence": lambda raw: signals.c.confidence >= _float("min_confidence", raw),
        **_date_range(signals.c.detected_at),
    },
    sorts={
        "detected": signals.c.detected_at,
        "confidence": signals.c.confidence,
        "name": signals.c.full_name,
        "type": signals.c.type,
        "started": signals.c.job_started_date,
    },
    default_sort="-detected",
)

CONTACTS = ListSpec(
    name="contacts",
    source=contacts.join(_acct, _acct.c.id == contacts.c.account_id).outerjoin(
        _owner, _owner.c.id == contacts.c.owner_id
    ),
    columns=(
        contacts.c.id,
        contacts.c.first_name,
        contacts.c.last_name,
        contacts.c.title,
        contacts.c.email,
        contacts.c.account_id,
        _acct.c.name.label("account_name"),
        _acct.c.type.label("account_type"),
        contacts.c.status,
        contacts.c.no_longer_at_company,
        contacts.c.owner_id,
        _owner.c.name.label("owner_name"),
        contacts.c.created_at,
    ),
    key=contacts.c.id,
    scope=contact_scope,
    filters={
        "q": prefix_search(
            (contacts.c.last_name, contacts.c.first_name),
            (contacts.c.email_norm,),
            first_last=(contacts.c.first_name, contacts.c.last_name),
            extra=lambda text: contacts.c.account_id.in_(
                select(accounts.c.id).where(prefix_any(accounts.c.name, text))
            ),
        ),
        "account": lambda raw: contacts.c.account_id == raw,
        "status": lambda raw: contacts.c.status == raw,
        "owner": lambda raw: contacts.c.owner_id == raw,
        "left": lambda raw: (
            contacts.c.no_longer_at_company.is_(True)
            if _yes("left", raw)
            else or_(contacts.c.no_longer_at_company.is_(False), contacts.c.no_longer_at_company.is_(None))
        ),
        **_date_range(contacts.c.created_at),
    },
    sorts={
        "name": contacts.c.last_name,
        "account": _acct.c.name,
        "status": contacts.c.status,
        "created": contacts.c.created_at,
    },
    default_sort="name",
    narrow=contacts.join(_acct, _acct.c.id == contacts.c.account_id),
)

ACCOUNTS = ListSpec(
    name="accounts",
    source=accounts.outerjoin(_owner, _owner.c.id == accounts.c.owner_id).outerjoin(
        _bdr, _bdr.c.id == accounts.c.bdr_id
    ),
    columns=(
        accounts.c.id,
        accounts.c.name,
        accounts.c.domain,
        accounts.c.type,
        accounts.c.segment,
        accounts.c.is_target,
        accounts.c.industry,
        accounts.c.employees,
        accounts.c.country,
        accounts.c.owner_id,
        _owner.c.name.label("owner_name"),
        accounts.c.bdr_id,
        _bdr.c.name.label("bdr_name"),
    ),
    key=accounts.c.id,
    scope=account_scope,
    filters={
        "q": prefix_search((accounts.c.name,), (accounts.c.domain,)),
        "type": lambda raw: accounts.c.type == raw,
        "segment": lambda raw: accounts.c.segment == raw,
        "target": lambda raw: (
            accounts.c.is_target.is_(True)
            if _yes("target", raw)
            else or_(accounts.c.is_target.is_(False), accounts.c.is_target.is_(None))
        ),
        "owner": lambda raw: or_(
            accounts.c.owner_id == raw, accounts.c.bdr_id == raw, accounts.c.renewal_manager_id == raw
        ),
    },
    sorts={
        "name": accounts.c.name,
        "type": accounts.c.type,
        "segment": accounts.c.segment,
        "employees": accounts.c.employees,
    },
    default_sort="name",
    narrow=accounts,
)

SPECS: dict[str, ListSpec] = {s.name: s for s in (LEADS, SIGNALS, CONTACTS, ACCOUNTS)}


def _where(spec: ListSpec, viewer: AppUser, filters: dict[str, str], mine: bool) -> list[ColumnElement[bool]]:
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
    if mine:
        if spec is not LEADS:
            raise UsageError(f"'mine' applies to leads only, not {spec.name}")
        where.append(leads.c.owner_id == viewer.crm_user_id if viewer.crm_user_id else false())
    return where


def _statement(
    spec: ListSpec, viewer: AppUser, filters: dict[str, str], mine: bool
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
    with ws.store.connect() as conn:
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
            stmt = (
                select(*spec.columns).select_from(spec.source).where(spec.key.in_(page_keys)).order_by(*order)
            )
            rows = [dict(r) for r in conn.execute(stmt).mappings()]
    if not exact:
        total = max(COUNT_CAP + 1, offset + len(page_keys) + (1 if has_more else 0))
    return Page(rows=rows, total=total, page=page, per_page=per_page, total_exact=exact, has_more=has_more)


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
    spec = SPECS[entity]
    stmt, _ = _statement(spec, viewer, filters or {}, mine)
    stmt = stmt.order_by(*_order(spec, sort))
    buf = io.StringIO()
    writer = csv.writer(buf)
    with ws.store.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(stmt)
        writer.writerow(list(result.keys()))
        for part in result.partitions():
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

        def distinct(col: Any, where: ColumnElement[bool] | None = None) -> list[Any]:
            q = select(col).where(col.isnot(None)).distinct().order_by(col).limit(100)
            if where is not None:
                q = q.where(where)
            return [r[0] for r in conn.execute(q)]

        team = team_ids(viewer)
        owner_q = select(users.c.id, users.c.name).order_by(users.c.name)
        if team is not None:
            owner_q = owner_q.where(_in(users.c.id, team))
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
