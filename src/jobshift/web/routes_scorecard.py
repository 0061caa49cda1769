"""The scorecard: a page (month picker, the 11 graded categories with drill-downs, funnel, attribution)
and ``GET /api/scorecard?month=YYYY-MM`` (the same JSON as ``jobshift scorecard --format json``).

The scorecard grades the whole program, not a team, so it is for admins and managers; reps get 403
on both. A month that has ended is computed once and then read from its stored snapshot (see
docs/scorecard.md); the running month is computed live and marked provisional.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from jobshift.services.admin.auth import AppUser
from jobshift.services.scorecard.scorecard import (
    default_month,
    format_value,
    get_scorecard,
    parse_month,
    shift_month,
)
from jobshift.services.workspace import Workspace
from jobshift.web.deps import WS, require_roles
from jobshift.web.render import render

router = APIRouter()
StaffPage = Annotated[AppUser, Depends(require_roles("admin", "manager"))]
StaffApi = Annotated[AppUser, Depends(require_roles("admin", "manager", api=True))]
MonthParam = Annotated[
    str | None, Query(description="YYYY-MM (default: the last complete month)", pattern=r"^\d{4}-\d{2}$")
]


def _scorecard(ws: Workspace, month: str | None) -> dict[str, Any]:
    return get_scorecard(ws.store, ws.config, parse_month(month) if month else None)


def grade_class(grade: str | None) -> str:
    """CSS class of a grade: ``a`` and ``b`` (at or above benchmark), ``c``, ``d``, ``f``, ``na``."""
    if not grade or grade == "n/a":
        return "grade-na"
    return f"grade-{grade[0].lower()}"


@router.get("/scorecard", include_in_schema=False)
def scorecard_page(request: Request, ws: WS, user: StaffPage, month: MonthParam = None) -> Response:
    """The month's scorecard: grades, values, benchmarks, trend, fixes and drill-downs."""
    payload = _scorecard(ws, month)
    shown = payload["month"]
    latest = shift_month(default_month(), 1)
    return render(
        request,
        "scorecard.html",
        sc=payload,
        prev_month=shift_month(shown, -1),
        next_month=shift_month(shown, 1) if shown < latest else None,
        grade_class=grade_class,
        fmt=format_value,
    )


@router.get("/api/scorecard", tags=["program"])
def scorecard_api(ws: WS, user: StaffApi, month: MonthParam = None) -> Response:
    """The month's scorecard as JSON — identical to ``jobshift scorecard --month M --format json``
    (admins and managers)."""
    payload = _scorecard(ws, month)
    return Response(orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS), media_type="application/json")
