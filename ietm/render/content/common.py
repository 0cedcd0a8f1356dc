"""The elements every content type shares: paragraphs, inline markup, links, lists, notes, warnings,
cautions, CALS tables and figures."""

from __future__ import annotations

import re

from lxml import etree
from markupsafe import Markup

from ietm.parse.codes import Issue, Language, PmCode, issue_text, language_text
from ietm.parse.model import dm_ref_key
from ietm.errors import InputError
from ietm.render.content.base import (EMPTY, Html, applic_statement, child, children_named, first_two, handles, number,
                                      text_of)
from ietm.render.content.cir import guard_from_repository
from ietm.render.content.fastmarkup import FastMarkup, escape, escape_str, markup

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


# -- paragraphs and inline markup ------------------------------------------------------------------------


@handles("para", "simplePara", "paraBasic", "notePara", "warningAndCautionPara", "commonInfoDescrPara",
         "copyrightPara", "captionLine", "attentionListItemPara", "simpleRefPara", "reducedListItemPara",
         "checkListPara", "simpleRemark", "action", leaf=('<p class="para">', "</p>"))
def para(r: Html, el: etree._Element) -> Markup:
    return FastMarkup(f'<p{r.attrs(el, "para")}>{r.inner(el)}</p>')  # the commonest element: no format() cost


@handles("emphasis")
def emphasis(r: Html, el: etree._Element) -> Markup:
    kind = el.get("emphasisType", "em01")
    tag = {"em01": "strong", "em02": "em", "em03": "u", "em04": "strong", "em05": "s"}.get(kind, "strong")
    return FastMarkup("<{0} class=\"emph {1}\">{2}</{0}>").format(FastMarkup(tag), kind, r.inner(el))


@handles("subScript")
def sub(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<sub>{}</sub>").format(r.inner(el))


@handles("superScript")
def sup(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<sup>{}</sup>").format(r.inner(el))


@handles("verbatimText")
def verbatim(r: Html, el: etree._Element) -> Markup:
    if el.get("verbatimStyle") in ("vs11", "vs23", "vs24") or "\n" in (el.text or ""):
        return FastMarkup('<pre class="verbatim">{}</pre>').format(r.inner(el))
    return FastMarkup('<code class="verbatim">{}</code>').format(r.inner(el))


@handles("changeInline", "inlineSignificantData", "quantity", "quantityGroup", "quantityValue", "quantityTolerance",
         "dimension", "name", "shortName", "descr", "reqQuantity", "identNumber", "partAndSerialNumber",
         "manufacturerCode", "partNumber", "serialNumber", "natoStockNumber", "functionalPhysicalAreaRef",
         "materialSetRef", "enterpriseRef", "applicRef")  # repository references: ietm.render.content.cir
def inline_span(r: Html, el: etree._Element) -> Markup:
    """Inline data whose element name matters to software but whose text is what a reader needs."""
    label = _INLINE_LABELS.get(el.tag)
    value = r.inner(el)
    if not text_of(el):  # an empty reference (<zoneRef zoneNumber="..."/>): its identifying values are its text
        refs = [v for k, v in el.attrib.items() if k.endswith(("Value", "Number", "Code", "Ident"))]
        value = FastMarkup(" ").join(FastMarkup('<span class="v">{}</span>').format(v) for v in refs) + value
    unit = el.get("unitOfMeasure") or el.get("quantityUnitOfMeasure")
    if unit:
        value = FastMarkup('{} <span class="unit">{}</span>').format(value, r.name("unit", unit))
    if label:
        return FastMarkup('<span{}><span class="k">{}</span> {}</span>').format(
            r.attrs(el, f"fld {el.tag}"), r.t(label), value)
    return FastMarkup("<span{}>{}</span>").format(r.attrs(el, el.tag), value)


_INLINE_LABELS = {
    "manufacturerCode": "cage", "partNumber": "part_number", "natoStockNumber": "nsn", "serialNumber": "serial",
}


@handles("acronym")
def acronym(r: Html, el: etree._Element) -> Markup:
    term = child(el, "acronymTerm")
    definition = child(el, "acronymDefinition")
    if term is not None:
        r.seen.add(term)
    r.consume(definition)  # read as the title of the term
    shown = r.inner(term) if term is not None else escape(text_of(el))
    meaning = text_of(definition)
    return FastMarkup('<abbr{} title="{}">{}</abbr>').format(r.attrs(el, "acronym"), meaning, shown)


@handles("acronymTerm")
def acronym_term(r: Html, el: etree._Element) -> Markup:
    """A term that refers to an acronym defined elsewhere (internalRefId)."""
    target = r.ids.get(el.get("internalRefId") or "")
    meaning = text_of(child(target, "acronymDefinition")) if target is not None else ""
    return FastMarkup('<abbr class="acronym" title="{}">{}</abbr>').format(meaning, r.inner(el))


@handles("acronymDefinition")
def acronym_definition(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<span class="acronym-def">({})</span>').format(r.inner(el))


@handles("footnote")
def footnote(r: Html, el: etree._Element) -> Markup:
    n = len(r.footnotes) + 1
    ident = el.get("id") or f"fn-{n}"
    mark = el.get("footnoteMark") or str(n)
    r.footnotes.append((ident, FastMarkup("{}").format(r.children(el))))
    return FastMarkup('<sup class="fn-ref"><a href="#{0}" id="{0}-ref">{1}</a></sup>').format(ident, mark)


@handles("footnoteRef")
def footnote_ref(r: Html, el: etree._Element) -> Markup:
    target = el.get("internalRefId", "")
    return FastMarkup('<sup class="fn-ref"><a href="#{}">*</a></sup>').format(target)


@handles("symbol")
def symbol(r: Html, el: etree._Element) -> Markup:
    return icn_image(r, el, el.get("infoEntityIdent", ""), "symbol", alt=r.t("symbol"))


@handles("indexFlag")
def index_flag(r: Html, el: etree._Element) -> Markup:
    """Index terms feed the search index, not the page; shown only to screen readers' search."""
    return FastMarkup('<span class="index-flag" hidden data-index="{}"></span>').format(
        " / ".join(v for k, v in sorted(el.attrib.items()) if k.startswith("indexLevel")))


@handles("title", leaf=('<div class="title">', "</div>"))
def title(r: Html, el: etree._Element) -> Markup:
    """A title whose parent renders it in place (levelledPara, step...) never reaches here; others are headings."""
    return FastMarkup('<div{}>{}</div>').format(r.attrs(el, "title"), r.inner(el))


@handles("referencedApplicGroup", "referencedApplicGroupRef")
def applic_group(r: Html, el: etree._Element) -> Markup:
    """The module's applicability annotations: shown on the elements that refer to them (data-applic), and
    listed once, folded, for a writer checking them: each with its display text and its statement spelled out
    (an annotation kept in an applicability repository is looked up there)."""
    r.consume(el)
    items = []
    for entry in el:
        if not isinstance(entry.tag, str) or entry.tag not in ("applic", "applicRef"):
            continue
        applic = r.resolve_applic(entry)
        source = FastMarkup(' <span class="code">{}</span>').format(entry.get("applicIdentValue")) \
            if entry.tag == "applicRef" else EMPTY
        if applic is None:
            items.append(FastMarkup('<li><span class="code">{}</span>{} {}</li>').format(
                entry.get("id", ""), source, r.t("applic_missing", ref=entry.get("applicIdentValue", ""))))
            continue
        shown = text_of(child(applic, "displayText"))
        statement = applic_statement(r, applic)
        items.append(FastMarkup('<li><span class="code">{}</span>{} {}{}</li>').format(
            entry.get("id", ""), source, shown or statement,
            FastMarkup(' <span class="applic-statement">({})</span>').format(statement) if shown and statement else EMPTY))
    if not items:
        return EMPTY
    return FastMarkup('<details class="applic-annotations"><summary>{}</summary><ul>{}</ul></details>').format(
        r.t("applic_annotations"), FastMarkup("").join(items))


# -- references --------------------------------------------------------------------------------------------


def broken(r: Html, shown: str, ref: str) -> Markup:
    return markup(f'<span class="broken-ref" data-ref="{escape_str(ref)}" title="{escape_str(r.t("broken_ref"))}">'
                  f'⚠ {escape_str(shown)}</span>')


@handles("dmRef")
def dm_ref(r: Html, el: etree._Element) -> Markup:
    r.consume(el)
    ident, address = first_two(el, "dmRefIdent", "dmRefAddressItems")
    key = dm_ref_key(ident) if ident is not None else None
    if key is None:
        return broken(r, text_of(el) or "dmRef", "dmRef")
    title = ""
    title_el = child(address, "dmTitle") if address is not None else None
    if title_el is not None:
        tech, info = (text_of(c) for c in first_two(title_el, "techName", "infoName"))
        title = f"{tech} - {info}" if info else tech
    title = title or r.ctx.titles(key) or ""
    issue, language = first_two(ident, "issueInfo", "language")
    url = r.ctx.links.dm(key, issue_text(issue), language_text(language), el.get("referredFragment"))
    if url is None:
        return broken(r, f"{key} {title}".strip(), key)
    key = escape_str(key)
    code = f' <span class="code">{key}</span>' if title else ""
    return markup(f'<a{r.attrs(el, "ref dmref")} href="{escape_str(url)}" data-key="{key}">'
                  f'{escape_str(title) if title else key}</a>{code}')


@handles("pmRef")
def pm_ref(r: Html, el: etree._Element) -> Markup:
    r.consume(el)
    code = el.find("pmRefIdent/pmCode")
    try:
        key = f"PMC-{PmCode.from_xml(code)}" if code is not None else None
    except InputError:
        key = None
    if key is None:
        return broken(r, text_of(el) or "pmRef", "pmRef")
    ident = child(el, "pmRefIdent")
    issue = Issue.from_xml(child(ident, "issueInfo"))
    lang = Language.from_xml(child(ident, "language"))
    title = text_of(el.find("pmRefAddressItems/pmTitle")) or r.ctx.titles(key) or ""
    url = r.ctx.links.pm(key, str(issue) if issue else None, str(lang) if lang else None)
    if url is None:
        return broken(r, f"{key} {title}".strip(), key)
    code = FastMarkup(' <span class="code">{}</span>').format(key) if title else EMPTY
    return FastMarkup('<a{} href="{}" data-key="{}">{}</a>{}').format(r.attrs(el, "ref pmref"), url, key, title or key, code)


@handles("externalPubRef")
def external_pub_ref(r: Html, el: etree._Element) -> Markup:
    r.consume(el)
    ident = child(el, "externalPubRefIdent")
    code = text_of(child(ident, "externalPubCode")) if ident is not None else ""
    title = text_of(child(ident, "externalPubTitle")) if ident is not None else ""
    issue = text_of(child(ident, "externalPubIssueInfo")) if ident is not None else ""
    shown = " ".join(x for x in (title, code, issue) if x) or text_of(el)
    href = el.get(XLINK_HREF, "")
    if href.lower().startswith(("http://", "https://")):
        return FastMarkup('<a class="ref extref" href="{}" rel="noopener noreferrer" target="_blank">{}</a>').format(
            href, shown)
    return FastMarkup('<cite class="ref extref">{}</cite>').format(shown)


def target_label(r: Html, target: etree._Element) -> str:
    """What a reference to an element of this module says when it has no text of its own."""
    tag = target.tag
    n = r.numbers.get(target)
    if tag == "figure":
        return r.t("fig_n", n=n or "?") + (f" {text_of(child(target, 'title'))}" if child(target, "title") is not None else "")
    if tag == "table":
        return r.t("table_n", n=n or "?")
    if tag == "proceduralStep":
        return r.t("step_n", n=n or "?")
    if tag == "levelledPara":
        return r.t("para_n", n=n or "?")
    if tag == "graphic":
        parent = target.getparent()
        sheet = 1 + sum(1 for _ in target.itersiblings("graphic", preceding=True))
        return r.t("fig_n", n=r.numbers.get(parent, "?")) + " " + r.t("sheet_n", n=sheet)
    if tag == "hotspot":
        return target.get("hotspotTitle") or target.get("applicationStructureName") or target.get("id", "")
    for name in ("name", "shortName", "title", "descrForPart", "warningAndCautionPara", "notePara"):
        found = child(target, name)
        if found is not None and text_of(found):
            return text_of(found)
    return text_of(target)[:80] or target.get("id", "")


@handles("internalRef")
def internal_ref(r: Html, el: etree._Element) -> Markup:
    ident = el.get("internalRefId", "")
    target = r.ids.get(ident)
    content = r.inner(el)
    if target is None:
        return broken(r, text_of(el) or ident, ident)
    shown = content if text_of(el) else escape(target_label(r, target))
    extra = FastMarkup("")
    if target.tag == "hotspot":
        extra = FastMarkup(' data-hotspot="{}"').format(ident)
    return FastMarkup('<a class="ref iref" href="#{}" data-target-type="{}"{}>{}</a>').format(
        ident, el.get("internalRefTargetType", target.tag), extra, shown)


@handles("refs")
def refs(r: Html, el: etree._Element) -> Markup:
    items = FastMarkup("").join(FastMarkup("<li>{}</li>").format(r.render(c)) for c in el if isinstance(c.tag, str))
    return FastMarkup('<section class="refs"><h2>{}</h2><ul>{}</ul></section>').format(r.t("references"), items)


# -- lists ---------------------------------------------------------------------------------------------------


@handles("randomList", "attentionRandomList", "reducedRandomList")
def random_list(r: Html, el: etree._Element) -> Markup:
    style = el.get("listItemPrefix", "pf02")
    return FastMarkup('<ul{}>{}{}</ul>').format(r.attrs(el, f"list {style}"), _list_title(r, el), r.children(el))


@handles("sequentialList", "attentionSequentialList")
def sequential_list(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<ol{}>{}{}</ol>').format(r.attrs(el, "list"), _list_title(r, el), r.children(el))


def _list_title(r: Html, el: etree._Element) -> Markup:
    t = child(el, "title")
    if t is None:
        return EMPTY
    r.seen.add(t)
    return FastMarkup('<li class="list-title">{}</li>').format(r.inner(t))


@handles("listItem", "attentionRandomListItem", "attentionSequentialListItem", "reducedRandomListItem")
def list_item(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<li{}>{}</li>").format(r.attrs(el), r.inner(el))


@handles("definitionList")
def definition_list(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<dl{}>{}</dl>').format(r.attrs(el, "deflist"), r.inner(el))


@handles("definitionListHeader")
def definition_header(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<div class="deflist-head">{}</div>').format(r.children(el))


@handles("termTitle", "definitionTitle")
def definition_titles(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<span class="{}">{}</span>').format(el.tag, r.inner(el))


@handles("definitionListItem")
def definition_item(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, "deflist-item"), r.children(el))


@handles("listItemTerm")
def term(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<dt{}>{}</dt>").format(r.attrs(el), r.inner(el))


@handles("listItemDefinition")
def definition(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<dd{}>{}</dd>").format(r.attrs(el), r.inner(el))


# -- notes, warnings, cautions ---------------------------------------------------------------------------


@handles("note")
def note(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<aside{} role="note"><span class="adm-label">{}</span>{}</aside>').format(
        r.attrs(el, "note"), r.t("note"), r.children(el))


@handles("warning", "caution")
def warning(r: Html, el: etree._Element, ack: str | None = None) -> Markup:
    """A warning or caution; inside a procedure it carries an acknowledge button (ack id) that unlocks steps."""
    kind = el.tag
    body = r.children(el)
    button = EMPTY
    extra = EMPTY
    if ack:
        extra = FastMarkup(' data-ack="{}"').format(ack)
        button = FastMarkup('<button type="button" class="ack-btn" data-ack-for="{}">{}</button>').format(
            ack, r.t("acknowledge"))
    return FastMarkup('<aside{}{} role="note" aria-label="{}"><span class="adm-label">{}</span>{}{}</aside>').format(
        r.attrs(el, f"adm {kind}"), extra, r.t(kind), r.t(kind), body, button)


@handles("warningRef", "cautionRef")
def warning_ref(r: Html, el: etree._Element, ack: str | None = None) -> Markup:
    """A warning/caution kept in a common information repository module: its text from the repository where
    the CSDB has it (cir), else named and linked; acknowledged either way."""
    resolved = guard_from_repository(r, el, ack)
    if resolved is not None:
        return resolved
    kind = "warning" if el.tag == "warningRef" else "caution"
    ident = el.get("warningIdentNumber") or el.get("cautionIdentNumber") or el.get("id", "")
    link = r.children(el)
    extra = FastMarkup(' data-ack="{}"').format(ack) if ack else EMPTY
    button = FastMarkup('<button type="button" class="ack-btn" data-ack-for="{}">{}</button>').format(
        ack, r.t("acknowledge")) if ack else EMPTY
    return FastMarkup('<aside{}{} role="note" aria-label="{}"><span class="adm-label">{}</span><p>{} {}</p>{}</aside>').format(
        r.attrs(el, f"adm {kind} adm-ref", data_repository_ref=ident), extra, r.t(kind), r.t(kind),
        r.t("see_repository", ident=ident), link, button)


@handles("warningsAndCautions", "warningsAndCautionsRef")
def warnings_and_cautions(r: Html, el: etree._Element) -> Markup:
    """The module's pool of warnings and cautions: each is shown where a warningRefs/cautionRefs names it."""
    return EMPTY


def referenced_guards(r: Html, el: etree._Element) -> list[etree._Element]:
    """The warnings and cautions an element names in its warningRefs / cautionRefs attributes."""
    found = []
    for ident in (el.get("warningRefs", "") + " " + el.get("cautionRefs", "")).split():
        target = r.ids.get(ident)
        if target is not None:
            found.append(target)
    return found


# -- tables (CALS) ---------------------------------------------------------------------------------------


@handles("table")
def table(r: Html, el: etree._Element) -> Markup:
    t = child(el, "title")
    caption = EMPTY
    if t is not None:
        r.seen.add(t)
        caption = FastMarkup("<caption>{} {}</caption>").format(r.t("table_n", n=r.numbers.get(el, "")), r.inner(t))
    body = FastMarkup("").join(r.render(c) for c in el if c.tag != "title")
    if child(el, "tgroup") is None:
        return FastMarkup('<figure{}>{}{}</figure>').format(r.attrs(el, "table-graphic"), caption, body)
    return FastMarkup('<div class="table-wrap"><table{}>{}{}</table></div>').format(r.attrs(el, "cals"), caption, body)


@handles("tgroup")
def tgroup(r: Html, el: etree._Element) -> Markup:
    cols = number(el.get("cols"), 0)
    colnames: dict[str, int] = {}
    widths: list[str] = []
    n = 0
    for spec in children_named(el, "colspec"):
        r.seen.add(spec)
        n = number(spec.get("colnum"), n + 1)
        if spec.get("colname"):
            colnames[spec.get("colname")] = n
        widths.append(spec.get("colwidth", ""))
    spans: dict[str, tuple[str, str]] = {}
    for spec in children_named(el, "spanspec"):
        r.seen.add(spec)
        spans[spec.get("spanname", "")] = (spec.get("namest", ""), spec.get("nameend", ""))
    grid = _Grid(max(cols, len(widths)), colnames, spans)
    parts = [FastMarkup('<colgroup>{}</colgroup>').format(FastMarkup("").join(
        FastMarkup('<col style="width:{}">').format(w) if w and not w.endswith("*") else FastMarkup("<col>")
        for w in widths))] if widths else []
    for section in el:
        if section.tag in ("thead", "tfoot", "tbody"):
            r.seen.add(section)
            cell = "th" if section.tag == "thead" else "td"
            rows = _rows(r, section, grid, cell)
            parts.append(FastMarkup("<{0}{1}>{2}</{0}>").format(FastMarkup(section.tag), r.attrs(section), rows))
    return FastMarkup("").join(parts)


class _Grid:
    """Column positions of a tgroup: spans by colname/namest/nameend/spanname and rows covered by morerows."""

    def __init__(self, cols: int, colnames: dict[str, int], spans: dict[str, tuple[str, str]]) -> None:
        self.cols = cols
        self.colnames = colnames
        self.spans = spans

    def span(self, entry: etree._Element, default_col: int) -> tuple[int, int]:
        name = entry.get("spanname")
        start_name, end_name = self.spans.get(name, ("", "")) if name else (entry.get("namest"), entry.get("nameend"))
        start = self.colnames.get(start_name or entry.get("colname") or "", default_col)
        end = self.colnames.get(end_name or "", start)
        return start, max(end, start)


def _rows(r: Html, section: etree._Element, grid: _Grid, cell: str) -> Markup:
    covered: dict[int, int] = {}  # column -> rows still covered by a morerows above
    out = []
    for row in section:
        r.seen.add(row)
        if row.tag == "colspec":  # a section may restate the column specifications; the tgroup's rule
            continue
        if row.tag != "row":
            out.append(r.render(row))
            continue
        col = 1
        cells = []
        taken = {c for c, left in covered.items() if left > 0}
        for entry in row:
            if entry.tag != "entry":
                cells.append(r.render(entry))
                continue
            r.seen.add(entry)
            while col in taken:
                col += 1
            start, end = grid.span(entry, col)
            while start in taken:
                start, end = start + 1, end + 1
            more = max(number(entry.get("morerows"), 0), 0)
            for c in range(start, end + 1):
                if more:
                    covered[c] = more + 1
            attrs = ""  # numbers and whitelisted keywords only: nothing here needs escaping
            if end > start:
                attrs += f' colspan="{end - start + 1}"'
            if more:
                attrs += f' rowspan="{more + 1}"'
            align, valign = entry.get("align"), entry.get("valign")
            style = ";".join(s for s in (
                f"text-align:{align}" if align in ("left", "right", "center", "justify") else "",
                f"vertical-align:{valign}" if valign in ("top", "middle", "bottom") else "") if s)
            if style:
                attrs += f' style="{style}"'
            tag = "th" if cell == "th" or entry.get("role") == "rowheader" else "td"
            cells.append(f"<{tag}{r.attrs(entry)}{attrs}>{r.inner(entry)}</{tag}>")
            col = end + 1
        for c in list(covered):
            covered[c] -= 1
        out.append(f"<tr{r.attrs(row)}>{''.join(cells)}</tr>")
    return FastMarkup("".join(out))  # cells are rendered markup; other rows' parts come from renderers


# -- figures and illustrations ----------------------------------------------------------------------------


def icn_image(r: Html, el: etree._Element, entity: str, cls: str, alt: str) -> Markup:
    """An illustration by its ICN entity: an <img> of the browser-displayable file, or a placeholder naming it."""
    file_name = r.ctx.doc.entities.get(entity)
    url = r.ctx.links.icn(file_name) if file_name else None
    if url is None:
        return FastMarkup('<div class="icn-missing" data-icn="{0}" role="img" aria-label="{1}">{1}</div>').format(
            entity, r.t("icn_missing", name=file_name or entity))
    return FastMarkup('<img class="{}" src="{}" alt="{}" data-icn="{}" loading="lazy">').format(cls, url, alt, entity)


@handles("figure")
def figure(r: Html, el: etree._Element) -> Markup:
    t = child(el, "title")
    title_html = EMPTY
    if t is not None:
        r.seen.add(t)
        title_html = r.inner(t)
    graphics = [g for g in el.iter("graphic")]
    sheets = len(graphics)
    body = []
    for part in el:
        if part.tag == "title":
            continue
        if part.tag == "graphic":
            body.append(graphic(r, part, sheets=sheets, fig_title=text_of(t)))
        else:
            body.append(r.render(part))
    caption = FastMarkup('<figcaption><span class="fig-no">{}</span> {}</figcaption>').format(
        r.t("fig_n", n=r.numbers.get(el, "")), title_html)
    return FastMarkup('<figure{}>{}{}</figure>').format(
        r.attrs(el, "figure", data_sheets=sheets), FastMarkup("").join(body), caption)


@handles("graphic")
def graphic(r: Html, el: etree._Element, sheets: int = 1, fig_title: str = "") -> Markup:
    r.seen.add(el)
    sheet = 1 + sum(1 for _ in el.itersiblings("graphic", preceding=True))
    entity = el.get("infoEntityIdent", "")
    alt = f"{fig_title} ({r.t('sheet_of', n=sheet, total=sheets)})" if sheets > 1 else fig_title
    img = icn_image(r, el, entity, "icn", alt or entity)
    hotspots = [h for h in el if h.tag == "hotspot"]
    spots = EMPTY
    if hotspots:
        spots = FastMarkup('<ol class="hotspots">{}</ol>').format(FastMarkup("").join(r.render(h) for h in hotspots))
    others = FastMarkup("").join(r.render(c) for c in el if c.tag != "hotspot")
    label = FastMarkup('<div class="sheet-no">{}</div>').format(r.t("sheet_of", n=sheet, total=sheets)) if sheets > 1 else EMPTY
    return FastMarkup('<div{} data-sheet="{}">{}{}{}{}</div>').format(
        r.attrs(el, "sheet"), sheet, label, img, spots, others)


_NUMBERED = re.compile(r"^\s*(\d+[A-Z]?)[.)]\s+(.*)$")


@handles("hotspot")
def hotspot(r: Html, el: etree._Element) -> Markup:
    name = el.get("hotspotTitle") or el.get("objectDescr") or ""
    callout = el.get("applicationStructureName", "")
    numbered = _NUMBERED.match(name)
    if numbered and (not callout or callout == numbered.group(1)):
        callout, name = numbered.group(1), numbered.group(2)  # "1. Oil filter": the callout is in the title
    nested = FastMarkup("").join(r.render(c) for c in el)
    r.scripts.add("parts.js")  # callouts and the text or parts rows that name them point at each other
    ident = el.get("id", "")
    return FastMarkup('<li><a{} href="#{}" data-hotspot="{}" data-aps="{}" data-callout="{}">'
                  '<span class="callout">{}</span> {}</a>{}</li>').format(
        r.attrs(el, "hotspot"), ident, ident, el.get("applicationStructureIdent", ""), callout, callout, name, nested)


@handles("multimedia")
def multimedia(r: Html, el: etree._Element) -> Markup:
    t = child(el, "title")
    title_html = r.inner(t) if t is not None else EMPTY
    if t is not None:
        r.seen.add(t)
    body = FastMarkup("").join(r.render(c) for c in el if c.tag != "title")
    return FastMarkup('<figure{}>{}<figcaption>{} {}</figcaption></figure>').format(
        r.attrs(el, "multimedia"), body, r.t("media_n", n=r.numbers.get(el, "")), title_html)


@handles("multimediaObject")
def multimedia_object(r: Html, el: etree._Element) -> Markup:
    entity = el.get("infoEntityIdent", "")
    file_name = r.ctx.doc.entities.get(entity)
    url = r.ctx.links.icn(file_name) if file_name else None
    r.consume(el)
    if url is None:
        return FastMarkup('<div class="icn-missing" data-icn="{0}">{1}</div>').format(
            entity, r.t("icn_missing", name=file_name or entity))
    lower = (file_name or "").lower()
    if lower.endswith((".mp4", ".webm")):
        return FastMarkup('<video controls src="{}" data-icn="{}"></video>').format(url, entity)
    if lower.endswith((".png", ".jpg", ".jpeg", ".gif", ".svg")):
        return FastMarkup('<img class="icn" src="{}" alt="{}" data-icn="{}">').format(url, entity, entity)
    return FastMarkup('<div class="icn-unplayable" data-icn="{0}">{1} <a href="{2}" download>{3}</a></div>').format(
        entity, r.t("media_unplayable", name=file_name), url, r.t("download"))


@handles("figureAlts", "multimediaAlts", "commonInfoDescrParaAlts", "actionAlts", "messageAlts", "bitMessageAlts",
         "correlatedFaultAlts", "detectedFaultAlts", "isolatedFaultAlts", "observedFaultAlts", "taskDefinitionAlts",
         "warningMalfunctionAlts", "assocWarningMalfunctionAlts", "electricalEquipAlts", "harnessAlts", "wireAlts",
         "supplyRqmtAlts")
def alternatives(r: Html, el: etree._Element) -> Markup:
    """Alternatives for different products: all are rendered with their applicability; the viewer's
    applicability script keeps the one that applies to the selected product."""
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, f"alts {el.tag}"), r.children(el))


@handles("foldout")
def foldout(r: Html, el: etree._Element) -> Markup:
    """A fold-out page of the printed manual: on screen, its figures and tables in place."""
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, "foldout"), r.children(el))


@handles("legend")
def legend(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<div class="legend">{}</div>').format(r.children(el))


@handles("captionGroup", "captionBody", "captionRow", "captionEntry", "caption", "captionText")
def caption(r: Html, el: etree._Element) -> Markup:
    """Captions imitate the labels of physical panels and lamps: small boxed texts, in a grid of `cols`."""
    tag = {"captionGroup": "span", "captionBody": "span", "captionRow": "span"}.get(el.tag, "span")
    cols = el.get("cols") if el.tag == "captionGroup" else None
    style = FastMarkup(' style="grid-template-columns:repeat({},auto)"').format(int(cols)) if cols and cols.isdigit() else EMPTY
    return FastMarkup('<{0}{1}{2}>{3}</{0}>').format(FastMarkup(tag), r.attrs(el, el.tag), style, r.inner(el))


@handles("colspec", "spanspec")
def layout_spec(r: Html, el: etree._Element) -> Markup:
    """Column specifications only shape the grid their parent draws; they hold no text."""
    return EMPTY


def render_guard(r: Html, el: etree._Element, ack: str | None) -> Markup:
    """A warning or caution (or a reference to one), to be acknowledged before the steps it guards (ack), or
    shown where it applies (no ack: a descriptive paragraph)."""
    r.seen.add(el)
    if el.tag in ("warningRef", "cautionRef"):
        return warning_ref(r, el, ack)
    return warning(r, el, ack)
