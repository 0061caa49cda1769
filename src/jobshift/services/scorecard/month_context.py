"""What one month's scorecard formulas read: the connection, the period and windows, the settings, and
the store aggregates several categories share (computed once, on first use)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select

from jobshift.config import Config
from jobshift.domain.scorecard.icp import IcpCriteria
from jobshift.services.specs import lead_sources
from jobshift.store.scorecard import leads as sl
from jobshift.store.scorecard import queries as sq

TitleMatcher = Callable[[str], bool]
Computed = tuple[float | None, int, dict[str, Any], str | None]
"""What a formula returns: value, sample size, drill-down, and why the value is missing (an F)."""


@dataclass
class MonthContext:
    """Everything one month's categories need: the period, the windows and the settings."""

    conn: Connection
    config: Config
    tracked: Select[Any]
    start: datetime
    end: datetime
    window_start: datetime
    icp: IcpCriteria
    persona: TitleMatcher | None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def sources(self) -> list[str]:
        """Lead sources of the leads jobshift creates."""
        return lead_sources(self.config)

    @property
    def limit(self) -> int:
        """Records per drill-down list."""
        return self.config.scorecard.drilldown_limit

    def cohorts(self) -> dict[str, tuple[int, int]]:
        """Contacts on opportunities by cohort: (available, tracked) — shared by categories 1 and 2."""
        if "cohorts" not in self._cache:
            self._cache["cohorts"] = sq.opp_contact_cohorts(self.conn, self.tracked, self.end)
        return dict(self._cache["cohorts"])

    def adoption(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Activity totals and drill-downs of the engagement window's leads (categories 9–11): the per-lead
        aggregate is materialized once and read by both."""
        if "adoption" not in self._cache:
            pl = sl.per_lead_table(self.conn, self.sources, self.window_start, self.end, ())
            try:
                totals = sl.lead_activity_totals(
                    self.conn, self.sources, self.window_start, self.end, (), pl=pl
                )
                drill = sl.lead_adoption_drilldown(
                    self.conn, self.sources, self.window_start, self.end, self.limit, pl=pl
                )
            finally:
                sl.drop_per_lead_table(self.conn, pl)
            self._cache["adoption"] = (totals, drill)
        totals, drill = self._cache["adoption"]
        return totals, drill

    def window(self) -> dict[str, Any]:
        """The engagement window and its lead totals (the head of categories 9–11's drill-downs)."""
        totals, _ = self.adoption()
        return {
            "window_start": self.window_start.date().isoformat(),
            "leads": totals["leads"],
            "contacted": totals["contacted"],
            "activities": totals["activities"],
        }
