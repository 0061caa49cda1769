"""``jobshift scorecard``: the monthly grades as a table, JSON (stable) or the HTML e-mail; ``--email``."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from jobshift.cli.output import console, print_json, warn
from jobshift.errors import ConnectorError
from jobshift.services.scorecard import get_scorecard
from jobshift.services.scorecard_email import scorecard_html, send_scorecard_email
from jobshift.services.workspace import Workspace

if TYPE_CHECKING:
    from jobshift.cli.main import State


class Format(StrEnum):
    """Output formats of the scorecard."""

    text = "text"
    html = "html"
    json = "json"


def fmt_value(value: float | None, unit: str) -> str:
    """A category value for people: shares as percent, days with one decimal."""
    if value is None:
        return "—"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "days":
        return f"{value:.1f} d"
    return f"{value:.2f}"


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
        bench = ("≤ " if c["direction"] == "lower" else "≥ ") + fmt_value(c["benchmark"], c["unit"])
        note = c["reason"] or ("" if c["at_or_above_benchmark"] else c["fix"])
        table.add_row(
            str(c["number"]),
            c["name"],
            f"[{style}]{c['grade']}[/{style}]",
            fmt_value(c["value"], c["unit"]),
            bench,
            trend,
            note,
        )
    console.print(table)
    for c in payload["categories"]:
        if c["at_or_above_benchmark"]:
            continue
        lines = _summary(c["drilldown"])
        if lines:
            console.print(f"[bold]{c['number']}. {c['name']}[/bold]", highlight=False)
            for line in lines:
                console.print(f"   {line}", highlight=False, soft_wrap=True)
    funnel = Table(title="Funnel", title_justify="left")
    for col in ("Stage", "Value", "Rate"):
        funnel.add_column(col, justify="left" if col == "Stage" else "right")
    for s in payload["funnel"]:
        rate = "" if s["rate"] is None else f"{s['rate'] * 100:.1f}% of {s['rate_of'].replace('_', ' ')}"
        funnel.add_row(s["label"], f"{s['value']:,.0f}", rate)
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
    console.print(f"[dim]source: {payload.get('source')}, computed at {payload['computed_at']}[/dim]")


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
    ) -> None:
        """Grade the program for a month: 11 categories, funnel, attribution (stored per month)."""
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
