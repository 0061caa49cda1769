"""The bad-input corpus (``tests/data/bad_csv``): every file imports without a traceback, with the exit
code and counts of its manifest, and every non-blank data line is accounted for — imported, quarantined,
or a line inside a record (``read + extra_lines`` = non-blank lines after the header)."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import pytest

from jobshift.cli.main import main
from jobshift.connectors.csv_import.columns import resolve_object
from jobshift.connectors.csv_import.reader import CrmCsvReader
from jobshift.services.workspace import Workspace
from jobshift.store.quarantine import list_quarantined

CORPUS = Path(__file__).parent / "data" / "bad_csv"
MANIFEST: dict[str, dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def test_the_corpus_is_complete() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".txt", ".tsv")}
    assert files == set(MANIFEST) and len(files) >= 100


def nonblank_data_lines(path: Path, encoding: str) -> int:
    """Non-blank physical lines after the header (the first line holding more than separators)."""
    text = path.read_bytes().decode(encoding.split(" ")[0]).lstrip(codecs.BOM_UTF8.decode())
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if line.strip(" \t,;|")), len(lines))
    return sum(1 for line in lines[header + 1 :] if line.strip())


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_each_file_is_accounted_for(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    expected = MANIFEST[name]
    path = CORPUS / name
    code = main(["-w", str(backend_workspace), "import", expected["object"], str(path), "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == expected["exit"], err
    if code:
        assert len(err.strip().splitlines()) == 1 and expected["error"] in err, err
        return
    (report,) = json.loads(out)
    counts = {k: report[k] for k in ("read", "inserted", "quarantined", "encoding", "invalid_emails")}
    assert counts == {k: expected[k] for k in counts}
    assert report["read"] == (
        report["inserted"]
        + report["updated"]
        + report["unchanged"]
        + report["duplicates"]
        + report["quarantined"]
    )
    assert report["read"] + expected["extra_lines"] == nonblank_data_lines(path, report["encoding"])
    for fragment in expected["warnings"]:
        assert any(fragment in w for w in report["warnings"]), (fragment, report["warnings"])
    ws = Workspace.open(backend_workspace)
    try:
        with ws.store.connect() as conn:
            bad = list_quarantined(conn, run_id=report["run_id"], whole=True)
    finally:
        ws.close()
    assert all(q["line"] and q["reason"] and q["raw"] is not None for q in bad)


@pytest.mark.parametrize("name", sorted(n for n, e in MANIFEST.items() if e["exit"] == 0))
def test_both_readers_agree_on_the_corpus(name: str) -> None:
    reader = CrmCsvReader(CORPUS / name, resolve_object(MANIFEST[name]["object"]), batch_size=2)
    try:
        fast = [(b.rows, b.bad, b.read, b.duplicates) for b in reader.batches()]
        slow = [(b.rows, b.bad, b.read, b.duplicates) for b in reader.batches(fast=False)]
    finally:
        reader.close()
    assert fast == slow
