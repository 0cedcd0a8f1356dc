"""`ietm publish`: the manual as a static bundle that works offline."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ietm.cli import format_option
from ietm.config import load_config

csdb_argument = click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path))


@click.command()
@csdb_argument
@click.option("-o", "--out", required=True, type=click.Path(path_type=Path), help="Folder to write the bundle to "
              "(replaced whole when it holds an earlier bundle).")
@click.option("--lang", type=click.Choice(["en", "ru"]), help="Interface language of the bundle; default: serve.language.")
@click.option("--allow-errors", is_flag=True, help="Publish even when `ietm check` finds errors.")
@click.option("-j", "--jobs", type=int, default=0, show_default=True, help="Worker processes; 0 means one per core.")
@format_option()
def publish(csdb: Path, out: Path, lang: str | None, allow_errors: bool, jobs: int, fmt: str) -> None:
    """Publish a CSDB as a static, self-contained bundle: every page rendered, illustrations converted,
    offline search, a web app manifest and a service worker that keeps the manual on the device.

    Refuses a CSDB that fails `ietm check` unless --allow-errors. Writes manifest.json, the SHA-256 of every
    file of the bundle. A CSDB's signed release (`ietm release`) and signatures travel in csdb/, with the
    trusted CA in signatures.json, so every module page checks offline that it shows what QA signed.
    Serve the folder with any static web server (service workers need http://).
    """
    from ietm.publish.bundle import publish as run

    language = lang or load_config(csdb).get("serve.language")
    result = run(csdb, out, language=language, allow_errors=allow_errors, jobs=jobs, progress=fmt == "text")
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    click.echo(f"published {result.pages} page(s), {result.illustrations} illustration(s), {result.files} file(s), "
               f"{result.bytes / 1e6:.1f} MB (search index {result.search_index_bytes / 1e3:.0f} kB) to {result.out} "
               f"in {result.seconds:.1f} s; release {result.release}")
