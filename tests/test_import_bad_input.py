"""Bad input never loses rows in silence: unterminated quotes, NULs, encodings, blank lines, e-mails.

Each test imports through the CLI or the service on SQLite and PostgreSQL and checks that every data
line is either imported or quarantined with its line(s), reason and whole raw text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from jobshift.cli.main import main
from jobshift.services.importing import import_file
from jobshift.services.workspace import Workspace
from jobshift.store.quarantine import list_quarantined
from jobshift.store.schema import CRM_TABLES


@pytest.fixture
def ws(backend_workspace: Path) -> Iterator[Workspace]:
    w = Workspace.open(backend_workspace)
    yield w
    w.close()


def ids(ws: Workspace, table: str = "contacts") -> list[str]:
    t = CRM_TABLES[table]
    with ws.store.connect() as conn:
        return [r[0] for r in conn.execute(select(t.c.id).order_by(t.c.id))]


def quarantined(ws: Workspace, run_id: int | None) -> list[dict]:  # type: ignore[type-arg]
    with ws.store.connect() as conn:
        return list_quarantined(conn, run_id=run_id)


@pytest.mark.parametrize("parallel", [False, True])
def test_an_unterminated_quote_loses_only_its_own_line(
    backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], parallel: bool
) -> None:
    (backend_workspace / "jobshift.toml").write_text(f"[import]\nparallel = {str(parallel).lower()}\n")
    f = tmp_path / "contacts.csv"
    good = "".join(f"c-{i:04d},Name{i},VP\n" for i in range(1, 3001))
    f.write_text('id,last_name,title\nc-0000,"Doe,CTO\n' + good)
    assert main(["-w", str(backend_workspace), "import", "contacts", str(f), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)[0]
    assert (report["read"], report["inserted"], report["quarantined"]) == (3001, 3000, 1)
    w = Workspace.open(backend_workspace)
    try:
        assert len(ids(w)) == 3000
        (q,) = quarantined(w, report["run_id"])
    finally:
        w.close()
    assert q["line"] == 2 and q["raw"] == 'c-0000,"Doe,CTO'
    assert q["reason"] == "unterminated quote: line 2 skipped, reading resumed at line 3"


def test_a_runaway_quote_spanning_lines_is_quarantined_with_its_range(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_text(
        "id,last_name,title\n"
        'c-1,"Doe,CTO\n'  # line 2: the quote opens here and runs to line 5
        "c-2,Roe\n"  # line 3: does not parse as a record (2 fields): part of the quarantined range
        "c-3,Poe,VP\n"
        'c-4,"multi\nline",ok\n'
    )
    r = import_file(ws, "contacts", f)
    assert ids(ws) == ["c-3", "c-4"]
    (q,) = quarantined(ws, r.run_id)
    assert (q["line"], r.read, r.quarantined) == (2, 3, 1)
    assert q["reason"] == "unterminated quote: lines 2-3 skipped, reading resumed at line 4"
    assert q["raw"] == 'c-1,"Doe,CTO\nc-2,Roe'
