"""Finding English words of the interface on a page shown in Russian.

A page in Russian may still carry Latin letters that are not interface words: codes (DMC-..., GS-1001, 15W-40),
abbreviations in capitals (CAGE, PCT, SHA-256), the product's own names in the module's text, and the language
switch's "English". Everything else in Latin letters on a Russian page is an interface word left in English.
The words of a module's own text (an English module read with a Russian interface) are allowed by passing them
as `allowed`, so the check looks at the shell and the renderers' labels, not at what the writer wrote.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from lxml import etree, html

#: attributes whose text a reader sees or hears
SHOWN_ATTRS = ("title", "aria-label", "placeholder", "alt", "aria-description", "data-page-title")
#: attributes holding JSON with words device-side scripts show (a content section's labels)
WORD_ATTRS = ("data-i18n",)
LATIN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*")
#: names that are the same in any language (and the keys of a keyboard, written as on their caps)
NAMES = {"ietm", "S1000D", "Ctrl", "Alt", "Shift", "Enter", "Tab", "Esc", "Backspace", "Delete"}


def is_code(word: str) -> bool:
    """An abbreviation or a code, not a word of a language: CAGE, PCT, DMC-DGEN-A, kg is not one."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) or len(letters) == 1


def latin_words(text: str) -> set[str]:
    """Latin-letter words of a text, less codes (tokens touching a digit are codes: 15W-40, sk01, ICN-...)."""
    out = set()
    text = re.sub(r"\{\w+\}", " ", text)  # a message's placeholders are filled by the page's script
    text = re.sub(r"`[^`]*`", " ", text)  # a command to type, quoted: `ietm release`
    for m in re.finditer(r"/?[\w'’.-]+", text):
        if m.group(0).startswith("/") or re.search(r"[a-z]\.[a-z]{2,4}$", m.group(0)):
            continue  # an address (/orders, /dm/...) or a file name (descript.xsd) is no word of a language
        token = m.group(0).strip(".-'’")
        if not token or any(c.isdigit() for c in token) or not re.search("[A-Za-z]", token):
            continue
        for word in LATIN.findall(token):
            if not is_code(word) and word not in NAMES:
                out.add(word)
    return out


def module_words(path: Path) -> set[str]:
    """Every word of a module's own text and attribute values (what its writer wrote)."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)).getroot()
    found: set[str] = set()
    for el in root.iter():
        if isinstance(el.tag, str):
            found |= latin_words(" ".join([el.text or "", el.tail or "", *el.attrib.values()]))
        else:  # a comment's own text is no content, but the text after it is
            found |= latin_words(el.tail or "")
    return {w.lower() for w in found}


def page_text(page: str) -> tuple[str, list[str]]:
    """The text a reader of the page sees or hears (less scripts and the language switch), and the words
    device-side scripts will show (JSON tables on the page)."""
    doc = html.fromstring(page)
    shown: list[str] = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in SHOWN_ATTRS:
            if el.get(attr):
                shown.append(el.get(attr))
        if el.tag == "input" and el.get("type") in ("submit", "button", "reset") and el.get("value"):
            shown.append(el.get("value"))
        for attr in WORD_ATTRS:
            if el.get(attr):
                shown.extend(_strings(json.loads(el.get(attr))))
    for script in doc.xpath("//script[@type='application/json'][@id='ietm-strings' or @id='ietm-search-strings']"):
        shown.extend(_strings(json.loads(script.text or "{}")))
    # the language switch's "English", and a tool's own words ietm cannot put in Russian (a schema validator's
    # message, a business rule's text), which the page marks with their language
    for el in doc.xpath("//script|//style|//template|//*[@data-lang='en']|//*[contains(@class,'tool-words')][@lang]"):
        el.drop_tree()
    return " ".join(doc.itertext()), shown


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def english_on(page: str, allowed: set[str] = frozenset()) -> set[str]:
    """Interface words in English on a page in Russian (`allowed`: the module's own words, lower case)."""
    text, shown = page_text(page)
    words = latin_words(text) | latin_words(" ".join(shown))
    return {w for w in words if w.lower() not in allowed}


def titles_named(csdb: Path, page: str) -> set[str]:
    """The words of the titles of every module a page names by its code (a QA queue lists copies in any
    language): the writers' words, whatever their language."""
    from ietm.parse import read_object

    out: set[str] = set()
    for key in set(re.findall(r"\b(?:DMC|PMC)-[A-Z0-9-]+[A-Z0-9]", page)):
        for f in csdb.glob(f"{key}_*.XML"):
            out |= {w.lower() for w in latin_words(read_object(f).title)}
    return out


def certificate_words(pem: Path) -> set[str]:
    """The words of a certificate's subject (a signer's name the release page and badges show)."""
    from ietm.sign.keys import load_certificates

    return {w.lower() for c in load_certificates(pem) for a in c.subject for w in latin_words(str(a.value))}
