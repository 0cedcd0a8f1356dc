"""The command line documents itself: every command answers --help, and the README names every command."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ietm.cli import COMMANDS, cli
from ietm.config import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _all_commands() -> list[list[str]]:
    out = []
    ctx = click.Context(cli)
    for name in sorted(COMMANDS):
        cmd = cli.get_command(ctx, name)
        out.append([name])
        if isinstance(cmd, click.Group):
            out += [[name, sub] for sub in cmd.list_commands(ctx)]
    return out


@pytest.mark.parametrize("words", _all_commands(), ids=" ".join)
def test_every_command_has_help(words):
    result = CliRunner().invoke(cli, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output and len(result.output.splitlines()) > 3


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_readme_names_every_command(name):
    assert f"ietm {name}" in README, f"README.md does not show `ietm {name}`"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_readme_documents_every_setting(setting):
    section = f"[{setting.section}]"
    assert section in README and f"\n{setting.key} = " in README.split(section, 1)[1], setting.name


def test_readme_settings_example_is_accepted(tmp_path):
    from ietm.config import load_config

    block = README.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "ietm.toml").write_text(block, encoding="utf-8")
    config = load_config(tmp_path)
    assert {s.name for s in SETTINGS} == set(config.values)
