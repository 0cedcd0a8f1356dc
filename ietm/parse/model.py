"""The object model: what one CSDB file is (identity, status, references), read once from its XML."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

from ietm.errors import InputError
from ietm.parse.codes import DmCode, Issue, Language, PmCode, dm_code_text
from ietm.parse.loader import Loaded, load

XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_SCHEMA_ISSUE = re.compile(r"S1000D_(\d+)(?:-(\d+))?(?:-(\d+))?/", re.IGNORECASE)
ICN_SUFFIXES = {".cgm", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".swf", ".pdf", ".mp4", ".webm"}

#: the content element of a data module, mapped to the name ietm uses for its type
CONTENT_TYPES = {
    "description": "descriptive",
    "procedure": "procedural",
    "faultIsolation": "fault",
    "faultReporting": "fault",
    "illustratedPartsCatalog": "ipd",
    "crew": "crew",
    "maintPlanning": "schedule",
    "process": "process",
    "brex": "brex",
    "applicCrossRefTable": "act",
    "condCrossRefTable": "cct",
    "productCrossRefTable": "pct",
    "commonRepository": "comrep",
    "frontMatter": "frontmatter",
    "wiringData": "wiring",
    "wiringFields": "wiringfields",
    "learning": "learning",
    "sb": "sb",
    "brDoc": "brdoc",
    "checkList": "checklist",
    "container": "container",
    "scoContent": "scocontent",
}

_VERIFICATION = {"unverified": "unverified", "firstVerification": "first", "secondVerification": "second"}


@dataclass
class Ref:
    """One reference an object makes: to a DM, PM, ICN, internal id, cross-reference table, BREX or publication."""

    kind: str  # dm | pm | icn | internal | act | cct | pct | brex | external
    target: str
    line: int | None = None
    issue: str | None = None
    language: str | None = None


@dataclass
class CsdbObject:
    """One CSDB object as the catalog records it; `key` is its code without issue and language."""

    path: str
    kind: str  # dm | pm | dml | ddn | comment | imf | upf | icn
    key: str
    issue: str | None = None
    in_work: bool = False
    language: str | None = None
    title: str = ""
    issue_date: str | None = None
    issue_type: str | None = None
    security: str | None = None
    qa: str | None = None
    qa_type: str | None = None
    content_type: str | None = None
    schema: str | None = None
    schema_url: str | None = None
    s1000d_issue: str | None = None
    applic: str | None = None
    model: str | None = None
    system: str | None = None
    info_code: str | None = None
    refs: list[Ref] = field(default_factory=list)
    expected_name: str | None = None

    @property
    def name_ok(self) -> bool:
        return self.expected_name is None or Path(self.path).name.upper() == self.expected_name.upper()

    def to_dict(self) -> dict:
        d = asdict(self)
        d["name_ok"] = self.name_ok
        return d


def read_object(path: str | Path, display: str | None = None) -> CsdbObject:
    """Identify any CSDB file: XML objects are parsed safely, ICN files are named by their file name."""
    p = Path(path)
    shown = display or str(p)
    if p.suffix.lower() in ICN_SUFFIXES:
        return icn_object(p, shown)
    return describe(load(p, shown))


def icn_object(p: Path, shown: str) -> CsdbObject:
    key = p.stem.upper()
    return CsdbObject(path=shown, kind="icn", key=key, title=p.name, schema=p.suffix.lower().lstrip("."))


def describe(doc: Loaded) -> CsdbObject:
    root = doc.root
    tag = root.tag if isinstance(root.tag, str) else ""
    schema_url = root.get(f"{XSI}noNamespaceSchemaLocation")
    reader = _READERS.get(tag)
    if reader is None:
        raise InputError(f"root element <{tag}> is not an S1000D object this tool knows", doc.path, root.sourceline)
    obj = reader(doc, root)
    obj.schema_url = schema_url
    if schema_url:
        obj.schema = schema_url.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
        m = _SCHEMA_ISSUE.search(schema_url)
        if m:  # S1000D_4-2 -> 4.2, S1000D_4-0-1 -> 4.0.1, S1000D_6 -> 6
            obj.s1000d_issue = ".".join(str(int(part)) for part in m.groups() if part is not None)
    if obj.s1000d_issue is None:
        obj.s1000d_issue = _guess_issue(root)
    obj.refs = list(references(root, doc))
    return obj


def _guess_issue(root: etree._Element) -> str | None:
    """Without a schema URL only the structure hints: identAndStatusSection exists since Issue 4.0."""
    if root.find("identAndStatusSection") is not None or root.find("imfIdentAndStatusSection") is not None:
        return "4.0+"
    return None


def _text(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _date(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    y, m, d = el.get("year"), el.get("month"), el.get("day")
    return f"{y}-{m}-{d}" if y and m and d else None


def _status(obj: CsdbObject, status: etree._Element | None) -> None:
    if status is None:
        return
    obj.issue_type = status.get("issueType")
    sec = status.find("security")
    obj.security = sec.get("securityClassification") if sec is not None else None
    qa = status.find("qualityAssurance")
    if qa is not None and len(qa):
        last = qa[len(qa) - 1]
        obj.qa = _VERIFICATION.get(last.tag if isinstance(last.tag, str) else "", None)
        obj.qa_type = last.get("verificationType")
    applic = status.find("applic")
    if applic is not None:
        obj.applic = _text(applic.find("displayText")) or _assert_summary(applic)


def _assert_summary(applic: etree._Element) -> str:
    parts = [
        f"{a.get('applicPropertyIdent')}={a.get('applicPropertyValues')}"
        for a in applic.iter("assert")
        if a.get("applicPropertyIdent")
    ]
    return "; ".join(parts)


def _issue_lang(obj: CsdbObject, ident: etree._Element) -> None:
    issue = Issue.from_xml(ident.find("issueInfo"))
    lang = Language.from_xml(ident.find("language"))
    obj.issue = str(issue) if issue else None
    obj.in_work = bool(issue and issue.in_work)
    obj.language = str(lang) if lang else None


def _file_name(prefix_key: str, obj: CsdbObject) -> str:
    name = prefix_key
    if obj.issue:
        name += f"_{obj.issue}"
    if obj.language:
        lang, country = obj.language.split("-")
        name += f"_{lang}-{country.upper()}"
    return name + ".XML"


def _read_dm(doc: Loaded, root: etree._Element) -> CsdbObject:
    ident = root.find("identAndStatusSection/dmAddress/dmIdent")
    if ident is None:
        raise InputError("data module without identAndStatusSection/dmAddress/dmIdent", doc.path, root.sourceline)
    code_el = ident.find("dmCode")
    if code_el is None:
        raise InputError("dmIdent without dmCode", doc.path, ident.sourceline)
    try:
        code = DmCode.from_xml(code_el)
    except InputError as exc:
        raise InputError(exc.message, doc.path, exc.line) from None
    ext = ident.find("identExtension")
    key = f"DMC-{code}"
    if ext is not None:
        key = f"DME-{ext.get('extensionProducer')}-{ext.get('extensionCode')}-{code}"
    obj = CsdbObject(path=doc.path, kind="dm", key=key, model=code.modelIdentCode, system=code.system, info_code=code.info)
    _issue_lang(obj, ident)
    items = root.find("identAndStatusSection/dmAddress/dmAddressItems")
    if items is not None:
        obj.issue_date = _date(items.find("issueDate"))
        tech, info = _text(items.find("dmTitle/techName")), _text(items.find("dmTitle/infoName"))
        obj.title = f"{tech} - {info}" if info else tech
    _status(obj, root.find("identAndStatusSection/dmStatus"))
    content = root.find("content")
    if content is not None:
        for child in content:
            if isinstance(child.tag, str) and child.tag in CONTENT_TYPES:
                obj.content_type = CONTENT_TYPES[child.tag]
                break
    obj.expected_name = _file_name(key, obj)
    return obj


def _read_pm(doc: Loaded, root: etree._Element) -> CsdbObject:
    ident = root.find("identAndStatusSection/pmAddress/pmIdent")
    code_el = ident.find("pmCode") if ident is not None else None
    if ident is None or code_el is None:
        raise InputError("publication module without pmIdent/pmCode", doc.path, root.sourceline)
    try:
        code = PmCode.from_xml(code_el)
    except InputError as exc:
        raise InputError(exc.message, doc.path, code_el.sourceline) from None
    obj = CsdbObject(path=doc.path, kind="pm", key=f"PMC-{code}", model=code.modelIdentCode, content_type="pm")
    _issue_lang(obj, ident)
    items = root.find("identAndStatusSection/pmAddress/pmAddressItems")
    if items is not None:
        obj.issue_date = _date(items.find("issueDate"))
        obj.title = _text(items.find("pmTitle"))
    _status(obj, root.find("identAndStatusSection/pmStatus"))
    obj.expected_name = _file_name(obj.key, obj)
    return obj


@dataclass(frozen=True)
class _Simple:
    """Where an object kind without a DMC keeps its identity: S1000D gives DML, DDN, comments and ICN
    metadata the same shape (section/address/ident/code, address items, status) under different names."""

    kind: str
    prefix: str
    section: str
    name: str  # dml | ddn | comment | imf: the stem of <nameAddress>, <nameIdent>, <nameCode>, <nameStatus>
    key_attrs: tuple[str, ...]
    upper: bool = True
    title: str | None = None  # element of the address items holding the title
    label: str | None = None  # title to make up from the key when the object has none
    with_issue_in_name: bool = True

    def read(self, doc: Loaded, root: etree._Element) -> CsdbObject:
        base = f"{self.section}/{self.name}Address"
        ident = root.find(f"{base}/{self.name}Ident")
        code = ident.find(f"{self.name}Code") if ident is not None else None
        if ident is None or code is None:
            raise InputError(f"{self.prefix} object without {self.name}Ident/{self.name}Code", doc.path, root.sourceline)
        parts = [(code.get(a) or "") for a in self.key_attrs]
        key = f"{self.prefix}-" + "-".join(p.upper() if self.upper else p for p in parts)
        obj = CsdbObject(path=doc.path, kind=self.kind, key=key, model=code.get("modelIdentCode"),
                         content_type=self.kind)
        _issue_lang(obj, ident)
        items = root.find(f"{base}/{self.name}AddressItems")
        if items is not None:
            obj.issue_date = _date(items.find("issueDate"))
            if self.title:
                obj.title = _text(items.find(self.title))
        if not obj.title and self.label:
            obj.title = f"{self.label} {key[len(self.prefix) + 1:]}"
        _status(obj, root.find(f"{self.section}/{self.name}Status"))
        obj.expected_name = _file_name(key, obj) if self.with_issue_in_name else key + ".XML"
        return obj


_DML = _Simple("dml", "DML", "identAndStatusSection", "dml",
               ("modelIdentCode", "senderIdent", "dmlType", "yearOfDataIssue", "seqNumber"), label="Data module list")
_DDN = _Simple("ddn", "DDN", "identAndStatusSection", "ddn",
               ("modelIdentCode", "senderIdent", "receiverIdent", "yearOfDataIssue", "seqNumber"), upper=False,
               label="Data dispatch note", with_issue_in_name=False)
_COMMENT = _Simple("comment", "COM", "identAndStatusSection", "comment",
                   ("modelIdentCode", "senderIdent", "yearOfDataIssue", "seqNumber", "commentType"), title="commentTitle")
_IMF = _Simple("imf", "IMF", "imfIdentAndStatusSection", "imf", ("imfIdentIcn",), upper=False, title="icnTitle")


def _read_upf(doc: Loaded, root: etree._Element) -> CsdbObject:
    ident = root.find("updateIdentAndStatusSection/updateAddress/updateIdent")
    code_el = ident.find("updateCode") if ident is not None else None
    if ident is None or code_el is None:
        raise InputError("data update file without updateIdent/updateCode", doc.path, root.sourceline)
    code = DmCode.from_xml(code_el)
    key = f"UPF-{code}"
    obj = CsdbObject(path=doc.path, kind="upf", key=key, model=code.modelIdentCode, content_type="update")
    _issue_lang(obj, ident)
    obj.issue_date = _date(root.find("updateIdentAndStatusSection/updateAddress/issueDate"))
    obj.title = f"Update of DMC-{code}"
    obj.expected_name = _file_name(key, obj)
    return obj


_READERS = {
    "dmodule": _read_dm,
    "pm": _read_pm,
    "dml": _DML.read,
    "ddn": _DDN.read,
    "comment": _COMMENT.read,
    "icnMetadataFile": _IMF.read,
    "dataUpdateFile": _read_upf,
}

_TABLE_REFS = {"applicCrossRefTableRef": "act", "condCrossRefTableRef": "cct", "prodCrossRefTableRef": "pct"}

#: references into common information repositories: element -> (kind of entry, attribute naming it). A module's
#: such references are kept as Ref("cir", "<kind>:<ident>"), so a repository can say where each entry is used.
CIR_REFS: dict[str, tuple[str, str]] = {
    "warningRef": ("warning", "warningIdentNumber"),
    "cautionRef": ("caution", "cautionIdentNumber"),
    "toolRef": ("tool", "toolNumber"),
    "supplyRef": ("supply", "supplyNumber"),
    "partRef": ("part", "partNumberValue"),
    "functionalItemRef": ("functionalItem", "functionalItemNumber"),
    "zoneRef": ("zone", "zoneNumber"),
    "controlIndicatorRef": ("controlIndicator", "controlIndicatorNumber"),
    "circuitBreakerRef": ("circuitBreaker", "circuitBreakerNumber"),
    "accessPointRef": ("accessPoint", "accessPointNumber"),
    "applicRef": ("applic", "applicIdentValue"),
}


#: requirement rows that name a part by its number when they carry no reference (the viewer looks it up by number)
_NAMED_BY_NUMBER = ("supportEquipDescr", "supplyDescr", "spareDescr", "embeddedSupportEquipDescr",
                    "embeddedSupplyDescr", "embeddedSpareDescr")


def cir_target(kind: str, ident: str) -> str:
    """The catalog target of a reference to a repository entry (ietm.catalog keeps them as kind "cir")."""
    return f"{kind}:{ident}"


def dm_ref_key(ident: etree._Element) -> str | None:
    """The key a dmRefIdent points at (DMC-... or DME-...), or None when it has no usable dmCode."""
    code_el = ext = None
    for el in ident:  # (not find(): references are read by the thousand)
        if el.tag == "dmCode":
            code_el = el if code_el is None else code_el
        elif el.tag == "identExtension":
            ext = el if ext is None else ext
    code = dm_code_text(code_el) if code_el is not None else None
    if code is None:
        return None
    if ext is not None:
        return f"DME-{ext.get('extensionProducer')}-{ext.get('extensionCode')}-{code}"
    return f"DMC-{code}"


def references(root: etree._Element, doc: Loaded) -> list[Ref]:
    """Every outgoing reference, skipping the object's own identity and the status's source/repository refs."""
    refs: list[Ref] = []
    for el in root.iter("dmRef", "pmRef", "externalPubRef", "internalRef", "brexDmRef", *_TABLE_REFS):
        tag = el.tag
        if tag == "dmRef":
            ident = el.find("dmRefIdent")
            key = dm_ref_key(ident) if ident is not None else None
            if key is None:
                continue
            parent = el.getparent()
            ptag = parent.tag if parent is not None else ""
            kind = {"brexDmRef": "brex", **_TABLE_REFS}.get(ptag, "dm")
            issue = Issue.from_xml(ident.find("issueInfo"))
            lang = Language.from_xml(ident.find("language"))
            refs.append(Ref(kind, key, el.sourceline, str(issue) if issue else None, str(lang) if lang else None))
        elif tag == "pmRef":
            code_el = el.find("pmRefIdent/pmCode")
            if code_el is None:
                continue
            try:
                key = f"PMC-{PmCode.from_xml(code_el)}"
            except InputError:
                continue
            ident = el.find("pmRefIdent")
            issue = Issue.from_xml(ident.find("issueInfo"))
            lang = Language.from_xml(ident.find("language"))
            refs.append(Ref("pm", key, el.sourceline, str(issue) if issue else None, str(lang) if lang else None))
        elif tag == "internalRef":
            target = el.get("internalRefId")
            if target:
                refs.append(Ref("internal", target, el.sourceline))
        elif tag == "externalPubRef":
            refs.append(Ref("external", _text(el.find("externalPubRefIdent")) or _text(el), el.sourceline))
    for el in root.iter():
        name = el.get("infoEntityIdent") if isinstance(el.tag, str) else None
        if name:
            refs.append(Ref("icn", doc.entities.get(name, name), el.sourceline))
    for el in root.iter(*CIR_REFS):
        kind, attr = CIR_REFS[el.tag]
        if el.get(attr):
            refs.append(Ref("cir", cir_target(kind, el.get(attr)), el.sourceline))
    for el in root.iter(*_NAMED_BY_NUMBER):
        number = _text(el.find("identNumber/partAndSerialNumber/partNumber"))
        if number and not any(c.tag in CIR_REFS for c in el):
            refs.append(Ref("cir", cir_target("part", number), el.sourceline))
    return refs
