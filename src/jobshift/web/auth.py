"""Signed session cookies and CSRF tokens for the server-rendered pages.

The session cookie holds ``{"u": app user id, "c": csrf token, "s": session id}`` signed (and
time-stamped) with itsdangerous; the session id names a server-side session row
(``services/admin/web_sessions.py``), so sign-out, a password change or a deactivation end it at once. The
cookie is HttpOnly, SameSite=Lax, and Secure when the request came over https or the server runs with
``--secure-cookies``. Every
state-changing form carries the session's CSRF token (a hidden field, or the ``X-CSRF-Token`` header
that HTMX sends). The login form is protected by a short-lived pre-session cookie with its own token.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "jobshift_session"
LOGIN_COOKIE = "jobshift_login"
SESSION_MAX_AGE = 12 * 3600
LOGIN_MAX_AGE = 3600
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class SessionCodec:
    """Signs and reads the session and login cookies."""

    def __init__(self, secret: str, max_age: int = SESSION_MAX_AGE) -> None:
        self._session = URLSafeTimedSerializer(secret, salt="jobshift.session")
        self._login = URLSafeTimedSerializer(secret, salt="jobshift.login")
        self.max_age = max_age

    def new_session(self, user_id: int, session_id: str) -> tuple[str, str]:
        """A cookie value for the server-side session ``session_id`` of ``user_id``, and its CSRF token."""
        csrf = secrets.token_urlsafe(24)
        return self._session.dumps({"u": user_id, "c": csrf, "s": session_id}), csrf

    def read_session(self, value: str | None) -> dict[str, Any] | None:
        """The session payload, or ``None`` when missing, tampered with or expired."""
        if not value:
            return None
        try:
            data = self._session.loads(value, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not data.get("c"):
            return None
        if not isinstance(data.get("s"), str) or not data["s"]:
            return None
        return data

    def new_login_token(self) -> tuple[str, str]:
        """A pre-session cookie value and the token the login form must echo."""
        token = secrets.token_urlsafe(24)
        return self._login.dumps(token), token

    def check_login_token(self, cookie: str | None, token: str | None) -> bool:
        """Whether the login form's token matches its pre-session cookie."""
        if not cookie or not token:
            return False
        try:
            expected = self._login.loads(cookie, max_age=LOGIN_MAX_AGE)
        except BadSignature:
            return False
        return isinstance(expected, str) and hmac.compare_digest(expected, token)


def is_https(request: Request) -> bool:
    """Whether cookies must be Secure: the client reached us over https (uvicorn applies
    X-Forwarded-Proto from trusted proxies), or the app runs with ``--secure-cookies``."""
    return request.url.scheme == "https" or bool(getattr(request.app.state, "secure_cookies", False))


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    """Set an HttpOnly, SameSite=Lax cookie, Secure over https (or always with ``--secure-cookies``)."""
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="lax", secure=is_https(request), path="/"
    )


def csrf_ok(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of the session's CSRF token with the one sent."""
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))
