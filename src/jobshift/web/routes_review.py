"""The review queue (managers and admins; reps get 403): uncertain signals, one signal's CRM record and
profile side by side, confirm / reject (CSRF, audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from jobshift.services.admin.auth import AppUser
from jobshift.services.browse import reviewing
from jobshift.services.browse.browse_actions import actor_of
from jobshift.web.deps import WS, csrf_protect, require_roles
from jobshift.web.render import render

router = APIRouter(include_in_schema=False)
Reviewer = Annotated[AppUser, Depends(require_roles(*reviewing.REVIEW_ROLES))]
PER_PAGE = 50


@router.get("/review")
def review_queue(
    request: Request, ws: WS, user: Reviewer, page: Annotated[int, Query(ge=1, le=10_000)] = 1
) -> Response:
    """Uncertain signals waiting for a decision, the longest waiting first."""
    rows = reviewing.queue(ws, user, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    return render(
        request,
        "review.html",
        rows=rows[:PER_PAGE],
        has_more=len(rows) > PER_PAGE,
        page=page,
        total=reviewing.count(ws, user),
        done=request.query_params.get("done"),
        lead=request.query_params.get("lead"),
    )


@router.get("/review/{signal_id}")
def review_signal(request: Request, ws: WS, user: Reviewer, signal_id: str) -> Response:
    """One uncertain signal: the CRM record and the profile side by side, the evidence, what is missing."""
    return render(
        request,
        "review_signal.html",
        r=reviewing.review_page(ws, user, signal_id),
        push_crm=ws.config.push.crm,
    )


@router.post("/review/{signal_id}")
def review_decide(
    request: Request,
    ws: WS,
    user: Annotated[AppUser, Depends(csrf_protect)],
    signal_id: str,
    decision: Annotated[str, Form()],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Confirm (planned into the outbox at once, the lead created now in store mode or with "confirm and
    push") or reject (never raised again) the signal's pair."""
    push = decision == "confirm_push"  # "Confirm and push" (a remote CRM): applied now, not at the next push
    decision = "confirm" if push else decision
    out = reviewing.decide(ws, user, actor_of(user), signal_id, decision, reason, push=push)
    done = "confirmed" if decision == "confirm" else "rejected"
    lead = ""
    if decision == "confirm":
        if out.deferred:
            lead = "&lead=later"
        else:
            lead = "&lead=queued" if out.waiting else ("&lead=created" if out.applied else "")
    return RedirectResponse(f"/review?done={done}&n={len(out.changed)}{lead}", status_code=303)
