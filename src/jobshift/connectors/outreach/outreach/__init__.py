"""Outreach (API v2, JSON:API): prospects and sequence states."""

from jobshift.connectors.outreach.outreach.client import OutreachConnector

__all__ = ["OutreachConnector"]
