"""Lead search ignores accents and case and covers name, title, company, past title and company, and
domains; the search documents follow every change (triggers), on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, insert, update

from jobshift.services.browse.browse import list_page
from jobshift.services.workspace import Workspace
from jobshift.store.browse.fulltext import fold, words
from jobshift.store.schema import accounts, leads
from web.seed import LOGINS


def _admin(ws: Workspace):  # type: ignore[no-untyped-def]
    from jobshift.services.admin import auth

    return next(u for u in auth.list_users(ws) if u.username == LOGINS["admin"][0])


def _found(ws: Workspace, q: str) -> set[str]:
    return {r["id"] for r in list_page(ws, _admin(ws), "leads", {"q": q}, per_page=200).rows}


def test_fold_and_words() -> None:
    assert fold("Rodríguez ÉCOLE") == "rodriguez ecole"
    assert words("  jane.doe@NewCo.com ") == ["jane", "doe", "newco", "com"]
    assert words("%_*\"'") == []


@pytest.fixture
def with_accents(seeded: Workspace) -> Workspace:
    with seeded.store.begin() as conn:
        conn.execute(
            insert(leads),
            [
                {
                    "id": "l-acc",
                    "first_name": "José",
                    "last_name": "Rodríguez",
                    "company": "Société Générale",
                    "title": "Directeur Général",
                    "email": "jose@socgen.fr",
                    "email_norm": "jose@socgen.fr",
                    "status": "New",
                    "owner_id": "u-bdr1",
                    "created_at": datetime(2026, 3, 20),
                    "past_account_id": "a-old",
                    "past_title": "Head of Müller Projects",
                }
            ],
        )
    return seeded


@pytest.mark.parametrize(
    "q",
    ["rodriguez", "RODRÍGUEZ", "Rodri", "jose rodr", "societe", "directeur general", "müller", "muller",
     "oldco", "oldco.com", "socgen.fr", "SOCGEN"],
)  # fmt: skip
def test_search_finds_by_any_field_whatever_the_accents(with_accents: Workspace, q: str) -> None:
    assert "l-acc" in _found(with_accents, q)


def test_search_is_exact_per_word_and_stays_in_sync(with_accents: Workspace) -> None:
    ws = with_accents
    assert _found(ws, "rodriguez societe") == {"l-acc"}
    assert "l-acc" not in _found(ws, "odriguez")  # a prefix, not a substring
    assert _found(ws, "rodriguez newco") == set()
    assert _found(ws, "*") == set() and _found(ws, "") != set()  # no words: nothing; empty: no filter
    with ws.store.begin() as conn:
        conn.execute(update(leads).where(leads.c.id == "l-acc").values(title="Chief Ökonom"))
    assert "l-acc" in _found(ws, "okonom") and "l-acc" not in _found(ws, "directeur")
    with ws.store.begin() as conn:  # the past account is renamed in the CRM
        conn.execute(
            update(accounts)
            .where(accounts.c.id == "a-old")
            .values(name="Ancienne Compagnie", domain="ancienne.fr")
        )
    assert "l-acc" in _found(ws, "ancienne") and "l-acc" not in _found(ws, "oldco")
    with ws.store.begin() as conn:
        conn.execute(delete(leads).where(leads.c.id == "l-acc"))
    assert _found(ws, "rodriguez") == set()


def test_a_scoped_search_finds_only_the_viewers_leads(with_accents: Workspace) -> None:
    from jobshift.services.admin import auth

    by_name = {u.username: u for u in auth.list_users(with_accents)}
    rep, rep2, mgr = by_name[LOGINS["rep"][0]], by_name[LOGINS["rep2"][0]], by_name[LOGINS["manager"][0]]

    def found(user, q: str) -> set[str]:  # type: ignore[no-untyped-def]
        return {r["id"] for r in list_page(with_accents, user, "leads", {"q": q}).rows}

    assert found(rep, "rodriguez") == {"l-acc"} and found(mgr, "RODRIGUEZ") == {"l-acc"}
    assert found(rep2, "rodriguez") == set()
    assert {r["id"] for r in list_page(with_accents, rep, "leads", {"q": "jane"}, mine=True).rows} == {"l-1"}
