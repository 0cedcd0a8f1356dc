"""A signed release of the sample manual (a writable copy of content/) for the badge and release-page tests.

The demo PKI comes from `ietm.sign.pki.init_demo`; the copy's ietm.toml trusts its CA (`[sign] trust`), so the
viewer, `ietm publish` and `ietm verify` find the trust store the way a project configures it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from clirun import ietm
from ietm.sign.pki import init_demo

PASSPHRASE = b"badge test passphrase"
SIGNED = "DMC-DGEN-A-D00-00-00-00A-001A-A_001-00_en-US.XML"  # signed by QA on its own, and released
UNSIGNED = "DMC-DGEN-A-D00-00-00-00A-001B-A_001-00_en-US.XML"  # released, with no signature of its own


@dataclass
class Signed:
    csdb: Path
    pki: Path

    def signer(self) -> list[str]:
        return ["--key", str(self.pki / "qa.key.pem"), "--cert", str(self.pki / "qa.pem"),
                "--passphrase-file", str(self.pki.parent / "pass")]


def make_pki(folder: Path, gost: bool = False) -> Path:
    if gost:
        from ietm.sign.gostpki import init_demo as init_gost

        init_gost(folder / "pki", PASSPHRASE)
    else:
        init_demo(folder / "pki", PASSPHRASE)
    (folder / "pass").write_bytes(PASSPHRASE + b"\n")
    return folder / "pki"


def copy_content(content: Path, dest: Path, pki: Path, schemas42: Path, brex42: Path) -> Path:
    """The sample manual without caches, signatures or a release, configured to trust the demo CA."""
    shutil.copytree(content, dest, ignore=shutil.ignore_patterns(".ietm", "*.xsig", "release.manifest", "ietm.toml"))
    (dest / "ietm.toml").write_text(f'[sign]\ntrust = ["{pki / "ca.pem"}"]\n[schemas]\ndirs = ["{schemas42}"]\n'
                                    f'[brex]\ndefault = ["{brex42}"]\n', encoding="utf-8")
    return dest


def sign_and_release(folder: Path, content: Path, schemas42: Path, brex42: Path, gost: bool = False) -> Signed:
    """`ietm sign` one module, then `ietm release` the whole set, as QA would (GOST: both CAdES)."""
    pki = make_pki(folder, gost)
    s = Signed(copy_content(content, folder / "csdb", pki, schemas42, brex42), pki)
    r = ietm("sign", s.csdb / SIGNED, *s.signer())
    assert r.code == 0, r.err
    r = ietm("release", s.csdb, *s.signer(), "--name", "sample-1")
    assert r.code == 0, r.err
    return s


def alter_one_byte(path: Path) -> None:
    """Change the case of a letter in the module's content (a title): one byte, still a valid module."""
    data = bytearray(path.read_bytes())
    i = data.index(b"<title>", data.index(b"<content>")) + len(b"<title>") + 1
    while not chr(data[i]).isalpha():
        i += 1
    data[i] ^= 0x20
    path.write_bytes(bytes(data))
