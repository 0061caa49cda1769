"""docs/notifications.md carries a rendered preview of every default rule, current with the renderers."""

from __future__ import annotations

from pathlib import Path

from jobshift.config.notifications import _default_rules
from jobshift.notify.previews import BEGIN, END, rule_previews, sample_items, with_previews

DOC = Path(__file__).resolve().parents[1] / "docs" / "notifications.md"


def test_committed_previews_are_current() -> None:
    page = DOC.read_text(encoding="utf-8")
    assert BEGIN in page and END in page, "run scripts/gen_notify_docs.py"
    assert with_previews(page) == page, "stale: run scripts/gen_notify_docs.py"


def test_every_default_rule_has_a_preview() -> None:
    assert set(sample_items()) == set(_default_rules())
    text = rule_previews()
    for rid in _default_rules():
        assert f"### {rid}: " in text


def test_previews_show_cased_text_and_role_wording() -> None:
    text = rule_previews()
    assert "Priya Raman joined Initech GmbH" in text and "VP of Platform Engineering" in text
    assert "priya raman" not in text
    three_a, three_b = text.split("### 3A: ")[1].split("### 3B: ")
    assert "re-map it" in three_a and "Economic Buyer" in three_a
    assert "re-map" not in three_b and "had no role" in three_b


def test_with_previews_replaces_only_the_generated_part() -> None:
    page = f"intro\n{BEGIN}\nSTALE-PART\n{END}\noutro\n"
    new = with_previews(page)
    assert new.startswith("intro\n") and new.endswith("\noutro\n") and "STALE-PART" not in new
    assert with_previews(new) == new
