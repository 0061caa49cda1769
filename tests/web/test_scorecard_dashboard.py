"""The scorecard page and API, the monthly funnel on the dashboard, and the lead page's notifications."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, Table, insert

from jobshift.cli.main import main as cli_main
from jobshift.services.admin.auth import AppUser
from jobshift.services.browse import browse_detail
from jobshift.services.scorecard.funnel_report import funnel_report, last_months
from jobshift.services.workspace import Workspace
from web.conftest import bearer, login

MONTH = "2026-03"


def test_scorecard_api_roles(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/api/scorecard", params={"month": MONTH}).status_code == 401
    assert client.get("/api/scorecard", headers=bearer("not-a-token")).status_code == 401
    assert (
        client.get("/api/scorecard", params={"month": MONTH}, headers=bearer(tokens["rep"])).status_code
        == 403
    )
    for role in ("admin", "manager"):
        r = client.get("/api/scorecard", params={"month": MONTH}, headers=bearer(tokens[role]))
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        body = r.json()
        assert body["month"] == MONTH and len(body["categories"]) == 11
    bad = client.get("/api/scorecard", params={"month": "2026-13"}, headers=bearer(tokens["admin"]))
    assert bad.status_code == 422 and "YYYY-MM" in bad.text
    assert (
        client.get("/api/scorecard", params={"month": "march"}, headers=bearer(tokens["admin"])).status_code
        == 422
    )


def test_scorecard_api_equals_cli_json(
    client: TestClient, tokens: dict[str, str], seeded: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    first = client.get("/api/scorecard", params={"month": MONTH}, headers=bearer(tokens["admin"])).json()
    assert first["source"] == "computed"  # an ended month: computed once, then stored
    assert cli_main(["-w", str(seeded.path), "scorecard", "--month", MONTH, "--format", "json"]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    from_api = client.get("/api/scorecard", params={"month": MONTH}, headers=bearer(tokens["manager"])).json()
    assert from_api == from_cli and from_api["source"] == "snapshot"
    assert {k: v for k, v in first.items() if k != "source"} == {
        k: v for k, v in from_api.items() if k != "source"
    }


def test_scorecard_page(client: TestClient) -> None:
    login(client, "rep")
    assert client.get("/scorecard").status_code == 403
    assert 'href="/scorecard"' not in client.get("/leads").text
    login(client, "manager")
    assert 'href="/scorecard"' in client.get("/leads").text
    page = client.get("/scorecard", params={"month": MONTH})
    assert page.status_code == 200
    text = page.text
    assert text.count('data-testid="cat-') == 11 and text.count('data-testid="drill-') == 11
    assert 'data-testid="sc-month">2026-03<' in text
    assert "grade-" in text and "?month=2026-02" in text and "?month=2026-04" in text
    for category in ("Contacts provided", "Engagement rate", "Days until first activity"):
        assert category.lower() in text.lower(), category
    assert "Funnel of the month" in text and "Attribution" in text
    assert client.get("/scorecard", params={"month": "2026-00"}).status_code == 422


def test_scorecard_grade_colours() -> None:
    from jobshift.web.routes_scorecard import format_value, grade_class

    assert [grade_class(g) for g in ("A+", "B", "C+", "D", "F", "n/a", None)] == [
        "grade-a",
        "grade-b",
        "grade-c",
        "grade-d",
        "grade-f",
        "grade-na",
        "grade-na",
    ]
    assert format_value(0.256, "share") == "25.6%" and format_value(7.25, "days") == "7.2 d"
    assert format_value(None, "share") == "—" and format_value(3.5, "ratio") == "3.50"


def test_monthly_funnel(seeded: Workspace) -> None:
    admin = AppUser(0, "x", "admin", None)
    report = funnel_report(seeded, admin, months=12, now=datetime(2026, 4, 15))
    assert report.months == last_months(12, datetime(2026, 4, 15)) and report.months[-1] == "2026-04"
    assert report.months[0] == "2025-05"
    by_stage = {s: {p["month"]: p for p in pts} for s, pts in report.monthly.items()}
    totals = {s["stage"]: s for s in report.total}
    # the seeded leads were all created in March 2026: the cohort of March is the whole funnel
    for stage in ("pushed", "contacted", "meeting", "pipeline", "won"):
        assert by_stage[stage]["2026-03"]["count"] == totals[stage]["count"], stage
        assert by_stage[stage]["2026-04"]["count"] == 0
    assert by_stage["won"]["2026-03"]["amount"] == 50000.0
    # tracked is a stock: April holds everything created up to April
    assert by_stage["tracked"]["2026-04"]["count"] == totals["tracked"]["count"]
    rep2 = AppUser(0, "y", "rep", "u-bdr2")
    assert funnel_report(seeded, rep2, now=datetime(2026, 4, 15)).total[2]["count"] == 1


def test_dashboard_shows_monthly_charts(client: TestClient) -> None:
    login(client, "admin")
    page = client.get("/").text
    assert 'data-testid="monthly"' in page
    for key in ("tracked", "detected", "pushed", "contacted", "meeting", "pipeline", "won", "won-amount"):
        assert f'data-testid="chart-{key}"' in page, key
    assert page.count("<rect") > 7 * 12


def test_lead_page_notifications_only_when_the_table_exists(client: TestClient, seeded: Workspace) -> None:
    login(client, "rep")
    page = client.get("/leads/l-1").text
    assert 'data-testid="notifications"' in page and "None sent about this lead." in page
    with seeded.store.begin() as conn:
        table = Table("notifications", MetaData(), autoload_with=conn)
        base = {
            "rule": "1A",
            "item_type": "lead",
            "channel": "slack",
            "status": "sent",
            "attempts": 1,
            "send_date": date(2026, 3, 11),
            "is_digest": False,
            "created_at": datetime(2026, 3, 11, 9),
        }
        conn.execute(
            insert(table),
            [
                {
                    **base,
                    "idempotency_key": "k1",
                    "item_id": "l-1",
                    "recipient_user_id": "u-bdr1",
                    "sent_at": datetime(2026, 3, 11, 9, 30),
                },
                {
                    **base,
                    "idempotency_key": "k2",
                    "item_id": "l-2",
                    "recipient_user_id": "u-bdr2",
                    "channel": "email",
                    "sent_at": datetime(2026, 3, 12),
                },
                {
                    **base,
                    "idempotency_key": "k3",
                    "item_type": "contact",
                    "item_id": "l-1",
                    "recipient_user_id": "u-bdr2",
                    "channel": "email",
                    "sent_at": None,
                },
            ],
        )
    page = client.get("/leads/l-1").text
    section = page[page.index('data-testid="notifications"') :]
    assert "2026-03-11 09:30" in section and "slack" in section and "Bea Bdr" in section
    assert "email" not in section.split("</section>")[0]  # other lead, other item type
    with seeded.store.begin() as conn:
        Table("notifications", MetaData(), autoload_with=conn).drop(conn)
    browse_detail.forget_reflected_tables()  # the lead page re-checks the table at most once a minute
    page = client.get("/leads/l-1").text
    assert page.count("<section") > 2 and "Notifications sent" not in page


def test_dashboard_and_scorecard_count_meetings_alike(seeded: Workspace) -> None:
    """One definition of contacted / meeting: activities on the lead (or its converted contact) since the
    lead was created; a meeting is an activity of a ``[scorecard] meeting_activity_types`` type, any case."""
    from datetime import timedelta

    from sqlalchemy import select

    from jobshift.services.specs import lead_sources
    from jobshift.store.schema import activities, leads
    from jobshift.store.scorecard.leads import jobshift_lead, lead_activity_totals

    admin = AppUser(0, "x", "admin", None)
    sources = lead_sources(seeded.config)
    types = seeded.config.scorecard.meeting_activity_types

    def both() -> tuple[tuple[int, int], tuple[int, int]]:
        totals = {
            s["stage"]: s["count"] for s in funnel_report(seeded, admin, now=datetime(2026, 4, 15)).total
        }
        with seeded.store.connect() as conn:
            sc = lead_activity_totals(conn, sources, datetime(1900, 1, 1), datetime(2100, 1, 1), types)
        return (totals["contacted"], totals["meeting"]), (sc["contacted"], sc["meeting_held"])

    dashboard, scorecard = both()
    assert dashboard == scorecard
    with seeded.store.connect() as conn:
        quiet_id, created = conn.execute(
            select(leads.c.id, leads.c.created_at)
            .where(jobshift_lead(sources), ~leads.c.id.in_(select(activities.c.who_id)))
            .order_by(leads.c.id)
            .limit(1)
        ).one()

    def add(act_id: str, kind: str, at: datetime) -> None:
        with seeded.store.begin() as conn:
            conn.execute(insert(activities).values(id=act_id, who_id=quiet_id, type=kind, occurred_at=at))

    add("act-x1", "Meeting", created - timedelta(days=3))  # before the lead existed: counts for neither
    assert both() == (dashboard, scorecard)
    add("act-x2", "meeting", created + timedelta(days=1))  # any case of a meeting type
    after_dashboard, after_scorecard = both()
    assert after_dashboard == after_scorecard == (dashboard[0] + 1, dashboard[1] + 1)
