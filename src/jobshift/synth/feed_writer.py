"""Building blocks of the people-data feed: the scenario mix and noise rates, jobs and partial dates,
and :class:`FeedWriter`, the state and helpers every scenario of :mod:`jobshift.synth.feed` uses."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from jobshift.synth.companies import Company, linkedin_company_url, name_variant
from jobshift.synth.crm import Account, ContactRec, email_for, linkedin_slug
from jobshift.synth.names import PersonName, ascii_slug, nickname
from jobshift.synth.noise import company_form
from jobshift.synth.titles import (
    any_title,
    function_of,
    levels_of,
)
from jobshift.synth.writer import RowWriter

SCENARIOS: dict[str, float] = {
    "unchanged": 0.62,
    "job_change_crm": 0.05,
    "job_change_other": 0.09,
    "left_company": 0.03,
    "promotion": 0.05,
    "title_change": 0.04,
    "advisor": 0.006,
    "board_member": 0.004,
    "investor": 0.004,
    "intern": 0.004,
    "student": 0.004,
    "self_employed": 0.006,
    "too_old": 0.025,
    "free_mail_only": 0.012,
    "side_role_only": 0.015,
    "stale_contradiction": 0.01,
}
"""Scenario weights of a tracked contact with a profile (the manifest reports the realised shares)."""
NOISE_RATES = {
    "no_linkedin": 0.15,
    "nickname": 0.06,
    "name_variant": 0.2,
    "partial_date": 0.3,
    "side_role": 0.05,
    "duplicate_profile": 0.05,
    "stale_observation": 0.05,
    "same_name_other_person": 0.04,
}
UNIVERSITIES = (
    ("Stanford University", "stanford.edu"),
    ("University of Oxford", "ox.ac.uk"),
    ("ETH Zurich", "ethz.ch"),
    ("Technical University of Munich", "tum.de"),
    ("INSEAD", "insead.edu"),
    ("University of Texas at Austin", "utexas.edu"),
)
CONCURRENT_TITLES = ("Lecturer", "Adjunct Professor", "Mentor", "Volunteer Coordinator", "Guest Lecturer")
"""Second jobs held beside an unchanged main job (not seats: those are ``side_role``)."""
FREE_MAIL = ("gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "gmx.de", "icloud.com")


def is_tracked_candidate(acc: Account, c: ContactRec) -> bool:
    """Contacts every sensible default cohort tracks: won/open opps outside SMB, or lost opps."""
    if c.no_longer:
        return False
    return ("lost" in c.roles) or (acc.segment != "SMB" and bool(c.roles & {"won", "open"}))


@dataclass
class Job:
    """One experience entry."""

    company: str | None
    website: str | None
    title: str
    start: str | None
    end: str | None = None
    primary: bool = False
    linkedin: str | None = None
    country: str | None = None
    region: str | None = None

    def entry(self) -> dict[str, Any]:
        """The PDL ``experience`` item."""
        comp: dict[str, Any] = {
            "name": self.company,
            "website": self.website,
            "linkedin_url": self.linkedin,
            "location": {"country": self.country, "region": self.region} if self.country else None,
        }
        return {
            "company": comp,
            "title": {"name": self.title, "levels": levels_of(self.title), "role": function_of(self.title)},
            "start_date": self.start,
            "end_date": self.end,
            "is_primary": self.primary,
        }


def fmt(d: date, precision: str) -> str:
    """``d`` as YYYY, YYYY-MM or YYYY-MM-DD."""
    return {"year": f"{d.year:04d}", "month": f"{d.year:04d}-{d.month:02d}"}.get(precision, d.isoformat())


def period(d: date, precision: str) -> tuple[date, date]:
    """First and last day a partial date can mean."""
    if precision == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    if precision == "month":
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return date(d.year, d.month, 1), nxt - timedelta(days=1)
    return d, d


def start_text(
    rng: random.Random, d: date, lo: date | None, hi: date | None, partial: bool
) -> tuple[str, bool]:
    """Render a start date, coarser if ``partial`` and the whole period stays within [lo, hi]."""
    if partial:
        for prec in rng.sample(["year", "month"], 2):
            a, b = period(d, prec)
            if (lo is None or a >= lo) and (hi is None or b <= hi):
                return fmt(d, prec), True
    return d.isoformat(), False


@dataclass
class FeedWriter:
    """What every scenario of :class:`~jobshift.synth.feed.Feed` writes with: the state of the feed being
    written (counters, writers, random streams) and the helpers that build jobs, profiles and traps."""

    seed: int
    as_of: date
    accounts: list[Account]
    pool: list[Company]
    people: RowWriter
    truth: RowWriter
    traps: RowWriter
    person_no: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    noise: Counter[str] = field(default_factory=Counter)
    destinations: list[int] = field(default_factory=list)
    contact_names: Callable[[Account], frozenset[str]] | None = None
    real_noise: bool = True
    """Layer the real-world noise of :mod:`jobshift.synth.noise` (``generate --noise real``, the default)."""
    nrng: random.Random = field(default_factory=lambda: random.Random(0))
    """The real-noise stream of the current account block (set by the generator per block)."""

    def __post_init__(self) -> None:
        self.destinations = [a.idx for a in self.accounts if not a.is_target]

    def pid(self) -> str:
        self.person_no += 1
        return f"p-{self.person_no:08d}"

    def observed(self, rng: random.Random) -> date:
        return self.as_of - timedelta(days=rng.randint(0, 40))

    def account_job(
        self,
        rng: random.Random,
        acc: Account,
        title: str,
        start: str | None,
        end: str | None,
        primary: bool,
        noise: set[str],
        website: bool = True,
        variant: bool = False,
    ) -> Job:
        """A job at a CRM account as the feed shows it (renamed / name variant need the website)."""
        name = acc.feed_name
        if acc.renamed_to:
            noise.add("renamed_company")
            # with the website: a Salesforce-mode workspace has no alias table (its pull does not fill
            # one), and both modes must find the same signals (tests/test_cadence_e2e.py)
            website = True
        elif variant:
            name = name_variant(rng, acc.company)
            noise.update(("name_variant", "company_name_variant"))
        elif self.real_noise and self.nrng.random() < 0.2:
            brand = bool(acc.alias) and self.nrng.random() < 0.5
            if brand:
                name, kind = str(acc.alias), "brand_name"
            else:
                name, kind = company_form(self.nrng, acc.company)
            noise.update(("company_name_variant", kind))
            if not brand and self.nrng.random() < 0.5:  # a brand keeps its website (see above)
                website = False
        return Job(
            name,
            acc.company.domain if website else None,
            title,
            start,
            end,
            primary,
            linkedin_company_url(acc.company.linkedin_slug) if rng.random() < 0.5 else None,
            acc.company.pdl_country,
            acc.company.region,
        )

    def pool_job(
        self,
        rng: random.Random,
        title: str,
        start: str | None,
        end: str | None = None,
        primary: bool = False,
        company: Company | None = None,
    ) -> Job:
        comp = company or rng.choice(self.pool)
        return Job(
            comp.name,
            comp.domain if rng.random() < 0.8 else None,
            title,
            start,
            end,
            primary,
            linkedin_company_url(comp.linkedin_slug) if rng.random() < 0.4 else None,
            comp.pdl_country,
            comp.region,
        )

    def earlier_jobs(self, rng: random.Random, before: date, n: int) -> list[Job]:
        jobs = []
        end = before
        for _ in range(n):
            start = end - timedelta(days=rng.randint(300, 1500))
            jobs.append(self.pool_job(rng, any_title(rng), fmt(start, "month"), fmt(end, "month")))
            end = start - timedelta(days=rng.randint(0, 60))
        return jobs

    def profile(
        self,
        pid: str,
        name: PersonName,
        slug: str | None,
        work_email: str | None,
        personal: list[str],
        emails: list[str],
        jobs: list[Job],
        observed: date,
        location: tuple[str | None, str | None],
    ) -> dict[str, Any]:
        """A PDL-style profile; the current job (primary, open-ended) fills the ``job_*`` fields."""
        cur = next((j for j in jobs if j.primary and j.end is None), None)
        p: dict[str, Any] = {
            "id": pid,
            "linkedin_url": f"linkedin.com/in/{slug}" if slug else None,
            "full_name": f"{name.first} {name.last}".lower(),
            "first_name": name.first.lower(),
            "last_name": name.last.lower(),
            "work_email": work_email,
            "personal_emails": personal,
            "emails": [{"address": e} for e in emails],
            "job_title": cur.title.lower() if cur else None,
            "job_title_levels": levels_of(cur.title) if cur else [],
            "job_company_name": cur.company.lower() if cur and cur.company else None,
            "job_company_website": cur.website if cur else None,
            "job_company_linkedin_url": cur.linkedin if cur else None,
            "job_start_date": cur.start if cur else None,
            "location_country": location[0],
            "location_region": location[1].lower() if location[1] else None,
            "experience": [j.entry() for j in jobs],
            "observed_at": observed.isoformat(),
        }
        self.people.write(p)
        return p

    def personal_email(self, rng: random.Random, name: PersonName) -> str:
        f, la = ascii_slug(name.first).replace("-", ""), ascii_slug(name.last).replace("-", "")
        return f"{f}.{la}{rng.randint(1, 99)}@{rng.choice(FREE_MAIL)}"

    def trap(
        self, kind: str, person_id: str, contact_id: str | None, account_id: str | None, reason: str
    ) -> None:
        self.traps.write(
            {
                "kind": kind,
                "person_id": person_id,
                "contact_id": contact_id,
                "account_id": account_id,
                "reason": reason,
            }
        )
        self.counts[f"trap:{kind}"] += 1

    def _identity(
        self,
        rng: random.Random,
        c: ContactRec,
        noise: set[str],
        need_id: bool,
        allow_no_linkedin: bool = True,
    ) -> tuple[PersonName, str | None, list[str]]:
        """Name shown, LinkedIn slug shown, old work e-mails shown (keeping the person identifiable)."""
        slug: str | None = c.linkedin_slug
        if allow_no_linkedin and rng.random() < NOISE_RATES["no_linkedin"]:
            slug = None
        old = [c.email] if c.email and rng.random() < 0.7 else []
        shares_li = slug is not None and c.linkedin_url is not None
        if need_id and not shares_li and not old:
            if c.linkedin_url:
                slug = c.linkedin_slug
                shares_li = True
            elif c.email:
                old = [c.email]
        name = c.name
        nick = nickname(rng, c.name.first)
        if nick and (shares_li or old) and rng.random() < NOISE_RATES["nickname"]:
            name = PersonName(nick, c.name.last, c.name.country)
            noise.update(("nickname", "name_variant"))
        if slug is None:
            noise.add("no_linkedin")
        elif c.linkedin_url and not c.linkedin_url.rstrip("/").endswith(f"linkedin.com/in/{slug}"):
            noise.add("linkedin_url_variant")
        return name, slug, old

    def _stale(
        self,
        rng: random.Random,
        acc: Account,
        c: ContactRec,
        name: PersonName,
        slug: str | None,
        old: list[str],
        obs: date,
        loc: tuple[str | None, str | None],
        pid: str,
        d: date,
        old_start: date,
    ) -> None:
        """An older observation of ``pid`` showing the CRM state (before the change was seen)."""
        stale_obs = max(d, obs - timedelta(days=rng.randint(30, 150)))
        stale_obs = min(stale_obs, obs - timedelta(days=1))
        job = self.account_job(rng, acc, c.title, fmt(old_start, "month"), None, True, set())
        self.profile(pid, name, slug, c.email if c.email and old else None, [], old, [job], stale_obs, loc)

    def _destination(self, rng: random.Random, acc: Account, name: PersonName) -> Account:
        """A non-target CRM account outside ``acc``'s family without a contact of that name."""
        while True:
            dest = self.accounts[rng.choice(self.destinations)]
            if dest.root_idx != acc.root_idx and name.full not in self.names_of(dest):
                return dest

    def names_of(self, acc: Account) -> frozenset[str]:
        """Full names of the contacts of ``acc`` (the generator sets ``contact_names``)."""
        return self.contact_names(acc) if self.contact_names else frozenset()

    def _stranger(
        self, rng: random.Random, acc: Account, c: ContactRec, obs: date, truth_noise: set[str] | None
    ) -> None:
        """A different person with the contact's name at a company outside the CRM."""
        comp = rng.choice(self.pool)
        start = obs - timedelta(days=rng.randint(30, 2000))
        slug = linkedin_slug(c.name, 3_000_000_000 + self.person_no) if rng.random() < 0.5 else None
        jobs = [
            self.pool_job(rng, any_title(rng), fmt(start, "month"), None, True, company=comp),
            *self.earlier_jobs(rng, start, rng.randint(0, 2)),
        ]
        pid = self.pid()
        self.profile(
            pid,
            c.name,
            slug,
            email_for(c.name, comp.domain, 2) if rng.random() < 0.6 else None,
            [],
            [],
            jobs,
            obs,
            (comp.pdl_country, comp.region),
        )
        self.trap(
            "same_name_other_person",
            pid,
            c.id,
            None,
            "same name as a CRM contact, no shared LinkedIn/e-mail, CRM company not in history",
        )
        if truth_noise is not None:
            truth_noise.add("same_name_other_person")
