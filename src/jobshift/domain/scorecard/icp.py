"""ICP criteria as the scorecard applies them, and the pure matcher the SQL mirrors.

An account matches the ICP when it passes every defined criterion: its industry, country and
segment (compared case-insensitively, surrounding blanks ignored) are in the configured lists,
and its employee count is within the bounds. A missing value fails a defined criterion.
Empty lists / unset bounds mean "any"; with no criterion at all the ICP is undefined.
"""

from __future__ import annotations

from dataclasses import dataclass

CRITERIA: tuple[str, ...] = ("industry", "country", "segment", "employees")


def _norm(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(sorted({v.strip().lower() for v in values if v and v.strip()}))


@dataclass(frozen=True)
class IcpCriteria:
    """The ``[icp]`` section, normalized (lower-case, trimmed, de-duplicated)."""

    industries: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    min_employees: int | None = None
    max_employees: int | None = None

    @classmethod
    def of(
        cls,
        industries: list[str] | tuple[str, ...] = (),
        countries: list[str] | tuple[str, ...] = (),
        segments: list[str] | tuple[str, ...] = (),
        min_employees: int | None = None,
        max_employees: int | None = None,
    ) -> IcpCriteria:
        """Build normalized criteria from raw config values."""
        return cls(_norm(industries), _norm(countries), _norm(segments), min_employees, max_employees)

    @property
    def defined(self) -> bool:
        """True when at least one criterion is set."""
        return bool(self.active_criteria)

    @property
    def active_criteria(self) -> tuple[str, ...]:
        """The criteria that are set, in :data:`CRITERIA` order."""
        on = {
            "industry": bool(self.industries),
            "country": bool(self.countries),
            "segment": bool(self.segments),
            "employees": self.min_employees is not None or self.max_employees is not None,
        }
        return tuple(c for c in CRITERIA if on[c])


def failed_criteria(
    icp: IcpCriteria, industry: str | None, country: str | None, segment: str | None, employees: int | None
) -> list[str]:
    """The criteria an account fails (empty: it matches the ICP)."""
    out = []
    for name, value, allowed in (
        ("industry", industry, icp.industries),
        ("country", country, icp.countries),
        ("segment", segment, icp.segments),
    ):
        if allowed and (value is None or value.strip().lower() not in allowed):
            out.append(name)
    if "employees" in icp.active_criteria and (
        employees is None
        or (icp.min_employees is not None and employees < icp.min_employees)
        or (icp.max_employees is not None and employees > icp.max_employees)
    ):
        out.append("employees")
    return out
