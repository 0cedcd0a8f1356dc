"""The upload gate: hostile archives refused, bad objects rejected with their lines, nothing overwritten."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ietm.check.schema import Validator
from ietm.check.schemas_locator import SchemaLocator
from ietm.errors import InputError
from ietm.intake.archive import read_upload
from ietm.intake.gate import admit

PROC = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"


def _zip(entries: dict[str, bytes], compress=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("entry", ["../evil.XML", "/etc/cron.d/evil", "sub/../../evil.XML", "C:/evil.XML"])
def test_zip_slip_is_refused(entry):
    with pytest.raises(InputError, match="outside the CSDB"):
        read_upload("up.zip", _zip({entry: b"<a/>"}))


def test_zip_bomb_is_refused():
    with pytest.raises(InputError, match="zip bomb"):
        read_upload("bomb.zip", _zip({"DMC-A.XML": b"\0" * (64 * 1024 * 1024)}))


@pytest.mark.parametrize("name", ["<script>.XML", "..", "a b.XML", "dir\\x.XML", ""])
def test_odd_file_names_are_refused(name):
    with pytest.raises(InputError, match="not a plain CSDB file name"):
        read_upload(name, b"<a/>")


@pytest.fixture
def check(schemas42):
    validator = Validator(SchemaLocator([schemas42]))
    return lambda path: validator.validate_file(str(path))


def test_gate_accepts_valid_and_rejects_invalid_with_lines(bike, tmp_path, check):
    csdb = tmp_path / "csdb"
    csdb.mkdir()
    good = (bike / PROC).read_bytes()
    bad = good.replace(b'issueType="deleted"', b'issueType="destroyed"')
    line = good[: good.index(b'issueType="deleted"')].count(b"\n") + 1
    icn = (bike / "ICN-C0419-S1000D0360-001-01.PNG").read_bytes()
    uploads = read_upload("batch.zip", _zip({PROC: good, "ICN-C0419-S1000D0360-001-01.PNG": icn}))
    verdicts = admit(uploads, csdb, check)
    assert [v.accepted for v in verdicts] == [True, True]
    assert (csdb / PROC).read_bytes() == good
    # the same name again: refused, the file in the CSDB untouched
    [again] = admit(read_upload(PROC, bad), csdb, check)
    assert not again.accepted and again.findings[0].rule == "exists"
    assert (csdb / PROC).read_bytes() == good
    # an invalid module under a fresh name is reported at its line and never enters
    renamed = PROC.replace("008-00", "009-00")
    [invalid] = admit(read_upload(renamed, bad.replace(b'issueNumber="008"', b'issueNumber="009"')), csdb, check)
    assert not invalid.accepted and not (csdb / renamed).exists()
    assert any(f.line == line and "issueType" in f.message for f in invalid.findings)
    # a file whose name disagrees with its identity is refused
    [misnamed] = admit(read_upload("DMC-WRONG-NAME.XML", good), csdb, check)
    assert not misnamed.accepted and misnamed.findings[0].rule == "name"
    assert not list((csdb / ".ietm" / "staging").iterdir())


def test_gate_refuses_hostile_xml_and_fake_images(tmp_path, check):
    csdb = tmp_path / "csdb"
    csdb.mkdir()
    xxe = b'<?xml version="1.0"?>\n<!DOCTYPE dmodule [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<dmodule>&x;</dmodule>'
    fake = b"<html><script>alert(1)</script></html>"
    verdicts = admit(read_upload("DMC-XXE.XML", xxe) + read_upload("ICN-FAKE-001-01.PNG", fake), csdb, check)
    assert [v.accepted for v in verdicts] == [False, False]
    assert "external entity" in verdicts[0].findings[0].message
    assert "not a PNG" in verdicts[1].findings[0].message
    assert sorted(p.name for p in csdb.iterdir()) == [".ietm"]
