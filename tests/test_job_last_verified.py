"""``job_last_verified`` (PDL): read from JSONL, Parquet and the PDL API, stored with the observation,
and the evidence's age counted from the later of ``observed_at`` and it (both in the evidence)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fakes.pdl import FakePdl
from jobshift.domain.profiles import profile_to_observation
from jobshift.services.detect.detecting import detect
from jobshift.services.ingest.enriching import enrich_due
from jobshift.services.ingest.ingesting import ingest_people
from jobshift.services.workspace import Workspace
from jobshift.store.people import observations_of
from test_detect_real import _exp, _p, _signals, _ws
from test_pdl_enrich import NOW, _client, _profiles, _seed

RUN = date(2026, 12, 7)


def _mover(pid: str, first: str, observed: str, **kw: Any) -> dict[str, Any]:
    """A contact of test_detect_real's CRM who moved from Acme to Contoso."""
    return _p(
        pid,
        first,
        "Timer" if first == "Old" else "Late",
        observed,
        [
            _exp("Contoso", "contoso.com", "CTO", None, None, True),  # no start date: never too_old
            _exp("Acme", "acme.com", "CTO", "2019", "2024-02"),
        ],
        linkedin_url=f"linkedin.com/in/{first.lower()}-{'timer' if first == 'Old' else 'late'}",
        **kw,
    )


@pytest.mark.parametrize(
    ("observed", "verified", "status", "age"),
    [
        # observed 2.5 years ago, but the source confirmed the job last week: fresh
        ("2024-06-01", "2026-11-30", "new", (RUN - date(2026, 11, 30)).days),
        # observed recently, verified long ago: the observation's date counts
        ("2026-11-17", "2023-01-05", "new", (RUN - date(2026, 11, 17)).days),
        # neither is recent: stale
        ("2024-06-01", "2024-07-01", "suppressed:stale_evidence", (RUN - date(2024, 7, 1)).days),
        # a verification date after the run date is not believed
        ("2024-06-01", "2027-03-01", "suppressed:stale_evidence", (RUN - date(2024, 6, 1)).days),
        # none at all: the observation's date
        ("2024-06-01", None, "suppressed:stale_evidence", (RUN - date(2024, 6, 1)).days),
    ],
)
def test_evidence_age_counts_from_the_later_date(
    tmp_path: Path, observed: str, verified: str | None, status: str, age: int
) -> None:
    extra = {"job_last_verified": verified} if verified else {}
    ws = _ws(tmp_path, [_mover("p-2", "Old", observed, **extra)])
    try:
        detect(ws, run_date=RUN)
        sig = _signals(ws, tmp_path / "s.jsonl")[("job_change", "c-2")]
    finally:
        ws.close()
    ev = sig["evidence"]
    assert sig["status"] == status
    assert ev["evidence_age_days"] == age
    assert ev["observed_at"] == observed
    assert ev["job_last_verified"] == verified


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("2026-11-30", "2026-11-30"),
        ("2026-11-30T08:15:00Z", "2026-11-30"),
        ("2026-11", None),  # partial: says nothing about the day
        ("yesterday", None),
        (20261130, None),
        (None, None),
    ],
)
def test_the_profile_reader_keeps_only_full_dates(raw: Any, stored: str | None) -> None:
    rec = _mover("p-2", "Old", "2026-12-01", job_last_verified=raw)
    assert profile_to_observation(rec).job_last_verified == stored


def test_jsonl_and_parquet_ingest_store_it(tmp_path: Path) -> None:
    ws = _ws(tmp_path, [_mover("p-2", "Old", "2026-11-01", job_last_verified="2026-11-20")])
    try:
        rec = _mover("p-3", "Nina", "2026-11-02", job_last_verified="2026-11-21")
        rec["experience"] = json.dumps(rec["experience"])  # Parquet files carry nested data as text too
        f = tmp_path / "more.parquet"
        pq.write_table(pa.Table.from_pylist([rec]), f)
        ingest_people(ws, f)
        with ws.store.connect() as conn:
            [jsonl] = observations_of(conn, "pdl:p-2")
            [parquet] = observations_of(conn, "pdl:p-3")
    finally:
        ws.close()
    assert jsonl["job_last_verified"] == "2026-11-20"
    assert parquet["job_last_verified"] == "2026-11-21"


def test_pdl_api_profiles_keep_it(backend_workspace: Path) -> None:
    ws = Workspace.open(backend_workspace)
    try:
        _seed(ws)
        profiles = _profiles(1)
        profiles[0]["job_last_verified"] = "2026-10-02"
        with FakePdl(profiles) as fake, _client(fake) as client:
            report = enrich_due(ws, client=client, now=NOW, limit=1)
        assert report.matched == 1
        with ws.store.connect() as conn:
            [obs] = observations_of(conn, "pdl:p-0")
        assert obs["observed_at"] == "2026-11-17" and obs["job_last_verified"] == "2026-10-02"
    finally:
        ws.close()


def test_feed_mode_counts_it_too(tmp_path: Path) -> None:
    """``detect --feed`` reads the feed files directly: the same evidence age (run date = today)."""
    from datetime import timedelta

    from jobshift.services.detect.detecting_feed import detect_feed

    today = date.today()
    observed, verified = (today - timedelta(days=400)).isoformat(), (today - timedelta(days=3)).isoformat()
    ws = _ws(tmp_path, [])
    try:
        feed = tmp_path / "feed"
        feed.mkdir()
        rec = _mover("p-2", "Old", observed, job_last_verified=verified)
        (feed / "part-0.jsonl").write_text(json.dumps(rec) + "\n")
        detect_feed(ws, str(feed), executor="local")
        sig = _signals(ws, tmp_path / "s.jsonl")[("job_change", "c-2")]
    finally:
        ws.close()
    assert sig["status"] == "new"
    assert sig["evidence"]["job_last_verified"] == verified and sig["evidence"]["evidence_age_days"] == 3
