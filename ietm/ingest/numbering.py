"""Word's list numbering as Word shows it: the list and level of a paragraph and the label Word prints.

Real manuals number in every way Word allows: a paragraph's own numbering, numbering inherited from its style
or its style's base, a level chosen by the style a level names (w:pStyle), lists defined through a numbering
style (numStyleLink), restarts (startOverride). The label ("2.3.1.1", "1)", "а)", "•") is computed with the
counters Word keeps, one set per abstract list, advanced in document order; it tells a numbered clause of
GOST 2.105 ("2.3.1.1 ...") from a list item ("1) ...") and a bullet, and gives headings their real number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUSSIAN = "абвгдежзиклмнопрстуфхцчшщэюя"
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
UNNUMBERED = {"bullet", "none"}


@dataclass
class Level:
    fmt: str  # decimal, bullet, none, lowerLetter, russianLower ...
    text: str  # lvlText, e.g. "%1.%2.%3" or "%1)" or "•"
    start: int = 1
    style: str | None = None  # the paragraph style this level belongs to (w:pStyle)
    legal: bool = False  # isLgl: every number shown in decimal


@dataclass
class Label:
    """What Word prints before a numbered paragraph."""

    text: str  # "2.3.1.1", "1)", "а)", "•", ""
    level: int  # 0-based list level
    numbered: bool  # a counting format (not a bullet or nothing)
    list_id: str  # the abstract list: items of one list share it


def _val(el: etree._Element | None, name: str = "val") -> str | None:
    return el.get(f"{W}{name}") if el is not None else None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _letters(n: int, alphabet: str) -> str:
    """Word's letter numbering: a..z, then aa..zz (the letter repeated)."""
    n = max(n, 1)
    return alphabet[(n - 1) % len(alphabet)] * ((n - 1) // len(alphabet) + 1)


def _roman(n: int) -> str:
    out = ""
    for value, digits in _ROMAN:
        while n >= value:
            out, n = out + digits, n - value
    return out or "0"


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(n, _LATIN)
    if fmt == "upperLetter":
        return _letters(n, _LATIN).upper()
    if fmt == "russianLower":
        return _letters(n, _RUSSIAN)
    if fmt == "russianUpper":
        return _letters(n, _RUSSIAN).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class Numbering:
    """The numbering part of one document, and the counters of a walk through it in document order."""

    def __init__(self, root: etree._Element | None, styles: dict[str, dict]) -> None:
        self.styles = styles
        self.abstract: dict[str, dict[int, Level]] = {}
        self.style_links: dict[str, str] = {}  # numbering style id -> abstractNumId that defines it
        self.num_links: dict[str, str] = {}  # abstractNumId -> numbering style it takes its levels from
        self.nums: dict[str, str] = {}  # numId -> abstractNumId
        self.overrides: dict[str, dict[int, tuple[int | None, Level | None]]] = {}  # numId -> ilvl -> (start, lvl)
        self.counters: dict[str, list[int | None]] = {}  # abstract list -> counter per level
        self.started: set[tuple[str, int]] = set()  # (numId, ilvl) whose startOverride was applied
        if root is None:
            return
        for an in root.iter(f"{W}abstractNum"):
            aid = an.get(f"{W}abstractNumId")
            self.abstract[aid] = {int(_val(lvl, "ilvl") or 0): self._level(lvl) for lvl in an.findall(f"{W}lvl")}
            if (link := _val(an.find(f"{W}styleLink"))) is not None:
                self.style_links[link] = aid
            if (link := _val(an.find(f"{W}numStyleLink"))) is not None:
                self.num_links[aid] = link
        for num in root.iter(f"{W}num"):
            nid = num.get(f"{W}numId")
            self.nums[nid] = _val(num.find(f"{W}abstractNumId")) or ""
            over = {}
            for o in num.findall(f"{W}lvlOverride"):
                start = _val(o.find(f"{W}startOverride"))
                lvl = o.find(f"{W}lvl")
                over[_int(_val(o, "ilvl"), 0)] = (_int(start, 1) if start is not None else None,
                                                   self._level(lvl) if lvl is not None else None)
            self.overrides[nid] = over

    @staticmethod
    def _level(lvl: etree._Element) -> Level:
        return Level(_val(lvl.find(f"{W}numFmt")) or "decimal", _val(lvl.find(f"{W}lvlText")) or "",
                     _int(_val(lvl.find(f"{W}start")), 1), _val(lvl.find(f"{W}pStyle")),
                     lvl.find(f"{W}isLgl") is not None and _val(lvl.find(f"{W}isLgl")) not in ("0", "false"))

    def _abstract_of(self, num_id: str) -> str | None:
        aid = self.nums.get(num_id)
        for _ in range(3):  # a list defined through a numbering style: follow the link to the real levels
            if aid is None or aid not in self.num_links:
                break
            style = self.styles.get(self.num_links[aid])
            ppr = style["pPr"] if style else None
            linked = _val(ppr.find(f"{W}numPr/{W}numId")) if ppr is not None else None
            aid = self.style_links.get(self.num_links[aid]) or (self.nums.get(linked) if linked else None)
        return aid

    def resolve(self, ppr: etree._Element | None, chain: list[dict]) -> tuple[str, int] | None:
        """(numId, level) of a paragraph: its own numPr, else its style chain's; the level from the paragraph,
        the style, or the list level that names the style."""
        num_id = ilvl = None
        own = ppr.find(f"{W}numPr") if ppr is not None else None
        if own is not None:
            num_id, ilvl = _val(own.find(f"{W}numId")), _val(own.find(f"{W}ilvl"))
        owner = None
        for s in chain:
            pr = s["pPr"].find(f"{W}numPr") if s["pPr"] is not None else None
            if pr is None:
                continue
            if num_id is None and _val(pr.find(f"{W}numId")) is not None:
                num_id, owner = _val(pr.find(f"{W}numId")), s
            if ilvl is None and _val(pr.find(f"{W}ilvl")) is not None:
                ilvl = _val(pr.find(f"{W}ilvl"))
            if num_id is not None and ilvl is not None:
                break
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        if ilvl is None:
            aid = self._abstract_of(num_id)
            levels = self.abstract.get(aid or "", {})
            names = {s["id"] for s in chain} if owner is None else {owner["id"]} | {s["id"] for s in chain}
            ilvl = next((str(k) for k, lv in sorted(levels.items()) if lv.style in names), "0")
        return num_id, min(max(_int(ilvl, 0), 0), 8)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        start, lvl = self.overrides.get(num_id, {}).get(ilvl, (None, None))
        if lvl is not None:
            return lvl
        return self.abstract.get(self._abstract_of(num_id) or "", {}).get(ilvl)

    def advance(self, num_id: str, ilvl: int) -> Label:
        """Count one more paragraph at (numId, level) and return its label."""
        lvl = self.level(num_id, ilvl) or Level("decimal", "")  # a level the list does not define: no label
        aid = self._abstract_of(num_id) or num_id
        counters = self.counters.setdefault(aid, [None] * 9)
        start, _ = self.overrides.get(num_id, {}).get(ilvl, (None, None))
        if start is not None and (num_id, ilvl) not in self.started:
            self.started.add((num_id, ilvl))
            counters[ilvl] = start - 1
        counters[ilvl] = (counters[ilvl] if counters[ilvl] is not None else lvl.start - 1) + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            other = self.level(num_id, k)
            value = counters[k] if counters[k] is not None else (other.start if other else 1)
            fmt = "decimal" if lvl.legal and k < ilvl else (other.fmt if other else "decimal")
            return "" if fmt in UNNUMBERED else format_number(value, fmt)

        text = lvl.text if lvl.fmt == "bullet" else re.sub(r"%([1-9])", number, lvl.text)
        return Label(text.strip(), ilvl, lvl.fmt not in UNNUMBERED, aid)
