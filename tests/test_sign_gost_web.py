"""GOST signatures on the server: the module badge names the signer's qualified certificate (identifiers, CIPF
class, issuer) in Russian and English, and /release checks a CAdES-signed release manifest."""

from __future__ import annotations

import re

import pytest

from badge_support import SIGNED, sign_and_release
from webserver import client, serving

MODULE_URL = "/dm/DGEN-A-D00-00-00-00A-001A-A?language=en-US"


@pytest.fixture(scope="module")
def signed(content, schemas42, brex42, tmp_path_factory):
    return sign_and_release(tmp_path_factory.mktemp("gostbadge"), content, schemas42, brex42, gost=True)


@pytest.fixture(scope="module")
def server(signed):
    with serving(signed.csdb) as base, client(base) as c:
        yield c


def badge(html: str) -> str:
    m = re.search(r'<div class="signature [^"]*"[^>]*data-signature .*?</div>', html, re.S)
    assert m, "no signature badge on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(0))).strip()


def test_release_and_module_are_cades(signed):
    assert (signed.csdb / (SIGNED + ".sig")).is_file() and (signed.csdb / "release.manifest.sig").is_file()
    assert not list(signed.csdb.glob("*.xsig"))


def test_badge_names_the_qualified_certificate(server):
    text = badge(server.get(MODULE_URL).text)
    assert re.search(r"Signed by Кузнецова Мария Олеговна on \d{4}-\d\d-\d\d \d\d:\d\d UTC · first verification · valid",
                     text), text
    assert re.search(r"Qualified certificate: ОГРН \d{13}, ИНН \d{12}, ИНН ЮЛ \d{10}, СНИЛС \d{11}, CIPF class КС2; "
                     r"issued by Демо-УЦ ietm — НЕ АККРЕДИТОВАН", text), text
    assert "In release sample-1: matches what QA released" in text


def test_badge_in_russian(server):
    try:
        text = badge(server.get(MODULE_URL + "&lang=ru").text)
    finally:
        server.cookies.clear()
    assert "Подписано: Кузнецова Мария Олеговна" in text and "подпись верна" in text
    assert "Квалифицированный сертификат: ОГРН" in text and "класс СКЗИ КС2; выдан: Демо-УЦ ietm" in text


def test_release_page_checks_the_cades_manifest(server):
    r = server.get("/release")
    assert r.status_code == 200
    assert "valid" in r.text and "Кузнецова Мария Олеговна" in r.text and "role qa may approve release" in r.text
    try:
        r = server.get("/release?lang=ru")
    finally:
        server.cookies.clear()
    assert re.search(r"подписано: Кузнецова Мария Олеговна, [-0-9T:]+Z; роль ОТК может утверждать выпуск<", r.text), r.text
