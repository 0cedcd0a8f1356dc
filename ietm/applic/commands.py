"""`ietm applic` (check applicability, list products) and `ietm instance` (filtered copies for one product)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ietm.applic.csdb import Applicability
from ietm.applic.produce import write_instances
from ietm.cli import format_option, quiet_option
from ietm.errors import InputError, NotFound, Refused
from ietm.report import write


def _csdb(path: Path) -> Path:
    if not path.exists():
        raise NotFound("no such file or folder", str(path))
    if not path.is_dir():
        raise InputError("is a file; give the CSDB folder", str(path))
    return path


@click.command("applic")
@click.argument("csdb", default=".", type=click.Path(path_type=Path))
@click.option("--products", is_flag=True, help="List the product instances of the PCT instead of checking.")
@click.option("-j", "--jobs", type=int, default=None, help="Worker processes for a large CSDB; 0 means one per core.")
@format_option("text", "json", "junit")
@quiet_option
def applic(csdb: Path, products: bool, jobs: int | None, fmt: str, quiet: bool) -> None:
    """Check applicability: every assert names a declared attribute or condition with an allowed value,
    every applicRefId resolves, and every PCT product assigns declared attributes allowed values.

    With --products, list the products of the PCT (their id is the XML id, else the value of the ACT's
    primary identifier, else #n); `ietm instance --product ID` takes those ids.
    """
    from ietm.check.applic import check_csdb

    root = _csdb(csdb)
    if products:
        found = Applicability.for_csdb(root).products()
        if fmt == "json":
            json.dump([p.to_dict() for p in found], sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        elif fmt == "junit":
            raise click.UsageError("--products lists products: use --format text or json")
        else:
            for p in found:
                click.echo(f"{p.id}\t" + "  ".join(f"{k}={v}" for k, v in p.assignment.items()))
            if not found:
                click.echo("no products: the CSDB has no product cross-reference table (PCT)")
        return
    if jobs is None:
        from ietm.config import load_config

        jobs = load_config(root).get("check.jobs")
    report = check_csdb(root, jobs=jobs, progress=fmt == "text" and not quiet)
    write(report, fmt, sys.stdout, quiet)
    if not report.ok:
        click.get_current_context().exit(1)


def _assignment(applicability: Applicability, product: str | None, sets: tuple[str, ...]):
    chosen = applicability.product(product) if product else None
    declared = applicability.declared()
    extra: dict[str, str] = {}
    for item in sets:
        attr, eq, value = item.partition("=")
        attr, value = attr.strip(), value.strip()
        if not eq or not attr:
            raise click.UsageError(f"--set '{item}' must be ATTRIBUTE=VALUE")
        if declared and attr not in declared:
            raise NotFound(f"--set {attr}: no ACT or CCT of the CSDB declares '{attr}' (declared: {', '.join(sorted(declared))})")
        if attr in declared and not any(p.allows(value) for p in declared[attr]):
            allowed = " or ".join(p.allowed_text() for p in declared[attr])
            raise InputError(f"--set {attr}={value}: value not allowed (allowed: {allowed})")
        extra[attr] = value
    return chosen, extra


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("-p", "--product", help="Product id from the PCT (see `ietm applic --products`), or ATTRIBUTE=VALUE of one assign.")
@click.option("--set", "sets", multiple=True, metavar="ATTRIBUTE=VALUE", help="Give an attribute or condition a value (repeatable; overrides the product's).")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="Folder for the filtered copies.")
@click.option("--csdb", type=click.Path(path_type=Path), help="CSDB holding the ACT/CCT/PCT when FILES are given (default: the folder of the first file).")
@click.option("-f", "--force", is_flag=True, help="Replace files already in the output folder.")
@click.option("-j", "--jobs", type=int, default=None, help="Worker processes for many objects; 0 means one per core.")
@format_option()
def instance(sources, product, sets, output, csdb, force, jobs, fmt) -> None:
    """Write copies of objects (a CSDB folder's latest DMs and PMs, or FILES) for one product.

    Content whose applicRefId is false for the product is removed; annotations that are true are dropped;
    content whose applicability cannot be decided (an attribute the product does not assign) is kept.
    Objects not applicable to the product at all are left out. Referenced illustrations are copied along.
    """
    if not product and not sets:
        raise click.UsageError("give --product ID or at least one --set ATTRIBUTE=VALUE")
    sources = sources or (Path("."),)
    for s in sources:
        if not s.exists():
            raise NotFound("no such file or folder", str(s))
    folder_mode = len(sources) == 1 and sources[0].is_dir()
    root = sources[0] if folder_mode else (csdb or sources[0].parent)
    root = _csdb(root)
    if output.resolve() == root.resolve() or any(s.resolve().parent == output.resolve() for s in sources if s.is_file()):
        raise Refused("the output folder is the source folder; instances would replace their masters", str(output))
    if folder_mode and output.resolve().is_relative_to(root.resolve()):
        raise Refused("the output folder is inside the CSDB; its copies would become part of the CSDB", str(output))
    output.mkdir(parents=True, exist_ok=True)
    applicability = Applicability.for_csdb(root)
    chosen, extra = _assignment(applicability, product, sets)
    if folder_mode:
        from ietm.catalog import Catalog

        catalog = Catalog.open(root)
        files = [Path(o.path) for kind in ("dm", "pm") for o in catalog.objects(kind=kind, state="latest")]
        for path, message, line in catalog.errors():  # unreadable files cannot be filtered: say which
            click.echo(f"WARNING: {path}{f':{line}' if line else ''}: {message}; no instance written", err=True)
    else:
        files = [s for s in sources if s.is_file()]
    if jobs is None:
        from ietm.config import load_config

        jobs = load_config(root).get("check.jobs")
    rows = [w.to_dict() for w in write_instances(files, applicability, chosen, extra, output, force, jobs)]
    written = sum("output" in r for r in rows)
    if fmt == "json":
        json.dump({"product": chosen.id if chosen else None, "set": extra, "output": str(output), "objects": rows},
                  sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for r in rows:
        name = Path(r["source"]).name
        if "skipped" in r:
            click.echo(f"{name}: skipped, {r['skipped']}")
        elif r["removed"] or r.get("droppedRefs"):
            parts = [f"{len(r['removed'])} element(s) removed"]
            if r["placeholders"]:
                parts.append(f"{r['placeholders']} placeholder(s)")
            if r.get("droppedRefs"):
                parts.append(f"{len(r['droppedRefs'])} entry(ies) for modules left out dropped")
            click.echo(f"{name}: {', '.join(parts)}")
    click.echo(f"SUCCESS: instance: {written} object(s) written to {output}, {len(rows) - written} left out")
