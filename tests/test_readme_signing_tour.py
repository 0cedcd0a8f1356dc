"""The README's signing tour, run literally as a new user would from the repository root (issue 17 item 2).

The commands are read from README.md, not copied here, so the tour and this test cannot drift apart. The
repository root is laid out in a temporary folder: a copy of content/ and the shared S1000D data beside it,
as a clone has them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tour() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("**Sign and verify (QA)**", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]


def test_tour_commands_are_the_ones_users_type():
    commands = tour()
    assert commands[0].startswith("cp -r content/ csdb/")
    assert any(c.startswith("ietm sign ") for c in commands) and commands[-1] == "ietm audit verify csdb"


def test_readme_signing_tour_works_as_written(tmp_path, shared):
    root = tmp_path / "work" / "ietm"
    root.mkdir(parents=True)
    (tmp_path / "work" / "shared").symlink_to(shared.parent)
    shutil.copytree(ROOT / "content", root / "content", ignore=shutil.ignore_patterns(".ietm"))
    env = dict(os.environ, IETM_PASSPHRASE="a tour passphrase")
    for line in tour():
        argv = shlex.split(line)
        if argv[0] == "ietm":
            argv = [sys.executable, "-m", "ietm", *argv[1:]]
        p = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, f"{line}\n{p.stdout}\n{p.stderr}"
        assert "Traceback" not in p.stderr
    assert (root / "csdb" / "release.manifest.sig").is_file()
    assert "trust" in (root / "csdb" / "ietm.toml").read_text()
