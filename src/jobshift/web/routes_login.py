"""Pages: sign in (throttled: ``services/admin/login_guard``) and sign out (ends the server-side session)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from jobshift.services.admin import login_guard, web_sessions
from jobshift.web.auth import LOGIN_COOKIE, LOGIN_MAX_AGE, SESSION_COOKIE, set_cookie
from jobshift.web.deps import WS, CsrfUser, get_codec
from jobshift.web.render import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(
    request: Request, next_url: str, error: str | None = None, status_code: int = 200
) -> Response:
    cookie, token = get_codec(request).new_login_token()
    response = render(
        request, "login.html", status_code=status_code, login_token=token, next_url=next_url, error=error
    )
    set_cookie(response, request, LOGIN_COOKIE, cookie, LOGIN_MAX_AGE)
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return _login_page(request, _safe_next(next))


@router.post("/login")
def login(
    request: Request,
    ws: WS,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    login_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password and start a session."""
    codec = get_codec(request)
    if not codec.check_login_token(request.cookies.get(LOGIN_COOKIE), login_token):
        return _login_page(request, _safe_next(next), "The form expired: please sign in again.", 403)
    ip = request.client.host if request.client else "unknown"
    attempt = login_guard.sign_in(ws, username.strip(), password, ip)
    if attempt.locked_until is not None:
        minutes = max(1, (attempt.retry_after_seconds + 59) // 60)
        response = _login_page(
            request,
            _safe_next(next),
            f"Too many failed sign-ins: try again in {minutes} minute{'s' if minutes > 1 else ''}.",
            429,
        )
        response.headers["Retry-After"] = str(attempt.retry_after_seconds)
        return response
    user = attempt.user
    if user is None:
        return _login_page(request, _safe_next(next), "Unknown user or wrong password.", 401)
    value, _csrf = codec.new_session(user.id, web_sessions.start_session(ws, user.id))
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, value, codec.max_age)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, ws: WS, user: CsrfUser) -> Response:
    """End the session (server-side too: a copy of the cookie no longer works)."""
    if user is None:  # pragma: no cover - the dependency raises before
        raise HTTPException(401)
    web_sessions.end_session(ws, request.state.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
