"""The ``jobshift`` Typer application: global options, error handling, command registration."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer

from jobshift import __version__
from jobshift.cli import (
    cmd_connectors,
    cmd_demo,
    cmd_detect,
    cmd_import,
    cmd_ingest,
    cmd_notify,
    cmd_outreach,
    cmd_program,
    cmd_review,
    cmd_schedule,
    cmd_scorecard,
    cmd_web,
    cmd_workspace,
)
from jobshift.cli.crash import unexpected
from jobshift.cli.output import error, warn
from jobshift.errors import DeprecatedSettingWarning, JobshiftError

app = typer.Typer(
    name="jobshift",
    help="jobshift: job-change signals for B2B revenue teams (self-hosted).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class State:
    """Options shared by every command."""

    workspace: Path | None = None
    debug: bool = False


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jobshift {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace", "-w", envvar="JOBSHIFT_WORKSPACE", help="workspace directory (default: .)"
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version")
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", envvar="JOBSHIFT_DEBUG", help="show the traceback of an unexpected error on stderr"
        ),
    ] = False,
) -> None:
    state.workspace = workspace
    state.debug = debug


for _module in (
    cmd_workspace,
    cmd_import,
    cmd_ingest,
    cmd_demo,
    cmd_detect,
    cmd_web,
    cmd_scorecard,
    cmd_program,
    cmd_connectors,
    cmd_notify,
    cmd_schedule,
    cmd_outreach,
    cmd_review,
):
    _module.register(app, state)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script: returns the exit code, never shows a traceback by default.

    ``JobshiftError`` → its exit code and one line; a busy SQLite database → one line, exit 1; any
    other exception → one line naming the log file that holds the traceback (``--debug`` prints it).
    """
    state.workspace, state.debug = None, False
    try:
        with warnings.catch_warnings():
            _show_setting_warnings()
            code = app(args=argv, standalone_mode=False)
    except JobshiftError as exc:
        error(str(exc))
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        error("aborted")
        return 1
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except Exception as exc:
        import click

        # typer >= 0.20 vendors click: its usage errors are TyperExceptions, not click's own
        if isinstance(exc, click.exceptions.ClickException | typer.exceptions.TyperException):
            show = getattr(exc, "show", None)
            if callable(show):
                show()
            else:
                error(str(exc))
            return int(getattr(exc, "exit_code", 1))
        return unexpected(exc, workspace=state.workspace, debug=state.debug)
    # standalone_mode=False hands back the code of a ``typer.Exit`` raised in a command
    return code if isinstance(code, int) else 0


def _show_setting_warnings() -> None:
    """Inside ``warnings.catch_warnings``: a deprecated setting is one ``warning:`` line, once."""
    shown = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: object, **kwargs: object) -> None:
        if issubclass(category, DeprecatedSettingWarning):
            warn(str(message))
        else:
            shown(message, category, *args, **kwargs)  # type: ignore[arg-type]

    warnings.simplefilter("default", DeprecatedSettingWarning)
    warnings.showwarning = show


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
