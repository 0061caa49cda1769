"""``docs/configuration.md`` is generated from the config models and committed up to date."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from jobshift.config import Config
from jobshift.config.introspect import keys, walk
from jobshift.config.reference import md, render_reference

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "configuration.md"


def test_committed_reference_is_current() -> None:
    """Regenerated in memory and compared: run ``scripts/gen_config_docs.py`` after changing a field."""
    assert DOC.read_text(encoding="utf-8") == render_reference(), "stale: run scripts/gen_config_docs.py"


def _sections(text: str) -> dict[str, str]:
    """Heading text -> the body under it (to the next heading)."""
    out: dict[str, str] = {}
    parts = re.split(r"^(#{2,4} .+)$", text, flags=re.M)
    for head, body in zip(parts[1::2], parts[2::2], strict=True):
        out[head.lstrip("# ").strip()] = body
    return out


def test_every_key_has_a_row_under_its_heading() -> None:
    sections = _sections(render_reference())
    missing = []
    for path, k in walk(Config):
        dotted = ".".join(path)
        if k.kind == "value" and not path:
            heading = "Top-level keys"
        elif k.kind in ("value", "mapping", "tables") and path:
            heading = f"`[{dotted}]`"
        elif k.kind == "tables":  # a top-level table of tables has a heading and an example of its own
            if f"`[{k.name}.<object>]`" not in sections:
                missing.append(k.name)
            continue
        else:
            continue
        if f"| `{k.name}` |" not in sections.get(heading, ""):
            missing.append(f"{dotted}.{k.name}")
    for path, k in walk(Config):
        if k.kind in ("entries", "array") and k.model is not None:
            dotted = ".".join((*path, k.name))
            heading = f"`[[{dotted}]]`" if k.kind == "array" else f"`[{dotted}.<name>]`"
            body = sections.get(heading, "")
            missing += [f"{dotted}.{s.name}" for s in keys(k.model) if f"| `{s.name}` |" not in body]
    assert missing == []


def test_retry_settings_are_gathered() -> None:
    body = _sections(render_reference())["Retry and backoff settings"]
    for key in ("push.backoff_base_seconds", "salesforce.max_attempts", "hubspot.backoff_max_seconds"):
        assert f"| `{key}` |" in body
    assert "| `pdl.max_attempts` | `5` |" in body
    assert "`retry_attempts`" in body  # the former spellings are named


def test_cells_escape_pipes_and_tags_and_link_docs() -> None:
    assert md("kept as suppressed:<reason>, a | b, `x|<y`") == (
        "kept as suppressed:&lt;reason>, a \\| b, `x\\|<y`"
    )
    assert md("see docs/program.md and spec/program.md") == "see [program.md](program.md) and spec/program.md"


def test_the_script_checks_and_rewrites(tmp_path: Path) -> None:
    """``--check`` exits 1 on a stale page and 0 once the script has rewritten it."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "gen_config_docs.py", tmp_path / "scripts")
    (tmp_path / "src").symlink_to(ROOT / "src")
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "configuration.md"
    page.write_text("# stale\n", encoding="utf-8")
    script = [sys.executable, str(tmp_path / "scripts" / "gen_config_docs.py")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*script, *args], capture_output=True, text=True, timeout=120, check=False)

    assert run("--check").returncode == 1
    assert page.read_text(encoding="utf-8") == "# stale\n"
    assert run().returncode == 0
    assert page.read_text(encoding="utf-8") == render_reference()
    assert run("--check").returncode == 0
