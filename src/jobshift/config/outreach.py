"""``[outreach]``: first-touch drafts (templates, an optional LLM behind a fact guard) and sequence
enrolment in Outreach, Salesloft, HubSpot sequences or Salesforce Sales Engagement (docs/outreach.md)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from jobshift.config.base import Section
from jobshift.config.core import LeadSignalType
from jobshift.config.retry import RetrySettings

SequenceTool = Literal["outreach", "salesloft", "hubspot", "salesforce"]


class OutreachSender(Section):
    """Who sends a sequence in the tool: its user / mailbox id (and e-mail where the tool needs one)."""

    id: str = Field(
        min_length=1, description="Outreach mailbox id, Salesloft / HubSpot / Salesforce user id."
    )
    email: str | None = Field(
        None,
        examples=["rep@example.com"],
        description="Sender e-mail (HubSpot: a connected inbox of the user).",
    )


class SequenceToolSection(RetrySettings):
    """One sequence tool's connection (secrets only from the environment, see docs/outreach.md)."""

    section: ClassVar[str] = "outreach.<tool>"

    base_url: str | None = Field(
        None,
        examples=["https://api.outreach.io/api/v2"],
        description="API host; unset = the tool's public API.",
    )
    timeout_seconds: float = Field(30.0, gt=0, description="Timeout of one API call.")
    max_attempts: int = Field(
        4,
        ge=1,
        le=100,
        description="Tries of one call in all: 429 (Retry-After honoured), 5xx and network errors.",
    )
    backoff_base_seconds: float = Field(
        1.0, ge=0, description="Wait before retry n: backoff_base_seconds * 2^(n-1) (jittered)."
    )
    backoff_max_seconds: float = Field(30.0, ge=0, description="Longest wait between two tries.")
    senders: dict[str, OutreachSender] = Field(
        default_factory=dict,
        examples=[{"005000000000001": {"id": "42"}}],
        description="CRM user id (lead owner) -> sender in the tool.",
    )
    default_sender_id: str | None = Field(
        None,
        examples=["42"],
        description="Sender (tool user / mailbox id) of leads whose owner is not in senders.",
    )
    default_sender_email: str | None = Field(
        None, examples=["rep@example.com"], description="E-mail of the default sender (HubSpot needs one)."
    )

    @property
    def default_sender(self) -> OutreachSender | None:
        """The sender of leads whose owner is not listed (``None`` when unset)."""
        if not self.default_sender_id:
            return None
        return OutreachSender(id=self.default_sender_id, email=self.default_sender_email)


class EnrolRule(Section):
    """Which leads are enrolled in which sequence of which tool (the first matching rule wins)."""

    name: str = Field(min_length=1, description="The rule's name (shown in dry runs and the audit log).")
    enabled: bool = Field(True, description="Whether the rule enrols anyone.")
    tool: SequenceTool = Field(description="The sequence tool: outreach, salesloft, hubspot or salesforce.")
    sequence: str = Field(min_length=1, description="Sequence / cadence id (Salesforce: id or name).")
    signal_types: list[LeadSignalType] = Field(
        default_factory=lambda: ["job_change"],  # type: ignore[arg-type]
        description="Signal types of the leads the rule takes.",
    )
    persona_only: bool = Field(False, description="Only leads whose new title matches [persona].")
    customers_only: bool = Field(False, description="Only people who were at a customer account.")
    max_age_days: int = Field(30, ge=1, le=3650, description="Leads created at most this many days ago.")


class LlmSection(RetrySettings):
    """Optional LLM drafting through an OpenAI-compatible chat endpoint (key from the environment)."""

    section: ClassVar[str] = "outreach.llm"

    enabled: bool = Field(False, description="Draft with the LLM (the template stays the fallback).")
    base_url: str = Field("http://127.0.0.1:11434/v1", description="OpenAI-compatible API root (…/v1).")
    model: str = Field("llama3.1:8b", description="The model name the endpoint serves.")
    api_key_env: str = Field("JOBSHIFT_LLM_API_KEY", description="Environment variable holding the API key.")
    temperature: float = Field(0.2, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(600, ge=50, le=8000, description="Longest reply, in tokens.")
    timeout_seconds: float = Field(60.0, gt=0, description="Timeout of one chat call.")
    max_attempts: int = Field(2, ge=1, le=100, description="Tries of one chat call in all.")
    backoff_base_seconds: float = Field(1.0, ge=0, description="Wait after the first failure; doubles.")
    backoff_max_seconds: float = Field(20.0, ge=0, description="Longest wait between two tries.")
    max_calls_per_run: int = Field(200, ge=0, description="Chat calls per run; the rest use templates.")
    max_seconds_per_run: float = Field(600.0, gt=0, description="LLM time per run; then templates.")
    max_cost_per_run: float | None = Field(
        None, ge=0, examples=[5.0], description="Stop calling at this cost (prices below)."
    )
    input_cost_per_1k_tokens: float = Field(0.0, ge=0, description="Price of 1,000 prompt tokens.")
    output_cost_per_1k_tokens: float = Field(0.0, ge=0, description="Price of 1,000 completion tokens.")


class OutreachSection(Section):
    """First-touch drafts (templates, optional LLM with a fact guard) and sequence enrolment."""

    drafts: bool = Field(True, description="Draft a first e-mail and LinkedIn note for every lead.")
    templates_dir: str = Field("outreach/templates", description="Template sets, relative to the workspace.")
    crm_write: Literal["none", "task", "note"] = Field(
        "none",
        description="Write each lead's draft to the CRM once, as a task or a note (none: do not); "
        "Salesforce: a Task (note: a completed one), HubSpot: a task or note, the store: an activity.",
    )
    crm_write_max_age_days: int = Field(
        14, ge=1, le=3650, description="Only leads created at most this many days ago get a draft written."
    )
    allowed_terms: list[str] = Field(
        default_factory=list,
        examples=[["Acme Cloud"]],
        description="Names the fact guard accepts (products).",
    )
    reply_activity_types: list[str] = Field(
        default_factory=lambda: ["Reply", "Email Reply", "Inbound Email"],
        description="Activity types that are a reply (the scorecard's drafts section).",
    )
    scorecard_min_sample: int = Field(
        10,
        ge=1,
        description="The scorecard's drafts section compares drafted and not drafted leads only when each "
        "group has at least this many leads.",
    )
    batch_size: int = Field(50, ge=1, le=1000, description="Enrolments per tool call batch.")
    llm: LlmSection = Field(default_factory=LlmSection, description="Optional LLM drafting.")
    enrol: list[EnrolRule] = Field(
        default_factory=list,
        examples=[[{"name": "champions", "tool": "outreach", "sequence": "123"}]],
        description="Enrolment rules, in order; the first that matches a lead wins.",
    )
    outreach: SequenceToolSection = Field(
        default_factory=SequenceToolSection, description="Outreach (API v2)."
    )
    salesloft: SequenceToolSection = Field(
        default_factory=SequenceToolSection, description="Salesloft (API v2)."
    )
    hubspot: SequenceToolSection = Field(
        default_factory=SequenceToolSection, description="HubSpot sequences."
    )
    salesforce: SequenceToolSection = Field(
        default_factory=SequenceToolSection, description="Salesforce Sales Engagement cadences."
    )
