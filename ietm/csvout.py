"""CSV for people's spreadsheets: a cell that a spreadsheet would run as a formula (=, +, -, @ ...) is quoted
with a leading apostrophe, since names and remarks come from the field and may hold anything."""

from __future__ import annotations

import csv
import io
from typing import Iterable


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def table(head: list[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(head)
    for row in rows:
        w.writerow([cell(v) for v in row])
    return out.getvalue()
