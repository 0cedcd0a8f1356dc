"""The book as HTML documents for the paged-media engine: the front matter (title page, table of contents, list
of effective data modules), the body in parts (the modules, and in the ЕСКД style the revision record sheet at
its end) and in the ЕСКД style the information-certifying sheet, laid out apart and joined (ietm.paper.parallel).

Templates: viewer/templates/paper/ (book.html, pages.css); print stylesheet: viewer/static/css/paper.css, which
styles the classes of the viewer's renderers for paper (what only a screen can do is left out).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ietm import __version__
from ietm.paper import eskd
from ietm.paper.book import Book, Part, Reference
from ietm.paper.join import ANCHOR_SCHEME
from ietm.paper.labels import word
from ietm.paths import STATIC, TEMPLATES
from ietm.applic import to_json
from ietm.render.content.base import text_of

STYLES = ("s1000d", "eskd")


@dataclass
class TocRow:
    kind: str  # entry | module | ref
    level: int
    title: str
    anchor: str | None
    code: str = ""


def toc_rows(book: Book) -> list[TocRow]:
    rows: list[TocRow] = []
    for item in book.items:
        rows += [TocRow("entry", m.level, m.title, m.anchor) for m in item.markers]
        if isinstance(item, Part):
            rows.append(TocRow("module", item.level, item.title, item.anchor, item.key))
        else:
            rows.append(TocRow("ref", item.level, item.title, None, item.key))
    rows += [TocRow("entry", m.level, m.title, m.anchor) for m in book.trailing]
    return rows


_ENV: Environment | None = None


def _css_content(template: str, x: str, y: str) -> str:
    """"Page {x} of {y}" -> a CSS content value with counters in place of {x} and {y}."""
    out = []
    rest = template
    while rest:
        positions = [(rest.find(tag), tag, expr) for tag, expr in (("{x}", x), ("{y}", y)) if rest.find(tag) >= 0]
        if not positions:
            out.append(json.dumps(rest, ensure_ascii=False))
            break
        at, tag, expr = min(positions)
        if at:
            out.append(json.dumps(rest[:at], ensure_ascii=False))
        out.append(expr)
        rest = rest[at + len(tag):]
    return " ".join(out)


def pm_facts(book: Book) -> dict[str, str]:
    """What the title page and the title block say about the publication, from its PM."""
    root = book.site.load(book.pub.obj).root
    status = root.find("identAndStatusSection/pmStatus")
    applic = status.find("applic") if status is not None else None
    company = status.find("responsiblePartnerCompany") if status is not None else None
    short = book.pub.short_title
    code = book.pub.obj.key[4:] if book.pub.obj.key.startswith("PMC-") else book.pub.obj.key
    return {
        "title": book.pub.obj.title or book.pub.obj.key,
        "applicability": (text_of(applic.find("displayText")) or (to_json(applic) or {}).get("text", ""))
        if applic is not None else "",
        "organisation": (text_of(company.find("enterpriseName")) or company.get("enterpriseCode", "")) if company is not None else "",
        # the ЕСКД designation: the publication's code, and its document code (РЭ, ИЭ...) when the short title is one
        "designation": f"{code} {short}" if short and len(short) <= 6 and " " not in short else code,
    }


def product_statement(book: Book) -> str:
    if book.product is None:
        return ""
    values = ", ".join(f"{k} {v}" for k, v in book.product.assignment.items())
    return word("for_product", book.language, id=book.product.id, values=values)


@dataclass
class Composition:
    """The book as documents laid out apart: the front matter (title page, table of contents, list of effective
    data modules), which prints the page of each module; the body in parts that start with a module; and in the
    ЕСКД style the information-certifying sheet, a document of its own (GOST 2.051) with its own sheet numbers."""

    front: Callable[[dict[str, int] | None], str]  # page of each anchor (None: not known yet) -> HTML
    bodies: list[str]
    appendix: str | None = None


def _cost(item: Part | Reference) -> int:
    """A rough measure of an item's layout time: its HTML, a page start, and its illustrations."""
    if not isinstance(item, Part):
        return 200
    html = str(item.ident or "") + str(item.content or "")
    return len(html) + 4000 + 8000 * html.count("<img")


def split(items: list[Part | Reference], parts: int) -> list[list[Part | Reference]]:
    """`items` in at most `parts` runs of about equal cost, each starting with a module (a module starts a page:
    the pages of a run are the same laid out alone as in the whole book)."""
    costs = [_cost(i) for i in items]
    total = sum(costs) or 1
    runs: list[list[Part | Reference]] = [[]]
    done = 0
    for item, cost in zip(items, costs):
        if (runs[-1] and isinstance(item, Part) and len(runs) < parts and done >= total * len(runs) / parts):
            runs.append([])
        runs[-1].append(item)
        done += cost
    return runs


_ID = re.compile(r' id="([^"]+)"')
_HREF = re.compile(r' href="#([^"]+)"')


def link_across(documents: list[str]) -> Callable[[int, str], str]:
    """A link to an id in another document of the book becomes `ietm-anchor:<id>` (ietm.paper.join)."""
    ids = [set(_ID.findall(html)) for html in documents]
    everywhere = set().union(*ids)

    def fix(index: int, html: str) -> str:
        def href(m: re.Match) -> str:
            target = m.group(1)
            if target in ids[index] or target not in everywhere:
                return m.group(0)
            return f' href="{ANCHOR_SCHEME}{target}"'

        return _HREF.sub(href, html)

    return fix


def _page_css(style: str, lang: str, block: eskd.TitleBlock | None) -> str:
    is_eskd = style == "eskd"
    return _env().get_template("paper/pages.css").render(
        eskd=is_eskd,
        module_pages=_css_content(word("module_pages_of", lang), "counter(dmpage)", "string(dmtotal)"),
        document_pages=_css_content(word("pages_of", lang), "counter(page)", "counter(pages)"),
        first_sheet=eskd.data_uri(eskd.first_sheet(block)) if is_eskd and block else "",
        next_sheet=eskd.data_uri(eskd.next_sheet(block)) if is_eskd and block else "",
        title_sheet=eskd.data_uri(eskd.title_sheet(block)) if is_eskd and block else "",
    )


def _env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                           trim_blocks=True, lstrip_blocks=True)
    return _ENV


def compose(book: Book, style: str = "s1000d", block: eskd.TitleBlock | None = None, ul: dict | None = None,
            ul_block: eskd.TitleBlock | None = None, parts: int = 1) -> Composition:
    """The HTML of the book's front matter, of its body in at most `parts` parts, and of the information-
    certifying sheet `ul` (ietm.sign.ul.information_sheet) under its own title block `ul_block`."""
    lang = book.language

    def t(key: str, **values: object) -> str:
        return word(key, lang, **values)

    facts = pm_facts(book)
    is_eskd = style == "eskd"
    obj = book.pub.obj
    common = dict(
        lang=lang, t=t, style=style, eskd=is_eskd, version=__version__,
        stylesheets=[(STATIC / "css" / "paper.css").as_uri()], pm_title=facts["title"], pm_key=obj.key,
        pm_issue=obj.issue or "", organisation=facts["organisation"],
    )
    template = _env().get_template("paper/book.html")
    page_css = _page_css(style, lang, block)
    title_part = None if is_eskd else book.title_part
    items = [i for i in book.items if i is not title_part]
    runs = split(items, parts) if items or is_eskd else []
    bodies = [template.render(**common, page_css=page_css, doc="body", items=run, last=n == len(runs) - 1,
                              trailing=book.trailing) for n, run in enumerate(runs)]
    rows = toc_rows(book)

    def front(pages: dict[str, int] | None) -> str:
        return template.render(
            **common, page_css=page_css, doc="front", pm_date=obj.issue_date or "",
            applicability=facts["applicability"], designation=block.designation if block else facts["designation"],
            product=product_statement(book), title_part=title_part, parts=book.parts, toc=rows, pages=pages or {},
            last=not runs, trailing=book.trailing)

    appendix = None
    if ul is not None:
        from ietm.sign.ul import render_html

        appendix = template.render(**common, page_css=_page_css(style, lang, ul_block), doc="ul",
                                   ul=Markup(render_html(ul, lang, standalone=False)))
    documents = [front(None), *bodies] + ([appendix] if appendix else [])
    fix = link_across(documents)
    return Composition(lambda pages: fix(0, front(pages)), [fix(n + 1, html) for n, html in enumerate(bodies)],
                       fix(len(documents) - 1, appendix) if appendix else None)
