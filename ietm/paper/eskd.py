"""The ЕСКД form of a text document (GOST 2.104-2006): the frame, the title block and the additional columns,
drawn as one vector picture per kind of sheet, in millimetres on an A4 sheet (210 x 297, origin top left).

- the title sheet (ТЛ, GOST 2.105): no title block, only the additional columns 19-23 on the binding margin;
- the first sheet (form 2, 185 x 40): designation, title, organisation, the signatories, "Лит.", and the cells
  for "Лист" and "Листов", whose numbers the page layout writes (they change from sheet to sheet);
- the following sheets (form 2a, 185 x 15): designation and the "Лист" cell.

The frame lies 20 mm from the left edge (binding) and 5 mm from the others. Everything constant for the document
is drawn here; ietm.paper.compose places the sheet numbers in the page margins over the cells named below.
"""

from __future__ import annotations

import base64
import textwrap
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from ietm.paper.labels import word

FRAME = (20.0, 5.0, 205.0, 292.0)  # left, top, right, bottom
THICK, THIN = 0.6, 0.25
FONT = "Liberation Sans, DejaVu Sans, sans-serif"
ROLES = ("razrab", "prov", "tkontr", "nkontr", "utv")  # the rows of form 2, top to bottom


@dataclass
class Signatory:
    name: str
    date: str = ""  # YYYY-MM-DD


@dataclass
class TitleBlock:
    """What the title block says; the same for every sheet of one document."""

    designation: str
    title: str
    organisation: str
    language: str
    letter: str = ""
    signatories: dict[str, Signatory] = field(default_factory=dict)  # role (ROLES) -> who


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = THIN) -> None:
        self.parts.append(f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke-width="{width:g}"/>')

    def rect(self, x1: float, y1: float, x2: float, y2: float, width: float = THICK) -> None:
        self.parts.append(f'<rect x="{x1:g}" y="{y1:g}" width="{x2 - x1:g}" height="{y2 - y1:g}" fill="none" '
                          f'stroke-width="{width:g}"/>')

    def text(self, x: float, y: float, value: str, size: float = 2.5, anchor: str = "start", rotate: bool = False,
             bold: bool = False) -> None:
        if not value:
            return
        transform = f' transform="rotate(-90 {x:g} {y:g})"' if rotate else ""
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" text-anchor="{anchor}" stroke="none" '
                          f'fill="#000"{weight}{transform}>'
                          f'{escape(value)}</text>')

    def fitted(self, x1: float, y1: float, x2: float, y2: float, value: str, size: float) -> None:
        """Text wrapped to a cell, centred, shrunk until it fits."""
        width, height = x2 - x1 - 2, y2 - y1 - 1
        while True:
            per_line = max(4, int(width / (size * 0.52)))
            lines = textwrap.wrap(value, per_line) or [""]
            if len(lines) * size * 1.25 <= height or size <= 1.8:
                break
            size -= 0.25
        top = (y1 + y2) / 2 - (len(lines) - 1) * size * 1.25 / 2 + size * 0.35
        for i, line in enumerate(lines):
            self.text((x1 + x2) / 2, top + i * size * 1.25, line, size, "middle")

    def svg(self) -> str:
        return ('<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">'
                f'<g stroke="#000" fill="none" font-family="{FONT}" font-style="italic">{"".join(self.parts)}</g></svg>')


def _binding_columns(s: _Svg, language: str) -> None:
    """Columns 19-23 on the binding margin (12 mm wide: a 5 mm label and a 7 mm value), from the bottom up."""
    x0, x1, x2 = 8.0, 13.0, 20.0
    y = FRAME[3]
    for key, height in (("inv_podl", 25), ("podp_data", 35), ("vzam_inv", 25), ("inv_dubl", 25), ("podp_data", 35)):
        s.rect(x0, y - height, x2, y, THICK)
        s.line(x1, y - height, x1, y, THICK)
        s.text(x1 - 1.3, y - height / 2, word(key, language), 2.5, "middle", rotate=True)
        y -= height


def _top_columns(s: _Svg, language: str) -> None:
    """Columns 24 and 25 of the first sheet ("Перв. примен.", "Справ. №"), 60 mm each, along the binding."""
    x0, x1, x2 = 8.0, 13.0, 20.0
    y = FRAME[1]
    for key in ("perv_prim", "sprav"):
        s.rect(x0, y, x2, y + 60, THICK)
        s.line(x1, y, x1, y + 60, THICK)
        s.text(x1 - 1.3, y + 30, word(key, language), 2.5, "middle", rotate=True)
        y += 60


def _changes_grid(s: _Svg, top: float, language: str) -> None:
    """The change rows and their header (Изм., Лист, № докум., Подп., Дата): three 5 mm rows from `top`."""
    xs = (20, 27, 37, 60, 75, 85)
    for i in range(1, 3):
        s.line(20, top + 5 * i, 85, top + 5 * i, THIN if i < 2 else THICK)
    for x in xs[1:-1]:
        s.line(x, top, x, top + 15, THICK)
    for (a, b), key in zip(zip(xs, xs[1:]), ("izm", "list", "n_dokum", "podp", "data")):
        s.text((a + b) / 2, top + 14, word(key, language), 2.5, "middle")


def _framed(block: TitleBlock, height: float) -> tuple[_Svg, float]:
    """The sheet's frame and the top of a title block `height` mm high, with its change rows and the binding
    margin's columns 19-23 (the same on forms 2 and 2a)."""
    s = _Svg()
    left, top, right, bottom = FRAME
    s.rect(left, top, right, bottom)
    y0 = bottom - height
    s.line(left, y0, right, y0, THICK)
    _changes_grid(s, y0, block.language)
    _binding_columns(s, block.language)
    return s, y0


def first_sheet(block: TitleBlock) -> str:
    """Form 2: frame, 185 x 40 title block, columns 19-25."""
    s, y0 = _framed(block, 40)
    lang = block.language
    right, bottom = FRAME[2], FRAME[3]
    # signatories: label (17 mm), name (23), signature (15), date (10), one 5 mm row each
    for i, role in enumerate(ROLES):
        y = y0 + 15 + 5 * i
        s.line(20, y, 85, y, THIN if i else THICK)
        s.text(21, y + 3.9, word(role, lang), 2.5)
        who = block.signatories.get(role)
        if who is not None:
            s.fitted(37, y, 60, y + 5, who.name, 2.5)
            s.fitted(75, y, 85, y + 5, _short_date(who.date), 1.9)
    for x in (37, 60, 75):
        s.line(x, y0 + 15, x, bottom, THICK)
    s.line(85, y0, 85, bottom, THICK)
    # right part: designation (120 x 15), title (70 x 25), Лит./Лист/Листов, organisation (50 x 15)
    s.line(85, y0 + 15, right, y0 + 15, THICK)
    s.fitted(85, y0, right, y0 + 15, block.designation, 5)
    s.line(155, y0 + 15, 155, bottom, THICK)
    s.fitted(85, y0 + 15, 155, bottom, block.title, 3.5)
    s.line(155, y0 + 20, right, y0 + 20, THICK)
    s.line(155, y0 + 25, right, y0 + 25, THICK)
    for x in (170, 185):
        s.line(x, y0 + 15, x, y0 + 25, THICK)
    for x in (160, 165):
        s.line(x, y0 + 20, x, y0 + 25, THIN)
    s.text(162.5, y0 + 19, word("lit", lang), 2.5, "middle")
    s.text(177.5, y0 + 19, word("list", lang), 2.5, "middle")
    s.text(195, y0 + 19, word("listov", lang), 2.5, "middle")
    for i, letter in enumerate(block.letter[:3]):
        s.text(157.5 + 5 * i, y0 + 24, letter, 2.5, "middle")
    s.fitted(155, y0 + 25, right, bottom, block.organisation, 3.5)
    _top_columns(s, lang)
    return s.svg()


def next_sheet(block: TitleBlock) -> str:
    """Form 2a: frame, 185 x 15 title block, columns 19-23."""
    s, y0 = _framed(block, 15)
    right, bottom = FRAME[2], FRAME[3]
    s.line(85, y0, 85, bottom, THICK)
    s.fitted(85, y0, 195, bottom, block.designation, 5)
    s.line(195, y0, 195, bottom, THICK)
    s.line(195, y0 + 7, right, y0 + 7, THICK)
    s.text(200, y0 + 5, word("list", block.language), 2.5, "middle")
    return s.svg()


def title_sheet(block: TitleBlock) -> str:
    """The title sheet (ТЛ): only the additional columns on the binding margin (GOST 2.105 puts no title block here)."""
    s = _Svg()
    _binding_columns(s, block.language)
    return s.svg()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _short_date(date: str) -> str:
    """2026-11-20 -> 20.11.26, as dates are written in the title block."""
    parts = date.split("-")
    return f"{parts[2]}.{parts[1]}.{parts[0][2:]}" if len(parts) == 3 and len(parts[0]) == 4 else date

