"""Company resolution: which CRM account (if any) is the company a profile names.

Rules, strongest first: registrable domain (free-mail domains ignored) > LinkedIn company page >
exact normalized name (legal forms stripped) > core name (group words such as "Group", "Holding",
"Gruppe" and country qualifiers such as "(UK)", "Deutschland" stripped too, :func:`company_core`) >
fuzzy name score (rapidfuzz) — each fed by the accounts themselves and by the workspace's alias table.
Core matches whose country qualifiers disagree are dropped ("Acme UK" is not "Acme France SAS"); the
account with the same qualifiers wins. Within one account family (parent / subsidiaries) a single
matching subsidiary wins over its parent (``subsidiary_over_parent``), otherwise the parent
(``parent``). When several accounts qualify, ties are broken
deterministically by the next rules in that order, then customer / open-opportunity accounts, then the
account with the most contacts, then the smallest id; the rule that decided is recorded.
A company renamed while keeping its domain still resolves by domain. Parent and subsidiary accounts
form one family (:meth:`CompanyIndex.same_family`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from jobshift.domain.normalize.companies import company_core, normalize_company_name
from jobshift.domain.normalize.domains import is_free_mail

RULE_CONFIDENCE: dict[str, float] = {"domain": 1.0, "linkedin": 0.98, "name": 0.95, "core": 0.93}
_BLOCK = 4
"""Fuzzy candidates share the first or the last 4 characters of their token-sorted names: a score of
92+ leaves room for about one edit per 12 characters, so a real variant almost always keeps one end
intact, and a search looks at a few names instead of every account (25 ms → ~0.05 ms at 100k)."""


def _sorted_tokens(norm: str) -> str:
    """The tokens of a normalized name, sorted and joined (what ``token_sort_ratio`` compares)."""
    return " ".join(sorted(norm.split()))


@dataclass(frozen=True)
class AccountInfo:
    """What company resolution needs to know about one CRM account."""

    id: str
    name: str
    domain: str | None = None
    linkedin_norm: str | None = None
    parent_id: str | None = None
    is_customer: bool = False
    is_target: bool = False
    has_open_opp: bool = False
    n_contacts: int = 0


@dataclass(frozen=True)
class Alias:
    """Another name / domain / LinkedIn page of an account (the ``account_aliases`` table)."""

    account_id: str
    name: str | None = None
    domain: str | None = None
    linkedin_norm: str | None = None


@dataclass(frozen=True)
class CompanyMatch:
    """The account a company resolved to, how, and how sure we are."""

    account_id: str
    rule: str  # domain | linkedin | name | fuzzy
    score: float  # 0..100 name similarity (100 for domain/linkedin/exact name)
    confidence: float
    tie_break: str | None = None  # the rule that decided between several candidates
    candidates: int = 1


_MISS = object()
"""The cache lookup's sentinel (``None`` is a cached answer)."""

RESOLVE_CACHE_MAX = 65_536
"""The most resolutions :meth:`CompanyIndex.resolve` keeps (and fuzzy candidate pools): a full cache
starts again empty. A Dask
worker keeps its index for hundreds of partition tasks and every partition brings new company texts:
unbounded, this cache grew by ≈ 800 entries per 250,000-profile partition for the whole run. The feed
path resolves each distinct key once per batch and caches the results in the context's frame
(``engine/context.py``), so a hit here is rare there; results never depend on the cache."""


@dataclass
class CompanyIndex:
    """Hash indexes over accounts + aliases, with a cache of resolutions per distinct company."""

    accounts: dict[str, AccountInfo]
    fuzzy_threshold: float = 92.0
    by_domain: dict[str, set[str]] = field(default_factory=dict)
    by_linkedin: dict[str, set[str]] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=dict)
    by_core: dict[str, set[str]] = field(default_factory=dict)
    _quals: dict[str, set[frozenset[str]]] = field(default_factory=dict)
    """Per account: the country qualifiers of its names (account name and aliases)."""
    _names: list[str] = field(default_factory=list)
    _blocks: dict[str, set[str]] = field(default_factory=dict)
    _sorted: dict[str, str] = field(default_factory=dict)
    """Per normalized account name: its tokens sorted (computed once at build, not per fuzzy pool)."""
    _pools: dict[tuple[str, str], tuple[list[str], list[str]]] = field(default_factory=dict)
    _roots: dict[str, str] = field(default_factory=dict)
    _cache: dict[tuple[str | None, str | None, str | None], CompanyMatch | None] = field(default_factory=dict)

    @classmethod
    def build(
        cls, accounts: Iterable[AccountInfo], aliases: Iterable[Alias] = (), fuzzy_threshold: float = 92.0
    ) -> CompanyIndex:
        """Index ``accounts`` and ``aliases`` (alias rows pointing at unknown accounts are ignored)."""
        idx = cls(accounts={a.id: a for a in accounts}, fuzzy_threshold=fuzzy_threshold)
        for a in idx.accounts.values():
            idx._add(a.id, a.name, a.domain, a.linkedin_norm)
        for al in aliases:
            if al.account_id in idx.accounts:
                idx._add(al.account_id, al.name, al.domain, al.linkedin_norm)
        idx._names = sorted(idx.by_name)
        for n in idx._names:
            key = idx._sorted[n] = _sorted_tokens(n)
            idx._blocks.setdefault(key[:_BLOCK], set()).add(n)
            idx._blocks.setdefault(key[-_BLOCK:], set()).add(n)
        return idx

    def _add(self, account_id: str, name: str | None, domain: str | None, linkedin: str | None) -> None:
        if domain and not is_free_mail(domain):
            self.by_domain.setdefault(domain, set()).add(account_id)
        if linkedin:
            self.by_linkedin.setdefault(linkedin, set()).add(account_id)
        norm = normalize_company_name(name) if name else None
        if norm:
            self.by_name.setdefault(norm, set()).add(account_id)
        core = company_core(name) if name else None
        if core:
            self.by_core.setdefault(core[0], set()).add(account_id)
            self._quals.setdefault(account_id, set()).add(core[1])

    # -- families -------------------------------------------------------------------------------
    def root(self, account_id: str) -> str:
        """The top of ``account_id``'s parent chain (cycle-safe)."""
        cached = self._roots.get(account_id)
        if cached is not None:
            return cached
        seen = [account_id]
        cur = account_id
        while True:
            acc = self.accounts.get(cur)
            parent = acc.parent_id if acc else None
            if not parent or parent in seen or parent not in self.accounts:
                break
            seen.append(parent)
            cur = parent
        for s in seen:
            self._roots[s] = cur
        return cur

    def same_family(self, a: str | None, b: str | None) -> bool:
        """True when ``a`` and ``b`` are the same account or parent/subsidiary of one another."""
        if not a or not b:
            return False
        return a == b or self.root(a) == self.root(b)

    # -- resolution -----------------------------------------------------------------------------
    def resolve(
        self, name: str | None, domain: str | None = None, linkedin_norm: str | None = None
    ) -> CompanyMatch | None:
        """The account of a company given by name / registrable domain / LinkedIn key, or ``None``."""
        key = (name, domain, linkedin_norm)
        hit = self._cache.get(key, _MISS)  # one lookup: a clear() between two would raise
        if hit is not _MISS:
            return hit  # type: ignore[return-value]
        match = self._resolve(name, domain, linkedin_norm)
        if len(self._cache) >= RESOLVE_CACHE_MAX:
            self._cache.clear()
        self._cache[key] = match
        return match

    def _fuzzy(self, norm: str) -> tuple[set[str], float]:
        if not self._names:
            return set(), 0.0
        key = _sorted_tokens(norm)
        blocks = (key[:_BLOCK], key[-_BLOCK:])
        pool = self._pools.get(blocks)
        if pool is None:  # the candidates of a block pair, sorted once (deterministic ties)
            names = sorted(self._blocks.get(blocks[0], set()) | self._blocks.get(blocks[1], set()))
            pool = ([self._sorted[n] for n in names], names)
            if len(self._pools) >= RESOLVE_CACHE_MAX:  # keyed by the input's blocks: bounded like _cache
                self._pools.clear()
            self._pools[blocks] = pool
        keys, names = pool
        if not names:
            return set(), 0.0
        # token_sort_ratio(a, b) == ratio(sorted tokens of a, sorted tokens of b): the pool's sides are
        # sorted once here instead of on every comparison (7x faster)
        hits = process.extract(
            key, keys, scorer=fuzz.ratio, processor=None, limit=5, score_cutoff=self.fuzzy_threshold
        )
        if not hits:
            return set(), 0.0
        best = max(h[1] for h in hits)
        ids: set[str] = set()
        for _, score, pos in hits:
            if score == best:
                ids |= self.by_name[names[pos]]
        return ids, float(best)

    def _resolve(self, name: str | None, domain: str | None, linkedin: str | None) -> CompanyMatch | None:
        if domain and is_free_mail(domain):
            domain = None
        norm = normalize_company_name(name) if name else None
        by_dom = self.by_domain.get(domain, set()) if domain else set()
        by_li = self.by_linkedin.get(linkedin, set()) if linkedin else set()
        by_nm = self.by_name.get(norm, set()) if norm else set()
        core = company_core(name) if name else None
        by_core: set[str] = set()
        # the core layer decides only when no stronger layer matched, breaks a tie between several
        # candidates, or narrows an exact name to a qualified subsidiary: otherwise it is not looked up
        strong = by_dom or by_li or by_nm
        if core and (not strong or len(strong) > 1 or bool(by_nm and not (by_dom or by_li) and core[1])):
            by_core = self._core_candidates(core)
        qual_tie = False
        if by_nm and not (by_dom or by_li) and core and core[1]:
            # "Fabrikam (UK)" names Fabrikam Inc exactly once the bracket is dropped; its UK subsidiary
            # carries the qualifier: the subsidiary is meant
            roots = {self.root(a) for a in by_nm}
            sub = {a for a in by_core if core[1] in self._quals.get(a, ()) and self.root(a) in roots}
            if sub and sub != by_nm:
                by_nm, qual_tie = sub, True
        fuzzy_ids: set[str] = set()
        fuzzy_score = 0.0
        if not (by_dom or by_li or by_nm or by_core) and norm:
            fuzzy_ids, fuzzy_score = self._fuzzy(norm)
        layers: list[tuple[str, set[str]]] = [
            ("domain", by_dom),
            ("linkedin", by_li),
            ("name", by_nm),
            ("core", by_core),
            ("fuzzy", fuzzy_ids),
        ]
        rule, cands = "", fuzzy_ids
        for r, ids in layers:  # the strongest layer that matched decides
            if ids:
                rule, cands = r, ids
                break
        if not rule:
            return None
        n = len(cands)
        if n == 1:  # most keys: one candidate, no tie to break
            chosen, tie_break = next(iter(cands)), None
        else:
            chosen, tie_break = self._break_tie(cands, layers, rule, norm)
        if qual_tie and tie_break is None:
            tie_break = "country_qualifier"
        score = fuzzy_score if rule == "fuzzy" else 100.0
        conf = round(0.95 * score / 100.0, 3) if rule == "fuzzy" else RULE_CONFIDENCE[rule]
        if n > 1:
            conf = round(conf * 0.95, 3)
        return CompanyMatch(chosen, rule, score, conf, tie_break, n)

    def _core_candidates(self, core: tuple[str, frozenset[str]]) -> set[str]:
        """Accounts with the same core name whose country qualifiers do not contradict the query's;
        when some share the query's qualifiers exactly, only those."""
        key, quals = core
        ids = self.by_core.get(key, set())
        if not ids:
            return set()
        fits = {a for a in ids if any(not q or not quals or q & quals for q in self._quals.get(a, ()))}
        exact = {a for a in fits if quals in self._quals.get(a, set())}
        return exact or fits

    def _family_choice(self, cands: set[str]) -> tuple[str, str] | None:
        """Candidates that are one account family: a single subsidiary wins over its parent, else the
        top account of the family (or ``None`` when they are not one family)."""
        roots = {self.root(c) for c in cands}
        if len(roots) != 1:
            return None
        root = next(iter(roots))
        subs = cands - {root}
        if root in cands and len(subs) == 1:
            return next(iter(subs)), "subsidiary_over_parent"
        if root in cands:
            return root, "parent"
        return None

    def _break_tie(
        self, cands: set[str], layers: list[tuple[str, set[str]]], rule: str, norm: str | None
    ) -> tuple[str, str | None]:
        if len(cands) == 1:
            return next(iter(cands)), None
        order = [r for r, _ in layers]
        for r, ids in layers[order.index(rule) + 1 :]:
            if r == "fuzzy" and norm:
                scored = {
                    c: fuzz.token_sort_ratio(norm, normalize_company_name(self.accounts[c].name) or "")
                    for c in cands
                }
                best = max(scored.values())
                # a name far from every candidate says nothing about which one it is
                meaningful = best >= self.fuzzy_threshold
                narrowed = {c for c, s in scored.items() if s == best} if meaningful else set()
            else:
                narrowed = cands & ids
            if narrowed and len(narrowed) < len(cands):
                cands = narrowed
                if len(cands) == 1:
                    return next(iter(cands)), r
        family = self._family_choice(cands)
        if family is not None:
            return family
        active = {c for c in cands if self.accounts[c].is_customer or self.accounts[c].has_open_opp}
        if active and len(active) < len(cands):
            cands = active
            if len(cands) == 1:
                return next(iter(cands)), "customer_or_open_opp"
        most = max(self.accounts[c].n_contacts for c in cands)
        top = {c for c in cands if self.accounts[c].n_contacts == most}
        if len(top) == 1:
            return next(iter(top)), "most_contacts"
        return min(top), "smallest_id"
