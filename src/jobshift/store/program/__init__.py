"""The program's own bookkeeping beyond the outbox: routing decisions and round-robin state, push results."""
