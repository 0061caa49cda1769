"""What the generated template and reference read from the models: keys, kinds, defaults, types, limits.

A key is one field of a section model, seen as ``jobshift.toml`` sees it: a plain value (``key = 1``,
lists included), a nested section (``[a.b]``), a table of values (``[a.b]`` with ``name = value``
lines), a table of tables (``[a.b.<name>]`` of values), or entries of a section model, keyed
(``[a.b.<name>]``) or listed (``[[a.b]]``). Nothing here reads the environment: the defaults are the
fields' own.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import NoneType, UnionType
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

Kind = Literal["value", "section", "mapping", "tables", "entries", "array"]


@dataclass(frozen=True)
class Key:
    """One field of a section model, as a ``jobshift.toml`` key."""

    name: str
    """The key in the file (the field's alias when it has one: ``import``)."""
    attr: str
    """The attribute on the model (``import_``)."""
    field: FieldInfo
    kind: Kind
    model: type[BaseModel] | None
    """The section model of a ``section``, ``entries`` or ``array`` key."""

    @property
    def description(self) -> str:
        """The field's description (empty when missing: a test requires one on every field)."""
        return self.field.description or ""

    @property
    def example(self) -> Any:
        """The first of the field's ``examples``, or ``None``."""
        return self.field.examples[0] if self.field.examples else None

    @property
    def required(self) -> bool:
        """Whether the key has no default (``[[cohorts]] name``, ``[tiers.*] cadence``)."""
        return self.field.is_required()

    def default(self) -> Any:
        """The field's default value (its default factory called), ``None`` when required."""
        if self.required:
            return None
        return self.field.get_default(call_default_factory=True)

    def notes(self) -> dict[str, str]:
        """Notes on the default entries of an ``entries`` / ``array`` key, by entry name."""
        extra = self.field.json_schema_extra
        notes = extra.get("entry_notes") if isinstance(extra, dict) else None
        return dict(notes) if isinstance(notes, dict) else {}  # type: ignore[arg-type]


def _strip_optional(tp: Any) -> Any:
    if get_origin(tp) in (Union, UnionType):
        args = [a for a in get_args(tp) if a is not NoneType]
        if len(args) == 1:
            return args[0]
    return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


@functools.cache
def keys(model: type[BaseModel]) -> tuple[Key, ...]:
    """The keys of ``model`` in field order (models do not change: computed once per model)."""
    out: list[Key] = []
    for attr, field in model.model_fields.items():
        tp = _strip_optional(field.annotation)
        origin, args = get_origin(tp), get_args(tp)
        kind: Kind = "value"
        sub: type[BaseModel] | None = None
        if _is_model(tp):
            kind, sub = "section", tp
        elif origin is list and args and _is_model(args[0]):
            kind, sub = "array", args[0]
        elif origin is dict and args:
            value = args[1]
            if _is_model(value):
                kind, sub = "entries", value
            elif get_origin(value) is dict:
                kind = "tables"
            else:
                kind = "mapping"
        out.append(Key(field.alias or attr, attr, field, kind, sub))
    return tuple(out)


def walk(model: type[BaseModel], path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Key]]:
    """Every key of ``model`` and of its nested sections (not of entries), with the path of its table."""
    for k in keys(model):
        yield path, k
        if k.kind == "section" and k.model is not None:
            yield from walk(k.model, (*path, k.name))


def plain(value: Any) -> Any:
    """``value`` with every model turned into a dict of its TOML keys."""
    if isinstance(value, BaseModel):
        return {k.name: plain(getattr(value, k.attr)) for k in keys(type(value))}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(name: str) -> str:
    """A TOML key: bare when it can be, else quoted."""
    return name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """``value`` (plain data, no ``None``) as an inline TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{" + (f" {inner} " if inner else "") + "}"
    raise TypeError(f"no TOML form for {value!r}")


_SCALARS = {str: "string", int: "integer", float: "float", bool: "boolean"}


def type_name(tp: Any) -> str:
    """A reader's name for a field type: ``integer``, ``list of string``, ``table of float``…"""
    tp = _strip_optional(tp)
    origin, args = get_origin(tp), get_args(tp)
    if origin is Literal:
        return _SCALARS.get(type(args[0]), "string")
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"table of {type_name(args[1])}"
    if _is_model(tp):
        return "table"
    return _SCALARS.get(tp, getattr(tp, "__name__", str(tp)))


def _choices(tp: Any) -> list[Any] | None:
    tp = _strip_optional(tp)
    return list(get_args(tp)) if get_origin(tp) is Literal else None


def allowed(key: Key) -> str:
    """The values a key accepts beyond its type: choices, bounds, patterns (empty when any)."""
    tp = _strip_optional(key.field.annotation)
    origin, args = get_origin(tp), get_args(tp)
    parts: list[str] = []
    if (c := _choices(tp)) is not None:
        parts.append("one of " + ", ".join(toml_value(v) for v in c))
    elif origin is list and args and (c := _choices(args[0])) is not None:
        parts.append("items: " + ", ".join(toml_value(v) for v in c))
    elif origin is dict and args and (c := _choices(args[0])) is not None:
        parts.append("keys: " + ", ".join(toml_value(v) for v in c))
    bounds = {type(m).__name__: m for m in key.field.metadata}
    low, high = bounds.get("Ge"), bounds.get("Le")
    if isinstance(low, at.Ge) and isinstance(high, at.Le):
        parts.append(f"{low.ge} to {high.le}")
    else:
        for m in key.field.metadata:
            for name, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
                if isinstance(m, getattr(at, name.capitalize())):
                    parts.append(f"{sign} {getattr(m, name)}")
    for m in key.field.metadata:
        if isinstance(m, at.MinLen) and m.min_length:
            parts.append("not empty")
        if getattr(m, "pattern", None):
            parts.append(f"pattern `{m.pattern}`")
    return "; ".join(parts)
