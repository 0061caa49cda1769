"""``jobshift serve``: uvicorn builds the app by its import string (services never import the web app)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from jobshift.errors import ConfigError, UsageError
from jobshift.services.admin import serving
from jobshift.services.workspace import init_workspace


def test_the_factory_serves_the_target_workspace(
    workspace_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, _, name = serving.APP_FACTORY.partition(":")
    factory = getattr(importlib.import_module(module), name)
    with pytest.raises(UsageError, match="jobshift serve"):
        factory()  # outside serve(): nothing to serve
    init_workspace(workspace_env)[0].close()
    monkeypatch.setattr(serving, "_target", serving.ServeTarget(workspace_env, secure_cookies=True))
    app = factory()
    try:
        assert app.state.ws.path == workspace_env.resolve() and app.state.secure_cookies is True
    finally:
        app.state.ws.close()


def test_a_bad_workspace_fails_serve_before_it_listens(workspace_env: Path) -> None:
    init_workspace(workspace_env)[0].close()
    (workspace_env / "jobshift.toml").write_text("[web]\nsession_hours = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"web\.session_hours"):
        serving.serve(workspace_env, port=1)  # the app is built before the socket is bound
    assert serving._target is None
