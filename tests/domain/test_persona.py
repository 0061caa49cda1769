"""Persona matching: keywords, regexes, seniority x function; empty means no constraint."""

from __future__ import annotations

from jobshift.domain.normalize import PersonaSpec, persona_matches, persona_spec_errors

VP_PLUS_TECH = PersonaSpec(
    seniorities=("c_suite", "vp", "director"), functions=("engineering", "it", "security", "data")
)


def test_seniority_and_function() -> None:
    assert persona_matches("VP Engineering", VP_PLUS_TECH)
    assert persona_matches("Head of IT", VP_PLUS_TECH)
    assert persona_matches("Chief Information Security Officer", VP_PLUS_TECH)
    assert persona_matches("Leiter IT", VP_PLUS_TECH)
    assert persona_matches("Directeur Technique", VP_PLUS_TECH)
    assert not persona_matches("Software Engineer", VP_PLUS_TECH)  # seniority too low
    assert not persona_matches("VP Sales", VP_PLUS_TECH)  # function not wanted
    assert not persona_matches(None, VP_PLUS_TECH)
    assert not persona_matches("", VP_PLUS_TECH)


def test_empty_list_means_no_constraint() -> None:
    any_vp = PersonaSpec(seniorities=("vp",))
    assert persona_matches("SVP Sales", any_vp)
    assert persona_matches("VP Engineering", any_vp)
    assert not persona_matches("Sales Manager", any_vp)
    any_security = PersonaSpec(functions=("security",))
    assert persona_matches("Security Analyst", any_security)
    assert not persona_matches("Data Analyst", any_security)


def test_all_empty_matches_nothing() -> None:
    assert not persona_matches("CEO", PersonaSpec())


def test_keywords_are_whole_words_after_normalization() -> None:
    spec = PersonaSpec(title_keywords=("VP", "devops", "Head of Platform"))
    assert persona_matches("Vice President, Finance", spec)  # "VP" normalizes to "vice president"
    assert persona_matches("Senior DevOps Engineer", spec)
    assert persona_matches("Head of Platform & Infra", spec)
    assert not persona_matches("DevOpsy Thing", spec)
    assert not persona_matches("Engineering Manager", spec)


def test_regexes_match_raw_or_normalized() -> None:
    spec = PersonaSpec(title_regexes=(r"\bSRE\b", r"site reliability"))
    assert persona_matches("SRE Lead", spec)
    assert persona_matches("Site-Reliability Engineer", spec)  # via the normalized text
    assert not persona_matches("Sales Rep", spec)


def test_keyword_or_classification() -> None:
    spec = PersonaSpec(title_keywords=("procurement",), seniorities=("c_suite",), functions=("finance",))
    assert persona_matches("Procurement Specialist", spec)
    assert persona_matches("CFO", spec)
    assert not persona_matches("CTO", spec)


def test_lists_are_accepted_and_spec_stays_hashable() -> None:
    spec = PersonaSpec(title_keywords=["cto"], title_regexes=[], seniorities=["vp"], functions=[])  # type: ignore[arg-type]
    assert isinstance(spec.title_keywords, tuple)
    assert hash(spec) == hash(PersonaSpec(title_keywords=("cto",), seniorities=("vp",)))
    assert persona_matches("CTO", spec)


def test_bad_regex_is_reported_not_raised() -> None:
    spec = PersonaSpec(title_regexes=("(unclosed",), seniorities=("boss",), functions=("magic",))
    errors = persona_spec_errors(spec)
    assert len(errors) == 3
    assert not persona_matches("CEO", spec)
    assert persona_spec_errors(VP_PLUS_TECH) == []
