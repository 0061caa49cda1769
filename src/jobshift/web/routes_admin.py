"""Pages: the dashboard (funnel), the runs ledger (admins and managers), settings and users (admins).

Settings: admins view ``jobshift.toml`` with its secrets masked, validate an edited version (same
errors as the CLI) and save it. Users: admins deactivate / reactivate users, change roles, reset
passwords and revoke API tokens (``services/admin/user_admin.py``; every change audited). Managers and reps
get 403 on settings and users, reps also on runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response, StreamingResponse

from jobshift.errors import ConfigError, NotFoundError, UsageError
from jobshift.services.admin import auth as auth_service
from jobshift.services.admin import login_guard, settings_file, user_admin
from jobshift.services.admin.auth import AppUser
from jobshift.services.browse import browse_funnel, reviewing
from jobshift.web.cache import cached
from jobshift.web.charts import monthly_charts
from jobshift.web.deps import WS, CsrfUser, DbId, PageUser, require_roles
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
        review_waiting=reviewing.count(ws, user),
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
def run_quarantine_csv(ws: WS, user: Staff, run_id: DbId) -> Response:
    """The rows a run quarantined, as CSV."""
    if browse_funnel.run_detail(ws, run_id) is None:
        raise NotFoundError(f"no run {run_id}")
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
def settings_page(request: Request, ws: WS, user: Admin) -> Response:
    """The program configuration (jobshift.toml), secrets masked."""
    return _settings_page(request, user, settings_file.read_config_text_masked(ws))


@router.post("/settings/validate", dependencies=[Depends(require_roles("admin"))])
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
        return _settings_page(request, user, settings_file.mask_secrets(text), error=str(exc))
    return _settings_page(request, user, settings_file.read_config_text_masked(ws), ok="Saved.")


def _users_page(
    request: Request, ws: WS, *, error: str | None = None, ok: str | None = None, status_code: int = 200
) -> Response:
    return render(
        request,
        "users.html",
        status_code=422 if error else status_code,
        users=auth_service.list_users(ws),
        roles=auth_service.ROLES,
        tokens=user_admin.list_tokens(ws),
        attempts=login_guard.recent_attempts(ws, limit=20),
        error=error,
        ok=ok,
    )


@router.get("/admin/users")
def users_page(request: Request, ws: WS, user: Admin) -> Response:
    """The app users and their roles, API tokens, recent sign-in attempts; forms to change them."""
    return _users_page(request, ws)


def _admin_change(request: Request, ws: WS, change: Callable[[], str]) -> Response:
    try:
        ok = change()
    except UsageError as exc:
        return _users_page(request, ws, error=str(exc))
    return _users_page(request, ws, ok=ok)


_ADMIN_ONLY = [Depends(require_roles("admin"))]


@router.post("/admin/users", dependencies=_ADMIN_ONLY)
def user_add(
    request: Request,
    ws: WS,
    user: CsrfUser,
    username: Annotated[str, Form(max_length=80)] = "",
    role: Annotated[str, Form()] = "rep",
    crm_user_id: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Add an app user (audited)."""

    def change() -> str:
        user_admin.add_user(
            ws, username.strip(), role, password, crm_user_id.strip() or None, actor=f"web:{user.username}"
        )
        return f"{username.strip()} added as {role}."

    return _admin_change(request, ws, change)


@router.post("/admin/users/{username}/active", dependencies=_ADMIN_ONLY)
def user_set_active(
    request: Request, ws: WS, user: CsrfUser, username: str, active: Annotated[str, Form()] = ""
) -> Response:
    """Deactivate (``active=no``; their sessions end) or reactivate (``active=yes``) a user."""
    on = active == "yes"

    def change() -> str:
        user_admin.set_active(ws, username, on, actor=f"web:{user.username}")
        return f"{username} {'reactivated' if on else 'deactivated'}."

    return _admin_change(request, ws, change)


@router.post("/admin/users/{username}/role", dependencies=_ADMIN_ONLY)
def user_set_role(
    request: Request, ws: WS, user: CsrfUser, username: str, role: Annotated[str, Form()] = ""
) -> Response:
    """Change a user's role (their sessions end)."""

    def change() -> str:
        user_admin.set_role(ws, username, role, actor=f"web:{user.username}")
        return f"{username} is now {role}."

    return _admin_change(request, ws, change)


@router.post("/admin/users/{username}/password", dependencies=_ADMIN_ONLY)
def user_set_password(
    request: Request, ws: WS, user: CsrfUser, username: str, password: Annotated[str, Form()] = ""
) -> Response:
    """Reset a user's password (every session of theirs ends)."""

    def change() -> str:
        user_admin.set_password(ws, username, password, actor=f"web:{user.username}")
        return f"Password of {username} changed; their sessions ended."

    return _admin_change(request, ws, change)


@router.post("/admin/tokens/{token_id}/revoke", dependencies=_ADMIN_ONLY)
def token_revoke(request: Request, ws: WS, user: CsrfUser, token_id: DbId) -> Response:
    """Revoke an API token."""

    def change() -> str:
        info = user_admin.revoke_token(ws, token_id, actor=f"web:{user.username}")
        return f"Token {info.id} of {info.username} revoked."

    return _admin_change(request, ws, change)
