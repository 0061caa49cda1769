"""The CRM mirror tables: bulk upserts, encoding for the bulk writers, reads, write-through."""
