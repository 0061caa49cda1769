"""Incremental releases (engine/incremental.py): the signals equal a full run's, whatever changed."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from feed_kit import bench_builder, detect_context
from jobshift.engine.context import DetectContext
from jobshift.engine.feed import detect_feed_local, feed_partitions
from jobshift.engine.feed_raw import read_raw
from jobshift.engine.finalize import finalize
from jobshift.engine.first_seen import PREVIOUS_SCHEMA
from jobshift.engine.incremental import FeedState, detect_release, finalize_run
from jobshift.services.detect.detecting_feed import detect_feed
from jobshift.services.detect.feed_state import load_state, state_dir
from jobshift.services.workspace import Workspace, init_workspace

N_PARTS = 3


def _write_release(lines: list[bytes], out: Path, fmt: str = "jsonl") -> list[str]:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for i in range(N_PARTS):
        part = lines[i::N_PARTS]
        if fmt == "jsonl":
            (out / f"part-{i}.jsonl").write_bytes(b"".join(x.rstrip(b"\n") + b"\n" for x in part))
        else:
            recs = [orjson.loads(x) for x in part if x.startswith(b"{")]  # Parquet holds no bad JSON
            cols = sorted({k for r in recs for k in r})
            table = pa.Table.from_pylist([{c: r.get(c) for c in cols} for r in recs])
            pq.write_table(table, out / f"part-{i}.parquet")
    return feed_partitions(str(out))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bytes]]:
    """A small CRM (a SQLite workspace, copied per test) and its feed's lines."""
    d = tmp_path_factory.mktemp("inc")
    ws, _ = init_workspace(d / "ws")
    ws.close()
    bench_builder().build(d / "ws" / "jobshift.db", d / "people.jsonl", 2_000, 2_500)
    return d / "ws", (d / "people.jsonl").read_bytes().splitlines()


def _release2(lines: list[bytes], seed: int = 3) -> list[bytes]:
    """About 5% of profiles changed (company, title, observed date), some dropped, some new, a
    duplicate with an older date, and two unusable lines."""
    rnd = random.Random(seed)
    out: list[bytes] = []
    for raw in lines:
        r = rnd.random()
        if r < 0.01:
            continue  # dropped from the release
        rec = orjson.loads(raw)
        if r < 0.03:
            rec.update(job_company_name="Newco Labs", job_company_website="newco-labs.example")
            rec["job_start_date"] = "2026-10"
            rec["observed_at"] = "2026-12-01"
        elif r < 0.05:
            rec["job_title"] = "Chief Executive Officer"
            rec["observed_at"] = "2026-12-01"
        elif r < 0.06:
            old = dict(rec, observed_at="2019-01-01", job_company_name="Stale Inc")
            out.append(orjson.dumps(old))
        out.append(orjson.dumps(rec))
    for raw in lines[:40]:  # new people: copies under another id at a target-like company
        rec = orjson.loads(raw)
        rec.update(id=f"{rec.get('id')}-new", linkedin_url=None, work_email=None, emails=[])
        out.append(orjson.dumps(rec))
    out += [b"not json", b'{"id": "x-1"}']
    return out


def _full(ctx: DetectContext, paths: list[str]) -> pl.DataFrame:
    results, _, _ = detect_feed_local(ctx, paths)
    return finalize(ctx, results).signals.sort("signal_id")


def _incremental(ctx: DetectContext, paths: list[str], old: FeedState | None) -> tuple[pl.DataFrame, Any]:
    run = detect_release(ctx, paths, old)
    det = finalize_run(ctx, run)
    ref = finalize(ctx, [run.result])  # finalize over everything: the same signals and reports
    assert det.signals.equals(ref.signals)
    assert det.ambiguous == ref.ambiguous
    assert det.counts == ref.counts
    return det.signals.sort("signal_id"), run


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_incremental_release_equals_full_run(
    base: tuple[Path, list[bytes]], tmp_path: Path, fmt: str
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    p1 = _write_release(lines, tmp_path / "r1", fmt)
    first, run1 = _incremental(ctx, p1, None)
    assert run1.stats["mode"].startswith("full")
    assert first.equals(_full(ctx, p1))  # the first (full) run of the release machinery
    assert first.height > 100
    p2 = _write_release(_release2(lines), tmp_path / "r2", fmt)
    second, run2 = _incremental(ctx, p2, run1.state)
    assert run2.stats["mode"] == "incremental"
    full2 = _full(ctx, p2)
    assert not full2.equals(first)  # the release did change signals
    assert second.equals(full2)
    # only the changed people were converted and detected
    assert run2.stats["people_detected"] < 0.15 * len(lines)
    assert run2.stats["bad"] == (2 if fmt == "jsonl" else 1)
    # a third release equal to the second detects nobody and still gives the same signals
    third, run3 = _incremental(ctx, p2, run2.state)
    assert run3.stats["people_detected"] == 0
    assert third.equals(full2)


def test_changed_contacts_are_detected_again(base: tuple[Path, list[bytes]], tmp_path: Path) -> None:
    ws_src, lines = base
    ws_dir = tmp_path / "ws"
    shutil.copytree(ws_src, ws_dir)
    p1 = _write_release(lines, tmp_path / "r1")
    _, run1 = _incremental(detect_context(ws_dir), p1, None)
    con = sqlite3.connect(ws_dir / "jobshift.db")
    ids = [r[0] for r in con.execute("SELECT id FROM contacts ORDER BY id LIMIT 60")]
    con.executemany("UPDATE contacts SET title = 'VP Engineering' WHERE id = ?", [(i,) for i in ids[:20]])
    # another contact's e-mail and LinkedIn key: links that did not exist before
    con.executemany(
        "UPDATE contacts SET email_norm = (SELECT email_norm FROM contacts c2 WHERE c2.id = ?), "
        "linkedin_norm = NULL WHERE id = ?",
        [(ids[40 + k], ids[20 + k]) for k in range(10)],
    )
    con.executemany("DELETE FROM contacts WHERE id = ?", [(i,) for i in ids[50:60]])
    con.commit()
    con.close()
    ctx = detect_context(ws_dir)
    got, run2 = _incremental(ctx, p1, run1.state)
    assert run2.stats["mode"] == "incremental"
    assert run2.stats["changed_contacts"] == 40
    assert 0 < run2.stats["people_detected"] < 0.2 * len(lines)
    assert got.equals(_full(ctx, p1))


def test_changed_accounts_force_a_full_run(base: tuple[Path, list[bytes]], tmp_path: Path) -> None:
    ws_src, lines = base
    ws_dir = tmp_path / "ws"
    shutil.copytree(ws_src, ws_dir)
    p1 = _write_release(lines, tmp_path / "r1")
    _, run1 = _incremental(detect_context(ws_dir), p1, None)
    con = sqlite3.connect(ws_dir / "jobshift.db")
    con.execute(
        "UPDATE accounts SET is_target = 1 - is_target WHERE id IN (SELECT id FROM accounts LIMIT 50)"
    )
    con.commit()
    con.close()
    ctx = detect_context(ws_dir)
    got, run2 = _incremental(ctx, p1, run1.state)
    assert run2.stats["mode"].startswith("full")
    assert got.equals(_full(ctx, p1))


def test_raw_reader_fingerprints_what_the_converter_reads(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    a.write_bytes(b'\xef\xbb\xbf{"id": "1", "observed_at": "2026-01-01"}\n\n   \n{"id": "2"}\r\n')
    raw = read_raw(str(a))
    assert raw.height == 2
    b = tmp_path / "b.jsonl"
    b.write_bytes(b'{"id": "1", "observed_at": "2026-01-01"}\n{"id": "2"}\n')
    assert read_raw(str(b)).fps.to_list() == raw.fps.to_list()
    # a stray control character the vectorized reader cannot take: the streaming reader is used
    c = tmp_path / "c.jsonl"
    c.write_bytes(b'{"id": "1", "observed_at": "2026-01-01"}\n{"id": "2\x01"}\n')
    assert read_raw(str(c)).fps[0] == raw.fps[0]
    # Parquet: columns the converter does not read do not change the fingerprint
    t1 = pa.table({"id": ["1"], "observed_at": ["2026-01-01"], "misc": ["x"]})
    t2 = pa.table({"id": ["1"], "observed_at": ["2026-01-01"], "misc": ["y"]})
    pq.write_table(t1, tmp_path / "p1.parquet")
    pq.write_table(t2, tmp_path / "p2.parquet")
    f1, f2 = read_raw(str(tmp_path / "p1.parquet")).fps, read_raw(str(tmp_path / "p2.parquet")).fps
    assert f1.to_list() == f2.to_list()


def test_cli_service_keeps_the_state(base: tuple[Path, list[bytes]], tmp_path: Path) -> None:
    ws_src, lines = base
    ws_dir = tmp_path / "ws"
    shutil.copytree(ws_src, ws_dir)
    p1 = tmp_path / "r1"
    _write_release(lines, p1)
    ws = Workspace.open(ws_dir)
    try:
        s1 = detect_feed(ws, str(p1), incremental=True)
        assert s1.release is not None and s1.release["mode"].startswith("full")
        assert load_state(ws_dir) is not None
        s2 = detect_feed(ws, str(p1), incremental=True)
        assert s2.release is not None and s2.release["mode"] == "incremental"
        assert s2.release["people_detected"] == 0
        assert s2.by_type == s1.by_type
        assert s2.write["inserted"] == 0
    finally:
        ws.close()
    (state_dir(ws_dir) / "meta.json").write_text("{broken", encoding="utf-8")
    assert load_state(ws_dir) is None  # an unreadable state means a full run, not a crash


def test_other_detection_code_forces_a_full_run(
    base: tuple[Path, list[bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobshift.engine import incremental

    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    p1 = _write_release(lines[:500], tmp_path / "r1")
    _, run1 = _incremental(ctx, p1, None)
    _, same = _incremental(ctx, p1, run1.state)
    assert same.stats["mode"] == "incremental"
    monkeypatch.setattr(incremental, "_CODE_FP", ["another version of the rules"])
    _, run2 = _incremental(ctx, p1, run1.state)
    assert run2.stats["mode"].startswith("full")


def _edit(lines: list[bytes], edits: dict[int, dict[str, Any]], extra: list[dict[str, Any]]) -> list[bytes]:
    """The feed with the fields of some lines replaced, and extra records appended."""
    out = [
        orjson.dumps({**orjson.loads(raw), **edits[i]}) if i in edits else raw for i, raw in enumerate(lines)
    ]
    return out + [orjson.dumps(rec) for rec in extra]


def _name_only(lines: list[bytes], i: int) -> dict[str, Any]:
    """Fields that leave line ``i``'s person only their name to be found by (no LinkedIn, no e-mail)."""
    rec = orjson.loads(lines[i])
    return {"id": f"{rec['id']}-n", "linkedin_url": None, "work_email": None, "emails": []}


def _twin(lines: list[bytes], i: int, elsewhere: bool) -> dict[str, Any]:
    """Another person with line ``i``'s name and history, no LinkedIn or e-mail; now at an unrelated
    company (``elsewhere``: the two disagree, the contact is ambiguous) or at the same one."""
    rec = orjson.loads(lines[i])
    rec.update(id=f"{rec['id']}-twin", linkedin_url=None, work_email=None, emails=[])
    if elsewhere:
        rec.update(job_company_name="Twin Corp", job_company_website="twin-corp.example")
    return rec


def _chain(ctx: DetectContext, tmp_path: Path, releases: list[list[bytes]]) -> list[Any]:
    """Each release detected incrementally after the previous one; each checked against a full run.
    Returns the full runs' detections."""
    state, fulls = None, []
    for k, rel in enumerate(releases):
        paths = _write_release(rel, tmp_path / f"r{k}")
        run = detect_release(ctx, paths, state)
        det = finalize_run(ctx, run)
        results, _, _ = detect_feed_local(ctx, paths)
        full = finalize(ctx, results)
        if k:
            assert run.stats["mode"] == "incremental" and run.stats["finalize"] == "incremental"
        assert det.signals.equals(full.signals)
        assert det.ambiguous == full.ambiguous
        # (the candidate count is not compared: which name candidates a batch reports depends on the
        # batch, finalize drops the same ones either way)
        assert det.counts == finalize(ctx, [run.result]).counts
        fulls.append(full)
        state = run.state
    return fulls


def test_a_change_that_flips_an_ambiguity(base: tuple[Path, list[bytes]], tmp_path: Path) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    # people found by name only: alone (r0), with a twin elsewhere (r1: ambiguous), half of the twins
    # at the same company (r2: those are decided again), no twins (r0)
    who = list(range(0, 60, 3))
    keys = {i: _name_only(lines, i) for i in who}
    r0 = _edit(lines, keys, [])
    r1 = _edit(lines, keys, [_twin(lines, i, True) for i in who])
    r2 = _edit(lines, keys, [_twin(lines, i, k % 2 == 0) for k, i in enumerate(who)])
    fulls = _chain(ctx, tmp_path, [r0, r1, r2, r0])
    amb = [{a["contact_id"] for a in f.ambiguous} for f in fulls]
    assert not amb[0] and amb[1] and amb[2] and not amb[3]
    assert amb[2] < amb[1]  # the releases did flip ambiguities both ways


def test_a_claim_moves_between_two_people(base: tuple[Path, list[bytes]], tmp_path: Path) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    line_of = {f"pdl:{orjson.loads(raw)['id']}": i for i, raw in enumerate(lines)}
    first = _full(ctx, _write_release(lines, tmp_path / "r"))
    strong = first.filter(pl.col("match_rule").str.starts_with("linkedin/") & pl.col("email").is_not_null())
    # r1: A is found by LinkedIn and e-mail; r2: A's keys are gone and B (the next line: another person,
    # with a contact of their own or none) carries A's LinkedIn: the contact's claim moves from A to B
    moved: dict[int, dict[str, Any]] = {}
    expect: dict[str, str] = {}
    for contact_id, person_key in strong.select("contact_id", "person_key").head(12).iter_rows():
        a = line_of[person_key]
        ra, rb = orjson.loads(lines[a]), orjson.loads(lines[a + 1])
        if a in moved or a + 1 in moved:
            continue
        moved[a] = {"linkedin_url": None, "work_email": None, "emails": []}
        moved[a + 1] = {"linkedin_url": ra["linkedin_url"]}
        expect[contact_id] = f"pdl:{rb['id']}"
    r2 = _edit(lines, moved, [])
    fulls = _chain(ctx, tmp_path, [lines, r2, lines])
    claims = [
        dict(
            f.signals.filter(pl.col("contact_id").is_not_null())
            .select("contact_id", "person_key")
            .iter_rows()
        )
        for f in fulls
    ]
    assert any(claims[1].get(c) == b for c, b in expect.items())  # claims did move to B
    assert claims[0] == claims[2]


def test_a_new_run_date_finalizes_everything(base: tuple[Path, list[bytes]], tmp_path: Path) -> None:
    import dataclasses
    from datetime import date

    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    p1 = _write_release(lines, tmp_path / "r1")
    run1 = detect_release(ctx, p1, None)
    finalize_run(ctx, run1)
    later = dataclasses.replace(ctx.settings, run_date=date(2027, 6, 1))
    ctx.settings = later
    p2 = _write_release(_release2(lines), tmp_path / "r2")
    run2 = detect_release(ctx, p2, run1.state)
    det = finalize_run(ctx, run2)
    assert run2.stats["mode"] == "incremental" and run2.stats["finalize"] == "full"
    assert det.signals.equals(_full(ctx, p2))


def _month(ym: str, k: int) -> str:
    y, m = divmod(int(ym[:4]) * 12 + int(ym[5:7]) - 1 + k, 12)
    return f"{y:04d}-{m + 1:02d}"


def _newcomers(
    ctx: DetectContext, lines: list[bytes], tmp_path: Path
) -> tuple[list[dict[str, Any]], set[int]]:
    """Per departed CRM contact at a watched account: an undated newcomer in the same role (see
    :func:`test_a_departure_makes_and_unmakes_a_successor`); and the lines of the departed people."""
    first = _full(ctx, _write_release(lines, tmp_path / "r"))
    acc = ctx.accounts.select(
        pl.col("account_id").alias("past_account_id"), "acc_name", "acc_domain", "is_watched"
    )
    left = (
        first.filter((pl.col("type") == "job_change") & pl.col("job_started_date").is_not_null())
        .join(acc, on="past_account_id")
        .filter(pl.col("is_watched"))
    )
    # per departed contact, an undated newcomer in the same role who left a job elsewhere two months
    # before the departure, seen two months after it: a successor candidate ("replaced holder")
    newcomers = []
    for k, r in enumerate(left.iter_rows(named=True)):
        gone = r["job_started_date"][:7]
        here = {"name": r["acc_name"], "website": r["acc_domain"]}
        newcomers.append(
            {
                "id": f"succ-{k}",
                "full_name": f"zed quorum{k}",
                "first_name": "zed",
                "last_name": f"quorum{k}",
                "job_title": r["past_title"],
                "job_company_name": r["acc_name"],
                "job_company_website": r["acc_domain"],
                "experience": [
                    {"company": here, "title": {"name": r["past_title"]}, "is_primary": True},
                    {
                        "company": {"name": f"Prior {k} Co", "website": f"prior-{k}.example"},
                        "title": {"name": r["past_title"]},
                        "start_date": "2019-01",
                        "end_date": _month(gone, -2),
                    },
                ],
                "observed_at": _month(gone, 2) + "-01",
            }
        )
    line_of = {f"pdl:{orjson.loads(raw)['id']}": i for i, raw in enumerate(lines)}
    line_of = {f"pdl:{orjson.loads(raw)['id']}": i for i, raw in enumerate(lines)}
    return newcomers, {line_of[p] for p in left.get_column("person_key")}


def test_a_departure_makes_and_unmakes_a_successor(base: tuple[Path, list[bytes]], tmp_path: Path) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    newcomers, departed = _newcomers(ctx, lines, tmp_path)
    r1 = _edit(lines, {}, newcomers)
    r2 = [raw for i, raw in enumerate(r1) if i not in departed]  # the holders' profiles are gone
    fulls = _chain(ctx, tmp_path, [lines, r1, r2, r1])
    holder = [
        f.signals.filter(pl.col("match_rule").str.starts_with("no_start_date_replaced_holder/")).height
        for f in fulls
    ]
    assert holder[1] > 0 and holder[2] == 0 and holder[3] == holder[1]


def test_earlier_observations_confirm_undated_hires(base: tuple[Path, list[bytes]], tmp_path: Path) -> None:
    """The store's earlier observations (``previous``) are not part of the release: the undated hire
    candidates are finalized again on every run that has them."""
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    newcomers, _ = _newcomers(ctx, lines, tmp_path)
    paths = _write_release(_edit(lines, {}, newcomers), tmp_path / "r1")

    def nothing(keys: Mapping[str, str]) -> pl.DataFrame:
        return pl.DataFrame(schema=PREVIOUS_SCHEMA)

    def elsewhere(keys: Mapping[str, str]) -> pl.DataFrame:
        rows = [
            (k, f"{_month(v[:7], -1)}-01", "Elsewhere Co", "elsewhere.example", None) for k, v in keys.items()
        ]
        return pl.DataFrame(rows, schema=PREVIOUS_SCHEMA, orient="row")

    run1 = detect_release(ctx, paths, None)
    finalize_run(ctx, run1, nothing)
    run2 = detect_release(ctx, paths, run1.state)
    det = finalize_run(ctx, run2, elsewhere)
    assert run2.stats["finalize"] == "incremental" and run2.stats["people_detected"] == 0
    full = finalize(ctx, [run2.result], elsewhere)
    assert det.signals.equals(full.signals)
    seen = full.signals.filter(pl.col("match_rule").str.starts_with("no_start_date_first_seen_elsewhere/"))
    assert (
        seen.height
        > finalize(ctx, [run1.result], nothing)
        .signals.filter(pl.col("match_rule").str.starts_with("no_start_date_first_seen_elsewhere/"))
        .height
    )
