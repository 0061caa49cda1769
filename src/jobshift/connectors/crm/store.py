"""The built-in CRM: the workspace's own ``leads`` and ``contacts`` tables behind :class:`CrmConnector`.

Each call runs in its own transaction. Writes are idempotent: a lead's id is derived from the intent's
idempotency key (``l-js-<hash>``) and a lead that already exists is not written again; a contact update
sets the same values again and keeps the first No-Longer-At-Company date. So re-applying an intent after
a crash (written but not yet marked applied in the outbox) changes nothing.

The tables are handed in by the service (connectors do not import the store package).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Table, func, insert, or_, select

from jobshift.connectors.crm.protocol import (
    ApiUsage,
    ContactUpdate,
    CrmObject,
    ExistingPerson,
    LeadCreate,
    PersonLookup,
    WriteResult,
)
from jobshift.domain.actions import lead_id_for
from jobshift.domain.crm_payload import CONTACT_KEEP_FIRST_FIELDS
from jobshift.domain.normalize.emails import normalize_email
from jobshift.domain.normalize.linkedin import normalize_linkedin_person
from jobshift.errors import FatalError
from jobshift.utils.grouped_update import update_by_key
from jobshift.utils.timeutil import utcnow

_CHUNK = 900


class StoreCrmConnector:
    """Leads and contacts in the jobshift database itself (the default CRM)."""

    name = "store"

    def __init__(
        self, engine: Engine, tables: Mapping[str, Table], *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._engine = engine
        self._t = tables
        self._clock = clock

    def read(self, object: CrmObject, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        """Rows of ``object`` (created at or after ``since`` when the table has ``created_at``)."""
        t = self._t[object]
        q = select(t)
        if since is not None and "created_at" in t.c:
            q = q.where(t.c.created_at >= since)
        with self._engine.connect() as conn:
            for row in conn.execute(q).mappings():
                yield dict(row)

    def check_fields(self, object: CrmObject, fields: Sequence[str]) -> None:
        """Every field must be a column of the table."""
        t = self._t[object]
        for f in fields:
            if f not in t.c:
                raise FatalError(f"{object}: no field {f!r} in the built-in store")

    def find_existing(self, people: Sequence[PersonLookup]) -> dict[str, ExistingPerson]:
        """A lead (first) or contact per person at the company: same LinkedIn, any of the e-mails, or the
        same first + last name (case-insensitive); at the matched/converted account, an e-mail at the
        company's domain, or (leads) the same company name. One query per object and ``_CHUNK`` people."""
        out: dict[str, ExistingPerson] = {}
        with self._engine.connect() as conn:
            for i in range(0, len(people), _CHUNK // 3):
                chunk = people[i : i + _CHUNK // 3]
                for obj in ("leads", "contacts"):
                    rest = [p for p in chunk if p.key not in out]
                    if rest:
                        out.update(self._find_in(conn, obj, rest))
        return out

    def _find_in(self, conn: Any, obj: str, people: Sequence[PersonLookup]) -> dict[str, ExistingPerson]:
        t = self._t[obj]
        lis = sorted({p.linkedin_norm for p in people if p.linkedin_norm})
        emails = sorted({e for p in people for e in p.emails if e})
        lasts = sorted({p.last_name.casefold() for p in people if p.first_name and p.last_name})
        conds = []
        if lis:
            conds.append(t.c.linkedin_norm.in_(lis))
        if emails:
            conds.append(t.c.email_norm.in_(emails))
        if lasts:
            conds.append(func.lower(t.c.last_name).in_(lasts))
        if not conds:
            return {}
        company_cols = (
            [t.c.company, t.c.matched_account_id, t.c.converted_account_id]
            if obj == "leads"
            else [t.c.account_id]
        )
        q = select(
            t.c.id, t.c.linkedin_norm, t.c.email_norm, t.c.first_name, t.c.last_name, *company_cols
        ).where(or_(*conds))
        if obj == "contacts":
            q = q.where(func.coalesce(t.c.no_longer_at_company, False).is_(False))
        rows = [dict(r) for r in conn.execute(q.order_by(t.c.id)).mappings()]
        out: dict[str, ExistingPerson] = {}
        for p in people:
            for how in ("linkedin", "email", "name"):
                hit = next((r for r in rows if _same(how, p, r) and _at_company(obj, p, r)), None)
                if hit is not None:
                    out[p.key] = ExistingPerson(obj, str(hit["id"]), f"{how}+company")  # type: ignore[arg-type]
                    break
        return out

    def create_leads(self, intents: Sequence[LeadCreate]) -> list[WriteResult]:
        """Insert the leads that do not exist yet; each result carries the (deterministic) lead id."""
        leads = self._t["leads"]
        now = self._clock()
        results: list[WriteResult] = []
        with self._engine.begin() as conn:
            for i in range(0, len(intents), _CHUNK):
                part = intents[i : i + _CHUNK]
                ids = [lead_id_for(it.idempotency_key) for it in part]
                have = {r for (r,) in conn.execute(select(leads.c.id).where(leads.c.id.in_(ids)))}
                rows = []
                for it, lid in zip(part, ids, strict=True):
                    if lid not in have:
                        row = {k: v for k, v in it.fields.items() if k in leads.c}
                        row["email_norm"] = normalize_email(row.get("email"))
                        row["linkedin_norm"] = normalize_linkedin_person(row.get("linkedin_url"))
                        row["id"] = lid
                        row.setdefault("created_at", now)
                        if row.get("created_at") is None:
                            row["created_at"] = now
                        rows.append(row)
                        have.add(lid)
                    results.append(WriteResult(it.idempotency_key, True, lid))
                if rows:
                    cols = sorted({k for r in rows for k in r})
                    conn.execute(insert(leads), [{c: r.get(c) for c in cols} for r in rows])
        return results

    def update_contacts(self, intents: Sequence[ContactUpdate]) -> list[WriteResult]:
        """Set the fields on each contact; a missing contact is a (non-retryable) failed result."""
        contacts = self._t["contacts"]
        results: list[WriteResult] = []
        with self._engine.begin() as conn:
            ids = [it.contact_id for it in intents]
            have: set[str] = set()
            for i in range(0, len(ids), _CHUNK):
                q = select(contacts.c.id).where(contacts.c.id.in_(ids[i : i + _CHUNK]))
                have.update(r for (r,) in conn.execute(q))
            changes: list[tuple[str, dict[str, Any]]] = []
            for it in intents:
                if it.contact_id not in have:
                    results.append(WriteResult(it.idempotency_key, False, error="contact not found"))
                    continue
                changes.append((it.contact_id, {k: v for k, v in it.fields.items() if k in contacts.c}))
                results.append(WriteResult(it.idempotency_key, True, it.contact_id))
            update_by_key(conn, contacts, changes, keep_first=CONTACT_KEEP_FIRST_FIELDS)
        return results

    def api_usage(self) -> ApiUsage | None:
        """No API limit on the built-in store."""
        return None


def _same(how: str, p: PersonLookup, row: Mapping[str, Any]) -> bool:
    if how == "linkedin":
        return bool(p.linkedin_norm) and row["linkedin_norm"] == p.linkedin_norm
    if how == "email":
        return bool(row["email_norm"]) and row["email_norm"] in p.emails
    return (
        bool(p.first_name and p.last_name)
        and _fold(row["first_name"]) == _fold(p.first_name)
        and _fold(row["last_name"]) == _fold(p.last_name)
    )


def _at_company(obj: str, p: PersonLookup, row: Mapping[str, Any]) -> bool:
    domain = (p.company_domain or "").lower()
    if domain and str(row["email_norm"] or "").endswith("@" + domain):
        return True
    if obj == "contacts":
        return bool(p.account_id) and row["account_id"] == p.account_id
    if p.account_id and p.account_id in (row["matched_account_id"], row["converted_account_id"]):
        return True
    return bool(p.company_name and p.company_name.strip()) and _fold(row["company"]) == _fold(p.company_name)


def _fold(value: Any) -> str:
    return " ".join(str(value or "").casefold().split())
