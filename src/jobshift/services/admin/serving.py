"""Serving the web UI and REST API of a workspace with uvicorn.

The web face starts itself: uvicorn imports :data:`APP_FACTORY` (``jobshift.web.app:serving_app``) by
its name and calls it, and the factory asks :func:`serve_target` what to serve. This module (a service)
never imports the web app: ``web`` stands on ``services``, not the other way round
(``tests/test_layering.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jobshift.errors import UsageError

APP_FACTORY = "jobshift.web.app:serving_app"
"""The import string of the function that builds the app uvicorn serves."""


@dataclass(frozen=True)
class ServeTarget:
    """What :func:`serve` serves: the workspace, and whether cookies are always Secure."""

    ws_path: Path
    secure_cookies: bool | None = None


_target: ServeTarget | None = None


def serve_target() -> ServeTarget:
    """The workspace :func:`serve` is serving (``UsageError`` outside :func:`serve`)."""
    if _target is None:
        raise UsageError("no workspace to serve: start the web app with `jobshift serve`")
    return _target


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
    An error while the app is built (an invalid workspace) propagates from here.
    """
    import uvicorn

    global _target
    _target = ServeTarget(Path(ws_path), secure_cookies)
    try:
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=host,
            port=port,
            log_level=log_level,
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
            server_header=False,
        )
    finally:
        _target = None
