"""Running the real `ietm` command in a subprocess, as a user or a script would."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str


def ietm(*args: str | Path, cwd: Path | None = None, timeout: float = 300, env: dict | None = None) -> Result:
    proc = subprocess.run(
        [sys.executable, "-m", "ietm", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout, env=env,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return Result(proc.returncode, proc.stdout, proc.stderr)
