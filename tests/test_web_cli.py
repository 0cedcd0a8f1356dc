"""`ietm serve` from the command line: starts on the asked port, refuses a missing CSDB in one line."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from webserver import client, free_port, serving

ROOT = Path(__file__).resolve().parent.parent
IETM = str(ROOT / ".venv" / "bin" / "ietm")


def test_serve_starts_on_the_given_port(bike: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {"IETM_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([IETM, "serve", str(bike), "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "ietm serve did not answer"
                time.sleep(0.2)
        assert r.status_code == 200 and "PMC-S1000DBIKE-B6865-EPWG1-00" in r.text
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=30)
        finally:  # whatever happened, nothing of the server outlives the test
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.communicate()
    assert f"http://127.0.0.1:{port}/" in out


def test_serve_refuses_a_missing_csdb_in_one_line(tmp_path: Path) -> None:
    r = subprocess.run([IETM, "serve", str(tmp_path / "nowhere"), "--port", "1"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 5
    assert r.stderr.strip().startswith("ERROR: ") and "not a CSDB folder" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_module_broken_after_start_up_is_reported_not_crashed(bike_copy: Path) -> None:
    victim = next(bike_copy.glob("DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_*.XML"))
    with serving(bike_copy) as base, client(base) as http:
        victim.write_text("<dmodule><identAndStatusSection>\n<unclosed>\n", encoding="utf-8")
        r = http.get("/dm/S1000DBIKE-AAA-DA1-10-00-00AA-251A-A")
        assert r.status_code == 422 and victim.name in r.text and "not well-formed" in r.text
        assert '<main id="main"' in r.text
        api = http.get("/api/dm/S1000DBIKE-AAA-DA1-10-00-00AA-251A-A")
        assert api.status_code == 200  # identity comes from the catalog, which still holds the last good scan
        assert http.get("/dm/S1000DBIKE-AAA-D00-00-00-00AA-041A-A").status_code == 200


def test_serve_refuses_a_taken_port_in_one_line(bike: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = subprocess.run([IETM, "serve", str(bike), "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 4
    assert r.stderr.startswith(f"ERROR: cannot listen on 127.0.0.1:{port}") and len(r.stderr.strip().splitlines()) == 1
