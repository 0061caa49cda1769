"""Salesloft (API v2): people and cadence memberships."""

from jobshift.connectors.outreach.salesloft.client import SalesloftConnector

__all__ = ["SalesloftConnector"]
