"""Rendering real CSDB folders in tests: a Links over the folder's files, and a render that also returns
what the renderer saw and reported (so tests can prove no element was silently dropped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from ietm.parse import load
from ietm.parse.model import describe
from ietm.render.content import Html, content_root, render_ident
from ietm.render.context import RenderContext


class FolderLinks:
    """Links for a CSDB folder rendered to static files: a target that is not in the folder is unresolvable."""

    def __init__(self, folder: Path, static_root: str = "/static/") -> None:
        self.folder = folder
        self.static_root = static_root
        self.keys: dict[str, str] = {}
        for path in sorted(folder.glob("*.XML")):
            name = path.name.upper()
            if name.startswith(("DMC-", "DME-", "PMC-")):
                self.keys.setdefault(name.split("_")[0], path.name)
        self.files = {p.name.upper(): p.name for p in folder.iterdir() if p.is_file()}

    def dm(self, key, issue=None, language=None, fragment=None):
        if key.upper() not in self.keys:
            return None
        return f"/dm/{quote(key[4:] if key.startswith('DMC-') else key)}" + (f"#{quote(fragment)}" if fragment else "")

    def pm(self, key, issue=None, language=None):
        return f"/pm/{quote(key[4:])}" if key.upper() in self.keys else None

    def icn(self, name):
        found = self.files.get(name.upper())
        return f"/icn/{quote(found)}" if found else None

    def static(self, path):
        return self.static_root + path


@dataclass
class Rendered:
    html: str
    ident: str
    html_pass: Html
    unknown: list[etree._Element] = field(default_factory=list)

    def unseen(self) -> list[etree._Element]:
        """Elements of the content that no renderer read and that were not reported as unknown."""
        root = content_root(self.html_pass.ctx)
        if root is None:
            return []
        return [e for e in root.iter() if isinstance(e.tag, str) and e not in self.html_pass.seen]


def render_file(path: Path, links: FolderLinks | None = None, language: str = "en") -> Rendered:
    doc = load(path)
    obj = describe(doc)
    unknown: list[etree._Element] = []
    ctx = RenderContext(links=links or FolderLinks(path.parent), language=language, obj=obj, doc=doc,
                        titles=lambda key: None, unknown=unknown.append)
    r = Html(ctx)
    html = str(r.content(content_root(ctx)))
    return Rendered(html=html, ident=str(render_ident(ctx)), html_pass=r, unknown=unknown)
