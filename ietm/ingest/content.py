"""The content of a descriptive or procedural data module, from the blocks of its section.

Blocks are first read as items: paragraphs, lists, warnings/cautions/notes (by lead word or style), figures
with their captions, tables with theirs. Items then flow into S1000D containers, which allow warnings and
cautions only before their other content: a warning in the middle of a section opens a new untitled
levelled paragraph, and in a procedure it goes with the step that follows it, as S1000D places warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from lxml import etree

from ietm.ingest.blocks import Block, Paragraph, Picture, Table
from ietm.ingest.figures import Figures, Icn
from ietm.ingest.inline import Targets, fill, unspace
from ietm.ingest.report import ConversionReport
from ietm.ingest.safety import REF, References, Safety
from ietm.ingest.structure import Section
from ietm.ingest.tables import cals, table_caption

_LEAD = re.compile(
    r"^(ВНИМАНИЕ|ОСТОРОЖНО|ПРЕДУПРЕЖДЕНИЕ|ОПАСНО|ПРИМЕЧАНИЯ|ПРИМЕЧАНИЕ|WARNINGS?|CAUTIONS?|DANGER|NOTES?)"
    r"(?:\s*[!:.—–-]+\s*|\s*$|\s+(?=[А-ЯA-Z«\"]))",
    re.IGNORECASE,
)
LEAD_KINDS = {"внимание": "caution", "осторожно": "warning", "предупреждение": "warning", "опасно": "warning",
              "примечание": "note", "примечания": "note", "warning": "warning", "warnings": "warning",
              "caution": "caution", "cautions": "caution", "danger": "warning", "note": "note", "notes": "note"}
_STYLE_KINDS = ((re.compile(r"footnote|endnote|сноск", re.I), None), (re.compile(r"warning|предупрежд|опасн", re.I), "warning"),
                (re.compile(r"caution|внимани", re.I), "caution"), (re.compile(r"\bnote|примечан", re.I), "note"))
_FIG_CAPTION = re.compile(r"^(рисунок|рис\.|figure|fig\.)\s*([\dА-ЯA-Z][\d.]*)\s*(?:[—–:.-]\s*)?(.*)$", re.IGNORECASE)
_NOTE_ITEM = re.compile(r"^\d{1,2}\s+(?=\S)")
#: the caption GOST 2.105 puts over the part of a table carried to the next page (and English counterparts)
CONTINUED = re.compile(r"^(?:продолжение|окончание)\s+табл\w*\b|^(?:table\s+\S+\s*)?\(?(?:continued|cont'd)\)?\.?$|"
                       r"^continuation of table\b", re.IGNORECASE)

LABELS = {
    "ru": {"figure": "Рисунок", "table": "Таблица"},
    "en": {"figure": "Figure", "table": "Table"},
}


@dataclass
class Item:
    kind: str  # para | list | warning | caution | note | figure | table | step | clause
    paras: list[Paragraph] = field(default_factory=list)
    table: Table | None = None
    pictures: list[Picture] = field(default_factory=list)
    title: str | None = None  # caption of a figure or table
    number: str | None = None  # its number in the source
    where: str = ""


def fig_caption(text: str) -> tuple[str, str] | None:
    m = _FIG_CAPTION.match(unspace(text.strip()))
    return (m.group(2).rstrip("."), m.group(3).strip()) if m else None


def _lead(p: Paragraph) -> tuple[str | None, int]:
    """(kind, length of the lead word and separator) of a warning, caution or note paragraph."""
    for pattern, kind in _STYLE_KINDS:
        if pattern.search(p.style):
            if kind is None:
                break
            m = _LEAD.match(p.text.lstrip())
            return kind, (len(p.text) - len(p.text.lstrip()) + m.end()) if m else 0
    text = p.text.lstrip()
    m = _LEAD.match(text)
    if not m:
        return None, 0
    word = m.group(1)
    rest = text[m.end():]
    # "Note that ..." is prose; a lead word is in capitals, followed by a separator, or alone
    if not (word.isupper() or re.match(r"\s*[!:.—–-]", text[len(word):]) or not rest.strip()):
        return None, 0
    return LEAD_KINDS[word.lower()], len(p.text) - len(text) + m.end()


def read_items(blocks: list[Block], report: ConversionReport) -> list[Item]:
    """The blocks of one section as items, captions joined to their figures and tables."""
    items: list[Item] = []
    i = 0
    used_captions: set[int] = set()
    while i < len(blocks):
        b = blocks[i]
        if isinstance(b, Table):
            if _continues(items, b, report):
                i += 1
                continue
            item = Item("table", table=b, where=b.where)
            prev = blocks[i - 1] if i else None
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            for cand in (prev, nxt):
                if isinstance(cand, Paragraph) and id(cand) not in used_captions and (cap := table_caption(cand.plain)):
                    if cand is nxt and not cand.caption:
                        continue
                    item.number, item.title = cap
                    item.title = item.title or cand.plain
                    used_captions.add(id(cand))
                    report.place(cand.where, "caption", "table title")
                    if cand is prev and items and items[-1].paras and items[-1].paras[-1] is cand:
                        items[-1].paras.pop()
                        if not items[-1].paras:
                            items.pop()
                    elif cand is nxt:
                        i += 1
                    break
            items.append(item)
            i += 1
            continue
        p: Paragraph = b
        if id(p) in used_captions:
            i += 1
            continue
        if p.pictures:
            if p.plain and not fig_caption(p.plain):  # a step or list item showing a picture stays one
                items.append(Item(_text_kind(p), [p], where=p.where))
            fig = Item("figure", pictures=list(p.pictures), where=p.where)
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            cap_para = None
            if fig_caption(p.plain):
                cap_para = p
            elif isinstance(nxt, Paragraph) and not nxt.pictures and (fig_caption(nxt.plain) or (nxt.caption and nxt.plain)):
                cap_para = nxt
                i += 1
            elif items and items[-1].kind == "para" and fig_caption(items[-1].paras[-1].plain):
                cap_para = items[-1].paras.pop()
                if not items[-1].paras:
                    items.pop()
            if cap_para is not None:
                cap = fig_caption(cap_para.plain)
                fig.number, fig.title = cap if cap else (None, cap_para.plain)
                fig.title = fig.title or cap_para.plain
                report.place(cap_para.where, "caption", "figure title")
            items.append(fig)
            i += 1
            continue
        if not p.plain and not any(r.footnote for r in p.runs):
            i += 1
            continue
        kind, cut = _lead(p)
        if kind:
            body = _without_lead(p, cut)
            paras = [body] if body.plain else []
            j = i + 1
            plural = p.plain.split()[0].lower().rstrip("!:.") in ("примечания", "notes", "warnings", "cautions")
            # the text follows a lead word that stands alone; notes may go on as numbered items
            while j < len(blocks) and isinstance(blocks[j], Paragraph) and not blocks[j].pictures and blocks[j].heading is None:
                nxt = blocks[j]
                if _lead(nxt)[0]:
                    break
                numbered = nxt.list_level is not None or _NOTE_ITEM.match(nxt.plain)
                if (not paras and nxt.plain) or (numbered and (plural or not paras or paras[-1].list_level is not None)):
                    paras.append(nxt)
                    j += 1
                    continue
                break
            items.append(Item(kind, paras or [body], where=p.where))
            i = j
            continue
        items.append(Item(_text_kind(p), [p], where=p.where))
        i += 1
    return items


def _text_kind(p: Paragraph) -> str:
    if p.list_level is not None:
        return "step" if p.numbered else "bullet"
    return "clause" if p.number else "para"


def _continues(items: list[Item], table: Table, report: ConversionReport) -> bool:
    """A table under "Продолжение таблицы 2", right after that table, is its next page: its rows join it (the
    header typed again is dropped). Parts with different columns stay apart (a fault table still reads on)."""
    if len(items) < 2 or items[-1].kind != "para" or items[-2].kind != "table":
        return False
    cap = items[-1].paras[-1]
    if not CONTINUED.match(cap.plain):
        return False
    items.pop()
    report.place(cap.where, "caption", f"the continuation of {items[-1].table.where}")
    first = items[-1].table
    if first.cols != table.cols:
        return False
    head = [tuple(c.plain for c in r if not c.continued) for r in first.rows[: first.header_rows]]
    rows = table.rows
    while rows and tuple(c.plain for c in rows[0] if not c.continued) in head:
        rows = rows[1:]
    first.rows += rows
    first.notes += table.notes
    report.place(table.where, "table", f"joined to {first.where}, which it continues")
    return True


def _without_lead(p: Paragraph, cut: int) -> Paragraph:
    from copy import deepcopy

    q = deepcopy(p)
    q.pictures = []
    for run in q.runs:
        if cut <= 0:
            break
        if run.footnote is not None:
            continue
        n = min(cut, len(run.text))
        run.text, cut = run.text[n:], cut - n
    return q


class Module:
    """Builds the content of one data module; knows its targets, figures and what went where."""

    def __init__(self, code: str, language: str, figures: Figures, report: ConversionReport,
                 safety: Safety | None = None) -> None:
        self.code = code
        self.lang = language[:2]
        self.figures = figures
        self.report = report
        self.safety = safety  # warnings and cautions go to the repositories, referred to; None: written in place
        self.references = References()
        self.targets = Targets()
        self.icns: list[Icn] = []
        self.counts = {"fig": 0, "tab": 0, "step": 0}
        self.trailing: list[Item] = []  # warnings after the last step

    def new_id(self, kind: str) -> str:
        self.counts[kind] += 1
        return f"{kind}-{self.counts[kind]:04d}"

    def prepare(self, items: list[Item]) -> None:
        """Give the module's figures and tables their ids first, so text before them can refer to them."""
        for item in items:
            if item.kind == "figure" and item.number and item.number not in self.targets.figures:
                self.targets.figures[item.number] = f"fig-{len(self.targets.figures) + 1:04d}"
            if item.kind == "table" and item.number and item.number not in self.targets.tables:
                self.targets.tables[item.number] = f"tab-{len(self.targets.tables) + 1:04d}"

    # -- single items ---------------------------------------------------------------------------------------

    def para(self, parent: etree._Element, p: Paragraph, what: str = "paragraph") -> etree._Element:
        el = etree.SubElement(parent, "para")
        for note in fill(el, p.runs, "para", self.targets):
            self.report.leave(p.where, note)
        self.report.place(p.where, what, f"{self.code}: para")
        return el

    def list_into(self, parent: etree._Element, paras: list[Paragraph]) -> None:
        """A run of list paragraphs as a para holding a sequential or random list, nested by level."""
        holder = etree.SubElement(parent, "para")
        base = min(p.list_level or 0 for p in paras)
        stack: list[tuple[int, etree._Element]] = []
        for p in paras:
            level = (p.list_level or 0) - base
            while stack and stack[-1][0] > level:
                stack.pop()
            if not stack or stack[-1][0] < level:
                host = holder if not stack else stack[-1][1][-1].findall("para")[-1]
                lst = etree.SubElement(host, "sequentialList" if p.numbered else "randomList")
                stack.append((level, lst))
            item = etree.SubElement(stack[-1][1], "listItem")
            el = etree.SubElement(item, "para")
            for note in fill(el, p.runs, "para", self.targets):
                self.report.leave(p.where, note)
            self.report.place(p.where, "list item", f"{self.code}: listItem")

    def attention(self, parent: etree._Element, item: Item) -> None:
        if self.safety is not None and item.kind in REF:
            entry = self.safety.entry(item.kind, item.paras)
            attr = REF[item.kind][1]
            parent.set(attr, " ".join(filter(None, (parent.get(attr), self.references.id_for(item.kind, entry)))))
            to = f"{self.code}: {attr} -> {entry.ident} of DMC-{entry.code}"
            self.report.place(item.where, item.kind, to)
            for p in item.paras:
                if p.where != item.where:
                    self.report.place(p.where, f"{item.kind} text", to)
            return
        el = etree.SubElement(parent, item.kind)
        tag = "notePara" if item.kind == "note" else "warningAndCautionPara"
        self.report.place(item.where, item.kind, f"{self.code}: {item.kind}")
        for p in item.paras:
            para = etree.SubElement(el, tag)
            for note in fill(para, p.runs, "attention", self.targets):
                self.report.leave(p.where, note)
            if p.where != item.where:
                self.report.place(p.where, f"{item.kind} text", f"{self.code}: {item.kind}")
        if not len(el):
            etree.SubElement(el, tag)

    def figure(self, parent: etree._Element, item: Item) -> None:
        icns = [icn for pic in item.pictures if (icn := self.figures.icn_for(pic)) is not None]
        for where, what in self.figures.unsupported:
            self.report.leave(where, what)
        self.figures.unsupported.clear()
        if not icns:
            return
        fid = self.targets.figures.get(item.number or "") or f"fig-x{self.new_id('fig')[4:]}"
        el = etree.SubElement(parent, "figure", id=fid)
        label = LABELS.get(self.lang, LABELS["en"])["figure"]
        etree.SubElement(el, "title").text = item.title or (f"{label} {item.number}" if item.number else label)
        for n, icn in enumerate(icns, 1):
            etree.SubElement(el, "graphic", infoEntityIdent=icn.name, id=f"{fid}-g{n}")
            if icn not in self.icns:
                self.icns.append(icn)
            how = f" (converted from {icn.converted_from.upper()})" if icn.converted_from else ""
            self.report.place(item.pictures[n - 1].where if n <= len(item.pictures) else item.where, "picture",
                              f"{icn.filename}{how}, figure {fid} of {self.code}")
        if not item.title:
            self.report.leave(item.where, "a picture without a caption: its figure is titled only with the label")

    def table(self, parent: etree._Element, item: Item) -> list[Picture]:
        tid = self.targets.tables.get(item.number or "") or f"tab-x{self.new_id('tab')[4:]}"
        return cals(parent, item.table, item.title, tid, self.code, self.report, self.targets)

    # -- flows ----------------------------------------------------------------------------------------------

    def flow(self, container: etree._Element, items: list[Item], sub: Callable[[etree._Element], etree._Element] | None) -> None:
        """Items into a container that allows warnings, then cautions, only first (when `sub` is given: a
        warning after other content opens a new untitled sub-container); lists go into paras."""
        state = "w"  # w: only warnings so far; c: cautions too; b: body content
        i = 0
        current = container
        while i < len(items):
            item = items[i]
            if item.kind in ("warning", "caution") and sub is not None:
                allowed = state == "w" or (state == "c" and item.kind == "caution")
                if not allowed:
                    current = sub(container)
                    state = "w"
                state = "w" if item.kind == "warning" and state == "w" else "c"
                self.attention(current, item)
                i += 1
                continue
            state = "b"
            if item.kind in ("warning", "caution", "note"):
                self.attention(current, item)
            elif item.kind in ("step", "bullet"):
                run = [item]
                while i + 1 < len(items) and items[i + 1].kind in ("step", "bullet"):
                    i += 1
                    run.append(items[i])
                self.list_into(current, [p for it in run for p in it.paras])
            elif item.kind in ("para", "clause"):
                self.para(current, item.paras[0])
            elif item.kind == "figure":
                self.figure(current, item)
            elif item.kind == "table":
                for pic in self.table(current, item):
                    self.report.leave(item.where, "a picture inside a table cell: shown after the table")
                    self.figure(current, Item("figure", pictures=[pic], where=pic.where))
            i += 1


def _sub_levelled(parent: etree._Element) -> etree._Element:
    return etree.SubElement(parent, "levelledPara")


def _sub_common(parent: etree._Element) -> etree._Element:
    return etree.SubElement(parent, "commonInfoDescrPara")


def descriptive(section: Section, module: Module, items_of: Callable[[Section], list[Item]]) -> etree._Element | None:
    """<description> of a section and its subsections that joined it; None when it holds nothing."""
    content = etree.Element("content")
    description = etree.SubElement(content, "description")
    own = items_of(section)
    if own:  # the section's own text: an untitled levelled paragraph (the module's title heads it)
        module.flow(_sub_levelled(description), own, _sub_levelled)

    def sub_sections(parent: etree._Element, sec: Section) -> None:
        for child in sec.children:
            if child.module:
                continue
            lp = etree.SubElement(parent, "levelledPara")
            etree.SubElement(lp, "title").text = child.title
            module.report.place(child.where, "heading", f"{module.code}: levelledPara title")
            module.flow(lp, items_of(child), _sub_levelled)
            sub_sections(lp, child)
            if len(lp) == 1:  # a heading without content: S1000D needs something after the title
                etree.SubElement(lp, "para")

    sub_sections(description, section)
    return content if len(description) else None


def procedural(section: Section, module: Module, items_of: Callable[[Section], list[Item]],
               requirements: Callable[[etree._Element, Module], None]) -> etree._Element:
    """<procedure>: what precedes the first step is common information (warnings: safety requirements),
    numbered items are steps, nested by level, and joined subsections are titled steps."""
    content = etree.Element("content")
    procedure = etree.SubElement(content, "procedure")
    items = items_of(section)
    first = next((n for n, it in enumerate(items) if it.kind in ("step", "clause")), len(items))
    lead, rest = items[:first], items[first:]
    safety = [it for it in lead if it.kind in ("warning", "caution")]
    common = [it for it in lead if it.kind not in ("warning", "caution")]
    if common:
        info = etree.SubElement(procedure, "commonInfo")
        module.flow(_sub_common(info), common, _sub_common)
    prelim = etree.SubElement(procedure, "preliminaryRqmts")
    requirements(prelim, module)
    safe = prelim.find("reqSafety")
    if safety:
        for child in list(safe):
            safe.remove(child)
        rq = etree.SubElement(safe, "safetyRqmts")
        for kind in ("warning", "caution"):
            for it in safety:
                if it.kind == kind:
                    module.attention(rq, it)
    main = etree.SubElement(procedure, "mainProcedure")
    _steps(main, rest, module)

    def sub_sections(parent: etree._Element, sec: Section) -> None:
        for child in sec.children:
            if child.module:
                continue
            step = etree.SubElement(parent, "proceduralStep", id=module.new_id("step"))
            etree.SubElement(step, "title").text = child.title
            module.report.place(child.where, "heading", f"{module.code}: proceduralStep title")
            _steps(step, items_of(child), module, titled=True)
            sub_sections(step, child)

    sub_sections(main, section)
    if not len(main):
        step = etree.SubElement(main, "proceduralStep", id=module.new_id("step"))
        etree.SubElement(step, "para")
    close = etree.SubElement(etree.SubElement(procedure, "closeRqmts"), "reqCondGroup")
    if module.trailing:
        for it in module.trailing:
            for p in it.paras:
                cond = etree.SubElement(etree.SubElement(close, "reqCondNoRef"), "reqCond")
                fill(cond, p.runs, "plain")
                module.report.leave(p.where, f"a {it.kind} after the last step: kept as a close-up requirement")
        module.trailing = []
    else:
        etree.SubElement(close, "noConds")
    return content


def _steps(parent: etree._Element, items: list[Item], module: Module, titled: bool = False) -> None:
    """Numbered items as steps nested by list level (a list under a numbered clause is its sub-steps); other
    items join the step before them, and warnings the step after them. `parent` is mainProcedure or a titled
    step."""
    stack: list[tuple[int, etree._Element]] = []  # (level, proceduralStep)
    pending: list[Item] = []
    own: list[Item] = []  # content of a titled step before its first numbered item
    body: list[Item] = []  # content after the current step, flowed at once so that a list stays one list

    def flush() -> None:
        if body:
            module.flow(stack[-1][1], body, None)
            body.clear()

    def open_step(level: int) -> etree._Element:
        flush()
        while stack and stack[-1][0] >= level:
            stack.pop()
        host = stack[-1][1] if stack else parent
        step = etree.SubElement(host, "proceduralStep", id=module.new_id("step"))
        for kind in ("warning", "caution"):
            for it in pending:
                if it.kind == kind:
                    module.attention(step, it)
        pending.clear()
        stack.append((level, step))
        return step

    for item in items:
        if item.kind in ("step", "clause"):
            p = item.paras[0]
            if own and titled and not stack:
                module.flow(parent, own, None)
                own = []
            level = p.list_level if item.kind == "step" and p.list_level is not None else -1
            step = open_step(level)
            module.para(step, p, "step")
            continue
        if item.kind in ("warning", "caution"):
            if titled and not stack and not own and (len(parent) == 1 or parent[-1].tag in ("warning", item.kind)):
                module.attention(parent, item)  # right after the step's title, where S1000D puts them
            else:
                pending.append(item)
            continue
        if not stack:
            own.append(item)
            continue
        body.append(item)
    if stack:
        flush()
    if own:
        if titled:
            module.flow(parent, own, None)
        else:  # content before any step in a joined part: a step of its own would add a step; keep it in one
            step = open_step(0)
            module.flow(step, own, None)
    if pending:
        module.trailing += pending
