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
