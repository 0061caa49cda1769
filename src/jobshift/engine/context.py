"""What every detection batch shares: tracked contacts, accounts, company index, caches, settings.

Built once per run (and broadcast to workers by a distributed executor). Python-level work (company
resolution, title classification, first-name canonicalization) runs once per *distinct* value and is
cached here; everything per row is a polars expression or join.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from jobshift.domain.filters import FilterSpec
from jobshift.domain.matching.companies import RULE_CONFIDENCE, AccountInfo, Alias, CompanyIndex
from jobshift.domain.normalize.names import PersonName, name_similarity, parse_person_name
from jobshift.domain.normalize.persona import PersonaSpec, persona_matches
from jobshift.domain.normalize.title_model import title_decision
from jobshift.domain.normalize.titles import classify_title, normalize_title
from jobshift.domain.scorecard.icp import IcpCriteria, failed_criteria
from jobshift.engine.batches import DEPARTED_SCHEMA
from jobshift.engine.company_keys import (
    KEY_COLUMNS,
    RESOLVED_SCHEMA,
    attach_by_hash,
    company_key_hash,
    resolve_keys,
)

CUSTOMER_TYPES = frozenset({"customer"})


@dataclass(frozen=True)
class DetectSettings:
    """Thresholds, windows, filters and persona of one detection run."""

    new_hire_window_days: int = 90
    max_job_change_age_months: int = 12
    name_match_threshold: float = 90.0
    email_name_threshold: float = 85.0
    company_match_threshold: float = 92.0
    filters: FilterSpec = field(default_factory=FilterSpec)
    persona: PersonaSpec | None = None
    icp: IcpCriteria | None = None
    """Accounts matching these criteria are watched like target accounts (when ``watch_icp_accounts``)."""
    watch_icp_accounts: bool = True
    run_date: date | None = None
    """The day the detection runs (``too_old`` and the evidence's age count to it); ``None``: today (UTC)."""

    def today(self) -> date:
        """The run date: :attr:`run_date`, else today's UTC date."""
        return self.run_date or datetime.now(UTC).date()


def block_last(col: str) -> pl.Expr:
    """Blocking form of a last name: accents folded, lower case, letters only."""
    return pl.col(col).fill_null("").str.normalize("NFKD").str.to_lowercase().str.replace_all(r"[^a-z]", "")


def first_token(col: str) -> pl.Expr:
    """First word of a first name, accents folded and lower-cased (letters only)."""
    return (
        pl.col(col)
        .fill_null("")
        .str.normalize("NFKD")
        .str.to_lowercase()
        .str.replace_all(r"[^a-z ]", "")
        .str.strip_chars()
        .str.split(" ")
        .list.first()
        .fill_null("")
    )


_HASH_SEED = 0x6A6F6273


def key_hash(col: str) -> pl.Expr:
    """A 64-bit hash of a string key column, as ``h``: joins on it are 2-3x faster than on the strings.

    Stable within one polars version (client and Dask workers run the same environment). A join on it
    must then confirm the strings are equal (gather both sides and compare): two keys may share a hash.
    """
    return pl.col(col).hash(_HASH_SEED).alias("h")


CACHE_MAX_ENTRIES = 200_000
"""The most entries each per-value cache of a context holds (titles, first names, names, title pairs,
resolved company keys); a full cache starts again empty. Caches only save work, so results never depend
on this; it bounds a long-lived worker's memory by the tracked set instead of by the feed it has seen."""


def _room(cache: dict[Any, Any]) -> dict[Any, Any]:
    """``cache``, emptied first when it holds :data:`CACHE_MAX_ENTRIES` entries."""
    if len(cache) >= CACHE_MAX_ENTRIES:
        cache.clear()
    return cache


@dataclass
class DetectContext:
    """Shared inputs and caches of a detection run."""

    contacts: pl.DataFrame
    accounts: pl.DataFrame
    index: CompanyIndex
    settings: DetectSettings
    _company_frame: pl.DataFrame | None = None
    """Resolutions so far of (name, domain, LinkedIn) keys the domain join did not decide (a cache)."""
    _title_cache: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    _first_cache: dict[str, str] = field(default_factory=dict)
    _change_cache: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    _name_cache: dict[tuple[str, str, str], PersonName | None] = field(default_factory=dict)
    _domain_frame: pl.DataFrame | None = None
    linkedin_index: pl.DataFrame = field(default_factory=pl.DataFrame)
    """(``h``, ``ci``): hash of a contact's LinkedIn key → row in ``contacts`` (see :func:`key_hash`)."""
    email_index: pl.DataFrame = field(default_factory=pl.DataFrame)
    """(``h``, ``ci``): hash of a contact's e-mail → row."""
    block_index: pl.DataFrame = field(default_factory=pl.DataFrame)
    """(``h``, ``ci``): hash of a contact's name blocking key → row."""
    n_tracked: int = 0
    """Tracked contacts (``contacts`` also holds untracked e-mail rivals, ``tracked`` false)."""
    departed: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={**DEPARTED_SCHEMA, "acc_root": pl.String})
    )
    """Contacts the CRM marks as departed (``DEPARTED_SCHEMA`` + ``acc_root``): a successor in the same
    role at the account is a new hire even without a start date (``engine/finalize.py``)."""
    _contact_lasts: pl.Series | None = None
    """Distinct last-name parts of the contacts' blocking keys (:meth:`profile_block_key`), built on use."""
    feed_keys: Any = None
    """The feed pre-filter's key sets (:class:`jobshift.engine.prefilter.keys.FeedKeys`), built on first
    use."""
    index_inputs: tuple[pl.DataFrame, list[Alias]] | None = None
    """The accounts and aliases :attr:`index` was built from (``build``), for the context fingerprint."""

    @classmethod
    def build(
        cls,
        contacts: pl.DataFrame,
        accounts: pl.DataFrame,
        aliases: Iterable[Alias] = (),
        settings: DetectSettings | None = None,
        rivals: pl.DataFrame | None = None,
        departed: pl.DataFrame | None = None,
    ) -> DetectContext:
        """Index accounts and prepare the contacts frame (blocking keys, account family roots).

        ``rivals``: untracked contacts (same columns) that share an e-mail address with a tracked one.
        They are indexed by LinkedIn and e-mail only, so that a profile whose name fits such a contact
        better is not taken for the tracked one; their own matches are dropped (``tracked`` false).
        """
        settings = settings or DetectSettings()
        infos = [
            AccountInfo(
                id=r["account_id"],
                name=r["name"] or "",
                domain=r["domain"],
                linkedin_norm=r["linkedin_norm"],
                parent_id=r["parent_id"],
                is_customer=(r["type"] or "").strip().lower() in CUSTOMER_TYPES,
                is_target=bool(r["is_target"]),
                has_open_opp=bool(r["has_open_opp"]),
                n_contacts=int(r["n_contacts"] or 0),
            )
            for r in accounts.iter_rows(named=True)
        ]
        aliases = list(aliases)
        index = CompanyIndex.build(infos, aliases, fuzzy_threshold=settings.company_match_threshold)
        icp = settings.icp if settings.watch_icp_accounts and settings.icp and settings.icp.defined else None
        in_icp = [
            icp is not None
            and not failed_criteria(
                icp, r.get("industry"), r.get("country"), r.get("segment"), r.get("employees")
            )
            for r in accounts.iter_rows(named=True)
        ]
        acc = pl.DataFrame(
            {
                "account_id": [a.id for a in infos],
                "acc_root": [index.root(a.id) for a in infos],
                "acc_name": [a.name for a in infos],
                "acc_domain": [a.domain for a in infos],
                "is_customer_company": [a.is_customer for a in infos],
                "is_target_company": [a.is_target for a in infos],
                "has_open_opportunity": [a.has_open_opp for a in infos],
                "is_watched": [a.is_target or m for a, m in zip(infos, in_icp, strict=True)],
                "watch_reason": [
                    "target" if a.is_target else ("icp" if m else None)
                    for a, m in zip(infos, in_icp, strict=True)
                ],
            },
            schema={
                "account_id": pl.String,
                "acc_root": pl.String,
                "acc_name": pl.String,
                "acc_domain": pl.String,
                "is_customer_company": pl.Boolean,
                "is_target_company": pl.Boolean,
                "has_open_opportunity": pl.Boolean,
                "is_watched": pl.Boolean,
                "watch_reason": pl.String,
            },
        )
        ctx = cls(contacts=contacts, accounts=acc, index=index, settings=settings)
        ctx.index_inputs = (accounts, aliases)
        contacts = contacts.with_columns(pl.lit(True).alias("tracked"))
        if rivals is not None and rivals.height:
            rivals = rivals.join(contacts.select("contact_id"), on="contact_id", how="anti")
            contacts = pl.concat(
                [contacts, rivals.select(contacts.columns[:-1]).with_columns(pl.lit(False).alias("tracked"))]
            )
        c = contacts.join(acc.select("account_id", "acc_root"), on="account_id", how="left")
        c = c.with_columns(ctx.block_key("first_name", "last_name").alias("block"))
        ctx.index_contacts(c)
        gone = departed if departed is not None else pl.DataFrame(schema=DEPARTED_SCHEMA)
        ctx.departed = gone.join(acc.select("account_id", "acc_root"), on="account_id", how="inner")
        return ctx

    def index_contacts(self, contacts: pl.DataFrame) -> None:
        """Make ``contacts`` (with ``block``, ``acc_root``, ``tracked``) this context's contacts: row
        numbers ``ci`` in their order and the LinkedIn, e-mail and name-key indexes over them."""
        cc = contacts.drop("ci", strict=False).with_row_index("ci").with_columns(pl.col("ci").cast(pl.UInt32))
        self.contacts = cc
        self.linkedin_index = cc.drop_nulls("linkedin_norm").select(key_hash("linkedin_norm"), "ci")
        self.email_index = cc.drop_nulls("email_norm").select(key_hash("email_norm"), "ci")
        self.block_index = cc.filter((pl.col("block").str.len_chars() > 2) & pl.col("tracked")).select(
            key_hash("block"), "ci"
        )
        self.n_tracked = int(cc["tracked"].sum())
        self._contact_lasts = None

    def warm(self) -> None:
        """Build what batches would otherwise build on first use (the unique-domain frame, the company
        index's key series, the contacts' last-name parts), so that a context pickled to workers
        carries them instead of every fresh worker context building them again."""
        from jobshift.engine.company_keys import index_key_series

        self._unique_domains()
        index_key_series(self.index)
        self.contact_lasts()

    # -- names ----------------------------------------------------------------------------------
    def block_key(self, first_col: str, last_col: str) -> pl.Expr:
        """``<last>|<canonical first>``: nicknames folded through the name normalizer's table."""
        return (
            block_last(last_col)
            + "|"
            + first_token(first_col).map_batches(self._canon_series, return_dtype=pl.String)
        )

    def contact_lasts(self) -> pl.Series:
        """Distinct last-name parts (before the ``|``) of the contacts' blocking keys (cached)."""
        if self._contact_lasts is None:
            blocks = self.contacts.get_column("block") if "block" in self.contacts.columns else None
            lasts = (
                pl.Series(dtype=pl.String)
                if blocks is None
                else blocks.drop_nulls().str.splitn("|", 2).struct.field("field_0").unique()
            )
            self._contact_lasts = lasts.rename("last")
        return self._contact_lasts

    def profile_block_key(self, first_col: str, last_col: str) -> pl.Expr:
        """:meth:`block_key` for profiles matched against this context's contacts: the first name is
        canonicalized (Python, once per distinct name) only where the last-name part is one a contact
        has. Elsewhere it is left empty: such a key equals no contact's key either way (the last-name
        parts differ), so every join and comparison on it gives what :meth:`block_key`'s would."""
        last = block_last(last_col)
        known = last.is_in(self.contact_lasts().implode())
        first = pl.when(known).then(first_token(first_col)).otherwise(pl.lit(""))
        return last + "|" + first.map_batches(self._canon_series, return_dtype=pl.String)

    def _canon_series(self, s: pl.Series) -> pl.Series:
        cache = self._first_cache
        uniq = s.unique().to_list()
        if len(cache) + len(uniq) > CACHE_MAX_ENTRIES:
            cache.clear()
        for v in uniq:
            if v not in cache:
                pn = parse_person_name(first=v, last="x") if v else None
                cache[v] = (pn.first_canonical or v) if pn else ""
        # the mapping of this series' values only: the whole cache grows with every batch of a run
        return s.replace_strict({v: cache[v] for v in uniq}, return_dtype=pl.String, default="")

    def _person(self, first: str | None, last: str | None, full: str | None = None) -> PersonName | None:
        key = (first or "", last or "", "" if (first or last) else (full or ""))
        if key not in self._name_cache:
            _room(self._name_cache)
            if first or last:
                self._name_cache[key] = parse_person_name(first=first, last=last)
            else:
                self._name_cache[key] = parse_person_name(full=full) if full else None
        return self._name_cache[key]

    def score_names(self, pairs: pl.DataFrame, obs: pl.DataFrame) -> pl.DataFrame:
        """Add ``name_score`` (0..100) and ``name_exact`` to (``ci``, ``pi``) ``pairs``.

        Equal blocking keys (same last name, same canonical first name) score 100 without Python work;
        the rest are scored once per distinct name pair. A profile without any name scores 100 (no
        evidence against the match). ``name_exact``: the same first and last name as written (accents
        and case folded), which ranks "Charlie" above a "Charlotte" who may go by Charlie.
        """
        ci, pi = pairs["ci"], pairs["pi"]
        df = pairs.with_columns(
            *(obs[c].gather(pi) for c in ("first_name", "last_name", "full_name", "p_block")),
            self.contacts["first_name"].gather(ci).alias("c_first"),
            self.contacts["last_name"].gather(ci).alias("c_last"),
            self.contacts["block"].gather(ci),
        ).with_row_index("_r")
        nameless = (
            pl.col("first_name").is_null() & pl.col("last_name").is_null() & pl.col("full_name").is_null()
        )
        easy = nameless | ((pl.col("p_block") == pl.col("block")) & (pl.col("block").str.len_chars() > 2))
        df = df.with_columns(easy.fill_null(False).alias("_easy"))
        keys = ["first_name", "last_name", "full_name", "c_first", "c_last"]
        hard = df.filter(~pl.col("_easy")).select("_r", *keys)
        uniq = hard.select(keys).unique()
        scores = [self.name_score_full(f, ln, full, cf, cl) for f, ln, full, cf, cl in uniq.iter_rows()]
        uniq = uniq.with_columns(pl.Series("_hs", scores, dtype=pl.Float64))
        hard = hard.join(uniq, on=keys, how="left", nulls_equal=True).select("_r", "_hs")
        df = df.join(hard, on="_r", how="left").with_columns(
            pl.when(pl.col("_easy"))
            .then(pl.lit(100.0))
            .otherwise(pl.col("_hs").fill_null(0.0))
            .alias("name_score")
        )
        exact = (first_token("first_name") == first_token("c_first")) & (
            block_last("last_name") == block_last("c_last")
        )
        return df.with_columns(exact.fill_null(False).alias("name_exact")).select(
            *pairs.columns, "name_score", "name_exact"
        )

    def name_score_full(
        self, first: str | None, last: str | None, full: str | None, c_first: str | None, c_last: str | None
    ) -> float:
        """Like :meth:`name_score`, falling back to the profile's full name when first/last are missing."""
        a, b = self._person(first, last, full), self._person(c_first, c_last)
        return float(name_similarity(a, b)) if a and b else 0.0

    def name_score(
        self, first: str | None, last: str | None, c_first: str | None, c_last: str | None
    ) -> float:
        """Similarity 0..100 of a profile's name and a contact's name (the name normalizer's score)."""
        a, b = self._person(first, last), self._person(c_first, c_last)
        return float(name_similarity(a, b)) if a and b else 0.0

    # -- companies ------------------------------------------------------------------------------
    def resolve_companies(
        self, df: pl.DataFrame, name: str, domain: str, linkedin: str, prefix: str
    ) -> pl.DataFrame:
        """Add ``<prefix>account_id``, ``<prefix>rule``, ``<prefix>conf``, ``<prefix>tie`` to ``df``.

        A domain that names exactly one account decides on its own (the first rule of
        :class:`CompanyIndex`), so those rows resolve by a join; every other distinct (name, domain,
        LinkedIn) goes through :meth:`CompanyIndex.resolve` once per run (cached). Keys are found and
        joined by one 64-bit hash of the three strings (``company_key_hash``), every match confirmed on
        the strings; when two keys of ``df`` share a hash, the strings themselves are joined.
        """
        rows = df.select(
            pl.col(name).alias("_n"), pl.col(domain).alias("_d"), pl.col(linkedin).alias("_l")
        ).with_columns(company_key_hash())
        res = self._resolve_distinct(rows.unique("_h", keep="any"))
        attached = attach_by_hash(rows, res)
        if attached is None:  # a hash collision inside this frame: the exact string path
            res = self._resolve_distinct(rows.unique(KEY_COLUMNS, keep="any"))
            attached = rows.join(
                res.drop("_h"), on=KEY_COLUMNS, how="left", nulls_equal=True, maintain_order="left"
            ).select(*RESOLVED_SCHEMA)
        return df.with_columns(
            attached.get_column(c).alias(f"{prefix}{out}")
            for c, out in (("aid", "account_id"), ("rule", "rule"), ("conf", "conf"), ("tie", "tie"))
        )

    def _resolve_distinct(self, keys: pl.DataFrame) -> pl.DataFrame:
        """Distinct keys (``_n``, ``_d``, ``_l``, ``_h``) with ``aid``, ``rule``, ``conf``, ``tie`` added."""
        keys = keys.join(self._unique_domains(), left_on="_d", right_on="_dom", how="left")
        fast = keys.filter(pl.col("aid").is_not_null()).with_columns(
            pl.lit("domain").alias("rule"),
            pl.lit(RULE_CONFIDENCE["domain"]).alias("conf"),
            pl.lit(None, dtype=pl.String).alias("tie"),
        )
        slow = self._resolve_slow(keys.filter(pl.col("aid").is_null()).select(*KEY_COLUMNS, "_h"))
        return pl.concat([fast.select(slow.columns), slow])

    def _resolve_slow(self, keys: pl.DataFrame) -> pl.DataFrame:
        """(``_n``, ``_d``, ``_l``, ``_h``) keys → the same plus ``aid``, ``rule``, ``conf``, ``tie``; each
        key resolved once a run.

        Keys seen in an earlier batch come from the cache frame by a join on the hash ``_h`` whose hits
        are confirmed on the strings; only new ones go through :meth:`CompanyIndex.resolve` in Python.
        """
        on = list(KEY_COLUMNS)
        known = self._company_frame
        if known is None:
            hits, new = None, keys
        else:  # one join on the hash splits the keys into cached hits (same strings too) and new ones
            keys = keys.with_row_index("_k")
            looked = keys.join(known.rename({c: f"{c}_c" for c in on}), on="_h", how="inner")
            same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"{c}_c")) for c in on)
            hits = looked.filter(same).drop(*(f"{c}_c" for c in on))
            # a key that met only a cached key with the same hash but other strings is new
            new = keys.filter(~pl.col("_k").is_in(hits.get_column("_k").implode())).drop("_k")
            hits = hits.drop("_k")
        new = resolve_keys(self.index, new.select(on)).with_columns(new.get_column("_h"))
        if new.height:
            # batches may run on two threads: merge into the frame as it is now, without duplicates
            # (a key another thread added meanwhile is dropped here; a lost entry only costs a lookup);
            # when no other thread changed the frame, ``new`` holds no cached key already
            cur = self._company_frame
            if cur is not None and cur is not known:
                new_only = new.join(cur, on=on, how="anti", nulls_equal=True)
            else:
                new_only = new
            if cur is None or cur.height + new_only.height > CACHE_MAX_ENTRIES:
                self._company_frame = new.rechunk()
            else:
                self._company_frame = pl.concat([cur, new_only]).rechunk()
        return new if hits is None else pl.concat([hits.select(new.columns), new])

    def _unique_domains(self) -> pl.DataFrame:
        """Registrable domains (accounts + aliases) that belong to exactly one account."""
        if self._domain_frame is None:
            pairs = [(d, next(iter(ids))) for d, ids in self.index.by_domain.items() if len(ids) == 1]
            self._domain_frame = pl.DataFrame(
                {"_dom": [d for d, _ in pairs], "aid": [a for _, a in pairs]},
                schema={"_dom": pl.String, "aid": pl.String},
            )
        return self._domain_frame

    # -- titles ---------------------------------------------------------------------------------
    def title_frame(self, titles: pl.Series) -> pl.DataFrame:
        """Per distinct title: seniority, function, role-kind flags, persona match."""
        rows = []
        persona = self.settings.persona
        for t in titles.drop_nulls().unique().to_list():
            hit = self._title_cache.get(t)
            if hit is None:
                ti = classify_title(t)
                pm = persona_matches(t, persona) if persona is not None else False
                hit = (
                    ti.seniority,
                    ti.function,
                    ti.is_advisor,
                    ti.is_board,
                    ti.is_investor,
                    ti.is_intern,
                    ti.is_student,
                    ti.is_self_employed,
                    bool(pm),
                )
                _room(self._title_cache)[t] = hit
            rows.append((t, *hit))
        return pl.DataFrame(
            rows,
            schema={
                "title": pl.String,
                "seniority": pl.String,
                "function": pl.String,
                "f_advisor": pl.Boolean,
                "f_board_member": pl.Boolean,
                "f_investor": pl.Boolean,
                "f_intern": pl.Boolean,
                "f_student": pl.Boolean,
                "f_self_employed": pl.Boolean,
                "persona_match": pl.Boolean,
            },
            orient="row",
        )

    def title_changes(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """Per distinct (``past_title``, ``new_title``) of ``pairs``: ``title_decision`` (``same`` /
        ``promotion`` / ``lateral`` / ``demotion``, see ``domain/normalize/title_model.py``),
        ``title_reason`` (``"promotion: director/engineering → vp/engineering"``) and ``title_changed``
        (any decision but ``same``). Each distinct pair is compared once per run (cached)."""
        keys = pairs.unique()
        res = [self.title_change(o, n) for o, n in keys.iter_rows()]
        return keys.with_columns(
            pl.Series("title_decision", [d for d, _ in res], dtype=pl.String),
            pl.Series("title_reason", [r for _, r in res], dtype=pl.String),
            pl.Series("title_changed", [d != "same" for d, _ in res], dtype=pl.Boolean),
        )

    def title_change(self, old: str | None, new: str | None) -> tuple[str, str]:
        """(decision, reason) from the CRM title to the profile's title."""
        key = (old or "", new or "")
        hit = self._change_cache.get(key)
        if hit is None:
            if old == new or normalize_title(old) == normalize_title(new):
                hit = ("same", "same: equal titles")
            else:
                hit = title_decision(old, new)
            _room(self._change_cache)[key] = hit
        return hit
