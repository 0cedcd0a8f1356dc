"""The web manual over the real Bike set and the sample manual: addresses, navigation, issues, languages, errors.

A real uvicorn server on 127.0.0.1 answers real HTTP; expectations are read from the S1000D files themselves.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import httpx
import pytest
from lxml import etree

from ietm.catalog import Catalog
from ietm.parse import read_object
from ietm.parse.model import dm_ref_key
from ietm.render.content.codelists import code_name
from webserver import client, serving


@pytest.fixture(scope="module")
def bike_site(bike: Path, tmp_path_factory):
    with serving(bike) as base, client(base) as http:
        yield http


@pytest.fixture(scope="module")
def bike_objects(bike: Path) -> list:
    return [read_object(p) for p in sorted(bike.glob("*.XML"))]


def address(key: str) -> str:
    return ("/dm/" + key[4:]) if key.startswith("DMC-") else ("/pm/" + key[4:]) if key.startswith("PMC-") else "/dm/" + key


def pm_dm_keys(pm_file: Path) -> list[str]:
    root = etree.parse(str(pm_file)).getroot()
    return [k for k in (dm_ref_key(r) for r in root.iterfind("content//pmEntry/dmRef/dmRefIdent")) if k]


def test_every_bike_module_and_publication_renders(bike_site: httpx.Client, bike_objects: list) -> None:
    shown = 0
    for obj in bike_objects:
        if obj.kind not in ("dm", "pm"):
            continue
        r = bike_site.get(address(obj.key))
        assert r.status_code == 200, f"{obj.key}: HTTP {r.status_code}"
        assert r.headers["content-type"].startswith("text/html")
        page = html.unescape(r.text)
        assert obj.key in page, obj.key
        if obj.kind == "dm":
            assert f"<h1>{obj.title}" in page, obj.key
        shown += 1
    assert shown == sum(1 for o in bike_objects if o.kind in ("dm", "pm"))


def test_address_with_or_without_prefix_in_any_case(bike_site: httpx.Client) -> None:
    key = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-041A-A"
    pages = [bike_site.get(u) for u in ("/dm/" + key, "/dm/" + key[4:], "/dm/" + key[4:].lower())]
    assert [p.status_code for p in pages] == [200, 200, 200]
    titles = {re.search(r"<h1>(.*?)</h1>", p.text).group(1) for p in pages}
    assert len(titles) == 1


def test_extended_code_address(bike_site: httpx.Client, bike_objects: list) -> None:
    dme = [o for o in bike_objects if o.key.startswith("DME-")]
    assert dme, "the Bike set has extended data module codes"
    for obj in dme:
        r = bike_site.get("/dm/" + obj.key)
        assert r.status_code == 200 and obj.key in r.text


def test_home_lists_every_publication(bike_site: httpx.Client, bike_objects: list) -> None:
    page = bike_site.get("/").text
    for obj in (o for o in bike_objects if o.kind == "pm"):
        assert f'href="{address(obj.key)}"' in page, obj.key
    assert '<main id="main"' in page and 'role="banner"' in page and 'role="contentinfo"' in page


def test_publication_is_a_table_of_contents_in_pm_order(bike_site: httpx.Client, bike: Path, bike_objects: list) -> None:
    pm_file = bike / "PMC-S1000DBIKE-B6865-EPWG1-00_001-00_en-US.XML"
    expected = pm_dm_keys(pm_file)
    present = {o.key for o in bike_objects}
    page = bike_site.get("/pm/S1000DBIKE-B6865-EPWG1-00").text
    toc = page[page.index('class="toc"') :]
    linked = [m.group(1) for m in re.finditer(r'<li class="toc-item toc-dm"[^>]*>\s*<a href="/dm/([^"?]+)', toc)]
    linked = [k if k.startswith("DME-") else "DMC-" + k for k in linked]
    assert len(expected) > 50
    assert linked == [k for k in expected if k in present]
    for key in set(expected) - present:  # referenced by the publication but not in the CSDB
        assert re.search(rf'class="broken-ref"[^>]*>[^<]*<span class="code">{key}</span>', toc), key


def test_pm_entry_titles_are_the_headings_of_the_tree(bike_site: httpx.Client, bike: Path) -> None:
    seen = 0
    for pm_file in sorted(bike.glob("PMC-*.XML")):
        titles = [t.text for t in etree.parse(str(pm_file)).getroot().iterfind("content//pmEntryTitle")]
        code = pm_file.name.split("_")[0][4:]
        toc = bike_site.get(f"/pm/{code}").text
        for t in titles:
            assert f"<summary>{html.escape(t, quote=False)}</summary>" in toc, (code, t)
            seen += 1
    assert seen > 0


def test_next_and_previous_follow_the_publication(bike_site: httpx.Client, bike: Path, bike_objects: list) -> None:
    present = {o.key for o in bike_objects}
    order = [k for k in pm_dm_keys(bike / "PMC-S1000DBIKE-B6865-EPWG1-00_001-00_en-US.XML") if k in present]
    first, second, third = order[:3]
    page = bike_site.get(address(second) + "?pm=S1000DBIKE-B6865-EPWG1-00").text
    prev = re.search(r'<a class="prev" rel="prev" href="([^"]+)"', page).group(1)
    nxt = re.search(r'<a class="next" rel="next" href="([^"]+)"', page).group(1)
    assert prev.split("?")[0] == address(first)
    assert nxt.split("?")[0] == address(third)
    assert "pm=S1000DBIKE-B6865-EPWG1-00" in nxt  # the reader stays in the same publication
    crumbs = page[page.index('class="crumbs"') : page.index("</nav>", page.index('class="crumbs"'))]
    assert 'href="/pm/S1000DBIKE-B6865-EPWG1-00"' in crumbs and 'aria-current="page"' in crumbs
    # the first module has no previous, the last no next
    assert 'rel="prev"' not in bike_site.get(address(first) + "?pm=S1000DBIKE-B6865-EPWG1-00").text
    assert 'rel="next"' not in bike_site.get(address(order[-1]) + "?pm=S1000DBIKE-B6865-EPWG1-00").text


def test_references_are_real_links(bike_site: httpx.Client, bike_objects: list) -> None:
    """Every dmRef to a module of the set is an <a href> to its stable address."""
    keys = {o.key for o in bike_objects}
    checked = 0
    for obj in bike_objects:
        targets = {r.target for r in obj.refs if r.kind == "dm" and r.target in keys} if obj.kind == "dm" else set()
        if not targets:
            continue
        page = bike_site.get(address(obj.key)).text
        content = page[page.index('class="content"') :]
        for key in targets:
            assert re.search(rf'href="{re.escape(address(key))}[?#"]', content), f"{obj.key} -> {key}"
            checked += 1
    assert checked > 20


def test_broken_reference_is_shown_as_such(bike_copy: Path) -> None:
    target = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
    referrer = None
    for p in sorted(bike_copy.glob("DMC-*.XML")):
        obj = read_object(p)
        if any(r.kind == "dm" and r.target == target for r in obj.refs) and obj.key != target:
            referrer = obj
            break
    assert referrer is not None
    for p in bike_copy.glob(target[4:].join(["DMC-", "_*.XML"])):
        p.unlink()
    with serving(bike_copy) as base, client(base) as http:
        page = http.get(address(referrer.key)).text
        assert re.search(rf'class="broken-ref"[^>]*data-ref="{target}"', page), "broken ref not marked"
        assert f'href="{address(target)}' not in page
        assert http.get(address(target)).status_code == 404


def test_missing_illustration_shows_a_placeholder_naming_it(bike_copy: Path) -> None:
    ipd = read_object(next(bike_copy.glob("DMC-S1000DBIKE-AAA-D00-00-00-01AA-941A-D_*.XML")))
    name = next(r.target for r in ipd.refs if r.kind == "icn")
    (bike_copy / name).unlink()
    with serving(bike_copy) as base, client(base) as http:
        page = http.get(address(ipd.key)).text
        assert re.search(r'class="icn-missing"[^>]*>[^<]*' + re.escape(name), page), "no placeholder naming the file"
        # an address that names a missing file answers with a picture saying so, for <img> elements
        r = http.get("/icn/" + name, headers={"accept": "image/avif,image/webp,image/svg+xml,image/*,*/*;q=0.8"})
        assert r.status_code == 404 and r.headers["content-type"].startswith("image/svg+xml") and name in r.text
        assert http.get("/icn/" + name).status_code == 404


def test_unknown_code_gives_a_404_page_and_a_json_error(bike_site: httpx.Client) -> None:
    r = bike_site.get("/dm/S1000DBIKE-AAA-D00-00-00-00AA-999A-A")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "DMC-S1000DBIKE-AAA-D00-00-00-00AA-999A-A is not in this CSDB" in r.text and '<main id="main"' in r.text
    for url, headers in (("/api/dm/S1000DBIKE-AAA-D00-00-00-00AA-999A-A", {}), ("/dm/NOPE", {"accept": "application/json"}),
                         ("/api/pm/NOPE", {})):
        r = bike_site.get(url, headers=headers)
        assert r.status_code == 404
        body = r.json()
        assert set(body) == {"error"} and set(body["error"]) == {"status", "kind", "message", "where"}
        assert body["error"]["status"] == 404 and body["error"]["kind"] == "NotFound" and body["error"]["message"]
    r = bike_site.get("/no/such/page")
    assert r.status_code == 404 and '<main id="main"' in r.text


def test_bad_issue_parameter(bike_site: httpx.Client) -> None:
    r = bike_site.get("/api/dm/S1000DBIKE-AAA-D00-00-00-00AA-041A-A?issue=latest")
    assert r.status_code == 422 and "NNN-NN" in r.json()["error"]["message"]
    r = bike_site.get("/dm/S1000DBIKE-AAA-D00-00-00-00AA-041A-A?issue=001-00")
    assert r.status_code == 404 and "no issue 001-00" in r.text


def test_openapi_documents_the_json_api(bike_site: httpx.Client) -> None:
    spec = bike_site.get("/openapi.json").json()
    for path in ("/api/objects", "/api/dm/{code}", "/api/pm/{code}", "/api/products"):
        assert path in spec["paths"], path
    assert "ErrorOut" in spec["components"]["schemas"]
    objects = bike_site.get("/api/objects?kind=pm").json()
    assert {o["key"] for o in objects} == {
        "PMC-BRAKE-B6865-EPWG1-00", "PMC-S1000DBIKE-B6865-EPWG1-00", "PMC-S1000DBIKE-B6865-LOAP1-00",
        "PMC-S1000DLIGHTING-B6865-EPWG1-00",
    }
    toc = bike_site.get("/api/pm/S1000DBIKE-B6865-EPWG1-00").json()["toc"]
    assert toc and toc[0]["kind"] in ("entry", "dm")


def _older_issue(src: Path, dest: Path, issue: str) -> Path:
    text = src.read_text(encoding="utf-8")
    number = src.name.split("_")[1].split("-")[0]
    text = text.replace(f'issueNumber="{number}"', f'issueNumber="{issue}"', 1)
    out = dest / src.name.replace(f"_{number}-00_", f"_{issue}-00_")
    out.write_text(text, encoding="utf-8")
    return out


def test_latest_issue_by_default_and_another_on_request(bike: Path, tmp_path: Path) -> None:
    csdb = tmp_path / "csdb"
    csdb.mkdir()
    src = bike / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-041A-A_010-00_en-US.XML"
    shutil.copy(src, csdb)
    for p in bike.glob("ICN-C0419-S1000D0360*"):
        shutil.copy(p, csdb)
    _older_issue(src, csdb, "009")
    with serving(csdb) as base, client(base) as http:
        latest = http.get("/dm/S1000DBIKE-AAA-D00-00-00-00AA-041A-A").text
        assert "Issue 010-00" in latest and "old-issue" not in latest
        older = http.get("/dm/S1000DBIKE-AAA-D00-00-00-00AA-041A-A?issue=009-00").text
        assert "Issue 009-00" in older and "old-issue" in older and "010-00" in older
        assert http.get("/api/dm/S1000DBIKE-AAA-D00-00-00-00AA-041A-A?issue=009-00").json()["issue"] == "009-00"


def test_content_language_follows_the_interface_language(content: Path) -> None:
    cat = Catalog.open(content)
    cat.refresh()
    both = [o for o in cat.objects(kind="dm", state="latest") if o.language and o.language.lower() == "ru-ru"
            and cat.get(o.key, language="en-US") and cat.get(o.key, language="en-US").language == "en-US"]
    cat.close()
    if not both:
        pytest.fail("content/ should hold modules in both Russian and English")
    key = both[0].key
    ru_title = both[0].title
    with serving(content) as base, client(base) as http:
        en = http.get(address(key))
        assert en.status_code == 200 and '<html lang="en"' in en.text
        ru = http.get(address(key) + "?lang=ru")
        assert ru.status_code == 200 and '<html lang="ru"' in ru.text
        assert html.escape(ru_title, quote=False) in ru.text and "ru-RU" in ru.text
        # the choice is remembered: the next page without ?lang= stays Russian
        again = http.get(address(key))
        assert '<html lang="ru"' in again.text and "ru-RU" in again.text
        assert "Руководства" in http.get("/").text


def test_interface_language_follows_the_browser_until_the_reader_chooses(content: Path) -> None:
    russian = {"Accept-Language": "ru-RU,ru;q=0.9,en-US;q=0.8"}
    with serving(content) as base, client(base) as http:
        home = http.get("/", headers=russian)
        assert '<html lang="ru"' in home.text and "Публикации" in home.text
        assert "Accept-Language" in home.headers["vary"]  # caches keep one copy per language
        # the manuals are listed in the reader's language: titles of the Russian copies
        assert "Руководство по эксплуатации" in home.text
        assert '<html lang="en"' in http.get("/", headers={"Accept-Language": "de,en;q=0.5"}).text
        assert '<html lang="ru"' in http.get("/", headers={"Accept-Language": "de"}).text  # serve.language: ru
        # the reader's own choice wins over the browser's, and is remembered
        chosen = http.get("/dm?lang=en", headers=russian)
        assert '<html lang="en"' in chosen.text and http.cookies.get("ietm_lang") == "en"
        assert '<html lang="en"' in http.get("/", headers=russian).text


def test_a_client_asking_for_no_language_gets_russian_unless_the_csdb_says_english(content: Path,
                                                                                  tmp_path: Path) -> None:
    """Most readers are Russian: curl, a script or a kiosk that sends no Accept-Language gets the Russian interface
    and the Russian copy of a module; `[serve] language = "en"` makes it English, and a browser's ask still wins."""
    key = "DMC-DGEN-A-D00-00-00-00A-001A-A"  # in Russian and in English
    with serving(content) as base, client(base, None) as http:
        home = http.get("/")
        assert '<html lang="ru"' in home.text and "Публикации" in home.text and "Publications" not in home.text
        module = http.get(address(key)).text
        assert '<html lang="ru"' in module and "Дизель-генераторная установка ДГУ-5" in module
        missing = http.get("/dm/DGEN-A-D00-00-00-00A-999A-A")
        assert missing.status_code == 404 and "DMC-DGEN-A-D00-00-00-00A-999A-A" in missing.text
        assert '<html lang="ru"' in missing.text
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    with open(csdb / "ietm.toml", "a", encoding="utf-8") as f:
        f.write('\n[serve]\nlanguage = "en"\n')
    with serving(csdb) as base, client(base, None) as http:
        home = http.get("/")
        assert '<html lang="en"' in home.text and "Publications" in home.text and "Публикации" not in home.text
        module = http.get(address(key)).text
        assert '<html lang="en"' in module and "Diesel generator set DG-5" in module
        assert '<html lang="ru"' in http.get("/", headers={"Accept-Language": "ru"}).text


def test_every_sample_manual_module_renders(content: Path) -> None:
    objs = []
    for p in sorted(content.glob("*.XML")):
        obj = read_object(p)
        if obj.kind in ("dm", "pm"):
            objs.append(obj)
    assert objs, "content/ has modules"
    with serving(content) as base, client(base) as http:
        for obj in objs:
            r = http.get(address(obj.key), params={"language": obj.language or "", "issue": obj.issue or ""})
            assert r.status_code == 200, f"{obj.path}: HTTP {r.status_code}"
            assert f"· {code_name('language', obj.language, 'en')}</p>" in r.text  # the copy asked for


def test_home_page_names_files_that_could_not_be_read(bike_copy: Path) -> None:
    broken = bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-999A-A_001-00_en-US.XML"
    broken.write_text("<dmodule>\n<identAndStatusSection>\n", encoding="utf-8")
    with serving(bike_copy) as base, client(base) as http:
        page = http.get("/").text
        assert "1 files of this CSDB could not be read" in page
        assert re.search(re.escape(broken.name) + r":\d+</span>: not well-formed", page)


def test_an_unknown_element_is_shown_and_logged(bike_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    f = next(bike_copy.glob("DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_*.XML"))
    text = f.read_text(encoding="utf-8")
    first_para = text.index("<para>", text.index("<content>"))
    f.write_text(text[: first_para + 6] + "<sparklePony>glitter text</sparklePony>" + text[first_para + 6 :],
                 encoding="utf-8")
    line = text[:first_para].count("\n") + 1
    with caplog.at_level("WARNING", logger="ietm.web"), serving(bike_copy) as base, client(base) as http:
        page = http.get("/dm/S1000DBIKE-AAA-DA1-10-00-00AA-251A-A").text
    assert re.search(r'class="unknown" data-element="sparklePony"[^>]*>glitter text<', page)
    assert any(f"{f.name}:{line}" in r.getMessage() and "sparklePony" in r.getMessage() for r in caplog.records)


def test_concurrent_readers_get_the_same_pages(bike_site: httpx.Client, bike_objects: list) -> None:
    from concurrent.futures import ThreadPoolExecutor

    urls = [address(o.key) for o in bike_objects if o.kind == "dm"][:40] * 3
    alone = {u: bike_site.get(u).text for u in set(urls)}
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda u: (u, bike_site.get(u)), urls))
    for u, r in together:
        assert r.status_code == 200 and r.text == alone[u], u


def test_contents_carry_each_module_applicability(bike_site: httpx.Client, bike: Path) -> None:
    """A module that does not apply to a product is marked so in the table of contents, as it is on its page."""
    import json

    from ietm.applic import Applicability, evaluate, evaluate_json

    page = bike_site.get("/pm/S1000DBIKE-B6865-EPWG1-00").text
    marked = {
        m.group(2): json.loads(html.unescape(m.group(1)))
        for m in re.finditer(r"<li class=\"toc-item toc-dm\" data-applic='([^']*)'>\s*<a href=\"/dm/([^\"?]+)", page)
    }
    files = {read_object(p).key: p for p in bike.glob("DMC-*.XML")}
    products = Applicability.for_csdb(bike).products()
    hidden = 0
    for code, expr in marked.items():
        key = code if code.startswith("DME-") else "DMC-" + code
        status = etree.parse(str(files[key])).getroot().find("identAndStatusSection/dmStatus/applic")
        for product in products:
            if status is not None and evaluate(status, product.assignment) is False:
                assert evaluate_json(expr, product.assignment) is False, (key, product.id)
                hidden += 1
    assert hidden > 0


def test_a_reindexed_csdb_mends_a_broken_reference(bike: Path, bike_copy: Path) -> None:
    """After the missing module arrives and the site is indexed again (as `serve --watch` does), the same
    page links it: rendered pages are not kept across index generations."""
    from ietm.web.links import ServerLinks
    from ietm.web.pages import Pages
    from ietm.web.site import Site

    target = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
    removed = next(bike_copy.glob(f"{target}_*.XML"))
    removed.unlink()
    referrer = next(o for o in (read_object(p) for p in sorted(bike_copy.glob("DMC-*.XML")))
                    if any(r.kind == "dm" and r.target == target for r in o.refs))
    site = Site(bike_copy)
    pages = Pages(site)
    before = pages.data_module(referrer.key, None, None, None, ServerLinks(site), "en")
    assert f'data-ref="{target}"' in before and f'href="{address(target)}' not in before
    shutil.copy(bike / removed.name, removed)
    site.catalog.refresh()
    site.index()
    after = pages.data_module(referrer.key, None, None, None, ServerLinks(site), "en")
    assert f'href="{address(target)}' in after
