"""Per-run LLM limits (cost and latency, besides calls) and the draft cache per lead and template version."""

from __future__ import annotations

from pathlib import Path

from fakes.llm import FakeLlm
from jobshift.config import LlmSection
from jobshift.connectors.llm.client import ChatClient
from jobshift.services.outreach import drafting, template_sets
from jobshift.services.outreach.llm_drafts import LlmDrafter
from outreach_data import NOW, seed


def _drafter(fake: FakeLlm, clock: object = None, **kw: object) -> LlmDrafter:
    s = LlmSection(enabled=True, base_url=fake.url, model="test-model", max_attempts=1, **kw)  # type: ignore[arg-type]
    extra = {"clock": clock} if clock else {}
    return LlmDrafter(s, ["Acme"], client=ChatClient(s, env={}, sleep=lambda _s: None, **extra))  # type: ignore[arg-type]


def test_cost_limit_per_run(workspace_env: Path) -> None:
    ws = seed(workspace_env, 6)
    with FakeLlm(tokens=(120, 80)) as fake:  # 0.12 + 0.08 = 0.2 per call at 1.0 per 1k tokens
        d = _drafter(fake, input_cost_per_1k_tokens=1.0, output_cost_per_1k_tokens=1.0, max_cost_per_run=0.5)
        summary = drafting.draft_all(ws, llm=d, clock=lambda: NOW)
    assert fake.calls == 3  # 0.2, 0.4, 0.6 >= 0.5: stop
    assert summary.by_source == {"llm": 3, "template": 3}
    assert summary.fallbacks == {"LLM budget reached": 3}
    assert summary.llm is not None and abs(float(summary.llm["cost"]) - 0.6) < 1e-9  # type: ignore[arg-type]


def test_latency_limit_per_run(workspace_env: Path) -> None:
    ws = seed(workspace_env, 5)
    ticks = iter(range(0, 1000, 2))  # every clock read is 2 s later: each call "takes" 2 s

    with FakeLlm() as fake:
        d = _drafter(fake, clock=lambda: float(next(ticks)), max_seconds_per_run=5.0)
        summary = drafting.draft_all(ws, llm=d, clock=lambda: NOW)
    assert fake.calls == 3  # 2 s, 4 s, 6 s >= 5 s: stop
    assert summary.fallbacks == {"LLM budget reached": 2}
    assert summary.llm is not None and summary.llm["seconds"] == 6.0


def test_drafts_cached_per_lead_and_template_version(workspace_env: Path) -> None:
    ws = seed(workspace_env, 3)
    first = drafting.draft_all(ws, use_llm=False, clock=lambda: NOW)
    assert (first.written, first.cached) == (3, 0)
    again = drafting.draft_all(ws, use_llm=False, clock=lambda: NOW)
    assert (again.written, again.cached) == (0, 3)  # same template version and evidence: nothing new
    template_sets.save_set(
        ws,
        "job_change",
        {
            "email_subject": "Hello {{ first_name }}",
            "email_body": "New body {{ new_company }}",
            "linkedin_note": "n",
        },
    )
    edited = drafting.draft_all(ws, use_llm=False, clock=lambda: NOW)
    assert (edited.written, edited.cached) == (3, 0)  # a new template version: every lead drafted again
    assert drafting.lead_drafts(ws, ["L001"])["L001"].email_subject == "Hello Dana1"
    assert drafting.draft_all(ws, use_llm=False, clock=lambda: NOW).written == 0
