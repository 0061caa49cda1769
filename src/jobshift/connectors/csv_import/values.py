"""Value coercion of CRM CSV cells: text to ``str``/``bool``/``int``/``float``/``date``/``datetime``.

Every converter takes the raw cell (never empty: empty cells are ``None`` before they get here) and
returns the typed value or raises :class:`ValueError` whose message is the quarantine reason.
Datetimes with an offset (``2024-03-01T10:00:00.000+0000``, ``...Z``) are converted to naive UTC.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any

from jobshift.domain.normalize import normalize_domain, normalize_email, normalize_linkedin_person
from jobshift.domain.normalize.salesforce_keys import record_key

INT32 = 2**31 - 1
_BOOLS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
_STAGE_NUMBER = re.compile(r"^\s*(\d+)")
_UTC_SUFFIXES = ("+0000", "Z")
_SIMPLE_LINKEDIN = re.compile(r"(?:https?://)?(?:www\.)?linkedin\.com/in/([a-z0-9_.-]+)/?")
# the plain forms, already trimmed and lower-cased, whose full normalization is the identity / the slug
PLAIN_EMAIL = re.compile(
    r"[a-z0-9_+-][a-z0-9._+-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
)
PLAIN_LINKEDIN = re.compile(
    r"(?:https?://)?(?:www\.)?linkedin\.com/in/[-_.]*([a-z0-9](?:[a-z0-9_.-]*[a-z0-9])?)[-_.]*/?"
)
_MISSING = object()
_TZINFO = attrgetter("tzinfo")
BOOL_CELLS: dict[str | None, bool | None] = {None: None}
for _k, _v in _BOOLS.items():
    BOOL_CELLS.update({_k: _v, _k.upper(): _v, _k.capitalize(): _v})


def to_bool(raw: str) -> bool:
    """``true/false/1/0/yes/no`` in any case."""
    try:
        return _BOOLS[raw.strip().lower()]
    except KeyError:
        raise ValueError(f"not a boolean (true/false/1/0/yes/no): {raw!r}") from None


def to_int(raw: str) -> int:
    """A whole number (``12``, ``12.0``) within the 32-bit range of the store."""
    s = raw.strip()
    try:
        value = int(s)
    except ValueError:
        try:
            f = float(s)
        except ValueError:
            raise ValueError(f"not an integer: {raw!r}") from None
        if not f.is_integer():
            raise ValueError(f"not an integer: {raw!r}") from None
        value = int(f)
    if not -INT32 - 1 <= value <= INT32:
        raise ValueError(f"integer out of range: {raw!r}")
    return value


def to_float(raw: str) -> float:
    """A finite decimal number."""
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"not a number: {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {raw!r}")
    return value


def to_datetime(raw: str) -> datetime:
    """ISO 8601 date or datetime (Salesforce ``2024-03-01T10:00:00.000+0000`` included) as naive UTC."""
    s = raw.strip()
    if s.endswith(_UTC_SUFFIXES) and len(s) > 10:  # fast path: already UTC
        try:
            fast = datetime.fromisoformat(s[:-5] if s[-5] == "+" else s[:-1])
        except ValueError:
            fast = None
        if fast is not None and fast.tzinfo is None:
            return fast
    try:
        value = datetime.fromisoformat(s)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date/time: {raw!r}") from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def to_date(raw: str) -> date:
    """ISO 8601 date; a datetime is accepted and gives its UTC date."""
    s = raw.strip()
    if len(s) == 10:
        try:
            return date.fromisoformat(s)
        except ValueError:
            raise ValueError(f"not an ISO 8601 date: {raw!r}") from None
    try:
        return to_datetime(s).date()
    except ValueError:
        raise ValueError(f"not an ISO 8601 date: {raw!r}") from None


def stage_number(stage: str | None) -> int | None:
    """The leading integer of an opportunity stage: ``"3-Technical Evaluation"`` → 3, else ``None``."""
    if not stage:
        return None
    m = _STAGE_NUMBER.match(stage)
    if not m:
        return None
    n = int(m.group(1))
    return n if n <= INT32 else None


def linkedin_person_key(raw: str | None) -> str | None:
    """``normalize_linkedin_person`` with a fast path for the plain ``https://www.linkedin.com/in/<slug>/``."""
    if raw:
        m = _SIMPLE_LINKEDIN.fullmatch(raw.lower())
        if m:
            slug = m.group(1).strip("-_.")
            if slug:
                return f"linkedin.com/in/{slug}"
    return normalize_linkedin_person(raw)


def email_key(raw: str | None) -> str | None:
    """``normalize_email`` with a fast path for a plain address (letters, digits, ``._+-``)."""
    if raw:
        low = raw.lower()
        if PLAIN_EMAIL.fullmatch(low):
            return low
    return normalize_email(raw)


Column = list[Any]


def key_column(values: Column) -> Column:
    """:func:`~jobshift.domain.normalize.salesforce_keys.record_key` of every cell of an id column."""
    if not {15, 18} & set(map(len, filter(None, values))):
        return values
    return [v if v is None or len(v) not in (15, 18) else record_key(v) for v in values]


def email_column(values: Column) -> Column:
    """:func:`email_key` of every cell (trimmed, non-empty or ``None``) of a column."""
    fm, full = PLAIN_EMAIL.fullmatch, normalize_email
    return [None if v is None else (low if fm(low := v.lower()) else full(v)) for v in values]


def linkedin_column(values: Column) -> Column:
    """:func:`linkedin_person_key` of every cell (trimmed, non-empty or ``None``) of a column."""
    fm, full = PLAIN_LINKEDIN.fullmatch, normalize_linkedin_person
    return [
        None if v is None else ("linkedin.com/in/" + m[1] if (m := fm(v.lower())) else full(v))
        for v in values
    ]


def convert_column(type_: str, values: Column) -> tuple[Column, list[int]]:
    """Convert a column of trimmed cells (``None`` for empty) to ``type_``, as :data:`CONVERTERS` would.

    Returns the converted column and the positions of the cells that do not convert (left as text);
    the caller reports those with the per-row converters, which give the exact reason.
    """
    if type_ == "bool":
        get = BOOL_CELLS.get
        out = [get(v, _MISSING) for v in values]
        if _MISSING in out:
            return _convert_slowly(values, to_bool)
        return out, []
    if type_ == "datetime":
        return _datetime_column(values)
    conv = CONVERTERS[type_]
    try:
        return [None if v is None else conv(v) for v in values], []
    except ValueError:
        return _convert_slowly(values, conv)


def _datetime_column(values: Column) -> tuple[Column, list[int]]:
    fi = datetime.fromisoformat
    try:
        out: Column = [
            None if v is None else fi(v[:-5] if len(v) > 10 and v.endswith("+0000") else v) for v in values
        ]
    except ValueError:
        return _convert_slowly(values, to_datetime)
    bad: list[int] = []
    if not any(map(_TZINFO, filter(None, out))):
        return out, bad
    for i, d in enumerate(out):
        if d is not None and d.tzinfo is not None:
            try:
                out[i] = to_datetime(values[i])
            except ValueError:
                bad.append(i)
                out[i] = values[i]
    return out, bad


def _convert_slowly(values: Column, conv: Callable[[str], Any]) -> tuple[Column, list[int]]:
    out: Column = []
    bad: list[int] = []
    for i, v in enumerate(values):
        if v is None:
            out.append(None)
            continue
        try:
            out.append(conv(v))
        except ValueError:
            bad.append(i)
            out.append(v)
    return out, bad


def derive_column(name: str, values: Column) -> Column:
    """Derived column ``name`` (see :data:`DERIVATIONS`) of a column of its source values."""
    if name == "email_norm":
        return email_column(values)
    if name == "linkedin_norm":
        return linkedin_column(values)
    fn = DERIVATIONS[name][1]
    return [fn(v) for v in values]


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "bool": to_bool,
    "int": to_int,
    "float": to_float,
    "date": to_date,
    "datetime": to_datetime,
}

DERIVATIONS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "domain": ("website", normalize_domain),
    "email_norm": ("email", email_key),
    "linkedin_norm": ("linkedin_url", linkedin_person_key),
    "stage_number": ("stage", stage_number),
}
"""Derived column → (the column it is computed from, the function)."""
