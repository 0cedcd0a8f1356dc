"""The sample manual released and delivered to two customers, as the delivery tests and browser tests start.

North holds P-001 (a DG-5M, no electric start); South holds P-002 and P-003 (both DG-5E). Everything runs
through the real `ietm` commands: `ietm pki init` (ECDSA demo PKI, trusted by the copy), `ietm release`,
`ietm deliver`.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from clirun import ietm

PASSPHRASE = "deliver the manual"
NORTH = "ООО «Север»"
SOUTH = "АО «Южный завод»"


@dataclass
class Supplier:
    root: Path
    csdb: Path
    pki: Path
    passfile: Path

    def signer(self, who: str = "qa") -> list[str]:
        return ["--key", str(self.pki / f"{who}.key.pem"), "--cert", str(self.pki / f"{who}.pem"),
                "--passphrase-file", str(self.passfile)]

    def release(self, name: str) -> None:
        r = ietm("release", self.csdb, *self.signer(), "--name", name)
        assert r.code == 0, r.out + r.err

    def deliver(self, customer: str, products: list[str], out: Path, *extra: str) -> dict:
        args = [a for p in products for a in ("-p", p)]
        r = ietm("deliver", self.csdb, "--customer", customer, *args, "-o", out, "--lang", "ru", *self.signer(),
                 "--format", "json", *extra, timeout=600)
        assert r.code == 0, r.out + r.err
        return json.loads(r.out)

    def change_module(self, module: str, text: str) -> Path:
        """Write the next official issue of a module (ietm upissue) with a paragraph added at its start."""
        r = ietm("upissue", self.csdb / module, "--official")
        assert r.code == 0, r.out + r.err
        new = next(p for p in sorted(self.csdb.glob(module.split("_")[0] + "_*" + module.split("_")[-1]))
                   if p.name != module)
        source = new.read_text(encoding="utf-8")
        at = source.index("<para>")
        new.write_text(source[:at] + f"<para>{text}</para>" + source[at:], encoding="utf-8")
        return new


def make_supplier(root: Path, content: Path, settings: str = "") -> Supplier:
    """A copy of the sample manual with an ECDSA demo PKI it trusts, released once as «Выпуск 1»."""
    csdb = root / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".*"))
    if settings:
        with open(csdb / "ietm.toml", "a", encoding="utf-8") as f:
            f.write("\n" + settings)
    passfile = root / "pass.txt"
    passfile.write_text(PASSPHRASE + "\n")
    r = ietm("pki", "init", root / "pki", "--csdb", csdb, "--passphrase-file", passfile)
    assert r.code == 0, r.out + r.err
    supplier = Supplier(root, csdb, root / "pki", passfile)
    supplier.release("Выпуск 1")
    return supplier
