"""Measuring `ietm import` on real manuals: what the issue's "done means" asks of each, checked against readers
that are not ietm's own wherever one exists.

- objects valid against the official S1000D 4.2 schemas;
- words: every word Word shows in the body (its XML read directly: runs of the body, text boxes once, inserted
  text, no deleted text, footnotes) against the words of the CSDB;
- numbering: the paragraphs LibreOffice prints with a number (its plain-text export writes Word's labels) against
  the paragraphs ietm's reader takes as numbered, and in every procedure, numbered items against steps;
- pictures: every picture of the body is a graphic whose ICN file the viewer serves on the module's page;
- fault tables: tables headed "неисправность ... причина/устранение" (or "fault/symptom ... remedy") against the
  fault isolation modules made.
Used by tests/test_real_manuals.py (opt-in) and bench/bench_real_manuals.py.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ietm.check.schema import validate_paths
from ietm.check.schemas_locator import SchemaLocator
from ietm.ingest.blocks import Paragraph, Table, read_document
from ietm.ingest.pipeline import Options, import_document
from ietm.ingest.reading import open_docx, open_source
from webserver import client, serving

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
SUFFIXES = (".docx", ".doc", ".odt", ".rtf")
WORD = re.compile(r"[^\W\d_][\w-]*")
#: what S1000D renders from structure, at the start of a paragraph: caption labels and lead words
LABEL = re.compile(r"^\s*(?:(?:(?:продолжение|окончание)\s+таблицы|рисунок|рис\.|figure|fig\.|таблица|табл\.|table|"
                   r"т\s?а\s?б\s?л\s?и\s?ц\s?а|р\s?и\s?с\s?у\s?н\s?о\s?к)\s*[\dА-ЯA-Z]?[\d.]*|(?:ВНИМАНИЕ|ОСТОРОЖНО|ПРЕДУПРЕЖДЕНИЕ|ОПАСНО|"
                   r"ПРИМЕЧАНИЯ?|WARNINGS?|CAUTIONS?|DANGER|NOTES?)\b)", re.IGNORECASE)
IDENTS = ("toolNumber", "partNumberValue", "supplyNumber", "inspectionTypeCategory")
_LO_NUMBER = re.compile(r"^\s*(?:(?:\d{1,3}|[A-ZА-ЯЁ])(?:\.\d{1,3})+\.?|\d{1,3}[.)]|[a-zа-яё][.)]|[ivxlc]{1,5}[.)])\s+(?=\S)",
                        re.IGNORECASE)
_FAULT_HEAD = re.compile(r"неисправн|fault|symptom|trouble|problem", re.IGNORECASE)
_REMEDY_HEAD = re.compile(r"устранени|причин|remedy|cause|action|solution", re.IGNORECASE)
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


@dataclass
class Procedure:
    code: str
    title: str
    numbered: int  # numbered items of its source section(s)
    steps: int  # untitled procedural steps in the module


@dataclass
class Measure:
    source: str
    language: str = ""
    seconds: float = 0.0
    objects: int = 0
    invalid: list[str] = field(default_factory=list)  # schema findings
    import_errors: list[str] = field(default_factory=list)  # what the import itself reported (schema, BREX)
    words_found: int = 0
    words_total: int = 0
    missing_words: list[str] = field(default_factory=list)
    lo_numbered: int = 0  # paragraphs LibreOffice prints with a number
    reader_misses: list[str] = field(default_factory=list)  # of them, read by ietm as not numbered
    reader_extras: list[str] = field(default_factory=list)  # read by ietm as numbered, shown without a number
    procedures: list[Procedure] = field(default_factory=list)
    pictures: int = 0  # pictures in the source body
    graphics: int = 0  # graphics in the CSDB
    pictures_left: list[str] = field(default_factory=list)  # pictures the import reported it could not place
    icns_not_shown: list[str] = field(default_factory=list)
    fault_tables: int = 0
    fault_modules: int = 0
    unmapped: int = 0

    @property
    def words_share(self) -> float:
        return self.words_found / max(self.words_total, 1)

    @property
    def steps_match(self) -> bool:
        """Numbered items are the steps; a procedure with none has the one step S1000D requires."""
        return all(p.numbered == p.steps or (p.numbered == 0 and p.steps == 1) for p in self.procedures)

    def row(self) -> str:
        numbered = sum(p.numbered for p in self.procedures)
        steps = sum(p.steps for p in self.procedures)
        return (f"{self.source[:44]:44} {self.language:5} {self.objects:4} {len(self.invalid):4} "
                f"{100 * self.words_share:7.2f} {self.lo_numbered:5} {len(self.reader_misses):4} {len(self.reader_extras):4} "
                f"{len(self.procedures):4} {numbered:5} {steps:5} {self.pictures:4} {self.graphics:4} "
                f"{len(self.icns_not_shown):4} {self.fault_tables:3} {self.fault_modules:4} {self.seconds:6.1f}")


HEADER = (f"{'document':44} {'lang':5} {'objs':>4} {'bad':>4} {'words%':>7} {'LOnum':>5} {'miss':>4} {'xtra':>4} "
          f"{'proc':>4} {'items':>5} {'steps':>5} {'pics':>4} {'grph':>4} {'hide':>4} {'ft':>3} {'FIm':>4} {'sec':>6}")


def manuals(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$")))


# -- the source, read without ietm ---------------------------------------------------------------------------


def _part(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        return etree.fromstring(archive.read(name), PARSER)
    except KeyError:
        return None


def _shown_text(root: etree._Element) -> str:
    """The text Word shows in a part: runs (inserted text too), not deleted text, text boxes once (mc:Fallback
    repeats them), with paragraphs, cells, tabs and breaks as spaces."""
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag in (f"{MC}Fallback", f"{W}del", f"{W}moveFrom", f"{W}instrText"):
                continue
            if tag == f"{W}t":
                out.append(child.text or "")
            elif tag == f"{W}noBreakHyphen":
                out.append("-")
            elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                out.append(" ")
            walk(child)
            if tag in (f"{W}p", f"{W}tc"):
                out.append(" ")

    walk(root)
    return "".join(out)


def source_paragraph_texts(docx: Path, skip: dict[int, int] | None = None) -> list[str]:
    """Every paragraph Word shows in the body and the footnotes, as text; `skip`: table number (1-based, in
    document order) -> leading rows to leave out."""
    skip = skip or {}
    with zipfile.ZipFile(docx) as archive:
        texts = []
        body = _part(archive, "word/document.xml")
        headers: set[etree._Element] = set()  # elements, not their id(): lxml proxies come and go
        # numbered as ietm's report numbers them: the tables of the body and of their cells, not of text boxes
        tables = [t for t in body.iter(f"{W}tbl") if not any(a.tag in (f"{MC}Fallback", f"{W}txbxContent", f"{W}del")
                                                            for a in t.iterancestors())]
        for n, t in enumerate(tables, 1):
            rows = t.findall(f"{W}tr")
            head = {" ".join(_shown_text(r).split()) for r in rows[: skip.get(n, 0)]}
            # the header rows, and the same rows typed again where the table goes on to a new page
            headers |= {p for r in rows if " ".join(_shown_text(r).split()) in head for p in r.iter(f"{W}p")}
        for p in body.iter(f"{W}p"):
            if any(a.tag in (f"{MC}Fallback", f"{W}del", f"{W}moveFrom") for a in p.iterancestors()) or p in headers:
                continue
            # a paragraph holding a text box: its own text only (the box's paragraphs come on their own)
            own = etree.Element("x")
            for child in p:
                own.append(_copy_without(child, f"{W}txbxContent"))
            texts.append(_shown_text(own))
        for name in ("word/footnotes.xml", "word/endnotes.xml"):
            notes = _part(archive, name)
            if notes is None:
                continue
            for note in notes:
                if note.get(f"{W}type") in (None, "normal"):
                    texts.append(_shown_text(note))
    return texts


def accepted(docx: Path, workdir: Path) -> Path:
    """A copy of a .docx with its tracked changes accepted (deletions gone, insertions kept), for LibreOffice,
    whose text export would print deleted text too."""
    out = workdir / f"accepted-{docx.stem}.docx"
    with zipfile.ZipFile(docx) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(data, PARSER)
                for el in list(root.iter(f"{W}del", f"{W}moveFrom")):
                    if el.getparent() is not None and el.getparent().tag != f"{W}rPr":
                        el.getparent().remove(el)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info, data)
    return out


def _copy_without(el: etree._Element, tag: str) -> etree._Element:
    from copy import deepcopy

    el = deepcopy(el)
    for inner in list(el.iter(tag)):
        inner.getparent().remove(inner)
    return el


def source_words(docx: Path, skip: dict[int, int] | None = None) -> list[str]:
    return [w.lower() for t in source_paragraph_texts(docx, skip) for w in WORD.findall(LABEL.sub("", t))]


def source_pictures(docx: Path) -> int:
    """Pictures shown in the body: DrawingML pictures and VML images, once each place (not the mc:Fallback copy,
    not a picture deleted as a tracked change)."""
    with zipfile.ZipFile(docx) as archive:
        body = _part(archive, "word/document.xml")
    n = 0
    for el in body.iter(f"{A}blip", f"{V}imagedata"):
        if any(a.tag in (f"{MC}Fallback", f"{W}del", f"{W}moveFrom") for a in el.iterancestors()):
            continue
        if el.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed") or \
                el.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"):
            n += 1
    return n


def libreoffice_numbered(source: Path, workdir: Path) -> list[str]:
    """Texts of the paragraphs LibreOffice prints with a number label (its text export writes the labels)."""
    profile = Path(tempfile.mkdtemp(prefix="lo-", dir=workdir))
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(workdir), str(source)],
                   check=True, capture_output=True, timeout=600, stdin=subprocess.DEVNULL)
    text = (workdir / (source.stem + ".txt")).read_text(encoding="utf-8-sig")
    out = []
    for line in text.splitlines():
        if re.search(r"\t\d+\s*$", line):  # a line of the table of contents
            continue
        m = _LO_NUMBER.match(line)
        if m:
            out.append(_key(line[m.end():]))
    return out


def _key(text: str) -> str:
    return " ".join(text.split())[:60].lower()


# -- the measure -----------------------------------------------------------------------------------------------


def measure(source: Path, workdir: Path, schemas42: Path, brex42: Path, model: str = "REAL",
            language: str | None = None) -> Measure:
    """Import `source` into a fresh CSDB under `workdir` and measure it."""
    m = Measure(source.name)
    csdb = workdir / "csdb"
    csdb.mkdir(parents=True)
    (csdb / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n', encoding="utf-8")
    t = time.perf_counter()
    report = import_document(source, csdb, Options(model, language))
    m.seconds = time.perf_counter() - t
    m.language = report.language[:2]
    m.unmapped = len(report.unmapped)
    m.import_errors = [f.text() for f in report.findings if f.severity == "error"]

    official = validate_paths([csdb], SchemaLocator([schemas42]))
    m.objects = official.files
    m.invalid = [f.text() for f in official.findings if f.severity == "error"]

    opened = open_source(source)  # .doc, .odt, .rtf: LibreOffice's .docx, as the import read it
    try:
        docx = opened.path
        doc = read_document(open_docx(opened))
        # the header rows of tables that became structure (fault isolation, schedules, repositories) are
        # labels S1000D renders from that structure
        typical = {p.where for p in report.placed if p.what == "table" and re.search(
            r"fault isolation|maintenance schedule|repository|task card|joined to", p.to)}
        skip = {int(b.where.split()[1]): b.header_rows for b in _all_tables(doc.blocks) if b.where in typical}
        words = source_words(docx, skip)
        have = _csdb_words(csdb)
        missing = [w for w in words if w not in have]
        m.words_total, m.words_found = len(words), len(words) - len(missing)
        m.missing_words = [f"{w} ×{n}" for w, n in Counter(missing).most_common(30)]
        m.pictures = source_pictures(docx)
        docx_copy = workdir / "source.docx"
        docx_copy.write_bytes(docx.read_bytes())
    finally:
        opened.close()

    lo = Counter(libreoffice_numbered(accepted(docx_copy, workdir), workdir))
    paragraphs = list(_all_paragraphs(doc.blocks))
    headings = {_key(p.plain) for p in paragraphs if p.heading is not None}
    # a bare number ("1 text", the notes of GOST 2.105) is no label to either side: LibreOffice's "5 мин." in a
    # cell would read as one
    mine = Counter(_key(p.plain) for p in paragraphs if p.heading is None and _numbered(p) and not (p.label or "").isdigit())
    lo = Counter({k: n for k, n in lo.items() if k not in headings and k})
    mine = Counter({k: n for k, n in mine.items() if k})
    m.lo_numbered = sum(lo.values())
    m.reader_misses = sorted((lo - mine).elements())
    m.reader_extras = sorted((mine - lo).elements())

    dms = {f.name.split("_")[0][4:]: etree.parse(str(f), PARSER).getroot() for f in csdb.glob("DMC-*.XML")}
    m.procedures = _procedures(doc.blocks, report, dms)
    m.graphics = sum(1 for root in dms.values() for _ in root.iter("graphic"))
    m.pictures_left = [f"{w}: {t}" for w, t in report.unmapped if "picture" in t and "caption" not in t and "after the table" not in t]
    m.fault_tables = sum(1 for b in _all_tables(doc.blocks) if _is_fault_table(b))
    m.fault_modules = sum(1 for root in dms.values() if root.find("content/faultIsolation") is not None)
    m.icns_not_shown = _not_shown(csdb, dms)
    return m


def _csdb_words(csdb: Path) -> set[str]:
    out: set[str] = set()
    for f in csdb.glob("*.XML"):
        root = etree.parse(str(f), PARSER).getroot()
        out.update(w.lower() for w in WORD.findall(" ".join(root.itertext())))
        out.update(w.lower() for el in root.iter() for k, v in el.attrib.items() if k in IDENTS for w in WORD.findall(v))
    return out


def _all_paragraphs(blocks):
    for b in blocks:
        if isinstance(b, Paragraph):
            yield b
        elif isinstance(b, Table):
            for row in b.rows:
                for cell in row:
                    yield from cell.paragraphs


def _all_tables(blocks):
    for b in blocks:
        if isinstance(b, Table):
            yield b
            for row in b.rows:
                for cell in row:
                    yield from _all_tables(cell.paragraphs)


def _numbered(p: Paragraph) -> bool:
    """A numbered paragraph with something in it (an item whose text was deleted as a tracked change is empty)."""
    return bool(p.plain) and (bool(p.number) or (p.list_level is not None and p.numbered))


def _is_fault_table(table: Table) -> bool:
    head = " ".join(c.plain for row in table.rows[: max(table.header_rows, 1)] for c in row)
    return bool(_FAULT_HEAD.search(head) and _REMEDY_HEAD.search(head))


def _procedures(blocks, report, dms: dict[str, etree._Element]) -> list[Procedure]:
    """Per procedural module: the numbered items of the source paragraphs that went into it (by the report's
    record of where each heading went; paragraphs belong to the module of the heading before them), except
    those that became the text of a note or warning, against its untitled steps."""
    owner: dict[str, str] = {}  # source place of a heading -> module code
    in_notes: set[str] = set()
    tables: dict[str, str] = {}  # a table that became a procedure (a task card) -> module code
    for p in report.placed:
        if p.what == "heading":
            owner[p.where] = p.to.split(":")[0][4:]
        elif p.what == "table" and p.to.endswith("task card procedure"):
            tables[p.where] = p.to.split(":")[0][4:]
        elif p.what.endswith(" text") or p.what in ("note", "warning", "caution"):
            in_notes.add(p.where)
    root_code = next((c for c, r in dms.items() if "-018" in c and r.find("content/description") is not None), None)
    counts: Counter[str] = Counter()
    current = root_code
    for b in blocks:
        if isinstance(b, Table) and b.where in tables:
            counts[tables[b.where]] += sum(1 for p in _all_paragraphs([b]) if _numbered(p) and p.where not in in_notes)
        if not isinstance(b, Paragraph):
            continue
        if b.heading is not None:
            current = owner.get(b.where, current)
            continue
        if _numbered(b) and b.where not in in_notes and current:
            counts[current] += 1
    out = []
    for code, root in sorted(dms.items()):
        if root.find("content/procedure") is None:
            continue
        steps = sum(1 for s in root.iter("proceduralStep") if s.find("title") is None)
        title = root.findtext("identAndStatusSection/dmAddress/dmAddressItems/dmTitle/infoName") or code
        out.append(Procedure(code, title, counts.get(code, 0), steps))
    return out


def _not_shown(csdb: Path, dms: dict[str, etree._Element]) -> list[str]:
    """Graphics whose module page does not show the ICN, or whose ICN the viewer does not serve as an image."""
    bad = []
    with serving(csdb) as base, client(base) as http:
        for code, root in dms.items():
            names = [g.get("infoEntityIdent") for g in root.iter("graphic")]
            if not names:
                continue
            page = http.get(f"/dm/{code}").text
            for name in names:
                icn = next(csdb.glob(f"{name}.*"), None)
                if icn is None or f"/icn/{icn.name}" not in page:
                    bad.append(f"{code}: {name} not on the page")
                    continue
                r = http.get(f"/icn/{icn.name}")
                if r.status_code != 200 or not r.headers.get("content-type", "").startswith("image/"):
                    bad.append(f"{code}: {icn.name} answered {r.status_code} {r.headers.get('content-type')}")
    return bad
