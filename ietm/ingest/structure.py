"""Headings into a tree of sections, and which sections become data modules and of what kind.

A section down to `depth` heading levels becomes a data module; a deeper section joins the module of its
nearest such ancestor (as a titled levelled paragraph, or a titled step of a procedure), unless it is a
procedure inside a description, which always gets a module of its own: numbered items of a procedure are
steps, and only a procedural module has steps. Chapters are recognised by their GOST 2.610 (and English)
titles, which decide default info codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ietm.ingest.blocks import Block, Paragraph, Table

#: chapter kind -> title pattern (Russian GOST 2.610 chapters and their usual English counterparts)
CHAPTERS: dict[str, re.Pattern[str]] = {k: re.compile(v, re.IGNORECASE) for k, v in {
    "troubleshooting": r"неисправност|troubleshoot|fault isolation|fault finding",
    "maintenance": r"техническ\w* обслуживан|\bто\b|maintenance|servicing",
    "repair": r"ремонт|repair",
    "storage": r"хранени|storage",
    "transport": r"транспортирован|transport",
    "disposal": r"утилизац|disposal|recycling",
    "operation": r"использовани\w* по назначению|эксплуатац|operation|operating|\buse\b|using",
    "techdata": r"техническ\w* (?:характеристик|данн)|specification|technical data",
    "description": r"описани|устройств|description|general|overview",
    "intro": r"введени|общие (?:указания|сведения)|introduction|about this manual",
}.items()}

_PROCEDURAL_TITLE = re.compile(
    r"порядок|подготовк|провер|замен|сняти|установк|регулировк|пуск|запуск|останов|заправк|доливк|слив|очистк|"
    r"промывк|осмотр|монтаж|демонтаж|разборк|сборк|консервац|подключ|отключ|настройк|включени|выключени|измерени|"
    r"испытани|смазк|обслуживани|ремонт|процедур|действия|"
    r"procedure|how to|remov|install|replac|check|inspect|adjust|start|stop|clean|fill|drain|connect|test|"
    r"servic|mainten|lubricat|assembl|mount|operat|prepar|setting up|set up|refuel|charg",
    re.IGNORECASE,
)
#: the first word of an instruction: a Russian imperative or infinitive ("Установите", "Проверить"), or a
#: common English imperative (English verbs have no mark of their own)
_IMPERATIVE = re.compile(
    r"^(?:[А-ЯЁ][а-яё]+(?:ите|йте|ить|ать|ять|еть|уть|ыть|оть|ти|чь)(?:сь)?\b|(?:open|close|navigate|type|click|"
    r"select|press|turn|connect|disconnect|remove|install|ensure|make\s+sure|check|set|enter|run|wait|insert|attach|"
    r"tighten|loosen|plug|unplug|power|switch|push|pull|hold|release|verify|use|place|put|go|choose|download|copy|"
    r"save|start|stop|restart|apply|fill|drain|clean|replace|adjust|mount|align|lift|lower|rotate|slide|fit|"
    r"follow|repeat|record|measure|inspect|test|add|create|edit|upload|flash|load|launch|log\s+in|sign\s+in|"
    r"note|read|refer|see|remember|do\s+not|don't|never|always|if)\b)", re.IGNORECASE)
_DESCRIPTIVE_TITLE = re.compile(r"^(?:описание|устройство|состав|назначение|технические|description|overview|"
                                r"specifications?|technical data|general)\b", re.IGNORECASE)


@dataclass
class Section:
    title: str
    number: str
    level: int
    where: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    parent: Section | None = None
    chapter: str | None = None  # kind of the chapter it belongs to
    module: bool = False  # becomes a data module of its own
    kind: str = "descriptive"  # descriptive | procedural
    label: str = ""  # the number the source shows before the title ("2.3", "А.2"), if any

    @property
    def path(self) -> list[Section]:
        node, out = self, []
        while node is not None and node.level > 0:
            out.append(node)
            node = node.parent
        return out[::-1]

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


def chapter_kind(title: str) -> str | None:
    for kind, pattern in CHAPTERS.items():
        if pattern.search(title):
            return kind
    return None


def has_steps(blocks: list[Block]) -> bool:
    """Numbered list items or numbered clauses: what becomes procedural steps."""
    return any(isinstance(b, Paragraph) and b.heading is None and
               ((b.list_level is not None and b.numbered) or (b.number and b.plain)) for b in blocks)


def _instructions(blocks: list[Block]) -> bool:
    """Most numbered items tell the reader to do something: "Open ...", "Установите ...", "Проверить ..."."""
    items = [b.plain for b in blocks if isinstance(b, Paragraph) and b.heading is None and b.plain and
             ((b.list_level is not None and b.numbered) or b.number)]
    told = sum(1 for text in items if _IMPERATIVE.match(text))
    return len(items) >= 2 and told * 3 >= len(items) * 2


def is_procedural(section: Section) -> bool:
    if not has_steps(section.blocks):
        return False
    if _DESCRIPTIVE_TITLE.search(section.title):
        return False
    if _PROCEDURAL_TITLE.search(section.title):
        return True
    return section.chapter in ("operation", "maintenance", "repair", "storage", "transport", "disposal") or \
        _instructions(section.blocks)


def build_tree(blocks: list[Block], title: str) -> Section:
    root = Section(title, "", 0, "¶1")
    stack = [root]
    for b in blocks:
        if isinstance(b, Paragraph) and b.heading is not None:
            while stack[-1].level >= b.heading:
                stack.pop()
            parent = stack[-1]
            section = Section(b.plain, b.number or "", b.heading, b.where, parent=parent, label=b.label or "")
            section.chapter = chapter_kind(section.title) if parent is root else parent.chapter or chapter_kind(section.title)
            parent.children.append(section)
            stack.append(section)
            if b.pictures:  # a picture anchored in the heading's line is the section's first figure
                section.blocks.append(Paragraph(b.where, [], pictures=b.pictures))
        else:
            stack[-1].blocks.append(b)
    return root


def plan_modules(root: Section, depth: int, forced: dict[int, str] | None = None) -> list[Section]:
    """Mark the sections that become data modules (document order); `forced` maps id(section) to a kind."""
    forced = forced or {}
    modules: list[Section] = []

    def visit(section: Section, owner: Section | None) -> None:
        section.kind = forced.get(id(section)) or ("procedural" if is_procedural(section) else "descriptive")
        own = section.level == 0 or section.level <= depth or owner is None or (
            section.kind == "procedural" and (owner.kind != "procedural" or has_steps(section.blocks)))
        if own:
            section.module = True
            modules.append(section)
            owner = section
        for child in section.children:
            visit(child, owner)

    visit(root, None)
    return modules


def content_blocks(section: Section) -> list[Block]:
    """Everything a module holds of its own, subsections that join it included (for searches over it)."""
    out = list(section.blocks)
    for child in section.children:
        if not child.module:
            out += content_blocks(child)
    return out


def tables_of(section: Section) -> list[Table]:
    return [b for b in content_blocks(section) if isinstance(b, Table)]
