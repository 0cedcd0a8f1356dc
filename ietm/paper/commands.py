"""`ietm pdf`: a publication module, or every one, as a PDF document."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ietm.cli import format_option
from ietm.config import load_config
from ietm.errors import NotFound


@click.command()
@click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--pm", "pm_code", help="Publication module code (PMC-... or without the prefix); "
              "without it, every publication module is printed into the folder given by -o.")
@click.option("-o", "--out", required=True, type=click.Path(path_type=Path),
              help="PDF file to write (with --pm), else a folder for one PDF per publication module.")
@click.option("--product", help="Product id from the PCT (see `ietm applic --products`): print only what applies.")
@click.option("--lang", type=click.Choice(["ru", "en"]), help="Language of the publication and of the words "
              "around the modules; default: serve.language.")
@click.option("--style", type=click.Choice(["s1000d", "eskd"]), default="s1000d", show_default=True,
              help="s1000d: S1000D print layout; eskd: A4 with the GOST 2.104 frame and title block.")
@click.option("--strict", is_flag=True, help="Write nothing when a module cannot be printed (default: a visible "
              "placeholder in its place, and a warning).")
@format_option()
def pdf(csdb: Path, pm_code: str | None, out: Path, product: str | None, lang: str | None, style: str,
        strict: bool, fmt: str) -> None:
    """Print a publication as a PDF: title page, list of effective data modules, table of contents with page
    numbers, each data module from a new page with its code, issue and applicability, running headers and
    footers with page X of Y per module and per document, change bars, bookmarks mirroring the PM, fonts
    embedded. --style eskd gives the ЕСКД form (GOST 2.104 title block on every sheet after the title sheet,
    revision record sheet, and the information-certifying sheet when the CSDB has a signed release).
    """
    from ietm.paper.produce import file_name, make_pdf
    from ietm.web.site import Site

    if not csdb.is_dir():
        raise NotFound("not a CSDB folder", str(csdb))
    language = lang or load_config(csdb).get("serve.language")
    site = Site(csdb)
    if pm_code:
        if out.is_dir():
            raise click.UsageError(f"-o {out} is a folder; with --pm, give the PDF file to write")
        keys = [site.key(pm_code, "pm")]
        targets = [out]
    else:
        keys = sorted(site.publications)
        if not keys:
            raise NotFound("the CSDB has no readable publication module", str(csdb))
        if out.exists() and not out.is_dir():
            raise click.UsageError(f"-o {out} is a file; without --pm, give a folder")
        out.mkdir(parents=True, exist_ok=True)
        targets = [out / file_name(site, k, language) for k in keys]
    for key in keys:
        if key not in site.copies:
            raise NotFound(f"{key} is not in this CSDB", str(csdb))
    results = []
    for key, target in zip(keys, targets):
        target.parent.mkdir(parents=True, exist_ok=True)
        result = make_pdf(site, key, target, language, style, product, strict, progress=fmt == "text")
        results.append(result)
        if fmt == "text":
            for f in result.failed:
                click.echo(f"WARNING: {f['message']}; printed as a placeholder", err=True)
            click.echo(f"{result.out}: {result.pages} page(s), {result.modules} module(s)"
                       + (f", {len(result.failed)} placeholder(s)" if result.failed else "")
                       + f" in {result.seconds:.1f} s")
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in results] if not pm_code else results[0].to_dict(),
                              ensure_ascii=False))
