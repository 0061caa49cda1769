"""Undated new hires "first seen at this account after an earlier observation elsewhere" (issue 16,
item 6): the people data's previous observation of the person showed a job at another company."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from detect_kit import crm_and_feed_workspace, person_url
from jobshift.services.detect.detecting import detect
from test_detect_real import _exp, _p, _signals

CONTACTS = "id,account_id,first_name,last_name,email,title,linkedin_url\nc-1,a-1,Ann,Stay,ann@acme.com,CTO,\n"


def _obs(pid: str, first: str, last: str, observed: str, company: str | None, title: str) -> dict[str, Any]:
    site = {"Siemens AG": "siemens.com", "Contoso": "contoso.com", "Siemens UK Ltd": None}.get(company or "")
    exp = [_exp(company, site, title, None, None, True)] if company else []
    return _p(pid, first, last, observed, exp, linkedin_url=person_url(first, last))


NOW = "2026-11-17"
PEOPLE = [
    # at Contoso in September, at Siemens (no start date) in November: a new hire
    _obs("p-30", "Nora", "New", "2026-09-20", "Contoso", "CTO"),
    _obs("p-30", "Nora", "New", NOW, "Siemens AG", "Chief Technology Officer"),
    # at Contoso in June: the move may be older than the 90-day window
    _obs("p-31", "Paul", "Prior", "2026-06-01", "Contoso", "CTO"),
    _obs("p-31", "Paul", "Prior", NOW, "Siemens AG", "CTO"),
    # already at Siemens in October
    _obs("p-32", "Sara", "Same", "2026-10-01", "Siemens AG", "VP Engineering"),
    _obs("p-32", "Sara", "Same", NOW, "Siemens AG", "VP Engineering"),
    # no job in October: not "elsewhere"
    _obs("p-33", "Ugo", "Idle", "2026-10-01", None, "CTO"),
    _obs("p-33", "Ugo", "Idle", NOW, "Siemens AG", "CIO"),
    # not the persona
    _obs("p-34", "Vic", "Sales", "2026-10-01", "Contoso", "Sales Manager"),
    _obs("p-34", "Vic", "Sales", NOW, "Siemens AG", "Sales Manager"),
    # seen only once
    _obs("p-35", "Wes", "Once", NOW, "Siemens AG", "CTO"),
]


def test_first_seen_after_an_earlier_observation_elsewhere(tmp_path: Path) -> None:
    ws = crm_and_feed_workspace(tmp_path, CONTACTS, PEOPLE)
    try:
        detect(ws, run_date=date(2026, 12, 7))
        by = _signals(ws, tmp_path / "s.jsonl")
        detect(ws, run_date=date(2026, 12, 7))  # idempotent: the same signal, not a second one
        again = _signals(ws, tmp_path / "s2.jsonl")
    finally:
        ws.close()
    hires = {pid: s for (t, pid), s in by.items() if t == "new_hire"}
    assert set(hires) == {"p-30"}, sorted(hires)
    nora = hires["p-30"]
    ev = nora["evidence"]
    assert ev["new_hire_rule"] == "no_start_date_first_seen_elsewhere"
    assert ev["previous_observation"] == "2026-09-20 at Contoso"
    assert nora["matched_account_id"] == "a-2" and nora["status"] == "new"
    assert nora["confidence"] < 0.9 and nora["job_started_date"] is None
    assert ev["replaced_contact"] is None
    assert again.keys() == by.keys()
