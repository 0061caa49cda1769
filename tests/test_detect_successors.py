"""Undated new hires who replace the CRM's known holder of the same role at a watched account
(issue 16, item 6): the holder left in this run's detection or is marked departed in the CRM."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from detect_kit import crm_and_feed_workspace, person_url
from jobshift.services.detect.detecting import detect
from jobshift.services.workspace import Workspace
from test_detect_real import _exp, _p, _signals

CONTACTS = (
    "id,account_id,first_name,last_name,email,title,linkedin_url,no_longer_at_company,no_longer_at_company_at\n"
    """c-1,a-2,Kim,Holder,kim@siemens.com,Head of IT,linkedin.com/in/kim-holder,,
c-2,a-2,Carl,Gone,carl@siemens.com,Chief Technology Officer,,true,2026-10-20T09:00:00
c-3,a-2,Vera,Undated,vera@siemens.com,VP Engineering,,true,
c-4,a-2,Olaf,Old,olaf@siemens.com,Chief Information Officer,,true,2025-01-15T09:00:00
c-5,a-2,Mara,Twice,mara@siemens.com,Data Director,linkedin.com/in/mara-twice,,
c-6,a-1,Ann,Stay,ann@acme.com,CTO,linkedin.com/in/ann-stay,,
c-7,a-2,Hugo,Data,hugo@siemens.com,Head of Data,linkedin.com/in/hugo-data,,
"""
)
OBSERVED = "2026-11-17"


def _at_siemens(
    pid: str, first: str, last: str, title: str, ended: str = "2026-08", **kw: Any
) -> dict[str, Any]:
    """Someone at Siemens without a start date whose job elsewhere ended ``ended`` (2026-08: more than
    the 90-day window before the observation, so only a departed holder can make them a new hire)."""
    return _p(
        pid,
        first,
        last,
        OBSERVED,
        [
            _exp("Siemens AG", "siemens.com", title, None, None, True),
            _exp("Initech", None, title, "2015", ended),
        ],
        linkedin_url=person_url(first, last),
        **kw,
    )


PEOPLE = [
    # the holder of "Head of IT" moved to Contoso last month
    _p(
        "p-1",
        "Kim",
        "Holder",
        OBSERVED,
        [
            _exp("Contoso", "contoso.com", "Head of IT", "2026-10", None, True),
            _exp("Siemens AG", "siemens.com", "Head of IT", "2018", "2026-10"),
        ],
        linkedin_url="linkedin.com/in/kim-holder",
    ),
    # the holder of "Data Director" left too; two undated data directors at Siemens
    _p(
        "p-5",
        "Mara",
        "Twice",
        OBSERVED,
        [
            _exp("Contoso", "contoso.com", "Chief Data Officer", "2026-09", None, True),
            _exp("Siemens AG", "siemens.com", "Data Director", "2018", "2026-09"),
        ],
        linkedin_url="linkedin.com/in/mara-twice",
    ),
    _at_siemens("p-10", "Lena", "Neu", "Leiterin IT"),  # = Head of IT (German, female form)
    _at_siemens("p-11", "Finn", "Tech", "CTO"),  # replaces c-2, marked departed 2026-10-20
    _at_siemens("p-12", "Sven", "Eng", "VP Engineering"),  # c-3 is marked departed without a date: no
    _at_siemens("p-13", "Otto", "Info", "CIO"),  # c-4 left in January 2025: too long ago
    _at_siemens("p-14", "Dora", "One", "Director of Data"),  # two candidates for one holder: no
    _at_siemens("p-15", "Dirk", "Two", "Director, Data"),
    _at_siemens("p-16", "Eve", "Sec", "Director of Security"),  # no departed holder of that role
    # the holder of "Head of Data" left; a colleague with that title has been there since 2022: no
    _p(
        "p-7",
        "Hugo",
        "Data",
        OBSERVED,
        [
            _exp("Contoso", "contoso.com", "Head of Data", "2026-10", None, True),
            _exp("Siemens AG", "siemens.com", "Head of Data", "2018", "2026-10"),
        ],
        linkedin_url="linkedin.com/in/hugo-data",
    ),
    _at_siemens("p-18", "Gus", "Long", "Head of Data", ended="2022-03"),
    # ... and one who came in June, four months before the holder left (2026-10): already there, no
    _at_siemens("p-19", "Ida", "June", "Head of Data", ended="2026-06"),
    # at a watched account with no holder at all
    _p(
        "p-17",
        "Fritz",
        "Fab",
        OBSERVED,
        [_exp("Fabrikam GmbH", "fabrikam.de", "Head of IT", None, None, True)],
        linkedin_url="linkedin.com/in/fritz-fab",
    ),
]


def _run(tmp_path: Path) -> dict[tuple[str, str | None], dict[str, Any]]:
    ws = crm_and_feed_workspace(tmp_path, CONTACTS, PEOPLE)
    try:
        detect(ws, run_date=date(2026, 12, 7))
        return _signals(ws, tmp_path / "s.jsonl")
    finally:
        ws.close()


def test_a_successor_of_a_departed_holder_is_an_undated_new_hire(tmp_path: Path) -> None:
    by = _run(tmp_path)
    assert by[("job_change", "c-1")]["matched_account_id"] == "a-3"  # the holder's own move
    assert by[("job_change", "c-7")]["status"] == "new"  # Head of Data left too
    hires = {pid: s for (t, pid), s in by.items() if t == "new_hire"}
    assert set(hires) == {"p-10", "p-11"}, sorted(hires)
    lena = hires["p-10"]
    assert lena["status"] == "new" and lena["matched_account_id"] == "a-2"
    assert lena["evidence"]["new_hire_rule"] == "no_start_date_replaced_holder"
    assert (
        lena["evidence"]["replaced_contact"] == "c-1: Head of IT, left 2026-10-01; previous job ended 2026-08"
    )
    assert lena["match_rule"].startswith("no_start_date_replaced_holder/")
    assert lena["confidence"] < 0.7  # lower than a dated new hire (and than the ended-job rule)
    finn = hires["p-11"]
    assert (
        finn["evidence"]["replaced_contact"]
        == "c-2: Chief Technology Officer, left 2026-10-20; previous job ended 2026-08"
    )
    assert finn["past_title"] is None and finn["contact_id"] is None


def test_other_signals_carry_no_replaced_contact(tmp_path: Path) -> None:
    by = _run(tmp_path)
    assert by[("job_change", "c-1")]["evidence"]["replaced_contact"] is None


def test_departed_contacts_query_on_each_backend(backend_workspace: Path) -> None:
    from datetime import datetime

    from jobshift.engine.batches import DEPARTED_SCHEMA
    from jobshift.store.crm.mirror import upsert_rows
    from jobshift.store.detect.queries import departed_contacts
    from jobshift.store.detect.reading import cursor_frame

    ws = Workspace.open(backend_workspace)
    try:
        with ws.store.begin() as conn:
            upsert_rows(conn, "accounts", ["id", "name"], [("a1", "Acme")])
            upsert_rows(
                conn,
                "contacts",
                ["id", "account_id", "last_name", "title", "no_longer_at_company", "no_longer_at_company_at"],
                [
                    ("c1", "a1", "Gone", "CTO", True, datetime(2026, 10, 20, 9, 30)),
                    ("c2", "a1", "Undated", "CFO", True, None),
                    ("c3", "a1", "Here", "CIO", False, None),
                    ("c4", None, "Nowhere", "COO", True, datetime(2026, 10, 1)),
                ],
            )
        with ws.store.connect() as conn:
            df = cursor_frame(conn, departed_contacts(), DEPARTED_SCHEMA).sort("contact_id")
    finally:
        ws.close()
    assert df.rows() == [("c1", "a1", "CTO", "2026-10-20"), ("c2", "a1", "CFO", None)]
