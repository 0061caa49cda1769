"""What detection looks for: ``[detection]``, ``[persona]``, ``[icp]`` and ``[filters]``."""

from __future__ import annotations

from pydantic import Field

from jobshift.config.base import Section


class DetectionSection(Section):
    """Detection thresholds."""

    new_hire_window_days: int = Field(
        90,
        ge=1,
        le=3650,
        description="A person who started at a target account within this many days is a new hire.",
    )
    max_job_change_age_months: int = Field(
        12,
        ge=1,
        le=240,
        description="Job changes that started (left: ended) more than this many months before the run "
        "date (today, or `detect --as-of`) are filtered out (suppressed:too_old).",
    )
    max_evidence_age_days: int = Field(
        180,
        ge=1,
        le=36500,
        description="An observation older than this many days at the run date raises no lead "
        "(suppressed:stale_evidence).",
    )
    watch_icp_accounts: bool = Field(
        True,
        description="New hires and promotions are watched at accounts flagged target and, when true, at "
        "accounts matching [icp] (an empty [icp] matches none).",
    )
    name_match_threshold: float = Field(
        90.0, ge=50.0, le=100.0, description="Fuzzy score (0-100) a name + company identity match needs."
    )
    email_name_threshold: float = Field(
        85.0,
        ge=0.0,
        le=100.0,
        description="An e-mail match counts only when the names agree at least this much (0-100): CRMs "
        "hold the same address on several contacts (jdoe@ for John and Jane Doe) and addresses get "
        "reused.",
    )
    company_match_threshold: float = Field(
        92.0, ge=50.0, le=100.0, description="Fuzzy score (0-100) a company-name match to an account needs."
    )
    worker_memory_mb: int | None = Field(
        None,
        ge=64,
        examples=[4096],
        description="Feed mode (`detect --feed`): memory budget of one worker process in MB. When the "
        "tracked set (contacts + blocking indexes) exceeds half of it, the tracked set is split into "
        "hash slices by blocking key that the workers read from files (docs/scaling.md); "
        "`--tracked-partitions K` forces K slices. Unset: every worker holds the whole tracked set.",
    )


class PersonaSection(Section):
    """Who matters: title keywords/regexes, seniorities and functions."""

    title_keywords: list[str] = Field(
        default_factory=list, description="Title keywords (case-insensitive) that make a title match."
    )
    title_regexes: list[str] = Field(
        default_factory=list, description="Regular expressions that make a title match."
    )
    seniorities: list[str] = Field(
        default_factory=lambda: ["c_suite", "vp", "director"],
        description="Seniorities that match together with a function: c_suite, vp, director, manager, "
        "senior, entry, intern.",
    )
    functions: list[str] = Field(
        default_factory=lambda: ["engineering", "it", "security", "data", "executive"],
        description="Functions that match together with a seniority: engineering, it, security, data, "
        "executive, sales, marketing, finance, operations, hr, legal, product.",
    )


class IcpSection(Section):
    """Ideal customer profile: account criteria. Empty lists mean "any"."""

    industries: list[str] = Field(default_factory=list, description="Account industries (empty = any).")
    countries: list[str] = Field(default_factory=list, description="Account countries (empty = any).")
    segments: list[str] = Field(default_factory=list, description="Account segments (empty = any).")
    min_employees: int | None = Field(
        None, ge=0, examples=[200], description="At least this many employees (unset = no lower bound)."
    )
    max_employees: int | None = Field(
        None, ge=0, examples=[100000], description="At most this many employees (unset = no upper bound)."
    )


class FiltersSection(Section):
    """Signals that never reach the CRM (docs/detection.md, "Filters")."""

    skip_advisors: bool = Field(True, description="Suppress moves into advisor roles (suppressed:advisor).")
    skip_board_members: bool = Field(
        True, description="Suppress moves into board seats (suppressed:board_member)."
    )
    skip_investors: bool = Field(
        True, description="Suppress moves into investor roles (suppressed:investor)."
    )
    skip_interns: bool = Field(True, description="Suppress internships (suppressed:intern).")
    skip_students: bool = Field(True, description="Suppress students (suppressed:student).")
    skip_self_employed: bool = Field(
        True, description="Suppress moves into self-employment (suppressed:self_employed)."
    )
    skip_moves_to_customers: bool = Field(
        False, description="Suppress job changes to an existing customer (suppressed:moved_to_customer)."
    )
    skip_free_mail_only: bool = Field(
        True,
        description="Suppress job changes to a company known only from free-mail addresses "
        "(suppressed:free_mail_only).",
    )
    skip_opted_out: bool = Field(True, description="Suppress contacts that opted out (suppressed:opted_out).")
    competitor_domains: list[str] = Field(
        default_factory=list,
        description="Moves to companies with these domains are suppressed (suppressed:competitor).",
    )
    competitor_names: list[str] = Field(
        default_factory=list,
        description="Moves to companies with these names (normalized) are suppressed "
        "(suppressed:competitor).",
    )
