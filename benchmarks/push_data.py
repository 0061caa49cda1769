"""What the push and CRM benchmarks write: job-change lead intents (``bench_salesforce``, ``bench_hubspot``)
and new-hire signals to push (``bench_salesforce``, ``bench_push``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jobshift.connectors.crm.protocol import LeadCreate


def leads(n: int, **extra: bool) -> list[LeadCreate]:
    """``n`` job-change leads with the fields jobshift sets; ``priority_reason=True`` and
    ``signal_id=True`` add those fields (each CRM benchmark writes what its fake org maps)."""
    out = []
    for i in range(n):
        fields: dict[str, Any] = {
            "first_name": "Jo",
            "last_name": f"Doe{i}",
            "email": f"jo{i}@newco{i % 997}.com",
            "company": f"NewCo {i % 997}",
            "title": "VP Engineering",
            "status": "New",
            "lead_source": "jobshift Contact Tracking",
            "priority": "High",
            "is_target_company": i % 3 == 0,
            "job_started_date": "2026-09",
            "past_title": "Director of Engineering",
        }
        if extra.get("priority_reason"):
            fields["priority_reason"] = "Job change lead"
        if extra.get("signal_id"):
            fields["signal_id"] = f"s-{i}"
        out.append(LeadCreate(f"bench-{i:06d}", fields))
    return out


def new_hire_signal(
    i: int, detected: datetime, account: dict[str, Any] | None = None, *, is_target: bool = True
) -> dict[str, Any]:
    """A ``new`` new-hire signal of person ``i`` (at ``account`` when given, else at NewCo ``i % 997``)."""
    return {
        "signal_id": f"s-{i:06d}",
        "type": "new_hire",
        "person_key": f"li:linkedin.com/in/p-{i}",
        "full_name": f"Jo Doe{i}",
        "linkedin_url": f"linkedin.com/in/p-{i}",
        "email": f"jo{i}@newco{i % 997}.com",
        "new_company": account["name"] if account else f"NewCo {i % 997}",
        "new_company_domain": None if account else f"newco{i % 997}.com",
        "matched_account_id": account["id"] if account else None,
        "new_title": "VP Engineering",
        "is_target_company": is_target,
        "job_started_date": "2026-09",
        "persona_match": True,
        "confidence": 0.95,
        "detected_at": detected,
        "observed_at": "2026-11-10",
        "status": "new",
    }
