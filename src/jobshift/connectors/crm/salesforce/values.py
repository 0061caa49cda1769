"""Canonical values → what the org's field takes, decided by the field's describe entry.

A write that does not fit the org fails in Salesforce (``JSON_PARSER_ERROR`` for a whole REST request,
``STRING_TOO_LONG``, ``MALFORMED_ID``…), so jobshift fits each value to its field first and says what it
changed (a *note*, written to the audit log):

- ``date`` fields get ``YYYY-MM-DD``; a month- or year-only start date becomes the first day of that
  month / year (its precision stays in the signal's evidence and in the note);
- ``datetime`` fields get ISO 8601 with the zone (``2026-10-01T00:00:00.000+0000``);
- text fields (string, textarea, picklist, e-mail, URL, phone) are shortened to the field's ``length``;
- reference (lookup) fields get the 18-character id; a value that is not a Salesforce id (a record
  imported from CSV with its own ids) is left out;
- booleans and numbers are sent as JSON booleans / numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from jobshift.domain.normalize.dates import parse_partial_date
from jobshift.domain.normalize.sfid import is_salesforce_id, to_18

TEXT_TYPES = frozenset(
    {"string", "textarea", "picklist", "multipicklist", "email", "url", "phone", "combobox"}
)
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent", "long"})


def sf_datetime(value: datetime) -> str:
    """A naive-UTC datetime as Salesforce's ISO 8601 with zone."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def fit_value(canonical: str, value: Any, field: Mapping[str, Any] | None) -> tuple[Any, str | None, bool]:
    """``(value to send, note, keep)`` for one field; ``keep`` is false when the value must be left out.

    ``field`` is the describe entry (``None``: unknown, the value is sent as plain JSON).
    """
    if value is None:
        return None, None, True
    kind = str((field or {}).get("type") or "")
    name = str((field or {}).get("name") or canonical)
    if kind == "boolean":
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes"), None, True
        return bool(value), None, True
    if kind in NUMBER_TYPES:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value, None, True
        try:
            return float(value), None, True
        except (TypeError, ValueError):
            return None, f"{name}: {value!r} is not a number; not written", False
    if kind == "date":
        return _date(name, value)
    if kind == "datetime":
        return _datetime(name, value)
    if kind in ("reference", "id"):
        text = str(value)
        if not is_salesforce_id(text):
            return None, f"{name}: {text!r} is not a Salesforce id; not written", False
        return to_18(text), None, True
    if isinstance(value, datetime):
        value = sf_datetime(value)
    elif isinstance(value, date):
        value = value.isoformat()
    if kind in TEXT_TYPES or isinstance(value, str):
        text = str(value)
        length = int((field or {}).get("length") or 0)
        if length and len(text) > length:
            return (
                text[:length],
                f"{name}: shortened from {len(text)} to the field's {length} characters",
                True,
            )
        return text, None, True
    return value, None, True


def _date(name: str, value: Any) -> tuple[Any, str | None, bool]:
    if isinstance(value, datetime):
        return value.date().isoformat(), None, True
    if isinstance(value, date):
        return value.isoformat(), None, True
    partial = parse_partial_date(str(value))
    if partial is None:
        return None, f"{name}: {value!r} is not a date; not written", False
    day = partial.earliest().isoformat()
    if partial.precision != "day":
        return day, f"{name}: {partial} (known to the {partial.precision}) written as {day}", True
    return day, None, True


def _datetime(name: str, value: Any) -> tuple[Any, str | None, bool]:
    if isinstance(value, datetime):
        return sf_datetime(value), None, True
    if isinstance(value, date):
        return sf_datetime(datetime(value.year, value.month, value.day)), None, True
    partial = parse_partial_date(str(value))
    if partial is None:
        return None, f"{name}: {value!r} is not a date/time; not written", False
    d = partial.earliest()
    note = None
    if partial.precision != "day":
        note = f"{name}: {partial} (known to the {partial.precision}) written as {d.isoformat()} 00:00 UTC"
    return sf_datetime(datetime(d.year, d.month, d.day)), note, True
