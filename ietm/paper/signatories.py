"""Who the ЕСКД title blocks name, from the approval route (ietm.sign.route) where the CSDB keeps a register of
signing-key holders: the book's block names the holder who signed each step of the publication module's
route, the information-certifying sheet's block those of the release's route, each with the step's date.

Only a valid step by a holder the register appointed for its role counts. Where no register is kept, or a
step is not signed (or does not hold), its cell stays blank, to be signed by hand on paper: a signature under
the signing policy's roles alone (writer, QA) does not say who holds which ESKD role.
"""

from __future__ import annotations

from pathlib import Path

from ietm.paper.eskd import Signatory
from ietm.sign.register import role_code


def short_name(name: str) -> str:
    """'Смирнова Ольга Петровна' -> 'Смирнова О.П.': the title block's column is a surname's width."""
    words = name.split()
    if len(words) == 3 and all(w[:1].isupper() and w.isalpha() for w in words):
        return f"{words[0]} {words[1][0]}.{words[2][0]}."
    return name


def by_role(signatures: list[dict]) -> dict[str, Signatory]:
    """Route steps (as ietm.sign.ul lists signatures) -> title block rows by role code (razrab, prov...)."""
    found: dict[str, Signatory] = {}
    for s in signatures:
        if s.get("step") is not None and s.get("status") == "valid":
            found[role_code(s["role"])] = Signatory(short_name(s["name"] or ""), (s.get("date") or "")[:10])
    return found


def of_object(csdb: Path, path: Path, kind: str) -> dict[str, Signatory]:
    from ietm.sign.ul import object_signatures

    return by_role(object_signatures(csdb, path, kind))


def information_sheet(csdb: Path, designation: str, title: str) -> dict | None:
    """The УЛ (GOST 2.051) of the CSDB's release for a document, or None when the CSDB has no release."""
    from ietm.sign.manifest import MANIFEST_NAME
    from ietm.sign.ul import information_sheet as sheet

    return sheet(csdb, designation, title) if (Path(csdb) / MANIFEST_NAME).is_file() else None
