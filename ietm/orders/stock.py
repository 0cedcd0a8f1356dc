"""The supply department's stock list as CSV: read (from a warehouse system or a spreadsheet) and written.

Columns are found by their heading, in English or Russian, in any order: part number, manufacturer code
(optional), quantity, unit (optional), location (optional). Commas or semicolons separate the cells, and a
decimal comma is read as a point (a spreadsheet saved in Russian). A file with a bad row is refused whole,
with the row's line number, so a stock list is never half imported.
"""

from __future__ import annotations

import csv
import io
import math

from ietm.errors import InputError
from ietm.orders.store import StockRow
from ietm.orders.exports import csv_cell

HEADINGS = {
    "part_number": ("partnumber", "part_number", "part number", "pn", "обозначение", "номер детали"),
    "cage": ("manufacturercode", "manufacturer_code", "manufacturer code", "cage", "код изготовителя", "изготовитель"),
    "quantity": ("quantity", "qty", "количество", "кол-во", "остаток"),
    "unit": ("unit", "единица", "ед. изм.", "ед.изм."),
    "location": ("location", "место хранения", "склад"),
}
MAX_ROWS = 100_000


def read_stock_csv(text: str, name: str = "stock.csv") -> list[StockRow]:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError("the stock list is empty", name)
    first = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    head = [h.strip().lower() for h in next(reader)]
    columns = {}
    for field_name, names in HEADINGS.items():
        found = [i for i, h in enumerate(head) if h in names]
        if found:
            columns[field_name] = found[0]
    for needed in ("part_number", "quantity"):
        if needed not in columns:
            raise InputError(f"no '{HEADINGS[needed][0]}' column (headings: {', '.join(head)})", name, 1)
    rows: dict[tuple[str, str], StockRow] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise InputError(f"more than {MAX_ROWS} rows", name, line)

        def cell(field_name: str) -> str:
            i = columns.get(field_name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        pn = cell("part_number")
        if not pn or len(pn) > 64:
            raise InputError("a part number of 1 to 64 characters is needed", name, line)
        raw = cell("quantity").replace(" ", "").replace("\u00a0", "").replace(",", ".")
        try:
            quantity = float(raw)
        except ValueError:
            raise InputError(f"quantity '{cell('quantity')}' is not a number", name, line) from None
        if not math.isfinite(quantity) or quantity < 0 or quantity > 1e9:
            raise InputError(f"quantity {cell('quantity')} is not a count of stock (0 to 1000000000)", name, line)
        cage = cell("cage")[:16]
        rows[(pn, cage)] = StockRow(pn, cage, quantity, cell("unit")[:16], cell("location")[:128])
    return list(rows.values())


def write_stock_csv(rows: list[StockRow]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(("partNumber", "manufacturerCode", "quantity", "unit", "location"))
    for r in rows:
        w.writerow([csv_cell(v) for v in (r.part_number, r.cage, r.quantity, r.unit, r.location)])
    return out.getvalue()
