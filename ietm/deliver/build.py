"""Making a customer's delivery: instance → publish → sign → record, in a work folder beside the output.

1. The CSDB's signed release (ietm.deliver.source) is instanced for the customer's products at once: content
   that applies to none of them is left out, what applies to some keeps its annotation (the bundle's product
   picker offers exactly the delivered products, as the PCT is cut down to them).
2. The instance gets a release of its own, signed by the supplier, so every module page of the bundle shows
   and checks offline who vouches for it (the instances are new objects; QA's signatures were over the masters).
3. It is published as `ietm publish` publishes (the same gate, pages, offline search, service worker), the
   bundle's manifest.json is signed, and the delivery record lists every file of the bundle and is signed.
The result is moved into place whole; a failure leaves no half delivery and nothing in the register.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from ietm.applic import Applicability
from ietm.applic.produce import write_instances
from ietm.applic.tables import Product
from ietm.author.files import serialize
from ietm.config import SETTINGS, CONFIG_NAME, Config, load_config
from ietm.deliver import record as records
from ietm.deliver.server import bundle_server
from ietm.deliver.source import Release, released
from ietm.errors import InputError, Refused
from ietm.parse.loader import load
from ietm.publish.links import page_name
from ietm.publish.manifest import NAME as BUNDLE_MANIFEST
from ietm.sign.manifest import MANIFEST_NAME

#: settings an instance does not take over from its CSDB: who signs how, and the server's own state
_NOT_CARRIED = ("register.", "route.", "sign.external", "server.")


@dataclass
class Built:
    """A delivery made in its work folder, not yet in place or in the register."""

    work: Path
    bundle: Path
    record: dict
    token: str  # the bundle's key for sending usage and receipts; only its hash is kept by the server
    left_out: list[dict] = field(default_factory=list)

    def discard(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


def new_id(now: dt.datetime) -> str:
    return f"DLV-{now:%Y%m%d}-{secrets.token_hex(3).upper()}"


def products_of(applicability: Applicability, ids: list[str]) -> list[Product]:
    """The PCT's products by id, each once, in the order given; NotFound names the known ones."""
    if not ids:
        raise InputError("name at least one product (--product ID; `ietm applic --products` lists them)")
    out: list[Product] = []
    for ident in ids:
        p = applicability.product(ident)
        if all(p is not q for q in out):
            out.append(p)
    return out


def describe_product(applicability: Applicability, product: Product) -> dict:
    """{id, model, serial, assignment}: the serial is the value of the ACT's primary identifier, the model
    the value of an attribute called model (any case), as the register shows them."""
    primary = next((a.primary for a in applicability.acts.values()
                    if a.pct and a.pct in applicability.pcts and applicability.pcts[a.pct].path == product.path), None)
    values = product.assignment
    model = next((v for k, v in values.items() if k.lower() == "model"), None)
    return {"id": product.id, "model": model, "serial": values.get(primary) if primary else None,
            "assignment": values}


def _instance_config(source: Config, folder: Path) -> None:
    """The CSDB's settings for the instance (schemas, BREX, trust, language, bundle server ...), paths made
    absolute, so that publishing the instance is publishing the CSDB's way."""
    doc = tomlkit.document()
    for s in SETTINGS:
        value = source.values.get(s.name, s.default)
        if value == s.default or s.name.startswith(_NOT_CARRIED):
            continue
        if s.name == "sign.policy" and source.source is not None:
            value = str((source.source.parent / value).resolve())
        if s.section not in doc:
            doc.add(s.section, tomlkit.table())
        doc[s.section][s.key] = value
    (folder / CONFIG_NAME).write_text(tomlkit.dumps(doc), encoding="utf-8")


def _cut_pcts(applicability: Applicability, products: list[Product], folder: Path) -> None:
    """The instance's PCTs list the delivered products only: a customer sees no other customer's serials."""
    keep = {id(p) for p in products}
    for pct in applicability.pcts.values():
        target = folder / Path(pct.path).name
        if not target.is_file():
            continue
        doc = load(target)
        for el, product in zip(list(doc.root.iterfind("content/productCrossRefTable/product")), pct.products):
            if id(product) not in keep:
                el.getparent().remove(el)
        target.write_bytes(serialize(doc))


def _required(csdb: Path, written: set[tuple[str, str | None]], left_out: set[tuple[str, str | None]]) -> list[dict]:
    """What the CSDB's DML asks for and applies to these products: every DML entry but those the instancing
    found inapplicable. An entry the release does not hold stays required: the delivery lacks it."""
    from ietm.catalog import Catalog

    catalog = Catalog.open(csdb)
    out: dict[tuple[str, str | None], dict] = {}
    for dml in catalog.objects(kind="dml", state="latest", with_refs=True):
        for r in dml.refs:
            if r.kind in ("dm", "pm") and (r.target, r.language) not in left_out:
                out[(r.target, r.language)] = {"key": r.target, "language": r.language, "kind": r.kind,
                                               "issue": r.issue, "delivered": (r.target, r.language) in written}
    return sorted(out.values(), key=lambda r: (r["key"], r["language"] or ""))


def build(csdb: Path, customer: str, product_ids: list[str], out: Path, creds, store, fmt_signature: str | None = None,
          language: str | None = None, jobs: int = 0, progress: bool = False, base: dict | None = None) -> Built:
    """Make the delivery in a work folder beside `out` (see the module's docstring)."""
    customer = " ".join(customer.split())
    if not customer:
        raise InputError("the customer's name is empty (--customer NAME)")
    creds.approve_check(store, records.KIND, str(csdb))
    creds.approve_check(store, "release", str(csdb))
    release = released(csdb, store)
    applicability = Applicability.for_csdb(csdb)
    products = products_of(applicability, product_ids)
    config = load_config(csdb)
    language = language or config.get("serve.language")
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    ident = new_id(now)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.delivering-", dir=out.parent))
    try:
        inst = work / "csdb"
        inst.mkdir()
        _instance_config(config, inst)
        files = [release.csdb / e.path for e in release.latest()]
        results = write_instances(files, applicability, products, {}, inst, jobs=jobs)
        _cut_pcts(applicability, products, inst)
        token = secrets.token_urlsafe(24)
        built = Built(work, work / "bundle", {}, token)
        objects, left = _objects(release, results, inst)
        built.left_out = left
        # named after whom it is for, not after the release: every page names it, and a page must not change
        # from one release to the next unless its module did (update packages carry only what changed)
        _sign_instance_release(inst, f"{customer} ({', '.join(p.id for p in products)})", creds, fmt_signature)
        from ietm.publish.bundle import publish

        publish(inst, built.bundle, language=language, jobs=jobs, progress=progress)
        from ietm.sign.commands import _sign_release

        manifest = built.bundle / BUNDLE_MANIFEST
        _sign_release(manifest, manifest.read_bytes(), ident, creds, fmt_signature, write_manifest=False)
        required = _required(csdb, {(o["key"], o["language"]) for o in objects},
                             {(o["key"], o["language"]) for o in left})
        built.record = {
            "format": records.FORMAT, "kind": "delivery", "id": ident, "customer": customer,
            "products": [describe_product(applicability, p) for p in products],
            "release": release.to_dict(), "date": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "supplier": records.signer_of(creds), "language": language,
            "bundle": _bundle_release(built.bundle), "objects": objects, "leftOut": left, "required": required,
            "server": bundle_server(config), "usage": bool(config.get("usage.report")), "token": token,
            "trust": records.embedded_trust(store), "base": base,
        }
        _write_record(built.bundle, built.record, creds, fmt_signature)
        return built
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _objects(release: Release, results, inst: Path) -> tuple[list[dict], list[dict]]:
    """What the delivery holds (with its page and source file in the bundle) and what was left out, and why."""
    by_path = {(release.csdb / e.path).resolve(): e for e in release.latest()}
    objects, left = [], []
    for w in results:
        e = by_path[Path(w.source).resolve()]
        if w.output is None:
            left.append({"key": e.code, "language": e.language, "issue": e.issue, "reason": w.skipped})
            continue
        objects.append({"key": e.code, "kind": e.kind, "issue": e.issue, "language": e.language,
                        "file": f"csdb/{w.output.name}",
                        "page": f"{e.kind}/{page_name(e.code, e.language)}"})
    objects.sort(key=lambda o: (o["key"], o["language"] or ""))
    left.sort(key=lambda o: (o["key"], o["language"] or ""))
    return objects, left


def _sign_instance_release(inst: Path, name: str, creds, fmt_signature: str | None) -> None:
    from ietm.sign.commands import _sign_release
    from ietm.sign.manifest import build as build_manifest, collect

    entries, in_work = collect(inst)
    if in_work:  # the source release held none, and instancing keeps issues as they are
        raise Refused(f"instance holds objects in work: {', '.join(in_work[:5])}", str(inst))
    _sign_release(inst / MANIFEST_NAME, build_manifest(entries, name), name, creds, fmt_signature, write_manifest=True)


def _bundle_release(bundle: Path) -> str:
    import json

    return json.loads((bundle / BUNDLE_MANIFEST).read_text(encoding="utf-8"))["release"]


def _write_record(bundle: Path, record: dict, creds, fmt_signature: str | None) -> None:
    """Every file of the bundle into the record, then the record and its signature, written together."""
    from ietm.sign.detached import write_together

    record["files"] = records.files_of(bundle, records.own_files(records.RECORD))
    path = bundle / records.RECORD
    data = records.dumps(record)
    sig, signature = records.sign(creds, path, data, record, None if fmt_signature is None else fmt_signature)
    write_together([(path, data), (sig, signature)])


def place(built: Built, out: Path) -> None:
    """Move the finished bundle to `out`, which must be new or an empty folder: a delivery is never replaced."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise Refused("exists and is not empty; a delivery is written to a new folder and never replaced", str(out))
    if out.is_dir():
        out.rmdir()
    os.rename(built.bundle, out)
    built.discard()
