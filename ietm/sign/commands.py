"""`ietm pki`, `ietm sign`, `ietm release`, `ietm verify` and `ietm audit`: signatures as commands.

Every signing and every failed verification is appended to the audit log. Passphrases come from
--passphrase-file, IETM_PASSPHRASE or a prompt and never appear in output or in the log.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ietm.catalog.servers import refresh_for_servers
from ietm.check.commands import schema_options
from ietm.check.integrity_commands import brex_options
from ietm.cli import format_option
from ietm.config import load_config
from ietm.errors import IetmError, NotFound, Refused
from ietm.sign.gost import PARAMSETS as GOST_PARAMSETS
from ietm.sign.trust import EXIT_CODES, STATUSES

if TYPE_CHECKING:
    from ietm.sign.audit import AuditLog

VERIFY_EXIT_HELP = ("Exit codes: 0 valid; 10 invalid (a signed file or the signature changed); 11 untrusted "
                    "signer; 12 certificate expired or not yet valid; 13 revoked; 14 signer's role not allowed "
                    "by the policy; 15 not signed; 16 no appointment in the register for the role; 17 an "
                    "illustration or ICN entity declaration changed; 18 wrong certificate; 19 key used outside its "
                    "private key usage period; 20 certificate not of the qualified form (or CIPF class) the policy "
                    "requires. With several paths, the worst outcome decides.")


def trust_options(f):
    f = click.option("--policy", type=click.Path(path_type=Path), help="Signing policy (TOML); default signing/policy.toml.")(f)
    f = click.option("--crl", "crls", multiple=True, type=click.Path(path_type=Path),
                     help="Certificate revocation list (PEM or DER) to honour (repeatable).")(f)
    f = click.option("--trust", multiple=True, type=click.Path(path_type=Path),
                     help="Trusted CA or signer certificate, or a folder of them (repeatable); default signing/trust/.")(f)
    f = click.option("--audit-log", type=click.Path(path_type=Path), envvar="IETM_AUDIT_LOG",
                     help="Audit log file of its own to write; default the audit log in the server database of the CSDB.")(f)
    return f


def key_options(f):
    f = click.option("--external", is_flag=True,
                     help="Sign with the external signer of [sign] external in ietm.toml (a CIPF's command line, e.g. "
                          "CryptoPro's cryptcp) instead of --key; --cert names the signer's certificate.")(f)
    f = click.option("--signature", "fmt_signature", type=click.Choice(["cades", "xml"]),
                     help="Signature format: cades (OBJECT.sig, CAdES-BES, DER) or xml (OBJECT.xsig, XML Signature); "
                          "default cades for GOST keys, xml for the others.")(f)
    f = click.option("--allow-unencrypted-key", is_flag=True, help="Use a private key that has no passphrase (not advised).")(f)
    f = click.option("--passphrase-file", type=click.Path(path_type=Path),
                     help="File whose first line is the key's passphrase (else IETM_PASSPHRASE, else a prompt).")(f)
    f = click.option("--cert", required=True, type=click.Path(path_type=Path), help="Signer's certificate (PEM/DER), chain may follow.")(f)
    f = click.option("--key", type=click.Path(path_type=Path),
                     help="Signer's private key (PEM or PKCS#12); not with --external.")(f)
    return f


def audit_log_for(start: Path, explicit: Path | None = None) -> "AuditLog":
    """Where a command on `start` records: the file it was told (--audit-log), else the audit log in the server
    database of the CSDB (`start` itself when a folder, else the folder of its ietm.toml or its own folder),
    the one the server of that CSDB writes and shows."""
    from ietm.config import load_config
    from ietm.paths import state_dir
    from ietm.serverdb import database_url
    from ietm.sign.audit import DatabaseLog, FileLog, legacy_file

    if explicit:
        return FileLog(explicit)
    config = load_config(start)
    csdb = start if start.is_dir() else (config.source.parent if config.source else start.parent)
    return DatabaseLog(database_url(config, state_dir(csdb)), legacy_file(start))


def _credentials(key: Path | None, cert: Path, passphrase_file: Path | None, allow_unencrypted: bool,
                 external: bool = False, start: Path | None = None):
    from ietm.sign.detached import Credentials
    from ietm.sign.keys import load_certificates, load_private_key, needs_passphrase, read_passphrase

    if external == (key is not None):
        raise click.UsageError("give either --key (the signer's private key) or --external (the configured external "
                               "signer)")
    if external:
        from ietm.sign.external import ExternalSigner

        return ExternalSigner.configured(load_config(start).get("sign.external") or "", load_certificates(cert),
                                         str(cert))
    passphrase = read_passphrase(passphrase_file) if needs_passphrase(key) else None
    private, bundled = load_private_key(key, passphrase, allow_unencrypted)
    return Credentials.of(private, [*load_certificates(cert), *bundled], str(cert))


def _gate(csdb: Path, schema_args: tuple, brex_args: tuple, skip: tuple[str, ...]):
    """`ietm check` over the whole set, as that command runs it."""
    from ietm.check.brex import DEFAULT_NONFAILING
    from ietm.check.gate import run_gate, standard_steps
    from ietm.check.integrity_commands import default_brex_paths

    explicit, search, default_brex, no_values = brex_args
    config = load_config(csdb)
    defaults = default_brex_paths(csdb, default_brex)
    args = {"search": search, "defaults": defaults, "explicit": explicit, "values": not no_values,
            "nonfailing": config.get("brex.nonfailing") or DEFAULT_NONFAILING}
    return run_gate(csdb, standard_steps(csdb, schema_args, args, defaults, config.get("check.jobs"), skip))


@click.group()
def pki() -> None:
    """Keys and certificates for trying ietm's signatures out."""


@pki.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--gost", is_flag=True,
              help="GOST R 34.10-2012: a demonstration CA (not accredited) and holders whose certificates have the "
                   "qualified form with test values (writer, checker, tcontrol, ncontrol, qa, head).")
@click.option("--paramset", type=click.Choice(sorted(GOST_PARAMSETS)), default="256-B", show_default=True,
              help="With --gost: TC26 parameter set of the holders' keys (256-A...D, 512-A...C); the CA is 512-A.")
@click.option("--algorithm", type=click.Choice(["ecdsa-p256", "rsa-pss"]), default="ecdsa-p256", show_default=True,
              help="Without --gost: key type of the signers (the CA always uses ECDSA P-256).")
@click.option("--csdb", type=click.Path(path_type=Path),
              help="Trust the new CA in this CSDB (its ietm.toml [sign] trust and crl, made if missing) and, with "
                   "--gost, appoint the demonstration holders in its register of signing-key holders, where it keeps "
                   "one (see --register).")
@click.option("--register", "keep_register", is_flag=True,
              help="With --gost and --csdb: keep a register of signing-key holders in the CSDB ([register] folder = "
                   "\"register\" in its ietm.toml, unless it names one already) and appoint the holders in it.")
@click.option("--passphrase-file", type=click.Path(path_type=Path), help="File whose first line encrypts the keys.")
def pki_init(folder: Path, gost: bool, paramset: str, algorithm: str, csdb: Path | None, keep_register: bool,
             passphrase_file: Path | None) -> None:
    """Make a demonstration CA, signers (encrypted keys) and an empty CRL in FOLDER.

    Without --gost: a QA signer and a writer (ECDSA). With --gost: GOST R 34.10-2012 holders for each ESKD
    signing role. The QA certificate carries ietm's QA role, the writer's the writer role. The CA is trusted
    nowhere until you say so: give --csdb CSDB (or add FOLDER/ca.pem to [sign] trust in ietm.toml, or pass
    --trust FOLDER/ca.pem). With --gost --csdb CSDB --register the CSDB keeps a register of signing-key holders
    and the holders are appointed in it by the head of the demonstration organisation (its official). Never
    commit a *.key.pem file.
    """
    from ietm.sign.keys import read_passphrase

    if keep_register and (not gost or csdb is None):
        raise click.UsageError("--register appoints the GOST demonstration holders in a CSDB: give --gost and --csdb")
    if csdb is not None and not csdb.is_dir():
        raise NotFound("no such folder: give the CSDB folder the demo CA is to be trusted in", str(csdb))
    passphrase = read_passphrase(passphrase_file, confirm=True)
    if gost:
        from ietm.sign.gostpki import init_demo as init_gost

        made = init_gost(folder, passphrase or b"", paramset)
    else:
        from ietm.sign.pki import init_demo

        made = init_demo(folder, passphrase or b"", algorithm)
    for p in made.written:  # stdout: the files, one a line; what it means goes to stderr
        click.echo(str(p))
    if gost:
        click.echo(f"NOTE: {folder / 'ca.pem'} is a demonstration CA, NOT an accredited one: its certificates have the "
                   "qualified form with test values (ОГРН, ИНН, СНИЛС of region 00) and carry no legal force.", err=True)
    if csdb is None:
        click.echo(f"To trust this CA in a CSDB: run again with --csdb CSDB on a new folder, or add to CSDB/ietm.toml:\n"
                   f"  [sign]\n  trust = [\"{(folder / 'ca.pem').resolve()}\"]\n  crl = [\"{(folder / 'crl.pem').resolve()}\"]", err=True)
        return
    from ietm.sign.pki import trust_in_csdb

    config, added = trust_in_csdb(csdb, folder / "ca.pem", folder / "crl.pem")
    if added:
        click.echo(f"TRUSTED: {config}: " + "; ".join(added) + " (this list replaces the project's signing/trust/ for "
                   "this CSDB)", err=True)
    else:
        click.echo(f"TRUSTED: {config} already trusts {folder / 'ca.pem'}", err=True)
    if keep_register:
        from ietm.sign.pki import keep_register as keep

        config, added = keep(csdb)
        click.echo(f"REGISTER: {config}: " + ("; ".join(added) if added else "keeps a register already")
                   + " (the register of signing-key holders of this CSDB)", err=True)
    if gost:
        _appoint_demo_holders(csdb, folder, passphrase or b"")


def _appoint_demo_holders(csdb: Path, folder: Path, passphrase: bytes) -> None:
    """Appoint the demonstration holders in the CSDB's register of signing-key holders, when it keeps one."""
    from ietm.sign.register import appoint_demo, kept

    if kept(csdb) is None:
        click.echo(f"NOTE: {csdb} keeps no register of signing-key holders ([register] folder in ietm.toml), so no "
                   "holder was appointed; give --register to keep one", err=True)
        return
    from ietm.sign.detached import Credentials
    from ietm.sign.gostpki import HEAD, PEOPLE
    from ietm.sign.keys import load_certificates, load_private_key

    head_key, _ = load_private_key(folder / f"{HEAD.stem}.key.pem", passphrase)
    head = Credentials.of(head_key, load_certificates(folder / f"{HEAD.stem}.pem"), str(folder / f"{HEAD.stem}.pem"))
    holders = [(p.full_name, p.position, [p.eskd_role], load_certificates(folder / f"{p.stem}.pem")[0]) for p in PEOPLE]
    made = appoint_demo(csdb, head, holders)
    click.echo(f"APPOINTED: {len(made)} entries in the register of signing-key holders of {csdb} "
               f"(appointed by {HEAD.full_name}, {HEAD.position})", err=True)


@click.command()
@click.argument("objects", nargs=-1, required=True, type=click.Path(path_type=Path))
@key_options
@click.option("--verification", type=click.Choice(["first", "second"]),
              help="QA status to set before signing; omit to keep a verified module's status as it is.")
@click.option("--type", "vtype", type=click.Choice(["tabtop", "onobject", "ttandoo"]), default="tabtop", show_default=True,
              help="How it was verified: desk check (tabtop), on the object, or both (ttandoo).")
@click.option("--role", help="Where a signing register is kept: the ESKD role signed in (Разработал, Проверил, Т. контр., "
                             "Н. контр., Утвердил); default the next step of the object's approval route.")
@trust_options
@schema_options
@brex_options
@format_option()
def sign(objects, key, cert, passphrase_file, allow_unencrypted_key, fmt_signature, external, verification, vtype,
         role, audit_log, trust, crls, policy, schema_dirs, catalogs, profile, explicit, search, default_brex, no_values,
         fmt) -> None:
    """Approve objects: set their QA status and write a detached signature beside each: OBJECT.sig
    (CAdES-BES) or OBJECT.xsig (XML Signature), see --signature.

    The signature covers the object's exact bytes (DOCTYPE and ICN declarations included) and states the
    digest of each illustration the object declares.
    Refused: in-work issues, objects failing schema validation or their BREX, signers the trust store or policy would
    reject; a refusal of any object stops the run before anything is written. Each object and its
    signature are written together; if writing fails, the object stays as it was.
    """
    from ietm.sign import audit
    from ietm.sign.checks import CheckSpec, examine_many
    from ietm.sign.detached import sign_examined
    from ietm.sign.verify import load_store

    for o in objects:
        if not o.is_file():
            raise NotFound("no such file", str(o))
    start = objects[0].parent
    log = audit_log_for(start, audit_log)
    store = load_store(start, trust, crls, policy)
    creds = _credentials(key, cert, passphrase_file, allow_unencrypted_key, external, start)
    signer = creds.cert.subject.rfc4514_string()
    spec = CheckSpec(tuple(dict.fromkeys(o.parent for o in objects)), (schema_dirs, catalogs, profile),
                     (explicit, search, default_brex, no_values))
    from ietm.sign import route

    routed = route.load(start, store)
    if routed is not None:  # a register is kept: each signature is the next step of the object's approval route
        if verification:
            raise click.UsageError("--verification: where a signing register is kept, the approval route sets the QA status")
        steps = route.sign_objects(list(objects), creds, store, *routed, role, vtype, spec.build(), log, fmt_signature)
        refresh_for_servers(objects)  # the new QA status, on the running servers' next request
        route.report(steps, fmt)
        return
    if role:
        raise click.UsageError("--role: no signing register is kept here ([register] folder in ietm.toml)")
    try:  # every refusal comes before the first write: either every object is signed or none
        examined = examine_many(list(objects), verification, vtype if verification else None, spec,
                                load_config(start).get("check.jobs"))
        prepared = [sign_examined(e, creds, store, fmt_signature) for e in examined]
    except IetmError as exc:
        audit.append(log, "sign-refused", path=exc.path or str(objects[0]), signer=signer, reason=exc.message)
        raise
    results = []
    for done in prepared:
        done.write()
        audit.append(log, "sign", path=str(done.path), signature=str(done.signature), object=done.obj.key,
                     issue=done.obj.issue, language=done.obj.language, qa=done.obj.qa, qa_type=done.obj.qa_type,
                     sha256=done.sha256, signer=signer,
                     algorithm=creds.algorithm.name if creds.algorithm else "external")
        results.append({"path": str(done.path), "signature": str(done.signature), "object": done.obj.key,
                        "issue": done.obj.issue, "qa": done.obj.qa, "sha256": done.sha256})
        if fmt == "text":
            click.echo(f"SIGNED: {done.path} -> {done.signature.name} ({done.obj.qa} verification, {done.obj.qa_type})")
    refresh_for_servers(objects)  # the new QA status, on the running servers' next request
    if fmt == "json":
        json.dump({"signed": results}, sys.stdout, indent=2)
        sys.stdout.write("\n")


@click.command()
@click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path))
@key_options
@click.option("--name", help="Name of the release, recorded in the manifest; default the CSDB folder's name.")
@trust_options
@schema_options
@brex_options
@click.option("--skip", multiple=True, type=click.Choice(["schema", "brex", "refs", "applic"]),
              help="Leave a check of the gate out (repeatable); the manifest does not record it, so say why elsewhere.")
@format_option()
def release(csdb, key, cert, passphrase_file, allow_unencrypted_key, fmt_signature, external, name, audit_log, trust, crls,
            policy, schema_dirs, catalogs, profile, explicit, search, default_brex, no_values, skip, fmt) -> None:
    """Write and sign the release manifest CSDB/release.manifest (+ release.manifest.sig or .xsig); or, given
    a bundle written by `ietm publish`, sign its manifest.json (+ manifest.json.sig or .xsig) as it stands.

    The manifest lists every object (identity, issue, language, QA status, SHA-256) and every ICN of
    the set. Refused when an object is in work, when `ietm check` (schema, BREX, references,
    applicability) finds an error, or when the signer's role may not approve releases.
    """
    from ietm.sign import audit
    from ietm.sign.manifest import BUNDLE_MANIFEST, MANIFEST_NAME, build, collect
    from ietm.sign.verify import load_store

    if not csdb.is_dir():
        raise NotFound("no such folder", str(csdb))
    log = audit_log_for(csdb, audit_log)
    store = load_store(csdb, trust, crls, policy)
    creds = _credentials(key, cert, passphrase_file, allow_unencrypted_key, external, csdb)
    if (csdb / BUNDLE_MANIFEST).is_file():
        _release_bundle(csdb / BUNDLE_MANIFEST, creds, store, log, fmt, fmt_signature)
        return
    target = csdb / MANIFEST_NAME
    from ietm.sign import route

    routed = route.load(csdb, store)  # a register is kept: the release is step 1 of its approval route
    try:
        if routed is None:
            creds.approve_check(store, "release", str(target))
        entries, in_work = collect(csdb)
        if in_work:
            raise Refused(f"{len(in_work)} object(s) in work cannot be released: {', '.join(in_work[:5])}", str(csdb))
        gate = _gate(csdb, (schema_dirs, catalogs, profile), (explicit, search, default_brex, no_values), tuple(skip))
        if not gate.ok:
            failed = {n: r for n, r in gate.reports.items() if not r.ok}
            first = next(f for r in failed.values() for f in r.findings if f.severity == "error")
            counts = ", ".join(f"{n} {r.counts['error']}" for n, r in failed.items())
            raise Refused(f"`ietm check` finds errors ({counts}); first: {first.text()}", str(csdb))
        data = build(entries, name or csdb.resolve().name)
        if routed is not None:
            done = route.prepare(*routed, target, "release", creds, store, None, manifest=data, new_manifest=True,
                                 fmt=fmt_signature)
            route.write(done)
            sig = done.signature
        else:
            sig = _sign_release(target, data, name or csdb.resolve().name, creds, fmt_signature, write_manifest=True)
    except IetmError as exc:
        audit.append(log, "release-refused", path=str(csdb), signer=creds.cert.subject.rfc4514_string(), reason=exc.message)
        raise
    import hashlib

    objects = sum(1 for e in entries if e.kind != "icn")
    audit.append(log, "release", path=str(target), objects=objects, icns=len(entries) - objects,
                 sha256=hashlib.sha256(data).hexdigest(), signer=creds.cert.subject.rfc4514_string(),
                 signature=sig.name)
    if fmt == "json":
        json.dump({"manifest": str(target), "signature": str(sig), "objects": objects,
                   "icns": len(entries) - objects}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        click.echo(f"RELEASED: {target} ({objects} object(s), {len(entries) - objects} ICN(s)), signed in {sig.name}")


def _sign_release(target: Path, data: bytes, name: str, creds, fmt_signature: str | None, write_manifest: bool) -> Path:
    """Sign a manifest's bytes in the chosen format; write the signature (and the manifest) together and
    remove a signature of the other format left from an earlier release. Returns the signature's path."""
    import hashlib

    from ietm.sign.detached import write_together
    from ietm.sign.formats import SUFFIXES, sign_bytes

    suffix, signature = sign_bytes(creds, target.name, data, {
        "kind": "release", "object": name, "file": target.name, "sha256": hashlib.sha256(data).hexdigest(),
        "signer": creds.cert.subject.rfc4514_string()}, fmt_signature)
    sig = target.with_name(target.name + suffix)
    write_together([(target, data if write_manifest else None), (sig, signature)])
    for other in SUFFIXES:
        if other != suffix:
            target.with_name(target.name + other).unlink(missing_ok=True)
    return sig


def _release_bundle(manifest: Path, creds, store, log, fmt: str, fmt_signature: str | None) -> None:
    """Sign a published bundle's manifest.json, after checking that every file still matches it."""
    import hashlib

    from ietm.sign import audit
    from ietm.sign.manifest import parse_bundle
    from ietm.sign.verify import compare

    signer = creds.cert.subject.rfc4514_string()
    try:
        creds.approve_check(store, "release", str(manifest))
        data = manifest.read_bytes()
        entries = parse_bundle(data, str(manifest))
        changed, missing, extra = compare(manifest.parent, entries, manifest.name)
        if changed or missing or extra:
            what = [*(f"{p} changed" for p in changed), *(f"{p} missing" for p in missing), *(f"{p} not listed" for p in extra)]
            raise Refused(f"the bundle no longer matches its manifest ({len(what)}: {', '.join(what[:5])}); publish it again",
                          str(manifest))
        sig = _sign_release(manifest, data, manifest.parent.resolve().name, creds, fmt_signature, write_manifest=False)
    except IetmError as exc:
        audit.append(log, "release-refused", path=str(manifest), signer=signer, reason=exc.message)
        raise
    audit.append(log, "release", path=str(manifest), files=len(entries), sha256=hashlib.sha256(data).hexdigest(),
                 signer=signer)
    if fmt == "json":
        json.dump({"manifest": str(manifest), "signature": str(sig), "files": len(entries)}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        click.echo(f"RELEASED: {manifest} ({len(entries)} file(s) of the bundle), signed in {sig.name}")


@pki.command("revoke")
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("certs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--passphrase-file", type=click.Path(path_type=Path), help="File whose first line opens the CA's key.")
@format_option()
def pki_revoke(folder: Path, certs: tuple[Path, ...], passphrase_file: Path | None, fmt: str) -> None:
    """Revoke certificates (CERTS, files) of the demonstration PKI in FOLDER, ECDSA or GOST as `ietm pki init`
    made it: its CA signs a new FOLDER/crl.pem that lists them beside every certificate it revoked before.

    Every CSDB whose [sign] crl names that file (`ietm pki init --csdb` adds it) then refuses what they sign,
    and `ietm verify` reports their signatures revoked (exit code 13), those made before the revocation too.
    """
    from ietm.sign.keys import read_passphrase
    from ietm.sign.pki import revoke
    from ietm.sign.trust import subject_name

    done = revoke(folder, list(certs), read_passphrase(passphrase_file))
    if fmt == "json":
        click.echo(json.dumps({"crl": str(done.crl), "total": done.total,
                               "revoked": [{"subject": subject_name(c), "serial": f"{c.serial_number:x}"} for c in done.revoked],
                               "already": [{"subject": subject_name(c), "serial": f"{c.serial_number:x}"} for c in done.already]},
                              ensure_ascii=False, indent=2))
        return
    for c in done.revoked:
        click.echo(f"REVOKED: {subject_name(c)} (serial {c.serial_number:x})")
    for c in done.already:
        click.echo(f"ALREADY REVOKED: {subject_name(c)} (serial {c.serial_number:x})")
    if done.revoked:
        click.echo(f"CRL: {done.crl} re-issued by the demo CA: {done.total} certificate(s) revoked", err=True)


@click.command(epilog=VERIFY_EXIT_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@trust_options
@format_option()
def verify(paths, audit_log, trust, crls, policy, fmt) -> None:
    """Check signatures: of objects (OBJECT.xsig), of a release manifest and every file it lists,
    or of a folder (every release.manifest in it, else each object in it).

    Each result is one of: valid, invalid (names what changed), untrusted, expired (or not yet valid),
    revoked (with --crl), role (the policy does not let the signer approve it), unsigned; where a signing
    register is kept, appointment (the signer held no appointment for the role when signing), and the
    register, not the policy, decides who may sign.
    """
    from ietm.sign import audit
    from ietm.sign.verify import load_store, verify_path

    for p in paths:
        if not p.exists():
            raise NotFound("no such file or folder", str(p))
    start = paths[0] if paths[0].is_dir() else paths[0].parent
    store = load_store(start, trust, crls, policy)
    log = audit_log_for(start, audit_log)
    outcomes = [o for p in paths for o in verify_path(p, store)]
    if not outcomes:
        raise NotFound("nothing to verify: no release.manifest and no S1000D object here", str(paths[0]))
    from ietm.sign import route

    route.judge_all(outcomes, start, store)
    for o in outcomes:
        if not o.valid:
            audit.append(log, "verify-failed", path=o.path, status=o.status, reason=o.reason, signer=o.signer,
                         changed=o.changed)
    worst = min((STATUSES.index(o.status) for o in outcomes), default=STATUSES.index("valid"))
    if fmt == "json":
        json.dump({"ok": all(o.valid for o in outcomes), "status": STATUSES[worst],
                   "results": [o.to_dict() for o in outcomes]}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from ietm.i18n import localise, terminal_language

        language = terminal_language()
        for o in outcomes:
            click.echo(f"{o.status.upper()}: {o.path}: {localise(o.reason, language)}")
        bad = sum(1 for o in outcomes if not o.valid)
        click.echo(f"{'SUCCESS' if not bad else 'FAILED'}: verify: {len(outcomes)} checked, {bad} not valid")
    code = EXIT_CODES[STATUSES[worst]]
    if code:
        click.get_current_context().exit(code)


@click.group()
def audit() -> None:
    """The audit log of signings and failed verifications."""


@audit.command("verify")
@click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--audit-log", type=click.Path(path_type=Path), envvar="IETM_AUDIT_LOG", help="Audit log file to check instead of the server database's.")
@format_option()
def audit_verify(csdb: Path, audit_log: Path | None, fmt: str) -> None:
    """Check that no entry of the audit log was changed, removed, inserted or reordered.

    Prints the number of entries and the last hash: keep that hash elsewhere to detect a log cut short.
    Exit 1 when the chain is broken.
    """
    log = audit_log_for(csdb, audit_log)
    if not log.exists():
        raise NotFound("no audit log here", log.where)
    report = log.verify()
    if fmt == "json":
        json.dump({"log": log.where, "ok": report.ok, "entries": report.entries, "last_hash": report.last_hash,
                   "problem": report.problem, "line": report.line}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif report.ok:
        click.echo(f"SUCCESS: audit: {log.where}: {report.entries} entries, chain intact; last hash {report.last_hash}")
    else:
        click.echo(f"FAILED: audit: {log.at(report.line)}: {report.problem} ({report.entries} entries intact before it)")
    if not report.ok:
        click.get_current_context().exit(1)
