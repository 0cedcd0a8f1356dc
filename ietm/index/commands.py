"""`ietm index` and `ietm search`: the full-text index from the command line."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import click

from ietm.cli import format_option
from ietm.index.search import Results, Searching
from ietm.index.store import SearchIndex

csdb_argument = click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path))


@click.command()
@csdb_argument
@click.option("--all-issues", is_flag=True, help="Index every issue of each module, not only the latest.")
@click.option("--rebuild", is_flag=True, help="Throw the index away and build it again from the files.")
@click.option("-j", "--jobs", type=int, default=0, show_default=True, help="Worker processes; 0 means one per core.")
@format_option()
def index(csdb: Path, all_issues: bool, rebuild: bool, jobs: int, fmt: str) -> None:
    """Build or update the full-text index of a CSDB (only new and changed modules are read again).

    The index lives in the CSDB's .ietm/index/ folder; it is a cache, rebuilt when missing or damaged.
    """
    result = SearchIndex(csdb).update(all_issues=all_issues, jobs=jobs, progress=fmt == "text", full=rebuild)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        how = "rebuilt" if result.rebuilt else "updated"
        click.echo(f"index {how}: {result.indexed} module(s) indexed, {result.removed} removed, "
                   f"{result.total} in the index, {result.seconds:.2f} s; {result.folder}")
        for error in result.errors:
            click.echo(f"{error}", err=True)


@click.command()
@csdb_argument
@click.argument("query", required=False)
@click.option("--product", help="Only modules that apply to this product (its id in the PCT, e.g. a serial number).")
@click.option("--type", "types", multiple=True, help="Content type (repeatable): procedural, descriptive, fault ...")
@click.option("--lang", help="Language of the modules: en or ru.")
@click.option("--system", help="System code, e.g. DA1.")
@click.option("-n", "--limit", type=int, default=10, show_default=True, help="How many results to show.")
@click.option("--all-issues", is_flag=True, help="Search old issues too (needs `ietm index --all-issues`).")
@format_option()
def search(csdb: Path, query: str | None, product: str | None, types: tuple[str, ...], lang: str | None,
           system: str | None, limit: int, all_issues: bool, fmt: str) -> None:
    """Search the modules of a CSDB: words, "phrases", prefixes (filt*), title:word, code:DMC-... .

    With one argument, it is the query and the CSDB is the current folder. The index is brought up to
    date first. Exit code 1 when nothing matches.
    """
    if query is None:
        csdb, query = Path("."), str(csdb)
    ix = SearchIndex(csdb)
    ix.update(all_issues=all_issues)
    with Searching(ix.open()) as s:
        res = s.search(query, product=product, types=list(types) or None, lang=lang, system=system, limit=limit,
                       all_issues=all_issues)
    if fmt == "json":
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print(res)
    if res.total == 0:
        click.get_current_context().exit(1)


def _plain(snippet: str) -> str:
    """A snippet for a terminal: matches in bold, markup gone."""
    text = re.sub(r"<mark[^>]*>(.*?)</mark>", lambda m: click.style(m.group(1), bold=True), snippet)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _print(res: Results) -> None:
    if res.corrected_from:
        click.echo(f"no module matches '{res.corrected_from}'; showing results for '{res.query}'")
    click.echo(f"{res.total} module(s) match '{res.query}' ({res.took_ms:.1f} ms)")
    for n, h in enumerate(res.hits, 1):
        where = f" › {h.section_title}" if h.section_title else ""
        click.echo(f"{n:>3}. {h.key} [{h.language} {h.issue} {h.type}] {h.title}{where}")
        click.echo(f"     {_plain(h.snippet)}")
    if res.did_you_mean:
        click.echo(f"did you mean: {res.did_you_mean}")
    for name, counts in res.facets.items():
        if counts:
            click.echo(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
