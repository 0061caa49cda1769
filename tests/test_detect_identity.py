"""The pure engine on hand-built frames (no database): identity rules, vectorized ids and ages, filters.

Covers what the generator's seeds surfaced: one address on two contacts (jdoe@ for John and Jane Doe),
a nickname that fits two contacts (Charlie: Charles / Charlotte), LinkedIn keys that contradict an
e-mail match, free-mail-only profiles (suppress job changes only), and a tracked contact's move into a
target account (a job change, not also a new hire).
"""

from __future__ import annotations

from typing import Any

import orjson
import polars as pl
import pytest

from jobshift.domain.filters import months_between
from jobshift.domain.normalize.persona import PersonaSpec
from jobshift.domain.signals import company_key, make_signal_id, signal_ids_from_keys
from jobshift.engine.ages import months_expr
from jobshift.engine.batches import ACCOUNT_SCHEMA, CONTACT_SCHEMA, OBSERVATION_SCHEMA, frame
from jobshift.engine.context import DetectContext, DetectSettings
from jobshift.engine.detect import detect_batch
from jobshift.engine.finalize import finalize, signal_id_keys

ACCOUNTS = [
    # id, name, domain, linkedin, parent, type, is_target, n_contacts, has_open_opp
    ("a-1", "Acme Inc.", "acme.com", None, None, "Customer", False, 3, False),
    ("a-2", "Globex", "globex.com", None, None, "Prospect", True, 0, False),
    ("a-3", "Acme India Pvt. Ltd.", "acme.in", None, "a-1", "Prospect", False, 0, False),
]


def _contact(
    cid: str, first: str, last: str, email: str | None, li: str | None, title: str
) -> tuple[Any, ...]:
    return (cid, "a-1", first, last, email, li, title, False)


def _obs(pid: str, first: str, last: str, **kw: Any) -> tuple[Any, ...]:
    row: dict[str, Any] = {
        "person_key": f"pdl:{pid}",
        "person_id": pid,
        "observed_at": "2026-11-17",
        "full_name": f"{first} {last}".lower(),
        "first_name": first.lower(),
        "last_name": last.lower(),
        "emails_norm": orjson.dumps(kw.pop("emails", [])).decode(),
        "job_company_name": "Acme",
        "job_company_domain": "acme.com",
        "job_title": "Engineer",
        "job_start_date": "2020-01",
        "current_job_source": "job_fields",
        "experience": orjson.dumps(kw.pop("experience", [])).decode(),
    }
    row.update(kw)
    return tuple(row.get(c) for c in OBSERVATION_SCHEMA)


def _run(contacts: list[tuple[Any, ...]], people: list[tuple[Any, ...]]) -> pl.DataFrame:
    settings = DetectSettings(persona=PersonaSpec(seniorities=("vp", "director", "c_suite")))
    ctx = DetectContext.build(frame(contacts, CONTACT_SCHEMA), frame(ACCOUNTS, ACCOUNT_SCHEMA), (), settings)
    return finalize(ctx, [detect_batch(ctx, frame(people, OBSERVATION_SCHEMA))]).signals


def _by_contact(sig: pl.DataFrame) -> dict[str | None, dict[str, Any]]:
    return {r["contact_id"]: r for r in sig.iter_rows(named=True)}


def test_shared_address_goes_to_the_contact_whose_name_fits() -> None:
    contacts = [
        _contact("c-1", "John", "Doe", "jdoe@acme.com", None, "Engineer"),
        _contact("c-2", "Jane", "Doe", "jdoe@acme.com", None, "Engineer"),
    ]
    # Jane moved; her profile lists the shared address. John has no profile.
    people = [
        _obs(
            "p-2",
            "Jane",
            "Doe",
            emails=["jdoe@acme.com"],
            job_company_name="Initech",
            job_company_domain="initech.com",
            job_start_date="2026-09",
        )
    ]
    sig = _by_contact(_run(contacts, people))
    assert sig["c-2"]["type"] == "job_change" and sig["c-2"]["person_id"] == "p-2"
    assert "c-1" not in sig  # John is not Jane


def test_exact_name_beats_a_nickname_and_linkedin_contradicts_email() -> None:
    contacts = [
        _contact(
            "c-1", "Charlotte", "Clarke", "cclarke@acme.com", "linkedin.com/in/charlotte-clarke", "Engineer"
        ),
        _contact("c-2", "Charlie", "Clarke", "cclarke@acme.com", None, "IT Director"),
        _contact("c-3", "Sam", "Stone", "sstone@acme.com", "linkedin.com/in/sam-stone-1", "Engineer"),
    ]
    people = [
        # Charlotte, still at Acme with her own title: nothing to report for either contact
        _obs(
            "p-1",
            "Charlotte",
            "Clarke",
            emails=["cclarke@acme.com"],
            linkedin_norm="linkedin.com/in/charlotte-clarke",
        ),
        # another Sam Stone (other LinkedIn) reusing the address: not c-3
        _obs(
            "p-3",
            "Sam",
            "Stone",
            emails=["sstone@acme.com"],
            linkedin_norm="linkedin.com/in/sam-stone-2",
            job_company_name="Hooli",
            job_company_domain="hooli.xyz",
        ),
    ]
    sig = _by_contact(_run(contacts, people))
    assert "c-2" not in sig  # Charlie Clarke is not Charlotte's profile: no title change
    assert sig.get("c-3", {}).get("status") in (None, "uncertain")  # never a pushed job change


def test_free_mail_only_suppresses_job_changes_not_promotions() -> None:
    contacts = [
        _contact("c-1", "Ann", "Lee", None, "linkedin.com/in/ann-lee", "Engineering Manager"),
        _contact("c-2", "Bob", "Ray", None, "linkedin.com/in/bob-ray", "Engineer"),
    ]
    people = [
        _obs(
            "p-1",
            "Ann",
            "Lee",
            linkedin_norm="linkedin.com/in/ann-lee",
            emails=["ann.lee@gmail.com"],
            job_title="VP Engineering",
            job_start_date="2026-05",
        ),
        _obs(
            "p-2",
            "Bob",
            "Ray",
            linkedin_norm="linkedin.com/in/bob-ray",
            emails=["bob.ray@gmail.com"],
            job_company_name="Initech",
            job_company_domain="initech.com",
            job_start_date="2026-05",
        ),
    ]
    sig = _by_contact(_run(contacts, people))
    assert sig["c-1"]["type"] == "promotion" and sig["c-1"]["status"] == "new"
    assert sig["c-2"]["type"] == "job_change" and sig["c-2"]["status"] == "suppressed:free_mail_only"


def test_tracked_contact_moving_into_a_target_account_is_not_also_a_new_hire() -> None:
    contacts = [_contact("c-1", "Jane", "Doe", "jane@acme.com", "linkedin.com/in/jane-doe", "Director of IT")]
    people = [
        _obs(
            "p-1",
            "Jane",
            "Doe",
            linkedin_norm="linkedin.com/in/jane-doe",
            job_company_name="Globex",
            job_company_domain="globex.com",
            job_title="VP Engineering",
            job_start_date="2026-10-01",
        ),
        _obs(
            "p-9",
            "Sam",
            "Hire",
            linkedin_norm="linkedin.com/in/sam-hire",
            job_company_name="Globex",
            job_company_domain="globex.com",
            job_title="VP Engineering",
            job_start_date="2026-10-01",
        ),
    ]
    sig = _run(contacts, people)
    assert sorted(sig.get_column("type").to_list()) == ["job_change", "new_hire"]
    hire = sig.filter(pl.col("type") == "new_hire").row(0, named=True)
    assert hire["person_id"] == "p-9" and hire["matched_account_id"] == "a-2"


def test_same_name_hire_at_a_subsidiary_is_not_the_parent_contact() -> None:
    contacts = [_contact("c-1", "Kavya", "Sharma", None, None, "VP Marketing")]
    # compact experience entries, as the ingest stores them
    subsidiary = {"company_name": "Acme India", "company_domain": "acme.in", "title": "VP of Product"}
    people = [
        _obs(
            "p-1",
            "Kavya",
            "Sharma",
            job_company_name="Acme India",
            job_company_domain="acme.in",
            job_title="VP of Product",
            job_start_date="2026-10",
            experience=[{**subsidiary, "start_date": "2026-10", "end_date": None, "is_primary": True}],
        )
    ]
    sig = _by_contact(_run(contacts, people))
    # only the family (not the contact's own account) is in the history: not proof of identity
    assert sig["c-1"]["status"] == "uncertain"


@pytest.mark.parametrize(
    ("start", "ref"),
    [
        ("2025-01", "2026-01-15"),
        ("2025-01-20", "2026-01-15"),
        ("2025-01-10", "2026-01-15"),
        ("2024", "2026-03-01"),
        ("2026-11", "2026-11-17"),
        (None, "2026-01-01"),
    ],
)
def test_vectorized_months_agree_with_months_between(start: str | None, ref: str) -> None:
    df = pl.DataFrame({"s": [start], "r": [ref]}, schema={"s": pl.String, "r": pl.String})
    assert df.select(months_expr(pl.col("s"), pl.col("r"))).item() == months_between(start, ref)


def test_vectorized_signal_ids_agree_with_make_signal_id() -> None:
    rows = [
        ("job_change", "c-1", "pdl:p-1", "a-2", "globex.com", "Globex", "2026-09", "VP"),
        ("job_change", "c-1", "pdl:p-1", None, "hooli.xyz", "Hooli", None, None),
        ("job_change", None, "pdl:p-1", None, None, " Hooli Inc ", "2026", None),
        ("promotion", "c-5", "pdl:p-5", "a-1", "acme.com", "Acme", "2026-06", " VP Engineering "),
        ("new_hire", None, "pdl:p-6", "a-2", "globex.com", "Globex", "2026-10-01", "CTO"),
    ]
    cols = [
        "type",
        "contact_id",
        "person_key",
        "matched_account_id",
        "new_company_domain",
        "new_company",
        "job_started_date",
        "new_title",
    ]
    df = pl.DataFrame(rows, schema=dict.fromkeys(cols, pl.String), orient="row")
    keys = df.select(signal_id_keys()).to_series().to_list()
    expected = [
        make_signal_id(
            t,
            cid or pk,
            company_key(acc, dom, (name or "").strip().lower() or None),
            start,
            title if t in ("promotion", "title_change") else None,
        )
        for t, cid, pk, acc, dom, name, start, title in rows
    ]
    assert signal_ids_from_keys(keys) == expected
