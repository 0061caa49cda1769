"""Use cases ``jobshift draft LEAD_ID`` and ``jobshift draft --all``: each lead's first-touch draft.

Every lead gets its template draft (the set of its rule and persona, filled from its evidence). With
``[outreach.llm] enabled`` (or ``--llm``) the LLM is asked too; its draft replaces the template's only
when it passes the fact guard, else the template draft stays and says why. Drafts are cached per lead,
template version, evidence digest and generator (``outreach_drafts``): running again changes nothing and
asks the LLM nothing until the template or the evidence changes. ``--dry-run`` shows what a run would
write (nothing written, no LLM call).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from jobshift.domain.outreach.drafts import Draft, cache_key, choose_template_set
from jobshift.domain.outreach.evidence import Evidence
from jobshift.errors import NotFoundError
from jobshift.services.outreach.lead_evidence import load_evidence
from jobshift.services.outreach.llm_drafts import LlmDrafter
from jobshift.services.outreach.template_sets import RenderedSet, render_set, set_names
from jobshift.services.workspace import Workspace
from jobshift.store import outreach as ostore
from jobshift.store.outreach import jobshift_leads
from jobshift.utils.timeutil import utcnow

Clock = Callable[[], datetime]
MAX_LISTED = 200


@dataclass
class DraftRunSummary:
    """What ``draft --all`` did (or would do)."""

    dry_run: bool
    leads: int = 0
    written: int = 0
    cached: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    fallbacks: dict[str, int] = field(default_factory=dict)
    llm: dict[str, Any] | None = None
    drafts: list[dict[str, Any]] = field(default_factory=list)
    """The first ``MAX_LISTED`` drafts (``--dry-run``: what would be written)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return dict(self.__dict__)


def _row(
    draft: Draft, ev: Evidence, sig: Mapping[str, Any] | None, key: str, now: datetime, **extra: Any
) -> dict[str, Any]:
    return {
        "cache_key": key,
        "lead_id": draft.lead_id,
        "signal_id": (sig or {}).get("signal_id"),
        "template_set": draft.template_set,
        "template_version": draft.template_version,
        "evidence_digest": ev.digest(),
        "source": draft.source,
        "model": draft.model,
        "email_subject": draft.email_subject,
        "email_body": draft.email_body,
        "linkedin_note": draft.linkedin_note,
        "fallback_reason": draft.fallback_reason,
        "violations": draft.violations or None,
        "created_at": now,
        **extra,
    }


def _from_row(row: Mapping[str, Any]) -> Draft:
    return Draft(
        lead_id=str(row["lead_id"]),
        email_subject=row["email_subject"],
        email_body=row["email_body"],
        linkedin_note=row["linkedin_note"],
        source=row["source"],
        template_set=row["template_set"],
        template_version=row["template_version"],
        model=row.get("model"),
        fallback_reason=row.get("fallback_reason"),
        violations=list(row.get("violations") or []),
        cached=True,
        created_at=row["created_at"].isoformat() if isinstance(row.get("created_at"), datetime) else None,
    )


def _template_draft(ev: Evidence, r: RenderedSet, why: str | None) -> Draft:
    return Draft(
        ev.lead_id,
        r.email_subject,
        r.email_body,
        r.linkedin_note,
        "template",
        r.name,
        r.version,
        fallback_reason=why,
    )


class Drafter:
    """Drafts leads of one workspace: template sets read once, the LLM (if any) within one run's budget."""

    def __init__(self, ws: Workspace, *, llm: LlmDrafter | None = None, clock: Clock = utcnow) -> None:
        self.ws, self.llm, self.clock = ws, llm, clock
        self.sets = set_names(ws)

    def keys(self, ev: Evidence, rendered: RenderedSet) -> tuple[str, str | None]:
        """(template cache key, LLM cache key or ``None``)."""
        digest = ev.digest()
        tkey = cache_key(ev.lead_id, rendered.version, digest, "template")
        lkey = cache_key(ev.lead_id, rendered.version, digest, self.llm.generator) if self.llm else None
        return tkey, lkey

    def render(self, ev: Evidence) -> tuple[RenderedSet, str | None]:
        """The lead's template set rendered (and why the packaged default stood in, if it did)."""
        return render_set(self.ws, choose_template_set(ev, self.sets), ev)

    def current(self, conn: Connection, ev: Evidence) -> Draft:
        """What a lead shows now: the cached LLM draft of the current template and evidence if there is
        one, else the template draft (read only: nothing written, no LLM call)."""
        rendered, why = self.render(ev)
        tkey, lkey = self.keys(ev, rendered)
        cached = ostore.by_keys(conn, [k for k in (lkey, tkey) if k])
        if lkey and lkey in cached:
            return _from_row(cached[lkey])
        if tkey in cached:
            return _from_row(cached[tkey])
        return _template_draft(ev, rendered, why)

    def draft(
        self, conn: Connection, ev: Evidence, sig: Mapping[str, Any] | None, *, write: bool
    ) -> tuple[Draft, list[dict[str, Any]]]:
        """The lead's draft and the cache rows to write (asks the LLM when enabled and not cached)."""
        rendered, why = self.render(ev)
        tkey, lkey = self.keys(ev, rendered)
        cached = ostore.by_keys(conn, [k for k in (lkey, tkey) if k])
        now = self.clock()
        rows: list[dict[str, Any]] = []
        template = _template_draft(ev, rendered, why)
        if tkey in cached:
            template = _from_row(cached[tkey])
        else:
            rows.append(_row(template, ev, sig, tkey, now))
        if not self.llm or not lkey:
            return template, rows
        if lkey in cached:
            return _from_row(cached[lkey]), rows
        if not write:
            return Draft(**{**template.to_dict(), "fallback_reason": "a run would ask the LLM"}), rows
        out = self.llm.draft(ev)
        if out.reply is not None:
            d = Draft(
                ev.lead_id,
                out.reply.subject,
                out.reply.body,
                out.reply.linkedin_note,
                "llm",
                rendered.name,
                rendered.version,
                model=out.model,
            )
        else:
            d = Draft(
                **{
                    **template.to_dict(),
                    "fallback_reason": out.reason,
                    "violations": out.violations,
                    "model": out.model,
                    "cached": False,
                }
            )
        if out.cacheable:
            usage = {k: getattr(out, k) for k in ("prompt_tokens", "completion_tokens", "cost", "latency_ms")}
            rows.append(_row(d, ev, sig, lkey, now, **usage))
        return d, rows


def make_llm(ws: Workspace, use_llm: bool | None) -> LlmDrafter | None:
    """The run's LLM drafter: ``use_llm`` (``--llm`` / ``--no-llm``), else ``[outreach.llm] enabled``."""
    o = ws.config.outreach
    if not (o.llm.enabled if use_llm is None else use_llm):
        return None
    return LlmDrafter(o.llm, [*o.allowed_terms, ws.config.workspace.name])


def draft_lead(
    ws: Workspace,
    lead_id: str,
    *,
    use_llm: bool | None = None,
    llm: LlmDrafter | None = None,
    clock: Clock = utcnow,
) -> Draft:
    """``jobshift draft LEAD_ID``: the lead's draft (made and cached when not cached yet)."""
    llm = llm if llm is not None else make_llm(ws, use_llm)
    drafter = Drafter(ws, llm=llm, clock=clock)
    try:
        with ws.store.begin() as conn:
            rows = jobshift_leads(conn, [lead_id])
            if not rows:
                raise NotFoundError(f"no lead {lead_id} created by jobshift")
            ev, sig = load_evidence(conn, rows, ws.config.workspace.name)[lead_id]
            draft, new_rows = drafter.draft(conn, ev, sig, write=True)
            if new_rows:
                ostore.insert_new(conn, new_rows)
    finally:
        if llm is not None:
            llm.close()
    return draft


def draft_all(
    ws: Workspace,
    *,
    dry_run: bool = False,
    use_llm: bool | None = None,
    llm: LlmDrafter | None = None,
    lead_ids: Sequence[str] | None = None,
    clock: Clock = utcnow,
) -> DraftRunSummary:
    """``jobshift draft --all``: draft every jobshift lead not drafted for its current template and
    evidence; one transaction per lead (a crash loses at most the lead being drafted)."""
    if not ws.config.outreach.drafts:
        return DraftRunSummary(dry_run, fallbacks={"[outreach] drafts = false": 1})
    llm = llm if llm is not None else make_llm(ws, use_llm)
    drafter = Drafter(ws, llm=llm, clock=clock)
    summary = DraftRunSummary(dry_run)
    sources: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    try:
        with ws.store.connect() as conn:
            leads = jobshift_leads(conn, lead_ids)
            evidence = load_evidence(conn, leads, ws.config.workspace.name)
        summary.leads = len(leads)
        for lead in leads:
            ev, sig = evidence[str(lead["id"])]
            with ws.store.begin() as conn:
                draft, rows = drafter.draft(conn, ev, sig, write=not dry_run)
                if rows and not dry_run:
                    summary.written += ostore.insert_new(conn, rows)
                elif rows:
                    summary.written += len(rows)
            if not rows:
                summary.cached += 1
            sources[draft.source] += 1
            if draft.fallback_reason:
                reasons[draft.fallback_reason.split(":")[0]] += 1
            if len(summary.drafts) < MAX_LISTED and (rows or dry_run):
                summary.drafts.append(draft.to_dict())
    finally:
        if llm is not None:
            llm.close()
    summary.by_source, summary.fallbacks = dict(sources), dict(reasons)
    summary.llm = llm.usage.to_dict() if llm else None
    return summary


def lead_drafts(ws: Workspace, lead_ids: Sequence[str]) -> dict[str, Draft]:
    """The current draft of each lead (read only): for the lead page and notifications."""
    if not ws.config.outreach.drafts or not lead_ids:
        return {}
    drafter = Drafter(ws, llm=make_llm(ws, None))
    try:
        with ws.store.connect() as conn:
            rows = jobshift_leads(conn, lead_ids)
            ev = load_evidence(conn, rows, ws.config.workspace.name)
            return {lid: drafter.current(conn, e) for lid, (e, _s) in ev.items()}
    finally:
        if drafter.llm is not None:
            drafter.llm.close()


def lead_draft(ws: Workspace, lead_id: str) -> dict[str, Any] | None:
    """The lead page's ``drafts`` variable: the lead's current draft as a dict (``None``: no draft, e.g.
    a lead imported from the CRM, or drafts turned off)."""
    d = lead_drafts(ws, [lead_id]).get(lead_id)
    return d.to_dict() if d else None
