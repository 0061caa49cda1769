"""Synthetic data for benchmarks/bench_detect.py: a CRM + a people feed with realistic shapes, fast to build.

Written straight into a fresh workspace's SQLite file with ``sqlite3.executemany`` (the import and ingest
paths have their own benchmarks), and also as a PDL-style JSONL feed with the same profiles, so the
benchmark can time "merely reading the feed" with pyarrow/polars. Deterministic for a seed.

Shapes: 20 contacts per account; 15% target accounts, 25% customers, 4% subsidiaries; names drawn from
300 first × 3,000 last names (same-name people across accounts exist); ~85% of contacts have a profile,
showing LinkedIn (80% of those that have one), an e-mail (70%), or only name + company; scenarios:
unchanged 80%, job change 8% (half into CRM accounts), left 3%, promotion 5%, title change 4%; 1–3 earlier
jobs per profile at ~N/40 companies outside the CRM; the remaining profiles are people at outside
companies (some with a contact's name) and recent and older hires at target accounts.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import orjson

from jobshift.synth.bulk_feed import LATERAL, OBSERVED, PROMOTIONS, SYLLABLES

SYL = SYLLABLES
TITLES = PROMOTIONS  # current title -> the title after a promotion


def _word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYL) for _ in range(n))


def _names(rng: random.Random) -> tuple[list[str], list[str]]:
    firsts = sorted({_word(rng, 2).capitalize() for _ in range(400)})[:300]
    lasts = sorted({_word(rng, 3).capitalize() for _ in range(4000)})[:3000]
    return firsts, lasts


def _exp(
    name: str, domain: str | None, title: str, start: str, end: str | None, primary: bool
) -> dict[str, Any]:
    return {
        "company_name": name,
        "company_website": domain,
        "company_domain": domain,
        "company_linkedin": None,
        "company_country": None,
        "company_region": None,
        "title": title,
        "title_levels": [],
        "title_role": None,
        "start_date": start,
        "end_date": end,
        "is_primary": primary,
    }


def _pdl(row: dict[str, Any], exp: list[dict[str, Any]]) -> dict[str, Any]:
    """The feed line of an observation row (PDL-style)."""
    return {
        "id": row["person_id"],
        "linkedin_url": row["linkedin_norm"],
        "full_name": row["full_name"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "work_email": row["work_email_norm"],
        "emails": [{"address": e} for e in orjson.loads(row["emails_norm"])],
        "job_title": row["job_title"],
        "job_company_name": row["job_company_name"],
        "job_company_website": row["job_company_domain"],
        "job_start_date": row["job_start_date"],
        "experience": [
            {
                "company": {"name": e["company_name"], "website": e["company_domain"]},
                "title": {"name": e["title"]},
                "start_date": e["start_date"],
                "end_date": e["end_date"],
                "is_primary": e["is_primary"],
            }
            for e in exp
        ],
        "observed_at": row["observed_at"],
    }


class _Builder:
    def __init__(self, n_contacts: int, n_profiles: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n_contacts, self.n_profiles = n_contacts, n_profiles
        self.n_acc = max(10, n_contacts // 20)
        self.firsts, self.lasts = _names(self.rng)
        names = [f"{_word(self.rng, 4).capitalize()} Systems" for _ in range(max(10, n_contacts // 40))]
        self.outside = [(n, f"{n.split()[0].lower()}{i}.io") for i, n in enumerate(names)]
        self.n_obs = 0

    def account(self, i: int) -> tuple[Any, ...]:
        name = f"{_word(random.Random(i), 3).capitalize()} {i} Inc."
        parent = f"a-{i - 1:07d}" if i % 25 == 1 else None
        typ = "Customer" if i % 4 == 0 else "Prospect"
        return (f"a-{i:07d}", name, f"acct{i}.com", f"acct{i}.com", typ, i % 7 == 0, parent)

    def acc_name(self, i: int) -> str:
        return f"{_word(random.Random(i), 3).capitalize()} {i} Inc."

    def obs_row(
        self, pid: str, first: str, last: str, li: str | None, emails: list[str], cur: dict[str, Any] | None
    ) -> dict[str, Any]:
        self.n_obs += 1
        return {
            "obs_id": f"{self.n_obs:032x}",
            "person_key": f"pdl:{pid}",
            "person_id": pid,
            "observed_at": OBSERVED,
            "full_name": f"{first} {last}".lower(),
            "first_name": first.lower(),
            "last_name": last.lower(),
            "linkedin_norm": li,
            "work_email_norm": emails[0] if emails else None,
            "emails_norm": orjson.dumps(emails).decode(),
            "job_title": cur["title"] if cur else None,
            "job_company_name": cur["company_name"] if cur else None,
            "job_company_domain": cur["company_domain"] if cur else None,
            "job_start_date": cur["start_date"] if cur else None,
            "current_job_source": "job_fields" if cur else None,
        }

    def earlier(self, n: int) -> list[dict[str, Any]]:
        out = []
        for k in range(n):
            name, dom = self.rng.choice(self.outside)
            y = 2010 + k * 3 + self.rng.randrange(3)
            out.append(
                _exp(
                    name, dom, "Software Engineer", f"{y}-0{1 + self.rng.randrange(9)}", f"{y + 2}-05", False
                )
            )
        return out

    def contact_profile(self, c: tuple[Any, ...], acc: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        cid, _, first, last, email, li, title = c[:7]
        rng = self.rng
        show_li = li if li and rng.random() < 0.8 else None
        emails = [email] if rng.random() < 0.7 or not show_li else []
        if not show_li and not emails and rng.random() < 0.5:
            emails = [email]
        own = (self.acc_name(acc), f"acct{acc}.com")
        r = rng.random()
        past_start = f"{2015 + rng.randrange(8)}-0{1 + rng.randrange(9)}"
        if r < 0.08:  # job change
            if r < 0.04:
                dest = (acc + 1 + rng.randrange(self.n_acc - 1)) % self.n_acc
                new = (self.acc_name(dest), f"acct{dest}.com")
            else:
                new = rng.choice(self.outside)
            cur = _exp(new[0], new[1], rng.choice(list(TITLES)), f"2026-0{1 + rng.randrange(9)}", None, True)
            exp = [cur, _exp(own[0], own[1], title, past_start, "2026-01", False)]
            if new[1] and rng.random() < 0.8:
                emails = [f"{first}.{last}@{new[1]}".lower(), *emails]
        elif r < 0.11:  # left
            cur = None
            exp = [_exp(own[0], own[1], title, past_start, "2026-06", False)]
        elif r < 0.20:  # promotion / title change
            new_title = TITLES.get(title, title) if r < 0.16 else LATERAL.get(title, title)
            cur = _exp(own[0], own[1], new_title, "2026-03", None, True)
            exp = [cur, _exp(own[0], own[1], title, past_start, "2026-03", False)]
        else:
            cur = _exp(own[0], own[1] if rng.random() < 0.85 else None, title, past_start, None, True)
            exp = [cur]
        exp += self.earlier(rng.randrange(1, 4))
        pid = f"p-{cid[2:]}"
        return self.obs_row(pid, first, last, show_li, emails, cur), exp

    def other_profile(self, k: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        first, last = rng.choice(self.firsts), rng.choice(self.lasts)
        if rng.random() < 0.3:  # someone at a target account, recent or not
            acc = 7 * rng.randrange(max(1, self.n_acc // 7))
            start = f"2026-{rng.choice(['09', '10', '03', '05'])}-1{rng.randrange(10)}"
            cur = _exp(
                self.acc_name(acc), f"acct{acc}.com", rng.choice(list(TITLES.values())), start, None, True
            )
        else:
            name, dom = rng.choice(self.outside)
            cur = _exp(name, dom, rng.choice(list(TITLES)), "2022-04", None, True)
        li = f"linkedin.com/in/{first}-{last}-x{k:x}".lower() if rng.random() < 0.6 else None
        emails = [f"{first}.{last}@{cur['company_domain']}".lower()] if rng.random() < 0.5 else []
        exp = [cur, *self.earlier(rng.randrange(1, 3))]
        return self.obs_row(f"p-x{k:07d}", first, last, li, emails, cur), exp


OBS_COLS = [
    "obs_id",
    "person_key",
    "person_id",
    "observed_at",
    "full_name",
    "first_name",
    "last_name",
    "linkedin_norm",
    "work_email_norm",
    "emails_norm",
    "job_title",
    "job_company_name",
    "job_company_domain",
    "job_start_date",
    "current_job_source",
    "experience",
]


def build(db: Path, feed: Path, n_contacts: int, n_profiles: int, seed: int = 7) -> dict[str, Any]:
    """Fill the (migrated, empty) SQLite database ``db`` and write the JSONL ``feed``; returns counts."""
    b = _Builder(n_contacts, n_profiles, seed)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.executemany(
        "INSERT INTO accounts (id, name, website, domain, type, is_target, parent_id) VALUES (?,?,?,?,?,?,?)",
        (b.account(i) for i in range(b.n_acc)),
    )
    titles = list(TITLES)
    n_prof = 0
    with feed.open("wb") as out:
        for lo in range(0, n_contacts, 50_000):
            cs, obs = [], []
            for i in range(lo, min(lo + 50_000, n_contacts)):
                acc = i % b.n_acc
                first, last = b.rng.choice(b.firsts), b.rng.choice(b.lasts)
                email = f"{first}.{last}@acct{acc}.com".lower()
                li = f"linkedin.com/in/{first}-{last}-{i:x}".lower() if b.rng.random() < 0.85 else None
                c = (f"c-{i:07d}", f"a-{acc:07d}", first, last, email, li, b.rng.choice(titles), False)
                cs.append((*c[:4], email, email, li, li, c[6], c[7]))
                if n_prof < n_profiles and b.rng.random() < 0.85:
                    row, exp = b.contact_profile(c, acc)
                    obs.append((row, exp))
                    n_prof += 1
            con.executemany(
                "INSERT INTO contacts (id, account_id, first_name, last_name, email, email_norm,"
                " linkedin_url,"
                " linkedin_norm, title, email_opt_out) VALUES (?,?,?,?,?,?,?,?,?,?)",
                cs,
            )
            _write_obs(con, out, obs)
        k = 0
        while n_prof < n_profiles:
            batch = []
            for _ in range(min(50_000, n_profiles - n_prof)):
                batch.append(b.other_profile(k))
                k += 1
                n_prof += 1
            _write_obs(con, out, batch)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return {"accounts": b.n_acc, "contacts": n_contacts, "profiles": n_prof}


def _write_obs(
    con: sqlite3.Connection, out: Any, obs: list[tuple[dict[str, Any], list[dict[str, Any]]]]
) -> None:
    rows = []
    for row, exp in obs:
        row["experience"] = orjson.dumps(exp).decode()
        rows.append(tuple(row[c] for c in OBS_COLS))
        out.write(orjson.dumps(_pdl(row, exp)) + b"\n")
    con.executemany(
        f"INSERT INTO people_observations ({', '.join(OBS_COLS)}) VALUES ({', '.join('?' * len(OBS_COLS))})",
        rows,
    )
