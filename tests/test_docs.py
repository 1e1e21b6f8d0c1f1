"""The README documents every command and option users have."""

from pathlib import Path

import pytest

from indexer.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_is_in_the_readme(name):
    command = cli.commands[name]
    assert command.help
    assert f"python -m indexer {name}" in README


@pytest.mark.parametrize(
    "option",
    sorted(
        {
            opt
            for c in cli.commands.values()
            for p in c.params
            for opt in p.opts
            if opt.startswith("--") and opt not in ("--page", "--per-page")
        }
    ),
)
def test_every_option_is_in_the_readme(option):
    assert option in README


def test_readme_gives_the_two_setup_commands():
    assert "make serve" in README and "make test" in README
