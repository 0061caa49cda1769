"""Role scopes as SQL conditions: what a viewer (admin, manager, rep) may see.

An admin sees everything; a manager sees what belongs to their team (CRM users whose ``manager_id`` is
the manager's CRM user, and the manager); a rep sees their own leads and the contacts of accounts they
own (as AE, BDR or Renewal Manager).
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.sql.elements import KeyedColumnElement

from jobshift.store.browse.search import Unindexed
from jobshift.store.schema import accounts, contacts, leads, signals, users


class Viewer(Protocol):
    """Who looks: a role (``admin``, ``manager``, ``rep``) and the CRM user they act as."""

    @property
    def role(self) -> str: ...

    @property
    def crm_user_id(self) -> str | None: ...


def team_ids(viewer: Viewer) -> Any:
    """CRM user ids whose records the viewer sees: ``None`` for all, else a list or a subquery."""
    if viewer.role == "admin":
        return None
    if not viewer.crm_user_id:
        return []
    if viewer.role == "manager":
        me = viewer.crm_user_id
        return select(users.c.id).where(or_(users.c.manager_id == me, users.c.id == me)).scalar_subquery()
    return [viewer.crm_user_id]


def in_team(col: KeyedColumnElement[Any], team: Any) -> ColumnElement[bool]:
    """``col`` is one of ``team`` (a list or a subquery of CRM user ids; an empty list matches nothing)."""
    if isinstance(team, list) and not team:
        return false()
    return col.in_(team)


def lead_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Leads the viewer may see."""
    team = team_ids(viewer)
    return true() if team is None else in_team(leads.c.owner_id, team)


def account_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Accounts the viewer may see (owned as AE, BDR or Renewal Manager)."""
    team = team_ids(viewer)
    if team is None:
        return true()
    return or_(
        in_team(accounts.c.owner_id, team),
        in_team(accounts.c.bdr_id, team),
        in_team(accounts.c.renewal_manager_id, team),
    )


def contact_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Contacts the viewer may see: their own and their accounts' contacts."""
    team = team_ids(viewer)
    if team is None:
        return true()
    mine = select(accounts.c.id).where(account_scope(viewer))
    return or_(in_team(contacts.c.owner_id, team), contacts.c.account_id.in_(mine))


def signal_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Signals whose lead the viewer sees, or whose contact (or its account at detection) is theirs."""
    if viewer.role == "admin":
        return true()
    team = team_ids(viewer)
    mine = select(accounts.c.id).where(account_scope(viewer))
    owned = select(contacts.c.id).where(in_team(contacts.c.owner_id, team))
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
