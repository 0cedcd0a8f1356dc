"""What one printed publication holds: the PM tree flattened into page-starting modules and the entries that
open before them, each module rendered by the viewer's own renderers (so screen and paper agree), and, for
one product, only what applies to it.

A module that cannot be printed (missing, unreadable, a renderer failing on it) becomes a part with an
`error`: the composer shows a visible placeholder in its place and the command reports it.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from markupsafe import Markup

from ietm.errors import IetmError, InputError, NotFound
from ietm.parse.loader import Loaded
from ietm.applic import Product
from ietm.parse.model import CsdbObject
from ietm.paper.links import PaperLinks
from ietm.web.site import Publication, Site, TocEntry, TocItem

log = logging.getLogger("ietm.paper")


@dataclass
class Marker:
    """A PM entry: where it opens in the book (its outline entry and table-of-contents heading)."""

    title: str
    level: int  # outline level: 1 for a top-level entry
    anchor: str


@dataclass
class Part:
    """One data module reference of the PM, in reading order; starts a page."""

    anchor: str  # "m12": the module's id in the book; its own ids become "m12-<id>"
    key: str
    title: str
    level: int  # outline level of the module (one below its entry)
    issue: str | None = None  # asked for by the PM
    language: str | None = None
    markers: list[Marker] = field(default_factory=list)  # entries that open with this module
    obj: CsdbObject | None = None
    doc: Loaded | None = None  # parsed (and, for a product, instanced) module
    ident: Markup | None = None
    content: Markup | None = None
    error: str | None = None  # why it is shown as a placeholder
    title_page: bool = False  # the PM's title page module, printed as the book's title page
    unknown: list[str] = field(default_factory=list)  # elements the renderers do not know

    @property
    def where(self) -> str:
        return self.obj.path if self.obj is not None else self.key


@dataclass
class Reference:
    """A pmRef or externalPubRef entry: printed as a line, it starts no page."""

    kind: str  # pm | external
    key: str
    title: str
    level: int
    markers: list[Marker] = field(default_factory=list)
    in_csdb: bool = False


@dataclass
class Book:
    site: Site
    pub: Publication
    language: str  # interface language: en | ru
    items: list[Part | Reference]
    trailing: list[Marker]  # entries with nothing after them
    product: Product | None = None

    @property
    def parts(self) -> list[Part]:
        return [i for i in self.items if isinstance(i, Part)]

    @property
    def failed(self) -> list[Part]:
        return [p for p in self.parts if p.error]

    @property
    def title_part(self) -> Part | None:
        first = self.parts[:1]
        return first[0] if first and first[0].title_page else None


# -- planning: the PM tree in reading order -------------------------------------------------------------------


class _Planner:
    def __init__(self, site: Site, product: Product | None) -> None:
        self.site = site
        self.product = product
        self.items: list[Part | Reference] = []
        self.pending: list[Marker] = []
        self.count = 0

    def applies(self, applic: dict | None) -> bool:
        if self.product is None or applic is None:
            return True
        from ietm.applic import evaluate_json

        return evaluate_json(applic, self.product.assignment) is not False

    def walk(self, entry: TocEntry, depth: int) -> None:
        for child in entry.children:
            if not self.applies(child.applic):
                continue
            if isinstance(child, TocEntry):
                self.count += 1
                title = child.title or _first_title(child) or f"#{self.count}"
                self.pending.append(Marker(title, depth + 1, f"e{self.count}"))
                self.walk(child, depth + 1)
            else:
                self.item(child, depth)

    def item(self, item: TocItem, depth: int) -> None:
        markers, self.pending = self.pending, []
        if item.kind == "dm":
            part = Part(f"m{len(self.items) + 1}", item.key, item.title or item.key, depth + 1, item.issue,
                        item.language, markers)
            self.items.append(part)
        else:
            self.items.append(Reference(item.kind, item.key, item.title or item.key, depth + 1, markers,
                                        item.key in self.site.copies))


def _first_title(entry: TocEntry) -> str:
    """An untitled entry (the Bike PM has many) is named in the outline after what it holds."""
    for child in entry.children:
        if isinstance(child, TocItem) and child.title:
            return child.title
        if isinstance(child, TocEntry):
            found = child.title or _first_title(child)
            if found:
                return found
    return ""


def plan(site: Site, pub: Publication, language: str, product: Product | None = None) -> Book:
    """The book of one publication: every entry and module reference in reading order (nothing loaded yet)."""
    planner = _Planner(site, product)
    planner.walk(pub.toc, 0)
    return Book(site, pub, language, planner.items, planner.pending, product)


# -- loading and rendering each module --------------------------------------------------------------------------


def load_parts(book: Book, applicability=None, progress: Callable | None = None) -> None:
    """Find and parse each module (instanced for the book's product); modules that do not apply leave the book."""
    site = book.site
    kept: list[Part | Reference] = []
    carry: list[Marker] = []
    for item in (progress(book.items, "Reading modules") if progress else book.items):
        if isinstance(item, Part):
            try:
                _load(site, item, book.pub.obj.language)
                if book.product is not None and item.doc is not None and not _instance(item, book.product, applicability):
                    carry += item.markers  # the module does not apply: its entries open with what follows
                    continue
            except IetmError as exc:
                item.error = str(exc)
        item.markers = carry + item.markers
        carry = []
        kept.append(item)
    book.items = kept
    book.trailing = carry + book.trailing
    first = book.parts[:1]
    if first and first[0].doc is not None and first[0].doc.root.find("content/frontMatter/frontMatterTitlePage") is not None:
        first[0].title_page = True


def _load(site: Site, part: Part, pm_language: str | None) -> None:
    language = part.language or pm_language
    try:
        try:
            obj = site.find(part.key, part.issue, language)
        except IetmError:
            obj = site.find(part.key, None, language)  # the issue the PM names is gone: print the latest
        if language and (obj.language or "")[:2].lower() != language[:2].lower():
            raise NotFound(f"{part.key} has no copy in {language} (found {obj.language})")
    except NotFound as exc:
        raise _unreadable(site, part.key) or exc
    part.obj = obj
    part.title = obj.title or part.title
    part.doc = site.load(obj)


def _unreadable(site: Site, key: str) -> IetmError | None:
    """Why a module the PM names is not in the catalog: its file could not be read (file:line: message)."""
    code = key.split("-", 1)[1] if "-" in key else key
    for path, message, line in site.catalog.errors():
        if code.upper() in Path(path).name.upper():
            return InputError(message, path, line)
    return None


def _instance(part: Part, product: Product, applicability) -> bool:
    """Filter the module for the product (on a copy: the site keeps the master); False: it does not apply."""
    from ietm.applic.instance import make_instance

    doc = part.doc
    tree = copy.deepcopy(doc.tree)
    root = tree.getroot()
    scope = applicability.scope_of(root)
    assignment = applicability.assignment_for(product, scope)
    result = make_instance(root, applicability.annotations(root), assignment, product.id, scope.properties,
                           applicability.whole(root))
    if result.applicable is False or result.emptied:
        return False
    part.doc = Loaded(doc.path, tree, doc.data, doc.entities, doc.notations)
    return True


def render_parts(book: Book, progress: Callable | None = None) -> None:
    """Render every module with the viewer's renderers and the book's links; a failure becomes a placeholder."""
    from ietm.render.content import render_content, render_ident

    anchors: dict[str, str] = {}
    for part in book.parts:
        anchors.setdefault(part.key, part.anchor)
    links = PaperLinks(book.site, anchors, book.pub.obj.key)
    parts = [p for p in book.parts if p.error is None]
    for part in (progress(parts, "Rendering modules") if progress else parts):
        assert part.obj is not None and part.doc is not None

        def unknown(el: etree._Element, part: Part = part) -> None:
            part.unknown.append(f"{Path(part.obj.path).name}:{el.sourceline}: no renderer for <{el.tag}>")

        ctx = book.site.render_context(part.obj, part.doc, links, book.language, unknown)
        try:
            part.ident = scope_ids(render_ident(ctx), part.anchor)
            part.content = scope_ids(render_content(ctx), part.anchor)
        except Exception as exc:  # a renderer bug on one module must not lose the whole book
            log.exception("%s: rendering failed", part.obj.path)
            part.error = f"{part.obj.path}: rendering failed: {type(exc).__name__}: {exc}"


_ID = re.compile(r' id="([^"]*)"')
_HREF = re.compile(r' href="#([^"]*)"')
_ASSET = re.compile(r'<link rel="stylesheet" href="[^"]*">|<script src="[^"]*" defer></script>')


def scope_ids(html: Markup, prefix: str) -> Markup:
    """Make one module's ids unique in the book: `id="x"` -> `id="m12-x"`, local links likewise; links the
    book made itself (PaperLinks, `#@...`) are already global, and a link to outside the book is dropped.
    The fragment's stylesheet and script tags go: the book links its print stylesheets once."""
    text = _ASSET.sub("", str(html))
    text = _ID.sub(lambda m: f' id="{prefix}-{m.group(1)}"', text)

    def href(m: re.Match) -> str:
        target = m.group(1)
        if target == PaperLinks.OUTSIDE[2:]:
            return ""
        if target.startswith("@"):
            return f' href="#{target[1:]}"'
        return f' href="#{prefix}-{target}"'

    return Markup(_HREF.sub(href, text))
