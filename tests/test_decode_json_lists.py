"""``decode_json_lists`` (pyarrow's JSON reader) gives exactly what polars' ``str.json_decode`` gives."""

from __future__ import annotations

import polars as pl
import pytest

from jobshift.engine.batches import (
    EXPERIENCE_DTYPE,
    HISTORY_DTYPE,
    _decode_with_pyarrow,
    decode_experience,
    decode_json_lists,
)

GOOD = [
    '[{"company_name":"Acme Inc.","company_domain":"acme.com","title":"CTO","start_date":"2020-01",'
    '"end_date":null,"is_primary":true,"title_levels":["cxo"],"extra":{"nested":[1,2]}}]',
    None,
    "null",
    "[]",
    "[null]",
    '[{"company_name":"Soci\\u00e9t\\u00e9 G\\u00e9n\\u00e9rale"},{"title":"a \\"quoted\\" \\\\ title"}]',
    '[ {"company_name" : "Spaced", "is_primary": false} ]',
    '[{"company_name":"Zürich Ärzte 日本"}]',
    '[{}, {"end_date":"2021"}]',
    '[{"company_name":\n"a newline between tokens"}]',  # pretty-printed JSON: still one row
]


@pytest.mark.parametrize("dtype", [EXPERIENCE_DTYPE, HISTORY_DTYPE])
def test_same_as_polars_json_decode(dtype: pl.DataType) -> None:
    text = pl.Series("experience", GOOD * 3, dtype=pl.String)
    assert _decode_with_pyarrow(text, dtype) is not None  # the fast path, not the fallback
    got = decode_json_lists(text, dtype)
    assert got.dtype == dtype
    assert got.to_list() == text.str.json_decode(dtype).to_list()


@pytest.mark.parametrize(
    "odd",
    [
        '[{"company_name": 5}]',  # a number where a string is expected
        '[{"is_primary": "yes"}]',
        "[1]",
        '{"company_name": "not a list"}',
        "",
    ],
)
def test_rows_pyarrow_rejects_fall_back_to_polars(odd: str) -> None:
    text = pl.Series("experience", [GOOD[0], odd, GOOD[5]], dtype=pl.String)
    assert _decode_with_pyarrow(text, EXPERIENCE_DTYPE) is None
    try:
        want = text.str.json_decode(EXPERIENCE_DTYPE).to_list()
    except pl.exceptions.ComputeError:
        with pytest.raises(pl.exceptions.ComputeError):
            decode_json_lists(text, EXPERIENCE_DTYPE)
        return
    assert decode_json_lists(text, EXPERIENCE_DTYPE).to_list() == want


def test_broken_json_raises_as_polars_does() -> None:
    text = pl.Series("experience", [GOOD[0], "[{broken"], dtype=pl.String)
    with pytest.raises(pl.exceptions.ComputeError):
        decode_json_lists(text, HISTORY_DTYPE)


def test_decode_experience_keeps_other_columns_and_empty_frames() -> None:
    df = pl.DataFrame({"pi": [0, 1, 2], "experience": GOOD[:3]})
    out = decode_experience(df, HISTORY_DTYPE)
    assert out.columns == ["pi", "experience"]
    assert out["experience"].to_list() == df["experience"].str.json_decode(HISTORY_DTYPE).to_list()
    empty = decode_experience(df.clear(), HISTORY_DTYPE)
    assert empty.height == 0 and empty.schema["experience"] == HISTORY_DTYPE
