"""The base of every config section, the file names, and the validators several sections share.

Every field of every section carries a ``Field(description=...)``: the commented ``jobshift.toml``
template (:mod:`jobshift.config.template`) and ``docs/configuration.md``
(:mod:`jobshift.config.reference`) are generated from the models, so a default and its explanation
are written once, here. A field whose default is ``None`` also gives ``examples=[...]``: the value the
template shows on its commented-out line.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

CONFIG_FILE = "jobshift.toml"
DEFAULT_DB_FILE = "jobshift.db"


class Section(BaseModel):
    """Base of every config section: unknown keys are errors (typos are caught, not ignored)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def check_cadence(value: str) -> str:
    """``value`` when it is a cadence ``jobshift.domain.cadence`` understands; else ``ValueError``."""
    from jobshift.domain.cadence import parse_cadence

    parse_cadence(value)
    return value


CADENCE_FORMS = (
    "daily, weekly:<day>, monthly:<first|second|third|fourth|last>-<day>, monthly:<1-28> or a 5-field "
    'cron ("0 6 * * 2")'
)
"""The cadence forms, as the descriptions name them."""
