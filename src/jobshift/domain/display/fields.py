"""Display text by field name: one renderer per column (``name``, ``title``, ``new_company`` …).

:func:`field_text` picks the renderer from a column's name, so one template filter serves every list,
page and message; :func:`person_of` names the person of a record (``first_name``/``last_name``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobshift.domain.display import (
    display_company,
    display_first_name,
    display_last_name,
    display_person,
    display_title,
)

PERSON_FIELDS = frozenset(["name", "full_name", "person"])
TITLE_FIELDS = frozenset(["title", "new_title", "past_title", "now_title"])
COMPANY_FIELDS = frozenset(["company", "new_company", "past_company", "now_company", "past_account"])
TEXT_FIELDS = PERSON_FIELDS | TITLE_FIELDS | COMPANY_FIELDS | {"first_name", "last_name"}


def field_text(value: Any, field: str) -> Any:
    """``value`` of the column ``field`` as people read it: names, titles and companies cased, any
    other field returned unchanged (``None`` of a text field is ``""``)."""
    if value is None:
        return "" if field in TEXT_FIELDS else None
    if field in PERSON_FIELDS:
        return display_person(str(value))
    if field == "first_name":
        return display_first_name(str(value))
    if field == "last_name":
        return display_last_name(str(value))
    if field in TITLE_FIELDS:
        return display_title(str(value))
    if field in COMPANY_FIELDS:
        return display_company(str(value))
    return value


def person_of(row: Mapping[str, Any] | None) -> str:
    """A record's person name from ``first_name``/``last_name`` (else ``full_name``/``name``)."""
    if not row:
        return ""
    if row.get("first_name") or row.get("last_name"):
        return display_person(row.get("first_name"), row.get("last_name") or "")
    return display_person(row.get("full_name") or row.get("name"))
