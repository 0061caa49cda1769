"""Salesforce ids: 15 and 18 characters give one record key; other ids are left alone."""

from __future__ import annotations

import pytest

from jobshift.domain.normalize.salesforce_keys import looks_like_salesforce_id, record_key
from jobshift.domain.normalize.sfid import checksum

PAIRS = [
    ("001A0000006Vm9r", "001A0000006Vm9rIAC"),  # Salesforce's documentation example
    ("0035e00000AbCdE", "0035e00000AbCdEAAV"),
    ("00Q5e00000XyZ12", "00Q5e00000XyZ12EAF"),
    ("a0B5e00000QqQqQ", "a0B5e00000QqQqQEAV"),  # a custom object
]


def _suffix_by_hand(id15: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    out = ""
    for block in (id15[0:5], id15[5:10], id15[10:15]):
        out += alphabet[sum(1 << i for i, c in enumerate(block) if c.isupper())]
    return out


@pytest.mark.parametrize(("id15", "id18"), PAIRS)
def test_known_pairs(id15: str, id18: str) -> None:
    assert checksum(id15) == _suffix_by_hand(id15) == id18[15:]
    assert record_key(id15) == id18
    assert record_key(id18) == id18
    assert record_key(id18[:15] + id18[15:].lower()) == id18  # a lower-cased suffix is the same id


def test_case_matters_in_the_15_character_form() -> None:
    a, b = record_key("001A0000006Vm9r"), record_key("001a0000006vm9r")
    assert a != b and a.endswith("IAC") and b.endswith("AAA")


@pytest.mark.parametrize(
    "value",
    [
        "c-123",
        "0012",
        "",
        "acct-00000000001",  # punctuation
        "001234567890123",  # fifteen digits: another system's number
        "Abcdefghijklmno",  # no Salesforce key prefix
        "zzz5e00000AbCdE",
        "001A0000006Vm9rXXX",  # 18 characters with a wrong checksum
        "001A0000006Vm9",  # 14 characters
        "001A0000006Vm9rIA",  # 17 characters
        " 001A0000006Vm9r",  # not trimmed: not ours to change
    ],
)
def test_other_ids_are_left_alone(value: str) -> None:
    assert record_key(value) == value


def test_shape() -> None:
    assert looks_like_salesforce_id("001A0000006Vm9r")
    assert not looks_like_salesforce_id("001A0000006Vm9rIAC")
    assert not looks_like_salesforce_id("001-000006Vm9rI")
