"""A book laid out on every core: its body in parts, each in a process of its own, and its front matter here,
joined into one PDF whose page numbers, table of contents, links and outline are those of the whole book.

Every part starts with a module, and a module starts a page, so a part takes the same pages alone as in the
book. The steps, with the parts' processes working at once:
  1. each process lays out its part and says how many pages it took; meanwhile the front matter is laid out
     here without page numbers, to count its pages (its numbers sit in boxes of one width, so they cannot
     change that count);
  2. each process is told where its pages start in the book and how many pages the book has, prints them in
     its margins (ietm.paper.engine), says where each of its anchors and bookmarks is, and paints its PDF;
  3. the front matter is laid out again with the page of each module in the table of contents, and painted;
  4. the PDFs are joined (ietm.paper.join).
A book with one part is laid out the same way in this process.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from ietm.errors import IetmError
from ietm.paper import engine
from ietm.paper.join import Piece, join

if TYPE_CHECKING:  # the layout processes import this module: it keeps to what they need
    from ietm.paper.compose import Composition


def _worker(html: str, roots: list[Path], target: Path, conn) -> None:
    """Lay out and paint one part of the body, talking with the parent process over `conn`."""
    try:
        def numbering(pages: int) -> tuple[int, int]:
            conn.send(("count", pages))
            return conn.recv()

        document = engine.lay_out(html, roots, numbering)
        conn.send(("laid", engine.describe(document)))
        engine.write(document, target)
        conn.send(("written", None))
    except BaseException as exc:  # everything goes to the parent, which reports it
        message = exc.message if isinstance(exc, IetmError) else "".join(traceback.format_exception_only(exc)).strip()
        conn.send(("error", message))
    finally:
        conn.close()


class _Part:
    """A part of the body in a process of its own."""

    def __init__(self, context, html: str, roots: list[Path], target: Path) -> None:
        self.target = target
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(html, roots, target, child), daemon=True)
        self.process.start()
        child.close()  # the parent's copy: a process that dies leaves the pipe at its end

    def expect(self, what: str):
        try:
            kind, value = self.conn.recv()
        except EOFError:
            raise IetmError(f"a layout process ended unexpectedly (exit code {self.process.exitcode})") from None
        if kind == "error":
            raise IetmError(f"laying out pages failed: {value}")
        assert kind == what, (kind, what)
        return value

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.conn.close()


def lay_out_book(book: Composition, roots: list[Path], out: Path) -> int:
    """Lay out and join the book into `out` (whole or not at all); returns its number of pages."""
    with tempfile.TemporaryDirectory(prefix=".ietm-pdf-") as tmp:
        folder = Path(tmp)
        if len(book.bodies) > 1:
            return _in_processes(book, roots, folder, out)
        return _here(book, roots, folder, out)


def _front(book: Composition, roots: list[Path], folder: Path, pages: dict[str, int], total: int,
           expected: int) -> Piece:
    def numbering(count: int) -> tuple[int, int]:
        if count != expected:  # the numbers' boxes have one width: this is a bug, not bad input
            raise IetmError(f"the front matter took {count} pages with its page numbers, {expected} without")
        return 0, total

    document = engine.lay_out(book.front(pages), roots, numbering)
    piece = Piece(folder / "front.pdf", engine.describe(document))
    engine.write(document, piece.pdf)
    return piece


def _appendix(book: Composition, roots: list[Path], folder: Path) -> list[Piece]:
    """The information-certifying sheet: a document of its own, numbered from its own first sheet."""
    if book.appendix is None:
        return []
    document = engine.lay_out(book.appendix, roots)
    piece = Piece(folder / "appendix.pdf", engine.describe(document))
    engine.write(document, piece.pdf)
    return [piece]


def _count_front(book: Composition, roots: list[Path]) -> engine.Layout:
    """The front matter laid out without page numbers: how many pages it takes, and where its own anchors are."""
    return engine.describe(engine.lay_out(book.front(None), roots))


def _pages_of(front: engine.Layout, pieces: list[Piece]) -> dict[str, int]:
    """The page (1-based, in the book) of every anchor."""
    pages: dict[str, int] = {}
    first = 0
    for piece in [Piece(Path(), front), *pieces]:
        for name, (index, _x, _y) in piece.layout.anchors.items():
            pages.setdefault(name, first + index + 1)
        first += piece.layout.pages
    return pages


def _here(book: Composition, roots: list[Path], folder: Path, out: Path) -> int:
    counted = _count_front(book, roots)
    front_pages = counted.pages
    pieces = []
    if book.bodies:
        document = engine.lay_out(book.bodies[0], roots, lambda n: (front_pages, front_pages + n))
        pieces.append(Piece(folder / "part-0.pdf", engine.describe(document)))
        engine.write(document, pieces[0].pdf)
        del document
    total = front_pages + sum(p.layout.pages for p in pieces)
    front = _front(book, roots, folder, _pages_of(counted, pieces), total, front_pages)
    return join([front, *pieces, *_appendix(book, roots, folder)], out)


def _in_processes(book: Composition, roots: list[Path], folder: Path, out: Path) -> int:
    # spawned, not forked: the parent may hold threads (progress display) and open databases
    context = multiprocessing.get_context("spawn")
    parts = []
    try:
        for n, html in enumerate(book.bodies):
            parts.append(_Part(context, html, roots, folder / f"part-{n}.pdf"))
        counted = _count_front(book, roots)
        front_pages = counted.pages
        counts = [p.expect("count") for p in parts]
        total = front_pages + sum(counts)
        first = front_pages
        for part, count in zip(parts, counts):
            part.conn.send((first, total))
            first += count
        pieces = [Piece(p.target, p.expect("laid")) for p in parts]
        front = _front(book, roots, folder, _pages_of(counted, pieces), total, front_pages)
        appendix = _appendix(book, roots, folder)
        for part in parts:
            part.expect("written")
    finally:
        for part in parts:
            part.stop()
    return join([front, *pieces, *appendix], out)
