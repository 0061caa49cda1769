"""``jobshift push``: outbox planning, the built-in store connector, dedupe, retries, pause, crash safety."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from jobshift.cli.main import main
from jobshift.connectors.crm.protocol import ApiUsage, ContactUpdate, LeadCreate, WriteResult
from jobshift.errors import FatalError, RetryableError
from jobshift.services.program.pushing import default_connector, push
from jobshift.services.workspace import Workspace
from jobshift.store.schema import accounts, audit_log, contacts, leads, outbox, runs, signals
from program_data import add_lead, add_signals, many_contacts, many_job_changes, seed_crm, signal

NOW = datetime(2026, 11, 18, 9)


def _ws(path: Path, toml: str = "") -> Workspace:
    (path / "jobshift.toml").write_text(toml)
    ws = Workspace.open(path)
    seed_crm(ws.store)
    return ws


def _rows(ws: Workspace, q: Any) -> list[dict[str, Any]]:
    with ws.store.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def _n(ws: Workspace, table: Any, *where: Any) -> int:
    with ws.store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


class Flaky:
    """The store connector with injected behaviour."""

    def __init__(self, inner: Any, *, fail: Exception | None = None, usage: ApiUsage | None = None,
                 crash_after_write: bool = False) -> None:  # fmt: skip
        self.inner, self.fail, self.usage, self.crash = inner, fail, usage, crash_after_write
        self.name = "flaky"
        self.calls = 0

    def read(self, object: Any, since: Any = None) -> Any:
        return self.inner.read(object, since)

    def check_fields(self, object: Any, fields: Sequence[str]) -> None:
        self.inner.check_fields(object, fields)

    def find_existing(self, people: Any) -> Any:
        return self.inner.find_existing(people)

    def create_leads(self, intents: Sequence[LeadCreate]) -> list[WriteResult]:
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        out = self.inner.create_leads(intents)
        if self.crash:
            raise SystemExit("crash after the CRM write, before the outbox mark")
        return list(out)

    def update_contacts(self, intents: Sequence[ContactUpdate]) -> list[WriteResult]:
        return list(self.inner.update_contacts(intents))

    def api_usage(self) -> ApiUsage | None:
        return self.usage


def test_job_change_lead_contact_update_signal_audit(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    add_signals(ws.store, [signal("s-1")])
    s = push(ws, clock=lambda: NOW)
    assert (s.planned.create_lead, s.planned.update_contact) == (1, 1)
    assert (s.applied.created, s.applied.updated, s.applied.failed) == (1, 1, 0)
    lead = _rows(ws, select(leads))[0]
    assert lead["id"].startswith("l-js-")
    expected = {
        "first_name": "F1", "last_name": "L1", "email": "p1@newco.com", "company": "NewCo",
        "title": "VP Engineering", "status": "New", "lead_source": "jobshift Contact Tracking",
        "priority": "High", "priority_reason": "Job change lead", "company_country": "United States",
        "company_state": "NY", "person_country": "US", "person_state": "TX",
        "linkedin_url": "https://www.linkedin.com/in/p-1", "is_target_company": True,
        "is_customer_company": False, "job_started_date": "2026-09", "past_account_id": "a-big",
        "past_contact_id": "c-1", "past_title": "Engineer", "matched_account_id": "a-new",
        "owner_id": "u-bdr2", "is_backfill": False, "signal_id": "s-1",
    }  # fmt: skip
    assert {k: lead[k] for k in expected} == expected
    assert lead["created_at"] is not None and "BDR" in lead["routing_reason"]
    c1 = _rows(ws, select(contacts).where(contacts.c.id == "c-1"))[0]
    assert (c1["no_longer_at_company"], c1["status"], c1["disqualified_reason"]) == (
        True, "Disqualified", "No Longer at Company"
    )  # fmt: skip
    assert c1["no_longer_at_company_at"] == NOW
    sig = _rows(ws, select(signals))[0]
    assert (sig["status"], sig["lead_id"]) == ("pushed", lead["id"])
    audit = _rows(ws, select(audit_log.c.action, audit_log.c.object, audit_log.c.record_id))
    assert sorted((a["action"], a["object"], a["record_id"]) for a in audit) == [
        ("create", "leads", lead["id"]), ("update", "contacts", "c-1")
    ]  # fmt: skip
    again = push(ws, clock=lambda: NOW + timedelta(days=1))  # idempotent
    assert again.planned.signals == 0 and again.applied.created == 0
    assert _n(ws, leads) == 1 and _n(ws, audit_log) == 2
    ws.close()


def test_dedupe_same_person_company_and_existing_records(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    add_lead(ws.store, email="p9@newco.com", email_norm="p9@newco.com", matched_account_id="a-new")
    add_signals(
        ws.store,
        [
            signal("s-1"),
            # the same person through a second (duplicate) CRM contact, same new company
            signal("s-2", contact_id="c-5", person_key="pdl:x", email="p1@newco.com"),
            # a person who already has a lead at NewCo
            signal("s-3", contact_id="c-6", person_key="pdl:y", linkedin_url=None, email="p9@newco.com"),
            # a promotion of a contact already at SmallCo: the contact itself is the existing record
            signal("s-4", type="promotion", contact_id="c-3", linkedin_url="linkedin.com/in/p-3", email=None,
                   matched_account_id="a-smb", new_company="SmallCo", new_company_domain="smallco.com"),
            signal("s-5", type="title_change", contact_id="c-2"),
        ],
    )  # fmt: skip
    s = push(ws, clock=lambda: NOW)
    got0 = {r["signal_id"]: (r["status"], r["lead_id"]) for r in _rows(ws, select(signals))}
    # s-4: a tracked contact promoted in place gets its new title (promotion_action = update_contact)
    assert (s.applied.created, s.applied.linked, s.applied.updated) == (1, 2, 4), got0
    assert _n(ws, leads, leads.c.id.like("l-js-%")) == 1
    got = {r["signal_id"]: (r["status"], r["lead_id"]) for r in _rows(ws, select(signals))}
    lead_id = got["s-1"][1]
    assert got == {
        "s-1": ("pushed", lead_id),
        "s-2": ("duplicate", lead_id),
        "s-3": ("duplicate", "l-existing"),
        "s-4": ("pushed", None),
        "s-5": ("new", None),
    }
    c3 = _rows(ws, select(contacts).where(contacts.c.id == "c-3"))[0]
    assert c3["title"] == "VP Engineering" and not c3["no_longer_at_company"]
    ws.close()


def test_dry_run_shows_intended_changes_and_writes_nothing(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _ws(backend_workspace)
    add_signals(ws.store, [signal("s-1")])
    ws.close()
    assert main(["-w", str(backend_workspace), "push", "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] and [i["kind"] for i in out["intended"]] == ["create_lead", "update_contact"]
    assert out["intended"][0]["fields"]["priority_reason"] == "Job change lead"
    assert out["intended"][1]["fields"]["status"] == "Disqualified"
    ws = Workspace.open(backend_workspace)
    assert _n(ws, outbox) == 0 and _n(ws, leads) == 0 and _n(ws, runs, runs.c.kind == "push") == 0
    assert main(["-w", str(backend_workspace), "push"]) == 0
    assert _n(ws, leads) == 1
    ws.close()


def test_retryable_error_backs_off_then_resumes(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace, "[push]\nbackoff_base_seconds = 60\n")
    add_signals(ws.store, [signal("s-1")])
    flaky = Flaky(default_connector(ws), fail=RetryableError("503 Service Unavailable"))
    s = push(ws, connector=flaky, clock=lambda: NOW)
    assert s.applied.paused and "503" in s.applied.paused and s.applied.retry_later == 2
    rows = _rows(ws, select(outbox).order_by(outbox.c.id))
    assert [(r["status"], r["attempts"], r["next_attempt_at"]) for r in rows] == [
        ("pending", 1, NOW + timedelta(seconds=60))
    ] * 2
    assert _n(ws, leads) == 0
    flaky.fail = None
    early = push(ws, connector=flaky, clock=lambda: NOW + timedelta(seconds=30))  # not yet due
    assert early.applied.created == 0
    later = push(ws, connector=flaky, clock=lambda: NOW + timedelta(seconds=61))
    assert (later.applied.created, later.applied.updated) == (1, 1)
    assert _n(ws, leads) == 1
    ws.close()


def test_api_usage_threshold_pauses_and_fatal_error_stops(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    add_signals(ws.store, [signal("s-1")])
    busy = Flaky(default_connector(ws), usage=ApiUsage(used=9_100, limit=10_000))
    s = push(ws, connector=busy, clock=lambda: NOW)
    assert s.applied.paused and "91%" in s.applied.paused and busy.calls == 0
    assert _rows(ws, select(runs.c.status).where(runs.c.kind == "push"))[0]["status"] == "paused"
    fatal = Flaky(default_connector(ws), fail=FatalError("INVALID_FIELD: Past_Title__c"))
    with pytest.raises(FatalError):
        push(ws, connector=fatal, clock=lambda: NOW)
    rows = _rows(ws, select(outbox))
    assert {r["status"] for r in rows} == {"pending"} and "INVALID_FIELD" in rows[0]["last_error"]
    assert "failed" in {r["status"] for r in _rows(ws, select(runs.c.status).where(runs.c.kind == "push"))}
    assert push(ws, clock=lambda: NOW).applied.created == 1  # nothing was lost
    ws.close()


def test_crash_between_crm_write_and_outbox_mark_does_not_duplicate(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace, "[push]\nbatch_size = 10\n")
    many_contacts(ws.store, 35)
    add_signals(ws.store, many_job_changes(35))
    with pytest.raises(SystemExit):
        push(ws, connector=Flaky(default_connector(ws), crash_after_write=True), clock=lambda: NOW)
    assert (
        _n(ws, leads) == 5 and _n(ws, outbox, outbox.c.status == "applied") == 0
    )  # 10 rows = 5 leads + 5 updates
    s = push(ws, clock=lambda: NOW)
    assert s.applied.created == 35 and _n(ws, leads) == 35
    assert _n(ws, contacts, contacts.c.no_longer_at_company.is_(True)) == 35
    assert _n(ws, audit_log, audit_log.c.object == "leads") == 35
    ws.close()


def _kill9_module() -> Any:
    path = Path(__file__).resolve().parents[1] / "scripts" / "kill9_push.py"
    spec = importlib.util.spec_from_file_location("kill9_push", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_kill_9_in_the_middle_of_a_push(backend_workspace: Path) -> None:
    report = _kill9_module().run(backend_workspace, 2000, 100)
    assert report["killed_mid_way"], report
    assert report["ok"], report
    assert report["leads"] == report["distinct_person_company"] == report["contacts_marked"] == 2000


def test_retry_failed_requeues_failed_rows_and_the_lead_is_created(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace, "[push]\nmax_attempts = 1\n")
    add_signals(ws.store, [signal("s-1")])
    broken = Flaky(default_connector(ws), fail=RetryableError("503 Service Unavailable"))
    first = push(ws, connector=broken, clock=lambda: NOW)  # the lead and the contact update give up
    assert (first.applied.failed, first.applied.retry_later) == (2, 0) and _n(ws, leads) == 0
    assert push(ws, clock=lambda: NOW).applied.created == 0  # failed rows stay failed
    dry = push(ws, clock=lambda: NOW, dry_run=True, retry_failed=True)
    assert dry.requeued == 2 and _n(ws, outbox, outbox.c.status == "failed") == 2  # nothing written
    again = push(ws, clock=lambda: NOW, retry_failed=True)
    assert (again.requeued, again.left_failed, again.applied.created, again.applied.updated) == (2, 0, 1, 1)
    assert _n(ws, leads) == 1 and _n(ws, outbox, outbox.c.status == "failed") == 0
    assert push(ws, clock=lambda: NOW, retry_failed=True).requeued == 0
    ws.close()


def test_retry_failed_never_plans_a_second_lead_for_one_person_and_company(backend_workspace: Path) -> None:
    from sqlalchemy import insert

    from jobshift.store.outbox import requeue_failed

    ws = _ws(backend_workspace)

    def row(i: int, status: str, key: str | None, kind: str = "create_lead") -> dict[str, Any]:
        return {
            "idempotency_key": f"k-{i}",
            "kind": kind,
            "signal_id": f"s-{i}",
            "dedupe_key": key,
            "payload": {},
            "status": status,
            "attempts": 8,
            "is_backfill": False,
            "created_at": NOW,
        }

    with ws.store.begin() as conn:
        conn.execute(
            insert(outbox),
            [
                row(1, "failed", "ann|acme"),  # a newer live row plans the same lead: stays failed
                row(2, "pending", "ann|acme"),
                row(3, "failed", "bob|globex"),  # two failed rows of one key: only the newest
                row(4, "failed", "bob|globex"),
                row(5, "failed", None, "update_contact"),
                row(6, "failed", "cy|initech"),
            ],
        )
    with ws.store.begin() as conn:
        assert requeue_failed(conn) == (3, 2)
    got = {r["signal_id"]: (r["status"], r["attempts"]) for r in _rows(ws, select(outbox))}
    assert got == {
        "s-1": ("failed", 8),
        "s-2": ("pending", 8),
        "s-3": ("failed", 8),
        "s-4": ("pending", 0),
        "s-5": ("pending", 0),
        "s-6": ("pending", 0),
    }
    ws.close()


def test_planning_sends_as_many_statements_for_forty_leads_as_for_four(backend_workspace: Path) -> None:
    """Dedupe, routing (stored decisions, round-robin state) and outbox rows are set-based, not per lead."""
    from sqlalchemy import event, insert

    from jobshift.store.schema import users

    ws = _ws(backend_workspace)
    with ws.store.begin() as conn:
        conn.execute(
            insert(users),
            [
                {"id": f"u-{r}{k}", "name": f"{r} {k}", "role": r, "active": True}
                for r in ("SDR", "BDR")
                for k in (1, 2)
            ],
        )
    many_contacts(ws.store, 40)
    accounts = ("a-new", "a-smb", None)  # the account's BDR, SMB round-robin, the default pool
    rows = [{**s, "matched_account_id": accounts[i % 3]} for i, s in enumerate(many_job_changes(40))]
    sent = [0]

    def count(*_args: object) -> None:
        sent[0] += 1

    def dry_run_statements() -> tuple[int, int]:
        sent[0] = 0
        event.listen(ws.store.engine, "before_cursor_execute", count)
        try:
            planned = push(ws, dry_run=True, clock=lambda: NOW).planned.create_lead
        finally:
            event.remove(ws.store.engine, "before_cursor_execute", count)
        return sent[0], planned

    add_signals(ws.store, rows[:4])
    few, planned_few = dry_run_statements()
    add_signals(ws.store, rows[4:])
    many, planned_many = dry_run_statements()
    assert (planned_few, planned_many) == (4, 40)
    assert many == few
    push(ws, clock=lambda: NOW)
    owners = {r["owner_id"] for r in _rows(ws, select(leads.c.owner_id))}
    assert {"u-bdr2", "u-SDR1", "u-SDR2"} <= owners  # every rule was exercised


def test_the_store_crm_receives_cased_feed_text(backend_workspace: Path) -> None:
    """A new hire whose feed name, title and company are lower case becomes a lead the CRM shows cased
    (domain/display); the matched account's own spelling wins for the company."""
    ws = _ws(backend_workspace)
    add_signals(
        ws.store,
        [
            signal(
                "s-lc",
                type="new_hire",
                contact_id=None,
                person_key="li:linkedin.com/in/lc",
                full_name="marie-claire van der berg",
                linkedin_url="https://www.linkedin.com/in/lc",
                email="mc@apexbridge.example",
                new_company="apexbridge insurance gmbh",
                new_company_domain="apexbridge.example",
                new_title="svp of r&d, emea",
                past_title=None,
                matched_account_id=None,
            ),
            signal("s-acc", new_company="newco", new_title="head of it"),
        ],
    )
    push(ws, clock=lambda: NOW)
    got = {r["signal_id"]: r for r in _rows(ws, select(leads))}
    hire = got["s-lc"]
    assert (hire["first_name"], hire["last_name"]) == ("Marie-Claire", "van der Berg")
    assert (hire["title"], hire["company"]) == ("SVP of R&D, EMEA", "Apexbridge Insurance GmbH")
    matched = got["s-acc"]
    assert matched["title"] == "Head of IT"
    assert matched["company"] == _rows(ws, select(accounts.c.name).where(accounts.c.id == "a-new"))[0]["name"]
    ws.close()
