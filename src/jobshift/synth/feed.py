"""The people-data feed (PDL-style profiles) and its ground truth.

For each CRM contact a profile is written for ~90% of them; contacts in the tracked cohorts (on won,
open or lost opportunities; see :func:`is_tracked_candidate`) get a scenario — unchanged, job change,
left, promotion, title change, a suppressed job change, or a trap — and noise is layered on top.
Target accounts also get people who are not in the CRM (new hires, some of which must not count).
Every signal a careful system must emit goes to ``truth.jsonl``; every case it must *not* act on goes
to ``traps.jsonl``. All dates are relative to the profile's ``observed_at``.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from jobshift.synth.companies import Company, linkedin_company_url, name_variant
from jobshift.synth.crm import Account, ContactRec, email_for, linkedin_slug
from jobshift.synth.names import PersonName, ascii_slug, nickname, pick_name
from jobshift.synth.noise import company_form, crm_title
from jobshift.synth.titles import (
    BY_NAME,
    INTERN_TITLES,
    LATERAL,
    NON_PERSONA,
    PERSONA,
    PROMOTIONS,
    SELF_EMPLOYED,
    SIDE_ROLES,
    STUDENT_TITLES,
    any_title,
    function_of,
    levels_of,
    new_job_title,
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
class Feed:
    """Writes profiles, truth and traps for account blocks; counts what it wrote."""

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

    # ---------------------------------------------------------------- helpers
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

    # ---------------------------------------------------------------- CRM contacts
    def contact(self, rng: random.Random, acc: Account, c: ContactRec) -> None:
        """Profile(s), truth and traps for one CRM contact."""
        if c.no_longer or rng.random() >= 0.9:
            self.counts["contacts_without_profile"] += 1
            return
        tracked = is_tracked_candidate(acc, c)
        scenario = "unchanged"
        if tracked:
            scenario = rng.choices(list(SCENARIOS), list(SCENARIOS.values()))[0]
            if scenario == "promotion" and c.title not in PROMOTIONS:
                c.title = rng.choice(sorted(PROMOTIONS))  # the CRM row is written after the feed
            if scenario == "title_change" and c.title not in LATERAL:
                c.title = rng.choice(sorted(LATERAL))
            if c.opted_out and scenario not in ("unchanged", "job_change_crm", "job_change_other"):
                scenario = "unchanged"
            if scenario == "free_mail_only" and c.linkedin_slug is None:
                scenario = "unchanged"
            self.counts["tracked_with_profile"] += 1
            self.counts[f"scenario:{scenario}"] += 1
        else:
            self.counts["untracked_with_profile"] += 1
        obs = self.observed(rng)
        noise: set[str] = set()
        if scenario in ("unchanged", "side_role_only", "stale_contradiction"):
            self._unchanged(rng, acc, c, obs, scenario)
            return
        self._changed(rng, acc, c, obs, scenario, noise)

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

    def _unchanged(self, rng: random.Random, acc: Account, c: ContactRec, obs: date, scenario: str) -> None:
        noise: set[str] = set()
        name, slug, old = self._identity(rng, c, noise, need_id=False)
        start = obs - timedelta(days=rng.randint(400, 3500))
        variant = rng.random() < 0.15
        main = self.account_job(
            rng,
            acc,
            c.title,
            fmt(start, "month"),
            None,
            True,
            noise,
            website=variant or rng.random() < 0.85,
            variant=variant,
        )
        jobs = [main, *self.earlier_jobs(rng, start, rng.randint(0, 2))]
        pid = self.pid()
        loc = (acc.company.pdl_country, acc.company.region)
        if self.real_noise:
            self._unchanged_noise(acc, main, jobs, obs, noise)
        if scenario == "side_role_only":
            role = rng.choice(sorted(SIDE_ROLES))
            side_start = obs - timedelta(days=rng.randint(20, 200))
            jobs.insert(1, self.pool_job(rng, rng.choice(SIDE_ROLES[role]), fmt(side_start, "month")))
        work = c.email if c.email and rng.random() < 0.6 else None
        self.profile(pid, name, slug, work, [], old, jobs, obs, loc)
        if scenario == "side_role_only":
            self.trap(
                "side_role", pid, c.id, acc.id, "advisor/board/investor seat beside an unchanged main job"
            )
        elif scenario == "stale_contradiction":
            old_obs = obs - timedelta(days=rng.randint(60, 200))
            wrong = [
                self.pool_job(
                    rng,
                    any_title(rng),
                    fmt(old_obs - timedelta(days=rng.randint(30, 300)), "month"),
                    None,
                    True,
                ),
                self.account_job(rng, acc, c.title, fmt(start, "month"), fmt(old_obs, "month"), False, set()),
            ]
            self.profile(pid, name, slug, None, [], old, wrong, old_obs, loc)
            self.trap(
                "stale_observation",
                pid,
                c.id,
                acc.id,
                "an older observation shows another employer; the newest shows the CRM state",
            )
        if rng.random() < 0.02:  # a harmless duplicate
            self.profile(self.pid(), name, slug, work, [], old, jobs, obs, loc)
        if rng.random() < 0.01:
            self._stranger(rng, acc, c, obs, truth_noise=None)
        if self.real_noise and self.nrng.random() < 0.35:
            # the CRM row (written after the feed) holds the same role as a person types it
            typed = crm_title(self.nrng, c.title)
            if typed:
                c.title = typed[0]
                noise.add(f"crm_title:{typed[1]}")
        self.noise.update(f"unchanged:{n}" for n in noise)

    def _unchanged_noise(self, acc: Account, main: Job, jobs: list[Job], obs: date, noise: set[str]) -> None:
        """Several current jobs (the feed's primary one elsewhere) and a missing start date."""
        r = self.nrng
        if r.random() < 0.06:
            side = self.pool_job(
                r, r.choice(CONCURRENT_TITLES), fmt(obs - timedelta(days=r.randint(30, 900)), "month")
            )
            if r.random() < 0.5:  # the feed calls the other job primary
                side.primary, main.primary = True, False
                jobs.insert(0, side)
            else:
                jobs.insert(1, side)
            noise.add("concurrent_job")
        if r.random() < 0.08:
            main.start = None
            noise.add("missing_start_date")

    def _changed(
        self, rng: random.Random, acc: Account, c: ContactRec, obs: date, scenario: str, noise: set[str]
    ) -> None:
        if scenario == "self_employed" and not c.email:
            scenario = "job_change_other"
        name, slug, old = self._identity(
            rng, c, noise, need_id=True, allow_no_linkedin=scenario != "free_mail_only"
        )
        loc = (acc.company.pdl_country, acc.company.region)
        partial = rng.random() < NOISE_RATES["partial_date"]
        if scenario == "too_old":
            d, lo, hi = obs - timedelta(days=rng.randint(430, 1000)), None, obs - timedelta(days=400)
        elif scenario in ("promotion", "title_change") and acc.is_target:
            d, lo, hi = (
                obs - timedelta(days=rng.randint(110, 300)),
                obs - timedelta(days=330),
                obs - timedelta(days=100),
            )
        elif scenario == "left_company":
            d, lo, hi = obs - timedelta(days=rng.randint(20, 200)), None, None
        else:
            # within 8 months of observed_at: too_old counts to the run date, which may be weeks later
            d, lo, hi = obs - timedelta(days=rng.randint(20, 240)), obs - timedelta(days=270), obs
        start_s, was_partial = start_text(rng, d, lo, hi, partial and scenario != "left_company")
        start_out: str | None = start_s
        if was_partial:
            noise.add("partial_date")
        old_start = d - timedelta(days=rng.randint(400, 2500))
        old_end = fmt(d - timedelta(days=rng.randint(0, 40)), "month")
        personal = [self.personal_email(rng, name)] if rng.random() < 0.4 else []
        work: str | None = None
        typ, status, matched = "job_change", "new", None
        new_title: str | None = None
        new_company: str | None = None
        new_domain: str | None = None
        jobs: list[Job] = []
        past_variant = rng.random() < NOISE_RATES["name_variant"]
        past = self.account_job(
            rng,
            acc,
            c.title,
            fmt(old_start, "month"),
            old_end,
            False,
            noise,
            website=rng.random() < 0.8,
            variant=past_variant,
        )
        if scenario in ("promotion", "title_change"):
            typ = scenario
            new_title = rng.choice((PROMOTIONS if scenario == "promotion" else LATERAL)[c.title])
            cur = self.account_job(
                rng, acc, new_title, start_s, None, True, noise, website=rng.random() < 0.85
            )
            past = self.account_job(
                rng,
                acc,
                c.title,
                fmt(old_start, "month"),
                fmt(d, "month"),
                False,
                set(),
                website=cur.website is not None,
            )
            jobs = [cur, past]
            matched, new_company, new_domain = acc.id, cur.company, acc.company.domain
            work = c.email if c.email and rng.random() < 0.6 else None
        elif scenario == "left_company":
            typ = "left_company"
            past.end = fmt(d, "month")
            jobs = [past]
            start_out = None
        else:
            if scenario == "job_change_crm":
                dest = self._destination(rng, acc, c.name)
                variant = rng.random() < NOISE_RATES["name_variant"]
                t = new_job_title(rng)
                cur = self.account_job(
                    rng,
                    dest,
                    t.name,
                    start_s,
                    None,
                    True,
                    noise,
                    website=not variant or rng.random() < 0.7,
                    variant=variant,
                )
                matched, new_domain = dest.id, dest.company.domain
                work = email_for(c.name, dest.company.domain, dest.idx % 3) if rng.random() < 0.8 else None
                if not work and not old:  # else only free-mail addresses: that is suppressed:free_mail_only
                    work = email_for(c.name, dest.company.domain, dest.idx % 3)
            elif scenario in ("advisor", "board_member", "investor", "intern", "student", "self_employed"):
                status = f"suppressed:{scenario}"
                if scenario in SIDE_ROLES:
                    comp = rng.choice(self.pool)
                    cur = self.pool_job(
                        rng, rng.choice(SIDE_ROLES[scenario]), start_s, primary=True, company=comp
                    )
                    new_domain = comp.domain
                elif scenario == "intern":
                    comp = rng.choice(self.pool)
                    cur = self.pool_job(rng, rng.choice(INTERN_TITLES), start_s, primary=True, company=comp)
                    new_domain = comp.domain
                    work = email_for(c.name, comp.domain, 0)
                elif scenario == "student":
                    uni, new_domain = rng.choice(UNIVERSITIES)
                    cur = Job(uni, new_domain, rng.choice(STUDENT_TITLES), start_s, None, True)
                    work = f"{ascii_slug(c.name.first)}.{ascii_slug(c.name.last)}@{new_domain}"
                else:
                    se_company, se_title = rng.choice(SELF_EMPLOYED)
                    cur = Job(se_company, None, se_title, start_s, None, True)
                if not work and not old and c.email:
                    old = [c.email]
                if not work and not old:
                    work = email_for(c.name, new_domain or "example.org", 1) if new_domain else None
            else:  # job_change_other, too_old, free_mail_only
                comp = rng.choice(self.pool)
                cur = self.pool_job(rng, new_job_title(rng).name, start_s, primary=True, company=comp)
                new_domain = comp.domain
                if scenario == "free_mail_only":
                    status, old = "suppressed:free_mail_only", []
                    personal = [self.personal_email(rng, name) for _ in range(rng.randint(1, 2))]
                    noise.add("personal_email_only")
                else:
                    if scenario == "too_old":
                        status = "suppressed:too_old"
                    work = email_for(c.name, comp.domain, 0) if rng.random() < 0.75 else None
                    if not work and not old:
                        work = email_for(c.name, comp.domain, 0)
            if c.opted_out and status == "new":
                status = "suppressed:opted_out"
            new_title, new_company = cur.title, cur.company
            jobs = [cur, past]
        if (
            typ != "left_company"
            and not scenario.endswith(("advisor", "board_member", "investor"))
            and rng.random() < NOISE_RATES["side_role"]
        ):
            role = rng.choice(sorted(SIDE_ROLES))
            jobs.insert(
                1,
                self.pool_job(
                    rng,
                    rng.choice(SIDE_ROLES[role]),
                    fmt(obs - timedelta(days=rng.randint(20, 400)), "month"),
                ),
            )
            noise.add("side_role")
        jobs += self.earlier_jobs(rng, old_start, rng.randint(0, 2))
        pid = self.pid()
        stale = rng.random() < NOISE_RATES["stale_observation"]
        stale_first = rng.random() < 0.5
        if stale:
            noise.add("stale_observation")
            if stale_first:
                self._stale(rng, acc, c, name, slug, old, obs, loc, pid, d, old_start)
        self.profile(pid, name, slug, work, personal, old, jobs, obs, loc)
        if stale and not stale_first:
            self._stale(rng, acc, c, name, slug, old, obs, loc, pid, d, old_start)
        alts: list[str] = []
        if rng.random() < NOISE_RATES["duplicate_profile"]:
            alts.append(self.pid())
            noise.add("duplicate_profile")
            self.profile(
                alts[0],
                name,
                slug,
                work,
                personal[:0],
                old,
                jobs,
                obs - timedelta(days=rng.randint(0, 20)),
                loc,
            )
        if rng.random() < NOISE_RATES["same_name_other_person"]:
            self._stranger(rng, acc, c, obs, truth_noise=noise)
        known = BY_NAME.get(new_title or "")
        self.truth.write(
            {
                "type": typ,
                "contact_id": c.id,
                "person_id": pid,
                "alt_person_ids": alts,
                "past_account_id": acc.id,
                "matched_account_id": matched,
                "new_company": new_company,
                "new_company_domain": new_domain,
                "new_title": new_title,
                "job_started_date": start_out,
                "expected_status": status,
                "noise": sorted(noise),
                "full_name": c.name.full,
                "observed_at": obs.isoformat(),
                "persona_match": known.persona if known else False,
                "scenario": scenario,
            }
        )
        self.counts[f"truth:{typ}:{status}"] += 1
        self.noise.update(noise)

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

    # ---------------------------------------------------------------- target accounts
    def new_hires(self, rng: random.Random, acc: Account, taken: set[str]) -> None:
        """People not in the CRM at target account ``acc``: recent persona hires and look-alikes."""
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            kind = rng.choices(("new", "not_persona", "too_old", "old_not_persona"), (50, 20, 20, 10))[0]
            while True:
                nm = pick_name(rng, acc.company.country)
                if nm.full not in taken:
                    taken.add(nm.full)
                    break
            obs = self.observed(rng)
            noise: set[str] = set()
            if kind in ("new", "not_persona"):
                d, lo, hi = obs - timedelta(days=rng.randint(5, 80)), obs - timedelta(days=85), None
            else:
                d, lo, hi = obs - timedelta(days=rng.randint(130, 1500)), None, obs - timedelta(days=100)
            start_s: str | None
            start_s, partial = start_text(rng, d, lo, hi, rng.random() < NOISE_RATES["partial_date"])
            if partial:
                noise.add("partial_date")
            title = rng.choice(PERSONA if kind in ("new", "too_old") else NON_PERSONA)
            variant = rng.random() < 0.15
            cur = self.account_job(
                rng,
                acc,
                title.name,
                start_s,
                None,
                True,
                noise,
                website=not variant or rng.random() < 0.6,
                variant=variant,
            )
            jobs = [cur, *self.earlier_jobs(rng, d, rng.randint(1, 3))]
            typ, past_title = "new_hire", None
            promoted: str | None = None
            if self.real_noise and kind == "new":
                r = self.nrng
                lower = [t for t, ups in PROMOTIONS.items() if title.name in ups]
                if lower and r.random() < 0.25:
                    # promoted inside the account, not a CRM contact: the earlier entry is here too
                    promoted = r.choice(sorted(lower))
                    typ, past_title = "promotion", promoted
                    before = fmt(d - timedelta(days=r.randint(400, 1500)), "month")
                    jobs.insert(
                        1, self.account_job(r, acc, past_title, before, fmt(d, "month"), False, set())
                    )
                    noise.add("promoted_not_contact")
                elif d >= obs - timedelta(days=55) and r.random() < 0.15:
                    # no start date: the previous job (elsewhere) ended when this one started
                    cur.start, start_s = None, None
                    noise.discard("partial_date")
                    noise.add("missing_start_date")
            elif self.real_noise and kind in ("too_old", "old_not_persona") and self.nrng.random() < 0.15:
                cur.start = None  # no start date and the previous job ended long ago: not a new hire
                noise.add("missing_start_date")
            slug = linkedin_slug(nm, 2_000_000_000 + self.person_no)
            shown_slug: str | None = slug
            if rng.random() < NOISE_RATES["no_linkedin"]:
                shown_slug = None
                noise.add("no_linkedin")
            work = email_for(nm, acc.company.domain, acc.idx % 3) if rng.random() < 0.7 else None
            personal = [self.personal_email(rng, nm)] if rng.random() < 0.3 else []
            pid = self.pid()
            loc = (acc.company.pdl_country, acc.company.region)
            self.profile(pid, nm, shown_slug, work, personal, [], jobs, obs, loc)
            alts: list[str] = []
            if rng.random() < NOISE_RATES["duplicate_profile"]:
                alts.append(self.pid())
                noise.add("duplicate_profile")
                self.profile(alts[0], nm, shown_slug, work, [], [], jobs, obs, loc)
            if kind != "new":
                why = {
                    "not_persona": "recent hire whose title does not match the persona",
                    "too_old": "persona title but started more than 90 days before observed_at",
                    "old_not_persona": "neither recent nor persona",
                }[kind]
                self.trap(f"new_hire_{kind}", pid, None, acc.id, why)
                continue
            self.truth.write(
                {
                    "type": typ,
                    "contact_id": None,
                    "person_id": pid,
                    "alt_person_ids": alts,
                    "past_account_id": acc.id if past_title else None,
                    "past_title": past_title,
                    "matched_account_id": acc.id,
                    "new_company": cur.company,
                    "new_company_domain": acc.company.domain,
                    "new_title": title.name,
                    "job_started_date": start_s,
                    "expected_status": "new",
                    "noise": sorted(noise),
                    "full_name": nm.full,
                    "observed_at": obs.isoformat(),
                    "persona_match": True,
                    "scenario": "new_hire" if typ == "new_hire" else "promotion_not_contact",
                }
            )
            self.counts[f"truth:{typ}:new"] += 1
            self.noise.update(noise)
