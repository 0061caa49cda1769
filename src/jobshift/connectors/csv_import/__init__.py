"""The CRM CSV import pipeline: encoding, blocks, records, columns, value coercion, batch checks."""
