"""`ietm user`: manage the accounts of a shared ietm server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ietm.accounts import PERMISSIONS, ROLES, SECURITY_CLASSES, open_accounts
from ietm.cli import format_option
from ietm.errors import InputError
from ietm.paths import CONTENT


def _password(password_file: Path | None, confirm: bool = True) -> str:
    if password_file is not None:
        try:
            return password_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise InputError(f"cannot read the password file: {exc.strerror}", str(password_file)) from None
    if os.environ.get("IETM_PASSWORD"):
        return os.environ["IETM_PASSWORD"]
    return click.prompt("Password", hide_input=True, confirmation_prompt=confirm)


csdb_option = click.option("--csdb", type=click.Path(path_type=Path, file_okay=False, exists=True), default=CONTENT,
                           show_default="the sample manual", help="The CSDB whose server the accounts belong to.")
password_option = click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False),
                               help="Read the password from this file (else IETM_PASSWORD, else a prompt).")


@click.group()
def user() -> None:
    """Manage users of the shared server (kept in its database, [server] database).

    \b
    Roles:
      technician  reads, sends remarks, orders spare parts
      writer      also uploads modules and reads the remarks
      qa          also verifies and signs revisions
      admin       everything, and manages users
      supply      reads, and works the supply desk (/orders)
    """


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(list(ROLES)), required=True, help="What the user may do.")
@click.option("--clearance", type=click.Choice(SECURITY_CLASSES), default="01", show_default=True,
              help="Highest security classification of modules the user may read.")
@password_option
@csdb_option
def add(name: str, role: str, clearance: str, password_file: Path | None, csdb: Path) -> None:
    """Add a user; the password is stored as an Argon2id hash."""
    created = open_accounts(csdb).add(name, role, _password(password_file), clearance)
    click.echo(f"added {created.name} ({created.role}, clearance {created.clearance})")


@user.command("passwd")
@click.argument("name")
@password_option
@csdb_option
def passwd(name: str, password_file: Path | None, csdb: Path) -> None:
    """Change a user's password; their open sessions end."""
    open_accounts(csdb).set_password(name, _password(password_file))
    click.echo(f"password of {name} changed")


@user.command("remove")
@click.argument("name")
@csdb_option
def remove(name: str, csdb: Path) -> None:
    """Remove a user and end their sessions."""
    open_accounts(csdb).remove(name)
    click.echo(f"removed {name}")


@user.command("list")
@csdb_option
@format_option()
def list_users(csdb: Path, fmt: str) -> None:
    """List users with their role and clearance."""
    users = open_accounts(csdb).users()
    if fmt == "json":
        click.echo(json.dumps([u.__dict__ for u in users], indent=2))
        return
    for u in users:
        click.echo(f"{u.name}\t{u.role}\t{u.clearance}")


@user.command("roles")
@format_option()
def roles(fmt: str) -> None:
    """List the roles and what each may do."""
    if fmt == "json":
        click.echo(json.dumps({role: sorted(grants) for role, grants in ROLES.items()}, indent=2))
        return
    for role, grants in ROLES.items():
        click.echo(f"{role}: " + "; ".join(PERMISSIONS[p][0] for p in PERMISSIONS if p in grants))
