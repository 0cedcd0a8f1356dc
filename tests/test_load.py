"""The viewer under load from a second process: 64 concurrent connections, zero errors (bounded in time).

The minute-long run with its figures is bench/bench_load.py; this keeps the suite short but real.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from liveserver import serving

ROOT = Path(__file__).resolve().parent.parent


def test_64_connections_without_errors(content: Path, tmp_path: Path):
    import shutil

    csdb = tmp_path / "content"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    with serving(csdb) as server:
        objects = httpx.get(server.url + "/api/objects", timeout=60).json()
        paths = ["/", "/dm"] + ["/dm/" + o["key"][4:] for o in objects if o["key"].startswith("DMC-")][:30]
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "loadgen.py"), server.url, *paths, "--connections", "64", "--seconds", "8"],
            capture_output=True, text=True, timeout=120, check=True,
        )
    result = json.loads(out.stdout)
    assert result["errors"] == 0, result["first_errors"]
    assert result["requests"] > 64 * 2
