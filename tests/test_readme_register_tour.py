"""The README's tour of the signing register and the ESKD route, run literally as a new user would, from the
repository root: a copy of the sample manual that keeps a register, the GOST demo holders appointed in it by
`ietm pki init --gost --csdb`, a module and the release signed role by role, the УЛ written; then (the part
after it) a holder's certificate revoked, and what he signed refused."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = "DMC-DGEN-A-D00-00-00-00A-040A-A_001-00_ru-RU.XML"


def tour(title: str = "**The signing register and the ESKD approval route.**") -> list[str]:
    """The command lines of the first ```sh block after `title` in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(title, 1)[1].split("```sh\n", 1)[1]
    block = block.split("```", 1)[0]
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]


def run(line: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    argv = shlex.split(line)
    if argv[0] == "ietm":
        argv = [sys.executable, "-m", "ietm", *argv[1:]]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_readme_register_tour_works_as_written(tmp_path, shared):
    root = tmp_path / "work" / "ietm"
    root.mkdir(parents=True)
    (tmp_path / "work" / "shared").symlink_to(shared.parent)
    shutil.copytree(ROOT / "content", root / "content", ignore=shutil.ignore_patterns(".ietm"))
    env = dict(os.environ, IETM_PASSPHRASE="a tour passphrase")
    lines = tour()
    assert any(line.startswith("ietm register list") for line in lines) and any(line.startswith("ietm ul") for line in lines)
    assert all(line.startswith(("ietm ", "cp ")) for line in lines), "the tour edits no file by hand"
    for line in lines:
        p = run(line, root, env)
        assert p.returncode == 0, f"{line}\n{p.stdout}\n{p.stderr}"
        assert "Traceback" not in p.stderr
        if line.startswith("ietm pki init"):  # it says what it did to the CSDB
            assert 'REGISTER: archive/ietm.toml: [register] folder = "register"' in p.stderr, p.stderr
            assert "APPOINTED: 6 entries" in p.stderr, p.stderr
    archive = root / "archive"
    # the module went two steps, as GOST CAdES signatures; the release the whole route
    assert (archive / f"{MODULE}.sig").is_file() and not (archive / f"{MODULE}.xsig").exists()
    out = json.loads(run(f"ietm verify archive/{MODULE} --format json", root, env).stdout)["results"][0]
    assert out["status"] == "valid" and "route 2/5" in out["reason"]
    ul = json.loads(run("ietm ul archive --format json", root, env).stdout)
    assert [s["role"] for s in ul["signatories"]] == ["Разработал", "Проверил", "Т. контр.", "Н. контр.", "Утвердил"]
    assert ul["verdict"]["status"] == "valid" and (root / "archive-UL.html").is_file()
    # the ended appointment stops its holder from signing again; what they signed before still holds
    p = run(f"ietm sign archive/DMC-DGEN-A-D00-00-00-00A-040A-A_001-00_en-US.XML --key holders/checker.key.pem "
            "--cert holders/checker.pem", root, env)
    assert p.returncode == 6
    assert run(f"ietm verify archive/{MODULE}", root, env).returncode == 0
    # the README's next part: the CA revokes his certificate, and what he signed is refused as revoked
    revoking = tour("**Revoke a signer's certificate**")
    assert revoking[0].startswith("ietm pki revoke holders/ holders/checker.pem")
    codes = []
    for line in revoking:
        p = run(line, root, env)
        assert "Traceback" not in p.stderr
        codes.append(p.returncode)
        if line.startswith("ietm verify"):
            assert "REVOKED: " in p.stdout and "Петров Пётр Петрович" in p.stdout, p.stdout
    assert codes == [0, 13, 13], codes
