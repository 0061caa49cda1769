"""Settings as forms: persona, ICP, cohorts and tiers, routing, notification preferences and the org's
vocabulary, validated by the same pydantic models as ``jobshift.toml``.

The TOML file stays the source of truth: a form edits one table of it (``[persona]``, ``[tiers.tier1]``,
the second ``[[cohorts]]``, …) through tomlkit, so comments and the rest of the file are kept; the whole
file is then validated like the CLI does and written atomically with an audit entry
(``settings_file.save_config_text``). A field the model rejects is reported next to the field; a value
left empty on an optional field removes the key (its default applies). Fields a form cannot show (nested
tables such as ``[routing.regions]``, and secrets) are edited in the TOML text.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import tomlkit
from pydantic import BaseModel, ValidationError
from tomlkit.items import AoT

from jobshift.config import Config
from jobshift.errors import ConfigError, NotFoundError
from jobshift.services.admin import settings_file
from jobshift.services.admin.auth import AppUser
from jobshift.services.workspace import Workspace

SECTIONS = {
    "persona": "Persona",
    "icp": "Ideal customer profile",
    "program": "Org vocabulary and lead sources",
    "routing": "Routing",
    "notifications": "Notification preferences",
}
"""Single-table forms: section key → title. Tiers and cohorts have one form per entry."""
SECRET_WORDS = ("token", "password", "secret", "api_key")


@dataclass
class FormField:
    """One input of a form."""

    name: str
    kind: Literal["text", "number", "bool", "choice", "list"]
    value: Any
    description: str
    choices: list[str] = field(default_factory=list)
    optional: bool = False
    error: str | None = None

    @property
    def text(self) -> str:
        """The value as the input shows it (a list: one item a line)."""
        if self.kind == "list":
            return "\n".join(str(v) for v in self.value or [])
        return "" if self.value is None else str(self.value)


@dataclass
class SettingsForm:
    """A form over one table of ``jobshift.toml``: its key (``persona``, ``tiers.tier1``, ``cohorts.2``)."""

    key: str
    title: str
    fields: list[FormField]
    skipped: list[str]
    error: str | None = None


def field_kind(annotation: Any) -> tuple[str, list[str], bool] | None:
    """(kind, choices, optional) of a field annotation a form can show; ``None`` otherwise."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            return None
        optional, annotation, origin = True, args[0], typing.get_origin(args[0])
    if annotation is bool:
        return "bool", [], optional
    if annotation in (int, float):
        return "number", [], optional
    if annotation is str:
        return "text", [], optional
    if origin is Literal:
        return "choice", [str(a) for a in typing.get_args(annotation)], optional
    if origin is list:
        (inner,) = typing.get_args(annotation) or (None,)
        if inner is str or typing.get_origin(inner) is Literal:
            return "list", [], optional
    return None


def _model_at(cfg: Config, key: str) -> BaseModel:
    head, _, rest = key.partition(".")
    if head in SECTIONS and not rest:
        return typing.cast(BaseModel, getattr(cfg, head))
    if head == "tiers" and rest in cfg.tiers:
        return cfg.tiers[rest]
    if head == "cohorts" and rest.isdigit() and int(rest) < len(cfg.cohorts):
        return cfg.cohorts[int(rest)]
    raise NotFoundError(f"no settings form {key!r}")


def _title(cfg: Config, key: str) -> str:
    head, _, rest = key.partition(".")
    if head == "tiers":
        return f"Tier {rest}"
    if head == "cohorts":
        return f"Cohort {int(rest) + 1}: {cfg.cohorts[int(rest)].name}"
    return SECTIONS[head]


def form_keys(cfg: Config) -> list[str]:
    """Every form of the settings page, in order."""
    return [*SECTIONS, *(f"tiers.{t}" for t in cfg.tiers), *(f"cohorts.{i}" for i in range(len(cfg.cohorts)))]


def build_form(cfg: Config, key: str) -> SettingsForm:
    """The form of ``key`` filled with the current values."""
    model = _model_at(cfg, key)
    fields, skipped = [], []
    for name, info in type(model).model_fields.items():
        kind = field_kind(info.annotation)
        if kind is None or any(w in name for w in SECRET_WORDS):
            skipped.append(name)
            continue
        fields.append(
            FormField(name, kind[0], getattr(model, name), info.description or "", kind[1], kind[2])  # type: ignore[arg-type]
        )
    return SettingsForm(key, _title(cfg, key), fields, skipped)


def parse_value(f: FormField, raw: str | None) -> Any:
    """The value of ``f`` from its raw input (a checkbox, a list one item a line or comma-separated, an
    empty optional field: ``None``)."""
    if f.kind == "bool":
        return raw in ("on", "true", "yes", "1")
    text = (raw or "").replace("\r\n", "\n").strip()
    if f.kind == "list":
        return [item.strip() for line in text.split("\n") for item in line.split(",") if item.strip()]
    if text == "" and f.optional:
        return None
    return text


def table_of(doc: Any, key: str, cfg: Config) -> Any:
    """The tomlkit table of ``key`` in ``doc``, created (with the current values) when missing."""
    head, _, rest = key.partition(".")
    if head in SECTIONS:
        if head not in doc:
            doc[head] = tomlkit.table()
        return doc[head]
    if head == "tiers":
        if "tiers" not in doc:
            tiers = tomlkit.table(is_super_table=True)
            for name, tier in cfg.tiers.items():
                tiers[name] = tier.model_dump(exclude_defaults=True)
            doc["tiers"] = tiers
        return doc["tiers"][rest]
    if "cohorts" not in doc:
        aot = AoT([])
        for cohort in cfg.cohorts:
            t = tomlkit.table()
            t.update(cohort.model_dump(exclude_defaults=True))
            aot.append(t)
        doc["cohorts"] = aot
    return doc["cohorts"][int(rest)]


def field_errors(form: SettingsForm, exc: ValidationError) -> None:
    """Each validation error next to its field (``form.error`` when it names none)."""
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else ""
        target = next((f for f in form.fields if f.name == name), None)
        if target is not None:
            target.error = str(err["msg"])
        else:
            form.error = str(err["msg"])


def submit(ws: Workspace, viewer: AppUser, key: str, data: Mapping[str, str | None]) -> SettingsForm:
    """Validate ``data`` (the form's inputs) with the section's model and, when valid, write it into
    ``jobshift.toml`` (comments kept; atomic; audited). The form comes back with the values submitted
    and an error per field, or a form-level error from validating the whole file."""
    cfg = ws.config
    form = build_form(cfg, key)
    model = _model_at(cfg, key)
    values = {f.name: parse_value(f, data.get(f.name)) for f in form.fields}
    for f in form.fields:
        f.value = values[f.name]
    try:
        type(model).model_validate({**model.model_dump(), **values})
    except ValidationError as exc:
        field_errors(form, exc)
        return form
    changed = {n: v for n, v in values.items() if v != getattr(model, n)}
    if not changed:
        return form
    doc = tomlkit.parse(settings_file.read_config_text(ws))
    table = table_of(doc, key, cfg)
    for name, value in changed.items():
        if value is None:
            if name in table:
                del table[name]
        else:
            table[name] = value
    try:
        settings_file.save_config_text(ws, viewer, tomlkit.dumps(doc))
    except ConfigError as exc:
        form.error = str(exc)
    return form


def forms(cfg: Config) -> list[SettingsForm]:
    """Every form, filled with the current values."""
    return [build_form(cfg, k) for k in form_keys(cfg)]


__all__ = ["SECTIONS", "FormField", "SettingsForm", "build_form", "form_keys", "forms", "submit"]
