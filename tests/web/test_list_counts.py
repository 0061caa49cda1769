"""List totals beyond the count cap, paging without an exact total, and prefix search ordering."""

from __future__ import annotations

from jobshift.services.admin.auth import AppUser
from jobshift.services.browse import browse
from jobshift.services.workspace import Workspace
from jobshift.store.browse.search import case_forms
from web.seed import add_bulk_leads

ADMIN = AppUser(0, "x", "admin", None)


def test_totals_beyond_the_cap(seeded: Workspace) -> None:
    bulk = 2 * browse.COUNT_CAP + 200
    add_bulk_leads(seeded, bulk)
    n = bulk + 3  # + the 3 seeded leads
    everything = browse.list_page(seeded, ADMIN, "leads", per_page=100)
    assert (everything.total, everything.total_exact, everything.has_more) == (n, True, True)
    assert everything.pages == -(-n // 100)
    # the signal-type filter needs a join: counted up to the cap only
    joined = browse.list_page(seeded, ADMIN, "leads", {"type": "job_change"}, per_page=100)
    assert not joined.total_exact and joined.total == browse.COUNT_CAP + 1 and joined.has_more
    assert joined.pages == 11  # known so far
    ids = set()
    page_no, last = 1, joined
    while last.has_more:
        last = browse.list_page(seeded, ADMIN, "leads", {"type": "job_change"}, per_page=100, page=page_no)
        ids.update(r["id"] for r in last.rows)
        assert all(r["signal_type"] == "job_change" for r in last.rows)
        page_no += 1
    assert len(ids) == sum(1 for i in range(bulk) if i % 4 < 2) + 2  # half the bulk leads, l-1 and l-2
    assert last.total == len(ids) and not last.has_more


def test_search_results_are_sorted_and_scoped(seeded: Workspace) -> None:
    add_bulk_leads(seeded, 300)
    hits = browse.list_page(seeded, ADMIN, "leads", {"q": "ana"}, per_page=200)
    created = [r["created_at"] for r in hits.rows]
    assert hits.total_exact and hits.total == len(hits.rows) > 1 and created == sorted(created, reverse=True)
    rep = AppUser(0, "r", "rep", "u-bdr1")
    mine = browse.list_page(seeded, rep, "leads", {"q": "ana"}, per_page=200)
    assert mine.rows and all(r["owner_id"] == "u-bdr1" for r in mine.rows)
    by_name = browse.list_page(seeded, ADMIN, "leads", {"q": "ana"}, sort="name", per_page=200)
    names = [r["last_name"] for r in by_name.rows]
    assert names == sorted(names)


def test_case_forms() -> None:
    assert case_forms("mcd") == ["mcd", "MCD", "Mcd"]
    assert case_forms("jane doe") == ["jane doe", "JANE DOE", "Jane doe", "Jane Doe"]
    assert case_forms("") == []
