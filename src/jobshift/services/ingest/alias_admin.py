"""Use case: admins view, add and remove account aliases from the web settings (audited).

The alias table (``services/ingest/aliases.py``) holds other names, domains and LinkedIn pages of CRM
accounts: brands, former names, second websites. ``jobshift import aliases FILE`` adds many at once;
these functions add or remove one, each with an audit entry (object ``account_alias``) in the same
transaction. Detection reads the table at the start of every run.
"""

from __future__ import annotations

from typing import Any

from jobshift.domain.normalize.companies import company_domain
from jobshift.domain.normalize.linkedin import normalize_linkedin_company
from jobshift.errors import ConflictError, NotFoundError, UsageError
from jobshift.services.workspace import Workspace
from jobshift.store import signals as signal_store
from jobshift.store.audit import audit
from jobshift.store.lookups import account_names
from jobshift.utils.timeutil import utcnow

AUDIT_OBJECT = "account_alias"


def alias_rows(ws: Workspace) -> list[dict[str, Any]]:
    """Every alias with its account's name (by account name)."""
    with ws.store.connect() as conn:
        return signal_store.aliases_with_account_names(conn)


def add_alias(
    ws: Workspace,
    account_id: str,
    *,
    name: str = "",
    domain: str = "",
    linkedin_url: str = "",
    actor: str,
) -> dict[str, Any]:
    """Add one alias of ``account_id`` (a name, a website/domain and/or a LinkedIn company page).

    ``UsageError`` when nothing usable is given or the domain / page cannot be read, ``NotFoundError``
    for an unknown account, ``ConflictError`` when the same alias exists already.
    """
    aid = account_id.strip()
    alias_name = " ".join(name.split()) or None
    dom = company_domain(domain.strip() or None)
    li = normalize_linkedin_company(linkedin_url.strip() or None)
    if domain.strip() and not dom:
        raise UsageError(f"{domain.strip()!r} is not a website or domain")
    if linkedin_url.strip() and not li:
        raise UsageError(f"{linkedin_url.strip()!r} is not a LinkedIn company page")
    if not (alias_name or dom or li):
        raise UsageError("give a name, a domain or a LinkedIn company page")
    new = {"account_id": aid, "alias_name": alias_name, "alias_domain": dom, "alias_linkedin_norm": li}
    with ws.store.begin() as conn:
        if aid not in account_names(conn):
            raise NotFoundError(f"no account {aid!r}")
        keys = ("account_id", "alias_name", "alias_domain", "alias_linkedin_norm")
        if any(
            tuple(r[k] for k in keys) == tuple(new[k] for k in keys) for r in signal_store.list_aliases(conn)
        ):
            raise ConflictError("that alias exists already")
        signal_store.add_alias(conn, aid, name=alias_name, domain=dom, linkedin_norm=li, created_at=utcnow())
        audit(conn, actor=actor, action="create", object=AUDIT_OBJECT, record_id=aid, after=new)
    return new


def remove_alias(ws: Workspace, alias_id: int, *, actor: str) -> dict[str, Any]:
    """Remove one alias by id (``NotFoundError`` when there is none); returns the removed row."""
    with ws.store.begin() as conn:
        row = signal_store.delete_alias(conn, alias_id)
        if row is None:
            raise NotFoundError(f"no alias {alias_id}")
        before = {k: row[k] for k in ("account_id", "alias_name", "alias_domain", "alias_linkedin_norm")}
        audit(conn, actor=actor, action="delete", object=AUDIT_OBJECT, record_id=str(alias_id), before=before)
    return row
