"""Use case: connecting a CRM — Salesforce setup and pulls, HubSpot pulls."""
