"""Text of a paragraph as S1000D inline content: emphasis, sub- and superscripts, footnotes, and references
to the module's own figures and tables ("рисунок 3", "Figure 3", "таблица 2") as internal references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ietm.ingest.blocks import Run

EMPHASIS = {"b": "em01", "i": "em02", "u": "em03"}
_FIG_REF = re.compile(r"\b((?:рисун\w*|рис\.|figures?|figs?\.)\s*(\d+(?:\.\d+)?))", re.IGNORECASE)
_TAB_REF = re.compile(r"\b((?:таблиц\w*|табл\.|tables?)\s*(\d+(?:\.\d+)?))", re.IGNORECASE)
# XML 1.0 forbids most control characters; Word documents sometimes hold them
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_SPACED = re.compile(r"^((?:[^\W\d_] ){3,}[^\W\d_])(?=\s|$)")


def unspace(text: str) -> str:
    """A word spaced out letter by letter at the start, as GOST captions are typed ("Т а б л и ц а 2"), closed up."""
    return _SPACED.sub(lambda m: m.group(1).replace(" ", ""), text)


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


@dataclass
class Targets:
    """The figures and tables of one module by their number in the source, for internal references."""

    figures: dict[str, str] = field(default_factory=dict)  # "3" -> "fig-0003"
    tables: dict[str, str] = field(default_factory=dict)

    def split(self, text: str) -> list[tuple[str, str | None, str | None]]:
        """(text, target id, target type) pieces; a piece with an id becomes an internalRef."""
        spans = []
        for pattern, table, kind in ((_FIG_REF, self.figures, "irtt01"), (_TAB_REF, self.tables, "irtt02")):
            if not table:
                continue
            for m in pattern.finditer(text):
                if m.group(2) in table:
                    spans.append((m.start(1), m.end(1), table[m.group(2)], kind))
        if not spans:
            return [(text, None, None)]
        spans.sort()
        out, pos = [], 0
        for start, end, target, kind in spans:
            if start < pos:
                continue
            if start > pos:
                out.append((text[pos:start], None, None))
            out.append((text[start:end], target, kind))
            pos = end
        if pos < len(text):
            out.append((text[pos:], None, None))
        return out


def _append_text(el: etree._Element, text: str) -> None:
    if not text:
        return
    if len(el):
        last = el[-1]
        last.tail = (last.tail or "") + text
    else:
        el.text = (el.text or "") + text


def _strip_edges(runs: list[Run]) -> list[Run]:
    """Runs with the paragraph's leading and trailing blanks removed, inner blanks collapsed and neighbours of
    one style joined (Word splits text anywhere: "на рисунке " and a field's "15" must read as one reference)."""
    out: list[Run] = []
    for r in runs:
        if r.footnote is None and out and out[-1].footnote is None and out[-1].style == r.style:
            out[-1] = Run(out[-1].text + r.text, r.style)
        else:
            out.append(Run(r.text, r.style, r.footnote))
    out = [Run(_SPACE.sub(" ", clean(r.text)) if r.footnote is None else "", r.style, r.footnote) for r in out]
    while out and out[0].footnote is None and not out[0].text.strip():
        out.pop(0)
    while out and out[-1].footnote is None and not out[-1].text.strip():
        out.pop()
    if out and out[0].footnote is None:
        out[0] = Run(out[0].text.lstrip(), out[0].style)
    if out and out[-1].footnote is None:
        out[-1] = Run(out[-1].text.rstrip(), out[-1].style)
    return out


def fill(el: etree._Element, runs: list[Run], mode: str = "para", targets: Targets | None = None) -> list[str]:
    """Write runs into `el`. mode: "para" (all inline elements), "attention" (no footnotes: S1000D has none
    in warnings and notes), "plain" (text only). Returns what had to be flattened, for the report."""
    flattened: list[str] = []
    for run in _strip_edges(runs):
        if run.footnote is not None:
            if not run.footnote:
                continue
            if mode == "para":
                fn = etree.SubElement(el, "footnote")
                for text in run.footnote:
                    etree.SubElement(fn, "para").text = clean(text)
            else:
                _append_text(el, " (" + " ".join(clean(t) for t in run.footnote) + ")")
                flattened.append("a footnote kept in brackets (S1000D has no footnotes here)")
            continue
        text = run.text
        if not text:
            continue
        if mode == "plain":
            _append_text(el, text)
            continue
        parent = el
        if run.style in EMPHASIS:
            parent = etree.SubElement(el, "emphasis", emphasisType=EMPHASIS[run.style])
        elif run.style == "sup":
            parent = etree.SubElement(el, "superScript")
        elif run.style == "sub":
            parent = etree.SubElement(el, "subScript")
        if parent is not el or targets is None:
            _append_text(parent, text)
            continue
        for piece, target, kind in targets.split(text):
            if target:
                ref = etree.SubElement(el, "internalRef", internalRefId=target, internalRefTargetType=kind)
                ref.text = piece
            else:
                _append_text(el, piece)
    return flattened


def plain(runs: list[Run]) -> str:
    return " ".join(clean("".join(r.text for r in runs if r.footnote is None)).replace("\u00a0", " ").split())
