"""A test run ended by SIGTERM (a cancelled CI job, `timeout`) still stops what it started: above all the
PostgreSQL cluster of the `postgres` fixture, a daemon of its own that outlived the killed run (the conftest
turns SIGTERM into pytest's own exit, so that every fixture's cleanup runs)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"
    except OSError:
        return False


def test_a_terminated_run_stops_its_postgresql_cluster(tmp_path):
    state = tmp_path / "cluster.json"
    env = {**os.environ, "IETM_SIGTERM_STATE": str(state)}
    run = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                            str(TESTS / "sigterm_run.py")], cwd=TESTS.parent, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
    cluster: dict = {}
    try:
        deadline = time.monotonic() + 300
        while not state.exists() and run.poll() is None:
            if time.monotonic() > deadline:
                pytest.fail("the inner run started no cluster within 300 s")
            time.sleep(0.1)
        if run.poll() is not None:
            pytest.fail(f"the inner run ended before it was terminated:\n{run.stdout.read()}")
        cluster = json.loads(state.read_text())
        assert _alive(cluster["pid"])
        run.send_signal(signal.SIGTERM)
        out, _ = run.communicate(timeout=180)
        assert run.returncode == 128 + signal.SIGTERM and "terminated by SIGTERM" in out, out
        assert not _alive(cluster["pid"]), f"the cluster (pid {cluster['pid']}) outlived the run:\n{out}"
        assert not Path(cluster["root"]).exists(), out
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        if cluster and _alive(cluster["pid"]):  # never leave one behind, even when the test fails
            os.kill(cluster["pid"], signal.SIGKILL)
        if cluster:
            shutil.rmtree(cluster["root"], ignore_errors=True)
