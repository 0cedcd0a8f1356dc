"""Nothing a module says is lost on its page: for every data module of every shared corpus (the S1000D Bike set,
the sample manual in both languages, the S1000D default BREX modules of Issues 4.2 and 5.0), at least 95 % of
its content words (text and data attributes, with repeats) reach the page a reader gets in the module's own
language. And the common information repositories read as tables of entries with what they are and where the
CSDB uses them (the applicability CIR with its display texts and statements)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from coverage_support import module_words, page_words, share
from ietm.web.links import ServerLinks
from ietm.web.pages import Pages
from ietm.web.site import Site

LEAST = 0.95
LIGHTING_APPLIC = "DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-0A2A-D"


def pages_of(csdb: Path) -> tuple[Site, Pages]:
    site = Site(csdb)
    return site, Pages(site)


def shares(csdb: Path) -> list[tuple[float, str, dict]]:
    site, pages = pages_of(csdb)
    links = ServerLinks(site)
    out = []
    for key, copies in sorted(site.copies.items()):
        for obj in copies:
            if obj.kind != "dm":
                continue
            language = "ru" if (obj.language or "").lower().startswith("ru") else "en"
            page = pages.data_module(key, obj.issue, obj.language, None, links, language)
            s, lost = share(module_words(Path(obj.path), language), page_words(page))
            out.append((s, Path(obj.path).name, dict(lost.most_common(6))))
    return out


@pytest.mark.parametrize("corpus", ["bike", "content", "brex42", "brex50"])
def test_every_module_shows_its_words(corpus: str, request) -> None:
    csdb = request.getfixturevalue(corpus)
    found = shares(csdb)
    assert found, f"{csdb}: no data modules"
    short = [f"{name}: {s:.3f}, lost {lost}" for s, name, lost in found if s < LEAST]
    assert not short, "\n".join(short)


def test_the_measure_sees_a_lost_word(bike_copy: Path) -> None:
    """The measure is not blind: a module whose renderer drops its words scores below the bar."""
    path = next(bike_copy.glob(f"{LIGHTING_APPLIC}_*.XML"))
    page = "<article class='module'><p>Mountain bicycle</p></article>"
    s, lost = share(module_words(path), page_words(page))
    assert s < 0.5 and lost["storm"] >= 4


def _page(csdb: Path, key: str, language: str) -> html.HtmlElement:
    site, pages = pages_of(csdb)
    content = "ru-RU" if language == "ru" else None  # the Russian copy where there is one
    return html.fromstring(pages.data_module(key, None, content, None, ServerLinks(site), language))


def _text(el) -> str:
    return " ".join(el.text_content().split())


def test_applicability_repository_reads_as_annotations_and_where_they_are_used(bike: Path) -> None:
    doc = _page(bike, LIGHTING_APPLIC, "ru")
    rows = doc.xpath("//section[contains(@class,'applicRepository')]//tbody/tr")
    assert len(rows) == 14
    first = rows[0].xpath("td")
    assert _text(first[0]) == "app-00000000AA056A-0000"
    assert _text(first[1]) == "Mountain bicycle and (Mountain storm Mk1 or Brook trekker Mk9)"  # its display text
    # the statement spelled out, with the ACT's names of the attributes and the Russian "and"/"or"
    assert "Mountain storm и" in _text(first[2]) and "или" in _text(first[2])
    used = first[3].xpath(".//a/@href")
    assert used == ["/dm/S1000DLIGHTING-AAA-D00-00-00-00AA-056A-A"], "the wiring module that refers to it"
    assert _text(doc.xpath("//section[contains(@class,'applicRepository')]/h2")[0]) == "Аннотации применимости"


def test_a_module_using_repository_applicability_shows_its_display_text(bike: Path) -> None:
    doc = _page(bike, "DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-056A-A", "en")
    marked = doc.xpath("//*[@data-applic-ref='app-0001']")
    assert marked and marked[0].get("data-applic-text") == "Mountain bicycle and (Mountain storm Mk1 or Brook trekker Mk9)"
    ident = _text(doc.xpath("//section[@class='ident']")[0])
    assert "Mountain bicycle and (Mountain storm Mk1 or Brook trekker Mk9)" in ident  # the whole module's, via its applicRef


def test_parts_repository_rows_name_their_parts_and_users(content: Path) -> None:
    doc = _page(content, "DMC-DGEN-A-D00-00-00-00A-00GA-D", "ru")
    row = doc.xpath("//tr[@id='part-gs-1001']")[0]
    cells = [_text(td) for td in row.xpath("td")]
    assert cells[0].startswith("GS-1001") and "DZM01" in cells[0]
    assert cells[1] == "Фильтр масляный"
    users = row.xpath("td[contains(@class,'cir-used')]//a/@href")
    assert "/dm/DGEN-A-D10-10-00-00A-212A-A" in users  # the oil change names the filter
    def oil_change(entry):  # the oil change names the oil too: it is listed under each entry it uses
        return [(a.get("href"), _text(a)) for a in entry.xpath("td[contains(@class,'cir-used')]//a")
                if "212A" in a.get("href")]

    assert oil_change(row) == oil_change(doc.xpath("//tr[@id='part-gs-1004']")[0]) != []
    heads = [_text(th) for th in doc.xpath("//table[contains(@class,'cir-table')]//th")]
    assert heads[:4] == ["Обозначение", "Наименование", "Сведения", "Где применяется"]


def test_cross_reference_tables_read_as_tables(content: Path) -> None:
    act = _page(content, "DMC-DGEN-A-D00-00-00-00A-00WA-D", "ru")
    row = act.xpath("//table[contains(@class,'attributes')]//tr[@id='serialno']")[0]
    text = _text(row)
    assert "Заводской номер" in text and "целое число" in text and "Идентифицирует изделие" in text
    pct = _page(content, "DMC-DGEN-A-D00-00-00-00A-00PA-D", "ru")
    heads = [_text(th) for th in pct.xpath("//table[contains(@class,'products')]//th[@scope='col']")]
    assert heads == ["Изделие", "Исполнение", "Зав. №"]  # the display names the ACT gives them, in Russian
    assert [_text(td) for td in pct.xpath("//tr[@id='P-002']/td")] == ["DG-5E", "0870"]
