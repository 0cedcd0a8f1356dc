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
from pathlib import Path

import httpx

from lxml import etree

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


def test_sigkill_under_load_loses_nothing(content: Path, schemas42: Path, brex42: Path, tmp_path: Path):
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    pki = tmp_path / "pki"
    init_demo(pki, b"demo passphrase")
    (tmp_path / "passphrase").write_text("demo passphrase\n")
    (csdb / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n'
                                    f'[sign]\ntrust = ["{pki / "ca.pem"}"]\n')
    open_accounts(csdb).add("writer", "writer", PASSWORD)
    server = Server(csdb)
    server.start()
    client = httpx.Client(base_url=server.url, timeout=30)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "writer", "password": PASSWORD, "csrf": token})
    csrf = client.get("/api/me").json()["csrf"]
    form_token = re.search(r'name="csrf" value="([^"]+)"', client.get("/upload").text).group(1)

    accepted: dict[str, bytes] = {}
    rejections: list[str] = []
    stop = threading.Event()

    def upload() -> None:
        for name, data in _issues(content, 200):
            if stop.is_set():
                return
            try:
                r = client.post("/upload", files={"files": (name, data)}, data={"csrf": form_token})
            except httpx.HTTPError:
                return
            if r.status_code == 200:
                accepted[name] = data
            else:
                rejections.append(r.text[-3000:])

    def remark() -> None:
        remark_client = httpx.Client(base_url=server.url, timeout=30, cookies=client.cookies)
        while not stop.is_set():
            try:
                remark_client.post("/api/remarks", headers={"X-CSRF-Token": csrf},
                                   json={"module": MODULE, "text": "Check the oil level figure.", "priority": "routine"})
            except httpx.HTTPError:
                return

    indexer = subprocess.Popen([sys.executable, "-m", "ietm", "index", str(csdb), "--rebuild"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    signing: list[subprocess.Popen] = []

    def sign() -> None:
        """QA signs module after module, each with its own `ietm sign`, until the power goes."""
        for path in sorted(csdb.glob("DMC-*_001-00_*.XML")):
            if stop.is_set():
                return
            proc = subprocess.Popen([sys.executable, "-m", "ietm", "sign", str(path), "--key", str(pki / "qa.key.pem"),
                                     "--cert", str(pki / "qa.pem"), "--passphrase-file", str(tmp_path / "passphrase"),
                                     "--verification", "first"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            signing.append(proc)
            proc.wait()

    threads = [threading.Thread(target=upload), threading.Thread(target=remark), threading.Thread(target=sign)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while (len(accepted) < 3 or len(signing) < 3) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert accepted, f"no upload went through before the kill: {rejections[:1]}"
    server.stop(signal.SIGKILL)
    stop.set()
    for proc in (indexer, *signing):  # each with its worker processes, as a power cut would
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    stop.set()
    for t in threads:
        t.join(30)

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
    again = Server(csdb)
    again.start()
    try:
        assert not [p.name for p in csdb.iterdir() if p.name.startswith(".upload-") or p.name.endswith(".tmp")]
        assert not list((state_dir(csdb) / "staging").iterdir())
        latest = max(accepted)
        issue = re.search(r"_(\d{3}-\d{2})_", latest).group(1)
        r = httpx.get(f"{again.url}/api/dm/{MODULE[4:]}?lang=en-US", timeout=30)
        assert r.status_code == 200 and r.json()["issue"] >= issue
    finally:
        again.stop()
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
