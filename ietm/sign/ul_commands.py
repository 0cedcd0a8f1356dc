"""`ietm ul`: the information-certifying sheet (УЛ, GOST 2.051) of a CSDB's signed release."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ietm.cli import format_option


@click.command()
@click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="The HTML file to write; default <release name>-UL.html in the current folder.")
@click.option("--designation", help="The document's designation (обозначение); default the publication module's code + -УЛ.")
@click.option("--title", help="The document's title (наименование); default the publication module's title.")
@click.option("--lang", type=click.Choice(["ru", "en"]), default="ru", show_default=True, help="Language of the sheet.")
@format_option()
def ul(csdb: Path, output: Path | None, designation: str | None, title: str | None, lang: str, fmt: str) -> None:
    """Write the information-certifying sheet (УЛ) of the release in CSDB: designation and title, every file
    with its GOST R 34.11-2012 (Streebog-256) digest, every signature (role, name, date, certificate serial
    and issuer) and the verdict of `ietm verify`, as a printable HTML page (--format json: the data).

    Exit 0 when the release verifies, every file matches it and every signature there is holds; 1 otherwise
    (the sheet is written either way, and says what does not hold).
    """
    from ietm.atomic import write_new
    from ietm.errors import NotFound
    from ietm.sign.ul import information_sheet, render_html

    if not csdb.is_dir():
        raise NotFound("no such folder", str(csdb))
    sheet = information_sheet(csdb, designation, title)
    # an object without a signature of its own is covered by the release's; one that has a signature must hold
    bad = [f["path"] for f in sheet["files"] if f["state"] != "matches" or f["status"] not in ("valid", "unsigned")]
    ok = sheet["verdict"]["valid"] and not bad
    if fmt == "json":
        json.dump(sheet, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        target = output or Path(f"{sheet['release']['name']}-UL.html")
        write_new(target, render_html(sheet, lang).encode("utf-8"), overwrite=True, mode=0o644)
        click.echo(f"{'SUCCESS' if ok else 'FAILED'}: ul: {target}: {sheet['designation']}, {len(sheet['files'])} file(s), "
                   f"{sheet['signatures']} signature(s); release {sheet['verdict']['status']}"
                   + (f"; {len(bad)} file(s) not valid: {', '.join(bad[:5])}" if bad else ""))
    if not ok:
        click.get_current_context().exit(1)
