"""The title model: roles, levels, functions, seats and the reason of each decision."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobshift.domain.normalize.title_model import DECISIONS, compare_titles, level_name, parse_role


@pytest.mark.parametrize(
    ("old", "new", "decision", "reason"),
    [
        (
            "Chairman & Chief Executive Officer",
            "Chief Executive Officer",
            "same",
            "same: c-level/executive → c-level/executive",
        ),
        (
            "Director of Engineering",
            "VP of Engineering",
            "promotion",
            "promotion: director/engineering → vp/engineering",
        ),
        ("VP Sales", "VP Sales & Marketing", "lateral", "lateral: vp/sales → vp/marketing+sales"),
        ("CEO", "Chairman", "lateral", "lateral: c-level/executive → board seat"),
        (
            "Abteilungsleiter Vertrieb",
            "Teamleiter Vertrieb",
            "demotion",
            "demotion: manager/sales → lead/sales",
        ),
        (
            "Referent",
            "Teamleiter",
            "promotion",
            "promotion: individual contributor/unspecified → lead/unspecified",
        ),
    ],
)
def test_decisions_and_reasons(old: str, new: str, decision: str, reason: str) -> None:
    change = compare_titles(old, new)
    assert (change.decision, change.reason) == (decision, reason)
    assert change.promoted == (decision == "promotion")
    assert change.changed == (decision != "same")


def test_ladders_in_eight_languages() -> None:
    ladders = [
        [
            "Sachbearbeiter",
            "Senior Referent",
            "Teamleiter",
            "Abteilungsleiter",
            "Bereichsleiter",
            "Direktor",
            "GF",
        ],
        ["Chargé de clientèle", "Responsable", "Directeur adjoint", "Directeur", "PDG"],
        ["Analista", "Jefe de equipo", "Gerente", "Director", "Director general"],
        [
            "Medewerker",
            "Senior medewerker",
            "Teamleider",
            "Afdelingshoofd",
            "Directeur",
            "Algemeen directeur",
        ],
        ["Handläggare", "Gruppchef", "Avdelningschef", "Direktör", "VD"],
        ["Impiegato", "Responsabile", "Direttore", "Amministratore delegato"],
        ["Analista", "Coordenador", "Gerente", "Diretor", "Diretor-geral"],
        [
            "Intern",
            "Engineer",
            "Senior Engineer",
            "Team Lead",
            "Manager",
            "Senior Manager",
            "Director",
            "Head of X",
        ],
        ["Head of Engineering", "VP Engineering", "SVP Engineering", "CTO"],
    ]
    for ladder in ladders:
        levels = [parse_role(t).level for t in ladder]
        assert all(lv is not None for lv in levels), ladder
        assert levels == sorted(levels) and len(set(levels)) == len(levels), (ladder, levels)


def test_unknown_and_empty_titles() -> None:
    assert compare_titles(None, "CTO").decision == "same"  # nothing to compare: no change
    assert compare_titles("CTO", "").decision == "same"
    assert compare_titles("Ninja", "ninja").decision == "same"
    assert compare_titles("Ninja", "Rockstar").decision == "lateral"
    assert parse_role("Ninja").describe() == "unrecognised"
    assert parse_role("Board Member").board_only


def test_level_names() -> None:
    assert level_name(70) == "director" and level_name(None) == "unknown"
    assert level_name(32) == "individual contributor+2"


_SEPARATED = st.lists(
    st.one_of(
        st.text(max_size=12), st.sampled_from(["&", ",", " - ", "/", "(", ")", " und ", "VP", "Leiter"])
    ),
    max_size=8,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(), _SEPARATED), st.one_of(st.none(), st.text(), _SEPARATED))
def test_compare_is_total_and_reflexive(old: str | None, new: str | None) -> None:
    change = compare_titles(old, new)
    assert change.decision in DECISIONS and change.reason.startswith(change.decision)
    assert compare_titles(old, old).decision == "same"
