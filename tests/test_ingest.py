"""`ietm import`: Word manuals (Russian to GOST 2.601/2.610, and English) into a draft CSDB that the official
S1000D 4.2 schemas accept, with nothing of the text lost, procedures as steps, pictures as ICNs the viewer
shows, fault tables as fault isolation, lists as repositories; re-import keeps a writer's edits; hostile
files are refused with one line and nothing written."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from clirun import ietm
from docgen import english_manual, russian_manual
from ietm.check.schema import validate_paths
from ietm.check.schemas_locator import SchemaLocator
from webserver import client, serving

WORD = re.compile(r"[^\W\d_][\w-]*")
#: labels S1000D renders from structure: caption numbers and the lead words of warnings, cautions and notes
LABEL = re.compile(r"^(?:(?:рисунок|figure|таблица|table)\s*\d+|(?:ВНИМАНИЕ|ОСТОРОЖНО|ПРЕДУПРЕЖДЕНИЕ|ПРИМЕЧАНИЕ|"
                   r"WARNING|CAUTION|NOTE)\b)", re.IGNORECASE)
IDENTS = ("toolNumber", "partNumberValue", "supplyNumber", "inspectionTypeCategory")


def source_words(path: Path) -> list[str]:
    """Every word of the document's body text and table cells, read with python-docx (not ietm's reader);
    the header rows of the lists and fault tables, which become the structure of repositories and fault
    isolation modules, and the labels above are left out."""
    d = docx.Document(str(path))
    text = [LABEL.sub("", p.text.strip()) for p in d.paragraphs]
    for t in d.tables:
        first = t.rows[0].cells[0].text.strip()
        rows = t.rows if first in ("Параметр", "Item") else t.rows[1:]
        for row in rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    text.append(cell.text)
    return [w.lower() for w in WORD.findall(" ".join(text))]


def csdb_words(csdb: Path) -> set[str]:
    out: set[str] = set()
    for f in csdb.glob("*.XML"):
        root = etree.parse(str(f)).getroot()
        out.update(w.lower() for w in WORD.findall(" ".join(root.itertext())))
        out.update(w.lower() for el in root.iter() for k, v in el.attrib.items() if k in IDENTS for w in WORD.findall(v))
    return out


def modules(csdb: Path, lang: str) -> dict[str, etree._Element]:
    """infoName -> root of every data module of a language."""
    out = {}
    for f in csdb.glob(f"DMC-*_{lang}.XML"):
        root = etree.parse(str(f)).getroot()
        out[root.findtext("identAndStatusSection/dmAddress/dmAddressItems/dmTitle/infoName") or f.name] = root
    return out


@pytest.fixture(scope="module")
def imported(tmp_path_factory, schemas42: Path, brex42: Path):
    base = tmp_path_factory.mktemp("import")
    ru, en = base / "ДГУ-5 РЭ.docx", base / "DG-5 manual.docx"
    expect = {"ru-RU": russian_manual(ru), "en-US": english_manual(en)}
    csdb = base / "csdb"
    csdb.mkdir()
    (csdb / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n')
    r = ietm("import", ru, en, "-o", csdb, "--model-ident-code", "DGEN", "--format", "json")
    assert r.code == 0, r.out + r.err
    return {"csdb": csdb, "ru": ru, "en": en, "expect": expect, "reports": json.loads(r.out)}


def test_every_object_is_valid_against_the_official_schemas_and_the_profile(imported, schemas42: Path) -> None:
    csdb = imported["csdb"]
    official = validate_paths([csdb], SchemaLocator([schemas42]))
    assert official.files >= 30 and official.ok, [f.text() for f in official.findings]
    profile = validate_paths([csdb], SchemaLocator([], [], profile_first=True))
    assert profile.ok, [f.text() for f in profile.findings]
    for report in imported["reports"]:
        assert report["ok"] and not report["findings"], report["findings"]  # checked as written, BREX too


@pytest.mark.parametrize("lang, key", [("ru-RU", "ru"), ("en-US", "en")])
def test_at_least_99_percent_of_the_source_words_are_in_the_csdb(imported, lang: str, key: str) -> None:
    words = source_words(imported[key])
    have = csdb_words(imported["csdb"])
    missing = [w for w in words if w not in have]
    assert len(words) > 150
    assert 1 - len(missing) / len(words) >= 0.99, missing


@pytest.mark.parametrize("lang", ["ru-RU", "en-US"])
def test_numbered_procedure_items_are_the_procedural_steps(imported, lang: str) -> None:
    dms = modules(imported["csdb"], lang)
    for heading, items in imported["expect"][lang].procedure_items.items():
        title = heading.split(" ", 1)[1]
        root = dms[title]
        assert root.find("content/procedure") is not None, title
        steps = [s for s in root.iter("proceduralStep") if s.find("title") is None]
        assert len(steps) == items, (title, len(steps), items)


def test_nested_items_are_nested_steps_and_warnings_go_before_their_step(imported) -> None:
    start = modules(imported["csdb"], "ru-RU")["Порядок пуска"]
    main = start.find("content/procedure/mainProcedure")
    fourth = main.findall("proceduralStep")[3]
    assert len(fourth.findall("proceduralStep")) == 2  # "Подготовьте панель управления:" with its two items
    assert fourth.findall("proceduralStep")[1].find("note") is not None  # "Примечание — ..." after the item
    safety = start.find("content/procedure/preliminaryRqmts/reqSafety/safetyRqmts")
    assert "стартер" in guarded(imported["csdb"], start, safety, "caution")  # ВНИМАНИЕ! before the first step
    english = modules(imported["csdb"], "en-US")["Starting the engine"]
    third = english.find("content/procedure/mainProcedure").findall("proceduralStep")[2]
    assert "crank the starter" in guarded(imported["csdb"], english, third, "caution")  # between steps 2 and 3: step 3's
    assert not guarded(imported["csdb"], english, english.find("content/procedure/mainProcedure/proceduralStep"), "caution")


def guarded(csdb: Path, module: etree._Element, el: etree._Element, kind: str) -> str:
    """The text of the repository warnings or cautions `el` names in its warningRefs/cautionRefs."""
    texts = []
    for rid in el.get(f"{kind}Refs", "").split():
        ref = module.find(f"content/warningsAndCautionsRef/{kind}Ref[@id='{rid}']")
        c = ref.find("dmRef/dmRefIdent/dmCode")
        code = "-".join((c.get("modelIdentCode"), c.get("systemDiffCode"), c.get("systemCode"),
                         c.get("subSystemCode") + c.get("subSubSystemCode"), c.get("assyCode"),
                         c.get("disassyCode") + c.get("disassyCodeVariant"), c.get("infoCode") + c.get("infoCodeVariant"),
                         c.get("itemLocationCode")))
        lang = module.find("identAndStatusSection/dmAddress/dmIdent/language")
        (repo,) = csdb.glob(f"DMC-{code}_*_{lang.get('languageIsoCode')}-{lang.get('countryIsoCode')}.XML")
        ident = ref.get(f"{kind}IdentNumber")
        spec = etree.parse(str(repo)).find(f".//{kind}Ident[@{kind}IdentNumber='{ident}']/..")
        texts.append(" ".join(spec.itertext()))
    return " ".join(texts)


def test_warnings_are_kept_once_in_repositories_and_shown_where_they_apply(imported) -> None:
    """ПРЕДУПРЕЖДЕНИЕ/ОСТОРОЖНО/ВНИМАНИЕ go into warning and caution repositories (0A4, 0A5) and are referred to
    from where they stood; the viewer shows their text there, in a description as in a procedure."""
    csdb = imported["csdb"]
    ru = modules(csdb, "ru-RU")
    assert {"Перечень предупреждений", "Перечень предостережений"} <= set(ru)
    assert all(root.find(".//warning") is None and root.find(".//caution") is None for root in ru.values())
    safety = ru["Меры безопасности"]
    para = next(lp for lp in safety.iter("levelledPara") if lp.get("warningRefs"))
    assert "угарный газ" in guarded(csdb, safety, para, "warning")
    code = safety.find("identAndStatusSection/dmAddress/dmIdent/dmCode")
    with serving(csdb) as base, client(base) as http:
        page = http.get(f"/dm/{code.get('modelIdentCode')}-{code.get('systemDiffCode')}-{code.get('systemCode')}-"
                        f"{code.get('subSystemCode')}{code.get('subSubSystemCode')}-{code.get('assyCode')}-"
                        f"{code.get('disassyCode')}{code.get('disassyCodeVariant')}-{code.get('infoCode')}"
                        f"{code.get('infoCodeVariant')}-{code.get('itemLocationCode')}", params={"lang": "ru"})
        assert page.status_code == 200
        text = " ".join(lxml_text(page.text).split())
        assert "Выхлопные газы дизельного двигателя содержат угарный газ" in text
        assert "Выходное напряжение 230 В опасно для жизни" in text


def lxml_text(page: str) -> str:
    from lxml import html

    return " ".join(html.fromstring(page).itertext())


@pytest.mark.parametrize("lang", ["ru-RU", "en-US"])
def test_fault_tables_become_fault_isolation_modules(imported, lang: str) -> None:
    faults = {root.findtext("content/faultIsolation/faultIsolationProcedure/faultDescr/descr"): root
              for root in modules(imported["csdb"], lang).values() if root.find("content/faultIsolation") is not None}
    assert sorted(faults) == sorted(imported["expect"][lang].faults)
    first = faults[imported["expect"][lang].faults[0]]
    steps = first.findall("content/faultIsolation/faultIsolationProcedure/isolationProcedure/isolationMainProcedure/isolationStep")
    assert len(steps) == (3 if lang == "ru-RU" else 2)  # one per probable cause, merged fault cell
    ends = {e.get("id"): "".join(e.itertext()) for e in first.iter("isolationProcedureEnd")}
    yes = steps[0].find("isolationStepAnswer/yesNoAnswer/yesAnswer").get("nextActionRefId")
    assert "бак" in ends[yes] or "tank" in ends[yes]


def test_lists_become_repositories_and_the_procedures_that_use_them_name_them(imported) -> None:
    dms = modules(imported["csdb"], "ru-RU")
    tools = next(r for r in dms.values() if r.find("content/commonRepository/toolRepository") is not None)
    assert [t.get("toolNumber") for t in tools.iter("toolIdent")] == imported["expect"]["ru-RU"].tools
    assert any(r.find("content/commonRepository/partRepository") is not None for r in dms.values())
    assert any(r.find("content/commonRepository/supplyRepository") is not None for r in dms.values())
    oil = dms["Замена масла"]
    assert [t.get("toolNumber") for t in oil.iter("toolRef")] == ["T-017", "T-004"]
    assert [s.get("supplyNumber") for s in oil.iter("supplyRef")] == ["GS-4001"]
    assert [p.text for p in oil.iter("partNumber")] == ["GS-1001"]
    schedule = next(r for r in dms.values() if r.find("content/maintPlanning") is not None)
    assert len(schedule.findall("content/maintPlanning/taskDefinition")) == imported["expect"]["ru-RU"].tasks


def test_tables_keep_merged_cells_and_header_rows(imported) -> None:
    data = modules(imported["csdb"], "ru-RU")["Технические характеристики"]
    table = data.find(".//table")
    assert table.findtext("title") == "Основные параметры"
    assert len(table.findall("tgroup/thead/row")) == 1
    assert [e.get("morerows") for e in table.iter("entry") if e.get("morerows")] == ["1"]


def test_every_picture_is_an_icn_the_viewer_shows(imported) -> None:
    csdb = imported["csdb"]
    icns = sorted(csdb.glob("ICN-*.PNG"))
    # the English manual's general view is the Russian one's picture (one ICN); its control panel is its own EMF
    assert len(icns) == imported["expect"]["ru-RU"].pictures + 1
    graphics = {g.get("infoEntityIdent"): f for f in csdb.glob("DMC-*.XML") for g in etree.parse(str(f)).iter("graphic")}
    assert {f"{name}.PNG" for name in graphics} == {f.name for f in icns}
    device = modules(csdb, "ru-RU")["Устройство"]
    figure = device.find(".//figure")
    assert figure.findtext("title") == "Общий вид установки"
    ref = device.find(".//internalRef")
    assert ref.get("internalRefId") == figure.get("id") and ref.text == "рисунке 1"
    with serving(csdb) as base, client(base) as http:
        for name, f in list(graphics.items())[:3]:
            code = f.name.split("_")[0][4:]
            page = http.get(f"/dm/{code}")
            assert page.status_code == 200 and f"/icn/{name}.PNG" in page.text, f.name
            img = http.get(f"/icn/{name}.PNG", headers={"accept": "image/png"})
            assert img.status_code == 200 and img.headers["content-type"] == "image/png"


def test_wmf_and_emf_pictures_become_png_icns_of_the_drawing_alone(imported) -> None:
    """Word keeps drawings from older programs as metafiles, which browsers do not show: LibreOffice turns them
    into PNG, cut out of the A4 page it draws them on, and the report says so."""
    from PIL import Image

    csdb = imported["csdb"]
    for lang, fmt in (("ru-RU", "WMF"), ("en-US", "EMF")):
        (caption,) = imported["expect"][lang].metafiles
        title = caption.split(" ", 2)[2].lstrip("—– ")
        figure = next(f for root in modules(csdb, lang).values() for f in root.iter("figure") if f.findtext("title") == title)
        icn = csdb / f"{figure.find('graphic').get('infoEntityIdent')}.PNG"
        with Image.open(icn) as im:
            assert im.format == "PNG" and im.width <= 100 and im.height <= 70, im.size  # the drawing, not a page
            colours = im.convert("RGB").getcolors(1 << 16)
            assert max(colours)[1] != (255, 255, 255), colours[:5]  # mostly the rectangle's colour
        report = next(r for r in imported["reports"] if r["language"] == lang)
        assert any(p["to"].startswith(f"{icn.name} (converted from {fmt})") for p in report["placed"])


def test_the_report_says_where_things_went_and_what_has_no_place(imported) -> None:
    report = imported["reports"][0]
    assert report["counts"]["step"] >= 18 and report["counts"]["picture"] == 3
    assert any("header" in u["what"] for u in report["unmapped"])  # the page header has no place in S1000D
    assert report["words"]["found"] / report["words"]["total"] >= 0.99
    assert (imported["csdb"] / ".ietm-import" / f"{imported['ru'].stem}.report.txt").read_text().count("->") > 50


def test_reimport_keeps_what_the_writer_edited(tmp_path: Path) -> None:
    src = tmp_path / "manual.docx"
    russian_manual(src)
    csdb = tmp_path / "csdb"
    assert ietm("import", src, "-o", csdb, "--model-ident-code", "DGEN").code == 0
    edited = next(csdb.glob("DMC-*-292A-A_*.XML"))  # change of oil
    text = edited.read_text().replace("Замените масляный фильтр", "Замените масляный фильтр (правка писателя)")
    edited.write_text(text)
    again = ietm("import", src, "-o", csdb, "--model-ident-code", "DGEN", "--format", "json")
    report = json.loads(again.out)[0]
    assert again.code == 0
    assert [k["file"] for k in report["kept"]] == [edited.name]
    assert "правка писателя" in edited.read_text()
    assert report["written"] == []  # the same document on the same day: everything else is as it was
    assert len(report["unchanged"]) == len(list(csdb.glob("*.XML"))) + len(list(csdb.glob("ICN-*"))) - 1


def _docx_with(tmp_path: Path, name: str, change) -> Path:
    """A copy of a generated manual with its package changed by `change(zip_in, zip_out)`."""
    good = tmp_path / "good.docx"
    english_manual(good)
    out = tmp_path / name
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        change(zin, zout)
    return out


def _copy(zin, zout, replace=None):
    for info in zin.infolist():
        data = zin.read(info.filename)
        if replace:
            data = replace(info.filename, data)
        zout.writestr(info.filename, data)


def test_hostile_and_broken_files_are_refused_with_one_line_and_nothing_written(tmp_path: Path) -> None:
    def bomb(zin, zout):
        _copy(zin, zout)
        zout.writestr("word/media/huge.bin", b"\0" * (64 * 1024 * 1024))

    def macros(zin, zout):
        _copy(zin, zout)
        zout.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")

    def external(zin, zout):
        def link(name, data):
            if name == "word/_rels/document.xml.rels":
                return data.replace(b'Target="media/image1.png"', b'Target="http://example.invalid/x.png" TargetMode="External"')
            return data
        _copy(zin, zout, link)

    cases = {
        _docx_with(tmp_path, "bomb.docx", bomb): "zip bomb",
        _docx_with(tmp_path, "macros.docx", macros): "macros",
        _docx_with(tmp_path, "external.docx", external): "outside the document",
        _docx_with(tmp_path, "manual.docm", lambda zin, zout: _copy(zin, zout)): "macro-enabled",
    }
    corrupt = tmp_path / "corrupt.docx"
    corrupt.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    cases[corrupt] = "not a readable Word document"
    for path, words in cases.items():
        csdb = tmp_path / f"out-{path.stem}"
        r = ietm("import", path, "-o", csdb, "--model-ident-code", "DGEN")
        lines = r.err.strip().splitlines()
        assert r.code == 3 and len(lines) == 1 and words in lines[0] and path.name in lines[0], (path.name, r.err)
        assert not csdb.exists() or not any(csdb.iterdir()), path.name


def test_odt_is_converted_by_libreoffice(tmp_path: Path, schemas42: Path) -> None:
    src = tmp_path / "manual.docx"
    expect = english_manual(src)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "odt",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=300)
    csdb = tmp_path / "csdb"
    r = ietm("import", tmp_path / "manual.odt", "-o", csdb, "--model-ident-code", "DGEN", "--lang", "en-US")
    assert r.code == 0, r.out + r.err
    assert validate_paths([csdb], SchemaLocator([schemas42])).ok
    stop = modules(csdb, "en-US")["Stopping the engine"]
    assert len(list(stop.iter("proceduralStep"))) == expect.procedure_items["2.2 Stopping the engine"]
    assert len(list(csdb.glob("ICN-*.PNG"))) == expect.pictures


def test_a_map_gives_codes_and_a_wrong_one_stops_with_one_line(tmp_path: Path) -> None:
    src = tmp_path / "manual.docx"
    english_manual(src)
    good = tmp_path / "map.toml"
    good.write_text('depth = 2\n[[section]]\ntitle = "(?i)starting"\nsns = "D10-20"\ninfo = "100B"\n')
    csdb = tmp_path / "csdb"
    assert ietm("import", src, "-o", csdb, "--model-ident-code", "DGEN", "--map", good).code == 0
    assert list(csdb.glob("DMC-DGEN-A-D10-20-00-00A-100B-A_*_en-US.XML"))
    bad = tmp_path / "bad.toml"
    bad.write_text('[[section]]\ntitle = "x"\nsns = "not a code"\n')
    r = ietm("import", src, "-o", tmp_path / "other", "--model-ident-code", "DGEN", "--map", bad)
    assert r.code == 4 and len(r.err.strip().splitlines()) == 1 and "not a system code" in r.err


def test_default_info_codes_are_the_specifications_codes_for_that_kind_of_content() -> None:
    """Every info code the import gives by default is one S1000D defines (ietm's table of Chap 8.4), and a
    procedure never gets a descriptive (0xx) code or one of the lists that go with a group (x01..x07)."""
    from ietm.ingest.codes import (CHAPTER_INFO, DESCRIPTIVE_TITLE_INFO, FAULT_INFO, PARTS_INFO, SCHEDULE_INFO,
                                   SUPPLIES_INFO, TITLE_INFO, TOOLS_INFO, info_for)
    from ietm.render.content.infocodes import table

    names = table()
    procedural = [p for _, p in CHAPTER_INFO.values()] + [c for _, c in TITLE_INFO] + [FAULT_INFO]
    descriptive = [d for d, _ in CHAPTER_INFO.values()] + [c for _, c in DESCRIPTIVE_TITLE_INFO]
    for code in procedural + descriptive + [PARTS_INFO, SCHEDULE_INFO, SUPPLIES_INFO, TOOLS_INFO]:
        assert code in names, code
    for code in procedural:
        assert not code.startswith("0") and not ("1" <= code[2] <= "7" and code[1] == "0"), (code, names[code])
    assert names[TOOLS_INFO][0].startswith("Support equipment") and names[PARTS_INFO][0].startswith("Parts")
    assert names[SUPPLIES_INFO][0].startswith("Supplies") and names[SCHEDULE_INFO][0].startswith("Maintenance planning")
    # what a writer's titles get: the specific work named in the title, else the GOST 2.610 chapter's
    for kind, chapter, title, code in (
            ("procedural", "maintenance", "Замена масла и масляного фильтра", "292"),
            ("procedural", "maintenance", "Проверка уровня и доливка охлаждающей жидкости", "210"),
            ("procedural", "repair", "Снятие генератора", "520"), ("procedural", "repair", "Установка генератора", "720"),
            ("procedural", "operation", "Подготовка к работе", "120"), ("procedural", "operation", "Пуск двигателя", "130"),
            ("procedural", "operation", "Отключение нагрузки", "510"), ("procedural", "storage", "Консервация", "810"),
            ("procedural", "storage", "Расконсервация", "820"), ("procedural", "disposal", "Порядок работ", "997"),
            ("procedural", "maintenance", "Removing the starter", "520"), ("procedural", "operation", "Connecting the load", "730"),
            ("procedural", "maintenance", "Weekly tasks", "200"), ("descriptive", "disposal", "Общие сведения", "990"),
            ("descriptive", "description", "Устройство и работа", "041"), ("descriptive", "techdata", "Технические характеристики", "030"),
            ("descriptive", "operation", "Органы управления и индикации", "110"),
            ("descriptive", "operation", "Использование по назначению", "100"),
            ("descriptive", "description", "Назначение изделия", "045")):
        assert info_for(kind, chapter, title) == code, (title, info_for(kind, chapter, title), code)


def test_language_versions_share_codes_and_warnings_go_to_the_repositories(tmp_path: Path, schemas42: Path, brex42: Path) -> None:
    """The Russian and English versions of one manual are the same data modules in two languages; their
    warnings are kept once in warning repositories and referred to: in the CSDB's own repository where it has
    the text already (the sample manual's WRN-005), else in the import's, shown by the viewer in each language."""
    from docgen import SHORT, short_manual
    from ietm.ingest.safety import key

    csdb = tmp_path / "csdb"
    csdb.mkdir()
    (csdb / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n')
    content = Path(__file__).resolve().parents[1] / "content"
    for f in content.glob("DMC-DGEN-A-D00-00-00-00A-0A4A-D_001-00_*.XML"):
        shutil.copy(f, csdb)
    ru, en = tmp_path / "ДГУ-5 КР.docx", tmp_path / "DG-5 short manual.docx"
    short_manual(ru, "ru"), short_manual(en, "en")
    r = ietm("import", ru, en, "-o", csdb, "--model-ident-code", "DGEN", "--format", "json")
    assert r.code == 0, r.out + r.err
    reports = json.loads(r.out)
    assert all(rep["ok"] and not rep["findings"] for rep in reports), [rep["findings"] for rep in reports]

    def codes(lang: str, prefix: str = "DMC") -> set[str]:
        return {f.name.split("_")[0] for f in csdb.glob(f"{prefix}-*_{lang}.XML") if "-D00-" not in f.name}

    assert codes("ru-RU") == codes("en-US") and len(codes("ru-RU")) >= 5
    assert codes("ru-RU", "PMC") == codes("en-US", "PMC") and len(codes("ru-RU", "PMC")) == 1
    assert len(list(csdb.glob("DML-*.XML"))) == 2  # a DML's name has no language: one each
    assert any(p["what"] == "language version" and p["to"].startswith(f"of {ru.name}") for p in reports[1]["placed"])
    assert len(list(csdb.glob("ICN-*"))) == 1  # the same picture in both

    for lang, short in (("ru-RU", "ru"), ("en-US", "en")):
        (procedure,) = [root for root in modules(csdb, lang).values() if root.find("content/procedure") is not None]
        refs = {ref.get("warningIdentNumber"): ref.find("dmRef/dmRefIdent/dmCode").get("assyCode") + "/" +
                ref.find("dmRef/dmRefIdent/dmCode").get("systemCode") for ref in procedure.iter("warningRef")}
        assert refs == {"WRN-005": "00/D00", "WRN-001": "00/00"}, refs  # the sample's, and the import's own
        ids = procedure.find(".//safetyRqmts").get("warningRefs").split()
        assert len(ids) == 2 and procedure.find(".//warning") is None
        # each text once in the CSDB: the sample's in its repository, the other in the import's
        own = SHORT[short]["fuel"].split(" ", 1)[1]
        holders = [f.name for f in csdb.glob(f"DMC-*_{lang}.XML") if key(own) in key(" ".join(etree.parse(str(f)).getroot().itertext()))]
        assert len(holders) == 1 and "-0A4A-D_" in holders[0], holders
    with serving(csdb) as base, client(base) as http:
        for lang, short in (("ru-RU", "ru"), ("en-US", "en")):
            code = next(iter(codes(lang) & {c for c in codes(lang) if c.endswith("-A") and "-0A4" not in c
                                            and etree.parse(str(next(csdb.glob(f"{c}_*_{lang}.XML")))).find(
                                                "content/procedure") is not None}))
            page = http.get(f"/dm/{code[4:]}", params={"lang": short}).text
            for text in (SHORT[short]["hot"], SHORT[short]["fuel"]):
                assert " ".join(text.split(" ", 1)[1].split()[:5]) in " ".join(page.split()), (lang, text)

    again = ietm("import", en, "-o", csdb, "--model-ident-code", "DGEN", "--format", "json")
    assert again.code == 0 and json.loads(again.out)[0]["written"] == []  # the same codes again


def test_no_pair_keeps_a_translation_a_document_of_its_own(tmp_path: Path, schemas42: Path, brex42: Path) -> None:
    """With --no-pair the English version of a manual imported after the Russian one gets codes of its own (and a
    publication of its own), as an unrelated document would; the Russian one keeps its codes."""
    from docgen import short_manual

    csdb = tmp_path / "csdb"
    csdb.mkdir()
    (csdb / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n')
    ru, en = tmp_path / "ДГУ-5 КР.docx", tmp_path / "DG-5 short manual.docx"
    short_manual(ru, "ru"), short_manual(en, "en")
    r = ietm("import", ru, en, "-o", csdb, "--model-ident-code", "DGEN", "--no-pair", "--format", "json")
    assert r.code == 0, r.out + r.err
    reports = json.loads(r.out)
    assert all(rep["ok"] for rep in reports) and not any(p["what"] == "language version" for p in reports[1]["placed"])

    def codes(lang: str, prefix: str = "DMC") -> set[str]:
        return {f.name.split("_")[0] for f in csdb.glob(f"{prefix}-*_{lang}.XML")}

    assert len(codes("ru-RU")) >= 5 and len(codes("en-US")) >= 5 and not codes("ru-RU") & codes("en-US")
    assert len(codes("ru-RU", "PMC")) == 1 and codes("ru-RU", "PMC") != codes("en-US", "PMC")


def test_task_cards_become_procedures_and_a_matrix_table_their_schedule(tmp_path: Path, schemas42: Path, brex42: Path) -> None:
    """Технологические карты laid out as tables are procedures with their tools, consumables and labour time
    as requirements and their work as steps; the matrix table ("+" under each kind of maintenance) is a
    maintenance schedule whose tasks refer to the cards' modules."""
    from docgen import CARDS, cards_manual

    src, csdb = tmp_path / "ДГУ-5 ТО.docx", tmp_path / "csdb"
    expect = cards_manual(src)
    csdb.mkdir()
    (csdb / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n')
    r = ietm("import", src, "-o", csdb, "--model-ident-code", "DGEN", "--format", "json")
    report = json.loads(r.out)[0]
    assert r.code == 0 and report["ok"] and not report["findings"], report["findings"]
    ru = modules(csdb, "ru-RU")
    codes = {}
    for number, name, rqmts, work in CARDS:
        title = f"Технологическая карта № {number}. {name}"
        card = ru[title]
        codes[number] = card.find("identAndStatusSection/dmAddress/dmIdent/dmCode").attrib
        steps = card.findall("content/procedure/mainProcedure/proceduralStep")
        assert len(steps) == expect.procedure_items[title] == len(work)
        assert [" ".join("".join(s.find("para").itertext()).split()) for s in steps] == work
        prelim = card.find("content/procedure/preliminaryRqmts")
        tools = [n.text for n in prelim.iterfind("reqSupportEquips/supportEquipDescrGroup/supportEquipDescr/name")]
        supplies = [n.text for n in prelim.iterfind("reqSupplies/supplyDescrGroup/supplyDescr/name")]
        wanted = dict(rqmts)
        assert tools == [v for k, v in rqmts if k != "Трудоёмкость:" and k != "Расходные материалы:" and v != "нет"
                         for v in v.split(", ")]
        assert supplies == (wanted["Расходные материалы:"].split(", ") if "Расходные материалы:" in wanted else [])
        hours = prelim.findtext("reqPersons/personnel/estimatedTime")
        assert float(hours) == {"15 мин": 0.25, "0,5 ч": 0.5}[wanted["Трудоёмкость:"]]
    (schedule,) = [root for root in ru.values() if root.find("content/maintPlanning") is not None]
    tasks = schedule.findall("content/maintPlanning/taskDefinition")
    assert len(tasks) == expect.tasks == len(CARDS)
    for task, (number, name, _, _) in zip(tasks, CARDS):
        assert task.findtext("task/taskDescr/simplePara") == name
        kinds = [limit.find("inspectionType").get("inspectionTypeCategory") for limit in task.iterfind("limit")]
        assert kinds == (["Ежемесячное", "Годовое"] if number == "1" else ["Годовое"])
        ref = task.find("refs/dmRef/dmRefIdent/dmCode").attrib
        assert dict(ref) == dict(codes[number])
