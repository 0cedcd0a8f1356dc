"""Update packages: what a newer release changes in a customer's delivery, and nothing else.

`ietm deliver --update` builds the customer's delivery of the CSDB's current release exactly as a first delivery,
then compares every file with the delivery the register says the customer holds (the most recent one of the same
products): the package (a zip) carries the files that are new or changed, including the new signed
delivery.json, and `update.json`, signed beside it, which names the base delivery, lists the files it carries
with their digests and the files to delete. It is checked as a delivery is (`ietm verify-delivery PACKAGE`);
`ietm apply-update` applies it to a delivered folder, and the bundle's start page applies it on the device,
offline (viewer/static/js/delivery.js).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from ietm.deliver import record as records
from ietm.deliver.build import Built
from ietm.deliver.check import Checked, check_folder, check_package, unpack
from ietm.errors import IetmError, Refused
from ietm.sign.formats import SUFFIXES


def package(built: Built, base: dict, out: Path, creds, fmt_signature: str | None) -> dict:
    """Write the update package of `built` over the delivery `base` (a register row) to `out`; returns update.json."""
    now_files = records.files_of(built.bundle)
    before = base["record"]["files"]
    carried = {rel: meta for rel, meta in now_files.items()
               if rel not in before or before[rel]["sha256"] != meta["sha256"]}
    deleted = sorted(rel for rel in before if rel not in now_files)
    new = built.record
    update = {
        "format": records.FORMAT, "kind": "update", "id": new["id"], "customer": new["customer"],
        "products": new["products"], "release": new["release"], "date": new["date"], "supplier": new["supplier"],
        "bundle": new["bundle"], "base": {"id": base["id"], "bundle": base["bundle_release"],
                                          "release": base["release_name"]},
        "files": carried, "deleted": deleted, "trust": new["trust"],
    }
    data = records.dumps(update)
    path = built.work / records.UPDATE
    sig, signature = records.sign(creds, path, data, update, fmt_signature)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        raise Refused("exists; an update package is written to a new file and never replaced", str(out))
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(records.UPDATE, data)
            z.writestr(sig.name, signature)
            for rel in sorted(carried):
                z.write(built.bundle / rel, rel)
        os.link(tmp, out)
    finally:
        os.unlink(tmp)
    return update


def apply(bundle: Path, package_file: Path, trust: tuple = (), crls: tuple = (), policy: Path | None = None) -> Checked:
    """Apply an update package to a delivered folder: only a complete package, only onto the delivery it was
    made for, only onto a folder that is complete; then the folder is checked again against its new record."""
    checked = check_package(package_file, trust, crls, policy)
    if checked.verdict != "complete":
        first = ", ".join(f"{f.state} {f.path}" for f in checked.findings[:5])
        raise Refused(f"the update package is {checked.verdict} ({first}); it is not applied", str(package_file))
    update = checked.record
    here = check_folder(bundle, trust=trust, crls=crls, policy=policy)
    holds = (here.record or {}).get("id")
    if holds != update["base"]["id"]:
        raise Refused(f"this update applies to delivery {update['base']['id']}; the folder holds {holds}", str(bundle))
    if here.verdict != "complete":
        raise Refused(f"the delivered folder is {here.verdict}; check it with `ietm verify-delivery` before updating",
                      str(bundle))
    work = Path(tempfile.mkdtemp(prefix=".ietm-update-", dir=bundle))
    try:
        unpack(package_file, work)
        staged = []
        for rel in update["files"]:
            target = bundle / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.append((work / rel, target))
        for source, target in staged:  # renames within one file system: each file whole, old or new
            os.replace(source, target)
        for rel in update["deleted"]:
            (bundle / rel).unlink(missing_ok=True)
        carried_sig = {rel for rel in update["files"] if rel.startswith(records.RECORD)}
        for suffix in SUFFIXES:  # the old record's signature in the other format
            if records.RECORD + suffix not in carried_sig:
                (bundle / (records.RECORD + suffix)).unlink(missing_ok=True)
    except OSError as exc:
        raise IetmError(f"cannot apply the update: {exc.strerror or exc}", str(bundle)) from None
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return check_folder(bundle, trust=trust, crls=crls, policy=policy)
