"""Start-up cost of the ``jobshift`` CLI: a command loads only the modules it uses.

Each check runs in a fresh interpreter and reads ``sys.modules`` afterwards: importing the CLI or
printing ``--help`` loads no service at all, and ``import``/``ingest`` load only their own path (no
Salesforce, People Data Labs, HTTP client, web app, auth, scorecard, generator or Dask modules).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson

HEAVY = (
    "simple_salesforce",
    "httpx",
    "argon2",
    "jwt",
    "fastapi",
    "dask",
    "jobshift.connectors.people.pdl",
    "jobshift.connectors.crm.salesforce",
    "jobshift.services.ingest.enriching",
    "jobshift.services.crm.salesforce_sync",
    "jobshift.services.admin.auth",
    "jobshift.services.admin.demo",
    "jobshift.services.scorecard.scorecard",
    "jobshift.services.scorecard.scorecard_email",
    "jobshift.services.scorecard.scorecard_weekly",
    "jobshift.services.detect.detecting",
    "jobshift.services.admin.serving",
    "jobshift.engine",
    "jobshift.notify",
    "jobshift.synth",
    "jobshift.web",
)
"""Modules (and their submodules) that neither the bare CLI nor ``import``/``ingest`` may load."""

NOT_AT_IMPORT = (
    *HEAVY,
    "jobshift.services",
    "jobshift.store",
    "jobshift.connectors",
    "jobshift.config",
    "sqlalchemy",
    "pyarrow",
    "polars",
)
"""Modules that importing ``jobshift.cli.main`` or printing ``--help`` must not load."""

_RUN = """
import sys
from pathlib import Path
from jobshift.cli.main import main
rc = main(sys.argv[2:]) if len(sys.argv) > 2 else 0
Path(sys.argv[1]).write_text("\\n".join(sorted(sys.modules)))
sys.exit(rc)
"""


def _loaded(out: Path, *argv: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``main(argv)`` in a fresh interpreter; return the process and the modules it had loaded."""
    modules = out / "modules.txt"
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, str(modules), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc, set(modules.read_text().splitlines())


def forbidden(modules: set[str], banned: tuple[str, ...]) -> list[str]:
    """The modules of ``modules`` that are in ``banned`` or inside one of its packages."""
    return sorted(m for m in modules if any(m == b or m.startswith(b + ".") for b in banned))


def test_the_check_catches_a_heavy_module() -> None:
    loaded = {"typer", "jobshift.cli.main", "jobshift.services.ingest.enriching", "httpx._client", "httpxx"}
    assert forbidden(loaded, HEAVY) == ["httpx._client", "jobshift.services.ingest.enriching"]
    assert forbidden({"jobshift.store.engine", "jobshift.storehouse"}, NOT_AT_IMPORT) == [
        "jobshift.store.engine"
    ]


def test_importing_the_cli_loads_no_service(tmp_path: Path) -> None:
    proc, loaded = _loaded(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "jobshift.cli.main" in loaded and "jobshift.cli.cmd_import" in loaded
    assert forbidden(loaded, NOT_AT_IMPORT) == []


def test_help_loads_no_service(tmp_path: Path) -> None:
    proc, loaded = _loaded(tmp_path, "--help")
    assert proc.returncode == 0, proc.stderr
    for command in ("import", "ingest", "crm", "enrich", "serve", "scorecard", "generate", "schedule"):
        assert command in proc.stdout
    assert forbidden(loaded, NOT_AT_IMPORT) == []


def test_import_contacts_loads_only_the_import_path(backend_workspace: Path, tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_text("id,account_id,last_name,email\nc-1,,Doe,jane@acme.com\n")
    proc, loaded = _loaded(tmp_path, "-w", str(backend_workspace), "import", "contacts", str(f), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["inserted"] == 1
    assert "jobshift.services.ingest.importing" in loaded
    assert forbidden(loaded, HEAVY) == []


def test_ingest_people_loads_only_the_ingest_path(backend_workspace: Path, tmp_path: Path) -> None:
    f = tmp_path / "people.jsonl"
    profile = {
        "id": "p-1",
        "linkedin_url": "https://linkedin.com/in/jane-doe/",
        "full_name": "Jane Doe",
        "work_email": "jane@acme.com",
        "job_title": "Director of Sales",
        "job_company_name": "Acme",
        "job_company_website": "acme.com",
        "observed_at": "2026-11-17",
    }
    f.write_bytes(orjson.dumps(profile) + b"\n")
    proc, loaded = _loaded(tmp_path, "-w", str(backend_workspace), "ingest", "people", str(f), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["quarantined"] == 0
    assert "jobshift.services.ingest.ingesting" in loaded
    assert forbidden(loaded, HEAVY) == []
