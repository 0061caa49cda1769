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
from nameparser.config import CONSTANTS
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
_NOT_SIMPLE = frozenset(",\"'()[]{}&/\\’“”«»")
_NAMEPARSER_WORDS = frozenset(
    w.lower().replace(".", "")
    for group in (
        CONSTANTS.titles,
        CONSTANTS.prefixes,
        CONSTANTS.suffix_acronyms,
        CONSTANTS.suffix_not_acronyms,
        CONSTANTS.conjunctions,
    )
    for w in group
)
_NOT_GIVEN = _HONORIFICS | frozenset(["jr", "sr", "ii", "iii", "iv", "phd", "esq"])
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
    # honorifics and generational/degree suffixes never are given names: drop them wherever they are
    # in the first name (so the result parses to itself), and from the end of the last name
    ftoks = [t for t in first.split() if t not in _NOT_GIVEN]
    ltoks = last.split()
    while ltoks and ltoks[-1] in _SUFFIXES:
        ltoks = ltoks[:-1]
    return " ".join(ftoks), " ".join(ltoks)


def _simple_parts(full: str) -> list[str] | None:
    """The words of a plain "first [middle] last" name that nameparser would split the obvious way
    (no comma, quote, bracket, title, particle, suffix or conjunction), else ``None``."""
    if any(ch in full for ch in _NOT_SIMPLE) or not fold(full).isascii():
        return None  # punctuation nameparser interprets, or a non-Latin script (other name orders)
    parts = full.split()
    if not 1 <= len(parts) <= 3:
        return None
    for part in parts:
        low = part.lower().replace(".", "")
        if low in _NAMEPARSER_WORDS or not low:
            return None
    return parts


def _parse_with_nameparser(full: str) -> tuple[str, str, str]:
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


def _parse_full(full: str) -> tuple[str, str, str]:
    simple = _simple_parts(full)
    if simple is not None:  # nameparser costs ~100-250 µs a name; plain names do not need it
        first, last = _clean(simple[0]), _clean(simple[-1]) if len(simple) > 1 else ""
        middle = _clean(simple[1]) if len(simple) == 3 else ""
        if first and (last or len(simple) == 1) and (middle or len(simple) < 3):
            return first, middle, last
    return _parse_with_nameparser(full)


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
