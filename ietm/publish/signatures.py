"""The signatures a published bundle carries, so a tablet can check offline what QA signed.

Into `csdb/` of the bundle go the CSDB's signed release (release.manifest and its .sig or .xsig), every file it
lists (objects and ICNs, byte for byte: the browser hashes them against the manifest) and every object's
own signature; `signatures.json` names the manifest and embeds the trust anchors and the roles allowed to
approve a release, taken from the CSDB's trust store at publish time. js/signature-badge.js reads it on
each module page. Anchors inside the bundle guard against changed content, not against a bundle rewritten
whole by someone with their own CA (see verify.js): for that, the anchors must be pinned on the device.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from ietm.errors import IetmError, InputError
from ietm.publish.files import write_file
from ietm.sign.formats import SUFFIXES, signature_of
from ietm.sign.manifest import MANIFEST_NAME, delivered_files, parse

log = logging.getLogger("ietm.publish")

FOLDER = "csdb"
INDEX = "signatures.json"


def signature_map(csdb: Path) -> dict[str, str]:
    """Every file of the CSDB that has a detached signature beside it -> that signature (absolute paths), as
    signature_of finds it, from the folders' listings: no look-up per object in a CSDB of 100,000 modules."""
    out = {}
    for folder, dirs, files in os.walk(csdb):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        names = set(files)
        for name in files:
            for suffix in SUFFIXES:
                if name + suffix in names:
                    out[os.path.join(folder, name)] = os.path.join(folder, name + suffix)
                    break
    return out


def carry_signatures(csdb: Path, bundle: Path, known: dict[str, str] | None = None,
                     signed: dict[str, str] | None = None) -> dict[str, str]:
    """Copy the release, the files it lists and the object signatures into the bundle; returns each carried
    file with its source's stamp. A file `known` with the same stamp and already in the bundle (a build that
    began from the previous bundle) is not copied again; carried files no longer listed are removed. `signed`
    is the CSDB's signature_map, when the caller has it already."""
    from ietm.publish.files import VARIANTS, copy_file

    csdb = Path(csdb).resolve()
    known = known or {}
    manifest = csdb / MANIFEST_NAME
    listed: list[str] = []
    if manifest.is_file():
        try:
            listed = [e.path for e in parse(manifest.read_bytes(), str(manifest))[1]]
        except InputError as exc:  # carried as it is: the browser then says the release is invalid
            log.warning("%s", exc)
        listed.append(MANIFEST_NAME)
        if signature_of(manifest) is not None:
            listed.append(signature_of(manifest).name)
    signed = signature_map(csdb) if signed is None else signed
    root = len(str(csdb)) + 1
    signatures = {str(p)[root:].replace(os.sep, "/"): signed[str(p)][root:].replace(os.sep, "/")
                  for p in (delivered_files(csdb) if signed else ()) if str(p) in signed}
    listed += [*signatures, *signatures.values()]
    carried: dict[str, str] = {}
    for rel in sorted(set(listed)):
        source = csdb / rel
        try:
            st = source.stat()
        except OSError:
            continue  # the release lists a file that is gone: the browser reports it missing
        if not source.is_file():
            continue
        stamp = f"{st.st_mtime_ns}:{st.st_size}"
        target = bundle / FOLDER / rel
        if known.get(rel) != stamp or not target.is_file():
            copy_file(source, target)
        carried[rel] = stamp
    for rel in set(known) - set(carried):
        for name in (rel, *(rel + s for s in VARIANTS)):
            (bundle / FOLDER / name).unlink(missing_ok=True)
    if not carried:
        (bundle / INDEX).unlink(missing_ok=True)
        for suffix in VARIANTS:
            (bundle / (INDEX + suffix)).unlink(missing_ok=True)
        return carried
    anchors, roles, object_roles = _trust(csdb)
    manifest_sig = signature_of(manifest)
    index = {"folder": f"{FOLDER}/", "manifest": MANIFEST_NAME if manifest.is_file() else None,
             "manifestSignature": manifest_sig.name if manifest_sig else None,
             "signatures": signatures,  # object (relative path) -> its signature file (.sig CAdES or .xsig XML)
             "anchors": anchors, "roles": roles, "objectRoles": object_roles}
    write_file(bundle / INDEX, json.dumps(index, indent=1).encode("utf-8"))
    return carried


def _trust(csdb: Path) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    """The trusted certificates (PEM) of the CSDB's trust store, and the roles that may approve a release and
    a data module ({eku: [OID], ou: [name]}, as verify.js takes them)."""
    from ietm.sign.verify import load_store

    try:
        store = load_store(csdb)
    except IetmError as exc:  # no trust store: the bundle says "untrusted", publishing goes on
        log.warning("no trust anchors embedded in the bundle: %s", exc)
        return [], {"eku": [], "ou": []}, {"eku": [], "ou": []}
    pems = [c.public_bytes(serialization.Encoding.PEM).decode() for c in [*store.anchors, *store.pinned]]

    def roles(kind: str) -> dict[str, list[str]]:
        allowed = store.policy.approve.get(kind, [])
        return {how: sorted({v for r in allowed for v in store.policy.roles.get(r, {}).get(how, [])}) for how in ("eku", "ou")}

    return pems, roles("release"), roles("dm")
