"""The signals table: idempotent upserts, detected_at kept, older observations never win (both backends)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jobshift.store import Store
from jobshift.store import signals as sig


def _row(sid: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "signal_id": sid,
        "type": "job_change",
        "contact_id": "c-1",
        "person_key": "pdl:p-1",
        "matched_account_id": "a-2",
        "observed_at": "2026-11-01",
        "confidence": 0.9,
        "evidence": {"identity": "linkedin"},
        "status": "new",
    }
    base.update(kw)
    return base


def test_upsert_is_idempotent_and_keeps_detected_at(store: Store) -> None:
    t1, t2 = datetime(2026, 11, 2, 10), datetime(2026, 11, 9, 10)
    with store.begin() as conn:
        assert sig.upsert_signals(conn, [_row("s1"), _row("s2", contact_id="c-2")], t1)["inserted"] == 2
    with store.begin() as conn:
        assert sig.upsert_signals(conn, [_row("s1"), _row("s2", contact_id="c-2")], t2) == {
            "inserted": 0,
            "updated": 0,
            "unchanged": 2,
        }
    with store.begin() as conn:
        counts = sig.upsert_signals(conn, [_row("s1", observed_at="2026-11-08", confidence=0.95)], t2)
        assert counts["updated"] == 1
        # an older observation never overrides the newer one
        counts = sig.upsert_signals(conn, [_row("s1", observed_at="2026-10-01", confidence=0.1)], t2)
        assert counts == {"inserted": 0, "updated": 0, "unchanged": 1}
    with store.connect() as conn:
        rows = {r["signal_id"]: r for r in sig.iter_signals(conn)}
    assert rows["s1"]["detected_at"] == t1
    assert rows["s1"]["observed_at"] == "2026-11-08" and rows["s1"]["confidence"] == 0.95
    assert rows["s1"]["evidence"] == {"identity": "linkedin"}


def test_pushed_status_is_kept(store: Store) -> None:
    t = datetime(2026, 11, 2)
    with store.begin() as conn:
        sig.upsert_signals(conn, [_row("s1")], t)
        conn.execute(sig.signals.update().values(status="pushed", lead_id="l-1"))
        sig.upsert_signals(conn, [_row("s1", observed_at="2026-12-01", status="suppressed:too_old")], t)
    with store.connect() as conn:
        (row,) = list(sig.iter_signals(conn))
    assert row["status"] == "pushed" and row["observed_at"] == "2026-12-01"


def test_newest_per_subject_and_counts(store: Store) -> None:
    with store.begin() as conn:
        sig.upsert_signals(conn, [_row("old", job_started_date="2026-01")], datetime(2026, 1, 5))
        sig.upsert_signals(conn, [_row("new", job_started_date="2026-02")], datetime(2026, 2, 5))
        sig.upsert_signals(
            conn,
            [
                _row(
                    "other",
                    contact_id="c-9",
                    type="left_company",
                    matched_account_id=None,
                    status="suppressed:too_old",
                )
            ],
            datetime(2026, 2, 5),
        )
        counts = sig.count_by_type_status(conn)
        rows = sig.newest_per_subject(sig.iter_signals(conn))
    assert [r["signal_id"] for r in rows] == ["new", "other"]
    assert counts == {"job_change": {"new": 2}, "left_company": {"suppressed:too_old": 1}}


def test_aliases_roundtrip(store: Store) -> None:
    with store.begin() as conn:
        sig.add_alias(conn, "a-1", name="Acme Holdings", domain="acme-holdings.com")
        (alias,) = sig.list_aliases(conn)
    assert alias["account_id"] == "a-1" and alias["alias_domain"] == "acme-holdings.com"
