"""The workspace's own sections: ``[workspace]``, ``[store]``, ``[program]`` and ``[import]``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from jobshift.config.base import Section
from jobshift.domain.signal_types import PRIORITY_REASONS


class WorkspaceSection(Section):
    """Identity of the workspace."""

    name: str = Field("My company", description="Name of the company, shown in the web UI and reports.")
    timezone: str = Field(
        "UTC",
        description="IANA time zone (e.g. Europe/Berlin) of schedules and reports: the [schedule] times "
        "are local to it.",
    )


class StoreSection(Section):
    """The database connection."""

    busy_timeout_seconds: float = Field(
        30.0,
        ge=0.0,
        le=3600.0,
        description="SQLite: seconds a write waits while another jobshift command holds the write lock; "
        'then the command stops with "the workspace database is busy" (exit 1) and nothing of it is '
        "written.",
    )


LeadSignalType = Literal["job_change", "new_hire", "promotion"]


class ProgramSection(Section):
    """Lead sources, the tracking cap and the values written into the CRM (docs/program.md)."""

    contact_tracking_lead_source: str = Field(
        "jobshift Contact Tracking", description="Lead source of job-change leads from tracked contacts."
    )
    target_tracking_lead_source: str = Field(
        "New Hires & Promotions",
        description="Lead source of new hires and promotions at target accounts.",
    )
    tracking_cap: int = Field(
        50_000,
        ge=0,
        description="How many contacts are tracked at most (filled from [[cohorts]] in priority order).",
    )
    lead_status: str = Field(
        "New",
        min_length=1,
        description="Status of every lead jobshift creates (the org's vocabulary, like priority, "
        "contact_status and disqualified_reason: `jobshift crm check` reads the org's picklists and "
        "fails naming the field, the value and the allowed values when one is not allowed).",
    )
    priority: str = Field("High", description="Priority / rating written on leads.")
    priority_reasons: dict[LeadSignalType, str] = Field(
        default_factory=lambda: dict(PRIORITY_REASONS),  # type: ignore[arg-type]
        description="Priority reason written on a lead, per lead-creating signal type.",
    )
    contact_status: str = Field(
        "Disqualified",
        min_length=1,
        description="Status written on a contact that left the company; notifications 3A/3B look for it.",
    )
    disqualified_reason: str = Field(
        "No Longer at Company",
        min_length=1,
        description="Disqualified reason written on a contact that left.",
    )
    promotion_action: Literal["update_contact", "lead"] = Field(
        "update_contact",
        description='A tracked contact promoted in place: "update_contact" (its title) or "lead" (a new '
        "lead).",
    )


class ImportSection(Section):
    """CSV import behaviour."""

    batch_size: int = Field(20_000, ge=100, le=1_000_000, description="Rows written per database round trip.")
    max_quarantine_share: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Fail a whole file when more than this share of its rows is bad (1.0 = never).",
    )
    parallel: bool = Field(
        True,
        description="Read and check large files (4 MB and more) in a second process while the first "
        "writes: two cores.",
    )
    encoding: str = Field(
        "auto",
        description='Text encoding of files without a byte-order mark: "auto" reads UTF-8, else '
        'Windows-1252 (cp1252, Excel\'s "CSV" on Windows) and says so in the summary; or a codec name: '
        '"utf-8", "cp1252", "latin-1". `jobshift import --encoding` overrides it.',
    )
    invalid_email: Literal["keep", "blank", "quarantine"] = Field(
        "keep",
        description='A malformed e-mail address (no @, a space, two @, a bad domain): "keep" it as it is '
        '(the summary counts such rows and shows examples), "blank" it, or "quarantine" its row.',
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        import codecs

        if value.strip().lower() == "auto":
            return "auto"
        try:
            return codecs.lookup(value.strip()).name
        except LookupError:
            raise ValueError(f"unknown encoding {value!r} (e.g. auto, utf-8, cp1252, latin-1)") from None
