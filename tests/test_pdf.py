"""`ietm pdf`: the publication on paper, checked as a reader checks a PDF (text, outline, fonts, page images)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from clirun import ietm
from pdf_support import dark_share, fonts, outline, page_images, page_texts, word_coverage

SAMPLE_PM = "PMC-DGEN-DZM01-00001-00"
BIKE_PM = "PMC-S1000DBIKE-B6865-EPWG1-00"


def _book(csdb: Path, pm: str, language: str, product: str | None = None):
    from ietm.paper import book as books
    from ietm.web.site import Site

    site = Site(csdb)
    applicability = site.applicability if product else None
    chosen = applicability.product(product) if product else None
    book = books.plan(site, site.publication(pm, language), language, chosen)
    books.load_parts(book, applicability)
    return book


def _print(csdb: Path, pm: str, out: Path, *args: str) -> Path:
    r = ietm("pdf", csdb, "--pm", pm, "-o", out, *args, timeout=900)
    assert r.code == 0, r.err
    assert out.is_file()
    return out


@pytest.fixture(scope="module")
def sample_ru(content: Path, tmp_path_factory) -> Path:
    return _print(content, SAMPLE_PM, tmp_path_factory.mktemp("pdf") / "ru.pdf", "--lang", "ru")


@pytest.fixture(scope="module")
def sample_en(content: Path, tmp_path_factory) -> Path:
    return _print(content, SAMPLE_PM, tmp_path_factory.mktemp("pdf") / "en.pdf", "--lang", "en")


@pytest.fixture(scope="module")
def bike_pdf(bike: Path, tmp_path_factory) -> Path:
    return _print(bike, BIKE_PM, tmp_path_factory.mktemp("pdf") / "bike.pdf")


@pytest.fixture(scope="module")
def eskd_pdf(content: Path, tmp_path_factory) -> Path:
    return _print(content, SAMPLE_PM, tmp_path_factory.mktemp("pdf") / "eskd.pdf", "--lang", "ru", "--style", "eskd")


def check_publication(csdb: Path, pm: str, language: str, pdf: Path, style: str = "s1000d") -> None:
    """What the issue's "done" asks of every printed publication."""
    book = _book(csdb, pm, language)
    # >= 99 % of the words of the modules' content are in the PDF's text
    coverage, missing = word_coverage(pdf, [p.doc.root.find("content") for p in book.parts])
    assert coverage >= 0.99, (coverage, missing)
    # the outline has one entry per PM entry and per module, counted in the PM itself
    pm_root = etree.parse(book.pub.obj.path).getroot()
    expected = len(pm_root.findall(".//pmEntry")) + len(pm_root.findall(".//pmEntry/dmRef"))
    # besides: the table of contents, the list of modules, a title page unless the PM has one (s1000d), and in
    # the ЕСКД form the revision record sheet
    front = 2 + (0 if book.title_part and style == "s1000d" else 1) + (1 if style == "eskd" else 0)
    marks = outline(pdf)
    assert len(marks) == expected + front
    # every module starts a page: its heading is the first thing on a page of its own
    by_title: dict[str, list] = {}
    for m in marks:
        by_title.setdefault(m.title, []).append(m)
    pages = []
    for part in book.parts:
        mark = by_title[part.title].pop() if len(by_title[part.title]) == 1 else \
            next(m for m in by_title[part.title] if m.page not in pages and m.depth == part.level)
        assert mark.top < 30, (part.key, mark)  # within the top margin's reach: nothing above it on its page
        pages.append(mark.page)
    assert len(set(pages)) == len(pages), "two modules share a page"
    assert pages == sorted(pages)
    # every font is embedded
    found = fonts(pdf)
    assert found and all(embedded for _, embedded in found), found


def test_sample_manual_in_russian(content: Path, sample_ru: Path):
    check_publication(content, SAMPLE_PM, "ru", sample_ru)
    texts = page_texts(sample_ru)
    assert "Содержание" in texts[1] or "Содержание" in texts[2]
    # running footer: page X of Y of the document, and of the module
    n = len(texts)
    assert f"Стр. 3 из {n}" in texts[2]
    # each module's pages are numbered 1 to its own count: module starts are pages where the count restarts
    starts = sorted({m.page for m in outline(sample_ru) if m.depth == 2 and m.page > 3})
    for first, following in zip(starts, starts[1:]):
        count = following - first
        for k in range(count):
            assert f"Стр. модуля {k + 1} из {count}" in texts[first - 1 + k], (first, k)


def test_sample_manual_in_english(content: Path, sample_en: Path):
    check_publication(content, SAMPLE_PM, "en", sample_en)
    texts = page_texts(sample_en)
    assert any("Module page 1 of" in t for t in texts)
    assert "Table of contents" in "".join(texts[:3])


def test_bike_publication(bike: Path, bike_pdf: Path):
    check_publication(bike, BIKE_PM, "en", bike_pdf)


def test_table_of_contents_gives_the_page_of_each_module(sample_ru: Path, content: Path):
    book = _book(content, SAMPLE_PM, "ru")
    marks = {m.title: m.page for m in outline(sample_ru)}
    toc = " ".join(" ".join(page_texts(sample_ru)[1:3]).split())
    for part in book.parts[1:]:
        number = re.search(re.escape(part.title) + r"(?: ?\.)+ ?(\d+)", toc)
        assert number and int(number.group(1)) == marks[part.title], (part.title, marks[part.title])


def test_internal_links_lead_to_the_modules(sample_ru: Path, content: Path):
    from pypdf import PdfReader

    reader = PdfReader(str(sample_ru))
    links = [a.get_object() for page in reader.pages[:4] for a in page.get("/Annots", [])]
    internal = [a for a in links if a.get("/Subtype") == "/Link" and "/Dest" in a or "/A" in a and a["/A"].get("/S") == "/GoTo"]
    assert len(internal) >= len(_book(content, SAMPLE_PM, "ru").parts)


def test_change_marks_have_a_bar_in_the_margin(content: Path, tmp_path: Path):
    """The oil change module (issue 002) marks a changed supply (a table row) and changed steps (blocks)."""
    from pypdf import PdfReader

    pdf = _print(content, "PMC-DGEN-DZM01-00002-00", tmp_path / "mm.pdf", "--lang", "en")
    reader = PdfReader(str(pdf))
    dests = reader.named_destinations
    row = dests[next(name for name in dests if name.endswith("-sup-gs-4001"))]
    page = reader.get_destination_page_number(row)
    top_mm = (842 - float(row.top)) / (72 / 25.4)
    images = page_images(pdf, tmp_path / "img", dpi=100)
    image = Image.open(images[page]).convert("L")
    # the row: the table's left edge thickened beside it, and only there
    edge = float(row.left) / (72 / 25.4) - 0.45  # outside the ordinary 0.5 pt rule, inside the 3 pt bar
    assert dark_share(image, top_mm + 0.5, top_mm + 3, edge, 100, vertical=True, tolerance_px=0) > 0.9
    assert dark_share(image, top_mm - 40, top_mm - 10, edge, 100, vertical=True, tolerance_px=0) < 0.2
    # a changed step ("Remove the gasket ..."): a bar 4 mm left of its text, the height of its line
    for number in range(page + 1, page + 5):
        bbox = subprocess.run(["pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(\w+)<', bbox)
        hit = [w for i, w in enumerate(words[1:], 1) if w[3] == "gasket" and words[i - 1][3] == "the"]
        if hit:
            break
    else:
        raise AssertionError("the changed step is not in the module")
    line_start = float(words[words.index(hit[0]) - 2][0]) / (72 / 25.4)  # "Remove"
    y1, y2 = float(hit[0][1]) / (72 / 25.4), float(hit[0][2]) / (72 / 25.4)
    image = Image.open(images[number - 1]).convert("L")
    beside = max(dark_share(image, y1, y2, x / 4, 100, vertical=True, tolerance_px=0)
                 for x in range(round((line_start - 5) * 4), round((line_start - 1) * 4)))
    assert beside > 0.9, line_start
    assert dark_share(image, y1 - 30, y1 - 20, line_start - 3.5, 100, vertical=True) < 0.5


def test_eskd_form_on_every_sheet(eskd_pdf: Path, tmp_path: Path, content: Path):
    check_publication(content, SAMPLE_PM, "ru", eskd_pdf, "eskd")
    images = [Image.open(p).convert("L") for p in page_images(eskd_pdf, tmp_path / "img", dpi=50)]
    dpi = 50
    assert len(images) > 10
    # the title sheet (GOST 2.105): no title block, the binding columns 19-23 (8-20 mm from the left, from the bottom)
    title = images[0]
    assert dark_share(title, 22, 203, 292, dpi) < 0.2
    assert dark_share(title, 150, 290, 20, dpi, vertical=True) > 0.9
    for number, image in enumerate(images[1:], start=2):
        # the frame: 20 mm from the left edge, 5 mm from the others
        assert dark_share(image, 10, 287, 205, dpi, vertical=True) > 0.95, number
        assert dark_share(image, 10, 287, 20, dpi, vertical=True) > 0.95, number
        assert dark_share(image, 22, 203, 5, dpi) > 0.95, number
        assert dark_share(image, 22, 203, 292, dpi) > 0.95, number
        # the title block: form 2 (40 mm high) on the first sheet, form 2a (15 mm) on the others
        block_top = 252 if number == 2 else 277
        assert dark_share(image, 22, 203, block_top, dpi) > 0.95, number
        assert dark_share(image, block_top + 1, 291, 85, dpi, vertical=True) > 0.9, number
    texts = page_texts(eskd_pdf)
    assert "Разраб." in texts[1] and "Листов" in texts[1] and "ООО «Дизельмаш»" in texts[1]
    assert str(len(texts)) in texts[1]  # the sheet count in "Листов"
    assert "DGEN-DZM01-00001-00 РЭ" in texts[5]  # the designation on a following sheet
    assert "Лист регистрации изменений" in texts[-1]


def test_product_instance_prints_only_what_applies(content: Path, sample_ru: Path, tmp_path: Path):
    pdf = _print(content, SAMPLE_PM, tmp_path / "p1.pdf", "--lang", "ru", "--product", "P-001")
    text = "\n".join(page_texts(pdf))
    assert "P-001" in page_texts(pdf)[0]  # the title page says which product
    full = "\n".join(page_texts(sample_ru))
    # P-001 is a DG-5M (manual start): the DG-5E start steps are only in the manual for every product
    assert "Пуск двигателя ДГУ-5Э" in full and "Пуск двигателя ДГУ-5Э" not in text
    book = _book(content, SAMPLE_PM, "ru", "P-001")
    coverage, missing = word_coverage(pdf, [p.doc.root.find("content") for p in book.parts])
    assert coverage >= 0.99, missing
    assert len(text) < len(full)


@pytest.fixture
def small_csdb(content: Path, tmp_path: Path) -> Path:
    """A copy of the sample manual with a three-module publication (and its other publications removed)."""
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm", "PMC-*"))
    tree = etree.parse(str(content / f"{SAMPLE_PM}_001-00_en-US.XML"))
    body = tree.getroot().find("content")
    for entry in body.findall("pmEntry")[3:]:
        body.remove(entry)
    tree.write(str(csdb / f"{SAMPLE_PM}_001-00_en-US.XML"), xml_declaration=True, encoding="UTF-8")
    return csdb


def test_failing_module_is_a_placeholder_unless_strict(small_csdb: Path, tmp_path: Path):
    victim = small_csdb / "DMC-DGEN-A-D00-00-00-00A-040A-A_001-00_en-US.XML"
    victim.write_text(victim.read_text(encoding="utf-8")[:-200], encoding="utf-8")  # truncated: malformed XML
    out = tmp_path / "out.pdf"
    r = ietm("pdf", small_csdb, "--pm", SAMPLE_PM, "--lang", "en", "-o", out)
    assert r.code == 0, r.err
    assert "WARNING:" in r.err and "placeholder" in r.err
    text = "\n".join(page_texts(out))
    assert "could not be printed" in text
    strict = tmp_path / "strict.pdf"
    r = ietm("pdf", small_csdb, "--pm", SAMPLE_PM, "--lang", "en", "-o", strict, "--strict")
    assert r.code != 0 and "--strict" in r.err and "Traceback" not in r.err
    assert not strict.exists() and not list(tmp_path.glob(".strict*"))


def test_every_publication_into_a_folder(small_csdb: Path, tmp_path: Path):
    out = tmp_path / "pdfs"
    r = ietm("pdf", small_csdb, "-o", out, "--format", "json")
    assert r.code == 0, r.err
    made = sorted(p.name for p in out.glob("*.pdf"))
    assert made == [f"{SAMPLE_PM}_001-00_en-US.pdf"]


def test_unknown_publication_and_bad_output(content: Path, tmp_path: Path):
    r = ietm("pdf", content, "--pm", "PMC-NOPE-00000-00000-00", "-o", tmp_path / "x.pdf")
    assert r.code == 5 and "not in this CSDB" in r.err
    r = ietm("pdf", content, "--pm", SAMPLE_PM, "-o", tmp_path)
    assert r.code == 2


def test_engine_reads_no_file_outside_and_nothing_remote(content: Path):
    from ietm.paper.engine import _fetcher_class

    fetcher = _fetcher_class()([content])
    with pytest.raises(ValueError):
        fetcher.fetch("http://127.0.0.1:9/x.svg")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch((content / "ICN-DGENA-00001-001-01.SVG").as_uri()).url.endswith(".SVG")


@pytest.mark.skipif(not os.environ.get("IETM_S1000D_SPEC"), reason="set IETM_S1000D_SPEC to a copy of the S1000D "
                    "4.2 specification CSDB (see bench/README.md)")
def test_s1000d_specification_publication(tmp_path: Path):
    csdb = Path(os.environ["IETM_S1000D_SPEC"])
    pm = next(csdb.glob("PMC-*.XML")).name.split("_")[0]
    pdf = _print(csdb, pm, tmp_path / "spec.pdf")
    check_publication(csdb, pm, "en", pdf)


def test_eskd_names_the_signatories_and_prints_the_certifying_sheet(small_csdb: Path, tmp_path: Path):
    """A signed release: its approver fills "Утв." of the title block, and its УЛ is a sheet of its own."""
    from sign_support import build_pki

    demo = build_pki(tmp_path / "pki")
    (small_csdb / "ietm.toml").write_text(f'[sign]\ntrust = ["{demo.ca}"]\n', encoding="utf-8")
    r = ietm("release", small_csdb, *demo.signer("qa"), "--trust", demo.ca,
             "--skip", "schema", "--skip", "brex", "--skip", "refs", "--skip", "applic")
    assert r.code == 0, r.err
    pdf = _print(small_csdb, SAMPLE_PM, tmp_path / "eskd.pdf", "--lang", "ru", "--style", "eskd")
    texts = page_texts(pdf)
    assert "ietm demo QA inspector" in texts[1]  # first sheet, row "Утв."
    ul = next(t for t in texts if "Информационно-удостоверяющий лист" in t)
    manifest = (small_csdb / "release.manifest").read_text(encoding="utf-8")
    digest = re.search(r'path="(PMC-[^"]+)"[^>]*sha256="([0-9a-f]{64})"', manifest) or \
        re.search(r'sha256="([0-9a-f]{64})"[^>]*path="(PMC-[^"]+)"', manifest)
    assert digest is not None
    assert "ietm demo QA inspector" in ul and "подпись верна" in ul
    assert any(len(g) == 64 and g[:16] in " ".join(ul.split()) for g in digest.groups())
