"""Finding contacts HubSpot already has for people jobshift is about to create (dedupe before create).

One search per :data:`LOOKUP_BATCH` people, its filter groups OR-ed (HubSpot allows 5 groups of at most
6 filters, 18 filters in all, 100 values per ``IN``): e-mail ``IN``; LinkedIn property ``IN`` the usual
spellings of each profile URL; last name ``IN`` with the primary company ``IN`` the matched accounts, with
the e-mail domain ``IN`` the company domains, or with the company name ``IN`` the company names. The
candidates are then matched per person as the built-in store does: e-mail, LinkedIn or first + last name,
at the company (matched account, e-mail at the company's domain, or the same company name).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jobshift.connectors.crm.hubspot.client import HubSpotClient
from jobshift.connectors.crm.hubspot.fields import KEY_PROPERTY
from jobshift.connectors.crm.protocol import ExistingPerson, PersonLookup
from jobshift.connectors.csv_import.values import email_key, linkedin_person_key

LOOKUP_BATCH = 25
"""People per search: four LinkedIn spellings each stay within 100 values per ``IN``."""


def linkedin_spellings(norm: str) -> list[str]:
    """How a CRM usually stores the profile ``linkedin.com/in/<slug>``."""
    slug = norm.rsplit("/", 1)[-1]
    return [f"https://www.linkedin.com/in/{slug}", f"https://www.linkedin.com/in/{slug}/",
            f"https://linkedin.com/in/{slug}", f"linkedin.com/in/{slug}"]  # fmt: skip


def _in(prop: str, values: Sequence[str]) -> dict[str, Any]:
    return {"propertyName": prop, "operator": "IN", "values": list(values)}


def lookup_body(people: Sequence[PersonLookup], li_prop: str | None) -> dict[str, Any] | None:
    """The search request finding candidates for ``people`` (``None`` when there is nothing to ask)."""
    emails = sorted({e for p in people for e in (email_key(x) for x in p.emails) if e})
    lis = sorted({s for p in people if p.linkedin_norm for s in linkedin_spellings(p.linkedin_norm)})
    names = sorted({p.last_name for p in people if p.first_name and p.last_name})
    accounts = sorted({p.account_id for p in people if p.account_id and p.account_id.isdigit()})
    domains = sorted({p.company_domain.lower() for p in people if p.company_domain})
    companies = sorted({p.company_name for p in people if p.company_name})
    groups: list[dict[str, Any]] = []
    if emails:
        groups.append({"filters": [_in("email", emails)]})
    if lis and li_prop:
        groups.append({"filters": [_in(li_prop, lis)]})
    if names:
        for prop, values in (("associatedcompanyid", accounts), ("hs_email_domain", domains),
                             ("company", companies)):  # fmt: skip
            if values:
                groups.append({"filters": [_in("lastname", names), _in(prop, values)]})
    if not groups:
        return None
    props = ["email", "firstname", "lastname", "company", "associatedcompanyid", KEY_PROPERTY]
    return {"filterGroups": groups, "properties": props + ([li_prop] if li_prop else []), "limit": 100}


def find_people(
    client: HubSpotClient, people: Sequence[PersonLookup], li_prop: str | None
) -> dict[str, ExistingPerson]:
    """The contact HubSpot has for each person at the company, by the person's key."""
    out: dict[str, ExistingPerson] = {}
    todo = [p for p in people if p.emails or p.linkedin_norm or (p.first_name and p.last_name)]
    for i in range(0, len(todo), LOOKUP_BATCH):
        chunk = todo[i : i + LOOKUP_BATCH]
        body = lookup_body(chunk, li_prop)
        if body is None:
            continue
        records = sorted(client.search_all("contacts", body), key=lambda r: int(str(r.get("id") or 0)))
        for p in chunk:
            for rec in records:
                props = rec.get("properties") or {}
                how = same_person(p, props, li_prop)
                if how:
                    obj = "contacts" if props.get("associatedcompanyid") else "leads"
                    out[p.key] = ExistingPerson(obj, str(rec["id"]), how)  # type: ignore[arg-type]
                    break
    return out


def same_person(p: PersonLookup, props: Mapping[str, Any], li_prop: str | None) -> str | None:
    """How the contact ``props`` is the person ``p`` at the company, or ``None``."""
    rec_email = email_key(props.get("email")) if props.get("email") else None
    domain = (p.company_domain or "").lower()
    at_company = (
        (bool(p.account_id) and str(props.get("associatedcompanyid") or "") == p.account_id)
        or bool(domain and rec_email and rec_email.endswith("@" + domain))
        or (bool(p.company_name) and _fold(props.get("company")) == _fold(p.company_name))
    )
    if not at_company:
        return None
    if rec_email and rec_email in {email_key(e) for e in p.emails if e}:
        return "email+company"
    if p.linkedin_norm and li_prop and linkedin_person_key(props.get(li_prop)) == p.linkedin_norm:
        return "linkedin+company"
    same = (_fold(props.get("firstname")), _fold(props.get("lastname"))) == (
        _fold(p.first_name),
        _fold(p.last_name),
    )
    return "name+company" if p.first_name and p.last_name and same else None


def _fold(value: Any) -> str:
    return " ".join(str(value or "").casefold().split())
