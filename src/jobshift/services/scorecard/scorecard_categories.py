"""The graded categories of one month: each registered category's formula → its grade + drill-down.

The categories and their order come from ``domain/scorecard/categories.py``; each one's formula from
``services/scorecard/formulas.py``; benchmark and minimum sample from ``[scorecard]`` (defaulting to
the registry's).
"""

from __future__ import annotations

from typing import Any

from jobshift.domain.scorecard import CATEGORIES, grade
from jobshift.services.scorecard.formulas import FORMULAS
from jobshift.services.scorecard.month_context import Computed, MonthContext, TitleMatcher
from jobshift.services.specs import persona_matcher

__all__ = ["Computed", "MonthContext", "TitleMatcher", "build_categories", "persona_matcher"]


def build_categories(ctx: MonthContext) -> list[dict[str, Any]]:
    """Grade every category of one month, in registry order (trend is added by the caller)."""
    sc = ctx.config.scorecard
    out = []
    for cat in CATEGORIES:
        value, sample, drilldown, missing = FORMULAS[cat.key](ctx)
        g = grade(
            value,
            getattr(sc.benchmarks, cat.key),
            cat.direction,
            sample_size=sample,
            min_sample=getattr(sc.min_samples, cat.key),
            missing_reason=missing,
            too_thin_reason=f"too little data: {cat.sample_noun}",
            cutoffs=sc.grade_cutoffs,
        )
        out.append(
            {
                "number": cat.number,
                "key": cat.key,
                "name": cat.name,
                "group": cat.group,
                "direction": cat.direction,
                "unit": cat.unit,
                "measures": cat.measures,
                "status": g.status,
                "grade": g.grade,
                "value": g.value,
                "benchmark": g.benchmark,
                "score": None if g.score is None or g.score == float("inf") else g.score,
                "sample_size": g.sample_size,
                "reason": g.reason,
                "at_or_above_benchmark": g.at_or_above_benchmark,
                "fix": cat.fix,
                "trend": [],
                "drilldown": drilldown,
            }
        )
    return out
