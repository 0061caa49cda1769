"""Every pure domain spec built from the configuration, in one place, with keyword arguments.

The use cases (detect, track, push, route, notify, scorecard) call these builders instead of copying
config fields into domain records themselves, so a config field is mapped to its spec once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from jobshift.config import Config, NotificationRule
from jobshift.domain.actions import ActionSettings
from jobshift.domain.cohorts import CohortSpec, TierSpec
from jobshift.domain.filters import FilterSpec
from jobshift.domain.normalize.companies import normalize_company_name
from jobshift.domain.normalize.persona import PersonaSpec, persona_matches
from jobshift.domain.notification_rules import RuleSpec
from jobshift.domain.routing import PoolSpec, RoutingSettings
from jobshift.domain.scorecard.icp import IcpCriteria
from jobshift.domain.signal_types import lead_source_kinds, types_notifying
from jobshift.engine.context import DetectSettings

TitleMatcher = Callable[[str], bool]


def persona_spec(cfg: Config) -> PersonaSpec:
    """``[persona]`` as a spec."""
    p = cfg.persona
    return PersonaSpec(
        title_keywords=tuple(p.title_keywords),
        title_regexes=tuple(p.title_regexes),
        seniorities=tuple(p.seniorities),
        functions=tuple(p.functions),
    )


def persona_matcher(cfg: Config) -> TitleMatcher | None:
    """A title → matches-the-persona function from ``[persona]``; None when no persona is defined."""
    spec = persona_spec(cfg)
    if not (spec.title_keywords or spec.title_regexes or spec.seniorities or spec.functions):
        return None
    return lambda title: bool(persona_matches(title, spec))


def icp_criteria(cfg: Config) -> IcpCriteria:
    """``[icp]`` as normalized criteria (detection's watched accounts and the scorecard)."""
    i = cfg.icp
    return IcpCriteria.of(
        industries=i.industries,
        countries=i.countries,
        segments=i.segments,
        min_employees=i.min_employees,
        max_employees=i.max_employees,
    )


def filter_spec(cfg: Config) -> FilterSpec:
    """``[filters]`` plus the age limits of ``[detection]``."""
    f, d = cfg.filters, cfg.detection
    return FilterSpec(
        skip_advisors=f.skip_advisors,
        skip_board_members=f.skip_board_members,
        skip_investors=f.skip_investors,
        skip_interns=f.skip_interns,
        skip_students=f.skip_students,
        skip_self_employed=f.skip_self_employed,
        skip_moves_to_customers=f.skip_moves_to_customers,
        skip_free_mail_only=f.skip_free_mail_only,
        skip_opted_out=f.skip_opted_out,
        competitor_domains=frozenset(x.lower() for x in f.competitor_domains),
        competitor_names=frozenset((normalize_company_name(n) or n).lower() for n in f.competitor_names),
        max_job_change_age_months=d.max_job_change_age_months,
        max_evidence_age_days=d.max_evidence_age_days,
    )


def detect_settings(cfg: Config, run_date: date | None = None) -> DetectSettings:
    """Detection settings from ``[detection]``, ``[filters]``, ``[persona]`` and ``[icp]``."""
    d = cfg.detection
    return DetectSettings(
        new_hire_window_days=d.new_hire_window_days,
        max_job_change_age_months=d.max_job_change_age_months,
        name_match_threshold=d.name_match_threshold,
        email_name_threshold=d.email_name_threshold,
        company_match_threshold=d.company_match_threshold,
        filters=filter_spec(cfg),
        persona=persona_spec(cfg),
        run_date=run_date,
        icp=icp_criteria(cfg),
        watch_icp_accounts=d.watch_icp_accounts,
    )


def cohort_specs(cfg: Config) -> list[CohortSpec]:
    """``[[cohorts]]`` as pure specs, in priority order."""
    return [
        CohortSpec(
            name=c.name,
            opportunity_status=tuple(c.opportunity_status),
            opportunity_types=tuple(c.opportunity_types),
            stage_min=c.stage_min,
            stage_max=c.stage_max,
            closed_within_months=c.closed_within_months,
            segments=tuple(c.segments),
            account_types=tuple(c.account_types),
            industries=tuple(c.industries),
            countries=tuple(c.countries),
            roles=tuple(c.roles),
            target_accounts_only=c.target_accounts_only,
            persona_only=c.persona_only,
        )
        for c in cfg.cohorts
    ]


def tier_specs(cfg: Config) -> list[TierSpec]:
    """``[tiers.*]`` as pure specs, in file order."""
    return [
        TierSpec(name=n, cadence=t.cadence, size=t.size, cohorts=tuple(t.cohorts), top_cohort=t.top_cohort)
        for n, t in cfg.tiers.items()
    ]


def lead_sources(cfg: Config, types: tuple[str, ...] | None = None) -> list[str]:
    """The ``[program]`` lead sources of the leads jobshift creates (contact tracking first), one per
    lead-source kind of the signal-type registry; with ``types``, only those types' kinds."""
    p = cfg.program
    by_kind = {
        "contact_tracking": p.contact_tracking_lead_source,
        "target_tracking": p.target_tracking_lead_source,
    }
    return [by_kind[k] for k in (lead_source_kinds(types) if types is not None else lead_source_kinds())]


def notified_lead_source(cfg: Config) -> str:
    """The lead source of the leads the notification rules' ``lead`` items are about: that of the signal
    types whose registry entry feeds ``lead`` notifications (job changes: contact tracking)."""
    sources = lead_sources(cfg, types_notifying("lead"))
    if len(sources) != 1:
        raise ValueError(f"lead notifications must come from one lead source, the registry gives {sources}")
    return sources[0]


def action_settings(cfg: Config) -> ActionSettings:
    """Lead sources and the values written on leads and contacts, from ``[program]``."""
    p = cfg.program
    return ActionSettings(
        contact_tracking_lead_source=p.contact_tracking_lead_source,
        target_tracking_lead_source=p.target_tracking_lead_source,
        lead_status=p.lead_status,
        priority=p.priority,
        priority_reasons={str(k): v for k, v in p.priority_reasons.items()},
        disqualified_status=p.contact_status,
        disqualified_reason=p.disqualified_reason,
        promotion_updates_contact=p.promotion_action == "update_contact",
    )


def routing_settings(cfg: Config) -> RoutingSettings:
    """``[routing]`` as the pure settings record."""
    r = cfg.routing
    return RoutingSettings(
        smb_segments=tuple(r.smb_segments),
        smb_roles=tuple(r.smb_roles),
        regions={k: tuple(v) for k, v in r.regions.items()},
        default_region=r.default_region,
        pools=tuple(
            PoolSpec(
                name=p.name,
                regions=tuple(p.regions),
                segments=tuple(p.segments),
                roles=tuple(p.roles),
                users=tuple(p.users),
                same_region=p.same_region,
            )
            for p in r.pools
        ),
        weights=dict(r.weights),
        capacity=dict(r.capacity),
        default_capacity=r.default_capacity,
        fallback_owner_id=r.fallback_owner_id,
    )


def rule_spec(rule_id: str, r: NotificationRule) -> RuleSpec:
    """One ``[notifications.rules.<id>]`` as a pure spec."""
    return RuleSpec(
        id=rule_id,
        item=r.item,
        open_opps=r.open_opps,
        or_customer_open_renewal=r.or_customer_open_renewal,
        started_within_months=r.started_within_months,
        started_within=r.started_within,
        recipients=tuple(r.recipients),
        enabled=r.enabled,
        title=r.title,
    )


def rule_specs(cfg: Config) -> list[RuleSpec]:
    """The configured notification rules as pure specs, in configuration order."""
    return [rule_spec(k, v) for k, v in cfg.notifications.rules.items()]
