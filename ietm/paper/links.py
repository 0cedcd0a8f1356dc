"""ietm.render.Links for paper: a module of the book is a place in the same PDF, an illustration is a local file.

Links the book makes are written `#@<anchor>` so that `book.scope_ids` can tell them from a module's own
`#<id>` links (which it scopes to the module); `@` cannot occur in an XML id.
"""

from __future__ import annotations

import base64
from pathlib import Path

from ietm.web.site import BROWSER_TYPES, Site

#: raster and vector formats the paged-media engine draws (video and others get a placeholder)
DRAWABLE = {".svg", ".png", ".jpg", ".jpeg", ".gif"}


class PaperLinks:
    OUTSIDE = "#@-"  # in the CSDB but not in this book: shown as text with its code, not linked

    def __init__(self, site: Site, anchors: dict[str, str], pm_key: str) -> None:
        self.site = site
        self.anchors = anchors  # module key -> anchor of its (first) part in the book
        self.pm_key = pm_key

    def dm(self, key: str, issue: str | None = None, language: str | None = None,
           fragment: str | None = None) -> str | None:
        anchor = self.anchors.get(key)
        if anchor is not None:
            return f"#@{anchor}-{fragment}" if fragment else f"#@{anchor}"
        return self.OUTSIDE if key in self.site.copies else None

    def pm(self, key: str, issue: str | None = None, language: str | None = None) -> str | None:
        if key == self.pm_key:
            return "#@toc"
        return self.OUTSIDE if key in self.site.copies else None

    def icn(self, name: str) -> str | None:
        path = self.site.icn_path(name)
        if path is None:
            return None
        suffix = path.suffix.lower()
        if suffix == ".cgm":
            return self.site.converted_svg(path).as_uri()  # vectors, through the viewer's converter and cache
        if suffix in DRAWABLE:
            return path.as_uri()
        return placeholder_uri([f"{path.name}", "(" + (BROWSER_TYPES.get(suffix) or suffix.lstrip(".").upper()) + ")"])

    def static(self, path: str) -> str:
        return "#@-"  # the fragment's own asset tags are dropped by book.scope_ids


def placeholder_uri(lines: list[str]) -> str:
    from ietm.render.placeholder import placeholder_svg

    return "data:image/svg+xml;base64," + base64.b64encode(placeholder_svg(lines).encode()).decode()


def allowed_roots(site: Site) -> list[Path]:
    """Where the engine may read files from: the CSDB, its converted illustrations and the viewer's assets."""
    from ietm.paths import VIEWER

    return [site.csdb, site.cache_dir.resolve(), VIEWER.resolve()]
