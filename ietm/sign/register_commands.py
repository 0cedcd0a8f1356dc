"""`ietm register`: the register of signing-key holders and officials, kept in the CSDB.

Every change is signed with the key of the official making it (--key/--cert, as `ietm sign` takes them) and
written to the audit log; `list` and `show` verify the whole register before they answer.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from ietm.cli import format_option
from ietm.errors import InputError
from ietm.sign.commands import _credentials, audit_log_for, key_options
from ietm.sign.register import ROLES, ROLES_EN, Appointment, Register, required
from ietm.sign.statement import utc

csdb_argument = click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path, file_okay=False, exists=True))


def _when(text: str | None, option: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: '{text}' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)") from None
    return when.replace(tzinfo=dt.timezone.utc) if when.tzinfo is None else when.astimezone(dt.timezone.utc)


def _open(csdb: Path) -> tuple[Register, object]:
    from ietm.errors import NotFound
    from ietm.sign.verify import load_store

    if not csdb.is_dir():
        raise NotFound("no such folder", str(csdb))
    store = load_store(csdb)
    return required(csdb, store), store


def _line(a: Appointment, when: dt.datetime) -> str:
    roles = ", ".join(a.roles) if a.roles else "ответственный за безопасность средств ЭП (official)"
    period = f"{utc(a.start)[:10]} – {utc(a.until)[:10] if a.until else '…'}"
    end = f"; ended {utc(a.ended_at)[:10]}: {a.end_reason}" if a.ended_at else ""
    return (f"{a.number:>4}  {a.state(when):<8} {a.name} ({a.position}): {roles}; {period}; "
            f"certificate {a.fingerprint[:16]}…; appointed by {a.appointed_by}{end}")


@click.group()
def register() -> None:
    """The register of signing-key holders: who may sign in which ESKD role, from when to when.

    Kept in the CSDB folder that `[register] folder` in ietm.toml names. Roles: Разработал (razrab),
    Проверил (prov), Т. контр. (tkontr), Н. контр. (nkontr), Утвердил (utv). Where a register is kept,
    signing is refused to a certificate with no current appointment for the role it signs in.
    """


def _appoint_options(f):
    f = click.option("--basis", help="The order or decision appointing them (e.g. «Приказ № 12 от 01.12.2026»).")(f)
    f = click.option("--until", "until", help="Last moment of the appointment (date or UTC time); default open-ended.")(f)
    f = click.option("--from", "start", help="Start of the appointment (date or UTC time); default now.")(f)
    f = click.option("--official", is_flag=True,
                     help="Appoint an official responsible for the security of the signing means (keeps the register) "
                          "instead of a holder.")(f)
    f = click.option("--role", "roles", multiple=True,
                     help="ESKD role the holder signs in (repeatable): Разработал, Проверил, Т. контр., Н. контр., Утвердил.")(f)
    f = click.option("--holder-cert", required=True, type=click.Path(path_type=Path, dir_okay=False),
                     help="The holder's certificate (PEM or DER); the register keeps its SHA-256 fingerprint.")(f)
    f = click.option("--position", required=True, help="Position (должность).")(f)
    f = click.option("--name", required=True, help="Full name (Ф. И. О.).")(f)
    return f


def _appoint(csdb, name, position, holder_cert, roles, official, start, until, basis, key, cert, passphrase_file,
             allow_unencrypted_key, fmt_signature, external, fmt) -> None:
    from ietm.errors import NotFound
    from ietm.sign.keys import load_certificates

    reg, store = _open(csdb)
    if not holder_cert.is_file():
        raise NotFound("no such file", str(holder_cert))
    holder = load_certificates(holder_cert)[0]
    creds = _credentials(key, cert, passphrase_file, allow_unencrypted_key, external, csdb)
    a = reg.appoint(creds, "official" if official else "holder", name, position, list(roles), holder,
                    _when(start, "--from"), _when(until, "--until"), basis, store, audit_log_for(csdb),
                    fmt_signature)
    if fmt == "json":
        json.dump(a.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        click.echo(f"APPOINTED: {_line(a, dt.datetime.now(dt.timezone.utc))}")


@register.command("appoint")
@csdb_argument
@_appoint_options
@key_options
@format_option()
def appoint(**kw) -> None:
    """Appoint a holder of a signing key in one or more ESKD roles (or, with --official, an official).

    The change is signed with --key/--cert: from the first official on, only a current official may change
    the register. Example: ietm register appoint csdb --name "Иванов Иван Иванович" --position "Инженер"
    --role Разработал --holder-cert ivanov.pem --key official.key.pem --cert official.pem
    """
    _appoint(**kw)


@register.command("add")
@csdb_argument
@_appoint_options
@key_options
@format_option()
def add(**kw) -> None:
    """The same as `ietm register appoint`."""
    _appoint(**kw)


def _end(csdb, number, reason, at, key, cert, passphrase_file, allow_unencrypted_key, fmt_signature, external,
         fmt) -> None:
    reg, store = _open(csdb)
    creds = _credentials(key, cert, passphrase_file, allow_unencrypted_key, external, csdb)
    a = reg.end(creds, number, reason, _when(at, "--at"), store, audit_log_for(csdb), fmt_signature)
    if fmt == "json":
        json.dump(a.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        click.echo(f"ENDED: {_line(a, dt.datetime.now(dt.timezone.utc))}")


def _end_options(f):
    f = click.option("--at", help="When the appointment ends (date or UTC time); default now.")(f)
    f = click.option("--reason", required=True, help="Why (dismissed, key compromised, certificate replaced ...).")(f)
    f = click.argument("number", type=int)(f)
    return f


@register.command("end")
@csdb_argument
@_end_options
@key_options
@format_option()
def end(**kw) -> None:
    """End appointment NUMBER (as `ietm register list` shows it); signatures made after it are refused."""
    _end(**kw)


@register.command("revoke")
@csdb_argument
@_end_options
@key_options
@format_option()
def revoke(**kw) -> None:
    """The same as `ietm register end`."""
    _end(**kw)


@register.command("list")
@csdb_argument
@click.option("--all", "show_all", is_flag=True, help="Also appointments that ended, expired or have not begun.")
@format_option()
def list_(csdb: Path, show_all: bool, fmt: str) -> None:
    """The officials and holders of the register (current ones unless --all), after verifying every change."""
    reg, _ = _open(csdb)
    now = dt.datetime.now(dt.timezone.utc)
    shown = [a for a in reg.appointments.values() if show_all or a.state(now) == "current"]
    if fmt == "json":
        json.dump({"register": str(reg.folder), "changes": len(reg.changes), "last_hash": reg.last_hash,
                   "roles": [{"name": r, "en": ROLES_EN[r]} for r in ROLES],
                   "appointments": [a.to_dict(now) for a in shown]}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for a in shown:
        click.echo(_line(a, now))
    click.echo(f"SUCCESS: register: {reg.folder}: {len(reg.changes)} change(s) verified, {len(shown)} appointment(s) "
               f"shown; last hash {reg.last_hash}")


@register.command("show")
@click.argument("number", type=int)
@click.option("--csdb", default=".", type=click.Path(path_type=Path, file_okay=False, exists=True), help="The CSDB; default the current folder.")
@format_option()
def show(number: int, csdb: Path, fmt: str) -> None:
    """One appointment: person, position, roles, certificate, period, who appointed and who ended it."""
    reg, _ = _open(csdb)
    a = reg.get(number)
    d = a.to_dict()
    if fmt == "json":
        json.dump(d, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    c = d["certificate"]
    for label, value in (("appointment", d["number"]), ("kind", d["kind"]), ("name", d["name"]), ("position", d["position"]),
                         ("roles", ", ".join(d["roles"]) or "-"), ("state", d["state"]), ("from", d["from"]),
                         ("until", d["until"] or "-"), ("basis", d["basis"] or "-"),
                         ("certificate", c["sha256"]), ("serial", c["serial"]), ("subject", c["subject"]),
                         ("issuer", c["issuer"]), ("appointed by", f"{d['appointed_by']} on {d['appointed_at']}"),
                         ("ended", f"{d['ended_at']} by {d['ended_by']}: {d['end_reason']}" if d["ended_at"] else "-")):
        click.echo(f"{label:>13}: {value}")
