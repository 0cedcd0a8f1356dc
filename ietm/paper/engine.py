"""HTML to pages and pages to PDF through WeasyPrint (CSS paged media on Debian's Pango), safely.

Why WeasyPrint: it implements what a printed manual needs in CSS alone — page-margin boxes with page counters
and named strings (running headers, "page X of Y" per document and, through target-counter, per module), named
pages and page groups (the ЕСКД first sheet), repeating table headers, leaders, PDF bookmarks from
`bookmark-level`, internal links, SVG drawn as vectors, and fonts embedded as subsets; it is a Python library
(no browser or JVM to drive) under the BSD licence. Chromium's print lacks margin boxes and target-counter;
Apache FOP would mean XSL-FO beside the viewer's HTML renderers.

One book is laid out as several documents (ietm.paper.parallel): each must print the page numbers of the whole
book. WeasyPrint numbers the pages of one document and has no setting for a first page number or a total
(Kozea/WeasyPrint#93, #1180), so `lay_out` takes a `Numbering`: once a document's pages are laid out, and before
its page-margin boxes (the only place page numbers are printed) are made, the numbering is told how many pages
there are and answers where they start in the book and how many the book has. That moment has no public hook:
`weasyprint.layout.make_margin_boxes`, which `layout_document` calls for every page after the last page is laid
out (WeasyPrint 66 to 70), is wrapped once; `lay_out` fails loudly if a WeasyPrint without it is installed.

The engine reads only files under the places it is given (the CSDB, its converted illustrations, the viewer's
assets) and data: URIs; any other address, the network included, is refused.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ietm.bulk import without_cycle_collection
from ietm.errors import ConfigError

log = logging.getLogger("ietm.paper")

#: pages laid out -> (number of the first page in the book, minus one; pages in the book)
Numbering = Callable[[int], tuple[int, int]]

PT_PER_PX = 0.75  # PDF points per CSS pixel


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        """Files under the allowed folders and data: URIs only; nothing from the network."""

        def __init__(self, roots: list[Path]) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.roots = [r.resolve() for r in roots]

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                from urllib.parse import unquote, urlsplit

                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in self.roots):
                    raise ValueError(f"not read: {path} is outside the CSDB and the viewer's assets")
            return super().fetch(url, headers)

    return LocalFetcher


_numbering = threading.local()  # the Numbering of the document being laid out in this thread, and its state


def _install_numbering_hook() -> None:
    try:
        import weasyprint.layout as layout
    except (ImportError, OSError) as exc:  # OSError: Pango missing (the Makefile's system-deps installs it)
        raise ConfigError(f"the PDF engine (WeasyPrint with Pango) cannot start: {exc}") from None
    original = getattr(layout, "make_margin_boxes", None)
    if original is None:
        raise ConfigError("this WeasyPrint lays out page margins differently from versions 66-70; "
                          "install one of those (pip install 'weasyprint>=66,<71')")
    if getattr(original, "ietm_numbering", False):
        return

    def make_margin_boxes(context, page, state):
        job = getattr(_numbering, "job", None)
        if job is not None and job.context is not context:
            job.context = context
            job.renumber(context.page_maker)
        return original(context, page, state)

    make_margin_boxes.ietm_numbering = True
    layout.make_margin_boxes = make_margin_boxes


class _Job:
    """The numbering of one layout: shifts every page's `page` counter and sets `pages` to the book's."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.context = None
        self.pages = 0

    def renumber(self, page_maker) -> None:
        states = [entry[3][1] for entry in page_maker[1:]]  # counter values of each page
        self.pages = len(states)
        offset, total = self.numbering(self.pages)
        done: set[int] = set()
        for counters in states:
            if id(counters) in done:
                continue
            done.add(id(counters))
            if "page" in counters:
                counters["page"] = [*counters["page"][:-1], counters["page"][-1] + offset]
            counters["pages"] = [total]


def lay_out(html: str, roots: list[Path], numbering: Numbering | None = None):
    """Lay out `html` into pages (a weasyprint Document); `numbering` places them in a longer book."""
    _install_numbering_hook()
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    job = _Job(numbering) if numbering is not None else None
    _numbering.job = job
    try:
        with without_cycle_collection():
            document = HTML(string=html, base_url=str(roots[0]) + "/", url_fetcher=_fetcher_class()(roots)).render()
    finally:
        _numbering.job = None
    if job is not None and job.pages != len(document.pages):
        raise ConfigError("the page numbering hook did not run: this WeasyPrint version is not supported "
                          "(pip install 'weasyprint>=66,<71')")
    return document


def write(document, target) -> None:
    """Paint the pages into a PDF (a path or a binary file)."""
    with without_cycle_collection():
        document.write_pdf(target)


@dataclass
class Layout:
    """Where things are in one laid-out document, in PDF points from the bottom left of each page."""

    pages: int
    anchors: dict[str, tuple[int, float, float]] = field(default_factory=dict)  # id -> (page index, x, y)
    bookmarks: list[tuple[int, str, int, float, float]] = field(default_factory=list)  # level, label, page, x, y


def describe(document) -> Layout:
    layout = Layout(len(document.pages))
    for index, page in enumerate(document.pages):
        for name, (x, y, *_) in page.anchors.items():  # (x, y), or the box (x1, y1, x2, y2) in WeasyPrint 70
            layout.anchors.setdefault(name, (index, x * PT_PER_PX, (page.height - y) * PT_PER_PX))
        for level, label, (x, y), _state in page.bookmarks:
            layout.bookmarks.append((level, label, index, x * PT_PER_PX, (page.height - y) * PT_PER_PX))
    return layout
