"""Lead routing: ``[routing]``, its ``regions``, ``weights``, ``capacity`` tables, ``[[routing.pools]]``."""

from __future__ import annotations

from pydantic import Field, field_validator

from jobshift.config.base import Section


def _default_regions() -> dict[str, list[str]]:
    return {
        "AMER": ["US", "United States", "CA", "Canada", "MX", "Mexico", "BR", "Brazil", "AR", "Argentina"],
        "APJ": ["JP", "Japan", "AU", "Australia", "IN", "India", "SG", "Singapore", "NZ", "New Zealand"],
    }


class RoutingPool(Section):
    """A round-robin pool for leads without a usable owner on a matched account (``[[routing.pools]]``)."""

    name: str = Field(min_length=1, description="Required; names the pool in routing decisions.")
    regions: list[str] = Field(default_factory=list, description="Lead regions served (empty = any).")
    segments: list[str] = Field(default_factory=list, description="Lead segments served (empty = any).")
    roles: list[str] = Field(
        default_factory=lambda: ["BDR", "SDR"],
        description="Members are active users with one of these roles.",
    )
    users: list[str] = Field(default_factory=list, description="Explicit member user ids (instead of roles).")
    same_region: bool = Field(True, description="Members of the lead's region only, when the pool has any.")


class RoutingSection(Section):
    """Lead routing (docs/notifications.md, "Routing")."""

    smb_segments: list[str] = Field(
        default_factory=lambda: ["SMB"],
        description="Segments whose accounts without a BDR are routed round-robin over smb_roles.",
    )
    smb_roles: list[str] = Field(
        default_factory=lambda: ["SDR"],
        description="Roles of the active users that take SMB leads round-robin when the account has no BDR.",
    )
    regions: dict[str, list[str]] = Field(
        default_factory=_default_regions,
        description="Region = [countries as ISO-2 codes or names]: the lead's region comes from its "
        "company country.",
    )
    default_region: str | None = Field(
        "EMEA", description="Region of countries not listed under [routing.regions]."
    )
    pools: list[RoutingPool] = Field(
        default_factory=lambda: [RoutingPool(name="default")],
        description="Pools for leads whose account has no usable BDR (or no matched account), first match "
        "wins. regions / segments: lead regions and segments served (empty = any); members are active "
        "users with one of roles (or the explicit users list), of the lead's region when same_region and "
        "any exist.",
    )
    weights: dict[str, float] = Field(
        default_factory=dict,
        examples=[{"005000000000001": 2.0}],
        description="User id = weight (default 1): a rep with weight 2 gets twice the round-robin share.",
    )
    capacity: dict[str, int] = Field(
        default_factory=dict,
        examples=[{"005000000000001": 20}],
        description="User id = leads per window (overrides default_capacity).",
    )
    default_capacity: int | None = Field(
        None,
        ge=1,
        examples=[50],
        description="Capacity: at most this many leads per rep per window (unset = no cap).",
    )
    capacity_window_days: int = Field(7, ge=1, le=366, description="The capacity window, in days.")
    fallback_owner_id: str | None = Field(
        None,
        examples=["005..."],
        description="Owner when every candidate is inactive or full (unset = the lead stays unassigned).",
    )

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k, w in v.items() if w <= 0]
        if bad:
            raise ValueError(f"weights must be above 0 ({bad[0]})")
        return v
