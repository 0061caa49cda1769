"""FastAPI dependencies: the workspace, the signed-in user (pages) or token user (API), roles, CSRF.

No ``from __future__ import annotations`` here: FastAPI must resolve the ``Annotated`` types of the
nested dependency in ``require_roles`` at run time.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request

from jobshift.errors import ForbiddenError
from jobshift.services.admin import auth as auth_service
from jobshift.services.admin import web_sessions
from jobshift.services.admin.auth import AppUser
from jobshift.services.workspace import Workspace
from jobshift.web.auth import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, SessionCodec, csrf_ok


class LoginRequired(Exception):
    """A page needs a signed-in user: answered with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url
        super().__init__(next_url)


def get_ws(request: Request) -> Workspace:
    """The workspace this app serves."""
    ws: Workspace = request.app.state.ws
    return ws


def get_codec(request: Request) -> SessionCodec:
    """The cookie signer."""
    codec: SessionCodec = request.app.state.codec
    return codec


def session_of(request: Request) -> tuple[AppUser, dict[str, Any]] | None:
    """The active user and payload of the request's session cookie, if its server-side session is open."""
    session = get_codec(request).read_session(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None
    user = web_sessions.session_user(get_ws(request), session["u"], session["s"])
    return (user, session) if user else None


def page_user(request: Request) -> AppUser:
    """The signed-in user of a page request; redirects to /login when there is none."""
    found = session_of(request)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    user, session = found
    request.state.user = user
    request.state.csrf = session["c"]
    request.state.session_id = session["s"]
    return user


def api_user(request: Request) -> AppUser:
    """The user of an API request from ``Authorization: Bearer <token>`` (a session cookie also works
    for safe GET requests, so that /api/docs can load the schema in the browser)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and token.strip():
        user = auth_service.user_for_token(get_ws(request), token.strip())
    elif not header and request.method == "GET":
        found = session_of(request)
        user = found[0] if found else None
    if user is None:
        raise HTTPException(401, "not authenticated", headers={"WWW-Authenticate": "Bearer"})
    request.state.user = user
    return user


def require_roles(*roles: str, api: bool = False) -> Callable[..., AppUser]:
    """A dependency that lets only ``roles`` through (``ForbiddenError``, 403, otherwise)."""
    base = api_user if api else page_user

    def check(user: Annotated[AppUser, Depends(base)]) -> AppUser:
        if user.role not in roles:
            raise ForbiddenError(f"this needs the role {' or '.join(roles)}")
        return user

    return check


async def csrf_protect(request: Request, user: Annotated[AppUser, Depends(page_user)]) -> AppUser:
    """The signed-in user of a state-changing page request that carries the session's CSRF token (403)."""
    given = request.headers.get(CSRF_HEADER)
    if not given:
        form = await request.form()
        value: Any = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not csrf_ok(getattr(request.state, "csrf", None), given):
        raise ForbiddenError("invalid or missing CSRF token: reload the page and try again")
    return user


WS = Annotated[Workspace, Depends(get_ws)]
DbId = Annotated[int, Path(ge=1, le=2**31 - 1, description="a numeric id")]
"""A numeric id in a path: larger values answer 422 instead of overflowing the database's integers."""
PageUser = Annotated[AppUser, Depends(page_user)]
ApiUser = Annotated[AppUser, Depends(api_user)]
CsrfUser = Annotated[AppUser, Depends(csrf_protect)]
