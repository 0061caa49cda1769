"""Signal ids, classification rules, filters and evaluation scoring (pure, no database)."""

from __future__ import annotations

from jobshift.domain.evaluation import score
from jobshift.domain.filters import FilterSpec, months_between, status_for, suppression_reason
from jobshift.domain.signals import Signal, classify_contact_change, company_key, make_signal_id


def test_signal_id_is_deterministic_and_depends_on_the_facts() -> None:
    a = make_signal_id("job_change", "c-1", "a:a-2", "2026-09")
    assert a == make_signal_id("job_change", "c-1", "a:a-2", "2026-09")
    assert a.startswith("sig-") and len(a) == 28
    others = {
        make_signal_id("job_change", "c-1", "a:a-3", "2026-09"),
        make_signal_id("job_change", "c-1", "a:a-2", "2026-10"),
        make_signal_id("left_company", "c-1", "a:a-2", "2026-09"),
        make_signal_id("job_change", "c-2", "a:a-2", "2026-09"),
    }
    assert a not in others and len(others) == 4


def test_promotion_ids_include_the_title() -> None:
    s1 = Signal("promotion", "c-1", "p-1", "pdl:p-1", "a:a-1", None, new_title="VP Engineering")
    s2 = Signal("promotion", "c-1", "p-1", "pdl:p-1", "a:a-1", None, new_title="CTO")
    assert s1.signal_id != s2.signal_id
    row = s1.to_row()
    assert row["signal_id"] == s1.signal_id and "new_company_key" not in row


def test_company_key_prefers_account_then_domain_then_name() -> None:
    assert company_key("a-1", "x.com", "x") == "a:a-1"
    assert company_key(None, "x.com", "x") == "d:x.com"
    assert company_key(None, None, "x") == "n:x"
    assert company_key(None, None, None) is None


def test_classification() -> None:
    def kind(job: bool, same: bool, decision: str | None, side: bool = False) -> str | None:
        return classify_contact_change(
            has_current_job=job, same_company=same, title_decision=decision, side_role=side
        )

    assert kind(False, False, None) == "left_company"
    assert kind(False, True, "promotion") == "left_company"
    assert kind(True, False, "same") == "job_change"
    assert kind(True, True, None) is None
    assert kind(True, True, "same") is None  # co-titles, qualifiers, abbreviations: no signal
    assert kind(True, True, "promotion") == "promotion"
    assert kind(True, True, "lateral") == "title_change"
    assert kind(True, True, "demotion") == "title_change"
    # a side role (advisor seat elsewhere) while the CRM job is open: classified by the CRM title
    assert kind(True, False, "same", side=True) is None
    assert kind(True, False, "promotion", side=True) == "promotion"


def test_title_pairs_through_the_classification() -> None:
    from jobshift.domain.normalize.title_model import compare_titles

    def kind(old: str, new: str) -> str | None:
        decision = compare_titles(old, new).decision
        return classify_contact_change(has_current_job=True, same_company=True, title_decision=decision)

    assert kind("Chairman & Chief Executive Officer", "Chief Executive Officer") is None
    assert kind("Referent", "Teamleiter") == "promotion"
    assert kind("VP Sales", "VP Marketing") == "title_change"


def test_filters_order_and_switches() -> None:
    spec = FilterSpec()
    facts = {"advisor": True, "too_old": True}
    assert suppression_reason(spec, "job_change", facts) == "advisor"
    assert suppression_reason(FilterSpec(skip_advisors=False), "job_change", facts) == "too_old"
    assert suppression_reason(spec, "job_change", {"opted_out": True}) == "opted_out"
    assert suppression_reason(spec, "new_hire", {"opted_out": True}) is None
    assert suppression_reason(spec, "job_change", {"moved_to_customer": True}) is None
    on = FilterSpec(skip_moves_to_customers=True)
    assert suppression_reason(on, "job_change", {"moved_to_customer": True}) == "moved_to_customer"
    assert suppression_reason(spec, "job_change", {"competitor": True}) is None  # no competitor list
    assert status_for(None) == "new" and status_for("intern") == "suppressed:intern"


def test_months_between_partial_dates() -> None:
    assert months_between("2025-01", "2026-01-15") == 12
    assert months_between("2025-01-20", "2026-01-15") == 11
    assert months_between("2024", "2026-03-01") == 26
    assert months_between(None, "2026-01-01") is None


def test_score_counts_keys_status_and_accounts() -> None:
    truth = [
        {
            "type": "job_change",
            "contact_id": "c-1",
            "person_id": "p-1",
            "matched_account_id": "a-9",
            "expected_status": "new",
        },
        {
            "type": "left_company",
            "contact_id": "c-2",
            "person_id": "p-2",
            "expected_status": "suppressed:too_old",
        },
        {
            "type": "new_hire",
            "contact_id": None,
            "person_id": "p-3",
            "alt_person_ids": ["p-4"],
            "matched_account_id": "a-5",
            "expected_status": "new",
        },
        {"type": "promotion", "contact_id": "c-7", "person_id": "p-7", "expected_status": "new"},
    ]
    predicted = [
        {
            "type": "job_change",
            "contact_id": "c-1",
            "person_id": "p-1",
            "matched_account_id": "a-8",
            "status": "new",
        },
        {"type": "left_company", "contact_id": "c-2", "person_id": "p-2", "status": "suppressed:too_old"},
        {
            "type": "new_hire",
            "contact_id": None,
            "person_id": "p-4",
            "matched_account_id": "a-5",
            "status": "new",
        },
        {"type": "job_change", "contact_id": "c-3", "person_id": "p-3", "status": "new"},
        {"type": "promotion", "contact_id": "c-7", "person_id": "p-7", "status": "uncertain"},
    ]
    r = score(predicted, truth)
    d = r.as_dict()
    assert d["per_type"]["job_change"] == {
        "tp": 1,
        "fp": 1,
        "fn": 0,
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.6667,
    }
    assert d["per_type"]["new_hire"]["tp"] == 1  # matched through an alt person id
    assert d["per_type"]["promotion"]["fn"] == 1  # uncertain signals do not count as emitted
    assert d["matched_account_accuracy"] == 0.5
    assert d["filter_accuracy"] == 1.0
    assert d["examples"]["wrong_account"][0]["predicted"]["matched_account_id"] == "a-8"
