"""The scorecard's activity categories in HubSpot mode, end to end, against the same week in store mode.

A generated company is imported (store) or pulled from the fake HubSpot; the people feed arrives; track,
detect and push create the leads. Then the reps work the first leads: in HubSpot they log engagements on
the new contacts — a call and a meeting, a note, an e-mail, a LinkedIn task, an SMS, a WhatsApp message
(``[hubspot] engagements`` includes communications) — and the next ``crm pull`` reads exactly those,
incrementally; in store mode the same activities are imported from a CSV. The month's scorecard must then
grade engagement rate, days until first activity and number of activities the same in both modes, and the
funnel must count the same contacted leads and meetings.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from fakes.hubspot import ENV as HS_ENV
from fakes.hubspot import FakeHubSpot
from fakes.hubspot_company import TOML as HS_TOML
from fakes.hubspot_company import load_company
from jobshift.cli.main import main
from jobshift.services.workspace import Workspace
from jobshift.store.schema import leads, signals

WORK = [  # per lead (in the order of the person's name): (activity type, HubSpot engagement, its kind)
    [("Call", "calls", None), ("Meeting", "meetings", None)],
    [("Note", "notes", None)],
    [("Email", "emails", None)],
    [("LinkedIn", "tasks", "LINKED_IN")],
    [("SMS", "communications", "SMS")],
    [("WhatsApp", "communications", "WHATS_APP"), ("Call", "calls", None)],
]
SUBJECT = {"calls": "hs_call_title", "meetings": "hs_meeting_title", "notes": "hs_note_body",
           "emails": "hs_email_subject", "tasks": "hs_task_subject",
           "communications": "hs_communication_body"}  # fmt: skip
KIND = {"tasks": "hs_task_type", "communications": "hs_communication_channel_type"}
CATEGORIES = ("engagement_rate", "days_until_first_activity", "number_of_activities")
_SCORECARDS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    assert main(["generate", "--out", str(out), "--seed", "3", "--scale", "0.02"]) == 0
    return out


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0, argv
    return json.loads(capsys.readouterr().out)


def _worked_leads(ws_dir: Path) -> list[tuple[str, datetime]]:
    """(lead id, created at) of the first pushed job-change leads, by the person's name."""
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            q = (
                select(leads.c.id, leads.c.created_at, signals.c.full_name)
                .join(signals, signals.c.lead_id == leads.c.id)
                .where(signals.c.status == "pushed", signals.c.type == "job_change")
                .order_by(signals.c.full_name, signals.c.signal_id)
            )
            rows = [(r.id, r.created_at) for r in conn.execute(q)]
    finally:
        ws.close()
    assert len(rows) >= len(WORK), rows
    return rows[: len(WORK)]


def _log_in_hubspot(hs: FakeHubSpot, worked: list[tuple[str, datetime]]) -> int:
    n = 0
    for (contact_id, created), work in zip(worked, WORK, strict=True):
        for i, (_type, etype, kind) in enumerate(work):
            at = (created + timedelta(minutes=1 + i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            props = {
                "hs_timestamp": at,
                SUBJECT[etype]: f"{etype} {i}",
                **({KIND[etype]: kind} if kind else {}),
            }
            hs.associate(etype, hs.add(etype, **props), "contacts", contact_id)
            n += 1
    return n


def _import_in_store(ws: str, tmp: Path, worked: list[tuple[str, datetime]]) -> int:
    path = tmp / "worked.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["id", "who_id", "type", "occurred_at", "subject"])
        for j, ((lead_id, created), work) in enumerate(zip(worked, WORK, strict=True)):
            for i, (type_, etype, _kind) in enumerate(work):
                at = (created + timedelta(minutes=1 + i)).isoformat(timespec="seconds")
                out.writerow([f"w-{j}-{i}", lead_id, type_, at, f"{etype} {i}"])
    assert main(["-w", ws, "import", "activities", str(path)]) == 0
    return sum(len(w) for w in WORK)


@pytest.mark.parametrize("mode", ["store", "hubspot"])
def test_the_scorecard_counts_the_reps_work_the_same_in_hubspot_mode(
    mode: str,
    company: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for k, v in HS_ENV.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("JOBSHIFT_DATABASE_URL", raising=False)
    ws = str(tmp_path / "ws")
    assert main(["init", ws]) == 0
    hs = FakeHubSpot().__enter__() if mode == "hubspot" else None
    try:
        if hs is not None:
            load_company(hs, company)
            engagements = '["calls", "emails", "meetings", "notes", "tasks", "communications"]'
            (tmp_path / "ws" / "jobshift.toml").write_text(
                f'[push]\ncrm = "hubspot"\n\n[hubspot]\nbase_url = "{hs.url}"\nbackoff_base_seconds = 0\n'
                f"engagements = {engagements}\n{HS_TOML}",
                encoding="utf-8",
            )
            _json(capsys, "-w", ws, "crm", "check")
            first = _json(capsys, "-w", ws, "crm", "pull")["objects"]["activities"]
            assert first["inserted"] > 300 and first["quarantined"] == 0
        else:
            assert main(["-w", ws, "import", "all", str(company)]) == 0
        for argv in (["ingest", "people", str(company / "people.jsonl")], ["track"], ["detect"]):
            assert main(["-w", ws, *argv]) == 0
        pushed = _json(capsys, "-w", ws, "push")["applied"]
        assert pushed["created"] > len(WORK) and pushed["failed"] == 0
        worked = _worked_leads(tmp_path / "ws")
        if hs is not None:  # the reps log their work in HubSpot; the next pull reads just that
            logged = _log_in_hubspot(hs, worked)
            again = _json(capsys, "-w", ws, "crm", "pull", "--object", "activities")["objects"]["activities"]
            assert again["inserted"] == logged and again["quarantined"] == 0
        else:
            logged = _import_in_store(ws, tmp_path, worked)
        month = max(c for _l, c in worked).strftime("%Y-%m")
        capsys.readouterr()
        assert main(["-w", ws, "scorecard", "--month", month, "--format", "json"]) == 0
        card = json.loads(capsys.readouterr().out)
    finally:
        if hs is not None:
            hs.__exit__(None, None, None)
    cats = {c["key"]: c for c in card["categories"]}
    funnel = {f["key"]: f["value"] for f in card["funnel"]}
    assert (funnel["contacted"], funnel["meeting_held"]) == (len(WORK), 1)
    drill = cats["number_of_activities"]["drilldown"]
    assert (drill["contacted"], drill["activities"]) == (len(WORK), logged) == (6, 8)
    assert cats["engagement_rate"]["sample_size"] == pushed["created"]
    assert cats["days_until_first_activity"]["sample_size"] == len(WORK)
    _SCORECARDS[mode] = {
        "categories": {k: (cats[k]["value"], cats[k]["sample_size"], cats[k]["grade"]) for k in CATEGORIES},
        "funnel": funnel,
    }
    if "store" in _SCORECARDS and mode != "store":
        assert _SCORECARDS[mode] == _SCORECARDS["store"]
