"""`ietm scan`, `ietm ls` and `ietm show`: the catalog as commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ietm.catalog.db import Catalog, normalise_key
from ietm.cli import format_option
from ietm.errors import NotFound
from ietm.parse.codes import DmCode, PmCode
from ietm.parse.model import ICN_SUFFIXES, read_object

csdb_argument = click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path))


def open_catalog(csdb: Path, progress: bool = False) -> Catalog:
    catalog = Catalog.open(csdb)
    catalog.refresh(progress=progress)
    return catalog


@click.command()
@csdb_argument
@format_option()
def scan(csdb: Path, fmt: str) -> None:
    """Bring the catalog of a CSDB up to date (only new and changed files are read)."""
    catalog = Catalog.open(csdb)
    result = catalog.refresh(progress=fmt == "text")
    if fmt == "json":
        click.echo(json.dumps({**result.__dict__, "changed": sorted(result.changed), "catalog": str(catalog.db_path)}))
        return
    click.echo(
        f"{result.scanned} file(s), {result.parsed} read, {result.removed} removed, "
        f"{result.errors} unreadable; catalog {catalog.db_path}"
    )
    for path, error, line in catalog.errors():
        click.echo(f"{path}{':' + str(line) if line else ''}: error: {error}", err=True)


@click.command()
@csdb_argument
@click.option("--type", "content_type", help="Content type: descriptive, procedural, fault, ipd, crew, schedule, process, pm, ...")
@click.option("--kind", help="Object kind: dm, pm, dml, ddn, comment, imf, upf, icn.")
@click.option("--info-code", help="Info code or its start, e.g. 520 or 041A.")
@click.option("--lang", "language", help="Language, e.g. en-US or ru-RU.")
@click.option("--qa", type=click.Choice(["unverified", "first", "second"]), help="QA status.")
@click.option("--state", type=click.Choice(["all", "latest", "old", "inwork", "official"]), default="all",
              show_default=True, help="Issue state: latest issues, old issues, in-work or official issues.")
@format_option()
def ls(csdb: Path, content_type, kind, info_code, language, qa, state, fmt) -> None:
    """List the objects of a CSDB, filtered by type, info code, language, QA status and issue state."""
    catalog = open_catalog(csdb, progress=fmt == "text")
    objs = catalog.objects(kind=kind, content_type=content_type, info_code=info_code, language=language, qa=qa, state=state)
    if fmt == "json":
        click.echo(json.dumps([_summary(o) for o in objs], indent=2, ensure_ascii=False))
        return
    for o in objs:
        flags = ("in-work " if o.in_work else "") + ("" if o.name_ok else "misnamed ")
        click.echo(
            f"{o.key}\t{o.issue or '-'}\t{o.language or '-'}\t{o.content_type or o.kind}\t{o.qa or '-'}\t"
            f"{flags}{o.title}".rstrip()
        )
    for path, error, line in catalog.errors():
        click.echo(f"{path}{':' + str(line) if line else ''}: error: {error}", err=True)


def _summary(o) -> dict:
    d = o.to_dict()
    d.pop("refs")
    return d


@click.command()
@click.argument("code")
@click.option("--csdb", type=click.Path(path_type=Path), default=".", show_default=True, help="The CSDB folder.")
@click.option("--issue", help="Issue NNN-NN; default the latest.")
@click.option("--lang", "language", help="Language, e.g. en-US; default English, then any.")
@format_option()
def show(code: str, csdb: Path, issue, language, fmt: str) -> None:
    """Print one object's identity, status and references: CODE is a DMC, PMC, other code, or a file."""
    as_file = Path(code)
    if as_file.is_file() and (as_file.suffix.lower() == ".xml" or as_file.suffix.lower() in ICN_SUFFIXES):
        obj = read_object(as_file)
    else:
        obj = open_catalog(csdb).get(code, issue, language)
        if obj is None:
            raise NotFound(f"no object {normalise_key(code)} in the CSDB", str(csdb))
    data = obj.to_dict()
    data["code"] = _code_parts(obj.key)
    if fmt == "json":
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        click.echo()
        return
    for name in ("key", "kind", "content_type", "title", "issue", "in_work", "language", "issue_date", "issue_type",
                 "security", "qa", "qa_type", "applic", "schema_url", "s1000d_issue", "path"):
        if data.get(name) not in (None, ""):
            click.echo(f"{name:13} {data[name]}")
    if not obj.name_ok:
        click.echo(f"{'warning':13} file name differs from identity; expected {obj.expected_name}")
    for part, value in (data["code"] or {}).items():
        if value:
            click.echo(f"  {part:20} {value}")
    for ref in obj.refs:
        if ref.kind != "internal":
            extra = " ".join(x for x in (ref.issue, ref.language) if x)
            click.echo(f"ref {ref.kind:5} {ref.target} {extra}".rstrip() + f"  (line {ref.line})")


def _code_parts(key: str) -> dict | None:
    if key.startswith("DMC-"):
        return DmCode.parse(key).__dict__
    if key.startswith("PMC-"):
        return PmCode.parse(key).__dict__
    return None
