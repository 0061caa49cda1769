"""The synthetic data generator: determinism, sizes, truth consistency, noise, file formats."""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq
import pytest

from jobshift.domain.normalize import normalize_domain, normalize_email, normalize_linkedin_person
from jobshift.domain.normalize.companies import company_core
from jobshift.synth.generate import CSV_FILES, generate

SCALE = 0.05
NOISE_KINDS = {
    "name_variant",
    "company_name_variant",
    "nickname",
    "renamed_company",
    "no_linkedin",
    "personal_email_only",
    "partial_date",
    "side_role",
    "duplicate_profile",
    "stale_observation",
    "same_name_other_person",
    "linkedin_url_variant",
}
TRAP_KINDS = {
    "same_name_other_person",
    "side_role",
    "stale_observation",
    "new_hire_not_persona",
    "new_hire_too_old",
}
STATUSES = {
    "new",
    "suppressed:advisor",
    "suppressed:board_member",
    "suppressed:investor",
    "suppressed:intern",
    "suppressed:student",
    "suppressed:self_employed",
    "suppressed:too_old",
    "suppressed:opted_out",
    "suppressed:free_mail_only",
}


def _digest(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir()) if p.is_file()}


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "a"
    generate(out, seed=11, scale=SCALE)
    return out


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough rows that every scenario and noise kind shows up."""
    out = tmp_path_factory.mktemp("synth") / "big"
    generate(out, seed=3, scale=0.3)
    return out


def test_same_seed_same_bytes_other_seed_other_bytes(data: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", seed=11, scale=SCALE)
    generate(tmp_path / "other", seed=12, scale=SCALE)
    assert _digest(tmp_path / "again") == _digest(data)
    other = _digest(tmp_path / "other")
    assert other.keys() == _digest(data).keys()
    assert all(other[k] != v for k, v in _digest(data).items())


def test_files_and_manifest(data: Path) -> None:
    names = {p.name for p in data.iterdir()}
    assert set(CSV_FILES.values()) | {"people.jsonl", "truth.jsonl", "traps.jsonl", "manifest.json"} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    m = orjson.loads((data / "manifest.json").read_bytes())
    assert m["seed"] == 11 and m["scale"] == SCALE and m["as_of"] == "2026-11-17"
    for obj, fname in CSV_FILES.items():
        assert m["counts"][obj] == len(_csv(data / fname)), obj
    assert m["counts"]["people"] == len(_jsonl(data / "people.jsonl"))
    assert m["counts"]["truth"] == len(_jsonl(data / "truth.jsonl"))


def test_counts_near_targets_at_scale(data: Path) -> None:
    m = orjson.loads((data / "manifest.json").read_bytes())["counts"]
    assert m["accounts"] == round(2000 * SCALE)
    assert 0.75 * 20_000 * SCALE <= m["contacts"] <= 1.3 * 20_000 * SCALE
    coverage = (m["tracked_with_profile"] + m["untracked_with_profile"]) / m["contacts"]
    assert 0.85 <= coverage <= 0.95
    accounts = _csv(data / "accounts.csv")
    types = Counter(a["type"] for a in accounts)
    assert 0.12 <= types["Customer"] / len(accounts) <= 0.4
    assert {a["segment"] for a in accounts} == {"Large", "Mid-Market", "SMB", "PubSec"}
    assert 0.05 <= sum(a["is_target"] == "true" for a in accounts) / len(accounts) <= 0.3
    users = _csv(data / "users.csv")
    assert {"BDR", "SDR", "AE", "Renewal Manager", "Manager", "Admin"} <= {u["role"] for u in users}
    assert 1 <= sum(u["active"] == "false" for u in users) <= 2
    assert all(u["slack_user_id"].startswith("U0") for u in users)


def test_default_scale_counts_are_near_targets(tmp_path: Path) -> None:
    m = generate(tmp_path / "d", seed=1, scale=1.0)
    assert m.counts["accounts"] == 2000
    assert 17_000 <= m.counts["contacts"] <= 24_000
    assert 30 <= m.counts["users"] <= 50
    assert m.counts["people"] >= 0.9 * m.counts["contacts"]


def test_truth_is_consistent_with_the_files(big: Path) -> None:
    accounts = {a["id"]: a for a in _csv(big / "accounts.csv")}
    contacts = {c["id"]: c for c in _csv(big / "contacts.csv")}
    people: dict[str, list[dict[str, Any]]] = {}
    for p in _jsonl(big / "people.jsonl"):
        people.setdefault(p["id"], []).append(p)
    truth = _jsonl(big / "truth.jsonl")
    assert truth
    keys = Counter((t["type"], t["contact_id"] or t["person_id"]) for t in truth)
    assert max(keys.values()) == 1, "one truth row per (type, contact)"
    for t in truth:
        assert t["expected_status"] in STATUSES
        assert t["person_id"] in people and all(a in people for a in t["alt_person_ids"])
        newest = max(people[t["person_id"]], key=lambda p: p["observed_at"])
        assert newest["observed_at"] == t["observed_at"]
        if t["matched_account_id"] is not None:
            assert t["matched_account_id"] in accounts
        if t["contact_id"] is None:  # new hires and promotions of people not in the CRM
            assert t["type"] in ("new_hire", "promotion")
            assert accounts[t["matched_account_id"]]["is_target"] == "true"
            assert t["persona_match"] is True
            start = t["job_started_date"]
            if start is None and "first_seen_elsewhere" in t["noise"]:
                # no start date, no recent end in the profile: an earlier observation within the window
                # shows the person at another company
                assert "missing_start_date" in t["noise"]
                earlier = [p for p in people[t["person_id"]] if p["observed_at"] < t["observed_at"]]
                assert earlier and all(p["job_company_name"] != newest["job_company_name"] for p in earlier)
                start = max(p["observed_at"] for p in earlier)
            elif start is None:  # no start date: the previous job ended within the window
                assert "missing_start_date" in t["noise"]
                ends = [e["end_date"] for e in newest["experience"] if e["end_date"]]
                start = max(ends)
            first_day = date.fromisoformat(start + "-01" * (3 - len(start.split("-"))))
            assert (date.fromisoformat(t["observed_at"]) - first_day).days <= 90
            if t["type"] == "promotion":
                assert t["past_title"] and any(
                    e["title"]["name"] == t["past_title"] for e in newest["experience"]
                )
            continue
        c = contacts[t["contact_id"]]
        assert t["past_account_id"] == c["account_id"]
        _assert_identifiable(c, newest, accounts[c["account_id"]])
        if t["type"] == "left_company":
            assert newest["job_company_name"] is None and t["matched_account_id"] is None
            assert all(e["end_date"] for e in newest["experience"])
        elif t["type"] in ("promotion", "title_change"):
            assert t["matched_account_id"] == c["account_id"]
            assert t["new_title"] != c["title"]
        else:
            assert newest["job_title"] == t["new_title"].lower()
            if t["matched_account_id"]:
                assert t["matched_account_id"] != c["account_id"]
                assert accounts[t["matched_account_id"]]["is_target"] == "false"
        if t["expected_status"] == "suppressed:opted_out":
            assert c["email_opt_out"] == "true"
        if "personal_email_only" in t["noise"]:
            assert newest["work_email"] is None and not newest["emails"] and newest["personal_emails"]


def _assert_identifiable(c: dict[str, str], p: dict[str, Any], acc: dict[str, str]) -> None:
    """The profile is linked to the contact by LinkedIn, e-mail, or name + the CRM company in history."""
    li = normalize_linkedin_person(c["linkedin_url"])
    if li and li == normalize_linkedin_person(p["linkedin_url"]):
        return
    emails = {normalize_email(e["address"]) for e in p["emails"]} | {normalize_email(p["work_email"])}
    if c["email"] and normalize_email(c["email"]) in emails:
        return
    assert (p["first_name"], p["last_name"]) == (c["first_name"].lower(), c["last_name"].lower())
    domain = normalize_domain(acc["website"])
    core = company_core(acc["name"])
    assert any(
        e["company"]["website"] == domain
        or e["company"]["name"].lower().startswith(acc["name"][:6].lower())
        or (core and company_core(e["company"]["name"]) and company_core(e["company"]["name"])[0] == core[0])  # type: ignore[index]
        for e in p["experience"]
    ), (c, p)


def test_traps_point_at_existing_records(big: Path) -> None:
    people = {p["id"] for p in _jsonl(big / "people.jsonl")}
    contacts = {c["id"] for c in _csv(big / "contacts.csv")}
    traps = _jsonl(big / "traps.jsonl")
    assert {t["kind"] for t in traps} >= TRAP_KINDS
    truth_keys = {(t["contact_id"], t["person_id"]) for t in _jsonl(big / "truth.jsonl")}
    for t in traps:
        assert t["person_id"] in people
        assert t["contact_id"] is None or t["contact_id"] in contacts
        if t["kind"] == "same_name_other_person":
            assert (t["contact_id"], t["person_id"]) not in truth_keys


def test_every_type_status_and_noise_kind_is_present(big: Path) -> None:
    truth = _jsonl(big / "truth.jsonl")
    assert {t["type"] for t in truth} == {
        "job_change",
        "left_company",
        "promotion",
        "title_change",
        "new_hire",
    }
    assert {t["expected_status"] for t in truth} == STATUSES
    assert {n for t in truth for n in t["noise"]} >= NOISE_KINDS


def test_shares_in_manifest_match_truth(big: Path) -> None:
    m = orjson.loads((big / "manifest.json").read_bytes())
    truth = _jsonl(big / "truth.jsonl")
    by_key = Counter(f"{t['type']}:{t['expected_status']}" for t in truth)
    assert dict(by_key) == m["truth"]
    tracked = m["counts"]["tracked_with_profile"]
    scen = Counter(t["scenario"] for t in truth)
    for name in (
        "job_change_crm",
        "job_change_other",
        "left_company",
        "promotion",
        "title_change",
        "too_old",
    ):
        assert abs(m["shares"][name] - scen[name] / tracked) < 0.002, name
    assert abs(sum(v for k, v in m["shares"].items() if ":" not in k and k != "profile_coverage") - 1) < 0.01


def test_profiles_follow_the_people_format(data: Path) -> None:
    for p in _jsonl(data / "people.jsonl"):
        assert p["id"].startswith("p-") and date.fromisoformat(p["observed_at"]) <= date(2026, 11, 17)
        assert p["linkedin_url"] or p["work_email"] or p["emails"] or p["personal_emails"] or p["experience"]
        for e in p["experience"]:
            for k in ("start_date", "end_date"):
                v = e[k]
                assert v is None or len(v) in (4, 7, 10)
        if p["job_company_name"] is not None:
            assert any(e["is_primary"] and e["end_date"] is None for e in p["experience"])


def test_crm_files_are_well_formed(data: Path) -> None:
    accounts = {a["id"] for a in _csv(data / "accounts.csv")}
    contacts = _csv(data / "contacts.csv")
    assert all(c["account_id"] in accounts and c["last_name"] for c in contacts)
    assert len({c["id"] for c in contacts}) == len(contacts)
    with_li = sum(bool(c["linkedin_url"]) for c in contacts) / len(contacts)
    assert 0.75 <= with_li <= 0.95
    opps = _csv(data / "opportunities.csv")
    stages = {o["stage"] for o in opps}
    assert "7-Closed Won" in stages and "8-Closed Lost" in stages
    assert any(o["type"] == "Renewal" for o in opps)
    ids = {o["id"] for o in opps}
    cids = {c["id"] for c in contacts}
    assert all(
        r["opportunity_id"] in ids and r["contact_id"] in cids
        for r in _csv(data / "opportunity_contact_roles.csv")
    )
    leads = {x["id"] for x in _csv(data / "leads.csv")}
    assert all(a["who_id"] in cids or a["who_id"] in leads for a in _csv(data / "activities.csv"))


def test_company_names_do_not_collide_fuzzily(big: Path) -> None:
    from rapidfuzz import fuzz, process

    from jobshift.domain.normalize.companies import normalize_company_name

    crm = sorted({normalize_company_name(a["name"]) or "" for a in _csv(big / "accounts.csv")})
    outside = {
        t["new_company"]
        for t in _jsonl(big / "truth.jsonl")
        if t["type"] == "job_change" and t["matched_account_id"] is None
    }
    for name in outside:
        norm = normalize_company_name(name) or ""
        hit = process.extractOne(norm, crm, scorer=fuzz.token_sort_ratio, score_cutoff=92)
        assert hit is None, (name, hit)


@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet"])
def test_other_people_formats_hold_the_same_profiles(data: Path, tmp_path: Path, fmt: str) -> None:
    generate(tmp_path, seed=11, scale=SCALE, people_format=fmt)
    expected = _jsonl(data / "people.jsonl")
    if fmt == "jsonl.gz":
        got = [
            orjson.loads(x) for x in gzip.decompress((tmp_path / "people.jsonl.gz").read_bytes()).splitlines()
        ]
    else:
        got = pq.read_table(tmp_path / "people.parquet").to_pylist()
    assert len(got) == len(expected)
    assert got[0]["id"] == expected[0]["id"] and got[-1]["experience"] == expected[-1]["experience"]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        generate("/nonexistent-never", seed=1, scale=0)
    with pytest.raises(ValueError):
        generate("/nonexistent-never", seed=1, scale=1, people_format="xml")


def test_generated_titles_agree_with_the_title_classifier() -> None:
    """Signals depend on these titles: the detection's classifier must read them as the generator means."""
    from jobshift.domain.normalize.persona import PersonaSpec, persona_matches
    from jobshift.domain.normalize.title_model import compare_titles
    from jobshift.domain.normalize.titles import classify_title
    from jobshift.synth import titles as t

    spec = PersonaSpec(seniorities=("c_suite", "vp", "director"), functions=t.PERSONA_FUNCTIONS_DEFAULT)
    for title in t.TITLES:
        info = classify_title(title.name)
        assert (info.seniority, info.function) == (title.seniority, title.function), title
        assert persona_matches(title.name, spec) == title.persona, title
    for old, news in t.PROMOTIONS.items():
        for new in news:
            assert compare_titles(old, new).decision == "promotion", (old, new)
    for old, news in t.LATERAL.items():
        for new in news:
            assert compare_titles(old, new).decision == "lateral", (old, new)
    for title in t.TITLES:  # an unchanged title (any casing) is never a title change
        assert compare_titles(title.name, title.name.lower()).decision == "same", title
    flags = {"advisor": "is_advisor", "board_member": "is_board", "investor": "is_investor"}
    for kind, names in t.SIDE_ROLES.items():
        assert all(getattr(classify_title(n), flags[kind]) for n in names), kind
    assert all(classify_title(n).is_intern for n in t.INTERN_TITLES)
    assert all(classify_title(n).is_student for n in t.STUDENT_TITLES)
    assert all(classify_title(n).is_self_employed for _, n in t.SELF_EMPLOYED)
