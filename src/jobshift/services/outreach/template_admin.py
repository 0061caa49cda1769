"""The outreach templates settings page's use cases: list the sets per rule and persona, validate an
edited set (field errors with line numbers), preview it against a real lead or the sample evidence, save
it into the workspace's template files (audited) and reset a set to the built-in default.

The workspace's files stay the source of truth: ``jobshift draft`` reads exactly what is saved here. A
draft's cache key holds the template version (a hash of the set's texts), so saving or resetting a set
makes every lead using it get a new draft on the next read or ``jobshift draft --all``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import get_args

from jinja2 import TemplateError, TemplateSyntaxError, meta

from jobshift.config.core import LeadSignalType
from jobshift.domain.outreach.drafts import (
    DEFAULT_SET,
    LINKEDIN_NOTE_MAX,
    TEMPLATE_FILES,
    template_version,
)
from jobshift.domain.outreach.evidence import Evidence
from jobshift.errors import ConflictError, NotFoundError, UsageError
from jobshift.services.outreach import template_sets as ts
from jobshift.services.outreach.lead_evidence import load_evidence
from jobshift.services.workspace import Workspace
from jobshift.store import outreach as ostore
from jobshift.store.audit import audit

SIGNAL_TYPES: tuple[str, ...] = get_args(LeadSignalType)
"""The rules (lead signal types) a set can be written for."""
VARIABLES = frozenset(ts.SAMPLE.context())
"""The evidence variables a template may use."""
PART_LABELS = {
    "email_subject": "E-mail subject",
    "email_body": "E-mail body",
    "linkedin_note": "LinkedIn note",
}
AUDIT_OBJECT = "outreach_template"


@dataclass(frozen=True)
class SetInfo:
    """One editable set: which rule and persona it serves, and where its texts come from."""

    name: str
    rule: str
    """The signal type (``any`` for ``default``)."""
    persona: str
    """``persona``, ``other`` or ``any``."""
    override: bool
    """The workspace has its own files for the set."""
    builtin: bool
    """jobshift ships the set."""
    used_now: str
    """The set a lead of this rule and persona is drafted with today."""
    version: str


@dataclass
class FieldError:
    """A problem with one part of a set (``line`` when the template says where)."""

    part: str
    message: str
    line: int | None = None


@dataclass
class Preview:
    """A set rendered for one lead (or the sample), with the problems found."""

    lead_id: str
    subject: str = ""
    body: str = ""
    note: str = ""
    note_chars: int = 0
    errors: list[FieldError] = field(default_factory=list)

    def errors_by_part(self) -> dict[str, list[FieldError]]:
        """The errors of each part."""
        out: dict[str, list[FieldError]] = {p: [] for p in TEMPLATE_FILES}
        for e in self.errors:
            out.setdefault(e.part, []).append(e)
        return out


def check_name(name: str) -> str:
    """``name`` if it is a set the page edits (``default``, a signal type, ``<type>.persona|other``)."""
    base, _, persona = name.partition(".")
    if name == DEFAULT_SET or (base in SIGNAL_TYPES and persona in ("", "persona", "other")):
        return name
    raise NotFoundError(f"no template set {name!r}")


def _has_override(ws: Workspace, name: str) -> bool:
    folder = ts.workspace_dir(ws) / name
    return any((folder / f"{p}.j2").is_file() for p in TEMPLATE_FILES)


def _resolves_to(ws: Workspace, name: str) -> str:
    """The set leads of ``name``'s rule and persona use now (itself, its signal type's set, ``default``)."""
    available = set(ts.set_names(ws))
    for cand in (name, name.partition(".")[0], DEFAULT_SET):
        if cand in available:
            return cand
    return DEFAULT_SET


def list_sets(ws: Workspace) -> list[SetInfo]:
    """Every editable set, ``default`` first, then per rule: the rule's set and its persona variants."""
    names = [DEFAULT_SET] + [f"{t}{s}" for t in SIGNAL_TYPES for s in ("", ".persona", ".other")]
    out = []
    for n in names:
        rule, _, persona = n.partition(".")
        used = _resolves_to(ws, n)
        out.append(
            SetInfo(
                name=n,
                rule="any" if n == DEFAULT_SET else rule,
                persona=persona or "any",
                override=_has_override(ws, n),
                builtin=(ts.PACKAGED / n).is_dir(),
                used_now=used,
                version=template_version(ts.read_set(ws, used)),
            )
        )
    return out


def current_texts(ws: Workspace, name: str) -> dict[str, str]:
    """The texts the edit form starts from: the set's own, else those of the set used in its place."""
    check_name(name)
    return ts.read_set(ws, _resolves_to(ws, name))


def builtin_texts(name: str) -> dict[str, str]:
    """The packaged texts of ``name`` (``default``'s when jobshift does not ship it)."""
    folder = ts.PACKAGED / name if (ts.PACKAGED / name).is_dir() else ts.PACKAGED / DEFAULT_SET
    return {p: (folder / f"{p}.j2").read_text(encoding="utf-8") for p in TEMPLATE_FILES}


def _line_of(text: str, word: str) -> int | None:
    m = re.search(rf"\b{re.escape(word)}\b", text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def check_texts(texts: dict[str, str]) -> list[FieldError]:
    """Syntax errors, unknown variables and oversized parts, each on its part with a line number."""
    errors: list[FieldError] = []
    env = ts._env()
    for part in TEMPLATE_FILES:
        text = texts.get(part)
        if text is None:
            errors.append(FieldError(part, "missing"))
            continue
        if len(text.encode("utf-8")) > ts.MAX_TEMPLATE_BYTES:
            errors.append(FieldError(part, f"longer than {ts.MAX_TEMPLATE_BYTES:,} bytes"))
            continue
        try:  # an unknown filter or test is found while compiling (TemplateAssertionError)
            names = meta.find_undeclared_variables(env.parse(text))
        except TemplateSyntaxError as exc:
            errors.append(FieldError(part, f"syntax error: {exc.message}", exc.lineno))
            continue
        for var in sorted(names - VARIABLES):
            errors.append(
                FieldError(part, f"unknown variable {var!r} (not in the evidence)", _line_of(text, var))
            )
    return errors


def _template_line(exc: BaseException) -> int | None:
    """The template line a render error happened on (Jinja2 puts template frames in the traceback)."""
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _clean(texts: dict[str, str]) -> dict[str, str]:
    return {p: texts.get(p, "").replace("\r\n", "\n") for p in TEMPLATE_FILES}


def render_preview(texts: dict[str, str], evidence: Evidence) -> Preview:
    """``texts`` rendered for ``evidence``; problems (including a LinkedIn note over the limit) listed."""
    texts = _clean(texts)
    pv = Preview(evidence.lead_id, errors=check_texts(texts))
    if pv.errors:
        return pv
    ctx, rendered = evidence.context(), {}
    for part in TEMPLATE_FILES:
        try:
            rendered[part] = ts._env().from_string(texts[part]).render(ctx)
        except Exception as exc:  # a sandboxed template may raise anything (1/0, filters)
            msg = str(exc) if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}"
            pv.errors.append(FieldError(part, f"does not render: {msg}", _template_line(exc)))
    if pv.errors:
        return pv
    raw_note = " ".join(rendered["linkedin_note"].split())
    pv.subject, pv.body, pv.note = ts.render_texts(texts, evidence)
    for part, out in (("email_subject", pv.subject), ("email_body", pv.body)):
        if not out:
            pv.errors.append(FieldError(part, f"renders empty for {evidence.lead_id}"))
    pv.note_chars = len(raw_note)
    if len(raw_note) > LINKEDIN_NOTE_MAX:
        pv.errors.append(
            FieldError(
                "linkedin_note",
                f"renders to {len(raw_note)} characters for {evidence.lead_id}; "
                f"LinkedIn allows {LINKEDIN_NOTE_MAX}",
            )
        )
    return pv


def preview_leads(ws: Workspace, limit: int = 20) -> list[str]:
    """The newest jobshift leads, to preview against."""
    with ws.store.connect() as conn:
        return ostore.newest_jobshift_lead_ids(conn, limit)


def evidence_for(ws: Workspace, lead_id: str | None) -> Evidence:
    """The evidence of ``lead_id`` (a lead jobshift created), or the sample evidence when ``None``."""
    if not lead_id or lead_id == ts.SAMPLE.lead_id:
        return ts.SAMPLE
    with ws.store.connect() as conn:
        rows = ostore.jobshift_leads(conn, [lead_id])
        if not rows:
            raise NotFoundError(f"no lead {lead_id} created by jobshift")
        return load_evidence(conn, rows, ws.config.workspace.name)[lead_id][0]


def preview(ws: Workspace, name: str, texts: dict[str, str], lead_id: str | None) -> Preview:
    """The edited texts of set ``name`` rendered for a lead of the workspace (or the sample)."""
    check_name(name)
    return render_preview(texts, evidence_for(ws, lead_id))


def save(
    ws: Workspace,
    name: str,
    texts: dict[str, str],
    *,
    actor: str,
    lead_id: str | None = None,
    base_version: str | None = None,
) -> tuple[str, Preview]:
    """Validate (with the sample evidence and, when given, the preview lead's), then write set ``name``
    into the workspace's files (all written to temporary files, then renamed), with an audit entry
    (old and new version hash).
    ``base_version``: the version the editor started from; when the set changed since (another admin
    saved, or its files were edited), ``ConflictError`` and nothing is written.
    Returns the new version and the preview; raises ``UsageError`` (nothing written) on any problem."""
    check_name(name)
    clean = _clean(texts)
    problems = render_preview(clean, ts.SAMPLE).errors
    pv = render_preview(clean, evidence_for(ws, lead_id)) if lead_id else None
    if not problems and pv is not None:
        problems = pv.errors
    if problems:
        raise UsageError("; ".join(f"{PART_LABELS.get(e.part, e.part)}: {e.message}" for e in problems))
    old = template_version(ts.read_set(ws, _resolves_to(ws, name)))
    new = template_version(clean)
    if base_version and base_version != old and new != old:
        raise ConflictError(
            f"template set {name!r} changed since you opened it (version {base_version}, now {old}): "
            "reload the page to see the current texts; your edit is still in the form"
        )
    if old == new and _has_override(ws, name):  # saving the same texts again changes nothing
        return new, pv or render_preview(clean, ts.SAMPLE)
    with ws.store.begin() as conn:  # the audit entry commits only if the files were written
        audit(
            conn,
            actor=actor,
            action="update",
            object=AUDIT_OBJECT,
            record_id=name,
            before={"version": old, "override": _has_override(ws, name)},
            after={"version": new, "override": True},
        )
        ts.save_set(ws, name, clean)
    return new, pv or render_preview(clean, ts.SAMPLE)


def reset(ws: Workspace, name: str, *, actor: str) -> str:
    """Delete the workspace's files of set ``name`` (leads use the built-in set again); audited.
    Returns the version leads use now; resetting a set without an override changes nothing."""
    check_name(name)
    if not _has_override(ws, name):
        return template_version(ts.read_set(ws, _resolves_to(ws, name)))
    old = template_version(ts.read_set(ws, name))
    if (ts.PACKAGED / name).is_dir():
        new = template_version(builtin_texts(name))
    else:
        new = template_version(ts.read_set(ws, _resolves_to(ws, name.partition(".")[0])))
    folder = ts.workspace_dir(ws) / name
    with ws.store.begin() as conn:  # the audit entry commits only if the files were deleted
        audit(
            conn,
            actor=actor,
            action="reset",
            object=AUDIT_OBJECT,
            record_id=name,
            before={"version": old, "override": True},
            after={"version": new, "override": False},
        )
        for part in TEMPLATE_FILES:
            (folder / f"{part}.j2").unlink(missing_ok=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return new
