"""`ietm validate` on the real S1000D schemas and the Bike set, and on copies broken on purpose."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from clirun import ietm

PROC = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"


def test_whole_bike_set_is_valid_with_schema_folder(bike: Path, schemas42: Path):
    r = ietm("validate", "--schemas", schemas42, bike)
    assert r.code == 0, r.out
    assert "SUCCESS: schema: 105 file(s) checked, 0 with errors" in r.out


def test_bike_set_valid_through_an_oasis_catalog(bike: Path, schemas42: Path, tmp_path: Path):
    catalog = tmp_path / "catalog.xml"
    catalog.write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        f'<rewriteSystem systemIdStartString="http://www.s1000d.org/S1000D_4-2/xml_schema_flat/" rewritePrefix="{schemas42.as_uri()}/"/>'
        "</catalog>"
    )
    r = ietm("validate", "--catalog", catalog, "--format", "json", bike)
    report = json.loads(r.out)
    # the catalog maps names exactly; icnMetadata.xsd is asked for, icnmetadata.xsd is on disk, so the
    # folder fallback (any letter case) is what finds it when only a catalog is given
    assert r.code == 1 and report["files"] == 105
    assert {f["rule"] for f in report["findings"]} == {"schema-missing"}
    assert [Path(f["path"]).name for f in report["findings"]] == ["IMF-C0419-S1000D0360-001-01_001-00.XML"]
    both = ietm("validate", "--catalog", catalog, "--schemas", schemas42, "-q", bike)
    assert both.code == 0


def test_settings_file_in_the_csdb_names_the_schemas(bike_copy: Path, schemas42: Path):
    (bike_copy / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n')
    r = ietm("validate", "-q", bike_copy)
    assert r.code == 0, r.out


def test_default_brex_of_issue_50_against_50_schemas(brex50: Path, schemas50: Path):
    # the 5.0 schemas import http://www.w3.org/2001/xml.xsd: the project's catalog resolves it offline
    r = ietm("validate", "--schemas", schemas50, brex50)
    assert r.code == 0, r.out + r.err


def test_missing_schema_is_one_clear_error(brex50: Path):
    # ietm has no profile of Issue 5.0, so without --schemas its schema is nowhere to be found
    r = ietm("validate", brex50)
    assert r.code == 1
    assert "schema http://www.s1000d.org/S1000D_5-0/xml_schema_flat/brex.xsd not found locally" in r.out
    assert "--schemas DIR" in r.err and "--catalog FILE" in r.err


def test_without_official_schemas_the_ietm_profile_applies(bike: Path):
    # the profile covers what ietm renders fully; this Bike procedure uses more, and the profile says where
    r = ietm("validate", bike / PROC)
    assert r.code == 1 and "not found locally" not in r.out
    assert f"{bike / PROC}:" in r.out and ": error: schema: " in r.out


def _break(bike: Path, tmp_path: Path, old: str, new: str, occurrence: int = 1) -> tuple[Path, int]:
    """A copy of the procedure with one change; returns it and the line where the change starts."""
    text = (bike / PROC).read_text(encoding="utf-8")
    at = -1
    for _ in range(occurrence):
        at = text.index(old, at + 1)
    line = text.count("\n", 0, at) + 1
    dest = tmp_path / PROC
    dest.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return dest, line


@pytest.mark.parametrize(
    "case, old, new, message",
    [
        ("required element removed", '<issueDate day="31" month="12" year="2016"/>', "", "Expected is ( issueDate )"),
        ("unknown element added", "<dmStatus", "<bogusElement/><dmStatus", "bogusElement"),
        ("bad attribute value", 'issueType="deleted"', 'issueType="destroyed"', "issueType"),
        ("not well-formed", "<techName>Brake pads</techName>", "<techName>Brake pads</techNam>", "not well-formed"),
    ],
)
def test_broken_copies_are_reported_at_the_right_line(bike, schemas42, tmp_path, case, old, new, message):
    path, line = _break(bike, tmp_path, old, new)
    r = ietm("validate", "--schemas", schemas42, path)
    assert r.code == 1
    errors = [l for l in r.out.splitlines() if ": error:" in l]
    assert errors, r.out
    if case == "required element removed":
        # the element that now stands where the required one was is where the schema complains
        text = path.read_text(encoding="utf-8")
        line = text.count("\n", 0, text.index("<dmTitle>")) + 1
    assert errors[0].startswith(f"{path}:{line}:"), (case, errors[0])
    if message:
        assert message in errors[0]


def test_json_and_junit_reports(bike, schemas42, tmp_path):
    path, line = _break(bike, tmp_path, 'issueType="deleted"', 'issueType="destroyed"')
    shutil.copy(bike / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-00WA-D_007-00_en-US.XML", tmp_path)
    data = json.loads(ietm("validate", "--schemas", schemas42, "--format", "json", tmp_path).out)
    assert data["files"] == 2 and data["errors"] == 1 and not data["ok"]
    assert data["findings"][0]["line"] == line and data["findings"][0]["path"].endswith(PROC)
    junit = ElementTree.fromstring(ietm("validate", "--schemas", schemas42, "--format", "junit", tmp_path).out)
    assert junit.tag == "testsuite" and junit.get("failures") == "1"
    assert junit.find("testcase/failure") is not None


def test_unknown_path_and_bad_settings(tmp_path):
    r = ietm("validate", tmp_path / "nope")
    assert r.code == 5 and "no such file or folder" in r.err
    (tmp_path / "ietm.toml").write_text("[schemas]\nfolders = []\n")
    (tmp_path / "x.xml").write_text("<a/>")
    r = ietm("validate", tmp_path)
    assert r.code == 4 and "unknown setting 'schemas.folders'" in r.err and "ietm.toml" in r.err


def test_sample_manual_passes_the_gate_as_shipped(content: Path):
    """`ietm check content/` with nothing but the settings the sample manual carries: the profile schemas,
    its project BREX and the S1000D default BREX it names."""
    r = ietm("check", content, "-q")
    assert r.code == 0, r.out + r.err
    assert "SUCCESS: check:" in r.out
