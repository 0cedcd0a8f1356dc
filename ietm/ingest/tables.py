"""Word tables as CALS tables: header rows as thead, merged cells as namest/nameend and morerows.

A picture inside a cell cannot stay there (a CALS entry holds no figures): it is handed back to be shown
after the table, and the report says so.
"""

from __future__ import annotations

import re

from lxml import etree

from ietm.ingest.blocks import Picture, Table
from ietm.ingest.inline import Targets, fill, unspace
from ietm.ingest.report import ConversionReport

_CAPTION = re.compile(r"^(таблица|table)\s+([\dА-ЯA-Z][\d.]*)\s*(?:[—–:.-]\s*)?(.*)$", re.IGNORECASE)


def table_caption(text: str) -> tuple[str, str] | None:
    """("3", "Title") of a caption such as "Таблица 3 — Перечень" or "Table 3: List"."""
    m = _CAPTION.match(unspace(text.strip()))
    if not m:
        return None
    return m.group(2).rstrip("."), m.group(3).strip()


def cals(parent: etree._Element, table: Table, title: str | None, table_id: str, to: str,
         report: ConversionReport, targets: Targets | None) -> list[Picture]:
    """Append a CALS table for `table` to `parent`; returns the pictures found in its cells."""
    el = etree.SubElement(parent, "table", id=table_id)
    if title:
        etree.SubElement(el, "title").text = title
    tgroup = etree.SubElement(el, "tgroup", cols=str(table.cols))
    for i in range(1, table.cols + 1):
        etree.SubElement(tgroup, "colspec", colname=f"col{i}")
    pictures: list[Picture] = []
    head = etree.SubElement(tgroup, "thead") if table.header_rows else None
    body = etree.SubElement(tgroup, "tbody")
    for r, row in enumerate(table.rows):
        cells = [c for c in row if not c.continued]
        target = head if r < table.header_rows else body
        row_el = etree.SubElement(target, "row")
        for cell in cells:
            entry = etree.SubElement(row_el, "entry")
            if cell.span > 1:
                entry.set("namest", f"col{cell.col + 1}")
                entry.set("nameend", f"col{min(cell.col + cell.span, table.cols)}")
            else:
                entry.set("colname", f"col{cell.col + 1}")
            if cell.morerows:
                entry.set("morerows", str(cell.morerows))
            for p in cell.paragraphs:
                if p.plain or any(r.footnote for r in p.runs):
                    fill(etree.SubElement(entry, "para"), p.runs, "para", targets)
                pictures += p.pictures
    for note in table.notes:
        report.leave(table.where, note)
    report.place(table.where, "table", f"{to}: table {table_id}")
    return pictures
