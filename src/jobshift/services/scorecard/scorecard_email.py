"""Sending the monthly scorecard e-mail to admins and managers through the notifications' SMTP sender.

Recipients: active CRM users whose role is in ``[scorecard] email_roles`` (Admin, Manager) and who have
an email address, plus ``[scorecard] email_to``; deduplicated case-insensitively. Each message has a
deterministic Message-ID (``scorecard:<month>:<address>``), so a resend is recognisable as the same mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jobshift.config import Config
from jobshift.errors import ConnectorError
from jobshift.notify.email import EmailSender, build_message
from jobshift.notify.render import Rendered
from jobshift.notify.scorecard_render import render_scorecard_email
from jobshift.services.notify.notifying import email_from_config
from jobshift.store import Store
from jobshift.store.scorecard import recipients


@dataclass
class EmailReport:
    """What a scorecard/summary e-mail run did."""

    recipients: list[str] = field(default_factory=list)
    sent: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"recipients": self.recipients, "sent": self.sent, "failed": self.failed}


def role_emails(store: Store, roles: list[str]) -> list[str]:
    """Email addresses of active users whose role is one of ``roles`` (case-insensitive)."""
    with store.connect() as conn:
        return recipients.role_emails(conn, roles)


def scorecard_recipients(store: Store, cfg: Config) -> list[str]:
    """Admins and managers with an email, then ``[scorecard] email_to`` (deduplicated, order kept)."""
    seen: set[str] = set()
    out: list[str] = []
    for addr in [*role_emails(store, cfg.scorecard.email_roles), *cfg.scorecard.email_to]:
        if "@" in addr and addr.lower() not in seen:
            seen.add(addr.lower())
            out.append(addr)
    return out


def send_rendered(
    cfg: Config,
    rendered: Rendered,
    recipients: list[str],
    key_prefix: str,
    sender: EmailSender | None = None,
) -> EmailReport:
    """Send ``rendered`` to each of ``recipients`` (one message each); failures are reported, not raised."""
    report = EmailReport(recipients=list(recipients))
    smtp = sender or email_from_config(cfg)
    try:
        for to in recipients:
            msg = build_message(
                sender=smtp.sender,
                to=to,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                key=f"{key_prefix}:{to.lower()}",
            )
            try:
                smtp.send(msg, to)
                report.sent += 1
            except ConnectorError as exc:  # includes UnknownOutcome (lost during DATA)
                report.failed.append({"to": to, "error": str(exc)})
    finally:
        if sender is None:
            smtp.close()
    return report


def send_scorecard_email(
    store: Store,
    cfg: Config,
    payload: dict[str, Any],
    *,
    recipients: list[str] | None = None,
    sender: EmailSender | None = None,
) -> EmailReport:
    """E-mail the scorecard ``payload`` to its recipients (default :func:`scorecard_recipients`)."""
    to = scorecard_recipients(store, cfg) if recipients is None else recipients
    rendered = render_scorecard_email(payload, cfg.notifications.web_base_url)
    return send_rendered(cfg, rendered, to, f"scorecard:{payload['month']}", sender)


def scorecard_html(payload: dict[str, Any], cfg: Config) -> str:
    """The self-contained HTML of the scorecard e-mail (``jobshift scorecard --format html``)."""
    return render_scorecard_email(payload, cfg.notifications.web_base_url).html
