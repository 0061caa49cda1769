"""Shared pieces of the notification tests (test_notify.py, test_notify_content.py,
test_display_channels.py): a notifications config pointing at the fake SMTP server
and one notify run with the real clients. The ``slack`` and ``smtp`` fixtures are in conftest.py."""

from __future__ import annotations

from typing import Any

from fakes.slack import TOKEN, FakeSlack
from jobshift.config import Config, parse_config
from jobshift.notify.email import EmailSender
from jobshift.notify.slack import SlackNotifier
from jobshift.services.notify.notifying import run_notify
from jobshift.store import Store
from notify_data import SEND
from smtp_fake import FakeSmtp


def notify_config(smtp: FakeSmtp, **notif: Any) -> Config:
    """A config whose [notifications] send through ``smtp`` with no back-off and link to
    https://js.example; ``notif`` adds or overrides keys."""
    n = {
        "smtp_host": smtp.host,
        "smtp_port": smtp.port,
        "backoff_base_seconds": 0,
        "web_base_url": "https://js.example",
        **notif,
    }
    return parse_config({"notifications": n})


def notify(store: Store, cfg: Config, fake: FakeSlack, smtp: FakeSmtp, **kw: Any) -> Any:
    """One ``run_notify`` with the real Slack and e-mail clients against the fakes (send date SEND
    unless ``send_date`` is given)."""
    sl = SlackNotifier(TOKEN, base_url=fake.base_url)
    em = EmailSender(smtp.host, smtp.port, cfg.notifications.smtp_from)
    kw.setdefault("send_date", SEND)
    return run_notify(store, cfg, slack=sl, email=em, **kw)
