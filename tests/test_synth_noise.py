"""Real-world noise of the generator: typed CRM titles are the same role, company forms the same company."""

from __future__ import annotations

import random
from pathlib import Path

from jobshift.domain.matching.companies import AccountInfo, CompanyIndex
from jobshift.domain.normalize.title_model import compare_titles
from jobshift.synth.companies import CompanyNamer
from jobshift.synth.generate import generate
from jobshift.synth.noise import all_crm_titles, company_form, crm_title
from jobshift.synth.titles import LOCALIZED_TITLES, TITLES


def test_every_typed_crm_title_is_the_same_role() -> None:
    """The generator plants these on unchanged people: a title change there would be a false signal."""
    pairs = [(t, v) for t in [x.name for x in TITLES] + list(LOCALIZED_TITLES) for v in all_crm_titles(t)]
    assert len(pairs) > 900
    wrong = [(t, v, compare_titles(v, t).reason) for t, v in pairs if compare_titles(v, t).decision != "same"]
    assert wrong == []


def test_crm_title_draws_only_listed_variants() -> None:
    rng = random.Random(1)
    for t in [x.name for x in TITLES]:
        got = crm_title(rng, t)
        assert got is not None and got[0] in all_crm_titles(t)


def test_company_forms_resolve_to_the_account() -> None:
    rng = random.Random(2)
    namer = CompanyNamer(random.Random(3), crm=True)
    companies = [namer.company(rng) for _ in range(300)]
    idx = CompanyIndex.build([AccountInfo(f"a-{i}", c.name) for i, c in enumerate(companies)])
    for i, c in enumerate(companies):
        for _ in range(3):
            name, kind = company_form(rng, c)
            m = idx.resolve(name)
            assert m is not None and m.account_id == f"a-{i}", (c.name, name, kind)


def test_clean_mode_writes_no_real_noise(tmp_path: Path) -> None:
    m = generate(tmp_path / "c", seed=5, scale=0.03, noise="clean")
    assert m.noise_mode == "clean" and not (tmp_path / "c" / "account_aliases.csv").exists()
    assert not any(k.startswith("unchanged:crm_title") for k in m.noise)
    r = generate(tmp_path / "r", seed=5, scale=0.03)
    assert r.noise_mode == "real" and (tmp_path / "r" / "account_aliases.csv").is_file()
    assert any(k.startswith("unchanged:crm_title") for k in r.noise)
