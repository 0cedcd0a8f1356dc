"""Running the real `ietm` command in a subprocess, as a user or a script would."""

from __future__ import annotations

import os
import signal
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
    """Run `ietm ARGS`; it and every worker process it starts end when it returns, times out or the test stops."""
    out, err, code = run_group([sys.executable, "-m", "ietm", *map(str, args)], cwd=cwd or ROOT, timeout=timeout, env=env)
    assert "Traceback" not in err, err
    return Result(code, out, err)


def run_group(argv: list[str], cwd: Path, timeout: float, env: dict | None = None,
              stdin: str | None = None) -> tuple[str, str, int]:
    """Run a command in a process group of its own and wait; whatever of the group is left (workers of a command
    that timed out, or was interrupted with the test) is killed, so nothing outlives the test. No stdin unless
    given: a command that would prompt fails instead of waiting."""
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE)
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except BaseException:
        _kill_group(proc.pid)
        proc.communicate()
        raise
    _kill_group(proc.pid)  # workers the command left behind, if any
    return out, err, proc.returncode


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
