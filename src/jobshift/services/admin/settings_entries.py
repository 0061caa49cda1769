"""Adding and removing tiers and cohorts from the settings forms (``/settings/forms``).

A new tier (``tiers.new``) or cohort (``cohorts.new``) is a blank form of the same pydantic model as
``jobshift.toml`` (errors next to the field); a tier also needs its name (a TOML key). A new tier goes
before the last one (the last tier takes the rest), a new cohort after the others (the lowest priority).
A removal is refused with the reason when something else needs the entry: the only tier or cohort, the
last tier (it takes the rest), a cohort a tier names in ``cohorts``, the top cohort while a tier uses
``top_cohort``. Both write the file through tomlkit (comments kept), validated whole, atomically and
audited (``settings_file.save_config_text``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import tomlkit
from pydantic import ValidationError

from jobshift.config import Config
from jobshift.config.program import CohortSection, TierSection
from jobshift.errors import ConfigError, ConflictError, NotFoundError
from jobshift.services.admin import settings_file
from jobshift.services.admin.auth import AppUser
from jobshift.services.admin.settings_forms import (
    SECRET_WORDS,
    FormField,
    SettingsForm,
    field_errors,
    field_kind,
    parse_value,
    table_of,
)
from jobshift.services.workspace import Workspace

NEW_KEYS = {"tiers.new": "New tier", "cohorts.new": "New cohort"}
"""The add forms: key → title."""
TIER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def blank_form(key: str) -> SettingsForm:
    """The empty form adding a tier (with its name) or a cohort, defaults filled in."""
    if key not in NEW_KEYS:
        raise NotFoundError(f"no settings form {key!r}")
    model = TierSection if key == "tiers.new" else CohortSection
    fields: list[FormField] = []
    if key == "tiers.new":
        fields.append(FormField("name", "text", "", "The tier's name, a TOML key: letters, digits, _ or -."))
    skipped = []
    for name, info in model.model_fields.items():
        kind = field_kind(info.annotation)
        if kind is None or any(w in name for w in SECRET_WORDS):
            skipped.append(name)
            continue
        value = None if info.is_required() else info.get_default(call_default_factory=True)
        fields.append(FormField(name, kind[0], value, info.description or "", kind[1], kind[2]))  # type: ignore[arg-type]
    return SettingsForm(key, NEW_KEYS[key], fields, skipped)


def _reorder_tiers(doc: Any, order: list[str]) -> None:
    """Put the tables of ``[tiers]`` in ``order`` (each table kept with its comments)."""
    tiers = doc["tiers"]
    items = {k: tiers[k] for k in list(tiers.keys())}
    for k in list(tiers.keys()):
        del tiers[k]
    for k in order:
        tiers[k] = items[k]


def add(ws: Workspace, viewer: AppUser, key: str, data: Mapping[str, str | None]) -> tuple[SettingsForm, str]:
    """Validate and add a tier or cohort; the form (with its errors) and the new entry's form key."""
    cfg = ws.config
    form = blank_form(key)
    values = {f.name: parse_value(f, data.get(f.name)) for f in form.fields}
    for f in form.fields:
        f.value = values[f.name]
    name = str(values.pop("name", "") or "") if key == "tiers.new" else ""
    entry = {k: v for k, v in values.items() if v is not None}
    model = TierSection if key == "tiers.new" else CohortSection
    try:
        valid = model.model_validate(entry)
    except ValidationError as exc:
        field_errors(form, exc)
        valid = None
    name_field = form.fields[0]
    if key == "tiers.new":
        if not TIER_NAME.match(name):
            name_field.error = "letters, digits, _ or - (at most 40)"
        elif name == "new":
            name_field.error = "'new' is the add form's name; pick another"
        elif name in cfg.tiers:
            name_field.error = f"a tier {name!r} exists already"
    elif valid is not None and any(c.name == entry["name"] for c in cfg.cohorts):
        next(f for f in form.fields if f.name == "name").error = f"a cohort {entry['name']!r} exists already"
    if valid is None or any(f.error for f in form.fields):
        return form, key
    table = tomlkit.table()
    table.update(valid.model_dump(exclude_defaults=True))
    doc = tomlkit.parse(settings_file.read_config_text(ws))
    if key == "tiers.new":
        table_of(doc, f"tiers.{next(iter(cfg.tiers))}", cfg)  # [tiers] written out when missing
        doc["tiers"][name] = table
        names = list(cfg.tiers)
        _reorder_tiers(doc, [*names[:-1], name, names[-1]])  # the last tier keeps the rest
        new_key = f"tiers.{name}"
    else:
        table_of(doc, "cohorts.0", cfg)  # [[cohorts]] written out when missing
        doc["cohorts"].append(table)
        new_key = f"cohorts.{len(cfg.cohorts)}"
    try:
        settings_file.save_config_text(ws, viewer, tomlkit.dumps(doc))
    except ConfigError as exc:
        form.error = str(exc)
    return form, new_key


def removal_refused(cfg: Config, key: str) -> str | None:
    """Why the tier or cohort ``key`` may not be removed (``None``: it may)."""
    head, _, rest = key.partition(".")
    if head == "tiers" and rest in cfg.tiers:
        names = list(cfg.tiers)
        if len(names) == 1:
            return "the only tier cannot be removed (at least one tier is needed)"
        if rest == names[-1]:
            return f"tier {rest!r} is the last tier, which takes the rest; remove another tier"
        return None
    if head == "cohorts" and rest.isdigit() and int(rest) < len(cfg.cohorts):
        name = cfg.cohorts[int(rest)].name
        if len(cfg.cohorts) == 1:
            return "the only cohort cannot be removed (at least one cohort is needed)"
        users = [t for t, tier in cfg.tiers.items() if name in tier.cohorts]
        if users:
            return f"cohort {name!r} is used by tier {', '.join(users)} (its cohorts); edit that tier first"
        top = [t for t, tier in cfg.tiers.items() if tier.top_cohort]
        if rest == "0" and top:
            return f"cohort {name!r} is the top cohort, used by tier {', '.join(top)} (top_cohort)"
        return None
    raise NotFoundError(f"no tier or cohort {key!r}")


def remove(ws: Workspace, viewer: AppUser, key: str) -> None:
    """Remove the tier or cohort ``key`` from ``jobshift.toml`` (atomic, audited); refused
    (:class:`ConflictError`) when something else needs it."""
    cfg = ws.config
    why = removal_refused(cfg, key)
    if why is not None:
        raise ConflictError(why)
    head, _, rest = key.partition(".")
    doc = tomlkit.parse(settings_file.read_config_text(ws))
    table_of(doc, key, cfg)  # the table written out when the file had none (defaults)
    if head == "tiers":
        del doc["tiers"][rest]
    else:
        del doc["cohorts"][int(rest)]
    try:
        settings_file.save_config_text(ws, viewer, tomlkit.dumps(doc))
    except ConfigError as exc:
        raise ConflictError(f"not removed: {exc}") from exc


__all__ = ["NEW_KEYS", "add", "blank_form", "removal_refused", "remove"]
