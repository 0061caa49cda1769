"""The quick subset of the fault-injection suite (``scripts/chaos.py``): ``kill -9`` in the middle of
``import all`` and of ``push`` on SQLite and PostgreSQL, then the same state as an uninterrupted run and a
healthy ``doctor``. The full suite: ``.venv/bin/python scripts/chaos.py`` (every step, both backends)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

import pytest

from conftest import PG_AVAILABLE, REQUIRE_PG

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "chaos.py"


def _chaos() -> object:
    spec = importlib.util.spec_from_file_location("chaos", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["chaos"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.chaos
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_kill_9_mid_import_and_mid_push_changes_nothing(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend == "postgresql" and not PG_AVAILABLE:
        if REQUIRE_PG:
            pytest.fail("PostgreSQL required")
        pytest.skip("PostgreSQL not reachable")
    for k in [k for k in os.environ if k.startswith("JOBSHIFT_") and k != "JOBSHIFT_TEST_PG_URL"]:
        monkeypatch.delenv(k)
    chaos = _chaos()
    args = argparse.Namespace(trials=1, scale=0.1, seed=5, backend=backend, steps="import,push")
    report = chaos.run(args)  # type: ignore[attr-defined]
    assert report["faults_injected"] >= 1, report["trials"]
    bad = [t for t in report["trials"] if not t["ok"]]
    assert not bad, bad
