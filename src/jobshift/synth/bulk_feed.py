"""A bulk people feed, generated partition by partition with column operations (no Python per profile).

For capacity tests of feed-mode detection (``jobshift detect --feed``) at tens or hundreds of millions of
profiles: :class:`BulkFeed` writes partition ``i`` of a feed as a JSON Lines or Parquet file in the
people-feed format (``/work/shared/spec/formats.md``, PDL-style records), at several hundred thousand
profiles a second, so a benchmark can generate a partition, detect it and delete it before the next.

Each partition holds, in this order:

- **tracked people** (``tracked_share``): the CRM's own contacts, taken in turn (partition ``i`` takes
  the contacts after partition ``i - 1``'s, wrapping around, so a feed larger than the CRM sees a
  contact again in a later partition, as a vendor's duplicates), with the scenarios of
  ``benchmarks/bench_detect_data.py``: unchanged 80%, job change 8% (half into another CRM account),
  left 3%, promotion 5%, title change 4%; LinkedIn shown for 80% of those who have one, the CRM e-mail
  for 70%, a new work e-mail after 80% of job changes;
- **new hires at target accounts** (``hire_share``): people not in the CRM at a target account, half
  of them started recently;
- **outsiders**: the rest, people at outside companies.

People not in the CRM take a first name from the CRM's first names and, for ``same_name_share`` of
them (default 2%), a last name from the CRM's last names (so same-name people exist, and their
candidates reach ``finalize``); the others get last names no contact has. With the tiny name pools of
``benchmarks/bench_detect_data.py`` (300 × 3,000 names for 1M contacts) drawing every outsider's name
from the CRM would make nearly every outsider a same-name candidate of some contact, which no real
feed does.

Every profile has one or two earlier jobs at outside companies. Randomness comes from polars' seeded
row hashes, so a partition is a function of (seed, partition index, sizes, CRM) alone: partitions can
be generated in any order, in parallel, and again (polars does not promise the same hash values across
its versions: the same seed may give another feed after a polars upgrade).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

__all__ = [
    "LATERAL",
    "OBSERVED",
    "PROMOTIONS",
    "SYLLABLES",
    "BulkFeed",
    "outside_companies",
    "outside_last_names",
]

OBSERVED = "2026-11-17"
PROMOTIONS = {
    "Software Engineer": "Senior Software Engineer",
    "Engineering Manager": "Director of Engineering",
    "Director of Engineering": "VP Engineering",
    "IT Manager": "Director of IT",
    "Director of IT": "CIO",
    "Security Analyst": "Security Operations Manager",
    "Marketing Manager": "Director of Marketing",
    "Account Executive": "Sales Manager",
}
LATERAL = {"Software Engineer": "Backend Engineer", "IT Manager": "Infrastructure Manager"}
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vi", "zo", "be", "do", "fa", "gu", "hi", "jo", "pe", "sa"]
"""Syllables of generated names (the bench CRM of ``benchmarks/bench_detect_data.py`` uses the same)."""
_U = float(2**53)


def _mix(seed: int, part: int, salt: int, k: int) -> int:
    """One 63-bit hash seed from (seed, partition, salt, k)."""
    x = 0x9E3779B97F4A7C15
    for v in (seed, part, salt, k):
        x = ((x ^ (v & 0xFFFFFFFFFFFF)) * 0x100000001B3) & 0x7FFFFFFFFFFFFFFF
    return x


def _u(row: pl.Expr, seed: int, part: int, salt: int) -> pl.Expr:
    """A uniform [0, 1) number per row, from a seeded hash of the row number."""
    return (row.hash(_mix(seed, part, salt, 0)) // 2048).cast(pl.Float64) / _U


def _pick(row: pl.Expr, seed: int, part: int, salt: int, n: int) -> pl.Expr:
    """A row index in [0, n) per row."""
    return (row.hash(_mix(seed, part, salt, 1)) % max(n, 1)).cast(pl.Int64)


def outside_companies(n: int, seed: int) -> pl.DataFrame:
    """``n`` companies outside the CRM: name ("<Word> Systems") and domain ("<word><k>.io")."""
    syl = pl.Series(SYLLABLES)
    k = pl.int_range(0, n, eager=True, dtype=pl.UInt64)
    parts = [syl.gather((k.hash(_mix(seed, 7, j, 2)) % len(SYLLABLES)).cast(pl.Int64)) for j in range(4)]
    word = pl.DataFrame({f"s{j}": p for j, p in enumerate(parts)}).select(
        pl.concat_str([pl.col(f"s{j}") for j in range(4)]).alias("w")
    )["w"]
    return pl.DataFrame(
        {
            "name": word.str.to_titlecase() + " Systems",
            "domain": word + k.cast(pl.String) + ".io",
        }
    )


def outside_last_names() -> pl.Series:
    """65,536 last names of four syllables: none equals a CRM name of bench_detect_data (three syllables)."""
    k = pl.int_range(0, len(SYLLABLES) ** 4, eager=True, dtype=pl.Int64)
    syl = pl.Series(SYLLABLES)
    parts = [syl.gather((k // len(SYLLABLES) ** j) % len(SYLLABLES)) for j in range(4)]
    frame = pl.DataFrame({f"s{j}": p for j, p in enumerate(parts)})
    return frame.select(pl.concat_str([pl.col(f"s{j}") for j in range(4)]).str.to_titlecase().alias("n"))["n"]


def _job(
    name: pl.Expr, website: pl.Expr, title: pl.Expr, start: pl.Expr, end: pl.Expr, primary: bool
) -> pl.Expr:
    return pl.struct(
        pl.struct(name.alias("name"), website.alias("website")).alias("company"),
        pl.struct(title.alias("name")).alias("title"),
        start.alias("start_date"),
        end.alias("end_date"),
        pl.lit(primary).alias("is_primary"),
    )


def _ym(year0: int, years: int, row: pl.Expr, seed: int, part: int, salt: int) -> pl.Expr:
    """A "YYYY-0M" date string: a year in [year0, year0 + years), a month 1–9."""
    y = (pl.lit(year0) + _pick(row, seed, part, salt, years)).cast(pl.String)
    m = (pl.lit(1) + _pick(row, seed, part, salt + 1, 9)).cast(pl.String)
    return pl.concat_str([y, pl.lit("-0"), m])


_NULL = pl.lit(None, pl.String)


@dataclass
class BulkFeed:
    """Generator of a feed's partitions against a CRM (see the module docstring).

    ``contacts``: columns contact_id, first_name, last_name, email, linkedin, title, acc (row index into
    ``accounts``). ``accounts``: columns name, domain, is_target (at least one target account).
    """

    contacts: pl.DataFrame
    accounts: pl.DataFrame
    partition_size: int = 250_000
    tracked_share: float = 0.1
    hire_share: float = 0.01
    same_name_share: float = 0.02
    seed: int = 11

    def __post_init__(self) -> None:
        self.outside = outside_companies(max(10, self.contacts.height // 40), self.seed)
        self.firsts = self.contacts["first_name"].unique().sort()
        self.lasts = self.contacts["last_name"].unique().sort()
        self.other_lasts = outside_last_names()
        self.targets = self.accounts.with_row_index("acc").filter(pl.col("is_target"))
        self.acc_names = self.accounts.select("name", "domain")

    def sizes(self, n: int) -> tuple[int, int, int]:
        """(tracked, hires, outsiders) rows of a partition of ``n`` profiles."""
        t = min(round(n * self.tracked_share), self.contacts.height)
        h = round(n * self.hire_share)
        return t, h, n - t - h

    def partition(self, index: int, n: int | None = None) -> pl.DataFrame:
        """Partition ``index`` as a frame of feed records (``n`` profiles, default ``partition_size``)."""
        n = self.partition_size if n is None else n
        t, h, o = self.sizes(n)
        frames = [self._tracked(index, t), self._hires(index, h), self._outsiders(index, o)]
        return pl.concat([f for f in frames if f.height], how="vertical")

    def write(self, index: int, path: Path, n: int | None = None) -> int:
        """Write partition ``index`` to ``path`` (``.parquet``: Parquet, else JSON Lines); returns rows."""
        df = self.partition(index, n)
        if path.suffix == ".parquet":
            df.write_parquet(path, compression="zstd", statistics=False)
        else:
            df.write_ndjson(path)
        return df.height

    # -- the three kinds of people -----------------------------------------------------------------

    def _tracked(self, index: int, t: int) -> pl.DataFrame:
        s, i, nc = self.seed, index, self.contacts.height
        idx = (pl.int_range(0, t, eager=True, dtype=pl.Int64) + index * t) % nc
        c = self.contacts[idx].with_row_index("r")
        c = c.with_columns(pl.col("r").cast(pl.UInt64))
        r = pl.col("r")
        own = self.acc_names[c["acc"]].rename({"name": "own_name", "domain": "own_domain"})
        nacc = self.accounts.height
        dest = (c["acc"] + 1 + (c["r"].hash(_mix(s, i, 3, 1)) % max(nacc - 1, 1)).cast(pl.Int64)) % nacc
        to_acc = self.acc_names[dest].rename({"name": "acc_name", "domain": "acc_domain"})
        out = self.outside[(c["r"].hash(_mix(s, i, 4, 1)) % self.outside.height).cast(pl.Int64)].rename(
            {"name": "out_name", "domain": "out_domain"}
        )
        titles = pl.Series(list(PROMOTIONS))
        new_title = titles.gather((c["r"].hash(_mix(s, i, 5, 1)) % len(titles)).cast(pl.Int64))
        df = pl.concat([c, own, to_acc, out], how="horizontal").with_columns(
            _u(r, s, i, 1).alias("sc"), new_title.alias("new_title")
        )
        sc = pl.col("sc")
        change, left, promo, lateral = (
            sc < 0.08,
            (sc >= 0.08) & (sc < 0.11),
            (sc >= 0.11) & (sc < 0.16),
            (sc >= 0.16) & (sc < 0.20),
        )
        cur_name = pl.when(sc < 0.04).then("acc_name").when(change).then("out_name").otherwise("own_name")
        cur_site = (
            pl.when(sc < 0.04)
            .then("acc_domain")
            .when(change)
            .then("out_domain")
            .when(_u(r, s, i, 6) < 0.85)
            .then("own_domain")
            .otherwise(_NULL)
        )
        title = pl.col("title")
        cur_title = (
            pl.when(change)
            .then("new_title")
            .when(promo)
            .then(title.replace(PROMOTIONS))
            .when(lateral)
            .then(title.replace(LATERAL))
            .otherwise(title)
        )
        past_start = _ym(2015, 8, r, s, i, 10)
        cur_start = (
            pl.when(change)
            .then(_ym(2026, 1, r, s, i, 12))
            .when(promo | lateral)
            .then(pl.lit("2026-03"))
            .otherwise(past_start)
        )
        past_end = (
            pl.when(change)
            .then(pl.lit("2026-01"))
            .when(left)
            .then(pl.lit("2026-06"))
            .otherwise(pl.lit("2026-03"))
        )
        show_li = pl.when(_u(r, s, i, 20) < 0.8).then("linkedin").otherwise(_NULL)
        crm_mail = pl.when((_u(r, s, i, 21) < 0.7) | show_li.is_null()).then("email").otherwise(_NULL)
        new_mail = pl.when(change & (_u(r, s, i, 22) < 0.8)).then(
            pl.concat_str(
                [pl.col("first_name"), pl.lit("."), pl.col("last_name"), pl.lit("@"), cur_site]
            ).str.to_lowercase()
        )
        first = pl.col("first_name")
        last = pl.col("last_name")
        cur = pl.when(~left).then(_job(cur_name, cur_site, cur_title, cur_start, _NULL, True))
        past = pl.when(change | left | promo | lateral).then(
            _job(pl.col("own_name"), pl.col("own_domain"), title, past_start, past_end, False)
        )
        return df.select(
            pl.concat_str([pl.lit("p-"), pl.col("contact_id").str.slice(2)]).alias("id"),
            show_li.alias("linkedin_url"),
            pl.concat_str([first, pl.lit(" "), last]).alias("full_name"),
            first.alias("first_name"),
            last.alias("last_name"),
            pl.coalesce(new_mail, crm_mail).alias("work_email"),
            pl.when(crm_mail.is_not_null())
            .then(pl.concat_list(pl.struct(crm_mail.alias("address"))))
            .otherwise(pl.lit([], pl.List(pl.Struct({"address": pl.String}))))
            .alias("emails"),
            pl.when(~left).then(cur_title).alias("job_title"),
            pl.when(~left).then(cur_name).alias("job_company_name"),
            pl.when(~left).then(cur_site).alias("job_company_website"),
            pl.when(~left).then(cur_start).alias("job_start_date"),
            self._experience([cur, past], r, i, 1000).alias("experience"),
            pl.lit(OBSERVED).alias("observed_at"),
        )

    def _others(self, index: int, n: int, salt: int) -> pl.DataFrame:
        """Rows of people not in the CRM: names, person id, LinkedIn, row hashes (before the job)."""
        s, i = self.seed, index
        rows = pl.int_range(0, n, eager=True, dtype=pl.UInt64)
        df = pl.DataFrame(
            {
                "r": rows,
                "first_name": self.firsts.gather(
                    (rows.hash(_mix(s, i, salt, 1)) % self.firsts.len()).cast(pl.Int64)
                ),
                "crm_last": self.lasts.gather(
                    (rows.hash(_mix(s, i, salt + 1, 1)) % self.lasts.len()).cast(pl.Int64)
                ),
                "other_last": self.other_lasts.gather(
                    (rows.hash(_mix(s, i, salt + 3, 1)) % self.other_lasts.len()).cast(pl.Int64)
                ),
            }
        )
        same = _u(pl.col("r"), s, i, salt + 4) < self.same_name_share
        df = df.select(
            "r", "first_name", pl.when(same).then("crm_last").otherwise("other_last").alias("last_name")
        )
        tag = pl.concat_str([pl.lit(f"x{salt}-{index}-"), pl.col("r").cast(pl.String)])
        return df.with_columns(
            pl.concat_str([pl.lit("p-"), tag]).alias("id"),
            pl.when(_u(pl.col("r"), s, i, salt + 2) < 0.6)
            .then(
                pl.concat_str(
                    [
                        pl.lit("linkedin.com/in/"),
                        pl.col("first_name"),
                        pl.lit("-"),
                        pl.col("last_name"),
                        pl.lit("-"),
                        tag,
                    ]
                ).str.to_lowercase()
            )
            .otherwise(_NULL)
            .alias("linkedin_url"),
        )

    def _hires(self, index: int, n: int) -> pl.DataFrame:
        s, i = self.seed, index
        df = self._others(index, n, 100)
        acc = self.targets[(df["r"].hash(_mix(s, i, 110, 1)) % self.targets.height).cast(pl.Int64)].select(
            "name", "domain"
        )
        titles = pl.Series(list(PROMOTIONS.values()))
        df = pl.concat([df, acc], how="horizontal").with_columns(
            titles.gather((df["r"].hash(_mix(s, i, 111, 1)) % len(titles)).cast(pl.Int64)).alias("title")
        )
        r = pl.col("r")
        recent = _u(r, s, i, 112) < 0.5
        day = (pl.lit(10) + _pick(r, s, i, 113, 10)).cast(pl.String)
        start = pl.concat_str([pl.when(recent).then(pl.lit("2026-10-")).otherwise(pl.lit("2026-03-")), day])
        return self._finish(df, start, r, index, 114)

    def _outsiders(self, index: int, n: int) -> pl.DataFrame:
        s, i = self.seed, index
        df = self._others(index, n, 200)
        co = self.outside[(df["r"].hash(_mix(s, i, 210, 1)) % self.outside.height).cast(pl.Int64)]
        titles = pl.Series(list(PROMOTIONS))
        df = pl.concat([df, co], how="horizontal").with_columns(
            titles.gather((df["r"].hash(_mix(s, i, 211, 1)) % len(titles)).cast(pl.Int64)).alias("title")
        )
        return self._finish(df, pl.lit("2022-04"), pl.col("r"), index, 214)

    def _finish(self, df: pl.DataFrame, start: pl.Expr, r: pl.Expr, index: int, salt: int) -> pl.DataFrame:
        """Feed records of people not in the CRM whose current job is (name, domain, title, start)."""
        s, i = self.seed, index
        first, last = pl.col("first_name"), pl.col("last_name")
        mail = pl.when(_u(r, s, i, salt) < 0.5).then(
            pl.concat_str([first, pl.lit("."), last, pl.lit("@"), pl.col("domain")]).str.to_lowercase()
        )
        cur = _job(pl.col("name"), pl.col("domain"), pl.col("title"), start, _NULL, True)
        return df.select(
            "id",
            "linkedin_url",
            pl.concat_str([first, pl.lit(" "), last]).alias("full_name"),
            first,
            last,
            mail.alias("work_email"),
            pl.lit([], pl.List(pl.Struct({"address": pl.String}))).alias("emails"),
            pl.col("title").alias("job_title"),
            pl.col("name").alias("job_company_name"),
            pl.col("domain").alias("job_company_website"),
            start.alias("job_start_date"),
            self._experience([cur], r, i, salt + 1000).alias("experience"),
            pl.lit(OBSERVED).alias("observed_at"),
        )

    def _experience(self, jobs: list[pl.Expr], r: pl.Expr, i: int, salt: int) -> pl.Expr:
        """``jobs`` (null entries dropped) + one or two earlier jobs at outside companies."""
        s, m = self.seed, self.outside.height
        names, sites = pl.lit(self.outside["name"]), pl.lit(self.outside["domain"])
        earlier = []
        for k in range(2):
            pick = _pick(r, s, i, salt + k, m)
            start = _ym(2010 + 3 * k, 3, r, s, i, salt + 10 + 2 * k)
            end = _ym(2013 + 3 * k, 1, r, s, i, salt + 20 + 2 * k)
            job = _job(names.gather(pick), sites.gather(pick), pl.lit("Software Engineer"), start, end, False)
            earlier.append(job if k == 0 else pl.when(_u(r, s, i, salt + 30) < 0.5).then(job))
        return pl.concat_list([*jobs, *earlier]).list.filter(pl.element().is_not_null())
