"""``jobshift track``: cohorts → tracked set, tiers, cap, explain; the tracked-set hook follows it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from jobshift.cli.main import main
from jobshift.services.detect.detecting import build_context
from jobshift.services.detect.tracking import CohortTrackedSet, explain, track
from jobshift.services.workspace import Workspace
from jobshift.store.tracking import tracked_contacts, tracked_contacts_query
from program_data import seed_crm

AS_OF = date(2026, 11, 17)


def _ws(path: Path, toml: str = "") -> Workspace:
    (path / "jobshift.toml").write_text(toml)
    ws = Workspace.open(path)
    seed_crm(ws.store)
    return ws


def test_track_fills_cohorts_in_priority_order_with_tiers(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    with ws.store.connect() as conn:  # before track: every contact with an account
        assert len(conn.execute(tracked_contacts_query(conn)).all()) == 7
    s = track(ws, as_of=AS_OF)
    assert s.tracked == 6 and s.over_cap == 0
    assert [(c["cohort"], c["tracked"]) for c in s.cohorts] == [
        ("closed_won_large", 2),
        ("closed_won_smb_persona", 1),
        ("open_large", 1),
        ("closed_lost", 2),
    ]
    assert [(t["name"], t["contacts"]) for t in s.tiers] == [("tier1", 2), ("tier2", 4)]
    with ws.store.connect() as conn:
        rows = conn.execute(
            select(
                tracked_contacts.c.contact_id, tracked_contacts.c.cohort, tracked_contacts.c.tier
            ).order_by(tracked_contacts.c.position)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("c-1", "closed_won_large", 1),
            ("c-2", "closed_won_large", 1),
            ("c-3", "closed_won_smb_persona", 2),
            ("c-5", "open_large", 2),
            ("c-4", "closed_lost", 2),
            ("c-6", "closed_lost", 2),
        ]
        # the scorecard / web hook now follows the tracked set; detection can take one tier
        assert sorted(r[0] for r in conn.execute(tracked_contacts_query(conn))) == [
            "c-1", "c-2", "c-3", "c-4", "c-5", "c-6"
        ]  # fmt: skip
        assert build_context(conn, ws.config, CohortTrackedSet(), 1).contacts.height == 2
        assert build_context(conn, ws.config, CohortTrackedSet(), None).contacts.height == 6
    again = track(ws, as_of=AS_OF)  # deterministic and idempotent
    assert again.cohorts == s.cohorts and again.tracked == 6
    ws.close()


def test_cap_reports_overflow_and_explain_says_why(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace, "[program]\ntracking_cap = 3\n")
    s = track(ws, as_of=AS_OF)
    assert s.tracked == 3 and s.over_cap == 3
    assert [c["over_cap"] for c in s.cohorts] == [0, 0, 1, 2]
    e = explain(ws, "c-3", as_of=AS_OF)
    assert e["tracked"] and "closed_won_smb_persona" in e["summary"] and "position 3" in e["summary"]
    assert [c["matched"] for c in e["cohorts"]] == [False, True]
    assert "over the cap of 3" in explain(ws, "c-6", as_of=AS_OF)["summary"]
    e7 = explain(ws, "c-7", as_of=AS_OF)
    assert e7["summary"] == "not tracked: no cohort matches"
    assert {c["reason"] for c in e7["cohorts"]} == {
        "no opportunity role",
        "title 'Nobody' does not match the persona",
    }
    ws.close()


def test_track_cli_json_and_explain(backend_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _ws(backend_workspace).close()
    assert main(["-w", str(backend_workspace), "track", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["tracked"] == 6 and out["tiers"][0]["schedule"] == "weekly on Tuesday"
    assert main(["-w", str(backend_workspace), "track", "--explain", "c-4", "--json"]) == 0
    text = capsys.readouterr().out
    assert "closed_lost" in text and "does not match the persona" in text
    assert main(["-w", str(backend_workspace), "track", "--explain", "c-404"]) == 2


@pytest.mark.parametrize(
    ("toml", "path"),
    [
        ('[[cohorts]]\nname = "a"\n[[cohorts]]\nname = "b"\nopportunity_status = "closed"\n',
         "cohorts[1].opportunity_status[0]"),
        ("[tiers.tier1]\ncadence = \"weekly:tuesdays\"\n", "tiers.tier1.cadence"),
        ('[tiers.t1]\ncadence = "weekly:tue"\ncohorts = ["nope"]\n[tiers.t2]\ncadence = "daily"\n',
         "tiers.t1.cohorts"),
        ('[tiers.t1]\ncadence = "weekly:tue"\nsize = 10\n', "tiers.t1"),
        ('[[cohorts]]\nname = "a"\n[[cohorts]]\nname = "a"\n', "cohorts[1].name"),
        ('[[cohorts]]\nname = "a"\nstage_min = 5\nstage_max = 2\n', "cohorts[0]"),
        ("[backfill]\norder = \"random\"\n", "backfill.order"),
    ],
)  # fmt: skip
def test_invalid_cohort_or_cadence_config_exits_2_with_key_path(
    tmp_path: Path, toml: str, path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "jobshift.toml").write_text(toml)
    assert main(["-w", str(tmp_path), "track"]) == 2
    assert f"{path}: " in capsys.readouterr().err


def test_detect_follows_the_tracked_set_once_track_has_run(backend_workspace: Path) -> None:
    from jobshift.errors import UsageError
    from jobshift.services.detect.detecting import AllContactsWithAccount, default_tracked_set, detect

    ws = _ws(backend_workspace, "[program]\ntracking_cap = 3\n")
    with ws.store.connect() as conn:
        assert isinstance(default_tracked_set(conn), AllContactsWithAccount)
    with pytest.raises(UsageError, match="jobshift track"):
        detect(ws, tier=1)
    before = detect(ws).tracked_contacts
    track(ws, as_of=AS_OF)
    with ws.store.connect() as conn:
        assert isinstance(default_tracked_set(conn), CohortTrackedSet)
    assert detect(ws).tracked_contacts == 3 < before  # only what track selected
    assert detect(ws, tier=1).tracked_contacts == 2
    ws.close()
