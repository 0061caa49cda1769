"""Job titles: normalized text, seniority, function and the flags the filters need.

``normalize_title("Sr. VP, Eng. & Ops")`` → ``"senior vice president engineering and operations"``.
``classify_title("Leiter IT")`` → ``TitleInfo(seniority="director", function="it", rank=5, …)``.
Works on English, German, French and Spanish titles (see ``title_lexicon.py``); German one-word compounds
(``Vertriebsleiter``) are split by suffix/prefix rules. Everything is cached and allocation-light.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from jobshift.domain.normalize import title_lexicon as lex
from jobshift.domain.normalize.text import fold, words

SENIORITIES: tuple[str, ...] = ("c_suite", "vp", "director", "manager", "senior", "entry", "intern")
FUNCTIONS: tuple[str, ...] = (
    "engineering",
    "it",
    "security",
    "sales",
    "marketing",
    "finance",
    "operations",
    "hr",
    "legal",
    "product",
    "data",
    "executive",
)
RANKS: dict[str, int] = {s: 7 - i for i, s in enumerate(SENIORITIES)}  # c_suite 7 … intern 1
# when a title names several functions, the most specific wins
_FUNCTION_PRIORITY = (
    "security",
    "data",
    "legal",
    "hr",
    "finance",
    "marketing",
    "sales",
    "product",
    "it",
    "engineering",
    "operations",
    "executive",
)
_OPERATING = frozenset({"c_suite", "vp", "director", "manager", "role"})
_ASSISTANTS = frozenset(
    """
    assistant assistante assistent assistentin assistenz asistente advisor adviser secretary
    secretaire secretaria sekretar sekretarin staff aide ea pa
    """.split()  # noqa: SIM905
)
_CONNECTORS = frozenset(["to", "of", "for", "der", "des", "de", "du", "del", "al"])
_CUT = frozenset({"at", "bei", "chez"})
_MAX_TOKENS = 32
V = TypeVar("V")


@dataclass(frozen=True)
class TitleInfo:
    """What a title says: seniority and function (``None`` when unknown), rank (7 c_suite … 1 intern,
    0 unknown) and the flags used by the filters."""

    normalized: str
    seniority: str | None
    function: str | None
    rank: int
    is_advisor: bool = False
    is_board: bool = False
    is_investor: bool = False
    is_intern: bool = False
    is_student: bool = False
    is_self_employed: bool = False


def _phrases(table: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, text in table.items():
        for phrase in text.replace("\n", " ").split(","):
            key = " ".join(phrase.split())
            if key and key not in out:
                out[key] = value
    return out


def _ordered_functions() -> dict[str, str]:
    return _phrases({f: lex.FUNCTIONS[f] for f in ("", *_FUNCTION_PRIORITY) if f in lex.FUNCTIONS})


def _flags() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for flag, text in lex.FLAGS.items():
        for phrase in text.replace("\n", " ").split(","):
            key = " ".join(phrase.split())
            if key:
                out.setdefault(key, set())
                if flag:
                    out[key].add(flag)
    for key in _phrases({"": lex.FLAGS[""]}):
        out[key] = set()  # explicit "no flag" wins
    return {k: frozenset(v) for k, v in out.items()}


def _max_len(table: Mapping[str, object]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key in table:
        toks = key.split()
        out[toks[0]] = max(out.get(toks[0], 0), len(toks))
    return out


_SEN = _phrases(lex.SENIORITY)
_FUN = _ordered_functions()
_FLAG = _flags()
_SEN_N, _FUN_N, _FLAG_N = _max_len(_SEN), _max_len(_FUN), _max_len(_FLAG)

_GENDER = re.compile(r"\(?(?<![^\W\d_])[mwfdxh]\s*[/|]\s*[mwfdxh](?:\s*[/|]\s*[mwfdxh])?(?![^\W\d_])\)?")
_EXPANSIONS = lex.EXPANSIONS
_PHRASE_FIRST = frozenset(p[0] for p in lex.PHRASE_EXPANSIONS)
_INITIALS = re.compile(r"(?<![^\W\d_])[^\W\d_](?:\.[^\W\d_])+\.?(?![^\W\d_])")


def _longest(tokens: list[str], i: int, m: int, table: Mapping[str, V]) -> tuple[V | None, int]:
    """The longest phrase of 2..m tokens at ``i`` found in ``table``: ``(value, length)`` or ``(None, 0)``."""
    for k in range(min(m, len(tokens) - i), 1, -1):
        value = table.get(" ".join(tokens[i : i + k]))
        if value is not None:
            return value, k
    return None, 0


@lru_cache(maxsize=262_144)
def normalize_title(raw: str | None) -> str | None:
    """Lower-cased, accents and punctuation folded, ``&``→``and``, abbreviations expanded (``vp`` →
    ``vice president``, ``sr.`` → ``senior``, ``dir.`` → ``director`` …); C-level acronyms (``cto``) kept.
    Gender markers such as ``(m/w/d)`` are removed. ``None`` when nothing is left."""
    if not raw:
        return None
    s = fold(raw)
    if "/" in s or "|" in s:
        s = _GENDER.sub(" ", s)
    s = s.replace("&", " and ").replace("+", " and ").replace("@", " at ")
    if "." in s:
        s = _INITIALS.sub(lambda m: m.group(0).replace(".", ""), s)
    raw_tokens = words(s)
    if not raw_tokens:
        return None
    tokens = [_EXPANSIONS.get(tok, tok) for tok in raw_tokens]
    if " " in "".join(tokens):  # a multi-word expansion: re-split
        tokens = " ".join(tokens).split()
    if _PHRASE_FIRST.isdisjoint(tokens):
        return " ".join(tokens)
    for pattern, repl in lex.PHRASE_EXPANSIONS.items():
        n = len(pattern)
        i = 0
        while i <= len(tokens) - n:
            if tuple(tokens[i : i + n]) == pattern:
                tokens[i : i + n] = repl.split()
            i += 1
    return " ".join(tokens)


def _core_tokens(norm: str) -> list[str]:
    """Tokens that describe the role: cut at ``at``/``bei``/``chez`` (the employer) and after
    "assistant to …" (the boss's title is not the person's)."""
    tokens = norm.split()[:_MAX_TOKENS]
    for i, tok in enumerate(tokens):
        if tok in _CUT and i > 0:
            tokens = tokens[:i]
            break
    for i in range(len(tokens) - 1):
        if tokens[i] in _ASSISTANTS and tokens[i + 1] in _CONNECTORS:
            return tokens[: i + 1]
    return tokens


def _compound_seniority(tok: str) -> str:
    if len(tok) < 7:
        return ""
    for suffix, value in lex.COMPOUND_SENIORITY:
        if tok.endswith(suffix) and len(tok) > len(suffix) + 2:
            return value
    for prefix, value in lex.COMPOUND_SENIORITY_PREFIX:
        if tok.startswith(prefix):
            return value
    return ""


def _compound_function(tok: str) -> str:
    if len(tok) < 7:
        return ""
    for part, value in lex.COMPOUND_FUNCTION:
        if part in tok:
            return value
    return ""


# per token: (seniority, function, flags) it says on its own (German compounds split), and the longest
# phrase of each table that starts with it. "" / empty set = says nothing.
_TokenInfo = tuple[str, str, frozenset[str], int, int, int]
_NO_FLAGS: frozenset[str] = frozenset()


def _token_info(tok: str) -> _TokenInfo:
    sen = _SEN[tok] if tok in _SEN else _compound_seniority(tok)
    fun = _FUN[tok] if tok in _FUN else _compound_function(tok)
    return (sen, fun, _FLAG.get(tok, _NO_FLAGS), _SEN_N.get(tok, 0), _FUN_N.get(tok, 0), _FLAG_N.get(tok, 0))


_VOCAB: dict[str, _TokenInfo] = {t: _token_info(t) for t in {*_SEN_N, *_FUN_N, *_FLAG_N}}
_unknown_token = lru_cache(maxsize=65_536)(_token_info)


def _classify(norm: str) -> TitleInfo:
    tokens = _core_tokens(norm)
    seniorities: set[str] = set()
    functions: set[str] = set()
    flags: set[str] = set()
    skip_s = skip_f = skip_g = 0  # the next token each table may look at (after a matched phrase)
    for i, tok in enumerate(tokens):
        sen, fun, flg, ms, mf, mg = _VOCAB.get(tok) or _unknown_token(tok)
        if i >= skip_s:
            value, k = _longest(tokens, i, ms, _SEN) if ms > 1 else (None, 0)
            if k:
                sen, skip_s = value or "", i + k
            if sen:
                seniorities.add(sen)
        if i >= skip_f:
            value, k = _longest(tokens, i, mf, _FUN) if mf > 1 else (None, 0)
            if k:
                fun, skip_f = value or "", i + k
            if fun:
                functions.add(fun)
        if i >= skip_g:
            fvalue, k = _longest(tokens, i, mg, _FLAG) if mg > 1 else (None, 0)
            if k:
                flg, skip_g = fvalue or _NO_FLAGS, i + k
            if flg:
                flags.update(flg)
    if tokens == ["partner"]:
        seniorities.add("director")

    ranked = [s for s in seniorities if s in RANKS and s != "intern"]
    top = max(ranked, key=RANKS.__getitem__, default=None)
    seniority: str | None
    if "intern" in seniorities and (top is None or RANKS[top] < RANKS["manager"]):
        seniority = "intern"
    elif top is not None:
        seniority = top
    elif "role" in seniorities or (functions - {"executive"}):
        seniority = "entry"
    else:
        seniority = None
    function = next((f for f in _FUNCTION_PRIORITY if f in functions), None)
    rank = RANKS.get(seniority, 0) if seniority else 0
    operating = bool(seniorities & _OPERATING)
    return TitleInfo(
        normalized=norm,
        seniority=seniority,
        function=function,
        rank=rank,
        is_advisor="advisor" in flags and not operating,
        is_board="board" in flags and not operating,
        is_investor="investor" in flags and not operating,
        is_intern=seniority == "intern",
        is_student="student" in flags and rank < RANKS["manager"],
        is_self_employed="self_employed" in flags,
    )


_UNKNOWN = TitleInfo(normalized="", seniority=None, function=None, rank=0)


@lru_cache(maxsize=262_144)
def classify_title(raw: str | None) -> TitleInfo:
    """Seniority, function, rank and filter flags of a raw title (cached)."""
    norm = normalize_title(raw)
    if norm is None:
        return _UNKNOWN
    return _classify(norm)


def is_promotion(old: TitleInfo, new: TitleInfo) -> bool:
    """True when both ranks are known and the new one is higher."""
    return old.rank > 0 and new.rank > 0 and new.rank > old.rank
