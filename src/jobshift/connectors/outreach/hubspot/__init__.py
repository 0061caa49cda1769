"""HubSpot sequences (``/automation/v4/sequences``): contacts and sequence enrolments."""

from jobshift.connectors.outreach.hubspot.client import HubSpotSequencesConnector

__all__ = ["HubSpotSequencesConnector"]
