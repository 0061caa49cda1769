"""Why an e-mail address cell is not an address: the reason an import gives for it.

A cell is an address when :func:`~jobshift.domain.normalize.emails.normalize_email` reads one from it
(display names, ``mailto:`` and case are fine). :func:`email_problem` names what is wrong otherwise.
"""

from __future__ import annotations

from jobshift.domain.normalize.emails import normalize_email


def email_problem(raw: str) -> str | None:
    """``None`` when ``raw`` holds an e-mail address; else a short reason naming the problem."""
    if normalize_email(raw) is not None:
        return None
    s = raw.strip()
    shown = s if len(s) <= 80 else s[:77] + "..."
    if "@" not in s:
        why = "no @"
    elif s.count("@") > 1:
        why = "more than one @"
    elif any(c.isspace() for c in s):
        why = "contains a space"
    elif s.startswith("@"):
        why = "nothing before the @"
    else:
        why = f"bad domain {s.rsplit('@', 1)[1]!r}" if s.rsplit("@", 1)[1] else "nothing after the @"
    return f"invalid e-mail address ({why}): {shown!r}"
