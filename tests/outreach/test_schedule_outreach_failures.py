"""A failing enrol step after the push is recorded (the tier check ends ``failed`` naming ``enrol``) and
does not undo what ran before it: the drafts are made and written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobshift.cli.main import main
from jobshift.store.schema import activities, outreach_drafts
from outreach_data import seed

TOML = """
[schedule]
jobs = ["tier1"]
enrich_before_check = false

[outreach]
crm_write = "note"

[[outreach.enrol]]
name = "movers"
tool = "outreach"
sequence = "11"
max_age_days = 3650

[outreach.outreach]
base_url = "http://127.0.0.1:9/api/v2"
default_sender_id = "7"
"""


def test_enrol_failure_is_recorded_after_drafts(
    workspace_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JOBSHIFT_OUTREACH_TOKEN", raising=False)  # enrol cannot connect: no token
    ws = seed(workspace_env, 2, toml=TOML)
    ws.close()
    capsys.readouterr()
    code = main(
        ["-w", str(workspace_env), "schedule", "run", "--once", "--now", "2026-12-08T09:00", "--json"]
    )
    text, docs, dec, i = capsys.readouterr().out, [], json.JSONDecoder(), 0
    while i < len(text):  # one pretty-printed JSON document per tick
        if text[i] == "{":
            doc, i = dec.raw_decode(text, i)
            docs.append(doc)
        else:
            i += 1
    ran = [r for d in docs for r in d["ran"]]
    tier1 = next(r for r in ran if r["job"] == "tier1")
    assert tier1["status"] == "failed" and "enrol" in (tier1.get("error") or ""), tier1
    assert code == 1 and "JOBSHIFT_OUTREACH_TOKEN is not set" in tier1["error"]  # a failed job: exit 1
    counts = tier1["counts"]
    assert "push" in counts and counts["draft"]["leads"] == 2 and "error" in counts["enrol"]
    from jobshift.services.workspace import Workspace

    ws = Workspace.open(workspace_env)
    with ws.store.connect() as conn:
        assert len(conn.execute(outreach_drafts.select()).all()) == 2
        assert len(conn.execute(activities.select()).all()) == 2  # the notes were written
    ws.close()
