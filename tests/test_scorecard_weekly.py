"""Weekly pipeline summary and per-rep e-mails, and the scheduler's e-mail jobs, on both backends."""

from __future__ import annotations

import json
from datetime import datetime
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, update

from jobshift.cli.main import main
from jobshift.config import parse_config
from jobshift.services.scorecard.scorecard_weekly import (
    pipeline_summary,
    record_stages,
    rep_summaries,
    send_weekly_emails,
)
from jobshift.services.workspace import Workspace
from jobshift.store import Store
from jobshift.store.schema import opportunities, users
from scorecard_data import load
from smtp_fake import FakeSmtp

NOW = datetime(2024, 3, 28)  # week 2024-03-21 .. 2024-03-28
STAFF: list[dict[str, Any]] = [
    {"id": "U10", "name": "Ada Admin", "role": "Admin", "email": "ada@example.com", "active": True},
]


@pytest.fixture
def loaded(store: Store) -> Store:
    load(store)
    with store.begin() as conn:
        conn.execute(insert(users), STAFF)
        conn.execute(update(users).where(users.c.id == "U1").values(email="ann@example.com"))
    return store


def _subject(msg: Message) -> str:
    return " ".join(str(msg["Subject"]).split())  # unfold a long header


def _cfg(smtp: FakeSmtp | None = None) -> Any:
    return parse_config({"notifications": {"smtp_host": smtp.host, "smtp_port": smtp.port}} if smtp else {})


def test_pipeline_summary_won_and_stage_changes(loaded: Store) -> None:
    s = pipeline_summary(loaded, _cfg(), now=NOW)
    # O6 (sourced, 2000) closed-won on 2024-03-25; O3 assisted, O7 suspected (see scorecard_data)
    assert [(o["id"], o["attribution"], o["amount"]) for o in s["won"]] == [("O6", "sourced", 2000.0)]
    assert s["attributed"] == {"sourced": 1, "assisted": 1, "suspected": 1}
    assert s["stage_changes"] == [] and s["baseline_at"] is None
    assert pipeline_summary(loaded, _cfg(), now=datetime(2024, 3, 26))["won"] != []
    assert pipeline_summary(loaded, _cfg(), now=datetime(2024, 4, 2))["won"] == []  # 03-25 is 8 days back
    record_stages(loaded, s)
    with loaded.begin() as conn:
        conn.execute(update(opportunities).where(opportunities.c.id == "O3").values(stage="Negotiation"))
    again = pipeline_summary(loaded, _cfg(), now=NOW)
    assert again["baseline_at"] is not None
    assert [(o["id"], o["previous_stage"], o["stage"]) for o in again["stage_changes"]] == [
        ("O3", s["stages"]["O3"], "Negotiation")
    ]


def test_rep_summaries(loaded: Store) -> None:
    reps = {r["user_id"]: r for r in rep_summaries(loaded, _cfg(), now=NOW)}
    ann = reps["U1"]
    assert (ann["leads"], ann["contacted"], ann["uncontacted_count"]) == (3, 2, 1)
    assert ann["activity_rate"] == pytest.approx(2 / 3)
    assert [x["id"] for x in ann["uncontacted"]] == ["L2"] and ann["new"] == []
    assert ann["window_start"] == "2024-01-01"
    # a week holding L5 (created 2024-03-20 in scorecard_data) makes it new for its owner
    later = {r["user_id"]: r for r in rep_summaries(loaded, _cfg(), now=datetime(2024, 3, 22))}
    assert sum(r["new_leads"] for r in later.values()) >= 1


def test_send_weekly_emails(loaded: Store) -> None:
    with FakeSmtp() as smtp:
        out = send_weekly_emails(loaded, _cfg(smtp), now=NOW)
        got = {tuple(rcpts): msg for rcpts, msg in smtp.messages}
    subjects = {k: _subject(m) for k, m in got.items()}
    assert out["pipeline_email"]["sent"] == 1 and out["rep_emails"]["recipients"] == ["ann@example.com"]
    assert subjects[("ada@example.com",)].startswith("[jobshift] Pipeline week to 2024-03-28: 1 closed-won")
    assert "not contacted yet" in subjects[("ann@example.com",)]
    html = next(
        p.get_payload(decode=True).decode()  # type: ignore[union-attr]
        for p in got[("ann@example.com",)].walk()
        if p.get_content_type() == "text/html"
    )
    assert "F L2" in html and "67%" in html and "<style" not in html
    # the stages were recorded: the next summary has a baseline
    assert pipeline_summary(loaded, _cfg(), now=NOW)["baseline_at"] is not None


def test_scheduler_sends_monthly_and_weekly_emails(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (backend_workspace / "jobshift.toml").write_text('[schedule]\njobs = ["scorecard", "weekly_emails"]\n')
    ws = Workspace.open(backend_workspace)
    with ws.store.begin() as conn:
        conn.execute(insert(users), STAFF)
    ws.close()
    w = str(backend_workspace)
    with FakeSmtp() as smtp:
        monkeypatch.setenv("JOBSHIFT_NOTIFICATIONS__SMTP_HOST", smtp.host)
        monkeypatch.setenv("JOBSHIFT_NOTIFICATIONS__SMTP_PORT", str(smtp.port))
        # Tuesday 24 November: the October scorecard (1 Nov) and Monday 23's weekly e-mails are due
        assert main(["-w", w, "schedule", "run", "--once", "--now", "2026-11-24T09:00", "--json"]) == 0
        tick = json.loads(capsys.readouterr().out)
        keys = sorted(o["period_key"] for o in tick["ran"])
        assert keys == ["schedule:scorecard:2026-10", "schedule:weekly_emails:2026-11-23"]
        subjects = sorted(_subject(m) for _, m in smtp.messages)
        assert len(subjects) == 2
        assert subjects[0].startswith("[jobshift] Pipeline week to 2026-11-23")
        assert subjects[1].startswith("[jobshift] Scorecard 2026-10")
        assert main(["-w", w, "schedule", "run", "--once", "--now", "2026-11-24T10:00", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["ran"] == [] and len(smtp.messages) == 2


def test_cli_weekly(backend_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-w", str(backend_workspace), "init"]) == 0
    ws = Workspace.open(backend_workspace)
    load(ws.store)
    ws.close()
    capsys.readouterr()
    args = ["-w", str(backend_workspace), "scorecard", "--weekly", "--as-of", "2024-03-28"]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [o["id"] for o in data["pipeline"]["won"]] == ["O6"] and data["email"] is None
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "1 closed-won" in out and "Ann" in out
    assert main([*args[:-1], "2024-3-28"]) == 2
