"""The documentation names files that exist: every ``path/like/this.py`` (or ``.md``) in README.md and
docs/*.md is a file of this repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BASES = ("", "src/jobshift/", "src/", "tests/", "docs/", "benchmarks/", "scripts/")
"""Where a relative path may start: the repository, the package (``services/…``), tests, docs…"""
SKIPPED = {"node_modules", ".venv", ".git", "__pycache__"}
_PATH = re.compile(r"[\w./*<>{}:-]*[\w*>}]\.(?:py|md)\b")


def mentioned_paths(text: str) -> list[str]:
    """The file paths ending in ``.py`` or ``.md`` in ``text``; URLs, absolute paths, globs (``*``) and
    placeholders (``<name>``, ``{x}``) are not files of the repository and are left out."""
    out = []
    for token in _PATH.findall(text):
        token = token.strip(".:")
        if "//" in token or token.startswith("/") or any(c in token for c in "*<>{}:"):
            continue
        out.append(token.removeprefix("./"))
    return out


def _names() -> set[str]:
    """The names of every ``.py`` and ``.md`` file of the repository."""
    found = (p for p in ROOT.rglob("*") if p.suffix in (".py", ".md"))
    return {p.name for p in found if not SKIPPED & set(p.relative_to(ROOT).parts)}


def exists(path: str, doc: Path, names: set[str]) -> bool:
    """Whether ``path`` (as written in ``doc``) is a file here; a bare name may be anywhere."""
    if "/" not in path:
        return path in names
    return any((ROOT / base / path).is_file() for base in BASES) or (doc.parent / path).is_file()


def test_every_mentioned_path_exists() -> None:
    names = _names()
    missing = [
        f"{doc.relative_to(ROOT)}: {path}"
        for doc in DOCS
        for path in sorted(set(mentioned_paths(doc.read_text(encoding="utf-8"))))
        if not exists(path, doc, names)
    ]
    assert missing == []


def test_the_check_finds_a_missing_path(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "See `services/detect/detecting.py`, spec/formats.md, `title_ladder.py` and "
        "[docs](docs/web.md); not https://example.com/x.md, /tmp/a.py, tests/test_*.py or <name>.md.",
        encoding="utf-8",
    )
    paths = mentioned_paths(doc.read_text(encoding="utf-8"))
    assert paths == ["services/detect/detecting.py", "spec/formats.md", "title_ladder.py", "docs/web.md"]
    names = _names()
    assert [p for p in paths if not exists(p, doc, names)] == ["spec/formats.md"]
    assert not exists("services/importing.py", doc, names) and not exists("no_such_module.py", doc, names)
