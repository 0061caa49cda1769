"""A workspace: the directory holding ``jobshift.toml`` and (by default) the SQLite database."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from jobshift.config import CONFIG_FILE, Config, database_url, default_config_toml, load_config
from jobshift.errors import UsageError
from jobshift.store import Store
from jobshift.utils.files import atomic_write_text


def resolve_workspace(path: str | Path | None) -> Path:
    """``--workspace`` if given, else ``JOBSHIFT_WORKSPACE``, else the current directory."""
    raw = path or os.environ.get("JOBSHIFT_WORKSPACE") or "."
    return Path(raw).expanduser().resolve()


@dataclass
class Workspace:
    """An opened workspace: its directory, validated configuration and (lazily) its store."""

    path: Path
    config: Config
    _store: Store | None = field(default=None, repr=False)

    @classmethod
    def open(cls, path: str | Path | None = None) -> Workspace:
        """Read the configuration of the workspace at ``path`` (raises ``ConfigError`` if invalid).

        ``path`` must be an existing directory (``UsageError`` otherwise): a mistyped ``--workspace``
        does not silently become a new, empty workspace. ``init_workspace`` creates one.
        """
        p = resolve_workspace(path)
        if not p.exists():
            raise UsageError(f"workspace {p} does not exist (create it with: jobshift init {p})")
        if not p.is_dir():
            raise UsageError(f"workspace {p} is not a directory")
        return cls(path=p, config=load_config(p))

    @property
    def database_url(self) -> str:
        """The database this workspace uses."""
        return database_url(self.path, self.config)

    @property
    def store(self) -> Store:
        """The store, opened (and migrated) on first use."""
        if self._store is None:
            self._store = Store.open(self.database_url, busy_timeout=self.config.store.busy_timeout_seconds)
        return self._store

    def close(self) -> None:
        """Release database connections."""
        if self._store is not None:
            self._store.dispose()
            self._store = None


def init_workspace(path: str | Path | None) -> tuple[Workspace, bool]:
    """Create the workspace directory, a commented default ``jobshift.toml`` and the database.

    Idempotent: an existing ``jobshift.toml`` is kept. Returns the workspace and whether the
    configuration file was created.
    """
    p = resolve_workspace(path)
    if p.exists() and not p.is_dir():
        raise UsageError(f"{p} exists and is not a directory")
    p.mkdir(parents=True, exist_ok=True)
    cfg_path = p / CONFIG_FILE
    created = False
    if not cfg_path.exists():
        atomic_write_text(cfg_path, default_config_toml())
        created = True
    ws = Workspace.open(p)
    ws.store  # noqa: B018 - open and migrate now so errors surface at init
    return ws, created
