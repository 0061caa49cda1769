"""The rep's daily workflow: "My worklist" (new and not yet contacted leads, oldest first, each with the
date it is due — the next run of the first tier's cadence after the lead arrived, when the next batch
lands), reassigning with a reason, bulk actions (mark contacted, dismiss, reassign) and undoing a
dismissal. Reps act on their own leads, managers on their team's, admins on all (the lead scope).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jobshift.domain.cadence import next_due
from jobshift.errors import ForbiddenError, InvalidValueError, NotFoundError
from jobshift.services.admin.auth import AppUser
from jobshift.services.browse.browse_actions import actor_of
from jobshift.services.workspace import Workspace
from jobshift.store import notifications as nstore
from jobshift.store.audit import audit
from jobshift.store.browse import actions, workflow
from jobshift.utils.timeutil import utcnow

BULK_ACTIONS = ("contacted", "dismiss", "reassign")
MAX_BULK = 500


@dataclass
class BulkResult:
    """What a bulk action did: leads changed, and leads skipped (not visible, or nothing to do)."""

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def due_cadence(ws: Workspace) -> str | None:
    """The cadence due dates follow: the first tier's (``[tiers]``), ``None`` without tiers."""
    tiers = list(ws.config.tiers.values())
    return tiers[0].cadence if tiers else None


def worklist(
    ws: Workspace, viewer: AppUser, owner: str | None = None, *, page: int = 1, per_page: int = 50
) -> dict[str, Any]:
    """A page of ``owner``'s (default: the viewer's) open leads, oldest first, with ``due`` and
    ``overdue``. A manager may open a team member's list, an admin anyone's; a rep only their own."""
    if not 1 <= page <= 10_000:
        raise InvalidValueError("page must be between 1 and 10,000")
    owner = owner or viewer.crm_user_id
    if owner and owner != viewer.crm_user_id and viewer.role == "rep":
        raise ForbiddenError("a rep sees their own worklist only")
    cadence, now = due_cadence(ws), utcnow()
    with ws.store.connect() as conn:
        owners = workflow.owners_for(conn, viewer)
        mine = owner == viewer.crm_user_id
        if owner and not mine and viewer.role == "manager" and owner not in {uid for uid, _ in owners}:
            raise NotFoundError(f"no team member {owner}")
        rows, more = workflow.worklist(conn, viewer, owner, limit=per_page, offset=(page - 1) * per_page)
    for r in rows:
        created = r["created_at"]
        r["due"] = next_due(cadence, created).date() if cadence and isinstance(created, datetime) else None
        r["overdue"] = bool(r["due"] and r["due"] < now.date())
    return {
        "rows": rows,
        "has_more": more,
        "page": page,
        "owner": owner,
        "owners": owners,
        "cadence": cadence,
    }


def _check_owner(ws: Workspace, viewer: AppUser, new_owner: str) -> None:
    with ws.store.connect() as conn:
        allowed = {uid for uid, _ in workflow.owners_for(conn, viewer)}
    if new_owner not in allowed:
        raise InvalidValueError(f"{new_owner!r} is not a CRM user you may hand leads to")


def _ids(lead_ids: list[str]) -> list[str]:
    ids = list(dict.fromkeys(i.strip() for i in lead_ids if i and i.strip()))
    if not ids:
        raise InvalidValueError("select at least one lead")
    if len(ids) > MAX_BULK:
        raise InvalidValueError(f"at most {MAX_BULK} leads at once")
    return ids


def reassign(ws: Workspace, viewer: AppUser, lead_ids: list[str], new_owner: str, reason: str) -> BulkResult:
    """Give the leads to ``new_owner`` with a reason (required; audited; pending notifications follow)."""
    reason = reason.replace("\x00", "").strip()[:300]
    if not reason:
        raise InvalidValueError("say why the lead is reassigned")
    ids = _ids(lead_ids)
    _check_owner(ws, viewer, new_owner)
    out, now, actor = BulkResult(), utcnow(), actor_of(viewer)
    with ws.store.begin() as conn:
        for lead_id in ids:
            done = workflow.reassign(conn, viewer, actor, lead_id, new_owner, reason, now)
            (out.done if done else out.skipped).append(lead_id)
    return out


def bulk(ws: Workspace, viewer: AppUser, action: str, lead_ids: list[str], **params: str) -> BulkResult:
    """Apply ``action`` (contacted, dismiss, reassign) to every lead of ``lead_ids`` the viewer may
    change, in one transaction; ``params``: ``activity_type``/``note`` (contacted), ``dismiss_reason``
    (dismiss), ``owner``/``reason`` (reassign)."""
    if action not in BULK_ACTIONS:
        raise InvalidValueError(f"action must be one of {', '.join(BULK_ACTIONS)}")
    if action == "reassign":
        return reassign(ws, viewer, lead_ids, params.get("owner", ""), params.get("reason", ""))
    ids = _ids(lead_ids)
    out, actor = BulkResult(), actor_of(viewer)
    with ws.store.begin() as conn:
        for lead_id in ids:
            if action == "contacted":
                done: Any = actions.mark_contacted(
                    conn, viewer, actor, lead_id, params.get("activity_type", "Call"), params.get("note", "")
                )
            else:
                done = actions.dismiss_lead(
                    conn, viewer, actor, lead_id, params.get("dismiss_reason") or "not_relevant"
                )
            (out.done if done else out.skipped).append(lead_id)
    return out


def undo_dismissal(ws: Workspace, viewer: AppUser, lead_id: str) -> bool:
    """Give a dismissed lead back its status (audited); ``False`` when it was not dismissed."""
    with ws.store.begin() as conn:
        done = workflow.undo_dismissal(conn, viewer, actor_of(viewer), lead_id)
    if done is None:
        raise NotFoundError(f"no lead {lead_id} that you can see")
    return done


def hand_off_owners(ws: Workspace, viewer: AppUser) -> list[tuple[str, str]]:
    """CRM users the viewer may reassign leads to, ``(id, name)``."""
    with ws.store.connect() as conn:
        return workflow.owners_for(conn, viewer)


CHANNELS = ("slack", "email", "both", "digest", "none")
"""Where a user's notifications go (``jobshift notify --set-pref``)."""


def my_channel(ws: Workspace, viewer: AppUser) -> str | None:
    """The viewer's notification channel (``None``: no CRM user; the default when none is set)."""
    if not viewer.crm_user_id:
        return None
    with ws.store.connect() as conn:
        return nstore.get_prefs(conn).get(viewer.crm_user_id, ws.config.notifications.default_channel)


def set_my_channel(ws: Workspace, viewer: AppUser, channel: str) -> None:
    """Set the viewer's own notification channel (audited)."""
    if channel not in CHANNELS:
        raise InvalidValueError(f"channel must be one of {', '.join(CHANNELS)}")
    if not viewer.crm_user_id:
        raise InvalidValueError("your login is not linked to a CRM user: it gets no notifications")
    before = my_channel(ws, viewer)
    with ws.store.begin() as conn:
        nstore.set_pref(conn, viewer.crm_user_id, channel, utcnow())
        audit(
            conn,
            actor=actor_of(viewer),
            action="update",
            object="notification_prefs",
            record_id=viewer.crm_user_id,
            before={"channel": before},
            after={"channel": channel},
        )
