"""The templates settings use cases (``services/outreach/template_admin.py``): validation with line
numbers, preview against a real lead, atomic audited save (nothing written or audited on failure), the
version bump that makes ``jobshift draft LEAD`` show the new text, and reset to default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobshift.cli.main import main
from jobshift.errors import ConflictError, NotFoundError, UsageError
from jobshift.services.outreach import template_admin as ta
from jobshift.services.outreach import template_sets
from jobshift.services.workspace import Workspace
from jobshift.store.audit import list_audit
from outreach_data import seed

GOOD = {
    "email_subject": "Welcome to {{ new_company }}",
    "email_body": "Dear {{ first_name }},\n\nnew text for {{ new_company }}.\n\n{{ rep_name }}",
    "linkedin_note": "Hi {{ first_name }}!",
}


def _audits(ws: Workspace) -> list[dict[str, object]]:
    with ws.store.connect() as conn:
        return list_audit(conn, object=ta.AUDIT_OBJECT)


def test_check_texts_reports_each_problem_on_its_field_with_the_line() -> None:
    errors = ta.check_texts(
        {
            "email_subject": "ok {{ first_name }}",
            "email_body": "line one\nline two {{ new_company }}\n{% if x %}\n{{ colleague }}{% endif %}",
            "linkedin_note": "{{ first_name | shout }}",
        }
    )
    got = {(e.part, e.line, e.message.split(" (")[0]) for e in errors}
    assert ("email_body", 3, "unknown variable 'x'") in got
    assert ("email_body", 4, "unknown variable 'colleague'") in got
    assert ("linkedin_note", 1, "syntax error: No filter named 'shout'.") in got
    assert not [e for e in errors if e.part == "email_subject"]
    syntax = ta.check_texts({**GOOD, "email_body": "a\nb\n{% if first_name %}never closed"})
    assert [(e.part, e.line) for e in syntax] == [("email_body", 3)]
    assert "syntax error" in syntax[0].message
    assert ta.check_texts({"email_subject": "x"})[0].message == "missing"


def test_render_errors_and_the_linkedin_limit_are_found(backend_workspace: Path) -> None:
    ws = seed(backend_workspace, 1)
    pv = ta.preview(ws, "job_change", {**GOOD, "email_body": "a\n\n{{ 1 // 0 }}"}, "L000")
    assert [(e.part, e.line) for e in pv.errors] == [("email_body", 3)]
    assert "ZeroDivisionError" in pv.errors[0].message
    long = ta.preview(ws, "job_change", {**GOOD, "linkedin_note": "{{ full_name }} " * 40}, "L000")
    assert [e.part for e in long.errors] == ["linkedin_note"]
    assert "LinkedIn allows 300" in long.errors[0].message and long.errors[0].message.count("L000")
    ok = ta.preview(ws, "job_change", GOOD, "L000")
    assert not ok.errors and ok.subject == "Welcome to Newco0" and "Dear Dana0" in ok.body
    assert ok.note == "Hi Dana0!" and ok.note_chars == 9
    assert ta.preview(ws, "job_change", GOOD, None).subject == "Welcome to Northwind Analytics"
    with pytest.raises(NotFoundError):
        ta.preview(ws, "job_change", GOOD, "NOPE")
    with pytest.raises(NotFoundError):
        ta.preview(ws, "../etc", GOOD, None)


def test_list_sets_shows_builtin_override_and_what_leads_use(backend_workspace: Path) -> None:
    ws = seed(backend_workspace, 1)
    sets = {s.name: s for s in ta.list_sets(ws)}
    assert sets["job_change"].builtin and not sets["job_change"].override
    assert sets["job_change.persona"].used_now == "job_change" and not sets["job_change.persona"].builtin
    ta.save(ws, "job_change.persona", GOOD, actor="test")
    sets = {s.name: s for s in ta.list_sets(ws)}
    assert sets["job_change.persona"].override and sets["job_change.persona"].used_now == "job_change.persona"
    assert ta.current_texts(ws, "job_change.persona") == GOOD
    assert ta.current_texts(ws, "promotion.other") == ta.builtin_texts("promotion")


def test_save_is_validated_audited_and_jobshift_draft_shows_the_new_text(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = seed(backend_workspace, 2)
    ws.close()
    assert main(["-w", str(backend_workspace), "draft", "L000", "--json", "--no-llm"]) == 0
    old = json.loads(capsys.readouterr().out)
    assert old["template_set"] == "job_change" and "new text" not in old["email_body"]

    ws = Workspace.open(backend_workspace)
    version, pv = ta.save(ws, "job_change", GOOD, actor="web:admin", lead_id="L000")
    assert version != old["template_version"] and pv.lead_id == "L000" and not pv.errors
    folder = template_sets.workspace_dir(ws) / "job_change"
    assert {p.name for p in folder.iterdir()} == {"email_subject.j2", "email_body.j2", "linkedin_note.j2"}
    [entry] = _audits(ws)
    assert entry["actor"] == "web:admin" and entry["record_id"] == "job_change"
    assert entry["before"] == {"version": old["template_version"], "override": False}
    assert entry["after"] == {"version": version, "override": True}
    ws.close()

    assert main(["-w", str(backend_workspace), "draft", "L000", "--json", "--no-llm"]) == 0
    new = json.loads(capsys.readouterr().out)
    assert new["template_version"] == version and not new["cached"]
    assert new["email_subject"] == "Welcome to Newco0" and "new text for Newco0" in new["email_body"]
    assert main(["-w", str(backend_workspace), "draft", "L000", "--json", "--no-llm"]) == 0
    assert json.loads(capsys.readouterr().out)["cached"]  # the new version is cached once made


def test_a_refused_or_failed_save_writes_and_audits_nothing(backend_workspace: Path) -> None:
    ws = seed(backend_workspace, 1)
    ta.save(ws, "job_change", GOOD, actor="a")
    folder = template_sets.workspace_dir(ws) / "job_change"
    with pytest.raises(UsageError, match="E-mail body: unknown variable 'oops'"):
        ta.save(ws, "job_change", {**GOOD, "email_body": "{{ oops }}"}, actor="a")
    with pytest.raises(UsageError, match="LinkedIn note: renders to"):
        ta.save(ws, "job_change", {**GOOD, "linkedin_note": "x" * 301}, actor="a")

    (folder / "linkedin_note.j2").unlink()
    (folder / "linkedin_note.j2").mkdir()  # the last file cannot be replaced: no file may change
    with pytest.raises(OSError):
        ta.save(ws, "job_change", {**GOOD, "email_subject": "Other", "email_body": "B"}, actor="a")
    assert (folder / "email_body.j2").read_text() == GOOD["email_body"]
    assert (folder / "email_subject.j2").read_text() == GOOD["email_subject"]
    assert len(_audits(ws)) == 1  # only the first save
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files left
    (folder / "linkedin_note.j2").rmdir()


def test_crlf_is_normalised_and_resaving_the_same_texts_is_idempotent(backend_workspace: Path) -> None:
    ws = seed(backend_workspace, 1)
    crlf = {**GOOD, "email_body": GOOD["email_body"].replace("\n", "\r\n")}
    v1, _ = ta.save(ws, "new_hire", crlf, actor="a")
    v2, _ = ta.save(ws, "new_hire", GOOD, actor="a")
    assert v1 == v2
    assert len(_audits(ws)) == 1  # the second save changed nothing: not audited
    assert (template_sets.workspace_dir(ws) / "new_hire" / "email_body.j2").read_text() == GOOD["email_body"]


def test_reset_deletes_the_override_and_is_audited(backend_workspace: Path) -> None:
    ws = seed(backend_workspace, 1)
    builtin = ta.list_sets(ws)[1].version
    v, _ = ta.save(ws, "job_change", GOOD, actor="a")
    assert ta.reset(ws, "job_change", actor="web:admin") == builtin
    assert not (template_sets.workspace_dir(ws) / "job_change").exists()
    entry = _audits(ws)[0]
    assert entry["action"] == "reset" and entry["before"]["version"] == v
    assert entry["after"] == {"version": builtin, "override": False}
    assert ta.reset(ws, "job_change", actor="a") == builtin  # nothing to reset: no change, no audit
    assert len(_audits(ws)) == 2
    ta.save(ws, "job_change.other", GOOD, actor="a")
    assert ta.reset(ws, "job_change.other", actor="a") == builtin  # falls back to job_change


def test_a_save_over_a_newer_version_is_refused(backend_workspace: Path) -> None:
    ws = seed(backend_workspace, 1)
    opened = ta.list_sets(ws)[1].version  # admin A opens job_change
    ta.save(ws, "job_change", GOOD, actor="web:b", base_version=opened)  # admin B saves first
    mine = {**GOOD, "email_subject": "A's subject"}
    with pytest.raises(ConflictError, match="changed since you opened it"):
        ta.save(ws, "job_change", mine, actor="web:a", base_version=opened)
    assert ta.current_texts(ws, "job_change") == GOOD and len(_audits(ws)) == 1
    now = ta.list_sets(ws)[1].version
    assert ta.save(ws, "job_change", mine, actor="web:a", base_version=now)[0] != now


def test_a_subject_or_body_that_renders_empty_is_refused(backend_workspace: Path) -> None:
    ws = seed(backend_workspace, 1)
    with pytest.raises(UsageError, match="E-mail subject: renders empty"):
        ta.save(ws, "job_change", {**GOOD, "email_subject": "{% if false %}x{% endif %}"}, actor="a")
    assert ta.save(ws, "job_change", {**GOOD, "linkedin_note": ""}, actor="a")[1].note == ""


def test_an_empty_set_folder_is_not_a_set(backend_workspace: Path) -> None:
    ws = seed(backend_workspace, 1)
    (template_sets.workspace_dir(ws) / "job_change.persona").mkdir(parents=True)
    assert "job_change.persona" not in template_sets.set_names(ws)
    assert {s.name: s for s in ta.list_sets(ws)}["job_change.persona"].used_now == "job_change"
