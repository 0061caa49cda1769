"""Configuration: defaults, the commented default file, env overrides, errors with key paths."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from jobshift.cli.main import main
from jobshift.config import DEFAULT_CONFIG_TOML, Config, load_config, parse_config
from jobshift.errors import ConfigError


def test_default_file_parses_to_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBSHIFT_DATABASE_URL", raising=False)
    parsed = parse_config(tomllib.loads(DEFAULT_CONFIG_TOML))
    assert parsed.model_dump() == Config().model_dump()


def test_env_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "jobshift.toml").write_text("[detection]\nnew_hire_window_days = 30\n")
    assert load_config(tmp_path).detection.new_hire_window_days == 30
    monkeypatch.setenv("JOBSHIFT_DETECTION__NEW_HIRE_WINDOW_DAYS", "60")
    assert load_config(tmp_path).detection.new_hire_window_days == 60


@pytest.mark.parametrize(
    ("toml", "path", "fragment"),
    [
        ("[detection]\nnew_hire_window_days = 'soon'\n", "detection.new_hire_window_days", "valid integer"),
        ("[program]\ntracking_cap = -5\n", "program.tracking_cap", "greater than or equal"),
        ("[filters]\nskip_advisor = true\n", "filters.skip_advisor", "unknown key"),
        ("[import]\nbatch_size = 5\n", "import.batch_size", "greater than or equal"),
        ("[nonsense]\nx = 1\n", "nonsense", "unknown key"),
    ],
)
def test_invalid_config_names_key_path(tmp_path: Path, toml: str, path: str, fragment: str) -> None:
    (tmp_path / "jobshift.toml").write_text(toml)
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    assert exc.value.key_path == path
    assert fragment in str(exc.value)


def test_toml_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "jobshift.toml").write_text("[detection\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(tmp_path)


def test_cli_exits_2_on_invalid_config(workspace_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workspace_env / "jobshift.toml").write_text("[program]\ntracking_cap = 'lots'\n")
    code = main(["--workspace", str(workspace_env), "init"])
    assert code == 2
    err = capsys.readouterr().err
    assert "program.tracking_cap" in err


def test_init_is_idempotent(workspace_env: Path) -> None:
    assert main(["--workspace", str(workspace_env), "init"]) == 0
    cfg = workspace_env / "jobshift.toml"
    cfg.write_text(cfg.read_text() + "\n# my edit\n")
    assert main(["--workspace", str(workspace_env), "init"]) == 0
    assert cfg.read_text().endswith("# my edit\n")
    assert (workspace_env / "jobshift.db").exists()


def test_init_on_postgres(backend_workspace: Path) -> None:
    assert main(["--workspace", str(backend_workspace), "init"]) == 0


def test_jobshift_workspace_env_names_the_directory_not_the_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBSHIFT_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("JOBSHIFT_WORKSPACE__NAME", "Acme")
    cfg = parse_config({})
    assert cfg.workspace.name == "Acme"
