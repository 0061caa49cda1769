"""Scorecard logic without I/O: grade scale, category definitions, metrics, funnel, attribution."""

from jobshift.domain.scorecard.categories import CATEGORIES, CATEGORY_BY_KEY, CATEGORY_KEYS, CategoryDef
from jobshift.domain.scorecard.grades import (
    DEFAULT_CUTOFFS,
    GRADES,
    GradeResult,
    grade,
    grade_for_score,
    score,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_BY_KEY",
    "CATEGORY_KEYS",
    "DEFAULT_CUTOFFS",
    "GRADES",
    "CategoryDef",
    "GradeResult",
    "grade",
    "grade_for_score",
    "score",
]
