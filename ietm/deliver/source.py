"""What may be delivered: the CSDB's signed release (`ietm release`), exactly as QA signed it.

A delivery is made from the files release.manifest lists, and only while its signature holds and every one of
those files still has the digest it was released with; files added since (remarks written by the server, a
module in work) are simply not part of it. So a customer always receives a release QA approved, and the
register can tell which release each customer holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ietm.errors import InputError, Refused
from ietm.sign.formats import signature_of
from ietm.sign.manifest import MANIFEST_NAME, Entry, parse
from ietm.sign.trust import TrustStore
from ietm.sign.verify import check_signature


@dataclass
class Release:
    """A verified release of a CSDB."""

    csdb: Path
    name: str
    created: str
    sha256: str  # of release.manifest: the release's identity in the register
    signer: str
    signed_at: str | None
    entries: list[Entry]

    def to_dict(self) -> dict:
        return {"name": self.name, "created": self.created, "sha256": self.sha256, "signer": self.signer,
                "signedAt": self.signed_at}

    def latest(self, kinds: tuple[str, ...] = ("dm", "pm")) -> list[Entry]:
        """The latest issue of each object (per language) of the given kinds, as the release lists them."""
        best: dict[tuple[str, str | None], Entry] = {}
        for e in self.entries:
            if e.kind in kinds and ((e.code, e.language) not in best
                                    or _order(e.issue) > _order(best[(e.code, e.language)].issue)):
                best[(e.code, e.language)] = e
        return sorted(best.values(), key=lambda e: e.path)


def _order(issue: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in (issue or "0-0").split("-") if p.isdigit())


def current(csdb: Path) -> dict | None:
    """The release the CSDB holds now, unverified ({name, created, sha256}), for the register's "behind"."""
    manifest = Path(csdb) / MANIFEST_NAME
    try:
        data = manifest.read_bytes()
        root, _ = parse(data, str(manifest))
    except (OSError, InputError):
        return None
    return {"name": root.get("name"), "created": root.get("created"), "sha256": hashlib.sha256(data).hexdigest()}


def released(csdb: Path, store: TrustStore) -> Release:
    """The CSDB's release, verified; Refused with what to do when there is none or it no longer holds."""
    manifest = Path(csdb) / MANIFEST_NAME
    if not manifest.is_file():
        raise Refused("the CSDB has no release (release.manifest): only a release QA signed is delivered; "
                      "run `ietm release` first", str(csdb))
    sig = signature_of(manifest)
    if sig is None:
        raise Refused("release.manifest is not signed; run `ietm release` again", str(manifest))
    seen: dict[str, bytes] = {}
    outcome = check_signature(sig, store, [manifest.name], "release", seen)
    from ietm.sign import route

    route.judge_all([outcome], Path(csdb), store)
    if not outcome.valid:
        raise Refused(f"the release signature does not hold ({outcome.status}: {outcome.reason})", str(manifest))
    data = seen.get(manifest.name) or manifest.read_bytes()
    root, entries = parse(data, str(manifest))
    stale = []
    for e in entries:
        try:
            if hashlib.sha256((manifest.parent / e.path).read_bytes()).hexdigest() != e.sha256:
                stale.append(f"{e.path} changed")
        except OSError:
            stale.append(f"{e.path} missing")
    if stale:
        raise Refused(f"the CSDB no longer matches its release ({len(stale)}: {', '.join(stale[:5])}); release it "
                      "again before delivering", str(manifest))
    return Release(Path(csdb), root.get("name"), root.get("created"), hashlib.sha256(data).hexdigest(),
                   outcome.signer or "", outcome.signed_at, entries)
