"""Company keys resolved in bulk (engine/company_keys.py) answer exactly as CompanyIndex.resolve per key."""

from __future__ import annotations

import itertools

import polars as pl

from jobshift.domain.matching.companies import AccountInfo, Alias, CompanyIndex
from jobshift.engine.company_keys import resolve_keys

ACCOUNTS = [
    AccountInfo("a1", "Acme Inc", "acme.com", "acme", n_contacts=3),
    AccountInfo("a2", "Acme (UK) Ltd", "acme.co.uk", None, parent_id="a1"),
    AccountInfo("a3", "Fabrikam Group", None, "fabrikam"),
    AccountInfo("a4", "Fabrikam", "fabrikam.de", None, is_customer=True),
    AccountInfo("a5", "Contoso Deutschland GmbH", "contoso.de", None),
    AccountInfo("a6", "Contoso France SAS", "contoso.fr", None),
    AccountInfo("a7", "Globex Corporation", "globex.com", None, n_contacts=9),
    AccountInfo("a8", "Globex Corp", "globex.net", None, n_contacts=1),
]
ALIASES = [Alias("a7", name="Globex International", domain="globex.io")]
NAMES = [
    None,
    "Acme",
    "ACME, Inc.",
    "Acme UK",
    "Acme (UK)",
    "Fabrikam",
    "Fabrikam Holding",
    "Contoso",
    "Contoso Germany",
    "Globex",
    "Globex Corporation",
    "Globexx Corporation",
    "Initech",
    "The Acme Company",
]
DOMAINS = [None, "acme.com", "acme.co.uk", "fabrikam.de", "unknown.io", "gmail.com", "globex.io"]
LINKEDINS = [None, "acme", "fabrikam", "nobody"]


def test_bulk_resolution_equals_one_by_one() -> None:
    keys = pl.DataFrame(
        list(itertools.product(NAMES, DOMAINS, LINKEDINS)),
        schema={"_n": pl.String, "_d": pl.String, "_l": pl.String},
        orient="row",
    )
    got = resolve_keys(CompanyIndex.build(ACCOUNTS, ALIASES), keys)
    ref = CompanyIndex.build(ACCOUNTS, ALIASES)
    assert got.select("_n", "_d", "_l").equals(keys)
    resolved = 0
    for n, d, li, aid, rule, conf, tie in got.iter_rows():
        m = ref.resolve(n, d, li)
        want = (m.account_id, m.rule, m.confidence, m.tie_break) if m else (None, None, 0.0, None)
        assert (aid, rule, conf, tie) == want, (n, d, li)
        resolved += m is not None
    # the table exercises every layer, not only misses
    assert resolved > len(NAMES) * len(LINKEDINS)
    assert set(got.get_column("rule").drop_nulls()) >= {"domain", "linkedin", "name", "core", "fuzzy"}


def test_empty_keys() -> None:
    keys = pl.DataFrame(schema={"_n": pl.String, "_d": pl.String, "_l": pl.String})
    got = resolve_keys(CompanyIndex.build(ACCOUNTS), keys)
    assert got.height == 0
    assert got.columns == ["_n", "_d", "_l", "aid", "rule", "conf", "tie"]
