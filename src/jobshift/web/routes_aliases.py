"""Page: account aliases (admins): other names, domains and LinkedIn pages of CRM accounts.

Company resolution reads them like an account's own name, domain and page (brands, former names,
second websites). Admins add one (account id + name / website / LinkedIn page) or remove one; every
change is audited (``services/ingest/alias_admin.py``). Bulk: ``jobshift import aliases FILE``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from jobshift.errors import UsageError
from jobshift.services.admin.auth import AppUser
from jobshift.services.ingest import alias_admin
from jobshift.web.deps import WS, CsrfUser, DbId, require_roles
from jobshift.web.render import render

router = APIRouter(include_in_schema=False)
Admin = Annotated[AppUser, Depends(require_roles("admin"))]
_ADMIN_ONLY = [Depends(require_roles("admin"))]


def _page(
    request: Request,
    ws: WS,
    *,
    error: str | None = None,
    ok: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "aliases.html",
        status_code=422 if error else 200,
        aliases=alias_admin.alias_rows(ws),
        error=error,
        ok=ok,
        form=form or {},
    )


@router.get("/admin/aliases")
def aliases_page(request: Request, ws: WS, user: Admin) -> Response:
    """Every account alias, a form to add one and a button to remove each."""
    return _page(request, ws)


@router.post("/admin/aliases", dependencies=_ADMIN_ONLY)
def alias_add(
    request: Request,
    ws: WS,
    user: CsrfUser,
    account_id: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    domain: Annotated[str, Form()] = "",
    linkedin_url: Annotated[str, Form()] = "",
) -> Response:
    """Add an alias of an account (audited)."""
    form = {"account_id": account_id, "name": name, "domain": domain, "linkedin_url": linkedin_url}
    try:
        new = alias_admin.add_alias(
            ws,
            account_id,
            name=name,
            domain=domain,
            linkedin_url=linkedin_url,
            actor=f"web:{user.username}",
        )
    except UsageError as exc:
        return _page(request, ws, error=str(exc), form=form)
    what = new["alias_name"] or new["alias_domain"] or new["alias_linkedin_norm"]
    return _page(request, ws, ok=f"Alias {what} added to account {new['account_id']}.")


@router.post("/admin/aliases/{alias_id}/delete", dependencies=_ADMIN_ONLY)
def alias_remove(request: Request, ws: WS, user: CsrfUser, alias_id: DbId) -> Response:
    """Remove an alias (audited)."""
    try:
        row = alias_admin.remove_alias(ws, alias_id, actor=f"web:{user.username}")
    except UsageError as exc:
        return _page(request, ws, error=str(exc))
    what = row["alias_name"] or row["alias_domain"] or row["alias_linkedin_norm"]
    return _page(request, ws, ok=f"Alias {what} of account {row['account_id']} removed.")
