"""Detection honours review decisions: a rejected (contact, profile) pair stays rejected and a confirmed
one keeps its lead (created at confirmation) when detection runs again (end to end on the detection test
data)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobshift.services.browse import reviewing
from jobshift.services.detect.detecting import detect
from jobshift.store import review as review_store
from jobshift.store.schema import runs, signals
from test_detect_engine import ws_with_data  # noqa: F401  (the fixture)


def _c6(ws):  # type: ignore[no-untyped-def]
    with ws.store.connect() as conn:
        return conn.execute(
            select(signals.c.signal_id, signals.c.status).where(signals.c.contact_id == "c-6")
        ).one()


@pytest.mark.parametrize(("decision", "after"), [("reject", review_store.REJECTED), ("confirm", "pushed")])
def test_a_decision_survives_the_next_detection(ws_with_data, decision: str, after: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ws = ws_with_data
    detect(ws)
    sid, status = _c6(ws)
    assert status == "uncertain"
    reviewing.decide(ws, reviewing.CLI_REVIEWER, "cli", sid, decision, "checked")
    assert _c6(ws).status == after
    detect(ws)  # the same profile is detected again (and stored as uncertain by the upsert)
    assert _c6(ws).status == after
    with ws.store.connect() as conn:
        counts = conn.execute(
            select(runs.c.counts).where(runs.c.kind == "detect").order_by(runs.c.id.desc())
        ).scalar()
    if decision == "reject":
        assert counts["review_rejected"] >= 1
    else:  # confirmed: the lead was created at once (store mode) and detection leaves it alone
        assert counts["review_confirmed"] == 0
