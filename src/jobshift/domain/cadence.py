"""Cadences: when a tier is checked (``weekly:tue``, ``monthly:first-tue``, ``daily`` or a 5-field cron).

Forms (case-insensitive):

- ``daily``
- ``weekly:<day>`` (``mon`` … ``sun``)
- ``monthly:<nth>-<day>`` (``first``/``second``/``third``/``fourth``/``last``), ``monthly:<day>``
  (= the first such day of the month) or ``monthly:<1-28>`` (that day of the month)
- a 5-field cron expression ``minute hour day-of-month month day-of-week`` (``*``, lists, ranges, steps;
  day-of-week 0-7 with 0 and 7 = Sunday; when both day fields are restricted either may match, as cron)

Named cadences fire at 00:00 UTC of their day. :func:`parse_cadence` raises ``ValueError`` with a
readable message; :func:`next_due` gives the first due time strictly after a moment.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAYS = tuple(d.lower() for d in calendar.day_name)
NTH = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_CRON_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")


@dataclass(frozen=True)
class Cadence:
    """A parsed cadence. ``kind`` is daily | weekly | monthly_nth | monthly_day | cron."""

    text: str
    kind: str
    weekday: int | None = None  # 0 = Monday
    nth: int | None = None  # 1..4 or -1 (last)
    day: int | None = None  # monthly_day
    cron: tuple[frozenset[int], ...] | None = None
    cron_dom_any: bool = True
    cron_dow_any: bool = True

    def describe(self) -> str:
        """Human text, e.g. ``weekly on Tuesday``."""
        if self.kind == "daily":
            return "daily"
        if self.kind == "weekly" and self.weekday is not None:
            return f"weekly on {calendar.day_name[self.weekday]}"
        if self.kind == "monthly_nth" and self.weekday is not None:
            word = next(k for k, v in NTH.items() if v == self.nth)
            return f"monthly on the {word} {calendar.day_name[self.weekday]}"
        if self.kind == "monthly_day":
            return f"monthly on day {self.day}"
        return f"cron {self.text}"


def _weekday(token: str, text: str) -> int:
    if token in FULL_DAYS:
        token = token[:3]
    if token not in DAYS:
        raise ValueError(f"unknown day {token!r} in cadence {text!r} (one of {', '.join(DAYS)})")
    return DAYS.index(token)


def _cron_field(raw: str, i: int, text: str) -> frozenset[int]:
    lo, hi = _CRON_RANGES[i]
    out: set[int] = set()
    for part in raw.split(","):
        step = 1
        if "/" in part:
            part, step_s = part.split("/", 1)
            if not step_s.isdigit() or int(step_s) < 1:
                raise ValueError(f"bad step {step_s!r} in the {_CRON_NAMES[i]} field of cron {text!r}")
            step = int(step_s)
        if part == "*":
            a, b = lo, hi
        elif "-" in part:
            a_s, b_s = part.split("-", 1)
            if not (a_s.isdigit() and b_s.isdigit()):
                raise ValueError(f"bad range {part!r} in the {_CRON_NAMES[i]} field of cron {text!r}")
            a, b = int(a_s), int(b_s)
        elif part.isdigit():
            a = b = int(part)
            if step > 1:
                b = hi
        else:
            raise ValueError(f"bad value {part!r} in the {_CRON_NAMES[i]} field of cron {text!r}")
        if a < lo or b > hi or a > b:
            raise ValueError(f"{part!r} is out of range {lo}-{hi} in the {_CRON_NAMES[i]} field of {text!r}")
        out.update(range(a, b + 1, step))
    if i == 4 and 7 in out:
        out = (out - {7}) | {0}
    return frozenset(out)


def parse_cadence(text: str) -> Cadence:
    """Parse a cadence string (see the module docstring); ``ValueError`` with the reason if invalid."""
    t = (text or "").strip().lower()
    if not t:
        raise ValueError("empty cadence (e.g. weekly:tue, monthly:first-tue, daily or a 5-field cron)")
    if t == "daily":
        return Cadence(text, "daily")
    if t.startswith("weekly:"):
        return Cadence(text, "weekly", weekday=_weekday(t[7:], text))
    if t.startswith("monthly:"):
        arg = t[8:]
        if arg.isdigit():
            if not 1 <= int(arg) <= 28:
                raise ValueError(f"day of month must be 1-28 in cadence {text!r}")
            return Cadence(text, "monthly_day", day=int(arg))
        nth_s, _, day_s = arg.rpartition("-")
        nth = NTH.get(nth_s or "first")
        if nth is None:
            raise ValueError(f"unknown {nth_s!r} in cadence {text!r} (first, second, third, fourth, last)")
        return Cadence(text, "monthly_nth", weekday=_weekday(day_s, text), nth=nth)
    fields = t.split()
    if len(fields) == 5:
        parsed = tuple(_cron_field(f, i, text) for i, f in enumerate(fields))
        return Cadence(
            text, "cron", cron=parsed, cron_dom_any=fields[2] == "*", cron_dow_any=fields[4] == "*"
        )
    raise ValueError(
        f"invalid cadence {text!r} "
        "(daily, weekly:<day>, monthly:<nth>-<day>, monthly:<1-28> or a 5-field cron)"
    )


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month]
    matching = [d for d in days if d.weekday() == weekday]
    return matching[-1] if nth == -1 else matching[nth - 1]


def _day_matches(c: Cadence, d: date) -> bool:
    if c.kind == "daily":
        return True
    if c.kind == "weekly":
        return d.weekday() == c.weekday
    if c.kind == "monthly_day":
        return d.day == c.day
    if c.kind == "monthly_nth" and c.weekday is not None and c.nth is not None:
        return d == _nth_weekday(d.year, d.month, c.weekday, c.nth)
    assert c.cron is not None
    if d.month not in c.cron[3]:
        return False
    dom = d.day in c.cron[2]
    dow = (d.weekday() + 1) % 7 in c.cron[4]
    if c.cron_dom_any or c.cron_dow_any:
        return dom and dow
    return dom or dow


def next_due(cadence: Cadence | str, after: datetime) -> datetime:
    """The first time the cadence fires strictly after ``after`` (naive UTC); searches up to 5 years."""
    c = parse_cadence(cadence) if isinstance(cadence, str) else cadence
    d = after.date()
    for _ in range(366 * 5):
        if _day_matches(c, d):
            if c.kind != "cron":
                at = datetime.combine(d, time())
                if at > after:
                    return at
            else:
                assert c.cron is not None
                for h in sorted(c.cron[1]):
                    for m in sorted(c.cron[0]):
                        at = datetime.combine(d, time(h, m))
                        if at > after:
                            return at
        d += timedelta(days=1)
    raise ValueError(f"cadence {c.text!r} never fires")


def is_due(cadence: Cadence | str, last_run: datetime | None, now: datetime) -> bool:
    """Whether a run is due at ``now`` given the last run (never run = due)."""
    if last_run is None:
        return True
    return next_due(cadence, last_run) <= now
