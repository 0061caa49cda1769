"""``[outreach] crm_write``: each lead's draft written to the CRM once, as a task or note, through the CLI
(``jobshift draft --all``) in every CRM mode — the built-in store, Salesforce (a strict fake org) and
HubSpot (a strict fake account) — with 20% of the calls refused or answered after being processed:
one activity per lead, every write applied and audited, re-running writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fakes.hubspot import ENV as HS_ENV
from fakes.hubspot import FakeHubSpot
from fakes.salesforce import FakeSalesforce
from fakes.salesforce_setup import ENV as SF_ENV
from jobshift.cli.main import main
from jobshift.domain.outreach.crm_write import DRAFT_MARK, KIND, is_draft_activity
from jobshift.services.workspace import Workspace
from jobshift.store.schema import activities, audit_log, outbox
from outreach_data import lead_email, seed

N = 8
FAULTS = {"fault_share": 0.1, "lost_share": 0.1}


def _draft_all(ws_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["-w", str(ws_dir), "draft", "--all", "--no-llm", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _until_done(ws_dir: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """``draft --all`` until no draft write is pending (a paused run leaves rows for the next one)."""
    runs = []
    for _ in range(15):
        out = _draft_all(ws_dir, capsys)
        runs.append(out["crm_write"])
        if not out["crm_write"]["pending"].get("pending"):
            break
        with Workspace.open(ws_dir).store.begin() as conn:  # due now: no waiting for the backoff
            conn.execute(outbox.update().where(outbox.c.kind == KIND).values(next_attempt_at=None))
    return runs


def _db(ws_dir: Path) -> dict[str, Any]:
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            return {
                "applied": conn.execute(
                    select(func.count()).where(outbox.c.kind == KIND, outbox.c.status == "applied")
                ).scalar_one(),
                "audited": conn.execute(
                    select(func.count()).where(audit_log.c.action == "draft_write")
                ).scalar_one(),
                "activities": [dict(r) for r in conn.execute(select(activities)).mappings()],
            }
    finally:
        ws.close()


def test_store_mode_writes_one_task_activity_per_lead(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(backend_workspace, 3, toml='[outreach]\ncrm_write = "task"\n').close()
    dry = _draft_all(backend_workspace, capsys, "--dry-run")["crm_write"]
    assert dry["dry_run"] and dry["planned"] == 3 and dry["no_draft"] == 0  # the drafts the run makes first
    assert [i["lead_id"] for i in dry["intended"]] == ["L000", "L001", "L002"]
    assert _db(backend_workspace)["activities"] == [] and _db(backend_workspace)["applied"] == 0
    first = _draft_all(backend_workspace, capsys)["crm_write"]
    assert first["planned"] == 3 and first["applied"]["applied"] == 3 and first["pending"] == {"applied": 3}
    db = _db(backend_workspace)
    assert db["applied"] == db["audited"] == 3
    acts = db["activities"]
    assert len(acts) == 3 and {a["type"] for a in acts} == {"Task"}
    assert all(is_draft_activity(a["subject"]) and "Congrats on joining" in a["subject"] for a in acts)
    assert {a["who_id"] for a in acts} == {"L000", "L001", "L002"} and {a["owner_id"] for a in acts} == {
        "u-bdr"
    }
    again = _draft_all(backend_workspace, capsys)["crm_write"]
    assert (
        again["planned"] == 0
        and again["already_planned"] == 3
        and len(_db(backend_workspace)["activities"]) == 3
    )


def test_store_mode_dry_run_lists_and_writes_nothing(
    workspace_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(workspace_env, 2, toml='[outreach]\ncrm_write = "note"\n').close()
    assert main(["-w", str(workspace_env), "draft", "--all", "--no-llm"]) == 0  # drafts and writes
    capsys.readouterr()
    ws = Workspace.open(workspace_env)
    with ws.store.begin() as conn:  # undo the writes, keep the drafts
        conn.execute(outbox.delete())
        conn.execute(activities.delete())
    ws.close()
    dry = _draft_all(workspace_env, capsys, "--dry-run")["crm_write"]
    assert dry["planned"] == 2 and {i["mode"] for i in dry["intended"]} == {"note"}
    assert all(i["subject"].startswith(DRAFT_MARK) for i in dry["intended"])
    assert _db(workspace_env)["activities"] == []
    assert main(["-w", str(workspace_env), "draft", "--all", "--no-llm", "--dry-run"]) == 0
    assert "would write 2 drafts as notes in store" in capsys.readouterr().out


def test_crm_write_none_writes_nothing(workspace_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(workspace_env, 2).close()
    assert _draft_all(workspace_env, capsys)["crm_write"] is None
    assert _db(workspace_env)["activities"] == []


def _sf_toml(fake: FakeSalesforce, mode: str) -> str:
    return f"""
[push]
crm = "salesforce"

[salesforce]
login_url = "{fake.url}"
username = "integration@example.com"
client_id = "test-client"
ca_bundle = "{fake.cert}"
max_attempts = 6
backoff_base_seconds = 0.001
backoff_max_seconds = 0.01

[outreach]
crm_write = "{mode}"
batch_size = 2
"""


@pytest.mark.parametrize("mode", ["task", "note"])
def test_salesforce_tasks_exactly_once_through_faults(
    mode: str,
    backend_workspace: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for k, v in SF_ENV.items():
        monkeypatch.setenv(k, v)
    with FakeSalesforce(tmp_path, **FAULTS) as fake:
        rep = fake.add("User", Name="Sam Rivera", Email="sam@acme.test", IsActive=True)
        ids = [
            fake.add("Lead", LastName="Reyes", Company=f"Newco{i}", Email=lead_email(i), IsConverted=False)
            for i in range(N)
        ]
        seed(backend_workspace, N, toml=_sf_toml(fake, mode), ids=ids, owner=rep).close()
        runs = _until_done(backend_workspace, capsys)
        assert not runs[-1]["pending"].get("pending") and not runs[-1]["pending"].get("failed"), runs
        assert fake.faults["lost"] > 0 and sum(fake.faults.values()) >= 2  # refused and lost calls
        tasks = [t for t in fake.records("Task") if str(t.get("Subject") or "").startswith(DRAFT_MARK)]
        assert sorted(t["WhoId"] for t in tasks) == sorted(ids)  # one task per lead, none twice
        status = "Not Started" if mode == "task" else "Completed"
        assert {t["Status"] for t in tasks} == {status} and {t["OwnerId"] for t in tasks} == {rep}
        assert all("LinkedIn note:" in t["Description"] and "Newco" in t["Description"] for t in tasks)
        db = _db(backend_workspace)
        assert db["applied"] == db["audited"] == N
        again = _draft_all(backend_workspace, capsys)["crm_write"]
        assert again["planned"] == 0 and len(fake.records("Task")) == N


def test_salesforce_bad_record_id_fails_alone(
    workspace_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in SF_ENV.items():
        monkeypatch.setenv(k, v)
    with FakeSalesforce(tmp_path) as fake:
        good = fake.add("Lead", LastName="Reyes", Company="Newco0", Email=lead_email(0), IsConverted=False)
        seed(workspace_env, 2, toml=_sf_toml(fake, "task"), ids=[good, "not-an-id"]).close()
        out = _draft_all(workspace_env, capsys)["crm_write"]
        assert out["applied"]["applied"] == 1 and out["applied"]["failed"] == 1
        assert "not a Salesforce id" in out["applied"]["failures"][0]["error"]
        assert [t["WhoId"] for t in fake.records("Task")] == [good]


def _hs_toml(fake: FakeHubSpot, mode: str) -> str:
    return f"""
[push]
crm = "hubspot"

[hubspot]
base_url = "{fake.url}"
max_attempts = 6
backoff_base_seconds = 0.001
backoff_max_seconds = 0.01

[outreach]
crm_write = "{mode}"
"""


@pytest.mark.parametrize("mode", ["note", "task"])
def test_hubspot_notes_and_tasks_exactly_once_through_faults(
    mode: str, backend_workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in HS_ENV.items():
        monkeypatch.setenv(k, v)
    with FakeHubSpot(**FAULTS) as fake:
        owner = fake.add_owner("Sam", "Rivera", "sam@acme.test")
        ids = [fake.add("contacts", email=lead_email(i), lastname="Reyes") for i in range(N)]
        seed(backend_workspace, N, toml=_hs_toml(fake, mode), ids=ids, owner=owner).close()
        runs = _until_done(backend_workspace, capsys)
        assert not runs[-1]["pending"].get("pending") and not runs[-1]["pending"].get("failed"), runs
        assert fake.faults["lost"] > 0 and sum(fake.faults.values()) > fake.faults["lost"]
        kind = "notes" if mode == "note" else "tasks"
        made = fake.records(kind)
        assert len(made) == N, [r["id"] for r in made]
        linked = sorted(to for ft, _f, tt, to, _t in fake.assoc if (ft, tt) == (kind, "contacts"))
        assert linked == sorted(ids)  # each associated with its own contact, once
        marked = "hs_note_body" if mode == "note" else "hs_task_subject"
        assert all(str(r[marked]).startswith(DRAFT_MARK) and r["hubspot_owner_id"] == owner for r in made)
        if mode == "task":
            assert {r["hs_task_status"] for r in made} == {"NOT_STARTED"}
        db = _db(backend_workspace)
        assert db["applied"] == db["audited"] == N
        again = _draft_all(backend_workspace, capsys)["crm_write"]
        assert again["planned"] == 0 and len(fake.records(kind)) == N


def test_push_retry_failed_leaves_draft_writes_alone(
    workspace_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in SF_ENV.items():
        monkeypatch.setenv(k, v)
    with FakeSalesforce(tmp_path) as fake:
        seed(workspace_env, 1, toml=_sf_toml(fake, "task"), ids=["not-an-id"]).close()
        assert _draft_all(workspace_env, capsys)["crm_write"]["pending"] == {"failed": 1}
        capsys.readouterr()
        assert main(["-w", str(workspace_env), "push", "--retry-failed", "--dry-run", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["requeued"] == 0
        out = _draft_all(workspace_env, capsys, "--retry-failed")["crm_write"]
        assert out["requeued"] == 1 and out["pending"] == {"failed": 1}  # retried, refused again


def test_a_lost_answer_is_found_not_written_again() -> None:
    from datetime import date

    from jobshift.connectors.crm.draft_writes import ALREADY, write_exactly_once
    from jobshift.connectors.crm.protocol import WriteResult
    from jobshift.domain.outreach.crm_write import build_write
    from jobshift.errors import RetryableError
    from jobshift.utils.retry import RetryPolicy

    draft = {"email_subject": "Hi", "email_body": "Body", "linkedin_note": "Note", "source": "template"}
    writes = [
        build_write(f"L{i}", "task", draft, full_name="Dana", owner_id=None, today=date(2026, 12, 1))
        for i in range(3)
    ]
    crm: dict[str, str] = {}
    calls = {"create": 0}

    def find(ws: Any) -> dict[str, str]:
        return {w.lead_id: crm[w.lead_id] for w in ws if w.lead_id in crm}

    def create(ws: Any) -> list[WriteResult]:
        calls["create"] += 1
        for w in ws:
            crm[w.lead_id] = f"T-{w.lead_id}"
        if calls["create"] == 1:
            raise RetryableError("504 after processing")  # the CRM created them; the answer is lost
        return [WriteResult(w.idempotency_key, True, record_id=crm[w.lead_id]) for w in ws]

    policy = RetryPolicy(max_attempts=3, backoff_base_seconds=0.0, backoff_max_seconds=0.0)
    out = write_exactly_once(writes, find, create, policy, sleep=lambda _s: None)
    assert calls["create"] == 1 and len(crm) == 3
    assert all(r.ok and r.notes == (ALREADY,) for r in out)
    assert [r.record_id for r in out] == ["T-L0", "T-L1", "T-L2"]


def test_a_converted_lead_gets_the_activity_on_its_contact(
    workspace_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import update

    from jobshift.store.schema import leads

    ws = seed(workspace_env, 2, toml='[outreach]\ncrm_write = "note"\n')
    with ws.store.begin() as conn:
        conn.execute(update(leads).where(leads.c.id == "L001").values(converted_contact_id="c-9"))
    ws.close()
    assert _draft_all(workspace_env, capsys)["crm_write"]["applied"]["applied"] == 2
    acts = {a["who_id"]: a for a in _db(workspace_env)["activities"]}
    assert set(acts) == {"L000", "c-9"} and {a["type"] for a in acts.values()} == {"Note"}
