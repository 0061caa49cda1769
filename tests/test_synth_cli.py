"""``jobshift generate``, ``jobshift demo`` and the demo loader on both database backends."""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

from jobshift.cli.main import main
from jobshift.services.admin.demo import load_demo
from jobshift.services.workspace import init_workspace
from jobshift.store.schema import accounts, contacts, people_observations


def test_generate_command_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "data"
    assert main(["generate", "--out", str(out), "--seed", "5", "--scale", "0.02", "--json"]) == 0
    manifest = orjson.loads(capsys.readouterr().out)
    assert manifest["seed"] == 5 and manifest["counts"]["accounts"] == 40
    assert (out / "people.jsonl").stat().st_size > 0
    assert orjson.loads((out / "manifest.json").read_bytes()) == manifest


def test_generate_command_people_format_and_bad_scale(tmp_path: Path) -> None:
    assert (
        main(["generate", "--out", str(tmp_path / "p"), "--scale", "0.02", "--people-format", "parquet"]) == 0
    )
    assert (tmp_path / "p" / "people.parquet").is_file() and not (tmp_path / "p" / "people.jsonl").exists()
    assert main(["generate", "--out", str(tmp_path / "x"), "--scale", "0"]) == 2
    assert main(["generate", "--out", str(tmp_path / "x"), "--people-format", "xml"]) == 2
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_load_demo_imports_and_ingests_idempotently(backend_workspace: Path) -> None:
    ws, _ = init_workspace(backend_workspace)
    try:
        report = load_demo(ws, seed=3, scale=0.02)
        manifest = report.manifest
        assert report.steps["ingest"]["inserted"] == manifest["counts"]["people"]
        assert report.steps["ingest"]["quarantined"] == 0
        assert all(c["quarantined"] == 0 for c in report.steps["import"].values())
        with ws.store.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(accounts)) == manifest["counts"]["accounts"]
            assert conn.scalar(select(func.count()).select_from(contacts)) == manifest["counts"]["contacts"]
            n_obs = conn.scalar(select(func.count()).select_from(people_observations))
        data = Path(report.data_dir)
        before = hashlib.sha256((data / "people.jsonl").read_bytes()).hexdigest()
        again = load_demo(ws, seed=3, scale=0.02)
        assert hashlib.sha256((data / "people.jsonl").read_bytes()).hexdigest() == before
        assert "import" in again.skipped and "import" not in again.steps  # loaded once, kept
        assert again.steps["push"]["applied"]["created"] == 0  # nothing pushed twice
        with ws.store.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(contacts)) == manifest["counts"]["contacts"]
        with ws.store.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(people_observations)) == n_obs
        assert any("serve" in c for c in report.next_commands)
    finally:
        ws.close()


def test_demo_command_without_serving(workspace_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = workspace_env / "tour"
    assert main(["demo", str(target), "--seed", "2", "--scale", "0.02", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert "imported contacts.csv" in out and "ingested people" in out and "Next:" in out
    assert (target / "jobshift.toml").is_file() and (target / "demo-data" / "truth.jsonl").is_file()


def test_init_demo_uses_the_loader(
    workspace_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from functools import partial

    from jobshift.cli import cmd_demo

    monkeypatch.setattr(cmd_demo, "load_demo", partial(cmd_demo.load_demo, scale=0.02))
    target = workspace_env / "w"
    assert main(["init", str(target), "--demo", "--seed", "4"]) == 0
    assert "ingested people" in capsys.readouterr().out


def test_demo_honours_w_and_its_notify_suggestion_shows_results(
    workspace_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``jobshift -w DIR demo`` writes DIR (not ./demo-workspace); the suggested notify command plans the
    demo's leads (they were pushed today: the send day is tomorrow)."""
    import json
    import shlex

    target = workspace_env / "via-w"
    monkeypatch.chdir(workspace_env)
    assert main(["-w", str(target), "demo", "--seed", "2", "--scale", "0.02", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (target / "jobshift.toml").is_file() and not (workspace_env / "demo-workspace").exists()
    cmd = next(c for c in report["next_commands"] if " notify " in c)
    args = [*shlex.split(cmd)[1:], "--json"]
    assert "--date" in args and main(args) == 0
    planned = json.loads(capsys.readouterr().out)["planned"]
    assert planned["leads"] > 0 and sum(planned["fired"].values()) > 0
