"""Planning notifications: items of the day before the send day → rules → recipients → rows.

Items: job-change leads (contact-tracking lead source) created in the window, and contacts marked No
Longer At Company (Disqualified, reason No Longer at Company) in the window. Backfilled items (the
lead's ``is_backfill``, or a backfill outbox row for the lead's signal / the contact update) are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from jobshift.config import Config
from jobshift.domain.display import display_company, display_person, display_title, is_mixed_case
from jobshift.domain.notification_rules import RuleContext, matching_rules, recipients_for
from jobshift.domain.notification_text import best_deal, deal_text, new_hire_why, why_it_matters
from jobshift.services.outreach.notify_drafts import attach_drafts
from jobshift.services.specs import notified_lead_source, rule_specs
from jobshift.store import notifications as nstore
from jobshift.store.lookups import rows_by_id
from jobshift.store.program import notify_items as items_store
from jobshift.store.schema import accounts, users

RecordUrl = Callable[[str, str, Any], str | None]
"""(canonical object, record id, the row's custom column) → the record's URL in the CRM (``crm_links``)."""


@dataclass
class PlanReport:
    """What planning found and wrote."""

    window: tuple[str, str] = ("", "")
    leads: int = 0
    contacts: int = 0
    backfill_skipped: int = 0
    fired: dict[str, int] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    inserted: int = 0
    inactive_skipped: int = 0
    opted_out: int = 0


def window_for(send_date: date, cfg: Config) -> tuple[datetime, datetime]:
    """The naive-UTC window of "yesterday" (``lookback_days`` before ``send_date``, workspace timezone)."""
    tz = ZoneInfo(cfg.workspace.timezone)
    end = datetime.combine(send_date, time(0), tzinfo=tz)
    start = end - timedelta(days=cfg.notifications.lookback_days)
    utc = ZoneInfo("UTC")
    return start.astimezone(utc).replace(tzinfo=None), end.astimezone(utc).replace(tzinfo=None)


def _is_customer(account: Mapping[str, Any] | None, flag: Any, cfg: Config) -> bool:
    if flag:
        return True
    return bool(account and account.get("type") in cfg.scorecard.customer_account_types)


def _link(
    cfg: Config, obj: str, rid: str | None, record_url: RecordUrl | None, custom: Any = None
) -> str | None:
    if record_url is not None:
        return record_url({"Lead": "leads", "Contact": "contacts"}[obj], rid, custom) if rid else None
    tpl = cfg.notifications.crm_record_url
    return tpl.format(object=obj, id=rid) if tpl and rid else None


def _deal_view(deal: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The past deal as stored on the payload (JSON: plain values only)."""
    if not deal:
        return None
    keep = ("name", "stage", "amount", "role", "is_won", "is_closed", "close_date")
    view = {k: (str(deal[k]) if k == "close_date" and deal.get(k) else deal.get(k)) for k in keep}
    view["text"] = deal_text(deal)
    return view


def _lead_item(
    lead: Mapping[str, Any],
    acc: Mapping[str, Any] | None,
    opps: list[dict[str, Any]],
    past_acc: Mapping[str, Any] | None,
    cfg: Config,
    record_url: RecordUrl | None = None,
    roles: Sequence[Mapping[str, Any]] = (),
) -> tuple[dict[str, Any], bool, bool]:
    customer = _is_customer(acc, lead.get("is_customer_company"), cfg)
    renewal = any(o.get("type") in cfg.notifications.renewal_types for o in opps)
    own = str(lead.get("company") or "")  # the lead record's company, as the CRM (or a person) spelled it
    company = (
        own if is_mixed_case(own) else display_company(own, account_name=(acc or {}).get("name"))
    ) or "the new company"
    name = display_person(lead.get("first_name"), lead.get("last_name") or "")
    web = cfg.notifications.web_base_url.rstrip("/")
    links = [{"label": "Open lead in jobshift", "url": f"{web}/leads/{lead['id']}"}]
    if lead.get("past_contact_id"):
        links.append({"label": "Past contact", "url": f"{web}/contacts/{lead['past_contact_id']}"})
    for label, obj, rid, custom in (
        ("Lead in CRM", "Lead", lead["id"], lead.get("custom")),
        ("Past contact in CRM", "Contact", lead.get("past_contact_id"), None),
    ):
        url = _link(cfg, obj, rid, record_url, custom)
        if url:
            links.append({"label": label, "url": url})
    view = {
        "item_type": "lead",
        "item_id": lead["id"],
        "person": name or "Someone",
        "headline_verb": f"joined {company}",
        "now_title": display_title(lead.get("title")) or None,
        "now_company": company,
        "since": lead.get("job_started_date"),
        "past_title": display_title(lead.get("past_title")) or None,
        "past_account": display_company(None, account_name=(past_acc or {}).get("name"))
        or lead.get("past_account_id"),
        "email": lead.get("email"),
        "linkedin_url": lead.get("linkedin_url"),
        "past_deal": _deal_view(best_deal(roles)),
        "why_it_matters": why_it_matters(
            company,
            opps,
            customer=customer,
            renewal=renewal,
            left=False,
            person=name.split(" ")[0] if name else "",
            past_deal=best_deal(roles),
        ),
        "links": links,
    }
    return view, customer, renewal


def _items(
    conn: Connection,
    cfg: Config,
    start: datetime,
    end: datetime,
    report: PlanReport,
    record_url: RecordUrl | None = None,
) -> list[tuple[RuleContext, dict[str, Any], dict[str, str | None]]]:
    """(rule context, message view, team) of every item in the window."""
    send_date = end.date()
    bf_sigs, bf_contacts = items_store.backfill_refs(conn)
    lead_rows = items_store.leads_created(conn, start, end, notified_lead_source(cfg))
    contact_rows = [
        r
        for r in items_store.contacts_departed(conn, start, end)
        if str(r["status"] or "").casefold() == cfg.program.contact_status.casefold()
        and str(r["disqualified_reason"] or "").casefold() == cfg.program.disqualified_reason.casefold()
    ]
    if any(r.enabled and r.item == "new_hire" for r in cfg.notifications.rules.values()):  # rule 2A
        hires = items_store.new_hire_leads(conn, start, end, cfg.program.target_tracking_lead_source)
        lead_rows += [{**r, "_new_hire": True} for r in hires]
    kept_leads = [r for r in lead_rows if not r.get("is_backfill") and r.get("signal_id") not in bf_sigs]
    kept_contacts = [r for r in contact_rows if r["id"] not in bf_contacts]
    report.backfill_skipped = len(lead_rows) - len(kept_leads) + len(contact_rows) - len(kept_contacts)
    report.leads, report.contacts = len(kept_leads), len(kept_contacts)
    accs = rows_by_id(
        conn,
        accounts,
        [r.get("matched_account_id") for r in kept_leads]
        + [r.get("past_account_id") for r in kept_leads]
        + [r.get("account_id") for r in kept_contacts],
    )
    opps = items_store.open_opportunities(conn, accs)
    roles = items_store.deal_roles(
        conn, [r.get("past_contact_id") for r in kept_leads] + [c["id"] for c in kept_contacts]
    )
    out = []
    for lead in kept_leads:
        acc = accs.get(str(lead.get("matched_account_id")))
        ao = opps.get(str(lead.get("matched_account_id")), []) if acc else []
        past = accs.get(str(lead.get("past_account_id")))
        past_roles = roles.get(str(lead.get("past_contact_id")), [])
        view, customer, renewal = _lead_item(lead, acc, ao, past, cfg, record_url, past_roles)
        if lead.get("_new_hire"):
            view["headline_verb"] += ", a target account"
            view["why_it_matters"] = new_hire_why(view["now_company"], view["person"].split(" ")[0], ao)
        ctx = RuleContext(
            "new_hire" if lead.get("_new_hire") else "lead",
            send_date,
            lead.get("lead_source"),
            tuple(o.get("stage_number") for o in ao),
            renewal,
            customer,
            lead.get("job_started_date"),
        )
        team = {
            "lead_owner": lead.get("owner_id"),
            "account_bdr": (acc or {}).get("bdr_id"),
            "account_ae": (acc or {}).get("owner_id"),
            "account_renewal_manager": (acc or {}).get("renewal_manager_id"),
        }
        out.append((ctx, view, team))
    moved = items_store.moves(conn, [c["id"] for c in kept_contacts])
    web = cfg.notifications.web_base_url.rstrip("/")
    for c in kept_contacts:
        acc = accs.get(str(c.get("account_id")))
        ao = opps.get(str(c.get("account_id")), []) if acc else []
        company = display_company(None, account_name=(acc or {}).get("name")) or "their company"
        customer = _is_customer(acc, False, cfg)
        renewal = any(o.get("type") in cfg.notifications.renewal_types for o in ao)
        mv = moved.get(c["id"], {})
        person = display_person(c.get("first_name"), c.get("last_name") or "") or "Someone"
        mine = roles.get(str(c["id"]), [])
        links = [{"label": "Open contact in jobshift", "url": f"{web}/contacts/{c['id']}"}]
        if mv.get("lead_id"):
            links.append({"label": "New lead", "url": f"{web}/leads/{mv['lead_id']}"})
        url = _link(cfg, "Contact", c["id"], record_url)
        if url:
            links.append({"label": "Contact in CRM", "url": url})
        view = {
            "item_type": "contact",
            "item_id": c["id"],
            "person": person,
            "headline_verb": f"left {company}",
            "now_title": display_title(mv.get("new_title")) or None,
            "now_company": display_company(mv.get("new_company")) or None,
            "since": mv.get("job_started_date"),
            "past_title": display_title(c.get("title")) or None,
            "past_account": company,
            "email": c.get("email"),
            "linkedin_url": c.get("linkedin_url"),
            "past_deal": _deal_view(best_deal(mine)),
            "why_it_matters": why_it_matters(
                company,
                ao,
                customer=customer,
                renewal=renewal,
                left=True,
                person=person.split(" ")[0] if c.get("first_name") else person,
                roles_on_open=[
                    r for r in mine if not r.get("is_closed") and r.get("account_id") == c.get("account_id")
                ],
            ),
            "links": links,
        }
        ctx = RuleContext(
            "contact",
            send_date,
            None,
            tuple(o.get("stage_number") for o in ao),
            renewal,
            customer,
            mv.get("job_started_date"),
        )
        team = {
            "lead_owner": None,
            "account_bdr": (acc or {}).get("bdr_id"),
            "account_ae": (acc or {}).get("owner_id"),
            "account_renewal_manager": (acc or {}).get("renewal_manager_id"),
        }
        out.append((ctx, view, team))
    return out


def channels_for(user: Mapping[str, Any], pref: str) -> list[str]:
    """The channels a user is told on (their preference, falling back to what they can receive)."""
    has_slack, has_email = bool(user.get("slack_user_id")), bool(user.get("email"))
    if pref == "none":
        return []
    if pref == "digest":
        return ["digest"] if has_email or has_slack else []
    if pref == "both":
        return [c for c, ok in (("slack", has_slack), ("email", has_email)) if ok]
    first, other = ("slack", "email") if pref == "slack" else ("email", "slack")
    ok = {"slack": has_slack, "email": has_email}
    return [first] if ok[first] else ([other] if ok[other] else [])


def plan(
    conn: Connection,
    cfg: Config,
    send_date: date,
    *,
    now: datetime,
    write: bool = True,
    record_url: RecordUrl | None = None,
) -> PlanReport:
    """Evaluate the rules for the items of the window before ``send_date``; insert new rows if ``write``.

    ``record_url`` links the items to their CRM records (else ``[notifications] crm_record_url``)."""
    start, end = window_for(send_date, cfg)
    report = PlanReport(window=(start.isoformat(), end.isoformat()))
    specs = rule_specs(cfg)
    n = cfg.notifications
    items = _items(conn, cfg, start, end, report, record_url)
    attach_drafts(conn, items)  # first-touch drafts (services/outreach)
    people = rows_by_id(conn, users, (uid for _c, _v, team in items for uid in team.values()))
    prefs = nstore.get_prefs(conn)
    for ctx, view, team in items:
        told: set[str] = set()
        for res in matching_rules(
            specs, ctx, lead_source=notified_lead_source(cfg), early_stages=n.early_stages
        ):
            spec = next(s for s in specs if s.id == res.rule_id)
            report.fired[spec.id] = report.fired.get(spec.id, 0) + 1
            for role, uid in recipients_for(spec, team, told if n.one_per_recipient else None):
                told.add(uid)
                user = people.get(uid)
                if user is None or user.get("active") is False:
                    report.inactive_skipped += 1
                    continue
                chans = channels_for(user, prefs.get(uid, n.default_channel))
                if not chans:
                    report.opted_out += 1
                    continue
                payload = {
                    **view,
                    "rule": spec.id,
                    "rule_title": spec.title or spec.id,
                    "role": role,
                    "rule_why": res.why,
                }
                for ch in chans:
                    report.rows.append(
                        {
                            "idempotency_key": nstore.idempotency_key(
                                spec.id, view["item_type"], view["item_id"], uid, ch
                            ),
                            "rule": spec.id,
                            "item_type": view["item_type"],
                            "item_id": view["item_id"],
                            "recipient_user_id": uid,
                            "channel": ch,
                            "payload": payload,
                        }
                    )
    if write and report.rows:
        report.inserted = nstore.insert_planned(conn, report.rows, now, send_date)
    return report
