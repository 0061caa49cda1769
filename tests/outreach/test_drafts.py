"""Drafts: templates filled from the evidence, the LLM path through the local OpenAI-compatible fake
(grounded drafts used, inventing ones caught by the guard with the reason), the cache (re-running asks
nothing), the per-run budget, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fakes.llm import FakeLlm
from jobshift.cli.main import main
from jobshift.config import LlmSection
from jobshift.connectors.llm.client import ChatClient
from jobshift.services.outreach import drafting, template_sets
from jobshift.services.outreach.llm_drafts import LlmDrafter
from jobshift.store.schema import outreach_drafts
from outreach_data import NOW, seed


def _drafter(fake: FakeLlm, **kw: object) -> LlmDrafter:
    s = LlmSection(enabled=True, base_url=fake.url, model="test-model", max_attempts=2, **kw)  # type: ignore[arg-type]
    return LlmDrafter(s, ["Acme"], client=ChatClient(s, env={}, sleep=lambda _s: None))


def test_template_draft_is_filled_from_the_evidence(workspace_env: Path) -> None:
    ws = seed(workspace_env, 1)
    d = drafting.draft_lead(ws, "L000", use_llm=False, clock=lambda: NOW)
    assert d.source == "template" and d.template_set == "job_change"
    assert "Dana0" in d.email_body and "Newco0" in d.email_body and "March 2026" in d.email_body
    assert "Contoso" in d.email_body and "Sam Rivera" in d.email_body
    assert len(d.linkedin_note) <= 300 and "Newco0" in d.linkedin_note
    assert d.email_subject == "Congrats on joining Newco0, Dana0"


def test_workspace_template_wins_and_persona_set_is_chosen(workspace_env: Path) -> None:
    ws = seed(workspace_env, 2)
    texts = {
        "email_subject": "Hi {{ first_name }}",
        "email_body": "Persona body {{ new_title }}",
        "linkedin_note": "n",
    }
    template_sets.save_set(ws, "job_change.persona", texts)
    drafts = drafting.lead_drafts(ws, ["L000", "L001"])
    assert drafts["L000"].template_set == "job_change.persona"  # persona_match (even index)
    assert drafts["L000"].email_body == "Persona body VP Engineering"
    assert drafts["L001"].template_set == "job_change"


def test_a_broken_template_is_refused_on_save_and_falls_back_on_render(workspace_env: Path) -> None:
    ws = seed(workspace_env, 1)
    from jobshift.errors import UsageError

    with pytest.raises(UsageError, match="does not render"):
        template_sets.save_set(
            ws, "job_change", {"email_subject": "{{ nope }}", "email_body": "b", "linkedin_note": "n"}
        )
    folder = template_sets.workspace_dir(ws) / "job_change"
    folder.mkdir(parents=True)
    (folder / "email_body.j2").write_text("{{ nope }}")
    d = drafting.lead_drafts(ws, ["L000"])["L000"]
    assert d.template_set == "default" and "failed" in (d.fallback_reason or "")


def test_sandbox_refuses_unsafe_templates(workspace_env: Path) -> None:
    ws = seed(workspace_env, 1)
    from jobshift.errors import UsageError

    evil = {"email_subject": "{{ ''.__class__.__mro__ }}", "email_body": "b", "linkedin_note": "n"}
    with pytest.raises(UsageError):
        template_sets.save_set(ws, "job_change", evil)


def test_llm_draft_used_when_grounded_and_only_evidence_sent(workspace_env: Path) -> None:
    ws = seed(workspace_env, 2)
    with FakeLlm() as fake:
        summary = drafting.draft_all(ws, llm=_drafter(fake), clock=lambda: NOW)
        assert summary.by_source == {"llm": 2} and summary.llm and summary.llm["accepted"] == 2
        user = fake.prompts[0][-1]["content"]
        assert "Newco" in user and "L00" not in user and "@" not in user  # evidence only: no ids, no e-mails
        again = drafting.draft_all(ws, llm=_drafter(fake), clock=lambda: NOW)
        assert fake.calls == 2 and again.cached == 2 and again.written == 0  # cached per lead and version
    d = drafting.lead_drafts(ws, ["L000"])["L000"]
    assert d.source in ("llm", "template")  # the page shows the cached LLM draft when LLM is enabled


def test_inventing_llm_falls_back_to_the_template_saying_why(workspace_env: Path) -> None:
    ws = seed(workspace_env, 1)

    def inventing(facts: dict[str, str]) -> str:
        body = f"Hi {facts['person first name']}, congrats on joining Initech as CTO! We grew Contoso 40%."
        return json.dumps({"subject": "Congrats", "body": body, "linkedin_note": "Congrats!"})

    with FakeLlm(inventing) as fake:
        d = drafting.draft_lead(ws, "L000", llm=_drafter(fake), clock=lambda: NOW)
    assert d.source == "template"
    assert "Initech" in (d.fallback_reason or "") and "CTO" in (d.fallback_reason or "")
    assert any("40" in v for v in d.violations)
    with ws.store.connect() as conn:
        row = (
            conn.execute(
                select(outreach_drafts).where(
                    outreach_drafts.c.source == "template", outreach_drafts.c.fallback_reason.is_not(None)
                )
            )
            .mappings()
            .first()
        )
    assert row is not None and row["violations"]


def test_budget_limits_calls_and_unparseable_replies(workspace_env: Path) -> None:
    ws = seed(workspace_env, 4)
    with FakeLlm(lambda _f: "Sure! Here is a draft: Hi there") as fake:
        summary = drafting.draft_all(ws, llm=_drafter(fake, max_calls_per_run=2), clock=lambda: NOW)
    assert fake.calls == 2
    assert summary.fallbacks.get("LLM reply unusable") == 2
    assert summary.fallbacks.get("LLM budget reached") == 2


def test_unknown_model_stops_llm_for_the_run(workspace_env: Path) -> None:
    ws = seed(workspace_env, 3)
    with FakeLlm(model="other") as fake:
        summary = drafting.draft_all(ws, llm=_drafter(fake), clock=lambda: NOW)
    assert fake.calls == 1 and summary.by_source == {"template": 3}
    assert summary.fallbacks.get("LLM refused the run") == 3


def test_llm_faults_are_retried(workspace_env: Path) -> None:
    ws = seed(workspace_env, 6)
    with FakeLlm(fault_share=0.2) as fake:
        summary = drafting.draft_all(ws, llm=_drafter(fake, max_calls_per_run=100), clock=lambda: NOW)
    assert fake.faults > 0 and summary.leads == 6


def test_cli_draft_lead_json_and_all_dry_run(workspace_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = seed(workspace_env, 3)
    ws.close()
    assert main(["-w", str(workspace_env), "draft", "L001", "--json", "--no-llm"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lead_id"] == "L001" and "Newco1" in out["email_body"]
    assert main(["-w", str(workspace_env), "draft", "--all", "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] and dry["leads"] == 3 and dry["written"] == 2  # L001 was drafted above
    ws2 = seed.__globals__["Workspace"].open(workspace_env)
    with ws2.store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(outreach_drafts)).scalar_one() == 1
    assert main(["-w", str(workspace_env), "draft", "NOPE"]) == 2
    assert main(["-w", str(workspace_env), "draft"]) == 2
