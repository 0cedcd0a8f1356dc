"""Serialising objects as their authors wrote them (DOCTYPE and ICN declarations kept); ietm.atomic writes them."""

from __future__ import annotations

import re

from lxml import etree

from ietm.parse.loader import Loaded

_DOCTYPE = re.compile(rb"<!DOCTYPE\s[^\[>]*(?:\[.*?\]\s*)?>", re.DOTALL)


def serialize(doc: Loaded) -> bytes:
    """The object as bytes, with its DOCTYPE exactly as the source wrote it.

    libxml2 writes the internal subset from hash tables, so the order of the NOTATION declarations would
    change from one process to the next; copying the source's declarations keeps output reproducible and
    the ICN declarations as the author made them.
    """
    m = _DOCTYPE.search(doc.data[:65536])
    doctype = m.group(0).decode("utf-8", "replace") if m else None
    return etree.tostring(doc.tree, xml_declaration=True, encoding="UTF-8", doctype=doctype)
