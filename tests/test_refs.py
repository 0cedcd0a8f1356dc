"""`ietm refs` on the real Bike set: what resolves, what does not, and where each object is used.

Lines and names below were read by hand from the Bike files.
"""

from __future__ import annotations

import json
from pathlib import Path

from clirun import ietm

MISSING_ICN = "ICN-S3627-S1000D0619-001-01.PNG"
BRAKE_PADS = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-121A-A_009-00_en-US.XML"  # figure graphic at line 288
BRAKE_CLEAN = "DMC-BRAKE-AAA-DA1-10-00-00AA-251A-A_002-00_en-US.XML"
DML = "DML-S1000DBIKE-B6865-S-2016-00002_001-00.XML"
DDN = "DDN-S1000DBIKE-B6865-B6865-2016_00001.XML"
BRAKE_PM = "PMC-BRAKE-B6865-EPWG1-00_001-00_en-US.XML"


def refs(*args) -> tuple[int, list[dict]]:
    r = ietm("refs", *args, "--format", "json")
    assert r.out, r.err
    return r.code, json.loads(r.out)["findings"]


def name(f: dict) -> str:
    return Path(f["path"]).name


def test_bike_set(bike, brex42):
    code, found = refs(bike, "-B", brex42)
    assert code == 1
    # every reference made by a publication module resolves, and so does every DML and DDN entry
    assert [f for f in found if name(f).startswith(("PMC-", "DML-", "DDN-"))] == []
    # the one missing illustration, declared by two modules that show it at line 99
    icn = [(name(f), f["line"], f["rule"]) for f in found if f["rule"].startswith("icn")]
    assert icn == [
        ("DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_009-00_en-US.XML", 99, "icn-missing"),
        ("DMC-S1000DBIKE-AAA-D00-00-00-00AA-258B-A_002-00_en-US.XML", 99, "icn-missing"),
    ]
    assert all(MISSING_ICN in f["message"] for f in found if f["rule"] == "icn-missing")
    # the list of data modules refers to a learning module that is not in the set, and to issue 002-00 of
    # the title page whose only issue here is 010-00
    lodm = {(f["line"], f["rule"]): f["message"] for f in found if name(f) == "DMC-S1000DBIKE-AAA-D00-00-00-00AA-002A-A_002-00_en-US.XML"}
    assert "DMC-S1000DBIKE-AAA-D00-00-00-00AA-200A-T-T10B" in lodm[(278, "dangling")]
    assert "issue 002-00 of DMC-S1000DBIKE-AAA-D00-00-00-00AA-041A-A" in lodm[(871, "issue-missing")]
    assert "010-00" in lodm[(871, "issue-missing")]
    # with the default BREX given, the Bike BREX's own reference to it resolves
    assert not [f for f in found if f["rule"] == "brex-not-found"]


def test_reference_to_the_default_brex_without_a_copy_of_it(bike, tmp_path):
    """ietm knows the S1000D default BREX of each issue by its built-in rules; a BREX it does not know is said."""
    code, found = refs(bike)
    assert not [f for f in found if f["rule"] == "brex-not-found"]
    project = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-022A-D_009-00_en-US.XML"
    (tmp_path / project).write_text((bike / project).read_text(encoding="utf-8").replace(
        'modelIdentCode="S1000D" systemDiffCode="F"', 'modelIdentCode="NOSUCH" systemDiffCode="F"', 1), encoding="utf-8")
    code, found = refs(tmp_path)
    assert [(name(f), f["severity"]) for f in found if f["rule"] == "brex-not-found"] == [(project, "warning")]


def test_module_missing_from_the_set(bike_copy, brex42):
    (bike_copy / BRAKE_CLEAN).unlink()
    code, found = refs(bike_copy, "-B", brex42)
    assert code == 1
    got = {(name(f), f["line"], f["rule"], f["severity"]) for f in found if name(f) in (DML, DDN, BRAKE_PM)}
    assert got == {
        (DML, 179, "dml-entry-missing", "warning"),
        (DDN, 137, "ddn-file-missing", "error"),
        (BRAKE_PM, 221, "dangling", "error"),
    }


def test_icn_file_differing_only_in_letter_case(bike_copy, brex42):
    (bike_copy / "ICN-C0419-S1000D0382-001-01.CGM").rename(bike_copy / "ICN-C0419-S1000D0382-001-01.cgm")
    code, found = refs(bike_copy, "-B", brex42)
    case = [(name(f), f["line"], f["rule"]) for f in found if f["rule"].endswith("-case")]
    assert (BRAKE_PADS, 288, "icn-case") in case
    msg = next(f["message"] for f in found if f["rule"] == "icn-case")
    assert "ICN-C0419-S1000D0382-001-01.CGM differs only in letter case" in msg
    assert "ICN-C0419-S1000D0382-001-01.cgm" in msg
    # the DDN that delivered the file under its declared name is told the same
    assert (DDN, "ddn-file-case") in {(name(f), f["rule"]) for f in found}


def test_internal_reference_without_target(bike_copy, brex42):
    f = bike_copy / BRAKE_PADS
    f.write_text(f.read_text(encoding="utf-8").replace('internalRefId="fig-0001"', 'internalRefId="fig-0009"', 1), encoding="utf-8")
    code, found = refs(bike_copy, "-B", brex42)
    internal = [(name(x), x["line"], x["rule"]) for x in found if x["rule"] == "internal-dangling"]
    assert internal == [(BRAKE_PADS, 284, "internal-dangling")]


def test_malformed_file_is_reported_not_fatal(bike_copy, brex42):
    (bike_copy / "DMC-S1000DBIKE-AAA-DA9-00-00-00AA-041A-A_001-00_en-US.XML").write_text("<dmodule><oops>", encoding="utf-8")
    r = ietm("refs", bike_copy, "-B", brex42)
    assert r.code == 1
    assert any(line.startswith(str(bike_copy / "DMC-S1000DBIKE-AAA-DA9-00-00-00AA-041A-A_001-00_en-US.XML") + ":1: error: not-readable")
               for line in r.out.splitlines())


def test_where_used(bike):
    r = ietm("refs", bike, "--to", "ICN-C0419-S1000D0382-001-01")
    assert r.code == 0
    assert r.out.splitlines() == [
        f"{bike / BRAKE_PADS}:288: icn reference from DMC-S1000DBIKE-AAA-D00-00-00-00AA-121A-A",
        "1 reference(s) to ICN-C0419-S1000D0382-001-01",
    ]
    r = ietm("refs", bike, "--to", "BRAKE-AAA-DA1-10-00-00AA-251A-A", "--format", "json")
    data = json.loads(r.out)
    assert data["code"] == "DMC-BRAKE-AAA-DA1-10-00-00AA-251A-A" and data["exists"]
    assert {(Path(u["path"]).name, u["line"]) for u in data["references"]} == {(DML, 179), (BRAKE_PM, 221)}


def test_where_used_errors(bike, tmp_path):
    r = ietm("refs", bike, "--to", "DMC-S1000DBIKE-AAA-DA9-99-00-00AA-041A-A")
    assert r.code == 5 and r.err.startswith("ERROR: ") and "no object DMC-S1000DBIKE-AAA-DA9-99-00-00AA-041A-A" in r.err
    r = ietm("refs", bike, "--to", "not a code")
    assert r.code == 3 and len(r.err.strip().splitlines()) == 1
    r = ietm("refs", tmp_path / "nowhere")
    assert r.code == 5 and "no such file or folder" in r.err


def test_illustrations_kept_in_a_folder_of_their_own(bike_copy, brex42):
    """Many CSDBs keep ICN files apart from the modules: found by name anywhere in the CSDB, case included."""
    pictures = bike_copy / "illustrations"
    pictures.mkdir()
    for icn in bike_copy.glob("ICN-*"):
        icn.rename(pictures / icn.name)
    (pictures / "ICN-C0419-S1000D0382-001-01.CGM").rename(pictures / "ICN-C0419-S1000D0382-001-01.cgm")
    code, found = refs(bike_copy, "-B", brex42)
    icn = {(name(f), f["line"], f["rule"]) for f in found if f["rule"].startswith("icn")}
    assert icn == {
        ("DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_009-00_en-US.XML", 99, "icn-missing"),
        ("DMC-S1000DBIKE-AAA-D00-00-00-00AA-258B-A_002-00_en-US.XML", 99, "icn-missing"),
        (BRAKE_PADS, 288, "icn-case"),
    }
