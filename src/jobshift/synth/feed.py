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
from dataclasses import replace
from datetime import date, timedelta

from jobshift.synth.crm import Account, ContactRec, email_for, linkedin_slug
from jobshift.synth.feed_writer import (
    CONCURRENT_TITLES,
    NOISE_RATES,
    SCENARIOS,
    UNIVERSITIES,
    FeedWriter,
    Job,
    fmt,
    is_tracked_candidate,
    start_text,
)
from jobshift.synth.names import ascii_slug, pick_name
from jobshift.synth.noise import crm_title
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
    new_job_title,
)

__all__ = ["NOISE_RATES", "SCENARIOS", "Feed", "is_tracked_candidate"]


class Feed(FeedWriter):
    """Writes profiles, truth and traps for account blocks; counts what it wrote."""

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
            seen_before: tuple[date, list[Job]] | None = None
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
                elif d >= obs - timedelta(days=55) and r.random() < 0.1:
                    # no start date, and the profile lacks the job before: only an earlier observation
                    # (a few weeks before the move, at that job) shows the person was elsewhere
                    cur.start, start_s = None, None
                    noise.discard("partial_date")
                    noise.update({"missing_start_date", "first_seen_elsewhere"})
                    before_move = [replace(jobs[1], end=None, primary=True), *jobs[2:]]
                    seen_before = (d - timedelta(days=r.randint(5, 30)), before_move)
                    del jobs[1]
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
            if seen_before is not None:
                self.profile(pid, nm, shown_slug, None, personal, [], seen_before[1], seen_before[0], loc)
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
