"""Person names: parsed (nameparser), folded, and compared nickname-aware.

``parse_person_name("Dr. Robert \"Bob\" Smith Jr.")`` → ``PersonName(first="robert", last="smith", …)``;
``"Doe, Jane"`` is understood; honorifics and suffixes (Dr., Mr., Jr., PhD) are dropped. Every part is
lower-cased, accents folded and punctuation removed (``"O'Brien"`` → ``"obrien"``, ``"Smith-Jones"`` →
``"smith jones"``). ``first_canonical`` maps nicknames to the formal name (``bob`` → ``robert``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nameparser import HumanName
from rapidfuzz import fuzz

from jobshift.domain.normalize.nicknames import canonical_first_name, nickname_compatible
from jobshift.domain.normalize.text import fold, words

_HONORIFICS = frozenset(
    """
    mr mrs ms miss mx dr prof sir dame herr frau mme mlle sra srta
    """.split()  # noqa: SIM905
)
_SUFFIXES = frozenset(
    ["jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "cpa", "esq", "dds", "jd", "msc", "bsc", "pe"]
)
_APOSTROPHES = re.compile(r"['\u2019\u02bc`´]")


@dataclass(frozen=True)
class PersonName:
    """A parsed, folded person name. ``first_canonical`` is ``first`` with nicknames resolved."""

    first: str
    last: str
    middle: str
    first_canonical: str


def _clean(part: str | None) -> str:
    """Fold, drop apostrophes (``o'brien`` → ``obrien``), turn other punctuation into spaces."""
    if not part:
        return ""
    return " ".join(words(_APOSTROPHES.sub("", fold(part))))


def _strip_affixes(first: str, last: str) -> tuple[str, str]:
    ftoks, ltoks = first.split(), last.split()
    while ftoks and ftoks[0] in _HONORIFICS:
        ftoks = ftoks[1:]
    while ftoks and ftoks[-1] in _SUFFIXES:
        ftoks = ftoks[:-1]
    while ltoks and ltoks[-1] in _SUFFIXES:
        ltoks = ltoks[:-1]
    return " ".join(ftoks), " ".join(ltoks)


def _parse_full(full: str) -> tuple[str, str, str]:
    try:
        h = HumanName(full)
        first, middle, last = _clean(h.first), _clean(h.middle), _clean(h.last)
    except Exception:  # nameparser is robust, but a name must never crash a run
        first = middle = last = ""
    if not first and not last:
        toks = _clean(full).split()
        toks = [t for t in toks if t not in _HONORIFICS and t not in _SUFFIXES]
        if not toks:
            return "", "", ""
        return toks[0], " ".join(toks[1:-1]), toks[-1] if len(toks) > 1 else ""
    return first, middle, last


@lru_cache(maxsize=131_072)
def parse_person_name(
    full: str | None = None, first: str | None = None, last: str | None = None
) -> PersonName | None:
    """Parse a name from ``full`` and/or explicit ``first``/``last`` (explicit parts win).

    Returns ``None`` when neither a first nor a last name is left.
    """
    f, lst = _clean(first), _clean(last)
    middle = ""
    if full and (not f or not lst):
        pf, pm, pl = _parse_full(full)
        if not f:
            f, middle = pf, pm
        if not lst:
            lst = pl
    f, lst = _strip_affixes(f, lst)
    if not f and not lst:
        return None
    # a first name given as "jane marie" keeps "jane" as first and "marie" as middle
    ftoks = f.split()
    if len(ftoks) > 1:
        f, middle = ftoks[0], " ".join([*ftoks[1:], *middle.split()])
    return PersonName(first=f, last=lst, middle=middle, first_canonical=canonical_first_name(f) if f else "")


def name_key(name: PersonName) -> str:
    """``"robert|smith"``: canonical first + last name, for blocking and joins."""
    return f"{name.first_canonical}|{name.last}"


def _first_score(a: PersonName, b: PersonName) -> float:
    if not a.first or not b.first:
        return 60.0  # unknown first name: neither evidence for nor against
    if a.first_canonical == b.first_canonical or nickname_compatible(a.first, b.first):
        return 100.0
    if len(a.first) == 1 or len(b.first) == 1:  # an initial
        return 85.0 if a.first[0] == b.first[0] else 0.0
    return max(fuzz.ratio(a.first, b.first), fuzz.ratio(a.first_canonical, b.first_canonical))


def _surname_score(la: str, lb: str) -> float:
    if la == lb:
        return 100.0
    ca, cb = la.replace(" ", ""), lb.replace(" ", "")
    if ca == cb:
        return 100.0
    # double-barrelled names: "garcia lopez" vs "garcia" scores high but not perfect
    return max(fuzz.ratio(ca, cb), 0.92 * fuzz.token_set_ratio(la, lb))


def _last_score(a: PersonName, b: PersonName) -> float:
    if not a.last or not b.last:
        return 50.0
    score = _surname_score(a.last, b.last)
    if score < 100.0 and (a.middle or b.middle):
        # Spanish/Portuguese double surnames are often parsed as middle + last
        la = f"{a.middle} {a.last}" if a.middle else a.last
        lb = f"{b.middle} {b.last}" if b.middle else b.last
        score = max(score, _surname_score(la, b.last), _surname_score(a.last, lb), _surname_score(la, lb))
    return score


def name_similarity(a: PersonName, b: PersonName) -> float:
    """0..100: product of the first-name and last-name scores (both must agree for a high score).

    Nickname-aware (``bob smith`` ~ ``robert smith`` = 100); an initial matching a first name scores 85;
    swapped first/last (``smith john``) is tried at a 10% discount.
    """
    straight = _first_score(a, b) * _last_score(a, b) / 100.0
    if straight >= 100.0 or not (a.first and a.last and b.first and b.last):
        return float(straight)
    swapped_b = PersonName(first=b.last, last=b.first, middle=b.middle, first_canonical=b.last)
    swapped = 0.9 * _first_score(a, swapped_b) * _last_score(a, swapped_b) / 100.0
    return float(round(max(straight, swapped), 4))
