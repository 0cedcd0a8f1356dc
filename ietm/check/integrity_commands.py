"""`ietm brex`, `ietm refs`, `ietm completeness` and `ietm check`: the integrity checks of a CSDB as commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ietm.cli import format_option, quiet_option
from ietm.config import load_config
from ietm.errors import NotFound
from ietm.report import write


def brex_options(f):
    """BREX options, shared by `ietm brex` and `ietm check`."""
    f = click.option("--no-values", is_flag=True, help="Do not check objectValue (allowed values); only structure rules.")(f)
    f = click.option("-B", "--default-brex", "default_brex", multiple=True, type=click.Path(path_type=Path),
                     help="Default BREX file or folder, used per S1000D issue when an object names no BREX or "
                          "its BREX is not found (repeatable; adds to brex.default in ietm.toml).")(f)
    f = click.option("-d", "--dir", "search", multiple=True, type=click.Path(path_type=Path),
                     help="Another folder to look for BREX data modules in, by code (repeatable).")(f)
    f = click.option("--brex", "explicit", type=click.Path(path_type=Path),
                     help="Check every object against this BREX (and the BREX it refers to), whatever it names.")(f)
    return f


def _existing(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    for p in paths:
        if not p.exists():
            raise NotFound("no such file or folder", str(p))
    return paths


def brex_spec(paths, explicit, search, default_brex, no_values):
    from ietm.check.brex import make_spec

    config = load_config(Path(paths[0]))
    return make_spec(paths, search, [*default_brex, *config.paths("brex.default")], explicit,
                     not no_values, config.get("brex.nonfailing"))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@brex_options
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes; 0 means one per core.")
@format_option("text", "json", "junit")
@quiet_option
def brex(paths, explicit, search, default_brex, no_values, jobs, fmt, quiet) -> None:
    """Check objects (files, or every XML file in folders) against their business rules (BREX).

    Each object's brexDmRef names its project BREX, found by code in the folders checked, in -d folders and
    among the default BREX; the BREX it refers to in turn (such as the S1000D default BREX) applies too.
    Context rules, allowed values, SNS and notation rules are checked. Exit 1 when a rule is broken.
    """
    from ietm.check.brex import check_paths

    paths = _existing(paths or (Path("."),))
    spec = brex_spec(paths, explicit, search, default_brex, no_values)
    report = check_paths(paths, spec, jobs or load_config(paths[0]).get("check.jobs"), progress=fmt == "text")
    write(report, fmt, sys.stdout, quiet)
    if not report.ok:
        click.get_current_context().exit(1)
