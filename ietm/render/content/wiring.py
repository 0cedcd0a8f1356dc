"""Wiring data: wires, harnesses, connections and electrical equipment as labelled records (every code
and potential is on the page)."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import PREFIX_HANDLERS, Html, handles, text_of
from ietm.render.content.records import record, register
from ietm.render.content.fastmarkup import FastMarkup


@handles("wiringData", "wiringFields")
def wiring(r: Html, el: etree._Element) -> Markup:
    return FastMarkup("<div{}>{}</div>").format(r.attrs(el, "wiring"), r.children(el))


WIRE_COLUMNS = ("wire_number", "wire_from", "wire_to", "wire_type", "wire_gauge", "wire_colour", "part_number",
                "harness")


@handles("wireGroup")
def wire_group(r: Html, el: etree._Element) -> Markup:
    """The wire list as a table a technician can scan: number, both ends, type, gauge, colour; every other
    field of a wire is kept under its row."""
    head = FastMarkup("").join(FastMarkup('<th scope="col">{}</th>').format(r.t(k)) for k in WIRE_COLUMNS)
    rows = FastMarkup("").join(wire_row(r, w) if w.tag == "wire" else
                           FastMarkup('<tr><td colspan="{}">{}</td></tr>').format(len(WIRE_COLUMNS), r.render(w))
                           for w in el if isinstance(w.tag, str))
    return FastMarkup('<div class="table-wrap"><table{}><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>').format(
        r.attrs(el, "wire-list"), head, rows)


def _end(el: etree._Element | None) -> str:
    if el is None:
        return ""
    item = el.find("functionalItemRef")
    contacts = [c.get("contactIdent", "") for c in el.iter("contact")]
    name = item.get("functionalItemNumber", "") if item is not None else text_of(el.find("name"))
    if item is not None and item.get("contextIdent"):  # the same number in another context is another item
        name = f"{name} ({item.get('contextIdent')})"
    return f"{name} : {', '.join(contacts)}" if contacts else name


def wire_row(r: Html, wire: etree._Element) -> Markup:
    r.seen.add(wire)
    cells = (
        text_of(wire.find("wireIdent/wireNumber")),
        _end(wire.find("wireConnection/fromEquip")),
        _end(wire.find("wireConnection/toEquip")),
        text_of(wire.find("wireInfo/wireCode/wireType")),
        text_of(wire.find("wireInfo/wireCode/wireGauge")),
        text_of(wire.find("wireInfo/wireCode/wireColor")),
        text_of(wire.find("wireInfo/partNumber")),
        text_of(wire.find("wireInfo/harnessIdent")),
    )
    detail = FastMarkup('<details class="part-more"><summary>…</summary>{}</details>').format(r.children(wire))
    first = FastMarkup('<td class="pn">{}{}</td>').format(cells[0], detail)
    rest = FastMarkup("").join(FastMarkup("<td>{}</td>").format(c) for c in cells[1:])
    return FastMarkup("<tr{}>{}{}</tr>").format(r.attrs(wire, "wire-row", data_state=wire.get("wireState")), first, rest)


register(
    "wire", "wireIdent", "wireNumber", "wireCode", "wireColor", "wireGauge", "wireInfo", "wireSeqNumber", "wireType",
    "wireConnection", "wireConnectionCode", "circuitIdent", "sectionIdent", "harnessGroup", "harness",
    "harnessIdent", "harnessName", "harnessInfo", "harnessEnvironment", "harnessVariantIdent",
    "harnessVariantIssue", "electricalEquipGroup", "electricalEquip", "electricalEquipConnection",
    "electricalPotential", "fromEquip", "toEquip", "contact", "feedThru", "routing", "sleeve", "sleeveGroup",
    "twist", "twistGroup", "transverseLink", "specialConnection", "siblingPlugIdent", "connectionListClass",
    "contactOrderValue", "networkAnalysisCode", "blockGroupingValue", "shuntGroupingValue",
    "terminationModuleGroupingValue", "potentialConnectionsOrder", "emcCode", "maxMountingPositions",
    "maxTemperature", "minTemperature", "fieldName", "screen", "screenGroup", "screenOrder", "identNumberGroup",
    "positionOnNextHigherAssy",
)

# wiring fields describe each wiring data field (descrWireNumber, descrConnector ...): labelled records
PREFIX_HANDLERS["descr"] = record
