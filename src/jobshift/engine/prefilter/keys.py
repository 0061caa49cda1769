"""The keys a feed row can link by, computed once per run: the relevance pre-filter's side of the context.

In a bulk people feed almost nobody is a tracked contact or works at a watched account. A row can only
produce something in :func:`~jobshift.engine.detect.detect_batch` when

- its LinkedIn key, one of its e-mails, or its name blocking key equals one of a contact's
  (``ctx.linkedin_index`` / ``ctx.email_index`` cover tracked contacts and their e-mail rivals,
  ``ctx.block_index`` tracked contacts with a blocking key longer than 2), or
- one of the companies it names can resolve to an account of a *watched family* (a family — same root —
  holding a target or ICP account): company resolution only ever picks a candidate of one of its layers
  (registrable domain, LinkedIn page, exact normalized name, core name, fuzzy name block) or that
  candidate's parent, so a company none of whose layer keys belongs to a watched family cannot resolve
  to a watched account (for the fuzzy layer: a watched-family name of its block pool scores at least the
  threshold — the blocks alone let through most names).

:class:`FeedKeys` holds those key sets (built lazily from the context, then cached on it, so a Dask worker
builds them once). The row side (:mod:`jobshift.engine.prefilter.read`) computes a *superset* of each row's
keys from its text, so the filter never drops a row the full path would link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from rapidfuzz import fuzz, process

from jobshift.domain.matching.companies import _BLOCK, CompanyIndex, _sorted_tokens
from jobshift.domain.normalize.companies import company_core, normalize_company_name
from jobshift.domain.profile_parts import li_company
from jobshift.engine.context import DetectContext


@dataclass
class FeedKeys:
    """Key sets of one detection context (see the module docstring)."""

    linkedin: pl.Series
    """LinkedIn keys of every contact (tracked and rivals)."""
    emails: pl.Series
    """Normalized e-mails of every contact (tracked and rivals)."""
    blocks: pl.Series
    """Name blocking keys of tracked contacts (longer than 2 characters)."""
    watched: bool
    """Whether any account is watched (no watched account: the company side keeps nothing)."""
    domains: pl.Series
    """Registrable domains (accounts + aliases) of watched-family accounts."""
    domain_labels: int
    """The most labels a domain of :attr:`domains` has (longer suffixes of a host cannot match)."""
    company_pages: frozenset[str]
    """LinkedIn company keys of watched-family accounts."""
    names: frozenset[str]
    cores: frozenset[str]
    fuzzy_blocks: frozenset[str]
    family: frozenset[str]
    """Account ids of the watched families."""
    index: CompanyIndex
    _pools: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per fuzzy block: the sorted-token keys of the watched-family names in it."""
    _name_hits: dict[str, bool] = field(default_factory=dict)
    _page_hits: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def build(cls, ctx: DetectContext) -> FeedKeys:
        """The key sets of ``ctx``."""
        c = ctx.contacts
        idx = ctx.index
        acc = ctx.accounts
        roots = set(acc.filter(pl.col("is_watched"))["acc_root"].drop_nulls().to_list())
        family = set(acc.filter(pl.col("acc_root").is_in(list(roots)))["account_id"].to_list())

        def of_family(table: dict[str, set[str]]) -> list[str]:
            return [k for k, ids in table.items() if ids & family]

        doms = of_family(idx.by_domain)
        names = of_family(idx.by_name)
        pools: dict[str, set[str]] = {}
        for n in names:
            key = idx._sorted.get(n) or _sorted_tokens(n)
            pools.setdefault(key[:_BLOCK], set()).add(key)
            pools.setdefault(key[-_BLOCK:], set()).add(key)
        return cls(
            linkedin=c["linkedin_norm"].drop_nulls().unique(),
            emails=c["email_norm"].drop_nulls().unique(),
            blocks=c.filter(pl.col("tracked") & (pl.col("block").str.len_chars() > 2))["block"].unique(),
            watched=bool(family),
            domains=pl.Series(doms, dtype=pl.String),
            domain_labels=max((d.count(".") + 1 for d in doms), default=0),
            company_pages=frozenset(of_family(idx.by_linkedin)),
            names=frozenset(names),
            cores=frozenset(of_family(idx.by_core)),
            fuzzy_blocks=frozenset(pools),
            family=frozenset(family),
            index=idx,
            _pools={b: tuple(sorted(keys)) for b, keys in pools.items()},
        )

    def name_may_match(self, raw: str) -> bool:
        """Whether a company name (as written) can resolve to a watched-family account (cached)."""
        hit = self._name_hits.get(raw)
        if hit is None:
            hit = False
            name = raw.strip()
            norm = normalize_company_name(name) if name else None
            if norm:
                key = _sorted_tokens(norm)
                core = company_core(name)
                hit = (
                    norm in self.names
                    or (core is not None and core[0] in self.cores)
                    or self._fuzzy_may_match(key)
                )
            self._name_hits[raw] = hit
        return hit

    def _fuzzy_may_match(self, key: str) -> bool:
        """Whether a watched-family name of the fuzzy layer's pool for ``key`` (sorted tokens) scores
        at least the threshold: the layer's answer (its best-scoring names) can hold a watched-family
        account only then. The pool is the watched-family names sharing a block (a fraction of all)."""
        pool = self._pools.get(key[:_BLOCK], ()) + self._pools.get(key[-_BLOCK:], ())
        if not pool:
            return False
        hit = process.extractOne(
            key, pool, scorer=fuzz.ratio, processor=None, score_cutoff=self.index.fuzzy_threshold
        )
        return hit is not None

    def page_may_match(self, raw: str) -> bool:
        """Whether a LinkedIn company URL (as written) is a watched-family account's page (cached)."""
        hit = self._page_hits.get(raw)
        if hit is None:
            hit = self._page_hits[raw] = li_company(raw.strip() or None) in self.company_pages
        return hit


def feed_keys(ctx: DetectContext) -> FeedKeys:
    """The :class:`FeedKeys` of ``ctx``, built on first use and kept on the context."""
    keys: Any = ctx.feed_keys
    if keys is None:
        keys = ctx.feed_keys = FeedKeys.build(ctx)
    return keys
