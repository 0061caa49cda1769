"""The scorecard: a page (month picker, the 11 graded categories, each category's grade history, the
funnel over the last 12 months, attribution, short drill-downs), a paged page per drill-down list
(``/scorecard/drill/{category}?month=&list=&page=``) and ``GET /api/scorecard?month=YYYY-MM`` (the same
JSON as ``jobshift scorecard --format json``).

The scorecard grades the whole program, not a team, so it is for admins and managers; reps get 403
on both. A month that has ended is computed once and then read from its stored snapshot (see
docs/scorecard.md); the running month is computed live and marked provisional.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from jobshift.errors import NotFoundError
from jobshift.services.admin.auth import AppUser
from jobshift.services.browse import browse_funnel
from jobshift.services.scorecard.scorecard import (
    GRADES,
    default_month,
    format_value,
    get_scorecard,
    parse_month,
    shift_month,
)
from jobshift.services.scorecard.scorecard import grade_history as sc_history
from jobshift.services.workspace import Workspace
from jobshift.web.cache import cached
from jobshift.web.charts import grade_history, monthly_charts
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
    report = cached(
        request, ("funnel", user.id), 60.0, lambda: browse_funnel.funnel_report(ws, user, months=12)
    )
    points = sc_history(ws.store, payload, months=HISTORY_MONTHS)
    history = grade_history(payload["categories"], GRADES, grade_class, points)
    return render(
        request,
        "scorecard.html",
        sc=payload,
        prev_month=shift_month(shown, -1),
        next_month=shift_month(shown, 1) if shown < latest else None,
        grade_class=grade_class,
        fmt=format_value,
        history=history,
        charts=monthly_charts(report.monthly, report.months),
        months=report.months,
        preview_rows=DRILL_PREVIEW,
    )


HISTORY_MONTHS = 12
"""Stored months the grade history charts show before the month on the page."""
DRILL_PREVIEW = 10
"""Rows of each drill-down list on the scorecard page; the rest are on the list's own paged page."""
DRILL_PAGE = 25


def drill_lists(drill: dict[str, Any]) -> list[str]:
    """The keys of a drill-down that are lists of records (each gets a paged page)."""
    return [k for k, v in drill.items() if isinstance(v, list) and v and isinstance(v[0], dict)]


@router.get("/scorecard/drill/{key}", include_in_schema=False)
def scorecard_drill(
    request: Request,
    ws: WS,
    user: StaffPage,
    key: str,
    month: MonthParam = None,
    list_: Annotated[str | None, Query(alias="list")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """One category's drill-down on its own page: its counts, and one of its record lists paged."""
    payload = _scorecard(ws, month)
    cat = next((c for c in payload["categories"] if c["key"] == key), None)
    if cat is None:
        raise NotFoundError(f"no scorecard category {key!r}")
    lists = drill_lists(cat["drilldown"])
    chosen = list_ if list_ in lists else (lists[0] if lists else None)
    rows = cat["drilldown"][chosen] if chosen else []
    pages = max(1, -(-len(rows) // DRILL_PAGE))
    page = min(page, pages)
    return render(
        request,
        "scorecard_drill.html",
        sc=payload,
        c=cat,
        lists=lists,
        chosen=chosen,
        rows=rows[(page - 1) * DRILL_PAGE : page * DRILL_PAGE],
        total=len(rows),
        page=page,
        pages=pages,
        grade_class=grade_class,
        fmt=format_value,
    )


@router.get("/api/scorecard", tags=["program"])
def scorecard_api(ws: WS, user: StaffApi, month: MonthParam = None) -> Response:
    """The month's scorecard as JSON — identical to ``jobshift scorecard --month M --format json``
    (admins and managers)."""
    payload = _scorecard(ws, month)
    return Response(orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS), media_type="application/json")
