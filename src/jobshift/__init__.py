"""jobshift: an open, self-hosted job-change signal platform for B2B revenue teams."""

__version__ = "0.1.0"
