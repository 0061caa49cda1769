"""``ingest people``: formats, idempotence, quarantine, append-only history — on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jobshift.cli.main import main
from jobshift.errors import InputFileError
from jobshift.services.ingest.ingesting import ingest_people
from jobshift.services.workspace import Workspace
from jobshift.store.people import count_observations, observations_of
from jobshift.store.quarantine import list_quarantined
from jobshift.store.runs import get_run, list_runs


def profile(i: int, observed_at: str = "2026-11-17", **extra: Any) -> dict[str, Any]:
    p: dict[str, Any] = {
        "id": f"p-{i}",
        "linkedin_url": f"https://linkedin.com/in/Person-{i}/",
        "full_name": f"Person {i}",
        "work_email": f"Person{i}@Acme{i % 3}.com",
        "personal_emails": [f"person{i}@gmail.com"],
        "job_title": "Director of Sales",
        "job_title_levels": ["director"],
        "job_company_name": f"Acme {i % 3}",
        "job_company_website": f"www.acme{i % 3}.com",
        "job_start_date": "2024-03",
        "experience": [
            {
                "company": {"name": f"Acme {i % 3}", "website": f"acme{i % 3}.com"},
                "title": {"name": "Director of Sales", "levels": ["director"], "role": "sales"},
                "start_date": "2024-03",
                "end_date": None,
                "is_primary": True,
            },
            {"company": {"name": "Old Corp"}, "start_date": "2019", "end_date": "2024-02"},
        ],
        "observed_at": observed_at,
    }
    p.update(extra)
    return p


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    data = b"".join((line if isinstance(line, bytes) else orjson.dumps(line)) + b"\n" for line in lines)
    if path.name.endswith(".gz"):
        with gzip.open(path, "wb") as fh:
            fh.write(data)
    else:
        path.write_bytes(data)
    return path


@pytest.fixture
def ws(backend_workspace: Path) -> Any:
    w = Workspace.open(backend_workspace)
    yield w
    w.close()


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".parquet"])
def test_each_format_lands_and_reingest_adds_nothing(ws: Workspace, tmp_path: Path, suffix: str) -> None:
    profiles = [profile(i) for i in range(25)]
    path = tmp_path / f"people{suffix}"
    if suffix == ".parquet":
        pq.write_table(pa.Table.from_pylist(profiles), path, row_group_size=10)
    else:
        write_jsonl(path, profiles)
    seen: list[int] = []
    rep = ingest_people(ws, path, progress=seen.append, batch_size=10, workers=2 if suffix == ".jsonl" else 0)
    assert (rep.lines_read, rep.inserted, rep.already_present, rep.quarantined) == (25, 25, 0, 0)
    assert sum(seen) == 25 and len(seen) == 3
    with ws.store.connect() as conn:
        assert count_observations(conn) == 25
        [row] = observations_of(conn, "pdl:p-7")
    assert row["linkedin_norm"] == "linkedin.com/in/person-7"
    assert row["work_email_norm"] == "person7@acme1.com"
    assert row["emails_norm"] == ["person7@acme1.com", "person7@gmail.com"]
    assert row["job_company_domain"] == "acme1.com" and row["job_company_website"] == "www.acme1.com"
    assert row["job_start_date"] == "2024-03" and row["job_title_role"] == "sales"
    assert row["experience"][1]["company_name"] == "Old Corp" and row["experience"][1]["start_date"] == "2019"
    assert row["source_line"] == 8 and row["current_job_source"] == "job_fields"

    again = ingest_people(ws, path)
    assert (again.lines_read, again.inserted, again.already_present, again.quarantined) == (25, 0, 25, 0)
    with ws.store.connect() as conn:
        assert count_observations(conn) == 25
        run = get_run(conn, again.run_id)
    assert run is not None and run["kind"] == "ingest" and run["object"] == "people" and run["status"] == "ok"
    assert run["counts"]["already_present"] == 25


@pytest.mark.parametrize("workers", [0, 2])
def test_malformed_lines_quarantined_with_line_numbers(ws: Workspace, tmp_path: Path, workers: int) -> None:
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            profile(1),  # 1
            b"{not json",  # 2
            b"[1, 2, 3]",  # 3
            b"",  # 4 blank: skipped, not counted
            {"id": "p-x", "linkedin_url": "linkedin.com/in/x"},  # 5 no observed_at
            profile(2, observed_at="2026-02-30"),  # 6 bad date
            {"id": "p-y", "full_name": "Nobody", "observed_at": "2026"},  # 7 nothing identifying
            profile(3, observed_at="2025", job_start_date="2024"),  # 8 partial dates kept
            profile(
                4, experience=None, personal_emails=None, emails=[None, 3], job_title_levels=7
            ),  # 9 weird
        ],
    )
    rep = ingest_people(ws, path, batch_size=4, workers=workers)
    assert (rep.lines_read, rep.inserted, rep.quarantined) == (8, 3, 5)
    assert [(q.line, q.column) for q in rep.quarantined_lines] == [
        (2, None),
        (3, None),
        (5, "observed_at"),
        (6, "observed_at"),
        (7, None),
    ]
    reasons = [q.reason for q in rep.quarantined_lines]
    assert reasons[0].startswith("invalid JSON") and "not a JSON object" in reasons[1]
    assert "missing observed_at" in reasons[2] and "invalid observed_at" in reasons[3]
    assert "nothing identifies" in reasons[4]
    with ws.store.connect() as conn:
        stored = list_quarantined(conn, run_id=rep.run_id)
        [partial] = observations_of(conn, "pdl:p-3")
        [weird] = observations_of(conn, "pdl:p-4")
    assert [q["line"] for q in stored] == [2, 3, 5, 6, 7]
    assert {q["object"] for q in stored} == {"people"} and stored[0]["raw"] == "{not json"
    assert stored[4]["source"] == str(path.resolve()) and "Nobody" in stored[4]["raw"]
    assert (partial["observed_at"], partial["job_start_date"]) == ("2025", "2024")
    assert weird["experience"] == [] and weird["job_title_levels"] == ["7"]


def test_older_and_newer_observations_both_stored(ws: Workspace, tmp_path: Path) -> None:
    newer = write_jsonl(tmp_path / "new.jsonl", [profile(1, "2026-11-17", job_company_name="NewCo")])
    older = write_jsonl(tmp_path / "old.jsonl", [profile(1, "2025-01", job_company_name="OldCo")])
    assert ingest_people(ws, newer).inserted == 1
    assert ingest_people(ws, older).inserted == 1
    with ws.store.connect() as conn:
        rows = observations_of(conn, "pdl:p-1")
    assert [(r["observed_at"], r["job_company_name"]) for r in rows] == [
        ("2025-01", "OldCo"),
        ("2026-11-17", "NewCo"),
    ]


def test_duplicate_line_within_file_counts_as_already_present(ws: Workspace, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "dup.jsonl", [profile(1), profile(1, job_title="Changed")])
    rep = ingest_people(ws, path)
    assert (rep.inserted, rep.already_present) == (1, 1)
    with ws.store.connect() as conn:
        [row] = observations_of(conn, "pdl:p-1")
    assert row["job_title"] == "Director of Sales"  # first one wins, never overwritten


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("missing.jsonl", None),
        ("people.csv", b"a,b\n"),
        ("bad.jsonl.gz", b"not gzip at all"),
        ("bad.parquet", b"PAR"),
    ],
)
def test_unreadable_files_raise_input_file_error(
    ws: Workspace, tmp_path: Path, name: str, content: bytes | None
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError):
        ingest_people(ws, path)
    with ws.store.connect() as conn:
        assert count_observations(conn) == 0


def test_cli_summary_json_and_exit_codes(
    backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [profile(1), b"oops", profile(2)])
    ws = str(backend_workspace)
    assert main(["-w", ws, "ingest", "people", str(path), "--json"]) == 0
    out = orjson.loads(capsys.readouterr().out)
    assert (out["lines_read"], out["inserted"], out["quarantined"]) == (3, 2, 1)
    assert out["quarantined_lines"][0]["line"] == 2
    assert main(["-w", ws, "ingest", "people", str(path)]) == 0
    captured = capsys.readouterr()
    assert "already_present" in captured.out and "line 2" in captured.out and "quarantined" in captured.err
    assert main(["-w", ws, "ingest", "people", str(tmp_path / "nope.jsonl")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["-w", ws, "ingest", "people"]) == 2
    assert main(["-w", ws, "ingest", "people", str(path), "--bogus"]) == 2
    assert main(["-w", ws, "ingest", "companies", str(path)]) == 2


def test_nul_bytes_bom_and_crlf(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    good = orjson.dumps(profile(1, full_name="A\u0000B"))
    path.write_bytes(
        b"\xef\xbb\xbf" + good + b"\r\n" + b'{"a": \x00}\r\n' + orjson.dumps(profile(2)) + b"\r\n"
    )
    rep = ingest_people(ws, path)
    assert (rep.inserted, rep.quarantined) == (2, 1) and rep.quarantined_lines[0].line == 2
    with ws.store.connect() as conn:
        [row] = observations_of(conn, "pdl:p-1")
        [bad] = list_quarantined(conn, run_id=rep.run_id)
    assert row["full_name"] == "AB" and bad["raw"] == '{"a": }'


def test_truncated_gzip_fails_after_keeping_whole_batches(ws: Workspace, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "cut.jsonl.gz", [profile(i) for i in range(3000)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match="unreadable after line"):
        ingest_people(ws, path, batch_size=100)
    with ws.store.connect() as conn:
        n = count_observations(conn)
        [run] = list_runs(conn, kind="ingest")
    assert 0 < n < 3000 and n % 100 == 0
    assert run["status"] == "failed" and "unreadable" in run["error"] and run["counts"]["inserted"] == n


def test_partly_stored_batch_inserts_only_what_is_missing(ws: Workspace, tmp_path: Path) -> None:
    """A batch mixing stored, new and repeated observations (PostgreSQL: the staging-table path)."""
    first = write_jsonl(tmp_path / "a.jsonl", [profile(i) for i in range(10)])
    assert ingest_people(ws, first).inserted == 10
    lines = [profile(i) for i in range(5, 15)] + [profile(12, job_title="Changed")]
    rep = ingest_people(ws, write_jsonl(tmp_path / "b.jsonl", lines))
    assert (rep.lines_read, rep.inserted, rep.already_present) == (11, 5, 6)
    with ws.store.connect() as conn:
        assert count_observations(conn) == 15
        [row] = observations_of(conn, "pdl:p-12")
        [old] = observations_of(conn, "pdl:p-5")
    assert row["job_title"] == "Director of Sales" and row["source_line"] == 8
    assert old["source_file"].endswith("a.jsonl")
