"""Sequence tools behind one protocol (:mod:`.protocol`): Outreach (API v2), Salesloft (API v2), HubSpot
sequences and Salesforce Sales Engagement cadences, one package each."""
