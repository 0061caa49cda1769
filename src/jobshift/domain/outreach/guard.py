"""The fact guard: every name, company, title, number and date in a draft must come from the evidence.

A draft (subject, body or note) is split into tokens. A token is a *claim* when it is

- an e-mail address, a URL or an @handle;
- a number (digits, ``Q3``, ``FY24``, ``$2M``, ``40%``) or a number word (``three``, ``dozen``);
- a date: a month name (capitalized: ``may`` and ``march`` are verbs), a weekday, ``last year``...;
- a title or seniority word (``VP``, ``director``, ``senior``), in any case;
- a capitalized word that is not an ordinary word at the start of a sentence (a name or a company);
- an unusual lower-case word right after ``at`` / ``joined`` / ``from``... (a company written small).

A claim passes when its words occur in the evidence values (case-insensitively, possessive ``'s`` off),
its numbers in the evidence's numbers, its month in the evidence's dates, or it is one of the admin's
``allowed_terms``. Anything else is a :class:`Violation`: the caller falls back to the template and says
why. The guard is deliberately strict: a false alarm costs an AI draft, an invented fact costs trust.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from jobshift.domain.outreach.evidence import Evidence
from jobshift.domain.outreach.words import (
    ALWAYS_CAPITALIZED_OK,
    COMMON_WORDS,
    MONTH_NAMES,
    NUMBER_WORDS,
    ORG_INTRODUCERS,
    RELATIVE_DATES,
    TITLE_WORDS,
    WEEKDAYS,
)

_TOKEN = re.compile(
    r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<url>(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|io|ai|net|org|co|dev|app)\b(?:/\S*)?)"
    r"|(?P<handle>@\w+)"
    r"|(?P<num>[$€£]?\d[\d,.:/]*(?:[%kKmMbBxX]\b|\+)?)"
    r"|(?P<word>[^\W\d_][\w'’.-]*)",
    re.UNICODE,
)
_SENTENCE_END = re.compile(r"[.!?…:;\n]\s*[\"'“‘(\[*-]*\s*$")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Violation:
    """One claim of a draft that the evidence does not hold."""

    kind: str
    """``name``, ``company``, ``title``, ``number``, ``date`` or ``contact``."""
    text: str

    def __str__(self) -> str:
        return f"{self.kind} not in the evidence: {self.text!r}"


@dataclass
class GuardResult:
    """The verdict on one draft."""

    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No claim outside the evidence."""
        return not self.violations

    def reason(self, limit: int = 3) -> str:
        """The first violations in one line (what the fallback says)."""
        shown = "; ".join(str(v) for v in self.violations[:limit])
        more = len(self.violations) - limit
        return shown + (f" (and {more} more)" if more > 0 else "")


class FactSet:
    """What the evidence allows: its words, numbers, months and whole values (built once per lead)."""

    def __init__(self, evidence: Evidence, allowed_terms: Iterable[str] = ()) -> None:
        values = [*evidence.values(), *allowed_terms]
        self.text = " \n ".join(v.casefold() for v in values)
        self.words: set[str] = set()
        self.numbers: set[str] = set()
        for v in values:
            for w in re.findall(r"[^\W_]+", v.casefold()):
                self.words.add(w)
                if w.isdigit():
                    self.numbers.add(w.lstrip("0") or "0")
        self.months: set[int] = set()
        for v in values:
            for m in re.finditer(r"\b(\d{4})-(\d{2})\b", v):
                self.months.add(int(m.group(2)))
            for w in re.findall(r"[a-z]+", v.casefold()):
                if w in MONTH_NAMES and len(w) > 3:
                    self.months.add(MONTH_NAMES[w])
        for n in list(self.months):
            self.numbers.add(str(n))

    def has_word(self, word: str) -> bool:
        """Every alphanumeric part of ``word`` is an evidence word."""
        parts = re.findall(r"[^\W_]+", _strip_possessive(word).casefold())
        return bool(parts) and all(p in self.words for p in parts)


def _strip_possessive(word: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _at_sentence_start(text: str, start: int) -> bool:
    before = text[:start]
    return not before.strip() or bool(_SENTENCE_END.search(before))


def _number_ok(token: str, facts: FactSet) -> bool:
    if any(c in token for c in "%$€£") or token[-1:] in "kKmMbBxX+":
        return token.casefold() in facts.text
    return all((d.lstrip("0") or "0") in facts.numbers for d in _DIGITS.findall(token))


def _check_word(text: str, m: re.Match[str], facts: FactSet, prev: str | None) -> Violation | None:
    raw = m.group("word").rstrip(".-'’")
    word = _strip_possessive(raw)
    low = word.casefold().replace("’", "'")
    if not low:
        return None
    if any(c.isdigit() for c in word):  # Q3, FY24, H2
        return None if facts.has_word(word) else Violation("number", word)
    if low in NUMBER_WORDS:
        return None if facts.has_word(word) else Violation("number", word)
    if word[0].isupper() and (low in WEEKDAYS or low in MONTH_NAMES):
        if facts.has_word(word) or (low == "may" and _at_sentence_start(text, m.start())):
            return None  # a name that is also a month ("Jan"), or "May I..."
        if low in WEEKDAYS:
            return Violation("date", word)
        return None if MONTH_NAMES[low] in facts.months else Violation("date", word)
    parts = [p for p in re.split(r"[-.]", low) if p]
    if any(p in TITLE_WORDS for p in parts):
        return None if facts.has_word(word) else Violation("title", word)
    if word[0].isupper():
        if facts.has_word(word) or low in ALWAYS_CAPITALIZED_OK:
            return None
        if _at_sentence_start(text, m.start()) and (low in COMMON_WORDS or low.rstrip("s") in COMMON_WORDS):
            return None
        return Violation("name", word)
    if prev in ORG_INTRODUCERS and low not in COMMON_WORDS and not facts.has_word(word):
        return Violation("company", word)
    return None


def check_text(text: str, facts: FactSet) -> GuardResult:
    """Every claim of ``text`` that ``facts`` does not hold."""
    result = GuardResult()
    low = text.casefold()
    for phrase in RELATIVE_DATES:
        if re.search(rf"\b{re.escape(phrase)}\b", low) and phrase not in facts.text:
            result.violations.append(Violation("date", phrase))
    prev: str | None = None
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        tok = m.group(0)
        v: Violation | None = None
        if kind in ("email", "url", "handle"):
            core = tok.rstrip(".,;:!?)").casefold().removeprefix("@")
            core = re.sub(r"^(https?://)?(www\.)?", "", core)
            if core not in facts.text:
                v = Violation("contact", tok)
        elif kind == "num":
            if not _number_ok(tok.rstrip(".,:/"), facts):
                v = Violation("number", tok.rstrip(".,:/"))
        else:
            v = _check_word(text, m, facts, prev)
        if v is not None and v not in result.violations:
            result.violations.append(v)
        prev = tok.casefold() if kind == "word" else None
    return result


def check_draft(parts: Iterable[str], evidence: Evidence, allowed_terms: Iterable[str] = ()) -> GuardResult:
    """Check every part of a draft (subject, body, note) against ``evidence``."""
    facts = FactSet(evidence, allowed_terms)
    out = GuardResult()
    for text in parts:
        for v in check_text(text or "", facts).violations:
            if v not in out.violations:
                out.violations.append(v)
    return out
