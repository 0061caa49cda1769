"""Detection end to end on a small hand-built CRM + people file (both backends).

Covers: LinkedIn / email / name+history identity, a renamed company kept by domain, left_company,
promotion, new hire at a target account, a same-name stranger (uncertain, not acted on), an older
observation that must not override the newest one, idempotent re-runs, export and evaluation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("jobshift.domain.normalize.names")
pytest.importorskip("jobshift.domain.normalize.titles")
pytest.importorskip("jobshift.domain.normalize.persona")

from jobshift.services.browse.exporting import export_object
from jobshift.services.detect.detecting import detect, export_signals
from jobshift.services.detect.evaluating import evaluate
from jobshift.services.ingest.importing import import_dir
from jobshift.services.ingest.ingesting import ingest_people
from jobshift.services.workspace import init_workspace

ACCOUNTS = """id,name,website,type,is_target
a-1,Acme Inc.,https://www.acme.com,Customer,false
a-2,Globex Corporation,globex.com,Prospect,true
a-3,Initech LLC,initech.com,Prospect,false
"""
CONTACTS = """id,account_id,first_name,last_name,email,title,linkedin_url
c-1,a-1,Jane,Doe,jane@acme.com,Director of Engineering,https://www.linkedin.com/in/jane-doe/
c-2,a-1,John,Smith,john@acme.com,VP Engineering,
c-3,a-3,Ann,Lee,,CTO,
c-4,a-1,Bob,Stone,bob@acme.com,Engineering Manager,linkedin.com/in/bob-stone
c-5,a-1,Mary,Major,mary@acme.com,Director of Engineering,linkedin.com/in/mary-major
c-6,a-3,Tom,Brown,,CTO,
"""


def _exp(name: str, site: str | None, title: str, start: str, end: str | None) -> dict[str, object]:
    return {
        "company": {"name": name, "website": site},
        "title": {"name": title},
        "start_date": start,
        "end_date": end,
        "is_primary": end is None,
    }


PEOPLE = [
    # job change by LinkedIn; the older observation (still at Acme) must not win
    {
        "id": "p-1",
        "linkedin_url": "linkedin.com/in/jane-doe",
        "full_name": "Jane Doe",
        "first_name": "Jane",
        "last_name": "Doe",
        "job_title": "VP Engineering",
        "job_company_name": "Globex",
        "job_company_website": "globex.com",
        "job_start_date": "2026-09",
        "observed_at": "2026-11-17",
        "experience": [
            _exp("Globex", "globex.com", "VP Engineering", "2026-09", None),
            _exp("Acme", "acme.com", "Director of Engineering", "2019-02", "2026-08"),
        ],
    },
    {
        "id": "p-1",
        "linkedin_url": "linkedin.com/in/jane-doe",
        "full_name": "Jane Doe",
        "first_name": "Jane",
        "last_name": "Doe",
        "job_title": "Director of Engineering",
        "job_company_name": "Acme",
        "job_company_website": "acme.com",
        "observed_at": "2026-01-01",
    },
    # same person, company renamed but same domain: no signal
    {
        "id": "p-2",
        "full_name": "John Smith",
        "first_name": "John",
        "last_name": "Smith",
        "work_email": "john@acme.com",
        "job_title": "VP Engineering",
        "job_company_name": "Acme Labs",
        "job_company_website": "acme.com",
        "job_start_date": "2020-01",
        "observed_at": "2026-11-17",
    },
    # name-only, history proves it: job change to a company outside the CRM
    {
        "id": "p-3",
        "full_name": "Ann Lee",
        "first_name": "Ann",
        "last_name": "Lee",
        "job_title": "CTO",
        "job_company_name": "Hooli",
        "job_company_website": "hooli.xyz",
        "job_start_date": "2026-07",
        "observed_at": "2026-11-17",
        "experience": [
            _exp("Hooli", "hooli.xyz", "CTO", "2026-07", None),
            _exp("Initech", "initech.com", "CTO", "2015", "2026-06"),
        ],
    },
    # same-name stranger without history: uncertain, never pushed
    {
        "id": "p-9",
        "full_name": "Tom Brown",
        "first_name": "Tom",
        "last_name": "Brown",
        "job_title": "Chef",
        "job_company_name": "Bistro",
        "observed_at": "2026-11-17",
    },
    # left, no new employer
    {
        "id": "p-4",
        "linkedin_url": "linkedin.com/in/bob-stone",
        "full_name": "Bob Stone",
        "first_name": "Bob",
        "last_name": "Stone",
        "observed_at": "2026-11-17",
        "experience": [_exp("Acme", "acme.com", "Engineering Manager", "2018", "2026-10")],
    },
    # promotion at the same company
    {
        "id": "p-5",
        "linkedin_url": "linkedin.com/in/mary-major",
        "full_name": "Mary Major",
        "first_name": "Mary",
        "last_name": "Major",
        "job_title": "VP Engineering",
        "job_company_name": "Acme Inc",
        "job_company_website": "acme.com",
        "job_start_date": "2026-06",
        "observed_at": "2026-11-17",
    },
    # a new hire at the target account Globex, persona title
    {
        "id": "p-6",
        "linkedin_url": "linkedin.com/in/sam-hire",
        "full_name": "Sam Hire",
        "first_name": "Sam",
        "last_name": "Hire",
        "work_email": "sam@globex.com",
        "job_title": "VP Engineering",
        "job_company_name": "Globex Corp",
        "job_company_website": "globex.com",
        "job_start_date": "2026-10-01",
        "observed_at": "2026-11-17",
    },
]

TRUTH = [
    {
        "type": "job_change",
        "contact_id": "c-1",
        "person_id": "p-1",
        "matched_account_id": "a-2",
        "expected_status": "new",
    },
    {
        "type": "job_change",
        "contact_id": "c-3",
        "person_id": "p-3",
        "matched_account_id": None,
        "expected_status": "new",
    },
    {
        "type": "left_company",
        "contact_id": "c-4",
        "person_id": "p-4",
        "matched_account_id": None,
        "expected_status": "new",
    },
    {
        "type": "promotion",
        "contact_id": "c-5",
        "person_id": "p-5",
        "matched_account_id": "a-1",
        "expected_status": "new",
    },
    {
        "type": "new_hire",
        "contact_id": None,
        "person_id": "p-6",
        "alt_person_ids": [],
        "matched_account_id": "a-2",
        "expected_status": "new",
    },
]


@pytest.fixture
def ws_with_data(backend_workspace: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    crm = tmp_path / "crm"
    crm.mkdir()
    (crm / "accounts.csv").write_text(ACCOUNTS)
    (crm / "contacts.csv").write_text(CONTACTS)
    people = tmp_path / "people.jsonl"
    people.write_text("".join(json.dumps(p) + "\n" for p in PEOPLE))
    ws, _ = init_workspace(backend_workspace)
    import_dir(ws, crm)
    ingest_people(ws, people)
    yield ws
    ws.close()


def test_detect_end_to_end(ws_with_data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = ws_with_data
    summary = detect(ws)
    # c-6's same-name stranger is a job_change with status "uncertain"
    assert summary.by_type == {
        "job_change": 3,
        "left_company": 1,
        "promotion": 1,
        "title_change": 0,
        "new_hire": 1,
    }
    assert summary.by_status["uncertain"] == 1
    out = tmp_path / "signals.jsonl"
    export_signals(ws, "jsonl", out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    by = {(r["type"], r["contact_id"]): r for r in rows}
    jc = by[("job_change", "c-1")]
    assert jc["matched_account_id"] == "a-2" and jc["status"] == "new" and jc["job_started_date"] == "2026-09"
    assert jc["past_account_id"] == "a-1" and jc["is_target_company"] is True and 0.9 <= jc["confidence"] <= 1
    assert by[("job_change", "c-3")]["match_rule"].startswith("name")
    assert ("job_change", "c-2") not in by  # renamed company kept its domain
    assert by[("job_change", "c-6")]["status"] == "uncertain"  # stranger: reported, not acted on
    assert by[("left_company", "c-4")]["new_company"] is None
    assert by[("promotion", "c-5")]["new_title"] == "VP Engineering"
    evidence = by[("promotion", "c-5")]["evidence"]
    evidence = json.loads(evidence) if isinstance(evidence, str) else evidence
    assert evidence["title_change"] == "promotion: director/engineering → vp/engineering"
    assert by[("new_hire", None)]["matched_account_id"] == "a-2"

    csv_out = tmp_path / "signals.csv"
    assert export_object(ws, "signals", "csv", csv_out) == len(rows)  # the generic `export` path
    assert csv_out.read_text().splitlines()[0].split(",")[:3] == ["signal_id", "type", "contact_id"]

    again = detect(ws)
    assert again.write["inserted"] == 0  # re-running creates nothing new

    report = evaluate(ws, _truth(tmp_path))
    for t in ("job_change", "left_company", "promotion", "new_hire"):
        assert report["per_type"][t]["precision"] == 1.0 and report["per_type"][t]["recall"] == 1.0, t
    assert report["matched_account_accuracy"] == 1.0 and report["filter_accuracy"] == 1.0
    base = report["baseline"]["per_type"]
    assert base["job_change"]["fp"] >= 1  # the naive baseline: "acme labs" != "acme inc."
    assert set(base) == {"job_change", "left_company", "promotion", "new_hire"}


def test_co_titles_and_qualifiers_are_not_title_changes(ws_with_data) -> None:  # type: ignore[no-untyped-def]
    """The CRM says more (or less) than the profile about the same role: no title_change; a real
    lateral move at the same company is one, and its evidence says why."""
    from sqlalchemy import update

    from jobshift.store.schema import contacts

    ws = ws_with_data
    with ws.store.begin() as conn:  # John's profile says "VP Engineering"
        conn.execute(
            update(contacts)
            .where(contacts.c.id == "c-2")
            .values(title="Co-Founder & V.P., Engineering (Platform)")
        )
    assert detect(ws).by_type["title_change"] == 0
    with ws.store.begin() as conn:
        conn.execute(update(contacts).where(contacts.c.id == "c-2").values(title="VP of Product"))
    summary = detect(ws)
    assert summary.by_type["title_change"] == 1 and summary.by_type["promotion"] == 1


def _truth(tmp_path: Path) -> Path:
    p = tmp_path / "truth.jsonl"
    p.write_text("".join(json.dumps(t) + "\n" for t in TRUTH))
    return p


def test_detect_tier_needs_cohorts(ws_with_data) -> None:  # type: ignore[no-untyped-def]
    from jobshift.errors import UsageError

    with pytest.raises(UsageError):
        detect(ws_with_data, tier=1)


def test_store_stays_writable_after_detect(ws_with_data) -> None:  # type: ignore[no-untyped-def]
    """Detection's fast SQLite reader must not disturb this process's connections (POSIX locks)."""
    from sqlalchemy import func, select, update

    from jobshift.store.schema import contacts

    ws = ws_with_data
    detect(ws)
    for _ in range(3):  # the pooled connections are reused: every one must still work
        with ws.store.begin() as conn:
            conn.execute(update(contacts).where(contacts.c.id == "c-1").values(title="Director, Engineering"))
        with ws.store.connect() as conn:
            assert conn.execute(select(func.count()).select_from(contacts)).scalar_one() == 6
    detect(ws)
    with ws.store.begin() as conn:
        conn.execute(update(contacts).where(contacts.c.id == "c-2").values(title="VP of Engineering"))
