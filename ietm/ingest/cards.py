"""Task cards (технологические карты of GOST 2.601, English "task cards"): a table that lays out one maintenance
task — measuring instruments, tools, consumables and labour time as "label: value" rows, then the work in rows
across the table — becomes a procedural data module: the rows of labels its preliminary requirements, the
work its steps. A table used for layout this way would otherwise be a table of instructions no one can follow
step by step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ietm.ingest.blocks import Paragraph, Table

#: label of a requirement row -> what it requires
LABELS = [(re.compile(p, re.IGNORECASE), kind) for p, kind in (
    (r"^(?:средства\s+измерени|контрольно-измерительн|измерительн|measuring|test\s+equipment)", "tools"),
    (r"^(?:инструмент|приспособлени|принадлежност|оборудовани|tools?\b|special\s+tools|equipment|support\s+equipment)", "tools"),
    (r"^(?:расходн|материал|смазоч|consumables?|materials?|supplies|expendables)", "supplies"),
    (r"^(?:запасн|зип|spares?|spare\s+parts|parts\b)", "spares"),
    (r"^(?:трудоз|трудо[её]мк|время|продолжительност|labou?r|man-?hours?|time|duration|estimated\s+time)", "time"),
    (r"^(?:количество\s+исполнител|исполнител|персонал|personnel|persons?|staff|number\s+of\s+persons)", "persons"),
)]
CARD_TITLE = re.compile(r"^(?:технологическая\s+карта|карта\s+(?:работ|технологическая)|task\s+card|job\s+card|"
                        r"maintenance\s+card)\b\s*(?:№\s*|no\.?\s*|n\s*)?([\w.-]+)?", re.IGNORECASE)
_NONE = re.compile(r"^(?:нет|не\s+требуется|отсутству\w*|none|n/?a|not\s+required|[-–—])\.?$", re.IGNORECASE)
_TIME = re.compile(r"(\d+(?:[.,]\d+)?)\s*(мин|min|ч|час|h|hr|hour)\w*\.?", re.IGNORECASE)


@dataclass
class Card:
    where: str
    rqmts: list[tuple[str, Paragraph, str]] = field(default_factory=list)  # (kind, label paragraph, value)
    work: list[Paragraph] = field(default_factory=list)
    number: str | None = None  # "1" of "Технологическая карта № 1"
    title: str | None = None


def _two_cells(row) -> tuple | None:
    cells = [c for c in row if not c.continued]
    return (cells[0], cells[1]) if len(cells) == 2 else None


def _kind(text: str) -> str | None:
    return next((kind for pattern, kind in LABELS if pattern.search(text.strip())), None)


def is_card(table: Table) -> bool:
    """At least two "label: value" rows of requirements first, then rows across the table holding the work."""
    labels = 0
    for n, row in enumerate(table.rows):
        pair = _two_cells(row)
        if pair and pair[0].plain.endswith(":") and _kind(pair[0].plain):
            labels += 1
            continue
        cells = [c for c in row if not c.continued]
        return labels >= 2 and len(cells) == 1 and cells[0].span >= table.cols and \
            any(c.plain for r in table.rows[n:] for c in r)
    return False


def read_card(table: Table) -> Card:
    card = Card(table.where)
    work = False
    for row in table.rows:
        pair = _two_cells(row)
        if not work and pair and pair[0].plain.endswith(":") and _kind(pair[0].plain):
            label = next((p for p in pair[0].paragraphs if p.plain), pair[0].paragraphs[0])
            card.rqmts.append((_kind(pair[0].plain), label, pair[1].plain))
            continue
        work = True
        for cell in row:
            if not cell.continued:
                card.work += [p for p in cell.paragraphs if p.plain or p.pictures]
    return card


def title_from(texts: list[str]) -> tuple[str | None, str | None, int]:
    """(number, title, paragraphs used) from the paragraphs just before a card, last first: "Технологическая
    карта № 1" and the name of the work under it."""
    if texts and (m := CARD_TITLE.match(texts[0])):
        return (m.group(1) or "").rstrip(".") or None, None, 1
    if len(texts) > 1 and (m := CARD_TITLE.match(texts[1])) and len(texts[0].split()) <= 40:
        return (m.group(1) or "").rstrip(".") or None, texts[0], 2
    return None, None, 0


def split_values(text: str) -> list[str]:
    """"ткань хлопчатобумажная, спирт ректификованный 0,01 л." -> two items; commas inside brackets or
    numbers do not split."""
    out, depth, cur = [], 0, ""
    for i, ch in enumerate(text):
        depth += ch in "(«\"[" and 1 or 0
        depth -= ch in ")»]" and 1 or 0
        if ch in ",;" and depth <= 0 and (i + 1 >= len(text) or text[i + 1] == " "):
            out.append(cur)
            cur = ""
            continue
        cur += ch
    out.append(cur)
    return [v.strip().rstrip(".").strip() for v in out if v.strip().rstrip(".").strip() and not _NONE.match(v.strip())]


def requirements(card: Card, prefix: str, enterprise: str, as_required: str):
    """A preliminaryRqmts filler for the card's module; returns what could not be placed (labour time that is
    not a number), for the report."""
    left: list[str] = []

    def fill(prelim: etree._Element, module=None) -> None:
        conds = etree.SubElement(prelim, "reqCondGroup")
        persons = etree.SubElement(prelim, "reqPersons")
        for kind, label, value in card.rqmts:
            if kind not in ("time", "persons"):
                continue
            m = _TIME.search(value) if kind == "time" else re.search(r"\d+", value)
            if m and kind == "time":  # in hours, as the S1000D default BREX requires
                hours = float(m.group(1).replace(",", "."))
                if m.group(2).lower().startswith(("мин", "min")):
                    hours /= 60
                personnel = etree.SubElement(persons, "personnel")
                etree.SubElement(personnel, "estimatedTime", unitOfMeasure="h").text = f"{hours:.2f}".rstrip("0").rstrip(".")
            elif m:
                etree.SubElement(persons, "personnel", numRequired=m.group(0))
            elif not _NONE.match(value):
                cond = etree.SubElement(etree.SubElement(conds, "reqCondNoRef"), "reqCond")
                cond.text = f"{label.plain} {value}"
                left.append(f"{label.plain} {value}")
        if not len(conds):
            etree.SubElement(conds, "noConds")
        if not len(persons):
            prelim.remove(persons)
        n = 0
        for kind, tag, group, descr, none in (
            ("tools", "reqSupportEquips", "supportEquipDescrGroup", "supportEquipDescr", "noSupportEquips"),
            ("supplies", "reqSupplies", "supplyDescrGroup", "supplyDescr", "noSupplies"),
            ("spares", "reqSpares", "spareDescrGroup", "spareDescr", "noSpares"),
        ):
            el = etree.SubElement(prelim, tag)
            values = [v for k, _, text in card.rqmts if k == kind for v in split_values(text)]
            if not values:
                etree.SubElement(el, none)
                continue
            grp = etree.SubElement(el, group)
            for value in values:
                n += 1
                number = f"{prefix}-{n:02d}"  # the card names no designation: a number of its own, listed in the report
                d = etree.SubElement(grp, descr)
                etree.SubElement(d, "name").text = value
                if kind == "tools":
                    etree.SubElement(d, "toolRef", toolNumber=number)
                    etree.SubElement(d, "reqQuantity").text = "1"
                elif kind == "supplies":
                    etree.SubElement(d, "supplyRef", supplyNumber=number, supplyNumberType="sp01")
                    etree.SubElement(d, "reqQuantity").text = as_required
                else:
                    ident = etree.SubElement(d, "identNumber")
                    etree.SubElement(ident, "manufacturerCode").text = enterprise
                    etree.SubElement(etree.SubElement(ident, "partAndSerialNumber"), "partNumber").text = number
                    etree.SubElement(d, "reqQuantity").text = "1"
        etree.SubElement(etree.SubElement(prelim, "reqSafety"), "noSafety")

    return fill, left
