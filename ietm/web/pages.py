"""Whole pages (home, publication, data module, products, error) from templates in viewer/templates.

Pure of requests: a page is a function of the Site, the Links and the interface language, so the static
publisher can render the same pages with its own Links.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from lxml import etree
from markupsafe import Markup

from ietm.paths import TEMPLATES
from ietm.render.content.codelists import code_name
from ietm.render.context import Links
from ietm.orders import words as _order_words  # noqa: F401  (the order panel and outbox on every page read them)
from ietm.web import i18n
from ietm.web.links import dm_address, pm_address
from ietm.web.signatures import Signatures
from ietm.web.site import Publication, Site, TocEntry, TocItem

log = logging.getLogger("ietm.web")

#: the shell's own scripts and styles; a content fragment links the assets it needs itself (ietm.render.content)
SHELL_JS = ("js/applic.js", "js/app.js", "js/remarks.js", "js/outbox.js", "js/orders.js", "js/usage.js")
SHELL_CSS = ("css/ietm.css",)


@dataclass
class Crumb:
    title: str
    url: str | None = None


def _say(text: Any, language: str) -> Markup | str:
    """A value in the page's language when it was made by i18n.message(); a tool's own words (a signature
    checker's reason, a validator's message) as they are, marked with their language on a page in another."""
    if isinstance(text, i18n.Message) or language == "en" or not text:
        return i18n.localise(text, language)
    return Markup('<span class="tool-words" lang="en">{}</span>').format(text)


def _json_attr(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _script_json(value: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no closing tag can appear in it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _both(a: dict | None, b: dict | None) -> dict | None:
    """Two applicabilities that must both hold (a publication entry's and its module's own), in the JSON form."""
    usable = [x for x in (a, b) if x is not None and x.get("expr") is not None]
    if len(usable) < 2:
        return usable[0] if usable else a or b
    return {"id": None, "text": f"{a['text']}; {b['text']}", "expr": {"op": "and", "args": [a["expr"], b["expr"]]}}


def visible_toc(entry: TocEntry, hidden: frozenset[str]) -> TocEntry:
    """A table of contents without the modules the reader may not know of (and without entries left empty)."""
    if not hidden:
        return entry
    children: list[TocEntry | TocItem] = []
    for child in entry.children:
        if isinstance(child, TocEntry):
            kept = visible_toc(child, hidden)
            if kept.children or not child.children:
                children.append(kept)
        elif child.key not in hidden:
            children.append(child)
    return TocEntry(entry.title, children, entry.applic)


def _mtime_ns(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


class Pages:
    """The Jinja environment and the page builders over one Site."""

    def __init__(self, site: Site, keep_pages_mb: int = 0) -> None:
        """`keep_pages_mb`: how much of whole module pages to keep for repeat visits (the server's; the
        publisher writes each page once and keeps none)."""
        self.site = site
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html", "xml"], default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["json_attr"] = _json_attr
        self.env.filters["script_json"] = _script_json
        self._rendered: OrderedDict[tuple, tuple[Markup, Markup]] = OrderedDict()
        self._rendered_guard = threading.Lock()  # requests run on several threads
        self._applic: dict[tuple[int, str | None], dict[str, Any]] = {}
        self.signatures = Signatures(site.csdb)  # signature badges, cached per file version (ietm.web.signatures)
        self._whole: OrderedDict[tuple, tuple[tuple, str]] = OrderedDict()  # page's arguments -> (stamp, html)
        self._whole_size = 0
        self._whole_budget = keep_pages_mb * 1024 * 1024
        self._release: tuple[int | None, str] = (-1, "")  # (release.manifest's mtime, its name) for usage_data

    # -- shared page context --------------------------------------------------------------------------------

    def base(self, links: Links, language: str, path: str, **extra: Any) -> dict[str, Any]:
        """What every template needs; a value made by i18n.message() is put in the page's language."""
        def t(key: str, **values: object) -> str:
            return i18n.t(key, language, **values)

        def name_of(kind: str, value: str | None) -> str:
            return code_name(kind, value, language)

        return {
            "lang": language,
            "t": t,
            "name_of": name_of,
            "say": lambda text: _say(text, language),  # words made by i18n.message() inside a value
            "strings": i18n.table(language),
            "static": links.static,
            "links": links,
            "path": path,
            "root": "/",
            "languages": i18n.LANGUAGES,
            "js": SHELL_JS,
            "css": SHELL_CSS,
            **{k: i18n.localise(v, language) if isinstance(v, i18n.Message) else v for k, v in extra.items()},
            "applic": self._in_language(extra.get("applic") or self.applic_data(None), language),
            "usage": self.usage_data(),
        }

    def usage_data(self) -> dict[str, Any] | None:
        """What script#ietm-usage tells js/usage.js: None when `[usage] report` is off (then nothing is sent), else
        the release the pages belong to (the CSDB's release.manifest, read again only when it changes)."""
        if not self.site.config.get("usage.report"):
            return None
        from ietm.deliver.source import current

        manifest = self.site.csdb / "release.manifest"
        try:
            stamp = manifest.stat().st_mtime_ns
        except OSError:
            stamp = None
        if self._release[0] != stamp:
            now = current(self.site.csdb) if stamp is not None else None
            self._release = (stamp, now["name"] if now else "")
        return {"release": self._release[1]}

    def _in_language(self, data: dict[str, Any], language: str) -> dict[str, Any]:
        """The products panel's attributes named, and their values labelled, as the ACT/CCT copies in the
        reader's language name them."""
        names, labels = self.site.property_names(language), self.site.value_labels(language)
        props = [{**p, "name": names(p["id"]) or p["name"],
                  "labels": {v: labels[(p["id"], v)] for v in p["values"] if (p["id"], v) in labels}}
                 for p in data.get("properties", [])]
        return {**data, "properties": props}

    def render(self, template: str, context: dict[str, Any]) -> str:
        return self.env.get_template(template).render(context)

    # -- applicability for the browser ----------------------------------------------------------------------

    def applic_data(self, root: etree._Element | None) -> dict[str, Any]:
        """The products (PCT) and attributes a page's script can filter by: the module's own scope if it names
        an ACT, else every product of the CSDB. Worked out once per ACT."""
        from ietm.applic import act_ref

        act = act_ref(root)[0] if root is not None else None
        shape = self.site.shape  # a re-indexed CSDB may have new tables
        key = (shape, act)
        if key not in self._applic:
            self._applic = {k: v for k, v in self._applic.items() if k[0] == shape}
            self._applic[key] = self._applic_data(root)
        return self._applic[key]

    def _applic_data(self, root: etree._Element | None) -> dict[str, Any]:
        try:
            applic = self.site.applicability
        except Exception as exc:  # tables that cannot be read must not take the manual down
            log.warning("applicability tables not readable: %s", exc)
            return {"products": [], "properties": []}
        scope = applic.scope_of(root) if root is not None else None
        products = scope.products if scope is not None and scope.products else applic.products()
        props: dict[str, Any] = {}
        sources = [scope.properties] if scope is not None and scope.properties else []
        if not sources:
            sources = [a.properties for a in applic.acts.values()] + [c.properties for c in applic.ccts.values()]
        for table in sources:
            for ident, p in table.items():
                props.setdefault(ident, {
                    "id": ident,
                    "name": p.name or ident,
                    "type": p.type,
                    "values": sorted({a.low for alts in p.enumerations for a in alts if a.high is None}),
                })
        return {
            "products": [{"id": p.id, "assigns": p.assignment} for p in products],
            "properties": sorted(props.values(), key=lambda p: (p["type"] != "prodattr", p["name"].lower())),
        }

    # -- pages --------------------------------------------------------------------------------------------

    # Every page takes `hidden`, the modules above the reader's clearance (Site.hidden): it names none of them,
    # counts none and links to none, as if the CSDB did not hold them.

    def home(self, links: Links, language: str, hidden: frozenset[str] = frozenset()) -> str:
        pubs = [
            {"key": k, "title": p.obj.title or k, "short": p.short_title, "url": links.pm(k), "issue": p.obj.issue,
             "count": sum(item.key not in hidden for item, _ in p.order)}
            for k, p in ((k, self.site.publication(k, language)) for k in self.site.publications if k not in hidden)
        ]
        unreadable = [
            {"where": f"{Path(path).name}:{line}" if line else Path(path).name, "message": message}
            for path, message, line in self.site.catalog.errors()
        ]
        ctx = self.base(links, language, "/", title=i18n.t("home", language), publications=pubs,
                        module_count=len(self.site.data_modules(hidden)), crumbs=[Crumb(i18n.t("home", language))],
                        unreadable=unreadable)
        return self.render("home.html", ctx)

    def modules(self, links: Links, language: str, hidden: frozenset[str] = frozenset()) -> str:
        """The list of every data module."""
        shown = (self.site.find(o.key, None, language) for o in self.site.data_modules(hidden))
        rows = [
            {"key": o.key, "title": o.title, "type": code_name("content_type", o.content_type, language),
             "info": code_name("info_code", o.info_code, language), "issue": o.issue, "url": links.dm(o.key)}
            for o in shown
        ]
        crumbs = [Crumb(i18n.t("home", language), "/"), Crumb(i18n.t("all_modules", language))]
        ctx = self.base(links, language, "/dm", title=i18n.t("all_modules", language), rows=rows, crumbs=crumbs)
        return self.render("modules.html", ctx)

    def publication(self, pub: Publication, links: Links, language: str, hidden: frozenset[str] = frozenset()) -> str:
        crumbs = [Crumb(i18n.t("home", language), "/"), Crumb(pub.short_title or pub.obj.title or pub.obj.key)]
        ctx = self.base(
            links, language, pm_address(pub.obj.key), title=pub.obj.title or pub.obj.key, pub=pub,
            toc=self._toc(visible_toc(pub.toc, hidden), links), crumbs=crumbs, page_key=pub.obj.key, obj=pub.obj,
            applic=self.applic_data(self.site.load(pub.obj).root),
        )
        return self.render("pm.html", ctx)

    def _toc(self, entry: TocEntry, links: Links) -> list[dict[str, Any]]:
        out = []
        for child in entry.children:
            if isinstance(child, TocEntry):
                out.append({"entry": True, "title": child.title, "children": self._toc(child, links), "applic": child.applic})
            else:
                out.append(self._toc_item(child, links))
        return out

    def _toc_item(self, item: TocItem, links: Links) -> dict[str, Any]:
        url = None
        applic = item.applic
        if item.kind == "dm":
            url = links.dm(item.key, item.issue, item.language)
            applic = _both(applic, self.module_applic(item.key) if url else None)
        elif item.kind == "pm":
            url = links.pm(item.key, item.issue, item.language)
        return {"entry": False, "kind": item.kind, "key": item.key, "title": item.title or item.key, "url": url,
                "applic": applic}

    def module_applic(self, key: str) -> dict | None:
        """A module's applicability as a whole, as a publication's contents show it beside the module."""
        return self.site.module_applic(key)

    def data_module(self, key: str, issue: str | None, content_language: str | None, pm: str | None,
                    links: Links, language: str, edit_url: str | None = None,
                    hidden: frozenset[str] = frozenset(), kept_only: bool = False) -> str | None:
        """A module's page. Kept whole (when the server keeps pages) until anything it shows may have changed:
        the CSDB's index, the module's file, or its signature badge. With `kept_only`, the kept page or None:
        a check that costs microseconds, so the server answers repeat visits without a thread or a render."""
        obj = self.site.find(key, issue, content_language)
        badge = self.signatures.badge(Path(obj.path), language)
        if not self._whole_budget:  # no page is kept (the publisher makes each page once)
            return None if kept_only else self._data_module(obj, key, content_language, pm, links, language,
                                                            edit_url, hidden, badge)
        args = (key, issue, content_language, pm, type(links).__name__, language, edit_url, hidden)
        stamp = (self.site.stamp(key), _mtime_ns(obj.path), repr(badge))
        kept = self._kept(args, stamp)
        if kept is not None or kept_only:
            return kept
        html = self._data_module(obj, key, content_language, pm, links, language, edit_url, hidden, badge)
        self._keep(args, stamp, html)
        return html

    def _kept(self, args: tuple, stamp: tuple) -> str | None:
        if not self._whole_budget:
            return None
        with self._rendered_guard:
            hit = self._whole.get(args)
            if hit is None or hit[0] != stamp:
                return None
            self._whole.move_to_end(args)
            return hit[1]

    def _keep(self, args: tuple, stamp: tuple, html: str) -> None:
        if not self._whole_budget:
            return
        with self._rendered_guard:
            old = self._whole.pop(args, None)
            if old is not None:
                self._whole_size -= len(old[1])
            self._whole[args] = (stamp, html)
            self._whole_size += len(html)
            while self._whole_size > self._whole_budget and self._whole:
                self._whole_size -= len(self._whole.popitem(last=False)[1][1])

    def _data_module(self, obj, key: str, content_language: str | None, pm: str | None, links: Links, language: str,
                     edit_url: str | None, hidden: frozenset[str], badge: dict) -> str:
        site = self.site
        doc = site.load(obj)
        ident, content = self._render_module(obj, doc, links, language, pm, hidden)
        latest = site.latest[key]
        placement = site.placement(key, pm, content_language, hidden)
        crumbs = [Crumb(i18n.t("home", language), "/")]
        prev_link = next_link = None
        if placement is not None:
            pub, i = placement
            crumbs.append(Crumb(pub.short_title or pub.obj.title or pub.obj.key, links.pm(pub.obj.key)))
            crumbs += [Crumb(title) for title in pub.order[i][1]]
            # the nearest neighbours in reading order that the reader may know of (looked for outward from the
            # module: a publication of thousands of modules is not walked once per page)
            order = pub.order
            before = next((order[j][0] for j in range(i - 1, -1, -1) if order[j][0].key not in hidden), None)
            after = next((order[j][0] for j in range(i + 1, len(order)) if order[j][0].key not in hidden), None)
            if before is not None:
                prev_link = {"title": before.title or before.key, "url": links.dm(before.key, None, before.language)}
            if after is not None:
                next_link = {"title": after.title or after.key, "url": links.dm(after.key, None, after.language)}
        crumbs.append(Crumb(obj.title or key))
        module_applic = None
        status_applic = doc.root.find("identAndStatusSection/dmStatus/applic")
        if status_applic is not None:
            from ietm.applic import to_json

            module_applic = to_json(status_applic)
        # a module some copy of which is above the reader's clearance is shown only as the copy asked for
        shown = [obj] if key in hidden else site.copies[key]
        if key in hidden:
            latest = obj
        copies = [
            {"issue": c.issue, "language": c.language, "url": dm_address(key) + f"?issue={c.issue}&language={c.language}",
             "current": c.path == obj.path}
            for c in shown
        ]
        ctx = self.base(
            links, language, dm_address(key), title=obj.title or key, obj=obj, ident=ident, content=content,
            crumbs=crumbs, prev_link=prev_link, next_link=next_link, latest=latest, copies=copies,
            page_key=key, module_applic=module_applic, applic=self.applic_data(doc.root),
            state_key=f"{key}_{obj.issue}_{obj.language}",
            signature=badge,  # _partials/_signature.html
            edit_url=edit_url,  # a writer on the server gets an Edit button (ietm.edit)
        )
        return self.render("dm.html", ctx)

    def _render_module(self, obj, doc, links: Links, language: str, pm: str | None,
                       hidden: frozenset[str] = frozenset()) -> tuple[Markup, Markup]:
        """The renderer's fragments for one module, kept for repeat visits until the file changes."""
        from ietm.render.content import render_content, render_ident

        path = Path(obj.path)
        # links in a fragment depend on what else the CSDB holds (and what of it the reader may know of),
        # hence the site's stamp for the module and the hidden modules in the key
        stamp = (str(path), path.stat().st_mtime_ns, language, pm, type(links).__name__, self.site.stamp(obj.key),
                 hidden)
        with self._rendered_guard:
            hit = self._rendered.get(stamp)
            if hit is not None:
                self._rendered.move_to_end(stamp)
                return hit

        def unknown(el: etree._Element) -> None:
            log.warning("%s:%s: no renderer for <%s>; its text is shown", path.name, el.sourceline, el.tag)

        known = self.site.title_lookup(obj.language)

        def titles(key: str) -> str | None:  # a module the reader may not know of has no title for them
            return None if key in hidden else known(key)

        ctx = self.render_context(obj, doc, links, language, unknown, titles)
        out = (render_ident(ctx), render_content(ctx))
        with self._rendered_guard:
            self._rendered[stamp] = out
            while len(self._rendered) > 1024:  # about 30 MB of fragments
                self._rendered.popitem(last=False)
        return out

    def render_context(self, obj, doc, links: Links, language: str, unknown, titles):  # type: ignore[no-untyped-def]
        """The renderers' context for one module (the bundle's pages also note what it looked up)."""
        return self.site.render_context(obj, doc, links, language, unknown, titles)

    def products(self, links: Links, language: str) -> str:
        crumbs = [Crumb(i18n.t("home", language), "/"), Crumb(i18n.t("products", language))]
        ctx = self.base(links, language, "/products", title=i18n.t("products", language), crumbs=crumbs)
        return self.render("products.html", ctx)

    def error(self, status: int, message: str, links: Links, language: str, where: str | None = None) -> str:
        """The error page; a message not made by i18n.message() (a tool's own words) is shown under a sentence
        in the reader's language, marked as the language it is in."""
        title = i18n.t("not_found" if status == 404 else "error", language)
        localised = isinstance(message, i18n.Message) or language == "en"
        ctx = self.base(links, language, "", title=title, status=status, where=where,
                        message=i18n.localise(message, language) if localised else i18n.t("error_generic", language),
                        detail=None if localised else message,
                        crumbs=[Crumb(i18n.t("home", language), "/"), Crumb(title)])
        return self.render("error.html", ctx)
