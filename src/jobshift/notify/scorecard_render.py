"""The scorecard as a self-contained HTML e-mail (and its text part), from the scorecard JSON payload.

Mail clients drop ``<style>`` blocks and external resources, so the template uses a table layout with
inline ``style`` attributes only; the trend sparklines and value-vs-benchmark bars are inline SVG
built here (numbers only, nothing user-supplied). Templates: ``notify/templates/scorecard.*.j2``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from jobshift.domain.display.fields import field_text, person_of
from jobshift.domain.scorecard.grades import format_value
from jobshift.notify.render import Rendered, environment

GOOD, WARN, BAD, NA = "#15803d", "#b45309", "#b91c1c", "#6b7280"
GRADE_BG = {"A": "#dcfce7", "B": "#dbeafe", "C": "#fef3c7", "D": "#fee2e2", "F": "#fee2e2"}
GRADE_FG = {"A": "#166534", "B": "#1e40af", "C": "#92400e", "D": "#991b1b", "F": "#991b1b"}
_ORDER = ["F", "D", "C-", "C", "C+", "B", "B+", "A-", "A", "A+"]


def grade_colors(grade: str | None) -> tuple[str, str]:
    """(background, text) colours of a grade badge; grey for n/a."""
    letter = (grade or "")[:1]
    return GRADE_BG.get(letter, "#f3f4f6"), GRADE_FG.get(letter, NA)


def sparkline(points: list[tuple[str, str | None]], width: int = 84, height: int = 22) -> Markup:
    """An inline SVG line of grades over months (oldest first); the last point is the graded month."""
    ranks = [(_ORDER.index(g) if g in _ORDER else None) for _, g in points]
    known = [(i, r) for i, r in enumerate(ranks) if r is not None]
    if len(known) < 2:
        return Markup("")
    step = (width - 8) / max(1, len(points) - 1)

    def xy(i: int, r: int) -> tuple[float, float]:
        return 4 + i * step, height - 3 - r * (height - 6) / (len(_ORDER) - 1)

    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, r) for i, r in known))
    lx, ly = xy(*known[-1])
    color = GOOD if known[-1][1] >= _ORDER.index("B") else BAD
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="grade trend">'
        f'<polyline points="{coords}" fill="none" stroke="#9ca3af" stroke-width="1.5"/>'
        f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="3" fill="{color}"/></svg>'
    )


def benchmark_bar(value: float | None, benchmark: float, direction: str, width: int = 120) -> Markup:
    """An inline SVG bar: the value against a benchmark tick (the scale ends at twice the benchmark)."""
    if value is None or benchmark <= 0:
        return Markup("")
    top = 2 * benchmark
    share = max(0.0, min(1.0, value / top))
    ok = value >= benchmark if direction == "higher" else value <= benchmark
    w, tick = share * (width - 2), (width - 2) / 2 + 1
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="12" viewBox="0 0 {width} 12" '
        f'role="img" aria-label="value against benchmark">'
        f'<rect x="1" y="3" width="{width - 2}" height="6" rx="3" fill="#e5e7eb"/>'
        f'<rect x="1" y="3" width="{w:.1f}" height="6" rx="3" fill="{GOOD if ok else BAD}"/>'
        f'<rect x="{tick:.1f}" y="0" width="2" height="12" fill="#111827"/></svg>'
    )


_DETAIL_KEYS = ("title", "company", "industry", "country", "owner", "reason", "class", "stage")


def _record_text(item: Mapping[str, Any]) -> str:
    """One drill-down record for people: its name, then a few details (no ids)."""
    name = item.get("name") or person_of(item)  # a record's own name as the CRM spells it
    details = [str(field_text(item[k], k)) for k in _DETAIL_KEYS if item.get(k) not in (None, "", [])][:2]
    if name:
        return f"{name} ({', '.join(details)})" if details else str(name)
    pairs = [(k, x) for k, x in item.items() if not k.endswith("id") and x not in (None, "", [])]
    return ", ".join(f"{k.replace('_', ' ')} {x}" for k, x in pairs[:3])


def drill_lines(drill: Mapping[str, Any], limit: int = 3) -> list[str]:
    """A few readable lines of a drill-down: count breakdowns and the first records of each list."""
    lines = []
    for key, v in drill.items():
        label = key.replace("_", " ")
        if isinstance(v, dict) and v and all(isinstance(x, int) for x in v.values()):
            lines.append(f"{label}: " + ", ".join(f"{k} {n:,}" for k, n in list(v.items())[:6]))
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            shown = [_record_text(item) for item in v[:limit]]
            more = f" (+{len(v) - limit} more)" if len(v) > limit else ""
            lines.append(f"{label}: " + " | ".join(shown) + more)
        elif isinstance(v, list) and v and isinstance(v[0], str):
            lines.append(f"{label}: " + ", ".join(v[:6]))
    return lines[:4]


def category_view(c: Mapping[str, Any], link: str) -> dict[str, Any]:
    """What the template shows for one category."""
    bg, fg = grade_colors(c["grade"] if c["status"] == "graded" else None)
    points = [(t["month"], t["grade"]) for t in c.get("trend", [])] + [("now", c["grade"])]
    bench = ("≤ " if c["direction"] == "lower" else "≥ ") + format_value(c["benchmark"], c["unit"])
    needs_fix = c["status"] == "graded" and not c["at_or_above_benchmark"]
    return {
        "number": c["number"],
        "name": c["name"],
        "group": c.get("group", ""),
        "grade": c["grade"] or "n/a",
        "bg": bg,
        "fg": fg,
        "value": format_value(c["value"], c["unit"]),
        "benchmark": bench,
        "bar": benchmark_bar(c["value"], c["benchmark"], c["direction"]),
        "spark": sparkline(points),
        "trend_text": " → ".join(g or "n/a" for _, g in points) if len(points) > 1 else "",
        "note": c["reason"] or (c["fix"] if needs_fix else ""),
        "needs_fix": needs_fix,
        "drill": drill_lines(c.get("drilldown") or {}) if needs_fix else [],
        "link": f"{link}#cat-{c['number']}",
    }


def scorecard_context(payload: Mapping[str, Any], web_base_url: str) -> dict[str, Any]:
    """The template context of a scorecard payload (link to the web page under ``web_base_url``)."""
    link = f"{web_base_url.rstrip('/')}/scorecard?month={payload['month']}"
    cats = [category_view(c, link) for c in payload["categories"]]
    graded = [c for c in payload["categories"] if c["status"] == "graded"]
    funnel = [
        {
            "label": s["label"],
            "value": f"{s['value']:,.0f}",
            "rate": "" if s["rate"] is None else f"{s['rate'] * 100:.1f}%",
        }
        for s in payload.get("funnel", [])
    ]
    att = payload.get("attribution") or {}
    attribution = [
        {
            "kind": k.capitalize(),
            "opportunities": f"{att[k]['opportunities']:,}",
            "pipeline": f"{att[k]['pipeline']:,.0f}",
            "won": f"{att[k]['won_amount']:,.0f}",
        }
        for k in ("sourced", "assisted", "suspected")
        if k in att
    ]
    return {
        "month": payload["month"],
        "provisional": bool(payload.get("provisional")),
        "link": link,
        "categories": cats,
        "groups": [
            ("Inputs: who you track", [c for c in cats if c["number"] <= 5]),
            ("Output quality: the signals you receive", [c for c in cats if 6 <= c["number"] <= 8]),
            ("Adoption: what reps do with them", [c for c in cats if c["number"] >= 9]),
        ],
        "at_or_above": sum(1 for c in graded if c["at_or_above_benchmark"]),
        "graded": len(graded),
        "to_fix": [c for c in cats if c["needs_fix"]][:3],
        "funnel": funnel,
        "attribution": attribution,
        "spend": payload.get("spend"),
        "computed_at": payload.get("computed_at"),
    }


def render_scorecard_email(payload: Mapping[str, Any], web_base_url: str) -> Rendered:
    """The scorecard e-mail (subject, text part, HTML part) of ``payload``."""
    env = environment()
    ctx = scorecard_context(payload, web_base_url)
    flag = " (provisional)" if ctx["provisional"] else ""
    subject = (
        f"[jobshift] Scorecard {ctx['month']}{flag}: {ctx['at_or_above']} of {ctx['graded']} "
        "grades at or above benchmark"
    )
    ctx["subject"] = subject
    return Rendered(
        subject=subject,
        text=env.get_template("scorecard.txt.j2").render(**ctx),
        html=env.get_template("scorecard.html.j2").render(**ctx),
        slack_text=subject,
        slack_blocks=[],
    )
