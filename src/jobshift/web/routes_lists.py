"""Pages: the lists (leads — all / mine —, signals, tracked contacts, accounts) and their CSV exports.

Filtering, sorting and pagination are query parameters, so every view is a link. With HTMX the filter
form and the pager swap only the results table (and push the URL); without JavaScript they reload.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from jobshift.errors import InvalidValueError, UsageError
from jobshift.services.admin.auth import AppUser
from jobshift.services.browse import browse
from jobshift.services.workspace import Workspace
from jobshift.utils.timeutil import utcnow
from jobshift.web.cache import cached
from jobshift.web.deps import WS, PageUser
from jobshift.web.render import render

router = APIRouter(include_in_schema=False)

# (key, label, kind, sort key): kind says how a cell is drawn (see templates/_table.html)
COLUMNS: dict[str, list[tuple[str, str, str, str | None]]] = {
    "leads": [
        ("name", "Name", "lead", "name"),
        ("title", "Title", "text", None),
        ("company", "Company", "text", "company"),
        ("past_company", "Past company", "text", None),
        ("signal_type", "Signal", "badge", None),
        ("status", "Status", "badge", "status"),
        ("owner_name", "Owner", "text", "owner"),
        ("job_started_date", "Started", "text", "started"),
        ("created_at", "Created", "date", "created"),
    ],
    "signals": [
        ("full_name", "Person", "signal", "name"),
        ("type", "Type", "badge", "type"),
        ("past_company", "Past company", "text", None),
        ("new_company", "New company", "text", None),
        ("new_title", "New title", "text", None),
        ("confidence", "Confidence", "pct", "confidence"),
        ("match_rule", "Rule", "small", None),
        ("status", "Status", "badge", None),
        ("detected_at", "Detected", "date", "detected"),
    ],
    "contacts": [
        ("name", "Name", "contact", "name"),
        ("title", "Title", "text", None),
        ("account_name", "Account", "account", "account"),
        ("account_type", "Account type", "text", None),
        ("status", "Status", "badge", "status"),
        ("no_longer_at_company", "Left", "left", None),
        ("owner_name", "Owner", "text", None),
    ],
    "accounts": [
        ("name", "Name", "account", "name"),
        ("domain", "Domain", "text", None),
        ("type", "Type", "badge", "type"),
        ("segment", "Segment", "text", "segment"),
        ("is_target", "Target", "bool", None),
        ("industry", "Industry", "text", None),
        ("employees", "Employees", "num", "employees"),
        ("owner_name", "AE", "text", None),
        ("bdr_name", "BDR", "text", None),
    ],
}

# (name, label, kind, options key)
FILTERS: dict[str, list[tuple[str, str, str, str | None]]] = {
    "leads": [
        ("q", "Search", "text", None),
        ("type", "Signal", "select", "signal_type"),
        ("status", "Status", "select", "lead_status"),
        ("source", "Source", "select", "lead_source"),
        ("owner", "Owner", "owner", "owners"),
        ("from", "Created from", "date", None),
        ("to", "to", "date", None),
    ],
    "signals": [
        ("q", "Search", "text", None),
        ("type", "Type", "select", "signal_type"),
        ("rule", "Rule", "text", None),
        ("status", "Status", "select", "signal_status"),
        ("min_confidence", "Min. confidence", "text", None),
        ("from", "Detected from", "date", None),
        ("to", "to", "date", None),
    ],
    "contacts": [
        ("q", "Search", "text", None),
        ("account", "Account id", "text", None),
        ("status", "Status", "select", "contact_status"),
        ("left", "Left company", "yesno", None),
        ("owner", "Owner", "owner", "owners"),
    ],
    "accounts": [
        ("q", "Search", "text", None),
        ("type", "Type", "select", "account_type"),
        ("segment", "Segment", "select", "segment"),
        ("target", "Target", "yesno", None),
        ("owner", "Owner", "owner", "owners"),
    ],
}
TITLES = {"leads": "Leads", "signals": "Signals", "contacts": "Tracked contacts", "accounts": "Accounts"}
_OPTIONS_TTL = 60.0


def _options(request: Request, ws: Workspace, user: AppUser) -> dict[str, list[Any]]:
    """Filter drop-down values, cached a minute per user (they need full scans on big tables)."""
    return cached(request, ("filter_options", user.id), _OPTIONS_TTL, lambda: browse.filter_options(ws, user))


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidValueError(f"{name}: not a number (got {raw!r})") from None


def _filters(request: Request, entity: str) -> dict[str, str]:
    names = {f[0] for f in FILTERS[entity]}
    return {k: v for k, v in request.query_params.items() if k in names and v.strip()}


def _list_page(request: Request, ws: Workspace, user: AppUser, entity: str) -> Response:
    filters = _filters(request, entity)
    mine = entity == "leads" and request.query_params.get("view") == "mine"
    sort = request.query_params.get("sort") or None
    page_no, per_page = _int(request, "page", 1), _int(request, "per_page", 50)
    error = None
    try:
        page = browse.list_page(
            ws, user, entity, filters, sort=sort, page=page_no, per_page=per_page, mine=mine
        )
    except UsageError as exc:
        error = str(exc)
        page = browse.Page(rows=[], total=0, page=1, per_page=50)
    for row in page.rows:
        if "last_name" in row:
            row["name"] = " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)
    params = dict(request.query_params)
    context = {
        "entity": entity,
        "title": ("My leads" if mine else "All leads") if entity == "leads" else TITLES[entity],
        "page": page,
        "columns": COLUMNS[entity],
        "filters": FILTERS[entity],
        "options": _options(request, ws, user),
        "params": params,
        "sort": sort or browse.SPECS[entity].default_sort,
        "error": error,
        "mine": mine,
    }
    partial = request.headers.get("hx-request") and request.headers.get("hx-target") == "results"
    return render(
        request, "_results.html" if partial else "list.html", status_code=422 if error else 200, **context
    )


def _csv(request: Request, ws: Workspace, user: AppUser, entity: str) -> Response:
    filters = _filters(request, entity)
    mine = entity == "leads" and request.query_params.get("view") == "mine"
    sort = request.query_params.get("sort") or None
    browse.list_page(ws, user, entity, filters, sort=sort, per_page=1, mine=mine)  # validates
    name = f"{entity}-{utcnow():%Y%m%d-%H%M%S}.csv"
    return StreamingResponse(
        browse.iter_csv(ws, user, entity, filters, sort=sort, mine=mine),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/leads")
def leads_page(request: Request, ws: WS, user: PageUser) -> Response:
    """All leads (``?view=mine``: the viewer's own)."""
    return _list_page(request, ws, user, "leads")


@router.get("/leads.csv")
def leads_csv(request: Request, ws: WS, user: PageUser) -> Response:
    """The filtered leads as CSV."""
    return _csv(request, ws, user, "leads")


@router.get("/signals")
def signals_page(request: Request, ws: WS, user: PageUser) -> Response:
    """Detected signals."""
    return _list_page(request, ws, user, "signals")


@router.get("/signals.csv")
def signals_csv(request: Request, ws: WS, user: PageUser) -> Response:
    """The filtered signals as CSV."""
    return _csv(request, ws, user, "signals")


@router.get("/contacts")
def contacts_page(request: Request, ws: WS, user: PageUser) -> Response:
    """Tracked contacts (contacts with an account)."""
    return _list_page(request, ws, user, "contacts")


@router.get("/contacts.csv")
def contacts_csv(request: Request, ws: WS, user: PageUser) -> Response:
    """The filtered contacts as CSV."""
    return _csv(request, ws, user, "contacts")


@router.get("/accounts")
def accounts_page(request: Request, ws: WS, user: PageUser) -> Response:
    """Accounts."""
    return _list_page(request, ws, user, "accounts")


@router.get("/accounts.csv")
def accounts_csv(request: Request, ws: WS, user: PageUser) -> Response:
    """The filtered accounts as CSV."""
    return _csv(request, ws, user, "accounts")
