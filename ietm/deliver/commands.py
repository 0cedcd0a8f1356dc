"""`ietm deliver`, `ietm verify-delivery`, `ietm apply-update` and `ietm deliveries`: deliveries as commands."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from ietm.cli import format_option
from ietm.errors import IetmError, NotFound
from ietm.i18n import message, words
from ietm.sign.commands import _credentials, audit_log_for, key_options, trust_options

VERIFY_EXIT_HELP = ("Exit codes: 0 complete; 21 incomplete (files, or modules the DML requires, are missing); "
                    "22 tampered (a file changed or was added, or the record is unsigned, altered or signed by no one "
                    "trusted); 3 the record cannot be read; 5 no such folder or no delivery record in it.")


words({
    "deliveries_no_folder": ("no such CSDB folder", "нет такой папки базы данных (CSDB)"),
    "deliveries_not_csdb": ("not a CSDB (no data module, publication module or DML in it), so no register of "
                            "deliveries: give the CSDB's folder",
                            "это не база данных CSDB (в папке нет ни модулей данных, ни публикаций, ни DML), "
                            "значит, и реестра поставок нет: укажите папку базы данных"),
})


def _csdb(path: Path) -> Path:
    """The CSDB a command's register of deliveries belongs to; any other folder is refused before a register
    (a server database) is made in it."""
    from ietm.catalog.db import holds_objects

    if not path.is_dir():
        raise NotFound(message("deliveries_no_folder"), str(path))
    if not holds_objects(path):
        raise NotFound(message("deliveries_not_csdb"), str(path))
    return path


def _db(csdb: Path):
    from ietm.serverdb import server_database

    return server_database(csdb)


@click.command()
@click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--customer", required=True, help="The customer's name, as the register of deliveries keeps it.")
@click.option("-p", "--product", "products", multiple=True, required=True, metavar="ID",
              help="A product instance of the PCT the customer holds (repeatable; `ietm applic --products` lists them).")
@click.option("-o", "--out", required=True, type=click.Path(path_type=Path),
              help="New folder for the delivery; with --update, the update package file (.zip).")
@click.option("--update", is_flag=True, help="Make an update package over the delivery of these products the customer "
              "holds: only the files that changed, and the files to delete.")
@click.option("--lang", type=click.Choice(["en", "ru"]), help="Interface language of the bundle; default serve.language.")
@key_options
@trust_options
@click.option("-j", "--jobs", type=int, default=0, show_default=True, help="Worker processes; 0 means one per core.")
@format_option()
def deliver(csdb, customer, products, out, update, lang, key, cert, passphrase_file, allow_unencrypted_key,
            fmt_signature, external, audit_log, trust, crls, policy, jobs, fmt) -> None:
    """Deliver the CSDB's signed release to a customer: the publication instanced for exactly their products
    (content that applies to none of them left out), published as `ietm publish` does, signed, with the
    delivery record delivery.json (customer, products, release, date, every file with its SHA-256), signed
    beside it; entered in the register of deliveries (`ietm deliveries`).

    Only a release QA signed (`ietm release`) is delivered, and only while the CSDB still matches it. The
    signer's role must be allowed to approve deliveries and releases ([approve] delivery and release of the
    signing policy).
    """
    from ietm.deliver import build as builder, register
    from ietm.deliver.update import package
    from ietm.sign import audit
    from ietm.sign.verify import load_store

    _csdb(csdb)
    store = load_store(csdb, trust, crls, policy)
    creds = _credentials(key, cert, passphrase_file, allow_unencrypted_key, external, csdb)
    log = audit_log_for(csdb, audit_log)
    db = _db(csdb)
    base = None
    if update:
        from ietm.applic import Applicability

        ids = [p.id for p in builder.products_of(Applicability.for_csdb(csdb), list(products))]
        base = register.latest_for(db, " ".join(customer.split()), ids)
        work_out = out.with_name(out.name + ".bundle")
    else:
        work_out = out
    try:
        built = builder.build(csdb, customer, list(products), work_out, creds, store, fmt_signature, lang, jobs,
                              fmt == "text", {"id": base["id"], "bundle": base["bundle_release"],
                                              "release": base["release_name"]} if base else None)
    except IetmError as exc:
        audit.append(log, "delivery-refused", path=str(csdb), customer=customer, reason=exc.message,
                     signer=creds.cert.subject.rfc4514_string())
        raise
    record = built.record
    try:
        if update:
            upd = package(built, base, out, creds, fmt_signature)
            built.discard()
        else:
            builder.place(built, out)
        register.record_delivery(db, record, str(out.resolve()), built.token, "update" if update else "delivery")
    except BaseException:
        built.discard()
        raise
    audit.append(log, "update" if update else "delivery", id=record["id"], customer=record["customer"],
                 products=[p["id"] for p in record["products"]], release=record["release"]["name"], path=str(out),
                 signer=creds.cert.subject.rfc4514_string())
    missing = [r for r in record["required"] if not r["delivered"]]
    if fmt == "json":
        out_data = {"id": record["id"], "kind": "update" if update else "delivery", "customer": record["customer"],
                    "products": [p["id"] for p in record["products"]], "release": record["release"],
                    "out": str(out), "files": len(record["files"]), "objects": len(record["objects"]),
                    "leftOut": record["leftOut"], "requiredMissing": missing}
        if update:
            out_data.update(base=base["id"], carried=len(upd["files"]), deleted=upd["deleted"])
        click.echo(json.dumps(out_data, ensure_ascii=False, indent=2))
        return
    for r in missing:
        click.echo(f"WARNING: {r['key']} ({r['language']}): the DML requires it for these products, the release "
                   "does not hold it; the customer's check will report the delivery incomplete", err=True)
    names = ", ".join(p["id"] for p in record["products"])
    if update:
        click.echo(f"UPDATE: {record['id']} for {record['customer']} ({names}) over {base['id']}: release "
                   f"{record['release']['name']}, {len(upd['files'])} file(s) carried, {len(upd['deleted'])} to "
                   f"delete; written to {out}")
    else:
        click.echo(f"DELIVERED: {record['id']} to {record['customer']} ({names}): release {record['release']['name']}, "
                   f"{len(record['objects'])} object(s), {len(record['leftOut'])} left out as not applicable, "
                   f"{len(record['files'])} file(s); written to {out}")


def _print_checked(checked, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(checked.to_dict(), ensure_ascii=False, indent=2))
        return
    r = checked.record or {}
    sig = checked.signature
    click.echo(f"{r.get('kind', 'delivery')} {r.get('id', '?')} for {r.get('customer', '?')} "
               f"({', '.join(p.get('id', '?') for p in r.get('products', []))}), release "
               f"{(r.get('release') or {}).get('name', '?')}, {r.get('date', '?')}")
    click.echo(f"signature: {sig['status']}: {sig['reason']}")
    if checked.trust == "embedded":
        click.echo("NOTE: no trust store configured: checked with the certificates the delivery itself carries, which "
                   "guards against accidental change, not against a delivery rewritten whole (give --trust)")
    for f in checked.findings:
        click.echo(f"{f.state.upper()}: {f.path}" + (f": {f.detail}" if f.detail else ""))
    counts = ", ".join(f"{checked.count(s)} {s}" for s in ("missing", "extra", "changed", "unsigned"))
    click.echo(f"{checked.verdict.upper()}: {checked.files} file(s) in the record; {counts}")


@click.command("verify-delivery", epilog=VERIFY_EXIT_HELP)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--receipt", type=click.Path(path_type=Path),
              help="Write a receipt acknowledgement (JSON) to send back to the supplier (`ietm deliveries receipt`).")
@click.option("--key", type=click.Path(path_type=Path), help="Sign the receipt with this private key (the customer's).")
@click.option("--cert", type=click.Path(path_type=Path), help="The certificate of --key.")
@click.option("--passphrase-file", type=click.Path(path_type=Path), help="File whose first line is the key's passphrase.")
@click.option("--signature", "fmt_signature", type=click.Choice(["cades", "xml"]), help="Format of the receipt's signature.")
@trust_options
@format_option()
def verify_delivery(path, receipt, key, cert, passphrase_file, fmt_signature, audit_log, trust, crls, policy, fmt) -> None:
    """Check a delivered folder (or an update package, .zip) against its signed record and the DML: every
    missing, extra, changed and unsigned file is named; the verdict is complete, incomplete or tampered.

    Without --trust (or [sign] trust in an ietm.toml above PATH) the record's signature is checked with the
    certificates the delivery carries, which guards against accidental change only.
    """
    from ietm.deliver.check import check

    if (key is None) != (cert is None):
        raise click.UsageError("give --key and --cert together to sign the receipt")
    if key is not None and receipt is None:
        raise click.UsageError("--key signs the receipt: give --receipt FILE too")
    checked = check(path, trust, crls, policy)
    _print_checked(checked, fmt)
    if receipt is not None:
        _write_receipt(checked, receipt, key, cert, passphrase_file, fmt_signature, fmt)
    click.get_current_context().exit(checked.exit_code)


def _write_receipt(checked, target: Path, key, cert, passphrase_file, fmt_signature, fmt) -> None:
    from ietm.deliver import receipt as receipts
    from ietm.sign.detached import write_together

    if checked.record is None or checked.record.get("kind") != "delivery":
        raise click.UsageError("a receipt acknowledges a delivered folder, not an update package; apply the update, "
                               "then check the folder")
    data_obj = receipts.make(checked, applied=bool(checked.record.get("base")))
    data = receipts.dumps(data_obj)
    files = [(target, data)]
    if key is not None:
        creds = _credentials(key, cert, passphrase_file, False)
        files.append(receipts.sign(creds, target, data, data_obj, fmt_signature))
    write_together(files)
    if fmt == "text":
        click.echo(f"receipt written to {target}{' and signed' if key else ''}; send it to the supplier")


@click.command("apply-update", epilog=VERIFY_EXIT_HELP)
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("package", type=click.Path(path_type=Path))
@trust_options
@format_option()
def apply_update(folder, package, audit_log, trust, crls, policy, fmt) -> None:
    """Apply an update package to a delivered folder (as the customer's web server holds it): the package must
    check complete, be made for the delivery the folder holds, and the folder must check complete; the folder
    is then checked against its new record. Devices that read the bundle pick the new release up online; the
    bundle's start page applies a package on a device that stays offline.
    """
    from ietm.deliver.update import apply

    checked = apply(folder, package, trust, crls, policy)
    _print_checked(checked, fmt)
    click.get_current_context().exit(checked.exit_code)


@click.group()
def deliveries() -> None:
    """The register of deliveries: who holds which release for which product, receipts, needs."""


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%d %H:%M") if ts else ""


@deliveries.command("list")
@click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--behind", is_flag=True, help="Only the holdings behind the CSDB's current release.")
@format_option("text", "json", "csv")
def list_(csdb: Path, behind: bool, fmt: str) -> None:
    """Which customer holds which release for which product (serial), and which are behind the CSDB's current
    release; then every delivery and update with its receipt."""
    from ietm.deliver import register
    from ietm.deliver.source import current

    db = _db(_csdb(csdb))
    now = current(csdb)
    holdings = [h for h in register.holdings(db, now) if h["behind"] or not behind]
    rows = register.listing(db)
    if fmt == "json":
        click.echo(json.dumps({"current": now, "holdings": holdings,
                               "deliveries": [{k: v for k, v in r.items() if k != "record"} for r in rows]},
                              ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "csv":
        from ietm.deliver.web import holdings_csv

        sys.stdout.write(holdings_csv(holdings))
        return
    click.echo(f"current release: {now['name']} ({now['created']})" if now else "current release: none (no release.manifest)")
    for h in holdings:
        sent, held = h["sent"], h["held"]
        state = "BEHIND" if h["behind"] else "current"
        note = "" if not h["awaiting"] else f"; {sent['delivery']} ({sent['release']}) awaits a receipt"
        click.echo(f"{state}: {h['customer']}: {h['product']} (model {h['model'] or '-'}, serial {h['serial'] or '-'}): "
                   f"holds {held['release'] + ' (' + held['delivery'] + ')' if held else 'nothing confirmed'}{note}")
    for r in rows:
        rec = r["receipt"]
        click.echo(f"{r['id']}\t{r['kind']}\t{_when(r['created'])}\t{r['customer']}\t"
                   f"{','.join(p['product'] for p in r['products'])}\t{r['release_name']}\t"
                   f"{rec['verdict'] + (' applied' if rec['applied'] else '') if rec else 'no receipt'}")
    if not rows:
        click.echo("no deliveries yet")


@deliveries.command("receipt")
@click.argument("csdb", type=click.Path(path_type=Path))
@click.argument("receipt_file", type=click.Path(path_type=Path))
@format_option()
def receipt_(csdb: Path, receipt_file: Path, fmt: str) -> None:
    """Record a customer's receipt acknowledgement (written by `ietm verify-delivery --receipt`) against its
    delivery; a signed one is checked against the customer's registered certificate."""
    import getpass

    from ietm.deliver import receipt as receipts, register

    db = _db(_csdb(csdb))
    if not receipt_file.is_file():
        raise NotFound("no such file", str(receipt_file))
    first = receipts.loads(receipt_file.read_bytes(), str(receipt_file))
    row = register.get(db, first["delivery"])
    r = receipts.read(receipt_file, register.certificate_of(db, row["customer"]), getpass.getuser())
    new = register.record_receipt(db, r)
    if fmt == "json":
        click.echo(json.dumps({"delivery": r.delivery, "verdict": r.verdict, "signature": r.signature,
                               "signer": r.signer, "recorded": new}, ensure_ascii=False))
        return
    click.echo(f"{'RECORDED' if new else 'ALREADY RECORDED'}: receipt of {r.delivery} ({row['customer']}): {r.verdict}"
               f"{', applied' if r.applied else ''}; signature {r.signature}{' by ' + r.signer if r.signer else ''}")


@deliveries.command("customer")
@click.argument("csdb", type=click.Path(path_type=Path))
@click.argument("name")
@click.option("--cert", type=click.Path(path_type=Path), help="The customer's signing certificate (PEM or DER).")
@click.option("--forget-cert", is_flag=True, help="Forget the customer's certificate.")
def customer(csdb: Path, name: str, cert: Path | None, forget_cert: bool) -> None:
    """Register a customer, or the certificate their signed receipts are checked with."""
    from cryptography.hazmat.primitives import serialization

    from ietm.deliver import register
    from ietm.sign.keys import load_certificates

    db = _db(_csdb(csdb))
    pem = None
    if cert is not None:
        pem = load_certificates(cert)[0].public_bytes(serialization.Encoding.PEM).decode()
    elif not forget_cert:
        raise click.UsageError("give --cert FILE (or --forget-cert)")
    register.set_certificate(db, " ".join(name.split()), pem)
    click.echo(f"customer {name}: {'certificate registered' if pem else 'certificate forgotten'}")


@deliveries.command("needs")
@click.argument("csdb", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--customer", help="Only this customer's products.")
@format_option("text", "json", "csv")
def needs_(csdb: Path, customer: str | None, fmt: str) -> None:
    """What each delivered product should have by the DML and its applicability, against what its customer
    holds: modules not written yet, not delivered, outdated; deliveries not acknowledged; receipts that found
    the delivery incomplete or tampered. Exit code 1 when there is any gap to act on."""
    from ietm.deliver.needs import report

    rows = [n for n in report(_csdb(csdb), _db(csdb)) if customer is None or n.customer == " ".join(customer.split())]
    if fmt == "json":
        click.echo(json.dumps([n.to_dict() for n in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from ietm import csvout

        sys.stdout.write(csvout.table(
            ["customer", "product", "model", "serial", "release", "gap", "module", "language", "held", "current", "detail"],
            ([n.customer, n.product, n.model, n.serial, n.release, g.kind, g.key, g.language, g.held, g.current, g.detail]
             for n in rows for g in n.gaps)))
    else:
        for n in rows:
            click.echo(f"{n.customer}: {n.product} (model {n.model or '-'}, serial {n.serial or '-'}): holds "
                       f"{n.release} ({n.delivery}); {n.required} module(s) required, {len(n.gaps)} gap(s)")
            for g in n.gaps:
                what = f"{g.key} ({g.language})" if g.key else ""
                issues = f" holds {g.held}, latest {g.current}" if g.kind == "outdated" else ""
                click.echo(f"  {g.kind.upper()}: {what}{issues}{(': ' if what and g.detail else '') + g.detail}")
        if not rows:
            click.echo("no deliveries in the register")
    if any(n.gaps for n in rows):
        click.get_current_context().exit(1)
