"""Descriptive modules: levelled paragraphs as numbered, nested sections with real headings."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, Html, child, handles
from ietm.render.content.common import referenced_guards, render_guard
from ietm.render.content.fastmarkup import FastMarkup


@handles("description")
def description(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, "description"), r.children(el))


@handles("levelledPara", "levelledParaAlts")
def levelled_para(r: Html, el: etree._Element) -> Markup:
    if el.tag == "levelledParaAlts":
        return FastMarkup("<div{}>{}</div>").format(r.attrs(el, "alts"), r.children(el))
    depth = sum(1 for a in el.iterancestors("levelledPara"))
    level = min(2 + depth, 6)
    title = child(el, "title")
    head = EMPTY
    if title is not None:
        r.seen.add(title)
        head = FastMarkup('<h{0}{1}><span class="lp-no">{2}</span> {3}</h{0}>').format(
            level, r.attrs(title, "lp-title"), r.numbers.get(el, ""), r.inner(title))
    # warnings and cautions kept in a repository and named by warningRefs/cautionRefs come first, as in place
    guards = FastMarkup("").join(render_guard(r, g, None) for g in referenced_guards(r, el))
    return FastMarkup("<section{}>{}{}{}</section>").format(
        r.attrs(el, f"levelled-para lp{depth + 1}"), head, guards, r.inner(el, ("title",)))
