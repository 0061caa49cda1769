"""The feed readers with the vectorized converter (engine/convert) give what they give with
``profile_to_row`` (``convert.VECTOR = False``): the partition frames and row / bad-row counts, the
incremental reader's converted rows and bad fingerprints, and the feed's signals, with and without the
pre-filter, JSONL, JSONL.gz and Parquet."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest

from feed_kit import build_crm_and_feed, by_signal_id, detect_context
from jobshift.engine import convert, feed
from jobshift.engine.feed import FEED_SUFFIXES, feed_partitions, read_partition
from jobshift.engine.feed_raw import convert_rows, nonblank_lines, read_raw
from jobshift.services.detect.detecting_feed import run_feed
from test_feed_filter import EDGE, NOISE, _edge_context, _write, assert_same_partition


def _both(fn: Any, *args: Any) -> tuple[Any, Any]:
    """``fn(*args)`` with the reference converter, then with the vectorized one."""
    old = convert.VECTOR
    try:
        convert.VECTOR = False
        ref = fn(*args)
        convert.VECTOR = True
        return ref, fn(*args)
    finally:
        convert.VECTOR = old


@pytest.fixture
def edge_files(tmp_path: Path) -> list[str]:
    jl, pqf = _write(tmp_path, "edge", EDGE, NOISE)
    gz = tmp_path / "edge.jsonl.gz"
    gz.write_bytes(gzip.compress(Path(jl).read_bytes()))
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + Path(jl).read_bytes() + b"\n  \n\t\n")
    clean = tmp_path / "clean.jsonl"  # every line one plain object: pyarrow reads the file at once
    clean.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in EDGE[:20]) + b"\n")
    return [jl, pqf, str(gz), str(bom), str(clean)]


def test_read_partition_is_the_reference(edge_files: list[str]) -> None:
    for path in edge_files:
        (ref, n_ref, bad_ref), (got, n, bad) = _both(read_partition, path)
        assert (n, bad) == (n_ref, bad_ref), path
        assert got.equals(ref), path
        assert ref.height > 10


@pytest.mark.parametrize("rows", [1, 7, 10**9])
def test_partition_converted_in_slices(
    edge_files: list[str], rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partition longer than ``CONVERT_ROWS`` is converted slice by slice (bounded memory); the frames,
    counts and bad rows are those of the reference, whatever the slice size (1 row, 7 rows, whole)."""
    from jobshift.engine.convert import partition

    monkeypatch.setattr(partition, "CONVERT_ROWS", rows)
    for path in edge_files:
        (ref, n_ref, bad_ref), (got, n, bad) = _both(read_partition, path)
        assert (n, bad) == (n_ref, bad_ref), path
        assert got.equals(ref), path
    jl = next(p for p in edge_files if p.endswith("edge.jsonl"))
    lines = nonblank_lines(jl, "jsonl")
    sliced = partition.convert_lines(jl, lines, whole=True)
    monkeypatch.setattr(partition, "CONVERT_ROWS", 10**9)
    whole = partition.convert_lines(jl, lines, whole=True)
    assert sliced.obs.equals(whole.obs) and sliced.bad.equals(whole.bad) and sliced.slow == whole.slow
    assert whole.bad.len() > 0 and whole.slow > 0


def test_slices_share_bounded_tables(edge_files: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The slices of a partition share their normalized companies and domains (slice_tables); when a
    table outgrows its bound it is dropped and started again: the frames stay the reference's."""
    from jobshift.engine.convert import partition, slice_tables

    monkeypatch.setattr(partition, "CONVERT_ROWS", 5)
    for bound in (0, 9, 10**9):
        monkeypatch.setattr(slice_tables, "MAX_ROWS", bound)
        for path in edge_files[:2]:
            (ref, n_ref, bad_ref), (got, n, bad) = _both(read_partition, path)
            assert (n, bad) == (n_ref, bad_ref) and got.equals(ref), (path, bound)


def _noisy_people() -> list[dict[str, Any]]:
    """Real-world text repeated across slices: accents, legal forms, non-Latin scripts, emoji, very long
    strings, hosts of two and more labels, IDN and wildcard-suffix hosts, odd e-mails."""
    names = ["Société Générale S.A.", "Müller & Söhne GmbH", "株式会社 日本", "ООО «Ромашка»", "Acme 🚀 Inc."]
    names += ["  Ǆemal d.o.o. ", "x" * 3000, "Ærø ApS", "شركة الاتصالات", "İstanbul A.Ş."]
    sites = ["acme.com", "ACME.COM", "shop.example.co.uk", "xn--80ak6aa92e.com", "foo.ck", "www.ck", "co.uk"]
    sites += [
        "münchen.de",
        "a.b.kawasaki.jp",
        "http://Acme.io/x?y",
        " acme.com ",
        "-a.com",
        "a..b.com",
        "s3.amazonaws.com",
    ]
    mails = ["j@acme.com", "J.Doe@Shop.Example.CO.UK", "x@xn--p1ai.xn--p1ai", "y@gmail.com", "z@foo.ck"]
    mails += ["José <jose@münchen.de>", "a+b@acme.io", "q@a.b.kawasaki.jp"]
    people = []
    for i in range(60):
        k = i % len(names)
        exp = [
            {
                "company": {"name": names[(k + j) % len(names)], "website": sites[(i + j) % len(sites)]},
                "title": {"name": ["Directeur Général", "CEO 🚀", "Инженер", ""][j % 4], "levels": ["vp"]},
                "start_date": f"20{10 + j}-0{1 + j % 9}",
                "end_date": None if j == 0 else f"20{11 + j}",
                "is_primary": j == 0 and i % 3 == 0,
            }
            for j in range(i % 4)
        ]
        people.append(
            {
                "id": f"n{i}" if i % 5 else None,
                "first_name": ["Zoë", "Łukasz", "明", "Αλέξης", "O'Brien"][i % 5],
                "last_name": ["Ñúñez", "Ødegård", "山田", "Παπαδόπουλος", "Smith-Jones"][k % 5],
                "work_email": mails[i % len(mails)] if i % 4 else None,
                "emails": [{"address": mails[(i + 1) % len(mails)], "type": "personal"}],
                "job_company_name": names[k] if i % 6 else None,
                "job_company_website": sites[i % len(sites)] if i % 2 else None,
                "experience": exp,
                "observed_at": "2026-11-18",
            }
        )
    return people


def test_noisy_real_world_text_in_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jobshift.engine.convert import partition

    jl, pqf = _write(tmp_path, "noisy", _noisy_people())
    for rows in (7, 10**9):
        monkeypatch.setattr(partition, "CONVERT_ROWS", rows)
        for path in (jl, pqf):
            (ref, n_ref, bad_ref), (got, n, bad) = _both(read_partition, path)
            assert (n, bad) == (n_ref, bad_ref) and got.equals(ref), (path, rows)
            assert ref.height > 40
    # the vectorized path takes every line (none is left to profile_to_row)
    assert partition.convert_lines(jl, nonblank_lines(jl, "jsonl")).slow == 0


def test_incremental_conversion_is_the_reference(edge_files: list[str]) -> None:
    for path in edge_files:
        part = read_raw(path)
        for idx in (pl.Series(range(part.height)), pl.Series(range(1, part.height, 3))):
            (obs_ref, bad_ref), (obs, bad) = _both(convert_rows, part, idx)
            assert obs.equals(obs_ref), path
            assert bad.to_list() == bad_ref.to_list(), path


def test_prefilter_and_full_read_with_the_vector_path(
    edge_files: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed, "PREFILTER_SUFFIXES", FEED_SUFFIXES)
    ctx = _edge_context()
    for path in edge_files[:2]:
        ref, got = _both(assert_same_partition, ctx, path)
        for part in ("candidates", "profiles", "new_hires"):
            a, b = getattr(ref.result, part), getattr(got.result, part)
            assert b.sort(b.columns, nulls_last=True).equals(a.sort(a.columns, nulls_last=True)), part
        assert (got.rows, got.bad) == (ref.rows, ref.bad)


@pytest.fixture(scope="module")
def bench_feed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    d = tmp_path_factory.mktemp("vecfeed")
    build_crm_and_feed(d, 2)
    yield d


@pytest.mark.parametrize("prefilter", [False, True])
def test_feed_signals_identical(bench_feed: Path, prefilter: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feed, "PREFILTER", prefilter)
    monkeypatch.setattr(feed, "PREFILTER_SUFFIXES", FEED_SUFFIXES)
    ctx = detect_context(bench_feed / "ws")
    paths = feed_partitions(str(bench_feed / "feed"))
    (ref, n_ref), (got, n) = _both(run_feed, ctx, paths, "local")
    assert n == n_ref
    assert ref.signals.height > 50
    assert by_signal_id(got.signals).equals(by_signal_id(ref.signals))
    assert got.ambiguous == ref.ambiguous
