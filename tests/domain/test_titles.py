"""Job titles: normalization, seniority/function classification on a realistic multilingual table, flags."""

from __future__ import annotations

import pytest
from title_cases import TITLE_CASES

from jobshift.domain.normalize import (
    FUNCTIONS,
    RANKS,
    SENIORITIES,
    classify_title,
    is_promotion,
    normalize_title,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sr. VP, Eng. & Ops", "senior vice president engineering and operations"),
        ("SVP Sales", "senior vice president sales"),
        ("EVP", "executive vice president"),
        ("AVP", "assistant vice president"),
        ("Dir. of Finance", "director of finance"),
        ("Jr. Developer", "junior developer"),
        ("Mgr, IT", "manager it"),
        ("V.P. Marketing", "vice president marketing"),
        ("C.E.O.", "ceo"),
        ("CTO", "cto"),
        ("Head of R&D", "head of research and development"),
        ("Co-Founder", "co founder"),
        ("Vertriebsleiter (m/w/d)", "vertriebsleiter"),
        ("Responsable Sécurité", "responsable securite"),
        ("Geschäftsführer", "geschaftsfuhrer"),
        ("  ", None),
        ("", None),
        (None, None),
        ("---", None),
    ],
)
def test_normalize_title(raw: str | None, expected: str | None) -> None:
    assert normalize_title(raw) == expected


def test_title_table_accuracy() -> None:
    assert len(TITLE_CASES) >= 120
    wrong = []
    for raw, seniority, function in TITLE_CASES:
        info = classify_title(raw)
        if (info.seniority, info.function) != (seniority, function):
            wrong.append((raw, (info.seniority, info.function), (seniority, function)))
    accuracy = 1 - len(wrong) / len(TITLE_CASES)
    print(f"title classification accuracy: {accuracy:.3f} on {len(TITLE_CASES)} titles; wrong: {wrong}")
    assert accuracy >= 0.97, wrong


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("Board Member", "is_board"),
        ("Member of the Board of Directors", "is_board"),
        ("Non-Executive Director", "is_board"),
        ("Aufsichtsratsmitglied", "is_board"),
        ("Chairman", "is_board"),
        ("Advisor", "is_advisor"),
        ("Advisory Board Member", "is_advisor"),
        ("Strategic Advisor", "is_advisor"),
        ("Investor", "is_investor"),
        ("Angel Investor", "is_investor"),
        ("Summer Intern", "is_intern"),
        ("Praktikant", "is_intern"),
        ("Stagiaire", "is_intern"),
        ("Becario", "is_intern"),
        ("Student", "is_student"),
        ("PhD Candidate", "is_student"),
        ("Werkstudent", "is_student"),
        ("Estudiante", "is_student"),
        ("Freelance Consultant", "is_self_employed"),
        ("Self-employed", "is_self_employed"),
        ("Selbstständig", "is_self_employed"),
        ("Autónomo", "is_self_employed"),
    ],
)
def test_flags_set(raw: str, flag: str) -> None:
    assert getattr(classify_title(raw), flag), classify_title(raw)


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("Investor Relations Manager", "is_investor"),
        ("Chairman & CEO", "is_board"),
        ("Board Member & Managing Director", "is_board"),
        ("Executive Chairman", "is_board"),
        ("Co-Founder | Investor", "is_investor"),
        ("Internal Auditor", "is_intern"),
        ("International Sales Manager", "is_intern"),
        ("Student Success Manager", "is_student"),
        ("Administrateur Système", "is_board"),
        ("Consejero Delegado", "is_board"),
        ("Software Engineer", "is_self_employed"),
    ],
)
def test_flags_not_set(raw: str, flag: str) -> None:
    assert not getattr(classify_title(raw), flag), classify_title(raw)


def test_rank_and_promotion() -> None:
    assert [RANKS[s] for s in SENIORITIES] == [7, 6, 5, 4, 3, 2, 1]
    eng, mgr, vp = (
        classify_title("Software Engineer"),
        classify_title("Engineering Manager"),
        classify_title("VP Eng"),
    )
    assert (eng.rank, mgr.rank, vp.rank) == (2, 4, 6)
    assert is_promotion(eng, mgr) and is_promotion(mgr, vp)
    assert not is_promotion(vp, mgr)
    assert not is_promotion(mgr, classify_title("Senior Manager"))  # same rank
    unknown = classify_title("Board Member")
    assert unknown.rank == 0
    assert not is_promotion(unknown, vp) and not is_promotion(vp, unknown)


def test_unknown_and_empty_titles() -> None:
    for raw in (None, "", "   ", "???"):
        info = classify_title(raw)
        assert (info.seniority, info.function, info.rank) == (None, None, 0)
    assert classify_title("Zookeeper of Dreams").seniority is None


def test_values_are_from_the_published_vocabularies() -> None:
    for raw, _, _ in TITLE_CASES:
        info = classify_title(raw)
        assert info.seniority is None or info.seniority in SENIORITIES
        assert info.function is None or info.function in FUNCTIONS
        assert info.normalized == normalize_title(raw)


def test_employer_and_boss_do_not_leak_into_the_title() -> None:
    assert classify_title("Assistant to the CTO").seniority == "entry"
    assert classify_title("Assistenz der Geschäftsführung").seniority == "entry"
    assert classify_title("Software Engineer @ Security Corp").function == "engineering"
    assert classify_title("Chief of Staff to the CEO").seniority == "director"


def test_classify_is_cached() -> None:
    assert classify_title("VP Engineering") is classify_title("VP Engineering")
