"""``generate(out_dir, seed, scale)``: the whole demo / benchmark data set, deterministic by seed.

Writes the CRM CSVs, ``people.jsonl`` (or ``.jsonl.gz`` / ``.parquet``), ``truth.jsonl``,
``traps.jsonl`` and ``manifest.json`` into ``out_dir``. Accounts are held in memory as compact
records; contacts and everything after them are generated and streamed one account at a time, so
memory stays flat at any scale. Every random draw comes from ``random.Random`` instances seeded from
``seed`` (one per account block), never from the global generator or the clock.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from jobshift.synth import crm, deals
from jobshift.synth.companies import CompanyNamer
from jobshift.synth.feed import NOISE_RATES, SCENARIOS, Feed
from jobshift.synth.writer import CsvWriter, JsonlWriter, RowWriter, open_people_writer
from jobshift.utils.files import atomic_write_text

DEFAULT_AS_OF = date(2026, 11, 17)
PEOPLE_FORMATS = {"jsonl": "people.jsonl", "jsonl.gz": "people.jsonl.gz", "parquet": "people.parquet"}
CSV_FILES = {
    "accounts": "accounts.csv",
    "contacts": "contacts.csv",
    "opportunities": "opportunities.csv",
    "opportunity_contact_roles": "opportunity_contact_roles.csv",
    "users": "users.csv",
    "leads": "leads.csv",
    "activities": "activities.csv",
}
GENERATOR_VERSION = 2
NOISE_MODES = ("real", "clean")
ALIASES_FILE = "account_aliases.csv"


@dataclass
class Manifest:
    """What was generated: parameters, row counts, scenario shares and noise counts."""

    seed: int
    scale: float
    as_of: str
    people_file: str
    counts: dict[str, int] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)
    truth: dict[str, int] = field(default_factory=dict)
    traps: dict[str, int] = field(default_factory=dict)
    noise: dict[str, int] = field(default_factory=dict)
    generator_version: int = GENERATOR_VERSION
    noise_mode: str = "real"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (the content of manifest.json)."""
        return asdict(self)

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        """Read ``manifest.json``."""
        return cls(**orjson.loads(Path(path).read_bytes()))


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(["jobshift-synth", str(seed), *map(str, parts)]))


def generate(
    out_dir: str | Path,
    seed: int = 7,
    scale: float = 1.0,
    people_format: str = "jsonl",
    as_of: date = DEFAULT_AS_OF,
    progress: Callable[[int, int], None] | None = None,
    noise: str = "real",
) -> Manifest:
    """Generate the data set into ``out_dir`` and return its manifest.

    ``noise``: ``real`` (default) layers the real-world noise of :mod:`jobshift.synth.noise` (CRM titles
    typed differently, group / country / brand company names, several current jobs, missing start
    dates, renamed companies known from ``account_aliases.csv``, promotions of non-contacts) from a
    separate random stream per account block; ``clean`` writes the data set without it.

    ``scale`` 1 ≈ 2,000 accounts and 20,000 contacts; fractions are allowed (tests use 0.05).
    ``progress(contacts_done, contacts_total)`` is called every 200 account blocks.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if noise not in NOISE_MODES:
        raise ValueError(f"noise must be one of {', '.join(NOISE_MODES)}")
    if people_format not in PEOPLE_FORMATS:
        raise ValueError(f"people format must be one of {', '.join(PEOPLE_FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = _rng(seed, "main")
    users = crm.make_users(rng, scale)
    other = CompanyNamer(_rng(seed, "other-names"), crm=False)
    accounts = crm.make_accounts(rng, scale, users, as_of, other)
    pool = [other.company(rng) for _ in range(max(150, round(400 * scale)))]
    real = noise == "real"
    alias_rows: list[dict[str, object]] = []
    if real:
        arng = _rng(seed, "aliases")
        for acc in accounts:
            if acc.renamed_to and arng.random() < 0.6:  # the admin recorded the new name
                acc.alias = acc.renamed_to
            elif acc.renamed_to is None and acc.parent_id is None and arng.random() < 0.03:
                # a brand: the same non-CRM namer hands out unique cores, so no pool company shares it
                acc.alias = other.company(arng).base
            if acc.alias:
                alias_rows.append({"account_id": acc.id, "name": acc.alias, "domain": "", "linkedin_url": ""})
    total = accounts[-1].contact_offset + accounts[-1].n_contacts
    with ExitStack() as stack:
        w: dict[str, RowWriter] = {}
        cols = {
            "accounts": crm.ACCOUNT_COLUMNS,
            "contacts": crm.CONTACT_COLUMNS,
            "opportunities": crm.OPPORTUNITY_COLUMNS,
            "opportunity_contact_roles": crm.ROLE_COLUMNS,
            "users": crm.USER_COLUMNS,
            "leads": crm.LEAD_COLUMNS,
            "activities": crm.ACTIVITY_COLUMNS,
        }
        for obj, fname in CSV_FILES.items():
            w[obj] = stack.enter_context(CsvWriter(out / fname, cols[obj]))
        w["people"] = stack.enter_context(open_people_writer(out / PEOPLE_FORMATS[people_format]))
        w["truth"] = stack.enter_context(JsonlWriter(out / "truth.jsonl"))
        w["traps"] = stack.enter_context(JsonlWriter(out / "traps.jsonl"))
        w["users"].write_many(u.row() for u in users)
        w["accounts"].write_many(a.row() for a in accounts)
        feed = Feed(seed, as_of, accounts, pool, w["people"], w["truth"], w["traps"], real_noise=real)
        if real:
            w["aliases"] = stack.enter_context(
                CsvWriter(out / ALIASES_FILE, ("account_id", "name", "domain", "linkedin_url"))
            )
            w["aliases"].write_many(alias_rows)

        @lru_cache(maxsize=4096)
        def names_of(idx: int) -> frozenset[str]:
            acc = accounts[idx]
            return frozenset(
                c.name.full for c in crm.make_contacts(_rng(seed, "a", idx), acc, as_of, acc.contact_offset)
            )

        feed.contact_names = lambda acc: names_of(acc.idx)
        n_opp = n_act = n_lead = 0
        sdrs = [u.id for u in users if u.role in ("SDR", "BDR") and u.active]
        for acc in accounts:
            brng = _rng(seed, "a", acc.idx)
            contacts = crm.make_contacts(brng, acc, as_of, acc.contact_offset)
            opps, roles = deals.make_opportunities(brng, acc, contacts, as_of, n_opp + 1)
            n_opp += len(opps)
            w["opportunities"].write_many(opps)
            w["opportunity_contact_roles"].write_many(roles)
            frng = _rng(seed, "f", acc.idx)
            feed.nrng = _rng(seed, "n", acc.idx)
            for c in contacts:
                feed.contact(frng, acc, c)
            if acc.is_target:
                feed.new_hires(frng, acc, {c.name.full for c in contacts})
            open_opp = next((str(o["id"]) for o in opps if not o["is_closed"]), None)
            for c in contacts:
                w["contacts"].write(c.row(acc, brng))
                k = brng.randint(0, 8) if c.roles else (brng.randint(1, 2) if brng.random() < 0.15 else 0)
                acts = deals.make_activities(brng, c.id, acc.owner_id, k, as_of, open_opp, n_act + 1)
                n_act += len(acts)
                w["activities"].write_many(acts)
            if brng.random() < 0.3:
                for _ in range(brng.randint(1, 2)):
                    n_lead += 1
                    conv = (brng.choice(contacts).id, acc.id) if contacts and brng.random() < 0.2 else None
                    owner = acc.bdr_id or brng.choice(sdrs)
                    lead = deals.make_lead(
                        brng,
                        n_lead,
                        1_000_000_000 + n_lead,
                        acc.name,
                        acc.company.domain,
                        acc.company.country,
                        owner,
                        as_of,
                        conv,
                    )
                    w["leads"].write(lead)
                    acts = deals.make_activities(
                        brng, str(lead["id"]), owner, brng.choice((0, 0, 1, 1, 2, 3)), as_of, None, n_act + 1
                    )
                    n_act += len(acts)
                    w["activities"].write_many(acts)
            if progress and (acc.idx % 200 == 199 or acc.idx == len(accounts) - 1):
                progress(acc.contact_offset + acc.n_contacts, total)
        for i in range(max(5, round(100 * scale))):  # leads at companies outside the CRM
            lrng = _rng(seed, "lead", i)
            comp = lrng.choice(pool)
            n_lead += 1
            w["leads"].write(
                deals.make_lead(
                    lrng,
                    n_lead,
                    1_000_000_000 + n_lead,
                    comp.name,
                    comp.domain,
                    comp.country,
                    lrng.choice(sdrs),
                    as_of,
                    None,
                )
            )
        manifest = _manifest(seed, scale, as_of, PEOPLE_FORMATS[people_format], w, feed)
    atomic_write_text(
        out / "manifest.json", orjson.dumps(manifest.to_dict(), option=orjson.OPT_INDENT_2).decode() + "\n"
    )
    return manifest


def _manifest(
    seed: int, scale: float, as_of: date, people_file: str, w: dict[str, RowWriter], feed: Feed
) -> Manifest:
    counts = {name: wr.rows for name, wr in w.items()}
    counts["tracked_with_profile"] = feed.counts["tracked_with_profile"]
    counts["untracked_with_profile"] = feed.counts["untracked_with_profile"]
    counts["contacts_without_profile"] = feed.counts["contacts_without_profile"]
    tracked = max(1, feed.counts["tracked_with_profile"])
    shares = {name: round(feed.counts[f"scenario:{name}"] / tracked, 4) for name in SCENARIOS}
    shares["profile_coverage"] = round(
        (counts["tracked_with_profile"] + counts["untracked_with_profile"]) / max(1, counts["contacts"]), 4
    )
    truth = {k.removeprefix("truth:"): v for k, v in sorted(feed.counts.items()) if k.startswith("truth:")}
    traps = {k.removeprefix("trap:"): v for k, v in sorted(feed.counts.items()) if k.startswith("trap:")}
    noise = {k: feed.noise[k] for k in sorted(feed.noise)}
    noise_rates = {f"rate:{k}": v for k, v in NOISE_RATES.items()}
    return Manifest(
        seed,
        scale,
        as_of.isoformat(),
        people_file,
        counts,
        shares | noise_rates,
        truth,
        traps,
        noise,
        noise_mode="real" if feed.real_noise else "clean",
    )
