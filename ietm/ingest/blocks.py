"""The document as a stream of blocks: paragraphs (with emphasis, list level, pictures, footnotes), tables.

Read from the body XML in document order, so nothing between the blocks is lost: content controls and
inserted (tracked) text are read through; text boxes follow the paragraph that anchors them; footnotes go
with their reference. What has no place in a block (headers, footers, a table of contents, tracked
deletions) is listed in `Document.left_out` for the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lxml import etree

from ietm.ingest.numbering import Numbering

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

_HEADING_STYLE = re.compile(r"^(?:heading|заголовок)\s*(\d)$", re.IGNORECASE)
_TOC_STYLE = re.compile(r"^(?:toc|оглавление)\s*\d*$|^toc heading$", re.IGNORECASE)
_CAPTION_STYLE = re.compile(r"^(?:caption|название объекта|подпись)", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,5}|[A-ZА-ЯЁ](?:\.\d{1,2}){1,5})\.?\s+(?=\S)")  # "2.3.1", "Б.1"
_TYPED_ITEM = re.compile(r"^(?:(\d{1,2})[).]|([а-яa-z])\))\s+(?=\S)", re.IGNORECASE)
_TYPED_BULLET = re.compile(r"^[-–—•·●▪]\s+(?=\S)")
_CLAUSE_LABEL = re.compile(r"^((?:\d{1,3}|[A-ZА-ЯЁ])(?:\.\d{1,3}){1,8})\.?$")
_NUMBER_LABEL = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,8})\.?$")


@dataclass
class Run:
    """A piece of text with one emphasis (b, i, u, sup, sub or none), or a footnote."""

    text: str
    style: str | None = None
    footnote: list[str] | None = None


@dataclass
class Picture:
    data: bytes
    ext: str  # lower-case suffix without the dot: png, jpeg, emf ...
    where: str


@dataclass
class Paragraph:
    where: str  # "¶12": the paragraph's place in the source, for the report
    runs: list[Run]
    style: str = ""
    heading: int | None = None  # heading level, 1 = chapter
    number: str | None = None  # the heading's or clause's number as written ("2.3.1")
    list_level: int | None = None  # 0-based level of a list item
    numbered: bool = False  # a numbered (not bulleted) list item
    pictures: list[Picture] = field(default_factory=list)
    caption: bool = False  # styled as a caption
    in_text_box: bool = False
    marker: str | None = None  # a typed list marker: "digit" for "1)", "letter" for "а)"
    label: str | None = None  # the label Word's numbering prints before it ("2.3.1.1", "1)", "•")
    size: int | None = None  # font size of most of its text, in half-points
    list_id: str | None = None  # the Word list it belongs to, for nesting one list under another

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs if r.footnote is None)

    @property
    def plain(self) -> str:
        return " ".join(self.text.split())


@dataclass
class Cell:
    paragraphs: list[Paragraph]
    col: int  # 0-based first grid column
    span: int = 1  # grid columns covered
    morerows: int = 0  # rows below merged into this one
    continued: bool = False  # the lower part of a vertical merge (holds nothing of its own)

    @property
    def plain(self) -> str:
        return " ".join(p.plain for p in self.paragraphs if p.plain)


@dataclass
class Table:
    where: str  # "table 3"
    rows: list[list[Cell]]
    cols: int
    header_rows: int = 0
    notes: list[str] = field(default_factory=list)  # what was simplified (nested tables)


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block]
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (where, what)
    title: str | None = None  # a paragraph in the Title style


def _int_val(el: etree._Element | None) -> int | None:
    try:
        return int(el.get(f"{W}val")) if el is not None else None
    except (TypeError, ValueError):
        return None


def _on(el: etree._Element | None) -> bool:
    """A w:b/w:i style toggle: present and not switched off."""
    return el is not None and el.get(f"{W}val", "1").lower() not in ("0", "false", "off", "none")


class Reader:
    """Walks one python-docx Document; one instance per source file."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.part = doc.part
        self.styles = self._styles()
        self.default_rpr = self.doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.numbering = self._numbering()
        self.footnotes = self._notes("footnotes", "footnote")
        self.endnotes = self._notes("endnotes", "endnote")
        self.paragraphs = 0
        self.tables = 0
        self.pictures = 0
        self.left_out: list[tuple[str, str]] = []
        self.title: str | None = None

    # -- styles and numbering ------------------------------------------------------------------------------

    def _styles(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        root = self.doc.styles.element
        for s in root.iter(f"{W}style"):
            sid = s.get(f"{W}styleId")
            name_el = s.find(f"{W}name")
            based = s.find(f"{W}basedOn")
            out[sid] = {
                "id": sid,
                "name": name_el.get(f"{W}val") if name_el is not None else sid,
                "pPr": s.find(f"{W}pPr"),
                "rPr": s.find(f"{W}rPr"),
                "based": based.get(f"{W}val") if based is not None else None,
            }
        return out

    def _style_chain(self, sid: str | None) -> list[dict]:
        chain, seen = [], set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            chain.append(self.styles[sid])
            sid = self.styles[sid]["based"]
        return chain

    def _numbering(self) -> Numbering:
        try:
            root = self.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            root = None
        return Numbering(root, self.styles)

    def _notes(self, reltype: str, tag: str) -> dict[str, list[str]]:
        for rel in self.part.rels.values():
            if rel.reltype.endswith("/" + reltype) and not rel.is_external:
                parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
                root = etree.fromstring(rel.target_part.blob, parser)
                notes = {}
                for note in root.iter(f"{W}{tag}"):
                    paras = [" ".join("".join(t.text or "" for t in p.iter(f"{W}t")).split()) for p in note.iter(f"{W}p")]
                    notes[note.get(f"{W}id")] = [p for p in paras if p]
                return notes
        return {}

    # -- the walk ------------------------------------------------------------------------------------------

    def read(self) -> Document:
        blocks: list[Block] = []
        self._walk(self.doc.element.body, blocks)
        _nest_typed_lists(blocks)
        _nest_word_lists(blocks)
        _promote_numbered_titles(blocks)
        if sum(1 for b in blocks if isinstance(b, Paragraph) and b.heading is not None) < 2:
            self.title = _visual_headings(blocks, self.title)
        _number_headings(blocks)
        self._headers_footers()
        self._template()
        return Document(blocks, self.left_out, self.title)

    def _walk(self, parent: etree._Element, out: list[Block]) -> None:
        for child in parent:
            tag = child.tag
            if tag == f"{W}p":
                self._paragraph(child, out)
            elif tag == f"{W}tbl":
                out.append(self._table(child))
            elif tag == f"{W}sdt":
                gallery = child.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
                content = child.find(f"{W}sdtContent")
                if gallery is not None and "contents" in (gallery.get(f"{W}val") or "").lower():
                    self.left_out.append((f"¶{self.paragraphs + 1}", "table of contents (the viewer makes its own)"))
                    continue
                if content is not None:
                    self._walk(content, out)
            elif tag in (f"{W}customXml", f"{W}ins", f"{W}smartTag"):
                self._walk(child, out)

    def _paragraph(self, p: etree._Element, out: list[Block]) -> None:
        self.paragraphs += 1
        where = f"¶{self.paragraphs}"
        ppr = p.find(f"{W}pPr")
        sid = ppr.find(f"{W}pStyle").get(f"{W}val") if ppr is not None and ppr.find(f"{W}pStyle") is not None else None
        chain = self._style_chain(sid) or self._style_chain(self._default_style())
        style = chain[0]["name"] if chain else ""
        boxes: list[etree._Element] = []
        runs, pictures = self._runs(p, where, boxes)
        para = Paragraph(where, runs, style, pictures=pictures)
        if _TOC_STYLE.match(style):
            if para.plain:
                self.left_out.append((where, f"table of contents line '{para.plain[:60]}' (the viewer makes its own)"))
            return
        if style.lower() == "title" or style.lower() == "заголовок":
            if para.plain and self.title is None:
                self.title = para.plain
                return
        para.caption = bool(_CAPTION_STYLE.match(style))
        para.size = self._size(p, chain)
        self._classify(para, ppr, chain)
        out.append(para)
        for box in boxes:
            for bp in box.iter(f"{W}p"):
                self.paragraphs += 1
                inner_runs, inner_pics = self._runs(bp, f"¶{self.paragraphs}", [])
                inner = Paragraph(f"¶{self.paragraphs}", inner_runs, "text box", pictures=inner_pics, in_text_box=True)
                if inner.plain or inner.pictures:
                    out.append(inner)

    def _size(self, p: etree._Element, chain: list[dict]) -> int | None:
        """The font size most of the paragraph's text has (direct, character style, paragraph style, default)."""
        sizes: dict[int, int] = {}
        for r in p.iter(f"{W}r"):
            text = sum(len(t.text or "") for t in r.findall(f"{W}t"))
            if not text or _in_fallback(r, p):
                continue
            rpr = r.find(f"{W}rPr")
            props = [rpr] if rpr is not None else []
            if rpr is not None and rpr.find(f"{W}rStyle") is not None:
                props += [s["rPr"] for s in self._style_chain(rpr.find(f"{W}rStyle").get(f"{W}val")) if s["rPr"] is not None]
            props += [s["rPr"] for s in chain if s["rPr"] is not None] + [self.default_rpr]
            size = next((_int_val(pr.find(f"{W}sz")) for pr in props if pr is not None and pr.find(f"{W}sz") is not None), None)
            if size:
                sizes[size] = sizes.get(size, 0) + text
        return max(sizes, key=sizes.get) if sizes else None

    def _default_style(self) -> str | None:
        for sid, s in self.styles.items():
            if s["name"].lower() == "normal":
                return sid
        return None

    def _classify(self, para: Paragraph, ppr: etree._Element | None, chain: list[dict]) -> None:
        """Heading level, list membership, typed numbering: from style, outline level, numbering, text."""
        level = None
        for s in chain:
            m = _HEADING_STYLE.match(s["name"])
            if m:
                level = int(m.group(1))
                break
        if level is None:
            outline = self._first(ppr, chain, "outlineLvl")
            if outline is not None and outline.get(f"{W}val", "9").isdigit() and int(outline.get(f"{W}val")) < 9:
                level = int(outline.get(f"{W}val")) + 1
        ref = self.numbering.resolve(ppr, chain)
        label = self.numbering.advance(*ref) if ref else None
        if label is not None and label.text:
            para.label = label.text
        raw = para.text
        lead = len(raw) - len(raw.lstrip())
        text = raw.lstrip()
        if level is not None:
            if not para.plain:
                return
            para.heading = level
            m = _NUMBERED.match(text)
            auto = _NUMBER_LABEL.match(label.text) if label is not None and label.numbered else None
            if m and m.group(1).count(".") + 1 <= 9 and not auto:
                para.number = para.label = m.group(1)
                self._strip(para, lead + m.end())
            elif auto:
                para.number = auto.group(1)
            elif label is not None and label.numbered and label.text:  # "Приложение А": part of the title
                para.runs.insert(0, Run(label.text + " "))
                para.label = None
            return
        if label is not None and (label.numbered or label.text):
            clause = _CLAUSE_LABEL.match(label.text) if label.numbered else None
            if clause:  # a numbered clause (пункт) of GOST 2.105 numbered by Word: "2.3.1.1 Проверьте ..."
                para.number = clause.group(1)
            else:
                para.list_level = label.level
                para.numbered = label.numbered
                para.list_id = label.list_id
            return
        m = _NUMBERED.match(text)
        if m and "." in m.group(1) and self._looks_like_heading(para, text[m.end():]):
            para.heading = m.group(1).count(".") + 1
            para.number = para.label = m.group(1)
            self._strip(para, lead + m.end())
            return
        if m and "." in m.group(1):  # a numbered clause (пункт) of GOST 2.105: "2.3.1 Проверьте ..."
            para.number = m.group(1)
            self._strip(para, lead + m.end())
            return
        m = _TYPED_ITEM.match(text)
        if m:
            para.list_level = 0
            para.numbered = True
            para.marker = "digit" if m.group(1) else "letter"
            self._strip(para, lead + m.end())
            return
        m = _TYPED_BULLET.match(text)
        if m:
            para.list_level = 0
            self._strip(para, lead + m.end())

    def _looks_like_heading(self, para: Paragraph, rest: str) -> bool:
        """A typed number starts a heading when the rest is short, unpunctuated at the end and bold."""
        if not rest or len(rest) > 120 or rest.rstrip()[-1:] in ".:;,!?" or not rest[0].isupper():
            return False
        words = [r for r in para.runs if r.text.strip() and r.footnote is None]
        return bool(words) and all(r.style == "b" for r in words[1:] or words)

    @staticmethod
    def _strip(para: Paragraph, length: int) -> None:
        """Remove the first `length` characters of the paragraph's text (a typed number or marker) from its runs."""
        for run in para.runs:
            if length <= 0:
                break
            if run.footnote is not None:
                continue
            cut = min(length, len(run.text))
            run.text, length = run.text[cut:], length - cut
        for run in para.runs:
            if run.footnote is None and run.text:
                run.text = run.text.lstrip()
                break

    def _first(self, ppr: etree._Element | None, chain: list[dict], name: str) -> etree._Element | None:
        if ppr is not None and ppr.find(f"{W}{name}") is not None:
            return ppr.find(f"{W}{name}")
        for s in chain:
            if s["pPr"] is not None and s["pPr"].find(f"{W}{name}") is not None:
                return s["pPr"].find(f"{W}{name}")
        return None

    # -- runs ----------------------------------------------------------------------------------------------

    def _runs(self, p: etree._Element, where: str, boxes: list[etree._Element]) -> tuple[list[Run], list[Picture]]:
        runs: list[Run] = []
        pictures: list[Picture] = []

        def walk(el: etree._Element) -> None:
            for child in el:
                tag = child.tag
                if tag == f"{W}r":
                    self._run(child, runs, pictures, where, boxes)
                elif tag == f"{W}del" or tag == f"{W}moveFrom":
                    deleted = "".join(t.text or "" for t in child.iter(f"{W}delText"))
                    if deleted.strip():
                        self.left_out.append((where, f"tracked deletion '{deleted.strip()[:60]}' (deleted text is not imported)"))
                elif tag in (f"{W}hyperlink", f"{W}ins", f"{W}moveTo", f"{W}smartTag", f"{W}fldSimple",
                             f"{W}customXml", f"{W}sdt", f"{W}sdtContent"):
                    walk(child)

        walk(p)
        return runs, pictures

    def _run(self, r: etree._Element, runs: list[Run], pictures: list[Picture], where: str,
             boxes: list[etree._Element]) -> None:
        style = self._run_style(r)
        text: list[str] = []
        for child in r.iter():
            tag = child.tag
            if tag == f"{W}t":
                if _in_fallback(child, r):
                    continue
                text.append(child.text or "")
            elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                if not _in_fallback(child, r) and child.getparent() is r:
                    text.append(" ")
            elif tag == f"{W}noBreakHyphen":
                text.append("-")
            elif tag in (f"{W}footnoteReference", f"{W}endnoteReference"):
                notes = self.footnotes if tag == f"{W}footnoteReference" else self.endnotes
                if text:
                    runs.append(Run("".join(text), style))
                    text = []
                runs.append(Run("", None, notes.get(child.get(f"{W}id"), [])))
            elif tag == f"{A}blip" and not _in_fallback(child, r):
                self._picture(child.get(f"{R}embed"), child.get(f"{R}link"), pictures, where)
            elif tag == f"{V}imagedata" and not _in_fallback(child, r):
                self._picture(child.get(f"{R}id"), None, pictures, where)
            elif tag == f"{W}txbxContent" and not _in_fallback(child, r):
                boxes.append(child)
        # text inside text boxes is read by the paragraph walk, not as part of this run
        own = "".join(text) if not boxes else "".join(
            t.text or "" for t in r.iter(f"{W}t") if not _inside(t, f"{W}txbxContent", r) and not _in_fallback(t, r))
        if own:
            runs.append(Run(own, style))

    def _run_style(self, r: etree._Element) -> str | None:
        rpr = r.find(f"{W}rPr")
        chain_rpr = []
        if rpr is not None:
            chain_rpr.append(rpr)
            rs = rpr.find(f"{W}rStyle")
            if rs is not None:
                chain_rpr += [s["rPr"] for s in self._style_chain(rs.get(f"{W}val")) if s["rPr"] is not None]
        for tag, name in (("vertAlign", None), ("b", "b"), ("i", "i"), ("u", "u")):
            for props in chain_rpr:
                el = props.find(f"{W}{tag}")
                if el is None:
                    continue
                if tag == "vertAlign":
                    val = el.get(f"{W}val")
                    if val == "superscript":
                        return "sup"
                    if val == "subscript":
                        return "sub"
                    break
                if tag == "u":
                    if el.get(f"{W}val", "single") != "none":
                        return "u"
                    break
                if _on(el):
                    return name
                break
        return None

    def _picture(self, rid: str | None, link: str | None, pictures: list[Picture], where: str) -> None:
        from ietm.errors import InputError

        if link and not rid:
            raise InputError(f"{where}: a picture is linked from outside the document: refused; embed it")
        if not rid:
            return
        rel = self.part.rels.get(rid)
        if rel is None:
            self.left_out.append((where, f"a picture whose relationship {rid} is missing"))
            return
        if rel.is_external:
            raise InputError(f"{where}: a picture is linked from outside the document ({rel.target_ref}): refused; embed it")
        target = rel.target_part
        ext = PurePosixPath(str(target.partname)).suffix.lower().lstrip(".")
        self.pictures += 1
        pictures.append(Picture(target.blob, "jpeg" if ext == "jpg" else ext, f"{where}, picture {self.pictures}"))

    # -- tables --------------------------------------------------------------------------------------------

    def _table(self, tbl: etree._Element) -> Table:
        self.tables += 1
        where = f"table {self.tables}"
        grid = tbl.findall(f"{W}tblGrid/{W}gridCol")
        notes: list[str] = []
        rows: list[list[Cell]] = []
        header_rows = 0
        in_header = True
        for tr in _children(tbl, f"{W}tr"):
            row: list[Cell] = []
            trpr = tr.find(f"{W}trPr")
            before = trpr.find(f"{W}gridBefore") if trpr is not None else None
            col = int(before.get(f"{W}val", "0")) if before is not None else 0
            for tc in _children(tr, f"{W}tc"):
                tcpr = tc.find(f"{W}tcPr")
                span_el = tcpr.find(f"{W}gridSpan") if tcpr is not None else None
                span = int(span_el.get(f"{W}val", "1")) if span_el is not None else 1
                vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
                continued = vmerge is not None and vmerge.get(f"{W}val", "continue") != "restart"
                paras: list[Block] = []
                self._walk(tc, paras)
                flat: list[Paragraph] = []
                for b in paras:
                    if isinstance(b, Table):
                        notes.append(f"a table nested in a cell of {where} became paragraphs (CALS has no nested tables)")
                        flat += [p for r in b.rows for c in r for p in c.paragraphs]
                    else:
                        flat.append(b)
                row.append(Cell(flat, col, span, 0, continued))
                col += span
            header = trpr is not None and _on(trpr.find(f"{W}tblHeader"))
            if in_header and header:
                header_rows += 1
            else:
                in_header = False
            rows.append(row)
        # a row made only of the lower parts of vertical merges adds nothing CALS can hold: the merge covers it
        rows = [r for r in rows if not r or not all(c.continued for c in r)]
        rows = [r for r in rows if r] or [[Cell([], 0)]]
        cols = max([len(grid)] + [c.col + c.span for r in rows for c in r] or [1])
        # vertical merges: the restarting cell spans the continued cells below it in the same column
        for i, row in enumerate(rows):
            for cell in row:
                if cell.continued:
                    continue
                n = 0
                for below in rows[i + 1:]:
                    match = next((c for c in below if c.col == cell.col), None)
                    if match is None or not match.continued:
                        break
                    n += 1
                cell.morerows = n
        header_rows = _real_header_rows(rows, header_rows, cols)
        if header_rows == 0 and len(rows) > 1 and _bold_row(rows[0]):
            header_rows = 1
        if header_rows == 0:
            header_rows = _grouped_header(rows, cols)
        if header_rows:  # the header typed again where the table went on to a new page
            head = [_row_text(r) for r in rows[:header_rows]]
            rows = rows[:header_rows] + [r for r in rows[header_rows:] if _row_text(r) not in head]
        if rows and header_rows >= len(rows):
            header_rows = len(rows) - 1
        return Table(where, rows, cols, header_rows, notes)

    # -- what has no place ---------------------------------------------------------------------------------

    def _template(self) -> None:
        """The template a document was made from is named, never read: its styles are copied into the file."""
        try:
            rels = self.doc.settings.part.rels.values()
        except (AttributeError, KeyError, ValueError):
            return
        for rel in rels:
            if rel.reltype.endswith("/attachedTemplate"):
                self.left_out.append(("settings", f"attached template '{rel.target_ref[:80]}' (not read: the document "
                                                  "carries its own styles)"))

    def _headers_footers(self) -> None:
        seen = set()
        for i, section in enumerate(self.doc.sections, 1):
            for kind, part in (("header", section.header), ("footer", section.footer)):
                try:
                    if part.is_linked_to_previous and i > 1:
                        continue
                    text = " ".join(" ".join(p.text.split()) for p in part.paragraphs if p.text.strip())
                except (AttributeError, KeyError, ValueError):
                    continue
                if text and text not in seen:
                    seen.add(text)
                    self.left_out.append((f"section {i} {kind}", f"{kind} text '{text[:80]}' (S1000D has no page {kind}s)"))


def _children(el: etree._Element, tag: str):
    """Direct children of a tag, also those wrapped in content controls or custom XML."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml", f"{W}sdtContent"):
            yield from _children(child, tag)


def _inside(el: etree._Element, tag: str, stop: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _in_fallback(el: etree._Element, stop: etree._Element) -> bool:
    """Inside mc:Fallback: the same content again for older readers; read once, from mc:Choice."""
    return _inside(el, f"{MC}Fallback", stop)


def _row_text(row: list[Cell]) -> tuple[str, ...]:
    return tuple(c.plain for c in row if not c.continued)


def _header_like(row: list[Cell], cols: int) -> bool:
    cells = [c for c in row if not c.continued]
    group = len(cells) == 1 and cols > 1 and cells[0].span >= cols  # "Системный блок" above its rows
    return not group and all(len(c.plain.split()) <= 8 for c in cells)


def _grouped_header(rows: list[list[Cell]], cols: int) -> int:
    """An unmarked header of two or more rows: a first row that groups columns ("Вид ТО" over "ежемесячное",
    "годовое") and merges the others down over the rows below."""
    first = [c for c in rows[0] if not c.continued]
    down = max((c.morerows for c in first), default=0)
    if down and any(c.span > 1 for c in first) and down + 1 < len(rows) and \
            all(_header_like(r, cols) for r in rows[: down + 1]):
        return down + 1
    return 0


def _real_header_rows(rows: list[list[Cell]], marked: int, cols: int) -> int:
    """The rows marked to repeat as headers, as far as they read as headers: authors often mark every row of
    a table, which Word cannot show (the table ends before the page) but would make all of it a header."""
    n = min(marked, 1)
    while n < min(marked, len(rows)) and _header_like(rows[n], cols):
        n += 1
    return n


def _bold_row(row: list[Cell]) -> bool:
    runs = [r for c in row for p in c.paragraphs for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.style == "b" for r in runs)


def _nest_typed_lists(blocks: list[Block]) -> None:
    """GOST 2.105 lists: "а)", "б)" items, detailed further by "1)", "2)" items under them."""
    in_letters = False
    for b in blocks:
        if not isinstance(b, Paragraph) or b.heading is not None:
            in_letters = False
            continue
        if b.marker == "letter":
            in_letters = True
        elif b.marker == "digit" and in_letters:
            b.list_level = 1
        elif b.list_level is None and b.plain:
            in_letters = False


def _nest_word_lists(blocks: list[Block]) -> None:
    """A list item that ends with a colon and is followed by items of another Word list introduces them:
    "системный блок:" then "1) процессор ...", "2) ..." are its sub-items, though Word keeps both lists at
    their first level. The outer list's next item closes them."""
    offsets: dict[str, int] = {}  # list -> levels added to its items
    open_lists: list[str] = []  # the lists now nested, outermost first
    prev: Paragraph | None = None
    for b in blocks:
        if not isinstance(b, Paragraph) or b.heading is not None or (b.list_id is None and b.plain):
            offsets, open_lists, prev = {}, [], None
            continue
        if b.list_id is None:
            continue
        if b.list_id in open_lists:
            for inner in open_lists[open_lists.index(b.list_id) + 1:]:
                offsets.pop(inner, None)
            del open_lists[open_lists.index(b.list_id) + 1:]
        elif prev is not None and prev.list_id != b.list_id and prev.plain.endswith(":"):
            offsets[b.list_id] = prev.list_level + 1 - b.list_level
            if prev.list_id not in open_lists:
                open_lists.append(prev.list_id)
            open_lists.append(b.list_id)
        b.list_level += offsets.get(b.list_id, 0)
        prev = b


def _promote_numbered_titles(blocks: list[Block]) -> None:
    """A numbered clause that is only a short title over clauses numbered under it ("А.2 Настройка BIOS" over
    "А.2.1", "А.2.2") is a heading, though its style gives no outline level."""
    clauses = [b for b in blocks if isinstance(b, Paragraph) and b.heading is None and b.number and b.list_level is None]
    for i, p in enumerate(clauses):
        words = p.plain.split()
        if not words or len(words) > 15 or p.plain[-1] in ".:;,!?" or not p.plain[0].isupper():
            continue
        depth = p.number.count(".") + 1
        for q in clauses[i + 1:]:
            if q.number.startswith(p.number + "."):
                p.heading = depth
                break
            if q.number.count(".") + 1 <= depth:
                break


def _visual_headings(blocks: list[Block], title: str | None) -> str | None:
    """A document with no headings by style, outline or number still shows them: short lines in a larger font
    than its text. Larger sizes are higher levels; the first such line, in the largest size, is its title.
    Returns the title."""
    chars: dict[int, int] = {}
    paras = [b for b in blocks if isinstance(b, Paragraph) and b.plain and not b.in_text_box]
    for p in paras:
        if p.size:
            chars[p.size] = chars.get(p.size, 0) + len(p.plain)
    if not chars:
        return title
    body = max(chars, key=chars.get)
    heads = [p for p in paras if p.size and p.size >= body * 1.15 and len(p.plain.split()) <= 15
             and p.plain[-1] not in ".;:," and p.number is None]
    sizes = sorted({p.size for p in heads}, reverse=True)
    if title is None and heads and heads[0] is paras[0] and heads[0].size == sizes[0]:
        title = heads.pop(0).plain
        blocks.remove(paras[0])
    for p in heads:
        p.heading = min(sizes.index(p.size) + 1, 3)
        p.list_level, p.numbered, p.list_id = None, False, None
    return title


def _number_headings(blocks: list[Block]) -> None:
    """Every heading gets a section number: its own when it has one ("2.3.1", typed or Word's), else the next
    in sequence after the headings before it (an unnumbered "Введение", an appendix "А.2" counted in its
    appendix). The number makes the codes; the label the source shows stays in the title or the label."""
    counters = [0] * 9
    for b in blocks:
        if not isinstance(b, Paragraph) or b.heading is None:
            continue
        level = min(b.heading, 9)
        parts = [int(x) for x in b.number.split(".")] if b.number and re.fullmatch(r"[\d.]+", b.number) else None
        if parts:
            counters[: len(parts[:9])] = parts[:9]
            for i in range(len(parts), 9):
                counters[i] = 0
            continue
        if b.number and not b.label:
            b.label = b.number  # "А.2": shown as written, numbered in sequence
        counters[level - 1] += 1
        for i in range(level, 9):
            counters[i] = 0
        b.number = ".".join(str(max(c, 1)) for c in counters[:level])


def read_document(doc) -> Document:
    return Reader(doc).read()
