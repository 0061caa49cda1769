"""Sequence enrolment through the outbox against each tool's strict fake with 20% faults (refused and lost
answers): every lead enrolled exactly once, every enrolment applied and audited, re-running changes
nothing; on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fakes.salesforce_cadence import FakeSalesforceCadences
from fakes.salesforce_setup import ENV, sf_settings
from fakes.sequence_tools import FakeHubSpotSequences, FakeOutreach, FakeSalesloft
from jobshift.config import OutreachSender, SequenceToolSection
from jobshift.connectors.crm.salesforce.client import SalesforceClient
from jobshift.connectors.outreach.hubspot import HubSpotSequencesConnector
from jobshift.connectors.outreach.outreach import OutreachConnector
from jobshift.connectors.outreach.protocol import SequenceConnector
from jobshift.connectors.outreach.salesforce import SalesforceCadenceConnector
from jobshift.connectors.outreach.salesloft import SalesloftConnector
from jobshift.services.outreach.enrolling import KIND, enrol
from jobshift.store.schema import audit_log, outbox
from outreach_data import NOW, lead_email, seed

N = 12
FAULTS = {"fault_share": 0.1, "lost_share": 0.1}
SENDERS = {"outreach": "7", "salesloft": "5", "hubspot": "41"}
TOOL = {"max_attempts": 3, "backoff_base_seconds": 0.0, "backoff_max_seconds": 0.0}


def _rule(tool: str, sequence: str) -> str:
    return (
        f'[[outreach.enrol]]\nname = "movers"\ntool = "{tool}"\nsequence = "{sequence}"\n'
        'signal_types = ["job_change"]\n'
        f'[outreach.{tool}.senders.u-bdr]\nid = "{SENDERS.get(tool, "005000000000001AAA")}"\n'
        'email = "rep@acme.test"\n'
    )


@contextmanager
def _tool(name: str, tmp_path: Path) -> Iterator[tuple[Any, SequenceConnector, str]]:
    env = {
        "JOBSHIFT_OUTREACH_TOKEN": "seq-token",
        "JOBSHIFT_SALESLOFT_TOKEN": "seq-token",
        "JOBSHIFT_HUBSPOT_TOKEN": "seq-token",
    }
    s = SequenceToolSection(**TOOL)
    rng = random.Random(1)
    if name == "outreach":
        with FakeOutreach(**FAULTS) as fake:
            yield (
                fake,
                OutreachConnector(s, env=env, base_url=fake.url + "/api/v2", sleep=lambda _s: None, rng=rng),
                "11",
            )
    elif name == "salesloft":
        with FakeSalesloft(**FAULTS) as fake:
            yield (
                fake,
                SalesloftConnector(s, env=env, base_url=fake.url + "/v2", sleep=lambda _s: None, rng=rng),
                "21",
            )
    elif name == "hubspot":
        with FakeHubSpotSequences(**FAULTS) as fake:
            fake.users = {"41": "rep@acme.test"}
            yield (
                fake,
                HubSpotSequencesConnector(s, env=env, base_url=fake.url, sleep=lambda _s: None, rng=rng),
                "31",
            )
    else:
        with FakeSalesforceCadences(tmp_path, **FAULTS) as fake:
            fake.add("ActionCadence", Name="Job changers", State="Active")
            for i in range(N):
                fake.add(
                    "Lead", LastName="Reyes", Company=f"Newco{i}", Email=lead_email(i), IsConverted=False
                )
            client = SalesforceClient(sf_settings(fake), env=ENV, sleep=lambda _s: None)
            yield fake, SalesforceCadenceConnector(sf_settings(fake), s, client=client), "Job changers"


@pytest.mark.parametrize("tool", ["outreach", "salesloft", "hubspot", "salesforce"])
def test_each_lead_enrolled_exactly_once_through_faults(
    tool: str, backend_workspace: Path, tmp_path: Path
) -> None:
    with _tool(tool, tmp_path) as (fake, connector, sequence):
        ws = seed(backend_workspace, N, toml=_rule(tool, sequence))
        ws.config.push.backoff_base_seconds = 1.0
        clock = [NOW]
        runs = 0
        while True:
            runs += 1
            summary = enrol(ws, connectors={tool: connector}, clock=lambda: clock[0])
            if not summary.pending.get("pending") or runs >= 25:
                break
            clock[0] += timedelta(hours=1)
        assert summary.pending.get("failed", 0) == 0, summary.to_dict()
        assert not summary.pending.get("pending"), summary.to_dict()
        assert sum(fake.faults.values()) > 0  # the faults really happened
        assert len(fake.enrolments) == N and set(fake.enrolments.values()) == {1}, fake.enrolments
        with ws.store.connect() as conn:
            applied = conn.execute(
                select(func.count()).where(outbox.c.kind == KIND, outbox.c.status == "applied")
            ).scalar_one()
            audited = conn.execute(
                select(func.count()).where(
                    audit_log.c.action == "enrol", audit_log.c.object == f"sequence:{tool}"
                )
            ).scalar_one()
        assert applied == N and audited == N
        again = enrol(ws, connectors={tool: connector}, clock=lambda: clock[0])
        assert again.plan.planned == 0 and again.plan.already_planned == N
        assert set(fake.enrolments.values()) == {1}
        connector.close()
        ws.close()


def test_dry_run_lists_and_writes_nothing(workspace_env: Path) -> None:
    ws = seed(workspace_env, 3, toml=_rule("outreach", "11"))
    summary = enrol(ws, dry_run=True, clock=lambda: NOW)
    assert summary.plan.planned == 3 and len(summary.intended) == 3
    assert {i["tool"] for i in summary.intended} == {"outreach"}
    with ws.store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(outbox)).scalar_one() == 0


def test_a_lead_without_email_is_counted_not_planned(workspace_env: Path) -> None:
    ws = seed(workspace_env, 2, toml=_rule("salesloft", "21"))
    from sqlalchemy import update

    from jobshift.store.schema import leads

    with ws.store.begin() as conn:
        conn.execute(update(leads).where(leads.c.id == "L000").values(email=None))
    summary = enrol(ws, dry_run=True, clock=lambda: NOW)
    assert summary.plan.planned == 1
    assert summary.plan.not_planned == {"salesloft: no e-mail address": 1}


def test_a_refused_enrolment_fails_alone(workspace_env: Path) -> None:
    with FakeOutreach(mailboxes={"999"}) as fake:
        ws = seed(workspace_env, 2, toml=_rule("outreach", "11"))
        c = OutreachConnector(
            SequenceToolSection(**TOOL),
            env={"JOBSHIFT_OUTREACH_TOKEN": "seq-token"},
            base_url=fake.url + "/api/v2",
        )
        summary = enrol(ws, connectors={"outreach": c}, clock=lambda: NOW)
        assert summary.applied["outreach"]["failed"] == 2
        assert "mailbox not found" in summary.applied["outreach"]["failures"][0]["error"]
        assert summary.pending.get("failed") == 2


def test_sender_model_is_typed() -> None:
    assert OutreachSender(id="7").email is None


def test_push_retry_failed_leaves_enrolments_alone_enrol_retry_failed_requeues_them(
    backend_workspace: Path,
) -> None:
    from jobshift.services.program.pushing import push

    with FakeOutreach(mailboxes={"999"}) as fake:  # the rule's mailbox 7 is unknown: refused
        ws = seed(backend_workspace, 2, toml=_rule("outreach", "11"))
        c = OutreachConnector(
            SequenceToolSection(**TOOL),
            env={"JOBSHIFT_OUTREACH_TOKEN": "seq-token"},
            base_url=fake.url + "/api/v2",
        )
        assert enrol(ws, connectors={"outreach": c}, clock=lambda: NOW).pending == {"failed": 2}
        pushed = push(ws, clock=lambda: NOW, retry_failed=True)
        assert pushed.requeued == 0
        with ws.store.connect() as conn:
            failed = conn.execute(
                select(func.count()).where(outbox.c.kind == KIND, outbox.c.status == "failed")
            ).scalar_one()
        assert failed == 2  # push --retry-failed did not touch them
        assert enrol(ws, connectors={"outreach": c}, clock=lambda: NOW).pending == {"failed": 2}
        dry = enrol(ws, connectors={"outreach": c}, clock=lambda: NOW, dry_run=True, retry_failed=True)
        assert dry.requeued == 2 and len(dry.intended) == 2
        fake.mailboxes.add("7")  # the admin fixed the mailbox
        again = enrol(ws, connectors={"outreach": c}, clock=lambda: NOW, retry_failed=True)
        assert again.requeued == 2 and again.applied["outreach"]["applied"] == 2
        assert again.pending == {"applied": 2} and set(fake.enrolments.values()) == {1}
        assert enrol(ws, connectors={"outreach": c}, clock=lambda: NOW, retry_failed=True).requeued == 0
        c.close()
        ws.close()


def test_cli_enrol_retry_failed(workspace_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from jobshift.cli.main import main

    ws = seed(workspace_env, 1, toml=_rule("outreach", "11"))
    with ws.store.begin() as conn:
        conn.execute(
            outbox.insert().values(
                idempotency_key="enrol:L000", kind=KIND, status="failed", target_id="L000", attempts=3,
                payload={"lead_id": "L000", "tool": "outreach", "rule": "movers", "sequence": "11",
                         "sender": {"id": "7", "email": None}, "person": {"email": lead_email(0)}},
                is_backfill=False, sort_key="", created_at=NOW,
            )
        )  # fmt: skip
    ws.close()
    assert main(["-w", str(workspace_env), "enrol", "--dry-run", "--retry-failed", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["requeued"] == 1 and [i["key"] for i in out["intended"]] == ["enrol:L000"]
