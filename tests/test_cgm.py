"""The CGM interpreter on every binary CGM of the Bike set, and on input that is not CGM."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from ietm.errors import InputError
from ietm.render.cgm import cgm_to_svg, commands

SVG = "{http://www.w3.org/2000/svg}"


def test_every_bike_cgm_converts_to_well_formed_svg(bike: Path) -> None:
    files = sorted(bike.glob("*.CGM"))
    assert len(files) > 30
    for f in files:
        svg = cgm_to_svg(f.read_bytes(), f.name)
        root = etree.fromstring(svg.text.encode())
        assert root.tag == f"{SVG}svg", f.name
        drawn = sum(1 for el in root.iter() if el.tag in (f"{SVG}path", f"{SVG}polyline", f"{SVG}text"))
        assert drawn > 10, f.name
        # only custom dash patterns are approximated; no geometry or text element is left out
        assert set(svg.skipped) <= {(2, 17)}, (f.name, svg.skipped)
        x, y, w, h = map(float, root.get("viewBox").split())
        assert w > 0 and h > 0


def test_text_is_kept_as_text_with_its_strings(bike: Path) -> None:
    f = bike / "ICN-C0419-S1000D0393-001-01.CGM"
    svg = cgm_to_svg(f.read_bytes(), f.name)
    root = etree.fromstring(svg.text.encode())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == svg.strings
    assert any(" " in t for t in texts)  # labels of several words stay one text, as written


def test_commands_walk_the_whole_metafile(bike: Path) -> None:
    data = (bike / "ICN-07GB6-BIKECI0001-001-01.CGM").read_bytes()
    seen = [(c, e) for c, e, _ in commands(data)]
    assert seen[0] == (0, 1) and seen[-1] == (0, 2)  # BEGIN METAFILE ... END METAFILE
    assert (0, 3) in seen and (2, 6) in seen  # a picture with its VDC extent


@pytest.mark.parametrize("data", [b"", b"BEGMF 'clear text';", b"<svg/>", b"\x00\x62\x00\x00"])
def test_not_a_binary_cgm_is_an_input_error(data: bytes) -> None:
    with pytest.raises(InputError):
        cgm_to_svg(data, "x.cgm")


def test_truncated_cgm_does_not_crash(bike: Path) -> None:
    data = (bike / "ICN-C0419-S1000D0392-001-01.CGM").read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 7):
        try:
            svg = cgm_to_svg(data[:cut], "cut.cgm")
        except InputError:
            continue
        etree.fromstring(svg.text.encode())


def _cmd(cls: int, el: int, params: bytes = b"") -> bytes:
    """One binary CGM command (short form), padded to an even length, as ISO 8632-3 writes it."""
    assert len(params) < 31
    head = ((cls << 12) | (el << 5) | len(params)).to_bytes(2, "big")
    return head + params + (b"\x00" if len(params) % 2 else b"")


def _i(*values: int) -> bytes:
    return b"".join(v.to_bytes(2, "big", signed=True) for v in values)


def _s(text: str) -> bytes:
    return bytes([len(text)]) + text.encode("latin-1")


def test_markers_hatching_clipping_and_appended_text() -> None:
    """Elements other CSDBs use (not the Bike set): a metafile written here with the standard's defaults
    (16-bit integer VDC, indexed colour)."""
    data = b"".join([
        _cmd(0, 1, _s("synthetic")),
        _cmd(0, 3, _s("p1")),
        _cmd(2, 6, _i(0, 0, 1000, 1000)),  # VDC EXTENT
        _cmd(0, 4),
        _cmd(5, 6, _i(4)), _cmd(4, 3, _i(100, 100, 900, 900)),  # circle markers at two corners
        _cmd(5, 22, _i(3)), _cmd(5, 24, _i(5)), _cmd(4, 7, _i(200, 200, 800, 200, 800, 800)),  # hatched triangle
        _cmd(3, 5, _i(0, 0, 500, 500)), _cmd(3, 6, _i(1)), _cmd(4, 1, _i(0, 0, 1000, 1000)),  # clipped line
        _cmd(3, 6, _i(0)),
        _cmd(5, 15, _i(40)), _cmd(4, 4, _i(500, 500, 0) + _s("1")), _cmd(4, 6, _i(1) + _s("23")),  # "1" + "23"
        _cmd(0, 5), _cmd(0, 2),
    ])
    svg = cgm_to_svg(data, "synthetic.cgm")
    root = etree.fromstring(svg.text.encode())
    assert not svg.skipped
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 2 and {c.get("fill") for c in circles} == {"none"}
    hatched = [p for p in root.iter(f"{SVG}path") if (p.get("fill") or "").startswith("url(#hatch5")]
    assert len(hatched) == 1
    assert root.find(f".//{SVG}pattern[@id='{hatched[0].get('fill')[5:-1]}']") is not None
    clipped = root.find(f".//{SVG}polyline")
    clip_id = clipped.get("clip-path")[5:-1]
    rect = root.find(f".//{SVG}clipPath[@id='{clip_id}']/{SVG}rect")
    assert (float(rect.get("width")), float(rect.get("height"))) == (500, 500)
    assert float(rect.get("y")) == 500  # y flipped: the lower half of the VDC is the upper half on screen
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["123"] and texts[0] == svg.strings[0]


def test_cell_array_becomes_a_png_on_its_place() -> None:
    """A 3x2 raster in direct colour (8 bits per component, packed rows padded to 16 bits)."""
    pixels = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (0, 0, 0), (255, 255, 255), (128, 128, 128)]
    rows = b""
    for y in range(2):
        row = bytes(v for rgb in pixels[3 * y : 3 * y + 3] for v in rgb)
        rows += row + b"\x00" * (len(row) % 2)
    params = _i(100, 100, 400, 300, 400, 100) + _i(3, 2, 8, 1) + rows  # P, Q, R, nx, ny, precision, packed
    assert len(params) >= 31
    head = ((4 << 12) | (9 << 5) | 31).to_bytes(2, "big") + len(params).to_bytes(2, "big")  # long form
    data = b"".join([
        _cmd(0, 1, _s("raster")), _cmd(0, 3, _s("p1")), _cmd(2, 2, _i(1)),  # direct colour
        _cmd(2, 6, _i(0, 0, 500, 400)), _cmd(0, 4),
        head + params + (b"\x00" if len(params) % 2 else b""),
        _cmd(0, 5), _cmd(0, 2),
    ])
    svg = cgm_to_svg(data, "raster.cgm")
    assert not svg.skipped
    image = etree.fromstring(svg.text.encode()).find(f".//{SVG}image")
    assert (image.get("width"), image.get("height")) == ("3", "2")
    import base64
    import zlib

    png = base64.b64decode(image.get("href").split(",", 1)[1])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    raw = zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])
    assert raw == b"".join(b"\x00" + bytes(v for rgb in pixels[3 * y : 3 * y + 3] for v in rgb) for y in range(2))
    a, b, c, d, e, f = map(float, image.get("transform")[7:-1].split())
    assert (a, b, c, d) == (100, 0, 0, -100) and (e, f) == (100, 300)  # 300 wide, 200 high, y flipped
