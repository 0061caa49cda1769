"""Partial dates (``2024``, ``2024-03``, ``2024-03-15``) kept with their precision."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PARTIAL = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T ].*)?\s*$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, month or day. Ordering compares the earliest day it can mean."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``."""
        return "day" if self.day else "month" if self.month else "year"

    def isoformat(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: exactly the precision the source gave."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def earliest(self) -> date:
        """The first day this partial date can mean."""
        return date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.isoformat()


def parse_partial_date(raw: str | None) -> PartialDate | None:
    """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (or a datetime); ``None`` if not a valid date."""
    if not raw:
        return None
    m = _PARTIAL.match(str(raw))
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if not 1800 <= year <= 2200:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            return None
    return PartialDate(year, month, day)
