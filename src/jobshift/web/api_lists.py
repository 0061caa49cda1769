"""REST API: leads, signals, contacts and accounts — lists with filters and pagination, records by id.

Same scopes as the pages: a record outside the caller's scope answers 404, as if it did not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from jobshift.errors import NotFoundError
from jobshift.services.admin.auth import AppUser
from jobshift.services.browse import browse, browse_actions, browse_detail
from jobshift.services.browse.lead_why import why_to_call
from jobshift.services.workspace import Workspace
from jobshift.web.deps import WS, ApiUser

router = APIRouter(prefix="/api", tags=["records"])


class ListOut(BaseModel):
    """One page of a list."""

    items: list[dict[str, Any]]
    total: int = Field(description="rows matching the filters (a lower bound when total_exact is false)")
    total_exact: bool = Field(
        True, description="false when more than 1,000 rows match and counting them all would need a join"
    )
    has_more: bool = Field(False, description="whether a next page exists")
    page: int
    per_page: int
    pages: int


class ContactedIn(BaseModel):
    """A contact attempt to record."""

    type: Literal["Call", "Email", "LinkedIn", "Meeting", "Other"] = "Call"
    note: str = Field("", max_length=500)


class DismissIn(BaseModel):
    """Why a lead is wrong."""

    reason: Literal["wrong_person", "wrong_company", "stale", "not_relevant"] = "wrong_person"


Page = Annotated[int, Query(ge=1, le=browse.MAX_PAGE, description="1-based page number")]
PerPage = Annotated[int, Query(ge=1, le=browse.MAX_PER_PAGE)]
Sort = Annotated[str | None, Query(description="sort key, '-' prefix for descending")]
From = Annotated[date | None, Query(alias="from")]


def _page(
    ws: Workspace,
    user: AppUser,
    entity: str,
    filters: dict[str, Any],
    sort: str | None,
    page: int,
    per_page: int,
    mine: bool = False,
) -> ListOut:
    clean = {k: v.isoformat() if isinstance(v, date) else str(v) for k, v in filters.items() if v is not None}
    result = browse.list_page(ws, user, entity, clean, sort=sort, page=page, per_page=per_page, mine=mine)
    return ListOut(
        items=result.rows,
        total=result.total,
        total_exact=result.total_exact,
        has_more=result.has_more,
        page=result.page,
        per_page=result.per_page,
        pages=result.pages,
    )


def _found(record: dict[str, Any] | None, what: str, key: str) -> dict[str, Any]:
    if record is None:
        raise NotFoundError(f"no {what} {key}")
    return record


@router.get("/leads", response_model=ListOut)
def list_leads(
    ws: WS,
    user: ApiUser,
    q: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    type: str | None = None,
    source: str | None = None,
    from_: From = None,
    to: date | None = None,
    mine: bool = False,
    sort: Sort = None,
    page: Page = 1,
    per_page: PerPage = 50,
) -> ListOut:
    """Leads you may see (``mine=true``: only those you own), newest first by default."""
    filters = {
        "q": q,
        "status": status,
        "owner": owner,
        "type": type,
        "source": source,
        "from": from_,
        "to": to,
    }
    return _page(ws, user, "leads", filters, sort, page, per_page, mine)


@router.get("/leads/{lead_id}")
def get_lead(ws: WS, user: ApiUser, lead_id: str) -> dict[str, Any]:
    """One lead with past contact/account, current account, signal and timeline, and ``why`` (the lead
    page's "why call": why it matters, past deals, last activity, persona/ICP fit, observations)."""
    lead = _found(browse_detail.lead_detail(ws, user, lead_id), "lead", lead_id)
    lead["why"] = why_to_call(ws, lead)
    return lead


@router.post("/leads/{lead_id}/contacted", status_code=201)
def lead_contacted(ws: WS, user: ApiUser, lead_id: str, body: ContactedIn) -> dict[str, Any]:
    """Record a contact attempt on the lead (an activity; audited)."""
    return _found(browse_actions.mark_contacted(ws, user, lead_id, body.type, body.note), "lead", lead_id)


@router.post("/leads/{lead_id}/dismiss")
def lead_dismiss(ws: WS, user: ApiUser, lead_id: str, body: DismissIn) -> dict[str, Any]:
    """Dismiss the lead as wrong (status change; audited; counted by the accuracy report)."""
    done = browse_actions.dismiss_lead(ws, user, lead_id, body.reason)
    if done is None:
        raise NotFoundError(f"no lead {lead_id}")
    return {"lead_id": lead_id, "dismissed": done, "reason": body.reason}


@router.get("/signals", response_model=ListOut)
def list_signals(
    ws: WS,
    user: ApiUser,
    q: str | None = None,
    type: str | None = None,
    rule: str | None = None,
    status: str | None = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    from_: From = None,
    to: date | None = None,
    sort: Sort = None,
    page: Page = 1,
    per_page: PerPage = 50,
) -> ListOut:
    """Detected signals you may see, newest first by default."""
    filters = {
        "q": q,
        "type": type,
        "rule": rule,
        "status": status,
        "min_confidence": min_confidence,
        "from": from_,
        "to": to,
    }
    return _page(ws, user, "signals", filters, sort, page, per_page)


@router.get("/signals/{signal_id}")
def get_signal(ws: WS, user: ApiUser, signal_id: str) -> dict[str, Any]:
    """One signal with its evidence."""
    return _found(browse_detail.signal_detail(ws, user, signal_id), "signal", signal_id)


@router.get("/contacts", response_model=ListOut)
def list_contacts(
    ws: WS,
    user: ApiUser,
    q: str | None = None,
    account: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    left: bool | None = None,
    from_: From = None,
    to: date | None = None,
    sort: Sort = None,
    page: Page = 1,
    per_page: PerPage = 50,
) -> ListOut:
    """Tracked contacts (contacts with an account) you may see."""
    filters = {
        "q": q,
        "account": account,
        "status": status,
        "owner": owner,
        "left": None if left is None else str(left),
        "from": from_,
        "to": to,
    }
    return _page(ws, user, "contacts", filters, sort, page, per_page)


@router.get("/contacts/{contact_id}")
def get_contact(ws: WS, user: ApiUser, contact_id: str) -> dict[str, Any]:
    """One contact, with the lead(s) created where they went."""
    return _found(browse_detail.contact_detail(ws, user, contact_id), "contact", contact_id)


@router.get("/accounts", response_model=ListOut)
def list_accounts(
    ws: WS,
    user: ApiUser,
    q: str | None = None,
    type: str | None = None,
    segment: str | None = None,
    target: bool | None = None,
    owner: str | None = None,
    sort: Sort = None,
    page: Page = 1,
    per_page: PerPage = 50,
) -> ListOut:
    """Accounts you may see."""
    filters = {
        "q": q,
        "type": type,
        "segment": segment,
        "owner": owner,
        "target": None if target is None else str(target),
    }
    return _page(ws, user, "accounts", filters, sort, page, per_page)


@router.get("/accounts/{account_id}")
def get_account(ws: WS, user: ApiUser, account_id: str) -> dict[str, Any]:
    """One account with open opportunities and people who joined or left."""
    return _found(browse_detail.account_detail(ws, user, account_id), "account", account_id)
