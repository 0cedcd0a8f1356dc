"""Deployment for many readers, as the README describes it: Debian's nginx serves the published bundle (with
the precompressed files the bundle has) and passes the writers' server, `ietm serve --workers 2`, behind it as
a reverse proxy. Readers' Chromium reads the bundle from nginx and keeps working offline; writers log in and
upload through the proxy, and login throttling tells the clients behind it apart (X-Forwarded-For from the
trusted proxy only)."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from clirun import ietm
from ietm.accounts import open_accounts
from liveserver import Server
from webserver import free_port

NGINX = "/usr/sbin/nginx"
PASSWORD = "correct horse battery"
MODULE = "DMC-DGEN-A-D10-10-00-00A-040A-A"

#: the README's configuration, with the test's folders and ports put in
CONF = """
load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;  # Debian's nginx.conf loads modules-enabled/
user root;  # the test's folders belong to root; a real install serves /srv as www-data
worker_processes 2;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    types {{ application/manifest+json webmanifest; }}  # added to mime.types, which lacks it
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;

    # readers: the published bundle, its precompressed files where the browser takes them
    server {{
        listen 127.0.0.1:{bundle_port};
        root {bundle};
        gzip_static on;
        brotli_static on;
        location = /sw.js {{ add_header Cache-Control "no-cache"; }}
        location / {{ try_files $uri $uri/ =404; }}
    }}

    # writers: the ietm server and its workers behind the proxy
    upstream ietm {{ server 127.0.0.1:{ietm_port}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{proxy_port};
        client_max_body_size 64m;  # [serve] max_upload_mb
        location / {{
            proxy_pass http://ietm;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 90s;  # the live-preview long-poll waits up to a minute
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def bundle(content: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("deploy") / "bundle"
    r = ietm("publish", content, "-o", out, "--allow-errors", "--format", "json")
    assert r.code == 0, r.err
    return out


@pytest.fixture(scope="module")
def writers(content: Path, schemas42: Path, brex42: Path, tmp_path_factory):
    """The writers' server on its default database (test_workers runs workers on SQLite and PostgreSQL alike)."""
    csdb = tmp_path_factory.mktemp("writers") / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    (csdb / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n'
                                    '[server]\ntrusted_proxies = ["127.0.0.1/32"]  # nginx, on this machine\n')
    accounts = open_accounts(csdb)
    accounts.add("writer", "writer", PASSWORD)
    accounts.db.dispose()
    server = Server(csdb, "--workers", "2")
    server.start(timeout=120)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def nginx(bundle: Path, writers: Server, tmp_path_factory):
    run = tmp_path_factory.mktemp("nginx")
    ports = {"bundle_port": free_port(), "proxy_port": free_port()}
    (run / "nginx.conf").write_text(CONF.format(run=run, bundle=bundle, ietm_port=writers.port, **ports))
    proc = subprocess.Popen([NGINX, "-p", str(run), "-c", str(run / "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    urls = {name.split("_")[0]: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(urls["bundle"] + "/", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield {**urls, "proc": proc}
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _from(address: str, base: str) -> httpx.Client:
    """A client on another loopback address: a reader or writer behind the proxy, told apart by it."""
    return httpx.Client(base_url=base, timeout=60, transport=httpx.HTTPTransport(local_address=address))


@pytest.mark.parametrize("page", ["index.html", "dm", "sw.js"])
def test_nginx_serves_the_bundle_with_its_precompressed_files(nginx, bundle, page):
    if page == "dm":
        page = next(p for p in sorted((bundle / "dm").glob("*.html")) if p.stat().st_size > 1000).relative_to(bundle).as_posix()
    source = (bundle / page).read_bytes()
    plain = httpx.get(f"{nginx['bundle']}/{page}", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.content == source and "content-encoding" not in plain.headers
    # the file the bundle has precompressed goes out as it is, never compressed again by the web server
    for encoding, suffix in (("gzip", ".gz"), ("br", ".br")):
        packed = httpx.get(f"{nginx['bundle']}/{page}", headers={"Accept-Encoding": encoding})
        assert packed.headers.get("content-encoding") == encoding, (page, encoding)
        assert int(packed.headers["content-length"]) == (bundle / (page + suffix)).stat().st_size
        assert packed.content == source  # httpx unpacks what nginx sent packed
    # a browser that takes both gets the smaller
    both = httpx.get(f"{nginx['bundle']}/{page}", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert both.headers["content-encoding"] == "br"


def test_the_service_worker_is_never_kept_stale(nginx):
    assert httpx.get(nginx["bundle"] + "/sw.js").headers["cache-control"] == "no-cache"


def test_files_go_out_with_their_types(nginx):
    types = {path: httpx.get(nginx["bundle"] + path).headers["content-type"].split(";")[0]
             for path in ("/index.html", "/static/css/ietm.css", "/sw.js", "/search/head.json", "/manifest.webmanifest")}
    assert types == {"/index.html": "text/html", "/static/css/ietm.css": "text/css", "/sw.js": "application/javascript",
                     "/search/head.json": "application/json", "/manifest.webmanifest": "application/manifest+json"}


def test_writers_work_through_the_proxy(nginx, content):
    writer = _from("127.0.0.2", nginx["proxy"])
    token = re.search(r'name="csrf" value="([^"]+)"', writer.get("/login").text).group(1)
    assert writer.post("/login", data={"name": "writer", "password": PASSWORD, "csrf": token}).status_code == 303
    form = re.search(r'name="csrf" value="([^"]+)"', writer.get("/upload").text).group(1)
    source = (content / f"{MODULE}_001-00_en-US.XML").read_bytes()
    data = source.replace(b'issueNumber="001"', b'issueNumber="002"', 1).replace(b'issueType="new"', b'issueType="changed"', 1)
    r = writer.post("/upload", files={"files": (f"{MODULE}_002-00_en-US.XML", data)}, data={"csrf": form})
    assert r.status_code == 200, r.text[-500:]
    # the next requests may reach either worker: each has taken the upload in
    assert {_from("127.0.0.2", nginx["proxy"]).get(f"/api/dm/{MODULE[4:]}").json()["issue"] for _ in range(8)} == {"002-00"}


def test_throttling_tells_clients_behind_the_proxy_apart(nginx):
    attacker, colleague = _from("127.0.0.3", nginx["proxy"]), _from("127.0.0.4", nginx["proxy"])

    def attempt(client: httpx.Client, password: str, spoof: str | None = None) -> httpx.Response:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        headers = {"X-Forwarded-For": spoof} if spoof else {}
        return client.post("/login", data={"name": "writer", "password": password, "csrf": token}, headers=headers)

    codes = []
    for i in range(12):
        r = attempt(attacker, f"guess {i}", spoof=f"198.51.100.{i}")  # a forged header does not make a new client
        codes.append(r.status_code)
        if r.status_code == 429:
            if int(r.headers["retry-after"]) >= 4:
                break
            time.sleep(int(r.headers["retry-after"]))
    assert codes[:5] == [401] * 5 and codes[-1] == 429
    assert attempt(colleague, PASSWORD).status_code == 303  # the real user behind the same proxy is not locked out


@pytest.mark.browser
def test_chromium_reads_the_bundle_from_nginx_and_keeps_working_offline(nginx, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 1366})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(nginx["bundle"] + "/index.html")
        page.wait_for_function("document.documentElement.dataset.offlineReady === 'true'", timeout=120_000)
        proc = nginx["proc"]  # from here on there is no web server at all
        proc.terminate()
        proc.wait(15)
        context.set_offline(True)
        page.goto(nginx["bundle"] + "/index.html")
        page.wait_for_selector("[data-bundle-banner=offline]", state="visible")
        page.click("ul.cards a >> nth=0")
        page.wait_for_load_state()
        page.click("main a[href^='../dm/'] >> nth=0")
        page.wait_for_load_state()
        assert "/dm/" in page.url and page.locator("main h1").count()
    finally:
        context.close()
    assert not errors, errors
