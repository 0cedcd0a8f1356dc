"""`ietm cert show CERT`: what a certificate says, the fields of the qualified form first."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from ietm.cli import format_option
from ietm.i18n import t, words


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


words({
    "cert_subject": ("subject", "субъект"),
    "cert_issuer": ("issuer", "издатель"),
    "cert_serial": ("serial", "серийный номер"),
    "cert_valid": ("valid", "действителен"),
    "cert_valid_now": ("valid now", "действителен сейчас"),
    "cert_not_valid_now": ("NOT valid now", "сейчас НЕ действителен"),
    "cert_key": ("key", "ключ"),
    "cert_signed_with": ("signed with {algorithm}", "подписан: {algorithm}"),
    "cert_subject_attr": ("subject {label}", "{label} субъекта"),
    "cert_issuer_attr": ("issuer {label}", "{label} издателя"),
    "cert_malformed_value": ("MALFORMED: wrong length or check digits", "ОШИБКА: не та длина или контрольные цифры"),
    "cert_owner": ("owner", "владелец"),
    "cert_owner_natural person": ("natural person", "физическое лицо"),
    "cert_owner_legal entity": ("legal entity", "юридическое лицо"),
    "cert_owner_individual entrepreneur": ("individual entrepreneur", "индивидуальный предприниматель"),
    "cert_none": ("(none)", "(нет)"),
    "cert_class": ("CIPF class", "класс СКЗИ"),
    "cert_key_period": ("private key usage period", "срок действия закрытого ключа"),
    "cert_key_period_unstated": ("(not stated; the certificate's validity applies)",
                                 "(не указан; действует срок сертификата)"),
    "cert_key_usage": ("key usage", "назначение ключа"),
    "cert_identified": ("identified", "личность установлена"),
    "cert_identified_0": ("in person", "при личном присутствии"),
    "cert_identified_1": ("remotely, with a qualified signature", "дистанционно, с квалифицированной ЭП"),
    "cert_identified_2": ("remotely, with a biometric passport", "дистанционно, по биометрическому паспорту"),
    "cert_identified_3": ("remotely, through the unified biometric system",
                          "дистанционно, через Единую биометрическую систему"),
    "cert_extended_key_usage": ("extended key usage", "расширенное назначение ключа"),
    "cert_roles": ("roles (signing policy)", "роли (политика подписи)"),
    "cert_no_roles": ("none", "нет"),
})


def _text(path: Path, d: dict, language: str) -> list[str]:
    """The report of one certificate, labels in `language`; the values (names, numbers, OIDs) as the certificate
    has them."""
    from ietm.sign.qualified import ATTRIBUTES, IDENTIFICATION_KINDS, FormVerdict, check_digits_ok

    def w(key: str, **values: object) -> str:
        return t(key, language, **values)

    head = [w(k) for k in ("cert_subject", "cert_issuer", "cert_serial", "cert_valid", "cert_key", "cert_owner")]
    width = max(map(len, head)) + 1

    def line(label: str, value: str) -> str:
        """`label: value`; the labels of the certificate's own fields (the head) line their values up."""
        return f"  {(label + ':').ljust(width)} {value}" if label in head else f"  {label}: {value}"

    f = d["form"]
    now = w("cert_valid_now") if d["valid_now"] else w("cert_not_valid_now")
    lines = [f"{path}: {d['name']}", line(w("cert_subject"), d["subject"]), line(w("cert_issuer"), d["issuer"]),
             line(w("cert_serial"), d["serial"]),
             line(w("cert_valid"), f"{d['not_before']} .. {d['not_after']} ({now})"),
             line(w("cert_key"), f"{d['key']}; {w('cert_signed_with', algorithm=d['signature_algorithm'])}")]
    for side in ("subject", "issuer"):
        for key, value in f[side].items():
            ok = "" if check_digits_ok(key, value) else f" ({w('cert_malformed_value')})"
            lines.append(line(w(f"cert_{side}_attr", label=ATTRIBUTES[key][1]), f"{value}{ok}"))
    lines.append(line(w("cert_owner"), w(f"cert_owner_{f['owner']}")))
    lines.append(line("subjectSignTool", f["subject_sign_tool"] or w("cert_none")))
    if f["issuer_sign_tool"]:
        for k, v in f["issuer_sign_tool"].items():
            lines.append(line(f"issuerSignTool {k}", v))
    else:
        lines.append(line("issuerSignTool", w("cert_none")))
    lines.append(line(w("cert_class"), ", ".join(f["classes"]) or w("cert_none")))
    period = f["private_key_usage"]
    lines.append(line(w("cert_key_period"), f"{period[0] or '-'} .. {period[1] or '-'}" if period
                      else w("cert_key_period_unstated")))
    lines.append(line(w("cert_key_usage"), ", ".join(f["key_usage"]) or w("cert_none")))
    if f["identification"]:
        kind = next((k for k, v in IDENTIFICATION_KINDS.items() if v == f["identification"]), None)
        lines.append(line(w("cert_identified"), w(f"cert_identified_{kind}") if kind is not None else f["identification"]))
    if d["extended_key_usage"]:
        lines.append(line(w("cert_extended_key_usage"), ", ".join(d["extended_key_usage"])))
    lines.append(line(w("cert_roles"), ", ".join(d["roles"]) or w("cert_no_roles")))
    lines.append(line("SHA-256", d["sha256"]))
    lines.append(f"  {FormVerdict.words(f['missing'], f['malformed'], language)}")
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
    from ietm.i18n import terminal_language
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
    language = terminal_language()
    for p, d in out:
        click.echo("\n".join(_text(p, d, language)))
