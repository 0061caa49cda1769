"""The account aliases page (admins): list, add, remove; CSRF and audit like the other admin forms, and
detection's company index sees the change."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from jobshift.services.detect.detecting import AllContactsWithAccount, build_context
from jobshift.services.workspace import Workspace
from jobshift.store.schema import account_aliases, audit_log
from web.conftest import login


def _aliases(ws: Workspace) -> list[tuple[str, str | None, str | None, str | None]]:
    with ws.store.connect() as conn:
        rows = conn.execute(
            select(
                account_aliases.c.account_id,
                account_aliases.c.alias_name,
                account_aliases.c.alias_domain,
                account_aliases.c.alias_linkedin_norm,
            ).order_by(account_aliases.c.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_only_admins_see_and_change_aliases(client: TestClient, seeded: Workspace) -> None:
    for role in ("manager", "rep"):
        csrf = login(client, role)
        assert client.get("/admin/aliases").status_code == 403
        r = client.post("/admin/aliases", data={"account_id": "a-new", "name": "X", "csrf_token": csrf})
        assert r.status_code == 403
    csrf = login(client, "admin")
    # without the session's CSRF token nothing is written
    assert client.post("/admin/aliases", data={"account_id": "a-new", "name": "X"}).status_code == 403
    assert (
        client.post(
            "/admin/aliases", data={"account_id": "a-new", "name": "X", "csrf_token": "forged"}
        ).status_code
        == 403
    )
    assert _aliases(seeded) == []
    page = client.get("/admin/aliases")
    assert page.status_code == 200 and "No aliases yet." in page.text and 'href="/admin/aliases"' in page.text
    assert 'data-testid="to-aliases"' in client.get("/settings").text  # reachable from the settings


def test_add_and_remove_an_alias(client: TestClient, seeded: Workspace) -> None:
    csrf = login(client, "admin")
    r = client.post(
        "/admin/aliases",
        data={
            "account_id": "a-new",
            "name": "  NewCo   Brands ",
            "domain": "https://www.newco-brands.com/about",
            "linkedin_url": "https://www.linkedin.com/company/newco-brands/",
            "csrf_token": csrf,
        },
    )
    assert r.status_code == 200 and "added to account a-new" in r.text
    assert _aliases(seeded) == [
        ("a-new", "NewCo Brands", "newco-brands.com", "linkedin.com/company/newco-brands")
    ]
    assert "newco-brands.com" in client.get("/admin/aliases").text
    # the same alias again, an unknown account, nothing usable, a free-mail domain: refused, nothing written
    for data, msg in (
        (
            {
                "account_id": "a-new",
                "name": "NewCo Brands",
                "domain": "newco-brands.com",
                "linkedin_url": "linkedin.com/company/newco-brands",
            },
            "exists already",
        ),
        ({"account_id": "a-nope", "name": "Ghost"}, "no account"),
        ({"account_id": "a-new"}, "give a name"),
        ({"account_id": "a-new", "domain": "gmail.com"}, "not a website"),
    ):
        bad = client.post("/admin/aliases", data={**data, "csrf_token": csrf})
        assert bad.status_code == 422 and msg in bad.text, bad.text
    assert len(_aliases(seeded)) == 1
    # detection's company index reads it: the brand name alone finds the account
    with seeded.store.connect() as conn:
        ctx = build_context(conn, seeded.config, AllContactsWithAccount(), None)
    m = ctx.index.resolve("NewCo Brands", None, None)
    assert m is not None and m.account_id == "a-new"
    with seeded.store.connect() as conn:
        [alias_id] = conn.execute(select(account_aliases.c.id)).scalars().all()
    gone = client.post(f"/admin/aliases/{alias_id}/delete", data={"csrf_token": csrf})
    assert gone.status_code == 200 and "removed" in gone.text
    assert _aliases(seeded) == []
    again = client.post(f"/admin/aliases/{alias_id}/delete", data={"csrf_token": csrf})
    assert again.status_code == 422 and f"no alias {alias_id}" in again.text
    with seeded.store.connect() as conn:
        log = conn.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.before, audit_log.c.after)
            .where(audit_log.c.object == "account_alias")
            .order_by(audit_log.c.id)
        ).all()
    assert [(a, act) for a, act, _b, _a in log] == [("web:admin", "create"), ("web:admin", "delete")]
    assert log[0][3]["alias_domain"] == "newco-brands.com" and log[1][2]["alias_name"] == "NewCo Brands"
