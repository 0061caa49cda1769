"""The Monday e-mails (weekly pipeline summary, per-rep weekly) rendered from their JSON summaries.

Same rules as the scorecard e-mail: table layout and inline styles only (``notify/templates/weekly_*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobshift.notify.render import Rendered, environment


def _money(v: Any) -> str:
    return f"{float(v or 0):,.0f}"


def render_pipeline_summary(summary: Mapping[str, Any], web_base_url: str) -> Rendered:
    """The weekly pipeline summary e-mail of ``summary`` (``services.scorecard_weekly.pipeline_summary``)."""
    env = environment()
    week = summary["week_end"][:10]
    n_won, n_changed = len(summary["won"]), len(summary["stage_changes"])
    subject = (
        f"[jobshift] Pipeline week to {week}: {n_won} closed-won ({_money(summary['won_amount'])}), "
        f"{n_changed} stage change{'s' if n_changed != 1 else ''}"
    )
    ctx = {
        "subject": subject,
        "s": summary,
        "money": _money,
        "link": f"{web_base_url.rstrip('/')}/scorecard",
    }
    return Rendered(
        subject=subject,
        text=env.get_template("weekly_pipeline.txt.j2").render(**ctx),
        html=env.get_template("weekly_pipeline.html.j2").render(**ctx),
        slack_text=subject,
        slack_blocks=[],
    )


def render_rep_weekly(rep: Mapping[str, Any], web_base_url: str) -> Rendered:
    """One rep's weekly e-mail (``services.scorecard_weekly.rep_summaries`` item)."""
    env = environment()
    rate = rep["activity_rate"]
    rate_text = "—" if rate is None else f"{rate * 100:.0f}%"
    subject = (
        f"[jobshift] Your week: {rep['new_leads']} new lead{'s' if rep['new_leads'] != 1 else ''}, "
        f"{rep['uncontacted_count']} not contacted yet"
    )
    first = (rep.get("name") or "there").split()[0]
    ctx = {
        "subject": subject,
        "r": rep,
        "first_name": first,
        "rate_text": rate_text,
        "low_rate": rate is not None and rate < 0.5,
        "link": f"{web_base_url.rstrip('/')}/leads",
    }
    return Rendered(
        subject=subject,
        text=env.get_template("weekly_rep.txt.j2").render(**ctx),
        html=env.get_template("weekly_rep.html.j2").render(**ctx),
        slack_text=subject,
        slack_blocks=[],
    )
