"""Viewing, validating and saving the workspace's ``jobshift.toml`` (the web settings page).

Validation is the CLI's: TOML parse, then ``parse_config`` — a bad value raises ``ConfigError`` naming
the key path. Saving writes atomically and records an audit entry with the before/after text.
"""

from __future__ import annotations

import tomllib

from jobshift.config import CONFIG_FILE, DEFAULT_CONFIG_TOML, Config, parse_config
from jobshift.errors import ConfigError
from jobshift.services.auth import AppUser
from jobshift.services.workspace import Workspace
from jobshift.store.audit import audit
from jobshift.utils.files import atomic_write_text

MAX_CONFIG_BYTES = 1_000_000


def read_config_text(ws: Workspace) -> str:
    """The current ``jobshift.toml`` text (the commented defaults when the file does not exist)."""
    path = ws.path / CONFIG_FILE
    return path.read_text(encoding="utf-8") if path.exists() else DEFAULT_CONFIG_TOML


def validate_config_text(text: str) -> Config:
    """Parse and validate a ``jobshift.toml`` text; ``ConfigError`` (with the key path) if invalid."""
    if len(text.encode("utf-8")) > MAX_CONFIG_BYTES:
        raise ConfigError(f"configuration larger than {MAX_CONFIG_BYTES:,} bytes")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{CONFIG_FILE}: invalid TOML: {exc}") from None
    return parse_config(data)


def save_config_text(ws: Workspace, viewer: AppUser, text: str) -> Config:
    """Validate and atomically write ``jobshift.toml`` (admins only), with an audit entry."""
    if not viewer.is_admin:
        raise PermissionError("only admins change settings")
    text = text.replace("\r\n", "\n")
    config = validate_config_text(text)
    before = read_config_text(ws)
    if before == text:
        return config
    with ws.store.begin() as conn:  # the audit entry commits only if the file was written
        audit(
            conn,
            actor=f"web:{viewer.username}",
            action="update",
            object="settings",
            record_id=CONFIG_FILE,
            before={"text": before},
            after={"text": text},
        )
        atomic_write_text(ws.path / CONFIG_FILE, text)
    ws.config = config
    return config
