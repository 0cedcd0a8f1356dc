"""Setting the QA status of a module in its own bytes, so that nothing else in the file changes.

Only the content of <qualityAssurance> is rewritten (the DOCTYPE, internal subset, layout and
everything else stay byte for byte), then the result is re-read to prove it says what was asked.
"""

from __future__ import annotations

import re

from ietm.errors import InputError, Refused
from ietm.parse.loader import load_bytes
from ietm.parse.model import describe

TYPES = ("tabtop", "onobject", "ttandoo")
_QA = re.compile(rb"(<qualityAssurance\b[^>]*>)(.*?)(</qualityAssurance\s*>)", re.DOTALL)
_FIRST = re.compile(rb"<firstVerification\b[^>]*/>|<firstVerification\b[^>]*>\s*</firstVerification\s*>")


def set_qa(data: bytes, display: str, level: str, vtype: str) -> bytes:
    """The module's bytes with QA set to `level` ('first' or 'second') verification of type `vtype`."""
    if vtype not in TYPES:
        raise InputError(f"verification type '{vtype}' is not one of {', '.join(TYPES)}", display)
    doc = load_bytes(data, display)
    before = describe(doc)
    status = doc.root.find(f"identAndStatusSection/{before.kind}Status")
    count = len(status.findall("qualityAssurance")) if status is not None else 0
    matches = list(_QA.finditer(data))
    if count == 0 or len(matches) != count:
        raise InputError("cannot find the module's qualityAssurance element to set", display)
    if before.qa == "second" and level == "first":
        raise Refused("already has a second verification; a first verification would lower its QA status", display)
    out, pos = [], 0
    for m in matches:
        inner = m.group(2)
        lead = re.match(rb"\s*", inner).group(0)
        trail = re.search(rb"\s*$", inner).group(0)
        step = lead if lead else b""
        if level == "first":
            new = f'<firstVerification verificationType="{vtype}"/>'.encode()
        else:
            first = _FIRST.search(inner)
            if first is None:
                raise Refused("a second verification needs a first one: sign with --verification first before", display)
            new = first.group(0) + step + f'<secondVerification verificationType="{vtype}"/>'.encode()
        out += [data[pos:m.start(2)], lead, new, trail]
        pos = m.end(2)
    out.append(data[pos:])
    result = b"".join(out)
    after = describe(load_bytes(result, display))
    if after.qa != level or after.qa_type != vtype:
        raise InputError("setting the QA status did not give the expected result; the file was left as it was", display)
    return result


_LEVELS = ("unverified", "first", "second")


def rewind(data: bytes, display: str, level: str | None) -> bytes:
    """The module's bytes as they were when its QA status was `level`, undoing what `set_qa` added since.

    An approval route signs a module at several QA levels; each step's signature covers the bytes of its
    level, which this gives back from the bytes of today. `set_qa` only ever adds a verification and leaves
    the whitespace around it, so the undoing is exact; an unverified status is written `<unverified/>`
    (a route starts by putting it so, see `canonical`).
    """
    level = level or "unverified"
    if level not in _LEVELS:
        raise InputError(f"QA level '{level}' is not one of {', '.join(_LEVELS)}", display)
    out, pos = [], 0
    for m in _QA.finditer(data):
        inner = m.group(2)
        lead = re.match(rb"\s*", inner).group(0)
        trail = re.search(rb"\s*$", inner).group(0)
        if level == "unverified":
            new = b"<unverified/>"
        else:
            first = _FIRST.search(inner)
            if first is None:
                return data  # not verified yet: nothing to undo
            new = first.group(0) if level == "first" else inner[len(lead):len(inner) - len(trail)]
        out += [data[pos:m.start(2)], lead, new, trail]
        pos = m.end(2)
    out.append(data[pos:])
    return b"".join(out)


def canonical(data: bytes, display: str) -> bytes:
    """An unverified module with its status written `<unverified/>`, so that `rewind` can give it back exactly."""
    doc = load_bytes(data, display)
    if describe(doc).qa not in (None, "unverified"):
        return data
    return rewind(data, display, "unverified") if _QA.search(data) else data
