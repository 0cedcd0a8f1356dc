"""The book as one HTML document for the paged-media engine: title page, table of contents, list of effective
data modules, the modules, and in the ЕСКД style the revision record sheet and the information-certifying sheet.

Templates: viewer/templates/paper/ (book.html, pages.css); print stylesheet: viewer/static/css/paper.css, which
styles the classes of the viewer's renderers for paper (what only a screen can do is left out).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, select_autoescape
from ietm import __version__
from ietm.paper import eskd
from ietm.paper.book import Book, Part
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


def compose(book: Book, style: str = "s1000d", block: eskd.TitleBlock | None = None, ul: dict | None = None) -> str:
    """The HTML of the whole book."""
    global _ENV
    if _ENV is None:
        _ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                           trim_blocks=True, lstrip_blocks=True)
    lang = book.language

    def t(key: str, **values: object) -> str:
        return word(key, lang, **values)

    facts = pm_facts(book)
    is_eskd = style == "eskd"
    page_css = _ENV.get_template("paper/pages.css").render(
        eskd=is_eskd,
        module_pages=_css_content(word("module_pages_of", lang), "counter(dmpage)", "string(dmtotal)"),
        document_pages=_css_content(word("pages_of", lang), "counter(page)", "counter(pages)"),
        first_sheet=eskd.data_uri(eskd.first_sheet(block)) if is_eskd and block else "",
        next_sheet=eskd.data_uri(eskd.next_sheet(block)) if is_eskd and block else "",
        title_sheet=eskd.data_uri(eskd.title_sheet(block)) if is_eskd and block else "",
    )
    obj = book.pub.obj
    return _ENV.get_template("paper/book.html").render(
        lang=lang, t=t, style=style, eskd=is_eskd, version=__version__,
        stylesheets=[(STATIC / "css" / "paper.css").as_uri()],
        page_css=page_css, pm_title=facts["title"], pm_key=obj.key, pm_issue=obj.issue or "",
        pm_date=obj.issue_date or "", applicability=facts["applicability"], organisation=facts["organisation"],
        designation=block.designation if block else facts["designation"], product=product_statement(book),
        title_part=None if is_eskd else book.title_part, parts=book.parts, items=book.items, trailing=book.trailing, toc=toc_rows(book),
        ul=ul, block=block,
    )

