"""Use cases tying store, domain and connectors together; the only layer ``cli`` and ``web`` call."""
