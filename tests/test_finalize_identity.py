"""The vectorized decision for contacts with one name candidate agrees with ``choose_identity``."""

from __future__ import annotations

import random
from typing import Any

import polars as pl

from jobshift.domain.matching.identity import IdentityCandidate, choose_identity
from jobshift.engine.finalize import _decide_single


def test_single_name_candidates_are_decided_as_choose_identity_decides() -> None:
    rng = random.Random(3)
    rows: list[dict[str, Any]] = [
        {
            "contact_id": f"c-{i}",
            "person_key": f"p-{i}",
            "observed_at": "2026-11-01",
            "name_score": rng.choice([100.0, 95.5, 90.0, 89.99, 72.3, 93.3333]),
            "history_ok": rng.choice([True, False, None]),
        }
        for i in range(300)
    ]
    got = {
        r["contact_id"]: (r["outcome"], r["id_conf"])
        for r in _decide_single(pl.DataFrame(rows), 90.0).iter_rows(named=True)
    }
    expected: dict[str, tuple[str, float]] = {}
    for r in rows:
        cand = IdentityCandidate(
            r["person_key"], r["observed_at"], "name", r["name_score"], bool(r["history_ok"])
        )
        dec = choose_identity([cand], 90.0)
        if dec.candidate is not None:
            expected[r["contact_id"]] = (dec.outcome, dec.confidence)
    assert got == expected
    assert {o for o, _ in got.values()} == {"matched", "uncertain"} and len(got) < len(rows)
