"""New data modules and publication modules from the templates in `templates/`, valid from birth.

A new object is issue 000-01 (the first in-work draft), issueType "new", QA unverified, applicable to "All",
and follows the S1000D default BREX of its issue unless a project BREX is named.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree

from ietm.errors import InputError
from ietm.parse.codes import DmCode, Language, PmCode
from ietm.parse.loader import load_bytes
from ietm.parse.model import describe

TEMPLATES = Path(__file__).with_name("templates")
XSI = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"

#: ietm's name of a data module type -> the S1000D schema it is written against
DM_TYPES = {
    "descriptive": "descript",
    "procedural": "proced",
    "fault": "fault",
    "ipd": "ipd",
    "crew": "crew",
    "schedule": "schedul",
    "process": "process",
}
#: S1000D issue -> (folder in the schema URL, system difference code of that issue's default BREX)
S1000D_ISSUES = {"4.2": ("S1000D_4-2", "F"), "5.0": ("S1000D_5-0", "G")}


def schema_url(issue: str, schema: str) -> str:
    return f"http://www.s1000d.org/{S1000D_ISSUES[issue][0]}/xml_schema_flat/{schema}.xsd"


def default_brex(issue: str) -> DmCode:
    """The S1000D default BREX data module of an issue (DMC-S1000D-F-04-10-0301-00A-022A-D for 4.2)."""
    return DmCode("S1000D", S1000D_ISSUES[issue][1], "04", "1", "0", "0301", "00", "A", "022", "A", "D")


def _template(name: str) -> etree._ElementTree:
    parser = etree.XMLParser(remove_comments=True, remove_blank_text=True, no_network=True, resolve_entities=False)
    return etree.parse(str(TEMPLATES / name), parser)


def _set_code(el: etree._Element, code: DmCode | PmCode | Language) -> None:
    for key, value in vars(code).items():
        if value is not None:
            el.set(key, value)


def _set_date(el: etree._Element, day: dt.date) -> None:
    el.set("year", f"{day.year:04d}")
    el.set("month", f"{day.month:02d}")
    el.set("day", f"{day.day:02d}")


def _status(root: etree._Element, status: str, enterprise: str, brex: DmCode) -> None:
    for tag in ("responsiblePartnerCompany", "originator"):
        root.find(f"identAndStatusSection/{status}/{tag}").set("enterpriseCode", enterprise)
    _set_code(root.find(f"identAndStatusSection/{status}/brexDmRef/dmRef/dmRefIdent/dmCode"), brex)


def _check_issue(issue: str) -> None:
    if issue not in S1000D_ISSUES:
        raise InputError(f"S1000D issue '{issue}' is not one ietm writes ({', '.join(S1000D_ISSUES)})")


def _finish(tree: etree._ElementTree) -> tuple[str, bytes]:
    etree.indent(tree, space="  ")
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    obj = describe(load_bytes(data, "<new>"))
    return obj.expected_name or "", data


def split_title(title: str) -> tuple[str, str | None]:
    """'Tech name - Info name' -> (tech name, info name); a title without ' - ' has no info name."""
    tech, sep, info = title.partition(" - ")
    tech, info = tech.strip(), info.strip()
    if not tech:
        raise InputError("the title needs a technical name ('Tech name - Info name')")
    return tech, (info or None) if sep else None


def dm_tree(
    dmc: DmCode,
    lang: Language,
    tech: str,
    info: str | None,
    schema: str,
    issue: str = "4.2",
    enterprise: str = "00000",
    brex: DmCode | None = None,
    today: dt.date | None = None,
) -> etree._ElementTree:
    """A data module's identification and status section, ready for its content element."""
    tree = _template("dmodule.xml")
    root = tree.getroot()
    root.set(XSI, schema_url(issue, schema))
    ident = root.find("identAndStatusSection/dmAddress/dmIdent")
    _set_code(ident.find("dmCode"), dmc)
    _set_code(ident.find("language"), lang)
    items = root.find("identAndStatusSection/dmAddress/dmAddressItems")
    _set_date(items.find("issueDate"), today or dt.date.today())
    items.find("dmTitle/techName").text = tech
    if info:
        etree.SubElement(items.find("dmTitle"), "infoName").text = info
    _status(root, "dmStatus", enterprise, brex or default_brex(issue))
    return tree


def new_dm(
    code: str,
    title: str,
    dm_type: str,
    issue: str = "4.2",
    language: str = "en-US",
    enterprise: str = "00000",
    brex: str | None = None,
    today: dt.date | None = None,
) -> tuple[str, bytes]:
    """(file name, XML) of a new data module; every argument is checked before anything is built."""
    _check_issue(issue)
    if dm_type not in DM_TYPES:
        raise InputError(f"unknown data module type '{dm_type}' (one of: {', '.join(DM_TYPES)})")
    dmc = DmCode.parse(code)
    lang = Language.parse(language)
    brex_code = DmCode.parse(brex) if brex else default_brex(issue)
    tech, info = split_title(title)
    tree = dm_tree(dmc, lang, tech, info, DM_TYPES[dm_type], issue, enterprise, brex_code, today)
    tree.getroot().append(_template(f"content/{dm_type}.xml").getroot())
    if lang.languageIsoCode.lower() == "ru":
        _in_russian(tree.getroot())
    return _finish(tree)


#: the templates' own words (placeholders a writer replaces), for a module written in Russian
TEMPLATE_RU = {
    "All": "Все", "General": "Общие сведения", "Write the first step here.": "Опишите первый шаг.",
    "Describe the item here.": "Опишите изделие.", "Describe the fault here.": "Опишите неисправность.",
    "Write the first isolation step here.": "Опишите первую проверку.",
    "Is the fault still there?": "Неисправность сохраняется?",
    "End of the isolation procedure.": "Поиск неисправности завершён.", "Describe the part here": "Наименование детали",
    "First step": "Первый шаг", "Write the first message here.": "Напишите первое сообщение.",
    "Describe the task here.": "Опишите работу.", "Crew drill": "Порядок проверок", "Challenge": "Что проверить",
    "Response": "Состояние",
}


def _in_russian(root: etree._Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.text and el.text.strip() in TEMPLATE_RU and el.tag not in ("techName", "infoName"):
            el.text = TEMPLATE_RU[el.text.strip()]


def pm_tree(
    pmc: PmCode,
    lang: Language,
    title: str,
    issue: str = "4.2",
    enterprise: str = "00000",
    brex: DmCode | None = None,
    today: dt.date | None = None,
) -> etree._ElementTree:
    """A publication module with its identification and status and one empty entry titled like it."""
    tree = _template("pm.xml")
    root = tree.getroot()
    root.set(XSI, schema_url(issue, "pm"))
    ident = root.find("identAndStatusSection/pmAddress/pmIdent")
    _set_code(ident.find("pmCode"), pmc)
    _set_code(ident.find("language"), lang)
    items = root.find("identAndStatusSection/pmAddress/pmAddressItems")
    _set_date(items.find("issueDate"), today or dt.date.today())
    items.find("pmTitle").text = title
    _status(root, "pmStatus", enterprise, brex or default_brex(issue))
    root.find("content/pmEntry/pmEntryTitle").text = title
    return tree


def new_pm(
    code: str,
    title: str,
    dms: list[str],
    issue: str = "4.2",
    language: str = "en-US",
    enterprise: str = "00000",
    brex: str | None = None,
    today: dt.date | None = None,
) -> tuple[str, bytes]:
    """(file name, XML) of a new publication module listing the given data modules in one entry."""
    _check_issue(issue)
    if not dms:
        raise InputError("a publication module lists at least one data module: give --dm CODE")
    pmc = PmCode.parse(code)
    lang = Language.parse(language)
    brex_code = DmCode.parse(brex) if brex else default_brex(issue)
    refs = [DmCode.parse(d) for d in dms]
    if not title.strip():
        raise InputError("the publication module needs a title")
    tree = pm_tree(pmc, lang, title.strip(), issue, enterprise, brex_code, today)
    root = tree.getroot()
    entry = root.find("content/pmEntry")
    for ref in refs:
        dm_code = etree.SubElement(etree.SubElement(etree.SubElement(entry, "dmRef"), "dmRefIdent"), "dmCode")
        _set_code(dm_code, ref)
    return _finish(tree)
