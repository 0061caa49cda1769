"""Company resolution: rule precedence, deterministic tie-breaks, aliases, renames, families."""

from __future__ import annotations

from jobshift.domain.matching.companies import AccountInfo, Alias, CompanyIndex
from jobshift.domain.matching.identity import IdentityCandidate, choose_identity


def _index() -> CompanyIndex:
    return CompanyIndex.build(
        [
            AccountInfo("a-1", "Acme Inc.", "acme.com"),
            AccountInfo("a-2", "Acme Europe GmbH", "acme.de", parent_id="a-1"),
            AccountInfo("a-3", "Globex Corporation", "globex.com", n_contacts=5),
            AccountInfo("a-4", "Globex Corp", None, n_contacts=9),
            AccountInfo("a-5", "Initech", "initech.com", is_customer=True),
            AccountInfo("a-6", "Initech", "initech.io", n_contacts=50),
            AccountInfo("a-7", "Umbrella", None),
            AccountInfo("a-8", "Umbrella", None),
        ],
        [Alias("a-7", name="Umbrella Pharmaceuticals", domain="umbrella-pharma.com")],
    )


def test_domain_beats_name_and_survives_a_rename() -> None:
    idx = _index()
    m = idx.resolve("Totally New Brand Name", "acme.com")
    assert m is not None and (m.account_id, m.rule) == ("a-1", "domain")
    assert idx.resolve("Acme", "gmail.com") is not None  # free mail ignored, name decides
    assert idx.resolve("Acme", "gmail.com").rule == "name"  # type: ignore[union-attr]


def test_exact_name_tie_broken_by_customer_then_most_contacts_then_id() -> None:
    idx = _index()
    m = idx.resolve("Initech LLC")
    assert m is not None and m.account_id == "a-5" and m.tie_break == "customer_or_open_opp"
    m = idx.resolve("Globex")
    assert m is not None and m.account_id == "a-4" and m.tie_break == "most_contacts" and m.candidates == 2
    m = idx.resolve("Umbrella")
    assert m is not None and m.account_id == "a-7" and m.tie_break == "smallest_id"
    assert idx.resolve("Umbrella") == m  # cached and deterministic


def test_aliases_and_fuzzy() -> None:
    idx = _index()
    m = idx.resolve("Whatever", "umbrella-pharma.com")
    assert m is not None and m.account_id == "a-7" and m.rule == "domain"
    m = idx.resolve("Initechh")
    assert m is not None and m.rule == "fuzzy" and 0 < m.confidence < 0.95
    assert idx.resolve("Completely Unrelated Name") is None
    assert idx.resolve(None) is None


def test_families() -> None:
    idx = _index()
    assert idx.same_family("a-1", "a-2") and idx.same_family("a-2", "a-2")
    assert not idx.same_family("a-1", "a-3") and not idx.same_family(None, "a-1")


def test_identity_strong_newest_wins_and_name_needs_history() -> None:
    old_li = IdentityCandidate("k1", "2026-01-01", "linkedin")
    new_mail = IdentityCandidate("k2", "2026-06-01", "email")
    d = choose_identity([old_li, new_mail])
    assert d.outcome == "matched" and d.candidate == new_mail
    stranger = IdentityCandidate("k3", "2026-06-01", "name", 100.0, False, "a-9")
    d = choose_identity([stranger])
    assert d.outcome == "uncertain" and d.confidence < 0.5
    proven = IdentityCandidate("k4", "2026-05-01", "name", 96.0, True, "a-3")
    d = choose_identity([stranger, proven])
    assert d.outcome == "matched" and d.candidate == proven and 0.8 < d.confidence < 0.9
    other = IdentityCandidate("k5", "2026-05-01", "name", 97.0, True, "a-4")
    assert choose_identity([proven, other]).outcome == "ambiguous"
    assert choose_identity([IdentityCandidate("k6", "2026-01-01", "name", 50.0)]).reason == "no_candidate"


def test_fuzzy_search_equals_token_sort_ratio_over_the_block() -> None:
    """The pre-sorted ``ratio`` search finds exactly what ``token_sort_ratio`` over the block pool finds."""
    import random

    from rapidfuzz import fuzz

    from jobshift.domain.matching import companies as mod

    rng = random.Random(5)
    words = ["acme", "global", "systems", "data", "north", "star", "labs", "nexus", "blue", "river"]
    infos = [
        AccountInfo(id=f"A{i:04d}", name=" ".join(rng.sample(words, rng.randint(1, 3))) + f" {i % 37}")
        for i in range(400)
    ]
    idx = CompanyIndex.build(infos, fuzzy_threshold=85.0)
    for _ in range(300):
        base = rng.choice(infos).name
        chars = list(base)
        chars[rng.randrange(len(chars))] = rng.choice("abcdefgh ")
        query = "".join(rng.sample(base.split(), len(base.split()))) if rng.random() < 0.2 else "".join(chars)
        norm = mod.normalize_company_name(query)
        if not norm:
            continue
        ids, score = idx._fuzzy(norm)
        key = mod._sorted_tokens(norm)
        pool = idx._blocks.get(key[: mod._BLOCK], set()) | idx._blocks.get(key[-mod._BLOCK :], set())
        scored = {n: fuzz.token_sort_ratio(norm, n) for n in pool}
        best = max((s for s in scored.values() if s >= 85.0), default=None)
        if best is None:
            assert ids == set() and score == 0.0
            continue
        assert score == best
        top = sorted(n for n, s in scored.items() if s == best)
        if len(top) <= 5:  # the search keeps the 5 best names
            assert ids == set().union(*(idx.by_name[n] for n in top))
