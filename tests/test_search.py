"""Searching the Bike set and the sample manual: expectations found by reading the modules themselves.

Bike: "Tire - Check pressure" (DA0-10-20-00AA-362B-A) is the module about tire pressure; the two
"Brake pads - Clean with rubbing alcohol" modules (BRAKE and S1000DBIKE, DA1-10-00-00AA-251A-A) say
"rubbing alcohol"; the fork install procedure 00AA-720A applies to the Mountain storm Mk1 only (serial
1B070701), 00AB-720A to the Brook trekker Mk9 (serials 1B070643, 1B070644).
Sample manual (content/): the engine description (D10-00-00-00A-040A-A) is titled «Двигатель - Описание» /
"Engine - Description"; the fuel system description (D20-00-00-00A-040A-A) speaks of «Топливные фильтры»,
the 25-litre tank («бака ёмкостью 25 л») and "fuel filters".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clirun import ietm
from ietm.index.search import Searching
from ietm.index.store import SearchIndex
from webserver import client, serving

TIRE = "DMC-S1000DBIKE-AAA-DA0-10-20-00AA-362B-A"
PADS = {"DMC-BRAKE-AAA-DA1-10-00-00AA-251A-A", "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"}
FORK_STORM = "DMC-S1000DBIKE-AAA-D00-00-01-00AA-720A-A"
FORK_TREKKER = "DMC-S1000DBIKE-AAA-D00-00-01-00AB-720A-A"
ENGINE = "DMC-DGEN-A-D10-00-00-00A-040A-A"
FUEL = "DMC-DGEN-A-D20-00-00-00A-040A-A"


@pytest.fixture(scope="module")
def bike_search(bike: Path, tmp_path_factory):
    ix = SearchIndex(bike, folder=tmp_path_factory.mktemp("bike") / "ix")
    ix.update()
    with Searching(ix.open()) as s:
        yield s


@pytest.fixture(scope="module")
def manual_search(content: Path, tmp_path_factory):
    ix = SearchIndex(content, folder=tmp_path_factory.mktemp("content") / "ix")
    ix.update()
    with Searching(ix.open()) as s:
        yield s


def keys(res) -> list[str]:
    return [h.key for h in res.hits]


# -- Bike: English ---------------------------------------------------------------------------------------

def test_ranked_first_by_title_and_snippet_marks_the_words(bike_search):
    res = bike_search.search("tire pressure")
    assert keys(res)[0] == TIRE
    top = res.hits[0]
    assert top.title == "Tire - Check pressure" and top.type == "procedural" and top.language == "en-US"
    assert '<mark class="match term0">Tire</mark>' in top.snippet and "pressure</mark>" in top.snippet
    assert top.section_title == "Support equipment"  # the first match is the tire pressure gauge it needs
    assert sum(res.facets["type"].values()) == res.total and res.facets["lang"] == {"en": res.total}


def test_english_stemming_matches_other_word_forms(bike_search):
    # the modules say "Inflate the tire" and "tire"; the query says "inflating tires"
    assert {TIRE, "DMC-S1000DBIKE-AAA-DA0-10-20-00AA-215A-A"} <= set(keys(bike_search.search("inflating tires")))
    assert keys(bike_search.search("brakes")) == keys(bike_search.search("brake"))


def test_phrase_needs_the_words_together_and_in_order(bike_search):
    phrase = set(keys(bike_search.search('"rubbing alcohol"', limit=100)))
    assert PADS <= phrase
    assert "DMC-S1000DBIKE-AAA-DA2-10-00-00AA-720A-A" in phrase  # the stem install procedure cleans with it too
    words = set(keys(bike_search.search("alcohol rubbing", limit=100)))
    assert phrase <= words
    assert not set(keys(bike_search.search('"alcohol rubbing"')))


def test_prefix_completes_words_not_stems(bike_search):
    # "lubricat*" must reach "lubricant" and "lubricate" although their stem "lubric" is shorter than the prefix
    res = bike_search.search("lubricat*", limit=100)
    assert "DMC-S1000DBIKE-AAA-DA4-10-00-00AA-241A-A" in keys(res)  # Chain - Oil
    assert all(h.snippet.lower().count("<mark") for h in res.hits[:5])


def test_code_queries(bike_search):
    da1 = keys(bike_search.search("code:S1000DBIKE-AAA-DA1*", limit=100))
    assert da1 and all(k.startswith("DMC-S1000DBIKE-AAA-DA1-") for k in da1) and len(da1) == 5
    assert set(keys(bike_search.search("code:DMC-S1000DBIKE-AAA-DA1-10"))) == {"DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"}
    assert set(keys(bike_search.search("DA1-10-00-00AA-251A"))) == PADS  # a bare code, found anywhere in codes
    # a part number written like a code still finds the modules that list it (the foot pump BSK-TLST-001-05)
    pump = bike_search.search("BSK-TLST-001-05")
    assert "DMC-S1000DBIKE-AAA-DA0-10-20-00AA-215A-A" in keys(pump)
    assert all('<mark class="match">BSK-TLST-001-05</mark>' in h.snippet for h in pump.hits)


def test_title_field_query(bike_search):
    res = bike_search.search("title:wheel", limit=100)
    assert res.total == 8 and all("wheel" in h.title.lower() for h in res.hits)


def test_typos_are_corrected(bike_search):
    res = bike_search.search("tyre presure")
    assert res.corrected_from == "tyre presure" and res.query == "tire pressure"
    assert keys(res)[0] == TIRE
    res = bike_search.search("handelbar")
    assert res.query == "handlebar" and "Handlebar - Remove procedures" in [h.title for h in res.hits]
    assert bike_search.search("brake").did_you_mean is None


def test_applicability_filter_by_product(bike_search):
    storm = keys(bike_search.search("fork install", product="1B070701", limit=100))
    trekker = keys(bike_search.search("fork install", product="1B070643", limit=100))
    assert FORK_STORM in storm and FORK_TREKKER not in storm
    assert FORK_TREKKER in trekker and FORK_STORM not in trekker
    everyone = keys(bike_search.search("fork install", limit=100))
    assert {FORK_STORM, FORK_TREKKER} <= set(everyone)


def test_type_and_system_filters(bike_search):
    res = bike_search.search("wheel", types=["fault"], limit=100)
    assert res.total and all(h.type == "fault" for h in res.hits)
    res = bike_search.search("brake", system="DA1", limit=100)
    assert res.total and all(h.system == "DA1" for h in res.hits)


def test_suggestions_complete_the_last_word(bike_search):
    s = bike_search.suggest("brake pa")
    assert "brake pads" in s["completions"]
    assert PADS & {m["key"] for m in s["modules"]}


def test_hostile_text_is_escaped_in_snippets(bike_copy: Path, tmp_path: Path):
    f = bike_copy / "DMC-S1000DBIKE-AAA-DA0-10-20-00AA-362B-A_008-00_en-US.XML"
    f.write_text(f.read_text(encoding="utf-8").replace(
        "Locate the valve stem", "&lt;script&gt;alert(1)&lt;/script&gt; zirconwash Locate the valve stem"), encoding="utf-8")
    ix = SearchIndex(bike_copy, folder=tmp_path / "ix")
    ix.update()
    with Searching(ix.open()) as s:
        snippet = s.search("zirconwash").hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


# -- the sample manual: Russian and English -----------------------------------------------------------------

def test_russian_stemming_finds_other_cases(manual_search):
    for query in ("двигатель", "двигателя", "двигателем"):
        res = manual_search.search(query)
        assert keys(res)[0] == ENGINE and res.hits[0].language == "ru-RU", query
        assert set(res.facets["lang"]) == {"ru"}
    assert keys(manual_search.search("двигателя")) == keys(manual_search.search("ДВИГАТЕЛЬ"))


def test_yo_and_ye_are_the_same_letter(manual_search):
    with_yo = manual_search.search("ёмкостью", limit=100)
    with_ye = manual_search.search("емкостью", limit=100)
    assert FUEL in keys(with_yo) and keys(with_yo) == keys(with_ye)


def test_russian_phrase_and_english_plural(manual_search):
    assert FUEL in keys(manual_search.search("топливного фильтра"))
    assert FUEL in keys(manual_search.search('"топливный фильтр"'))
    english = manual_search.search("filters", limit=100)
    assert FUEL in keys(english) and all(h.language == "en-US" for h in english.hits)
    assert keys(english) == keys(manual_search.search("filter", limit=100))


def test_language_filter(manual_search):
    res = manual_search.search("code:DGEN-A-D10*", lang="ru", limit=100)
    assert res.total and all(h.language == "ru-RU" for h in res.hits)


# -- the command and the HTTP API ---------------------------------------------------------------------------

def test_search_command_json_and_exit_codes(bike: Path):
    r = ietm("search", bike, "tire pressure", "--format", "json")
    assert r.code == 0
    data = json.loads(r.out)
    assert data["hits"][0]["key"] == TIRE and data["total"] >= 10 and "type" in data["facets"]
    r = ietm("search", bike, "fork install", "--product", "1B070701")
    assert r.code == 0 and FORK_STORM in r.out and FORK_TREKKER not in r.out
    r = ietm("search", bike, "zzqqxx")
    assert r.code == 1 and "0 module(s)" in r.out


def test_http_api_and_search_page(bike: Path):
    with serving(bike) as base, client(base) as http:
        r = http.get("/api/search", params={"q": "tyre presure", "product": "1B070701"})
        assert r.status_code == 200
        data = r.json()
        assert data["corrected_from"] == "tyre presure" and data["hits"][0]["key"] == TIRE
        assert data["hits"][0]["url"].startswith("/dm/S1000DBIKE-AAA-DA0-10-20-00AA-362B-A")
        r = http.get("/api/suggest", params={"q": "bra"})
        assert r.status_code == 200 and "brake" in r.json()["completions"]
        r = http.get("/api/search")
        assert r.status_code == 422 and r.json()["error"]["kind"] == "InputError"
        page = http.get("/search", params={"q": "rubbing alcohol"})
        assert page.status_code == 200
        assert 'data-result-count="' in page.text and "<mark" in page.text
        assert "Brake pads - Clean with rubbing alcohol" in page.text
        assert "/api/search" in http.get("/openapi.json").text


def test_search_page_in_russian(content: Path):
    with serving(content) as base, client(base) as http:
        page = http.get("/search", params={"q": "двигателя", "lang": "ru"})
        assert page.status_code == 200
        assert "Найдено модулей" in page.text and "Поиск по руководству" in page.text
        assert "Двигатель - Описание" in page.text and "<mark" in page.text
        data = http.get("/api/search", params={"q": "двигателя", "lang": "ru"}).json()
        assert data["hits"][0]["key"] == ENGINE and data["hits"][0]["language"] == "ru-RU"
