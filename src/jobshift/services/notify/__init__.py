"""Use case: notifications — planning who hears about what, and sending it."""
