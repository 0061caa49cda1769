"""What a user does on a lead page: mark it contacted, or dismiss it as wrong. Both are audited.

``mark_contacted`` records an activity (so the funnel's *contacted* stage counts it) and moves a lead
that is still new to ``Contacted``. ``dismiss_lead`` sets the lead's status to ``Dismissed`` and its
signal's status to ``dismissed:<reason>``; the accuracy report counts those (wrong person, wrong
company, stale). Nothing is written for a lead the user may not see (``None``: the caller answers 404).
The statements are in :mod:`jobshift.store.browse.actions`.
"""

from __future__ import annotations

from typing import Any

from jobshift.services.admin.auth import AppUser
from jobshift.services.workspace import Workspace
from jobshift.store.browse import actions
from jobshift.store.browse.actions import ACTIVITY_TYPES, DISMISS_REASONS, OPEN_STATUSES

__all__ = ["ACTIVITY_TYPES", "DISMISS_REASONS", "OPEN_STATUSES", "actor_of", "dismiss_lead", "mark_contacted"]


def actor_of(viewer: AppUser) -> str:
    """How the audit log names a web user."""
    return f"web:{viewer.username}"


def mark_contacted(
    ws: Workspace, viewer: AppUser, lead_id: str, activity_type: str = "Call", note: str = ""
) -> dict[str, Any] | None:
    """Record that the viewer contacted the lead; returns the new activity, or ``None`` if not visible."""
    with ws.store.begin() as conn:
        return actions.mark_contacted(conn, viewer, actor_of(viewer), lead_id, activity_type, note)


def dismiss_lead(ws: Workspace, viewer: AppUser, lead_id: str, reason: str = "wrong_person") -> bool | None:
    """Dismiss a lead as wrong; ``None`` if not visible, ``False`` if it was already dismissed."""
    with ws.store.begin() as conn:
        return actions.dismiss_lead(conn, viewer, actor_of(viewer), lead_id, reason)
