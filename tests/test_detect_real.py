"""Detection on real-world data (issue 16): evidence age, company names of groups and subsidiaries,
several current jobs, new hires and promotions at target accounts, identity from history."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jobshift.services.detect.detecting import detect, export_signals
from jobshift.services.ingest.importing import import_dir
from jobshift.services.ingest.ingesting import ingest_people
from jobshift.services.workspace import Workspace, init_workspace

ACCOUNTS = """id,name,website,type,is_target,parent_id,industry,country
a-1,Acme Inc.,acme.com,Customer,false,,Software,US
a-2,Siemens AG,siemens.com,Prospect,true,,Manufacturing,DE
a-3,Siemens UK Ltd,siemens.co.uk,Prospect,false,a-2,Manufacturing,GB
a-4,Northwind Holding AG,northwind.com,Prospect,false,,Logistics,DE
a-5,Contoso Ltd,contoso.com,Prospect,false,,Fintech,FR
"""
CONTACTS = """id,account_id,first_name,last_name,email,title,linkedin_url
c-1,a-1,Jane,Doe,jane@acme.com,Director of Engineering,linkedin.com/in/jane-doe
c-2,a-1,Old,Timer,old@acme.com,CTO,linkedin.com/in/old-timer
c-3,a-1,Nina,Late,nina@acme.com,VP Engineering,linkedin.com/in/nina-late
c-4,a-1,Sam,Group,sam@acme.com,CTO,linkedin.com/in/sam-group
c-5,a-1,Fay,Solo,fay@acme.com,Engineering Manager,linkedin.com/in/fay-solo
c-6,a-1,Multi,Jobs,multi@acme.com,Director of IT,linkedin.com/in/multi-jobs
c-7,a-5,Ann,Lee,,CTO,
c-8,a-5,Tom,Brown,,CTO,
"""


def _exp(name: str, site: str | None, title: str, start: str | None, end: str | None, primary: bool = False):
    return {
        "company": {"name": name, "website": site},
        "title": {"name": title},
        "start_date": start,
        "end_date": end,
        "is_primary": primary,
    }


def _p(
    pid: str, first: str, last: str, observed: str, exp: list[dict[str, Any]], **kw: Any
) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": pid,
        "full_name": f"{first} {last}",
        "first_name": first,
        "last_name": last,
        "observed_at": observed,
        "experience": exp,
    }
    rec.update(kw)
    return rec


PEOPLE = [
    # moved to Siemens (written as its group) 2.5 years before the run: stale evidence
    _p(
        "p-2",
        "Old",
        "Timer",
        "2024-06-01",
        [
            _exp("Siemens Group", None, "CTO", "2024-03", None, True),
            _exp("Acme", "acme.com", "CTO", "2019", "2024-02"),
        ],
        linkedin_url="linkedin.com/in/old-timer",
    ),
    # started 2025-11-15, observed 2026-11-17: 12 months at the observation, 13+ months in 2027
    _p(
        "p-3",
        "Nina",
        "Late",
        "2026-11-17",
        [
            _exp("Northwind Gruppe", None, "CTO", "2025-11-15", None, True),
            _exp("Acme", "acme.com", "VP Engineering", "2019", "2025-10"),
        ],
        linkedin_url="linkedin.com/in/nina-late",
    ),
    # moved to the UK subsidiary, written with a group word and a country qualifier
    _p(
        "p-4",
        "Sam",
        "Group",
        "2026-11-17",
        [
            _exp("Siemens Holdings (UK)", None, "CTO", "2026-08", None, True),
            _exp("Acme", "acme.com", "CTO", "2019", "2026-07"),
        ],
        linkedin_url="linkedin.com/in/sam-group",
    ),
    # self-employed: suppressed, and still matched to the account it names
    _p(
        "p-5",
        "Fay",
        "Solo",
        "2026-11-17",
        [
            _exp("Contoso", "contoso.com", "Freelance Consultant", "2026-09", None, True),
            _exp("Acme", "acme.com", "Engineering Manager", "2019", "2026-08"),
        ],
        linkedin_url="linkedin.com/in/fay-solo",
    ),
]


def _ws(root: Path, people: list[dict[str, Any]]) -> Workspace:
    crm = root / "crm"
    crm.mkdir()
    (crm / "accounts.csv").write_text(ACCOUNTS)
    (crm / "contacts.csv").write_text(CONTACTS)
    f = root / "people.jsonl"
    f.write_text("".join(json.dumps(p) + "\n" for p in people))
    ws, _ = init_workspace(root / "ws")
    import_dir(ws, crm)
    ingest_people(ws, f)
    return ws


def _signals(ws: Workspace, out: Path) -> dict[tuple[str, str | None], dict[str, Any]]:
    export_signals(ws, "jsonl", out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    for r in rows:
        if isinstance(r["evidence"], str):
            r["evidence"] = json.loads(r["evidence"])
    return {(r["type"], r["contact_id"] or r["person_id"]): r for r in rows}


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    w = _ws(tmp_path, PEOPLE)
    yield w
    w.close()


def test_stale_evidence_and_too_old_count_to_the_run_date(ws: Workspace, tmp_path: Path) -> None:
    detect(ws, run_date=date(2026, 12, 7))
    by = _signals(ws, tmp_path / "s.jsonl")
    old = by[("job_change", "c-2")]
    assert old["status"] == "suppressed:stale_evidence"
    assert old["evidence"]["evidence_age_days"] == (date(2026, 12, 7) - date(2024, 6, 1)).days
    assert old["evidence"]["run_date"] == "2026-12-07"
    assert old["matched_account_id"] == "a-2"  # matched although suppressed
    late = by[("job_change", "c-3")]
    assert late["status"] == "new" and late["evidence"]["job_age_months"] == 12


def test_too_old_measured_against_a_later_run_date(ws: Workspace, tmp_path: Path) -> None:
    detect(ws, run_date=date(2027, 1, 10))
    late = _signals(ws, tmp_path / "s.jsonl")[("job_change", "c-3")]
    assert late["status"] == "suppressed:too_old" and late["evidence"]["job_age_months"] == 13


def test_group_and_country_qualifiers_find_the_account(ws: Workspace, tmp_path: Path) -> None:
    detect(ws, run_date=date(2026, 12, 7))
    by = _signals(ws, tmp_path / "s.jsonl")
    assert by[("job_change", "c-3")]["matched_account_id"] == "a-4"  # Northwind Gruppe = Northwind Holding AG
    sam = by[("job_change", "c-4")]
    assert sam["matched_account_id"] == "a-3"  # the UK subsidiary, not its parent
    assert sam["match_rule"] == "linkedin/core"
    fay = by[("job_change", "c-5")]
    assert fay["status"] == "suppressed:self_employed" and fay["matched_account_id"] == "a-5"


MORE_PEOPLE = [
    # several current jobs: the feed's primary job is at a university, the CRM account's job is open too
    _p(
        "p-6",
        "Multi",
        "Jobs",
        "2026-11-17",
        [
            _exp("University of Somewhere", "somewhere.edu", "Lecturer", "2026-06", None, True),
            _exp("Acme Inc", "acme.com", "Director of IT", "2019-01", None, False),
        ],
        linkedin_url="linkedin.com/in/multi-jobs",
    ),
    # moved: a primary job outside the CRM and an open job at a CRM account
    _p(
        "p-1",
        "Jane",
        "Doe",
        "2026-11-17",
        [
            _exp("Foo Startup", "foostartup.io", "Advisor", "2026-10", None, True),
            _exp("Siemens UK", "siemens.co.uk", "CTO", "2026-09", None, False),
            _exp("Acme", "acme.com", "Director of Engineering", "2018", "2026-08"),
        ],
        linkedin_url="linkedin.com/in/jane-doe",
    ),
    # promoted inside a target account, not a CRM contact
    _p(
        "p-7",
        "Pia",
        "Prom",
        "2026-11-17",
        [
            _exp("Siemens AG", "siemens.com", "VP Engineering", "2026-10-15", None, True),
            _exp("Siemens AG", "siemens.com", "Director of Engineering", "2020-01", "2026-10"),
        ],
    ),
    # new at a target account without a start date; the previous job ended last month
    _p(
        "p-8",
        "Una",
        "Dated",
        "2026-11-17",
        [
            _exp("Siemens AG", "siemens.com", "CTO", None, None, True),
            _exp("Wingtip Toys", "wingtip.com", "CTO", "2019", "2026-10"),
        ],
    ),
    # new at an ICP account (Logistics), not flagged target
    _p(
        "p-9",
        "Hal",
        "Newman",
        "2026-11-17",
        [_exp("Northwind", "northwind.com", "CTO", "2026-10-20", None, True)],
    ),
    # name-only matches: history shows the CRM company / does not
    _p(
        "p-10",
        "Ann",
        "Lee",
        "2026-11-17",
        [
            _exp("Fabrikam", "fabrikam.com", "CTO", "2026-09", None, True),
            _exp("Contoso", "contoso.com", "CTO", "2015", "2026-08"),
        ],
    ),
    _p("p-11", "Tom", "Brown", "2026-11-17", [_exp("Globex", "globex.com", "CTO", "2026-09", None, True)]),
]


@pytest.fixture
def ws_more(tmp_path: Path):  # type: ignore[no-untyped-def]
    w = _ws(tmp_path, MORE_PEOPLE)
    w.config.icp.industries = ["Logistics"]
    yield w
    w.close()


def test_several_current_jobs_prefer_the_crm_account(ws_more: Workspace, tmp_path: Path) -> None:
    detect(ws_more, run_date=date(2026, 12, 7))
    by = _signals(ws_more, tmp_path / "s.jsonl")
    assert ("job_change", "c-6") not in by  # still at Acme: the university job is a second job
    jane = by[("job_change", "c-1")]
    assert jane["matched_account_id"] == "a-3" and jane["new_title"] == "CTO"
    assert jane["evidence"]["current_job_choice"] == "2 current jobs: operating_role"


def test_promotion_and_undated_hire_at_a_target_account(ws_more: Workspace, tmp_path: Path) -> None:
    detect(ws_more, run_date=date(2026, 12, 7))
    by = _signals(ws_more, tmp_path / "s.jsonl")
    pia = by[("promotion", "p-7")]
    assert pia["contact_id"] is None and pia["past_title"] == "Director of Engineering"
    assert pia["matched_account_id"] == "a-2" and pia["status"] == "new"
    assert pia["evidence"]["title_change"].startswith("promotion:")
    assert ("new_hire", "p-7") not in by
    una = by[("new_hire", "p-8")]
    assert una["evidence"]["new_hire_rule"] == "no_start_date_previous_job_ended"
    assert una["match_rule"].startswith("no_start_date_previous_job_ended/") and una["confidence"] < 0.9


def test_icp_accounts_are_watched(ws_more: Workspace, tmp_path: Path) -> None:
    detect(ws_more, run_date=date(2026, 12, 7))
    hal = _signals(ws_more, tmp_path / "s.jsonl")[("new_hire", "p-9")]
    assert hal["matched_account_id"] == "a-4" and hal["evidence"]["account_watched"] == "icp"


def test_icp_watch_can_be_switched_off(ws_more: Workspace, tmp_path: Path) -> None:
    ws_more.config.detection.watch_icp_accounts = False
    detect(ws_more, run_date=date(2026, 12, 7))
    assert ("new_hire", "p-9") not in _signals(ws_more, tmp_path / "s.jsonl")


def test_name_only_identity_needs_the_crm_company_in_the_history(ws_more: Workspace, tmp_path: Path) -> None:
    detect(ws_more, run_date=date(2026, 12, 7))
    by = _signals(ws_more, tmp_path / "s.jsonl")
    ann = by[("job_change", "c-7")]
    assert ann["status"] == "new" and ann["evidence"]["identity_check"] == (
        "name only; the profile's history shows Contoso Ltd"
    )
    tom = by[("job_change", "c-8")]
    assert tom["status"] == "uncertain"
    assert "missing evidence: Contoso Ltd in the profile's history" in tom["evidence"]["identity_check"]


def test_alias_csv_and_rename_history_feed_company_resolution(tmp_path: Path) -> None:
    from jobshift.services.ingest.aliases import import_aliases
    from jobshift.store import signals as signal_store

    people = [
        # the brand, without a website: only the alias table knows it is Contoso Ltd
        _p(
            "p-12",
            "Old",
            "Timer",
            "2026-11-17",
            [
                _exp("Contoso Pay", None, "CTO", "2026-09", None, True),
                _exp("Acme", "acme.com", "CTO", "2019", "2026-08"),
            ],
            linkedin_url="linkedin.com/in/old-timer",
        ),
        # the former name of a renamed account
        _p(
            "p-13",
            "Nina",
            "Late",
            "2026-11-17",
            [
                _exp("Northwind", None, "CTO", "2026-09", None, True),
                _exp("Acme", "acme.com", "VP Engineering", "2019", "2026-08"),
            ],
            linkedin_url="linkedin.com/in/nina-late",
        ),
    ]
    ws = _ws(tmp_path, people)
    try:
        f = tmp_path / "aliases.csv"
        f.write_text("account_id,name,domain\na-5,Contoso Pay,\na-404,Nowhere,\na-5,Contoso Pay,\n")
        rep = import_aliases(ws, f)
        assert (rep.added, rep.unchanged, rep.unknown_account) == (1, 1, 1)
        crm = tmp_path / "crm2"
        crm.mkdir()
        (crm / "accounts.csv").write_text(
            ACCOUNTS.replace("Northwind Holding AG,northwind.com", "Evergreen Freight AG,evergreen.com")
        )
        import_dir(ws, crm)
        with ws.store.connect() as conn:
            names = {(r["account_id"], r["alias_name"]) for r in signal_store.list_aliases(conn)}
        assert ("a-4", "Northwind Holding AG") in names
        detect(ws, run_date=date(2026, 12, 7))
        by = _signals(ws, tmp_path / "s.jsonl")
        assert by[("job_change", "c-2")]["matched_account_id"] == "a-5"
        assert (
            by[("job_change", "c-3")]["matched_account_id"] == "a-4"
        )  # "Northwind" = former "Northwind Holding AG"
    finally:
        ws.close()


def test_an_untracked_contact_sharing_the_address_still_wins_the_profile(tmp_path: Path) -> None:
    """Charlotte (tracked) and Charlie (not tracked) share croberts@; Charlie's profile is not Charlotte's."""
    from jobshift.engine.detect import detect_batch
    from jobshift.engine.finalize import finalize
    from jobshift.services.detect.detecting import build_context, iter_observation_batches

    people = [
        _p(
            "p-20",
            "Charlie",
            "Roberts",
            "2026-11-17",
            [_exp("Acme Inc", "acme.com", "Director of Data Engineering", "2018", None, True)],
            linkedin_url="linkedin.com/in/charlie-roberts",
            emails=[{"address": "croberts@acme.com"}],
        )
    ]
    ws = _ws(tmp_path, people)
    try:
        crm = tmp_path / "crm3"
        crm.mkdir()
        (crm / "contacts.csv").write_text(
            "id,account_id,first_name,last_name,email,title,linkedin_url\n"
            "c-30,a-1,Charlotte,Roberts,croberts@acme.com,CIO,\n"
            "c-31,a-1,Charlie,Roberts,croberts@acme.com,Director of Data Engineering,"
            "linkedin.com/in/charlie-roberts\n"
        )
        import_dir(ws, crm)

        class OnlyCharlotte:
            def query(self, tier: int | None) -> Any:
                from jobshift.store.schema import contacts
                from jobshift.store.tracking import tracked_contact_columns

                return tracked_contact_columns().where(contacts.c.id == "c-30")

        with ws.store.connect() as conn:
            ctx = build_context(conn, ws.config, OnlyCharlotte(), None, date(2026, 12, 7))
            batches = list(iter_observation_batches(conn))
        sig = finalize(ctx, [detect_batch(ctx, b) for b in batches]).signals
        assert sig.filter(sig["contact_id"] == "c-30").height == 0  # no false title change for Charlotte
        assert ctx.n_tracked == 1 and ctx.contacts.height == 2
    finally:
        ws.close()
