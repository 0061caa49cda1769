"""``docs/configuration.md``, generated from the models (``scripts/gen_config_docs.py`` writes it).

Every key gets a row: type, default, allowed values, description. Nested sections, keyed entries
(``[tiers.<name>]``) and listed entries (``[[cohorts]]``) get their own headings; their defaults are
shown as the TOML the template holds. ``tests/test_config_docs.py`` fails when the committed page is
not what :func:`render_reference` returns.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from jobshift.config.introspect import Key, allowed, keys, plain, toml_key, toml_value, type_name, walk
from jobshift.config.model import Config
from jobshift.config.retry import RETRY_RENAMED
from jobshift.config.template import entry_tables, value_tables

INTRO = """\
# Configuration reference

<!-- Generated from the models in src/jobshift/config/ by scripts/gen_config_docs.py: do not edit by hand.
     tests/test_config_docs.py fails when this page is stale. -->

A workspace is a directory holding `jobshift.toml` and, by default, the SQLite database `jobshift.db`.
`jobshift init` writes a commented `jobshift.toml` with every default; every key is optional. The
template and this page are generated from the same pydantic models (`src/jobshift/config/`), so a
default is written once. To add or change a key, edit its `Field(...)` there (default, limits,
`description`, and `examples` for a key unset by default) and run `scripts/gen_config_docs.py`.

## Where settings come from
1. Environment variables `JOBSHIFT_<SECTION>__<KEY>` (nested keys joined by a double underscore), e.g.
   `JOBSHIFT_DETECTION__NEW_HIRE_WINDOW_DAYS=60` or `JOBSHIFT_PROGRAM__TRACKING_CAP=20000`; each section
   below names its prefix. Lists and tables take JSON: `JOBSHIFT_SCHEDULE__JOBS='["tiers", "notify"]'`.
2. `jobshift.toml` in the workspace.
3. The defaults below.

Special variables: `JOBSHIFT_WORKSPACE` (the workspace directory, like `--workspace`; the `[workspace]`
section is `JOBSHIFT_WORKSPACE__<KEY>`) and `JOBSHIFT_DATABASE_URL` (the database; e.g.
`postgresql+psycopg://postgres@127.0.0.1:5432/test`; a PostgreSQL schema can be chosen with
`?options=-csearch_path%3Dmyschema`). Secrets (database passwords, API keys) belong in the environment,
not in the file; jobshift never prints them: `JOBSHIFT_SF_PASSWORD`, `JOBSHIFT_SF_CLIENT_SECRET`,
`JOBSHIFT_SF_TOKEN`, `JOBSHIFT_HUBSPOT_TOKEN`, `JOBSHIFT_PDL_API_KEY`, `JOBSHIFT_SLACK_TOKEN`,
`JOBSHIFT_SMTP_PASSWORD`, `JOBSHIFT_SECRET_KEY` (web sessions; else a generated `.jobshift-secret` file
with mode 0600).

## Errors
An invalid configuration stops every command with exit code 2 and one line naming the key path:
```
{error_example}
error: filters.skip_advisor: unknown key
```
Unknown keys are errors, so typos do not silently fall back to defaults. Besides each key's own limits
(below), the file as a whole needs: at least one cohort, unique cohort names, at least one tier, tiers
naming known cohorts, a last tier that takes the rest, tier names that are not scheduler job names, a
known time zone and known `[schedule] jobs`.

## Sections
""".replace(
    "{error_example}",
    "error: detection.new_hire_window_days: Input should be a valid integer, unable to parse string as an "
    "integer (got 'soon')",
)

_DOC_LINK = re.compile(r"(?<![\w/])docs/([\w-]+\.md)")


def md(text: str) -> str:
    """Text for a Markdown table cell: pipes and ``<`` escaped (``<reason>`` is no tag), doc links made."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):  # outside code spans
        parts[i] = _DOC_LINK.sub(r"[\1](\1)", parts[i].replace("<", "&lt;"))
    return "`".join(parts).replace("|", "\\|")


def _code(value: str) -> str:
    return f"`{value}`".replace("|", "\\|")


def default_cell(key: Key) -> str:
    """The default of a key as a table cell: its TOML value, ``required`` or ``unset (e.g. …)``."""
    if key.required:
        return "required"
    value = plain(key.default())
    if value is None:
        example = key.example
        return "unset" + (f" (e.g. {_code(toml_value(plain(example)))})" if example is not None else "")
    return _code(toml_value(value))


def _rows(model: type[BaseModel], kinds: tuple[str, ...] = ("value", "mapping", "tables")) -> list[str]:
    lines = ["| key | type | default | allowed | description |", "|---|---|---|---|---|"]
    for k in keys(model):
        if k.kind in kinds:
            cells = [
                _code(k.name),
                type_name(k.field.annotation),
                default_cell(k),
                md(allowed(k)),
                md(k.description),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def _examples(model: type[BaseModel], path: str) -> list[str]:
    out: list[str] = []
    for k in keys(model):
        if k.kind in ("mapping", "tables") and not k.default() and k.example:
            sub = f"{path}.{toml_key(k.name)}" if path else toml_key(k.name)
            out += ["", f"Example of `{k.name}`:", "```toml", *value_tables(k, k.example, sub), "```"]
    return out


def _env(path: list[str]) -> str:
    return "JOBSHIFT_" + "__".join(p.upper() for p in path) + "__<KEY>"


def _section(key: Key, value: Any, path: list[str], level: int) -> list[str]:
    """A heading for ``key`` (a section, entries or listed entries), its rows and its nested parts."""
    assert key.model is not None
    dotted = ".".join(toml_key(p) for p in [*path[:-1], key.name])
    hashes = "#" * level
    if key.kind == "section":
        lines = ["", f"{hashes} `[{dotted}]`", "", md(key.description), ""]
        lines += [f"Environment: `{_env(path)}`.", "", *_rows(key.model), *_examples(key.model, dotted)]
        for sub in keys(key.model):
            if sub.kind in ("section", "entries", "array"):
                lines += _section(sub, getattr(value, sub.attr), [*path, sub.attr], level + 1)
        return lines
    head = f"[[{dotted}]]" if key.kind == "array" else f"[{dotted}.<name>]"
    lines = ["", f"{hashes} `{head}`", "", md(key.description), "", *_rows(key.model)]
    return [*lines, "", "Default:", "```toml", *entry_tables(key, value, dotted)[1:], "```"]


def _retry_rows() -> list[str]:
    """Every retry / backoff key of every section, so the different spellings are found in one place."""
    lines = ["| key | default | description |", "|---|---|---|"]
    for path, k in walk(Config):
        if k.kind == "value" and re.search(r"retry|attempts|backoff", k.name):
            dotted = ".".join((*path, k.name))
            lines.append(f"| {_code(dotted)} | {default_cell(k)} | {md(k.description)} |")
    return lines


def render_reference() -> str:
    """The whole of ``docs/configuration.md``."""
    lines = [INTRO.rstrip("\n"), "", "### Top-level keys", "", *_rows(Config, ("value",))]
    for k in keys(Config):
        if k.kind in ("section", "entries", "array"):
            lines += _section(k, k.default(), [k.attr], 3)
        elif k.kind in ("mapping", "tables"):
            lines += ["", f"### `[{k.name}.<object>]`", "", md(k.description), ""]
            lines += ["```toml", *value_tables(k, k.example or {}, k.name), "```"]
    lines += ["", "## Retry and backoff settings", ""]
    lines += [
        "Retries are spelled the same in every section that retries: `max_attempts` (tries in all),",
        "`backoff_base_seconds` (the wait after the first failure, doubled after each further one) and",
        "`backoff_max_seconds` (the longest wait); one policy applies them (`src/jobshift/utils/retry.py`:",
        "jitter for API calls, none for outbox and notification rows, whose batch is retried together; a",
        "`Retry-After` wins over the backoff). The former names "
        + ", ".join(f"`{old}`" for old in sorted(RETRY_RENAMED))
        + " are still read, with a warning. Each section's values, in one table:",
        "",
    ]
    lines += _retry_rows()
    return "\n".join(lines) + "\n"
