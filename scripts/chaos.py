"""Fault injection: ``kill -9`` at random points of ``import``, ``ingest``, ``detect``, ``push`` and
``notify``, on SQLite and PostgreSQL, each compared with an uninterrupted run.

A generated company (``jobshift generate``) goes through the whole path once without faults (the
baseline). Then, for each step and trial, a fresh workspace runs the steps before it normally, runs the
step as a subprocess and SIGKILLs it after a random share of the baseline's time for that step, runs the
step again to completion (exactly what an operator or cron does) and then the remaining steps. The final
state — row counts of every CRM table, observations, signals by type and status, leads, contact marks,
outbox statuses, audit entries, notifications — must equal the baseline's, and ``jobshift doctor`` must
find nothing. Nothing lost, nothing doubled.

Usage:
    .venv/bin/python scripts/chaos.py [--trials 3] [--scale 0.1] [--backend sqlite|postgresql|both]
    [--steps import,ingest,detect,push,notify] [--out benchmarks/out/chaos.json]

Exit 0 when every trial matches. ``tests/test_chaos.py`` (marker ``chaos``) runs a quick subset in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

JOBSHIFT = [sys.executable, "-m", "jobshift.cli.main"]
PG_URL = os.environ.get("JOBSHIFT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STEPS = ("import", "ingest", "detect", "push", "notify")
NOTIFY_DAY = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
"""Tomorrow: ``notify`` plans the rules for the leads and contacts pushed "yesterday", i.e. today."""


def _argv(step: str, gen: Path) -> list[list[str]]:
    """The command line(s) of one step (``import`` is ``import all``)."""
    return {
        "import": [["import", "all", str(gen)]],
        "ingest": [["ingest", "people", str(gen / "people.jsonl")]],
        "detect": [["track"], ["detect"]],
        "push": [["push"]],
        "notify": [["notify", "--date", NOTIFY_DAY, "--any-day"]],
    }[step]


def _run(ws: Path, env: dict[str, str], args: list[str], timeout: float = 600) -> float:
    started = time.monotonic()
    res = subprocess.run([*JOBSHIFT, "-w", str(ws), *args], env=env, capture_output=True, timeout=timeout)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {res.returncode}: {res.stderr.decode()[-800:]}")
    return time.monotonic() - started


def _kill_during(ws: Path, env: dict[str, str], args: list[str], after: float) -> str:
    proc = subprocess.Popen(
        [*JOBSHIFT, "-w", str(ws), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(after)
    if proc.poll() is not None:
        return "finished before the kill"
    os.killpg(proc.pid, signal.SIGKILL)  # the command and any worker processes
    proc.wait(30)
    return "killed"


def _state(ws: Path, env: dict[str, str]) -> dict[str, Any]:
    """Everything that must match the uninterrupted run."""
    from jobshift.services.workspace import Workspace
    from jobshift.store.schema import (
        accounts,
        activities,
        audit_log,
        contacts,
        leads,
        notifications,
        opportunities,
        opportunity_contact_roles,
        outbox,
        people_observations,
        signals,
        users,
    )

    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        w = Workspace.open(ws)
        try:
            with w.store.connect() as c:

                def n(t: Any, *where: Any) -> int:
                    return int(c.execute(select(func.count()).select_from(t).where(*where)).scalar_one())

                def by(col: Any) -> dict[str, int]:
                    q = select(col, func.count()).group_by(col)
                    return {str(k): int(v) for k, v in c.execute(q)}

                return {
                    "accounts": n(accounts),
                    "contacts": n(contacts),
                    "opportunities": n(opportunities),
                    "roles": n(opportunity_contact_roles),
                    "users": n(users),
                    "activities": n(activities),
                    "observations": n(people_observations),
                    "signals": {
                        f"{t}:{s}": int(k)
                        for t, s, k in c.execute(
                            select(signals.c.type, signals.c.status, func.count()).group_by(
                                signals.c.type, signals.c.status
                            )
                        )
                    },
                    "leads": n(leads),
                    "jobshift_leads": n(leads, leads.c.signal_id.isnot(None)),
                    "contacts_marked": n(contacts, contacts.c.no_longer_at_company.is_(True)),
                    "outbox": by(outbox.c.status),
                    "audit": n(audit_log),
                    "notifications": by(notifications.c.status),
                }
        finally:
            w.close()
    finally:
        os.environ.clear()
        os.environ.update(old)


def _backend_env(backend: str) -> tuple[dict[str, str], Callable[[], None]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBSHIFT_")}
    if backend == "sqlite":
        return env, lambda: None
    schema = f"chaos_{uuid.uuid4().hex[:10]}"
    eng = create_engine(PG_URL)
    with eng.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    env["JOBSHIFT_DATABASE_URL"] = f"{PG_URL}?options=-csearch_path%3D{schema}"

    def drop() -> None:
        with eng.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        eng.dispose()

    return env, drop


SMTP: list[Any] = []
"""The local SMTP server every workspace sends its notification e-mails to (started by ``run``)."""


def _workspace(root: Path, env: dict[str, str]) -> Path:
    ws = root / f"ws-{uuid.uuid4().hex[:8]}"
    subprocess.run([*JOBSHIFT, "init", str(ws)], env=env, check=True, capture_output=True)
    smtp = SMTP[0]
    (ws / "jobshift.toml").write_text(
        f'[notifications]\ndefault_channel = "email"\nsmtp_host = "{smtp.host}"\nsmtp_port = {smtp.port}\n'
        "backoff_base_seconds = 0\n",
        encoding="utf-8",
    )
    return ws


def _trial(
    backend: str,
    step: str,
    trial: int,
    gen: Path,
    root: Path,
    durations: dict[str, float],
    baseline: dict[str, Any],
    rng: random.Random,
) -> dict[str, Any]:
    """One fault: the steps before ``step``, ``step`` killed part-way, ``step`` again, the rest; the
    state compared with the baseline. A kill that came after the step finished is tried again, sooner
    (a fresh workspace each time), up to five times."""
    share = rng.uniform(0.1, 0.8)
    for attempt in range(5):
        env, drop = _backend_env(backend)
        try:
            ws = _workspace(root, env)
            for s in STEPS[: STEPS.index(step)]:
                for a in _argv(s, gen):
                    _run(ws, env, a)
            cmds = _argv(step, gen)
            for a in cmds[:-1]:  # detect = track, then detect: the kill hits detect
                _run(ws, env, a)
            after = share * max(durations[step], 0.5) / (2**attempt)
            outcome = _kill_during(ws, env, cmds[-1], after)
            if outcome != "killed" and attempt < 4:
                continue
            for a in cmds:  # the operator runs the step again
                _run(ws, env, a)
            for s in STEPS[STEPS.index(step) + 1 :]:
                for a in _argv(s, gen):
                    _run(ws, env, a)
            state = _state(ws, env)
            doctor = subprocess.run(
                [*JOBSHIFT, "-w", str(ws), "doctor", "--json"], env=env, capture_output=True
            )
        finally:
            drop()
        same = state == baseline
        return {
            "backend": backend,
            "step": step,
            "trial": trial,
            "attempts": attempt + 1,
            "kill_after_s": round(after, 2),
            "outcome": outcome,
            "same_as_uninterrupted": same,
            "doctor_ok": doctor.returncode == 0,
            "ok": same and doctor.returncode == 0,
            "diff": {k: (baseline.get(k), v) for k, v in state.items() if baseline.get(k) != v},
        }
    raise AssertionError("unreachable")


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every trial on every backend; the report."""
    rng = random.Random(args.seed)
    report: dict[str, Any] = {"trials": [], "faults_injected": 0, "faults_survived": 0}
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from smtp_fake import FakeSmtp

    with tempfile.TemporaryDirectory() as tmp, FakeSmtp() as smtp:
        SMTP[:] = [smtp]
        root = Path(tmp)
        gen = root / "gen"
        subprocess.run(
            [*JOBSHIFT, "generate", "--out", str(gen), "--seed", str(args.seed), "--scale", str(args.scale)],
            check=True,
            capture_output=True,
        )
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        steps = [s for s in args.steps.split(",") if s]
        for backend in backends:
            env, drop = _backend_env(backend)
            try:
                base_ws = _workspace(root, env)
                durations = {}
                for step in STEPS:
                    durations[step] = sum(_run(base_ws, env, a) for a in _argv(step, gen))
                baseline = _state(base_ws, env)
            finally:
                drop()
            report[f"baseline_{backend}"] = {"state": baseline, "seconds": durations}
            for step in steps:
                for trial in range(args.trials):
                    report["trials"].append(_trial(backend, step, trial, gen, root, durations, baseline, rng))
                    t = report["trials"][-1]
                    report["faults_injected"] += t["outcome"] == "killed"
                    report["faults_survived"] += t["outcome"] == "killed" and t["ok"]
                    print(json.dumps(t), flush=True)
    report["all_ok"] = all(t["ok"] for t in report["trials"])
    return report


def main() -> int:
    """Run the suite; write the report; exit 0 when every trial matched the uninterrupted run."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--steps", default=",".join(STEPS))
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "benchmarks/out/chaos.json"))
    args = ap.parse_args()
    report = run(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(
        f"faults injected {report['faults_injected']}, survived {report['faults_survived']}; "
        f"all trials same as uninterrupted: {report['all_ok']}"
    )
    return 0 if report["all_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
