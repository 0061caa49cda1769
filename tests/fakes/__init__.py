"""Local fake servers (real HTTP on 127.0.0.1) for connector tests: Salesforce and People Data Labs."""
