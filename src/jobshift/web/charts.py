"""Geometry of the server-drawn SVG charts: the funnel's small multiples (one bar chart per stage and
month, dashboard and scorecard) and each scorecard category's grade history.

The templates draw what this computes (bar positions and heights, axis labels), so the SVG needs no
JavaScript and each chart has its own scale: a stage of 3 won deals is as readable as 40,000 tracked
contacts. Money stages (pipeline, won) get a second chart of their amounts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 300, 120, 18, 20, 4
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Bar:
    """One month's bar."""

    x: float
    y: float
    w: float
    h: float
    month: str
    label: str
    value: float


@dataclass
class Chart:
    """One stage's chart: title, bars, the largest value, x-axis labels and the latest value."""

    key: str
    title: str
    money: bool
    bars: list[Bar]
    top: float
    axis: list[tuple[float, str]]
    latest: float
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM


def month_label(month: str) -> str:
    """``2026-03`` → ``Mar``; January shows the year (``Jan 26``)."""
    year, m = month.split("-")
    name = _MONTHS[int(m) - 1]
    return f"{name} {year[2:]}" if m == "01" else name


def _chart(key: str, title: str, values: list[float], months: list[str], money: bool) -> Chart:
    n = max(1, len(values))
    slot = (WIDTH - LEFT) / n
    top = max(values, default=0.0)
    usable = HEIGHT - TOP - BOTTOM
    bars = []
    for i, (v, m) in enumerate(zip(values, months, strict=True)):
        h = 0.0 if top <= 0 else max(1.0 if v > 0 else 0.0, usable * v / top)
        bars.append(
            Bar(
                x=round(LEFT + i * slot + slot * 0.15, 1),
                y=round(HEIGHT - BOTTOM - h, 1),
                w=round(slot * 0.7, 1),
                h=round(h, 1),
                month=m,
                label=month_label(m),
                value=v,
            )
        )
    axis = [
        (round(b.x + b.w / 2, 1), f"{b.label} {b.month[2:4]}" if i == 0 and " " not in b.label else b.label)
        for i, b in enumerate(bars)
        if i % 3 == 0 or i == n - 1
    ]
    return Chart(key, title, money, bars, top, axis, values[-1] if values else 0.0)


def monthly_charts(monthly: dict[str, list[dict[str, Any]]], months: list[str]) -> list[Chart]:
    """The small multiples, in funnel order: a count chart per stage, an amount chart for money stages."""
    charts = []
    for stage, points in monthly.items():
        title = "Tracked at month end" if stage == "tracked" else stage.capitalize()
        charts.append(_chart(stage, title, [float(p["count"]) for p in points], months, money=False))
        if any(p["amount"] is not None for p in points):
            amounts = [float(p["amount"] or 0) for p in points]
            charts.append(
                _chart(f"{stage}-amount", f"{stage.capitalize()} amount", amounts, months, money=True)
            )
    return charts


@dataclass
class GradeBar:
    """One month's grade of a category: a bar as tall as the grade is good."""

    x: float
    y: float
    w: float
    h: float
    month: str
    label: str
    grade: str
    css: str


@dataclass
class GradeChart:
    """A category's grade history (the stored months of its trend, then the month shown)."""

    key: str
    number: int
    name: str
    bars: list[GradeBar]
    b_line: float
    width: int = 220
    height: int = 64


def grade_history(
    categories: list[dict[str, Any]],
    grades: tuple[str, ...],
    css: Callable[[str | None], str],
    history: dict[str, list[dict[str, Any]]],
) -> list[GradeChart]:
    """Per category, a bar per month of ``history[key]`` (oldest first) whose height is its grade
    (``grades`` best first; ``n/a`` is a stub); ``b_line`` marks grade B, the benchmark."""
    width, height, top, bottom = 220, 64, 6, 16
    usable = height - top - bottom
    rank = {g: len(grades) - i for i, g in enumerate(grades)}  # A+ highest, F = 1
    out = []
    for c in categories:
        points = history.get(c["key"]) or [{"month": "", "grade": c.get("grade")}]
        slot = width / max(1, len(points))
        bars = []
        for i, p in enumerate(points):
            g = p.get("grade") or "n/a"
            h = usable * rank.get(g, 0) / len(grades) if g in rank else 2.0
            bars.append(
                GradeBar(
                    x=round(i * slot + slot * 0.15, 1),
                    y=round(height - bottom - h, 1),
                    w=round(slot * 0.7, 1),
                    h=round(h, 1),
                    month=str(p.get("month") or ""),
                    label=month_label(p["month"]) if p.get("month") else "",
                    grade=g,
                    css=css(g),
                )
            )
        b_line = round(height - bottom - usable * rank.get("B", 0) / len(grades), 1)
        out.append(GradeChart(c["key"], int(c["number"]), str(c["name"]), bars, b_line, width, height))
    return out
