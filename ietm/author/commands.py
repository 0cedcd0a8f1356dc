"""`ietm new dm|pm` and `ietm upissue`: the writer's commands that create files, never replacing one."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ietm.author.create import DM_TYPES, S1000D_ISSUES, new_dm, new_pm
from ietm.atomic import write_new
from ietm.author.upissue import ISSUE_TYPES, upissue as make_upissue
from ietm.catalog.servers import refresh_for_servers
from ietm.cli import format_option
from ietm.errors import IetmError, NotFound


def _common(f):
    f = click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("."), show_default=True,
                     help="Folder to write the new object into (the CSDB).")(f)
    f = click.option("--brex", metavar="DMC", help="Project BREX data module code (default: the S1000D default BREX of the issue).")(f)
    f = click.option("--enterprise", default="00000", show_default=True,
                     help="Enterprise code (CAGE) of the responsible partner company and originator.")(f)
    f = click.option("--lang", "language", default="en-US", show_default=True, help="Language and country, ll-CC.")(f)
    f = click.option("--issue", "s1000d", type=click.Choice(sorted(S1000D_ISSUES)), default="4.2", show_default=True,
                     help="S1000D issue whose schemas the object follows.")(f)
    f = click.option("--title", required=True, help="Title; for a data module 'Tech name - Info name'.")(f)
    return f


def _write(folder: Path, name: str, data: bytes, fmt: str, extra: dict) -> None:
    """Write a new object into `folder`, creating the folder first, as a writer starting a CSDB expects."""
    created = _make_folder(folder)
    path = folder / name
    write_new(path, data)
    refresh_for_servers([path])
    if fmt == "json":
        json.dump({"path": str(path), "createdFolder": created, **extra}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        if created:
            click.echo(f"SUCCESS: created folder {folder}")
        click.echo(f"SUCCESS: created {path}")


def _make_folder(folder: Path) -> bool:
    """Create the output folder (and its parents) if it is missing; True when it was created."""
    if folder.is_dir():
        return False
    if folder.exists():
        raise NotFound("is a file, not a folder", str(folder))
    try:
        folder.mkdir(parents=True)
    except FileExistsError:  # made by someone else meanwhile, or a parent is a file
        if not folder.is_dir():
            raise NotFound("cannot create the folder: a parent is a file", str(folder)) from None
        return False
    except OSError as exc:
        raise IetmError(f"cannot create the folder: {exc.strerror or exc}", str(folder)) from None
    return True


@click.group()
def new() -> None:
    """Create a data module or publication module from ietm's templates, valid from birth.

    New objects are issue 000-01 (first draft), issue type "new", QA unverified, applicable to All.
    """


@new.command("dm")
@click.option("--code", required=True, metavar="DMC", help="Data module code, e.g. S1000DBIKE-AAA-DA1-10-00-00AA-040A-A.")
@click.option("--type", "dm_type", required=True, type=click.Choice(list(DM_TYPES)), help="What the module holds.")
@_common
@format_option()
def new_dm_command(code, dm_type, title, s1000d, language, enterprise, brex, output, fmt) -> None:
    """Create a data module."""
    name, data = new_dm(code, title, dm_type, s1000d, language, enterprise, brex)
    _write(output, name, data, fmt, {"type": dm_type, "issue": "000-01"})


@new.command("pm")
@click.option("--code", required=True, metavar="PMC", help="Publication module code, e.g. S1000DBIKE-B6865-EPWG2-00.")
@click.option("--dm", "dms", multiple=True, metavar="DMC", help="Data module the publication lists (repeatable; at least one).")
@_common
@format_option()
def new_pm_command(code, dms, title, s1000d, language, enterprise, brex, output, fmt) -> None:
    """Create a publication module listing the given data modules."""
    name, data = new_pm(code, title, list(dms), s1000d, language, enterprise, brex)
    _write(output, name, data, fmt, {"issue": "000-01"})


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--official/--in-work", default=False, show_default=True,
              help="--official releases the next official issue (001-03 -> 002-00); --in-work starts or continues "
                   "a draft (001-00 -> 001-01).")
@click.option("--type", "issue_type", type=click.Choice(ISSUE_TYPES), help="Issue type of the new issue (default: the previous one; 'changed' after 'new').")
@click.option("--reason", metavar="TEXT", help="Add a reason for update to the new issue.")
@click.option("--keep-changes", is_flag=True, help="Keep the last issue's change marks and reasons for update.")
@format_option()
def upissue(file, official, issue_type, reason, keep_changes, fmt) -> None:
    """Write the next issue of a data module or publication module beside it; the previous issue stays.

    A new in-work issue has its QA reset to unverified. When a new issue cycle starts from an official
    issue, change marks and reasons for update are cleared (unless --keep-changes). Issue date: today.
    """
    if not file.exists():
        raise NotFound("no such file", str(file))
    result = make_upissue(file, official=official, issue_type=issue_type, keep_changes=keep_changes, reason=reason)
    path = file.parent / result.name
    write_new(path, result.data)
    refresh_for_servers([path])
    if fmt == "json":
        json.dump({"path": str(path), "previous": str(file), "issue": result.issue, "issueType": result.issue_type,
                   "clearedChangeMarks": result.cleared_marks}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    cleared = f"; {result.cleared_marks} change mark(s) of the last issue cleared" if result.cleared_marks else ""
    click.echo(f"SUCCESS: {file.name} -> {path.name} (issue {result.issue}, {result.issue_type}{cleared})")
