"""The job-change leads the CRM connector benchmarks write (``bench_salesforce``, ``bench_hubspot``)."""

from __future__ import annotations

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
