"""Serving the web UI and REST API of a workspace with uvicorn."""

from __future__ import annotations

from pathlib import Path


def serve(
    ws_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    log_level: str = "info",
    secure_cookies: bool | None = None,
) -> None:
    """Run the web app for the workspace at ``ws_path`` until interrupted.

    ``X-Forwarded-Proto`` is trusted from proxies on this host only, so session cookies get the
    ``Secure`` flag when a local TLS-terminating proxy forwards https requests. ``secure_cookies``
    (default ``[web] secure_cookies``) marks them Secure always and sends HSTS (docs/security.md).
    """
    import uvicorn

    from jobshift.web.app import create_app

    app = create_app(ws_path, secure_cookies=secure_cookies)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
    )
