"""Every command's --help shows an example, so a newcomer can copy one and run it."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from chainbreaker.cli.main import app


def _commands() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, ...]] = []

    def walk(cmd: object, path: tuple[str, ...]) -> None:
        subcommands = getattr(cmd, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, (*path, name))
        else:
            found.append(path)

    walk(root, ())
    return found


def test_the_cli_has_commands() -> None:
    assert ("version",) in _commands()


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p))
def test_help_shows_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`chainbreaker {' '.join(path)} --help` shows no example"
