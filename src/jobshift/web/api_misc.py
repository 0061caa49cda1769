"""REST API: who am I, the funnel, the runs ledger (admins and managers) and settings validation
(admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from jobshift.errors import ConfigError, NotFoundError
from jobshift.services.admin import settings_file
from jobshift.services.admin.auth import AppUser
from jobshift.services.browse import browse_funnel
from jobshift.web.deps import WS, ApiUser, DbId, require_roles

router = APIRouter(prefix="/api", tags=["program"])
Staff = Annotated[AppUser, Depends(require_roles("admin", "manager", api=True))]
Admin = Annotated[AppUser, Depends(require_roles("admin", api=True))]


@router.get("/me")
def me(user: ApiUser) -> dict[str, Any]:
    """The authenticated user."""
    return {"username": user.username, "role": user.role, "crm_user_id": user.crm_user_id}


@router.get("/funnel")
def funnel(ws: WS, user: ApiUser) -> list[dict[str, Any]]:
    """tracked → detected → pushed → contacted → meeting → pipeline → won, scoped to you."""
    return browse_funnel.funnel(ws, user)


@router.get("/runs")
def list_runs(ws: WS, user: Staff, kind: str | None = None) -> list[dict[str, Any]]:
    """Runs, newest first, with counts, errors and quarantined row counts."""
    return browse_funnel.runs_with_counts(ws, kind=kind)


@router.get("/runs/{run_id}")
def get_run(ws: WS, user: Staff, run_id: DbId) -> dict[str, Any]:
    """One run."""
    run = browse_funnel.run_detail(ws, run_id)
    if run is None:
        raise NotFoundError(f"no run {run_id}")
    return run


@router.post("/settings/validate")
def validate_settings(
    user: Admin, text: Annotated[str, Body(media_type="text/plain", description="a jobshift.toml")]
) -> dict[str, Any]:
    """Validate a jobshift.toml text: ``{"valid": true}`` or the error with its key path (admins)."""
    try:
        settings_file.validate_config_text(text)
    except ConfigError as exc:
        return {"valid": False, "error": str(exc), "key_path": exc.key_path}
    return {"valid": True}
