"""What the index knows of one data module: identity, status, and its text cut into sections.

Runs in worker processes (plain data in, plain data out), so a large CSDB is read on all cores.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from lxml import etree

from ietm.applic.csdb import act_ref
from ietm.errors import IetmError
from ietm.index.analysis import vocabulary
from ietm.parse.codes import DmCode
from ietm.parse.loader import load
from ietm.parse.model import describe
from ietm.render.content.labels import label

#: elements that start a section a result can point into (their id becomes the link's fragment)
SECTION_TAGS = frozenset({
    "levelledPara", "proceduralStep", "preliminaryRqmts", "closeRqmts", "isolationStep", "isolationProcedureEnd",
    "figure", "table", "crewDrillStep", "taskDefinition", "catalogSeqNumber", "warning", "caution",
    "dmNode", "faultDescr", "commonInfo", "reqSupportEquips", "reqSupplies", "reqSpares", "reqSafety",
})
#: elements whose text is not reading matter (cross-references' own identities, change records)
SKIP_TAGS = frozenset({"refs", "dmRefIdent", "pmRefIdent", "identAndStatusSection", "applic"})
#: attributes that carry words a technician types (part numbers, manufacturer codes)
TEXT_ATTRS = ("partNumberValue", "manufacturerCodeValue")
_IDENT = re.compile(r"(?<![\w-])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+(?![\w-])")
MAX_BODY = 200_000  # characters stored per module; longer text is still indexed, snippets come from the start


@dataclass
class Section:
    start: int
    id: str | None
    title: str


@dataclass
class ModuleText:
    path: str  # relative to the CSDB
    sig: str  # mtime_ns:size, what the index compares to know a file changed
    key: str
    issue: str | None
    language: str | None
    title: str
    content_type: str | None
    info_code: str | None
    system: str | None  # system code, e.g. DA1
    subsystem: str | None  # SNS, e.g. DA1-10
    qa: str | None
    in_work: bool
    applic_text: str | None
    applic_xml: bytes | None  # the module's whole-module applic, for the products it applies to
    act_key: str | None  # the ACT its applicability refers to
    body: str
    words: str = ""  # distinct folded words of title and body (see ietm.index.analysis.vocabulary)
    idents: str = ""  # part numbers and codes written in the text (BSK-TLST-001-05), lower case
    sections: list[Section] = field(default_factory=list)
    error: str | None = None


def file_sig(path: str) -> str:
    st = os.stat(path)
    return f"{st.st_mtime_ns}:{st.st_size}"


def extract(full: str, rel: str) -> ModuleText:
    """Read one data module; an unreadable file comes back with `error` set, never an exception."""
    try:
        sig = file_sig(full)
        doc = load(full, rel)
        obj = describe(doc)
    except (IetmError, OSError) as exc:
        return ModuleText(rel, "", "", None, None, "", None, None, None, None, None, False, None, None, None, "",
                          error=str(exc))
    root = doc.root
    system = subsystem = None
    try:
        code = DmCode.parse(obj.key.split("-", 1)[1] if obj.key.startswith("DMC-") else obj.key.split("-", 3)[3])
        system, subsystem = code.systemCode, code.system
    except (IetmError, IndexError):
        pass
    applic = root.find("identAndStatusSection/dmStatus/applic")
    body, sections = section_text(root.find("content"), obj.language)
    return ModuleText(
        path=rel, sig=sig, key=obj.key, issue=obj.issue, language=obj.language, title=obj.title,
        content_type=obj.content_type, info_code=obj.info_code, system=system, subsystem=subsystem,
        qa=obj.qa, in_work=obj.in_work, applic_text=obj.applic,
        applic_xml=etree.tostring(applic) if applic is not None else None, act_key=act_ref(root)[0],
        body=body, words=vocabulary(obj.title, body), idents=identifiers(body), sections=sections,
    )


def identifiers(text: str) -> str:
    """Hyphenated identifiers (part numbers, tool and module codes) as whole terms, so that searching for one
    is a single lookup rather than a phrase of its pieces."""
    found = {m.lower() for m in _IDENT.findall(text) if any(c.isdigit() for c in m) and any(c.isalpha() for c in m)}
    return " ".join(sorted(found))


def section_text(content: etree._Element | None, language: str | None = None) -> tuple[str, list[Section]]:
    """The reading text of a module's content, with where each section starts in it; `language` is the
    module's (untitled sections are named in it)."""
    parts: list[str] = []
    sections: list[Section] = []
    length = 0
    current: list[Section | None] = [None]

    def emit(text: str | None) -> None:
        nonlocal length
        if not text or text.isspace():
            return
        text = " ".join(text.split())
        sec = current[-1]
        if sec is not None and (not sections or sections[-1] is not sec):
            sec.start = length
            sections.append(sec)
        parts.append(text)
        length += len(text) + 1

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in SKIP_TAGS:
            if tag is None:  # comment or processing instruction: its tail is still text
                emit(el.tail)
            return
        opened = tag in SECTION_TAGS
        if opened:
            title_el = el.find("title")
            title = " ".join("".join(title_el.itertext()).split()) if title_el is not None else ""
            current.append(Section(0, el.get("id"), title or _label(tag, language)))
        for attr in TEXT_ATTRS:
            value = el.get(attr)
            if value:
                emit(value)
        emit(el.text)
        for child in el:
            walk(child)
        if opened:
            current.pop()
            if sections and sections[-1] is not current[-1] and current[-1] is not None:
                # text after a subsection belongs to the enclosing section again: record where it resumes
                sections.append(Section(length, current[-1].id, current[-1].title))
                current[-1] = sections[-1]
        emit(el.tail)

    if content is not None:
        walk(content)
    body = " ".join(parts)
    return body, [s for i, s in enumerate(sections) if i + 1 >= len(sections) or sections[i + 1].start > s.start]


#: the name of an untitled section (a label of ietm.render.content.labels), in the module's own language
LABELS = {
    "preliminaryRqmts": "preliminary_requirements", "closeRqmts": "close_requirements",
    "reqSupportEquips": "support_equipment", "reqSupplies": "supplies", "reqSpares": "spares",
    "reqSafety": "safety", "proceduralStep": "step", "isolationStep": "isolation_step",
    "isolationProcedureEnd": "isolation_result", "crewDrillStep": "drill_step", "catalogSeqNumber": "part",
    "taskDefinition": "task", "warning": "warning", "caution": "caution", "figure": "figure", "table": "table",
    "faultDescr": "fault", "commonInfo": "common_info", "dmNode": "step", "levelledPara": "paragraph",
}


def _label(tag: str, language: str | None) -> str:
    """A readable name for an untitled section, in the module's language (so a hit reads as one language)."""
    key = LABELS.get(tag)
    return label("ru" if (language or "").lower().startswith("ru") else "en", key) if key else tag
