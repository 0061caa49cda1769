"""Use case: the program — planning actions for signals, routing, pushing them to the CRM, backfill."""
