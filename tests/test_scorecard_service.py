"""Scorecard on SQLite and PostgreSQL over the hand-built CRM of ``scorecard_data`` (values derived there)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, text

from jobshift.cli.main import main
from jobshift.config import parse_config
from jobshift.services.scorecard.scorecard import compute_scorecard, get_scorecard
from jobshift.store import Store
from jobshift.store.schema import activities, contacts, leads, opportunity_contact_roles
from scorecard_data import load, title_matcher

NOW = datetime(2024, 5, 2)
ONES = dict.fromkeys(
    [
        "contacts_provided",
        "closed_won_contacts_tracked",
        "persona_definition",
        "accounts_provided",
        "icp_definition",
        "filtering",
        "new_title_relevance",
        "new_account_relevance",
        "engagement_rate",
        "days_until_first_activity",
        "number_of_activities",
    ],
    1,
)


def _config(**scorecard: Any) -> Any:
    return parse_config(
        {
            "icp": {"industries": ["Software"], "countries": ["us"], "min_employees": 100},
            "scorecard": {"min_samples": ONES, **scorecard},
        }
    )


def _cats(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["key"]: c for c in payload["categories"]}


@pytest.fixture
def loaded(store: Store) -> Store:
    load(store)
    return store


def test_every_category_on_the_hand_built_crm(loaded: Store) -> None:
    p = compute_scorecard(loaded, _config(), "2024-03", now=NOW, title_matcher=title_matcher)
    c = _cats(p)
    expected = {
        # (3·5/6 + 2·2/2 + 1·1/2) / (3+2+1) = 5/6; s = 1.042 → B
        "contacts_provided": (5 / 6, "B", 10),
        # 5 of the 6 closed-won contacts are tracked (C3 has no account); s = 0.926 → C+
        "closed_won_contacts_tracked": (5 / 6, "C+", 6),
        # C1, C3, C11 match of 6; s = 0.833 → C
        "persona_definition": (0.5, "C", 6),
        # target/ICP, open-opp and customer accounts all present: exactly at benchmark → B
        "accounts_provided": (1.0, "B", 7),
        # customers A1, A4, A6, A7; A1 and A7 match → 0.5 exactly at benchmark → B
        "icp_definition": (0.5, "B", 4),
        # 1 suppressed of 5 March signals = 0.2, lower-is-better exactly at benchmark → B
        "filtering": (0.2, "B", 5),
        # L1, L3 of L1..L5 match → 0.4; s = 0.8 → C (exactly at the C cut-off)
        "new_title_relevance": (0.4, "C", 5),
        # L1 (A5 via ICP) and L4 (target flag, no account) relevant of 5 → 0.4; s = 1.33 → A
        "new_account_relevance": (0.4, "A", 5),
        # window leads L1..L5, L7; contacted L1, L3, L5, L7 → 4/6; s = 1.33 → A
        "engagement_rate": (4 / 6, "A", 6),
        # days 2, 0, 1, 10 → median 1.5; s = 7/1.5 = 4.67 → A+
        "days_until_first_activity": (1.5, "A+", 4),
        # 3 + 1 + 5 + 4 = 13 activities / 6 leads = 2.167; s = 0.722 → C-
        "number_of_activities": (13 / 6, "C-", 6),
    }
    for key, (value, letter, sample) in expected.items():
        assert c[key]["value"] == pytest.approx(value), key
        assert c[key]["grade"] == letter, key
        assert c[key]["sample_size"] == sample, key


def test_drilldowns_name_the_records(loaded: Store) -> None:
    c = _cats(compute_scorecard(loaded, _config(), "2024-03", now=NOW, title_matcher=title_matcher))
    cohorts = {x["cohort"]: x for x in c["contacts_provided"]["drilldown"]["cohorts"]}
    assert (cohorts["closed_lost"]["available"], cohorts["closed_lost"]["would_add"]) == (2, 1)
    won = c["closed_won_contacts_tracked"]["drilldown"]
    assert won["by_reason"] == {"no account": 1}
    assert [r["id"] for r in won["records"]] == ["C3"]
    assert {t["title"] for t in c["persona_definition"]["drilldown"]["unmatched_titles"]} == {
        "Office Manager",
        "Director of IT",
        "Procurement",
    }
    icp = c["icp_definition"]["drilldown"]
    assert icp["by_criterion"] == {"industry": 2, "country": 0, "employees": 0}
    assert sorted(r["id"] for r in icp["records"]) == ["A4", "A6"]
    assert icp["suggestions"]["industry"] == [{"value": "banking", "would_add": 1}]
    assert c["filtering"]["drilldown"]["by_reason"] == {"advisor": 1}
    assert c["new_account_relevance"]["drilldown"]["by_class"] == {
        "customer": 1,
        "open opportunity": 2,
        "relevant": 2,
    }
    eng = c["engagement_rate"]["drilldown"]["uncontacted_by_owner"]
    assert {(r["owner"], r["leads"]) for r in eng} == {("Ann", 1), ("Bob", 1)}
    assert [r["id"] for r in c["number_of_activities"]["drilldown"]["touched_once_leads"]] == ["L3"]


def test_funnel_attribution_and_spend(loaded: Store) -> None:
    p = compute_scorecard(loaded, _config(program_yearly_cost=12000), "2024-03", now=NOW)
    funnel = {s["key"]: s["value"] for s in p["funnel"]}
    # tracked: the 9 contacts with an account; L1..L5 pushed, L1/L3/L5 contacted, L1 had the meeting;
    # O6 (sourced, 2000, won in March) + O3 (assisted, 500)
    assert funnel == {
        "tracked": 9,
        "signals_detected": 5,
        "filtered": 1,
        "leads_pushed": 5,
        "contacted": 3,
        "meeting_held": 1,
        "opportunities": 2,
        "pipeline_amount": 2500,
        "closed_won_amount": 2000,
    }
    a = p["attribution"]
    assert a["sourced"] == {"opportunities": 1, "pipeline": 2000, "won_deals": 1, "won_amount": 2000}
    assert a["assisted"] == {"opportunities": 1, "pipeline": 500, "won_deals": 0, "won_amount": 0}
    # L5: 5 activities on A2 from 03-21, O7 created 03-25 and L5 is not on it
    assert a["suspected"] == {"opportunities": 1, "pipeline": 300, "won_deals": 0, "won_amount": 0}
    assert {(r["opportunity_id"], r["attribution"], tuple(r["leads"])) for r in a["records"]} == {
        ("O6", "sourced", ("L1",)),
        ("O3", "assisted", ("L7",)),
        ("O7", "suspected", ("L5",)),
    }
    # 12000 / 12 = 1000 a month; 2500 / 1000 = 2.5 per 1 (s = 0.25 → F); 1000 / 2 opportunities = 500
    assert p["spend"]["pipeline_to_spend"] == pytest.approx(2.5)
    assert p["spend"]["grade"] == "F"
    assert p["spend"]["cost_per_opportunity"] == pytest.approx(500)


def test_thin_data_is_na_and_missing_persona_is_f(loaded: Store) -> None:
    cfg = parse_config({"persona": {"seniorities": [], "functions": []}})
    c = _cats(compute_scorecard(loaded, cfg, "2024-03", now=NOW))
    # default min sample 10 closed-won contacts; only 6
    assert c["closed_won_contacts_tracked"]["grade"] == "n/a"
    assert "closed-won opp contacts (6 < 10)" in c["closed_won_contacts_tracked"]["reason"]
    cfg = parse_config({"persona": {"seniorities": [], "functions": []}, "scorecard": {"min_samples": ONES}})
    c = _cats(compute_scorecard(loaded, cfg, "2024-03", now=NOW))
    assert c["persona_definition"]["grade"] == "F"
    assert "no persona" in c["persona_definition"]["reason"]
    assert c["icp_definition"]["grade"] == "F"  # no [icp] criteria


def test_tracked_contacts_table_is_used(loaded: Store) -> None:
    with loaded.begin() as conn:
        conn.execute(text("CREATE TABLE tracked_contacts (contact_id VARCHAR(64))"))
        conn.execute(text("INSERT INTO tracked_contacts VALUES ('C1'), ('C11')"))
        conn.execute(delete(opportunity_contact_roles).where(opportunity_contact_roles.c.contact_id == "C12"))
        conn.execute(
            insert(contacts),
            [
                {"id": "C20", "account_id": "A1", "last_name": "x", "email": None, "email_opt_out": False},
                {
                    "id": "C21",
                    "account_id": "A1",
                    "last_name": "y",
                    "email": "y@x.com",
                    "email_opt_out": True,
                },
            ],
        )
        conn.execute(
            insert(opportunity_contact_roles),
            [
                {"opportunity_id": "O1", "contact_id": "C20"},
                {"opportunity_id": "O1", "contact_id": "C21"},
            ],
        )
    c = _cats(compute_scorecard(loaded, _config(), "2024-03", now=NOW, title_matcher=title_matcher))
    won = c["closed_won_contacts_tracked"]
    # closed-won contacts C1 C2 C3 C4 C11 C20 C21; tracked C1, C11 → 2/7
    assert won["value"] == pytest.approx(2 / 7)
    assert won["drilldown"]["by_reason"] == {
        "no account": 1,
        "no email or LinkedIn": 1,
        "not in the tracked set (cohort filter or cap)": 2,
        "opted out": 1,
    }


def test_snapshot_is_reused_until_its_data_changes(loaded: Store) -> None:
    cfg = _config(trend_months=2)
    feb = get_scorecard(loaded, cfg, "2024-02", now=NOW, title_matcher=title_matcher)
    assert feb["source"] == "computed" and not feb["provisional"]
    first = get_scorecard(loaded, cfg, "2024-03", now=NOW, title_matcher=title_matcher)
    assert _cats(first)["engagement_rate"]["trend"] == [
        {
            "month": "2024-02",
            "grade": _cats(feb)["engagement_rate"]["grade"],
            "value": _cats(feb)["engagement_rate"]["value"],
        }
    ]
    same = get_scorecard(loaded, cfg, "2024-03", now=NOW, title_matcher=title_matcher)
    assert same["source"] == "snapshot"
    assert _cats(same)["engagement_rate"]["value"] == pytest.approx(4 / 6)
    with loaded.begin() as conn:
        conn.execute(delete(activities).where(activities.c.who_id == "L3"))
        conn.execute(delete(leads).where(leads.c.id == "L2"))
    fresh = get_scorecard(loaded, cfg, "2024-03", now=NOW, title_matcher=title_matcher)
    assert fresh["source"] == "recomputed"  # its data changed: not frozen until a CLI recompute
    # L2 gone, L3 uncontacted: L1, L5, L7 of L1, L3, L4, L5, L7 → 3/5
    assert _cats(fresh)["engagement_rate"]["value"] == pytest.approx(3 / 5)
    stored = get_scorecard(loaded, cfg, "2024-03", now=NOW, title_matcher=title_matcher)
    assert stored["source"] == "snapshot" and _cats(stored)["engagement_rate"]["value"] == pytest.approx(
        3 / 5
    )
    forced = get_scorecard(loaded, cfg, "2024-03", recompute=True, now=NOW, title_matcher=title_matcher)
    assert forced["source"] == "recomputed"


def test_running_month_is_provisional_and_not_stored(loaded: Store) -> None:
    p = get_scorecard(loaded, _config(), "2024-03", now=datetime(2024, 3, 20), title_matcher=title_matcher)
    assert p["provisional"] is True
    again = get_scorecard(
        loaded, _config(), "2024-03", now=datetime(2024, 3, 21), title_matcher=title_matcher
    )
    assert again["source"] == "computed"


def test_cli_json_and_text(backend_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-w", str(backend_workspace), "init"]) == 0
    from jobshift.services.workspace import Workspace

    ws = Workspace.open(backend_workspace)
    load(ws.store)
    ws.close()
    capsys.readouterr()
    assert main(["-w", str(backend_workspace), "scorecard", "--month", "2024-03", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["month"] == "2024-03" and [c["number"] for c in data["categories"]] == list(range(1, 12))
    assert main(["-w", str(backend_workspace), "scorecard", "--month", "2024-03"]) == 0
    out = capsys.readouterr().out
    assert "Scorecard 2024-03" in out and "Engagement Rate" in out and "Funnel" in out
    # fix texts name config sections; rich markup must not eat "[persona]" / "[icp]"
    from jobshift.cli.cmd_scorecard import render_text

    persona = next(c for c in data["categories"] if c["key"] == "persona_definition")
    persona.update(reason=None, status="graded", at_or_above_benchmark=False, fix="Widen [persona] and [icp]")
    persona["drilldown"] = {"unmatched_titles": [{"title": "[bold]Buyer[/bold]", "contacts": 2}]}
    render_text(data)
    out = capsys.readouterr().out
    assert "[persona]" in out and "[icp]" in out
    assert "[bold]Buyer[/bold]" in out
    assert main(["-w", str(backend_workspace), "scorecard", "--month", "2024-3"]) == 2


def test_filtering_divides_by_job_changes_only(loaded: Store) -> None:
    """New hires and promotions (filtered or not) do not move Filtering: 1 suppressed of 5 job changes."""
    from jobshift.store.schema import signals

    with loaded.begin() as conn:
        conn.execute(
            insert(signals),
            [
                {"signal_id": f"x-{i}", "type": t, "status": st, "detected_at": datetime(2024, 3, 12)}
                for i, (t, st) in enumerate(
                    [("new_hire", "pushed")] * 6
                    + [("promotion", "new")] * 3
                    + [("new_hire", "suppressed:intern")]
                )
            ],
        )
    c = _cats(compute_scorecard(loaded, _config(), "2024-03", now=NOW, title_matcher=title_matcher))
    assert c["filtering"]["value"] == pytest.approx(0.2) and c["filtering"]["sample_size"] == 5
    assert c["filtering"]["drilldown"]["by_reason"] == {"advisor": 1}


def test_contacts_jobshift_marked_departed_are_not_untracked(loaded: Store) -> None:
    """A closed-won contact that jobshift marked No Longer At Company (an applied update_contact) left the
    tracked set because jobshift tracked it: it counts as tracked, not as a gap."""
    from jobshift.store.schema import outbox

    with loaded.begin() as conn:
        conn.execute(text("CREATE TABLE tracked_contacts (contact_id VARCHAR(64))"))
        conn.execute(text("INSERT INTO tracked_contacts VALUES ('C1'), ('C11'), ('C12')"))
        conn.execute(
            insert(outbox).values(
                idempotency_key="update_contact:C2",
                kind="update_contact",
                target_id="C2",
                payload={},
                status="applied",
                attempts=1,
                is_backfill=False,
                created_at=datetime(2024, 2, 1),
                applied_at=datetime(2024, 2, 1),
            )
        )
    won = _cats(compute_scorecard(loaded, _config(), "2024-03", now=NOW, title_matcher=title_matcher))[
        "closed_won_contacts_tracked"
    ]
    # closed-won contacts C1 C2 C3 C4 C11 C12; tracked C1 C11 C12, marked departed by jobshift C2 → 4/6
    assert won["value"] == pytest.approx(4 / 6)
    assert sum(won["drilldown"]["by_reason"].values()) == 2  # C3 (no account) and C4
    assert "C2" not in {r["id"] for r in won["drilldown"]["records"]}


def test_tracked_count_is_the_set_at_the_months_end(loaded: Store) -> None:
    """March's funnel shows the tracked set of March 31: a contact created in May is not in it; a contact
    jobshift marked departed in May (so out of today's set) still is."""
    from jobshift.store.schema import outbox

    def tracked(p: dict[str, Any]) -> float:
        return next(s["value"] for s in p["funnel"] if s["key"] == "tracked")

    before = tracked(compute_scorecard(loaded, _config(), "2024-03", now=NOW, title_matcher=title_matcher))
    with loaded.begin() as conn:
        conn.execute(
            insert(contacts).values(
                id="C40",
                account_id="A1",
                last_name="Later",
                email_opt_out=False,
                created_at=datetime(2024, 5, 2),
            )
        )
        conn.execute(text("CREATE TABLE tracked_contacts (contact_id VARCHAR(64))"))
        conn.execute(
            text(
                "INSERT INTO tracked_contacts SELECT id FROM contacts "
                "WHERE account_id IS NOT NULL AND id <> 'C2'"
            )
        )
        conn.execute(
            insert(outbox).values(
                idempotency_key="update_contact:C2",
                kind="update_contact",
                target_id="C2",
                payload={},
                status="applied",
                attempts=1,
                is_backfill=False,
                created_at=datetime(2024, 5, 3),
                applied_at=datetime(2024, 5, 3),
            )
        )
    after = compute_scorecard(loaded, _config(), "2024-03", now=NOW, title_matcher=title_matcher)
    assert tracked(after) == before  # C40 (created later) out, C2 (left after March) in
    may = compute_scorecard(loaded, _config(), "2024-05", now=NOW, title_matcher=title_matcher)
    assert tracked(may) == before  # by May's end: C40 in, C2 out


def test_an_empty_workspace_does_not_freeze_an_empty_month(store: Store) -> None:
    """Opening the scorecard before any data stores nothing; once the data arrives the month is right."""
    from jobshift.store.scorecard.snapshots import list_snapshot_months

    empty = get_scorecard(store, _config(), "2024-03", now=NOW, title_matcher=title_matcher)
    assert empty["source"] == "computed" and _cats(empty)["engagement_rate"]["value"] is None
    with store.connect() as conn:
        assert list_snapshot_months(conn) == []
    load(store)
    filled = get_scorecard(store, _config(), "2024-03", now=NOW, title_matcher=title_matcher)
    assert filled["source"] == "computed"
    assert _cats(filled)["engagement_rate"]["value"] == pytest.approx(4 / 6)
