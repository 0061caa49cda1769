"""Display text for the outer layers (web, CLI): the domain's renderers (``domain/display``).

``web`` and ``cli`` reach ``domain`` through ``services``; this module is that door.
"""

from __future__ import annotations

from jobshift.domain.display import (
    display_company,
    display_first_name,
    display_last_name,
    display_person,
    display_title,
)
from jobshift.domain.display.fields import field_text, person_of

__all__ = [
    "display_company",
    "display_first_name",
    "display_last_name",
    "display_person",
    "display_title",
    "field_text",
    "person_of",
]
