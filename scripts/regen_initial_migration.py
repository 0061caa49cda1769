"""Regenerate migration 0001 from ``jobshift.store.schema`` (only while nothing has been released).

Usage: .venv/bin/python scripts/regen_initial_migration.py
Once a release exists, add a new revision instead (alembic revision --autogenerate).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from jobshift.store.engine import MIGRATIONS_DIR

target = MIGRATIONS_DIR / "versions" / "0001_initial_schema.py"
target.unlink(missing_ok=True)
with tempfile.TemporaryDirectory() as d:
    eng = create_engine(f"sqlite:///{Path(d) / 'mig.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
print(f"wrote {target}")
