"""The FastAPI application: server-rendered pages (Jinja2 + HTMX) and the REST API under /api.

``create_app(ws_path)`` opens the workspace (migrating its database) and wires the routers, the
static files, the error handlers (``jobshift.web.errors``: 401 JSON for the API, a redirect to /login
for pages; jobshift's errors as 4xx; anything unexpected as a bare 500) and the security headers, which every
response carries — errors included. ``secure_cookies`` (``jobshift serve --secure-cookies`` or
``[web] secure_cookies``) marks cookies Secure and adds ``Strict-Transport-Security``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from jobshift import __version__
from jobshift.services.admin import serving
from jobshift.services.admin.auth import configure_hash_slots, session_secret
from jobshift.services.workspace import Workspace
from jobshift.web import (
    api_lists,
    api_misc,
    routes_admin,
    routes_aliases,
    routes_lists,
    routes_login,
    routes_outreach_templates,
    routes_records,
    routes_review,
    routes_scorecard,
    routes_settings_forms,
    routes_workflow,
)
from jobshift.web.auth import SessionCodec
from jobshift.web.deps import ApiUser, PageUser
from jobshift.web.errors import install_error_handlers, is_api

STATIC_DIR = Path(__file__).parent / "static"
_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
_CSP_DOCS = _CSP + "; script-src 'self' 'unsafe-inline'"
log = logging.getLogger(__name__)


def create_app(ws_path: str | Path, *, secure_cookies: bool | None = None) -> FastAPI:
    """The web app serving the workspace at ``ws_path``.

    ``secure_cookies`` (default: ``[web] secure_cookies``) always marks cookies Secure and sends HSTS."""
    ws = Workspace.open(ws_path)
    ws.store  # noqa: B018 - open and migrate now so errors surface at start
    app = FastAPI(
        title="jobshift API",
        version=__version__,
        description="Job-change signals, leads, contacts, accounts and runs. "
        "Authenticate with `Authorization: Bearer <token>` (create one with `jobshift user token NAME`).",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.ws = ws
    web_cfg = ws.config.web
    app.state.codec = SessionCodec(session_secret(ws.path), max_age=web_cfg.session_hours * 3600)
    app.state.secure_cookies = web_cfg.secure_cookies if secure_cookies is None else secure_cookies
    app.state.hsts = (
        f"max-age={web_cfg.hsts_max_age}; includeSubDomains"
        if app.state.secure_cookies and web_cfg.hsts_max_age
        else None
    )
    configure_hash_slots(web_cfg.max_concurrent_hashes)
    app.state.ttl_cache = {}
    app.state.ttl_refreshing = set()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (
        routes_login.router,
        routes_lists.router,
        routes_records.router,
        routes_review.router,
        routes_workflow.router,
        routes_settings_forms.router,
        routes_admin.router,
        routes_aliases.router,
        routes_outreach_templates.router,
        routes_scorecard.router,
        api_lists.router,
        api_misc.router,
    ):
        app.include_router(router)
    _add_docs(app)
    _add_handlers(app)
    return app


def serving_app() -> FastAPI:
    """The app ``jobshift serve`` runs: uvicorn calls this factory by name (``APP_FACTORY`` in
    ``services/admin/serving.py``), which says what to serve."""
    target = serving.serve_target()
    return create_app(target.ws_path, secure_cookies=target.secure_cookies)


def _add_docs(app: FastAPI) -> None:
    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi_schema(user: ApiUser) -> dict[str, Any]:
        return app.openapi()

    @app.get("/api/docs", include_in_schema=False)
    def docs(user: PageUser) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="jobshift API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}


def _add_handlers(app: FastAPI) -> None:
    install_error_handlers(app)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        try:
            if _has_nul(request):  # PostgreSQL text cannot hold NUL: refuse it before any query
                response: Response = JSONResponse(
                    {"detail": "NUL characters are not allowed"}, status_code=422
                )
            else:
                response = await call_next(request)
        except Exception:  # unexpected: a bare 500 that still carries the headers below
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            response = (
                JSONResponse({"detail": "internal server error"}, status_code=500)
                if is_api(request)
                else HTMLResponse("<h1>Internal server error</h1>", status_code=500)
            )
        if request.app.state.hsts:
            response.headers.setdefault("Strict-Transport-Security", request.app.state.hsts)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        docs = request.url.path == "/api/docs"
        response.headers.setdefault("Content-Security-Policy", _CSP_DOCS if docs else _CSP)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _has_nul(request: Request) -> bool:
    """Whether the path or a query parameter holds a NUL character."""
    return "\x00" in request.url.path or any(
        "\x00" in k or "\x00" in v for k, v in request.query_params.multi_items()
    )
