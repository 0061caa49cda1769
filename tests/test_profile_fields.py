"""PROFILE_FIELDS lists every top-level field the profile converter reads (readers project on it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import orjson

from jobshift.domain.profiles import PROFILE_FIELDS, ProfileError, profile_to_row

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_detect_data.py"


class Recording(dict[str, Any]):
    """A profile dict that records which top-level keys were looked up."""

    seen: set[str]

    def __init__(self, *a: Any) -> None:
        super().__init__(*a)
        self.seen = set()

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return super().__contains__(key)


def _records(tmp_path: Path) -> list[dict[str, Any]]:
    spec = importlib.util.spec_from_file_location("bench_detect_data", BENCH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from jobshift.services.workspace import init_workspace

    ws, _ = init_workspace(tmp_path / "ws")
    ws.close()
    mod.build(tmp_path / "ws" / "jobshift.db", tmp_path / "p.jsonl", 200, 300)
    recs = [orjson.loads(x) for x in (tmp_path / "p.jsonl").read_bytes().splitlines()]
    odd = {
        "id": 7,
        "observed_at": "2026-01",
        "personal_emails": "a@b.com",
        "emails": [{"address": "x@y.org", "type": "personal"}, "z@w.net"],
        "job_title_levels": ["senior"],
        "job_title_role": "engineering",
        "job_company_linkedin_url": "linkedin.com/company/acme",
        "job_company_location_country": "us",
        "job_company_location_region": "ca",
        "location_country": "us",
        "location_region": "ca",
        "full_name": "Ann Lee",
        "unknown_field": {"a": 1},
    }
    return [*recs, odd, {"observed_at": None}, {"observed_at": "2026-01-01", "full_name": "x"}]


def test_converter_reads_only_profile_fields(tmp_path: Path) -> None:
    seen: set[str] = set()
    for rec in _records(tmp_path):
        r = Recording(rec)
        try:
            full = profile_to_row(r)
        except ProfileError:
            full = None
        seen |= r.seen
        projected = {k: v for k, v in rec.items() if k in PROFILE_FIELDS}
        try:
            assert profile_to_row(projected) == full
        except ProfileError:
            assert full is None
    assert seen <= set(PROFILE_FIELDS), seen - set(PROFILE_FIELDS)
    assert len(seen) >= 15  # the recording saw the converter's reads
