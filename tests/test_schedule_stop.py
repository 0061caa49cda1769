"""Graceful stop of a real ``jobshift schedule run`` process: SIGTERM while a tier check is enriching
(against a slow fake People Data Labs server) lets that job finish and starts no new one."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fakes.server import BackgroundServer
from jobshift.services.workspace import Workspace
from jobshift.store.schema import runs
from program_data import seed_crm


class SlowPdl:
    """Every enrichment answers "no match" after ``delay`` seconds; ``first`` is set on the first call."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.first = threading.Event()
        self.calls = 0
        self.server = BackgroundServer(Starlette(routes=[Route("/v5/person/enrich", self._enrich)]))

    async def _enrich(self, request: Request) -> JSONResponse:
        self.calls += 1
        self.first.set()
        await asyncio.sleep(self.delay)
        return JSONResponse({"status": 404, "error": {"type": "not_found"}}, status_code=404)


def test_sigterm_finishes_the_running_tier_check_then_exits(backend_workspace: Path) -> None:
    pdl = SlowPdl(0.4)
    pdl.server.start()
    try:
        (backend_workspace / "jobshift.toml").write_text(
            f'[pdl]\nbase_url = "{pdl.server.url}"\nrate_per_minute = 60000\n[schedule]\ntick_seconds = 600\n'
        )
        ws = Workspace.open(backend_workspace)
        seed_crm(ws.store)
        ws.close()
        env = {**os.environ, "JOBSHIFT_PDL_API_KEY": "k", "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "jobshift.cli.main", "-w", str(backend_workspace), "schedule", "run"]
        proc = subprocess.Popen(
            [*cmd, "--now", "2026-11-24T09:00"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert pdl.first.wait(60), "the tier check never called the enrichment API"
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0, err
        assert "SIGTERM: finishing the current job" in out and "stopped (SIGTERM)" in out
        ws = Workspace.open(backend_workspace)
        try:
            with ws.store.connect() as conn:
                rows = conn.execute(
                    select(runs).where(runs.c.kind == "schedule").order_by(runs.c.id)
                ).mappings()
                ledger = {r["period_key"]: r for r in rows}
                enrich = conn.execute(select(runs).where(runs.c.kind == "enrich")).mappings().one()
        finally:
            ws.close()
        # the running tier check (tier 2, 3 Nov) finished every lookup and was recorded ok; no new job started
        assert list(ledger) == ["schedule:scorecard:2026-10", "schedule:tier2:2026-11-03"]
        assert {r["status"] for r in ledger.values()} == {"ok"}
        tier2 = ledger["schedule:tier2:2026-11-03"]["counts"]
        assert tier2["enrich"]["requested"] == pdl.calls > 1 and enrich["status"] == "ok"
        assert tier2["push"]["run_id"]
    finally:
        pdl.server.stop()
