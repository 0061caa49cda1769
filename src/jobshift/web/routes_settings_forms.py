"""Settings as forms (admins): persona, ICP, org vocabulary, routing, notification preferences, each tier
and cohort — validated by the config models, errors next to the field, written into ``jobshift.toml``
(comments kept, atomic, audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from jobshift.services.admin import settings_forms
from jobshift.services.admin.auth import AppUser
from jobshift.web.deps import WS, CsrfUser, require_roles
from jobshift.web.render import render

router = APIRouter(include_in_schema=False)
Admin = Annotated[AppUser, Depends(require_roles("admin"))]


def _toc(ws: WS) -> list[tuple[str, str]]:
    return [(k, settings_forms.build_form(ws.config, k).title) for k in settings_forms.form_keys(ws.config)]


@router.get("/settings/forms")
def settings_forms_page(request: Request, ws: WS, user: Admin, form: str = "persona") -> Response:
    """One settings form (``?form=persona``, ``icp``, ``tiers.tier1``, ``cohorts.0``, …) and the list."""
    return render(
        request,
        "settings_forms.html",
        form=settings_forms.build_form(ws.config, form),
        toc=_toc(ws),
        saved=request.query_params.get("saved"),
    )


@router.post("/settings/forms/{key}", dependencies=[Depends(require_roles("admin"))])
async def settings_form_submit(request: Request, ws: WS, user: CsrfUser, key: str) -> Response:
    """Validate one form; save it into jobshift.toml when valid, else show it with its errors (422)."""
    form_data = await request.form()
    data = {k: v for k, v in form_data.items() if isinstance(v, str)}
    form = settings_forms.submit(ws, user, key, data)
    if form.error or any(f.error for f in form.fields):
        return render(request, "settings_forms.html", status_code=422, form=form, toc=_toc(ws), saved=None)
    return RedirectResponse(f"/settings/forms?form={key}&saved={key}", status_code=303)
