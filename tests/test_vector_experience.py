"""The vectorized experience entries (``engine.convert.experience``) equal the per-profile path row for row.

Reference: ``domain.profile_parts.experience_jobs`` / ``experience_json`` on the orjson-parsed profile;
vector path: the same JSON Lines parsed by ``pyarrow.json`` into ``EXPERIENCE_TYPE``. Data: the
generators' profiles (``synth.generate`` with its real-world noise, ``synth.bulk_feed``), a hand-written
corpus of odd entries and a seeded random corpus.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pyarrow as pa
import pyarrow.json as pj
import pyarrow.parquet as pq
import pytest

from jobshift.domain.profile_parts import (
    C_DOMAIN,
    C_LINKEDIN,
    C_NAME,
    J_COMPANY,
    J_END,
    J_JSON,
    J_PRIMARY,
    J_START,
    J_TITLE,
    experience_jobs,
)
from jobshift.domain.profile_parts import experience_json as reference_json
from jobshift.engine.convert.experience import (
    ENTRY_COLUMNS,
    EXPERIENCE_DTYPE,
    EXPERIENCE_TYPE,
    entry_json,
    experience_entries,
    experience_json,
)
from jobshift.synth.bulk_feed import BulkFeed
from jobshift.synth.generate import generate
from jobshift.synth.writer import PEOPLE_SCHEMA

_SCHEMA = pa.schema([("experience", EXPERIENCE_TYPE)])
_OPTIONS = pj.ParseOptions(explicit_schema=_SCHEMA, unexpected_field_behavior="ignore")


def _parse(lines: list[bytes]) -> pl.Series:
    """The ``experience`` column of JSON Lines, parsed strictly as the vector converter does."""
    table = pj.read_json(io.BytesIO(b"".join(lines)), parse_options=_OPTIONS)
    return pl.from_arrow(table.column("experience").combine_chunks())  # type: ignore[return-value]


def _expected(lines: list[bytes]) -> tuple[list[tuple[Any, ...]], list[str]]:
    """(entry rows, experience texts) of the per-profile path."""
    rows: list[tuple[Any, ...]] = []
    texts = []
    for i, line in enumerate(lines):
        raw = orjson.loads(line).get("experience")
        jobs = experience_jobs(raw) if type(raw) is list else []
        texts.append(reference_json(jobs))
        for pos, j in enumerate(jobs):
            c, t = j[J_COMPANY], j[J_TITLE]
            has_company = bool(c[C_NAME] or c[C_DOMAIN] or c[C_LINKEDIN])
            lower = c[C_NAME].lower() if c[C_NAME] is not None else None
            title_fields = (t[0], list(t[1]), t[2])
            rest = (j[J_START], j[J_END], j[J_PRIMARY], j[J_JSON])
            rows.append((i, pos, *c[:6], lower, has_company, *title_fields, *rest))
    return rows, texts


def _assert_same(lines: list[bytes]) -> pl.DataFrame:
    exp = _parse(lines)
    entries = experience_entries(exp)
    assert entries.columns == list(ENTRY_COLUMNS)
    rows, texts = _expected(lines)
    got = _with_entry_json(entries).rows()
    assert len(got) == len(rows)
    for g, r in zip(got, rows, strict=True):
        assert g == r
    assert experience_json(entries, len(lines)).to_list() == texts
    return entries


def _with_entry_json(entries: pl.DataFrame) -> pl.DataFrame:
    """The entries' values without their JSON fragments, and the entry's JSON text (a ``Job`` tuple)."""
    return entries.select(*ENTRY_COLUMNS[:-4], entry_json().alias("entry_json"))


def _lines(experiences: list[Any]) -> list[bytes]:
    return [orjson.dumps({"id": str(i), "experience": e}) + b"\n" for i, e in enumerate(experiences)]


def test_types_match_the_generators_parquet_schema() -> None:
    assert PEOPLE_SCHEMA.field("experience").type == EXPERIENCE_TYPE
    assert pl.from_arrow(pa.array([[]], EXPERIENCE_TYPE)).dtype == EXPERIENCE_DTYPE  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "line",
    [
        '{"experience":[{"company":"Acme"}]}',
        '{"experience":[{"title":"CEO"}]}',
        '{"experience":[{"is_primary":"true"}]}',
        '{"experience":[{"is_primary":1}]}',
        '{"experience":[{"company":{"name":123}}]}',
        '{"experience":[{"company":{"name":true}}]}',
        '{"experience":[{"company":{"location":"US"}}]}',
        '{"experience":[{"start_date":2020}]}',
        '{"experience":[{"title":{"levels":"vp"}}]}',
        '{"experience":[{"title":{"levels":[1]}}]}',
        '{"experience":{}}',
        '{"experience":["x"]}',
    ],
)
def test_strict_parse_refuses_odd_types(line: str) -> None:
    with pytest.raises(pa.ArrowInvalid):
        pj.read_json(io.BytesIO(line.encode()), parse_options=_OPTIONS)


def test_strict_parse_accepts_nulls_missing_and_extra_keys() -> None:
    lines = [
        b'{"experience":null}\n',
        b"{}\n",
        b'{"experience":[]}\n',
        b'{"experience":[null,{},null]}\n',
        b'{"experience":[{"foo":[1,{"a":2}],"company":{"name":" A ","x":1,"location":{"c":2}},'
        b'"is_primary":null}]}\n',
        b'{"experience":[{"company":null,"title":null,"is_primary":true},{"title":{"levels":[null,"vp",""]}}]}\n',
        b'{"experience":[{"company":{"location":null},"title":{"levels":null},"end_date":null}]}\n',
    ]
    entries = _assert_same(lines)
    assert entries["row"].to_list() == [3, 4, 5, 5, 6]
    assert entries["pos"].to_list() == [0, 0, 0, 1, 0]  # null entries do not count


def test_batch_without_entries() -> None:
    entries = _assert_same(
        [b'{"experience":null}\n', b"{}\n", b'{"experience":[null]}\n', b'{"experience":[]}\n']
    )
    assert entries.height == 0


def test_wrong_dtype_is_refused() -> None:
    with pytest.raises(TypeError):
        experience_entries(pl.Series([["a"]]))


_ODD_STRINGS = [
    "Acme",
    " Acme Inc. ",
    "",
    "   ",
    "\t\n",
    "123",
    "0",
    'Quote " inside',
    "back\\slash",
    "\\",
    '"',
    "\x00",
    "\x00Acme\x00",
    " \x00 ",
    "a\x00b",
    "\x01\x02\x08\x0b\x0c\x1b\x1f\x7f",
    "line\nbreak\r\ttab\x08\x0c",
    "\x1cAcme\x1f",
    "\x85Acme\xa0",
    "\u2028Acme\u2029",
    "\u3000Acme\u3000",
    "\u200bZero\u200b",
    "\ufeffBOM",
    "Müller & Söhne GmbH",
    "株式会社テスト",
    "Ωmega ΣΑΣ",
    "İstanbul",
    "emoji 🚀 co",
    "</script>",
    "\u00e9\u0301",
]
_WEBSITES = [
    "acme.com",
    " https://www.Acme.co.uk/about?x=1 ",
    "http://sub.example.org",
    "WWW.EXAMPLE.COM",
    "gmail.com",
    "not a domain",
    "localhost",
    "",
    " ",
    "xn--mller-kva.de",
    "müller.de",
    "192.168.0.1",
    "acme",
    "\x00acme.com",
    "https://",
    "mailto:x@acme.com",
    "acme.com\x1c",
]
_LINKEDINS = [
    "linkedin.com/company/acme",
    "https://www.LinkedIn.com/company/Acme-Inc/?trk=x",
    "http://linkedin.com/company/123456",
    "linkedin.com/in/someone",
    "acme",
    "",
    " ",
    "https://de.linkedin.com/company/müller",
]
_DATES = [
    "2020",
    "2020-03",
    "2020-03-15",
    " 2020-03 ",
    "2020-3",
    "2020-3-5",
    "2020-13",
    "2020-02-30",
    "2021-02-29",
    "2020-02-29",
    "20",
    "0000",
    "9999-12-31",
    "2020/03/15",
    "Mar 2020",
    "2020-03-15T10:00:00",
    "2020-03-15T10:00:00Z",
    "",
    " ",
    "\x002020",
    "2020\x1c",
    "２０２０",
    "abc",
    "1899",
    "2020-00",
    "2020-01-00",
]
_LEVELS: list[Any] = [None, [], ["vp"], [" vp ", "", " ", None, "director"], ["\x00"], ["cxo", "cxo"], ["Ö"]]


def _maybe(rng: random.Random, pool: list[Any], none_share: float = 0.25) -> Any:
    return None if rng.random() < none_share else rng.choice(pool)


def _random_entry(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.04:
        return None
    if roll < 0.07:
        return {}
    entry: dict[str, Any] = {}
    if rng.random() < 0.9:
        comp: dict[str, Any] = {}
        for key, pool in (("name", _ODD_STRINGS), ("website", _WEBSITES), ("linkedin_url", _LINKEDINS)):
            if rng.random() < 0.85:
                comp[key] = _maybe(rng, pool)
        if rng.random() < 0.5:
            comp["location"] = (
                None
                if rng.random() < 0.2
                else {"country": _maybe(rng, _ODD_STRINGS), "region": _maybe(rng, _ODD_STRINGS)}
            )
        entry["company"] = comp if rng.random() < 0.95 else None
    if rng.random() < 0.9:
        ti: dict[str, Any] = {"name": _maybe(rng, _ODD_STRINGS)}
        if rng.random() < 0.6:
            ti["levels"] = rng.choice(_LEVELS)
        if rng.random() < 0.6:
            ti["role"] = _maybe(rng, _ODD_STRINGS)
        entry["title"] = ti if rng.random() < 0.95 else None
    for key in ("start_date", "end_date"):
        if rng.random() < 0.9:
            entry[key] = _maybe(rng, _DATES, 0.3)
    if rng.random() < 0.9:
        entry["is_primary"] = rng.choice([True, False, None])
    if rng.random() < 0.1:
        entry["extra"] = {"ignored": [1, 2]}
    return entry


def test_hand_written_odd_entries() -> None:
    experiences: list[Any] = []
    for i, name in enumerate(_ODD_STRINGS):
        experiences.append(
            [
                {
                    "company": {
                        "name": name,
                        "website": _WEBSITES[i % len(_WEBSITES)],
                        "linkedin_url": _LINKEDINS[i % len(_LINKEDINS)],
                        "location": {"country": name, "region": _ODD_STRINGS[-1 - i]},
                    },
                    "title": {"name": name, "levels": _LEVELS[i % len(_LEVELS)], "role": name},
                    "start_date": _DATES[i % len(_DATES)],
                    "end_date": _DATES[-1 - i % len(_DATES)],
                    "is_primary": i % 3 == 0,
                },
                None,
                {"company": {"website": name}, "title": {"levels": [name]}},
            ]
        )
    experiences += [[{"start_date": d, "end_date": d}] for d in _DATES]
    experiences += [[{"company": {"website": w}}] for w in _WEBSITES]
    experiences += [[{"company": {"linkedin_url": li}}] for li in _LINKEDINS]
    experiences += [None, [], [None], [{}]]
    entries = _assert_same(_lines(experiences))
    # the odd characters are there in the texts (escaped the way orjson escapes them)
    text = "".join(_with_entry_json(entries)["entry_json"].to_list())
    assert "\\u001f" in text and "\\\\" in text and '\\"' in text and "株式会社" in text


def test_seeded_random_corpus() -> None:
    rng = random.Random(20)
    experiences = [[_random_entry(rng) for _ in range(rng.randrange(0, 6))] for _ in range(3_000)]
    experiences += [None] * 20
    rng.shuffle(experiences)
    entries = _assert_same(_lines(experiences))
    assert entries.height > 5_000


def test_synth_generate_people(tmp_path: Path) -> None:
    generate(tmp_path, seed=5, scale=0.05)
    lines = (tmp_path / "people.jsonl").read_bytes().splitlines(keepends=True)
    assert len(lines) > 500
    entries = _assert_same(lines)
    assert entries["primary"].any() and entries["end"].null_count() > 0


def test_bulk_feed_partition(tmp_path: Path) -> None:
    n = 300
    contacts = pl.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(n)],
            "first_name": [f"first{i % 37}" for i in range(n)],
            "last_name": [f"last{i % 53}" for i in range(n)],
            "email": [f"first{i}@acct{i % 30}.com" for i in range(n)],
            "linkedin": [f"linkedin.com/in/p{i}" if i % 2 else None for i in range(n)],
            "title": ["VP Sales" if i % 3 else "Director of IT" for i in range(n)],
            "acc": [i % 30 for i in range(n)],
        }
    )
    accounts = pl.DataFrame(
        {
            "name": [f"Account {i} Inc." for i in range(30)],
            "domain": [f"acct{i}.com" for i in range(30)],
            "is_target": [i % 4 == 0 for i in range(30)],
        }
    )
    feed = BulkFeed(contacts, accounts, partition_size=1_000, seed=4)
    path = tmp_path / "part.jsonl"
    feed.write(1, path)
    lines = path.read_bytes().splitlines(keepends=True)
    assert len(lines) == 1_000
    entries = _assert_same(lines)
    # the same partition as Parquet (the converter's projected read) gives the same entries
    feed.write(1, tmp_path / "part.parquet")
    column = pq.read_table(tmp_path / "part.parquet", columns=["experience"]).column("experience")
    exp = pl.from_arrow(column.cast(EXPERIENCE_TYPE).combine_chunks())
    assert isinstance(exp, pl.Series)
    assert experience_entries(exp).equals(entries)


def test_chunked_input_and_column_types() -> None:
    lines = _lines([[{"company": {"name": "A"}}], None, [None, {"title": {"name": "B", "levels": ["vp"]}}]])
    one = _parse(lines[:2])
    exp = pl.concat([one, _parse(lines[2:])], rechunk=False)
    assert exp.n_chunks() == 2
    entries = experience_entries(exp)
    assert entries.equals(experience_entries(exp.rechunk()))
    assert dict(entries.schema) == {
        "row": pl.UInt32,
        "pos": pl.UInt32,
        **dict.fromkeys(ENTRY_COLUMNS[2:9], pl.String),
        "has_company": pl.Boolean,
        "t_name": pl.String,
        "t_levels": pl.List(pl.String),
        "t_role": pl.String,
        "start": pl.String,
        "end": pl.String,
        "primary": pl.Boolean,
        **dict.fromkeys(ENTRY_COLUMNS[-4:], pl.String),
    }
    texts = experience_json(pl.concat([entries.head(1), entries.tail(1)], rechunk=False), 3).to_list()
    _, expected = _expected(lines)
    assert texts == expected


def test_experience_json_of_a_row_subset() -> None:
    two = [{"company": {"name": "B"}}, {"title": {"name": "C"}}]
    lines = _lines([[{"company": {"name": "A"}}], None, two])
    entries = experience_entries(_parse(lines))
    texts = experience_json(entries.filter(pl.col("row") != 0), 4).to_list()
    assert texts[0] == texts[1] == texts[3] == "[]"
    assert orjson.loads(texts[2])[1]["title"] == "C"
    assert experience_json(entries.clear(), 3).to_list() == ["[]"] * 3
    second_only = experience_json(entries.filter(pl.col("pos") == 1), 3).to_list()
    assert second_only == ["[]", "[]", "[" + _with_entry_json(entries)["entry_json"][2] + "]"]


def test_clean_and_json_text_equal_s_and_orjson_for_every_character() -> None:
    from jobshift.domain.profile_parts import s
    from jobshift.engine.convert.values import clean, json_string

    chars = [chr(c) for c in range(0x3100) if not 0xD800 <= c <= 0xDFFF] + ["\U0001f680", "\ufeff", "\uffff"]
    values = [v for c in chars for v in (c, f"{c}a{c}", f"a{c}b", f"{c}\x00{c}", c * 3)] + ["", None]
    got = pl.DataFrame({"v": values}, schema={"v": pl.String}).select(
        clean(pl.col("v")).alias("clean"), json_string(pl.col("v")).alias("json")
    )
    assert got["clean"].to_list() == [s(v) for v in values]
    assert got["json"].to_list() == [orjson.dumps(v).decode() for v in values]


def test_distinct_keys_join_survives_hash_collisions() -> None:
    from jobshift.engine.convert.experience import _by_distinct_keys

    frame = pl.DataFrame(
        {"a": ["x", "y", None, "x", "y", None], "b": [None, "1", "2", None, "1", "2"], "i": list(range(6))}
    )

    def make(d: pl.DataFrame) -> pl.DataFrame:
        return d.with_columns(
            pl.concat_str(pl.col("a").fill_null("~"), pl.col("b").fill_null("~")).alias("ab")
        )

    expected = ["x~", "y1", "~2", "x~", "y1", "~2"]
    out, kept = _by_distinct_keys(frame, ("a", "b"), make)
    assert out["ab"].to_list() == expected and kept is not None
    # a later frame with the table kept: its values found there, new ones made
    later = pl.DataFrame({"a": ["y", "z", None], "b": ["1", None, "2"], "i": [6, 7, 8]})
    again, kept2 = _by_distinct_keys(later, ("a", "b"), make, kept=kept)
    assert again["ab"].to_list() == ["y1", "z~", "~2"] and kept2 is not None and kept2.height == 4
    # every key hashed alike: the check finds the wrong matches and the join is redone on the keys
    collided, none = _by_distinct_keys(frame, ("a", "b"), make, key_hash=pl.lit(0, pl.UInt64))
    assert none is None
    assert collided.columns == ["a", "b", "i", "ab"]
    assert collided["ab"].to_list() == expected
