"""The typical tables of Russian (and English) manuals as real S1000D, not flat tables.

- "Возможные неисправности и методы их устранения" / "Troubleshooting" (fault, probable cause, remedy):
  one fault isolation data module per fault, each probable cause a yes/no isolation step whose "yes" ends
  in its remedy;
- "Перечень инструмента и принадлежностей", "Ведомость ЗИП", "Перечень расходных материалов" (and tools,
  spare parts, consumables lists): the common information repositories of tools, parts and supplies, and the
  support equipment, spares and supplies of every procedure whose text names them;
- a maintenance table (вид ТО, периодичность, работы / interval, task): a maintenance schedule.

A table is recognised by its caption and header row; one that is not stays a CALS table.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass, field
from functools import cache

from lxml import etree

from ietm.ingest.blocks import Paragraph, Run, Table
from ietm.ingest.inline import fill, plain

_FAULT = re.compile(r"неисправн|проявлени|признак|trouble|fault|problem|symptom|malfunction", re.I)
_CAUSE = re.compile(r"причин|cause", re.I)
_REMEDY = re.compile(r"устранени|метод|способ|действи|remedy|correct|solution|action|fix", re.I)
_TOOLS = re.compile(r"инструмент|принадлежност|приспособлен|оборудовани|\btools?\b|equipment", re.I)
_SPARES = re.compile(r"\bзип\b|запасн|spare|parts list|replacement parts", re.I)
_SUPPLIES = re.compile(r"расходн|материал|смазоч|consumable|supplies|lubricant|materials", re.I)
_SCHEDULE_KIND = re.compile(r"вид\s+(?:то|технического обслуживания)|периодичност|interval|frequency|schedule|when", re.I)
_SCHEDULE_WORK = re.compile(r"работ|содержани|операци|task|work|operation|action|maintenance", re.I)
_NAME = re.compile(r"наименовани|название|name|description|item", re.I)
_NUMBER = re.compile(r"обозначени|номер|код|артикул|марка|гост|part\s*(?:no|number)|number|p/n|code|designation|specification", re.I)
_QTY = re.compile(r"кол|quantity|qty", re.I)
_HOURS = re.compile(r"(\d+)\s*(?:мото-?)?(?:ч\b|час|h\b|hours?|hrs?)", re.I)
_DAYS = re.compile(r"(\d+)\s*(?:сут|дн|день|дня|day)", re.I)

LABELS = {
    "ru": {"cause": "Возможная причина: {}", "question": "Подтвердилась ли эта причина?",
           "not_found": "Причина не найдена: обратитесь в сервисный центр изготовителя.",
           "as_required": "по потребности", "tools": "Перечень инструмента и принадлежностей",
           "spares": "Перечень запасных частей (ЗИП)", "supplies": "Перечень расходных материалов",
           "schedule": "График технического обслуживания", "faults": "Поиск неисправностей",
           "card": "Технологическая карта № {}", "warning": "Перечень предупреждений",
           "caution": "Перечень предостережений"},
    "en": {"cause": "Probable cause: {}", "question": "Is this the cause?",
           "not_found": "The cause was not found: contact the manufacturer's service.",
           "as_required": "as required", "tools": "Tools and support equipment",
           "spares": "Spare parts", "supplies": "Consumables",
           "schedule": "Maintenance schedule", "faults": "Fault isolation", "card": "Task card {}",
           "warning": "Warnings", "caution": "Cautions"},
}


@dataclass
class Fault:
    where: str
    symptom: list[Paragraph]
    causes: list[tuple[list[Paragraph], list[Paragraph]]] = field(default_factory=list)  # (cause, remedy)
    group: str = ""  # the item the fault is of, from a row spanning the table above it ("Системный блок")


@dataclass
class ListEntry:
    where: str
    name: str
    number: str
    quantity: str
    extra: str  # the other columns, so no text is lost
    id: str = ""  # id of its spec in the repository
    number_or_id: str = ""  # its designation, or a made-up one when the table has none


@dataclass
class Task:
    where: str
    kind: list[Paragraph]
    interval: list[Paragraph]
    work: list[Paragraph]
    marked: list[str] = field(default_factory=list)  # a matrix table: the kinds of maintenance marked "+"
    remarks: str = ""  # the other columns ("Приложение Б, ТК 1")


def _header(table: Table) -> list[str]:
    rows = table.rows[: max(table.header_rows, 1)]
    cols = [""] * table.cols
    for row in rows:
        for cell in row:
            for c in range(cell.col, min(cell.col + cell.span, table.cols)):
                cols[c] = (cols[c] + " " + cell.plain).strip()
    return cols


def _col(cols: list[str], pattern: re.Pattern[str], exclude: set[int] = frozenset()) -> int | None:
    return next((i for i, h in enumerate(cols) if i not in exclude and pattern.search(h)), None)


def classify(table: Table, title: str, section: str) -> str | None:
    """fault | tools | spares | supplies | schedule, or None for an ordinary table."""
    if len(table.rows) <= table.header_rows:
        return None
    cols = _header(table)
    head = " ".join(cols)
    if _col(cols, _FAULT) is not None and _col(cols, _REMEDY) is not None and (_col(cols, _CAUSE) is not None or _FAULT.search(title + section)):
        return "fault"
    if _col(cols, _SCHEDULE_KIND) is not None and _col(cols, _SCHEDULE_WORK, {_col(cols, _SCHEDULE_KIND)}) is not None \
            and (_SCHEDULE_KIND.search(title + " " + section) or re.search(r"обслуживани|maintenance", title + section, re.I)):
        return "schedule"
    if _col(cols, _NAME) is None:
        return None
    for context in (title, head, section):  # the caption says most, the section title least
        for kind, pattern in (("spares", _SPARES), ("supplies", _SUPPLIES), ("tools", _TOOLS)):
            if pattern.search(context):
                return kind
    return None


def _cell_paras(row, col: int | None) -> list[Paragraph] | None:
    """The paragraphs of the cell covering grid column `col`; None for the lower part of a merge."""
    if col is None:
        return []
    for cell in row:
        if cell.col <= col < cell.col + cell.span:
            return None if cell.continued else [p for p in cell.paragraphs if p.plain]
    return []


def faults(table: Table, carry: Fault | None = None) -> list[Fault]:
    """The faults of a fault table. A row spanning the table ("Системный блок") names the item of the faults
    below it; rows with no symptom go on with the fault above them, across a page split of the table too
    (`carry`: the last fault of the table part before)."""
    cols = _header(table)
    f_col = _col(cols, _FAULT)
    c_col = _col(cols, _CAUSE, {f_col})
    r_col = _col(cols, _REMEDY, {f_col, c_col})
    out: list[Fault] = []
    group = carry.group if carry else ""
    last = carry
    for n, row in enumerate(table.rows[table.header_rows:], table.header_rows + 1):
        cells = [c for c in row if not c.continued]
        if len(cells) == 1 and table.cols > 1 and cells[0].span >= table.cols:
            if re.match(r"^(примечани|note)", cells[0].plain, re.I):
                continue  # notes under the table: kept with the table's text, not a group
            group, last = cells[0].plain, None
            continue
        symptom = _cell_paras(row, f_col)
        cause = _cell_paras(row, c_col) or []
        remedy = _cell_paras(row, r_col) or []
        if symptom:
            last = Fault(f"{table.where}, row {n}", symptom, group=group)
            out.append(last)
        if not cause and not remedy or last is None:
            continue
        if len(cause) > 1 and len(cause) == len(remedy):
            last.causes += [([c], [r]) for c, r in zip(cause, remedy)]
        else:
            last.causes.append((cause, remedy))
    return out


def table_notes(table: Table) -> list[Paragraph]:
    """Paragraphs of rows spanning the table that are notes ("Примечания ...") rather than group titles."""
    out = []
    for row in table.rows[table.header_rows:]:
        cells = [c for c in row if not c.continued]
        if len(cells) == 1 and table.cols > 1 and cells[0].span >= table.cols and \
                re.match(r"^(примечани|note)", cells[0].plain, re.I):
            out += [p for p in cells[0].paragraphs if p.plain]
    return out


def entries(table: Table) -> list[ListEntry]:
    cols = _header(table)
    name = _col(cols, _NAME)
    number = _col(cols, _NUMBER, {name})
    qty = _col(cols, _QTY, {name, number})
    out = []
    for n, row in enumerate(table.rows[table.header_rows:], table.header_rows + 1):
        texts = {}
        for cell in row:
            if not cell.continued:
                texts[cell.col] = cell.plain
        if not texts.get(name, "").strip():
            continue
        skip = {name, number, qty}
        extra = "; ".join(t for c, t in sorted(texts.items()) if c not in skip and t and not re.fullmatch(r"\d+\.?", t))
        out.append(ListEntry(f"{table.where}, row {n}", texts.get(name, ""), texts.get(number, "") if number is not None else "",
                             texts.get(qty, "") if qty is not None else "", extra))
    return out


_MARK = re.compile(r"^(?:[+×✓✔xх]\**|[-–—]|)$", re.IGNORECASE)


def _text_at(row, col: int) -> str | None:
    paras = _cell_paras(row, col)
    return None if paras is None else " ".join(p.plain for p in paras)


def _full_width(row, cols: int) -> bool:
    cells = [c for c in row if not c.continued]
    return len(cells) == 1 and cols > 1 and cells[0].span >= cols


def mark_columns(table: Table) -> list[int]:
    """Columns of a matrix maintenance table: every cell a "+" or "–" under a kind of maintenance."""
    body = [r for r in table.rows[table.header_rows:] if not _full_width(r, table.cols)]
    out = []
    for c in range(table.cols):
        texts = [t for r in body if (t := _text_at(r, c)) is not None]
        if texts and all(_MARK.match(t) for t in texts) and any(t[:1] in "+×✓✔xXхХ" for t in texts):
            out.append(c)
    return out


def _sub_header(table: Table, col: int) -> str:
    """The lowest header cell over a column: "ежемесячное" under "Вид технического обслуживания"."""
    for row in reversed(table.rows[: max(table.header_rows, 1)]):
        for cell in row:
            if cell.col <= col < cell.col + cell.span and not cell.continued and cell.plain:
                return cell.plain
    return ""


def tasks(table: Table) -> list[Task]:
    marks = mark_columns(table)
    if len(marks) >= 2:
        return _matrix_tasks(table, marks)
    cols = _header(table)
    kind = _col(cols, re.compile(r"вид|type|check|kind", re.I))
    interval = _col(cols, re.compile(r"периодичн|срок|interval|frequency|when|period", re.I), {kind})
    work = _col(cols, _SCHEDULE_WORK, {kind, interval})
    out = []
    for n, row in enumerate(table.rows[table.header_rows:], table.header_rows + 1):
        k, i, w = _cell_paras(row, kind), _cell_paras(row, interval), _cell_paras(row, work)
        if not (w or []) and not (k or []):
            continue
        if k is None and out:  # merged kind: the same kind of maintenance, one more task
            k = out[-1].kind
        if i is None and out:
            i = out[-1].interval
        remarks = "; ".join(t for c in range(table.cols) if c not in (kind, interval, work) and (t := _text_at(row, c)))
        out.append(Task(f"{table.where}, row {n}", k or [], i or [], w or [], remarks=remarks))
    return out


def _matrix_tasks(table: Table, marks: list[int]) -> list[Task]:
    """"Вид работы | ежемесячное | полугодовое | годовое | Примечание" with "+" where a task is due."""
    labels = {c: _sub_header(table, c) for c in marks}
    work = next((c for c in range(table.cols) if c not in marks), 0)
    out = []
    for n, row in enumerate(table.rows[table.header_rows:], table.header_rows + 1):
        if _full_width(row, table.cols):
            continue
        w = _cell_paras(row, work) or []
        if not w:
            continue
        marked = [labels[c] + ((_text_at(row, c) or "")[1:]) for c in marks if (_text_at(row, c) or "")[:1] in "+×✓✔xXхХ"]
        remarks = "; ".join(t for c in range(table.cols) if c not in marks and c != work and (t := _text_at(row, c)))
        out.append(Task(f"{table.where}, row {n}", [], [], w, marked, remarks))
    return out


# -- S1000D ---------------------------------------------------------------------------------------------


def fault_content(fault: Fault, lang: str, fault_code: str, requirements) -> etree._Element:
    labels = LABELS.get(lang, LABELS["en"])
    content = etree.Element("content")
    fi = etree.SubElement(content, "faultIsolation")
    proc = etree.SubElement(fi, "faultIsolationProcedure")
    etree.SubElement(proc, "fault", faultCode=fault_code)
    descr = etree.SubElement(etree.SubElement(proc, "faultDescr"), "descr")
    descr.text = " ".join(plain(p.runs) for p in fault.symptom)
    iso = etree.SubElement(proc, "isolationProcedure")
    prelim = etree.SubElement(iso, "preliminaryRqmts")
    requirements(prelim)
    main = etree.SubElement(iso, "isolationMainProcedure")
    causes = [(c, r) for c, r in fault.causes if c or r]
    for k, (cause, remedy) in enumerate(causes, 1):
        nxt = f"fi-s{k + 1:02d}" if k < len(causes) else "fi-end"
        if cause:
            step = etree.SubElement(main, "isolationStep", id=f"fi-s{k:02d}")
            action = etree.SubElement(step, "action")
            fill(action, [Run(labels["cause"].format(""))] + _joined(cause), "attention")
            etree.SubElement(step, "isolationStepQuestion").text = labels["question"]
            yn = etree.SubElement(etree.SubElement(step, "isolationStepAnswer"), "yesNoAnswer")
            etree.SubElement(yn, "yesAnswer", nextActionRefId=f"fi-e{k:02d}")
            etree.SubElement(yn, "noAnswer", nextActionRefId=nxt)
        end = etree.SubElement(main, "isolationProcedureEnd", id=f"fi-e{k:02d}")
        fill(etree.SubElement(end, "action"), _joined(remedy), "attention")
    end = etree.SubElement(main, "isolationProcedureEnd", id="fi-end")
    etree.SubElement(end, "action").text = labels["not_found"]
    close = etree.SubElement(etree.SubElement(iso, "closeRqmts"), "reqCondGroup")
    etree.SubElement(close, "noConds")
    return content


def _joined(paras: list[Paragraph]) -> list[Run]:
    runs: list[Run] = []
    for n, p in enumerate(paras):
        if n:
            runs.append(Run(" "))
        runs += p.runs
    return runs


def repository_content(kind: str, items: list[ListEntry], enterprise: str) -> etree._Element:
    content = etree.Element("content")
    rep = etree.SubElement(etree.SubElement(content, "commonRepository"),
                           {"tools": "toolRepository", "spares": "partRepository", "supplies": "supplyRepository"}[kind])
    for e in items:
        descr = e.name + (f" ({e.extra})" if e.extra else "")
        if kind == "tools":
            spec = etree.SubElement(rep, "toolSpec", id=e.id)
            etree.SubElement(spec, "toolIdent", toolNumber=e.number_or_id, manufacturerCodeValue=enterprise)
            etree.SubElement(etree.SubElement(spec, "itemIdentData"), "descrForPart").text = descr
            etree.SubElement(spec, "procurementData")
            tech = etree.SubElement(spec, "techData")
            etree.SubElement(tech, "quantity").text = e.quantity or "1"
            etree.SubElement(etree.SubElement(etree.SubElement(spec, "toolAlts"), "tool"), "itemDescr").text = descr
        elif kind == "spares":
            spec = etree.SubElement(rep, "partSpec", id=e.id)
            etree.SubElement(spec, "partIdent", partNumberValue=e.number_or_id, manufacturerCodeValue=enterprise)
            etree.SubElement(etree.SubElement(spec, "itemIdentData"), "descrForPart").text = descr
        else:
            spec = etree.SubElement(rep, "supplySpec", id=e.id)
            etree.SubElement(spec, "supplyIdent", supplyNumber=e.number_or_id, supplyNumberType="sp01")
            etree.SubElement(spec, "name").text = descr
    return content


#: words of a period -> (value, thresholdUnitOfMeasure): th03 months, th04 weeks, th05 years, th06 days
_PERIODS = [(re.compile(p, re.I), v, u) for p, v, u in (
    (r"ежедневн|daily|every day", "1", "th06"), (r"еженедельн|weekly", "1", "th04"),
    (r"ежемесячн|monthly", "1", "th03"), (r"ежеквартальн|quarterly", "3", "th03"),
    (r"полугодов|semi-?annual|half-?year", "6", "th03"), (r"ежегодн|годов|annual|yearly", "1", "th05"),
)]
#: units of an interval with a number: th21 operating hours, th06 days, th04 weeks, th03 months, th05 years
_UNITS = [(re.compile(r"(\d+)\s*" + p, re.I), u) for p, u in (
    (r"(?:мото-?)?(?:ч\b|час|h\b|hours?|hrs?)", "th21"), (r"(?:сут|дн|день|дня|days?)", "th06"),
    (r"(?:нед|weeks?)", "th04"), (r"(?:мес|months?)", "th03"), (r"(?:год|лет|years?)", "th05"),
)]
_CARD_REF = re.compile(r"(?:\bТК|технологическ\w*\s+карт\w*|task\s+card|job\s+card)\s*(?:№\s*)?(\d+)", re.I)


def _thresholds(limit: etree._Element, text: str) -> None:
    text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", "", text)  # "полу-годовое" hyphenated by hand in a narrow column
    found = [(m.group(1), u) for pattern, u in _UNITS if (m := pattern.search(text))]
    if not found:
        found = [(v, u) for pattern, v, u in _PERIODS if pattern.search(text)][:1]
    for value, unit in found:
        th = etree.SubElement(limit, "threshold", thresholdUnitOfMeasure=unit, thresholdType="interval")
        etree.SubElement(th, "thresholdValue").text = value


def schedule_content(items: list[Task], cards: dict[str, etree._Element] | None = None) -> etree._Element:
    """maintPlanning: a taskDefinition per task, a limit per interval (or per kind marked in a matrix), the
    other columns as remarks, and a reference to the task card a remark names ("ТК 1")."""
    content = etree.Element("content")
    plan = etree.SubElement(content, "maintPlanning")
    for n, t in enumerate(items, 1):
        td = etree.SubElement(plan, "taskDefinition", taskIdent=f"{n:03d}")
        task = etree.SubElement(td, "task")
        if t.kind:
            etree.SubElement(task, "taskTitle").text = " ".join(p.plain for p in t.kind)
        descr = etree.SubElement(task, "taskDescr")
        for p in t.work or t.kind:
            etree.SubElement(descr, "simplePara").text = plain(p.runs)
        card = _CARD_REF.search(t.remarks)
        if card and cards and card.group(1) in cards:
            etree.SubElement(td, "refs").append(deepcopy(cards[card.group(1)]))
        interval = " ".join(p.plain for p in t.interval)
        for when in ([interval] if interval else []) + t.marked:
            limit = etree.SubElement(td, "limit", limitTypeValue="pe")
            _thresholds(limit, when)
            etree.SubElement(limit, "inspectionType", inspectionTypeCategory=when)
            etree.SubElement(etree.SubElement(limit, "remarks"), "simplePara").text = when
        if t.remarks:
            etree.SubElement(etree.SubElement(td, "remarks"), "simplePara").text = t.remarks
    return content


@dataclass
class Repository:
    """One list table's entries, with the ids and numbers the procedures refer to them by."""

    kind: str  # tools | spares | supplies
    entries: list[ListEntry]
    code: str = ""  # DMC of the repository module

    def __post_init__(self) -> None:
        prefix = {"tools": "tool", "spares": "part", "supplies": "sup"}[self.kind]
        for n, e in enumerate(self.entries, 1):
            e.id = f"{prefix}-{n:04d}"
            e.number_or_id = e.number.strip() or f"{prefix.upper()}-{n:04d}"

    def used_in(self, text: str, lang: str) -> list[ListEntry]:
        """Entries a procedure's text names, by designation or by full name, word forms aside («ключом
        торцовым 17 мм» names «Ключ торцовый 17 мм»): the name's stems appear in a row in the text's."""
        low = " ".join(text.lower().split())
        stems = " " + " ".join(_stems(text, lang)) + " "
        out = []
        for e in self.entries:
            name = _name_stems(e.name, lang)
            number = e.number.strip().lower()
            if (len(number) >= 3 and number in low) or (len(name) >= 4 and f" {name} " in stems):
                out.append(e)
        return out


@cache
def _name_stems(name: str, lang: str) -> str:
    """An entry's name as stems, once per name: every procedure is matched against every entry."""
    return " ".join(_stems(name, lang))


def _stems(text: str, lang: str) -> list[str]:
    from ietm.index.analysis import WORD_RE, fold, language_of, stem

    analysis = language_of(lang)
    return [stem(fold(w), analysis) for w in WORD_RE.findall(text)]


def requirement(prelim: etree._Element, repos: dict[str, Repository], text: str, lang: str,
                enterprise: str) -> list[tuple[str, ListEntry]]:
    """Fill preliminaryRqmts' support equipment, supplies and spares from the repositories; returns what
    was added. Conditions: none known; safety: none (the caller adds warnings)."""
    labels = LABELS.get(lang, LABELS["en"])
    added: list[tuple[str, ListEntry]] = []
    etree.SubElement(etree.SubElement(prelim, "reqCondGroup"), "noConds")
    for kind, tag, group, descr, none in (
        ("tools", "reqSupportEquips", "supportEquipDescrGroup", "supportEquipDescr", "noSupportEquips"),
        ("supplies", "reqSupplies", "supplyDescrGroup", "supplyDescr", "noSupplies"),
        ("spares", "reqSpares", "spareDescrGroup", "spareDescr", "noSpares"),
    ):
        el = etree.SubElement(prelim, tag)
        used = repos[kind].used_in(text, lang) if kind in repos else []
        if not used:
            etree.SubElement(el, none)
            continue
        grp = etree.SubElement(el, group)
        for e in used:
            d = etree.SubElement(grp, descr)
            etree.SubElement(d, "name").text = e.name
            if kind == "tools":
                etree.SubElement(d, "toolRef", toolNumber=e.number_or_id, manufacturerCodeValue=enterprise)
                etree.SubElement(d, "reqQuantity").text = "1"
            elif kind == "supplies":
                etree.SubElement(d, "supplyRef", supplyNumber=e.number_or_id, supplyNumberType="sp01")
                etree.SubElement(d, "reqQuantity").text = labels["as_required"]
            else:
                ident = etree.SubElement(d, "identNumber")
                etree.SubElement(ident, "manufacturerCode").text = enterprise
                etree.SubElement(etree.SubElement(ident, "partAndSerialNumber"), "partNumber").text = e.number_or_id
                etree.SubElement(d, "reqQuantity").text = "1"
            added.append((kind, e))
    etree.SubElement(etree.SubElement(prelim, "reqSafety"), "noSafety")
    return added
