"""What the runs write: people observations (append-only), the runs ledger, quarantine, the audit log,
signals and account aliases."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from jobshift.store.schema.base import ID, metadata, prefix_index

people_observations = Table(
    "people_observations",
    metadata,
    # Append-only: one row per person per observed_at (see docs/people-data.md for every column).
    # The key is (person_key, observed_at); obs_id is its hash, unique by construction, so it needs no
    # index of its own (one index less per row: ingest is bound by index maintenance).
    Column("obs_id", String(32), nullable=False, comment="hash of person_key and observed_at"),
    Column(
        "person_key",
        Text,
        primary_key=True,
        comment="pdl:<id> | li:<linkedin> | em:<email> | nm:<name|co>",
    ),
    Column("person_id", Text, comment="the profile id of the source"),
    Column("observed_at", String(10), primary_key=True, comment="YYYY-MM-DD (or partial)"),
    Column("full_name", Text),
    Column("first_name", Text),
    Column("last_name", Text),
    Column("linkedin_url", Text),
    Column("linkedin_norm", Text),
    Column("work_email", Text),
    Column("work_email_norm", Text),
    Column("personal_emails_norm", JSON, comment="personal emails, normalized"),
    Column("emails_norm", JSON, comment="every known email, normalized, work email first"),
    Column("job_title", Text),
    Column("job_title_levels", JSON),
    Column("job_title_role", Text),
    Column("job_company_name", Text),
    Column("job_company_website", Text),
    Column("job_company_domain", Text, comment="registrable domain of the current company"),
    Column("job_company_linkedin_url", Text),
    Column("job_company_linkedin_norm", Text),
    Column("job_company_country", Text),
    Column("job_company_region", Text),
    Column("job_start_date", String(10), comment="YYYY, YYYY-MM or YYYY-MM-DD"),
    Column(
        "current_job_source",
        String(20),
        comment="job_fields | primary_experience | open_experience | NULL (no known employer)",
    ),
    Column("location_country", Text),
    Column("location_region", Text),
    Column("experience", JSON, comment="compact list of jobs, see docs/people-data.md"),
    Column("source_file", Text),
    Column("source_line", Integer),
    Column(
        "job_last_verified",
        String(10),
        comment="YYYY-MM-DD the source last confirmed the current job (PDL job_last_verified)",
    ),
    Column("ingested_at", DateTime),
    # No index besides the primary key (person_key, observed_at), which serves the per-person history:
    # detection scans the newest observation of every person (GROUP BY person_key) and matches in
    # memory; every extra index costs ingest ~25% (docs/people-data.md).
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("object", String(60)),
    Column("source", Text),
    Column("period_key", String(80), unique=True, comment="scheduler: a period never runs twice"),
    Column("status", String(20), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("counts", JSON),
    Column("error", Text),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer),
    Column("object", String(60)),
    Column("source", Text, nullable=False),
    Column("line", Integer),
    Column("column", Text),
    Column("reason", Text, nullable=False),
    Column("raw", Text),
    Column("created_at", DateTime, nullable=False),
    Column(
        "raw_zip",
        LargeBinary,
        comment="the whole raw text, zlib-compressed UTF-8, when raw is cut or holds a NUL",
    ),
    Column("end_line", Integer, comment="the last physical line of the record, when it spans several"),
    Index(None, "run_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("object", String(60), nullable=False),
    Column("record_id", Text),
    Column("before", JSON),
    Column("after", JSON),
    Column("run_id", Integer),
    Index(None, "object", "record_id"),
)

signals = Table(
    "signals",
    metadata,
    Column("signal_id", String(64), primary_key=True, comment="hash of type, subject, new company, start"),
    Column("type", String(20), nullable=False),
    Column("contact_id", ID),
    Column("person_id", Text),
    Column("person_key", Text),
    Column("full_name", Text),
    Column("linkedin_url", Text),
    Column("email", Text),
    Column("past_account_id", ID),
    Column("past_company", Text),
    Column("past_title", Text),
    Column("new_company", Text),
    Column("new_company_domain", Text),
    Column("new_title", Text),
    Column("matched_account_id", ID),
    Column("is_customer_company", Boolean),
    Column("is_target_company", Boolean),
    Column("has_open_opportunity", Boolean),
    Column("job_started_date", String(10), comment="YYYY, YYYY-MM or YYYY-MM-DD"),
    Column("seniority", String(20)),
    Column("function", String(40)),
    Column("persona_match", Boolean),
    Column("confidence", Float),
    Column("evidence", JSON, comment="which fields proved the signal"),
    Column("match_rule", Text, comment="identity rule + company rule that decided"),
    Column("detected_at", DateTime, nullable=False),
    Column("observed_at", String(10)),
    Column("lead_id", ID),
    Column("status", String(60), nullable=False),
    Index(None, "contact_id"),
    Index(None, "type"),
    # web lists: newest first, lead scope, and name / company prefix search (see docs/web.md)
    Index(None, "detected_at", "signal_id", "lead_id", "contact_id"),  # covers newest-first scoped pages
    Index(None, "lead_id"),
    Index(None, "status"),  # the review queue (status uncertain) and its count on the dashboard
    prefix_index("full_name"),
    prefix_index("new_company"),
)

account_aliases = Table(
    "account_aliases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", ID, nullable=False),
    Column("alias_name", Text, comment="another name of the company (normalized on use)"),
    Column("alias_domain", Text, comment="another registrable domain of the company"),
    Column("alias_linkedin_norm", Text, comment="another LinkedIn company page"),
    Column("created_at", DateTime),
    Index(None, "account_id"),
)
