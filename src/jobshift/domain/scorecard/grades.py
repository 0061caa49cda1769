"""The grade scale: value and benchmark to a letter grade, higher- or lower-is-better, and "n/a".

For a metric where higher is better ``s = value / benchmark``; where lower is better
``s = benchmark / value`` (a value of 0 gets the best grade). ``s`` is compared with the cut-offs
from the best grade down; the first grade whose cut-off ``s`` reaches wins; below the last cut-off
(or with a missing input) the grade is F. There is no B-: B or better means at or above benchmark.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Direction = Literal["higher", "lower"]
Status = Literal["graded", "n/a"]

GRADES: tuple[str, ...] = ("A+", "A", "A-", "B+", "B", "C+", "C", "C-", "D", "F")
DEFAULT_CUTOFFS: dict[str, float] = {
    "A+": 1.5,
    "A": 1.3,
    "A-": 1.15,
    "B+": 1.07,
    "B": 1.0,
    "C+": 0.9,
    "C": 0.8,
    "C-": 0.7,
    "D": 0.5,
}
"""Minimum score ``s`` for each grade but F (F is everything below D, and missing input)."""

AT_BENCHMARK: frozenset[str] = frozenset({"A+", "A", "A-", "B+", "B"})
_EPS = 1e-9  # value == benchmark must give B even when the value came out of float arithmetic


def score(value: float, benchmark: float, direction: Direction) -> float:
    """The score ``s``: how far the value is from the benchmark, 1.0 meaning exactly at it."""
    if benchmark <= 0:
        raise ValueError(f"benchmark must be positive, got {benchmark}")
    if value < 0:
        raise ValueError(f"value must not be negative, got {value}")
    if direction == "higher":
        return value / benchmark
    return math.inf if value == 0 else benchmark / value


def grade_for_score(s: float, cutoffs: Mapping[str, float] = DEFAULT_CUTOFFS) -> str:
    """The letter grade of a score ``s`` (best grade whose cut-off ``s`` reaches; else F)."""
    for letter in GRADES[:-1]:
        if letter in cutoffs and s >= cutoffs[letter] - _EPS:
            return letter
    return "F"


def validate_cutoffs(cutoffs: Mapping[str, float]) -> None:
    """Raise ``ValueError`` unless the cut-offs name known grades and fall from A+ down to D."""
    unknown = set(cutoffs) - set(GRADES[:-1])
    if unknown:
        raise ValueError(f"unknown grade(s) {sorted(unknown)}; known: {', '.join(GRADES[:-1])}")
    ordered = [cutoffs[g] for g in GRADES[:-1] if g in cutoffs]
    if any(a <= b for a, b in itertools.pairwise(ordered)):
        raise ValueError("grade cut-offs must strictly decrease from A+ to D")
    if "B" in cutoffs and cutoffs["B"] != 1.0:
        raise ValueError("the B cut-off must be 1.0: B or better means at or above benchmark")


@dataclass(frozen=True)
class GradeResult:
    """The grade of one category: the letter (or "n/a"), the numbers behind it, and why."""

    status: Status
    grade: str
    value: float | None
    benchmark: float
    score: float | None
    sample_size: int | None
    reason: str | None = None

    @property
    def at_or_above_benchmark(self) -> bool | None:
        """True for B or better, False for C+ or below, None when not graded."""
        return None if self.status == "n/a" else self.grade in AT_BENCHMARK


def grade(
    value: float | None,
    benchmark: float,
    direction: Direction,
    *,
    sample_size: int | None = None,
    min_sample: int = 0,
    missing_reason: str | None = None,
    too_thin_reason: str | None = None,
    cutoffs: Mapping[str, float] = DEFAULT_CUTOFFS,
) -> GradeResult:
    """Grade a category.

    * ``sample_size < min_sample`` → "n/a" with ``too_thin_reason`` (too little data to judge);
    * ``value is None`` → F with ``missing_reason`` (the input is missing, e.g. no persona defined);
    * otherwise the letter of :func:`score` on the scale.
    """
    if sample_size is not None and sample_size < min_sample:
        why = too_thin_reason or "too little data"
        return GradeResult(
            "n/a", "n/a", value, benchmark, None, sample_size, f"{why} ({sample_size} < {min_sample})"
        )
    if value is None:
        return GradeResult(
            "graded", "F", None, benchmark, None, sample_size, missing_reason or "input missing"
        )
    s = score(value, benchmark, direction)
    return GradeResult("graded", grade_for_score(s, cutoffs), value, benchmark, s, sample_size, None)


def format_value(value: float | None, unit: str) -> str:
    """A category value for people: shares as percent, days with one decimal, ratios with two."""
    if value is None:
        return "—"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "days":
        return f"{value:.1f} d"
    return f"{value:,.2f}"
