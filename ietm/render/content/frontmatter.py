"""Front matter: the title page (product, title, issue, restrictions, illustration), lists of data modules
as tables of linked entries, and the table of contents."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, Html, handles
from ietm.render.content.records import register
from ietm.render.content.fastmarkup import FastMarkup


@handles("frontMatter")
def front_matter(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, "front-matter"), r.children(el))


@handles("frontMatterTitlePage")
def title_page(r: Html, el: etree._Element) -> Markup:
    title = el.find("pmTitle")
    intro = el.find("productIntroName")
    head = []
    if intro is not None:
        head.append(FastMarkup('<p class="tp-intro">{}</p>').format(r.text(intro)))
    if title is not None:
        head.append(FastMarkup('<h1 class="tp-title">{}</h1>').format(r.inner(title)))
        r.seen.add(title)
    rest = FastMarkup("").join(r.render(c) for c in el if c.tag not in ("pmTitle", "productIntroName"))
    return FastMarkup('<section{}>{}<div class="tp-body">{}</div></section>').format(
        r.attrs(el, "title-page"), FastMarkup("").join(head), rest)


@handles("productIllustration")
def illustration(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<div class="tp-illustration">{}</div>').format(r.children(el))


@handles("publisherLogo")
def publisher_logo(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<div class="tp-logo">{}</div>').format(r.children(el))


@handles("frontMatterList", "frontMatterTableOfContent")
def fm_list(r: Html, el: etree._Element) -> Markup:
    title = el.find("title")
    head = EMPTY
    if title is not None:
        r.seen.add(title)
        head = FastMarkup("<h2>{}</h2>").format(r.inner(title))
    return FastMarkup('<section{}>{}{}</section>').format(r.attrs(el, el.tag), head, r.inner(el, ("title",)))


@handles("frontMatterSubList", "tocList")
def sub_list(r: Html, el: etree._Element) -> Markup:
    title = el.find("title")
    head = EMPTY
    if title is not None:
        r.seen.add(title)
        head = FastMarkup("<caption>{}</caption>").format(r.inner(title))
    rows = FastMarkup("").join(r.render(c) for c in el if c.tag != "title")
    return FastMarkup('<div class="table-wrap"><table{}>{}<tbody>{}</tbody></table></div>').format(
        r.attrs(el, "fm-table"), head, rows)


@handles("frontMatterDmEntry", "frontMatterPmEntry", "frontMatterExternalPubEntry", "tocEntry")
def entry(r: Html, el: etree._Element) -> Markup:
    ref = next((c for c in el if c.tag in ("dmRef", "pmRef", "externalPubRef")), None)
    date = ref.find("dmRefAddressItems/issueDate") if ref is not None else None
    issue = ref.find(".//issueInfo") if ref is not None else None
    link = r.render(ref) if ref is not None else EMPTY
    nested = FastMarkup("").join(r.render(c) for c in el if c is not ref)
    issue_text = f"{issue.get('issueNumber')}-{issue.get('inWork', '00')}" if issue is not None else ""
    date_text = "-".join(date.get(k, "") for k in ("year", "month", "day")) if date is not None else ""
    flags = " ".join(f"{k}={v}" for k, v in el.attrib.items() if k not in ("id", "applicRefId"))
    return FastMarkup('<tr{}><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>').format(
        r.attrs(el), link, nested, issue_text, date_text, flags)


register(
    "productIntroName", "pmTitle", "shortPmTitle", "pmCode", "productAndModel", "productName", "productModel",
    "security", "dataRestrictions", "restrictionInstructions", "restrictionInfo", "dataDistribution",
    "exportControl", "exportRegistrationStmt", "dataHandling", "dataDestruction", "dataDisclosure", "copyright",
    "policyStatement", "dataConds", "frontMatterInfo", "reducedPara", "barCode", "barCodeSymbology",
    "enterpriseSpec", "enterpriseLogo", "tocEntryGroup", "frontMatterInfoGroup",
)
