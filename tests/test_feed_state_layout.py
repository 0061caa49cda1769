"""The incremental feed state on disk (format 3): atomic replacement, old formats refused, the
normalization memo it carries (and that using it keeps the signals of a full run), GC paused."""

from __future__ import annotations

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
from jobshift.engine.incremental import STATE_VERSION, detect_release, finalize_run, gc_paused
from jobshift.services.detect.feed_state import load_state, save_state, state_dir
from test_feed_incremental import _full, _release2, _write_release, base  # noqa: F401


def _clear_caches() -> None:
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
        assert seen["host"] == {"www.shop.example.co.uk": "example.co.uk"}  # keyed by host
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
    (d / "meta.json").write_text(json.dumps({"version": STATE_VERSION - 1}), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_state(tmp_path) is None
    assert f"format version {STATE_VERSION - 1}" in caplog.text
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
