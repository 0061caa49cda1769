"""Commands: ``serve`` (web UI + REST API) and ``user add|token|list`` (app users and API tokens)."""

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
    ) -> None:
        """Serve the web UI and the REST API (/api, docs at /api/docs) of the workspace."""
        from jobshift.services.serving import serve as run_server
        from jobshift.services.workspace import Workspace

        Workspace.open(state.workspace).close()  # a bad config fails here, with exit code 2
        console.print(f"jobshift serving on http://{host}:{port}  (API docs: /api/docs)")
        run_server(state.workspace or ".", host, port)

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
        from jobshift.services import auth
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
    def user_token(username: Annotated[str, typer.Argument(help="login name")]) -> None:
        """Create an API token for a user (printed once; only its hash is stored)."""
        from jobshift.services import auth
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            token = auth.create_token(ws, username)
        finally:
            ws.close()
        typer.echo(token)

    @users.command("list")
    def user_list(
        json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    ) -> None:
        """List the app users."""
        from jobshift.services import auth
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
