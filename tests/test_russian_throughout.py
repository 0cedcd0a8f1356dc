"""With the interface in Russian, no word of the interface is English and no value a raw code: every page type
of the server (walked as a browser asking for Russian would, as a reader, a writer and QA, on the sample manual
signed and released), every Bike module (English content, Russian interface: the renderers' labels and code
names are checked, the module's own words are allowed), and every page of a bundle published in Russian.

How interface words are told from content words: tests/russian_support.py. Every HTML page the server offers
must be in WALK below, so a new page is walked in Russian as soon as it exists.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest

from badge_support import sign_and_release
from clirun import ietm
from ietm.accounts import open_accounts
from ietm.web.links import ServerLinks
from ietm.web.pages import Pages
from ietm.web.site import Site
from russian_support import certificate_words, english_on, latin_words, module_words, titles_named
from webserver import serving

PASSWORD = "correct horse battery"
RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
REVIEWED = "DMC-DGEN-A-D10-10-00-00A-212A-A"  # set back to unverified, so QA has a queue and a review page
#: every HTML page of the server: its address pattern -> who walks it (the addresses are made in `walked`)
WALK = {
    "/": "reader", "/dm": "reader", "/dm/{code}": "reader", "/pm/{code}": "reader", "/products": "reader",
    "/search": "reader", "/release": "reader", "/login": "reader", "/upload": "writer", "/remarks": "qa",
    "/qa": "qa", "/qa/review/{key}": "qa", "/edit": "writer", "/edit/new": "writer", "/edit/{code}": "writer",
    "/icn/{name}": "not a page (an illustration)",
    "/release/ul": "reader", "/release/ul.html": "reader", "/admin/register": "admin",
    "/orders": "technician and supply", "/orders/{order_id}": "technician and supply", "/orders/stock": "supply",
    "/orders/purchase": "supply", "/orders/stats": "supply",
    **{f"/orders/{name}": "not a page (a file)" for name in (
        "export.csv", "export.xml", "purchase.csv", "purchase.xml", "stock.csv", "stats.csv", "{order_id}.xml")},
    "/admin/deliveries": "admin", "/admin/deliveries/needs": "admin", "/usage": "qa",
    "/admin/deliveries.csv": "not a page (CSV)", "/usage.csv": "not a page (CSV)",
}


@pytest.fixture(scope="module")
def manual(tmp_path_factory, content: Path, schemas42: Path, brex42: Path) -> Path:
    """The sample manual, a Russian module signed on its own and the whole released; QA has one to review."""
    folder = tmp_path_factory.mktemp("ru")
    signed = sign_and_release(folder, content, schemas42, brex42)
    csdb = signed.csdb
    ru = next(csdb.glob("DMC-DGEN-A-D00-00-00-00A-001A-A_*_ru-RU.XML"))
    assert ietm("sign", ru, *signed.signer()).code == 0
    for f in csdb.glob(f"{REVIEWED}_002-00_*.XML"):
        f.write_text(re.sub(r"<qualityAssurance>.*?</qualityAssurance>", "<qualityAssurance><unverified/></qualityAssurance>",
                            f.read_text(encoding="utf-8"), count=1, flags=re.S), encoding="utf-8")
    accounts = open_accounts(csdb)
    accounts.add("inspector", "qa", PASSWORD, "02")
    accounts.add("writer", "writer", PASSWORD)
    accounts.add("chief", "admin", PASSWORD)
    accounts.add("tech", "technician", PASSWORD)
    accounts.add("clerk", "supply", PASSWORD)
    (csdb / "signer.txt").write_text(  # the signer's and the users' names: data, not interface
        " ".join([*certificate_words(signed.pki / "qa.pem"), "inspector", "writer", "tech", "clerk"]), encoding="utf-8")
    return csdb


def _client(base: str, who: str | None) -> httpx.Client:
    http = httpx.Client(base_url=base, timeout=60, headers=RUSSIAN)
    if who:
        token = re.search(r'name="csrf" value="([^"]+)"', http.get("/login").text).group(1)
        assert http.post("/login", data={"name": who, "password": PASSWORD, "csrf": token}).status_code == 303
    return http


def _allowed(csdb: Path, path: str) -> set[str]:
    """The words of the module a page shows (its writer's, whatever their language), and the signer's name."""
    signer = {w.lower() for w in latin_words((csdb / "signer.txt").read_text(encoding="utf-8"))}
    m = re.match(r"/(?:qa/review/|edit/)?(dm|pm|DMC-|PMC-)?/?([^?#]+)(?:\?.*language=([\w-]+))?", path)
    if not m:
        return signer
    prefix = "PMC" if m.group(1) in ("pm", "PMC-") else "DMC"
    files = csdb.glob(f"{prefix}-{m.group(2)}_*_{m.group(3) or 'ru-RU'}.XML")  # every issue: a review shows two
    return signer.union(*(module_words(f) for f in files))


def _check(http: httpx.Client, csdb: Path, path: str, status: int = 200, method: str = "GET", **kwargs) -> str:
    r = http.request(method, path, **kwargs)
    assert r.status_code == status, f"{path}: HTTP {r.status_code}: {r.text[r.text.find('<main'):][:3000]}"
    assert '<html lang="ru"' in r.text, f"{path}: not in Russian"
    english = english_on(r.text, _allowed(csdb, path) | titles_named(csdb, r.text))
    assert not english, f"{path}: English on a Russian page: {sorted(english)}"
    return r.text


def _routes(app) -> set[str]:
    def walk(routes):
        for r in routes:
            if hasattr(r, "original_router"):
                yield from walk(r.original_router.routes)
            elif "GET" in (getattr(r, "methods", None) or set()):
                yield r
    return {r.path for r in walk(app.routes) if not r.path.startswith(("/api", "/docs", "/redoc", "/openapi"))}


def test_every_page_type_of_the_server_speaks_russian(manual: Path) -> None:
    from ietm.web.app import create_app

    missing = _routes(create_app(manual)) - set(WALK)
    assert not missing, f"pages nobody walks in Russian: add them to WALK: {sorted(missing)}"
    with serving(manual) as base:
        reader, writer, qa = _client(base, None), _client(base, "writer"), _client(base, "inspector")
        for path in ("/", "/dm", "/products", "/search", "/search?q=масло", "/release", "/login"):
            _check(reader, manual, path)
        modules = sorted(set(re.findall(r'href="(/dm/[^"?#]+)"', _check(reader, manual, "/dm"))))
        assert len(modules) > 40
        for path in modules:  # every module of the sample manual, each content type
            _check(reader, manual, path)
        for path in sorted(set(re.findall(r'href="(/pm/[^"?#]+)"', _check(reader, manual, "/")))):
            _check(reader, manual, path)
        badge = _check(reader, manual, "/dm/DGEN-A-D00-00-00-00A-001A-A")
        assert 'data-signature-status="valid"' in badge and "подпись верна" in badge
        # what a reader is told when something goes wrong
        _check(reader, manual, "/dm/DGEN-A-D99-00-00-00A-040A-A", 404)
        _check(reader, manual, "/dm/DGEN-A-D00-00-00-00A-040A-A?issue=9", 422)
        _check(reader, manual, "/no/such/page", 404)
        _check(reader, manual, "/qa", 401)
        _check(writer, manual, "/qa", 403)
        token = re.search(r'name="csrf" value="([^"]+)"', reader.get("/login").text).group(1)
        wrong = _check(reader, manual, "/login", 401, "POST", data={"name": "writer", "password": "not it", "csrf": token})
        assert "Неверное имя или пароль" in wrong
        # the writer's and QA's pages
        form = _check(writer, manual, "/upload")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        sample = next(manual.glob("DMC-DGEN-A-D00-00-00-00A-005A-A_001-00_ru-RU.XML"))
        name = "DMC-DGEN-A-D00-00-00-00A-005A-A_002-00_ru-RU.XML"
        bumped = sample.read_bytes().replace(b'issueNumber="001"', b'issueNumber="002"', 1)
        refused = _check(writer, manual, "/upload", 422, "POST", data={"csrf": csrf},  # no reason for update
                         files={"files": (name, bumped, "text/xml")})
        assert "отклонён" in refused and "ошибка" in refused
        changed = bumped.replace(b'issueType="new"', b'issueType="changed"', 1)
        done = _check(writer, manual, "/upload", 200, "POST", data={"csrf": csrf}, files={"files": (name, changed, "text/xml")})
        assert "принят" in done
        editable = sorted(set(re.findall(r'href="(/edit/[^"]+)"', _check(writer, manual, "/edit"))))
        assert editable
        _check(writer, manual, "/edit/new")
        for path in editable[:2]:
            _check(writer, manual, path.replace("&amp;", "&"))
        token = writer.get("/api/me").json()["csrf"]  # a remark from the field, so the queue has one to show
        sent = writer.post("/api/remarks", headers={"X-CSRF-Token": token}, json={
            "module": "DMC-DGEN-A-D10-10-00-00A-212A-A", "text": "Пробка подтекает после затяжки 35 Н·м.",
            "priority": "safety", "language": "ru-RU", "title": "Подтекание сливной пробки"})
        assert sent.status_code == 201, sent.text
        remarks = _check(qa, manual, "/remarks")
        assert "Критичный для безопасности" in remarks
        queue = _check(qa, manual, "/qa")
        review = sorted(set(re.findall(r'href="(/qa/review/[^"]+)"', queue)))
        assert review, "QA has a module to review"
        for path in review:
            _check(qa, manual, path.replace("&amp;", "&"))
        # the release's information-certifying sheet, and the register of signing-key holders
        sheet = _check(reader, manual, "/release/ul")
        assert "Информационно-удостоверяющий лист" in sheet and "data-ul-verdict=" in sheet  # the upload above altered it
        _check(reader, manual, "/release/ul.html")
        _check(_client(base, "chief"), manual, "/admin/register")
        # a technician's orders and the supply desk
        tech, clerk = _client(base, "tech"), _client(base, "clerk")
        order = tech.post("/api/orders", headers={"Idempotency-Key": "russian-walk-1",
                                                  "X-CSRF-Token": tech.get("/api/me").json()["csrf"]},
                          json={"product": "P-003", "work_order": "НР-17", "lines": [
                              {"part_number": "GS-2001", "quantity": 1}, {"part_number": "GS-1012", "quantity": 1}]})
        assert order.status_code == 201, order.text
        number = order.json()["order"]["id"]
        for who, path in ((tech, "/orders"), (tech, f"/orders/{number}"), (clerk, "/orders"),
                          (clerk, f"/orders/{number}"), (clerk, "/orders/stock"), (clerk, "/orders/purchase")):
            _check(who, manual, path)
        clerk.post(f"/api/orders/{number}/decision", headers={"X-CSRF-Token": clerk.get("/api/me").json()["csrf"]},
                   json={"lines": [{"line": 1, "approve": True, "substitute": {"part_number": "GS-2011"}},
                                   {"line": 2, "approve": False, "reason": "есть на складе"}]})
        for who, path in ((tech, f"/orders/{number}"), (clerk, f"/orders/{number}"), (clerk, "/orders/purchase"),
                          (clerk, "/orders/stats")):
            assert "утверждён" in _check(who, manual, path) or path != f"/orders/{number}"
        # the register of deliveries (none yet) and how the manual is used (reporting off)
        _check(_client(base, "chief"), manual, "/admin/deliveries")
        _check(_client(base, "chief"), manual, "/admin/deliveries/needs")
        _check(qa, manual, "/usage")


def test_every_bike_module_is_labelled_in_russian(bike: Path) -> None:
    """English modules with a Russian interface: every label, heading, code name and message is Russian."""
    site = Site(bike)
    pages, links = Pages(site), ServerLinks(site)
    titles = {k: {w.lower() for c in cs for w in latin_words(c.title or "")} for k, cs in site.copies.items()}
    shared: set[str] = set()  # repositories and applicability tables lend their words to every page
    for cs in site.copies.values():
        for c in cs:
            if c.content_type in ("comrep", "act", "cct", "pct"):
                shared |= module_words(Path(c.path))
    found = {}
    for key, copies in sorted(site.copies.items()):
        for obj in copies:
            if obj.kind not in ("dm", "pm"):
                continue
            page = (pages.data_module(key, obj.issue, obj.language, None, links, "ru") if obj.kind == "dm"
                    else pages.publication(site.publication(key, obj.language), links, "ru"))
            allowed = module_words(Path(obj.path)) | shared
            for kind, code in re.findall(r'href="/(dm|pm)/([^"?#]+)', page):
                allowed |= titles.get(f"{'DMC' if kind == 'dm' else 'PMC'}-{code}", set())
            english = english_on(page, allowed)
            if english:
                found[Path(obj.path).name] = sorted(english)
    assert not found, found


def test_a_bundle_published_in_russian_speaks_russian(tmp_path: Path, content: Path) -> None:
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    out = tmp_path / "dist"
    r = ietm("publish", csdb, "-o", out, "--lang", "ru", "--allow-errors")
    assert r.code == 0, r.err
    everything: set[str] = set()
    for f in csdb.glob("*.XML"):
        everything |= module_words(f)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 90
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="ru"' in text, page.name
        # a Russian copy (and every shell page) may hold only its own words; an English copy its manual's
        english_copy = page.name.endswith("_en-US.html")
        allowed = everything if english_copy else set()
        if not english_copy and page.parent.name == "dm":
            source = sorted(csdb.glob(f"DMC-{page.name.rsplit('_', 1)[0]}_*_ru-RU.XML"))
            allowed = module_words(source[-1]) if source else set()
        english = english_on(text, allowed)
        assert not english, f"{page.relative_to(out)}: {sorted(english)}"
