"""Draft template sets: packaged defaults, the workspace's edited copies, rendering and saving.

A set is a folder of three Jinja2 files (``email_subject.j2``, ``email_body.j2``, ``linkedin_note.j2``).
jobshift ships ``default``, ``job_change``, ``new_hire`` and ``promotion``; the admin edits them (files in
``<workspace>/[outreach] templates_dir/<set>/`` or the Outreach templates page) and may add sets named
``<type>.persona`` / ``<type>.other``. A file in the workspace wins over the packaged one. Templates run
in Jinja2's sandbox with undefined variables as errors; a template that fails to render for a lead falls
back to the packaged ``default`` set (and says so), never crashing a run.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from jobshift.domain.outreach.drafts import (
    DEFAULT_SET,
    SUBJECT_MAX,
    TEMPLATE_FILES,
    clip_note,
    template_version,
)
from jobshift.domain.outreach.evidence import Evidence
from jobshift.errors import UsageError
from jobshift.services.workspace import Workspace
from jobshift.utils.files import atomic_open

PACKAGED = Path(__file__).parent / "templates"
_SET_NAME = re.compile(r"^[a-z_]+(\.(persona|other))?$")
MAX_TEMPLATE_BYTES = 20_000
SAMPLE = Evidence(
    lead_id="sample",
    signal_type="job_change",
    first_name="Dana",
    last_name="Reyes",
    new_company="Northwind Analytics",
    new_title="VP Engineering",
    job_started="2026-03",
    past_company="Contoso",
    past_title="Director of Engineering",
    past_was_customer=True,
    persona_match=True,
    rep_name="Sam Rivera",
    our_company="Acme",
)
"""The evidence templates are previewed and validated with."""


@dataclass(frozen=True)
class RenderedSet:
    """A set rendered for one lead."""

    name: str
    version: str
    email_subject: str
    email_body: str
    linkedin_note: str


@lru_cache(maxsize=1)
def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def workspace_dir(ws: Workspace) -> Path:
    """The folder of the workspace's template sets."""
    return ws.path / ws.config.outreach.templates_dir


def set_names(ws: Workspace) -> list[str]:
    """Every set there is (packaged and the workspace's), sorted with ``default`` first."""
    names = {p.name for p in PACKAGED.iterdir() if p.is_dir()}
    wdir = workspace_dir(ws)
    if wdir.is_dir():
        names |= {
            p.name
            for p in wdir.iterdir()
            if p.is_dir() and _SET_NAME.match(p.name) and any(p.glob("*.j2"))  # an empty folder is no set
        }
    return sorted(names, key=lambda n: (n != DEFAULT_SET, n))


def read_set(ws: Workspace, name: str) -> dict[str, str]:
    """The texts of set ``name``: the workspace's files, else the packaged ones, else ``default``'s."""
    out: dict[str, str] = {}
    for part in TEMPLATE_FILES:
        for folder in (workspace_dir(ws) / name, PACKAGED / name, PACKAGED / DEFAULT_SET):
            f = folder / f"{part}.j2"
            if f.is_file():
                out[part] = f.read_text(encoding="utf-8")
                break
    return out


def render_texts(texts: dict[str, str], evidence: Evidence) -> tuple[str, str, str]:
    """Render a set's texts for ``evidence`` (``TemplateError`` on a broken template)."""
    ctx = evidence.context()
    env = _env()
    subject = " ".join(env.from_string(texts["email_subject"]).render(ctx).split())[:SUBJECT_MAX]
    body = re.sub(r"\n{3,}", "\n\n", env.from_string(texts["email_body"]).render(ctx)).strip()
    note = clip_note(" ".join(env.from_string(texts["linkedin_note"]).render(ctx).split()))
    return subject, body, note


def render_set(ws: Workspace, name: str, evidence: Evidence) -> tuple[RenderedSet, str | None]:
    """Set ``name`` rendered for ``evidence``; a broken set falls back to the packaged default (with why)."""
    texts = read_set(ws, name)
    try:
        subject, body, note = render_texts(texts, evidence)
        return RenderedSet(name, template_version(texts), subject, body, note), None
    except TemplateError as exc:
        fallback = {
            p: (PACKAGED / DEFAULT_SET / f"{p}.j2").read_text(encoding="utf-8") for p in TEMPLATE_FILES
        }
        subject, body, note = render_texts(fallback, evidence)
        why = f"template set {name!r} failed ({exc}); the packaged default was used"
        return RenderedSet(DEFAULT_SET, template_version(fallback), subject, body, note), why


def save_set(ws: Workspace, name: str, texts: dict[str, str]) -> RenderedSet:
    """Validate (render with the sample evidence) and write set ``name`` into the workspace."""
    if not _SET_NAME.match(name):
        raise UsageError("a set name is a signal type (job_change...), optionally .persona or .other")
    missing = [p for p in TEMPLATE_FILES if p not in texts]
    if missing:
        raise UsageError(f"missing template part(s): {', '.join(missing)}")
    clean = {p: texts[p].replace("\r\n", "\n") for p in TEMPLATE_FILES}
    for part, text in clean.items():
        if len(text.encode("utf-8")) > MAX_TEMPLATE_BYTES:
            raise UsageError(f"{part}: longer than {MAX_TEMPLATE_BYTES:,} bytes")
    try:
        subject, body, note = render_texts(clean, SAMPLE)
    except TemplateError as exc:
        raise UsageError(f"the template does not render: {exc}") from None
    folder = workspace_dir(ws) / name
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:  # every file written to a temporary first; renamed only if all were
        for part, text in clean.items():
            stack.enter_context(atomic_open(folder / f"{part}.j2")).write(text)
    return RenderedSet(name, template_version(clean), subject, body, note)
