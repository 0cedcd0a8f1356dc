"""Hostile and broken inputs: one clear error with its place, an exit code, nothing read from outside."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from clirun import ietm

SECRET = "ietm-secret-7f3a"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    f = tmp_path / "outside" / "secret.txt"
    f.parent.mkdir()
    f.write_text(SECRET)
    return f


@pytest.fixture
def listener():
    """A web server on loopback that records every request: proof that parsing never touches the network."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "leaked">')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    p = folder / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


def _check_one(path: Path, expected: str, line: int | None):
    r = ietm("validate", path)
    assert r.code == 1
    assert SECRET not in r.out + r.err
    lines = [l for l in r.out.splitlines() if ": error:" in l]
    assert len(lines) == 1, r.out
    place = f"{path}:{line}:" if line else f"{path}:"
    assert lines[0].startswith(place), lines[0]
    assert expected in lines[0]
    shown = ietm("show", path)
    assert shown.code == 3 and shown.err.startswith("ERROR: ") and expected in shown.err
    assert len(shown.err.strip().splitlines()) == 1


def test_xxe_reading_a_local_file(tmp_path, secret_file):
    doc = f'<?xml version="1.0"?>\n<!DOCTYPE dmodule [\n<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">\n]>\n<dmodule>&xxe;</dmodule>\n'
    _check_one(_write(tmp_path, "DMC-XXE.XML", doc), "external entity 'xxe'", 3)


def test_external_dtd_and_network_url_are_never_fetched(tmp_path, listener):
    base, hits = listener
    dtd = _write(tmp_path, "DMC-DTD.XML", f'<?xml version="1.0"?>\n<!DOCTYPE dmodule SYSTEM "{base}/evil.dtd">\n<dmodule/>\n')
    _check_one(dtd, "external DTD", None)
    net = _write(
        tmp_path, "DMC-NET.XML",
        f'<?xml version="1.0"?>\n<!DOCTYPE dmodule [\n<!ENTITY % remote SYSTEM "{base}/p.dtd">\n%remote;\n'
        f'<!ENTITY web SYSTEM "{base}/x">\n]>\n<dmodule>&web;</dmodule>\n',
    )
    r = ietm("validate", net)
    assert r.code == 1 and "error" in r.out
    assert hits == [], f"the parser contacted the network: {hits}"


def test_billion_laughs_is_refused(tmp_path):
    decls = '<!ENTITY lol0 "lol">\n' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">\n' for i in range(1, 10)
    )
    doc = f'<?xml version="1.0"?>\n<!DOCTYPE dmodule [\n{decls}]>\n<dmodule>&lol9;</dmodule>\n'
    _check_one(_write(tmp_path, "DMC-BOMB.XML", doc), "entity-expansion bomb", None)


def test_non_xml_empty_and_wrong_encoding(tmp_path, bike):
    png = (bike / "ICN-C0419-S1000D0360-001-01.PNG").read_bytes()
    _check_one(_write(tmp_path, "DMC-PNG.XML", png), "binary file", None)
    _check_one(_write(tmp_path, "DMC-EMPTY.XML", b""), "empty file", None)
    _check_one(_write(tmp_path, "DMC-TEXT.XML", b"hello, world\n"), "not an XML document", None)
    cp1251 = '<?xml version="1.0" encoding="UTF-8"?>\n<dmodule>\n<para>Двигатель</para>\n</dmodule>\n'.encode("cp1251")
    _check_one(_write(tmp_path, "DMC-ENC.XML", cp1251), "UTF-8", 3)


def test_malformed_xml_names_the_line(tmp_path):
    _check_one(_write(tmp_path, "DMC-BAD.XML", "<dmodule>\n<para>\n</dmodule>\n"), "not well-formed", 3)


def test_oversized_file_is_refused_before_parsing(tmp_path):
    big = _write(tmp_path, "DMC-BIG.XML", "<dmodule>" + "x" * 2048 + "</dmodule>")
    import os
    import subprocess
    import sys

    env = {**os.environ, "IETM_MAX_XML_BYTES": "1024"}
    proc = subprocess.run([sys.executable, "-m", "ietm", "validate", str(big)], capture_output=True, text=True, env=env)
    assert proc.returncode == 1 and "over the limit of 1024" in proc.stdout and "Traceback" not in proc.stderr


RUSSIAN = {"LC_ALL": "ru_RU.UTF-8"}


@pytest.mark.parametrize("name, doc, line, russian", [
    ("DMC-BAD.XML", "<dmodule>\n<para>\n</dmodule>\n", 3,
     "XML построен неправильно: тег para (открыт в строке 2) закрыт тегом dmodule"),
    ("DMC-AMP.XML", "<dmodule>\n<para>Винты & гайки</para>\n</dmodule>\n", 2,
     "XML построен неправильно: после «&» нет имени сущности (амперсанд пишется как &amp;)"),
    ("DMC-EMPTY.XML", "", None, "пустой файл, а не XML-документ"),
    ("DMC-XXE.XML", '<?xml version="1.0"?>\n<!DOCTYPE dmodule [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
     "<dmodule>&xxe;</dmodule>\n", 3,
     "объявляет внешнюю сущность «xxe» (file:///etc/passwd); внешние сущности не раскрываются никогда"),
])
def test_parse_errors_in_russian_keep_their_place(tmp_path, name, doc, line, russian):
    """Under a Russian locale the reason is Russian, in the same one line with the file and line."""
    import os

    path = _write(tmp_path, name, doc)
    place = f"{path}:{line}" if line else str(path)
    r = ietm("validate", path, env={**os.environ, **RUSSIAN})
    assert r.code == 1 and r.out.splitlines()[0] == f"{place}: error: not-readable: {russian}", r.out
    shown = ietm("show", path, env={**os.environ, **RUSSIAN})
    assert shown.code == 3 and shown.err.splitlines() == [f"ERROR: {place}: {russian}"]


def test_parse_errors_stay_english_for_scripts_and_unknown_libxml_words(tmp_path):
    """English without a Russian locale (what scripts parse); a libxml2 message with no Russian form stays as it is."""
    import os

    from ietm.parse.xmlerrors import ParserText

    path = _write(tmp_path, "DMC-BAD.XML", "<dmodule>\n<para>\n</dmodule>\n")
    r = ietm("validate", path, env={k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")})
    assert r.out.splitlines()[0] == (f"{path}:3: error: not-readable: not well-formed XML: Opening and ending tag "
                                     "mismatch: para line 2 and dmodule")
    assert ParserText("Some message libxml2 may add one day").in_language("ru") == "Some message libxml2 may add one day"


def test_every_check_of_the_gate_gives_a_broken_file_in_russian(tmp_path):
    """`ietm check` reports a broken file from each of its checks: from the catalog's cache too, in Russian."""
    import os

    path = _write(tmp_path, "DMC-BAD.XML", "<dmodule>\n<para>\n</dmodule>\n")
    r = ietm("check", tmp_path, env={**os.environ, **RUSSIAN})
    broken = [line for line in r.out.splitlines() if ": error: not-readable: " in line]
    assert r.code == 1 and len(broken) >= 3, r.out
    assert all(line.endswith(f"{path}:3: error: not-readable: XML построен неправильно: тег para (открыт в строке 2) "
                             "закрыт тегом dmodule") for line in broken), broken
