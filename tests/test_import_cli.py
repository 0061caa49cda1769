"""The ``jobshift import`` command: summaries, ``--json``, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crm_files import write_crm_files
from jobshift.cli.main import main


def test_import_all_json(backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = write_crm_files(tmp_path / "crm")
    assert main(["-w", str(backend_workspace), "import", "all", str(d), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["object"] for r in out][:2] == ["users", "accounts"]
    assert sum(r["inserted"] for r in out) == 13


def test_import_table_output(
    backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "contacts.csv"
    f.write_text("id,account_id,last_name\nc-1,a-9,Doe\nc-2,,\n")
    assert main(["-w", str(backend_workspace), "import", "contacts", str(f)]) == 0
    captured = capsys.readouterr()
    assert "contacts.csv → contacts" in captured.out and "quarantined" in captured.out
    assert "account_id not found in accounts" in captured.err
    assert "1 bad rows quarantined" in captured.err


def test_unreadable_file_exits_1_and_imports_nothing(
    backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "contacts.csv"
    f.write_text("id,first_name\nc-1,Jane\n")
    assert main(["-w", str(backend_workspace), "import", "contacts", str(f)]) == 1
    err = capsys.readouterr().err
    assert "last_name" in err and len(err.strip().splitlines()) == 1
    assert main(["-w", str(backend_workspace), "import", "contacts", str(tmp_path / "missing.csv")]) == 1
    out_file = tmp_path / "out.jsonl"
    assert (
        main(
            ["-w", str(backend_workspace), "export", "contacts", "--format", "jsonl", "--out", str(out_file)]
        )
        == 0
    )
    assert out_file.read_text() == ""


def test_unknown_object_is_a_usage_error(backend_workspace: Path, tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("id\n1\n")
    assert main(["-w", str(backend_workspace), "import", "widgets", str(f)]) == 2
