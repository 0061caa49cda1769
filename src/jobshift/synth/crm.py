"""The CRM side of the demo data: users, accounts, contacts, opportunities, roles, leads, activities.

Accounts are generated first and kept in memory as compact records (a few hundred bytes each); the
rest is generated one account at a time by :func:`account_block` and streamed to the writers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from jobshift.synth.companies import COUNTRIES, Company, CompanyNamer, website_forms
from jobshift.synth.names import PersonName, ascii_slug, pick_name
from jobshift.synth.titles import any_title

ACCOUNT_COLUMNS = (
    "id",
    "name",
    "website",
    "type",
    "segment",
    "owner_id",
    "bdr_id",
    "renewal_manager_id",
    "is_target",
    "parent_id",
    "industry",
    "employees",
    "country",
    "state",
    "created_at",
)
CONTACT_COLUMNS = (
    "id",
    "account_id",
    "first_name",
    "last_name",
    "email",
    "title",
    "linkedin_url",
    "phone",
    "country",
    "state",
    "owner_id",
    "email_opt_out",
    "no_longer_at_company",
    "status",
    "created_at",
)
OPPORTUNITY_COLUMNS = (
    "id",
    "account_id",
    "name",
    "stage",
    "type",
    "is_closed",
    "is_won",
    "amount",
    "created_at",
    "close_date",
    "owner_id",
    "lead_source",
)
ROLE_COLUMNS = ("opportunity_id", "contact_id", "role", "is_primary")
USER_COLUMNS = ("id", "name", "email", "role", "segment", "region", "slack_user_id", "active", "manager_id")
LEAD_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "email",
    "company",
    "title",
    "linkedin_url",
    "status",
    "lead_source",
    "owner_id",
    "created_at",
    "converted_contact_id",
    "converted_account_id",
    "converted_opportunity_id",
)
ACTIVITY_COLUMNS = ("id", "who_id", "type", "occurred_at", "owner_id", "subject", "opportunity_id")

STAGES = (
    "0-Pending Acceptance",
    "1-Discovery",
    "2-Scoping",
    "3-Technical Evaluation",
    "4-Proposal",
    "5-Negotiating",
    "6-Awaiting Signature",
    "7-Closed Won",
    "8-Closed Lost",
)
SEGMENTS = ("Large", "Mid-Market", "SMB", "PubSec")
_SEGMENT_W = (15, 30, 45, 10)
ACCOUNT_TYPES = ("Customer", "Prospect", "Former Customer", "Partner")
_TYPE_W = (25, 58, 10, 7)
REGIONS = ("AMER", "EMEA", "APJ")
_REGION_OF = {"US": "AMER", "CA": "AMER", "BR": "AMER", "JP": "APJ", "AU": "APJ", "IN": "APJ"}
CONTACT_ROLES = ("Decision Maker", "Economic Buyer", "Technical Buyer", "Champion", "Influencer", "Evaluator")
SUBSIDIARY_SUFFIX = {
    "DE": "Deutschland",
    "GB": "UK",
    "FR": "France",
    "JP": "Japan",
    "ES": "Iberia",
    "NL": "Benelux",
    "AU": "Australia",
    "IN": "India",
}


def region_of(country: str) -> str:
    """Sales region of a country."""
    return _REGION_OF.get(country, "EMEA")


def iso(d: date | datetime) -> str:
    """ISO text of a date or (second-precision) datetime."""
    return d.isoformat(timespec="seconds") if isinstance(d, datetime) else d.isoformat()


def at(d: date, rng: random.Random) -> datetime:
    """A working-hours moment on day ``d``."""
    return datetime.combine(d, time(rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59)))


@dataclass
class User:
    """A CRM user (rep, manager or admin)."""

    id: str
    name: str
    email: str
    role: str
    segment: str | None
    region: str | None
    slack_user_id: str
    active: bool
    manager_id: str | None

    def row(self) -> dict[str, object]:
        """The users.csv row."""
        return dict(self.__dict__)


def make_users(rng: random.Random, scale: float) -> list[User]:
    """About 40 users at scale 1 (at least 16): BDRs, SDRs, AEs, renewal managers, managers, an admin."""
    n = max(16, round(40 * scale**0.5))
    plan = [
        ("Admin", 1),
        ("Manager", max(2, n // 20)),
        ("Renewal Manager", max(2, n // 10)),
        ("SDR", max(3, n // 5)),
        ("BDR", max(4, n * 3 // 10)),
    ]
    plan.append(("AE", n - sum(k for _, k in plan)))
    users: list[User] = []
    managers: list[str] = []
    used: set[str] = set()
    for role, k in plan:
        for j in range(k):
            while True:
                nm = pick_name(rng, rng.choice(("US", "US", "GB", "DE", "FR", "IN")))
                if nm.full not in used:
                    used.add(nm.full)
                    break
            uid = f"u-{len(users) + 1:04d}"
            seg = None if role in ("Admin", "Manager") else SEGMENTS[j % len(SEGMENTS)]
            reg = None if role == "Admin" else REGIONS[(j // len(SEGMENTS)) % len(REGIONS)]
            slack = "U0" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(9))
            users.append(
                User(
                    uid,
                    nm.full,
                    f"{ascii_slug(nm.first)}.{ascii_slug(nm.last)}@ourco.example",
                    role,
                    seg,
                    reg,
                    slack,
                    True,
                    rng.choice(managers) if managers and role not in ("Admin", "Manager") else None,
                )
            )
            if role == "Manager":
                managers.append(uid)
    for role in ("SDR", "BDR"):  # one inactive rep of each kind
        rng.choice([u for u in users if u.role == role]).active = False
    return users


@dataclass
class Account:
    """Compact account record kept for the whole run."""

    idx: int
    id: str
    company: Company
    type: str
    segment: str
    is_target: bool
    employees: int
    owner_id: str
    bdr_id: str | None
    renewal_manager_id: str | None
    parent_id: str | None
    website: str
    created_at: datetime
    n_contacts: int
    contact_offset: int = 0
    renamed_to: str | None = None  # the name the people feed uses (the company was renamed)
    alias: str | None = None  # a name in account_aliases.csv: the new name of a renamed company or a brand
    root_idx: int = -1
    lead_emails: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        """Name as the CRM holds it."""
        return self.company.name

    @property
    def feed_name(self) -> str:
        """Name as the people feed shows it today."""
        return self.renamed_to or self.company.name

    def row(self) -> dict[str, object]:
        """The accounts.csv row."""
        c = self.company
        return {
            "id": self.id,
            "name": c.name,
            "website": self.website,
            "type": self.type,
            "segment": self.segment,
            "owner_id": self.owner_id,
            "bdr_id": self.bdr_id,
            "renewal_manager_id": self.renewal_manager_id,
            "is_target": self.is_target,
            "parent_id": self.parent_id,
            "industry": c.industry,
            "employees": self.employees,
            "country": c.country_name,
            "state": c.region,
            "created_at": iso(self.created_at),
        }


_EMPLOYEES = {
    "Large": (5_000, 250_000),
    "Mid-Market": (500, 4_999),
    "SMB": (10, 499),
    "PubSec": (200, 60_000),
}
_CONTACTS = {"Large": (12, 40), "Mid-Market": (6, 18), "SMB": (1, 7), "PubSec": (6, 18)}


def make_accounts(
    rng: random.Random, scale: float, users: list[User], as_of: date, renamer: CompanyNamer
) -> list[Account]:
    """About 2,000 × ``scale`` accounts with owners, targets, subsidiaries and a few renamed companies.

    ``renamer`` (a non-CRM namer) gives the new names of renamed companies.
    """
    n = max(20, round(2000 * scale))
    namer = CompanyNamer(rng, crm=True)
    active = [u for u in users if u.active]

    def pick(role: str, seg: str, region: str) -> str:
        cands = [u.id for u in active if u.role == role and u.segment == seg and u.region == region]
        cands = cands or [u.id for u in active if u.role == role and u.segment == seg]
        return rng.choice(cands or [u.id for u in active if u.role == role])

    accounts: list[Account] = []
    sub_countries: dict[int, set[str]] = {}
    offset = 0
    for i in range(n):
        seg = rng.choices(SEGMENTS, _SEGMENT_W)[0]
        typ = rng.choices(ACCOUNT_TYPES, _TYPE_W)[0]
        parent: Account | None = None
        if i > 20 and rng.random() < 0.04:
            big = [
                a
                for a in accounts[-200:]
                if a.segment == "Large"
                and a.parent_id is None
                and a.company.country == "US"
                and a.renamed_to is None
            ]
            parent = rng.choice(big) if big else None
        free = sorted(set(SUBSIDIARY_SUFFIX) - sub_countries.get(parent.idx, set())) if parent else []
        if parent is not None and not free:
            parent = None  # one subsidiary per country: two identical accounts would make the truth arbitrary
        if parent is not None:
            ctry = rng.choice(free)
            sub_countries.setdefault(parent.idx, set()).add(ctry)
            pc = parent.company
            base = f"{pc.base} {SUBSIDIARY_SUFFIX[ctry]}"
            legal = {
                "DE": "GmbH",
                "GB": "Ltd",
                "FR": "SAS",
                "JP": "K.K.",
                "ES": "S.L.",
                "NL": "B.V.",
                "AU": "Pty Ltd",
                "IN": "Pvt. Ltd.",
            }[ctry]
            tld = {"GB": "co.uk", "JP": "co.jp", "AU": "com.au"}.get(ctry, ctry.lower())
            company = Company(
                f"{base} {legal}",
                base,
                legal,
                f"{pc.linkedin_slug.replace('-', '')}.{tld}",
                f"{pc.linkedin_slug}-{ascii_slug(SUBSIDIARY_SUFFIX[ctry])}",
                ctry,
                rng.choice(COUNTRIES[ctry][3]),
                pc.industry,
            )
            seg = "Large" if rng.random() < 0.5 else "Mid-Market"
            typ = parent.type if rng.random() < 0.7 else "Prospect"
        else:
            company = namer.company(rng, pubsec=seg == "PubSec")
        region = region_of(company.country)
        target_p = {"Prospect": 0.22, "Former Customer": 0.15, "Customer": 0.05, "Partner": 0.0}[typ]
        lo, hi = _EMPLOYEES[seg]
        acc = Account(
            idx=i,
            id=f"a-{i + 1:06d}",
            company=company,
            type=typ,
            segment=seg,
            is_target=rng.random() < target_p,
            employees=int(lo * (hi / lo) ** rng.random()),
            owner_id=pick("AE", seg, region),
            bdr_id=None if seg == "SMB" and rng.random() < 0.5 else pick("BDR", seg, region),
            renewal_manager_id=pick("Renewal Manager", seg, region)
            if typ in ("Customer", "Former Customer")
            else None,
            parent_id=parent.id if parent else None,
            website=website_forms(rng, company.domain),
            created_at=at(as_of - timedelta(days=rng.randint(200, 2600)), rng),
            n_contacts=rng.randint(*_CONTACTS[seg]),
            contact_offset=offset,
            root_idx=parent.idx if parent else i,
        )
        if parent is None and rng.random() < 0.03:
            acc.renamed_to = renamer.company(rng, country=company.country, pubsec=seg == "PubSec").name
        offset += acc.n_contacts
        accounts.append(acc)
    return accounts


@dataclass
class ContactRec:
    """One CRM contact, kept only while its account block is generated."""

    id: str
    name: PersonName
    email: str | None
    title: str
    linkedin_slug: str | None
    linkedin_url: str | None
    opted_out: bool
    no_longer: bool
    created_at: datetime
    roles: set[str] = field(default_factory=set)  # "won", "open", "lost"

    def row(self, acc: Account, rng: random.Random) -> dict[str, object]:
        """The contacts.csv row."""
        c = acc.company
        return {
            "id": self.id,
            "account_id": acc.id,
            "first_name": self.name.first,
            "last_name": self.name.last,
            "email": self.email,
            "title": self.title,
            "linkedin_url": self.linkedin_url,
            "phone": f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            if rng.random() < 0.4
            else None,
            "country": c.country_name,
            "state": c.region,
            "owner_id": acc.owner_id,
            "email_opt_out": self.opted_out,
            "no_longer_at_company": self.no_longer,
            "status": "Disqualified"
            if self.no_longer
            else rng.choice(("Active", "Active", "Qualified", "Nurture")),
            "created_at": iso(self.created_at),
        }


def linkedin_slug(name: PersonName, n: int) -> str:
    """A unique public-profile slug: ``jane-doe-3k9x2a`` (the suffix is a bijection of ``n``)."""
    h = (n * 2654435761 + 97) % (1 << 32)
    suffix = ""
    while h:
        h, r = divmod(h, 36)
        suffix += "0123456789abcdefghijklmnopqrstuvwxyz"[r]
    return f"{ascii_slug(name.first)}-{ascii_slug(name.last)}-{suffix}"


def linkedin_form(rng: random.Random, slug: str) -> str:
    """A profile URL in one of the forms people paste."""
    return rng.choice(
        (
            f"https://www.linkedin.com/in/{slug}",
            f"linkedin.com/in/{slug}/",
            f"http://linkedin.com/in/{slug}",
            f"https://de.linkedin.com/in/{slug}",
            f"www.linkedin.com/in/{slug}?trk=public_profile",
            f"https://www.linkedin.com/in/{slug}/",
        )
    )


def email_for(name: PersonName, domain: str, pattern: int) -> str:
    """A work e-mail address by the company's pattern (first.last, flast, first)."""
    f, la = ascii_slug(name.first).replace("-", ""), ascii_slug(name.last).replace("-", "")
    local = (f"{f}.{la}", f"{f[:1]}{la}", f"{f}_{la}")[pattern % 3]
    return f"{local}@{domain}"


def make_contacts(rng: random.Random, acc: Account, as_of: date, person_no: int) -> list[ContactRec]:
    """The contacts of one account (unique names within the account)."""
    out: list[ContactRec] = []
    names: set[str] = set()
    pattern = acc.idx % 3
    for k in range(acc.n_contacts):
        while True:
            nm = pick_name(rng, acc.company.country)
            if nm.full not in names:
                names.add(nm.full)
                break
        slug = linkedin_slug(nm, person_no + k)
        has_li = rng.random() < 0.85
        out.append(
            ContactRec(
                id=f"c-{acc.contact_offset + k + 1:06d}",
                name=nm,
                email=email_for(nm, acc.company.domain, pattern) if rng.random() < 0.93 else None,
                title=any_title(rng),
                linkedin_slug=slug,
                linkedin_url=linkedin_form(rng, slug) if has_li else None,
                opted_out=rng.random() < 0.03,
                no_longer=rng.random() < 0.01,
                created_at=at(as_of - timedelta(days=rng.randint(30, 2000)), rng),
            )
        )
    return out
