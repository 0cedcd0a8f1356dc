"""`ietm check`: schema, BREX, references and applicability of the Bike set in one run, with one summary."""

from __future__ import annotations

import json

from lxml import etree

from clirun import ietm

WHEEL_CLEAN = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"


def test_bike_set_all_checks(bike, brex42, schemas42):
    r = ietm("check", bike, "-B", brex42, "--schemas", schemas42, "--format", "json")
    data = json.loads(r.out)
    assert list(data["checks"]) == ["schema", "brex", "refs", "applic"]
    checks = data["checks"]
    assert checks["schema"]["errors"] == 0 and checks["schema"]["files"] == 105
    assert checks["brex"]["errors"] == 0 and checks["brex"]["warnings"] == 0
    # the Bike set lacks one illustration: the gate fails on it
    assert any(f["rule"] == "icn-missing" for f in checks["refs"]["findings"])
    assert r.code == 1 and data["ok"] is False
    assert data["errors"] == sum(c["errors"] for c in checks.values())


def test_only_schema_and_brex_pass_on_the_bike_set(bike, brex42, schemas42):
    r = ietm("check", bike, "-B", brex42, "--schemas", schemas42, "--skip", "refs", "--skip", "applic")
    assert r.code == 0, r.out[-2000:]
    lines = r.out.splitlines()
    assert lines[-1] == ("SUCCESS: check: 105 file(s); schema 0 error(s), 0 warning(s); "
                         "brex 0 error(s), 0 warning(s)")


def test_broken_copy_reports_each_check_once(bike_copy, brex42, schemas42):
    f = bike_copy / WHEEL_CLEAN
    text = f.read_text(encoding="utf-8")
    text = text.replace('securityClassification="01"', 'securityClassification="02"')  # BREX: BIKE-BR-00007
    text = text.replace("<dmStatus issueType=", "<dmStatus bogus=\"1\" issueType=", 1)  # schema: unknown attribute
    f.write_text(text, encoding="utf-8")
    r = ietm("check", bike_copy, "-B", brex42, "--schemas", schemas42, "--skip", "refs", "--skip", "applic")
    assert r.code == 1
    lines = r.out.splitlines()
    assert any(line.startswith(f"[schema] {f}:31:") and "bogus" in line for line in lines)
    assert f"[brex] {f}:32: error: BIKE-BR-00007: Security classification: '02' is not an allowed value [brsl01]" in lines
    assert lines[-1] == ("FAILED: check: 105 file(s); schema 1 error(s), 0 warning(s); "
                         "brex 1 error(s), 0 warning(s)")


def test_junit_has_one_suite_per_check(bike, brex42, schemas42):
    r = ietm("check", bike, "-B", brex42, "--schemas", schemas42, "--format", "junit")
    root = etree.fromstring(r.out.encode())
    assert root.tag == "testsuites"
    assert [s.get("name") for s in root] == ["ietm schema", "ietm brex", "ietm refs", "ietm applic"]


def test_clear_errors(bike, tmp_path):
    r = ietm("check", tmp_path / "nowhere")
    assert r.code == 5 and r.err.startswith("ERROR: ") and len(r.err.strip().splitlines()) == 1
    r = ietm("check", bike, "--schemas", tmp_path / "no-schemas")
    assert r.code == 4 and "schema folder not found" in r.err and len(r.err.strip().splitlines()) == 1
    r = ietm("check", bike, "-B", tmp_path / "no-brex")
    assert r.code == 4 and "default BREX not found" in r.err
