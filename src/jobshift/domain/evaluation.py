"""Scoring detected signals against a truth file (the generator's ``truth.jsonl``).

Keys (the truth contract, docs/demo-data.md): contact signals by ``(type, contact_id)``; new hires by
``(type, matched_account_id, person)`` where the person may be the truth's ``person_id`` or any of its
``alt_person_ids``. Signals with status ``uncertain`` were not acted on and do not count as emitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jobshift.domain.signal_types import type_def
from jobshift.domain.signals import SIGNAL_TYPES, STATUS_UNCERTAIN


@dataclass
class TypeScore:
    """Counts and rates of one signal type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Counts and rates, rounded to 4 decimals."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class EvalReport:
    """Per-type scores plus matched-account and filter accuracy, and examples of the errors."""

    per_type: dict[str, TypeScore]
    account_ok: int = 0
    account_total: int = 0
    filter_ok: int = 0
    filter_total: int = 0
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    false_negatives: list[dict[str, Any]] = field(default_factory=list)
    wrong_account: list[dict[str, Any]] = field(default_factory=list)
    wrong_filter: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, examples: int = 10) -> dict[str, Any]:
        """A JSON-ready summary with up to ``examples`` examples of each error kind."""
        return {
            "per_type": {t: s.as_dict() for t, s in self.per_type.items()},
            "matched_account_accuracy": _ratio(self.account_ok, self.account_total),
            "matched_account_checked": self.account_total,
            "filter_accuracy": _ratio(self.filter_ok, self.filter_total),
            "filter_checked": self.filter_total,
            "examples": {
                "false_positives": self.false_positives[:examples],
                "false_negatives": self.false_negatives[:examples],
                "wrong_account": self.wrong_account[:examples],
                "wrong_filter": self.wrong_filter[:examples],
            },
        }


def _ratio(ok: int, total: int) -> float:
    return round(ok / total, 4) if total else 1.0


def _status_kind(status: str | None) -> str:
    s = status or "new"
    return s if s.startswith("suppressed:") else "new"


def _keys(row: Mapping[str, Any]) -> list[tuple[str, ...]]:
    t = row["type"]
    if type_def(str(t)).subject == "profile" or not row.get("contact_id"):  # new hires, non-contacts
        persons = [row.get("person_id"), *(row.get("alt_person_ids") or [])]
        return [(t, str(row.get("matched_account_id")), str(p)) for p in persons if p]
    return [(t, str(row.get("contact_id")))]


def score(
    predicted: Iterable[Mapping[str, Any]],
    truth: Iterable[Mapping[str, Any]],
    types: Iterable[str] = SIGNAL_TYPES,
) -> EvalReport:
    """Compare predicted signal rows with truth rows (see the module docstring for the keys)."""
    wanted = set(types)
    report = EvalReport(per_type={t: TypeScore() for t in types})
    pred_by_key: dict[tuple[str, ...], Mapping[str, Any]] = {}
    for row in predicted:
        if row.get("type") not in wanted or row.get("status") == STATUS_UNCERTAIN:
            continue
        key = _keys(row)[0]
        prev = pred_by_key.get(key)
        if prev is None or str(row.get("observed_at") or "") > str(prev.get("observed_at") or ""):
            pred_by_key[key] = row
    used: set[tuple[str, ...]] = set()
    for t_row in truth:
        t = t_row.get("type")
        if t not in wanted:
            continue
        hit = next((k for k in _keys(t_row) if k in pred_by_key and k not in used), None)
        ts = report.per_type[str(t)]
        if hit is None:
            ts.fn += 1
            report.false_negatives.append(dict(t_row))
            continue
        used.add(hit)
        ts.tp += 1
        pred = pred_by_key[hit]
        if type_def(str(t)).checks_new_account:
            report.account_total += 1
            if pred.get("matched_account_id") == t_row.get("matched_account_id"):
                report.account_ok += 1
            else:
                report.wrong_account.append({"truth": dict(t_row), "predicted": dict(pred)})
        report.filter_total += 1
        if _status_kind(pred.get("status")) == _status_kind(t_row.get("expected_status")):
            report.filter_ok += 1
        else:
            report.wrong_filter.append({"truth": dict(t_row), "predicted": dict(pred)})
    for key, pred in pred_by_key.items():
        if key not in used:
            report.per_type[key[0]].fp += 1
            report.false_positives.append(dict(pred))
    return report
