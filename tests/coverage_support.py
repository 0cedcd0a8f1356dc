"""How much of a data module's own words reach its page: the measure of a renderer that loses nothing.

A module's words are the words of its content's text and of the attributes that carry a reader's data (ident
numbers, property values, part numbers...); a page's words are what its reader sees or hears in the module's
article. The share is counted word by word with repeats (a word written five times must be shown five times
to count fully), case-insensitively.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from lxml import etree, html

from ietm.render.content.codelists import attr_code_list, code_name

WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)  # letters or digits: 01A-000 counts as 01, A, 000 on both sides
#: attributes whose value is data a reader needs (S1000D names them ...Value(s), ...Number, ...Ident...)
DATA_ATTR = re.compile(r"(Value|Values|Number|IdentNumber|Ident|Code|Name|Title|Text)$")
#: attributes that only tie elements together or are machine codes, not words for a reader
NOT_DATA = {"id", "applicRefId", "internalRefId", "reasonForUpdateRefIds", "warningRefs", "cautionRefs",
            "infoEntityIdent", "applicMapRefId", "changeMark", "changeType", "applicPropertyType",
            "languageIsoCode", "countryIsoCode", "xlink:href", "authorityName", "brDecisionRefId",
            "applicPropertyIdent",  # a key into the ACT: the reader sees the property's name
            "applicationStructureIdent"}  # a hotspot's link into its drawing's structure
#: S1000D code-list attributes shown by their names (ietm.render.content.codelists), not their codes
CODE_ATTRS = {"skillLevelCode", "securityClassification", "commentPriorityCode", "responseType", "issueType",
              "updateReasonType", "verificationType", "brSeverityLevel", "skillType", "itemLocationCode",
              "infoCode", "infoCodeVariant", "learnCode", "learnEventCode", "disassyCode", "disassyCodeVariant",
              "subSubSystemCode", "subSystemCode", "systemCode", "systemDiffCode", "assyCode", "modelIdentCode",
              "emphasisType", "listItemPrefix", "quantityType",
              "internalRefTargetType", "pmEntryType", "refType", "materialUsage", "acronymType", "color",
              "frame", "colsep", "rowsep", "pgwide", "align", "valign", "tabstyle", "tocentry", "orient",
              "sourceCriticality", "sourceTypeCode", "figureNumberVariant", "entityCode", "pmNumber",
              "pmIssuer", "pmVolume", "inWork", "issueNumber", "year", "month", "day"}


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text) if len(w) > 1 or w.isdigit()]  # single letters say little


#: elements whose text is a code a page shows by its name (a unit of issue: EA -> шт.)
CODE_TEXT = {"unitOfIssue": "unit"}


def module_words(path: Path, language: str = "en") -> Counter:
    """The words of a module's content (text and data attributes), with repeats; a coded value as a page in
    `language` names it."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)).getroot()
    content = root.find("content")
    found: Counter = Counter()
    if content is None:
        return found
    for el in content.iter():
        if not isinstance(el.tag, str):
            if el.tail:
                found.update(_words(el.tail))
            continue
        text = el.text or ""
        if el.tag in CODE_TEXT and text.strip():
            text = code_name(CODE_TEXT[el.tag], text.strip(), language)
        found.update(_words(text))
        if el is not content:
            found.update(_words(el.tail or ""))
        for name, value in el.attrib.items():
            if (name not in NOT_DATA and name not in CODE_ATTRS and attr_code_list(name) is None
                    and not name.startswith("{") and DATA_ATTR.search(name)):
                found.update(_words(value))
    return found


SHOWN_ATTRS = ("title", "aria-label", "alt", "data-applic-text")


def page_words(page: str) -> Counter:
    """The words a reader sees or hears in the module's article (its identification and content)."""
    doc = html.fromstring(page)
    article = doc.xpath("//article[contains(@class,'module')]")
    root = article[0] if article else doc
    for el in root.xpath(".//script|.//style|.//template"):
        el.drop_tree()
    parts = [" ".join(root.itertext())]
    for el in root.iter():
        if isinstance(el.tag, str):
            parts.extend(el.get(a) for a in SHOWN_ATTRS if el.get(a))
    return Counter(_words(" ".join(parts)))


def share(module: Counter, page: Counter) -> tuple[float, Counter]:
    """The share of the module's words the page shows, and the words it lost (with how many times)."""
    total = sum(module.values())
    if not total:
        return 1.0, Counter()
    lost = Counter({w: n - min(n, page.get(w, 0)) for w, n in module.items() if page.get(w, 0) < n})
    return 1 - sum(lost.values()) / total, lost
