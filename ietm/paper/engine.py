"""HTML to PDF through WeasyPrint (CSS paged media on Debian's Pango), safely and whole or not at all.

Why WeasyPrint: it implements what a printed manual needs in CSS alone — page-margin boxes with page counters
and named strings (running headers, "page X of Y" per document and, through target-counter, per module), named
pages and page groups (the ЕСКД first sheet), repeating table headers, leaders and target-counter (tables of
contents with page numbers), PDF bookmarks from `bookmark-level`, internal links, SVG drawn as vectors, and fonts
embedded as subsets; it is a Python library (no browser or JVM to drive) under the BSD licence. Chromium's print
lacks margin boxes and target-counter; Apache FOP would mean XSL-FO beside the viewer's HTML renderers.

The engine reads only files under the places it is given (the CSDB, its converted illustrations, the viewer's
assets) and data: URIs; any other address, the network included, is refused.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ietm.atomic import write_new
from ietm.errors import ConfigError

log = logging.getLogger("ietm.paper")


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


def render_pdf(html: str, roots: list[Path], out: Path, overwrite: bool = True) -> int:
    """Lay out `html` and write the PDF to `out` (atomically); returns the number of pages."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango missing (the Makefile's system-deps installs it)
        raise ConfigError(f"the PDF engine (WeasyPrint with Pango) cannot start: {exc}") from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=str(roots[0]) + "/", url_fetcher=_fetcher_class()(roots)).render()
    data = document.write_pdf()
    umask = os.umask(0)
    os.umask(umask)
    write_new(out, data, overwrite=overwrite, durable=False, mode=0o666 & ~umask)  # a document, readable as any file
    return len(document.pages)
