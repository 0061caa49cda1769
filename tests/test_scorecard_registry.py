"""The scorecard category registry: complete entries, one formula each, config defaults from the entries."""

from __future__ import annotations

import dataclasses

import pytest

from jobshift.config import Config
from jobshift.domain.scorecard.categories import CATEGORIES, CATEGORY_KEYS, CategoryDef, incomplete_fields
from jobshift.services.scorecard.formulas import FORMULAS, formula


@pytest.mark.parametrize("cat", CATEGORIES, ids=lambda c: c.key)
def test_every_entry_is_complete(cat: CategoryDef) -> None:
    assert incomplete_fields(cat) == []
    assert cat.key.isidentifier() and cat.key == cat.key.lower()


def test_incomplete_entries_are_caught() -> None:
    cat = CATEGORIES[0]
    assert incomplete_fields(dataclasses.replace(cat, fix=" ")) == ["fix"]
    assert incomplete_fields(dataclasses.replace(cat, sample_noun="", benchmark=0.0)) == [
        "sample_noun",
        "benchmark",
    ]
    assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(CategoryDef))
    with pytest.raises(TypeError):
        CategoryDef(**{k: v for k, v in dataclasses.asdict(cat).items() if k != "min_sample"})


def test_order_and_keys() -> None:
    assert [c.number for c in CATEGORIES] == list(range(1, len(CATEGORIES) + 1))
    assert len(set(CATEGORY_KEYS)) == len(CATEGORY_KEYS)


def test_every_category_has_exactly_one_formula() -> None:
    assert set(FORMULAS) == set(CATEGORY_KEYS)
    with pytest.raises(ValueError, match="already has a formula"):
        formula(CATEGORY_KEYS[0])(FORMULAS[CATEGORY_KEYS[0]])


def test_config_sections_come_from_the_registry() -> None:
    sc = Config().scorecard
    assert sc.benchmarks.model_dump() == {c.key: c.benchmark for c in CATEGORIES}
    assert sc.min_samples.model_dump() == {c.key: c.min_sample for c in CATEGORIES}
    custom = Config.model_validate({"scorecard": {"benchmarks": {"filtering": 0.3}}}).scorecard
    assert custom.benchmarks.filtering == 0.3  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="no_such_category"):
        Config.model_validate({"scorecard": {"min_samples": {"no_such_category": 3}}})
