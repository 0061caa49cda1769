"""The vectorized profile converter: a feed partition turned into the observation frame
(:data:`jobshift.engine.batches.OBSERVATION_SCHEMA`) without Python per profile on the common path.

The values are those of :func:`jobshift.domain.profiles.profile_to_row`, byte for byte. Modules:

- :mod:`.parse`: the rows' fields read by pyarrow with a strict schema (JSONL) or projected and checked
  (Parquet); rows pyarrow refuses, or whose text could read differently with ``orjson``, are *slow*;
- :mod:`.values`: Python's whitespace, cleaned strings, Python functions applied per distinct value;
- :mod:`.emails`: the e-mail addresses of a row and their JSON list;
- :mod:`.experience`: the experience entries (normalized per distinct company, title, date) and JSON;
- :mod:`.current_job`: the current job of each row from its job fields and experience entries;
- :mod:`.rows`: the conversion of the parsed rows;
- :mod:`.slice_tables`: the companies and domains a partition's slices normalized, shared (bounded);
- :mod:`.partition`: fast and slow rows together, in file order, with the row and bad-row counts.
"""

VECTOR = True
"""Feed readers convert with this package; ``False``: every row through ``profile_to_row`` (the
reference path, kept for tests and comparisons)."""
