"""Role-scoped detail views: a lead (the "dynamic layout", was → is now, and why to call), a contact, an
account, a signal. Out-of-scope or unknown ids give ``None`` (the caller answers 404).

The statements are in :mod:`jobshift.store.browse.detail`.
"""

from __future__ import annotations

from typing import Any

from jobshift.services.admin.auth import AppUser
from jobshift.services.workspace import Workspace
from jobshift.store.browse import detail
from jobshift.store.browse.detail import forget_reflected_tables, routing_reason

__all__ = [
    "account_detail",
    "contact_detail",
    "forget_reflected_tables",
    "lead_detail",
    "routing_reason",
    "signal_detail",
]


def lead_detail(ws: Workspace, viewer: AppUser, lead_id: str) -> dict[str, Any] | None:
    """A lead with past contact/account, current account, signal and timeline; ``None`` if not visible."""
    with ws.store.connect() as conn:
        return detail.lead_detail(conn, viewer, lead_id)


def contact_detail(ws: Workspace, viewer: AppUser, contact_id: str) -> dict[str, Any] | None:
    """A contact with its account, where they went (the lead whose past contact it is) and timeline."""
    with ws.store.connect() as conn:
        return detail.contact_detail(conn, viewer, contact_id)


def account_detail(ws: Workspace, viewer: AppUser, account_id: str) -> dict[str, Any] | None:
    """An account with its open opportunities, contact counts and leads that moved in or out."""
    with ws.store.connect() as conn:
        return detail.account_detail(conn, viewer, account_id)


def signal_detail(ws: Workspace, viewer: AppUser, signal_id: str) -> dict[str, Any] | None:
    """One signal, if visible."""
    with ws.store.connect() as conn:
        return detail.signal_detail(conn, viewer, signal_id)
