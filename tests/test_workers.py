"""`ietm serve --workers 2`, on SQLite and on PostgreSQL: the workers act as one server (a login, an upload,
throttling made on one are known to the other at once), and a kill -9 of one worker while writers upload loses
nothing: every accepted upload is whole, catalogued and served, the other worker goes on serving, and the
server starts a new worker in place of the dead one."""

from __future__ import annotations

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
import pytest

from ietm.accounts import open_accounts
from ietm.catalog.db import csdb_files
from ietm.parse import read_object
from ietm.paths import state_dir
from liveserver import Server, serving_workers, workers_of
from webserver import free_port

PASSWORD = "correct horse battery"
MODULE = "DMC-DGEN-A-D10-10-00-00A-040A-A"


def _issue(content: Path, n: int) -> tuple[str, bytes]:
    src = (content / f"{MODULE}_001-00_en-US.XML").read_bytes()
    data = re.sub(rb'issueNumber="\d{3}"', f'issueNumber="{n:03d}"'.encode(), src, count=1)
    return f"{MODULE}_{n:03d}-00_en-US.XML", data.replace(b'issueType="new"', b'issueType="changed"', 1)


def _login(base: str, name: str = "writer") -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}).status_code == 303
    return client, re.search(r'name="csrf" value="([^"]+)"', client.get("/upload").text).group(1)


@pytest.fixture(scope="module")
def csdb(content: Path, schemas42: Path, brex42: Path, tmp_path_factory, module_db_url: str) -> Path:
    root = tmp_path_factory.mktemp("workers") / "csdb"
    shutil.copytree(content, root, ignore=shutil.ignore_patterns(".ietm"))
    (root / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n'
                                    f'[server]\ndatabase = "{module_db_url}"\n')
    accounts = open_accounts(root)
    accounts.add("writer", "writer", PASSWORD)
    accounts.add("inspector", "qa", PASSWORD)
    accounts.db.dispose()
    return root


@pytest.fixture(scope="module")
def server(csdb: Path):  # one server for the module: the sharing test first, then the kill
    with serving_workers(csdb) as server:
        yield server


def _fresh(base: str, cookies: dict | None = None) -> httpx.Client:
    """A client without keep-alive: each request opens a connection, which either worker may take."""
    return httpx.Client(base_url=base, timeout=60, cookies=cookies, limits=httpx.Limits(max_keepalive_connections=0))


def test_workers_share_logins_uploads_and_throttling(server, content):
    client, form = _login(server.url)
    cookies = dict(client.cookies)
    # the session made by one worker is known to both
    assert {_fresh(server.url, cookies).get("/api/me").json()["user"] for _ in range(12)} == {"writer"}
    name, data = _issue(content, 7)
    assert client.post("/upload", files={"files": (name, data)}, data={"csrf": form}).status_code == 200
    # whichever worker answers next has taken the upload in
    assert {_fresh(server.url).get(f"/api/dm/{MODULE[4:]}").json()["issue"] for _ in range(12)} == {"007-00"}
    # wrong passwords counted by either worker slow the same name from the same address
    guesses = []
    for i in range(8):
        c = _fresh(server.url)
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        guesses.append(c.post("/login", data={"name": "nobody", "password": f"guess {i}", "csrf": token}).status_code)
    assert guesses[:5] == [401] * 5 and 429 in guesses


def test_every_worker_shows_the_qa_queue_and_remarks_another_took(server, content):
    """QA's queue and the remark queue are the CSDB's (its files, its catalog): what one worker took in, every
    worker lists at once."""
    writer, form = _login(server.url)
    inspector = dict(_login(server.url, "inspector")[0].cookies)
    name, data = _issue(content, 8)
    data = re.sub(rb"<qualityAssurance>.*?</qualityAssurance>", b"<qualityAssurance><unverified/></qualityAssurance>",
                  data, count=1, flags=re.S)
    assert writer.post("/upload", files={"files": (name, data)}, data={"csrf": form}).status_code == 200
    sent = writer.post("/api/remarks", headers={"X-CSRF-Token": writer.get("/api/me").json()["csrf"]},
                       json={"module": MODULE, "text": "Torque value missing in step 3.", "priority": "safety"})
    assert sent.status_code == 201, sent.text
    remark = sent.json()["key"]
    for _ in range(8):  # fresh connections: either worker may answer
        reader = _fresh(server.url, inspector)
        assert remark in reader.get("/remarks").text
        assert f"/qa/review/{MODULE}?language=en-US" in reader.get("/qa").text  # the new issue awaits QA


def test_kill_9_of_a_worker_during_uploads_loses_nothing(server, csdb, content):
    client, form = _login(server.url)
    accepted: dict[str, bytes] = {}
    failed: list[str] = []
    served_after_kill: list[int] = []
    killed_at: list[float] = []
    stop = threading.Event()

    def upload() -> None:
        for n in range(10, 200):
            if stop.is_set():
                return
            name, data = _issue(content, n)
            try:
                r = client.post("/upload", files={"files": (name, data)}, data={"csrf": form})
            except httpx.HTTPError as exc:  # the worker that had this request died: the writer tries again
                failed.append(f"{name}: {exc!r}")
                continue
            if r.status_code == 200:
                accepted[name] = data
            else:
                failed.append(f"{name}: {r.status_code}")

    def read() -> None:
        reader = _fresh(server.url)
        while not stop.is_set():
            try:
                ok = reader.get(f"/dm/{MODULE[4:]}").status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok and killed_at:
                served_after_kill.append(1)
            time.sleep(0.05)

    threads = [threading.Thread(target=upload, daemon=True), threading.Thread(target=read, daemon=True)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 120
        while len(accepted) < 3:
            assert time.monotonic() < deadline, f"no uploads went through: {failed[:3]}"
            time.sleep(0.1)
        victim = min(workers_of(server))
        os.kill(victim, signal.SIGKILL)
        killed_at.append(time.monotonic())
        before = len(accepted)
        while len(accepted) < before + 3 or len(served_after_kill) < 5:
            assert time.monotonic() < deadline, f"nothing went on after the kill: {failed[-3:]}"
            time.sleep(0.1)
        while len(workers_of(server) - {victim}) < 2:  # a new worker in place of the dead one
            assert time.monotonic() < deadline, "the dead worker was not replaced"
            time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join(60)

    # every accepted upload is there, byte for byte, and every file of the module is whole
    for name, data in accepted.items():
        assert (csdb / name).read_bytes() == data, name
    for path in csdb.glob(f"{MODULE}_*.XML"):
        assert read_object(path).key == MODULE
    # both workers (the survivor and the new one) serve the newest accepted issue
    newest = max(accepted)[len(MODULE) + 1:len(MODULE) + 7]
    issues = {_fresh(server.url).get(f"/api/dm/{MODULE[4:]}").json()["issue"] for _ in range(16)}
    assert issues and all(i >= newest for i in issues), (issues, newest)

    # a full restart cleans what the killed worker may have left half-written, and sees everything
    server.stop()
    again = Server(csdb)
    again.start(timeout=120)
    try:
        assert not [p.name for p in csdb.iterdir() if p.name.startswith(".upload-") or p.name.endswith(".tmp")]
        assert not list((state_dir(csdb) / "staging").iterdir())
        assert httpx.get(f"{again.url}/api/dm/{MODULE[4:]}", timeout=60).json()["issue"] >= newest
    finally:
        again.stop()
    on_disk = {p.name for p in csdb_files(csdb)}
    assert set(accepted) <= on_disk


def test_the_app_runs_under_another_asgi_server(content, tmp_path):
    """`IETM_CSDB=... uvicorn ietm.web.asgi:app --workers 2`, as the README gives it for any ASGI server."""
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    port = free_port()
    log = tmp_path / "uvicorn.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "ietm.web.asgi:app", "--workers", "2", "--port", str(port),
                                 "--no-proxy-headers"], env={**os.environ, "IETM_CSDB": str(csdb)},
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/api/objects", timeout=30).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
            time.sleep(0.3)
        for _ in range(6):  # fresh connections, so both workers answer
            assert _fresh(base).get(f"/api/dm/{MODULE[4:]}").json()["issue"] == "001-00"
            assert "<h1" in _fresh(base).get(f"/dm/{MODULE[4:]}").text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
