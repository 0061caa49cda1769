"""Property tests: every normalizer is total (never raises on any text) and idempotent where its output
is the same kind of thing as its input."""

from __future__ import annotations

import os
from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jobshift.domain.normalize import (
    PartialDate,
    classify_title,
    company_domain,
    company_similarity,
    email_domain,
    is_free_mail,
    name_key,
    name_similarity,
    normalize_company_name,
    normalize_domain,
    normalize_email,
    normalize_linkedin_company,
    normalize_linkedin_person,
    normalize_title,
    parse_partial_date,
    parse_person_name,
)
from jobshift.domain.normalize.text import fold, words

SETTINGS = settings(
    max_examples=int(os.environ.get("JOBSHIFT_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# arbitrary Unicode, plus text shaped like the real input so that the interesting branches are reached
_ANY = st.text()
_WORDY = st.lists(
    st.sampled_from(
        [
            "Inc.",
            "GmbH",
            "&",
            "The",
            "S.A.",
            "de",
            "C.V.",
            "Ltd",
            "Co",
            "VP",
            "Sr.",
            "Dir.",
            "(m/w/d)",
            "R&D",
            "ß",
            "É",
            "İ",
            "ﬁ",
            "Ⅻ",
            "㎒",
            "ǅ",
            "ŉ",
            "/",
            ",",
            "-",
            "linkedin.com/in/",
            "%25",
            "%41",
            "@",
            "mailto:",
            "<",
            ">",
            "www.",
            ".co.uk",
            "http://",
            "in/",
            "pub/",
            "profile/view?id=",
            "company/",
            "jane",
            "DOE",
            "José",
            "Müller",
            "Ærø",
            "x",
            "1",
            " ",
            "  ",
            "\t",
            ".",
            "'",
            "’",
        ]
    )
    | st.text(max_size=6),
    max_size=12,
).map("".join)
TEXT = _ANY | _WORDY


@SETTINGS
@given(TEXT)
def test_fold_and_words_are_idempotent(s: str) -> None:
    assert fold(fold(s)) == fold(s)
    w = " ".join(words(fold(s)))
    assert " ".join(words(fold(w))) == w


@SETTINGS
@given(TEXT)
@example("The ACME Corporation, Inc.")
@example("Inc")
@example("The Inc")
@example("A/S Acme")
def test_company_name_total_and_idempotent(s: str) -> None:
    once = normalize_company_name(s)
    assert once is None or (once and once == once.strip())
    if once is not None:
        assert normalize_company_name(once) == once
    assert 0.0 <= company_similarity(s, s + " x") <= 100.0


@SETTINGS
@given(TEXT)
@example("Sr. VP, Eng. & Ops")
@example("R&D (m/w/d)")
@example("v.p. s.v.p")
def test_title_total_and_idempotent(s: str) -> None:
    once = normalize_title(s)
    if once is not None:
        assert normalize_title(once) == once
        # classification only depends on the normalized text
        assert classify_title(once) == classify_title(s)
    info = classify_title(s)
    assert 0 <= info.rank <= 7


@SETTINGS
@given(TEXT)
@example(" Jane <Jane.Doe@Example.COM> ")
@example("mailto:a@b.co")
def test_email_total_and_idempotent(s: str) -> None:
    once = normalize_email(s)
    if once is not None:
        assert normalize_email(once) == once
        assert email_domain(once) is not None


@SETTINGS
@given(TEXT)
@example("https://www.Shop.Example.co.uk/about")
@example("jane@gmail.com")
def test_domain_total_and_idempotent(s: str) -> None:
    once = normalize_domain(s)
    if once is not None:
        assert normalize_domain(once) == once
    is_free_mail(once)
    d = company_domain(s)
    assert d is None or not is_free_mail(d)


@SETTINGS
@given(TEXT)
@example("linkedin.com/in/x")
@example("https://uk.linkedin.com/in/Jane-Doe-12ab34/?trk=x")
@example("linkedin.com/in/%2525252541")
@example("linkedin.com/profile/view?id=123")
@example("linkedin.com/in/%C3%89")
def test_linkedin_total_and_idempotent(s: str) -> None:
    p = normalize_linkedin_person(s)
    if p is not None:
        assert normalize_linkedin_person(p) == p
    c = normalize_linkedin_company(s)
    if c is not None:
        assert normalize_linkedin_company(c) == c


@SETTINGS
@given(TEXT, TEXT)
def test_person_names_total(a: str, b: str) -> None:
    pa, pb = parse_person_name(a), parse_person_name(full=a, first=b, last=None)
    for p in (pa, pb):
        if p is not None:
            assert p.first or p.last
            assert "|" in name_key(p)
            # re-parsing the parsed parts gives the same parts
            again = parse_person_name(first=p.first, last=p.last)
            assert again is not None
            assert (again.first, again.last) == (p.first, p.last)
    if pa is not None and pb is not None:
        assert 0.0 <= name_similarity(pa, pb) <= 100.0
        assert name_similarity(pa, pa) == 100.0 or not (pa.first and pa.last)


@SETTINGS
@given(TEXT)
def test_partial_date_total(s: str) -> None:
    d = parse_partial_date(s)
    if d is not None:
        assert parse_partial_date(d.isoformat()) == d


@SETTINGS
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)), st.sampled_from(["y", "m", "d"]))
def test_partial_date_round_trip(d: date, precision: str) -> None:
    pd = PartialDate(d.year, None if precision == "y" else d.month, d.day if precision == "d" else None)
    assert parse_partial_date(pd.isoformat()) == pd
    assert parse_partial_date(d.isoformat()) == PartialDate(d.year, d.month, d.day)
