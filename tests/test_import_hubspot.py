"""A HubSpot export (Companies, Contacts, Deals) imports like a Salesforce one: its headers are recognised."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from jobshift.cli.main import main
from jobshift.services.workspace import Workspace
from jobshift.store.schema import accounts, contacts, opportunities

COMPANIES = (
    "Record ID,Company name,Company Domain Name,Company owner,Create Date,Industry,Number of Employees,"
    "Country/Region\n9001,NewCo,newco.com,701,2024-03-01 10:00,Software,120,Germany\n"
)
CONTACTS = (
    "Record ID,First Name,Last Name,Email,Job Title,Associated Company,Associated Company IDs (Primary),"
    "Contact owner,Lifecycle Stage,Create Date\n"
    "501,Ann,Lee,ann@newco.com,VP Sales,NewCo,9001,701,customer,2024-03-02 11:30\n"
)
DEALS = (
    "Record ID,Deal Name,Deal Stage,Amount,Close Date,Deal owner,Associated Company IDs (Primary),"
    "Create Date\n"
    "77,NewCo - New Business,7-Closed Won,12000,2025-01-31,701,9001,2024-06-01\n"
)


def test_a_hubspot_export_imports(workspace_env: Path, tmp_path: Path, capsys: object) -> None:
    files = {"companies.csv": COMPANIES, "contacts.csv": CONTACTS, "deals.csv": DEALS}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    w = str(workspace_env)
    assert main(["init", w]) == 0
    for obj, name in (
        ("accounts", "companies.csv"),
        ("contacts", "contacts.csv"),
        ("opportunities", "deals.csv"),
    ):
        assert main(["-w", w, "import", obj, str(tmp_path / name)]) == 0, obj
    ws = Workspace.open(workspace_env)
    try:
        with ws.store.connect() as conn:
            acc = conn.execute(select(accounts)).mappings().one()
            con = conn.execute(select(contacts)).mappings().one()
            opp = conn.execute(select(opportunities)).mappings().one()
    finally:
        ws.close()
    assert (acc["id"], acc["name"], acc["domain"], acc["owner_id"], acc["employees"]) == (
        "9001", "NewCo", "newco.com", "701", 120,
    )  # fmt: skip
    assert (con["id"], con["account_id"], con["title"], con["status"], con["email_norm"]) == (
        "501", "9001", "VP Sales", "customer", "ann@newco.com",
    )  # fmt: skip
    assert con["custom"] and "Associated Company" in str(con["custom"])  # the company name, kept aside
    assert (opp["account_id"], opp["stage_number"], opp["amount"], str(opp["close_date"])) == (
        "9001", 7, 12000.0, "2025-01-31",
    )  # fmt: skip
