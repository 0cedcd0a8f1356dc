"""Building S1000D Issue 4.2 comment objects from remarks, and writing them into the CSDB safely.

A remark is a query (`commentType="q"`) about one data module, with a priority: routine, emergency or
safety critical (cp01, cp02, cp03). Its sequence number is the next free one for the year, and the file
is created exclusively, so two remarks sent at once never overwrite each other (ietm.atomic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from ietm.atomic import write_new
from ietm.errors import InputError, Refused
from ietm.parse.codes import DmCode

PRIORITIES = {"routine": "cp01", "emergency": "cp02", "safety": "cp03"}
SENDER = "IETMF"  # the CAGE-like sender code of comments raised from the viewer
MAX_TEXT = 4000
SCHEMA_URL = "http://www.s1000d.org/S1000D_4-2/xml_schema_flat/comment.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass
class Remark:
    module: str  # DMC key of the module the remark is about
    text: str
    author: str
    priority: str = "routine"
    language: str = "en-US"
    title: str = ""
    security: str = "01"  # the module's classification: what is said about a module is classified as it is


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k: v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def build(remark: Remark, seq: int, today: date, brex: str | None = None) -> etree._Element:
    if not remark.text.strip():
        raise InputError("a remark needs some text")
    if len(remark.text) > MAX_TEXT:
        raise InputError(f"a remark holds at most {MAX_TEXT} characters")
    if remark.priority not in PRIORITIES:
        raise InputError(f"priority must be one of {', '.join(PRIORITIES)}")
    code = DmCode.parse(remark.module.removeprefix("DMC-"))
    lang, country = remark.language.split("-")
    root = etree.Element("comment", nsmap={"xsi": XSI})
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_URL)
    ident_status = _el(root, "identAndStatusSection")
    address = _el(ident_status, "commentAddress")
    ident = _el(address, "commentIdent")
    _el(ident, "commentCode", modelIdentCode=code.modelIdentCode, senderIdent=SENDER,
        yearOfDataIssue=str(today.year), seqNumber=f"{seq:05d}", commentType="q")
    _el(ident, "language", languageIsoCode=lang, countryIsoCode=country)
    items = _el(address, "commentAddressItems")
    _el(items, "commentTitle", (remark.title or f"Remark on {code}")[:200])
    _el(items, "issueDate", year=str(today.year), month=f"{today.month:02d}", day=f"{today.day:02d}")
    dispatch = _el(_el(items, "commentOriginator"), "dispatchAddress")
    _el(_el(dispatch, "enterprise"), "enterpriseName", "ietm viewer")
    postal = _el(dispatch, "address")
    _el(postal, "city", "-")
    _el(postal, "country", "-")
    status = _el(ident_status, "commentStatus")
    _el(status, "security", securityClassification=remark.security)
    _el(status, "commentPriority", commentPriorityCode=PRIORITIES[remark.priority])
    group = _el(_el(status, "commentRefs"), "dmRefGroup")
    ref_ident = _el(_el(group, "dmRef"), "dmRefIdent")
    _el(ref_ident, "dmCode", **{k: v for k, v in code.__dict__.items() if v is not None})
    brex_code = DmCode.parse(brex or f"{code.modelIdentCode}-A-D00-00-00-00A-022A-D")
    _el(_el(_el(_el(status, "brexDmRef"), "dmRef"), "dmRefIdent"), "dmCode",
        **{k: v for k, v in brex_code.__dict__.items() if v is not None})
    _el(_el(status, "remarks"), "simplePara", f"Raised by {remark.author} from the ietm viewer.")
    content = _el(root, "commentContent")
    for para in [p.strip() for p in re.split(r"\n\s*\n", remark.text) if p.strip()]:
        _el(content, "simplePara", " ".join(para.split()))
    return root


def write(remark: Remark, csdb: Path, today: date | None = None, brex: str | None = None) -> Path:
    """Write the remark as a new comment file in the CSDB; returns its path."""
    today = today or date.today()
    code = DmCode.parse(remark.module.removeprefix("DMC-"))
    prefix = f"COM-{code.modelIdentCode}-{SENDER}-{today.year}-"
    taken = [int(m.group(1)) for p in csdb.glob(prefix + "*") if (m := re.match(re.escape(prefix) + r"(\d{5})-", p.name))]
    seq = max(taken, default=0) + 1
    lang, country = remark.language.split("-")
    while True:
        root = build(remark, seq, today, brex)
        name = f"{prefix}{seq:05d}-Q_{lang}-{country.upper()}.XML"
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        try:
            write_new(csdb / name, data)  # exclusive: refused if another remark took this number meanwhile
            return csdb / name
        except Refused:
            seq += 1
