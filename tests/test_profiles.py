"""Pure unit tests of ``jobshift.domain.profiles``: profile dict → Observation (no database)."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from jobshift.domain.profiles import (
    JSON_FIELDS,
    OBSERVATION_FIELDS,
    Observation,
    ProfileError,
    observation_id,
    profile_to_observation,
    profile_to_row,
)

JANE: dict[str, Any] = {
    "id": "p-123",
    "linkedin_url": "https://www.LinkedIn.com/in/Jane-Doe/?trk=x",
    "full_name": "Jane Doe",
    "first_name": "Jane",
    "last_name": "Doe",
    "work_email": " Jane@NewCo.com ",
    "personal_emails": ["jane.doe@gmail.com", "JANE.DOE@gmail.com"],
    "emails": [{"address": "jdoe@oldco.de"}, {"address": "jane@newco.com"}],
    "job_title": "VP Engineering",
    "job_title_levels": ["vp"],
    "job_company_name": "NewCo Inc.",
    "job_company_website": "https://www.newco.com/about",
    "job_company_linkedin_url": "linkedin.com/company/NewCo/",
    "job_start_date": "2026-09",
    "location_country": "united states",
    "location_region": "california",
    "experience": [
        {
            "company": {
                "name": "NewCo Inc.",
                "website": "newco.com",
                "linkedin_url": "linkedin.com/company/newco",
                "location": {"country": "united states", "region": "california"},
            },
            "title": {"name": "VP Engineering", "levels": ["vp"], "role": "engineering"},
            "start_date": "2026-09",
            "end_date": None,
            "is_primary": True,
        },
        {
            "company": {"name": "OldCo GmbH", "website": "oldco.de"},
            "title": {"name": "Director of Engineering"},
            "start_date": "2019-02",
            "end_date": "2026-08",
            "is_primary": False,
        },
    ],
    "observed_at": "2026-11-17",
    "some_unknown_field": {"ignored": True},
}


def jane(**changes: Any) -> dict[str, Any]:
    p = copy.deepcopy(JANE)
    for k, v in changes.items():
        if v is ...:
            p.pop(k, None)
        else:
            p[k] = v
    return p


def test_full_profile_is_normalized_beside_raw_values() -> None:
    o = profile_to_observation(JANE, source_file="f.jsonl", source_line=3)
    assert isinstance(o, Observation)
    assert o.person_key == "pdl:p-123" and o.person_id == "p-123"
    assert o.observed_at == "2026-11-17"
    assert o.linkedin_url == JANE["linkedin_url"] and o.linkedin_norm == "linkedin.com/in/jane-doe"
    assert o.work_email == "Jane@NewCo.com" and o.work_email_norm == "jane@newco.com"
    assert o.personal_emails_norm == ["jane.doe@gmail.com"]
    assert o.emails_norm == ["jane@newco.com", "jane.doe@gmail.com", "jdoe@oldco.de"]
    assert o.job_company_domain == "newco.com"
    assert o.job_company_linkedin_norm == "linkedin.com/company/newco"
    assert o.job_company_linkedin_url == "linkedin.com/company/NewCo/"
    assert o.current_job_source == "job_fields" and o.has_employer
    # what the job_* fields lack is filled from the matching open experience entry
    assert o.job_title_role == "engineering"
    assert (o.job_company_country, o.job_company_region) == ("united states", "california")
    assert o.job_start_date == "2026-09"
    assert (o.source_file, o.source_line) == ("f.jsonl", 3)
    assert o.obs_id == observation_id("pdl:p-123", "2026-11-17")
    assert len(o.obs_id) == 32 and int(o.obs_id, 16) >= 0


def test_experience_is_compact() -> None:
    o = profile_to_observation(JANE)
    assert o.experience[1] == {
        "company_name": "OldCo GmbH",
        "company_website": "oldco.de",
        "company_domain": "oldco.de",
        "company_linkedin": None,
        "company_country": None,
        "company_region": None,
        "title": "Director of Engineering",
        "title_levels": [],
        "title_role": None,
        "start_date": "2019-02",
        "end_date": "2026-08",
        "is_primary": False,
    }
    assert o.experience[0]["company_linkedin"] == "linkedin.com/company/newco"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024", "2024"),
        ("2024-3", "2024-03"),
        ("2024-03", "2024-03"),
        ("2024-03-05", "2024-03-05"),
        (2024, "2024"),
    ],
)
def test_partial_dates_keep_their_precision(raw: Any, expected: str) -> None:
    o = profile_to_observation(jane(job_start_date=raw, observed_at=raw))
    assert o.job_start_date == expected
    assert o.observed_at == expected


def test_datetime_observed_at_becomes_a_day_and_invalid_start_is_dropped() -> None:
    o = profile_to_observation(jane(observed_at="2026-11-17T08:30:00Z", job_start_date="soon"))
    assert o.observed_at == "2026-11-17"
    assert o.job_start_date == "2026-09"  # from the matching experience entry


def test_current_job_falls_back_to_primary_experience() -> None:
    p = jane(job_company_name=..., job_company_website=..., job_company_linkedin_url=..., job_title=...)
    p["experience"][0]["is_primary"] = False
    p["experience"][1]["is_primary"] = True
    o = profile_to_observation(p)
    assert o.current_job_source == "primary_experience"
    assert (o.job_company_name, o.job_company_domain, o.job_title) == (
        "OldCo GmbH",
        "oldco.de",
        "Director of Engineering",
    )


def test_current_job_falls_back_to_latest_open_entry() -> None:
    p = jane(job_company_name=..., job_company_website=..., job_company_linkedin_url=..., job_title=...)
    p["experience"] = [
        {"company": {"name": "A"}, "start_date": "2020", "end_date": None},
        {"company": {"name": "B", "website": "b.io"}, "start_date": "2022-05", "end_date": None},
        {"company": {"name": "C"}, "start_date": "2023", "end_date": "2024"},
        {"company": {"name": "D"}, "start_date": None, "end_date": None},
    ]
    o = profile_to_observation(p)
    assert o.current_job_source == "open_experience"
    assert (o.job_company_name, o.job_company_domain, o.job_start_date) == ("B", "b.io", "2022-05")


def test_no_current_job_means_no_known_employer() -> None:
    p = jane(job_company_name=..., job_company_website=..., job_company_linkedin_url=..., job_title=...)
    p["experience"] = [{"company": {"name": "OldCo GmbH", "website": "oldco.de"}, "end_date": "2026-08"}]
    o = profile_to_observation(p)
    assert o.current_job_source is None and not o.has_employer
    assert o.job_company_name is None and o.job_company_domain is None and o.job_company_linkedin_norm is None


def test_domain_from_work_email_unless_free_mail_or_a_past_job() -> None:
    base = jane(job_company_website=..., job_company_linkedin_url=..., experience=[])
    assert (
        profile_to_observation({**base, "work_email": "j@sub.acme.co.uk"}).job_company_domain == "acme.co.uk"
    )
    assert profile_to_observation({**base, "work_email": "j@gmail.com"}).job_company_domain is None
    past = {**base, "work_email": "j@oldco.de", "experience": JANE["experience"][1:]}
    assert profile_to_observation(past).job_company_domain is None


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({}, "pdl:p-123"),
        ({"id": 42}, "pdl:42"),
        ({"id": ...}, "li:linkedin.com/in/jane-doe"),
        ({"id": ..., "linkedin_url": None}, "em:jane.doe@gmail.com"),
        (
            {"id": ..., "linkedin_url": "not a url", "personal_emails": None, "emails": None},
            "em:jane@newco.com",
        ),
        (
            {"id": ..., "linkedin_url": ..., "personal_emails": ..., "emails": ..., "work_email": ...},
            "nm:jane doe|newco.com",
        ),
    ],
)
def test_person_key_precedence(changes: dict[str, Any], key: str) -> None:
    assert profile_to_observation(jane(**changes)).person_key == key


def test_name_key_uses_company_name_without_domain() -> None:
    p = {"full_name": "Bob  Smith", "job_company_name": "Acme Ltd", "observed_at": "2025-01-02"}
    o = profile_to_observation(p)
    assert o.person_key == "nm:bob  smith|acme ltd"
    assert profile_to_observation(
        {"first_name": "Bob", "last_name": "Smith", **p} | {"full_name": None}
    ).full_name == ("Bob Smith")


@pytest.mark.parametrize(
    ("profile", "field", "fragment"),
    [
        ([1, 2], None, "not a JSON object"),
        ({"id": "p-1", "linkedin_url": "linkedin.com/in/x"}, "observed_at", "missing observed_at"),
        ({"linkedin_url": "linkedin.com/in/x", "observed_at": "   "}, "observed_at", "missing observed_at"),
        (
            {"linkedin_url": "linkedin.com/in/x", "observed_at": "2024-13-01"},
            "observed_at",
            "invalid observed_at",
        ),
        (
            {"linkedin_url": "linkedin.com/in/x", "observed_at": "yesterday"},
            "observed_at",
            "invalid observed_at",
        ),
        ({"id": "p-1", "observed_at": "2024"}, None, "nothing identifies"),
        ({"full_name": "Bob", "observed_at": "2024"}, None, "nothing identifies"),
        (
            {"job_company_name": "Acme", "work_email": "not-an-email", "observed_at": "2024"},
            None,
            "nothing identifies",
        ),
    ],
)
def test_unusable_profiles_raise_with_reason(profile: Any, field: str | None, fragment: str) -> None:
    with pytest.raises(ProfileError) as info:
        profile_to_observation(profile)
    assert fragment in info.value.reason
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


def test_weird_values_never_crash() -> None:
    p = {
        "id": 7,
        "linkedin_url": 12345,
        "full_name": ["not", "a", "string"],
        "first_name": 3.5,
        "work_email": {"address": "x@y.com"},
        "personal_emails": "solo@acme.com",
        "emails": [
            None,
            5,
            "plain@acme.com",
            {"address": None},
            {"address": "typed@me.com", "type": "personal"},
        ],
        "job_title_levels": None,
        "job_company_name": 99,
        "job_company_website": True,
        "experience": [None, "text", 3, {"company": "Just A Name", "title": "Boss", "start_date": 2020}, {}],
        "observed_at": "2025-06-01",
        "location_country": {"nested": 1},
    }
    o = profile_to_observation(p)
    assert o.person_key == "pdl:7"
    assert o.full_name == "3.5" and o.first_name == "3.5"
    assert o.work_email is None and o.linkedin_norm is None
    assert o.personal_emails_norm == ["solo@acme.com", "typed@me.com"]
    assert o.emails_norm == ["solo@acme.com", "typed@me.com", "plain@acme.com"]
    assert o.job_company_name == "99" and o.job_company_website is None and o.job_title_levels == []
    assert [e["company_name"] for e in o.experience] == ["Just A Name", None]
    assert o.experience[0]["title"] == "Boss" and o.experience[0]["start_date"] == "2020"
    assert o.location_country is None


def test_nul_characters_are_removed() -> None:
    o = profile_to_observation(jane(full_name="Ja\x00ne Doe"))
    assert o.full_name == "Jane Doe"


def test_same_person_other_date_gets_other_id_same_key() -> None:
    a = profile_to_observation(JANE)
    b = profile_to_observation(jane(observed_at="2025-01-01"))
    assert a.person_key == b.person_key and a.obs_id != b.obs_id
    assert profile_to_observation(JANE).obs_id == a.obs_id


def _row_of(o: Observation) -> tuple[Any, ...]:
    """The row form of an Observation, built the slow obvious way."""
    values = []
    for name in OBSERVATION_FIELDS:
        v = getattr(o, name)
        values.append(orjson.dumps(v).decode() if name in JSON_FIELDS else v)
    return tuple(values)


@pytest.mark.parametrize("repeat", [1, 2])  # the second time the caches answer
def test_row_equals_the_observation(repeat: int) -> None:
    weird = {
        "id": 7,
        "linkedin_url": "https://www.linkedin.com/in/Bob_Smith-1/",
        "emails": [{"address": "a\\b@acme.com"}, "plain@acme.com"],
        "job_title_levels": ["vp", 1, True],
        "experience": [
            {"company": {"name": 'Quote "Co"', "location": "nowhere"}, "title": {"levels": "vp"}},
            {"company": {"name": "X", "location": {"country": 1}}, "title": {"name": 1, "levels": [1]}},
            {
                "company": {"name": "X", "location": {"country": True}},
                "title": {"name": True, "levels": [True]},
            },
            {"company": "Just A Name", "title": "Boss", "start_date": 2020, "end_date": [2021]},
            {"company": {"name": ["x"], "website": {"a": 1}}, "title": {"levels": [["x"]]}},
        ],
        "observed_at": "2025-06-01",
    }
    for _ in range(repeat):
        for p in (JANE, weird, jane(id=..., linkedin_url="linkedin.com/in/jane-doe"), jane(experience=None)):
            o = profile_to_observation(p, source_file="f.jsonl", source_line=9)
            row = profile_to_row(p, "f.jsonl", 9)
            assert row == _row_of(o)
            assert orjson.loads(row[OBSERVATION_FIELDS.index("experience")]) == o.experience


def test_cached_values_keep_their_types_apart() -> None:
    """``1 == True`` must not let a cached company or title of one stand for the other."""
    base = {"full_name": "Bob", "observed_at": "2025-01-02", "linkedin_url": "linkedin.com/in/bob"}
    one = profile_to_observation({**base, "experience": [{"company": {"name": 1}, "title": {"levels": [1]}}]})
    yes = profile_to_observation(
        {**base, "experience": [{"company": {"name": True}, "title": {"levels": [True]}}]}
    )
    assert one.experience[0]["company_name"] == "1" and one.experience[0]["title_levels"] == ["1"]
    assert yes.experience[0]["company_name"] is None and yes.experience[0]["title_levels"] == []


def test_job_title_levels_cached_by_value_and_type() -> None:
    """The ``job_title_levels`` cache: equal lists share an entry, ``1``/``True``/``"1"`` never do."""
    base = {"full_name": "Bob", "observed_at": "2025-01-02", "linkedin_url": "linkedin.com/in/bob"}
    levels_col = OBSERVATION_FIELDS.index("job_title_levels")
    for _ in range(2):  # the second time the cache answers
        for raw, expected in (
            (["1"], ["1"]),
            ([1], ["1"]),
            ([True], []),
            ([" vp ", None, "a\x00"], ["vp", "a"]),
            ([["x"]], []),
            ("vp", ["vp"]),
            ([], []),
        ):
            o = profile_to_observation({**base, "job_title_levels": raw})
            row = profile_to_row({**base, "job_title_levels": raw})
            assert o.job_title_levels == expected
            assert row[levels_col] == orjson.dumps(expected).decode()
