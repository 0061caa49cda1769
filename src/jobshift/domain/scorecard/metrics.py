"""Pure category computations from aggregated inputs (counts and histograms the store produced).

Every function takes small aggregates (never rows) so the same formulas serve SQLite, PostgreSQL
and the unit tests. ``None`` means "cannot be computed" (empty denominator).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def share(part: int | float, whole: int | float) -> float | None:
    """``part / whole``, or None when ``whole`` is 0."""
    return None if not whole else part / whole


@dataclass(frozen=True)
class CohortTerm:
    """One valuable cohort of category 1: contacts available in the CRM and how many are tracked."""

    name: str
    weight: float
    available: int
    tracked: int

    @property
    def missing(self) -> int:
        """Contacts tracking this cohort fully would add."""
        return max(self.available - self.tracked, 0)

    @property
    def share(self) -> float | None:
        """Tracked share of the cohort (None when the CRM has none)."""
        return share(self.tracked, self.available)


def weighted_cohort_share(terms: Iterable[CohortTerm]) -> float | None:
    """Contacts Provided: ``Σ w·(tracked/available) / Σ w`` over cohorts the CRM has contacts in.

    A cohort with nothing available is left out of numerator and denominator alike (it cannot be
    tracked); with no cohort available at all the value is None.
    """
    num = 0.0
    den = 0.0
    for t in terms:
        s = t.share
        if s is None or t.weight <= 0:
            continue
        num += t.weight * s
        den += t.weight
    return None if den == 0 else num / den


def kinds_present_share(counts: Mapping[str, int]) -> float:
    """Accounts Provided: the share of account kinds with at least one account."""
    if not counts:
        return 0.0
    return sum(1 for n in counts.values() if n > 0) / len(counts)


def median_from_histogram(hist: Mapping[int, int]) -> float | None:
    """Median of integer values given as ``{value: count}``; mean of the two middle values if even."""
    total = sum(c for c in hist.values() if c > 0)
    if total == 0:
        return None
    lo_rank, hi_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle value(s)
    lo = hi = None
    seen = 0
    for value in sorted(hist):
        c = hist[value]
        if c <= 0:
            continue
        if lo is None and seen + c > lo_rank:
            lo = value
        if seen + c > hi_rank:
            hi = value
            break
        seen += c
    assert lo is not None and hi is not None
    return (lo + hi) / 2


def mean(total: int | float, n: int) -> float | None:
    """``total / n`` or None for n = 0."""
    return None if n == 0 else total / n


def pipeline_to_spend(pipeline: float, yearly_cost: float | None, months: int = 1) -> float | None:
    """Pipeline per unit of spend over ``months`` months of a yearly program cost."""
    if not yearly_cost or yearly_cost <= 0:
        return None
    return pipeline / (yearly_cost * months / 12)


def cost_per_opportunity(opportunities: int, yearly_cost: float | None, months: int = 1) -> float | None:
    """Program cost over ``months`` months divided by the opportunities attributed in them."""
    if not yearly_cost or yearly_cost <= 0 or opportunities == 0:
        return None
    return yearly_cost * months / 12 / opportunities
