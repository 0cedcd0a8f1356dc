"""Warnings, cautions, tools, supplies and parts a procedure names by ident number are shown from the CSDB's
common information repositories, in the page's language, by a real viewer on loopback; an ident no repository
holds still shows; acknowledging a repository warning still unlocks the steps it guards (real Chromium)."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from lxml import html as lxml_html

from ietm.parse import load
from webserver import client, serving

OIL_CHANGE = "/dm/DGEN-A-D10-10-00-00A-212A-A"
OIL_CHANGE_FILE = "DMC-DGEN-A-D10-10-00-00A-212A-A_002-00_en-US.XML"
LIGHTING_BULB = "/dm/S1000DLIGHTING-AAA-D00-00-00-00AA-921A-A"  # safety from the 01AA/02AA 012A repositories
LIGHTING_TOOLS = "/dm/S1000DLIGHTING-AAA-D00-00-00-00AA-700A-A"  # toolRef into the 00NA tool repository
BIKE_CONTROLS = "/dm/S1000DBIKE-AAA-D00-00-00-00AA-043A-A"  # controlIndicatorRef into the 00XA repository

# read by hand from content/DMC-DGEN-A-D00-00-00-00A-0A4A-D_001-00_{en-US,ru-RU}.XML and the 0A5A cautions
WRN_005 = {
    "en": "The engine, muffler and oil are hot after operation. Wear protective gloves and let the engine cool "
          "for at least 30 min.",
    "ru": "Двигатель, глушитель и масло после работы горячие. Работайте в защитных перчатках и дайте двигателю "
          "остыть не менее 30 мин.",
}
WRN_008 = {
    "en": "Used engine oil contains harmful substances. Avoid prolonged contact with the skin and wear gloves.",
    "ru": "Отработанное моторное масло содержит вредные вещества. Избегайте длительного контакта с кожей, "
          "работайте в перчатках.",
}
CAU_003 = {
    "en": "Do not run the engine with the oil level below the MIN mark on the dipstick: this damages the "
          "crankshaft bearings.",
    "ru": "Не эксплуатируйте двигатель с уровнем масла ниже метки MIN на щупе: это приводит к задиру подшипников "
          "коленчатого вала.",
}


def page(http: httpx.Client, url: str):
    r = http.get(url)
    assert r.status_code == 200, f"{url}: HTTP {r.status_code}"
    return lxml_html.fromstring(r.text)


def text(el) -> str:
    return " ".join(el.text_content().split())


def guards(doc, ident: str) -> list:
    return doc.xpath(f"//aside[contains(@class,'adm-ref')][@data-repository-ref='{ident}']")


@pytest.fixture(scope="module")
def sample(content: Path):
    with serving(content) as base, client(base) as http:
        yield http


@pytest.fixture(scope="module")
def bike_http(bike: Path):
    with serving(bike) as base, client(base) as http:
        yield http


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_oil_change_shows_the_repository_warnings_in_the_page_language(sample: httpx.Client, lang: str) -> None:
    doc = page(sample, f"{OIL_CHANGE}?lang={lang}")
    assert doc.xpath("//div[contains(@class,'s1000d')]/@lang")[0].startswith(lang), "the copy in that language"
    safety = doc.xpath("//div[contains(@class,'safety')]")[0]
    shown = {a.get("data-repository-ref"): a for a in safety.xpath(".//aside")}
    assert list(shown) == ["WRN-005", "WRN-008", "CAU-003", "CAU-007"]
    for ident, expected in (("WRN-005", WRN_005), ("WRN-008", WRN_008), ("CAU-003", CAU_003)):
        box = shown[ident]
        assert "adm-resolved" in box.get("class"), ident
        assert expected[lang] in text(box), ident
        assert box.get("data-ack") and box.xpath(".//button[@class='ack-btn']/@data-ack-for") == [box.get("data-ack")]
        source = box.xpath(".//p[@class='adm-source']//a/@href")[0]
        assert ("0A4A-D" if ident.startswith("WRN") else "0A5A-D") in source
    assert "warning" in shown["WRN-005"].get("class") and "caution" in shown["CAU-003"].get("class")
    # the step the oil is drained in carries the hot-oil warning itself, from the repository too
    step = doc.xpath("//li[contains(@class,'step')][@data-step='1.1']")[0]
    own = step.xpath("./aside[@data-repository-ref='WRN-005']")
    assert own and WRN_005[lang] in text(own[0]) and own[0].get("data-ack") in step.get("data-guards").split()
    # the fallback wording ("kept in ...") is gone where the repository answered
    assert "хранится в" not in text(safety) and "kept in" not in text(safety)


def test_tools_supplies_and_spares_link_to_their_repository_entries(sample: httpx.Client) -> None:
    doc = page(sample, f"{OIL_CHANGE}?lang=en")

    def row(ident: str):
        return doc.xpath(f"//tr[@id='{ident}']")[0]

    tool = row("se-t-002")  # toolRef T-002 -> toolSpec t-002 in the 00NA tools repository
    link = tool.xpath(".//a[contains(@class,'cir')]")[0]
    assert text(link) == "T-002" and link.get("href").endswith("00NA-D#t-002")
    supply = row("sup-gs-4001")  # supplyRef GS-4001 -> 00LA supplies; it is ordered by that number
    assert supply.xpath(".//a[contains(@class,'cir')]/@href")[0].endswith("00LA-D#sup-gs-4001")
    assert supply.xpath(".//button[@class='order-add']/@data-order-pn") == ["GS-4001"]
    spare = row("sp-gs-1004")  # identNumber GS-1004 (DZM01) -> partSpec part-gs-1004 in the 00GA parts repository
    assert spare.xpath(".//a[contains(@class,'cir')]/@href")[0].endswith("00GA-D#part-gs-1004")
    target = page(sample, "/dm/DGEN-A-D00-00-00-00A-00NA-D?lang=en")
    assert target.xpath("//*[@id='t-002']"), "the link's fragment names the tool's entry on the repository page"


def test_an_ident_no_repository_holds_still_shows(content: Path, tmp_path: Path) -> None:
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    module = csdb / OIL_CHANGE_FILE
    module.write_text(module.read_text(encoding="utf-8").replace('warningIdentNumber="WRN-008"',
                                                                 'warningIdentNumber="WRN-404"'), encoding="utf-8")
    with serving(csdb) as base, client(base) as http:
        doc = page(http, f"{OIL_CHANGE}?lang=en")
    broken = guards(doc, "WRN-404")
    assert len(broken) == 2, "in the safety requirements and at the step it guards"
    for box in broken:
        assert "adm-resolved" not in box.get("class") and "warning" in box.get("class")
        assert "WRN-404" in text(box) and box.xpath(".//button[@class='ack-btn']"), "named, still acknowledged"
    assert WRN_005["en"] in text(guards(doc, "WRN-005")[0]), "the other references still resolve"


def _spec_text(path: Path, spec: str, attr: str, ident: str) -> str:
    root = load(path).root
    entry = root.xpath(f"//{spec}[*[@{attr}='{ident}']]")[0]
    return " ".join("".join(entry.find("warningAndCautionPara").itertext()).split())


def test_bike_lighting_procedure_shows_its_repository_warnings_and_cautions(bike: Path, bike_http) -> None:
    warning = _spec_text(bike / "DMC-S1000DLIGHTING-AAA-D00-00-00-01AA-012A-A_002-00_en-US.XML",
                         "warningSpec", "warningIdentNumber", "warning-001")
    caution = _spec_text(bike / "DMC-S1000DLIGHTING-AAA-D00-00-00-02AA-012A-A_002-00_en-US.XML",
                         "cautionSpec", "cautionIdentNumber", "caution-002")
    doc = page(bike_http, LIGHTING_BULB)
    w = guards(doc, "warning-001")
    c = guards(doc, "caution-002")
    assert w and c
    assert warning in text(w[0]) and "adm-resolved" in w[0].get("class") and w[0].get("data-ack")
    assert caution in text(c[0]) and "caution" in c[0].get("class")
    # the source link lands on the entry in its repository (the Bike set keeps the id on warningIdent)
    href = w[0].xpath(".//p[@class='adm-source']//a/@href")[0]
    path, fragment = href.split("#")
    assert path.endswith("01AA-012A-A") and page(bike_http, path).xpath(f"//*[@id='{fragment}']"), href


def test_bike_tools_and_controls_named_by_their_repository(bike: Path, bike_http) -> None:
    tools = load(bike / "DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-00NA-D_002-00_en-US.XML").root
    spec = tools.xpath("//toolSpec[toolIdent[@toolNumber='BSK-TLST-001'][@manufacturerCodeValue='KZ666']]")[0]
    name = spec.findtext("itemIdentData/shortName")
    doc = page(bike_http, LIGHTING_TOOLS)
    link = doc.xpath("//a[contains(@class,'cir')][contains(@href,'00NA-D')]")
    assert link and text(link[0]) == "BSK-TLST-001" and link[0].get("href").endswith("#" + spec.get("id"))
    cells = [text(td) for td in link[0].xpath("ancestor::tr[1]/td")]
    assert cells[1:4] == [name, "BSK-TLST-001", "KZ666"], "a row with no name of its own takes the repository's"
    controls = load(bike / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-00XA-A_003-00_en-US.XML").root
    pedals = controls.xpath("//controlIndicatorSpec[@controlIndicatorNumber='ci-0004']/controlIndicatorName")[0].text
    doc = page(bike_http, BIKE_CONTROLS)
    refs = doc.xpath("//span[contains(@class,'controlIndicatorRef')][@data-repository-ref='ci-0004']")
    assert len(refs) == 2 and all(pedals in text(r) for r in refs)
    assert refs[0].xpath(".//a[contains(@class,'cir')]/@href")[0].split("#")[0].endswith("00XA-A")


@pytest.mark.browser
def test_acknowledging_a_repository_warning_unlocks_its_steps(browser, content: Path) -> None:
    with serving(content) as base:
        context = browser.new_context(viewport={"width": 1024, "height": 1366}, base_url=base)
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(f"{OIL_CHANGE}?lang=en")
        drain = pg.locator("li.step[data-step='1.1'] > .step-head input")
        cap = pg.locator("li.step[data-step='1.2'] > .step-head input")
        assert drain.is_disabled() and cap.is_disabled(), "every step waits for the safety requirements"
        safety = pg.locator("div.safety aside.adm-resolved .ack-btn")
        assert safety.count() == 4
        for i in range(4):
            safety.nth(i).click()
        assert cap.is_enabled(), "the safety warnings from the repository were acknowledged"
        assert drain.is_disabled(), "the drain step also waits for its own hot-oil warning"
        own = pg.locator("li.step[data-step='1.1'] > aside.adm-resolved")
        assert WRN_005["en"] in own.inner_text()
        own.locator(".ack-btn").click()
        assert drain.is_enabled()
        pg.check("li.step[data-step='1.1'] > .step-head input")
        pg.reload()
        assert pg.is_checked("li.step[data-step='1.1'] > .step-head input") and drain.is_enabled()
        context.close()
    assert not errors, errors


def test_the_static_bundle_resolves_the_same_references(content: Path, tmp_path: Path) -> None:
    """`ietm publish` renders through the same pages: each language's copy reads that language's repository."""
    from clirun import ietm

    out = tmp_path / "bundle"
    result = ietm("publish", content, "-o", out, "-j", "2")
    assert result.code == 0, result.err
    for lang, suffix in (("en", "en-US"), ("ru", "ru-RU")):
        doc = lxml_html.fromstring((out / "dm" / f"DGEN-A-D10-10-00-00A-212A-A_{suffix}.html").read_text("utf-8"))
        box = guards(doc, "WRN-005")[0]
        assert WRN_005[lang] in text(box) and "adm-resolved" in box.get("class")
        href = box.xpath(".//p[@class='adm-source']//a/@href")[0]
        assert href.endswith(f"DGEN-A-D00-00-00-00A-0A4A-D_{suffix}.html#wrn-005-spec"), href
        assert (out / "dm" / href.split("/")[-1].split("#")[0]).is_file(), "the link lands on a page of the bundle"
