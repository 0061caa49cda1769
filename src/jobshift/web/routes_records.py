"""Pages: one lead (the "dynamic layout"), one contact, one account; lead actions (contacted, dismiss)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from jobshift.errors import NotFoundError
from jobshift.services.browse import browse_actions, browse_detail, workflow
from jobshift.services.browse.lead_why import why_to_call
from jobshift.services.outreach.drafting import lead_draft
from jobshift.web.deps import WS, CsrfUser, PageUser
from jobshift.web.render import render

router = APIRouter(include_in_schema=False)


def _lead_page(request: Request, ws: WS, user: PageUser, lead_id: str, notice: str | None = None) -> Response:
    lead = browse_detail.lead_detail(ws, user, lead_id)
    if lead is None:
        raise NotFoundError(f"no lead {lead_id} that you can see")
    return render(
        request,
        "lead.html",
        lead=lead,
        why=why_to_call(ws, lead),
        owners=workflow.hand_off_owners(ws, user),
        drafts=lead_draft(ws, lead_id),
        notice=notice,
        activity_types=browse_actions.ACTIVITY_TYPES,
        dismiss_reasons=browse_actions.DISMISS_REASONS,
    )


@router.get("/leads/{lead_id}")
def lead_page(request: Request, ws: WS, user: PageUser, lead_id: str, done: str | None = None) -> Response:
    """Who this person was to us and who they are now, the evidence, and the timeline."""
    notices = {
        "contacted": "Marked as contacted.",
        "dismissed": "Lead dismissed.",
        "reassigned": "Lead reassigned.",
        "unchanged": "The lead already had that owner.",
        "restored": "Dismissal undone.",
    }
    return _lead_page(request, ws, user, lead_id, notices.get(done or ""))


def _after_action(request: Request, ws: WS, user: PageUser, lead_id: str, done: str) -> Response:
    if request.headers.get("hx-request"):
        notices = {"contacted": "Marked as contacted.", "dismissed": "Lead dismissed."}
        return _lead_page(request, ws, user, lead_id, notices[done])
    return RedirectResponse(f"/leads/{lead_id}?done={done}", status_code=303)


@router.post("/leads/{lead_id}/contacted")
def lead_contacted(
    request: Request,
    ws: WS,
    user: CsrfUser,
    lead_id: str,
    activity_type: Annotated[str, Form()] = "Call",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Record a contact attempt (an activity) on the lead."""
    done = browse_actions.mark_contacted(ws, user, lead_id, activity_type, note)
    if done is None:
        raise NotFoundError(f"no lead {lead_id} that you can see")
    return _after_action(request, ws, user, lead_id, "contacted")


@router.post("/leads/{lead_id}/dismiss")
def lead_dismiss(
    request: Request,
    ws: WS,
    user: CsrfUser,
    lead_id: str,
    reason: Annotated[str, Form()] = "wrong_person",
) -> Response:
    """Dismiss the lead as wrong (feeds the accuracy report)."""
    done = browse_actions.dismiss_lead(ws, user, lead_id, reason)
    if done is None:
        raise NotFoundError(f"no lead {lead_id} that you can see")
    return _after_action(request, ws, user, lead_id, "dismissed")


@router.get("/contacts/{contact_id}")
def contact_page(request: Request, ws: WS, user: PageUser, contact_id: str) -> Response:
    """A contact; "No longer at company" with a link to where they went."""
    contact = browse_detail.contact_detail(ws, user, contact_id)
    if contact is None:
        raise NotFoundError(f"no contact {contact_id} that you can see")
    return render(request, "contact.html", contact=contact)


@router.get("/accounts/{account_id}")
def account_page(request: Request, ws: WS, user: PageUser, account_id: str) -> Response:
    """An account: type, open opportunities, people who joined or left."""
    account = browse_detail.account_detail(ws, user, account_id)
    if account is None:
        raise NotFoundError(f"no account {account_id} that you can see")
    return render(request, "account.html", account=account)
