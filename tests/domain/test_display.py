"""Display text for humans (``jobshift.domain.display``) on tests/data/display_strings.csv.

The CSV holds real-world names, titles and companies in several languages as a people feed delivers them
(lower case, all capitals, or already cased by a person) and how a person expects to read them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobshift.domain.display import (
    display_company,
    display_first_name,
    display_last_name,
    display_person,
    display_title,
    smart_case,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "display_strings.csv"
RENDER: dict[str, Callable[[str], str]] = {
    "name": lambda s: display_person(s),
    "first_name": display_first_name,
    "last_name": display_last_name,
    "title": display_title,
    "company": lambda s: display_company(s),
}


def _rows() -> list[tuple[str, str, str]]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return [(r["input"], r["kind"], r["expected"]) for r in csv.DictReader(f)]


ROWS = _rows()


def test_the_list_is_big_and_covers_every_kind() -> None:
    assert len(ROWS) >= 300
    kinds = {k for _, k, _ in ROWS}
    assert kinds == set(RENDER)
    assert len({i for i, _, _ in ROWS}) > 0.95 * len(ROWS)  # hardly any duplicate inputs


@pytest.mark.parametrize(("text", "kind", "expected"), ROWS, ids=[f"{k}:{i.strip()}" for i, k, _ in ROWS])
def test_display_string(text: str, kind: str, expected: str) -> None:
    assert RENDER[kind](text) == expected


@pytest.mark.parametrize(("text", "kind", "expected"), ROWS, ids=[f"{k}:{i.strip()}" for i, k, _ in ROWS])
def test_rendering_is_idempotent(text: str, kind: str, expected: str) -> None:
    assert RENDER[kind](RENDER[kind](text)) == RENDER[kind](text)


def test_the_crm_spelling_wins() -> None:
    assert display_company("apexbridge", account_name="ApexBridge Insurance") == "ApexBridge Insurance"
    assert display_company("apexbridge", account_name="  ") == "Apexbridge"
    assert display_company("apexbridge", account_name=None) == "Apexbridge"
    assert display_person("lauren", "cook", crm_name="Lauren  Cook-Smith") == "Lauren Cook-Smith"


def test_first_and_last_name_parts() -> None:
    assert display_person("pieter", "van der berg") == "Pieter van der Berg"
    assert display_person("maria", "de la cruz") == "Maria de la Cruz"
    assert display_person("van", "morrison") == "Van Morrison"
    assert display_person("lauren", "") == "Lauren"
    assert display_person("", "o'neil") == "O'Neil"
    assert display_person(None, None) == ""


@pytest.mark.parametrize("blank", [None, "", "   ", "\t\n"])
def test_blank_input_is_empty(blank: str | None) -> None:
    assert display_title(blank) == ""
    assert display_company(blank) == ""
    assert display_person(blank) == ""


def test_odd_input_never_crashes() -> None:
    for text in ["-", "&", "'", "()", "a-", "-b", "'s", "o'", "mc", "12345", "!!!", "a//b", "x&", "ß", "ǆ"]:
        for kind in ("name", "title", "company"):
            out = smart_case(text, kind)  # type: ignore[arg-type]
            assert out.casefold() == text.casefold(), (text, kind, out)  # only the case changes


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        smart_case("x", "city")  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "kind", "expected"), ROWS, ids=[f"{k}:{i.strip()}" for i, k, _ in ROWS])
def test_only_the_case_changes(text: str, kind: str, expected: str) -> None:
    assert RENDER[kind](text).casefold() == " ".join(text.split()).casefold()


@settings(max_examples=400, deadline=None)
@given(text=st.text(max_size=40), kind=st.sampled_from(["name", "title", "company"]))
def test_any_text_only_changes_case_and_is_stable(text: str, kind: str) -> None:
    out = smart_case(text, kind)  # type: ignore[arg-type]
    assert out.casefold() == " ".join(text.split()).casefold()
    assert smart_case(out, kind) == out  # type: ignore[arg-type]
