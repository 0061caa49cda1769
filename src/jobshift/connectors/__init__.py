"""Connectors: CRM CSV import/export, people-data readers, remote CRM and people-data APIs."""
