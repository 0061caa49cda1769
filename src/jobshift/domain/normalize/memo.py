"""Results of the costly normalizers carried from one run to the next (an incremental feed release).

:func:`~jobshift.domain.normalize.domains.normalize_domain` (tldextract, by host) and
:func:`~jobshift.domain.normalize.companies.normalize_company_name` keep an in-process ``lru_cache``;
a fresh process converting only the changed 5% of a release starts with it empty and pays for every
company text again, although the last release's run normalized the same texts. :func:`warm` lends
them the earlier results (``known``) and records every text they normalize while it is open, so that
the caller can keep both for the next run. Texts found in ``known`` are recorded too (``seen``):
the caller can then keep the texts used recently and drop the others, so that the memo stays bounded
(:func:`jobshift.engine.incremental.detect_release`). Pure: plain dictionaries, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

Pairs = dict[str, str | None]


@dataclass
class Memo:
    """Earlier results of one normalizer (``known``) and, while recording, what it computed (``seen``)."""

    known: Pairs = field(default_factory=dict)
    seen: Pairs | None = None

    def lookup(self, raw: str) -> tuple[bool, str | None]:
        """(found, value) of ``raw`` among the earlier results; a hit is recorded as used when recording."""
        if raw not in self.known:
            return False, None
        value = self.known[raw]
        if self.seen is not None:
            self.seen[raw] = value
        return True, value

    def note(self, raw: str, value: str | None) -> str | None:
        """Record ``raw`` → ``value`` when recording; returns ``value``."""
        if self.seen is not None:
            self.seen[raw] = value
        return value


MEMOS: dict[str, Memo] = {"host": Memo(), "company": Memo()}
"""The normalizers that consult a memo, by name (the ``fn`` column of a stored memo table)."""


@contextmanager
def warm(known: Mapping[str, Pairs]) -> Iterator[dict[str, Pairs]]:
    """Lend ``known`` (per normalizer name: text → result) to the normalizers and record what they
    compute or take from ``known``; yields the recorded texts per name (filled when the block ends).
    Not reentrant."""
    seen: dict[str, Pairs] = {}
    for name, memo in MEMOS.items():
        memo.known = dict(known.get(name, {}))
        memo.seen = seen.setdefault(name, {})
    try:
        yield seen
    finally:
        for memo in MEMOS.values():
            memo.known, memo.seen = {}, None
