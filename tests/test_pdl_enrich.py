"""``enrich_due``: due contacts by cadence, the enrichment cache, ingest of bought profiles."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import inspect, text

from fakes.pdl import FakePdl
from jobshift.config import PdlSection
from jobshift.connectors.people.pdl import PdlClient
from jobshift.services.ingest.enriching import enrich_due
from jobshift.services.workspace import Workspace
from jobshift.store.crm.mirror import upsert_rows
from jobshift.store.people import count_observations
from jobshift.store.runs import list_runs

KEY = {"JOBSHIFT_PDL_API_KEY": "pdl-test-key"}
NOW = datetime(2026, 11, 17, 9, 0)


def _profiles(n: int) -> list[dict[str, object]]:
    return [
        {
            "id": f"p-{i}",
            "full_name": f"ann lee{i}",
            "linkedin_url": f"linkedin.com/in/ann-lee-{i}",
            "work_email": f"ann{i}@newco.com",
            "job_company_name": "NewCo",
            "job_company_website": "newco.com",
            "job_title": "VP Engineering",
            "job_start_date": "2026-09",
            "experience": [
                {"company": {"name": "Acme"}, "title": {"name": "Director"}, "start_date": "2019"}
            ],
        }
        for i in range(n)
    ]


def _seed(ws: Workspace) -> None:
    with ws.store.begin() as conn:
        upsert_rows(conn, "accounts", ["id", "name"], [("a1", "Acme")])
        rows = []
        for i in range(8):
            li = f"linkedin.com/in/ann-lee-{i}" if i < 4 else None
            email = f"ann{i}@acme.com" if 4 <= i < 6 else None
            rows.append((f"c{i}", "a1", "Ann", f"Lee{i}", email, email, li, li))
        rows.append(("c-none", None, "No", "Account", None, None, None, None))  # not tracked: no account
        upsert_rows(
            conn,
            "contacts",
            [
                "id",
                "account_id",
                "first_name",
                "last_name",
                "email",
                "email_norm",
                "linkedin_url",
                "linkedin_norm",
            ],
            rows,
        )


def _client(fake: FakePdl) -> PdlClient:
    return PdlClient(PdlSection(base_url=fake.url, rate_per_minute=60_000), env=KEY)


def test_enrich_due_buys_once_per_cadence_and_ingests(backend_workspace: Path) -> None:
    ws = Workspace.open(backend_workspace)
    try:
        _seed(ws)
        profiles = _profiles(8)
        profiles[4]["work_email"] = "ann4@acme.com"  # found by email
        with FakePdl(profiles) as fake, _client(fake) as client:
            dry = enrich_due(ws, client=client, now=NOW, dry_run=True)
            assert (dry.tracked, dry.due, dry.no_identifier) == (8, 8, 0) and fake.calls["total"] == 0
            report = enrich_due(ws, client=client, now=NOW, batch_size=3)
            # 4 by LinkedIn, 1 by email, 2 by name + company (Acme in their history); 1 email finds nobody
            assert (report.requested, report.matched, report.no_match) == (8, 7, 1)
            assert report.observations_inserted == 7 and len(report.files) == 3
            with ws.store.connect() as conn:
                assert count_observations(conn) == 7
                assert count_observations(conn, "pdl:p-0") == 1
                [run] = list_runs(conn, kind="enrich")
                assert run["status"] == "ok" and run["counts"]["matched"] == 7
            # within the cadence nothing is bought again
            again = enrich_due(ws, client=client, now=NOW + timedelta(days=3))
            assert (again.due, again.cached, again.requested) == (0, 8, 0)
            assert max(fake.billed.values()) == 1
            # after the default cadence (30 days) everyone is due again
            later = enrich_due(ws, client=client, now=NOW + timedelta(days=31), dry_run=True)
            assert later.due == 8
    finally:
        ws.close()


def test_rate_limit_storm_stops_cleanly_and_resumes(backend_workspace: Path) -> None:
    ws = Workspace.open(backend_workspace)
    try:
        _seed(ws)
        with FakePdl(_profiles(8)) as fake:
            settings = PdlSection(base_url=fake.url, rate_per_minute=60_000, max_attempts=2)
            with PdlClient(settings, env=KEY, sleep=lambda s: None) as client:
                first = enrich_due(ws, client=client, now=NOW, batch_size=2, limit=2)
                assert first.requested == 2
                fake.share_429 = 1.0
                stopped = enrich_due(ws, client=client, now=NOW)
                assert stopped.stopped and "429" in stopped.stopped and stopped.requested == 0
                fake.share_429 = 0.0
                resumed = enrich_due(ws, client=client, now=NOW)
                assert resumed.requested == 6 and resumed.cached == 2
            assert max(fake.billed.values()) == 1
            with ws.store.connect() as conn:
                assert [r["status"] for r in list_runs(conn, kind="enrich")][:3].count("stopped") == 1
    finally:
        ws.close()


def test_tiers_set_the_cadence(backend_workspace: Path) -> None:
    ws = Workspace.open(backend_workspace)
    try:
        _seed(ws)
        with ws.store.begin() as conn:
            if inspect(conn).has_table("tracked_contacts"):
                cols = {c["name"] for c in inspect(conn).get_columns("tracked_contacts")}
                if not {"contact_id", "tier"} <= cols:
                    return
            else:
                conn.execute(text("CREATE TABLE tracked_contacts (contact_id VARCHAR(64), tier INTEGER)"))
            conn.execute(text("INSERT INTO tracked_contacts (contact_id, tier) VALUES ('c0', 1), ('c1', 2)"))
        with FakePdl(_profiles(2)) as fake, _client(fake) as client:
            first = enrich_due(ws, client=client, now=NOW)
            assert (first.tracked, first.requested) == (2, 2)
            week = enrich_due(ws, client=client, now=NOW + timedelta(days=8), dry_run=True)
            assert week.due == 1 and week.cached == 1  # tier 1 weekly, tier 2 monthly
    finally:
        ws.close()


def test_observed_at_is_the_run_date(backend_workspace: Path) -> None:
    ws = Workspace.open(backend_workspace)
    try:
        _seed(ws)
        with FakePdl(_profiles(1)) as fake, _client(fake) as client:
            report = enrich_due(ws, client=client, now=NOW, limit=1)
        assert report.matched == 1
        line = Path(report.files[0]).read_text().strip()
        assert f'"observed_at":"{date(2026, 11, 17).isoformat()}"' in line
    finally:
        ws.close()
