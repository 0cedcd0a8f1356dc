"""`ietm import`: Word and LibreOffice documents into a draft CSDB, with a conversion report."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from ietm.atomic import write_new
from ietm.catalog.servers import refresh_for_servers
from ietm.cli import format_option
from ietm.errors import NotFound
from ietm.ingest.codes import read_map
from ietm.ingest.pipeline import Options, import_document
from ietm.ingest.writing import MANIFEST_DIR
from ietm.parse.codes import Language
from ietm.progress import track


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "csdb", required=True, type=click.Path(path_type=Path),
              help="The CSDB folder to write into (created if missing).")
@click.option("--model-ident-code", "model", required=True, metavar="CODE",
              help="Model identification code of the product (2 to 14 letters and digits).")
@click.option("--lang", "language", metavar="ll-CC", help="Language of the documents, ru-RU or en-US (default: from the text).")
@click.option("--map", "map_file", type=click.Path(path_type=Path), metavar="MAP.toml",
              help="Codes by heading pattern (system codes, info codes, type) and the heading depth of modules.")
@click.option("--depth", type=click.IntRange(1, 9), help="Heading levels that become data modules (default 2).")
@click.option("--enterprise", default="00000", show_default=True, metavar="CAGE",
              help="Enterprise code of the responsible company, the publication and the ICNs.")
@click.option("--pair/--no-pair", default=True, show_default=True,
              help="Give a document the codes of its version in another language imported before (the same plan "
                   "of modules); --no-pair gives it codes of its own, as a document of its own.")
@click.option("--details", is_flag=True, help="Also list where each paragraph, table and picture went.")
@format_option()
def import_(files, csdb, model, language, map_file, depth, enterprise, pair, details, fmt) -> None:
    """Convert Word documents (.docx; .doc, .odt and .rtf through LibreOffice) into a draft S1000D CSDB.

    Headings make the tree: each section down to --depth becomes a data module, the document a publication
    module, and a DML lists them; numbered items of procedures become steps, tables CALS tables, pictures
    ICN files (EMF/WMF converted to PNG), ПРИМЕЧАНИЕ/NOTE notes, ВНИМАНИЕ/ПРЕДУПРЕЖДЕНИЕ and WARNING/CAUTION
    cautions and warnings of the warning and caution repositories; fault tables become fault isolation
    modules, tool, spare and consumable lists repositories, maintenance tables a schedule, task cards
    procedures. A document imported next to its version in another language shares its codes (unless
    --no-pair). Re-running
    never replaces a module edited since the last import. The report (text,
    and JSON with --format json) is also kept in <CSDB>/.ietm-import/. Exit 1 when a written object fails
    its checks.
    """
    if not re.fullmatch(r"[A-Za-z0-9]{2,14}", model):
        raise click.BadParameter(f"'{model}' is not a model identification code (2 to 14 letters and digits)",
                                 param_hint="--model-ident-code")
    if not re.fullmatch(r"[A-Za-z0-9]{5}", enterprise):
        raise click.BadParameter(f"'{enterprise}' is not an enterprise code (5 letters and digits)", param_hint="--enterprise")
    lang = str(Language.parse(language)) if language else None
    code_map = read_map(map_file, depth)
    for f in files:
        if not f.is_file():
            raise NotFound("no such file", str(f))
    csdb.mkdir(parents=True, exist_ok=True)
    options = Options(model.upper(), lang, code_map, enterprise.upper(), pair)
    reports = []
    for f in track(files, total=len(files), description="Importing"):
        report = import_document(f, csdb, options)
        folder = csdb / MANIFEST_DIR
        folder.mkdir(exist_ok=True)
        write_new(folder / f"{f.stem}.report.json", report.json().encode("utf-8"), overwrite=True)
        write_new(folder / f"{f.stem}.report.txt", report.text(details=True).encode("utf-8"), overwrite=True)
        reports.append(report)
    refresh_for_servers([csdb])
    if fmt == "json":
        json.dump([r.to_dict() for r in reports], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for r in reports:
            click.echo(r.text(details=details), nl=False)
    if not all(r.ok for r in reports):
        click.get_current_context().exit(1)
