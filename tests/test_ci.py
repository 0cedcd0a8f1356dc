"""`make test`'s system-deps step (.ci/system-deps): installs what dpkg lacks, waits while another apt holds its
lock. apt-get and dpkg-query are stand-ins on PATH here: the real ones would change the machine."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "system-deps"
LOCKED = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)"


def _tools(folder: Path, installed: list[str], apt_fails: int, message: str = LOCKED) -> Path:
    """dpkg-query that knows `installed`; apt-get that fails `apt_fails` times with `message`, then works."""
    folder.mkdir()
    (folder / "dpkg-query").write_text("#!/bin/sh\nfor a; do last=$a; done\n"
                                       f"case \" {' '.join(installed)} \" in *\" $last \"*) printf installed;; *) exit 1;; esac\n")
    (folder / "apt-get").write_text(f'#!/bin/sh\necho "$*" >> "{folder}/calls"\n'
                                    f'n=$(wc -l < "{folder}/calls")\n'
                                    f'if [ "$n" -le {apt_fails} ]; then echo "{message}" >&2; exit 100; fi\n')
    for tool in ("dpkg-query", "apt-get"):
        (folder / tool).chmod(0o755)
    return folder


def _run(tools: Path, *packages: str, wait: int = 60) -> tuple[subprocess.CompletedProcess, list[str]]:
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "APT_LOCK_WAIT": str(wait), "APT_LOCK_POLL": "0.1"}
    proc = subprocess.run([str(SCRIPT), *packages], capture_output=True, text=True, env=env, timeout=60)
    calls = (tools / "calls").read_text().splitlines() if (tools / "calls").exists() else []
    return proc, calls


def test_nothing_to_do_when_every_package_is_installed(tmp_path):
    proc, calls = _run(_tools(tmp_path / "bin", ["chromium", "xmlsec1"], 0), "chromium", "xmlsec1")
    assert proc.returncode == 0 and calls == []


def test_installs_each_missing_package_not_only_commands(tmp_path):
    proc, calls = _run(_tools(tmp_path / "bin", ["chromium"], 0), "chromium", "xmlsec1", "poppler-utils")
    assert proc.returncode == 0, proc.stderr
    assert [c.split()[-1] for c in calls[:1]] == ["-qq"] and "update" in calls[0]
    assert calls[1].startswith("-q -o DPkg::Lock::Timeout=60") and calls[1].endswith("install -y -qq --no-install-recommends xmlsec1 poppler-utils")


def test_waits_while_another_apt_holds_the_lock(tmp_path):
    proc, calls = _run(_tools(tmp_path / "bin", [], 2), "xmlsec1")
    assert proc.returncode == 0, proc.stderr
    assert len(calls) == 4 and proc.stderr.count("another apt holds its lock; waiting") == 2


def test_gives_up_when_the_lock_is_held_too_long(tmp_path):
    proc, calls = _run(_tools(tmp_path / "bin", [], 10_000), "xmlsec1", wait=1)
    assert proc.returncode != 0 and "still holds its lock after 1 s" in proc.stderr
    assert all("install" not in c for c in calls)


def test_other_apt_errors_fail_at_once(tmp_path):
    proc, calls = _run(_tools(tmp_path / "bin", [], 1, "E: Unable to locate package xmlsec9"), "xmlsec9")
    assert proc.returncode != 0 and "Unable to locate package" in proc.stderr and len(calls) == 1


def test_the_makefile_keeps_one_list_of_packages():
    out = subprocess.run(["make", "-n", "system-deps"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if ".ci/system-deps" in line)
    assert {"chromium", "xmlsec1"} <= set(line.split(".ci/system-deps", 1)[1].split())
