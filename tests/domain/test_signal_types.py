"""The signal-type registry: every type has a complete entry, and every type string the code uses is in it."""

from __future__ import annotations

import ast
import dataclasses
import re
import typing
from pathlib import Path

import pytest

from jobshift.domain.filters import FILTER_ORDER, TITLE_FLAG_REASONS, applicable
from jobshift.domain.signal_types import (
    PRIORITY_REASONS,
    SIGNAL_TYPE_DEFS,
    SIGNAL_TYPES,
    TITLE_FILTERS,
    SignalType,
    SignalTypeDef,
    UnknownSignalType,
    label,
    lead_source_kinds,
    push_rank,
    type_def,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "jobshift"

# expressions that hold a signal's type (by the names the code gives signal rows): a comparison or
# membership test against them names type strings
_TYPE_HOLDER = re.compile(
    r"""(\bsignal_type\b|\b(s|sig|signal|row|t_row|pred)(\[['"]type['"]\]|\.get\(['"]type['"]\))"""
    r"""|pl\.col\(['"](type|hire_kind)['"]\)|\bsignals\.c\.type\b|\bs\.c\.type\b)"""
)


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [s for e in node.elts for s in _strings(e)]
    return []


def type_strings_used(source: str) -> set[str]:
    """String literals the code compares a signal type with, or aliases as a ``type`` column."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_TYPE_HOLDER.search(ast.unparse(s)) for s in sides):
                for s in sides:
                    found.update(_strings(s))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in ("is_in", "in_") and _TYPE_HOLDER.search(ast.unparse(node.func.value)):
                for a in node.args:
                    found.update(_strings(a))
            if name == "alias" and [s for a in node.args for s in _strings(a)] in (["type"], ["hire_kind"]):
                for sub in ast.walk(node.func.value):
                    if isinstance(sub, ast.Call) and ast.unparse(sub.func) == "pl.lit" and sub.args:
                        found.update(_strings(sub.args[0]))
    return found


_TEMPLATE_TYPE = re.compile(r"""\.type\s*(?:==|!=)\s*['"](\w+)['"]""")


def test_every_type_has_one_entry() -> None:
    assert set(SIGNAL_TYPE_DEFS) == set(SignalType)
    for key, d in SIGNAL_TYPE_DEFS.items():
        assert d.type is key
    assert SIGNAL_TYPES == ("job_change", "left_company", "promotion", "title_change", "new_hire")


def test_an_incomplete_entry_cannot_be_built() -> None:
    fields = {f.name for f in dataclasses.fields(SignalTypeDef)}
    assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(SignalTypeDef))
    given = dataclasses.asdict(SIGNAL_TYPE_DEFS[SignalType.JOB_CHANGE])
    given.pop("label")
    with pytest.raises(TypeError, match="label"):
        SignalTypeDef(**given)
    assert "label" in fields


@pytest.mark.parametrize("t", list(SignalType), ids=str)
def test_entry_is_complete_and_consistent(t: SignalType) -> None:
    d = SIGNAL_TYPE_DEFS[t]
    assert d.label.strip() and d.label == d.label.lower()
    assert d.filters, "every type is at least subject to the stale-evidence filter"
    assert d.filters <= set(FILTER_ORDER), d.filters - set(FILTER_ORDER)
    # a lead has a lead source and a default priority reason, and nothing else has
    assert (d.lead_source is not None) == d.creates_lead == (d.priority_reason is not None)
    # something is pushed exactly when the type has an action
    assert (d.push_rank is not None) == (d.creates_lead or d.contact_update is not None)
    if d.contact_update_is_action:
        assert d.contact_update is not None
    if d.subject == "profile":
        assert d.contact_update is None and "opted_out" not in d.filters
    if not d.has_new_company:
        assert not d.creates_lead and not d.checks_new_account and not d.title_in_id
    if "contact" in d.notifies:
        assert d.contact_update == "mark_left"
    if "lead" in d.notifies:  # the notification plan picks leads by the contact-tracking lead source
        assert d.lead_source == "contact_tracking"


def test_push_ranks_are_distinct_and_unknown_types_are_errors() -> None:
    ranks = [d.push_rank for d in SIGNAL_TYPE_DEFS.values() if d.push_rank is not None]
    assert len(ranks) == len(set(ranks))
    order = ["job_change", "promotion", "new_hire", "left_company"]
    assert sorted(order, key=push_rank) == order
    with pytest.raises(UnknownSignalType, match="registered"):
        push_rank("job_changed")
    with pytest.raises(UnknownSignalType, match="never pushed"):
        push_rank("title_change")
    with pytest.raises(UnknownSignalType):
        type_def("")
    assert label("left_company") == "left company"
    assert label("custom_kind") == "custom kind"  # data from elsewhere still shows


def test_filters_cover_every_reason_and_title_flags() -> None:
    assert set(TITLE_FLAG_REASONS.values()) | {"competitor"} == TITLE_FILTERS
    for reason in FILTER_ORDER:
        assert any(applicable(reason, t) for t in SIGNAL_TYPES), reason
    assert not applicable("advisor", "left_company")
    assert not applicable("opted_out", "new_hire")
    assert [t for t in SIGNAL_TYPES if applicable("free_mail_only", t)] == ["job_change"]
    with pytest.raises(UnknownSignalType):
        applicable("too_old", "bogus")


def test_config_knows_the_lead_types() -> None:
    from jobshift.config import Config, LeadSignalType

    assert set(typing.get_args(LeadSignalType)) == {t for t, d in SIGNAL_TYPE_DEFS.items() if d.creates_lead}
    assert Config().program.priority_reasons == dict(PRIORITY_REASONS)
    assert lead_source_kinds() == ("contact_tracking", "target_tracking")


def test_the_scan_finds_type_strings() -> None:
    snippet = (
        'if s["type"] == "job_hop": pass\n'
        'q = signals.c.type.in_(("left_company", "moved"))\n'
        'e = pl.when(x).then(pl.lit("rehire")).otherwise(pl.lit("new_hire")).alias("type")\n'
        'ok = accounts.c.type == "Customer"\n'
    )
    assert type_strings_used(snippet) == {"job_hop", "left_company", "moved", "rehire", "new_hire"}


def test_every_type_string_used_in_src_is_registered() -> None:
    used: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or path.name == "signal_types.py":
            continue
        for t in type_strings_used(path.read_text(encoding="utf-8")):
            used.setdefault(t, set()).add(str(path.relative_to(SRC)))
    for path in sorted(SRC.rglob("*.html")) + sorted(SRC.rglob("*.j2")):
        for t in _TEMPLATE_TYPE.findall(path.read_text(encoding="utf-8")):
            used.setdefault(t, set()).add(str(path.relative_to(SRC)))
    unknown = {t: sorted(where) for t, where in used.items() if t not in SIGNAL_TYPES}
    assert unknown == {}
