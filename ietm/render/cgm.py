"""Binary CGM (ISO 8632-3) to SVG, for the illustrations S1000D projects ship and no browser displays.

An interpreter for the elements real S1000D illustrations use (measured on the Bike set: IsoDraw and
ImageStream output): metafile and picture descriptors, precisions, VDC extent, colour tables, line/edge/fill/text
attributes, polylines, polygons, circles, circular and elliptical arcs, ellipses, Béziers, text, closed figures
and application structures (WebCGM hotspot objects become SVG groups with their ids); beyond the Bike set also
polymarkers, hatch fills, clip rectangles, appended text and cell arrays (rasters, as embedded PNG). Elements
it does not draw are counted in `Svg.skipped`, so a caller can tell what a picture may be missing.

Callouts are text: they stay text in the SVG (searchable, legible at any zoom) rather than outlines. The
picture is cropped to what is visibly drawn, since illustrators' pages leave wide empty borders.
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from ietm.errors import InputError

#: bumped whenever the SVG this module writes changes, so converted pictures kept on disk are made again
VERSION = "4"


@dataclass
class Svg:
    text: str
    width: float
    height: float
    skipped: Counter = field(default_factory=Counter)  # (class, element) -> count of elements not drawn
    strings: list[str] = field(default_factory=list)  # every text string, in drawing order


class _Reader:
    """A cursor over one element's parameter bytes, decoding per the current precisions."""

    def __init__(self, data: bytes, st: _State) -> None:
        self.d = data
        self.i = 0
        self.st = st

    def left(self) -> int:
        return len(self.d) - self.i

    def _take(self, n: int) -> bytes:
        if self.i + n > len(self.d):
            raise EOFError
        b = self.d[self.i : self.i + n]
        self.i += n
        return b

    def int_(self, bits: int | None = None) -> int:
        bits = bits or self.st.int_prec
        return int.from_bytes(self._take(bits // 8), "big", signed=True)

    def uint(self, bits: int) -> int:
        return int.from_bytes(self._take(bits // 8), "big", signed=False)

    def enum(self) -> int:
        return self.int_(16)

    def index(self) -> int:
        return self.int_(self.st.index_prec)

    def real(self, prec: tuple[int, int, int] | None = None) -> float:
        form, a, b = prec or self.st.real_prec
        if form == 0:  # floating point: (exponent, fraction) bits 9/23 or 12/52
            if (a, b) == (12, 52):
                return struct.unpack(">d", self._take(8))[0]
            return struct.unpack(">f", self._take(4))[0]
        whole = int.from_bytes(self._take(a // 8), "big", signed=True)
        frac = int.from_bytes(self._take(b // 8), "big", signed=False)
        return whole + frac / (1 << b)

    def vdc(self) -> float:
        if self.st.vdc_type == 0:
            return float(self.int_(self.st.vdc_int_prec))
        return self.real(self.st.vdc_real_prec)

    def point(self) -> tuple[float, float]:
        return self.vdc(), self.vdc()

    def points(self) -> list[tuple[float, float]]:
        """All remaining points; the common fixed-size encodings are unpacked in one call (point lists are
        most of a drawing)."""
        size = 2 * self._vdc_size()
        count = self.left() // size
        code = self._vdc_struct()
        if code is None:
            return [self.point() for _ in range(count)]
        flat = struct.unpack_from(f">{2 * count}{code}", self.d, self.i)
        self.i += count * size
        return list(zip(flat[0::2], flat[1::2]))

    def _vdc_struct(self) -> str | None:
        st = self.st
        if st.vdc_type == 0:
            return {16: "h", 32: "i"}.get(st.vdc_int_prec)
        if st.vdc_real_prec[0] == 0:
            return {(9, 23): "f", (12, 52): "d"}.get(st.vdc_real_prec[1:])
        return None

    def _vdc_size(self) -> int:
        if self.st.vdc_type == 0:
            return self.st.vdc_int_prec // 8
        form, a, b = self.st.vdc_real_prec
        return 8 if (form == 0 and (a, b) == (12, 52)) or (form == 1 and a == 32) else 4

    def colour(self) -> str:
        if self.st.colour_mode == 0:
            return self.st.table_colour(self.uint(self.st.colour_index_prec))
        return self.direct()

    def direct(self) -> str:
        bits = self.st.colour_prec
        rgb = [self.uint(bits) for _ in range(3)]
        lo, hi = self.st.colour_extent
        out = []
        for v, a, b in zip(rgb, lo, hi):
            span = (b - a) or 1
            out.append(max(0, min(255, round((v - a) * 255 / span))))
        return "#%02x%02x%02x" % tuple(out)

    def string(self) -> str:
        n = self.uint(8)
        if n == 255:
            parts = bytearray()
            while True:
                w = self.uint(16)
                parts += self._take(w & 0x7FFF)
                if not w >> 15:
                    break
            raw = bytes(parts)
        else:
            raw = self._take(n)
        return raw.decode("cp1252", errors="replace")


@dataclass
class _State:
    int_prec: int = 16
    real_prec: tuple[int, int, int] = (1, 16, 16)
    index_prec: int = 16
    colour_prec: int = 8
    colour_index_prec: int = 8
    colour_extent: tuple[tuple[int, ...], tuple[int, ...]] = ((0, 0, 0), (255, 255, 255))
    vdc_type: int = 0
    vdc_int_prec: int = 16
    vdc_real_prec: tuple[int, int, int] = (1, 16, 16)
    colour_mode: int = 0
    line_width_mode: int = 1
    edge_width_mode: int = 1
    marker_size_mode: int = 1
    colours: dict[int, str] = field(default_factory=lambda: {0: "#ffffff", 1: "#000000"})
    fonts: list[str] = field(default_factory=list)
    # primitive attributes
    line_colour: str = "#000000"
    line_width: float = 1.0
    line_type: int = 1
    line_cap: str = "butt"
    line_join: str = "miter"
    edge_colour: str = "#000000"
    edge_width: float = 1.0
    edge_type: int = 1
    edge_visible: bool = False
    edge_cap: str = "butt"
    edge_join: str = "miter"
    fill_colour: str = "#000000"
    interior: int = 0  # 0 hollow, 1 solid, 2 pattern, 3 hatch, 4 empty
    hatch: int = 1
    marker_type: int = 3
    marker_size: float = 1.0
    marker_colour: str = "#000000"
    clip_rect: tuple[float, float, float, float] | None = None
    clip_on: bool = True
    text_colour: str = "#000000"
    char_height: float = 0.0
    char_expansion: float = 1.0
    up: tuple[float, float] = (0.0, 1.0)
    base: tuple[float, float] = (1.0, 0.0)
    align_h: int = 0
    align_v: int = 0
    font: int = 1

    def table_colour(self, i: int) -> str:
        return self.colours.get(i, "#000000")


_CAPS = {2: "butt", 3: "round", 4: "square"}
_JOINS = {2: "miter", 3: "round", 4: "bevel"}
_ANCHOR = {0: "start", 1: "start", 2: "middle", 3: "end", 4: "start"}
# vertical text alignment -> offset below the anchor point in units of the character (cap) height
_VSHIFT = {0: 0.0, 1: 1.2, 2: 1.0, 3: 0.5, 4: 0.0, 5: -0.25, 6: 0.0}


def commands(data: bytes):
    """(class, element, parameter bytes) for every command of a binary metafile."""
    i, n = 0, len(data)
    while i + 2 <= n:
        head = int.from_bytes(data[i : i + 2], "big")
        i += 2
        cls, el, ln = head >> 12, (head >> 5) & 0x7F, head & 31
        if ln == 31:
            params = bytearray()
            while True:
                if i + 2 > n:
                    raise InputError("CGM ends inside a long-form command")
                w = int.from_bytes(data[i : i + 2], "big")
                i += 2
                part = w & 0x7FFF
                params += data[i : i + part]
                i += part + (part & 1)
                if not w >> 15:
                    break
            yield cls, el, bytes(params)
        else:
            yield cls, el, data[i : i + ln]
            i += ln + (ln & 1)
        if (cls, el) == (0, 2):  # END METAFILE
            return


class _Painter:
    """Turns commands into SVG elements, in VDC coordinates flipped so that y grows downwards."""

    def __init__(self) -> None:
        self.st = _State()
        self.out: list[str] = []
        self.skipped: Counter = Counter()
        self.strings: list[str] = []
        self.extent = (0.0, 0.0, 32767.0, 32767.0)
        self.flip = True
        self.background = "#ffffff"
        self.figure: list[str] | None = None
        self.defs: dict[str, str] = {}  # id -> definition (hatch patterns, clip paths)
        self.text_buffer: tuple[tuple[float, float], str] | None = None  # TEXT not final, awaiting APPEND TEXT
        self.aps_depth = 0
        self.bbox = [math.inf, math.inf, -math.inf, -math.inf]  # what is visibly drawn, in SVG coordinates
        self.pending = [math.inf, math.inf, -math.inf, -math.inf]  # the element being drawn

    # -- geometry ----------------------------------------------------------------------------------

    def xy(self, p: tuple[float, float]) -> tuple[float, float]:
        x, y = p
        if self.flip:
            y = self.y0 + self.y1 - y
        self.grow(x, y, x, y)
        return x, y

    def grow(self, x0: float, y0: float, x1: float, y1: float, box: list[float] | None = None) -> None:
        b = self.pending if box is None else box
        b[0], b[1], b[2], b[3] = min(b[0], x0), min(b[1], y0), max(b[2], x1), max(b[3], y1)

    def commit(self, visible: bool = True) -> None:
        """The element is written: count its points in the drawing's box unless it cannot be seen."""
        if visible and self.pending[0] <= self.pending[2]:
            self.grow(*self.pending, box=self.bbox)
        self.pending = [math.inf, math.inf, -math.inf, -math.inf]

    def line_visible(self) -> bool:
        return self.st.line_colour.lower() != self.background.lower()

    def area_visible(self) -> bool:
        """False for an area that paints only the background colour (a page-sized white backdrop, say)."""
        s, bg = self.st, self.background.lower()
        filled = s.interior in (1, 2, 3, 5, 6) and s.fill_colour.lower() != bg
        edged = s.edge_visible and s.edge_colour.lower() != bg
        hollow = s.interior == 0 and not s.edge_visible and s.fill_colour.lower() != bg
        return filled or edged or hollow

    @property
    def y0(self) -> float:
        return min(self.extent[1], self.extent[3])

    @property
    def y1(self) -> float:
        return max(self.extent[1], self.extent[3])

    def nominal(self) -> float:
        """The width of a scaled line of factor 1: a thousandth of the picture, as devices commonly draw."""
        x0, y0, x1, y1 = self.extent
        return max(abs(x1 - x0), abs(y1 - y0)) / 1000

    @staticmethod
    def n(v: float) -> str:
        s = f"{v:.2f}"
        if s.endswith("00"):
            s = s[:-3]
        elif s.endswith("0"):
            s = s[:-1]
        return "0" if s == "-0" else s

    def pts(self, points: list[tuple[float, float]]) -> str:
        if self.flip:
            mirror = self.y0 + self.y1
            points = [(x, mirror - y) for x, y in points]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self.grow(min(xs), min(ys), max(xs), max(ys))
        n = self.n
        return " ".join(f"{n(x)},{n(y)}" for x, y in points)

    def arc_path(
        self, c: tuple[float, float], u: tuple[float, float], v: tuple[float, float], t0: float, t1: float, move: bool
    ) -> str:
        """Cubic Béziers along p(t) = c + u cos t + v sin t from t0 to t1 (t1 > t0): exact for any affine ellipse."""
        segs = max(1, math.ceil((t1 - t0) / (math.pi / 2) - 1e-9))
        step = (t1 - t0) / segs
        k = 4 / 3 * math.tan(step / 4)

        def at(x: float, y: float) -> tuple[float, float]:
            return self.xy((c[0] + u[0] * x + v[0] * y, c[1] + u[1] * x + v[1] * y))

        out = []
        a = t0
        sx, sy = at(math.cos(a), math.sin(a))
        if move:
            out.append(f"M{self.n(sx)},{self.n(sy)}")
        else:
            out.append(f"L{self.n(sx)},{self.n(sy)}")
        for _ in range(segs):
            b = a + step
            ca, sa, cb, sb = math.cos(a), math.sin(a), math.cos(b), math.sin(b)
            p1 = at(ca - k * sa, sa + k * ca)
            p2 = at(cb + k * sb, sb - k * cb)
            p3 = at(cb, sb)
            out.append("C" + " ".join(f"{self.n(x)},{self.n(y)}" for x, y in (p1, p2, p3)))
            a = b
        return "".join(out)

    # -- styles ------------------------------------------------------------------------------------

    def dash(self, kind: int, width: float) -> str:
        w = max(width, self.nominal())
        pattern = {2: (6, 3), 3: (1, 2), 4: (6, 2, 1, 2), 5: (6, 2, 1, 2, 1, 2)}.get(kind)
        if not pattern:
            return ""
        return f' stroke-dasharray="{" ".join(self.n(p * w) for p in pattern)}"'

    def line_style(self) -> str:
        s = self.st
        w = s.line_width if s.line_width_mode == 0 else s.line_width * self.nominal()
        return (
            f'fill="none" stroke="{s.line_colour}" stroke-width="{self.n(w)}" '
            f'stroke-linecap="{s.line_cap}" stroke-linejoin="{s.line_join}"' + self.dash(s.line_type, w)
        )

    def area_style(self) -> str:
        s = self.st
        fill = s.fill_colour if s.interior in (1, 2, 5, 6) else "none"
        if s.interior == 3:
            fill = f"url(#{self.hatch_pattern(s.hatch, s.fill_colour)})"
        parts = [f'fill="{fill}"']
        if s.edge_visible:
            w = s.edge_width if s.edge_width_mode == 0 else s.edge_width * self.nominal()
            parts.append(
                f'stroke="{s.edge_colour}" stroke-width="{self.n(w)}" stroke-linecap="{s.edge_cap}" '
                f'stroke-linejoin="{s.edge_join}"' + self.dash(s.edge_type, w)
            )
        elif s.interior == 0:  # hollow: the boundary is drawn in the fill colour
            parts.append(f'stroke="{s.fill_colour}" stroke-width="{self.n(self.nominal())}"')
        return " ".join(parts)

    def hatch_pattern(self, index: int, colour: str) -> str:
        """An SVG pattern for a standard hatch: 1 -, 2 |, 3 /, 4 \\, 5 +, 6 x."""
        ident = f"hatch{index}-{colour.lstrip('#')}"
        if ident not in self.defs:
            g = self.nominal() * 8
            w = self.n(self.nominal())
            lines = {1: ["M0,{h}L{g},{h}"], 2: ["M{h},0L{h},{g}"], 3: ["M0,{g}L{g},0"], 4: ["M0,0L{g},{g}"],
                     5: ["M0,{h}L{g},{h}", "M{h},0L{h},{g}"], 6: ["M0,{g}L{g},0", "M0,0L{g},{g}"]}.get(index, ["M0,{h}L{g},{h}"])
            d = "".join(x.format(g=self.n(g), h=self.n(g / 2)) for x in lines)
            self.defs[ident] = (
                f'<pattern id="{ident}" patternUnits="userSpaceOnUse" width="{self.n(g)}" height="{self.n(g)}">'
                f'<path d="{d}" stroke="{colour}" stroke-width="{w}" fill="none"/></pattern>'
            )
        return ident

    def emit(self, svg: str, visible: bool = True) -> None:
        clip = self.clip_id()
        if clip and svg.startswith("<") and not svg.startswith(("<g", "</")):
            tag, _, rest = svg.partition(" ")
            svg = f'{tag} clip-path="url(#{clip})" {rest}'
        self.out.append(svg)
        self.commit(visible)

    def clip_id(self) -> str | None:
        """The clip path of the current CLIP RECTANGLE, when clipping is on and a rectangle was given."""
        st = self.st
        if not (st.clip_on and st.clip_rect):
            return None
        x0, y0, x1, y1 = st.clip_rect
        ident = "clip-" + "-".join(self.n(v).replace(".", "_").replace("-", "m") for v in st.clip_rect)
        if ident not in self.defs:
            ax, ay = x0, (self.y0 + self.y1 - y0) if self.flip else y0
            bx, by = x1, (self.y0 + self.y1 - y1) if self.flip else y1
            self.defs[ident] = (
                f'<clipPath id="{ident}"><rect x="{self.n(min(ax, bx))}" y="{self.n(min(ay, by))}" '
                f'width="{self.n(abs(bx - ax))}" height="{self.n(abs(by - ay))}"/></clipPath>'
            )
        return ident

    def area(self, d: str) -> None:
        if self.figure is not None:
            self.figure.append(d)
        else:
            self.emit(f'<path d="{d}" {self.area_style()} fill-rule="evenodd"/>', self.area_visible())

    # -- elements ----------------------------------------------------------------------------------

    def run(self, data: bytes) -> None:
        for cls, el, params in commands(data):
            r = _Reader(params, self.st)
            try:
                handler = _HANDLERS.get((cls, el))
                if handler is None:
                    if (cls in (4, 5) or (cls, el) in _DRAWING_IGNORED) and (cls, el) not in _NO_VISUAL_EFFECT:
                        self.skipped[(cls, el)] += 1
                    continue
                handler(self, r)
            except (EOFError, struct.error, ValueError, ZeroDivisionError):
                self.skipped[(cls, el)] += 1

    def h_metafile_end(self, r: _Reader) -> None:
        pass

    def h_vdc_type(self, r: _Reader) -> None:
        self.st.vdc_type = r.enum()

    def h_int_prec(self, r: _Reader) -> None:
        self.st.int_prec = r.int_()

    def h_real_prec(self, r: _Reader) -> None:
        self.st.real_prec = (r.enum(), r.int_(), r.int_())

    def h_index_prec(self, r: _Reader) -> None:
        self.st.index_prec = r.int_()

    def h_colour_prec(self, r: _Reader) -> None:
        self.st.colour_prec = r.int_()

    def h_colour_index_prec(self, r: _Reader) -> None:
        self.st.colour_index_prec = r.int_()

    def h_colour_extent(self, r: _Reader) -> None:
        bits = self.st.colour_prec
        lo = tuple(r.uint(bits) for _ in range(3))
        hi = tuple(r.uint(bits) for _ in range(3))
        self.st.colour_extent = (lo, hi)

    def h_font_list(self, r: _Reader) -> None:
        while r.left() > 0:
            self.st.fonts.append(r.string())

    def h_vdc_int_prec(self, r: _Reader) -> None:
        self.st.vdc_int_prec = r.int_()

    def h_vdc_real_prec(self, r: _Reader) -> None:
        self.st.vdc_real_prec = (r.enum(), r.int_(), r.int_())

    def h_colour_mode(self, r: _Reader) -> None:
        self.st.colour_mode = r.enum()

    def h_line_width_mode(self, r: _Reader) -> None:
        self.st.line_width_mode = r.enum()

    def h_marker_mode(self, r: _Reader) -> None:
        self.st.marker_size_mode = r.enum()

    def h_edge_width_mode(self, r: _Reader) -> None:
        self.st.edge_width_mode = r.enum()

    def h_vdc_extent(self, r: _Reader) -> None:
        (x0, y0), (x1, y1) = r.point(), r.point()
        self.extent = (x0, y0, x1, y1)
        self.flip = y1 > y0  # the usual y-up picture; SVG counts y downwards

    def h_background(self, r: _Reader) -> None:
        self.background = r.direct()

    def h_colour_table(self, r: _Reader) -> None:
        start = r.uint(self.st.colour_index_prec)
        i = start
        while r.left() >= 3 * self.st.colour_prec // 8:
            self.st.colours[i] = r.direct()
            i += 1

    def h_line_type(self, r: _Reader) -> None:
        self.st.line_type = r.index()

    def h_line_width(self, r: _Reader) -> None:
        self.st.line_width = r.vdc() if self.st.line_width_mode == 0 else r.real()

    def h_line_colour(self, r: _Reader) -> None:
        self.st.line_colour = r.colour()

    def h_line_cap(self, r: _Reader) -> None:
        self.st.line_cap = _CAPS.get(r.index(), "butt")

    def h_line_join(self, r: _Reader) -> None:
        self.st.line_join = _JOINS.get(r.index(), "miter")

    def h_edge_type(self, r: _Reader) -> None:
        self.st.edge_type = r.index()

    def h_edge_width(self, r: _Reader) -> None:
        self.st.edge_width = r.vdc() if self.st.edge_width_mode == 0 else r.real()

    def h_edge_colour(self, r: _Reader) -> None:
        self.st.edge_colour = r.colour()

    def h_edge_visibility(self, r: _Reader) -> None:
        self.st.edge_visible = r.enum() == 1

    def h_edge_cap(self, r: _Reader) -> None:
        self.st.edge_cap = _CAPS.get(r.index(), "butt")

    def h_edge_join(self, r: _Reader) -> None:
        self.st.edge_join = _JOINS.get(r.index(), "miter")

    def h_interior(self, r: _Reader) -> None:
        self.st.interior = r.enum()

    def h_fill_colour(self, r: _Reader) -> None:
        self.st.fill_colour = r.colour()

    def h_text_colour(self, r: _Reader) -> None:
        self.st.text_colour = r.colour()

    def h_text_font(self, r: _Reader) -> None:
        self.st.font = r.index()

    def h_char_height(self, r: _Reader) -> None:
        self.st.char_height = r.vdc()

    def h_char_expansion(self, r: _Reader) -> None:
        self.st.char_expansion = r.real()

    def h_char_orientation(self, r: _Reader) -> None:
        self.st.up = r.point()
        self.st.base = r.point()

    def h_text_alignment(self, r: _Reader) -> None:
        self.st.align_h = r.enum()
        self.st.align_v = r.enum()

    # primitives

    def h_polyline(self, r: _Reader) -> None:
        pts = r.points()
        if len(pts) < 2:
            return
        if self.figure is not None:
            self.figure.append("M" + self.pts(pts).replace(" ", " L"))
            return
        self.emit(f'<polyline points="{self.pts(pts)}" {self.line_style()}/>', self.line_visible())

    def h_disjoint_polyline(self, r: _Reader) -> None:
        pts = r.points()
        d = "".join(f"M{self.pts([a])}L{self.pts([b])}" for a, b in zip(pts[::2], pts[1::2]))
        if d:
            self.emit(f'<path d="{d}" {self.line_style()}/>', self.line_visible())

    def h_polygon(self, r: _Reader) -> None:
        pts = r.points()
        if len(pts) >= 2:
            self.area("M" + self.pts(pts).replace(" ", " L") + "Z")

    def h_polygon_set(self, r: _Reader) -> None:
        d, ring = [], []
        while r.left() > 0:
            p = r.point()
            flag = r.enum()
            ring.append(p)
            if flag in (2, 3):  # close visible / close invisible: the ring ends here
                d.append("M" + self.pts(ring).replace(" ", " L") + "Z")
                ring = []
        if ring:
            d.append("M" + self.pts(ring).replace(" ", " L") + "Z")
        if d:
            self.area("".join(d))

    def h_rectangle(self, r: _Reader) -> None:
        (x0, y0), (x1, y1) = r.point(), r.point()
        self.area("M" + self.pts([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]).replace(" ", " L") + "Z")

    def h_circle(self, r: _Reader) -> None:
        c = r.point()
        rad = abs(r.vdc())
        d = self.arc_path(c, (rad, 0), (0, rad), 0, 2 * math.pi, True) + "Z"
        self.area(d)

    def h_arc_centre(self, r: _Reader) -> None:
        c = r.point()
        sx, sy, ex, ey = r.vdc(), r.vdc(), r.vdc(), r.vdc()
        rad = abs(r.vdc())
        self.open_arc(c, (rad, 0), (0, rad), math.atan2(sy, sx), math.atan2(ey, ex))

    def h_arc_centre_close(self, r: _Reader) -> None:
        c = r.point()
        sx, sy, ex, ey = r.vdc(), r.vdc(), r.vdc(), r.vdc()
        rad = abs(r.vdc())
        close = r.enum()
        self.closed_arc(c, (rad, 0), (0, rad), math.atan2(sy, sx), math.atan2(ey, ex), close)

    def h_arc_3point(self, r: _Reader) -> None:
        a, b, c = r.point(), r.point(), r.point()
        centre = _circumcentre(a, b, c)
        if centre is None:
            self.emit(f'<polyline points="{self.pts([a, c])}" {self.line_style()}/>', self.line_visible())
            return
        rad = math.dist(centre, a)
        t0, tm, t1 = (math.atan2(p[1] - centre[1], p[0] - centre[0]) for p in (a, b, c))
        ccw = (tm - t0) % (2 * math.pi) < (t1 - t0) % (2 * math.pi)
        if ccw:
            self.open_arc(centre, (rad, 0), (0, rad), t0, t1)
        else:
            self.open_arc(centre, (rad, 0), (0, -rad), -t0, -t1)

    def h_ellipse(self, r: _Reader) -> None:
        c, p1, p2 = r.point(), r.point(), r.point()
        u, v = (p1[0] - c[0], p1[1] - c[1]), (p2[0] - c[0], p2[1] - c[1])
        self.area(self.arc_path(c, u, v, 0, 2 * math.pi, True) + "Z")

    def _ellipse_params(self, r: _Reader):
        c, p1, p2 = r.point(), r.point(), r.point()
        u, v = (p1[0] - c[0], p1[1] - c[1]), (p2[0] - c[0], p2[1] - c[1])
        sx, sy, ex, ey = r.vdc(), r.vdc(), r.vdc(), r.vdc()
        return c, u, v, _param(u, v, sx, sy), _param(u, v, ex, ey)

    def h_elliptical_arc(self, r: _Reader) -> None:
        c, u, v, t0, t1 = self._ellipse_params(r)
        self.open_arc(c, u, v, t0, t1)

    def h_elliptical_arc_close(self, r: _Reader) -> None:
        c, u, v, t0, t1 = self._ellipse_params(r)
        self.closed_arc(c, u, v, t0, t1, r.enum())

    def _span(self, t0: float, t1: float) -> float:
        t1 = t0 + (t1 - t0) % (2 * math.pi)
        return t1 if t1 > t0 + 1e-9 else t0 + 2 * math.pi

    def open_arc(self, c, u, v, t0: float, t1: float) -> None:
        d = self.arc_path(c, u, v, t0, self._span(t0, t1), True)
        if self.figure is not None:
            self.figure.append(d)
        else:
            self.emit(f'<path d="{d}" {self.line_style()}/>', self.line_visible())

    def closed_arc(self, c, u, v, t0: float, t1: float, close: int) -> None:
        d = self.arc_path(c, u, v, t0, self._span(t0, t1), True)
        if close == 0:  # pie: through the centre
            cx, cy = self.xy(c)
            d += f"L{self.n(cx)},{self.n(cy)}"
        self.area(d + "Z")

    def h_cell_array(self, r: _Reader) -> None:
        """A raster (shaded views, photos): decoded to RGB, written as a PNG placed on its parallelogram."""
        p, q, corner = r.point(), r.point(), r.point()
        nx, ny = r.int_(), r.int_()
        local = r.int_()
        mode = r.enum()
        if nx <= 0 or ny <= 0 or nx * ny > 16_000_000:
            raise ValueError("cell array size")
        st = self.st
        indexed = st.colour_mode == 0
        bits = local or (st.colour_index_prec if indexed else st.colour_prec)
        per_cell = 1 if indexed else 3
        lo, hi = st.colour_extent
        data, pos = r.d, r.i * 8  # a bit cursor: cells may be narrower than a byte

        def take(n: int) -> int:
            nonlocal pos
            byte, end = pos // 8, pos + n
            if (end + 7) // 8 > len(data):
                raise EOFError
            chunk = int.from_bytes(data[byte : (end + 7) // 8], "big")
            pos = end
            return (chunk >> ((8 - end % 8) % 8)) & ((1 << n) - 1)

        def cell() -> tuple[int, int, int]:
            values = [take(bits) for _ in range(per_cell)]
            if indexed:
                c = st.table_colour(values[0])
                return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)
            return tuple(max(0, min(255, round((v - a) * 255 / ((b - a) or 1)))) for v, a, b in zip(values, lo, hi))

        rows = []
        for _ in range(ny):
            row: list[tuple[int, int, int]] = []
            if mode == 0:  # run-length: (count, colour) pairs
                while len(row) < nx:
                    count = take(st.int_prec)
                    row += [cell()] * max(count, 0)
                row = row[:nx]
            else:
                row = [cell() for _ in range(nx)]
            pos += (-pos) % 16  # every row starts on a 16-bit boundary
            rows.append(b"\x00" + bytes(v for rgb in row for v in rgb))
        png = _png(nx, ny, b"".join(rows))
        (px, py), (qx, qy), (rx, ry) = self.xy(p), self.xy(q), self.xy(corner)
        m = " ".join(self.n(v) for v in ((rx - px) / nx, (ry - py) / nx, (qx - rx) / ny, (qy - ry) / ny, px, py))
        self.emit(
            f'<image width="{nx}" height="{ny}" preserveAspectRatio="none" transform="matrix({m})" '
            f'href="data:image/png;base64,{base64.b64encode(png).decode()}"/>'
        )

    def h_polybezier(self, r: _Reader) -> None:
        cont = r.index()
        pts = r.points()
        d = []
        if cont == 2:
            if len(pts) >= 4:
                d.append("M" + self.pts(pts[:1]))
                rest = pts[1:]
                for i in range(0, len(rest) - 2, 3):
                    d.append("C" + self.pts(rest[i : i + 3]))
        else:
            for i in range(0, len(pts) - 3, 4):
                d.append("M" + self.pts(pts[i : i + 1]) + "C" + self.pts(pts[i + 1 : i + 4]))
        if not d:
            return
        if self.figure is not None:
            self.figure.append("".join(d))
        else:
            self.emit(f'<path d="{"".join(d)}" {self.line_style()}/>', self.line_visible())

    def h_text(self, r: _Reader) -> None:
        p = r.point()
        final = r.enum()
        text = r.string()
        if final == 0:  # not final: APPEND TEXT elements follow
            self.text_buffer = (p, text)
        else:
            self.text(p, text)

    def h_append_text(self, r: _Reader) -> None:
        final = r.enum()
        text = r.string()
        if self.text_buffer is None:
            return
        p, before = self.text_buffer
        self.text_buffer = (p, before + text)
        if final:
            self.text_buffer = None
            self.text(p, before + text)

    def h_marker_type(self, r: _Reader) -> None:
        self.st.marker_type = r.index()

    def h_marker_size(self, r: _Reader) -> None:
        self.st.marker_size = r.vdc() if self.st.marker_size_mode == 0 else r.real()

    def h_marker_colour(self, r: _Reader) -> None:
        self.st.marker_colour = r.colour()

    def h_hatch_index(self, r: _Reader) -> None:
        self.st.hatch = r.index()

    def h_clip_rect(self, r: _Reader) -> None:
        (x0, y0), (x1, y1) = r.point(), r.point()
        self.st.clip_rect = (x0, y0, x1, y1)

    def h_clip_indicator(self, r: _Reader) -> None:
        self.st.clip_on = r.enum() == 1

    def h_polymarker(self, r: _Reader) -> None:
        """Markers: 1 dot, 2 plus, 3 asterisk, 4 circle, 5 cross; size scaled from a nominal 6 line widths."""
        st = self.st
        size = st.marker_size if st.marker_size_mode == 0 else st.marker_size * self.nominal() * 6
        h = size / 2
        w = self.n(self.nominal())
        d = []
        for p in r.points():
            x, y = self.xy(p)
            self.grow(x - h, y - h, x + h, y + h)
            if st.marker_type == 1:
                self.emit(f'<circle cx="{self.n(x)}" cy="{self.n(y)}" r="{self.n(max(h / 3, self.nominal()))}" fill="{st.marker_colour}"/>')
                continue
            if st.marker_type == 4:
                self.emit(f'<circle cx="{self.n(x)}" cy="{self.n(y)}" r="{self.n(h)}" fill="none" stroke="{st.marker_colour}" stroke-width="{w}"/>')
                continue
            plus = f"M{self.n(x - h)},{self.n(y)}H{self.n(x + h)}M{self.n(x)},{self.n(y - h)}V{self.n(y + h)}"
            cross = (f"M{self.n(x - h)},{self.n(y - h)}L{self.n(x + h)},{self.n(y + h)}"
                     f"M{self.n(x - h)},{self.n(y + h)}L{self.n(x + h)},{self.n(y - h)}")
            d.append({2: plus, 5: cross}.get(st.marker_type, plus + cross))
        if d:
            self.emit(f'<path d="{"".join(d)}" fill="none" stroke="{st.marker_colour}" stroke-width="{w}"/>')

    def h_restricted_text(self, r: _Reader) -> None:
        r.vdc(), r.vdc()
        p = r.point()
        r.enum()
        self.text(p, r.string())

    def text(self, p: tuple[float, float], s: str) -> None:
        if not s.strip():
            return
        st = self.st
        self.strings.append(s)
        x, y = self.xy(p)
        h = abs(st.char_height) or self.nominal() * 20
        size = h / 0.72  # character height is the cap height; Helvetica's caps are 0.72 em
        bx, by = st.base
        angle = math.degrees(math.atan2(by, bx)) if (bx or by) else 0.0
        if self.flip:
            angle = -angle
        shift = _VSHIFT.get(st.align_v, 0.0) * h
        reach = max(size * 0.6 * len(s) * st.char_expansion, size)  # a generous box around the text, any angle
        self.grow(x - reach, y - reach, x + reach, y + reach)
        font = st.fonts[st.font - 1] if 0 < st.font <= len(st.fonts) else "Helvetica"
        family = _family(font)
        transform = f' transform="rotate({self.n(angle)} {self.n(x)} {self.n(y)})"' if abs(angle) > 0.01 else ""
        weight = ' font-weight="bold"' if "bold" in font.lower() else ""
        stretch = ""
        if abs(st.char_expansion - 1) > 0.01:
            stretch = f' textLength="{self.n(size * 0.55 * len(s) * st.char_expansion)}" lengthAdjust="spacingAndGlyphs"'
        self.emit(
            f'<text x="{self.n(x)}" y="{self.n(y + shift)}" font-size="{self.n(size)}" font-family={quoteattr(family)}'
            f'{weight} fill="{st.text_colour}" text-anchor="{_ANCHOR.get(st.align_h, "start")}"{stretch}{transform}>'
            f"{escape(s)}</text>"
        )

    # structure

    def h_begin_figure(self, r: _Reader) -> None:
        self.figure = []

    def h_end_figure(self, r: _Reader) -> None:
        parts, self.figure = self.figure or [], None
        if parts:
            self.emit(f'<path d="{"".join(parts)}Z" {self.area_style()} fill-rule="evenodd"/>', self.area_visible())

    def h_begin_aps(self, r: _Reader) -> None:
        ident = r.string()
        kind = r.string()
        self.aps_depth += 1
        self.emit(f'<g id={quoteattr(_safe_id(ident))} data-aps-type={quoteattr(kind)}>')

    def h_end_aps(self, r: _Reader) -> None:
        if self.aps_depth:
            self.aps_depth -= 1
            self.emit("</g>")

    def h_aps_attribute(self, r: _Reader) -> None:
        name = r.string()
        if name not in ("name", "region", "linkuri", "content"):
            return
        strings = _sdr_strings(r)
        if not strings:
            return
        # attributes follow BEGIN APS (they come before BEGIN APS BODY): put them on the open group
        for i in range(len(self.out) - 1, -1, -1):
            if self.out[i].startswith("<g id="):
                self.out[i] = self.out[i][:-1] + f" data-aps-{name}={quoteattr(' '.join(strings))}>"
                break


def _sdr_strings(r: _Reader) -> list[str]:
    """The strings inside a structured data record (the value of an APS attribute)."""
    body = r.d[r.i :]
    n = body[0] if body else 0
    pos = 1
    if n == 255:
        pos = 3
    out: list[str] = []
    while pos + 4 <= len(body):
        kind = int.from_bytes(body[pos : pos + 2], "big")
        count = int.from_bytes(body[pos + 2 : pos + 4], "big")
        pos += 4
        if kind not in (13, 14):  # string types; other data is not needed here
            break
        for _ in range(count):
            if pos >= len(body):
                break
            ln = body[pos]
            out.append(body[pos + 1 : pos + 1 + ln].decode("cp1252", errors="replace"))
            pos += 1 + ln
    return out


def _png(width: int, height: int, raw: bytes) -> bytes:
    """An 8-bit RGB PNG from filtered scanlines (each row: filter byte 0, then RGB triples)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def _safe_id(ident: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_.:" else "_" for ch in ident) or "aps"


def _family(font: str) -> str:
    f = font.lower()
    if "times" in f or "serif" in f and "sans" not in f:
        return "Times New Roman, Liberation Serif, serif"
    if "courier" in f or "mono" in f:
        return "Courier New, Liberation Mono, monospace"
    return "Helvetica, Arial, Liberation Sans, sans-serif"


def _param(u: tuple[float, float], v: tuple[float, float], dx: float, dy: float) -> float:
    """The parameter t where the ray (dx, dy) from the centre meets c + u cos t + v sin t."""
    det = u[0] * v[1] - u[1] * v[0]
    if abs(det) < 1e-12:
        return math.atan2(dy, dx)
    a = (dx * v[1] - dy * v[0]) / det
    b = (u[0] * dy - u[1] * dx) / det
    return math.atan2(b, a)


def _circumcentre(a, b, c) -> tuple[float, float] | None:
    d = 2 * (a[0] * (b[1] - c[1]) + b[0] * (c[1] - a[1]) + c[0] * (a[1] - b[1]))
    if abs(d) < 1e-12:
        return None
    ux = ((a[0] ** 2 + a[1] ** 2) * (b[1] - c[1]) + (b[0] ** 2 + b[1] ** 2) * (c[1] - a[1]) + (c[0] ** 2 + c[1] ** 2) * (a[1] - b[1])) / d
    uy = ((a[0] ** 2 + a[1] ** 2) * (c[0] - b[0]) + (b[0] ** 2 + b[1] ** 2) * (a[0] - c[0]) + (c[0] ** 2 + c[1] ** 2) * (b[0] - a[0])) / d
    return ux, uy


_P = _Painter
_HANDLERS = {
    (0, 2): _P.h_metafile_end,
    (0, 8): _P.h_begin_figure,
    (0, 9): _P.h_end_figure,
    (0, 21): _P.h_begin_aps,
    (0, 23): _P.h_end_aps,
    (1, 3): _P.h_vdc_type,
    (1, 4): _P.h_int_prec,
    (1, 5): _P.h_real_prec,
    (1, 6): _P.h_index_prec,
    (1, 7): _P.h_colour_prec,
    (1, 8): _P.h_colour_index_prec,
    (1, 10): _P.h_colour_extent,
    (1, 13): _P.h_font_list,
    (2, 2): _P.h_colour_mode,
    (2, 3): _P.h_line_width_mode,
    (2, 4): _P.h_marker_mode,
    (2, 5): _P.h_edge_width_mode,
    (2, 6): _P.h_vdc_extent,
    (2, 7): _P.h_background,
    (3, 1): _P.h_vdc_int_prec,
    (3, 2): _P.h_vdc_real_prec,
    (4, 1): _P.h_polyline,
    (4, 2): _P.h_disjoint_polyline,
    (4, 4): _P.h_text,
    (4, 5): _P.h_restricted_text,
    (4, 7): _P.h_polygon,
    (4, 8): _P.h_polygon_set,
    (4, 11): _P.h_rectangle,
    (4, 12): _P.h_circle,
    (4, 13): _P.h_arc_3point,
    (4, 15): _P.h_arc_centre,
    (4, 16): _P.h_arc_centre_close,
    (4, 17): _P.h_ellipse,
    (4, 18): _P.h_elliptical_arc,
    (4, 19): _P.h_elliptical_arc_close,
    (4, 26): _P.h_polybezier,
    (4, 3): _P.h_polymarker,
    (4, 9): _P.h_cell_array,
    (4, 6): _P.h_append_text,
    (3, 5): _P.h_clip_rect,
    (3, 6): _P.h_clip_indicator,
    (5, 6): _P.h_marker_type,
    (5, 7): _P.h_marker_size,
    (5, 8): _P.h_marker_colour,
    (5, 24): _P.h_hatch_index,
    (5, 2): _P.h_line_type,
    (5, 3): _P.h_line_width,
    (5, 4): _P.h_line_colour,
    (5, 10): _P.h_text_font,
    (5, 12): _P.h_char_expansion,
    (5, 14): _P.h_text_colour,
    (5, 15): _P.h_char_height,
    (5, 16): _P.h_char_orientation,
    (5, 18): _P.h_text_alignment,
    (5, 22): _P.h_interior,
    (5, 23): _P.h_fill_colour,
    (5, 27): _P.h_edge_type,
    (5, 28): _P.h_edge_width,
    (5, 29): _P.h_edge_colour,
    (5, 30): _P.h_edge_visibility,
    (5, 34): _P.h_colour_table,
    (5, 37): _P.h_line_cap,
    (5, 38): _P.h_line_join,
    (5, 44): _P.h_edge_cap,
    (5, 45): _P.h_edge_join,
    (9, 1): _P.h_aps_attribute,
}
# drawing-relevant elements outside classes 4/5 that are not interpreted (reported as skipped)
_DRAWING_IGNORED = {(2, 17), (2, 18), (2, 19)}
# attributes that change nothing in an SVG drawn with Unicode text: character sets, restricted text type
_NO_VISUAL_EFFECT = {(5, 19), (5, 20), (5, 42)}


def _view(p: _Painter) -> tuple[float, float, float, float]:
    """The drawing's own box with a small margin, within the VDC extent: illustrators' pages often leave a wide
    empty border, and cropping it makes the drawing and its callouts larger on a tablet."""
    x0, y0, x1, y1 = p.extent
    left, top, right, bottom = min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
    bx0, by0, bx1, by1 = p.bbox
    if bx1 <= bx0 or by1 <= by0:
        return left, top, right if right > left else left + 1, bottom if bottom > top else top + 1
    margin = 0.02 * max(bx1 - bx0, by1 - by0)
    return max(left, bx0 - margin), max(top, by0 - margin), min(right, bx1 + margin), min(bottom, by1 + margin)


def cgm_to_svg(data: bytes, name: str = "illustration") -> Svg:
    """Convert one binary CGM picture to a standalone SVG document."""
    if len(data) < 4 or (int.from_bytes(data[:2], "big") >> 5) != 1:
        raise InputError("not a binary CGM (it does not start with BEGIN METAFILE)", name)
    p = _Painter()
    p.run(data)
    while p.aps_depth:
        p.out.append("</g>")
        p.aps_depth -= 1
    left, top, right, bottom = _view(p)
    w, h = right - left, bottom - top
    n = _Painter.n
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{n(left)} {n(top)} {n(w)} {n(h)}" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label={quoteattr(name)}>'
        f'<title>{escape(name)}</title>'
        + (f'<defs>{"".join(p.defs.values())}</defs>' if p.defs else "")
        + f'<rect x="{n(left)}" y="{n(top)}" width="{n(w)}" height="{n(h)}" fill="{p.background}"/>'
    )
    return Svg(head + "".join(p.out) + "</svg>", w, h, p.skipped, p.strings)
