"""Smart casing of people-feed text: ``"cto at apexbridge insurance"`` → ``"CTO at Apexbridge Insurance"``.

The rules, in order, for each word of a lower-case or all-capitals input (an input that already mixes
upper and lower case was written by a person and is only trimmed):

1. fixed spellings: brands (``iPhone``, ``McKinsey``), acronyms (``CTO``, ``SaaS``) for titles and
   companies, legal forms for companies (``GmbH``, ``S.p.A.``; ``AG``/``SA``/``AS`` only as the last
   word), suffixes after a person's name (``Jr.``, ``PhD``);
2. small words (``of``, ``and``, ``de``, ``für``) in lower case inside a title or company; surname
   particles (``van der``, ``de la``, ``von``) in lower case inside a name;
3. a word with ``/``, ``-`` or ``&`` is cased part by part (``Co-Founder``, ``AI/ML``, ``AT&T``);
4. initials (``J.R.R.``, ``B.V.``), ``O'Neil``/``D'Angelo``, possessives (``McDonald's``), ``Mc``
   and the Gaelic ``Mac`` surnames, Dutch ``IJ``, Roman numerals after the first word (``III``), ordinals
   (``21st``), short digit codes (``3M``, ``5G``);
5. in a title or company, a word without a vowel is an acronym (``KPMG``, ``HSBC``); in an all-capitals
   company name, short unknown words stay in capitals (``ABC Trading``);
6. otherwise the first letter is upper case and the rest lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from jobshift.domain.display.lexicon import (
    ACRONYMS,
    ALLCAPS_KEEP_WORDS,
    BRANDS,
    COMPANY_FORMS,
    COMPANY_FORMS_AT_END,
    MAC_NAMES,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    NO_VOWEL_WORDS,
    ORDINAL_SUFFIXES,
    ROMAN_NUMERALS,
    SMALL_WORDS,
)

Kind = Literal["name", "title", "company"]
KINDS: tuple[Kind, ...] = ("name", "title", "company")

_LEAD = '([{"“‘«¿¡'
_TRAIL = ')]}"”’»,;:!?'
_BREAK_AFTER = (":", "|", "(", "[")
_SEPARATORS = frozenset(["-", "–", "—", "|", "@", "/", "·", "•", "&"])
_VOWELS = frozenset("aeiouyàáâãäåāèéêëēìíîïīòóôõöøōùúûüūýÿæœ")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]?$")
_SHORT_AMP = re.compile(r"^[^\W_]{1,3}(?:&[^\W_]{1,3})+$")
_O_PREFIX = re.compile(r"^([^\W\d_])(['’])([^\W\d_]{2,}.*)$")
_POSSESSIVE = re.compile(r"^(.+?)(['’])s$")
_DIGITS_LETTERS = re.compile(r"^(\d+)([^\W\d_]+)$")


@dataclass(frozen=True)
class _At:
    """Where a word stands: its kind of text, first of a segment, last of the text, caps input."""

    kind: Kind
    first: bool
    last: bool
    caps: bool
    leading_particles: bool = False


def is_mixed_case(text: str) -> bool:
    """True when ``text`` has both upper- and lower-case letters (a person wrote it: left alone)."""
    return any(c.isupper() for c in text) and any(c.islower() for c in text)


def smart_case(text: str | None, kind: Kind, *, leading_particles: bool = False) -> str:
    """``text`` cased for people (see the module doc); blanks collapse, ``None`` is ``""``.

    ``leading_particles`` lower-cases a particle that opens the text (a surname shown after a first
    name: ``"van der berg"`` → ``"van der Berg"``); otherwise the first word is always capitalised.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of display text: {kind!r}")
    if not text:
        return ""
    clean = " ".join(str(text).split())
    if not clean or is_mixed_case(clean):
        return clean
    caps = any(c.isupper() for c in clean)
    chunks = clean.split(" ")
    out: list[str] = []
    segment_start = True
    last_word = max((i for i, c in enumerate(chunks) if c not in _SEPARATORS), default=-1)
    for i, chunk in enumerate(chunks):
        if chunk in _SEPARATORS:
            out.append(chunk)
            segment_start = chunk != "&"
            continue
        lead, core, trail = _peel(chunk)
        at = _At(
            kind=kind,
            first=segment_start or bool(set(lead) & set("([")),
            last=i == last_word,
            caps=caps,
            leading_particles=leading_particles,
        )
        out.append(lead + (_word(core.lower(), at) if core else "") + trail)
        segment_start = chunk.endswith(_BREAK_AFTER)
    return " ".join(out)


def _peel(chunk: str) -> tuple[str, str, str]:
    """Split leading/trailing punctuation off a chunk: ``"(ceo),"`` → ``("(", "ceo", "),")``."""
    start = 0
    while start < len(chunk) and chunk[start] in _LEAD:
        start += 1
    end = len(chunk)
    while end > start and chunk[end - 1] in _TRAIL:
        end -= 1
    return chunk[:start], chunk[start:end], chunk[end:]


def capitalize(word: str) -> str:
    """The first letter upper case, the rest untouched (``"élise"`` → ``"Élise"``)."""
    for i, ch in enumerate(word):
        if ch.isalpha():
            up = ch.upper()
            return word[:i] + (up if len(up) == 1 else ch) + word[i + 1 :]
    return word


def _fixed(w: str, at: _At) -> str | None:
    """The fixed spelling of ``w`` from the word lists, or ``None``."""
    if at.kind != "name":
        if w in BRANDS:
            return BRANDS[w]
        if w in ACRONYMS:
            return ACRONYMS[w]
    if at.kind == "company":
        if w in COMPANY_FORMS:
            return COMPANY_FORMS[w]
        if at.last and not at.first and w in COMPANY_FORMS_AT_END:
            return COMPANY_FORMS_AT_END[w]
    if at.kind == "name" and not at.first and w in NAME_SUFFIXES:
        return NAME_SUFFIXES[w]
    return None


def _parts(w: str, sep: str, at: _At) -> str:
    """Case each ``sep``-separated part of ``w`` (the first keeps the word's place)."""
    pieces = w.split(sep)
    out = []
    for j, piece in enumerate(pieces):
        inner = _At(
            kind=at.kind,
            first=j == 0 and (at.first or sep == "-"),
            last=at.last and (j == len(pieces) - 1 or sep != "-"),
            caps=at.caps,
            leading_particles=at.leading_particles,
        )
        out.append(_word(piece, inner) if piece else piece)
    return sep.join(out)


def _word(w: str, at: _At) -> str:
    """One lower-case word cased by the rules of the module doc."""
    if not any(ch.isalpha() for ch in w):
        return w
    fixed = _fixed(w, at)
    if fixed is not None:
        return fixed
    if at.kind != "name" and not at.first and w in SMALL_WORDS:
        return w
    if at.kind == "name" and w in NAME_PARTICLES and not at.last and (at.leading_particles or not at.first):
        return w
    if _INITIALS.match(w):
        return w.upper()
    if "&" in w:
        return w.upper() if _SHORT_AMP.match(w) else _parts(w, "&", at)
    for sep in ("/", "-", "–"):
        if sep in w.strip(sep):
            return _parts(w, sep, at)
    return _simple(w, at)


def _simple(w: str, at: _At) -> str:
    """A word without separators: prefixes, numerals, acronyms, then plain capitalisation."""
    m = _POSSESSIVE.match(w)
    if m:
        return _word(m.group(1), at) + m.group(2) + "s"
    m = _O_PREFIX.match(w)
    if m:
        return m.group(1).upper() + m.group(2) + capitalize(_simple(m.group(3), at))
    if w.startswith("mc") and len(w) > 4 and w[2:].isalpha():
        return "Mc" + capitalize(w[2:])
    if w in MAC_NAMES:
        return "Mac" + capitalize(w[3:])
    if w.startswith("ij") and len(w) > 3 and w[2] not in "aeiou":
        return "IJ" + w[2:]
    if not at.first and w in ROMAN_NUMERALS and (at.kind != "name" or at.last):
        return w.upper()
    m = _DIGITS_LETTERS.match(w)
    if m:
        digits, letters = m.groups()
        if letters in ORDINAL_SUFFIXES:
            return w
        return digits + (letters.upper() if len(letters) <= 2 else capitalize(letters))
    no_vowel = len(w) >= 2 and w.isalnum() and not (set(w) & _VOWELS)
    if at.kind != "name" and no_vowel and w not in NO_VOWEL_WORDS:
        return w.upper()
    if (
        at.kind == "company"
        and at.caps
        and w.isalpha()
        and len(w) <= 3
        and w not in ALLCAPS_KEEP_WORDS
        and w not in SMALL_WORDS
    ):
        return w.upper()
    return capitalize(w)
