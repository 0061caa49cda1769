"""Reading a ``jobshift generate`` directory, for the loaders that put a generated company into a fake CRM."""

from __future__ import annotations

import csv
from pathlib import Path


def company_rows(gen_dir: Path, obj: str) -> list[dict[str, str]]:
    """The rows of ``<gen_dir>/<obj>.csv`` as dicts (empty when the file is not there)."""
    path = gen_dir / f"{obj}.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
