"""Pages: the outreach draft templates (admins; managers and reps get 403), under Settings.

``/settings/templates`` lists the template sets per rule (signal type) and persona, each built-in or
overridden by the workspace. ``/settings/templates/<set>`` edits a set's e-mail subject, e-mail body and
LinkedIn note with a live preview (HTMX, as you type) rendered against one of the workspace's newest
leads or the sample evidence; problems (Jinja2 syntax errors, unknown variables, a LinkedIn note over
the limit) show next to their field with the line number. Saving validates again and writes the
workspace's template files (what ``jobshift draft`` reads), audited; "Reset to default" deletes the
override. The use cases are in ``services/outreach/template_admin.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from jobshift.errors import ConflictError, UsageError
from jobshift.services.admin.auth import AppUser
from jobshift.services.outreach import template_admin as ta
from jobshift.web.deps import WS, CsrfUser, require_roles
from jobshift.web.render import render

router = APIRouter(include_in_schema=False)
Admin = Annotated[AppUser, Depends(require_roles("admin"))]
_ADMIN_ONLY = [Depends(require_roles("admin"))]
Text = Annotated[str, Form()]


@router.get("/settings/templates")
def templates_page(request: Request, ws: WS, user: Admin) -> Response:
    """The template sets per rule and persona: built-in or the workspace's, and which set leads use."""
    return render(request, "settings_templates.html", sets=ta.list_sets(ws))


def _edit_page(
    request: Request,
    ws: WS,
    name: str,
    texts: dict[str, str],
    lead: str | None,
    *,
    ok: str | None = None,
    error: str | None = None,
    base: str | None = None,
    status_code: int = 422,
) -> Response:
    leads = ta.preview_leads(ws)
    if lead is None:
        lead = leads[0] if leads else ta.ts.SAMPLE.lead_id
    pv = _preview(ws, name, texts, lead)
    info = next(s for s in ta.list_sets(ws) if s.name == name)
    return render(
        request,
        "settings_template_edit.html",
        status_code=status_code if error else 200,
        info=info,
        base_version=base or info.version,
        texts=texts,
        labels=ta.PART_LABELS,
        leads=leads,
        lead=lead,
        sample=ta.ts.SAMPLE.lead_id,
        variables=sorted(ta.VARIABLES),
        pv=pv,
        errs=pv.errors_by_part(),
        note_max=ta.LINKEDIN_NOTE_MAX,
        ok=ok,
        error=error,
    )


def _preview(ws: WS, name: str, texts: dict[str, str], lead: str | None) -> ta.Preview:
    try:
        return ta.preview(ws, name, texts, lead)
    except UsageError as exc:  # an unknown lead id: say so in the preview
        return ta.Preview(lead or "", errors=[ta.FieldError("lead", str(exc))])


@router.get("/settings/templates/{name}")
def template_edit(request: Request, ws: WS, user: Admin, name: str, lead: str | None = None) -> Response:
    """The edit form of one set, with its preview."""
    ta.check_name(name)
    return _edit_page(request, ws, name, ta.current_texts(ws, name), lead)


def _form(email_subject: str, email_body: str, linkedin_note: str) -> dict[str, str]:
    return {"email_subject": email_subject, "email_body": email_body, "linkedin_note": linkedin_note}


@router.post("/settings/templates/{name}/preview", dependencies=_ADMIN_ONLY)
def template_preview(
    request: Request,
    ws: WS,
    user: CsrfUser,
    name: str,
    email_subject: Text = "",
    email_body: Text = "",
    linkedin_note: Text = "",
    lead: Text = "",
    base_version: Text = "",
) -> Response:
    """The preview of the edited texts (an HTMX fragment, or the whole page without JavaScript)."""
    ta.check_name(name)
    texts = _form(email_subject, email_body, linkedin_note)
    if request.headers.get("HX-Request") != "true":
        return _edit_page(request, ws, name, texts, lead or None, base=base_version)
    pv = _preview(ws, name, texts, lead or None)
    return render(
        request,
        "_template_preview.html",
        pv=pv,
        errs=pv.errors_by_part(),
        labels=ta.PART_LABELS,
        note_max=ta.LINKEDIN_NOTE_MAX,
        oob=True,
    )


@router.post("/settings/templates/{name}", dependencies=_ADMIN_ONLY)
def template_save(
    request: Request,
    ws: WS,
    user: CsrfUser,
    name: str,
    email_subject: Text = "",
    email_body: Text = "",
    linkedin_note: Text = "",
    lead: Text = "",
    base_version: Text = "",
) -> Response:
    """Validate and save the set into the workspace's template files (audited); refused when the set
    changed since the form was loaded (``base_version``)."""
    ta.check_name(name)
    texts = _form(email_subject, email_body, linkedin_note)
    try:
        version = ta.save(
            ws,
            name,
            texts,
            actor=f"web:{user.username}",
            lead_id=lead or None,
            base_version=base_version or None,
        )[0]
    except UsageError as exc:  # the edit stays in the form (a conflict: 409, else 422)
        status = 409 if isinstance(exc, ConflictError) else 422
        msg = f"Not saved: {exc}"
        return _edit_page(
            request, ws, name, texts, lead or None, error=msg, base=base_version, status_code=status
        )
    ok = f"Saved {name} (version {version}): the next drafts of its leads use it."
    return _edit_page(request, ws, name, texts, lead or None, ok=ok)


@router.post("/settings/templates/{name}/reset", dependencies=_ADMIN_ONLY)
def template_reset(request: Request, ws: WS, user: CsrfUser, name: str, lead: Text = "") -> Response:
    """Delete the workspace's override of the set (audited): its leads use the built-in texts again."""
    ta.check_name(name)
    version = ta.reset(ws, name, actor=f"web:{user.username}")
    ok = f"{name} reset to the built-in default (version {version})."
    return _edit_page(request, ws, name, ta.current_texts(ws, name), lead or None, ok=ok)
