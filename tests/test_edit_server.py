"""The editor's server side over HTTP (a real server on loopback, no browser): who may edit, what a save checks
and refuses, that the module's identity is the server's, that nothing the browser sends becomes markup, the
audit log, and the pickers."""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
from pathlib import Path

import httpx
import pytest

from lxml import etree

from edit_support import PASSWORD, ROOT, writable_content
from ietm.edit import pickers
from ietm.edit.document import from_json
from ietm.edit.grammar import PROFILE, grammar_of
from ietm.errors import InputError
from ietm.parse.loader import load
from ietm.paths import state_dir
from ietm.sign.commands import audit_log_for
from ietm.web.site import Site
from webserver import serving

CODE = "DGEN-A-D20-00-00-00A-921A-A"  # fuel filter: replace
WARNINGS = "DMC-DGEN-A-D00-00-00-00A-0A4A-D_001-00_{}.XML"  # the sample manual's warnings repository


@pytest.fixture(scope="module")
def csdb(tmp_path_factory, brex42, module_db_url) -> Path:
    return writable_content(tmp_path_factory.mktemp("edit-server") / "content", brex42, module_db_url)


@pytest.fixture(scope="module")
def base(csdb):
    with serving(csdb) as url:
        yield url


def login(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token, "next": "/"}).status_code == 303
    client.headers["x-csrf-token"] = client.get("/api/me").json()["csrf"]
    return client


@pytest.fixture(scope="module")
def olga(base):
    client = login(base, "olga")
    yield client
    client.close()


def opened(client, language="en-US") -> dict:
    r = client.get(f"/api/edit/{CODE}", params={"language": language})
    assert r.status_code == 200, r.text
    return r.json()


def find(node: dict, name: str) -> dict | None:
    if isinstance(node, str):
        return None
    if node["n"] == name:
        return node
    for c in node.get("c", []):
        hit = find(c, name)
        if hit:
            return hit
    return None


def test_only_writers_edit(base, olga):
    assert httpx.get(base + "/edit").status_code == 401
    tech = login(base, "tech")
    assert tech.get("/edit").status_code == 403
    assert tech.get(f"/api/edit/{CODE}").status_code == 403
    assert tech.post(f"/api/edit/{CODE}/save", json={"base": "0" * 64, "doc": {}}).status_code == 403
    tech.close()
    assert olga.get("/edit").status_code == 200
    page = olga.get(f"/dm/{CODE}").text
    assert f'href="/edit/{CODE}?language=' in page  # the Edit button, for writers only
    assert "/edit/" not in httpx.get(f"{base}/dm/{CODE}").text
    no_csrf = httpx.Client(base_url=base, cookies=olga.cookies, timeout=30)
    assert no_csrf.post(f"/api/edit/{CODE}/save", json={"base": "0" * 64, "doc": {}}).status_code == 403


def test_opening_says_what_the_first_save_does(olga):
    data = opened(olga)
    assert data["issue"] == "001-00" and data["official"] and data["nextIssue"] == "001-01"
    assert data["doc"]["n"] == "dmodule" and find(data["doc"], "proceduralStep")
    assert data["schema"]["source"] == "profile"
    assert data["values"]["skillLevelCode"]["values"][0][0] == "sk01"  # the project BREX's skill levels
    grammar = olga.get(f"/api/edit/{CODE}/grammar").json()
    assert grammar["root"]["name"] == "dmodule" and "proceduralStepType" in grammar["types"]
    again = olga.get(f"/api/edit/{CODE}/grammar", headers={"if-none-match": olga.get(f"/api/edit/{CODE}/grammar").headers["etag"]})
    assert again.status_code == 304


def test_a_save_with_schema_errors_is_refused_and_the_element_named(olga, csdb):
    data = opened(olga)
    doc = copy.deepcopy(data["doc"])
    step = find(doc, "proceduralStep")
    step["i"] = "the-step"
    step["c"].insert(0, {"n": "figure", "a": {}, "c": []})  # a figure in a step: the profile does not allow it
    r = olga.post(f"/api/edit/{CODE}/save", json={"base": data["sha256"], "doc": doc, "language": "en-US"})
    assert r.status_code == 422
    body = r.json()
    assert body["error"]["kind"] == "SchemaRefused"
    assert any(f["node"] == "the-step" and f["check"] == "schema" for f in body["findings"]), body["findings"]
    assert not list(csdb.glob(f"DMC-{CODE}_001-01_*.XML")), "nothing may be written"
    log = audit_log_for(csdb).entries()
    refused = [e for e in log if e["event"] == "edit-refused"]
    assert refused and "schema" in refused[-1]["reason"] and refused[-1]["writer"] == "olga"


def test_the_identity_is_the_servers_and_the_official_issue_stays(olga, csdb):
    official = csdb / f"DMC-{CODE}_001-00_en-US.XML"
    before = hashlib.sha256(official.read_bytes()).hexdigest()
    data = opened(olga)
    doc = copy.deepcopy(data["doc"])
    find(doc, "dmCode")["a"]["modelIdentCode"] = "EVIL"  # the browser may not change the code ...
    find(doc, "issueInfo")["a"].update(issueNumber="999", inWork="00")  # ... nor the issue
    find(doc, "techName")["c"] = ["Fuel filter <b onclick='x'>element</b>"]  # text stays text
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"
    doc["a"][xsi] = doc["a"][xsi].replace("proced.xsd", "descript.xsd")  # nor what kind of module it is
    r = olga.post(f"/api/edit/{CODE}/save", json={"base": data["sha256"], "doc": doc, "language": "en-US"})
    assert r.status_code == 200, r.text
    assert r.json()["issue"] == "001-01" and r.json()["upissued"]
    path = csdb / f"DMC-{CODE}_001-01_en-US.XML"
    root = load(path).root
    assert root.find(".//dmIdent/dmCode").get("modelIdentCode") == "DGEN"
    assert root.find(".//dmIdent/issueInfo").attrib == {"issueNumber": "001", "inWork": "01"}
    assert root.get(xsi).endswith("/proced.xsd")
    assert root.findtext(".//dmTitle/techName") == "Fuel filter <b onclick='x'>element</b>"
    assert b"<b onclick" not in path.read_bytes()
    assert hashlib.sha256(official.read_bytes()).hexdigest() == before
    log = audit_log_for(csdb).entries()
    save = [e for e in log if e["event"] == "edit-save"][-1]
    assert save["writer"] == "olga" and save["object"] == f"DMC-{CODE}" and save["issue"] == "001-01"
    assert save["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() and save["previous_sha256"] == data["sha256"]
    # the next save replaces the in-work issue; a save from the old version is refused
    again = opened(olga)
    assert again["issue"] == "001-01" and not again["official"]
    r = olga.post(f"/api/edit/{CODE}/save", json={"base": data["sha256"], "doc": doc, "language": "en-US"})
    assert r.status_code == 409 and r.json()["conflict"]["current"]["issue"] == "001-01"
    r = olga.post(f"/api/edit/{CODE}/save", json={"base": again["sha256"], "doc": again["doc"], "language": "en-US"})
    assert r.status_code == 200 and r.json()["issue"] == "001-01" and not r.json()["upissued"]
    assert sorted(p.name for p in csdb.glob(f"DMC-{CODE}_*_en-US.XML")) == [official.name, path.name]


def test_the_dashboard_shows_the_writers_modules_in_work(olga):
    page = olga.get("/edit").text
    assert f"DMC-{CODE}" in page and "001-01" in page


@pytest.mark.parametrize("bad", [
    {"n": "dmodule", "c": [{"n": "script src=x", "c": []}]},
    {"n": "dmodule", "a": {"onclick x": "1"}, "c": []},
    {"n": "dmodule", "c": [{"n": "{http://www.w3.org/1999/xhtml}script", "c": []}]},
    {"n": "dmodule", "c": [{"n": "#xml", "v": "<script xmlns='http://www.w3.org/1999/xhtml'>x</script>"}]},
    {"n": "dmodule", "c": [{"n": "#xml", "v": "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"}]},
    {"n": "para"},
    "just text",
])
def test_nothing_from_the_browser_becomes_markup(bad):
    grammar = grammar_of(PROFILE / "4.2" / "proced.xsd", "dmodule")
    with pytest.raises(InputError):
        from_json(bad, grammar)


def test_pickers(olga):
    found = olga.get("/api/edit-pick/modules", params={"q": "Останов", "language": "ru-RU"}).json()
    stop = next(m for m in found if m["key"] == "DMC-DGEN-A-D00-00-00-00A-130B-A")
    assert stop["title"] == "Дизель-генераторная установка ДГУ-5 - Останов"  # in the writer's language
    assert all("останов" in m["title"].lower() for m in found)
    ref = olga.get("/api/edit-pick/ref", params={"key": "DMC-DGEN-A-D00-00-00-00A-130B-A"}).json()
    assert ref["n"] == "dmRef" and find(ref, "dmCode")["a"]["infoCode"] == "130" and find(ref, "infoName")
    warnings = olga.get("/api/edit-pick/repository", params={"kind": "warning", "language": "ru-RU"}).json()
    got = [(w["number"], w["language"]) for w in warnings]
    assert {n for n, _ in got} == repository_numbers("ru-RU") and {lang for _, lang in got} == {"ru-RU"}, got
    wrn = next(w for w in warnings if w["number"] == "WRN-005")
    assert re.search("[а-я]", wrn["text"]) and wrn["ref"]["n"] == "warningRef", wrn
    assert find(wrn["ref"], "dmCode")["a"]["infoCode"] == "0A4", wrn
    tools = olga.get("/api/edit-pick/repository", params={"kind": "tool"}).json()
    assert any(t["number"] == "T-001" and t["ref"]["a"]["manufacturerCodeValue"] == "DZM01" for t in tools)
    icns = olga.get("/api/edit-pick/icns").json()
    assert any(i["ident"] == "ICN-DGENA-00002-001-01" and i["url"].endswith(".SVG") for i in icns)
    applic = olga.get("/api/edit-pick/applic", params={"code": CODE}).json()
    assert any(p["id"] == "model" for p in applic["properties"])
    assert olga.get("/api/edit-pick/repository", params={"kind": "nonsense"}).status_code == 404


def repository_numbers(language: str) -> set[str]:
    """The warning numbers the sample manual's repository holds in a language, read from the file itself."""
    tree = etree.parse(str(ROOT / "content" / WARNINGS.format(language)))
    return {el.get("warningIdentNumber") for el in tree.iter("warningIdent")}


def test_the_repository_picker_lists_every_entry_each_time(tmp_path):
    """Each entry once, and none lost: entries were once told apart by id() of lxml's element proxies, which
    Python gives to the next proxy as soon as one is freed, so that whether an entry was skipped depended on
    what else the process had allocated (test_pickers failed now and then in CI, never alone)."""
    csdb = tmp_path / "content"
    shutil.copytree(ROOT / "content", csdb, ignore=shutil.ignore_patterns(".*"))
    site = Site(csdb)
    try:
        expected = {"ru-RU": repository_numbers("ru-RU"), "en-US": repository_numbers("en-US")}
        assert len(expected["ru-RU"]) >= 8
        for _ in range(30):  # a fresh reading each time, as after each change of the CSDB
            repositories = pickers.Repositories(site)
            for language, numbers in expected.items():
                got = [(e["number"], e["language"]) for e in repositories.entries("warning", language)]
                assert sorted(got) == sorted((n, language) for n in numbers), got
    finally:
        site.catalog.close()


def test_a_repository_changed_while_the_picker_reads_it_is_read_again(tmp_path):
    """A save taken in on another thread while the picker reads the repositories (the site's model swapped
    meanwhile) is not counted as read: the next request reads them again, and offers the new entry."""
    csdb = tmp_path / "content"
    shutil.copytree(ROOT / "content", csdb, ignore=shutil.ignore_patterns(".*"))
    site = Site(csdb)
    try:
        repositories = pickers.Repositories(site)
        ru = csdb / WARNINGS.format("ru-RU")
        load = site.load

        def save_meanwhile(obj):  # the picker reads the Russian repository, and a save changes it then
            doc = load(obj)
            if Path(obj.path).name == ru.name:
                site.load = load
                ru.write_text(ru.read_text(encoding="utf-8").replace('"WRN-005"', '"WRN-099"'), encoding="utf-8")
                site.update(site.catalog.refresh().changed)
            return doc

        site.load = save_meanwhile
        assert "WRN-005" in {e["number"] for e in repositories.entries("warning", "ru-RU")}  # as it was read
        got = {e["number"] for e in repositories.entries("warning", "ru-RU")}
        assert "WRN-099" in got and "WRN-005" not in got, got
    finally:
        site.catalog.close()


def test_an_illustration_is_uploaded_through_the_intake_gate(olga, csdb):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>'
    r = olga.post("/api/edit-pick/icns", files={"file": ("ICN-DGENA-00099-001-01.SVG", svg, "image/svg+xml")})
    assert r.status_code == 200, r.text
    assert (csdb / "ICN-DGENA-00099-001-01.SVG").read_bytes() == svg
    again = olga.post("/api/edit-pick/icns", files={"file": ("ICN-DGENA-00099-001-01.SVG", svg, "image/svg+xml")})
    assert again.status_code == 422 and "never replaces" in again.json()["error"]["message"]
    bomb = b'<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>'
    assert olga.post("/api/edit-pick/icns", files={"file": ("ICN-DGENA-00098-001-01.SVG", bomb, "image/svg+xml")}).status_code == 422
    assert not (csdb / "ICN-DGENA-00098-001-01.SVG").exists()


def test_a_new_module_from_the_form(olga, csdb):
    form = olga.get("/edit/new").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    assert 'value="DGEN-A-D00-00-00-00A-022A-D"' in form  # the project BREX most modules follow
    r = olga.post("/edit/new", data={"code": "DGEN-A-D50-00-00-00A-520A-A", "title": "Frame - Remove the enclosure",
                                     "type": "procedural", "language": "en-US", "enterprise": "DZM01",
                                     "brex": "DGEN-A-D00-00-00-00A-022A-D", "csrf": csrf})
    assert r.status_code == 303 and r.headers["location"] == "/edit/DGEN-A-D50-00-00-00A-520A-A?language=en-US"
    path = csdb / "DMC-DGEN-A-D50-00-00-00A-520A-A_000-01_en-US.XML"
    root = load(path).root
    assert root.findtext(".//dmTitle/infoName") == "Remove the enclosure"
    ref = root.find(".//brexDmRef//dmCode")
    assert ref.get("infoCode") == "022" and ref.get("modelIdentCode") == "DGEN"
    mine = olga.get("/edit").text.split('data-group="others"')[0]
    assert 'data-key="DMC-DGEN-A-D50-00-00-00A-520A-A"' in mine  # on the writer's own list at once
    duplicate = olga.post("/edit/new", data={"code": "DGEN-A-D50-00-00-00A-520A-A", "title": "X - Y", "type": "procedural",
                                             "language": "en-US", "csrf": csrf})
    assert duplicate.status_code == 403 and "already exists" in duplicate.text
    bad = olga.post("/edit/new", data={"code": "not a code", "title": "X", "type": "procedural", "language": "en-US", "csrf": csrf})
    assert bad.status_code == 422


def test_with_the_official_schemas_configured_the_editor_follows_them(bike_copy, schemas42, brex42):
    """Where [schemas] names the official package, the grammar and the checks are the official schema's; a save
    of a Bike module as opened is valid against it (xlink attributes and all) and starts its next in-work issue."""
    from ietm.accounts import open_accounts

    (bike_copy / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n')
    open_accounts(bike_copy).add("olga", "writer", PASSWORD, "01")
    code = "S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
    with serving(bike_copy) as url:
        client = login(url, "olga")
        data = client.get(f"/api/edit/{code}", params={"language": "en-US"}).json()
        assert data["schema"] == {"url": "proced.xsd", "source": "official"}
        grammar = client.get(f"/api/edit/{code}/grammar").json()
        assert grammar["source"] == "official" and "proceduralStepElemType" in grammar["types"]
        r = client.post(f"/api/edit/{code}/save", json={"base": data["sha256"], "doc": data["doc"], "language": "en-US"})
        assert r.status_code == 200, r.text
        assert not [f for f in r.json()["findings"] if f["check"] == "schema"]
        client.close()
    saved = bike_copy / f"DMC-{code}_{r.json()['issue']}_EN-US.XML"
    saved = saved if saved.exists() else next(bike_copy.glob(f"DMC-{code}_{r.json()['issue']}_*.XML"))
    from ietm.check.schema import Validator
    from ietm.check.schemas_locator import SchemaLocator

    assert Validator(SchemaLocator([schemas42])).validate_file(str(saved)) == []


def test_the_live_preview_never_reloads_the_editor_under_the_writer(tmp_path, brex42):
    """`ietm serve --watch` reloads open pages when files change; a save of the editor is such a change, so the
    editor's pages do not carry the reloading script (the module pages do)."""
    from liveserver import serving as serving_process

    csdb = writable_content(tmp_path / "content", brex42)
    with serving_process(csdb, "--watch") as server:
        client = login(server.url, "olga")
        assert "/static/js/live.js" in client.get(f"/dm/{CODE}").text
        assert "/static/js/live.js" not in client.get(f"/edit/{CODE}").text
        assert "/static/js/live.js" not in client.get("/edit").text
        client.close()


def test_kept_versions_are_bounded(tmp_path, brex42):
    """Versions kept for merges go after 90 days unused, except those saves still name."""
    import os
    import time

    from ietm.serverdb import database_url, open_database
    from ietm.edit.store import EditStore, Save

    csdb = writable_content(tmp_path / "content", brex42)
    db = open_database(database_url(None, state_dir(csdb)))
    store = EditStore(db, state_dir(csdb))
    old, saved, base, fresh = (store.keep(f"<v{i}/>".encode()) for i in range(4))
    import datetime as dt

    store.record(Save("DMC-X", "en-US", "001-01", "f.XML", saved, "olga", dt.datetime.now(dt.timezone.utc), False, 0, 0, []), base)
    long_ago = time.time() - 100 * 86400
    for digest in (old, saved, base):
        os.utime(store.versions / f"{digest}.xml", (long_ago, long_ago))
    assert store.prune() == 1
    assert store.version(old) is None
    assert store.version(saved) and store.version(base) and store.version(fresh)
    db.dispose()
