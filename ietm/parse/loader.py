"""Safe loading of S1000D XML.

S1000D declares its illustrations as unparsed entities in the internal DTD subset, so the subset must stay
readable; everything that could reach outside the file (external entities, external DTDs, the network) is
refused, and so are entity-expansion bombs, before any entity is expanded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ietm.errors import InputError
from ietm.i18n import message
from ietm.parse.xmlerrors import ParserText

MAX_BYTES = int(os.environ.get("IETM_MAX_XML_BYTES", 64 * 1024 * 1024))


def _parser(resolve_internal: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities="internal" if resolve_internal else False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


@dataclass
class Loaded:
    """A parsed file with its unparsed entities (the ICN declarations) and its source bytes."""

    path: str
    tree: etree._ElementTree
    data: bytes
    entities: dict[str, str] = field(default_factory=dict)  # entity name -> declared system id (file)
    notations: dict[str, str] = field(default_factory=dict)  # entity name -> notation (cgm, png, ...)

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()


def load(path: str | os.PathLike[str], display: str | None = None) -> Loaded:
    """Read and parse one file; every failure is an InputError naming the file (and line)."""
    shown = display or str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(message("xml_file_too_big", size=size, limit=MAX_BYTES), shown)
        data = p.read_bytes()
    except IsADirectoryError:
        raise InputError(message("xml_folder"), shown) from None
    except FileNotFoundError:
        raise InputError(message("xml_no_file"), shown) from None
    except PermissionError:
        raise InputError(message("xml_denied"), shown) from None
    return load_bytes(data, shown)


def load_bytes(data: bytes, display: str) -> Loaded:
    if len(data) > MAX_BYTES:
        raise InputError(message("xml_document_too_big", size=len(data), limit=MAX_BYTES), display)
    if not data.strip():
        raise InputError(message("xml_empty"), display)
    head = data[:512]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(message("xml_binary"), display)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<") and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(message("xml_no_start"), display)
    tree = _parse(data, display, resolve_internal=False)
    entities, notations, internal = _inspect_dtd(tree, data, display)
    if internal:
        tree = _parse(data, display, resolve_internal=True)
    return Loaded(display, tree, data, entities, notations)


def load_own(data: bytes, display: str, what: str) -> etree._Element:
    """The root of one of ietm's own XML files (a signature, a release manifest, a register statement), which
    never carry a DTD: none is read, and one that has a DTD is refused. `what` names it in the error."""
    try:
        tree = _parse(data, display, resolve_internal=False)
    except InputError as exc:
        raise InputError(f"{what}: {exc.message}", exc.path, exc.line) from None
    if tree.docinfo.internalDTD is not None:
        raise InputError(f"{what} carries a DTD; refused", display)
    return tree.getroot()


def _parse(data: bytes, display: str, resolve_internal: bool) -> etree._ElementTree:
    parser = _parser(resolve_internal)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or None
        text = syntax_message(exc)
        if "amplification" in text:
            raise InputError(message("xml_bomb"), display, line) from None
        detail: object = ParserText(text)
        if "encoding" in text.lower():
            declared = re.search(rb"encoding=[\"']([A-Za-z0-9._-]+)", data[:200])
            detail = message("xml_wrong_encoding", detail=detail, encoding=declared.group(1).decode() if declared else "UTF-8")
        raise InputError(message("xml_not_well_formed", detail=detail), display, line) from None
    except ValueError as exc:  # e.g. a unicode string with an encoding declaration
        raise InputError(message("xml_unreadable", detail=str(exc)), display) from None
    if root is None:
        raise InputError(message("xml_no_root"), display)
    return root.getroottree()


def syntax_message(exc: etree.XMLSyntaxError) -> str:
    """The message of a syntax error without the place lxml appends; the caller prints the place itself."""
    msg = str(exc.msg if getattr(exc, "msg", None) else exc)
    msg = re.sub(r"\s*\((?:<string>|[^()]*), line \d+(?:, column \d+)?\)$", "", msg)
    msg = re.sub(r",? line \d+, column \d+$", "", msg)
    return " ".join(msg.split())


def _decl_line(data: bytes, name: str) -> int | None:
    """The line of an entity declaration; lxml does not keep DTD line numbers."""
    m = re.search(rb"<!ENTITY\s+" + re.escape(name.encode()) + rb"\s", data)
    return data.count(b"\n", 0, m.start()) + 1 if m else None


def _inspect_dtd(tree: etree._ElementTree, data: bytes, display: str) -> tuple[dict[str, str], dict[str, str], bool]:
    """Split the internal subset's entities into safe unparsed ones and refuse the dangerous kinds."""
    dtd = tree.docinfo.internalDTD
    entities: dict[str, str] = {}
    notations: dict[str, str] = {}
    internal = False
    if dtd is None:
        return entities, notations, internal
    if tree.docinfo.system_url:
        raise InputError(message("xml_external_dtd", url=tree.docinfo.system_url), display)
    for ent in dtd.iterentities():
        if ent.system_url is not None and ent.content:  # NDATA: an illustration or other external file
            entities[ent.name] = ent.system_url
            notations[ent.name] = ent.content
        elif ent.system_url is not None:
            raise InputError(
                message("xml_external_entity", name=ent.name, url=ent.system_url),
                display,
                _decl_line(data, ent.name),
            )
        else:
            if ent.orig and "&" in ent.orig and ";" in ent.orig and any(
                f"&{other.name};" in ent.orig for other in dtd.iterentities()
            ):
                raise InputError(
                    message("xml_nested_entity", name=ent.name),
                    display,
                    _decl_line(data, ent.name),
                )
            internal = True
    return entities, notations, internal
