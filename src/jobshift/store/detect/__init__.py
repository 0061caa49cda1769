"""What detection and evaluation read from the store, as typed polars frames (fast paths per backend)."""
