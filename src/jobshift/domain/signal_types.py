"""The signal types: one registry entry per type holding everything the code decides by type.

A signal type is a :class:`SignalType` (a ``str`` enum: the stored and exported strings are the
values) plus one :class:`SignalTypeDef` in :data:`SIGNAL_TYPE_DEFS`. Push order, lead source, the
default priority reason, which contact update it causes, the notification items it feeds, the filters
that may suppress it, how its id and age are computed, and how the web shows it are read from the
entry; no other module keeps a table keyed by type string. Adding a type = one enum member, one entry
here, and the detection rule that emits it (``engine/detect.py`` or :func:`classify_contact_change
<jobshift.domain.signals.classify_contact_change>`); ``tests/domain/test_signal_types.py`` fails when
an entry is incomplete or a type string used in ``src/`` is not registered.

Looking up a string that is not a registered type raises :class:`UnknownSignalType`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Literal


class SignalType(StrEnum):
    """The kinds of signal detection emits (values are the strings stored in ``signals.type``)."""

    JOB_CHANGE = "job_change"
    LEFT_COMPANY = "left_company"
    PROMOTION = "promotion"
    TITLE_CHANGE = "title_change"
    NEW_HIRE = "new_hire"


class UnknownSignalType(ValueError):
    """A type string that is not in the registry (a bug, or data written by another version)."""


Subject = Literal["contact", "profile"]
LeadSourceKind = Literal["contact_tracking", "target_tracking"]
ContactUpdate = Literal["mark_left", "update_title"]
NotifyItem = Literal["lead", "contact"]
AgeFrom = Literal["job_start", "crm_job_end"]

TITLE_FILTERS: frozenset[str] = frozenset(
    {"advisor", "board_member", "investor", "intern", "student", "self_employed", "competitor"}
)
"""The filters that judge the new title or employer (see ``domain/filters.py``)."""


@dataclass(frozen=True, kw_only=True)
class SignalTypeDef:
    """Everything about one signal type. Every field is required: an entry cannot be incomplete."""

    type: SignalType
    label: str
    """How people read it (web badges and lists): ``job change``."""
    subject: Subject
    """``contact``: a tracked CRM contact changed; ``profile``: a person found at a watched account."""
    push_rank: int | None
    """Order in a ``--order priority`` push plan (lower first); ``None``: never pushed."""
    creates_lead: bool
    """Pushing it creates a lead at the new (or watched) company."""
    lead_source: LeadSourceKind | None
    """Which ``[program]`` lead source its leads carry (``<kind>_lead_source``). The scorecard and the
    funnel count leads by lead source, so this is also the type's scorecard class."""
    priority_reason: str | None
    """Default priority reason of its leads (``[program.priority_reasons]`` overrides it)."""
    contact_update: ContactUpdate | None
    """What pushing it does to the CRM contact: mark it No Longer At Company, or update its title
    (a promotion in place, unless ``[program] promotion_action = "lead"``)."""
    contact_update_is_action: bool
    """The contact update is what marks the signal ``pushed`` (it has no lead of its own)."""
    notifies: frozenset[NotifyItem]
    """Notification items it feeds (``[notifications.rules.*] item``): its lead, the contact that left."""
    has_new_company: bool
    """It names a new company (``False``: the new company, title and start are cleared)."""
    title_in_id: bool
    """The new title is part of its id, and its evidence carries the title-model reason."""
    age_from: AgeFrom
    """``job_age_months`` counts from the new job's start, or from the end of the CRM-company job."""
    checks_new_account: bool
    """Evaluation scores the account it was matched to (a new company resolved by company matching)."""
    filters: frozenset[str]
    """Filter reasons (``domain/filters.FILTER_ORDER``) that may suppress it."""


_CONTACT_FILTERS = frozenset({"stale_evidence", "opted_out"})

SIGNAL_TYPE_DEFS: Mapping[SignalType, SignalTypeDef] = MappingProxyType(
    {
        d.type: d
        for d in (
            SignalTypeDef(
                type=SignalType.JOB_CHANGE,
                label="job change",
                subject="contact",
                push_rank=0,
                creates_lead=True,
                lead_source="contact_tracking",
                priority_reason="Job change lead",
                contact_update="mark_left",
                contact_update_is_action=False,
                notifies=frozenset({"lead", "contact"}),
                has_new_company=True,
                title_in_id=False,
                age_from="job_start",
                checks_new_account=True,
                filters=_CONTACT_FILTERS | TITLE_FILTERS | {"free_mail_only", "too_old", "moved_to_customer"},
            ),
            SignalTypeDef(
                type=SignalType.LEFT_COMPANY,
                label="left company",
                subject="contact",
                push_rank=3,
                creates_lead=False,
                lead_source=None,
                priority_reason=None,
                contact_update="mark_left",
                contact_update_is_action=True,
                notifies=frozenset({"contact"}),
                has_new_company=False,
                title_in_id=False,
                age_from="crm_job_end",
                checks_new_account=False,
                filters=_CONTACT_FILTERS | {"too_old"},
            ),
            SignalTypeDef(
                type=SignalType.PROMOTION,
                label="promotion",
                subject="contact",
                push_rank=1,
                creates_lead=True,
                lead_source="target_tracking",
                priority_reason="Promotion lead",
                contact_update="update_title",
                contact_update_is_action=True,
                notifies=frozenset(),
                has_new_company=True,
                title_in_id=True,
                age_from="job_start",
                checks_new_account=False,
                filters=_CONTACT_FILTERS | TITLE_FILTERS,
            ),
            SignalTypeDef(
                type=SignalType.TITLE_CHANGE,
                label="title change",
                subject="contact",
                push_rank=None,
                creates_lead=False,
                lead_source=None,
                priority_reason=None,
                contact_update=None,
                contact_update_is_action=False,
                notifies=frozenset(),
                has_new_company=True,
                title_in_id=True,
                age_from="job_start",
                checks_new_account=False,
                filters=_CONTACT_FILTERS | TITLE_FILTERS,
            ),
            SignalTypeDef(
                type=SignalType.NEW_HIRE,
                label="new hire",
                subject="profile",
                push_rank=2,
                creates_lead=True,
                lead_source="target_tracking",
                priority_reason="New hire lead",
                contact_update=None,
                contact_update_is_action=False,
                notifies=frozenset(),
                has_new_company=True,
                title_in_id=False,
                age_from="job_start",
                checks_new_account=True,
                filters=frozenset({"stale_evidence"}) | TITLE_FILTERS,
            ),
        )
    }
)

SIGNAL_TYPES: tuple[str, ...] = tuple(t.value for t in SignalType)
"""Every type string, in enum order (the order of per-type counts in reports)."""


def signal_type(value: str) -> SignalType:
    """The :class:`SignalType` of a type string; :class:`UnknownSignalType` when it is not registered."""
    try:
        return SignalType(value)
    except ValueError:
        raise UnknownSignalType(
            f"unknown signal type {value!r}; registered: {', '.join(SIGNAL_TYPES)}"
        ) from None


def type_def(value: str) -> SignalTypeDef:
    """The registry entry of a type string (raises :class:`UnknownSignalType` for an unknown one)."""
    return SIGNAL_TYPE_DEFS[signal_type(value)]


def types_where(**wanted: object) -> tuple[str, ...]:
    """Type strings (enum order) whose entry has every given field value, e.g. ``creates_lead=True``."""
    return tuple(
        d.type.value for d in SIGNAL_TYPE_DEFS.values() if all(getattr(d, k) == v for k, v in wanted.items())
    )


def types_notifying(item: NotifyItem) -> tuple[str, ...]:
    """Type strings that feed notification items of kind ``item`` (``lead`` or ``contact``)."""
    return tuple(d.type.value for d in SIGNAL_TYPE_DEFS.values() if item in d.notifies)


def types_filtered_by(reason: str) -> tuple[str, ...]:
    """Type strings the filter ``reason`` may suppress."""
    return tuple(d.type.value for d in SIGNAL_TYPE_DEFS.values() if reason in d.filters)


def push_rank(value: str) -> int:
    """Rank of a pushable type in a priority push plan; unknown or never-pushed types are an error."""
    d = type_def(value)
    if d.push_rank is None:
        raise UnknownSignalType(f"signal type {value!r} is never pushed: it has no push rank")
    return d.push_rank


def label(value: str) -> str:
    """How people read a type string (``job change``); an unknown string is shown as it is stored."""
    try:
        return type_def(value).label
    except UnknownSignalType:
        return value.replace("_", " ")


LEAD_TYPES: frozenset[str] = frozenset(types_where(creates_lead=True))
"""Types whose push creates a lead."""
CONTACT_UPDATE_TYPES: frozenset[str] = frozenset(types_where(contact_update="mark_left"))
"""Types whose push marks the old contact No Longer At Company."""
PUSHABLE_TYPES: frozenset[str] = frozenset(
    d.type.value for d in SIGNAL_TYPE_DEFS.values() if d.push_rank is not None
)
"""Types a push plans actions for."""
CONTACT_ACTION_TYPES: tuple[str, ...] = types_where(contact_update_is_action=True)
"""Types whose contact update sets the signal ``pushed``."""
TITLED_TYPES: tuple[str, ...] = types_where(title_in_id=True)
"""Types whose id includes the new title."""
PRIORITY_REASONS: Mapping[str, str] = MappingProxyType(
    {
        d.type.value: d.priority_reason
        for d in sorted(SIGNAL_TYPE_DEFS.values(), key=lambda d: d.type.value)
        if d.priority_reason is not None
    }
)
"""Default priority reason per lead-creating type (by type string, as ``[program.priority_reasons]``)."""


def lead_source_kinds(types: Iterable[str] = SIGNAL_TYPES) -> tuple[LeadSourceKind, ...]:
    """The distinct lead-source kinds of ``types``, contact tracking first."""
    kinds = {type_def(t).lead_source for t in types}
    return tuple(k for k in ("contact_tracking", "target_tracking") if k in kinds)
