"""The documents of one book (its front matter and its parts, laid out apart) joined into one PDF with qpdf
(pikepdf), as if the book had been laid out whole: the pages in order, one set of named destinations, links from
one part into another, and one outline mirroring the PM tree.

A link whose target lies in another document of the book cannot be resolved by the engine, which drops such
links; the composer writes it as `ietm-anchor:<id>` (ANCHOR_SCHEME), the engine keeps it as a URI link, and
the join turns it into a link to the named destination `<id>`.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ietm.atomic import write_new
from ietm.paper.engine import Layout

ANCHOR_SCHEME = "ietm-anchor:"


@dataclass
class Piece:
    pdf: Path
    layout: Layout


def _outline(pdf, bookmarks: list[tuple[int, str, int, float, float]]) -> None:
    """Bookmarks in reading order, each under the nearest earlier one of a lower level (bookmark-level)."""
    from pikepdf import OutlineItem

    with pdf.open_outline() as outline:
        stack: list[tuple[int, list]] = [(0, outline.root)]
        for level, label, page, x, y in bookmarks:
            while stack[-1][0] >= level:
                stack.pop()
            item = OutlineItem(label, page, "XYZ", left=x, top=y)
            stack[-1][1].append(item)
            stack.append((level, item.children))


def _link_across(pdf) -> None:
    from pikepdf import Name, String

    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            uri = action.get("/URI") if action is not None else None
            if uri is not None and str(uri).startswith(ANCHOR_SCHEME):
                annot.Dest = String(unquote(str(uri)[len(ANCHOR_SCHEME):]))
                del annot[Name.A]


def join(pieces: list[Piece], out: Path) -> int:
    """Write the pieces' pages as one PDF to `out` (whole or not at all); returns the number of pages.
    The first piece gives the document's information (title, author, language)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    pdf = pikepdf.new()
    sources = [pikepdf.open(p.pdf) for p in pieces]
    try:
        names: list[tuple[str, int, float, float]] = []
        bookmarks: list[tuple[int, str, int, float, float]] = []
        for source, piece in zip(sources, pieces):
            first = len(pdf.pages)
            with warnings.catch_warnings():  # that named destinations are not carried: they are made below
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                pdf.pages.extend(source.pages)
            names += [(name, first + i, x, y) for name, (i, x, y) in piece.layout.anchors.items()]
            bookmarks += [(level, label, first + i, x, y) for level, label, i, x, y in piece.layout.bookmarks]
        head = sources[0]
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer"):
            if key in head.docinfo:
                pdf.docinfo[key] = String(str(head.docinfo[key]))
        if "/Lang" in head.Root:
            pdf.Root.Lang = String(str(head.Root.Lang))
        # one name tree of every anchor of the book (flat and sorted, as the engine writes it)
        taken: set[str] = set()
        flat = Array()
        for name, page, x, y in sorted(names):
            if name in taken:
                continue
            taken.add(name)
            flat.append(String(name))
            flat.append(Array([pdf.pages[page].obj, Name.XYZ, x, y, 0]))
        pdf.Root.Names = Dictionary(Dests=pdf.make_indirect(Dictionary(Names=flat)))
        _link_across(pdf)
        _outline(pdf, bookmarks)
        buffer = io.BytesIO()
        pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finally:
        for source in sources:
            source.close()
        pdf.close()
    umask = os.umask(0)
    os.umask(umask)
    write_new(out, buffer.getvalue(), overwrite=True, durable=False, mode=0o666 & ~umask)  # readable as any file
    return sum(p.layout.pages for p in pieces)
