"""The shared server, over a real ietm server on loopback: each role may do what it should and no more."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from ietm.accounts import open_accounts
from liveserver import serving

PROC = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def csdb(tmp_path_factory, bike, schemas42, brex42, module_db_url) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("server") / "csdb"
    shutil.copytree(bike, root)
    for p in [root, *root.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    # one module classified 03 (confidential), which only cleared users may see
    secret = root / "DMC-S1000DBIKE-AAA-DA2-00-00-00AA-041A-A_009-00_en-US.XML"
    secret.write_text(secret.read_text(encoding="utf-8").replace('securityClassification="01"', 'securityClassification="03"', 1), encoding="utf-8")
    (root / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n'
                                    f'[server]\ndatabase = "{module_db_url}"\n[serve]\nmax_upload_mb = 2\n')
    accounts = open_accounts(root)
    for name, role, clearance in (("tech", "technician", "01"), ("writer", "writer", "01"), ("qa", "qa", "03"), ("admin", "admin", "05")):
        accounts.add(name, role, PASSWORD, clearance)
    return root


@pytest.fixture(scope="module")
def server(csdb):
    with serving(csdb) as s:
        yield s


def login(server, name: str, password: str = PASSWORD) -> httpx.Client:
    """A client logged in as `name` whose browser asks for English, the language of the messages read here."""
    client = httpx.Client(base_url=server.url, timeout=30, headers={"Accept-Language": "en"})
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = client.post("/login", data={"name": name, "password": password, "csrf": token, "next": "/"})
    assert r.status_code == 303, r.text
    return client


def csrf(client: httpx.Client) -> str:
    return client.get("/api/me").json()["csrf"]


def test_security_headers_on_every_response(server):
    for path in ("/", "/static/css/ietm.css", "/no/such/page", "/api/objects"):
        r = httpx.get(server.url + path)
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    assert "Traceback" not in httpx.get(server.url + "/dm/%00%ff").text


def test_anonymous_may_read_but_not_change(server):
    assert httpx.get(server.url + "/dm/S1000DBIKE-AAA-DA1-10-00-00AA-251A-A").status_code == 200
    assert httpx.get(server.url + "/upload").status_code == 401
    assert httpx.post(server.url + "/api/remarks", json={"module": "x", "text": "y"}).status_code == 401
    assert httpx.get(server.url + "/remarks").status_code == 401


def test_technician_sends_remarks_but_may_not_upload(server, csdb):
    tech = login(server, "tech")
    assert tech.get("/upload").status_code == 403
    assert tech.get("/remarks").status_code == 403
    body = {"module": "S1000DBIKE-AAA-DA1-10-00-00AA-251A-A", "text": "Step 2: the torque is missing.", "priority": "safety"}
    assert tech.post("/api/remarks", json=body).status_code == 403  # no CSRF token
    assert tech.post("/api/remarks", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    r = tech.post("/api/remarks", json=body, headers={"X-CSRF-Token": csrf(tech)})
    assert r.status_code == 201, r.text
    assert (csdb / r.json()["file"]).is_file()
    writer = login(server, "writer")
    queue = writer.get("/remarks")
    assert queue.status_code == 200 and "Step 2: the torque is missing." in queue.text and "safety" in queue.text


def test_writer_uploads_through_the_gate(server, csdb):
    writer = login(server, "writer")
    form = writer.get("/upload")
    assert form.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    good = (csdb / PROC).read_bytes().replace(b'issueNumber="008"', b'issueNumber="009"', 1)
    new_name = PROC.replace("008-00", "009-00")
    bad = good.replace(b'issueType="deleted"', b'issueType="bogus"')
    # without the form's token: refused
    assert writer.post("/upload", files={"files": (new_name, good)}, data={"csrf": "nope"}).status_code == 403
    rejected = writer.post("/upload", files={"files": (new_name, bad)}, data={"csrf": token})
    assert rejected.status_code == 422 and "rejected" in rejected.text and "issueType" in rejected.text
    assert not (csdb / new_name).exists()
    accepted = writer.post("/upload", files={"files": (new_name, good)}, data={"csrf": token})
    assert accepted.status_code == 200, accepted.text
    assert (csdb / new_name).read_bytes() == good
    # catalogued at once: the address now serves issue 009-00 as the latest
    page = writer.get("/api/dm/S1000DBIKE-AAA-DA1-10-00-00AA-251A-A")
    assert page.json()["issue"] == "009-00"
    # the same file again never replaces it
    again = writer.post("/upload", files={"files": (new_name, bad)}, data={"csrf": token})
    assert again.status_code == 422 and (csdb / new_name).read_bytes() == good


def test_hostile_uploads(server, csdb):
    writer = login(server, "writer")
    token = re.search(r'name="csrf" value="([^"]+)"', writer.get("/upload").text).group(1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../evil.XML", "<a/>")
    slip = writer.post("/upload", files={"files": ("slip.zip", buf.getvalue())}, data={"csrf": token})
    assert slip.status_code == 422 and "outside the CSDB" in slip.text
    assert not (csdb.parent / "evil.XML").exists() and not (csdb.parent.parent / "evil.XML").exists()
    xxe = b'<?xml version="1.0"?><!DOCTYPE dmodule [<!ENTITY x SYSTEM "file:///etc/passwd">]><dmodule>&x;</dmodule>'
    r = writer.post("/upload", files={"files": ("DMC-XXE.XML", xxe)}, data={"csrf": token})
    assert r.status_code == 422 and "external entity" in r.text and "root:" not in r.text
    decls = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 9))
    bomb = f'<?xml version="1.0"?><!DOCTYPE dmodule [{decls}]><dmodule>&a8;</dmodule>'.encode()
    r = writer.post("/upload", files={"files": ("DMC-BOMB.XML", bomb)}, data={"csrf": token})
    assert r.status_code == 422 and "entity-expansion bomb" in r.text and not (csdb / "DMC-BOMB.XML").exists()
    script_name = writer.post("/upload", files={"files": ("<script>alert(1)</script>.XML", b"<a/>")}, data={"csrf": token})
    assert script_name.status_code == 422 and "<script>alert(1)" not in script_name.text
    big = writer.post("/upload", files={"files": ("big.XML", b"x" * (3 * 1024 * 1024))}, data={"csrf": token})
    assert big.status_code == 413


def test_clearance_hides_classified_modules(server):
    code = "S1000DBIKE-AAA-DA2-00-00-00AA-041A-A"
    assert httpx.get(f"{server.url}/dm/{code}").status_code == 404
    assert login(server, "tech").get(f"/dm/{code}").status_code == 404
    assert login(server, "tech").get(f"/api/dm/{code}").status_code == 404
    assert login(server, "qa").get(f"/dm/{code}").status_code == 200
    # listings and search do not name it to those not cleared either
    key = "DMC-" + code
    assert code not in httpx.get(server.url + "/dm").text
    assert code in login(server, "qa").get("/dm").text
    assert key not in {o["key"] for o in httpx.get(server.url + "/api/objects").json()}
    assert key in {o["key"] for o in login(server, "qa").get("/api/objects").json()}
    # the first search builds the index: give a loaded machine time for it
    hits = httpx.get(server.url + "/api/search", params={"q": f"code:{key}"}, timeout=120).json()["hits"]
    assert key not in {h["key"] for h in hits}
    assert key in {h["key"] for h in login(server, "qa").get("/api/search", params={"q": f"code:{key}"}).json()["hits"]}
    link = f'/dm/{code}'  # a result links to the module; the query box only echoes what was typed
    assert link not in httpx.get(server.url + "/search", params={"q": f"code:{key}"}, timeout=60).text
    assert link in login(server, "qa").get("/search", params={"q": f"code:{key}"}).text


def test_session_fixation_and_logout(server):
    client = httpx.Client(base_url=server.url)
    client.cookies.set("ietm_session", "attacker-chosen-value", domain="127.0.0.1")
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "tech", "password": PASSWORD, "csrf": token})
    issued = client.cookies.get("ietm_session", domain="127.0.0.1")
    assert issued and issued != "attacker-chosen-value"
    fixated = httpx.Client(base_url=server.url, cookies={"ietm_session": "attacker-chosen-value"})
    assert fixated.get("/api/me").json()["user"] is None
    assert client.get("/api/me").json()["user"] == "tech"
    me = client.get("/api/me").json()
    assert client.post("/logout", data={"csrf": me["csrf"]}).status_code == 303
    stale = httpx.Client(base_url=server.url, cookies={"ietm_session": issued})
    assert stale.get("/api/me").json()["user"] is None


def _try_login(client: httpx.Client, name: str, password: str, forwarded_for: str | None = None) -> httpx.Response:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/login", data={"name": name, "password": password, "csrf": token}, headers=headers)


def _guess_until_slowed(client: httpx.Client, name: str, forwarded_for=lambda i: None) -> list[int]:
    """Wrong passwords until the server asks for a wait of 4 s or more (each wait sat out doubles the next one;
    a wait that long outlasts the next request even on a loaded machine). Returns the status codes."""
    codes: list[int] = []
    for i in range(12):
        r = _try_login(client, name, f"guess {i}", forwarded_for(i))
        codes.append(r.status_code)
        if r.status_code == 429:
            if int(r.headers["retry-after"]) >= 4:
                return codes
            time.sleep(int(r.headers["retry-after"]))
    raise AssertionError(f"never slowed down: {codes}")


def test_login_needs_its_form_token_and_slows_guessing(server):
    client = httpx.Client(base_url=server.url, timeout=30)
    assert client.post("/login", data={"name": "admin", "password": PASSWORD, "csrf": "x"}).status_code == 403
    # the peer is no trusted proxy, so a forged X-Forwarded-For changes nothing: every guess counts for 127.0.0.1
    codes = _guess_until_slowed(client, "admin", lambda i: f"203.0.113.{i}")
    assert codes[:5] == [401] * 5 and codes[-1] == 429
    waiting = _try_login(httpx.Client(base_url=server.url, cookies={"ietm_lang": "ru"}), "admin", PASSWORD)
    assert waiting.status_code == 429 and int(waiting.headers["retry-after"]) >= 1
    assert "Слишком много неверных паролей" in waiting.text
    # a wait, not a lockout of the address: the others at this address log in as usual
    assert _try_login(httpx.Client(base_url=server.url), "tech", PASSWORD).status_code == 303


def _own_server(csdb: Path, folder: Path, module_db_url: str, request, server_settings: str = "",
                serve_settings: str = "") -> Path:
    """A copy of the module's CSDB for a server of its own (with a database of its own) and extra settings."""
    import shutil

    shutil.copytree(csdb, folder, ignore=shutil.ignore_patterns(".ietm"))
    toml = (csdb / "ietm.toml").read_text().replace("[server]\n", f"[server]\n{server_settings}") + serve_settings
    if module_db_url:
        toml = toml.replace(module_db_url, request.getfixturevalue("postgres").new_database())
    (folder / "ietm.toml").write_text(toml)
    return folder


def test_behind_a_trusted_proxy_each_client_waits_apart(csdb, tmp_path, module_db_url, request):
    proxied = _own_server(csdb, tmp_path / "proxied", module_db_url, request, 'trusted_proxies = ["127.0.0.1/32"]\n')
    open_accounts(proxied).add("admin", "admin", PASSWORD, "05")
    attacker, colleague = "203.0.113.5", "198.51.100.7"
    with serving(proxied) as s:
        client = httpx.Client(base_url=s.url, timeout=30)
        codes = _guess_until_slowed(client, "admin", lambda i: attacker)
        assert codes[:5] == [401] * 5 and codes[-1] == 429
        # the proxy appends the address it saw: what the client wrote to the left of it does not help
        assert _try_login(client, "admin", "guess", f"{colleague}, {attacker}").status_code == 429
        # the same user behind the same proxy, from another machine, is not locked out
        assert _try_login(client, "admin", PASSWORD, colleague).status_code == 303


@pytest.mark.parametrize("path", ["/icn/..%2F..%2F..%2Fetc%2Fpasswd", "/icn/%2e%2e/%2e%2e/etc/passwd",
                                  "/dm/..%2F..%2Fetc%2Fpasswd", "/pm/..%5C..%5Cwin.ini", "/static/../ietm/cli.py",
                                  "/static/%2e%2e/%2e%2e/pyproject.toml"])
def test_path_traversal_is_refused(server, path):
    r = httpx.get(server.url + path)
    assert r.status_code in (400, 404) and "root:" not in r.text and "[project]" not in r.text


def test_restricted_manual_needs_login(csdb, tmp_path, module_db_url, request):
    closed = _own_server(csdb, tmp_path / "closed", module_db_url, request, serve_settings="anonymous_read = false\n")
    open_accounts(closed).add("tech", "technician", PASSWORD)
    with serving(closed) as s:
        home = httpx.get(s.url + "/", follow_redirects=False)
        assert home.status_code == 303 and home.headers["location"].startswith("/login")
        assert httpx.get(s.url + "/api/objects").status_code == 401
        assert login(s, "tech").get("/").status_code == 200
