"""The commented ``jobshift.toml`` that ``jobshift init`` writes, generated from the models.

Sections come in the order of :class:`~jobshift.config.model.Config`'s fields, keys in the order of
their model's fields; every key is preceded by its description as a comment. A key that is unset by
default is written commented out with its example value; a table that is empty by default is written
commented out with its example entries. Entries of ``[[cohorts]]``-like lists and ``[tiers.<name>]``-like
tables are written with the keys their default factory sets, after a comment listing every key they
take with its default. The result parses back to the defaults (``tests/test_config_template.py``).
"""

from __future__ import annotations

import textwrap
from typing import Any

from pydantic import BaseModel

from jobshift.config.introspect import Key, keys, plain, toml_key, toml_value
from jobshift.config.model import Config

WIDTH = 108

HEADER = """\
jobshift.toml: the program configuration of this workspace.
Every key is optional: the values shown are the defaults; a commented-out key is unset by default and
shows an example value. Environment variables override the file: JOBSHIFT_<SECTION>__<KEY>, e.g.
JOBSHIFT_DETECTION__NEW_HIRE_WINDOW_DAYS=60. docs/configuration.md describes every key (type, default,
allowed values); this file and that page are generated from the same models."""


def comment(text: str, indent: str = "") -> list[str]:
    """``text`` as ``#`` comment lines of at most :data:`WIDTH` characters (paragraphs kept)."""
    out: list[str] = []
    for para in text.splitlines() or [""]:
        wrapped = textwrap.wrap(
            para,
            WIDTH - 2,
            initial_indent=indent,
            subsequent_indent=indent + "  " if indent else "",
            break_on_hyphens=False,
        )
        out += [f"# {line}" for line in wrapped] if wrapped else ["#"]
    return out


def _path(parent: str, name: str) -> str:
    return f"{parent}.{toml_key(name)}" if parent else toml_key(name)


def key_summary(key: Key) -> str:
    """One line about a key of an entry model: description, and the default when it has one."""
    text = key.description
    if key.required:
        return text
    default = plain(key.default())
    shown = "unset" if default is None else toml_value(default)
    return f"{text} Default: {shown}."


def _value_lines(key: Key, value: Any) -> list[str]:
    if value is None:
        example = key.example
        return [f"# {toml_key(key.name)} = {toml_value(plain(example))}"] if example is not None else []
    return [f"{toml_key(key.name)} = {toml_value(plain(value))}"]


def _entry_lines(model: type[BaseModel], entry: BaseModel) -> list[str]:
    """The keys a default entry sets (its default factory names them), in field order."""
    return [
        f"{toml_key(k.name)} = {toml_value(plain(v))}"
        for k in keys(model)
        if (k.required or k.attr in entry.model_fields_set) and (v := getattr(entry, k.attr)) is not None
    ]


def _keys_comment(key: Key, header: str) -> list[str]:
    assert key.model is not None
    lines = comment(f"Keys of each {header}:")
    for k in keys(key.model):
        lines += comment(f"{k.name}: {key_summary(k)}", indent="  ")
    return lines


def _values(section: BaseModel) -> dict[str, Any]:
    return {k.attr: getattr(section, k.attr) for k in keys(type(section))}


def _table(model: type[BaseModel], values: dict[str, Any], path: str, about: str) -> list[str]:
    """A section: its header, its plain keys, then its nested tables in field order."""
    lines: list[str] = []
    if path:
        lines += ["", *comment(about), f"[{path}]"]
    subs: list[tuple[Key, Any]] = []
    for k in keys(model):
        if k.kind == "value":
            lines += [*comment(k.description), *_value_lines(k, values[k.attr])]
        else:
            subs.append((k, values[k.attr]))
    for k, value in subs:
        lines += _subtable(k, value, _path(path, k.name))
    return lines


def _subtable(key: Key, value: Any, path: str) -> list[str]:
    if key.kind == "section":
        assert isinstance(value, BaseModel)
        return _table(type(value), _values(value), path, key.description)
    lines = ["", *comment(key.description)]
    if key.kind in ("mapping", "tables"):
        if value:
            return [*lines, *value_tables(key, value, path)]
        return [*lines, *(f"# {line}" for line in value_tables(key, key.example or {}, path))]
    header = f"[{path}.<name>]" if key.kind == "entries" else f"[[{path}]]"
    return [*lines, *_keys_comment(key, header), *entry_tables(key, value, path)]


def value_tables(key: Key, value: dict[str, Any], path: str) -> list[str]:
    """A ``mapping`` key's value as one table, a ``tables`` key's value as one table per name."""
    if key.kind == "mapping":
        return [f"[{path}]", *(f"{toml_key(str(n))} = {toml_value(plain(v))}" for n, v in value.items())]
    lines: list[str] = []
    for name, table in value.items():
        lines += [f"[{path}.{toml_key(name)}]"]
        lines += [f"{toml_key(str(n))} = {toml_value(plain(v))}" for n, v in table.items()]
    return lines


def entry_tables(key: Key, value: Any, path: str) -> list[str]:
    """The default entries of an ``entries`` / ``array`` key as TOML tables, each after a blank line."""
    assert key.model is not None
    notes = key.notes()
    lines: list[str] = []
    if key.kind == "entries":
        for name, entry in value.items():
            note = comment(notes[name]) if name in notes else []
            lines += ["", f"[{path}.{toml_key(name)}]", *note, *_entry_lines(key.model, entry)]
        return lines
    for entry in value:
        name = getattr(entry, "name", "")
        note = comment(notes[name]) if name in notes else []
        lines += ["", *note, f"[[{path}]]", *_entry_lines(key.model, entry)]
    return lines


def render_template() -> str:
    """The commented default ``jobshift.toml``."""
    defaults = {k.attr: k.default() for k in keys(Config)}
    lines = [*comment(HEADER), ""]
    lines += _table(Config, defaults, "", "")
    return "\n".join(lines) + "\n"
