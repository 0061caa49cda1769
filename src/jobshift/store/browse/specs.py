"""How each entity is listed (leads, signals, contacts, accounts): FROM, columns, scope, filters, sorts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, FromClause, or_, select

from jobshift.errors import InvalidValueError
from jobshift.store.browse.fulltext import lead_text_search
from jobshift.store.browse.scope import Viewer, account_scope, contact_scope, lead_scope, signal_scope
from jobshift.store.browse.search import prefix_any, prefix_search
from jobshift.store.schema import accounts, contacts, leads, signals, users


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
    scope: Callable[[Viewer], ColumnElement[bool]]
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
        "q": lead_text_search,
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
