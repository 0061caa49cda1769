"""The scorecard's drafts section (informational, not graded): reply and meeting rates of drafted vs not
drafted leads of the month, with known numbers, on SQLite and PostgreSQL; in the JSON and the CLI text.
A draft written to the CRM (``[jobshift draft]`` activity) is not a touch."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from jobshift.cli.main import main
from jobshift.domain.outreach.crm_write import DRAFT_MARK
from jobshift.domain.outreach.rates import compare, lead_flags
from jobshift.services.scorecard.scorecard import compute_scorecard
from jobshift.services.workspace import Workspace
from jobshift.store.schema import activities, leads, outreach_drafts

MONTH = "2026-11"
NOW = datetime(2026, 12, 5)
T0 = datetime(2026, 11, 3, 9)


def _lead(i: int) -> dict[str, Any]:
    return {"id": f"L{i:03d}", "last_name": f"P{i}", "company": "Newco", "status": "New",
            "created_at": T0 + timedelta(hours=i), "signal_id": f"sig-{i}",
            "lead_source": "jobshift Contact Tracking"}  # fmt: skip


def _draft(lead_id: str, at: datetime) -> dict[str, Any]:
    return {"cache_key": f"k-{lead_id}", "lead_id": lead_id, "template_set": "job_change",
            "template_version": "v1", "evidence_digest": "d1", "source": "template", "email_subject": "s",
            "email_body": "b", "linkedin_note": "n", "created_at": at}  # fmt: skip


def _act(n: int, lead_id: str, kind: str, at: datetime, subject: str | None = None) -> dict[str, Any]:
    return {"id": f"A{n:04d}", "who_id": lead_id, "type": kind, "occurred_at": at, "subject": subject}


def _seed(ws_path: Path) -> Workspace:
    """24 leads: 12 drafted (6 replied, 3 with a meeting), 12 not (2 replied, 1 meeting) — of those, 2
    were drafted only after their first activity (not drafted) and 1 in the next month's run."""
    (ws_path / "jobshift.toml").write_text('[workspace]\nname = "Acme"\n')
    ws = Workspace.open(ws_path)
    ls = [_lead(i) for i in range(24)]
    drafts, acts = [], []
    n = 0

    def act(lead: dict[str, Any], kind: str, hours: int, subject: str | None = None) -> None:
        nonlocal n
        n += 1
        acts.append(_act(n, lead["id"], kind, lead["created_at"] + timedelta(hours=hours), subject))

    for i, lead in enumerate(ls[:12]):  # drafted right away
        drafts.append(_draft(lead["id"], lead["created_at"] + timedelta(minutes=5)))
        act(lead, "Task", 1, f"{DRAFT_MARK} First touch")  # the draft written to the CRM: not a touch
        if i < 6:
            act(lead, "Email", 2)
            act(lead, "Reply", 30)
        if i < 3:
            act(lead, "Meeting", 72)
    for i, lead in enumerate(ls[12:]):  # not drafted (or drafted after the rep's first touch)
        act(lead, "Call", 1)
        if i < 2:
            act(lead, "Email Reply", 20)
        if i < 1:
            act(lead, "meeting", 50)  # types match case-insensitively
        if i in (5, 6):
            drafts.append(_draft(lead["id"], lead["created_at"] + timedelta(hours=3)))
    acts.append(_act(999, "L000", "Reply", datetime(2026, 12, 2)))  # after the month: not counted
    with ws.store.begin() as conn:
        conn.execute(insert(leads), ls)
        conn.execute(insert(outreach_drafts), drafts)
        conn.execute(insert(activities), acts)
    return ws


def test_drafts_section_with_known_numbers(backend_workspace: Path) -> None:
    ws = _seed(backend_workspace)
    payload = compute_scorecard(ws.store, ws.config, MONTH, now=NOW)
    d = payload["drafts"]
    assert d["drafted"] == {"leads": 12, "replied": 6, "meetings": 3, "reply_rate": 0.5, "meeting_rate": 0.25}
    nd = d["not_drafted"]
    assert (nd["leads"], nd["replied"], nd["meetings"]) == (12, 2, 1)
    assert nd["reply_rate"] == pytest.approx(2 / 12) and nd["meeting_rate"] == pytest.approx(1 / 12)
    assert d["difference"]["reply_rate"] == pytest.approx(0.5 - 2 / 12)
    assert d["difference"]["meeting_rate"] == pytest.approx(0.25 - 1 / 12)
    assert d["note"] is None and d["min_sample"] == 10
    # the written draft is not a touch: the drafted leads without a rep activity count as not contacted
    contacted = next(s for s in payload["funnel"] if s["key"] == "contacted")
    assert contacted["value"] == 6 + 12
    assert all(c["key"] != "drafts" for c in payload["categories"])  # informational, not graded
    ws.close()


def test_too_few_leads_say_so_and_the_cli_shows_the_section(
    workspace_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(workspace_env).close()
    (workspace_env / "jobshift.toml").write_text(
        '[workspace]\nname = "Acme"\n[outreach]\nscorecard_min_sample = 13\n'
    )
    assert main(["-w", str(workspace_env), "scorecard", "--month", MONTH, "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)["drafts"]
    assert d["difference"] is None and "at least 13" in d["note"]
    assert main(["-w", str(workspace_env), "scorecard", "--month", MONTH, "--recompute"]) == 0
    out = capsys.readouterr().out
    assert "First-touch drafts (not graded)" in out and "Drafted" in out and "50%" in out
    assert "too few leads to compare" in out


def test_lead_flags_and_compare() -> None:
    t = datetime(2026, 1, 1)
    assert lead_flags({"first_draft_at": t, "first_activity_at": None})["drafted"]
    assert lead_flags({"first_draft_at": t, "first_activity_at": t})["drafted"]
    assert not lead_flags({"first_draft_at": t + timedelta(1), "first_activity_at": t})["drafted"]
    assert not lead_flags({"first_draft_at": None, "first_activity_at": None})["drafted"]
    empty = compare([])
    assert empty["drafted"]["reply_rate"] is None and empty["difference"] is None
