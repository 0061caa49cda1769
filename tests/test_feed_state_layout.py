"""The incremental feed state on disk (format 5): atomic replacement, old formats refused, the
normalization memo it carries (bounded; using it keeps the signals of a full run), GC paused."""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
from pathlib import Path

import polars as pl
import pytest

from feed_kit import detect_context
from jobshift.domain.normalize.companies import normalize_company_name
from jobshift.domain.normalize.domains import _registrable, normalize_domain
from jobshift.domain.normalize.memo import warm
from jobshift.domain.profile_parts import _COMPANIES, _JOB_COMPANIES
from jobshift.engine.incremental import STATE_VERSION, detect_release, finalize_run, gc_paused
from jobshift.services.detect.feed_state import load_state, save_state, state_dir
from test_feed_incremental import _full, _release2, _write_release, base  # noqa: F401


def _clear_caches() -> None:
    """As a fresh process: the normalizers' caches and the company caches above them are empty (a text
    reached through a warm cache is not looked up in the memo, so it is not marked as used)."""
    _COMPANIES.clear()
    _JOB_COMPANIES.clear()
    normalize_domain.cache_clear()
    _registrable.cache_clear()
    normalize_company_name.cache_clear()


def test_warm_lends_known_results_and_records_new_ones() -> None:
    _clear_caches()
    try:
        with warm({"host": {"shop.acme.com": "other.example"}}) as seen:
            assert normalize_domain("shop.acme.com") == "other.example"  # the lent result, not computed
            assert normalize_domain("https://www.shop.example.co.uk/a") == "example.co.uk"
            assert normalize_company_name("The ACME Corporation, Inc.") == "acme"
            assert normalize_domain("jane@SHOP.acme.com") == "other.example"  # by host: lent too
        # keyed by host; a lent result is recorded as used
        assert seen["host"] == {"shop.acme.com": "other.example", "www.shop.example.co.uk": "example.co.uk"}
        assert seen["company"] == {"The ACME Corporation, Inc.": "acme"}
        _clear_caches()
        assert normalize_domain("shop.acme.com") == "acme.com"  # nothing lent outside the block
    finally:
        _clear_caches()


def test_memo_from_the_state_gives_the_full_runs_signals(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run1 = detect_release(ctx, _write_release(lines, tmp_path / "r1"), None)
    finalize_run(ctx, run1)
    assert run1.state.norm.height > 100  # the first run recorded the company texts it normalized
    save_state(tmp_path, run1.state, "r1")
    old = load_state(tmp_path)
    assert old is not None and old.norm.sort(["fn", "raw"]).equals(run1.state.norm.sort(["fn", "raw"]))
    p2 = _write_release(_release2(lines), tmp_path / "r2")
    _clear_caches()  # as a fresh process: only the memo knows the earlier results
    run2 = detect_release(ctx, p2, old)
    assert run2.stats["mode"] == "incremental" and run2.stats["memo_known"] == old.norm.height
    assert finalize_run(ctx, run2).signals.sort("signal_id").equals(_full(ctx, p2))
    # the new memo keeps the old texts and adds the release's new ones ("Newco Labs")
    raws = set(run2.state.norm.get_column("raw").to_list())
    assert set(old.norm.get_column("raw").to_list()) <= raws and "Newco Labs" in raws


def test_the_memo_keeps_the_most_recently_used_texts_within_its_bound(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run1 = detect_release(ctx, _write_release(lines, tmp_path / "r1"), None)
    assert set(run1.state.norm.get_column("gen").to_list()) == {1}
    p2 = _write_release(_release2(lines), tmp_path / "r2")
    _clear_caches()
    used = detect_release(ctx, p2, run1.state).state.norm.filter(pl.col("gen") == 2)  # unbounded
    assert used.height and "Newco Labs" in used.get_column("raw").to_list()
    limit = used.height + 5  # this run's texts and 5 of the older ones
    assert run1.state.norm.join(used, on=["fn", "raw"], how="anti").height >= 5  # older, unused texts
    _clear_caches()
    run2 = detect_release(ctx, p2, run1.state, memo_rows=limit)
    norm = run2.state.norm
    assert norm.height == limit
    gens = norm.get_column("gen").to_list()
    assert gens == sorted(gens, reverse=True) and gens[0] == 2 and gens[-1] == 1  # recent first
    mine = norm.filter(pl.col("gen") == 2)
    assert mine.join(used, on=["fn", "raw"], how="anti").height == 0  # texts this run used
    assert finalize_run(ctx, run2).signals.sort("signal_id").equals(_full(ctx, p2))
    # a text dropped from the memo is normalized again when met: still the full run's signals
    _clear_caches()
    run3 = detect_release(ctx, p2, dataclasses.replace(run2.state), memo_rows=limit)
    assert run3.state.norm.height == limit
    assert finalize_run(ctx, run3).signals.sort("signal_id").equals(_full(ctx, p2))


def test_unchanged_contacts_are_linked_and_a_rerun_is_idempotent(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run1 = detect_release(ctx, _write_release(lines, tmp_path / "r1"), None)
    finalize_run(ctx, run1)
    save_state(tmp_path, run1.state, "r1")
    ino = (state_dir(tmp_path) / "contacts.g0.arrow").stat().st_ino
    p2 = _write_release(_release2(lines), tmp_path / "r2")
    old = load_state(tmp_path)
    assert old is not None
    run2 = detect_release(ctx, p2, old)
    sig2 = finalize_run(ctx, run2).signals.sort("signal_id")
    assert "contacts" in run2.state.edits and run2.state.edits["contacts"] is None
    save_state(tmp_path, run2.state, "r2")
    d = state_dir(tmp_path)
    assert (d / "contacts.g0.arrow").stat().st_ino == ino  # linked from the previous state, not written
    assert not list(tmp_path.glob("feed_state.*"))  # no temporary or old directory left
    again = load_state(tmp_path)
    assert again is not None and again.contacts.equals(run1.state.contacts)
    # the same release again over its own state: nothing detected again, the same signals and state
    run3 = detect_release(ctx, p2, again)
    assert run3.stats["people_detected"] == 0
    assert finalize_run(ctx, run3).signals.sort("signal_id").equals(sig2)
    assert sig2.equals(_full(ctx, p2))
    for name in ("rows", "links"):
        key = ["fp"] if name == "rows" else ["person_key", "h"]
        assert getattr(run3.state, name).sort(key).equals(getattr(again, name).sort(key))
    save_state(tmp_path, run3.state, "r2 again")
    assert (d / "contacts.g0.arrow").stat().st_ino == ino


def test_a_crash_mid_write_leaves_the_previous_state(
    base: tuple[Path, list[bytes]],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws_dir, lines = base
    ctx = detect_context(ws_dir)
    run = detect_release(ctx, _write_release(lines[:300], tmp_path / "r1"), None)
    finalize_run(ctx, run)
    save_state(tmp_path, run.state, "r1")
    before = load_state(tmp_path)
    assert before is not None
    real = pl.DataFrame.write_ipc
    calls = []

    def dies_on_the_fourth(self: pl.DataFrame, file: Path, **kw: object) -> None:
        calls.append(file)
        if len(calls) == 4:
            raise OSError("disk full")
        real(self, file, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.DataFrame, "write_ipc", dies_on_the_fourth)
    with pytest.raises(OSError, match="disk full"):
        save_state(tmp_path, run.state, "r2")
    monkeypatch.undo()
    after = load_state(tmp_path)
    assert after is not None
    assert after.rows.equals(before.rows) and after.links.equals(before.links)
    meta = json.loads((state_dir(tmp_path) / "meta.json").read_text(encoding="utf-8"))
    assert meta["feed"] == "r1"
    save_state(tmp_path, run.state, "r3")  # the half-written directory does not block the next write
    assert json.loads((state_dir(tmp_path) / "meta.json").read_text(encoding="utf-8"))["feed"] == "r3"


def test_a_state_of_another_format_is_refused_with_a_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    d = state_dir(tmp_path)
    d.mkdir()
    (d / "meta.json").write_text(json.dumps({"version": STATE_VERSION - 2}), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_state(tmp_path) is None
    assert f"format version {STATE_VERSION - 2}" in caplog.text
    assert load_state(tmp_path / "none") is None  # no state yet: no warning needed


def test_gc_paused_restores_the_collector() -> None:
    seen = []

    @gc_paused
    def boom() -> None:
        seen.append(gc.isenabled())
        raise ValueError("x")

    assert gc.isenabled()
    with pytest.raises(ValueError):
        boom()
    assert seen == [False] and gc.isenabled()
