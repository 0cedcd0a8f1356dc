"""Who the ЕСКД title block and the information-certifying sheet name, from the signatures the CSDB holds.

Until the register of signing-key holders exists, the names come from valid signatures: the publication
module's own signature (by its signer's role: a writer "Разраб.", QA "Пров.") and the signed release
(approval, "Утв."). A role nobody signed for stays blank, to be signed by hand on paper.
"""

from __future__ import annotations

from pathlib import Path

from ietm.paper.eskd import Signatory
from ietm.paper.labels import word

ROLE_OF = {"writer": "razrab", "qa": "prov"}  # signing-policy role -> title block row


def _date(signed_at: str | None) -> str:
    return (signed_at or "")[:10]


def _person(signer: str | None) -> str:
    """'CN=Olga Petrova, OU=Quality Assurance' -> 'Olga Petrova'."""
    if not signer:
        return ""
    for part in signer.split(","):
        key, _, value = part.strip().partition("=")
        if key.upper() == "CN" and value:
            return value
    return signer


def from_signatures(csdb: Path, pm_path: Path) -> dict[str, Signatory]:
    from ietm.sign import signature_status
    from ietm.web.signatures import Signatures

    found: dict[str, Signatory] = {}
    status = signature_status(pm_path)
    if status.get("status") == "valid":
        for role in status.get("roles") or []:
            if role in ROLE_OF:
                found.setdefault(ROLE_OF[role], Signatory(_person(status.get("signer")), _date(status.get("signed_at"))))
    release = Signatures(csdb).release()
    if release is not None and release.status == "valid":
        found["utv"] = Signatory(_person(release.signer), _date(release.signed_at))
    return found


def certifying_sheet(csdb: Path, files: list[Path], designation: str, title: str, language: str,
                     signatories: dict[str, Signatory]) -> dict | None:
    """The УЛ of the CSDB's release for the files of this book, or None when the CSDB has no release."""
    from ietm.web.signatures import Signatures

    signatures = Signatures(csdb)
    release = signatures.release()
    if release is None:
        return None
    rows = []
    root = Path(csdb).resolve()
    for path in files:
        try:
            rel = Path(path).resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        entry = release.entries.get(rel)
        state = signatures.state(release, rel)
        rows.append({"path": rel, "digest": entry.sha256 if entry else "—", "state": state})
    people = [{"role": word(role, language), "name": who.name, "sign": word("ul_signed", language), "date": who.date}
              for role, who in signatories.items()]
    return {
        "designation": f"{designation}-УЛ" if language == "ru" else f"{designation}-IC",
        "title": title,
        "release": word("ul_release", language, name=release.name or "", created=(release.created or "")[:10]),
        "verdict": release.status if language != "ru" else {"valid": "подпись верна"}.get(release.status, release.status),
        "signatories": people,
        "algorithm": "SHA-256",
        "files": rows,
    }
