"""The grade scale: boundaries, lower-is-better, n/a, missing input, configurable cut-offs."""

from __future__ import annotations

import math

import pytest

from jobshift.domain.scorecard.grades import (
    DEFAULT_CUTOFFS,
    grade,
    grade_for_score,
    score,
    validate_cutoffs,
)


@pytest.mark.parametrize(
    ("s", "letter"),
    [
        (2.0, "A+"),
        (1.5, "A+"),
        (1.4999, "A"),
        (1.3, "A"),
        (1.2, "A-"),
        (1.15, "A-"),
        (1.1, "B+"),
        (1.07, "B+"),
        (1.0, "B"),
        (0.9999, "C+"),
        (0.9, "C+"),
        (0.85, "C"),
        (0.8, "C"),
        (0.75, "C-"),
        (0.7, "C-"),
        (0.6, "D"),
        (0.5, "D"),
        (0.4999, "F"),
        (0.0, "F"),
    ],
)
def test_scale_boundaries(s: float, letter: str) -> None:
    assert grade_for_score(s) == letter


def test_exactly_at_benchmark_is_b_just_under_is_c_plus() -> None:
    # 0.8 / 0.8 = 1.0 → B; 0.79 / 0.8 = 0.9875 → C+
    assert grade(0.8, 0.8, "higher").grade == "B"
    assert grade(0.79, 0.8, "higher").grade == "C+"
    # float arithmetic: 0.1 + 0.2 = 0.30000000000000004 vs 0.3 still B; 0.7/0.1*0.1 style noise
    assert grade(0.1 + 0.2, 0.3, "higher").grade == "B"
    assert grade((1 / 3) * 3 * 0.9, 0.9, "higher").grade == "B"


def test_lower_is_better() -> None:
    # s = benchmark / value: 7 days benchmark, 7 → B, 7.5 → 0.933 C+, 3.5 → 2.0 A+, 14 → 0.5 D, 15 → F
    assert grade(7, 7, "lower").grade == "B"
    assert grade(7.5, 7, "lower").grade == "C+"
    assert grade(3.5, 7, "lower").grade == "A+"
    assert grade(14, 7, "lower").grade == "D"
    assert grade(15, 7, "lower").grade == "F"
    # value 0 → best grade (s = inf)
    r = grade(0, 0.2, "lower")
    assert r.grade == "A+" and r.score == math.inf
    # filtering 0.2 benchmark: 0.25 filtered → s 0.8 → C; 0.2 → B
    assert grade(0.25, 0.2, "lower").grade == "C"
    assert grade(0.2, 0.2, "lower").grade == "B"


def test_na_when_too_thin_and_f_when_missing() -> None:
    thin = grade(0.9, 0.5, "higher", sample_size=3, min_sample=10, too_thin_reason="too few leads")
    assert (thin.status, thin.grade, thin.at_or_above_benchmark) == ("n/a", "n/a", None)
    assert thin.reason == "too few leads (3 < 10)"
    missing = grade(None, 0.6, "higher", sample_size=20, min_sample=10, missing_reason="no persona defined")
    assert (missing.status, missing.grade, missing.reason) == ("graded", "F", "no persona defined")
    assert missing.at_or_above_benchmark is False
    ok = grade(0.6, 0.6, "higher", sample_size=10, min_sample=10)
    assert ok.at_or_above_benchmark is True and ok.score == pytest.approx(1.0)


def test_custom_cutoffs_and_validation() -> None:
    strict = {**DEFAULT_CUTOFFS, "C+": 0.95}
    assert grade(0.92, 1.0, "higher", cutoffs=strict).grade == "C"
    validate_cutoffs(DEFAULT_CUTOFFS)
    with pytest.raises(ValueError, match="unknown grade"):
        validate_cutoffs({"B-": 0.95})
    with pytest.raises(ValueError, match="strictly decrease"):
        validate_cutoffs({**DEFAULT_CUTOFFS, "A": 1.6})
    with pytest.raises(ValueError, match=r"B cut-off must be 1\.0"):
        validate_cutoffs({**DEFAULT_CUTOFFS, "B": 0.95})


def test_score_rejects_bad_benchmark() -> None:
    with pytest.raises(ValueError):
        score(1, 0, "higher")
    assert score(0.4, 0.5, "higher") == pytest.approx(0.8)
