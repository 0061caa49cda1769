"""The dashboard funnel with the scorecard's contacted/meeting definition, against the previous query.

Builds bench_web's synthetic workspace (``--leads`` leads with their contacts, signals, opportunities
and activities; ANALYZE), then times ``services.scorecard.funnel_report.funnel_report`` — whose lead
stages now use ``store.scorecard.leads.lead_activity`` (activities since the lead's creation, meeting
types from ``[scorecard] meeting_activity_types``) — for an admin and a rep, against the baseline
measured in the same run: the previous lead-stage statement (an EXISTS per lead for "contacted" and for
a ``Meeting`` activity), reproduced below. Reports the median of ``--repeat`` runs of each and the ratio.

    .venv/bin/python benchmarks/bench_funnel.py [--backend sqlite|postgresql|both] [--leads 100000]
        [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, create_engine, exists, func, or_, select, text

sys.path.insert(0, str(Path(__file__).parent))
from bench_web import PG_SCHEMA, PG_URL, generate, load

from jobshift.services.admin.auth import AppUser
from jobshift.services.browse.browse import lead_scope
from jobshift.services.scorecard.funnel_report import funnel_report
from jobshift.services.specs import lead_sources
from jobshift.services.workspace import Workspace, init_workspace
from jobshift.store.schema import activities, leads, opportunities
from jobshift.store.scorecard.funnel import leads_by_month, month_key

OUT = Path(__file__).parent / "out"
NOW = datetime(2026, 6, 15)


def previous_lead_groups(ws: Workspace, viewer: AppUser) -> dict[Any, dict[str, Any]]:
    """The lead stages as the dashboard computed them before (any activity, a ``Meeting`` activity)."""

    def touched(*extra: Any) -> Any:
        return exists().where(
            or_(activities.c.who_id == leads.c.id, activities.c.who_id == leads.c.converted_contact_id),
            *extra,
        )

    sources = lead_sources(ws.config)
    with ws.store.connect() as conn:
        m = month_key(conn, leads.c.created_at).label("m")
        opp = opportunities
        stmt = (
            select(
                m,
                func.count().label("pushed"),
                func.sum(case((touched(), 1), else_=0)).label("contacted"),
                func.sum(case((touched(activities.c.type == "Meeting"), 1), else_=0)).label("meeting"),
                func.count(opp.c.id).label("pipeline"),
                func.sum(opp.c.amount).label("pipeline_amount"),
                func.sum(case((opp.c.is_won.is_(True), 1), else_=0)).label("won"),
                func.sum(case((opp.c.is_won.is_(True), opp.c.amount), else_=0)).label("won_amount"),
            )
            .select_from(leads.outerjoin(opp, opp.c.id == leads.c.converted_opportunity_id))
            .where(
                and_(or_(leads.c.signal_id.isnot(None), leads.c.lead_source.in_(sources)), lead_scope(viewer))
            )
            .group_by(m)
        )
        return {r["m"]: dict(r) for r in conn.execute(stmt).mappings()}


def current_lead_groups(ws: Workspace, viewer: AppUser) -> dict[Any, dict[str, Any]]:
    """The lead stages as the dashboard computes them now."""
    with ws.store.connect() as conn:
        return leads_by_month(
            conn, lead_sources(ws.config), ws.config.scorecard.meeting_activity_types, lead_scope(viewer)
        )


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def run(backend: str, n_leads: int, repeat: int) -> dict[str, Any]:
    """Build one backend's workspace and time both statements and the whole funnel."""
    os.environ.pop("JOBSHIFT_DATABASE_URL", None)
    if backend == "postgresql":
        eng = create_engine(PG_URL)
        with eng.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
        eng.dispose()
        os.environ["JOBSHIFT_DATABASE_URL"] = f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}"
    ws, _ = init_workspace(Path(tempfile.mkdtemp(prefix="bench_funnel_")) / "ws")
    counts = load(ws, generate(n_leads))
    out: dict[str, Any] = {"backend": backend, "rows": counts, "ms": {}}
    for who, viewer in (("admin", AppUser(0, "a", "admin", None)), ("rep", AppUser(0, "r", "rep", "u-0-0"))):
        before = _median_ms(lambda v=viewer: previous_lead_groups(ws, v), repeat)
        now = _median_ms(lambda v=viewer: current_lead_groups(ws, v), repeat)
        whole = _median_ms(lambda v=viewer: funnel_report(ws, v, now=NOW), repeat)
        out["ms"][who] = {
            "baseline: previous lead stages": before,
            "lead stages (scorecard definition)": now,
            "ratio": round(now / before, 2),
            "whole funnel": whole,
        }
    ws.close()
    os.environ.pop("JOBSHIFT_DATABASE_URL", None)
    return out


def main() -> None:
    """Run the benchmark and write benchmarks/out/bench_funnel.json."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--leads", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    runs = [run(b, args.leads, args.repeat) for b in backends]
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_funnel.json").write_text(json.dumps({"leads": args.leads, "runs": runs}, indent=2))
    head = "| backend | viewer | previous lead stages ms | scorecard definition ms | ratio | whole funnel |"
    print(head)
    print("|---|---|---|---|---|---|")
    for r in runs:
        for who, m in r["ms"].items():
            print(
                f"| {r['backend']} | {who} | {m['baseline: previous lead stages']} | "
                f"{m['lead stages (scorecard definition)']} | {m['ratio']} | {m['whole funnel']} |"
            )


if __name__ == "__main__":
    main()
