"""Use case: getting data in — CRM CSV imports, account aliases, people-data ingest and enrichment."""
