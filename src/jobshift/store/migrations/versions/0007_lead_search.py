"""lead search: accent- and case-insensitive full text of leads (SQLite FTS5 / PostgreSQL tsvector), kept
in sync by triggers (store/browse/fulltext.py)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 19:15:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACCENTED = "áàâäãåāăąçćĉċčďéèêëēĕėęěĝğġģĥíìîïĩīĭįĵķĺļľñńņňóòôöõōŏőŕŗřśŝşšţťúùûüũūŭůűųŵýÿŷźżž"
PLAIN = "aaaaaaaaacccccdeeeeeeeeegggghiiiiiiiijklllnnnnoooooooorrrssssttuuuuuuuuuuwyyyzzz"
SEPARATORS = ".@-_/"


def _doc(new: str) -> str:
    """The lead's search text (SQL over the row ``new``, the same on both backends)."""
    return (
        f"coalesce({new}.first_name, '') || ' ' || coalesce({new}.last_name, '') || ' ' || "
        f"coalesce({new}.title, '') || ' ' || coalesce({new}.company, '') || ' ' || "
        f"coalesce({new}.past_title, '') || ' ' || coalesce({new}.email_norm, '') || ' ' || "
        f"coalesce((SELECT coalesce(name, '') || ' ' || coalesce(domain, '') FROM accounts "
        f"WHERE id = {new}.past_account_id), '') || ' ' || "
        f"coalesce((SELECT coalesce(name, '') || ' ' || coalesce(domain, '') FROM accounts "
        f"WHERE id = {new}.matched_account_id), '') || ' ' || "
        f"coalesce((SELECT coalesce(past_company, '') || ' ' || coalesce(new_company_domain, '') "
        f"FROM signals WHERE signal_id = {new}.signal_id), '')"
    )


def _sqlite() -> None:
    # prefix indexes for 1- to 3-character prefixes: "jane d" reads a prefix index, not every word in d*
    op.execute(
        "CREATE VIRTUAL TABLE leads_fts USING fts5(doc, tokenize = 'unicode61 remove_diacritics 2', "
        "prefix = '1 2 3')"
    )
    op.execute(f"INSERT INTO leads_fts (rowid, doc) SELECT leads.rowid, {_doc('leads')} FROM leads")
    op.execute(
        "CREATE TRIGGER leads_fts_ai AFTER INSERT ON leads BEGIN "
        f"INSERT INTO leads_fts (rowid, doc) VALUES (NEW.rowid, {_doc('NEW')}); END"
    )
    op.execute(
        "CREATE TRIGGER leads_fts_au AFTER UPDATE ON leads BEGIN "
        "DELETE FROM leads_fts WHERE rowid = OLD.rowid; "
        f"INSERT INTO leads_fts (rowid, doc) VALUES (NEW.rowid, {_doc('NEW')}); END"
    )
    op.execute(
        "CREATE TRIGGER leads_fts_ad AFTER DELETE ON leads BEGIN DELETE FROM leads_fts WHERE rowid = OLD.rowid; END"
    )
    op.execute(
        "CREATE TRIGGER leads_fts_accounts AFTER UPDATE OF name, domain ON accounts "
        "WHEN OLD.name IS NOT NEW.name OR OLD.domain IS NOT NEW.domain BEGIN "
        "UPDATE leads SET id = id WHERE past_account_id = NEW.id OR matched_account_id = NEW.id; END"
    )


def _postgresql() -> None:
    op.execute(
        "CREATE FUNCTION jobshift_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
        f"SELECT translate(lower(t), '{ACCENTED}{SEPARATORS}', '{PLAIN}{' ' * len(SEPARATORS)}') $$"
    )
    op.execute("CREATE TABLE lead_search (lead_id varchar(64) PRIMARY KEY, doc tsvector NOT NULL)")
    op.execute(
        "INSERT INTO lead_search (lead_id, doc) "
        f"SELECT leads.id, to_tsvector('simple', jobshift_fold({_doc('leads')})) FROM leads"
    )
    op.execute("CREATE INDEX ix_lead_search_doc ON lead_search USING gin (doc)")
    op.execute(
        "CREATE FUNCTION jobshift_lead_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN DELETE FROM lead_search WHERE lead_id = OLD.id; RETURN OLD; END IF; "
        "IF TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id THEN "
        "DELETE FROM lead_search WHERE lead_id = OLD.id; END IF; "
        "INSERT INTO lead_search (lead_id, doc) "
        f"VALUES (NEW.id, to_tsvector('simple', jobshift_fold({_doc('NEW')}))) "
        "ON CONFLICT (lead_id) DO UPDATE SET doc = EXCLUDED.doc; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER leads_search AFTER INSERT OR UPDATE OR DELETE ON leads "
        "FOR EACH ROW EXECUTE FUNCTION jobshift_lead_search()"
    )
    op.execute(
        "CREATE FUNCTION jobshift_lead_search_accounts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE leads SET id = id WHERE past_account_id = NEW.id OR matched_account_id = NEW.id; "
        "RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER accounts_lead_search AFTER UPDATE OF name, domain ON accounts FOR EACH ROW "
        "WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.domain IS DISTINCT FROM NEW.domain) "
        "EXECUTE FUNCTION jobshift_lead_search_accounts()"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS accounts_lead_search ON accounts")
        op.execute("DROP TRIGGER IF EXISTS leads_search ON leads")
        op.execute("DROP FUNCTION IF EXISTS jobshift_lead_search_accounts()")
        op.execute("DROP FUNCTION IF EXISTS jobshift_lead_search()")
        op.execute("DROP TABLE IF EXISTS lead_search")
        op.execute("DROP FUNCTION IF EXISTS jobshift_fold(text)")
    else:
        for trigger in ("leads_fts_accounts", "leads_fts_ad", "leads_fts_au", "leads_fts_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS leads_fts")
