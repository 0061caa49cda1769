"""Folders that show the architecture: small modules, small folders (DESIGN.md, "Conventions").

Over ``src/jobshift`` (every ``.py`` file, ``__init__.py`` included):

- no module has more than :data:`MAX_LINES` lines,
- the median module has at most :data:`MAX_MEDIAN` lines,
- no folder holds more than :data:`MAX_PER_FOLDER` modules (its sub-packages not counted).

An exception is listed below with its reason; it must still exist and still break the rule (so the list
shrinks as the code is re-cut, and an exception cannot outlive its reason).
"""

from __future__ import annotations

import statistics
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "jobshift"
MAX_LINES = 500
MAX_MEDIAN = 200
MAX_PER_FOLDER = 20

LONG_MODULES: dict[str, str] = {}
"""Modules allowed over :data:`MAX_LINES` for now, and why."""

BIG_FOLDERS: dict[str, str] = {}
"""Folders allowed over :data:`MAX_PER_FOLDER` modules, and why."""


def line_counts(root: Path = SRC) -> dict[str, int]:
    """Lines of every module under ``root``, by path relative to it."""
    return {
        p.relative_to(root).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in sorted(root.rglob("*.py"))
    }


def folder_counts(root: Path = SRC) -> dict[str, int]:
    """Modules directly in each folder under ``root`` (``.`` is ``root`` itself)."""
    out: dict[str, int] = {}
    for p in sorted(root.rglob("*.py")):
        folder = p.parent.relative_to(root).as_posix()
        out[folder] = out.get(folder, 0) + 1
    return out


def test_no_module_is_over_the_limit() -> None:
    long = {m: n for m, n in line_counts().items() if n > MAX_LINES and m not in LONG_MODULES}
    assert long == {}, f"split these modules (at most {MAX_LINES} lines each)"


def test_the_median_module_is_small() -> None:
    counts = line_counts()
    assert len(counts) > 100
    assert statistics.median(counts.values()) <= MAX_MEDIAN


def test_no_folder_is_over_the_limit() -> None:
    big = {f: n for f, n in folder_counts().items() if n > MAX_PER_FOLDER and f not in BIG_FOLDERS}
    assert big == {}, f"split these folders into sub-packages (at most {MAX_PER_FOLDER} modules each)"


def test_every_exception_still_exists_and_still_needs_it() -> None:
    counts, folders = line_counts(), folder_counts()
    assert {m: counts.get(m, 0) > MAX_LINES for m in LONG_MODULES} == {m: True for m in LONG_MODULES}
    assert {f: folders.get(f, 0) > MAX_PER_FOLDER for f in BIG_FOLDERS} == {f: True for f in BIG_FOLDERS}


def test_the_counts_see_sizes_and_folders(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n" * 3)
    (tmp_path / "pkg" / "b.py").write_text("y = 2\n" * 7)
    (tmp_path / "pkg" / "c.py").write_text("")
    assert line_counts(tmp_path) == {"a.py": 3, "pkg/b.py": 7, "pkg/c.py": 0}
    assert folder_counts(tmp_path) == {".": 1, "pkg": 2}
