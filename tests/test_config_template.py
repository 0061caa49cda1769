"""The generated ``jobshift.toml`` template: one source of defaults, every key described, examples valid."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from jobshift.cli.main import main
from jobshift.config import DEFAULT_CONFIG_TOML, Config, RetrySettings, Section, parse_config
from jobshift.config.introspect import Key, keys, plain, walk
from jobshift.config.template import WIDTH, render_template
from jobshift.services.admin.demo_scorecard import narrow_demo_icp
from jobshift.services.workspace import Workspace


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The template shows the models' defaults: no ``JOBSHIFT_*`` variable may leak into the checks."""
    import os

    for name in list(os.environ):
        if name.startswith("JOBSHIFT_"):
            monkeypatch.delenv(name)


def _models(model: type[BaseModel] = Config) -> Iterator[type[BaseModel]]:
    """``model`` and every section model reachable from it (nested sections and entries)."""
    yield model
    for k in keys(model):
        if k.model is not None:
            yield from _models(k.model)


def _all_keys() -> list[tuple[str, Key]]:
    return [(f"{m.__name__}.{k.attr}", k) for m in _models() for k in keys(m)]


def test_the_walk_reaches_every_section_model() -> None:
    """Every ``Section`` subclass is part of ``Config``: the checks below cover all of them."""
    reached = set(_models())
    assert {"CohortWeights", "TierSection", "NotificationRule", "RoutingPool"} <= {
        m.__name__ for m in reached
    }
    bases = {RetrySettings}  # abstract: adds the former spellings of retry keys, no fields of its own
    concrete = set(Section.__subclasses__()) - bases | {m for b in bases for m in b.__subclasses__()}
    assert concrete <= reached


def test_every_field_has_a_description() -> None:
    missing = [name for name, k in _all_keys() if len(k.description.strip()) < 3]
    assert missing == []


def test_every_unset_or_empty_table_default_has_an_example() -> None:
    """The template shows such keys commented out with their example: without one it could not."""
    missing = [
        name
        for name, k in _all_keys()
        if not k.required
        and (k.default() is None or (k.kind in ("mapping", "tables") and not k.default()))
        and not k.field.examples
    ]
    assert missing == []


def test_the_template_parses_back_to_the_defaults() -> None:
    assert render_template() == DEFAULT_CONFIG_TOML
    assert parse_config(tomllib.loads(DEFAULT_CONFIG_TOML)).model_dump() == Config().model_dump()


def _uncomment_examples(text: str) -> str:
    """Every comment line that is TOML by itself (``# key = value``, ``# [table]``) made a line of TOML."""
    out = []
    for line in text.splitlines():
        if line.startswith("# "):
            try:
                tomllib.loads(line[2:])
            except tomllib.TOMLDecodeError:
                pass
            else:
                line = line[2:]
        out.append(line)
    return "\n".join(out) + "\n"


def test_uncommented_examples_are_valid_and_land_on_their_keys() -> None:
    """Each commented-out key sits where uncommenting it sets exactly that key to its example."""
    cfg = parse_config(tomllib.loads(_uncomment_examples(DEFAULT_CONFIG_TOML)))
    checked = []
    for path, k in walk(Config):
        if k.kind not in ("value", "mapping", "tables") or k.default() not in (None, {}):
            continue
        node: object = cfg
        for part in (*path, k.name):
            node = getattr(node, "import_" if part == "import" else part)
        assert plain(node) == k.example, (path, k.name)
        checked.append(".".join((*path, k.name)))
    assert {"database_url", "icp.min_employees", "salesforce.fields", "mapping", "routing.weights"} <= set(
        checked
    )


def test_entry_examples_are_valid() -> None:
    """Keys of ``[[cohorts]]``-like entries are listed, not written: their examples must still validate."""
    for path, k in walk(Config):
        if k.kind not in ("entries", "array") or k.model is None:
            continue
        default = k.default()
        first = next(iter(default.values())) if isinstance(default, dict) else default[0]
        base = {n: v for n, v in plain(first).items() if v is not None}
        for sub in keys(k.model):
            if sub.field.examples:
                entry = k.model.model_validate({**base, sub.name: sub.example})
                assert getattr(entry, sub.attr) == sub.example, (path, k.name, sub.name)


def test_every_key_is_written_or_listed_in_the_template() -> None:
    missing = []
    for name, k in _all_keys():
        pattern = rf"^(# )?(#   )?{re.escape(k.name)}( = |: )"
        if k.kind in ("section", "mapping", "tables", "entries", "array"):
            pattern = rf"^(# )?\[\[?([\w.]+\.)?{re.escape(k.name)}[.\]]"
        if not re.search(pattern, DEFAULT_CONFIG_TOML, re.M):
            missing.append(name)
    assert missing == []


def test_the_template_keeps_what_it_tells_users() -> None:
    text = DEFAULT_CONFIG_TOML
    for phrase in (
        "JOBSHIFT_DATABASE_URL",
        "JOBSHIFT_<SECTION>__<KEY>",
        "JOBSHIFT_SF_PASSWORD",
        "JOBSHIFT_SF_TOKEN",
        "JOBSHIFT_SF_CLIENT_SECRET",
        "JOBSHIFT_HUBSPOT_TOKEN",
        "JOBSHIFT_PDL_API_KEY",
        "JOBSHIFT_SLACK_TOKEN",
        "JOBSHIFT_SMTP_PASSWORD",
        "docs/configuration.md",
        "# 1. contacts on Closed Won opportunities",
        "# the first 1,000 contacts of the top cohort",
        "monthly:<first|second|third|fourth|last>-<day>",
    ):
        assert phrase in text, phrase
    long = [line for line in text.splitlines() if line.startswith("#") and len(line) > WIDTH]
    assert long == []


def test_init_writes_the_template_and_the_demo_icp_still_applies(workspace_env: Path) -> None:
    assert main(["--workspace", str(workspace_env), "init"]) == 0
    assert (workspace_env / "jobshift.toml").read_text(encoding="utf-8") == DEFAULT_CONFIG_TOML
    ws = Workspace.open(workspace_env)
    try:
        assert narrow_demo_icp(ws) is True
        assert ws.config.icp.countries == ["United States"]
        assert ws.config.icp.min_employees == 200
        assert narrow_demo_icp(ws) is False  # only an untouched [icp] is narrowed
    finally:
        ws.close()


def test_importing_the_config_does_not_render_the_template() -> None:
    """Every command loads the config; only ``init`` and the settings page need the template."""
    code = (
        "import sys, jobshift.config as c; assert 'jobshift.config.template' not in sys.modules; "
        "assert c.DEFAULT_CONFIG_TOML == c.default_config_toml(); "
        "print('jobshift.config.template' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "True"
