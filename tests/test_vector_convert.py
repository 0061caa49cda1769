"""The vectorized converter (engine/convert) equals ``profile_to_row`` row for row: generator data, odd
rows, a seeded random mix, JSONL and Parquet."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest

from jobshift.engine.convert.parse import STRING_FIELDS
from jobshift.synth.generate import generate
from vector_convert_kit import check_lines, check_parquet, dumps

BASE = {
    "id": "p1",
    "observed_at": "2026-01-02",
    "full_name": "Ann Lee",
    "linkedin_url": "linkedin.com/in/ann",
    "experience": [],
}
WS = ["\x1c", "\x1d", "\x1f", "\x85", "\xa0", "\u3000", "\u2028", "\t", "\u200b", "\ufeff", "\u180e"]
ODD_VALUES: list[Any] = [
    None,
    "",
    " ",
    "x",
    " x ",
    "\x00",
    " a\x00b ",
    12,
    1.5,
    1e300,
    10**30,
    True,
    [],
    {},
    ["a"],
    "ä",
    "日本",
    "\ud7ff",
    "😀",
    *[w + "v" + w for w in WS],
    *WS,
]
LINKEDIN = [
    "linkedin.com/in/ann-lee",
    "https://www.linkedin.com/in/ann-lee/",
    "http://LinkedIn.com/in/Ann-Lee",
    "https://de.linkedin.com/in/ann%C3%A9",
    "linkedin.com/pub/ann/1/2/3",
    "https://linkedin.com/in/ann?x=1",
    "www.linkedin.com/in/_x_",
    "linkedin.com/in/",
    "not a url",
    "https://linkedin.com/company/acme",
]
EMAILS = [
    "ann@acme.com",
    "Ann@Acme.COM",
    "ann+tag@acme.com",
    "a.n.n@gmail.com",
    "ann@bücher.de",
    "<ann@acme.com>",
    "Ann Lee <ann@acme.com>",
    "ann@",
    "@acme.com",
    "ann@acme",
    " ann@acme.com ",
    "ANN@ACME.COM.",
    "ann@yahoo.com",
]
DATES = [
    "2024",
    "2024-03",
    "2024-03-15",
    "2024-13",
    "2024-02-30",
    "24",
    "2024-03-15T10:00:00Z",
    " 2024 ",
    "x",
    "",
]


def _odd_records() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    fields = [*STRING_FIELDS, "personal_emails", "emails"]
    for f in fields:
        for v in ODD_VALUES:
            out.append({**BASE, f: v})
    for u in LINKEDIN:
        out.append({**BASE, "id": None, "linkedin_url": u})
    for e in EMAILS:
        out.append({**BASE, "id": None, "linkedin_url": None, "work_email": e})
        out.append({**BASE, "id": None, "linkedin_url": None, "personal_emails": [e, None, e.upper()]})
        out.append(
            {
                **BASE,
                "id": None,
                "linkedin_url": None,
                "emails": [{"address": e, "type": "personal"}, None, {"address": e}],
            }
        )
        out.append({**BASE, "id": None, "linkedin_url": None, "emails": [e, {"address": 1}]})
    for d in DATES:
        out.append({**BASE, "observed_at": d, "job_start_date": d, "job_last_verified": d})
    out += [
        {"observed_at": "2026-01-01"},
        {"observed_at": "2026-01-01", "full_name": "A B", "job_company_name": "Ärzte GmbH"},
        {
            "observed_at": "2026-01-01",
            "first_name": "A",
            "last_name": "B",
            "job_company_website": "https://x.co.uk/a",
        },
        {
            "observed_at": "2026-01-01",
            "full_name": "A B",
            "job_company_linkedin_url": "linkedin.com/company/acme",
        },
        {
            "observed_at": "2026-01-01",
            "full_name": "A B",
            "work_email": "a@gmail.com",
            "job_company_name": "X",
        },
        {"observed_at": "2026-01-01", "full_name": "İSTANBUL ΣΑΣ", "job_company_name": "ΣΑΣ"},
        {**BASE, "experience": None},
        {**BASE, "experience": [None, 1, "x"]},
        {**BASE, "experience": [{"company": "Acme", "title": "CEO"}]},
        {**BASE, "experience": "x"},
    ]
    return out


def _job(
    name: Any, site: Any = None, start: Any = None, end: Any = None, primary: Any = False, **kw: Any
) -> Any:
    company = {"name": name, "website": site, **kw} if name is not None or site is not None or kw else None
    return {
        "company": company,
        "title": {"name": f"T {name}"},
        "start_date": start,
        "end_date": end,
        "is_primary": primary,
    }


EXPERIENCES: list[Any] = [
    [_job("Acme", "acme.com", "2020", None, True), _job("Beta", "beta.io", "2021", None)],
    [_job("Acme", "acme.com", "2020"), _job("Beta", "beta.io", "2021"), _job("Gamma", None, "2021")],
    [_job("Acme", None, None), _job("Beta", None, "")],
    [_job(None, None, "2022"), _job("Acme", "acme.com", "2019", "2020")],
    [_job("Acme", "acme.com", "2019", "2020", True), None, _job("ACME", "acme.com", "2021")],
    [_job(None, None, None, None, True, linkedin_url="linkedin.com/company/acme")],
    [_job("İstanbul AŞ", "gmail.com", "2020-01", None), _job("x", "acme.com", "2018", "2019")],
    [_job("Acme", "https://www.acme.com/about", "2020-13"), _job("Beta", "beta.io", "2020-01-01")],
    [],
    None,
]
JOB_FIELDS: list[dict[str, Any]] = [
    {},
    {"job_company_name": "acme", "job_title": None, "job_start_date": None},
    {"job_company_website": "acme.com", "job_title": "Boss"},
    {"job_company_linkedin_url": "https://linkedin.com/company/acme/", "job_company_name": "Other"},
    {"job_company_name": "Gamma"},
]
IDENTITIES: list[dict[str, Any]] = [
    {"work_email": "ann@acme.com"},
    {"work_email": "ann@beta.io", "id": None, "linkedin_url": None},
    {"id": None, "linkedin_url": None, "full_name": "Ann Lee"},
    {"id": None, "linkedin_url": None, "full_name": None},
    {"work_email": "ann@gmail.com", "id": None},
]


def test_current_job_choices(tmp_path: Path) -> None:
    recs = [
        {**BASE, **ident, **job, "experience": exp}
        for exp in EXPERIENCES
        for job in JOB_FIELDS
        for ident in IDENTITIES
    ]
    conv = check_lines([dumps(r) for r in recs])
    assert conv.slow == 0
    sources = set(conv.obs["current_job_source"].to_list())
    assert sources == {None, "job_fields", "primary_experience", "open_experience"}
    assert check_parquet(recs, tmp_path) is not None


def test_generator_data_jsonl_and_parquet(tmp_path: Path) -> None:
    out = tmp_path / "syn"
    generate(out, seed=5, scale=0.05)
    texts = [t for t in (out / "people.jsonl").read_text().splitlines() if t.strip()]
    check_lines(texts)
    no_exp = [dumps({**orjson.loads(t), "experience": []}) for t in texts]
    conv = check_lines(no_exp)
    assert conv.slow < len(no_exp) / 10  # most rows take the vector path
    assert check_parquet([orjson.loads(t) for t in texts], tmp_path) is not None
    assert check_parquet([orjson.loads(t) for t in no_exp], tmp_path) is not None


def test_odd_rows_jsonl() -> None:
    recs = _odd_records()
    conv = check_lines([dumps(r) for r in recs])
    assert conv.obs.height > 500 and conv.slow < 450
    raw = [
        '{"id":"a","observed_at":"2026-01-01","id":"b"}',
        '{"id":"a","observed_at":"2026-01-01","full_name":"x\\u0000y","work_email":"A@B.COM"}',
        '{"id":"a","observed_at":"2026-01-01","linkedin_url":"\\ud800"}',
        '{"observed_at":"2026-01-01","work_email":"a\\"b@c.com"}',
        '{"observed_at":"2026-01-01","work_email":"a@b.com","emails":[{"address":"x@y.com","address":"z@y.com"}]}',
        '{"observed_at":"2026-01-01","work_email":"a@b.com","huge":1e999,"n":01}',
        '{"observed_at":"2026-01-01","work_email":"a@b.com"} {"x":1}',
        "null",
        "[1,2]",
        '"s"',
        "1",
        "{",
        "{}",
        '{"observed_at":"2026-01-01","work_email":"a@b.com",}',
        ' {"observed_at":"2026-01-01","work_email":"a@b.com"} ',
        '{"observed_at":"2026-01-01","work_email":"a@b.com","x":NaN}',
        '{"observed_at":"2026-01-01","emails":[{"address":"a@b.com","type":" personal\\u001c"}],"id":"1"}',
    ]
    check_lines(raw + [dumps(r) for r in recs[:50]])


def _parquet_shaped(r: dict[str, Any]) -> bool:
    """Records a Parquet column can hold beside the others (strings, lists of strings, e-mail structs)."""
    lists = ("emails", "personal_emails", "experience")
    if any(type(r.get(f)) not in (list, type(None)) for f in lists):
        return False
    if any(type(r[f]) not in (str, type(None)) for f in r if f not in lists):
        return False
    if any(type(x) not in (str, type(None)) for x in r.get("personal_emails") or []):
        return False
    if any(type(x) is not dict or type(x.get("address")) is not str for x in r.get("emails") or []):
        return False
    return all(
        type(x) is dict and all(type(x.get(k)) in (dict, type(None)) for k in ("company", "title"))
        for x in r.get("experience") or []
    )


def test_odd_rows_parquet(tmp_path: Path) -> None:
    recs = [r for r in _odd_records() if _parquet_shaped(r)]
    assert len(recs) > 100
    assert check_parquet(recs, tmp_path) is not None
    # a column the fast path does not read exactly: the whole file goes the reference way
    assert check_parquet([{**BASE, "id": 1}], tmp_path) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_mix(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    pools: dict[str, list[Any]] = {
        "id": [None, "p1", "p2", " p3 ", "", 7],
        "observed_at": DATES + [None, "2026-01-01"] * 5,
        "full_name": ["Ann Lee", " ann lee ", None, "", "Ö Ü"],
        "first_name": ["Ann", None, " "],
        "last_name": ["Lee", None, "\u3000Lee"],
        "linkedin_url": LINKEDIN + [None] * 5,
        "work_email": EMAILS + [None] * 5,
        "personal_emails": [None, [], *([e] for e in EMAILS)],
        "emails": [
            None,
            [],
            *([{"address": e, "type": rng.choice(["personal", None, "work"])}] for e in EMAILS),
        ],
        "job_company_name": ["Acme", None, " acme ", "ΣΑΣ"],
        "job_company_website": ["acme.com", None, "https://www.acme.co.uk/x", "gmail.com", "bad"],
        "job_company_linkedin_url": [
            None,
            "linkedin.com/company/acme",
            "https://www.linkedin.com/company/Acme/",
        ],
        "job_start_date": [*DATES, None],
        "job_last_verified": [*DATES, None],
        "location_country": ["de", None, " "],
        "job_title": ["CEO", None, "\x85CTO"],
        "experience": [[], None, [], [{"company": {"name": "Acme"}, "end_date": None}]],
    }
    recs = [{k: rng.choice(v) for k, v in pools.items() if rng.random() < 0.8} for _ in range(3000)]
    check_lines([dumps(r) for r in recs])
    pq_recs = [{**r, "id": r.get("id") if type(r.get("id")) is not int else "7"} for r in recs]
    assert check_parquet(pq_recs, tmp_path) is not None


def test_slow_lines_and_whole_file_read(tmp_path: Path) -> None:
    """Numbers are told in value position only; a plain file read at once equals the block-wise read."""
    from jobshift.engine.convert.parse import parse_lines

    texts = [
        '{"observed_at":"2026-01-01","linkedin_url":"linkedin.com/in/a-1e0","x":"1e5 NaN Infinity 00"}',
        '{"observed_at":"2026-01-01","linkedin_url":"linkedin.com/in/b","x":1e5}',
        '{"observed_at":"2026-01-01","linkedin_url":"linkedin.com/in/c","x":[1, 012]}',
        '{"observed_at":"2026-01-01","linkedin_url":"linkedin.com/in/d","x":12345678901234567}',
        '{"observed_at":"2026-01-01","linkedin_url":"linkedin.com/in/e","x":-Infinity}',
    ]
    conv = check_lines(texts)
    assert conv.slow == 4
    plain = [
        dumps({**BASE, "id": f"p{i}", "experience": EXPERIENCES[i % len(EXPERIENCES)]}) for i in range(50)
    ]
    path = tmp_path / "plain.jsonl"
    path.write_text("\n".join(plain) + "\n\n")
    lines = pl.Series("line", plain)
    whole, slow_w = parse_lines(lines, str(path))
    blocks, slow_b = parse_lines(lines)
    assert slow_w.len() == slow_b.len() == 0
    assert whole.equals(blocks)
