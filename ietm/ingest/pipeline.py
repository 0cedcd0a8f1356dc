"""One import: a source document into data modules, a publication module, a DML and ICN files, written and
checked. Everything is built in memory first, so a document that cannot be read writes nothing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ietm.author.create import dm_tree
from ietm.config import load_config
from ietm.errors import InputError, NotFound
from ietm.ingest import cards, typical
from ietm.ingest.blocks import Paragraph, Table, read_document
from ietm.ingest.codes import (FAULT_INFO, PARTS_INFO, SCHEDULE_INFO, SUPPLIES_INFO, TOOLS_INFO, Allocator, CodeMap,
                               info_for, sns_from_number)
from ietm.ingest.content import Item, Module, descriptive, procedural, read_items
from ietm.ingest.figures import Figures, Icn
from ietm.ingest.publication import Entry, dm_list, dm_ref, publication
from ietm.ingest.reading import open_docx, open_source
from ietm.ingest.report import ConversionReport
from ietm.ingest.safety import Safety, existing_entries
from ietm.ingest.versions import partner, plan, share_codes
from ietm.ingest.structure import Section, build_tree, content_blocks, plan_modules
from ietm.ingest.writing import Manifest, check_written, write_all
from ietm.parse.codes import DmCode, Language, PmCode
from ietm.parse.loader import load_bytes
from ietm.parse.model import describe, read_object

SCHEMAS = {"descriptive": "descript", "procedural": "proced", "fault": "fault", "schedule": "schedul", "comrep": "comrep"}
IDENT_ATTRS = {"toolNumber", "partNumberValue", "supplyNumber", "inspectionTypeCategory"}
STRUCTURE_LABEL = re.compile(
    r"^(?:(?:рисунок|рис\.|figure|fig\.|таблица|table)\s*[\dА-ЯA-Z][\d.]*|"
    r"(?:ВНИМАНИЕ|ОСТОРОЖНО|ПРЕДУПРЕЖДЕНИЕ|ОПАСНО|ПРИМЕЧАНИЯ?|WARNINGS?|CAUTIONS?|DANGER|NOTES?)(?=\W|$))",
    re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)


@dataclass
class Options:
    model: str
    language: str | None = None  # ll-CC; None: from the text
    code_map: CodeMap = field(default_factory=CodeMap)
    enterprise: str = "00000"
    pair: bool = True  # a document of another language with the same plan as one imported before takes its codes


@dataclass
class Built:
    code: DmCode
    tech: str
    info: str | None
    schema: str
    content: etree._Element
    icns: list[Icn]


def detect_language(text: str) -> str:
    cyr = sum(1 for ch in text if "а" <= ch.lower() <= "я" or ch in "ёЁ")
    lat = sum(1 for ch in text if "a" <= ch.lower() <= "z")
    return "ru-RU" if cyr >= lat else "en-US"


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _project_brex(csdb: Path) -> DmCode | None:
    for f in sorted(csdb.glob("DMC-*-022*.XML")) + sorted(csdb.glob("DMC-*-022*.xml")):
        try:
            obj = read_object(f)
        except InputError:
            continue
        if obj.content_type == "brex":
            return DmCode.parse(obj.key)
    return None


def import_document(path: Path, csdb: Path, options: Options) -> ConversionReport:
    if not csdb.is_dir():
        raise NotFound("no such folder (the CSDB to import into)", str(csdb))
    source = open_source(path)
    try:
        return _import(path, source, csdb, options)
    finally:
        source.close()


def _import(path: Path, source, csdb: Path, options: Options) -> ConversionReport:
    doc = read_document(open_docx(source))
    report = ConversionReport(path.name)
    all_text = " ".join(_block_text(b) for b in doc.blocks)
    language = options.language or detect_language(all_text)
    lang = Language.parse(language)
    report.language = str(lang)
    short = lang.languageIsoCode
    title = doc.title or path.stem
    for where, what in doc.left_out:
        report.leave(where, what)

    manifest = Manifest.read(csdb)
    existing = [p.name for p in csdb.iterdir()]
    allocator = Allocator(options.model.upper(), manifest.taken_codes(path.name) | _codes_in(existing, path.name, manifest))
    figures = Figures(options.enterprise, manifest.icns, [n for n in existing if manifest.written_sha(n) is None])
    brex = _project_brex(csdb)

    root = build_tree(doc.blocks, title)
    forced = {}
    for s in root.walk():
        rule = options.code_map.rule_for(s.title) if s.level else None
        if rule and rule.kind:
            forced[id(s)] = rule.kind
    modules = plan_modules(root, options.code_map.depth, forced)

    # pass 1: items of every section, typical tables taken out
    items: dict[int, list[Item]] = {}
    found: list[tuple[Section, str, Item]] = []
    card_titles: dict[int, tuple[str | None, str | None, list[str]]] = {}
    for s in root.walk():
        its = read_items(s.blocks, report)
        keep = []
        for it in its:
            if it.kind == "table":
                kind = typical.classify(it.table, it.title or "", s.title) or ("card" if cards.is_card(it.table) else None)
                if kind == "card":  # "Технологическая карта № 1" and the name of the work above it title it
                    above = [k.paras[0] for k in keep[::-1][:2] if k.kind == "para"]
                    number, name, used = cards.title_from([p.plain for p in above])
                    card_titles[id(it)] = (number, name, [p.where for p in above[:used]])
                    del keep[len(keep) - used:]
                if kind:
                    found.append((s, kind, it))
                    # notes written in a row under the table stay in the section, as notes
                    keep += read_items(typical.table_notes(it.table), report)
                    continue
            keep.append(it)
        items[id(s)] = keep

    def items_of(section: Section) -> list[Item]:
        return items[id(section)]

    def owner(section: Section) -> Section:
        while not section.module and section.parent is not None:
            section = section.parent
        return section

    def sns(section: Section) -> tuple[str, str, str, str]:
        rule = options.code_map.rule_for(section.title) if section.level else None
        if rule and rule.sns:
            return rule.sns
        return sns_from_number(section.number)

    built: dict[int, list[Built]] = {id(s): [] for s in root.walk()}
    all_built: list[Built] = []

    def add(section: Section, b: Built) -> None:
        built[id(section)].append(b)
        all_built.append(b)

    # repositories first: procedures name their tools, supplies and spares
    repos: dict[str, typical.Repository] = {}
    repo_titles: dict[str, str] = {}
    repo_home: dict[str, Section] = {}
    for s, kind, it in found:
        if kind in ("tools", "spares", "supplies"):
            entries = typical.entries(it.table)
            if kind in repos:
                repos[kind].entries += entries
                repos[kind].__post_init__()
            else:
                repos[kind] = typical.Repository(kind, entries)
                repo_titles[kind] = it.title or ""
                repo_home[kind] = owner(s)
            for e in entries:
                report.place(e.where, f"{kind} entry", f"{kind} repository: {e.id}")
            report.place(it.where, "table", f"{kind} repository")
    labels = typical.LABELS.get(short, typical.LABELS["en"])
    for kind, info in (("tools", TOOLS_INFO), ("spares", PARTS_INFO), ("supplies", SUPPLIES_INFO)):
        if kind in repos:
            code = allocator.code(("00", "0", "0", "00"), info, "A", "D")
            repos[kind].code = str(code)
            add(repo_home[kind], Built(code, title, repo_titles[kind] or labels[kind], "comrep",
                            typical.repository_content(kind, repos[kind].entries, options.enterprise), []))

    def requirements_for(section: Section, text: str):
        def fill_prelim(prelim: etree._Element, module: Module | None = None) -> None:
            for kind, entry in typical.requirement(prelim, repos, text, short, options.enterprise):
                report.place(section.where, f"required {kind}", f"{kind} {entry.id} in the procedure")
        return fill_prelim

    mine = set(manifest.sources.get(path.name, {}).get("files", {}))
    safety = Safety(existing_entries(csdb, str(lang), mine),
                    lambda info: allocator.code(("00", "0", "0", "00"), info, "A", "D"))

    def declared(content: etree._Element, module: Module) -> etree._Element:
        """The content with the repository warnings and cautions it refers to declared first."""
        refs = module.references.element()
        if refs is not None:
            content.insert(0, refs)
        return content

    fault_no = 0
    for section in modules:
        rule = options.code_map.rule_for(section.title) if section.level else None
        kind = section.kind
        info = rule.info[0] if rule and rule.info else info_for(kind, section.chapter, section.title)
        variant = rule.info[1] if rule and rule.info else "A"
        if section.level == 0:
            info = "018" if kind == "descriptive" else info
        code = allocator.code(sns(section), info, variant)
        module = Module(str(code), str(lang), figures, report, safety)
        its = items_of(section) + [it for c in _joined(section) for it in items_of(c)]
        module.prepare(its)
        if section.level:
            report.place(section.where, "heading", f"DMC-{code}: title")
        if kind == "procedural":
            text = " ".join(_block_text(b) for b in content_blocks(section))
            content = procedural(section, module, items_of, requirements_for(section, text))
        else:
            content = descriptive(section, module, items_of)
        if content is not None:
            add(section, Built(code, title, section.title if section.level else None, SCHEMAS[kind],
                               declared(content, module), module.icns))
    # typical tables that make modules of their own, after the module of their section
    carry: tuple[Section, typical.Fault] | None = None  # the last fault: a table split by a page goes on with it
    faults: list[tuple[Section, typical.Fault]] = []
    for s, kind, it in found:
        if kind == "fault":
            more = typical.faults(it.table, carry[1] if carry and carry[0] is s else None)
            faults += [(s, f) for f in more]
            carry = (s, more[-1]) if more else carry if carry and carry[0] is s else None
            report.place(it.where, "table", f"fault isolation modules of {s.title}")
    for s, fault in faults:
        home = owner(s)
        fault_no += 1
        code = allocator.code(sns(home), FAULT_INFO)
        text = " ".join(p.plain for c, r in fault.causes for p in c + r)
        symptom = " ".join(p.plain for p in fault.symptom)
        content = typical.fault_content(fault, short, f"F{fault_no:04d}", requirements_for(s, text))
        add(home, Built(code, fault.group or title, symptom, "fault", content, []))
        report.place(fault.where, "fault", f"DMC-{code}: fault isolation")
    card_refs: dict[str, etree._Element] = {}  # task card number -> a dmRef to its module, for schedules
    for n, (s, kind, it) in enumerate(found, 1):
        if kind != "card":
            continue
        home = owner(s)
        number, name, wheres = card_titles[id(it)]
        card = cards.read_card(it.table)
        label = labels["card"].format(number or "").strip()
        name = f"{label}. {name}" if name else it.title or label
        code = allocator.code(sns(home), info_for("procedural", home.chapter, name))
        module = Module(str(code), str(lang), figures, report, safety)
        work = read_items(card.work, report)
        module.prepare(work)
        holder = Section(name, "", 1, it.where)
        fill, _ = cards.requirements(card, f"TK{number or n}", options.enterprise, labels["as_required"])
        content = procedural(holder, module, lambda x, work=work, holder=holder: work if x is holder else [], fill)
        add(home, Built(code, title, name, "proced", declared(content, module), module.icns))
        for where in wheres:
            report.place(where, "heading", f"DMC-{code}: title")
        for _, para, _ in card.rqmts:
            report.place(para.where, "requirement", f"DMC-{code}: preliminaryRqmts")
        report.place(it.where, "table", f"DMC-{code}: task card procedure")
        if number:
            ref = etree.Element("refs")
            dm_ref(ref, code, title, name)
            card_refs[number] = ref[0]
    for s, kind, it in found:
        home = owner(s)
        if kind == "schedule":
            tasks = typical.tasks(it.table)
            code = allocator.code(sns(home), SCHEDULE_INFO)
            add(home, Built(code, title, it.title or labels["schedule"], SCHEMAS["schedule"], typical.schedule_content(tasks, card_refs), []))
            for t in tasks:
                report.place(t.where, "maintenance task", f"DMC-{code}: taskDefinition")
            report.place(it.where, "table", f"DMC-{code}: maintenance schedule")

    for kind, code, content in safety.repositories():
        add(root, Built(code, title, labels[kind], "comrep", content, []))

    figures.convert(source.workdir, source.shown)

    other = partner(manifest, path.name, str(lang), all_built) if options.pair else None
    if other is not None:
        share_codes(all_built, [c for c, _ in other[1]["plan"]], report)
        report.place("document", "language version", f"of {other[0]} ({other[1]['language']}): its data module codes")

    # files
    today = dt.date.today()
    outputs: dict[str, bytes] = {}
    for b in all_built:
        tree = dm_tree(b.code, lang, b.tech, b.info, b.schema, "4.2", options.enterprise, brex, today)
        tree.getroot().append(b.content)
        name, data = _serialize(tree, b.icns)
        outputs[name] = data
    seq = int(other[1]["pm"]) if other is not None else manifest.pm_number(path.name)
    dml_seq = manifest.dml_number(path.name, seq)
    pmc = PmCode(options.model.upper(), options.enterprise, f"{seq:05d}", "00")
    top = _entries(root, built)
    pm = publication(pmc, lang, title, top, options.enterprise, today)
    _set_brex(pm.getroot(), "pmStatus", brex)
    name, data = _serialize(pm, [])
    outputs[name] = data
    icns = sorted({i.name: i for b in all_built for i in b.icns}.values(), key=lambda i: i.name)
    dml = dm_list(options.model.upper(), options.enterprise, dml_seq, lang,
                  [(b.code, b.tech, b.info) for b in all_built], (pmc, title), [i.name for i in icns], today)
    name, data = _serialize(dml, [])
    outputs[name] = data
    for icn in icns:
        outputs[icn.filename] = icn.data

    # words: how much of the source's text is in what was built (labels S1000D renders from structure left out)
    typical_heads = {id(it.table) for _, _, it in found}
    source_words = words(" ".join(_block_text(b, typical_heads, labelled=False) for b in doc.blocks))
    out_words = set()
    for name, data in outputs.items():
        if name.upper().endswith(".XML"):
            root_el = etree.fromstring(data)
            out_words.update(words(" ".join(root_el.itertext())))
            out_words.update(words(" ".join(v for el in root_el.iter() for k, v in el.attrib.items() if k in IDENT_ATTRS)))
    report.words = (sum(1 for w in source_words if w in out_words), len(source_words))

    written = write_all(csdb, outputs, manifest, path.name, report)
    record = manifest.sources[path.name]
    record.update(pm=seq, dml=dml_seq, language=str(lang), codes=sorted(str(b.code) for b in all_built), plan=plan(all_built))
    manifest.icns.update(figures.known)
    manifest.save()
    check_written(written, csdb, load_config(csdb), report, brex is not None)
    return report


def _joined(section: Section) -> list[Section]:
    out = []
    for c in section.children:
        if not c.module:
            out.append(c)
            out += _joined(c)
    return out


def _entries(section: Section, built: dict[int, list[Built]]) -> Entry:
    label = f"{section.label} {section.title}".strip() if section.level else section.title
    entry = Entry(label, [(b.code, b.tech, b.info) for b in built[id(section)]])
    entry.children = [_entries(c, built) for c in section.children]
    # modules of joined subsections (faults, schedules) are listed with their own subsection
    return entry


def _block_text(b, typical_tables: set[int] = frozenset(), labelled: bool = True) -> str:
    """A block's words; unlabelled: without the labels S1000D makes from structure (caption numbers such as
    "Рисунок 3", lead words such as "ВНИМАНИЕ", the header rows of tables that became repositories)."""
    if isinstance(b, Paragraph):
        notes = " ".join(t for r in b.runs if r.footnote for t in r.footnote)
        text = b.plain
        if not labelled:
            text = STRUCTURE_LABEL.sub("", text)
        return f"{text} {notes}".strip()
    if isinstance(b, Table):
        rows = b.rows[b.header_rows:] if id(b) in typical_tables and not labelled else b.rows
        return " ".join(_block_text(p, labelled=labelled) for row in rows for c in row for p in c.paragraphs)
    return ""


def _codes_in(names: list[str], source: str, manifest: Manifest) -> set[str]:
    """Codes of modules in the CSDB that this source did not write (the writer's own, other imports)."""
    mine = set(manifest.sources.get(source, {}).get("files", {}))
    out = set()
    for n in names:
        m = re.match(r"^DMC-(.+?)_\d{3}-\d{2}", n, re.IGNORECASE)
        if m and n not in mine:
            out.add(m.group(1).upper())
    return out


def _set_brex(root: etree._Element, status: str, brex: DmCode | None) -> None:
    if brex is None:
        return
    el = root.find(f"identAndStatusSection/{status}/brexDmRef/dmRef/dmRefIdent/dmCode")
    for k, v in vars(brex).items():
        if v is not None:
            el.set(k, v)


def _serialize(tree: etree._ElementTree, icns: list[Icn]) -> tuple[str, bytes]:
    doctype = Figures.doctype(tree.getroot().tag, icns)
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", doctype=doctype)
    return describe(load_bytes(data, "<import>")).expected_name or "", data
