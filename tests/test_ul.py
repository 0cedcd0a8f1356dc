"""The information-certifying sheet (УЛ) of the sample manual's release: every file with its Streebog-256
digest, every signature of the ESKD route, and a verdict that agrees with `ietm verify`; on the command
line, as a file, and on a real server."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import httpx
import pytest

from clirun import ietm
from ietm.accounts import open_accounts
from ietm.sign.manifest import parse
from ietm.sign.ul import streebog256
from liveserver import serving
from register_support import Setup, make_setup

ROLES = ["razrab", "prov", "tkontr", "nkontr", "utv"]


@pytest.fixture(scope="module")
def released(tmp_path_factory, content, brex42) -> Setup:
    """The sample manual, every object and the release taken through the whole route by the five holders."""
    s = make_setup(tmp_path_factory.mktemp("ul"), content)
    objects = sorted(p for p in s.csdb.glob("*.XML"))
    for who in ROLES:
        r = ietm("sign", *objects, *s.signer(who), "-B", brex42)
        assert r.code == 0, r.err
    r = ietm("release", s.csdb, *s.signer("razrab"), "-B", brex42)
    assert r.code == 0, r.err
    for who in ROLES[1:]:
        r = ietm("sign", s.csdb / "release.manifest", *s.signer(who))
        assert r.code == 0, r.err
    return s


def sheet(csdb: Path) -> tuple[int, dict]:
    r = ietm("ul", csdb, "--format", "json")
    return r.code, json.loads(r.out)


def test_streebog_is_the_standard_one(tmp_path: Path):
    """GOST R 34.11-2012, example 1 (message M1) of the standard, 256-bit digest."""
    m1 = tmp_path / "m1"
    m1.write_bytes(b"012345678901234567890123456789012345678901234567890123456789012")
    assert streebog256([m1])[m1] == "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"


def test_sheet_lists_every_file_and_signature_and_agrees_with_verify(released: Setup):
    code, ul = sheet(released.csdb)
    assert code == 0, ul
    _, entries = parse((released.csdb / "release.manifest").read_bytes(), "manifest")
    assert [f["path"] for f in ul["files"]] == [e.path for e in entries]
    assert len(entries) == len(list(released.csdb.glob("*.XML"))) + len(list(released.csdb.glob("*.SVG")))
    assert ul["designation"] == "PMC-DGEN-DZM01-00001-00-УЛ" and ul["title"]
    # each digest is the file's Streebog-256 now
    paths = [released.csdb / f["path"] for f in ul["files"]]
    digests = streebog256(paths)
    assert all(f["streebog256"] == digests[p] for f, p in zip(ul["files"], paths))
    # the release's five signatories, in route order, with name, date, serial and issuer
    assert [s["role"] for s in ul["signatories"]] == ["Разработал", "Проверил", "Т. контр.", "Н. контр.", "Утвердил"]
    assert ul["signatories"][4]["name"] == "Соколов Игорь Николаевич"
    assert all(s["serial"] and "ietm demo CA" in s["issuer"] and s["date"] for s in ul["signatories"])
    objects = [f for f in ul["files"] if f["kind"] != "icn"]
    assert all(len(f["signatures"]) == 5 for f in objects)
    assert ul["signatures"] == 5 + 5 * len(objects)
    # the verdicts are those of `ietm verify`, file by file and for the release
    r = ietm("verify", *[released.csdb / f["path"] for f in objects], "--format", "json")
    verdicts = {Path(o["path"]).name: o["status"] for o in json.loads(r.out)["results"]}
    assert all(verdicts[f["path"]] == f["status"] == "valid" for f in objects)
    r = ietm("verify", released.csdb, "--format", "json")
    assert r.code == 0 and json.loads(r.out)["status"] == ul["verdict"]["status"] == "valid"


def test_sheet_file_and_a_changed_module(released: Setup, tmp_path: Path):
    csdb = tmp_path / "csdb"
    shutil.copytree(released.csdb, csdb)
    (csdb / "ietm.toml").write_text((released.csdb / "ietm.toml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "ul.html"
    r = ietm("ul", csdb, "-o", out)
    assert r.code == 0 and r.out.startswith("SUCCESS: ul:"), r.out + r.err
    html = out.read_text(encoding="utf-8")
    assert "ИНФОРМАЦИОННО-УДОСТОВЕРЯЮЩИЙ ЛИСТ".lower() in html.lower() and "PMC-DGEN-DZM01-00001-00-УЛ" in html
    assert html.count('data-path="') >= 2 * 99 and "<script" not in html
    victim = next(csdb.glob("DMC-*_ru-RU.XML"))
    victim.write_bytes(victim.read_bytes().replace(b"</dmodule>", b"<!-- x --></dmodule>"))
    r = ietm("ul", csdb, "-o", out)
    assert r.code == 1 and victim.name in r.out
    code, ul = sheet(csdb)
    assert code == 1
    row = next(f for f in ul["files"] if f["path"] == victim.name)
    assert row["state"] == "changed" and row["status"] == "invalid"
    assert ul["verdict"]["status"] == "invalid"
    r = ietm("verify", victim, "--format", "json")
    assert r.code == 10 and json.loads(r.out)["results"][0]["status"] == row["status"]
    r = ietm("verify", csdb, "--format", "json")
    assert r.code == 10 and json.loads(r.out)["status"] == ul["verdict"]["status"]


PASSWORD = "correct horse battery"


def _login(server, name: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=120)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}).status_code == 303
    return client


def test_server_shows_the_sheet_and_the_register(released: Setup, tmp_path: Path):
    csdb = tmp_path / "csdb"
    shutil.copytree(released.csdb, csdb, ignore=shutil.ignore_patterns(".ietm"))
    (csdb / "ietm.toml").write_text((released.csdb / "ietm.toml").read_text(encoding="utf-8"), encoding="utf-8")
    accounts = open_accounts(csdb)
    accounts.add("chief", "admin", PASSWORD)
    accounts.add("olga", "writer", PASSWORD)
    with serving(csdb) as server:
        page = httpx.get(server.url + "/release/ul?lang=ru", timeout=120)
        assert page.status_code == 200 and 'data-ul-verdict="valid"' in page.text
        assert "Информационно-удостоверяющий лист" in page.text and "Соколов Игорь Николаевич" in page.text
        api = httpx.get(server.url + "/api/release/ul", timeout=120).json()["ul"]
        assert api["signatures"] == 500 and len(api["files"]) == 114
        download = httpx.get(server.url + "/release/ul.html", timeout=120)
        assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
        assert 'href="/release/ul"' in httpx.get(server.url + "/release", timeout=60).text
        # the register: the admin's page, nobody else's
        assert _login(server, "olga").get("/admin/register").status_code == 403
        chief = _login(server, "chief")
        reg = chief.get("/admin/register?lang=ru")
        assert reg.status_code == 200 and "Соколов Игорь Николаевич" in reg.text and "Утвердил" in reg.text
        token = re.search(r'name="csrf" value="([^"]+)"', reg.text).group(1)
        pki = released.pki
        key = (pki.key("qa").read_bytes(), pki.cert("qa").read_bytes())
        done = chief.post("/admin/register/appoint", data={
            "csrf": token, "name": "Новикова Анна Сергеевна", "position": "Инженер", "kind": "holder",
            "roles": ["Проверил", "Т. контр."], "passphrase": "correct horse battery staple"},
            files={"holder_cert": ("anna.pem", pki.cert("writer").read_bytes()), "keyfile": ("qa.key.pem", key[0]),
                   "certfile": ("qa.pem", key[1])})
        assert done.status_code == 200 and 'data-register-outcome="ok"' in done.text, done.text[-2000:]
        # a key that is not an official's is refused, and nothing is written
        refused = chief.post("/admin/register/end", data={"csrf": token, "number": "2", "reason": "тест",
                                                         "passphrase": "correct horse battery staple"},
                             files={"keyfile": ("w.key.pem", pki.key("writer").read_bytes()),
                                    "certfile": ("w.pem", pki.cert("writer").read_bytes())})
        assert refused.status_code == 403 and "not an official" in refused.text
    r = ietm("register", "list", csdb, "--format", "json")
    people = [a["name"] for a in json.loads(r.out)["appointments"]]
    assert "Новикова Анна Сергеевна" in people and len(people) == 7
