"""CRM connectors behind one protocol: the built-in store, Salesforce, HubSpot."""
