"""``jobshift scorecard``: the monthly grades as a table, JSON (stable) or the HTML e-mail; ``--email``."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jobshift.cli.output import console, print_json, warn
from jobshift.errors import ConnectorError, UsageError

if TYPE_CHECKING:
    from jobshift.cli.main import State


class Format(StrEnum):
    """Output formats of the scorecard."""

    text = "text"
    html = "html"
    json = "json"


def _summary(drill: dict[str, Any], limit: int = 3) -> list[str]:
    """A few readable lines of a drill-down: count breakdowns and the first records of each list."""
    lines = []
    for key, v in drill.items():
        label = key.replace("_", " ")
        if isinstance(v, dict) and v and all(isinstance(x, int) for x in v.values()):
            lines.append(f"{label}: " + ", ".join(f"{k} {n:,}" for k, n in v.items()))
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            shown = ["; ".join(f"{k}={x}" for k, x in item.items() if x is not None) for item in v[:limit]]
            more = f" (+{len(v) - limit} more)" if len(v) > limit else ""
            lines.append(f"{label}: " + " | ".join(shown) + more)
    return lines


def render_text(payload: dict[str, Any]) -> None:
    """The scorecard as rich tables on the terminal."""
    from rich.markup import escape  # fix texts name config sections: "[persona]", "[icp]"
    from rich.table import Table

    from jobshift.services.scorecard.scorecard import format_value

    flag = " (provisional: month not over)" if payload.get("provisional") else ""
    table = Table(title=f"Scorecard {payload['month']}{flag}", title_justify="left")
    for col, just in (
        ("#", "right"),
        ("Category", "left"),
        ("Grade", "center"),
        ("Value", "right"),
        ("Benchmark", "right"),
        ("Trend", "left"),
        ("Note", "left"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for c in payload["categories"]:
        style = "green" if c["at_or_above_benchmark"] else ("red" if c["status"] == "graded" else "dim")
        trend = " ".join(t["grade"] for t in c.get("trend", [])) or "—"
        bench = ("≤ " if c["direction"] == "lower" else "≥ ") + format_value(c["benchmark"], c["unit"])
        note = c["reason"] or ("" if c["at_or_above_benchmark"] else c["fix"])
        table.add_row(
            str(c["number"]),
            escape(c["name"]),
            f"[{style}]{c['grade']}[/{style}]",
            format_value(c["value"], c["unit"]),
            bench,
            trend,
            escape(note or ""),
        )
    console.print(table)
    for c in payload["categories"]:
        if c["at_or_above_benchmark"]:
            continue
        lines = _summary(c["drilldown"])
        if lines:
            console.print(f"[bold]{c['number']}. {escape(c['name'])}[/bold]", highlight=False)
            for line in lines:
                console.print(f"   {line}", highlight=False, soft_wrap=True, markup=False)
    funnel = Table(title="Funnel", title_justify="left")
    for col in ("Stage", "Value", "Rate"):
        funnel.add_column(col, justify="left" if col == "Stage" else "right")
    for s in payload["funnel"]:
        rate = "" if s["rate"] is None else f"{s['rate'] * 100:.1f}% of {s['rate_of'].replace('_', ' ')}"
        funnel.add_row(escape(s["label"]), f"{s['value']:,.0f}", rate)
    console.print(funnel)
    att = payload["attribution"]
    at = Table(title="Attribution", title_justify="left")
    for col in ("", "Opportunities", "Pipeline", "Won deals", "Won amount"):
        at.add_column(col, justify="left" if not col else "right")
    for k in ("sourced", "assisted", "suspected"):
        a = att[k]
        at.add_row(
            k.capitalize(),
            f"{a['opportunities']:,}",
            f"{a['pipeline']:,.0f}",
            f"{a['won_deals']:,}",
            f"{a['won_amount']:,.0f}",
        )
    console.print(at)
    sp = payload.get("spend")
    if sp:
        ratio = "—" if sp["pipeline_to_spend"] is None else f"{sp['pipeline_to_spend']:.1f}"
        cpo = "—" if sp["cost_per_opportunity"] is None else f"{sp['cost_per_opportunity']:,.0f}"
        console.print(
            f"Pipeline-to-spend: {ratio} per 1 (benchmark {sp['benchmark']:g}, grade {sp['grade']}); "
            f"cost per opportunity: {cpo}",
            highlight=False,
        )
    _drafts(payload.get("drafts"))
    console.print(f"[dim]source: {payload.get('source')}, computed at {payload['computed_at']}[/dim]")


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _drafts(section: dict[str, Any] | None) -> None:
    """The informational drafts section: reply and meeting rates of drafted vs not drafted leads."""
    from rich.table import Table

    if not section:  # a snapshot stored before the section existed
        return
    table = Table(title="First-touch drafts (not graded)", title_justify="left")
    for col in ("Leads", "Count", "Replied", "Reply rate", "Meetings", "Meeting rate"):
        table.add_column(col, justify="left" if col == "Leads" else "right")
    for key, label in (("drafted", "Drafted"), ("not_drafted", "Not drafted")):
        g = section[key]
        table.add_row(
            label,
            f"{g['leads']:,}",
            f"{g['replied']:,}",
            _pct(g["reply_rate"]),
            f"{g['meetings']:,}",
            _pct(g["meeting_rate"]),
        )
    console.print(table)
    diff = section.get("difference")
    if diff:
        console.print(
            f"Drafted minus not drafted: reply rate {diff['reply_rate'] * 100:+.1f} points, "
            f"meeting rate {diff['meeting_rate'] * 100:+.1f} points",
            highlight=False,
        )
    elif section.get("note"):
        console.print(f"[dim]{section['note']}[/dim]", highlight=False)


def _weekly(state: State, *, email: bool, as_json: bool, as_of: str | None) -> None:
    """``--weekly``: show (and with ``--email`` send) the Monday e-mails' content."""
    from rich.table import Table

    from jobshift.services.scorecard.scorecard_weekly import (
        pipeline_summary,
        rep_summaries,
        send_weekly_emails,
    )
    from jobshift.services.workspace import Workspace

    now = None
    if as_of is not None:
        try:
            now = datetime.combine(date.fromisoformat(as_of), datetime.min.time())
        except ValueError:
            raise UsageError(f"--as-of must be YYYY-MM-DD, got {as_of!r}") from None
    ws = Workspace.open(state.workspace)
    try:
        summary = pipeline_summary(ws.store, ws.config, now=now)
        reps = rep_summaries(ws.store, ws.config, now=now)
        sent = send_weekly_emails(ws.store, ws.config, now=now) if email else None
    finally:
        ws.close()
    if as_json:
        print_json({"pipeline": summary, "reps": reps, "email": sent})
    else:
        console.print(
            f"[bold]Pipeline {summary['week_start'][:10]} – {summary['week_end'][:10]}[/bold]: "
            f"{len(summary['won'])} closed-won ({summary['won_amount']:,.0f}), "
            f"{len(summary['stage_changes'])} stage changes",
            highlight=False,
        )
        for o in summary["won"]:
            console.print(f"  won: {o['name'] or o['id']} ({o['attribution']}) {o['amount'] or 0:,.0f}")
        for o in summary["stage_changes"]:
            console.print(f"  stage: {o['name'] or o['id']} {o['previous_stage']} → {o['stage']}")
        table = Table(title="Reps", title_justify="left")
        for col in ("Rep", "New leads", "Not contacted", "Activity rate"):
            table.add_column(col, justify="left" if col == "Rep" else "right")
        for r in reps:
            rate = "—" if r["activity_rate"] is None else f"{r['activity_rate'] * 100:.0f}%"
            table.add_row(r["name"], str(r["new_leads"]), str(r["uncontacted_count"]), rate)
        console.print(table)
    if sent is not None:
        failed = sent["pipeline_email"]["failed"] + sent["rep_emails"]["failed"]
        n = sent["pipeline_email"]["sent"] + sent["rep_emails"]["sent"]
        typer.echo(f"e-mailed {n} weekly summaries", err=as_json)
        for f in failed:
            warn(f"e-mail to {f['to']} failed: {f['error']}")
        if failed:
            raise ConnectorError(f"{len(failed)} weekly e-mails failed")


def register(app: typer.Typer, state: State) -> None:
    """Add the ``scorecard`` command to ``app``."""

    @app.command()
    def scorecard(
        month: Annotated[
            str | None, typer.Option("--month", help="YYYY-MM (default: the last complete month)")
        ] = None,
        format: Annotated[Format, typer.Option("--format", help="text, html or json")] = Format.text,
        recompute: Annotated[
            bool, typer.Option("--recompute", help="recompute and replace the stored snapshot of the month")
        ] = False,
        email: Annotated[
            bool,
            typer.Option("--email", help="also e-mail the HTML scorecard to admins, managers and email_to"),
        ] = False,
        weekly: Annotated[
            bool,
            typer.Option("--weekly", help="the weekly pipeline summary and per-rep summaries instead"),
        ] = False,
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", help="--weekly: the week ending on YYYY-MM-DD"),
        ] = None,
    ) -> None:
        """Grade the program for a month: 11 categories, funnel, attribution (stored per month)."""
        if weekly:
            _weekly(state, email=email, as_json=format is Format.json, as_of=as_of)
            return
        from jobshift.services.scorecard.scorecard import get_scorecard
        from jobshift.services.scorecard.scorecard_email import scorecard_html, send_scorecard_email
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            payload = get_scorecard(ws.store, ws.config, month, recompute=recompute)
            report = send_scorecard_email(ws.store, ws.config, payload) if email else None
            html_page = scorecard_html(payload, ws.config) if format is Format.html else ""
        finally:
            ws.close()
        if format is Format.json:
            print_json(payload if report is None else {**payload, "email": report.as_dict()})
        elif format is Format.html:
            typer.echo(html_page, nl=False)
        else:
            render_text(payload)
        if report is not None:
            note = f"e-mailed the scorecard to {report.sent} of {len(report.recipients)} recipients"
            typer.echo(note, err=format is not Format.text)
            for f in report.failed:
                warn(f"e-mail to {f['to']} failed: {f['error']}")
            if not report.recipients:
                warn("no scorecard recipients: no active Admin/Manager user with an email, email_to is empty")
            if report.failed:
                n, total = len(report.failed), len(report.recipients)
                raise ConnectorError(f"{n} of {total} scorecard e-mails failed")
