"""The review queue: uncertain signals resolved by managers and admins (reps 403), confirm → planned
through the outbox at once (the lead created now in store mode), reject → never raised again; audited;
the CLI. Confirming in HubSpot mode queues the outbox row that the next push applies (tests/web/
test_review_push.py)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from jobshift.cli.main import app as cli_app
from jobshift.cli.main import main
from jobshift.services.program.push_plan import pushable_signals
from jobshift.services.workspace import Workspace
from jobshift.store import review as review_store
from jobshift.store.schema import audit_log, signal_reviews, signals
from web.conftest import login
from web.seed import add_uncertain


def _status(ws: Workspace, sid: str) -> str:
    with ws.store.connect() as conn:
        return str(conn.execute(select(signals.c.status).where(signals.c.signal_id == sid)).scalar_one())


def test_reps_may_not_review(client: TestClient, seeded: Workspace) -> None:
    add_uncertain(seeded)
    csrf = login(client, "rep")
    assert client.get("/review").status_code == 403
    assert client.get("/review/s-u1").status_code == 403
    r = client.post("/review/s-u1", data={"decision": "confirm", "csrf_token": csrf})
    assert r.status_code == 403 and _status(seeded, "s-u1") == "uncertain"
    assert 'href="/review"' not in client.get("/").text


def test_manager_sees_the_pair_side_by_side_and_confirms(client: TestClient, seeded: Workspace) -> None:
    add_uncertain(seeded)
    csrf = login(client, "manager")
    home = client.get("/").text
    assert 'data-testid="review-count"' in home and "1 uncertain signal" in home
    queue = client.get("/review").text
    assert "/review/s-u1" in queue and "Bob Stay" in queue
    page = client.get("/review/s-u1").text
    assert "In the CRM" in page and "In the people feed" in page
    assert "Elsewhere Ltd" in page  # the profile's history
    missing = re.search(r'data-testid="missing">(.*?)</p>', page, re.S).group(1)  # type: ignore[union-attr]
    assert "Same LinkedIn" in missing and "OldCo in the profile" in missing
    assert client.post("/review/s-u1", data={"decision": "confirm"}).status_code == 403  # no CSRF
    r = client.post("/review/s-u1", data={"decision": "confirm", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and "done=confirmed" in r.headers["location"]
    assert _status(seeded, "s-u1") == "pushed"  # store mode: the lead exists at once
    with seeded.store.connect() as conn:
        assert "s-u1" not in {s["signal_id"] for s in pushable_signals(conn)}  # planned once
        acts = conn.execute(select(audit_log.c.action, audit_log.c.object)).all()
        assert ("confirm", "signal_reviews") in acts and ("confirm", "signals") in acts
    again = client.post("/review/s-u1", data={"decision": "reject", "csrf_token": csrf})
    assert again.status_code == 409
    # a new detection stores the pair's signal as uncertain again: the confirmation holds
    with seeded.store.begin() as conn:
        conn.execute(
            update(signals).where(signals.c.signal_id == "s-u1").values(status="uncertain", lead_id=None)
        )
        assert review_store.apply_reviews(conn) == {"reject": 0, "confirm": 1}
    assert _status(seeded, "s-u1") == "new"


def test_a_rejected_profile_is_never_raised_again(client: TestClient, seeded: Workspace) -> None:
    add_uncertain(seeded)
    csrf = login(client, "admin")
    client.post("/review/s-u1", data={"decision": "reject", "reason": "other Bob", "csrf_token": csrf})
    assert _status(seeded, "s-u1") == review_store.REJECTED
    add_uncertain(seeded, "s-u2")  # the same profile, a later move: detection stores it uncertain
    add_uncertain(seeded, "s-u3", status="new")  # or even new (a later proof on the same pair)
    with seeded.store.begin() as conn:
        assert review_store.apply_reviews(conn) == {"reject": 2, "confirm": 0}
        assert conn.execute(select(signal_reviews.c.reason)).scalar_one() == "other Bob"
    assert _status(seeded, "s-u2") == _status(seeded, "s-u3") == review_store.REJECTED
    assert "Nothing to review" in client.get("/review").text
    assert 'data-testid="review-count"' not in client.get("/").text


def test_out_of_scope_signal_is_404_for_a_manager(client: TestClient, seeded: Workspace) -> None:
    add_uncertain(seeded)
    with seeded.store.begin() as conn:  # Bob's contact and account leave manager 1's team
        conn.execute(update(signals).where(signals.c.signal_id == "s-u1").values(past_account_id="a-other"))
        from jobshift.store.schema import contacts

        conn.execute(
            update(contacts).where(contacts.c.id == "c-2").values(owner_id="u-bdr2", account_id="a-other")
        )
    login(client, "manager")
    assert client.get("/review/s-u1").status_code == 404
    assert "/review/s-u1" not in client.get("/review").text


def test_cli_lists_confirms_and_rejects(seeded: Workspace) -> None:
    add_uncertain(seeded)
    add_uncertain(seeded, "s-u2")
    run = CliRunner()
    ws = ["-w", str(seeded.path)]
    out = run.invoke(cli_app, [*ws, "review", "list", "--json"])
    assert out.exit_code == 0, out.output
    assert {r["signal_id"] for r in json.loads(out.output)} == {"s-u1", "s-u2"}
    out = run.invoke(cli_app, [*ws, "review", "reject", "s-u1", "--reason", "namesake"])
    assert out.exit_code == 0 and "2 signal(s)" in out.output, out.output  # the whole pair


def test_cli_refuses_what_is_not_uncertain(seeded: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    add_uncertain(seeded, status="pushed")
    ws = ["-w", str(seeded.path)]
    assert main([*ws, "review", "confirm", "s-u1"]) != 0
    assert "not uncertain" in capsys.readouterr().err
    assert main([*ws, "review", "reject", "nope"]) != 0
    assert "no signal nope" in capsys.readouterr().err
