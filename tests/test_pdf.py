"""`ietm pdf`: the publication on paper, checked as a reader checks a PDF (text, outline, links, fonts, page
images).

Each PDF is made once per module (fixtures) and read by several tests. The sample manual's publication (16
modules) is laid out in two processes on a two-core machine, so its page numbers, table of contents, links and
outline are checked across the joined parts; other inputs are publications cut down to the modules a test needs.
The whole Bike publication (73 modules, about a minute of CPU) is checked with IETM_PDF_LONG=1 (bench/README.md).
"""

from __future__ import annotations

import json
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
#: Bike modules for the everyday test: the title page, descriptions, procedures, a parts list; 20 CGM pictures
BIKE_MODULES = {"D00-00-00-00AA-001A", "D00-00-00-00AA-00XA", "D00-00-00-00AA-041A", "D00-00-00-00AA-663A",
                "DA0-10-20-00AA-520A", "DA4-10-00-00AA-241A", "D00-00-00-01AA-941A"}
LONG = pytest.mark.skipif(not os.environ.get("IETM_PDF_LONG"), reason="set IETM_PDF_LONG=1 for whole publications "
                          "that take minutes (see bench/README.md)")


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


def _module_code(code: etree._Element) -> str:
    """dmCode -> "D10-10-00-00A-212A" (system to information code, as the modules are picked here)."""
    a = code.get
    return (f"{a('systemCode')}-{a('subSystemCode')}{a('subSubSystemCode')}-{a('assyCode')}-"
            f"{a('disassyCode')}{a('disassyCodeVariant')}-{a('infoCode')}{a('infoCodeVariant')}")


def cut_down(source: Path, dest: Path, pm_file: str, modules: set[str]) -> Path:
    """A writable copy of `source` whose one publication is `pm_file` with only the entries of `modules`."""
    shutil.copytree(source, dest, ignore=lambda _, names: {n for n in names if n.startswith((".", "PMC-"))})
    for p in [dest, *dest.rglob("*")]:  # the shared data carries no write bits
        p.chmod(p.stat().st_mode | 0o200)
    tree = etree.parse(str(source / pm_file))
    body = tree.getroot().find("content")
    for ref in list(body.iter("dmRef", "pmRef", "externalPubRef")):
        code = ref.find(".//dmCode")
        if code is None or _module_code(code) not in modules:
            ref.getparent().remove(ref)
    for entry in reversed(list(body.iter("pmEntry"))):  # innermost first
        if entry.find(".//dmRef") is None:
            entry.getparent().remove(entry)
    tree.write(str(dest / pm_file), xml_declaration=True, encoding="UTF-8")
    return dest


@pytest.fixture(scope="module")
def sample_ru(content: Path, tmp_path_factory) -> Path:
    return _print(content, SAMPLE_PM, tmp_path_factory.mktemp("pdf") / "ru.pdf", "--lang", "ru")


@pytest.fixture(scope="module")
def sample_en(content: Path, tmp_path_factory) -> Path:
    return _print(content, SAMPLE_PM, tmp_path_factory.mktemp("pdf") / "en.pdf", "--lang", "en")


@pytest.fixture(scope="module")
def bike_part(bike: Path, tmp_path_factory) -> Path:
    """The Bike publication cut down to BIKE_MODULES."""
    return cut_down(bike, tmp_path_factory.mktemp("bike") / "csdb", f"{BIKE_PM}_001-00_en-US.XML", BIKE_MODULES)


@pytest.fixture(scope="module")
def bike_pdf(bike_part: Path, tmp_path_factory) -> Path:
    return _print(bike_part, BIKE_PM, tmp_path_factory.mktemp("pdf") / "bike.pdf", "--lang", "en")


@pytest.fixture(scope="module")
def oil_change(content: Path, tmp_path_factory) -> tuple[Path, Path]:
    """The publication of the oil change module (issue 002, with change marks), printed as `ietm pdf` without
    --pm prints every publication of a CSDB: the CSDB and the folder of PDFs."""
    tmp = tmp_path_factory.mktemp("oil")
    csdb = cut_down(content, tmp / "csdb", "PMC-DGEN-DZM01-00002-00_001-00_en-US.XML", {"D10-10-00-00A-212A"})
    out = tmp / "pdfs"
    r = ietm("pdf", csdb, "-o", out, "--format", "json", timeout=900)
    assert r.code == 0, r.err
    return csdb, out


def check_publication(csdb: Path, pm: str, language: str, pdf: Path, style: str = "s1000d",
                      certified: bool = False) -> None:
    """What the issue's "done" asks of every printed publication."""
    book = _book(csdb, pm, language)
    # >= 99 % of the words of the modules' content are in the PDF's text
    coverage, missing = word_coverage(pdf, [p.doc.root.find("content") for p in book.parts])
    assert coverage >= 0.99, (coverage, missing)
    # the outline has one entry per PM entry and per module, counted in the PM itself
    pm_root = etree.parse(book.pub.obj.path).getroot()
    expected = len(pm_root.findall(".//pmEntry")) + len(pm_root.findall(".//pmEntry/dmRef"))
    # besides: the table of contents, the list of modules, a title page unless the PM has one (s1000d), in the
    # ЕСКД form the revision record sheet, and the information-certifying sheet of a signed release
    front = 2 + (0 if book.title_part and style == "s1000d" else 1) + (1 if style == "eskd" else 0) + certified
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
    assert f"Стр. {n} из {n}" in texts[-1]
    # each module's pages are numbered 1 to its own count: module starts are pages where the count restarts
    starts = sorted({m.page for m in outline(sample_ru) if m.depth == 2 and m.page > 3})
    for first, following in zip(starts, starts[1:]):
        count = following - first
        for k in range(count):
            assert f"Стр. модуля {k + 1} из {count}" in texts[first - 1 + k], (first, k)
            assert f"Стр. {first + k} из {n}" in texts[first - 1 + k], (first, k)


def test_sample_manual_in_english(content: Path, sample_en: Path):
    check_publication(content, SAMPLE_PM, "en", sample_en)
    texts = page_texts(sample_en)
    assert any("Module page 1 of" in t for t in texts)
    assert "Table of contents" in "".join(texts[:3])


def test_bike_publication(bike_part: Path, bike_pdf: Path):
    check_publication(bike_part, BIKE_PM, "en", bike_pdf)


def test_illustrations_are_vectors_with_hotspot_numbers_and_table_heads_repeat(bike_pdf: Path):
    """The Bike's controls and indicators: a CGM picture drawn as vectors (no image on its page) whose callouts
    stay text, and a table running onto the next page with its header row there again."""
    first = next(m.page for m in outline(bike_pdf) if m.title == "Bicycle - Controls and Indicators")
    listed = subprocess.run(["pdfimages", "-list", "-f", str(first), "-l", str(first), str(bike_pdf)],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(listed) == 2, listed  # the heading lines only
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", str(first), "-l", str(first), str(bike_pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = re.findall(r'yMin="([\d.]+)"[^>]*>([^<]+)<', bbox)
    caption = next(float(y) for (y, w), (_, following) in zip(words, words[1:]) if w == "Fig" and following == "1")
    callouts = {w for y, w in words if float(y) < caption and w in {"1", "2", "3", "4"}}
    assert callouts == {"1", "2", "3", "4"}, words
    head = ["Identifier", "Name", "Details", "Used in"]
    texts = page_texts(bike_pdf)
    assert all(h in texts[first - 1] for h in head) and "ci-0001" in texts[first - 1]
    assert "ci-0001" not in texts[first] and "ci-0002" in texts[first]
    assert all(h in texts[first] for h in head)


@LONG
def test_whole_bike_publication(bike: Path, tmp_path: Path):
    check_publication(bike, BIKE_PM, "en", _print(bike, BIKE_PM, tmp_path / "bike.pdf", "--lang", "en"))


def test_table_of_contents_gives_the_page_of_each_module(sample_ru: Path, content: Path):
    book = _book(content, SAMPLE_PM, "ru")
    marks = {m.title: m.page for m in outline(sample_ru)}
    toc = " ".join(" ".join(page_texts(sample_ru)[1:3]).split())
    for part in book.parts[1:]:
        number = re.search(re.escape(part.title) + r"(?: ?\.)+ ?(\d+)", toc)
        assert number and int(number.group(1)) == marks[part.title], (part.title, marks[part.title])


def test_internal_links_lead_to_the_modules(sample_ru: Path, content: Path):
    """The table of contents and the list of modules link to every module, and every link of the book (those
    between its parts laid out apart included) leads to the page its target is on."""
    from pypdf import PdfReader

    reader = PdfReader(str(sample_ru))
    dests = reader.named_destinations
    book = _book(content, SAMPLE_PM, "ru")
    marks = {m.title: m.page for m in outline(sample_ru)}
    into_modules = set()
    links = 0
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            assert "ietm-anchor:" not in str(annot.get("/A", {}).get("/URI", "")), number
            if "/Dest" not in annot:
                continue
            links += 1
            name = str(annot["/Dest"])
            assert name in dests, (number, name)
            if number <= 4:
                into_modules.add(reader.get_destination_page_number(dests[name]) + 1)
    assert links >= 2 * len(book.parts)  # the table of contents and the list of modules
    assert {marks[p.title] for p in book.parts[1:]} <= into_modules


def test_change_marks_have_a_bar_in_the_margin(oil_change: tuple[Path, Path], tmp_path: Path):
    """The oil change module (issue 002) marks a changed supply (a table row) and changed steps (blocks)."""
    from pypdf import PdfReader

    pdf = next(oil_change[1].glob("*.pdf"))
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


def test_every_publication_into_a_folder(oil_change: tuple[Path, Path]):
    csdb, out = oil_change
    made = sorted(p.name for p in out.glob("*.pdf"))
    assert made == ["PMC-DGEN-DZM01-00002-00_001-00_en-US.pdf"]
    check_publication(csdb, "PMC-DGEN-DZM01-00002-00", "en", out / made[0])


@pytest.fixture(scope="module")
def certified(content: Path, brex42: Path, tmp_path_factory) -> tuple[Path, Path]:
    """The sample manual with a register of signing-key holders: the Russian publication module signed by its
    developer and its checker (the first two steps of its ESKD route), the release by its developer; printed in
    the ЕСКД form. The CSDB and the PDF."""
    from register_support import HOLDERS, make_setup

    s = make_setup(tmp_path_factory.mktemp("eskd"), content, appoint=False)
    r = ietm("register", "appoint", s.csdb, "--official", "--name", "Петров Пётр Петрович",
             "--position", "Ответственный за обеспечение безопасности средств ЭП", "--holder-cert", s.pki.cert("qa"),
             *s.official)
    assert r.code == 0, r.err
    for code in ("razrab", "prov"):
        name, position = HOLDERS[code]
        r = ietm("register", "appoint", s.csdb, "--name", name, "--position", position, "--role", code,
                 "--holder-cert", s.pki.cert(code), *s.official)
        assert r.code == 0, r.err
        r = ietm("sign", s.csdb / f"{SAMPLE_PM}_001-00_ru-RU.XML", *s.signer(code), "-B", brex42)
        assert r.code == 0, r.err
    r = ietm("release", s.csdb, *s.signer("razrab"), "--skip", "schema", "--skip", "brex", "--skip", "refs",
             "--skip", "applic")
    assert r.code == 0, r.err
    return s.csdb, _print(s.csdb, SAMPLE_PM, s.csdb.parent / "eskd.pdf", "--lang", "ru", "--style", "eskd")


def _certifying_pages(pdf: Path) -> int:
    """The first page (1-based) of the information-certifying sheet, by its outline entry."""
    return next(m.page for m in outline(pdf) if m.title == "Информационно-удостоверяющий лист")


def test_eskd_form_on_every_sheet(certified: tuple[Path, Path], tmp_path: Path):
    csdb, pdf = certified
    check_publication(csdb, SAMPLE_PM, "ru", pdf, "eskd", certified=True)
    dpi = 50
    images = [Image.open(p).convert("L") for p in page_images(pdf, tmp_path / "img", dpi=dpi)]
    ul = _certifying_pages(pdf)
    assert len(images) > ul > 10
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
        # the title block: form 2 (40 mm high) on the first sheet of the document and of the information-
        # certifying sheet, a document of its own (GOST 2.051); form 2a (15 mm) on the others
        block_top = 252 if number in (2, ul) else 277
        assert dark_share(image, 22, 203, block_top, dpi) > 0.95, number
        assert dark_share(image, block_top + 1, 291, 85, dpi, vertical=True) > 0.9, number
    texts = page_texts(pdf)
    assert "Разраб." in texts[1] and "Листов" in texts[1] and "ООО «Дизельмаш»" in texts[1]
    assert str(ul - 1) in texts[1].split()  # the sheet count in "Листов": the document without its УЛ
    assert "DGEN-DZM01-00001-00 РЭ" in texts[5]  # the designation on a following sheet
    assert "Лист регистрации изменений" in texts[ul - 2]  # the document's last sheet


def test_eskd_names_the_signatories_and_prints_the_certifying_sheet(certified: tuple[Path, Path]):
    """The title block names the holders who signed the publication module's route steps, with their dates
    (a step nobody signed stays blank, to be signed on paper); the release's information-certifying sheet
    (ietm.sign.ul) is the last sheets, with the digests of the files and its own title block."""
    csdb, pdf = certified
    texts = page_texts(pdf)
    first = " ".join(texts[1].split())
    r = ietm("ul", csdb, "--format", "json")
    assert r.code == 0, r.err
    sheet = json.loads(r.out)
    pm = next(f for f in sheet["files"] if f["path"] == f"{SAMPLE_PM}_001-00_ru-RU.XML")
    steps = {s["name"]: s["date"][:10] for s in pm["signatures"]}
    assert set(steps) == {"Смирнова Ольга Петровна", "Кузнецов Андрей Викторович"}
    assert "Смирнова О.П." in first and "Кузнецов А.В." in first  # the rows Разраб. and Пров.
    for date in set(steps.values()):  # each with the date of its step, as the title block writes dates
        year, month, day = date.split("-")
        assert first.count(f"{day}.{month}.{year[2:]}") == list(steps.values()).count(date), first
    ul = " ".join(" ".join(texts[_certifying_pages(pdf) - 1:]).split())
    assert "DGEN-DZM01-00001-00 РЭ-УЛ" in ul
    assert "Смирнова Ольга Петровна" in ul
    assert pm["streebog256"][:16] in ul.replace(" ", "")
    assert len(texts) - _certifying_pages(pdf) + 1 >= 2  # every file of the release: more than one sheet


def test_product_instance_prints_only_what_applies(content: Path, sample_ru: Path, tmp_path: Path):
    """P-001 is a DG-5M (manual start): the DG-5E start steps are only in the manual for every product."""
    csdb = cut_down(content, tmp_path / "csdb", f"{SAMPLE_PM}_001-00_ru-RU.XML", {"D00-00-00-00A-100A"})
    pdf = _print(csdb, SAMPLE_PM, tmp_path / "p1.pdf", "--lang", "ru", "--product", "P-001")
    text = "\n".join(page_texts(pdf))
    assert "P-001" in page_texts(pdf)[0]  # the title page says which product
    assert "Пуск двигателя ДГУ-5Э" in "\n".join(page_texts(sample_ru)) and "Пуск двигателя ДГУ-5Э" not in text
    book = _book(csdb, SAMPLE_PM, "ru", "P-001")
    assert [p.key for p in book.parts] == ["DMC-DGEN-A-D00-00-00-00A-100A-A"]
    coverage, missing = word_coverage(pdf, [p.doc.root.find("content") for p in book.parts])
    assert coverage >= 0.99, missing


def test_failing_module_is_a_placeholder_unless_strict(content: Path, tmp_path: Path):
    csdb = cut_down(content, tmp_path / "csdb", f"{SAMPLE_PM}_001-00_en-US.XML",
                    {"D00-00-00-00A-001A", "D00-00-00-00A-040A", "D00-00-00-00A-0A4A"})
    victim = csdb / "DMC-DGEN-A-D00-00-00-00A-040A-A_001-00_en-US.XML"
    victim.write_text(victim.read_text(encoding="utf-8")[:-200], encoding="utf-8")  # truncated: malformed XML
    out = tmp_path / "out.pdf"
    r = ietm("pdf", csdb, "--pm", SAMPLE_PM, "--lang", "en", "-o", out)
    assert r.code == 0, r.err
    assert "WARNING:" in r.err and "placeholder" in r.err
    text = "\n".join(page_texts(out))
    assert "could not be printed" in text
    strict = tmp_path / "strict.pdf"
    r = ietm("pdf", csdb, "--pm", SAMPLE_PM, "--lang", "en", "-o", strict, "--strict")
    assert r.code != 0 and "--strict" in r.err and "Traceback" not in r.err
    assert not strict.exists() and not list(tmp_path.glob(".strict*"))


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
