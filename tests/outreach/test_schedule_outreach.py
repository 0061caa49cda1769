"""The scheduler runs draft (and the CRM draft writes) and enrol after the push, before notify, through
``jobshift schedule run`` — in the built-in store and against the strict fake Salesforce org: every new
lead drafted, its draft written to the CRM once, leads enrolled once in the fake Outreach, and the next
day's Slack cards carry the drafts. ``[schedule] draft_after_push = false`` turns the steps off."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fakes.salesforce_data import CLOCK
from fakes.salesforce_org import load_company
from fakes.sequence_tools import FakeOutreach
from fakes.slack import FakeSlack
from jobshift.cli.main import main
from jobshift.domain.outreach.crm_write import DRAFT_MARK
from jobshift.services.workspace import Workspace
from jobshift.store.schema import activities, leads, outbox, outreach_drafts
from smtp_fake import FakeSmtp
from test_cadence_e2e import TUESDAY, _fake_org, _toml, company, services

__all__ = ["company", "services"]  # the fixtures of test_cadence_e2e, used here


def _tick(ws: Path, at: datetime, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    CLOCK[0] = lambda: at
    capsys.readouterr()
    code = main(["-w", str(ws), "schedule", "run", "--once", "--now", at.isoformat(), "--json"])
    text, docs, dec, i = capsys.readouterr().out, [], json.JSONDecoder(), 0
    while i < len(text):
        if text[i] == "{":
            doc, i = dec.raw_decode(text, i)
            docs.append(doc)
        else:
            i += 1
    assert code == 0, docs
    return [r for d in docs for r in d["ran"]]


def _outreach_toml(fake: FakeOutreach) -> str:
    return f"""
[outreach]
crm_write = "task"

[[outreach.enrol]]
name = "movers"
tool = "outreach"
sequence = "11"
signal_types = ["job_change", "new_hire", "promotion"]
max_age_days = 3650

[outreach.outreach]
base_url = "{fake.url}/api/v2"
default_sender_id = "7"
backoff_base_seconds = 0
"""


def _local(ws_dir: Path) -> dict[str, Any]:
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            jobshift_leads = [
                str(x) for (x,) in conn.execute(select(leads.c.id).where(leads.c.signal_id.is_not(None)))
            ]
            drafted = {str(x) for (x,) in conn.execute(select(outreach_drafts.c.lead_id).distinct())}
            outs = Counter(
                {
                    (k, s): int(n)
                    for k, s, n in conn.execute(
                        select(outbox.c.kind, outbox.c.status, func.count()).group_by(
                            outbox.c.kind, outbox.c.status
                        )
                    )
                }
            )
            acts = [
                dict(r)
                for r in conn.execute(
                    select(activities).where(activities.c.subject.like("[jobshift draft]%"))
                ).mappings()
            ]
    finally:
        ws.close()
    return {"leads": jobshift_leads, "drafted": drafted, "outbox": outs, "draft_activities": acts}


@pytest.mark.parametrize("mode", ["store", "salesforce"])
def test_schedule_drafts_writes_and_enrols_after_push_before_notify(
    mode: str,
    company: Path,
    tmp_path: Path,
    services: tuple[FakeSlack, FakeSmtp],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slack, smtp = services
    monkeypatch.setenv("JOBSHIFT_OUTREACH_TOKEN", "seq-token")
    ws = tmp_path / "ws"
    w = str(ws)
    assert main(["init", w]) == 0

    def week(sf: Any) -> dict[str, Any]:
        assert main(["-w", w, "ingest", "people", str(company / "people.jsonl")]) == 0
        tuesday = _tick(ws, TUESDAY, capsys)
        tier1 = next(r for r in tuesday if r["job"] == "tier1")
        assert tier1["status"] == "ok", tier1
        counts = tier1["counts"]
        assert counts["draft"]["leads"] > 0 and counts["draft"]["crm_write"]["applied"] > 0, counts
        assert counts["enrol"]["planned"] > 0, counts
        local = _local(ws)
        assert set(local["leads"]) <= local["drafted"]  # every new lead drafted after the push
        wednesday = _tick(ws, TUESDAY + timedelta(days=1), capsys)
        assert [(r["job"], r["status"]) for r in wednesday] == [("notify", "ok")], wednesday
        return local

    with FakeOutreach() as tool:
        if mode == "salesforce":
            with _fake_org(tmp_path, company) as sf:
                load_company(sf, company)
                _toml(ws, slack, smtp, sf)
                with (ws / "jobshift.toml").open("a") as f:
                    f.write(_outreach_toml(tool))
                local = week(sf)
                tasks = [t for t in sf.records("Task") if str(t.get("Subject") or "").startswith(DRAFT_MARK)]
                assert sorted(t["WhoId"] for t in tasks) == sorted(local["leads"])  # one task per lead
        else:
            _toml(ws, slack, smtp, None)
            with (ws / "jobshift.toml").open("a") as f:
                f.write(_outreach_toml(tool))
            assert main(["-w", w, "import", "all", str(company)]) == 0
            local = week(None)
            assert sorted(a["who_id"] for a in local["draft_activities"]) == sorted(local["leads"])
        assert local["outbox"][("draft_crm", "applied")] == len(local["leads"])
        enrolled = local["outbox"][("enrol_sequence", "applied")]
        assert enrolled > 0 and len(tool.enrolments) == enrolled and set(tool.enrolments.values()) == {1}
        cards = json.dumps(slack.posted())
        assert "open_draft" in cards and "*Draft:*" in cards  # Wednesday's cards carry Tuesday's drafts


def test_draft_after_push_off_leaves_leads_undrafted(
    company: Path,
    tmp_path: Path,
    services: tuple[FakeSlack, FakeSmtp],
    capsys: pytest.CaptureFixture[str],
) -> None:
    slack, smtp = services
    ws = tmp_path / "ws"
    assert main(["init", str(ws)]) == 0
    _toml(ws, slack, smtp, None)
    text = (
        (ws / "jobshift.toml").read_text().replace("[schedule]\n", "[schedule]\ndraft_after_push = false\n")
    )
    (ws / "jobshift.toml").write_text(text)
    assert main(["-w", str(ws), "import", "all", str(company)]) == 0
    assert main(["-w", str(ws), "ingest", "people", str(company / "people.jsonl")]) == 0
    tier1 = next(r for r in _tick(ws, TUESDAY, capsys) if r["job"] == "tier1")
    assert tier1["status"] == "ok" and "draft" not in tier1["counts"] and "enrol" not in tier1["counts"]
    local = _local(ws)
    assert local["leads"] and not local["drafted"]
