"""`ietm validate`: the schema check as a command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ietm.catalog.servers import refresh_for_servers
from ietm.check.schema import MISSING_HINT, validate_paths
from ietm.check.schemas_locator import SchemaLocator
from ietm.cli import format_option, quiet_option
from ietm.config import load_config
from ietm.report import write


def schema_options(f):
    """--schemas/--catalog/--profile, shared by every command that validates."""
    f = click.option("--profile", is_flag=True, help="Validate S1000D 4.2 objects against the ietm profile schemas.")(f)
    f = click.option("--catalog", "catalogs", multiple=True, type=click.Path(path_type=Path),
                     help="OASIS XML catalog mapping schema URLs to local files (repeatable).")(f)
    f = click.option("--schemas", "schema_dirs", multiple=True, type=click.Path(path_type=Path),
                     help="Folder of XML Schemas, matched by file name in any letter case (repeatable).")(f)
    return f


def make_locator(start: Path, schema_dirs: tuple[Path, ...], catalogs: tuple[Path, ...], profile: bool) -> SchemaLocator:
    config = load_config(start)
    return SchemaLocator(
        [*schema_dirs, *config.paths("schemas.dirs")], [*catalogs, *config.paths("schemas.catalogs")], profile
    )


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@schema_options
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes; 0 means one per core.")
@format_option("text", "json", "junit")
@quiet_option
def validate(paths, schema_dirs, catalogs, profile, jobs, fmt, quiet) -> None:
    """Validate objects (files, or every XML file in folders) against their schemas.

    Each object names its schema in xsi:noNamespaceSchemaLocation; the URL is resolved offline through
    --catalog, --schemas, ietm.toml and the project's own schemas. Exit 1 when anything is invalid.
    """
    paths = paths or (Path("."),)
    for p in paths:
        if not p.exists():
            from ietm.errors import NotFound

            raise NotFound("no such file or folder", str(p))
    locator = make_locator(paths[0], schema_dirs, catalogs, profile)
    report = validate_paths(paths, locator, jobs or load_config(paths[0]).get("check.jobs"), progress=fmt == "text")
    write(report, fmt, sys.stdout, quiet)
    refresh_for_servers(paths)  # a writer validating a hand edit expects the running servers to show it
    if any(f.rule == "schema-missing" for f in report.findings) and fmt == "text":
        click.echo(f"hint: {MISSING_HINT}", err=True)
    if not report.ok:
        click.get_current_context().exit(1)
