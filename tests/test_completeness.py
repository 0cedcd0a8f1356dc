"""`ietm completeness`: the Bike set's DML, CSDB and publication modules compared, then broken on purpose."""

from __future__ import annotations

import json
from pathlib import Path

from clirun import ietm

DML = "DML-S1000DBIKE-B6865-S-2016-00002_001-00.XML"
BRAKE_PM = "PMC-BRAKE-B6865-EPWG1-00_001-00_en-US.XML"
BRAKE_CLEAN = "DMC-BRAKE-AAA-DA1-10-00-00AA-251A-A_002-00_en-US.XML"  # DML entry at line 179, PM entry at line 221
DMES = {
    "DME-SF518-CE0701-S1000DBIKE-AAA-D00-00-00-00AA-131A-A_009-00_en-US.XML",
    "DME-SF518-MT0701-S1000DBIKE-AAA-D00-00-00-00AA-131A-A_009-00_en-US.XML",
}
PMS = {
    BRAKE_PM,
    "PMC-S1000DBIKE-B6865-EPWG1-00_001-00_en-US.XML",
    "PMC-S1000DBIKE-B6865-LOAP1-00_001-00_en-US.XML",
    "PMC-S1000DLIGHTING-B6865-EPWG1-00_001-00_en-US.XML",
}


def complete(csdb: Path) -> tuple[int, list[tuple[str, int | None, str, str]]]:
    r = ietm("completeness", csdb, "--format", "json")
    found = json.loads(r.out)["findings"]
    return r.code, [(Path(f["path"]).name, f["line"], f["rule"], f["severity"]) for f in found]


def test_bike_set(bike):
    code, found = complete(bike)
    assert code == 0
    # the DML lists every data module but the two extension modules, no PM; every other module is in a PM
    assert {(n, r) for n, _, r, _ in found} == {(n, "extra") for n in DMES | PMS} | {(n, "not-in-pm") for n in DMES}
    assert all(s == "warning" for *_, s in found)


def test_required_module_missing(bike_copy):
    (bike_copy / BRAKE_CLEAN).unlink()
    code, found = complete(bike_copy)
    assert code == 1
    assert [f for f in found if f[2] == "missing"] == [(DML, 179, "missing", "error"), (BRAKE_PM, 221, "missing", "error")]


def test_dml_and_pm_name_an_older_issue_than_the_latest(bike_copy):
    newer = bike_copy / BRAKE_CLEAN.replace("_002-00_", "_003-00_")
    text = (bike_copy / BRAKE_CLEAN).read_text(encoding="utf-8")
    newer.write_text(text.replace('<issueInfo issueNumber="002" inWork="00"/>', '<issueInfo issueNumber="003" inWork="00"/>', 1), encoding="utf-8")
    code, found = complete(bike_copy)
    assert code == 1
    assert [f for f in found if f[2] == "outdated"] == [(DML, 179, "outdated", "warning"), (BRAKE_PM, 221, "outdated", "error")]
    msg = json.loads(ietm("completeness", bike_copy, "--format", "json").out)["findings"]
    assert any("names issue 002-00 of DMC-BRAKE-AAA-DA1-10-00-00AA-251A-A; the latest in the CSDB is 003-00" in f["message"] for f in msg)


def test_without_a_dml(bike_copy):
    (bike_copy / DML).unlink()
    code, found = complete(bike_copy)
    assert code == 0
    assert [r for _, _, r, _ in found].count("no-dml") == 1
    assert "extra" not in {r for _, _, r, _ in found}


def test_text_output_and_errors(bike, tmp_path):
    r = ietm("completeness", bike)
    assert r.out.splitlines()[-1] == "SUCCESS: completeness: 105 file(s) checked, 0 with errors; 0 error(s), 8 warning(s)"
    r = ietm("completeness", tmp_path / "nowhere")
    assert r.code == 5 and r.err.startswith("ERROR: ") and len(r.err.strip().splitlines()) == 1
