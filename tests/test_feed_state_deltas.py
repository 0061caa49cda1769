"""The feed state as a full copy plus per-release deltas (format 5, services/detect/feed_state.py):
several releases through deltas and compaction give a full run's signals, a write that dies midway
leaves the previous state, a format-4 state (one file a table) is read."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from feed_kit import detect_context
from jobshift.engine.context import DetectContext
from jobshift.engine.incremental import FeedState, ReleaseRun, detect_release, finalize_run
from jobshift.services.detect import feed_state
from jobshift.services.detect.feed_state import (
    DELTA_SHARE,
    STALE_TMP_SECONDS,
    load_state,
    save_state,
    state_dir,
)
from test_feed_incremental import _full, _release2, _write_release, base  # noqa: F401

_SORT = {
    "rows": ["fp"],
    "links": ["person_key", "h"],
    "candidates": ["person_key", "contact_id", "rule"],
    "profiles": ["person_key"],
    "new_hires": ["person_key"],
}


def _meta(ws: Path) -> dict[str, Any]:
    return dict(json.loads((state_dir(ws) / "meta.json").read_text(encoding="utf-8")))


def _same_tables(a: FeedState, b: FeedState) -> None:
    """The state as read from disk holds the same rows as the one the run left in memory."""
    frames = {
        "rows": (a.rows, b.rows),
        "links": (a.links, b.links),
        "candidates": (a.result.candidates, b.result.candidates),
        "profiles": (a.result.profiles, b.result.profiles),
        "new_hires": (a.result.new_hires, b.result.new_hires),
    }
    for name, (x, y) in frames.items():
        cols = x.columns
        key = [c for c in _SORT[name] if c in cols] + [c for c in cols if c not in _SORT[name]]
        sortable = [c for c in key if not isinstance(x.schema[c], (pl.List, pl.Struct))]
        assert x.sort(sortable).equals(y.select(cols).sort(sortable)), name
    assert a.final is not None and b.final is not None
    assert a.final.signals.sort("signal_id").equals(b.final.signals.sort("signal_id"))
    assert a.final.matched.sort("contact_id").equals(b.final.matched.sort("contact_id"))


def _saved_r1(ctx: DetectContext, lines: list[bytes], ws: Path, share: float = DELTA_SHARE) -> ReleaseRun:
    """The first release of ``lines`` detected, finalized and saved as the state in ``ws``."""
    run = detect_release(ctx, _write_release(lines, ws / "r1"), None)
    finalize_run(ctx, run)
    save_state(ws, run.state, "r1", share=share)
    return run


def test_releases_through_deltas_and_compaction_equal_full_runs(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run = _saved_r1(ctx, lines, tmp_path, share=0.25)
    base_ino = (state_dir(tmp_path) / "candidates.g0.arrow").stat().st_ino
    layers_seen, compacted = [], False
    for k in range(2, 7):
        paths = _write_release(_release2(lines, seed=k), tmp_path / f"r{k}")
        old = load_state(tmp_path)
        assert old is not None
        run = detect_release(ctx, paths, old)
        assert run.stats["mode"] == "incremental" and run.stats["people_detected"] < len(lines) // 3
        signals = finalize_run(ctx, run).signals.sort("signal_id")
        assert run.stats["finalize"] == "incremental"
        assert signals.equals(_full(ctx, paths)), f"release r{k}"
        save_state(tmp_path, run.state, f"r{k}", share=0.25)
        tables = _meta(tmp_path)["tables"]
        layers_seen.append(len(tables["candidates"]))
        if len(tables["candidates"]) == 1:
            compacted = True
        else:  # a delta: the full copy is the earlier file, linked
            assert (state_dir(tmp_path) / tables["candidates"][0]["file"]).stat().st_ino == base_ino
        assert len(tables["contacts"]) == 1  # unchanged: linked, never a delta
        again = load_state(tmp_path)
        assert again is not None
        _same_tables(again, run.state)
        if len(tables["candidates"]) == 1:
            base_ino = (state_dir(tmp_path) / tables["candidates"][0]["file"]).stat().st_ino
    assert max(layers_seen) >= 2, layers_seen  # deltas were written ...
    assert compacted, layers_seen  # ... and folded into a full copy again when they grew
    assert sorted(p.name for p in tmp_path.glob("feed_state*")) == ["feed_state"]


def test_the_same_release_again_is_idempotent(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run = _saved_r1(ctx, lines, tmp_path)
    paths = _write_release(_release2(lines), tmp_path / "r2")
    sigs = []
    for _ in range(3):
        old = load_state(tmp_path)
        assert old is not None
        run = detect_release(ctx, paths, old)
        sigs.append(finalize_run(ctx, run).signals.sort("signal_id"))
        save_state(tmp_path, run.state, "r2")
    assert run.stats["people_detected"] == 0
    assert sigs[0].equals(sigs[1]) and sigs[1].equals(sigs[2]) and sigs[0].equals(_full(ctx, paths))
    again = load_state(tmp_path)
    assert again is not None
    _same_tables(again, run.state)


def test_a_crash_while_writing_a_delta_leaves_the_previous_state(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run = _saved_r1(ctx, lines, tmp_path)
    paths = _write_release(_release2(lines), tmp_path / "r2")
    old = load_state(tmp_path)
    assert old is not None
    run = detect_release(ctx, paths, old)
    finalize_run(ctx, run)
    real, calls = pl.DataFrame.write_ipc, []

    def dies_on_the_third(self: pl.DataFrame, file: Path, **kw: object) -> None:
        calls.append(file)
        if len(calls) == 3:  # the delta of the second table
            raise OSError("disk full")
        real(self, file, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.DataFrame, "write_ipc", dies_on_the_third)
    with pytest.raises(OSError, match="disk full"):
        save_state(tmp_path, run.state, "r2")
    monkeypatch.undo()
    assert any(".add." in Path(c).name for c in calls)  # it died among delta files
    assert _meta(tmp_path)["feed"] == "r1"
    after = load_state(tmp_path)
    assert after is not None
    assert after.rows.equals(old.rows) and after.result.candidates.equals(old.result.candidates)
    # the previous state is still usable: the release again over it, then written
    run = detect_release(ctx, paths, after)
    assert finalize_run(ctx, run).signals.sort("signal_id").equals(_full(ctx, paths))
    save_state(tmp_path, run.state, "r2")
    assert _meta(tmp_path)["feed"] == "r2"
    assert sorted(p.name for p in tmp_path.glob("feed_state*")) == ["feed_state"]


def test_a_format_4_state_is_read(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run = _saved_r1(ctx, lines, tmp_path)
    d = state_dir(tmp_path)
    meta = _meta(tmp_path)
    for name, layers in meta.pop("tables").items():  # format 4: one file a table, named after it
        (d / layers[0]["file"]).rename(d / f"{name}.arrow")
    meta.update(version=4)
    meta.pop("gen")
    (d / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    old = load_state(tmp_path)
    assert old is not None and old.final is not None
    _same_tables(old, run.state)
    paths = _write_release(_release2(lines), tmp_path / "r2")
    run = detect_release(ctx, paths, old)
    assert run.stats["mode"] == "incremental"
    assert finalize_run(ctx, run).signals.sort("signal_id").equals(_full(ctx, paths))
    save_state(tmp_path, run.state, "r2")
    assert _meta(tmp_path)["version"] == 5
    assert len(_meta(tmp_path)["tables"]["candidates"]) == 2  # a delta over the format-4 file


@pytest.mark.parametrize("vector", [True, False])
def test_held_rows_of_several_partitions_convert_as_each_partition(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
    vector: bool,
) -> None:
    from jobshift.engine import convert
    from jobshift.engine.feed_raw import convert_held, convert_rows, held_rows, read_raw

    _, lines = base
    paths = _write_release(_release2(lines), tmp_path / "r")
    old = convert.VECTOR
    convert.VECTOR = vector
    try:
        held, each, bad = [], [], []
        for i, p in enumerate(paths):
            raw = read_raw(p)
            idx = pl.int_range(i, raw.height, 3, dtype=pl.UInt32, eager=True)  # every third row
            held.append((i, held_rows(raw, idx)))
            obs, b = convert_rows(raw, idx)
            each.append(obs.with_columns(pl.lit(i, pl.UInt32).alias("part")))
            bad.append(b)
        obs, b = convert_held(held)
    finally:
        convert.VECTOR = old
    assert obs.equals(pl.concat(each, how="diagonal_relaxed").select(obs.columns))
    assert b.sort().to_list() == pl.concat(bad).sort().to_list()
    assert b.len() > 0  # the unusable lines of the release were among them


def test_a_release_over_a_state_not_read_from_disk_is_written_whole(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    _saved_r1(ctx, lines, tmp_path)
    old = load_state(tmp_path)
    assert old is not None
    run2 = detect_release(ctx, _write_release(_release2(lines, seed=2), tmp_path / "r2"), old)
    finalize_run(ctx, run2)
    # the next release over run2's state as it is in memory (its edits are relative to r1's files)
    paths = _write_release(_release2(lines, seed=3), tmp_path / "r3")
    run3 = detect_release(ctx, paths, run2.state)
    signals = finalize_run(ctx, run3).signals.sort("signal_id")
    assert signals.equals(_full(ctx, paths))
    save_state(tmp_path, run3.state, "r3")
    assert all(len(ly) == 1 for ly in _meta(tmp_path)["tables"].values())
    again = load_state(tmp_path)
    assert again is not None
    _same_tables(again, run3.state)


def test_files_that_cannot_be_linked_are_written_whole(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run = _saved_r1(ctx, lines[:400], tmp_path)
    old = load_state(tmp_path)
    assert old is not None
    run = detect_release(ctx, _write_release(_release2(lines[:400]), tmp_path / "r2"), old)
    finalize_run(ctx, run)

    def no_links(src: object, dst: object) -> None:
        raise OSError("cross-device link")  # e.g. the new state on another file system

    monkeypatch.setattr("os.link", no_links)
    save_state(tmp_path / "elsewhere", run.state, "r2")
    monkeypatch.undo()
    assert all(len(ly) == 1 for ly in _meta(tmp_path / "elsewhere")["tables"].values())
    again = load_state(tmp_path / "elsewhere")
    assert again is not None
    _same_tables(again, run.state)


def test_a_state_another_run_saved_meanwhile_is_not_linked(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
) -> None:
    """File names repeat across histories (a full run starts again at g0): a release whose state was
    loaded before another run saved a different history links nothing from it."""
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    _saved_r1(ctx, lines, tmp_path)
    first = _meta(tmp_path)
    old = load_state(tmp_path)
    assert old is not None
    paths_b = _write_release(_release2(lines, seed=3), tmp_path / "rb")
    b = detect_release(ctx, paths_b, old)  # over r1's state, saved after A
    finalize_run(ctx, b)
    a = detect_release(
        ctx, _write_release(_release2(lines, seed=5)[: len(lines) // 2], tmp_path / "ra"), None
    )
    finalize_run(ctx, a)
    save_state(tmp_path, a.state, "ra")  # a full run meanwhile: a new history, its files named g0 too
    assert _meta(tmp_path)["history"] != first["history"] and _meta(tmp_path)["gen"] == first["gen"]
    save_state(tmp_path, b.state, "rb")
    assert all(len(ly) == 1 for ly in _meta(tmp_path)["tables"].values())  # written whole
    again = load_state(tmp_path)
    assert again is not None
    _same_tables(again, b.state)
    assert again.final is not None and again.final.signals.sort("signal_id").equals(_full(ctx, paths_b))


def test_a_save_killed_between_its_renames_leaves_the_previous_state_readable(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run = _saved_r1(ctx, lines, tmp_path)
    old = load_state(tmp_path)
    assert old is not None
    paths = _write_release(_release2(lines), tmp_path / "r2")
    run = detect_release(ctx, paths, old)
    finalize_run(ctx, run)
    real, calls = Path.rename, []

    def dies_after_the_first(self: Path, target: Path) -> Path:
        calls.append(target)
        if len(calls) >= 2:  # the new state into place, then putting the previous one back
            raise KeyboardInterrupt("killed")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", dies_after_the_first)
    with pytest.raises(KeyboardInterrupt):
        save_state(tmp_path, run.state, "r2")
    monkeypatch.undo()
    old_dirs = list(tmp_path.glob("feed_state.old-*"))
    tmp_dirs = list(tmp_path.glob("feed_state.tmp-*"))  # the killed save's
    assert not state_dir(tmp_path).exists() and len(old_dirs) == 1 and len(tmp_dirs) == 1
    after = load_state(tmp_path)  # the set-aside state is read
    assert after is not None
    assert after.rows.equals(old.rows) and after.result.candidates.equals(old.result.candidates)
    os.utime(tmp_dirs[0], (time.time() - 2 * STALE_TMP_SECONDS,) * 2)  # long dead
    fresh = Path(tmp_path / "feed_state.tmp-busy")  # another save still writing
    fresh.mkdir()
    run = detect_release(ctx, paths, after)
    assert finalize_run(ctx, run).signals.sort("signal_id").equals(_full(ctx, paths))
    save_state(tmp_path, run.state, "r2")
    assert len(_meta(tmp_path)["tables"]["candidates"]) == 2  # linked from the set-aside state
    assert sorted(p.name for p in tmp_path.glob("feed_state*")) == ["feed_state", "feed_state.tmp-busy"]
    again = load_state(tmp_path)
    assert again is not None
    _same_tables(again, run.state)


def test_a_failed_save_puts_the_previous_state_back(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run = _saved_r1(ctx, lines[:400], tmp_path)
    real, calls = Path.rename, []

    def fails_second(self: Path, target: Path) -> Path:
        calls.append(target)
        if len(calls) == 2:
            raise OSError("no space")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", fails_second)
    with pytest.raises(OSError, match="no space"):
        save_state(tmp_path, run.state, "r1 again")
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.glob("feed_state*")) == ["feed_state"]
    assert _meta(tmp_path)["feed"] == "r1"


def test_releases_that_change_nothing_add_no_layers_and_layers_are_capped(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run = _saved_r1(ctx, lines, tmp_path)
    paths = _write_release(_release2(lines), tmp_path / "r2")
    counts = []
    for _ in range(4):  # the same release again and again: nothing added or dropped
        old = load_state(tmp_path)
        assert old is not None
        run = detect_release(ctx, paths, old)
        finalize_run(ctx, run)
        save_state(tmp_path, run.state, "r2")
        counts.append({k: len(v) for k, v in _meta(tmp_path)["tables"].items()})
    assert counts[1] == counts[0] and counts[3] == counts[0]
    assert len(os.listdir(state_dir(tmp_path))) == 1 + sum(2 * n - 1 for n in counts[0].values())
    monkeypatch.setattr(feed_state, "MAX_LAYERS", 3)
    seen = []
    for k in range(3, 7):  # different releases, deltas well under the share: capped at 3 layers
        paths = _write_release(_release2(lines, seed=k), tmp_path / f"r{k}")
        old = load_state(tmp_path)
        assert old is not None
        run = detect_release(ctx, paths, old)
        finalize_run(ctx, run)
        save_state(tmp_path, run.state, f"r{k}", share=100.0)
        seen.append(len(_meta(tmp_path)["tables"]["candidates"]))
    assert max(seen) == 3 and 1 in seen, seen
    again = load_state(tmp_path)
    assert again is not None
    _same_tables(again, run.state)


def test_a_file_is_never_written_through_a_link(tmp_path: Path) -> None:
    live = tmp_path / "live.arrow"
    pl.DataFrame({"a": [1, 2]}).write_ipc(live)
    os.link(live, tmp_path / "new.arrow")
    feed_state._write(pl.DataFrame({"a": [3]}), tmp_path / "new.arrow")
    assert pl.read_ipc(live)["a"].to_list() == [1, 2]
    assert pl.read_ipc(tmp_path / "new.arrow")["a"].to_list() == [3]


def test_the_context_fingerprint_follows_what_the_company_index_is_built_from() -> None:
    """The fingerprint hashes the accounts and aliases the index is built from (not the index's key
    pairs, a Python loop over every account): a change to either means a full run."""
    from jobshift.domain.matching.companies import Alias
    from jobshift.engine.batches import ACCOUNT_ICP_SCHEMA, ACCOUNT_SCHEMA, CONTACT_SCHEMA
    from jobshift.engine.context import DetectContext
    from jobshift.engine.incremental import context_fingerprint

    row = {"account_id": "a1", "name": "Acme Corp", "domain": "acme.com", "linkedin_norm": "acme"}
    accounts = pl.DataFrame([row], schema={**ACCOUNT_SCHEMA, **ACCOUNT_ICP_SCHEMA})
    contacts = pl.DataFrame(schema=CONTACT_SCHEMA)

    def fp(acc: pl.DataFrame, aliases: list[Alias]) -> str:
        return context_fingerprint(DetectContext.build(contacts, acc, iter(aliases)))

    same = fp(accounts, [Alias("a1", "Acme Labs")])
    assert fp(accounts, [Alias("a1", "Acme Labs")]) == same
    assert fp(accounts, []) != same
    assert fp(accounts, [Alias("a1", "Acme Labs", "acmelabs.io")]) != same
    other = accounts.with_columns(pl.lit("acme-corp").alias("linkedin_norm"))
    assert fp(other, [Alias("a1", "Acme Labs")]) != same
