"""`ietm cert show CERT`: what a certificate says, the fields of the qualified form first."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from ietm.cli import format_option


@click.group()
def cert() -> None:
    """Certificates of signers: read them as a verifier does."""


def describe(c, policy=None) -> dict:
    """Everything `cert show` reports of one certificate, as a dict (the JSON output)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    from ietm.sign.certs import SIGNATURE_NAMES, key_description, name_text
    from ietm.sign.qualified import read
    from ietm.sign.trust import fingerprint, subject_name

    now = dt.datetime.now(dt.timezone.utc)
    try:
        eku = [u.dotted_string for u in c.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value]
    except x509.ExtensionNotFound:
        eku = []
    form = read(c)
    return {
        "name": subject_name(c),
        "subject": name_text(c.subject),
        "issuer": name_text(c.issuer),
        "serial": f"{c.serial_number:x}",
        "not_before": c.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "not_after": c.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "valid_now": c.not_valid_before_utc <= now <= c.not_valid_after_utc,
        "key": key_description(c),
        "signature_algorithm": SIGNATURE_NAMES.get(c.signature_algorithm_oid.dotted_string,
                                                   c.signature_algorithm_oid.dotted_string),
        "extended_key_usage": eku,
        "roles": policy.roles_of(c) if policy is not None else [],
        "sha256": fingerprint(c),
        "sha1": c.fingerprint(hashes.SHA1()).hex(),  # noqa: S303 - the thumbprint CIPF tools list certificates by
        "form": form.to_dict(),
    }


def _text(path: Path, d: dict) -> list[str]:
    from ietm.sign.qualified import ATTRIBUTES, check_digits_ok

    f = d["form"]
    lines = [f"{path}: {d['name']}", f"  subject: {d['subject']}", f"  issuer:  {d['issuer']}",
             f"  serial:  {d['serial']}",
             f"  valid:   {d['not_before']} .. {d['not_after']} ({'valid now' if d['valid_now'] else 'NOT valid now'})",
             f"  key:     {d['key']}; signed with {d['signature_algorithm']}"]
    for side in ("subject", "issuer"):
        for key, value in f[side].items():
            ok = "" if check_digits_ok(key, value) else " (MALFORMED: wrong length or check digits)"
            lines.append(f"  {side} {ATTRIBUTES[key][1]}: {value}{ok}")
    lines.append(f"  owner:   {f['owner']}")
    lines.append(f"  subjectSignTool: {f['subject_sign_tool'] or '(none)'}")
    if f["issuer_sign_tool"]:
        for k, v in f["issuer_sign_tool"].items():
            lines.append(f"  issuerSignTool {k}: {v}")
    else:
        lines.append("  issuerSignTool: (none)")
    lines.append(f"  CIPF class: {', '.join(f['classes']) or '(none)'}")
    period = f["private_key_usage"]
    lines.append(f"  private key usage period: {period[0] or '-'} .. {period[1] or '-'}" if period
                 else "  private key usage period: (not stated; the certificate's validity applies)")
    lines.append(f"  key usage: {', '.join(f['key_usage']) or '(none)'}")
    if f["identification"]:
        lines.append(f"  identified: {f['identification']}")
    if d["extended_key_usage"]:
        lines.append(f"  extended key usage: {', '.join(d['extended_key_usage'])}")
    lines.append(f"  roles (signing policy): {', '.join(d['roles']) or 'none'}")
    lines.append(f"  SHA-256: {d['sha256']}")
    lines.append(f"  {f['verdict']}")
    return lines


@cert.command("show")
@click.argument("certs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--policy", type=click.Path(path_type=Path), help="Signing policy whose roles to report; default signing/policy.toml.")
@format_option()
def show(certs, policy, fmt) -> None:
    """Report a certificate (PEM or DER; a chain file: every certificate in it): subject and issuer with the
    qualified form's ОГРН, ОГРНИП, ИНН, ИНН ЮЛ and СНИЛС (check digits checked), the signing tools of subject
    and issuer, CIPF class, private key usage period, key usage, the policy's roles, and whether it has the
    qualified form (FSB order No. 795) or what it lacks."""
    from ietm.errors import NotFound
    from ietm.paths import SIGNING
    from ietm.sign.keys import load_certificates
    from ietm.sign.trust import Policy

    rules = Policy.read(policy or SIGNING / "policy.toml")
    out = []
    for path in certs:
        if not path.is_file():
            raise NotFound("no such file", str(path))
        out += [(path, describe(c, rules)) for c in load_certificates(path)]
    if fmt == "json":
        json.dump([{"path": str(p), **d} for p, d in out], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for p, d in out:
        click.echo("\n".join(_text(p, d)))
