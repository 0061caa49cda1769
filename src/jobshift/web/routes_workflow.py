"""The rep's workflow pages: "My worklist" with bulk actions, reassigning a lead, undoing a dismissal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from jobshift.services.browse import workflow
from jobshift.services.browse.browse_actions import DISMISS_REASONS
from jobshift.web.deps import WS, CsrfUser, PageUser
from jobshift.web.render import render

router = APIRouter(include_in_schema=False)


def _back(target: str, fallback: str) -> str:
    """A local path to go back to (never another site)."""
    return (
        target if target.startswith("/") and not target.startswith("//") and "\\" not in target else fallback
    )


@router.get("/worklist")
def worklist_page(
    request: Request,
    ws: WS,
    user: PageUser,
    owner: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Open leads of the viewer (a manager or admin: of ``owner``), oldest first, with due dates."""
    data = workflow.worklist(ws, user, owner or None, page=page)
    q = request.query_params
    return render(
        request,
        "worklist.html",
        w=data,
        done=q.get("done"),
        n=q.get("n"),
        skipped=q.get("skipped"),
        dismiss_reasons=DISMISS_REASONS,
        channel=workflow.my_channel(ws, user),
        channels=workflow.CHANNELS,
    )


@router.post("/leads/bulk")
def leads_bulk(
    request: Request,
    ws: WS,
    user: CsrfUser,
    action: Annotated[str, Form()],
    lead_id: Annotated[list[str], Form()],
    activity_type: Annotated[str, Form()] = "Call",
    note: Annotated[str, Form(max_length=500)] = "",
    reason: Annotated[str, Form(max_length=300)] = "",
    dismiss_reason: Annotated[str, Form(max_length=40)] = "not_relevant",
    owner: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=500)] = "/worklist",
) -> Response:
    """Mark contacted, dismiss or reassign the selected leads (those the viewer may change)."""
    res = workflow.bulk(
        ws,
        user,
        action,
        lead_id,
        activity_type=activity_type,
        note=note,
        reason=reason,
        dismiss_reason=dismiss_reason,
        owner=owner,
    )
    back = _back(next, "/worklist")
    sep = "&" if "?" in back else "?"
    return RedirectResponse(
        f"{back}{sep}done={action}&n={len(res.done)}&skipped={len(res.skipped)}", status_code=303
    )


@router.post("/leads/{lead_id}/reassign")
def lead_reassign(
    ws: WS,
    user: CsrfUser,
    lead_id: str,
    owner: Annotated[str, Form(max_length=64)],
    reason: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Give the lead to another CRM user, with a reason (audited; its pending notifications follow)."""
    res = workflow.reassign(ws, user, [lead_id], owner, reason)
    if not res.done and not res.skipped:
        return RedirectResponse(f"/leads/{lead_id}", status_code=303)
    done = "reassigned" if res.done else "unchanged"
    # the lead may now be out of a rep's scope: go back to their worklist then
    target = (
        f"/leads/{lead_id}?done={done}"
        if user.role != "rep"
        else f"/worklist?done=reassign&n={len(res.done)}"
    )
    return RedirectResponse(target, status_code=303)


@router.post("/leads/{lead_id}/undismiss")
def lead_undismiss(ws: WS, user: CsrfUser, lead_id: str) -> Response:
    """Undo a dismissal: the lead and its signal get back the status they had."""
    workflow.undo_dismissal(ws, user, lead_id)
    return RedirectResponse(f"/leads/{lead_id}?done=restored", status_code=303)


@router.post("/me/notifications")
def my_notifications(ws: WS, user: CsrfUser, channel: Annotated[str, Form()]) -> Response:
    """Set where the signed-in user's notifications go (audited)."""
    workflow.set_my_channel(ws, user, channel)
    return RedirectResponse("/worklist?done=channel", status_code=303)
