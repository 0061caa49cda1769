"""Persona: does a title belong to the people the program cares about?

A title matches when one of the keywords occurs in it (whole words, after title normalization, so
``"VP"`` matches ``"Vice President"``), when one of the regexes matches the raw or the normalized title
(case-insensitive), or when its classified seniority *and* function are both wanted. An empty list means
"no constraint" for that part, but a spec with every list empty matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jobshift.domain.normalize.titles import FUNCTIONS, SENIORITIES, classify_title, normalize_title


@dataclass(frozen=True)
class PersonaSpec:
    """Who matters (from ``[persona]`` in the config); tuples so that the spec is hashable and cacheable."""

    title_keywords: tuple[str, ...] = ()
    title_regexes: tuple[str, ...] = ()
    seniorities: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # accept any iterable (config lists) but store tuples, so the spec stays hashable
        for name in ("title_keywords", "title_regexes", "seniorities", "functions"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value or ()))


@dataclass(frozen=True)
class _Compiled:
    keywords: re.Pattern[str] | None
    regexes: tuple[re.Pattern[str], ...]
    seniorities: frozenset[str]
    functions: frozenset[str]
    empty: bool


def persona_spec_errors(spec: PersonaSpec) -> list[str]:
    """Human-readable problems of a spec (bad regex, unknown seniority/function); empty when valid."""
    errors: list[str] = []
    for rx in spec.title_regexes:
        try:
            re.compile(rx)
        except re.error as exc:
            errors.append(f"title_regexes: {rx!r} is not a valid regular expression ({exc})")
    errors += [f"seniorities: unknown {s!r}" for s in spec.seniorities if s not in SENIORITIES]
    errors += [f"functions: unknown {f!r}" for f in spec.functions if f not in FUNCTIONS]
    return errors


@lru_cache(maxsize=64)
def _compile(spec: PersonaSpec) -> _Compiled:
    keys = sorted(
        {k for k in (normalize_title(kw) for kw in spec.title_keywords) if k}, key=len, reverse=True
    )
    keywords = re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, keys)) + r")(?!\S)") if keys else None
    regexes: list[re.Pattern[str]] = []
    for rx in spec.title_regexes:
        try:
            regexes.append(re.compile(rx, re.IGNORECASE))
        except re.error:
            continue  # reported by persona_spec_errors when the config is validated
    return _Compiled(
        keywords=keywords,
        regexes=tuple(regexes),
        seniorities=frozenset(spec.seniorities),
        functions=frozenset(spec.functions),
        empty=not (spec.title_keywords or spec.title_regexes or spec.seniorities or spec.functions),
    )


def persona_matches(title: str | None, spec: PersonaSpec) -> bool:
    """True when the title matches a keyword or regex, or both its seniority and function are wanted."""
    if not title:
        return False
    c = _compile(spec)
    if c.empty:
        return False
    norm = normalize_title(title)
    if norm is None:
        return False
    if c.keywords is not None and c.keywords.search(norm):
        return True
    if any(rx.search(title) or rx.search(norm) for rx in c.regexes):
        return True
    if not c.seniorities and not c.functions:
        return False
    info = classify_title(title)
    if c.seniorities and info.seniority not in c.seniorities:
        return False
    return not c.functions or info.function in c.functions
