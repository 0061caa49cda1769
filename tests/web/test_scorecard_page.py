"""The scorecard page reads on one screen: grade history and funnel charts, short drill-downs whose long
lists continue on their own paged page (/scorecard/drill/{key}); managers and admins only."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from jobshift.services.workspace import Workspace
from web.conftest import login
from web.seed import add_untracked_won_contacts

MONTH = "2026-03"


def _many_untracked_won_contacts(ws: Workspace, n: int = 30) -> None:
    """A closed-won opportunity whose ``n`` contacts (titled in lower case) have no account: not
    tracked, listed in the drill."""
    add_untracked_won_contacts(ws, n, title="vp of sales")


def test_page_has_charts_and_short_drilldowns(client: TestClient, seeded: Workspace) -> None:
    _many_untracked_won_contacts(seeded)
    login(client, "manager")
    html = client.get("/scorecard", params={"month": MONTH}).text
    assert 'data-testid="grade-history"' in html and 'data-testid="history-filtering"' in html
    assert 'data-testid="funnel-months"' in html and 'data-testid="chart-tracked"' in html
    drill = html.split('data-testid="drill-closed_won_contacts_tracked"')[1].split("</details>")[0]
    assert len(re.findall(r"buyer \d\d", drill, flags=re.I)) == 10  # a preview, not all 30
    assert "10 of 30 shown" in drill
    assert f"/scorecard/drill/closed_won_contacts_tracked?month={MONTH}&list=records" in drill
    assert "VP of Sales" in drill and "vp of sales" not in drill  # display text in drill-downs


def test_drill_page_pages_through_a_list(client: TestClient, seeded: Workspace) -> None:
    _many_untracked_won_contacts(seeded)
    login(client, "admin")
    url = "/scorecard/drill/closed_won_contacts_tracked"
    first = client.get(url, params={"month": MONTH, "list": "records"})
    assert first.status_code == 200 and "Page 1 of 2" in first.text
    rows = first.text.split('data-testid="drill-rows"')[1].split("</table>")[0]
    assert rows.count("<tr>") == 26  # header + 25
    second = client.get(url, params={"month": MONTH, "list": "records", "page": 2}).text
    assert "Page 2 of 2" in second
    assert (
        second.split('data-testid="drill-rows"')[1].split("</table>")[0].count("<tr>")
        == 6  # header + the last 5
    )
    beyond = client.get(url, params={"month": MONTH, "list": "records", "page": 9}).text
    assert "Page 2 of 2" in beyond  # clamped
    assert client.get("/scorecard/drill/no_such_category", params={"month": MONTH}).status_code == 404


def test_drill_page_is_for_managers_and_admins(client: TestClient) -> None:
    login(client, "rep")
    assert client.get("/scorecard/drill/filtering", params={"month": MONTH}).status_code == 403


def test_grade_history_draws_the_stored_months(client: TestClient) -> None:
    login(client, "manager")
    client.get("/scorecard", params={"month": MONTH})  # stores March (ended, with data)
    april = client.get("/scorecard", params={"month": "2026-04"}).text
    chart = april.split('data-testid="history-filtering"')[1].split("</figure>")[0]
    titles = re.findall(r"<title>([^<]+)</title>", chart)
    assert [t.split(":")[0] for t in titles] == ["2026-03", "2026-04"]
