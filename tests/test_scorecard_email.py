"""The scorecard HTML e-mail: rendering, recipients, sending over real SMTP (aiosmtpd), on both backends."""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from jobshift.cli.main import main
from jobshift.config import parse_config
from jobshift.notify.scorecard_render import benchmark_bar, render_scorecard_email, sparkline
from jobshift.services.scorecard.scorecard import get_scorecard
from jobshift.services.scorecard.scorecard_email import scorecard_recipients, send_scorecard_email
from jobshift.store import Store
from jobshift.store.schema import users
from scorecard_data import load
from smtp_fake import FakeSmtp

NOW = datetime(2024, 5, 2)
STAFF: list[dict[str, Any]] = [
    {"id": "U10", "name": "Ada Admin", "role": "Admin", "email": "ada@example.com", "active": True},
    {"id": "U11", "name": "Max Manager", "role": "Manager", "email": "max@example.com", "active": None},
    {"id": "U12", "name": "Old Manager", "role": "Manager", "email": "old@example.com", "active": False},
    {"id": "U13", "name": "No Mail", "role": "Manager", "email": None, "active": True},
    {"id": "U14", "name": "Rita Rep", "role": "SDR", "email": "rita@example.com", "active": True},
]


def _config(smtp: FakeSmtp | None = None, **scorecard: Any) -> Any:
    notif = {"smtp_host": smtp.host, "smtp_port": smtp.port} if smtp else {}
    return parse_config(
        {
            "icp": {"industries": ["Software"], "countries": ["us"], "min_employees": 100},
            "scorecard": scorecard,
            "notifications": {"web_base_url": "https://js.example.com/", **notif},
        }
    )


@pytest.fixture
def loaded(store: Store) -> Store:
    load(store)
    with store.begin() as conn:
        conn.execute(insert(users), STAFF)
    return store


def _html_part(msg: Message) -> str:
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            return str(part.get_payload(decode=True).decode())  # type: ignore[union-attr]
    raise AssertionError("no HTML part")


def test_recipients_are_active_admins_and_managers_with_email_plus_email_to(loaded: Store) -> None:
    cfg = _config(email_to=["ops@example.com", "ADA@example.com", "not-an-address"])
    assert scorecard_recipients(loaded, cfg) == ["ada@example.com", "max@example.com", "ops@example.com"]
    assert scorecard_recipients(loaded, _config(email_roles=["sdr"])) == ["rita@example.com"]


def test_email_is_self_contained_and_sent_to_each_recipient(loaded: Store) -> None:
    cfg = _config()
    for month in ("2024-01", "2024-02"):
        get_scorecard(loaded, cfg, month, now=NOW)
    payload = get_scorecard(loaded, cfg, "2024-03", now=NOW)
    with FakeSmtp() as smtp:
        report = send_scorecard_email(loaded, _config(smtp), payload)
        got = list(smtp.messages)
    assert report.sent == 2 and not report.failed
    assert sorted(rcpts for rcpts, _ in got) == [["ada@example.com"], ["max@example.com"]]
    msg = got[0][1]
    assert msg["Subject"].startswith("[jobshift] Scorecard 2024-03: ")
    html = _html_part(msg)
    graded = [c for c in payload["categories"] if c["status"] == "graded"]
    above = sum(c["at_or_above_benchmark"] for c in graded)
    assert f"{above} of {len(graded)}" in msg["Subject"]
    # self-contained: no <style> block, no external images/scripts/stylesheets, SVG inline
    assert "<style" not in html and "<script" not in html and "<link" not in html
    assert not re.search(r"""src=["']https?:""", html)
    assert html.count("<svg") >= 11
    assert "https://js.example.com/scorecard?month=2024-03#cat-2" in html
    for c in payload["categories"]:
        assert c["name"] in html
        if c["status"] == "graded" and not c["at_or_above_benchmark"]:
            assert c["fix"].split(":")[0] in html
    # the trend of the previous snapshots is in the text and the HTML
    persona = next(c for c in payload["categories"] if c["key"] == "persona_definition")
    trend = " → ".join([t["grade"] for t in persona["trend"]] + [persona["grade"]])
    assert len(persona["trend"]) == 2 and trend in html.replace("&gt;", ">")


def test_smtp_refusal_is_reported_per_recipient(loaded: Store) -> None:
    payload = get_scorecard(loaded, _config(), "2024-03", now=NOW)
    with FakeSmtp() as smtp:
        smtp.handler.refuse_next = 1
        report = send_scorecard_email(loaded, _config(smtp), payload)
        assert len(smtp.messages) == 1
    assert report.sent == 1 and len(report.failed) == 1 and "451" in report.failed[0]["error"]


def test_svg_helpers() -> None:
    assert sparkline([("2024-01", "C")]) == ""
    line = sparkline([("2024-01", "F"), ("2024-02", "C"), ("now", "A")])
    assert line.startswith("<svg") and "#15803d" in line  # last point at/above B: green
    assert "#b91c1c" in sparkline([("2024-01", "A"), ("now", "D")])
    assert benchmark_bar(None, 0.5, "higher") == ""
    assert "#15803d" in benchmark_bar(0.1, 0.2, "lower") and "#b91c1c" in benchmark_bar(0.1, 0.2, "higher")


def test_render_marks_provisional_and_na() -> None:
    cat = {
        "number": 9, "key": "engagement_rate", "name": "Engagement Rate", "group": "adoption",
        "direction": "higher", "unit": "share", "status": "n/a", "grade": None, "value": None,
        "benchmark": 0.5, "reason": "too little data: leads (3 < 10)", "at_or_above_benchmark": False,
        "fix": "Contact them", "trend": [], "drilldown": {},
    }  # fmt: skip
    r = render_scorecard_email(
        {"month": "2026-11", "provisional": True, "categories": [cat], "funnel": [], "attribution": {}},
        "http://x",
    )
    assert "(provisional)" in r.subject and "0 of 0" in r.subject
    assert "too little data" in r.html and "n/a" in r.text and "Contact them" not in r.text


def test_cli_html_and_email(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["-w", str(backend_workspace), "init"]) == 0
    from jobshift.services.workspace import Workspace

    ws = Workspace.open(backend_workspace)
    load(ws.store)
    with ws.store.begin() as conn:
        conn.execute(insert(users), STAFF)
    ws.close()
    capsys.readouterr()
    assert main(["-w", str(backend_workspace), "scorecard", "--month", "2024-03", "--format", "html"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!doctype html>") and "<svg" in out and "Engagement Rate" in out
    with FakeSmtp() as smtp:
        monkeypatch.setenv("JOBSHIFT_NOTIFICATIONS__SMTP_HOST", smtp.host)
        monkeypatch.setenv("JOBSHIFT_NOTIFICATIONS__SMTP_PORT", str(smtp.port))
        ws_arg = ["-w", str(backend_workspace)]
        args = [*ws_arg, "scorecard", "--month", "2024-03", "--format", "json", "--email"]
        assert main(args) == 0
        captured = capsys.readouterr()
        assert json.loads(captured.out)["email"]["sent"] == 2
        assert "e-mailed the scorecard to 2 of 2 recipients" in captured.err
        assert len(smtp.messages) == 2
        smtp.handler.refuse_next = 5
        assert main(args) != 0
        assert "scorecard e-mails failed" in capsys.readouterr().err
