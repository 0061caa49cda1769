"""Jinja2 templates, their filters, and ``render`` (adds the user and CSRF token to every page)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from jobshift.services.browse.labels import signal_label
from jobshift.services.crm.crm_links import CrmLinks, crm_links
from jobshift.services.display import company_text, field_text, person_of, person_text

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)


def _dt(value: Any, with_time: bool = False) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if with_time else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _money(value: Any) -> str:
    if value is None:
        return ""
    v = float(value)
    if abs(v) >= 1_000_000:
        return f"${v / 1_000_000:,.1f}M"
    if abs(v) >= 10_000:
        return f"${v / 1_000:,.0f}K"
    return f"${v:,.0f}"


def _num(value: Any) -> str:
    return "" if value is None else f"{int(value):,}"


def _pct(value: Any) -> str:
    return "" if value is None else f"{float(value) * 100:.0f}%"


def _slug(value: Any) -> str:
    return "".join(c if c.isalnum() else "-" for c in str(value or "").lower()).strip("-")


def query_with(params: dict[str, Any], **changes: Any) -> str:
    """The query string ``params`` with ``changes`` applied (``None`` removes a key)."""
    merged = {k: v for k, v in params.items() if v not in (None, "")}
    for k, v in changes.items():
        if v is None:
            merged.pop(k, None)
        else:
            merged[k] = v
    return "?" + urlencode(merged) if merged else "?"


def log_share(value: int, top: int) -> float:
    """Bar length share on a log scale, so small late-funnel stages stay visible."""
    if value <= 0 or top <= 0:
        return 0.0
    return max(0.02, math.log10(value + 1) / math.log10(top + 1))


def _person(value: Any, last: object = None) -> str:
    """``person`` filter: a record (first/last or full name) or a first name with ``last``."""
    if value is None or isinstance(value, str):
        return person_text(value, last)
    row = getattr(value, "_mapping", value)
    return person_of(row) if isinstance(row, Mapping) else person_text(value, last)


templates.env.filters.update(dt=_dt, money=_money, num=_num, pct=_pct, slug=_slug, signal_label=signal_label)
# display text (domain/display): `{{ row.title | display('title') }}`, `{{ lead | person }}` or
# `{{ first | person(last) }}`, `{{ company | company(account_name) }}`
templates.env.filters.update(display=field_text, person=_person, company=company_text)
templates.env.globals.update(query_with=query_with, log_share=log_share)


def _crm_links(request: Request) -> CrmLinks:
    ws = getattr(request.app.state, "ws", None)
    return crm_links(ws) if ws is not None else CrmLinks("store", "the built-in store")


def render(request: Request, name: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``name`` with the signed-in user, the session's CSRF token and ``crm`` (links to records in
    the CRM: ``crm.url(object, id, custom)``, ``crm.label``)."""
    context.setdefault("user", getattr(request.state, "user", None))
    context.setdefault("csrf", getattr(request.state, "csrf", ""))
    context.setdefault("crm", _crm_links(request))
    return templates.TemplateResponse(request, name, context, status_code=status_code)
