"""The feed's relevance pre-filter (engine/prefilter/read.py, engine/prefilter/keys.py): a partition detected
through it gives the full read's results row for row — candidates, profiles, new hires, the newest keys,
row and bad-row counts — on hand-made edge cases and on the bench generator's feed with outsiders and
noise, in JSONL and Parquet; and whole feed runs give the same signals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from feed_kit import bench_builder, build_crm_and_feed, by_signal_id, detect_context
from jobshift.domain.matching.companies import Alias
from jobshift.engine import feed
from jobshift.engine.batches import ACCOUNT_SCHEMA, CONTACT_SCHEMA, frame
from jobshift.engine.context import DetectContext, DetectSettings
from jobshift.engine.feed import FEED_SUFFIXES, PartitionResult, detect_partition, feed_partitions
from jobshift.engine.prefilter.read import read_relevant
from jobshift.services.detect.detecting_feed import run_feed

ACCOUNTS = [
    # id, name, domain, linkedin, parent, type, is_target, n_contacts, has_open_opp
    ("a-1", "Acme Inc.", "acme.com", "linkedin.com/company/acme", None, "Customer", False, 4, False),
    ("a-2", "Globex", "globex.com", None, None, "Prospect", True, 0, False),
    ("a-3", "Initech GmbH", None, "linkedin.com/company/initech", None, "Prospect", True, 0, False),
    ("a-4", "Umbrella Corporation", "umbrella.co.uk", None, None, "Prospect", True, 0, False),
    ("a-5", "Nobody Ltd", "nobody.org", None, None, "Prospect", False, 0, False),
]
CONTACTS = [
    ("c-1", "a-1", "José", "Müller", "jose.muller@acme.com", None, "Engineer", False),
    ("c-2", "a-1", "Anna", "Smith", None, "linkedin.com/in/anna-smith-42", "Engineer", False),
    ("c-3", "a-1", "Bob", "Stone", "bob.stone@acme.com", None, "Engineer", False),
    ("c-4", "a-1", "Chloé", "Durand", None, None, "Engineer", False),
]
ACME_PAST = [
    {
        "company": {"name": "Acme Inc.", "website": "acme.com"},
        "title": {"name": "Engineer"},
        "start_date": "2019-01",
    }
    | {"end_date": "2026-09", "is_primary": False}
]


def _p(pid: str | None, first: str, last: str, **kw: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": pid, "first_name": first, "last_name": last, "observed_at": "2026-11-17"}
    rec.update(kw)
    return rec


def _hire(pid: str, **kw: Any) -> dict[str, Any]:
    return _p(pid, "Zed", f"Hire{pid}", job_title="VP Sales", job_start_date="2026-10-01", **kw)


EDGE = [
    # e-mail only, upper case and blanks
    _p(
        "p1",
        "Jose",
        "Muller",
        work_email=" Jose.Muller@ACME.com ",
        job_company_name="Hooli",
        experience=ACME_PAST,
    ),
    # e-mail in a list entry, display-name form
    _p(
        "p2", "Bob", "Stone", emails=[{"address": "Bob Stone <BOB.STONE@acme.com>"}], job_company_name="Hooli"
    ),
    # LinkedIn only, a URL the fast path does not know
    _p(
        "p3",
        "Anna",
        "Smith",
        linkedin_url="https://www.LinkedIn.com/in/Anna-Smith-42/",
        job_company_name="Hooli",
    ),
    # name only: accents and case folded
    _p("p4", "CHLOE", "Durand", job_company_name="Pied Piper", experience=ACME_PAST),
    # new hires at watched accounts known by: a domain (subdomain, URL, co.uk), a LinkedIn page, an alias,
    # an experience entry only, a fuzzy name, the work e-mail's domain
    _hire(
        "p5",
        work_email="zed@gmail.com",
        job_company_name="Other",
        job_company_website="https://WWW.Shop.Umbrella.co.uk/x",
    ),
    _hire(
        "p6",
        work_email="zed6@gmail.com",
        job_company_name="Y",
        job_company_linkedin_url="www.linkedin.com/company/initech/",
    ),
    _hire("p7", linkedin_url="linkedin.com/in/zed-7", job_company_name="Globex Worldwide"),
    _p(
        "p8",
        "Zed",
        "Eight",
        linkedin_url="linkedin.com/in/zed-8",
        experience=[
            {"company": {"name": "Globex"}, "title": {"name": "VP Marketing"}, "start_date": "2026-10"}
            | {"end_date": None, "is_primary": True}
        ],
    ),
    _hire("p9", linkedin_url="linkedin.com/in/zed-9", job_company_name="Globexx Inc"),
    _hire("p10", work_email="zed.ten@globex.com", job_company_name="GX"),
    # outsiders: dropped by the filter
    *(
        _p(f"o{i}", f"Out{i}", "Sider", linkedin_url=f"linkedin.com/in/out-{i}", job_company_name="Nowhere")
        for i in range(30)
    ),
    _p("o-accent", "Åsa", "Öberg", work_email="asa@nowhere.io", job_company_name="Nowhere"),
    # p3 again, newer and at nobody's company: the newest observation cancels the older link
    _p(
        "p3",
        "Ann",
        "Other",
        linkedin_url="linkedin.com/in/someone-else",
        observed_at="2026-11-20",
        job_company_name="X",
    ),
    _p(
        "p2",
        "Bob",
        "Stone",
        work_email="bob.stone@acme.com",
        observed_at="2025-01-01",
        job_company_name="Old",
    ),
    _p(None, "No", "Id", linkedin_url="linkedin.com/in/anna-smith-42", job_company_name="Hooli"),  # li: key
    _p(None, "No", "Id", work_email="bob.stone@acme.com", job_company_name="Hooli"),  # em: key (slow)
    _p(None, "Name", "Company", job_company_name="Hooli"),  # nm: key (slow)
    _p("p-bad-id", "X", "Y"),  # nothing identifies the person: bad
    _p("p-date", "X", "Y", work_email="x@y.com", observed_at="2026-11"),
    _p("p-nodate", "X", "Y", work_email="x@y.com", observed_at=None),
    _p("p-baddate", "X", "Y", work_email="x@y.com", observed_at="someday"),
    _p(" spaced ", "X", "Y", work_email="x2@y.com"),
]
NOISE = [
    b"{not json\n",
    b"[1, 2]\n",
    b'"a string"\n',
    b"{}\n",
    b"   \n",
    b'{"id": 77, "first_name": "Anna", "last_name": "Smith", '
    b'"linkedin_url": "linkedin.com/in/anna-smith-42", "observed_at": "2026-11-18"}\n',
    b'{"id": "p-esc", "first_name": "Jos\\u00e9", "last_name": "M\\u00fcller", '
    b'"work_email": "jose.muller@acme.com", "observed_at": "2026-11-18"}\n',
    b'{"id": "p-num", "first_name": "Q", "last_name": "R", "work_email": "q@r.com", "x": 1e3, '
    b'"observed_at": "2026-11-18"}\n',
    b'{"id": "p-dup", "id": "p-dup2", "work_email": "q2@r.com", "observed_at": "2026-11-18"}\n',
    b'{"id": "p-co", "first_name": "Zed", "last_name": "Num", "linkedin_url": "linkedin.com/in/zn", '
    b'"job_company_name": 12345, "observed_at": "2026-11-18"}\n',
]


@pytest.fixture(autouse=True)
def _filter_every_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """JSONL goes through the pre-filter too (by default only Parquet does)."""
    monkeypatch.setattr(feed, "PREFILTER_SUFFIXES", FEED_SUFFIXES)


def _edge_context() -> DetectContext:
    settings = DetectSettings(run_date=date(2026, 11, 20))
    aliases = [Alias("a-2", name="Globex Worldwide")]
    return DetectContext.build(
        frame(CONTACTS, CONTACT_SCHEMA), frame(ACCOUNTS, ACCOUNT_SCHEMA), aliases, settings
    )


def _detect(ctx: DetectContext, path: str, prefilter: bool) -> PartitionResult:
    old = feed.PREFILTER
    feed.PREFILTER = prefilter
    try:
        return detect_partition(ctx, path)
    finally:
        feed.PREFILTER = old


def _sorted(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort(df.columns, nulls_last=True)


def assert_same_partition(ctx: DetectContext, path: str) -> PartitionResult:
    """The partition detected with and without the pre-filter: equal in every part; the full result."""
    full, fast = _detect(ctx, path, False), _detect(ctx, path, True)
    for part in ("candidates", "profiles", "new_hires"):
        a, b = getattr(full.result, part), getattr(fast.result, part)
        assert b.columns == a.columns, part
        assert _sorted(b).equals(_sorted(a)), part
    assert fast.result.n_observations == full.result.n_observations
    assert _sorted(fast.keys).equals(_sorted(full.keys))
    assert (fast.rows, fast.bad) == (full.rows, full.bad)
    return full


def _write(d: Path, name: str, recs: list[dict[str, Any]], noise: list[bytes] = ()) -> tuple[str, str]:  # type: ignore[assignment]
    jl = d / f"{name}.jsonl"
    lines = [orjson.dumps(r) + b"\n" for r in recs]
    for i, n in enumerate(noise):
        lines.insert(min(len(lines), 3 * i + 1), n)
    jl.write_bytes(b"".join(lines))
    pqf = d / f"{name}.parquet"
    names = list(dict.fromkeys(k for r in recs for k in r))  # from_pylist reads the first row's keys only
    pq.write_table(pa.Table.from_pylist([{k: r.get(k) for k in names} for r in recs]), pqf)
    return str(jl), str(pqf)


def test_edge_cases_give_the_full_results(tmp_path: Path) -> None:
    ctx = _edge_context()
    jl, pqf = _write(tmp_path, "edge", EDGE, NOISE)
    for path in (jl, pqf):
        full = assert_same_partition(ctx, path)
        linked = set(full.result.candidates["contact_id"].to_list())
        assert {"c-1", "c-2", "c-3", "c-4"} <= linked, path
        hires = set(full.result.new_hires["person_key"].to_list())
        assert {f"pdl:p{i}" for i in range(5, 11)} <= hires, path
        part = read_relevant(_edge_context(), path, feed.SUB_BATCH_ROWS)
        assert part is not None
        assert part.stats.relevant < part.stats.newest - 30  # the outsiders were left out
        assert part.stats.slow >= 3
    assert full.bad > 0


def test_small_slices_keep_the_full_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Name matches depend on the batch: slices of the full read are kept even when rows are dropped."""
    monkeypatch.setattr(feed, "SUB_BATCH_ROWS", 7)
    jl, _ = _write(tmp_path, "edge", EDGE, NOISE)
    assert_same_partition(_edge_context(), jl)


@pytest.fixture(scope="module")
def bench_feed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, DetectContext]]:
    """The bench CRM (2,000 contacts) and feed: its 2,500 profiles plus 4,000 outsiders, noisy lines."""
    d = tmp_path_factory.mktemp("filter")
    lines = build_crm_and_feed(d, 2)
    mod = bench_builder()
    gen = mod._Builder(2_000, 2_500, seed=11)
    outsiders = [mod._pdl(*gen.other_profile(k)) for k in range(4_000)]
    recs = [orjson.loads(x) for x in lines[:1_000]] + outsiders
    rng_order = sorted(range(len(recs)), key=lambda i: (i * 7919) % len(recs))
    recs = [recs[i] for i in rng_order]
    for k, r in enumerate(recs[:400]):  # odd shapes the fast path leaves to the converter
        if k % 4 == 0:
            r["linkedin_url"] = (r.get("linkedin_url") or "").upper() or None
        elif k % 4 == 1:
            r["work_email"] = f"  {(r.get('work_email') or 'x@y.com').title()}"
        elif k % 4 == 2:
            r["first_name"] = (r.get("first_name") or "") + "é"
        else:
            r["id"] = None
    _write(d / "feed", "part-mix", recs, NOISE)
    yield d, detect_context(d / "ws")


def test_bench_partitions_give_the_full_results(bench_feed: tuple[Path, DetectContext]) -> None:
    d, ctx = bench_feed
    for path in feed_partitions(str(d / "feed")):
        full = assert_same_partition(ctx, path)
        assert full.result.candidates.height > 100
    for path in (d / "feed" / "part-0.jsonl", d / "feed" / "part-mix.parquet"):
        part = read_relevant(ctx, str(path), feed.SUB_BATCH_ROWS)
        assert part is not None
        assert part.stats.slow < 0.2 * part.stats.rows  # the common shapes take the vectorized path
    assert part.stats.relevant < 0.8 * part.stats.newest


def test_feed_runs_give_the_same_signals(bench_feed: tuple[Path, DetectContext]) -> None:
    d, ctx = bench_feed
    paths = [p for p in feed_partitions(str(d / "feed")) if p.endswith(".jsonl")]
    out = {}
    for flag in (False, True):
        old = feed.PREFILTER
        feed.PREFILTER = flag
        try:
            out[flag] = run_feed(ctx, paths, "local")
        finally:
            feed.PREFILTER = old
    (full, n_full), (fast, n_fast) = out[False], out[True]
    assert n_fast == n_full
    assert full.signals.height > 50
    assert by_signal_id(fast.signals).equals(by_signal_id(full.signals))
    assert fast.ambiguous == full.ambiguous


def test_gzip_empty_and_broken_files_give_the_full_results(tmp_path: Path) -> None:
    import gzip

    ctx = _edge_context()
    jl, _ = _write(tmp_path, "edge", EDGE, NOISE)
    gz = tmp_path / "edge.jsonl.gz"
    gz.write_bytes(gzip.compress(Path(jl).read_bytes() + b'{"id": "bin\xff", "observed_at": "2026-11-18"}\n'))
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    ctrl = tmp_path / "ctrl.jsonl"
    ctrl.write_bytes(
        b'{"id": "t1", "first_name": "Bob\tX", "last_name": "Stone", "work_email": "bob.stone@acme.com", '
        b'"observed_at": "2026-11-18"}\r\n' + Path(jl).read_bytes()
    )
    for path in (gz, empty, ctrl):
        assert_same_partition(ctx, str(path))
