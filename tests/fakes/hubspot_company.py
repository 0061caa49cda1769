"""Load a generated company (``jobshift generate``) into the fake HubSpot as a HubSpot account holds it.

Users → owners (primary team = the user's role) plus HubSpot Users-object records carrying the Slack id,
segment, region and manager in custom properties; accounts → companies (segment, target flag, BDR and
renewal manager as custom properties); contacts → contacts with their primary company; leads → contacts
without a company; opportunities → deals in a pipeline whose stages are the company's own (stage ids
``s0``…``s8``), associated with their company; contact roles → labelled deal→contact associations.
:data:`TOML` is the ``[hubspot]`` configuration that maps all of it back (the admin's part of the setup).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes.company_files import company_rows
from fakes.hubspot import FakeHubSpot
from fakes.hubspot_data import _p

STAGES = ("0-Pending Acceptance", "1-Discovery", "2-Scoping", "3-Technical Evaluation", "4-Proposal",
          "5-Negotiating", "6-Awaiting Signature", "7-Closed Won", "8-Closed Lost")  # fmt: skip
TOML = (
    'closed_won_stages = ["s7"]\nclosed_lost_stages = ["s8"]\ndeparted_lead_status = "Disqualified"\n'
    "\n[hubspot.deal_stages]\n"
    + "".join(f's{i} = "{s}"\n' for i, s in enumerate(STAGES))
    + '\n[hubspot.fields.accounts]\nsegment = "segment"\nbdr_id = "bdr_owner_id"\n'
    'renewal_manager_id = "renewal_manager_owner_id"\n'
    '\n[hubspot.fields.contacts]\nstatus = "contact_status"\nemail_opt_out = "hs_email_optout"\n'
    '\n[hubspot.fields.users]\nsegment = "segment"\nregion = "region"\nslack_user_id = "slack_user_id"\n'
    'manager_id = "manager_owner_id"\n'
)
"""What goes under ``[hubspot]`` in the workspace's jobshift.toml for this account."""


def _custom(fake: FakeHubSpot) -> None:
    fake.props["companies"].update(
        {n: _p(n) for n in ("segment", "bdr_owner_id", "renewal_manager_owner_id")}
    )
    fake.props["contacts"]["contact_status"] = _p("contact_status")
    fake.props["contacts"]["hs_email_optout"] = _p("hs_email_optout", "bool")
    fake.props["users"].update({n: _p(n) for n in ("segment", "region", "slack_user_id", "manager_owner_id")})
    fake.stages = [(f"s{i}", s.split("-", 1)[1]) for i, s in enumerate(STAGES)]
    fake.props["deals"]["dealstage"] = _p("dealstage", "enumeration", tuple(s for s, _ in fake.stages))


def _when(raw: str | None) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(raw) if raw else None


def load_company(fake: FakeHubSpot, gen_dir: Path) -> dict[str, str]:
    """Create every record of ``gen_dir`` in ``fake``; returns generator id → HubSpot id."""
    _custom(fake)
    ids: dict[str, str] = {}
    users = company_rows(gen_dir, "users")
    for u in users:
        first, _, last = u["name"].partition(" ")
        ids[u["id"]] = fake.add_owner(first, last, u["email"], u["role"])
        fake.owners[-1]["archived"] = (u.get("active") or "true").lower() in ("false", "0", "no")
    for u in users:
        fake.add(
            "users",
            hs_email=u["email"],
            segment=u.get("segment") or None,
            region=u.get("region") or None,
            slack_user_id=u.get("slack_user_id") or None,
            manager_owner_id=ids.get(u.get("manager_id") or "") or None,
        )
    for a in company_rows(gen_dir, "accounts"):
        ids[a["id"]] = fake.add(
            "companies", _when(a.get("created_at")), name=a["name"], domain=a.get("website") or None,
            type=a.get("type") or None, segment=a.get("segment") or None, industry=a.get("industry") or None,
            numberofemployees=a.get("employees") or None, country=a.get("country") or None,
            state=a.get("state") or None, hubspot_owner_id=ids.get(a.get("owner_id") or ""),
            bdr_owner_id=ids.get(a.get("bdr_id") or ""),
            renewal_manager_owner_id=ids.get(a.get("renewal_manager_id") or ""),
            hs_is_target_account=a.get("is_target") or None,
        )  # fmt: skip
    for a in company_rows(gen_dir, "accounts"):
        if a.get("parent_id"):
            fake.objects["companies"][ids[a["id"]]]["properties"]["hs_parent_company_id"] = ids[
                a["parent_id"]
            ]
    for c in company_rows(gen_dir, "contacts"):
        ids[c["id"]] = fake.add(
            "contacts", _when(c.get("created_at")), firstname=c.get("first_name") or None,
            lastname=c["last_name"], email=c.get("email") or None, jobtitle=c.get("title") or None,
            hs_linkedin_url=c.get("linkedin_url") or None, phone=c.get("phone") or None,
            country=c.get("country") or None, state=c.get("state") or None,
            hubspot_owner_id=ids.get(c.get("owner_id") or ""), contact_status=c.get("status") or None,
            hs_email_optout=c.get("email_opt_out") or None,
            jobshift_no_longer_at_company=c.get("no_longer_at_company") or None,
        )  # fmt: skip
        if c.get("account_id"):
            fake.associate("contacts", ids[c["id"]], "companies", ids[c["account_id"]], 1)
    for r in company_rows(gen_dir, "leads"):
        ids[r["id"]] = fake.add(
            "contacts", _when(r.get("created_at")), firstname=r.get("first_name") or None,
            lastname=r["last_name"], email=r.get("email") or None, company=r.get("company") or None,
            jobtitle=r.get("title") or None, hs_linkedin_url=r.get("linkedin_url") or None,
            lifecyclestage="lead", hubspot_owner_id=ids.get(r.get("owner_id") or ""),
        )  # fmt: skip
    for o in company_rows(gen_dir, "opportunities"):
        stage = f"s{int(o['stage'].split('-', 1)[0])}"
        ids[o["id"]] = fake.add(
            "deals", _when(o.get("created_at")), dealname=o.get("name") or None, dealstage=stage,
            dealtype=o.get("type") or None, amount=o.get("amount") or None,
            closedate=o.get("close_date") or None, hubspot_owner_id=ids.get(o.get("owner_id") or ""),
            pipeline="default",
        )  # fmt: skip
        fake.associate("deals", ids[o["id"]], "companies", ids[o["account_id"]], 5)
    _activities(fake, gen_dir, ids)
    for r in company_rows(gen_dir, "opportunity_contact_roles"):
        fake.associate(
            "deals", ids[r["opportunity_id"]], "contacts", ids[r["contact_id"]], label=r.get("role")
        )
    return ids


ENGAGEMENT = {"Call": "calls", "Email": "emails", "Meeting": "meetings", "Other": "notes"}
SUBJECT = {"calls": "hs_call_title", "emails": "hs_email_subject", "meetings": "hs_meeting_title",
           "notes": "hs_note_body"}  # fmt: skip


def _activities(fake: FakeHubSpot, gen_dir: Path, ids: dict[str, str]) -> None:
    """Activities → calls / e-mails / meetings / notes (other), and LinkedIn tasks (``hs_task_type``)."""
    for a in company_rows(gen_dir, "activities"):
        etype = ENGAGEMENT.get(a["type"], "tasks")
        props: dict[str, Any] = {
            "hs_timestamp": a["occurred_at"] + ("Z" if "T" in a["occurred_at"] else ""),
            "hubspot_owner_id": ids.get(a.get("owner_id") or ""),
            SUBJECT.get(etype, "hs_task_subject"): a.get("subject") or None,
        }
        if etype == "tasks":
            props["hs_task_type"] = "LINKED_IN" if a["type"] == "LinkedIn" else "TODO"
        rid = fake.add(etype, **props)
        if a.get("who_id") in ids:
            fake.associate(etype, rid, "contacts", ids[a["who_id"]])
        if a.get("opportunity_id") in ids:
            fake.associate(etype, rid, "deals", ids[a["opportunity_id"]])
