"""Illustrations over HTTP: the right types, CGM converted with its callouts as text, hostile paths refused."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from lxml import etree

from ietm.parse import read_object
from webserver import client, serving

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def site(bike: Path):
    with serving(bike) as base, client(base) as http:
        yield http


def svg_texts(data: bytes) -> list[str]:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == f"{SVG}svg"
    return [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    "suffix, media", [(".JPG", "image/jpeg"), (".PNG", "image/png"), (".CGM", "image/svg+xml")]
)
def test_illustrations_have_browser_types(site: httpx.Client, bike: Path, suffix: str, media: str) -> None:
    files = sorted(bike.glob(f"ICN-*{suffix}"))
    assert files
    for f in files[:3]:
        r = site.get(f"/icn/{f.name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(media), f.name
        if suffix != ".CGM":
            assert r.content == f.read_bytes()


def test_cgm_hotspot_callouts_are_text_and_objects(site: httpx.Client, bike: Path) -> None:
    """The callouts the module names for its hotspots are in the converted picture, whole and as text, and the
    picture's application structures (WebCGM objects) are SVG groups with the ids the hotspots point at."""
    dm = bike / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-041A-A_010-00_en-US.XML"
    root = etree.parse(str(dm)).getroot()
    graphic = next(g for g in root.iter("graphic") if g.find("hotspot") is not None)
    hotspots = graphic.findall("hotspot")
    cgm = f"{graphic.get('infoEntityIdent')}.CGM"
    r = site.get(f"/icn/{cgm}")
    assert r.status_code == 200
    texts = set(svg_texts(r.content))
    ids = set(re.findall(rb'<g id="([^"]+)"', r.content))
    for h in hotspots:
        assert h.get("applicationStructureName") in texts, h.get("applicationStructureName")
        assert h.get("applicationStructureIdent").encode() in ids
    assert any(len(t) > 1 for t in texts)  # multi-digit callouts are not cut to their first digit


def test_ipd_figure_callouts_match_the_parts_list(site: httpx.Client, bike: Path) -> None:
    """Every number written on an IPD figure is an item of its parts list (read whole: '12' is not '1')."""
    highest = 0
    for ipd_file in sorted(bike.glob("DMC-*-941A-D_*.XML")):
        root = etree.parse(str(ipd_file)).getroot()
        items = {int(c.get("item")) for c in root.iter("catalogSeqNumber")}
        obj = read_object(ipd_file)
        icns = [r.target for r in obj.refs if r.kind == "icn"]
        assert icns
        r = site.get(f"/icn/{icns[0]}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
        callouts = {int(t) for t in svg_texts(r.content) if t and t.strip().isdigit()}
        assert callouts, ipd_file.name
        assert callouts <= items, f"{ipd_file.name}: callouts not in the parts list: {callouts - items}"
        assert len(callouts) >= len(items) * 0.75, f"{ipd_file.name}: callouts lost: {sorted(items - callouts)}"
        highest = max(highest, max(callouts))
    assert highest >= 10  # multi-digit callouts arrive whole


def test_converted_cgm_is_cached(bike: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IETM_STATE_DIR", str(tmp_path / "state"))
    with serving(bike) as base, client(base) as http:
        assert http.get("/icn/ICN-C0419-S1000D0392-001-01.CGM").status_code == 200
        cached = list((tmp_path / "state").rglob("cache/ICN-C0419-S1000D0392-001-01-*.svg"))
        assert len(cached) == 1
        stamp = cached[0].stat().st_mtime_ns
        assert http.get("/icn/ICN-C0419-S1000D0392-001-01.CGM").status_code == 200
        assert cached[0].stat().st_mtime_ns == stamp


def test_swf_is_a_placeholder_saying_so(site: httpx.Client, bike: Path) -> None:
    swf = sorted(bike.glob("ICN-*.SWF"))[0]
    r = site.get(f"/icn/{swf.name}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert "cannot be shown" in r.text and swf.name in r.text
    raw = site.get(f"/icn/{swf.name}?download=1")
    assert raw.content == swf.read_bytes()


def raw_get(base: str, target: str) -> tuple[int, bytes]:
    """Send the request line exactly as given (clients normalise '..' away; an attacker's does not)."""
    u = urlparse(base)
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


@pytest.mark.parametrize("target", [
    "/icn/../../etc/passwd",
    "/icn/..%2F..%2F..%2Fetc%2Fpasswd",
    "/icn/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/icn/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "/icn/..%5c..%5c..%5cetc%5cpasswd",
    "/icn/%2Fetc%2Fpasswd",
    "/icn/....//....//etc/passwd",
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/dm/..%2F..%2F..%2Fetc%2Fpasswd",
    "/icn/ICN-C0419-S1000D0361-001-01.CGM%00.png",
])
def test_hostile_paths_stay_inside_the_csdb(site: httpx.Client, target: str) -> None:
    status, data = raw_get(str(site.base_url), target)
    assert status in (400, 404), (target, status)
    assert b"root:" not in data



def test_pages_and_drawings_are_compressed_for_slow_links(site: httpx.Client) -> None:
    for url in ("/icn/ICN-C0419-S1000D0361-001-01.CGM", "/dm/S1000DBIKE-AAA-D00-00-00-01AA-941A-D"):
        r = site.get(url, headers={"accept-encoding": "gzip"})
        assert r.status_code == 200 and r.headers.get("content-encoding") == "gzip", url
        assert int(r.headers.get("content-length", 0) or 0) * 3 < len(r.content), url  # sent at least 3x smaller
