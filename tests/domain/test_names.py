"""Person names: parsing, folding, nicknames, keys and similarity."""

from __future__ import annotations

import pytest

from jobshift.domain.normalize import (
    PersonName,
    canonical_first_name,
    name_key,
    name_similarity,
    nickname_compatible,
    parse_person_name,
)
from jobshift.domain.normalize.nicknames import NICKNAMES


def _p(full: str) -> PersonName:
    p = parse_person_name(full)
    assert p is not None
    return p


@pytest.mark.parametrize(
    ("full", "first", "middle", "last"),
    [
        ("Jane Doe", "jane", "", "doe"),
        ("Doe, Jane", "jane", "", "doe"),
        ("Dr. Jane Q. Doe, PhD", "jane", "q", "doe"),
        ('Robert "Bob" Smith Jr.', "robert", "", "smith"),
        ("JOSÉ MARÍA García", "jose", "maria", "garcia"),
        ("Seán O'Brien", "sean", "", "obrien"),
        ("Anna Smith-Jones", "anna", "", "smith jones"),
        ("van der Berg, Jan", "jan", "", "van der berg"),
        ("Jürgen Müller", "jurgen", "", "muller"),
        ("Madonna", "madonna", "", ""),
    ],
)
def test_parse_full_names(full: str, first: str, middle: str, last: str) -> None:
    p = _p(full)
    assert (p.first, p.middle, p.last) == (first, middle, last)


def test_explicit_parts_win_and_are_cleaned() -> None:
    p = parse_person_name(first=" Bob ", last="Smith-Jones")
    assert p == PersonName(first="bob", last="smith jones", middle="", first_canonical="robert")
    p = parse_person_name(full="Robert Smith", first=None, last="Smyth")
    assert p is not None and (p.first, p.last) == ("robert", "smyth")
    p = parse_person_name(full="Robert Smith", first="Bobby")
    assert p is not None and (p.first, p.last, p.first_canonical) == ("bobby", "smith", "robert")


@pytest.mark.parametrize("empty", [None, "", "   ", "Mr.", "Dr. PhD", "---", "()"])
def test_nothing_usable_is_none(empty: str | None) -> None:
    assert parse_person_name(empty) is None
    assert parse_person_name(first=empty) is None


@pytest.mark.parametrize(
    ("nick", "formal"),
    [
        ("bob", "robert"),
        ("bobby", "robert"),
        ("bill", "william"),
        ("liz", "elizabeth"),
        ("kate", "katherine"),
        ("catherine", "katherine"),
        ("jim", "james"),
        ("mike", "michael"),
        ("peggy", "margaret"),
        ("dick", "richard"),
        ("pepe", "jose"),
        ("paco", "francisco"),
        ("sepp", "josef"),
        ("beppe", "giuseppe"),
        ("sasha", "sasha"),  # ambiguous: alexander / alexandra - kept as is
        ("chris", "chris"),
        ("jane", "jane"),
    ],
)
def test_canonical_first_name(nick: str, formal: str) -> None:
    assert canonical_first_name(nick) == formal


def test_nickname_table_size_and_compatibility() -> None:
    assert len(NICKNAMES) >= 150
    assert nickname_compatible("bob", "rob")
    assert nickname_compatible("chris", "christopher")
    assert nickname_compatible("chris", "christina")
    assert not nickname_compatible("christopher", "christina")
    assert not nickname_compatible("john", "jane")


def test_name_key() -> None:
    assert name_key(_p("Bob Smith")) == "robert|smith"
    assert name_key(_p("Smith, Robert")) == "robert|smith"
    assert name_key(_p("Bill Gates")) == name_key(_p("William H. Gates III"))


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("Bob Smith", "Robert Smith", 100, 100),
        ("Chris Lee", "Christopher Lee", 100, 100),
        ("Jane Doe", "Doe, Jane", 100, 100),
        ("J. Smith", "John Smith", 80, 90),
        ("Jon Smyth", "Jon Smith", 75, 95),
        ("John Smith", "Smith John", 85, 95),
        ("Maria Garcia Lopez", "Maria Garcia", 85, 99),
        ("Jane Smith", "John Smith", 0, 60),
        ("Jane Smith", "Jane Johnson", 0, 50),
        ("Christopher Lee", "Christina Lee", 0, 90),
    ],
)
def test_name_similarity(a: str, b: str, low: float, high: float) -> None:
    score = name_similarity(_p(a), _p(b))
    assert low <= score <= high, score
    assert name_similarity(_p(b), _p(a)) == pytest.approx(score, abs=0.01)


@pytest.mark.parametrize(
    "full",
    [
        "Jane Doe",
        "JANE DOE",
        "Jane Q. Doe",
        "Jane Quincy Doe",
        "Jürgen Müller",
        "J Smith",
        "Madonna",
        "Anna Smith-Jones",
        "李 小龙",
        "Jean-Luc Picard",
        "Mary Ann Smith",
        "Bob de Vries",
    ],
)
def test_fast_path_agrees_with_nameparser(full: str) -> None:
    from jobshift.domain.normalize.names import _parse_full, _parse_with_nameparser

    assert _parse_full(full) == _parse_with_nameparser(full)
