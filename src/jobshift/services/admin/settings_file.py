"""Viewing, validating and saving the workspace's ``jobshift.toml`` (the web settings page).

Validation is the CLI's: TOML parse, then ``parse_config`` — a bad value raises ``ConfigError`` naming
the key path. Saving writes atomically and records an audit entry with the before/after text.

The page is for admins only and never shows a secret: :func:`mask_secrets` replaces the password of a
URL with credentials (``database_url = "postgresql://app:********@db/jobshift"``) and the value of
every secret-looking key (``*password*``, ``*secret*``, ``*token*``, ``*api_key*``, ``*private_key*``,
``*credential*``) with ``********``. :func:`unmask_secrets` puts the stored values back when an
edited text still holds the mask, so saving the masked page changes nothing it did not edit. The
audit entry stores the masked texts.
"""

from __future__ import annotations

import re
import tomllib

from jobshift.config import CONFIG_FILE, Config, default_config_toml, parse_config
from jobshift.errors import ConfigError
from jobshift.services.admin.auth import AppUser
from jobshift.services.workspace import Workspace
from jobshift.store.audit import audit
from jobshift.utils.files import atomic_write_text

MAX_CONFIG_BYTES = 1_000_000
MASK = "********"
_SECRET_KEY = re.compile(r"password|passwd|secret|token|api_?key|private_?key|credential", re.I)
_KV = re.compile(r"""^(\s*)([A-Za-z0-9_.-]+|"[^"]*")(\s*=\s*)(["'])(.*?)\4(\s*(?:#.*)?)$""")
_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_URL_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:)([^@]*)(@.*)$")


def _masked_value(key: str, value: str) -> str | None:
    """The value to show for ``key``, or ``None`` when it is not a secret."""
    m = _URL_PASSWORD.match(value)
    if m and m.group(2):
        return m.group(1) + MASK + m.group(3)
    if _SECRET_KEY.search(key) and value:
        return MASK
    return None


def _secret_lines(text: str) -> dict[tuple[str, str], str]:
    """``(table, key) -> value`` of every secret in a TOML text (line by line)."""
    found: dict[tuple[str, str], str] = {}
    table = ""
    for line in text.splitlines():
        t = _TABLE.match(line)
        if t:
            table = t.group(1)
            continue
        kv = _KV.match(line)
        if kv and _masked_value(kv.group(2), kv.group(5)) is not None:
            found[(table, kv.group(2))] = kv.group(5)
    return found


def mask_secrets(text: str) -> str:
    """``text`` with every secret value (and every password inside a URL) replaced by the mask."""
    out: list[str] = []
    for line in text.split("\n"):
        kv = _KV.match(line)
        shown = _masked_value(kv.group(2), kv.group(5)) if kv else None
        if kv and shown is not None:
            q = kv.group(4)
            line = f"{kv.group(1)}{kv.group(2)}{kv.group(3)}{q}{shown}{q}{kv.group(6)}"
        out.append(line)
    return "\n".join(out)


def unmask_secrets(text: str, current: str) -> str:
    """``text`` with masked values put back from ``current`` (the stored file); ``ConfigError`` when a
    masked value has nothing to come back from."""
    stored = _secret_lines(current)
    out: list[str] = []
    table = ""
    for n, line in enumerate(text.split("\n"), 1):
        t = _TABLE.match(line)
        if t:
            table = t.group(1)
        kv = _KV.match(line)
        if kv and MASK in kv.group(5):
            original = stored.get((table, kv.group(2)))
            if original is None or _masked_value(kv.group(2), original) != kv.group(5):
                raise ConfigError(
                    f"line {n}: {kv.group(2)} holds the secret mask {MASK}: type the real value",
                    key_path=f"{table}.{kv.group(2)}" if table else kv.group(2),
                )
            q = kv.group(4)
            line = f"{kv.group(1)}{kv.group(2)}{kv.group(3)}{q}{original}{q}{kv.group(6)}"
        out.append(line)
    return "\n".join(out)


def read_config_text(ws: Workspace) -> str:
    """The current ``jobshift.toml`` text (the commented defaults when the file does not exist)."""
    path = ws.path / CONFIG_FILE
    return path.read_text(encoding="utf-8") if path.exists() else default_config_toml()


def read_config_text_masked(ws: Workspace) -> str:
    """The current ``jobshift.toml`` text with its secrets masked (what the settings page shows)."""
    return mask_secrets(read_config_text(ws))


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
    before = read_config_text(ws)
    text = unmask_secrets(text.replace("\r\n", "\n"), before)
    config = validate_config_text(text)
    if before == text:
        return config
    with ws.store.begin() as conn:  # the audit entry commits only if the file was written
        audit(
            conn,
            actor=f"web:{viewer.username}",
            action="update",
            object="settings",
            record_id=CONFIG_FILE,
            before={"text": mask_secrets(before)},
            after={"text": mask_secrets(text)},
        )
        atomic_write_text(ws.path / CONFIG_FILE, text)
    ws.config = config
    return config
