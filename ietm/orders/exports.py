"""Orders leaving ietm: the ERP's JSON message, CSV for spreadsheets, XML after schemas/orders/orders.xsd, and
the consolidated purchase lines (one per part and supplier, from the approved lines of several orders)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from lxml import etree

from ietm.csvout import cell
from ietm.orders.store import Line, Order
from ietm.orders.validate import number
from ietm.paths import SCHEMAS

NS = "urn:ietm:orders:1"
SCHEMA = SCHEMAS / "orders" / "orders.xsd"
CSV_HEAD = ("order", "submitted", "status", "technician", "productId", "model", "serial", "urgency", "workOrder",
            "line", "partNumber", "manufacturerCode", "name", "quantity", "unit", "state", "approvedQuantity",
            "substitutePartNumber", "substituteManufacturerCode", "sourceKind", "sourceModule", "sourceFigure",
            "sourceItem", "note", "reason", "receivedQuantity")


def stamp(seconds: float | None) -> str:
    """UTC time as ISO 8601 with a Z, as the ERP and the XML schema expect."""
    if seconds is None:
        return ""
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def erp_message(order: Order) -> dict:
    """What the ERP receives for an approved order: the lines to supply (substitutes in place of what was asked)."""
    return {
        "message": "ietm.order.approved", "version": 1,
        "order": {
            "id": order.id, "submitted": stamp(order.submitted), "approved": stamp(order.updated),
            "approved_by": order.decided_by, "technician": order.owner, "urgency": order.urgency,
            "work_order": order.work_order, "remark": order.remark,
            "product": {"id": order.product_id, "model": order.model, "serial": order.serial},
            "lines": [{
                "line": ln.line, "part_number": ln.supplied_pn, "manufacturer_code": ln.supplied_cage,
                "name": ln.name, "quantity": ln.approved_qty, "unit": ln.unit,
                "substitute_for": ({"part_number": ln.part_number, "manufacturer_code": ln.cage}
                                   if ln.substitute_pn else None),
                "requested_quantity": ln.quantity,
                "source": {"kind": ln.source_kind, "module": ln.source_module, "figure": ln.source_figure,
                           "item": ln.source_item},
            } for ln in order.approved_lines],
        },
    }


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text (ietm.csvout), quantities written as the pages write them."""
    return cell(number(value) if isinstance(value, float) else value)


def orders_csv(orders: list[Order]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEAD)
    for o in orders:
        for ln in o.lines:
            w.writerow([csv_cell(v) for v in (
                o.id, stamp(o.submitted), o.status, o.owner, o.product_id, o.model, o.serial, o.urgency, o.work_order,
                ln.line, ln.part_number, ln.cage, ln.name, ln.quantity, ln.unit, ln.state, ln.approved_qty,
                ln.substitute_pn, ln.substitute_cage, ln.source_kind, ln.source_module, ln.source_figure,
                ln.source_item, ln.note, ln.reason, ln.received_qty)])
    return out.getvalue()


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: object) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: _attr(v) for k, v in attrs.items() if v not in (None, "")})
    if text:
        el.text = text
    return el


def _attr(value: object) -> str:
    return number(value) if isinstance(value, float) else str(value)



def orders_xml(orders: list[Order]) -> bytes:
    root = etree.Element(f"{{{NS}}}orders", nsmap={None: NS}, created=stamp(dt.datetime.now().timestamp()))
    for o in orders:
        el = _el(root, "order", id=o.id, status=o.status, urgency=o.urgency, submitted=stamp(o.submitted),
                 updated=stamp(o.updated))
        _el(el, "technician", o.owner)
        _el(el, "product", id=o.product_id, model=o.model, serial=o.serial)
        if o.work_order:
            _el(el, "workOrder", o.work_order)
        if o.remark:
            _el(el, "remark", o.remark)
        if o.decided_by:
            _el(el, "decidedBy", o.decided_by)
        if o.reason:
            _el(el, "reason", o.reason)
        for ln in o.lines:
            _line_xml(el, ln)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _line_xml(parent: etree._Element, ln: Line) -> None:
    el = _el(parent, "line", number=ln.line, state=ln.state, quantity=ln.quantity, unit=ln.unit,
             approvedQuantity=ln.approved_qty, receivedQuantity=ln.received_qty)
    part = _el(el, "part", partNumber=ln.part_number, manufacturerCode=ln.cage)
    if ln.name:
        _el(part, "name", ln.name)
    if ln.substitute_pn:
        _el(el, "substitute", partNumber=ln.substitute_pn, manufacturerCode=ln.substitute_cage)
    _el(el, "source", kind=ln.source_kind, module=ln.source_module, figure=ln.source_figure, item=ln.source_item,
        perAssembly=ln.per_assembly)
    if ln.note:
        _el(el, "note", ln.note)
    if ln.reason:
        _el(el, "reason", ln.reason)


# -- consolidation -------------------------------------------------------------------------------------------

@dataclass
class PurchaseLine:
    """One part to buy from one supplier, summed over the order lines that need it."""

    supplier: str  # the manufacturer code of what is supplied ("" when the manual gives none)
    part_number: str
    name: str
    unit: str
    quantity: float = 0.0
    sources: list[tuple[int, int, float]] = field(default_factory=list)  # (order, line, quantity)


def consolidate(pairs: list[tuple[Order, Line]]) -> list[PurchaseLine]:
    """Approved lines grouped by supplier, part number and unit, the suppliers and parts in order."""
    out: dict[tuple[str, str, str], PurchaseLine] = {}
    for order, ln in pairs:
        key = (ln.supplied_cage, ln.supplied_pn, ln.unit)
        p = out.setdefault(key, PurchaseLine(ln.supplied_cage, ln.supplied_pn, ln.name, ln.unit))
        qty = ln.approved_qty or 0.0
        p.quantity += qty
        p.sources.append((order.id, ln.line, qty))
    return [out[k] for k in sorted(out)]


def purchase_csv(lines: list[PurchaseLine]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(("supplier", "partNumber", "name", "quantity", "unit", "orders"))
    for p in lines:
        w.writerow([csv_cell(v) for v in (p.supplier, p.part_number, p.name, p.quantity, p.unit,
                                       " ".join(f"{o}/{n}" for o, n, _ in p.sources))])
    return out.getvalue()


def purchase_xml(lines: list[PurchaseLine]) -> bytes:
    root = etree.Element(f"{{{NS}}}purchases", nsmap={None: NS}, created=stamp(dt.datetime.now().timestamp()))
    by_supplier: dict[str, etree._Element] = {}
    for p in lines:
        if p.supplier not in by_supplier:
            by_supplier[p.supplier] = _el(root, "purchase", supplier=p.supplier)
        item = _el(by_supplier[p.supplier], "item", partNumber=p.part_number, quantity=p.quantity, unit=p.unit)
        if p.name:
            _el(item, "name", p.name)
        for order, line, qty in p.sources:
            _el(item, "from", order=order, line=line, quantity=qty)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
