"""`ietm brex`, `ietm refs`, `ietm completeness` and `ietm check`: the integrity checks of a CSDB as commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ietm.cli import format_option, quiet_option
from ietm.config import load_config
from ietm.errors import NotFound
from ietm.report import write


csdb_argument = click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path))
default_brex_option = click.option(
    "-B", "--default-brex", "default_brex", multiple=True, type=click.Path(path_type=Path),
    help="Default BREX file or folder, per S1000D issue: used when an object names no BREX or its BREX is not "
         "found, and references to it resolve (repeatable; adds to brex.default in ietm.toml). Without one, "
         "ietm's built-in S1000D default rules of the issue apply.",
)


def brex_options(f):
    """BREX options, shared by `ietm brex` and `ietm check`."""
    f = click.option("--no-values", is_flag=True, help="Do not check objectValue (allowed values); only structure rules.")(f)
    f = default_brex_option(f)
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

    Each object's brexDmRef names its project BREX, found by its file name (DMC-...) in the folders checked,
    in -d folders and among the default BREX; the BREX it refers to in turn (such as the S1000D default
    BREX) applies too. An object naming no BREX, or one not found, is checked against the default BREX of
    its S1000D issue. Where no official copy of the S1000D default BREX of an issue (4.1, 4.2, 5.0) is
    given, ietm's built-in form of its rules applies (schemas/brex/).
    Context rules, allowed values, SNS and notation rules are checked. Exit 1 when a rule is broken.
    """
    from ietm.check.brex import check_paths

    paths = _existing(paths or (Path("."),))
    spec = brex_spec(paths, explicit, search, default_brex, no_values)
    report = check_paths(paths, spec, jobs or load_config(paths[0]).get("check.jobs"), progress=fmt == "text")
    write(report, fmt, sys.stdout, quiet)
    if not report.ok:
        click.get_current_context().exit(1)



def open_catalog(csdb: Path, progress: bool):
    from ietm.catalog import Catalog

    catalog = Catalog.open(csdb)
    catalog.refresh(progress=progress)
    return catalog


def default_brex_paths(csdb: Path, default_brex: tuple[Path, ...]) -> list[Path]:
    paths = [*default_brex, *load_config(csdb).paths("brex.default")]
    for p in paths:
        if not p.exists():
            from ietm.errors import ConfigError

            raise ConfigError("default BREX not found", str(p))
    return paths


@click.command()
@csdb_argument
@click.option("--to", "to", metavar="CODE", help="Where-used: list what refers to this DMC, PMC or ICN instead.")
@default_brex_option
@format_option("text", "json", "junit")
@quiet_option
def refs(csdb: Path, to: str | None, default_brex, fmt: str, quiet: bool) -> None:
    """Check that every reference in a CSDB resolves: data and publication modules (with the issue and
    language named), illustrations (files, letter case included), internal ids, ACT/CCT/PCT, BREX, DML
    entries and DDN delivery lists. Exit 1 when one does not.

    With --to CODE, list every object and line that refers to CODE (where-used).
    """
    from ietm.check.refs import brex_keys, check_refs

    _existing((csdb,))
    if to is not None:
        _where_used(csdb, to, fmt)
        return
    catalog = open_catalog(csdb, progress=fmt == "text")
    report = check_refs(catalog, brex_keys(default_brex_paths(csdb, default_brex)), load_config(csdb).get("check.jobs"))
    write(report, fmt, sys.stdout, quiet)
    if not report.ok:
        click.get_current_context().exit(1)


def _where_used(csdb: Path, code: str, fmt: str) -> None:
    import json
    from dataclasses import asdict

    from ietm.catalog.db import normalise_key
    from ietm.check.refs import where_used

    key = normalise_key(code)
    catalog = open_catalog(csdb, progress=False)
    uses = where_used(catalog, key)
    exists = bool(catalog.issues(key)) or bool(catalog.objects(kind="icn", key=key))
    if not uses and not exists:
        raise NotFound(f"no object {key} in the CSDB, and nothing refers to it", str(csdb))
    if fmt == "json":
        click.echo(json.dumps({"code": key, "exists": exists, "references": [asdict(u) for u in uses]}, indent=2))
        return
    for u in uses:
        click.echo(u.text())
    note = "" if exists else " (it is not in the CSDB itself)"
    click.echo(f"{len(uses)} reference(s) to {key}{note}")


@click.command()
@csdb_argument
@format_option("text", "json", "junit")
@quiet_option
def completeness(csdb: Path, fmt: str, quiet: bool) -> None:
    """Compare the DML (what is required), the CSDB (what exists, latest issues) and the publication modules
    (what the manual contains): missing objects, objects no DML asks for, DML entries and PM references to
    older issues than the latest, data modules in no PM. Exit 1 when something required is missing.
    """
    from ietm.check.completeness import check_completeness

    _existing((csdb,))
    report = check_completeness(open_catalog(csdb, progress=fmt == "text"))
    write(report, fmt, sys.stdout, quiet)
    if not report.ok:
        click.get_current_context().exit(1)


def _schema_options(f):
    from ietm.check.commands import schema_options

    return schema_options(f)


@click.command()
@csdb_argument
@_schema_options
@brex_options
@click.option("--skip", multiple=True, type=click.Choice(["schema", "brex", "refs", "applic"]),
              help="Leave a check out (repeatable).")
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes; 0 means one per core.")
@click.option("--no-cache", is_flag=True,
              help="Check every object again instead of taking the findings kept from the last check of what did not change.")
@format_option("text", "json", "junit")
@quiet_option
def check(csdb: Path, schema_dirs, catalogs, profile, explicit, search, default_brex, no_values, skip, jobs, no_cache,
          fmt, quiet) -> None:
    """The gate before handover: schema validation, BREX, references and applicability of a CSDB, with one
    summary. Takes the options of `ietm validate` and `ietm brex`. Exit 1 when any check finds an error.

    Each object's findings are kept in the CSDB's state folder; the next check takes them again for every
    object whose file, and whatever its findings depend on (its BREX, the objects it refers to, the
    ACT/CCT/PCT, the schemas, the settings, ietm itself), did not change: the same report, sooner.
    """
    from ietm.check.brex import DEFAULT_NONFAILING
    from ietm.check.gate import run_gate, standard_steps

    _existing((csdb,))
    config = load_config(csdb)
    defaults = default_brex_paths(csdb, default_brex)
    brex_args = {"search": search, "defaults": defaults, "explicit": explicit, "values": not no_values,
                 "nonfailing": config.get("brex.nonfailing") or DEFAULT_NONFAILING}
    steps = standard_steps(csdb, (schema_dirs, catalogs, profile), brex_args, defaults,
                           jobs or config.get("check.jobs"), tuple(skip), show_progress=fmt == "text" and sys.stderr.isatty(),
                           use_kept=not no_cache)
    gate = run_gate(csdb, steps)
    gate.write(fmt, sys.stdout, quiet)
    if not gate.ok:
        click.get_current_context().exit(1)
