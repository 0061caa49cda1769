"""E-mail delivery over SMTP (smtplib): one multipart/alternative message (text + HTML) per notification.

Outcomes are classified like Slack's: a refusal before ``DATA`` (connect, ``MAIL``, ``RCPT``, a 4xx) was
not sent (``RetryableError`` / ``FatalError`` for 5xx); a connection lost during or after ``DATA``
(``UnknownOutcome``) may have been delivered. Every message has a deterministic ``Message-ID`` derived
from the notification key, so a rare resend after an unknown outcome is recognisable as the same mail.
"""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import TracebackType

from jobshift.errors import AuthError, FatalError, RetryableError
from jobshift.notify.slack import UnknownOutcome


def message_id_for(key: str, domain: str = "jobshift.local") -> str:
    """The Message-ID of the notification with ``key`` (same key, same id)."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    key: str,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A multipart/alternative message with a text part and an HTML part."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id_for(key) if key else make_msgid()
    msg["X-Jobshift-Key"] = key
    for k, v in (headers or {}).items():
        msg[k] = v
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


class EmailSender:
    """An SMTP session reused for many messages (reconnects after a failure). Use as a context manager."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        use_ssl: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.starttls, self.use_ssl, self.timeout = starttls, use_ssl, timeout
        self._conn: smtplib.SMTP | None = None
        self.sent = 0

    def __enter__(self) -> EmailSender:
        return self

    def __exit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        if self._conn is not None:
            return self._conn
        try:
            if self.use_ssl:
                conn: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            conn.ehlo()
            if self.starttls and not self.use_ssl:
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if self.username:
                conn.login(self.username, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise AuthError(f"SMTP login refused: {exc.smtp_code} {exc.smtp_error!r}") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise RetryableError(f"SMTP connect to {self.host}:{self.port}: {exc}") from None
        self._conn = conn
        return conn

    def close(self) -> None:
        """Say QUIT and drop the connection."""
        if self._conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._conn.quit()
            self._conn = None

    def send(self, msg: EmailMessage, to: str) -> str:
        """Send ``msg`` to ``to``; returns its Message-ID."""
        conn = self._connect()
        try:
            code, resp = conn.mail(self.sender_address())
            if code != 250:
                self._fail(code, resp, "MAIL FROM")
            code, resp = conn.rcpt(to)
            if code not in (250, 251):
                self._fail(code, resp, f"RCPT TO {to}")
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            self._drop()
            raise RetryableError(f"SMTP before DATA: {exc}") from None
        try:
            code, resp = conn.data(msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
        except smtplib.SMTPDataError as exc:
            self._reset()
            if 400 <= exc.smtp_code < 500:
                raise RetryableError(f"SMTP DATA refused: {exc.smtp_code} {exc.smtp_error!r}") from None
            raise FatalError(f"SMTP DATA refused: {exc.smtp_code} {exc.smtp_error!r}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise UnknownOutcome(f"SMTP connection lost during DATA: {exc}") from None
        if code != 250:  # smtplib returns the final reply of DATA without raising
            self._fail(code, resp, "DATA")
        self.sent += 1
        return str(msg["Message-ID"])

    def sender_address(self) -> str:
        """The envelope sender: the address inside ``smtp_from``."""
        s = self.sender
        return s[s.index("<") + 1 : s.index(">")] if "<" in s and ">" in s else s

    def _fail(self, code: int, resp: bytes, step: str) -> None:
        self._reset()
        text = resp.decode(errors="replace") if isinstance(resp, bytes) else str(resp)
        if 400 <= code < 500:
            raise RetryableError(f"SMTP {step}: {code} {text}")
        raise FatalError(f"SMTP {step}: {code} {text}")

    def _reset(self) -> None:
        if self._conn is not None:
            try:
                self._conn.rset()
            except (OSError, smtplib.SMTPException):
                self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
            self._conn = None
