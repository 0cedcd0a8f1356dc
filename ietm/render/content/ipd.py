"""Illustrated parts data: the parts list as a table whose item numbers and the figure's callouts point at
each other, with "add to order" on every part (viewer/static/js/parts.js)."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, Html, handles, number, text_of
from ietm.render.content.common import figure
from ietm.render.content.records import register
from ietm.render.content.fastmarkup import FastMarkup, escape

COLUMNS = ("item", "part_number", "cage", "description", "units_per_assy", "unit_of_issue", "smr", "order")


@handles("illustratedPartsCatalog")
def catalog(r: Html, el: etree._Element) -> Markup:
    r.scripts.add("parts.js")
    csns = [c for c in el if c.tag == "catalogSeqNumber"]
    figures = [c for c in el if c.tag == "figure"]
    parts = []
    for child in el:
        if child.tag == "catalogSeqNumber":
            continue
        if child.tag == "figure":
            r.seen.add(child)
            number = f"{figures.index(child) + 1:02d}"
            parts.append(ipd_figure(r, child, number, [c for c in csns if c.get("figureNumber", number) == number]))
        else:
            parts.append(r.render(child))
    head = FastMarkup("").join(FastMarkup('<th scope="col">{}</th>').format(r.t(k)) for k in COLUMNS)
    rows = FastMarkup("").join(csn_rows(r, c) for c in csns)
    table = FastMarkup('<div class="table-wrap"><table class="parts-list"><thead><tr>{}</tr></thead><tbody>{}</tbody>'
                   '</table></div>').format(head, rows)
    return FastMarkup('<section{} data-ipd data-key="{}">{}{}</section>').format(
        r.attrs(el, "ipd"), r.ctx.obj.key, FastMarkup("").join(parts), table)


def ipd_figure(r: Html, el: etree._Element, number: str, csns: list[etree._Element]) -> Markup:
    """The figure, and when its graphics carry no hotspots, callouts made from the items it illustrates."""
    html = figure(r, el)
    if any(True for _ in el.iter("hotspot")):
        return html
    seen: list[str] = []
    for csn in csns:
        item = _callout(csn.get("item", ""))
        if item and item not in seen:
            seen.append(item)
    names = {(_callout(c.get("item", ""))): _descr(c) for c in reversed(csns)}
    spots = FastMarkup("").join(
        FastMarkup('<li><a class="hotspot" href="#{0}" data-callout="{1}" data-figure="{2}"><span class="callout">{1}</span>'
               ' {3}</a></li>').format(f"ipd-{number}-{item}", item, number, names.get(item, "")) for item in seen)
    return FastMarkup('<div class="ipd-figure" data-figure="{}">{}<ol class="hotspots ipd-callouts">{}</ol></div>').format(
        number, html, spots)


def _callout(item: str) -> str:
    stripped = item.lstrip("0")
    return stripped or ("0" if item else "")


def _descr(csn: etree._Element) -> str:
    return text_of(csn.find("itemSeqNumber/partSegment/itemIdentData/descrForPart"))


def csn_rows(r: Html, csn: etree._Element) -> Markup:
    r.seen.add(csn)
    fig = csn.get("figureNumber", "")
    item = _callout(csn.get("item", ""))
    variant = csn.get("itemVariant", "")
    indenture = min(max(number(csn.get("indenture"), 1), 1), 20)  # S1000D allows 1-9; a wild value must not blow up
    rows = []
    isns = [c for c in csn if c.tag == "itemSeqNumber"]
    for n, isn in enumerate(isns):
        rows.append(isn_row(r, csn, isn, fig, item + variant, indenture, first=n == 0))
    others = FastMarkup("").join(r.render(c) for c in csn if c.tag != "itemSeqNumber")
    if others:
        rows.append(FastMarkup('<tr class="csn-extra"><td colspan="{}">{}</td></tr>').format(len(COLUMNS), others))
    return FastMarkup("").join(rows)


def isn_row(r: Html, csn: etree._Element, isn: etree._Element, fig: str, item: str, indenture: int,
            first: bool) -> Markup:
    r.seen.add(isn)
    used = set()

    def take(path: str) -> etree._Element | None:
        found = isn.find(path)
        if found is not None:
            r.consume(found)
            used.add(path.split("/")[0])
        return found

    part_ref = take("partRef")
    pn = part_ref.get("partNumberValue", "") if part_ref is not None else ""
    cage = part_ref.get("manufacturerCodeValue", "") if part_ref is not None else ""
    qty = text_of(take("quantityPerNextHigherAssy"))
    segment = isn.find("partSegment")
    descr = unit = ""
    if segment is not None:
        r.seen.add(segment)
        ident = segment.find("itemIdentData")
        if ident is not None:
            r.seen.add(ident)
            d = ident.find("descrForPart")
            descr = r.text(d)
        tech = segment.find("techData")
        if tech is not None:
            u = tech.find("unitOfIssue")
            unit = r.text(u)
    smr = " ".join(text_of(s) for s in isn.iterfind("locationRcmdSegment/locationRcmd/sourceMaintRecoverability"))
    # everything not in the columns is kept, folded under the description
    detail_parts = []
    for child in isn:
        if child.tag in used:
            continue
        if child.tag == "partSegment":
            for sub in child:
                if sub.tag == "itemIdentData":
                    detail_parts.extend(r.render(c) for c in sub if c.tag != "descrForPart")
                elif sub.tag == "techData":
                    r.seen.add(sub)
                    detail_parts.extend(r.render(c) for c in sub if c.tag != "unitOfIssue")
                else:
                    detail_parts.append(r.render(sub))
        else:
            detail_parts.append(r.render(child))
    # f-strings over escaped values: a catalogue has thousands of rows (see bench/bench_content.py)
    e = escape
    details = "".join(detail_parts)
    more = f'<details class="part-more"><summary>…</summary>{details}</details>' if details else ""
    row_id = f"csn-{fig}-{csn.get('item', '')}{csn.get('itemVariant', '')}-{isn.get('itemSeqNumberValue', '')}"
    callout = e(_callout(csn.get("item", "")))
    # the catalogue sequence number (figure, item, item sequence) is what an order or a remark quotes
    csn_code = "-".join(x for x in (fig + csn.get("figureNumberVariant", ""), csn.get("item", "") +
                                    csn.get("itemVariant", ""), isn.get("itemSeqNumberValue", "")) if x)
    item_cell = (f'<a class="callout-link" href="#ipd-{e(fig)}-{callout}" data-callout="{callout}" '
                 f'data-figure="{e(fig)}">{e(item)}</a>' if first else "") + f' <span class="csn code">{e(csn_code)}</span>'
    order = ""
    if pn:
        order = (f'<button type="button" class="order-add" data-order-pn="{e(pn)}" data-order-cage="{e(cage)}"'
                 f' data-order-name="{e(descr)}" data-order-qty="1" data-order-unit="{e(unit)}"'
                 f' data-order-source="{e(r.ctx.obj.key)}" data-order-kind="ipd" data-order-figure="{e(fig)}"'
                 f' data-order-item="{e(item)}" data-order-qpa="{e(qty)}">{e(r.t("add_to_order"))}</button>')
    indent = f'<span class="indent" aria-hidden="true">{"•" * max(indenture - 1, 0)}</span>'
    return FastMarkup(
        f'<tr{r.attrs(isn, "part-row", id=row_id)} data-callout="{callout}" data-figure="{e(fig)}"'
        f' data-indenture="{indenture}"><td>{item_cell}</td><td class="pn">{e(pn)}</td><td>{e(cage)}</td>'
        f'<td>{indent}{e(descr)}{more}</td><td>{e(qty)}</td><td>{e(r.name("unit", unit))}</td><td>{e(smr)}</td>'
        f'<td>{order}</td></tr>')

register(
    "initialProvisioningProject", "reasonForSelection", "quantityPerNextHigherAssy", "partSegment",
    "itemIdentData", "techData", "descrForPart", "descrForLocation", "partKeyword", "unitOfIssue", "specialStorage",
    "partLocationSegment", "locationRcmdSegment", "locationRcmd", "service", "sourceMaintRecoverability",
    "modelVersion", "genericPartDataGroup", "genericPartData", "genericPartDataValue", "attachStoreShipPart",
    "applicabilitySegment", "usableOnCodeEquip", "usableOnCodeAssy", "procurementData", "physicalSecurityPilferageCode",
    "shelfLifeCode", "partCharacteristic", "materialSetGroup", "descrForPart", "maintRestrictions",
    "interchangeability", "electroStaticDischarge", "hazardousClass", "factoryReplaceable", "categoryOneContainerLocation",
    "selectOrManufactureFromIdent", "dataRestrictions", "selectOrManufacture", "referTo",
    "partSpec", "partIdent", "partAlts", "partUsage",
)
