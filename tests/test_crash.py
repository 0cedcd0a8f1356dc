"""Reliability: the server is killed (SIGKILL) while uploads, remarks and indexing are under way; after a
restart every file is whole, nothing half-written is left, and catalog and index agree with the files."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from lxml import etree
from lxml import html as lxml_html

from clirun import ietm
from ietm.accounts import open_accounts
from ietm.catalog import Catalog
from ietm.catalog.db import csdb_files
from ietm.index.store import SearchIndex
from ietm.parse import read_object
from ietm.paths import state_dir
from ietm.sign.detached import sig_path
from ietm.sign.pki import init_demo
from liveserver import ROOT, Server

PASSWORD = "correct horse battery"
MODULE = "DMC-DGEN-A-D10-10-00-00A-040A-A"


def _issues(content: Path, count: int) -> list[tuple[str, bytes]]:
    """New issues 010..., of one sample module, each a valid object under its own S1000D file name."""
    src = (content / f"{MODULE}_001-00_en-US.XML").read_bytes()
    out = []
    for n in range(10, 10 + count):
        data = re.sub(rb'issueNumber="\d{3}"', f'issueNumber="{n:03d}"'.encode(), src, count=1)
        data = data.replace(b'issueType="new"', b'issueType="changed"', 1)  # BREX: a later issue is changed or says why
        out.append((f"{MODULE}_{n:03d}-00_en-US.XML", data))
    return out


def _reason(r: httpx.Response) -> str:
    """Why the server refused an upload, whole: the status and the verdicts (or, on another page, its text)."""
    tree = lxml_html.fromstring(r.text or "<p></p>")
    part = next((el for el in (tree.find(".//section[@class='upload-verdicts']"), tree.find(".//main")) if el is not None), tree)
    text = " ".join(part.text_content().split())
    return f"HTTP {r.status_code}: {text}"


class Load:
    """Writers uploading, technicians posting remarks, QA signing and an indexer, all against one CSDB at once.

    `halt()` ends every thread and process it started; it is called both after the kill and, whatever the test
    does, when the test ends, so that nothing keeps running after a failure."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.killing = threading.Event()  # from here on a request may fail because the server is gone
        self.threads: list[threading.Thread] = []
        self.procs: list[subprocess.Popen] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def thread(self, target) -> None:
        """Run `target` in a thread; what it raises is kept in `errors` and said when the test fails."""

        def run() -> None:
            try:
                target()
            except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
                self.errors.append(f"{target.__name__}: {type(exc).__name__}: {exc}")

        t = threading.Thread(target=run, daemon=True)
        self.threads.append(t)
        t.start()

    def spawn(self, *args: str) -> subprocess.Popen | None:
        """An `ietm` command in its own process group (it and its workers are killed together)."""
        with self._lock:
            if self.stop.is_set():
                return None
            proc = subprocess.Popen([sys.executable, "-m", "ietm", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            self.procs.append(proc)
            return proc

    def halt(self) -> None:
        with self._lock:
            self.stop.set()
        for proc in self.procs:  # each with its worker processes, as a power cut would
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        for t in self.threads:
            t.join(60)
        assert not any(t.is_alive() for t in self.threads), "a load thread did not end"


def test_sigkill_under_load_loses_nothing(content: Path, schemas42: Path, brex42: Path, tmp_path: Path):
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    pki = tmp_path / "pki"
    init_demo(pki, b"demo passphrase")
    (tmp_path / "passphrase").write_text("demo passphrase\n")
    (csdb / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n'
                                    f'[sign]\ntrust = ["{pki / "ca.pem"}"]\n')
    open_accounts(csdb).add("writer", "writer", PASSWORD)
    load = Load()
    server = Server(csdb)
    with ExitStack() as cleanup:
        server.start()
        cleanup.callback(server.stop, signal.SIGKILL)
        cleanup.callback(load.halt)
        accepted, rejections = _under_load(server, load, csdb, content, pki, tmp_path)
        load.killing.set()
        server.stop(signal.SIGKILL)
        load.halt()
    # every upload before the power cut was accepted: these are valid new issues (a server that refreshed its
    # catalog from two threads at once answered 500 to some)
    assert accepted and not rejections and not load.errors, f"uploads refused before the kill: {rejections[:3]} {load.errors}"
    _lost_nothing(csdb, accepted)


def _under_load(server: Server, load: Load, csdb: Path, content: Path, pki: Path, tmp_path: Path):
    """Uploads, remarks, signing and indexing under way until three uploads and three signings have started."""
    client = httpx.Client(base_url=server.url, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "writer", "password": PASSWORD, "csrf": token})
    csrf = client.get("/api/me").json()["csrf"]
    form_token = re.search(r'name="csrf" value="([^"]+)"', client.get("/upload").text).group(1)

    accepted: dict[str, bytes] = {}
    rejections: list[str] = []

    def upload() -> None:
        for name, data in _issues(content, 200):
            if load.stop.is_set():
                return
            try:
                r = client.post("/upload", files={"files": (name, data)}, data={"csrf": form_token})
            except httpx.HTTPError as exc:
                if not load.killing.is_set():
                    rejections.append(f"{name}: {type(exc).__name__}: {exc}")
                return
            if r.status_code == 200:
                accepted[name] = data
            elif not load.killing.is_set():
                rejections.append(f"{name}: {_reason(r)}")

    def remark() -> None:
        remark_client = httpx.Client(base_url=server.url, timeout=60, cookies=client.cookies)
        while not load.stop.is_set():
            try:
                r = remark_client.post("/api/remarks", headers={"X-CSRF-Token": csrf},
                                       json={"module": MODULE, "text": "Check the oil level figure.", "priority": "routine"})
            except httpx.HTTPError:
                return
            if r.status_code >= 300 and not load.killing.is_set():
                load.errors.append(f"remark: HTTP {r.status_code}: {r.text[:2000]}")
                return

    def sign() -> None:
        """QA signs module after module, each with its own `ietm sign`, until the power goes."""
        for path in sorted(csdb.glob("DMC-*_001-00_*.XML")):
            proc = load.spawn("sign", str(path), "--key", str(pki / "qa.key.pem"), "--cert", str(pki / "qa.pem"),
                              "--passphrase-file", str(tmp_path / "passphrase"), "--verification", "first")
            if proc is None:
                return
            proc.wait()

    load.spawn("index", str(csdb), "--rebuild")
    for target in (upload, remark, sign):
        load.thread(target)
    # no clock: on a slow machine this takes longer, and the suite's time limit stops a hang
    uploader = load.threads[0]
    while (len(accepted) < 3 or len(load.procs) < 4) and uploader.is_alive() and not rejections and not load.errors:
        time.sleep(0.1)
    return accepted, rejections


def _lost_nothing(csdb: Path, accepted: dict[str, bytes]) -> None:
    # every object file is whole: it parses and says who it is
    for path in csdb_files(csdb):
        obj = read_object(path)
        assert obj.key, path
    for name, data in accepted.items():
        assert (csdb / name).read_bytes() == data, f"accepted upload {name} changed"
    # signatures written before the kill are whole and verify; an object caught between its two writes is
    # reported by ietm verify, never left unreadable
    signed = [p for p in csdb.glob("DMC-*.XML") if sig_path(p).exists()]
    for p in signed:
        etree.parse(str(sig_path(p)))
    assert signed, "the signer signed nothing before the kill"
    verified = ietm("verify", *signed, "--format", "json")
    statuses = {r["status"] for r in json.loads(verified.out)["results"]} if verified.out.strip() else set()
    assert statuses and statuses <= {"valid", "invalid"}, verified.out + verified.err

    # a restarted server cleans what the kill left, and catalog and index agree with the files
    with Server(csdb) as again:
        assert not [p.name for p in csdb.iterdir() if p.name.startswith(".upload-") or p.name.endswith(".tmp")]
        assert not list((state_dir(csdb) / "staging").iterdir())
        latest = max(accepted)
        issue = re.search(r"_(\d{3}-\d{2})_", latest).group(1)
        r = httpx.get(f"{again.url}/api/dm/{MODULE[4:]}?lang=en-US", timeout=60)
        assert r.status_code == 200 and r.json()["issue"] >= issue
    catalog = Catalog.open(csdb)
    catalog.refresh()
    on_disk = {p.relative_to(csdb).as_posix() for p in csdb_files(csdb)}
    in_catalog = {Path(o.path).relative_to(csdb).as_posix() for o in catalog.all(with_refs=False)}
    assert on_disk == in_catalog and not catalog.errors()
    index = SearchIndex(csdb)
    index.update()
    with index.open().searcher() as s:
        indexed = {(d["key"], d["language"], d["issue"]) for d in s.all_stored_fields() if d.get("latest", True)}
    expected = {(o.key, o.language, o.issue) for o in catalog.objects(kind="dm", state="latest")}
    assert expected <= indexed, sorted(expected - indexed)[:5]
