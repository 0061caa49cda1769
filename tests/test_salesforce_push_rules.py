"""``jobshift push`` into a Salesforce org that enforces its rules: a poison record never blocks the
batch, duplicate-rule refusals become links, values are fitted to the org's fields (and the audit says
so), a fixed cause is retried with ``--retry-failed``, and an unreachable org fails fast with one line."""

from __future__ import annotations

import csv
import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from fakes.salesforce import FakeSalesforce
from fakes.salesforce_data import FieldSpec
from fakes.salesforce_setup import ENV, ORG_EXTERNAL_IDS, ORG_FIELDS
from jobshift.cli.main import main
from jobshift.services.workspace import Workspace
from jobshift.store.schema import audit_log, runs, signals
from program_data import add_signals, seed_crm, signal


def _toml(ws: Path, login_url: str, cert: str | None, **extra: str) -> None:
    lines = [
        "[push]",
        'crm = "salesforce"',
        "[salesforce]",
        f'login_url = "{login_url}"',
        'username = "integration@example.com"',
        'client_id = "test-client"',
        "backoff_base_seconds = 0.001",
        "backoff_max_seconds = 0.01",
        *(f"{k} = {v}" for k, v in extra.items()),
    ]
    if cert:
        lines.append(f'ca_bundle = "{cert}"')
    (ws / "jobshift.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _org(tmp: Path) -> FakeSalesforce:
    lead = {
        **ORG_FIELDS["Lead"],
        "Jobshift_Company_Country__c": FieldSpec("picklist", picklist=("United States",), restricted=True),
        "Jobshift_Job_Started_Date__c": "date",
        "Jobshift_Matched_Account__c": "reference",
    }
    return FakeSalesforce(
        tmp,
        custom_fields={**ORG_FIELDS, "Lead": lead},
        external_ids=ORG_EXTERNAL_IDS,
        duplicate_rules={"Lead": ("Email",)},
    )


def _push(ws: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["-w", str(ws), "push", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_poison_record_duplicate_rule_and_fitted_values(
    workspace_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    with _org(tmp_path) as fake:
        existing = fake.add("Lead", LastName="Dup", Company="NewCo", Email="dup@newco.com", IsConverted=False)
        _toml(workspace_env, fake.url, fake.cert, dedupe_in_org="false")
        ws = Workspace.open(workspace_env)
        seed_crm(ws.store)
        hire: dict[str, Any] = {"type": "new_hire", "contact_id": None, "past_account_id": None}
        add_signals(
            ws.store,
            [
                signal("s-long", **hire, new_title="Head of " + "Platform Engineering " * 15),
                signal("s-poison", **hire, person_key="li:p-2", linkedin_url="https://linkedin.com/in/p-2",
                       email="p2@smallco.com", full_name="F2 L2", matched_account_id="a-smb",
                       new_company="SmallCo", new_company_domain="smallco.com"),
                signal("s-dup", **hire, person_key="li:p-3", linkedin_url="https://linkedin.com/in/p-3",
                       email="dup@newco.com", full_name="Dup Person"),
            ],
        )  # fmt: skip
        ws.close()
        out = _push(workspace_env, capsys)
        a = out["applied"]
        assert (a["created"], a["linked"], a["failed"], a["retry_later"]) == (1, 1, 1, 0), a
        [failure] = a["failures"]
        assert failure["signal_id"] == "s-poison"
        assert "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" in failure["error"] and "Germany" in failure["error"]
        leads = [r for r in fake.records("Lead") if r.get("Jobshift_Key__c")]
        assert len(leads) == 1 and len(leads[0]["Title"]) == 128  # shortened to the field's length
        assert leads[0]["Jobshift_Job_Started_Date__c"] == "2026-09-01"
        assert leads[0]["Jobshift_Matched_Account__c"] is None  # "a-new" is no Salesforce id
        ws = Workspace.open(workspace_env)
        with ws.store.connect() as conn:
            status = {r.signal_id: (r.status, r.lead_id) for r in conn.execute(select(signals))}
            notes = [
                n for r in conn.execute(select(audit_log.c.after)) for n in (r.after or {}).get("notes", [])
            ]
            run = conn.execute(select(runs).where(runs.c.kind == "push")).mappings().one()
        ws.close()
        assert status["s-dup"] == ("duplicate", existing) and status["s-poison"] == ("new", None)
        assert status["s-long"][0] == "pushed"
        assert any("shortened from" in n for n in notes) and any("written as 2026-09-01" in n for n in notes)
        assert any("not a Salesforce id" in n for n in notes)
        assert run["status"] == "ok" and run["counts"]["failed"] == 1
        # the failed row, with Salesforce's code and message, in the outbox export
        out_csv = tmp_path / "outbox.csv"
        assert (
            main(["-w", str(workspace_env), "export", "outbox", "--format", "csv", "--out", str(out_csv)])
            == 0
        )
        rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
        bad = [r for r in rows if r["status"] == "failed"]
        assert len(bad) == 1 and "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" in bad[0]["last_error"]
        # the admin adds the value to the picklist; the failed row is retried and lands, once
        spec = fake.objects["Lead"].specs["Jobshift_Company_Country__c"]
        spec.picklist = ("United States", "Germany")
        again = _push(workspace_env, capsys, "--retry-failed")
        assert again["requeued"] == 1 and again["applied"]["created"] == 1 and again["applied"]["failed"] == 0
        assert len([r for r in fake.records("Lead") if r.get("Jobshift_Key__c")]) == 2


def test_unreachable_login_url_fails_fast_with_one_line(
    workspace_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _toml(workspace_env, f"https://127.0.0.1:{port}", None)
    ws = Workspace.open(workspace_env)
    seed_crm(ws.store)
    add_signals(ws.store, [signal("s-1")])
    ws.close()
    started = time.monotonic()
    code = main(["-w", str(workspace_env), "push"])
    took = time.monotonic() - started
    err = capsys.readouterr().err.strip()
    assert code == 1 and took < 15, (code, took)
    assert len(err.splitlines()) == 1 and "cannot reach" in err and "connection refused" in err, err
    ws = Workspace.open(workspace_env)
    with ws.store.connect() as conn:
        run = conn.execute(select(runs).where(runs.c.kind == "push")).mappings().one()
    ws.close()
    assert run["status"] == "failed" and "cannot reach" in run["error"]


def test_api_guard_tripping_while_planning_is_a_paused_run(
    workspace_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    with _org(tmp_path) as fake:
        _toml(workspace_env, fake.url, fake.cert)
        ws = Workspace.open(workspace_env)
        seed_crm(ws.store)
        add_signals(ws.store, [signal("s-1", type="new_hire", contact_id=None, past_account_id=None)])
        ws.close()
        fake.daily_limit, fake.api_used = 10, 8  # the first answer says 9/10 used: over the 90% threshold
        out = _push(workspace_env, capsys)
        assert out["planned"]["create_lead"] == 0 and "paused" in out["applied"]["paused"]
        assert fake.api_used <= 10 and fake.records("Lead") == []
        ws = Workspace.open(workspace_env)
        with ws.store.connect() as conn:
            run = conn.execute(select(runs).where(runs.c.kind == "push")).mappings().one()
        ws.close()
        assert run["status"] == "paused" and "daily limit" in run["error"]
        fake.daily_limit, fake.api_used = 1_000_000, 0  # the next day
        again = _push(workspace_env, capsys)
        assert again["applied"]["created"] == 1 and len(fake.records("Lead")) == 1
