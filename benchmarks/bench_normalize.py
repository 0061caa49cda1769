"""Benchmark: throughput of the normalizers (distinct inputs, caches cleared) against a trivial baseline.

Usage: .venv/bin/python benchmarks/bench_normalize.py [--n 200000] [--repeats 1000000]
Measures in one run, per normalizer, calls per second on up to n distinct generated inputs (titles: at
most the ~135,000 combinations of the generator; names: ~60,000) with the cache cleared first;
``classify_title`` also on ``repeats`` calls drawn from 20,000 distinct titles (the realistic case:
people feeds repeat titles a lot). The baseline is ``" ".join(s.lower().split())`` over the same titles,
so ratios are comparable across machines. Also reports the title-classification accuracy on the table of
tests/domain/title_cases.py. Writes benchmarks/out/bench_normalize.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jobshift.domain.normalize import (
    classify_title,
    normalize_company_name,
    normalize_domain,
    normalize_email,
    normalize_linkedin_person,
    normalize_title,
    parse_partial_date,
    parse_person_name,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"

_LEVELS = [
    "",
    "Sr.",
    "Senior",
    "Junior",
    "Lead",
    "Principal",
    "Staff",
    "VP",
    "SVP",
    "Director of",
    "Head of",
    "Chief",
    "Associate",
    "Manager,",
    "Leiter",
    "Directeur",
    "Jefe de",
    "Responsable",
    "Intern",
    "EVP",
]
_AREAS = [
    "Engineering",
    "Software",
    "Data",
    "Security",
    "IT",
    "Sales",
    "Marketing",
    "Finance",
    "Operations",
    "HR",
    "Legal",
    "Product",
    "DevOps",
    "Platform",
    "Infrastructure",
    "Cloud",
    "Analytics",
    "Growth",
    "Customer Success",
    "Vertrieb",
    "Ventas",
    "Sécurité",
    "Informatique",
    "Talent",
    "Procurement",
]
_ROLES = [
    "Engineer",
    "Manager",
    "Developer",
    "Analyst",
    "Architect",
    "Specialist",
    "Consultant",
    "Officer",
    "Scientist",
    "Lead",
    "Administrator",
    "Designer",
    "Recruiter",
    "Representative",
    "",
]
_QUALIFIERS = [
    "",
    "EMEA",
    "(m/w/d)",
    "- Remote",
    "II",
    "III",
    "| Advisor",
    "& Co-Founder",
    "North America",
    "at Acme Corp",
    "DACH",
    "France",
    "LATAM",
    "APAC",
    "Global",
    "US",
    "Team Lead",
    "Part-time",
]


def distinct_titles(n: int, seed: int = 1) -> list[str]:
    combos = list(itertools.product(_LEVELS, _AREAS, _ROLES, _QUALIFIERS))
    random.Random(seed).shuffle(combos)
    out = [" ".join(p for p in c if p) for c in combos]
    return list(dict.fromkeys(out))[:n]  # at most the ~135,000 distinct combinations


_FIRSTS = """James Robert John Michael William David Richard Joseph Thomas Charles Bob Bill Jim Mike Liz Kate
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Chris Alex Sam Pat José María
Jürgen Anna Sophie Lukas Léa Chloé Hugo Pablo Lucía Javier Carmen Ana Luis Wei Priya Rahul Aisha Omar
Dr. Ms. Mr. Prof.""".split()  # noqa: SIM905
_LASTS = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Müller Schmidt
Schneider Fischer Weber Meyer Dubois Martin Bernard Petit Durand Leroy Moreau García López Sánchez
Pérez O'Brien Smith-Jones Nguyen Kumar Patel Khan Kim""".split()  # noqa: SIM905


def distinct_names(n: int) -> list[str]:
    """Plain "first last", "first m. last", "last, first", with suffixes and particles mixed in."""
    out: list[str] = []
    forms = ["{f} {l}", "{f} {m}. {l}", "{l}, {f}", "{f} {l} Jr.", "{f} van der {l}", "{f} {l} PhD"]
    for form, f, m, last in itertools.product(forms, _FIRSTS, "ABCDEFGHJKLMNPRSTW", _LASTS):
        out.append(form.format(f=f, m=m, l=last))
    out = list(dict.fromkeys(out))
    random.Random(3).shuffle(out)
    return out[:n]


def _rate(fn: Callable[[Any], Any], inputs: Sequence[Any]) -> float:
    t0 = time.perf_counter()
    for x in inputs:
        fn(x)
    return len(inputs) / (time.perf_counter() - t0)


def _clear(fn: Any) -> None:
    if hasattr(fn, "cache_clear"):
        fn.cache_clear()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--repeats", type=int, default=1_000_000)
    args = ap.parse_args()
    n = args.n
    rng = random.Random(2)
    titles = distinct_titles(n)
    names = distinct_names(n)
    companies = [
        f"{rng.choice(['The ', ''])}Acme {i} {rng.choice(['Inc.', 'GmbH', 'S.A.', 'Ltd', 'Group'])}"
        for i in range(n)
    ]
    emails = [f" Jane.Doe{i}@Example{i % 997}.COM " for i in range(n)]
    urls = [
        f"https://{rng.choice(['www', 'uk', 'de'])}.linkedin.com/in/Jane-Doe-{i}/?trk=x" for i in range(n)
    ]
    domains = [f"https://www.shop{i}.example{i % 13}.co.uk/about" for i in range(n)]
    dates = [f"{1990 + i % 35}-{1 + i % 12:02d}" + ("" if i % 3 else f"-{1 + i % 28:02d}") for i in range(n)]

    results: dict[str, Any] = {"n": n, "distinct_titles": len(titles), "distinct_names": len(names)}
    baseline = _rate(lambda s: " ".join(s.lower().split()), titles)
    results["baseline_lower_split_per_s"] = round(baseline)
    cases: list[tuple[str, Callable[[Any], Any], Sequence[Any]]] = [
        ("normalize_title", normalize_title, titles),
        ("classify_title", classify_title, titles),
        ("normalize_company_name", normalize_company_name, companies),
        ("parse_person_name", parse_person_name, names),
        ("normalize_email", normalize_email, emails),
        ("normalize_linkedin_person", normalize_linkedin_person, urls),
        ("normalize_domain", normalize_domain, domains),
        ("parse_partial_date", parse_partial_date, dates),
    ]
    for name, fn, inputs in cases:
        _clear(fn)
        _clear(normalize_title)  # classify_title calls it: measure the whole uncached path
        rate = _rate(fn, inputs)
        results[f"{name}_per_s"] = round(rate)
        results[f"{name}_ratio_to_baseline"] = round(rate / baseline, 4)

    pool = titles[:20_000]
    stream = [pool[rng.randrange(len(pool))] for _ in range(args.repeats)]
    classify_title.cache_clear()
    results["classify_title_repeats_per_s"] = round(_rate(classify_title, stream))
    results["classify_title_repeats_ratio_to_baseline"] = round(
        results["classify_title_repeats_per_s"] / baseline, 4
    )

    sys.path.insert(0, str(ROOT / "tests" / "domain"))
    from title_cases import TITLE_CASES

    right = sum(
        (classify_title(t).seniority, classify_title(t).function) == (s, f) for t, s, f in TITLE_CASES
    )
    results["title_accuracy"] = round(right / len(TITLE_CASES), 4)
    results["title_cases"] = len(TITLE_CASES)

    OUT.mkdir(exist_ok=True)
    (OUT / "bench_normalize.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
