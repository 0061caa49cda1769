"""services/specs.py is the one place that turns configuration into domain specs."""

from __future__ import annotations

import ast
from pathlib import Path

from jobshift.config import Config
from jobshift.domain.normalize.persona import PersonaSpec
from jobshift.services import specs

SRC = Path(__file__).resolve().parents[1] / "src" / "jobshift"
SPEC_TYPES = {
    "DetectSettings",
    "FilterSpec",
    "PersonaSpec",
    "CohortSpec",
    "TierSpec",
    "ActionSettings",
    "RoutingSettings",
    "PoolSpec",
    "RuleSpec",
    "IcpCriteria.of",
}


def spec_builds(source: str) -> list[str]:
    """Calls that construct a domain spec (``PersonaSpec(...)``, ``IcpCriteria.of(...)`` …)."""
    return [
        ast.unparse(n.func)
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Call) and ast.unparse(n.func) in SPEC_TYPES
    ]


def test_the_scan_sees_a_spec_build() -> None:
    assert spec_builds("x = PersonaSpec(title_keywords=('vp',))\ny = IcpCriteria.of(industries=[])\n") == [
        "PersonaSpec",
        "IcpCriteria.of",
    ]


def test_specs_are_built_only_in_services_specs() -> None:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "domain" or rel == Path("services/specs.py"):
            continue
        calls = spec_builds(path.read_text(encoding="utf-8"))
        if calls:
            found[str(rel)] = calls
    # the engine's fallback when it is called without settings (tests, benchmarks) is not from config
    assert found == {"engine/context.py": ["DetectSettings"]}


def test_builders_map_config_fields() -> None:
    cfg = Config.model_validate(
        {
            "persona": {"title_keywords": ["vp sales"], "seniorities": ["vp"], "functions": ["sales"]},
            "icp": {"industries": ["Software"], "min_employees": 50},
            "filters": {"skip_advisors": False, "competitor_domains": ["Rival.COM"]},
            "detection": {"new_hire_window_days": 60, "max_job_change_age_months": 6},
            "program": {"contact_tracking_lead_source": "JC", "target_tracking_lead_source": "NH"},
        }
    )
    persona = specs.persona_spec(cfg)
    assert persona == PersonaSpec(title_keywords=("vp sales",), seniorities=("vp",), functions=("sales",))
    settings = specs.detect_settings(cfg)
    assert settings.persona == persona and settings.icp == specs.icp_criteria(cfg)
    assert settings.icp.defined and settings.icp.min_employees == 50
    assert settings.new_hire_window_days == 60 and settings.filters.max_job_change_age_months == 6
    assert not settings.filters.skip_advisors and settings.filters.competitor_domains == {"rival.com"}
    assert specs.lead_sources(cfg) == ["JC", "NH"] and specs.notified_lead_source(cfg) == "JC"
    assert specs.action_settings(cfg).target_tracking_lead_source == "NH"
    matcher = specs.persona_matcher(cfg)
    assert matcher is not None and matcher("VP Sales") and not matcher("Intern")
    empty = {"title_keywords": [], "title_regexes": [], "seniorities": [], "functions": []}
    assert specs.persona_matcher(Config.model_validate({"persona": empty})) is None
