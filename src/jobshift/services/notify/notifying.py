"""Sending notifications: plan (once per send day) → claim due rows → send → mark, and the weekly digest.

Guarantees (docs/notifications.md): a row is claimed (``sending``, committed) before it is sent and
marked ``sent`` right after. A 429 is waited out (``Retry-After``) and the same message is posted again:
Slack did not post it. Any other failure whose outcome is unknown (5xx, timeout, lost connection, a
crash between send and mark) makes the row ``unconfirmed``: before it is ever sent again, Slack's
history of the channel is searched for the message's metadata key; found → marked sent, not posted
again. So each (rule, item, recipient, channel) is posted to Slack exactly once. E-mail cannot be
looked up after the fact: an e-mail cut off during ``DATA`` is sent again with the same Message-ID
(``email_unknown_outcome = "resend"``) or failed (``"fail"``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from jobshift.config import WEEKDAYS, Config
from jobshift.errors import ConnectorError, FatalError, RetryableError
from jobshift.notify.email import EmailSender, build_message
from jobshift.notify.render import Rendered, render_digest, render_item
from jobshift.notify.slack import RateLimited, SlackNotifier, UnknownOutcome
from jobshift.services.notify.notify_plan import PlanReport, RecordUrl, plan
from jobshift.store import notifications as nstore
from jobshift.store.engine import Store
from jobshift.store.lookups import all_by_id, rows_by_id
from jobshift.store.run_lock import run_lock
from jobshift.store.schema import users
from jobshift.utils.retry import RetryPolicy, retry_call
from jobshift.utils.timeutil import utcnow

RATE_LIMIT_TRIES = 50
RATE_LIMIT_POLICY = RetryPolicy(RATE_LIMIT_TRIES, 0.0, 0.0, jitter=0.0)
"""Slack's 429s: wait exactly its ``Retry-After`` (no backoff of our own), at most 50 tries in a row."""


@dataclass
class SendReport:
    """What one send pass did."""

    sent: int = 0
    failed: int = 0
    retry_later: int = 0
    rate_limited: int = 0
    verified_already_sent: int = 0
    waited_seconds: float = 0.0
    skipped_channels: dict[str, int] = field(default_factory=dict)
    api_calls: dict[str, int] = field(default_factory=dict)
    deferred: bool = False


def slack_from_config(cfg: Config, on_call: Callable[[str], None] | None = None) -> SlackNotifier | None:
    """A Slack client when ``JOBSHIFT_SLACK_TOKEN`` is set."""
    token = os.environ.get("JOBSHIFT_SLACK_TOKEN")
    if not token:
        return None
    n = cfg.notifications
    return SlackNotifier(token, base_url=n.slack_base_url, timeout=n.slack_timeout_seconds, on_call=on_call)


def email_from_config(cfg: Config) -> EmailSender:
    """An SMTP sender from ``[notifications]`` (password from ``JOBSHIFT_SMTP_PASSWORD``)."""
    n = cfg.notifications
    return EmailSender(
        n.smtp_host,
        n.smtp_port,
        n.smtp_from,
        username=n.smtp_username,
        password=os.environ.get("JOBSHIFT_SMTP_PASSWORD"),
        starttls=n.smtp_starttls,
        use_ssl=n.smtp_ssl,
        timeout=n.smtp_timeout_seconds,
    )


def is_send_day(d: date, cfg: Config) -> bool:
    """Is ``d`` the configured send weekday?"""
    return WEEKDAYS[d.weekday()] == cfg.notifications.send_day


def plan_day(
    store: Store, cfg: Config, send_date: date, *, dry_run: bool = False, record_url: RecordUrl | None = None
) -> PlanReport:
    """Plan the notifications of ``send_date`` (idempotent; ``dry_run`` writes nothing)."""
    with store.begin() as conn:
        return plan(conn, cfg, send_date, now=utcnow(), write=not dry_run, record_url=record_url)


def build_digests(store: Store, cfg: Config, *, week: str, now: datetime | None = None) -> int:
    """One digest row per recipient with waiting digest items; returns how many were created."""
    now = now or utcnow()
    made = 0
    with store.begin() as conn:
        for uid, waiting in nstore.waiting_digest_items(conn).items():
            repeats = nstore.delivered_elsewhere(conn, waiting)
            if repeats:
                nstore.suppress(conn, repeats, "already delivered on Slack or e-mail")
            items = [i for i in waiting if int(i["id"]) not in repeats]
            if not items:
                continue
            user = rows_by_id(conn, users, [uid]).get(uid)
            chan = cfg.notifications.digest_channel
            if user is not None and not user["slack_user_id" if chan == "slack" else "email"]:
                chan = "email" if chan == "slack" else "slack"
            item_id = f"{week}:{items[0]['id']}"
            digest_id = nstore.insert_digest(
                conn,
                idempotency_key=nstore.idempotency_key("digest", "digest", item_id, uid, chan),
                item_id=item_id,
                recipient_user_id=uid,
                channel=chan,
                payload={"week": week, "items": [i["id"] for i in items]},
                now=now,
            )
            nstore.attach_to_digest(conn, [i["id"] for i in items], digest_id)
            made += 1
    return made


class Sender:
    """Delivers due rows. ``sleep`` and ``clock`` are injectable (tests keep waits short)."""

    def __init__(
        self,
        store: Store,
        cfg: Config,
        *,
        slack: SlackNotifier | None,
        email: EmailSender | None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = utcnow,
        batch: int = 200,
    ) -> None:
        self.store, self.cfg, self.slack, self.email = store, cfg, slack, email
        self.sleep, self.clock, self.batch = sleep, clock, batch
        self.report = SendReport()
        self._users: dict[str, dict[str, Any]] = {}

    def channels(self) -> list[str]:
        """Channels this sender can deliver on."""
        return [c for c, ok in (("slack", self.slack is not None), ("email", self.email is not None)) if ok]

    def run(self, limit: int | None = None, *, sole_sender: bool = False) -> SendReport:
        """Send every due row (at most ``limit``); returns the report. ``sole_sender``: the caller holds
        the workspace's notify lock, so every row still ``sending`` belongs to a dead process."""
        n = self.cfg.notifications
        now = self.clock()
        # sole sender: every row claimed before now; else only rows whose lease is over
        before = (
            now + timedelta(microseconds=1) if sole_sender else now - timedelta(seconds=n.send_lease_seconds)
        )
        with self.store.begin() as conn:
            nstore.mark_stale_unconfirmed(conn, before)
            self._users = all_by_id(conn, users)
            for ch in ("slack", "email"):
                if ch not in self.channels():
                    waiting = nstore.due_count(conn, [ch])
                    if waiting:
                        self.report.skipped_channels[ch] = waiting
        done = 0
        while not self.report.deferred and (limit is None or done < limit):
            with self.store.begin() as conn:
                rows = nstore.claim_due(conn, self.channels(), self.clock(), self.batch)
            if not rows:
                break
            for i, row in enumerate(rows):
                if self.report.deferred:  # a long Retry-After: release the rest of the batch
                    with self.store.begin() as conn:
                        for r in rows[i:]:
                            nstore.mark_retry(
                                conn,
                                r["id"],
                                "deferred (rate limited)",
                                self._defer_until,
                                status=r["prior_status"],
                                refund=True,
                            )
                    break
                self._deliver(row)
                done += 1
        if self.slack is not None:
            self.report.api_calls = dict(self.slack.calls)
        return self.report

    # -- one row -----------------------------------------------------------------------------------

    def _deliver(self, row: dict[str, Any]) -> None:
        try:
            message_id = self._slack(row) if row["channel"] == "slack" else self._email(row)
        except UnknownOutcome as exc:
            self._after_failure(row, str(exc), status="unconfirmed")
            return
        except RetryableError as exc:  # not sent (an unconfirmed Slack row stays to be verified)
            keep = row["prior_status"] == "unconfirmed" and row["channel"] == "slack"
            self._after_failure(row, str(exc), status="unconfirmed" if keep else "pending")
            return
        except (FatalError, ConnectorError, KeyError, ValueError) as exc:
            with self.store.begin() as conn:
                nstore.mark_failed(conn, row["id"], f"{exc.__class__.__name__}: {exc}")
            self.report.failed += 1
            return
        with self.store.begin() as conn:
            nstore.mark_sent(conn, row["id"], message_id, self.clock())
        self.report.sent += 1

    def _after_failure(self, row: dict[str, Any], error: str, *, status: str) -> None:
        n = self.cfg.notifications
        with self.store.begin() as conn:
            if row["attempts"] >= n.max_attempts:  # RetryPolicy.gives_up
                nstore.mark_failed(conn, row["id"], f"gave up after {row['attempts']} attempts: {error}")
                self.report.failed += 1
                return
            wait = RetryPolicy.from_settings(n, jitter=0.0).backoff(row["attempts"])
            nstore.mark_retry(conn, row["id"], error, self.clock() + timedelta(seconds=wait), status=status)
        self.report.retry_later += 1

    def _rendered(self, row: dict[str, Any]) -> tuple[Rendered, dict[str, Any]]:
        user = self._users.get(row["recipient_user_id"])
        if user is None:
            raise FatalError(f"unknown recipient {row['recipient_user_id']}")
        if row["is_digest"]:
            with self.store.connect() as conn:
                items = nstore.rows_by_ids(conn, list(row["payload"]["items"]))
            return render_digest([i["payload"] for i in items], user, str(row["payload"]["week"])), user
        return render_item(row["payload"], user, row["payload"].get("role")), user

    def _slack(self, row: dict[str, Any]) -> str:
        slack = self.slack
        assert slack is not None
        msg, user = self._rendered(row)
        n = self.cfg.notifications
        if n.slack_channel:
            channel = n.slack_channel
            text = (
                f"<@{user['slack_user_id']}> {msg.slack_text}"
                if user.get("slack_user_id")
                else msg.slack_text
            )
        else:
            if not user.get("slack_user_id"):
                raise FatalError(f"user {user['id']} has no slack_user_id")
            channel = self._with_rate_limit(lambda: slack.dm_channel(user["slack_user_id"]))
            text = msg.slack_text
        key = row["idempotency_key"]
        if row["prior_status"] == "unconfirmed":
            oldest = (row["created_at"] - datetime(1970, 1, 1)).total_seconds() - 60
            found = self._with_rate_limit(lambda: slack.find_sent(channel, key, oldest))
            if found is not None:
                self.report.verified_already_sent += 1
                return found.message_id
        try:
            posted = self._with_rate_limit(lambda: slack.post(channel, text, msg.slack_blocks, key))
            return str(posted.message_id)
        except UnknownOutcome:
            # posted or not? look right away; if the lookup fails too the row stays unconfirmed
            found = self._with_rate_limit(lambda: slack.find_sent(channel, key, None))
            if found is not None:
                self.report.verified_already_sent += 1
                return found.message_id
            raise RetryableError("Slack failed before posting (verified in history)") from None

    def _with_rate_limit(self, call: Callable[[], Any]) -> Any:
        """``call()``; a 429 is waited out (its ``Retry-After``) and the call made again, up to
        :data:`RATE_LIMIT_TRIES` times; a wait longer than ``max_retry_after_seconds`` defers the rest."""
        try:
            return retry_call(
                lambda attempt: call(),
                RATE_LIMIT_POLICY,
                sleep=self.sleep,
                retry_on=RateLimited,
                on_retry=self._rate_limited,
            )
        except RateLimited:
            self.report.rate_limited += 1
            raise RetryableError(f"rate limited {RATE_LIMIT_TRIES} times in a row") from None

    def _rate_limited(self, attempt: int, error: BaseException, wait: float) -> None:
        self.report.rate_limited += 1
        if wait > self.cfg.notifications.max_retry_after_seconds:
            self.report.deferred = True
            self._defer_until = self.clock() + timedelta(seconds=wait)
            raise RetryableError(f"rate limited for {wait:.0f}s: deferred") from None
        self.report.waited_seconds += wait

    _defer_until: datetime = datetime(1970, 1, 1)

    def _email(self, row: dict[str, Any]) -> str:
        assert self.email is not None
        msg, user = self._rendered(row)
        if not user.get("email"):
            raise FatalError(f"user {user['id']} has no email")
        if row["prior_status"] == "unconfirmed" and self.cfg.notifications.email_unknown_outcome == "fail":
            raise FatalError("e-mail outcome unknown (interrupted send); not sent again")
        em = build_message(
            sender=self.cfg.notifications.smtp_from,
            to=str(user["email"]),
            subject=msg.subject,
            text=msg.text,
            html=msg.html,
            key=row["idempotency_key"],
        )
        return self.email.send(em, str(user["email"]))


@dataclass
class NotifyResult:
    """The outcome of ``jobshift notify``."""

    send_date: str
    planned: PlanReport | None
    planned_skipped: str | None
    digests: int
    send: SendReport | None
    status_counts: dict[str, int]


def iso_week(d: date) -> str:
    """``2024-W39``."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def run_notify(
    store: Store,
    cfg: Config,
    *,
    send_date: date,
    dry_run: bool = False,
    digest: bool = False,
    any_day: bool = False,
    slack: SlackNotifier | None = None,
    email: EmailSender | None = None,
    sleep: Callable[[float], None] = time.sleep,
    record_url: RecordUrl | None = None,
) -> NotifyResult:
    """Plan (on the send day), build digests (``digest``), then send everything due (``record_url``: links
    to the CRM's records, :func:`jobshift.services.crm.crm_links.crm_links`)."""
    report: PlanReport | None = None
    skipped = None
    if not cfg.notifications.enabled:
        skipped = "notifications are disabled ([notifications] enabled = false)"
    elif any_day or is_send_day(send_date, cfg):
        report = plan_day(store, cfg, send_date, dry_run=dry_run, record_url=record_url)
    else:
        skipped = f"{send_date.isoformat()} is not the send day ({cfg.notifications.send_day})"
    digests = 0
    sent: SendReport | None = None
    if not dry_run:
        if digest:
            digests = build_digests(store, cfg, week=iso_week(send_date))
        with run_lock(store, "notify"), email or email_from_config(cfg) as em:
            sender = Sender(
                store,
                cfg,
                slack=slack if slack is not None else slack_from_config(cfg),
                email=em,
                sleep=sleep,
            )
            # holding the notify lock proves no other sender is alive: rows left ``sending`` were cut off
            # by a dead process and are unconfirmed now, not only once their lease is over
            sent = sender.run(sole_sender=True)
    with store.connect() as conn:
        counts = nstore.status_counts(conn)
    return NotifyResult(send_date.isoformat(), report, skipped, digests, sent, counts)


def set_preference(store: Store, user_id: str, channel: str) -> None:
    """Set a user's notification channel (slack | email | both | digest | none)."""
    with store.begin() as conn:
        nstore.set_pref(conn, user_id, channel, utcnow())


def explain_routing(store: Store, lead_id: str) -> dict[str, Any] | None:
    """The stored routing decision of a lead (``jobshift route --explain``)."""
    from jobshift.services.program.routing import explain

    with store.connect() as conn:
        return explain(conn, lead_id)
