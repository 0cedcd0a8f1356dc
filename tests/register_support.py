"""A CSDB with a signing register for the register, route and УЛ tests: the sample manual copied, the demo PKI
(tests/sign_support.py), one holder per ESKD role, and the QA signer appointed as the official who keeps it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from clirun import ietm
from ietm.sign import pki
from sign_support import PASSPHRASE, Pki, build_pki

#: role code -> (full name, position) of the holder the fixture appoints
HOLDERS = {
    "razrab": ("Смирнова Ольга Петровна", "Инженер-конструктор"),
    "prov": ("Кузнецов Андрей Викторович", "Ведущий инженер"),
    "tkontr": ("Попов Сергей Иванович", "Инженер по техническому контролю"),
    "nkontr": ("Васильева Мария Сергеевна", "Нормоконтролёр"),
    "utv": ("Соколов Игорь Николаевич", "Главный конструктор"),
}


@dataclass
class Setup:
    csdb: Path
    pki: Pki

    def signer(self, who: str) -> list[str]:
        return self.pki.signer(who)

    @property
    def official(self) -> list[str]:
        return self.pki.signer("qa")


def holder_certificates(p: Pki) -> None:
    """A key and certificate per role (razrab.pem, prov.pem ...) from the demo CA, keys under the test passphrase."""
    pw = PASSPHRASE.encode()
    ca_key = serialization.load_pem_private_key(p.key("ca").read_bytes(), pw)
    from cryptography import x509

    ca = x509.load_pem_x509_certificate(p.ca.read_bytes())
    for code, (name, _) in HOLDERS.items():
        k = pki.new_key()
        cert = pki.issue(ca_key, ca, k, name, None)
        pki.write_private(p.key(code), pki.key_pem(k, pw))
        p.cert(code).write_bytes(pki.cert_pem(cert))


def make_setup(tmp: Path, source: Path, appoint: bool = True) -> Setup:
    csdb = tmp / "csdb"
    shutil.copytree(source, csdb, ignore=shutil.ignore_patterns(".ietm", "*.xsig", "release.manifest"))
    p = build_pki(tmp / "pki")
    holder_certificates(p)
    (csdb / "ietm.toml").write_text(f'[sign]\ntrust = ["{p.ca}"]\n\n[register]\nfolder = "register"\n', encoding="utf-8")
    s = Setup(csdb, p)
    if appoint:
        r = ietm("register", "appoint", csdb, "--official", "--name", "Петров Пётр Петрович",
                 "--position", "Ответственный за обеспечение безопасности средств ЭП", "--holder-cert", p.cert("qa"),
                 *s.official)
        assert r.code == 0, r.err
        for code, (name, position) in HOLDERS.items():
            r = ietm("register", "appoint", csdb, "--name", name, "--position", position, "--role", code,
                     "--holder-cert", p.cert(code), *s.official)
            assert r.code == 0, r.err
    return s
