"""Consumption: which parts went to which products, per part, product model, serial number and period.

Counted from order lines: asked for (every line of a submitted order), approved (what the desk approved, the
substitute counted as the part supplied) and received. The charts are plain SVG drawn here, so the page needs
no script and prints as it shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import select

from ietm import charts
from ietm.orders.exports import csv_cell
from ietm.orders.tables import lines, orders
from ietm.orders.validate import number
from ietm.serverdb import Database


@dataclass
class Filter:
    part: str = ""
    model: str = ""
    serial: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive

    def bounds(self) -> tuple[float | None, float | None]:
        def at(day: dt.date) -> float:
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()

        return (at(self.since) if self.since else None,
                at(self.until + dt.timedelta(days=1)) if self.until else None)


@dataclass
class Row:
    part_number: str
    name: str
    unit: str
    model: str
    serial: str
    asked: float = 0.0
    approved: float = 0.0
    received: float = 0.0
    orders: set[int] = field(default_factory=set)


@dataclass
class Consumption:
    rows: list[Row]  # per part, model and serial, most approved first
    months: list[tuple[str, float, float]]  # (YYYY-MM, approved, received), in time order
    top: list[tuple[str, str, float]]  # (part number, name, approved), the ten most approved parts


def consumption(db: Database, wanted: Filter) -> Consumption:
    since, until = wanted.bounds()
    query = select(orders.c.id, orders.c.model, orders.c.serial, orders.c.submitted, orders.c.status, lines).join(
        lines, lines.c.order_id == orders.c.id)
    if since is not None:
        query = query.where(orders.c.submitted >= since)
    if until is not None:
        query = query.where(orders.c.submitted < until)
    if wanted.model:
        query = query.where(orders.c.model == wanted.model)
    if wanted.serial:
        query = query.where(orders.c.serial == wanted.serial)
    with db.read() as conn:
        found = conn.execute(query.order_by(orders.c.submitted)).all()
    rows: dict[tuple[str, str, str], Row] = {}
    months: dict[str, list[float]] = {}
    parts: dict[str, list] = {}
    for r in found:
        supplied = r.substitute_pn or r.part_number
        if wanted.part and wanted.part.upper() not in {supplied.upper(), r.part_number.upper()}:
            continue
        approved = (r.approved_qty or 0.0) if r.state == "approved" else 0.0
        received = r.received_qty or 0.0
        asked_row = rows.setdefault((r.part_number, r.model, r.serial),
                                    Row(r.part_number, r.name, r.unit, r.model, r.serial))
        asked_row.asked += r.quantity
        asked_row.orders.add(r.id)
        if approved:
            row = rows.setdefault((supplied, r.model, r.serial), Row(supplied, r.name, r.unit, r.model, r.serial))
            row.approved += approved
            row.received += received
            row.orders.add(r.id)
            parts.setdefault(supplied, [r.name, 0.0])[1] += approved
        month = dt.datetime.fromtimestamp(r.submitted, dt.timezone.utc).strftime("%Y-%m")
        totals = months.setdefault(month, [0.0, 0.0])
        totals[0] += approved
        totals[1] += received
    top = sorted(((pn, name, qty) for pn, (name, qty) in parts.items()), key=lambda t: (-t[2], t[0]))[:10]
    return Consumption(sorted(rows.values(), key=lambda r: (-r.approved, -r.asked, r.part_number, r.serial)),
                       [(m, a, rc) for m, (a, rc) in sorted(months.items())], top)


def consumption_csv(data: Consumption) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(("partNumber", "name", "unit", "model", "serial", "asked", "approved", "received", "orders"))
    for r in data.rows:
        w.writerow([csv_cell(v) for v in (r.part_number, r.name, r.unit, r.model, r.serial, r.asked, r.approved,
                                          r.received, len(r.orders))])
    return out.getvalue()


# -- charts --------------------------------------------------------------------------------------------------

def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
                  f'width="100%" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
                  + "".join(body) + "</svg>")


def months_chart(months: list[tuple[str, float, float]], label: str, approved: str, received: str) -> Markup:
    """Approved and received per month: two bars a month, on one scale."""
    width, height, left, bottom = 640, 240, 48, 36
    peak = max([max(a, r) for _, a, r in months] + [1.0])
    slot = (width - left - 8) / max(len(months), 1)
    bar = max(2.0, min(24.0, slot / 2 - 4))
    scale = (height - bottom - 16) / peak
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" stroke="currentColor"/>',
            f'<text x="{left - 6}" y="20" text-anchor="end" font-size="11" fill="currentColor">{number(peak)}</text>']
    for n, (month, a, r) in enumerate(months):
        x = left + n * slot + slot / 2
        for dx, value, cls, what in ((-bar - 1, a, "bar-approved", approved), (1, r, "bar-received", received)):
            h = value * scale
            body.append(f'<rect class="{cls}" x="{x + dx:.1f}" y="{height - bottom - h:.1f}" width="{bar:.1f}" '
                        f'height="{h:.1f}"><title>{escape(month)}: {escape(what)} {number(value)}</title></rect>')
        body.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
                    f'fill="currentColor">{escape(month)}</text>')
    body.append(f'<rect class="bar-approved" x="{left}" y="{height - 12}" width="10" height="10"/>'
                f'<text x="{left + 14}" y="{height - 3}" font-size="11" fill="currentColor">{escape(approved)}</text>'
                f'<rect class="bar-received" x="{left + 160}" y="{height - 12}" width="10" height="10"/>'
                f'<text x="{left + 174}" y="{height - 3}" font-size="11" fill="currentColor">{escape(received)}</text>')
    return _svg(width, height, label, body)


def top_chart(top: list[tuple[str, str, float]], label: str) -> Markup:
    """The most approved parts, one horizontal bar each, the part's name in its tooltip."""
    return charts.bars([(pn, qty) for pn, _, qty in top], label, "top", show=number,
                       notes=[f"{pn} {name}: {number(qty)}" for pn, name, qty in top])
