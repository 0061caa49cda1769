"""Full-text search of leads that ignores accents and case: name, title, company, past title, past
company, the e-mail's domain and the domains of the past and matched accounts.

Each lead has one search document, kept in sync by triggers that migration 0007 creates (on insert,
update and delete of a lead, and when an account's name or domain changes):

- SQLite: an FTS5 table ``leads_fts`` (tokenizer ``unicode61 remove_diacritics 2``: case and accents
  folded for every script SQLite knows), rowid = the lead's rowid;
- PostgreSQL: ``lead_search`` (``lead_id``, ``doc tsvector``) with a GIN index; the document is
  ``to_tsvector('simple', jobshift_fold(text))``, where ``jobshift_fold`` lower-cases and strips the
  accents of Latin-1 and Latin Extended-A (``translate``; no extension needed) and turns ``.@-_/`` into
  blanks.

A query is folded the same way in Python and every word must match as a *prefix* ("rodri" finds
"Rodríguez", "newco.com" finds a lead whose e-mail is at newco.com).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, false, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import NullType

from jobshift.store.schema import leads

MANAGED_TABLES = frozenset(
    {
        "leads_fts",
        "leads_fts_data",
        "leads_fts_idx",
        "leads_fts_content",
        "leads_fts_docsize",
        "leads_fts_config",
    }
    | {"lead_search"}
)
"""Tables migration 0007 creates outside the SQLAlchemy metadata (the schema comparison skips them)."""

MAX_WORDS = 8
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents (``"Rodríguez"`` → ``"rodriguez"``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain


def words(raw: str) -> list[str]:
    """The folded words of a search text (letters and digits; at most :data:`MAX_WORDS`)."""
    return _WORD.findall(fold(raw))[:MAX_WORDS]


class LeadTextMatch(ColumnElement[Any]):
    """The lead's search document has every word of ``words`` as a prefix of one of its words."""

    inherit_cache = False
    type = NullType()

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.drive = True
        """False: SQLite must not drive the query from the matches (``+rowid``) — for a scoped viewer,
        whose own leads (an owner index range) are fewer than the matches of a broad word."""


@compiles(LeadTextMatch, "sqlite")
def _fts5(element: LeadTextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    query = " ".join(f'"{w}"*' for w in element.words)
    col = compiler.process(leads.c.id, **kw).rsplit(".", 1)[0]
    match = compiler.process(literal(query), **kw)
    plus = "" if element.drive else "+"
    return f"{plus}{col}.rowid IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH {match})"


@compiles(LeadTextMatch, "postgresql")
def _tsquery(element: LeadTextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    query = " & ".join(f"{w}:*" for w in element.words)
    col = compiler.process(leads.c.id, **kw)
    return (
        f"{col} IN (SELECT lead_id FROM lead_search "
        f"WHERE doc @@ to_tsquery('simple', {compiler.process(literal(query), **kw)}))"
    )


def lead_text_search(raw: str) -> ColumnElement[bool]:
    """The leads list's ``q`` filter: every word of ``raw`` (folded) prefixes a word of the document."""
    found = words(raw)
    return LeadTextMatch(found) if found else false()
