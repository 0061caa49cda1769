"""Commands: ``serve`` (web UI + REST API) and ``user add|list|token|tokens|revoke|deactivate|activate|role|
password`` (app users and API tokens; every change is audited)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from jobshift.cli.output import console, print_json, print_table
from jobshift.errors import UsageError

if TYPE_CHECKING:
    from jobshift.cli.main import State


def register(app: typer.Typer, state: State) -> None:
    """Add ``serve`` and the ``user`` command group to ``app``."""

    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
        secure_cookies: Annotated[
            bool | None,
            typer.Option(
                "--secure-cookies/--no-secure-cookies",
                help="behind a TLS proxy: always mark cookies Secure and send HSTS "
                "(default: [web] secure_cookies; docs/security.md)",
            ),
        ] = None,
    ) -> None:
        """Serve the web UI and the REST API (/api, docs at /api/docs) of the workspace."""
        from jobshift.services.admin.serving import serve as run_server
        from jobshift.services.workspace import Workspace

        Workspace.open(state.workspace).close()  # a bad config fails here, with exit code 2
        console.print(f"jobshift serving on http://{host}:{port}  (API docs: /api/docs)")
        run_server(state.workspace or ".", host, port, secure_cookies=secure_cookies)

    users = typer.Typer(help="App users of the web UI and API.", no_args_is_help=True)
    app.add_typer(users, name="user")

    @users.command("add")
    def user_add(
        username: Annotated[str, typer.Argument(help="login name")],
        role: Annotated[str, typer.Option(help="admin | manager | rep")] = "rep",
        crm_user_id: Annotated[
            str | None, typer.Option(help="the CRM user this login acts as (owner of their leads)")
        ] = None,
        password: Annotated[
            str | None, typer.Option(help="password (default: JOBSHIFT_PASSWORD, else a prompt)")
        ] = None,
    ) -> None:
        """Create an app user."""
        secret = password or os.environ.get("JOBSHIFT_PASSWORD")
        if not secret:
            secret = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        if not secret:
            raise UsageError("a password is required")
        from jobshift.services.admin import auth
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            user = auth.add_user(ws, username, role, secret, crm_user_id)
        finally:
            ws.close()
        console.print(
            f"Created {user.role} {user.username}"
            + (f" (CRM user {user.crm_user_id})" if user.crm_user_id else "")
        )

    @users.command("token")
    def user_token(
        username: Annotated[str, typer.Argument(help="login name")],
        expires_days: Annotated[
            int | None,
            typer.Option(help="days until it expires (default [web] token_expires_days = 90; 0 = never)"),
        ] = None,
    ) -> None:
        """Create an API token for a user (printed once; only its hash is stored)."""
        from jobshift.services.admin import auth
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            token = auth.create_token(ws, username, expires_days)
        finally:
            ws.close()
        typer.echo(token)

    @users.command("tokens")
    def user_tokens(
        username: Annotated[str | None, typer.Argument(help="login name (default: every user)")] = None,
        json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    ) -> None:
        """List API tokens: id, user, created, last used, expiry, status (never the token itself)."""
        from jobshift.services.admin import user_admin
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            rows = user_admin.list_tokens(ws, username)
        finally:
            ws.close()

        def iso(v: object) -> str | None:
            return v.isoformat(timespec="seconds") if v is not None else None  # type: ignore[attr-defined]

        if json:
            print_json(
                [
                    {
                        "id": t.id,
                        "username": t.username,
                        "created_at": iso(t.created_at),
                        "last_used_at": iso(t.last_used_at),
                        "expires_at": iso(t.expires_at),
                        "revoked_at": iso(t.revoked_at),
                        "status": t.status(),
                    }
                    for t in rows
                ]
            )
            return
        print_table(
            "API tokens",
            [
                (
                    str(t.id),
                    t.username,
                    iso(t.created_at) or "",
                    iso(t.last_used_at) or "",
                    iso(t.expires_at) or "never",
                    t.status(),
                )
                for t in rows
            ],
            headers=("id", "user", "created", "last used", "expires", "status"),
        )

    @users.command("revoke")
    def user_revoke(token_id: Annotated[int, typer.Argument(help="token id (see `user tokens`)")]) -> None:
        """Revoke an API token: it stops working at once (audited)."""
        from jobshift.services.admin import user_admin
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            info = user_admin.revoke_token(ws, token_id)
        finally:
            ws.close()
        console.print(f"Revoked token {info.id} of {info.username}")

    @users.command("deactivate")
    def user_deactivate(username: Annotated[str, typer.Argument(help="login name")]) -> None:
        """Deactivate a user: their sessions end and their API tokens stop working at once (audited)."""
        _set_active(username, False)

    @users.command("activate")
    def user_activate(username: Annotated[str, typer.Argument(help="login name")]) -> None:
        """Reactivate a deactivated user (audited)."""
        _set_active(username, True)

    def _set_active(username: str, active: bool) -> None:
        from jobshift.services.admin import user_admin
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            user = user_admin.set_active(ws, username, active)
        finally:
            ws.close()
        console.print(f"{user.username} is {'active' if user.active else 'deactivated'}")

    @users.command("role")
    def user_role(
        username: Annotated[str, typer.Argument(help="login name")],
        role: Annotated[str, typer.Argument(help="admin | manager | rep")],
    ) -> None:
        """Change a user's role; their sessions end so it applies at once (audited)."""
        from jobshift.services.admin import user_admin
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            user = user_admin.set_role(ws, username, role)
        finally:
            ws.close()
        console.print(f"{user.username} is now {user.role}")

    @users.command("password")
    def user_password(
        username: Annotated[str, typer.Argument(help="login name")],
        password: Annotated[
            str | None, typer.Option(help="new password (default: JOBSHIFT_PASSWORD, else a prompt)")
        ] = None,
    ) -> None:
        """Set a user's password; every session of the user ends (audited, without the password)."""
        secret = password or os.environ.get("JOBSHIFT_PASSWORD")
        if not secret:
            secret = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
        if not secret:
            raise UsageError("a password is required")
        from jobshift.services.admin import user_admin
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            user_admin.set_password(ws, username, secret)
        finally:
            ws.close()
        console.print(f"Password of {username} changed; their sessions ended")

    @users.command("list")
    def user_list(
        json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    ) -> None:
        """List the app users."""
        from jobshift.services.admin import auth
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            rows = auth.list_users(ws)
        finally:
            ws.close()
        if json:
            print_json(
                [
                    {"username": u.username, "role": u.role, "crm_user_id": u.crm_user_id, "active": u.active}
                    for u in rows
                ]
            )
            return
        print_table(
            "App users",
            [(u.username, u.role, u.crm_user_id or "", "yes" if u.active else "no") for u in rows],
            headers=("username", "role", "crm user", "active"),
        )
