"""Salesforce Sales Engagement cadences (the ``assignTargetToSalesCadence`` invocable action)."""

from jobshift.connectors.outreach.salesforce.client import SalesforceCadenceConnector

__all__ = ["SalesforceCadenceConnector"]
