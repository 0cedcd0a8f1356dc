"""The publication module of an imported document (its sections as nested entries, in source order) and the
data module list of everything the import made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

from ietm.author.create import XSI, _set_code, pm_tree, schema_url
from ietm.parse.codes import DmCode, Language, PmCode


@dataclass
class Entry:
    """A pmEntry: a title, the modules it lists, and the entries inside it."""

    title: str
    dms: list[tuple[DmCode, str, str | None]] = field(default_factory=list)  # (code, techName, infoName)
    children: list[Entry] = field(default_factory=list)

    def empty(self) -> bool:
        return not self.dms and all(c.empty() for c in self.children)


def dm_ref(parent: etree._Element, code: DmCode, tech: str, info: str | None, lang: Language | None = None) -> None:
    ref = etree.SubElement(parent, "dmRef")
    ident = etree.SubElement(ref, "dmRefIdent")
    _set_code(etree.SubElement(ident, "dmCode"), code)
    if lang is not None:
        _set_code(etree.SubElement(ident, "language"), lang)
    title = etree.SubElement(etree.SubElement(ref, "dmRefAddressItems"), "dmTitle")
    etree.SubElement(title, "techName").text = tech
    if info:
        etree.SubElement(title, "infoName").text = info


def _entry(parent: etree._Element, entry: Entry) -> None:
    el = etree.SubElement(parent, "pmEntry")
    etree.SubElement(el, "pmEntryTitle").text = entry.title
    for code, tech, info in entry.dms:
        dm_ref(el, code, tech, info)
    for child in entry.children:
        if not child.empty():
            _entry(el, child)


def publication(pmc: PmCode, lang: Language, title: str, top: Entry, enterprise: str, today: dt.date) -> etree._ElementTree:
    tree = pm_tree(pmc, lang, title, "4.2", enterprise, None, today)
    content = tree.getroot().find("content")
    for old in content.findall("pmEntry"):
        content.remove(old)
    if top.dms:
        _entry(content, Entry(top.title, top.dms))
    for child in top.children:
        if not child.empty():
            _entry(content, child)
    return tree


def dm_list(model: str, enterprise: str, seq: int, lang: Language, dms: list[tuple[DmCode, str, str | None]],
            pm: tuple[PmCode, str], icns: list[str], today: dt.date) -> etree._ElementTree:
    root = etree.Element("dml", nsmap={"xsi": XSI[1:].split("}")[0]})
    root.set(XSI, schema_url("4.2", "dml"))
    ias = etree.SubElement(root, "identAndStatusSection")
    address = etree.SubElement(ias, "dmlAddress")
    ident = etree.SubElement(address, "dmlIdent")
    etree.SubElement(ident, "dmlCode", modelIdentCode=model, senderIdent=enterprise, dmlType="p",
                     yearOfDataIssue=f"{today.year:04d}", seqNumber=f"{seq:05d}")
    etree.SubElement(ident, "issueInfo", issueNumber="000", inWork="01")
    etree.SubElement(etree.SubElement(address, "dmlAddressItems"), "issueDate",
                     year=f"{today.year:04d}", month=f"{today.month:02d}", day=f"{today.day:02d}")
    status = etree.SubElement(ias, "dmlStatus", issueType="new")
    etree.SubElement(status, "security", securityClassification="01")
    from ietm.author.create import default_brex

    brex = etree.SubElement(etree.SubElement(etree.SubElement(status, "brexDmRef"), "dmRef"), "dmRefIdent")
    _set_code(etree.SubElement(brex, "dmCode"), default_brex("4.2"))
    content = etree.SubElement(root, "dmlContent")

    def entry() -> etree._Element:
        return etree.SubElement(content, "dmlEntry")

    def partner(e: etree._Element) -> None:
        etree.SubElement(e, "responsiblePartnerCompany", enterpriseCode=enterprise)

    for code, tech, info in dms:
        e = entry()
        dm_ref(e, code, tech, info, lang)
        partner(e)
    e = entry()
    ref = etree.SubElement(etree.SubElement(e, "pmRef"), "pmRefIdent")
    _set_code(etree.SubElement(ref, "pmCode"), pm[0])
    _set_code(etree.SubElement(ref, "language"), lang)
    partner(e)
    for name in icns:
        e = entry()
        etree.SubElement(e, "infoEntityRef", infoEntityRefIdent=name)
        partner(e)
    return etree.ElementTree(root)
