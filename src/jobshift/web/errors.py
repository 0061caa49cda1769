"""The one place where errors become HTTP answers: FastAPI exception handlers for the whole app.

jobshift's errors map by kind (:func:`status_of`): ``NotFoundError`` → 404, ``ForbiddenError`` → 403,
``InvalidValueError`` and a skipped record (``SkipError``) → 422, ``ConflictError`` → 409, any other
``UsageError`` → 400, ``ConfigError`` → 400; everything else is the server's fault → 500 with a
generic message (the details go to the log, never to the client). Routes raise these errors (or
FastAPI's ``HTTPException``) and do not translate them themselves.

The API (``/api/...``) always answers ``{"detail": message}`` (request validation: ``{"detail": [errors]}``);
pages get ``error.html`` with the same status. A page that needs a sign-in redirects to ``/login``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from jobshift.errors import (
    ConfigError,
    ConflictError,
    ForbiddenError,
    InvalidValueError,
    JobshiftError,
    NotFoundError,
    SkipError,
    UsageError,
)
from jobshift.web.deps import LoginRequired
from jobshift.web.render import render

log = logging.getLogger(__name__)

TITLES = {
    400: "Invalid request",
    401: "Sign-in required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid request",
    500: "Server error",
}
SERVER_ERROR_MESSAGE = "Something went wrong on the server; see its log."

_STATUS: tuple[tuple[type[JobshiftError], int], ...] = (
    (NotFoundError, 404),
    (ForbiddenError, 403),
    (ConflictError, 409),
    (InvalidValueError, 422),
    (SkipError, 422),
    (UsageError, 400),
    (ConfigError, 400),
)


def status_of(exc: JobshiftError) -> int:
    """The HTTP status of a jobshift error raised while answering a request."""
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def is_api(request: Request) -> bool:
    """Whether the request is one of the REST API's (JSON answers) rather than a page's."""
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def error_response(
    request: Request,
    status: int,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Response:
    """``{"detail": message}`` for the API, the error page (``title``: by status) for the UI."""
    if is_api(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    title = title or TITLES.get(status, "Error")
    return render(request, "error.html", status_code=status, title=title, message=message)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers of this module on ``app``."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = "/login" + (f"?next={quote(exc.next_url)}" if exc.next_url not in ("/", "") else "")
        if request.headers.get("hx-request"):
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 401:
            return JSONResponse({"detail": exc.detail}, status_code=401, headers=exc.headers)
        return error_response(request, exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(JobshiftError)
    async def domain_error(request: Request, exc: JobshiftError) -> Response:
        status = status_of(exc)
        if status >= 500:
            log.error("request %s failed: %s: %s", request.url.path, type(exc).__name__, exc)
            return error_response(request, status, SERVER_ERROR_MESSAGE)
        title = "Invalid configuration" if isinstance(exc, ConfigError) else None
        return error_response(request, status, str(exc), title=title)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        if is_api(request):
            return JSONResponse({"detail": errors}, status_code=422)
        msg = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in errors)
        return render(request, "error.html", status_code=422, title="Invalid request", message=msg)
