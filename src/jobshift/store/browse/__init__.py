"""The web lists' and pages' SQL: role scopes, list specs, paging, details, lead actions, the review queue."""
