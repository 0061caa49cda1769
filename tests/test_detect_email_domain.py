"""The e-mail domain split (engine/detect.py ``_domain_of``) equals the regular expression it replaced."""

from __future__ import annotations

import polars as pl

from jobshift.engine.detect import _domain_of

VALUES = ["a@b.com", "x@y@z", "@lead", "trail@", "none", "", None, "ä@ö.de", "a@@b", "A@GMAIL.COM"]


def test_domain_split_equals_the_regex() -> None:
    df = pl.DataFrame({"e": VALUES}, schema={"e": pl.String})
    got = df.select(_domain_of(pl.col("e"))).to_series()
    assert got.to_list() == df.select(pl.col("e").str.replace(r"^[^@]*@", "")).to_series().to_list()
    assert got.to_list()[:4] == ["b.com", "y@z", "lead", ""]


def test_domain_split_inside_lists() -> None:
    df = pl.DataFrame({"l": [VALUES, [], None]}, schema={"l": pl.List(pl.String)})
    got = df.select(pl.col("l").list.eval(_domain_of(pl.element()))).to_series().to_list()
    ref = df.select(pl.col("l").list.eval(pl.element().str.replace(r"^[^@]*@", ""))).to_series().to_list()
    assert got == ref
