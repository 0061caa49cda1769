"""Settings as forms (admins): persona, ICP, org vocabulary, routing, notification preferences, each tier
and cohort (added and removed here too) — validated by the config models, errors next to the field,
written into ``jobshift.toml`` (comments kept, atomic, audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from jobshift.errors import ConflictError
from jobshift.services.admin import settings_entries, settings_forms
from jobshift.services.admin.auth import AppUser
from jobshift.web.deps import WS, CsrfUser, require_roles
from jobshift.web.render import render

router = APIRouter(include_in_schema=False)
Admin = Annotated[AppUser, Depends(require_roles("admin"))]


def _toc(ws: WS) -> list[tuple[str, str]]:
    keys = settings_forms.form_keys(ws.config)
    return [(k, settings_forms.build_form(ws.config, k).title) for k in keys] + [
        (k, f"+ {t}") for k, t in settings_entries.NEW_KEYS.items()
    ]


def _form(ws: WS, key: str) -> settings_forms.SettingsForm:
    if key in settings_entries.NEW_KEYS:
        return settings_entries.blank_form(key)
    return settings_forms.build_form(ws.config, key)


def _removable(key: str) -> bool:
    return key.startswith(("tiers.", "cohorts.")) and key not in settings_entries.NEW_KEYS


@router.get("/settings/forms")
def settings_forms_page(request: Request, ws: WS, user: Admin, form: str = "persona") -> Response:
    """One settings form (``?form=persona``, ``icp``, ``tiers.tier1``, ``cohorts.0``, …) and the list."""
    return render(
        request,
        "settings_forms.html",
        form=_form(ws, form),
        toc=_toc(ws),
        saved=request.query_params.get("saved"),
        removed=request.query_params.get("removed"),
        removable=_removable(form),
    )


@router.post("/settings/forms/{key}", dependencies=[Depends(require_roles("admin"))])
async def settings_form_submit(request: Request, ws: WS, user: CsrfUser, key: str) -> Response:
    """Validate one form; save it into jobshift.toml when valid, else show it with its errors (422)."""
    form_data = await request.form()
    data = {k: v for k, v in form_data.items() if isinstance(v, str)}
    if key in settings_entries.NEW_KEYS:
        form, key = settings_entries.add(ws, user, key, data)
    else:
        form = settings_forms.submit(ws, user, key, data)
    if form.error or any(f.error for f in form.fields):
        return render(
            request,
            "settings_forms.html",
            status_code=422,
            form=form,
            toc=_toc(ws),
            saved=None,
            removable=_removable(form.key),
        )
    return RedirectResponse(f"/settings/forms?form={key}&saved={key}", status_code=303)


@router.post("/settings/forms/{key}/remove", dependencies=[Depends(require_roles("admin"))])
def settings_form_remove(request: Request, ws: WS, user: CsrfUser, key: str) -> Response:
    """Remove a tier or cohort; refused (409, the form shown with the reason) when something needs it."""
    try:
        title = settings_forms.build_form(ws.config, key).title
        settings_entries.remove(ws, user, key)
    except ConflictError as exc:
        form = settings_forms.build_form(ws.config, key)
        form.error = f"Not removed: {exc}"
        return render(
            request,
            "settings_forms.html",
            status_code=409,
            form=form,
            toc=_toc(ws),
            saved=None,
            removable=True,
        )
    return RedirectResponse(f"/settings/forms?form=persona&removed={title}", status_code=303)
