"""``[<crm>.fields.<object>]``: the configured field names merged over a CRM's default mapping.

Salesforce (``FieldMap``) and HubSpot (``PropertyMap``) read the same shape of override: ``canonical =
"name"`` maps a canonical column to the CRM's field, ``""`` removes the default mapping. Unknown columns
and names the CRM cannot have are configuration errors naming the key.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from jobshift.errors import ConfigError


def merge_overrides(
    obj: str,
    defaults: Mapping[str, str],
    overrides: Mapping[str, str] | None,
    *,
    columns: Collection[str],
    section: str,
    name_pattern: str,
    what: str,
) -> tuple[dict[str, str], frozenset[str]]:
    """``defaults`` with ``overrides`` applied, and the canonical columns configured with a name.

    ``columns`` are the canonical columns of ``obj``; a name must match ``name_pattern`` in full (``what``
    names such a name in the error); errors point at ``<section>.fields.<obj>.<column>``.
    """
    mapping = dict(defaults)
    for canonical, name in (overrides or {}).items():
        key = f"{section}.fields.{obj}.{canonical}"
        if canonical not in columns:
            raise ConfigError(f"unknown {obj} column {canonical!r}", key)
        if name and not re.fullmatch(name_pattern, name):
            raise ConfigError(f"not a {what}: {name!r}", key)
        if name:
            mapping[canonical] = name
        else:
            mapping.pop(canonical, None)
    return mapping, frozenset(k for k, v in (overrides or {}).items() if v)
