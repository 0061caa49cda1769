"""The title model: compares roles, not strings.

``parse_role("Chairman & Chief Executive Officer")`` → level c-level, function executive, board seat.
``compare_titles(crm, profile)`` → :class:`TitleChange` with ``decision`` ∈ ``same`` / ``promotion`` /
``lateral`` / ``demotion`` and a ``reason`` (``"promotion: director/engineering → vp/engineering"``).

A title is split into parts at co-title separators (``&``, ``and``/``und``/``et``/``y``/``e``/``och``/``en``,
``/``, ``,``, ``|``, ``;``, `` - ``, brackets). Each part is read against the vocabulary of
``title_ladder.py`` (longest phrase first; German/Dutch/Swedish compounds split into a function stem and a
head such as ``leiter`` / ``chef`` / ``manager``): a part with a level word is a *role* (level on one
ordinal ladder for all languages, plus a function), a part with only a seat word (chairman, founder,
owner, board member, Prokurist) is a *seat*, a part with only a department word adds a function (after
``&``/``and``/``/``) or qualifies the role before it (after ``,``/``-``/``|``/brackets: it only fills a
function the role lacks). Words the vocabulary does not know (regions, products, "Platform") are ignored.

The title's level is its highest operating role's; its functions are those of the roles at that level.
Seats are not operating levels: ``Chairman & CEO`` is a CEO, ``Founder & CTO`` a CTO; a title with only
founder/owner seats is c-level; a title with only board seats is a board seat.

Decisions: level up → ``promotion``; level down → ``demotion``; same level and the same functions (or one
side names none: ``Director`` vs ``Director, Operations``) → ``same``; same level, other functions (or a
function added/removed: ``VP Sales`` → ``VP Sales & Marketing``), or an operating role ↔ a board seat only
→ ``lateral``. Titles the vocabulary cannot read at all are ``same`` when their words are equal, else
``lateral``. Parsing is cached per raw title (and per part: parts repeat across titles), the decision
per distinct pair of parsed roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from jobshift.domain.normalize import title_ladder as lad
from jobshift.domain.normalize.text import fold, words

Decision = Literal["same", "promotion", "lateral", "demotion"]
DECISIONS: tuple[Decision, ...] = ("same", "promotion", "lateral", "demotion")
# a part naming several departments: the most specific wins (Product Marketing → marketing)
FUNCTION_PRIORITY: tuple[str, ...] = (
    "security",
    "data",
    "legal",
    "hr",
    "finance",
    "procurement",
    "marketing",
    "sales",
    "customer_success",
    "design",
    "product",
    "it",
    "engineering",
    "quality",
    "operations",
    "strategy",
    "executive",
)
_PRIO = {f: i for i, f in enumerate(FUNCTION_PRIORITY)}


@dataclass(frozen=True)
class _Entry:
    level: int | None = None
    function: str | None = None
    strength: int = 0  # 3 the role names its function, 2 department word, 1 weak (a role noun's usual one)
    seat: str | None = None
    modifier: str | None = None


def _split_phrases(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.replace("\n", " ").split(",") if p.strip()]


def _build() -> dict[str, _Entry]:
    table: dict[str, _Entry] = {}

    def put(phrase: str, entry: _Entry) -> None:
        old = table.get(phrase)
        if old is None:
            table[phrase] = entry
            return
        table[phrase] = _Entry(
            old.level if old.level is not None else entry.level,
            old.function or entry.function,
            max(old.strength, entry.strength) if old.function or entry.function else 0,
            old.seat or entry.seat,
            old.modifier or entry.modifier,
        )

    for (level, fun), text in lad.ROLES.items():
        strength = 3 if fun.endswith("!") else 1
        for ph in _split_phrases(text):
            put(ph, _Entry(level, fun.rstrip("!") or None, strength if fun else 0))
    for fun, text in lad.FUNCTIONS.items():
        strength = 1 if fun.endswith("~") else 2
        for ph in _split_phrases(text):
            put(ph, _Entry(function=fun.rstrip("~"), strength=strength))
    for seat, text in lad.SEATS.items():
        for ph in _split_phrases(text):
            put(ph, _Entry(seat=seat))
    for mod, text in lad.MODIFIERS.items():
        for ph in _split_phrases(text):
            put(ph, _Entry(modifier=mod, level=lad.DEPUTY_ROLES.get(ph)))
    return table


_TABLE = _build()
_FIRST: dict[str, int] = {}  # token → length of the longest phrase starting with it
for _k in _TABLE:
    _t = _k.split()
    _FIRST[_t[0]] = max(_FIRST.get(_t[0], 0), len(_t))
_HEADS = tuple(sorted(lad.COMPOUND_HEADS, key=len, reverse=True))
_STEMS = tuple(sorted(lad.FUNCTION_STEMS.items(), key=lambda kv: -len(kv[0])))
_GENDER = re.compile(r"\(?(?<![^\W\d_])[mwfdxh]\s*[/|]\s*[mwfdxh](?:\s*[/|]\s*[mwfdxh])?(?![^\W\d_])\)?")
# "&"/"and" inside one name ("R&D", "FP&A", "Recherche et développement") must not split the title
_JOINED = re.compile(
    r"\b(?:(fp\s*&\s*a)|(r\s*&\s*d)|(p\s*&\s*l)|(m\s*&\s*a)|"
    r"((?:research|recherche|forschung|investigacion|ricerca|pesquisa|onderzoek|etudes)"
    r"\s*(?:&|and|et|und|y|e|en)\s*(?:development|developpement|entwicklung|desarrollo|sviluppo|"
    r"desenvolvimento|ontwikkeling)))\b"
)
_JOINED_AS = ("", " fpa ", " rnd ", " pnl ", " mna ", " rnd ")
_CUT = re.compile(r"\s(?:at|bei|chez|@)\s.*$")
_ASSISTANT_TO = re.compile(
    r"\b(assistant|assistante|assistent|assistentin|asistente|assistente)\s+(?:to|of|der|des|de|du|del|al)\b.*$"
)
# co-title separators: group 1 joins roles/functions ("and"), group 2 qualifies (",", "-", brackets)
_SEP = re.compile(r"(\s*(?:&|\+|/|\b(?:and|und|et|y|e|och|en|og)\b)\s*)|(\s*(?:,|;|\||\(|\)|\s[-–—]\s|:)\s*)")
_INITIALS = re.compile(r"(?<![^\W\d_])[^\W\d_](?:\.[^\W\d_])+\.?(?![^\W\d_])")
_GRADES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class TitleRole:
    """What a title says about the person's role: ``level`` on the shared ladder (``None`` for a board
    seat only or an unreadable title), ``functions`` (empty = not specified), seats held beside it."""

    level: int | None
    functions: frozenset[str]
    seats: frozenset[str]
    board_only: bool = False
    words: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        """True when the vocabulary read a level, a function or a seat."""
        return self.level is not None or bool(self.functions) or bool(self.seats)

    def describe(self) -> str:
        """``"director/engineering"``, ``"c-level/finance+operations"``, ``"board seat"``."""
        if self.board_only:
            return "board seat"
        if not self.known:
            return "unrecognised"
        fun = "+".join(sorted(self.functions)) or "unspecified"
        return f"{level_name(self.level)}/{fun}"


@dataclass(frozen=True)
class TitleChange:
    """The comparison of a CRM title with a profile title."""

    decision: Decision
    old: TitleRole
    new: TitleRole
    reason: str

    @property
    def promoted(self) -> bool:
        """A level up: the signal is a ``promotion``."""
        return self.decision == "promotion"

    @property
    def changed(self) -> bool:
        """Any decision but ``same``: a ``promotion`` or a ``title_change``."""
        return self.decision != "same"


def level_name(level: int | None) -> str:
    """The ladder name of a level (``70`` → ``director``; in-between values name the rung below)."""
    if level is None:
        return "unknown"
    if level in lad.LEVEL_NAMES:
        return lad.LEVEL_NAMES[level]
    below = max((k for k in lad.LEVEL_NAMES if k < level), default=min(lad.LEVEL_NAMES))
    return f"{lad.LEVEL_NAMES[below]}+{level - below}"


@lru_cache(maxsize=65_536)
def _compound(tok: str) -> tuple[_Entry, ...]:
    return tuple(_compound_entries(tok))


def _compound_entries(tok: str) -> list[_Entry]:
    if len(tok) < 6:
        return []
    for head in _HEADS:
        if tok.endswith(head) and len(tok) - len(head) >= 2:
            out = [_TABLE[head]] if head in _TABLE else []
            prefix = tok[: -len(head)].rstrip("-")
            fun = _stem_function(prefix) or (_stem_function(prefix[:-1]) if prefix.endswith("s") else None)
            if fun:
                out.append(_Entry(function=fun, strength=2))
            return out
    if len(tok) >= 7:
        fun = _stem_function(tok)
        if fun:
            return [_Entry(function=fun, strength=2)]
    return []


def _stem_function(prefix: str) -> str | None:
    if not prefix:
        return None
    hit = _TABLE.get(prefix)
    if hit is not None and hit.function and hit.strength >= 2:
        return hit.function
    for stem, fun in _STEMS:
        if (len(stem) >= 4 and stem in prefix) or prefix == stem:
            return fun
    return None


@dataclass
class _Part:
    level: int | None
    function: str | None
    seats: set[str]
    strength: int = 0


@lru_cache(maxsize=131_072)
def _read_part_cached(tokens: tuple[str, ...]) -> tuple[int | None, str | None, frozenset[str], int]:
    """One part's level, function, seats and function strength (cached: parts repeat across titles)."""
    p = _read_part(list(tokens))
    return p.level, p.function, frozenset(p.seats), p.strength


def _read_part(tokens: list[str]) -> _Part:
    entries: list[_Entry] = []
    i, n = 0, len(tokens)
    while i < n:
        for k in range(min(_FIRST.get(tokens[i], 0), n - i), 0, -1):
            hit = _TABLE.get(" ".join(tokens[i : i + k]) if k > 1 else tokens[i])
            if hit is not None:
                entries.append(hit)
                i += k
                break
        else:
            entries.extend(_compound(tokens[i]))
            i += 1
    levels = [e.level for e in entries if e.level is not None and e.modifier is None]
    mods = {e.modifier for e in entries if e.modifier}
    deputy_role = [e.level for e in entries if e.modifier == "deputy" and e.level is not None]
    if not levels:  # "Assistant", "Principal", "Associate" alone are roles
        levels = [e.level for e in entries if e.level is not None and e.modifier != "deputy"]
        if levels:
            mods = set()
    level = max(levels) if levels else None
    if level is not None and level < lad.MANAGER and 10 in levels:
        level = 10  # an intern stays an intern whatever else the part says ("Werkstudent Data Science")
    if deputy_role:
        level = max(level or 0, deputy_role[0] - 3)
    elif level is not None:
        level = _modify(level, mods, tokens)
    elif mods & {"senior", "junior", "staff", "mid"} and any(e.function for e in entries):
        level = _modify(lad.IC, mods, tokens)
    functions = [e for e in entries if e.function]
    function, best = None, 0
    if functions:
        best = max(e.strength for e in functions)
        named = [e.function for e in functions if e.strength == best and e.function]
        function = min(named, key=lambda f: _PRIO.get(f, 99))
    return _Part(level, function, {e.seat for e in entries if e.seat}, best)


def _modify(level: int, mods: set[str], tokens: list[str]) -> int:
    if level == 10:
        return level
    if "deputy" in mods or ("associate" in mods and level > lad.IC):
        level -= 3
    elif "assistant" in mods and level > 20:
        level -= 5
    if "senior" in mods:
        level = 40 if level <= lad.IC else level + 5 if level in (60, 70, 80) else level
    elif "junior" in mods:
        level = 20 if level <= lad.IC else level - 5 if level >= lad.MANAGER else level
    elif "staff" in mods and level <= 40:
        level = 45
    if level <= lad.IC and tokens and tokens[-1] in _GRADES:
        level += 2 * (_GRADES[tokens[-1]] - 1)
    return level


def _clean(raw: str) -> str:
    s = fold(raw)
    if "/" in s or "|" in s:
        s = _GENDER.sub(" ", s)
    s = s.replace("'", " ").replace("’", " ")
    if "." in s:
        s = _INITIALS.sub(lambda m: m.group(0).replace(".", ""), s)
    if "&" in s or any(f" {w} " in s for w in ("and", "et", "und", "y", "e", "en")):
        s = _JOINED.sub(lambda m: _JOINED_AS[m.lastindex or 0], s)
    if " at " in s or " bei " in s or " chez " in s or "@" in s:
        s = _CUT.sub("", s)
    if "ssist" in s or "sistente" in s:
        s = _ASSISTANT_TO.sub(r"\1", s)
    return s


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        rep = lad.ABBREVIATIONS.get(tok)
        out.extend(rep.split() if rep else (tok,))
    return out


@lru_cache(maxsize=262_144)
def parse_role(raw: str | None) -> TitleRole:
    """Level, functions and seats of a raw title in any of the eight languages (cached)."""
    if not raw:
        return TitleRole(None, frozenset(), frozenset())
    text = _clean(raw)
    pieces = _SEP.split(text)
    # pieces: text, joiner, qualifier, text, joiner, qualifier, text ...
    roles: list[_Part] = []
    orphans: list[str] = []
    seats: set[str] = set()
    all_words: list[str] = []
    pending: list[str] = []  # functions named before any role ("Sälj- och marknadsdirektör")
    joiner = True
    for idx in range(0, len(pieces), 3):
        if idx:
            joiner = pieces[idx - 2] is not None
        tokens = _expand(words(pieces[idx] or ""))
        if not tokens:
            continue
        all_words.extend(tokens)
        level, function, part_seats, strength = _read_part_cached(tuple(tokens))
        part = _Part(level, function, set(part_seats), strength)
        seats |= part_seats
        if part.level is not None:
            if part.function is None and pending:
                part.function = pending.pop(0)
            roles.append(part)
            if pending:
                orphans.extend(pending)
                pending.clear()
        elif part.function is not None:
            if not roles:
                pending.append(part.function)
            elif joiner:
                roles.append(_Part(roles[-1].level, part.function, set()))
            elif roles[-1].function is None or (roles[-1].strength < 2 <= part.strength):
                # a qualifier fills a function the role lacks or only implies ("Engineer, Security")
                roles[-1].function, roles[-1].strength = part.function, part.strength
    orphans.extend(pending)
    words_t: tuple[str, ...] = ()  # compared only when the vocabulary reads nothing
    if roles:
        top = max(r.level for r in roles if r.level is not None)
        funs = frozenset(r.function for r in roles if r.level == top and r.function)
        return TitleRole(top, funs | frozenset(orphans if not funs else ()), frozenset(seats), words=words_t)
    operating_seats = seats & {"founder", "owner", "partner"}
    if operating_seats:
        return TitleRole(lad.C_LEVEL, frozenset(orphans), frozenset(seats), words=words_t)
    if seats:
        return TitleRole(None, frozenset(), frozenset(seats), board_only=True, words=words_t)
    if orphans:
        return TitleRole(lad.IC, frozenset(orphans), frozenset(seats), words=words_t)
    return TitleRole(None, frozenset(), frozenset(seats), words=tuple(sorted(set(all_words))))


def compare_titles(old: str | None, new: str | None) -> TitleChange:
    """How the role changed from the CRM title ``old`` to the profile title ``new``.

    A missing title on either side is ``same``: there is nothing to compare."""
    decision, reason = title_decision(old, new)
    return TitleChange(decision, parse_role(old), parse_role(new), reason)


def title_decision(old: str | None, new: str | None) -> tuple[Decision, str]:
    """``(decision, reason)`` of :func:`compare_titles`, without building the comparison object: the
    engine's per-pair path (titles parsed once each, the decision once per distinct pair of roles)."""
    if not (old and old.strip()) or not (new and new.strip()):
        return "same", "same: a title is missing"
    return _decision(parse_role(old), parse_role(new))


@lru_cache(maxsize=65_536)
def _decision(a: TitleRole, b: TitleRole) -> tuple[Decision, str]:
    decision = _decide(a, b)
    return decision, f"{decision}: {a.describe()} → {b.describe()}"


def _decide(a: TitleRole, b: TitleRole) -> Decision:
    if not a.known or not b.known:
        return "same" if a.words == b.words else "lateral"
    if a.board_only or b.board_only:
        return "same" if a.board_only and b.board_only else "lateral"
    if a.level is None or b.level is None:  # e.g. a Prokura alone: no level to compare
        return "same" if a.words == b.words else "lateral"
    if b.level > a.level:
        return "promotion"
    if b.level < a.level:
        return "demotion"
    if not a.functions or not b.functions or a.functions == b.functions:
        return "same"
    return "lateral"
