"""People-data sources: profile files (JSONL, Parquet) and the People Data Labs API."""
