"""Pages: the dashboard (funnel), the runs ledger (admins and managers), settings and users.

Settings: admins and managers may view ``jobshift.toml`` and validate an edited version (same errors
as the CLI); only admins save it. Reps get 403 on runs, settings and users.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from jobshift.errors import ConfigError
from jobshift.services import auth as auth_service
from jobshift.services import browse_funnel, settings_file
from jobshift.services.auth import AppUser
from jobshift.web.cache import cached
from jobshift.web.charts import monthly_charts
from jobshift.web.deps import WS, CsrfUser, PageUser, require_roles
from jobshift.web.render import render

router = APIRouter(include_in_schema=False)
Staff = Annotated[AppUser, Depends(require_roles("admin", "manager"))]
Admin = Annotated[AppUser, Depends(require_roles("admin"))]


DASHBOARD_TTL = 60.0


@router.get("/")
def dashboard(request: Request, ws: WS, user: PageUser) -> Response:
    """The funnel (all time) and its last 12 months as server-rendered SVG charts (cached a minute)."""
    report = cached(
        request, ("funnel", user.id), DASHBOARD_TTL, lambda: browse_funnel.funnel_report(ws, user, months=12)
    )
    stages = report.total
    return render(
        request,
        "dashboard.html",
        stages=stages,
        top=max(s["count"] for s in stages),
        months=report.months,
        charts=monthly_charts(report.monthly, report.months),
    )


@router.get("/runs")
def runs_page(request: Request, ws: WS, user: Staff, kind: str | None = None) -> Response:
    """Every run: when, kind, counts, errors, quarantined rows; and the CRM writes that failed for good."""
    return render(
        request,
        "runs.html",
        runs=browse_funnel.runs_with_counts(ws, kind=kind or None),
        kind=kind,
        failed=browse_funnel.failed_writes(ws),
    )


@router.get("/runs/{run_id}/quarantine.csv")
def run_quarantine_csv(ws: WS, user: Staff, run_id: int) -> Response:
    """The rows a run quarantined, as CSV."""
    if browse_funnel.run_detail(ws, run_id) is None:
        raise HTTPException(404, f"no run {run_id}")
    return StreamingResponse(
        browse_funnel.iter_quarantine_csv(ws, run_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="run-{run_id}-quarantine.csv"'},
    )


def _settings_page(
    request: Request, user: AppUser, text: str, *, error: str | None = None, ok: str | None = None
) -> Response:
    return render(
        request,
        "settings.html",
        status_code=422 if error else 200,
        text=text,
        error=error,
        ok=ok,
        can_save=user.is_admin,
    )


@router.get("/settings")
def settings_page(request: Request, ws: WS, user: Staff) -> Response:
    """The program configuration (jobshift.toml)."""
    return _settings_page(request, user, settings_file.read_config_text(ws))


@router.post("/settings/validate", dependencies=[Depends(require_roles("admin", "manager"))])
def settings_validate(request: Request, user: CsrfUser, text: Annotated[str, Form()] = "") -> Response:
    """Validate an edited configuration without saving it."""
    try:
        settings_file.validate_config_text(text)
    except ConfigError as exc:
        return _settings_page(request, user, text, error=str(exc))
    return _settings_page(request, user, text, ok="Valid configuration (not saved).")


@router.post("/settings", dependencies=[Depends(require_roles("admin"))])
def settings_save(request: Request, ws: WS, user: CsrfUser, text: Annotated[str, Form()] = "") -> Response:
    """Validate and save the configuration (admins only; audited)."""
    try:
        settings_file.save_config_text(ws, user, text)
    except ConfigError as exc:
        return _settings_page(request, user, text, error=str(exc))
    return _settings_page(request, user, settings_file.read_config_text(ws), ok="Saved.")


@router.get("/admin/users")
def users_page(request: Request, ws: WS, user: Admin) -> Response:
    """The app users and their roles."""
    return render(request, "users.html", users=auth_service.list_users(ws))
