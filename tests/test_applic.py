"""Applicability: the Bike ACT/CCT/PCT read right, expressions evaluated right, `ietm applic` finds what is wrong.

Expectations are read by hand from the Bike files (PCT DMC-S1000DBIKE-AAA-D00-00-00-00AA-00PA-D, ACT 00WA,
CCT 00QA, procedure 258A).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from clirun import ietm
from ietm.applic import Applicability, evaluate, evaluate_json, in_set, parse_values, to_json
from ietm.check.applic import check_csdb

PCT = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-00PA-D_006-00_en-US.XML"
ACT = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-00WA-D"
CLEANING = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_009-00_en-US.XML"

#: read by hand from the PCT: the three bikes, with their serial numbers as ids (the ACT's primary identifier)
BIKE_PRODUCTS = {
    "1B070643": {"SerialNo": "1B070643", "model": "Brook trekker", "version": "Mk9", "versrank": "2", "SB-S001": "Pre"},
    "1B070644": {"SerialNo": "1B070644", "model": "Brook trekker", "version": "Mk9", "versrank": "1", "SB-S001": "Post"},
    "1B070701": {"SerialNo": "1B070701", "model": "Mountain storm", "version": "Mk1", "versrank": "1", "SB-S001": "Pre"},
}


@pytest.fixture(scope="session")
def bike_applic(bike: Path) -> Applicability:
    return Applicability.for_csdb(bike)


def test_the_three_bike_products_are_listed(bike_applic, bike):
    products = bike_applic.products()
    assert {p.id: p.assignment for p in products} == BIKE_PRODUCTS
    assert all(Path(p.path).name == PCT for p in products)


def test_products_on_the_command_line(bike):
    r = ietm("applic", bike, "--products", "--format", "json")
    assert r.code == 0, r.err
    assert {p["id"]: p["assigns"] for p in json.loads(r.out)} == BIKE_PRODUCTS
    text = ietm("applic", bike, "--products")
    assert text.code == 0 and len(text.out.splitlines()) == 3
    assert "1B070701\tSerialNo=1B070701  model=Mountain storm" in text.out


def test_declared_attributes_and_conditions(bike_applic):
    scope = bike_applic.scope(ACT)
    assert scope.pct is not None and scope.cct is not None
    assert scope.properties["version"].allows("Mk9") and not scope.properties["version"].allows("Mk5")
    assert scope.properties["versrank"].allows("3") and not scope.properties["versrank"].allows("4")
    assert not scope.properties["versrank"].allows("2.5")  # valueDataType="integer", though 1 <= 2.5 <= 3
    assert scope.properties["versrank"].allowed_text() == "integer 1~3"
    assert scope.properties["SB-S001"].type == "condition"
    assert scope.properties["SB-S001"].allows("POST-017") and not scope.properties["SB-S001"].allows("Post")
    assert scope.properties["tourFinished"].allows("False")


@pytest.mark.parametrize("values, value, expected", [
    ("A|B", "A", True), ("A|B", "B", True), ("A|B", "C", False), ("A|B", "a", False),
    ("1~9", "5", True), ("1~9", "9", True), ("1~9", "10", False), ("1~3", "10", False), ("1~9", "0", False),
    ("0010|0023|0056~0062", "0023", True), ("0010|0023|0056~0062", "0058", True),
    ("0010|0023|0056~0062", "0024", False), ("0010|0023|0056~0062", "0063", False),
    ("POST-001~POST-999", "POST-050", True), ("POST-001~POST-999", "PRE", False),
    ("Brook trekker|Mountain storm", "Mountain storm", True),
])
def test_value_sets_and_ranges(values, value, expected):
    assert in_set(value, values) is expected


def test_parse_values_keeps_ranges_and_singles_apart():
    alts = parse_values("0010|0023|0056~0062")
    assert [a.to_json() for a in alts] == [{"value": "0010"}, {"value": "0023"}, {"from": "0056", "to": "0062"}]


NESTED = etree.fromstring("""
<applic id="a1"><displayText><simplePara>Mountain bicycle and (Mountain storm Mk1 or Brook trekker Mk9)</simplePara></displayText>
  <evaluate andOr="and">
    <assert applicPropertyIdent="type" applicPropertyType="prodattr" applicPropertyValues="Mountain bicycle"/>
    <evaluate andOr="or">
      <evaluate andOr="and">
        <assert applicPropertyIdent="model" applicPropertyType="prodattr" applicPropertyValues="Mountain storm"/>
        <assert applicPropertyIdent="version" applicPropertyType="prodattr" applicPropertyValues="Mk1"/>
      </evaluate>
      <evaluate andOr="and">
        <assert applicPropertyIdent="model" applicPropertyType="prodattr" applicPropertyValues="Brook trekker"/>
        <assert applicPropertyIdent="versrank" applicPropertyType="prodattr" applicPropertyValues="1~2|5"/>
      </evaluate>
    </evaluate>
  </evaluate>
</applic>""")


@pytest.mark.parametrize("assignment, expected", [
    ({"type": "Mountain bicycle", "model": "Mountain storm", "version": "Mk1"}, True),
    ({"type": "Mountain bicycle", "model": "Brook trekker", "versrank": "2"}, True),
    ({"type": "Mountain bicycle", "model": "Brook trekker", "versrank": "5"}, True),
    ({"type": "Mountain bicycle", "model": "Brook trekker", "versrank": "3"}, False),
    ({"type": "Racing bicycle", "model": "Mountain storm", "version": "Mk1"}, False),
    ({"type": "Mountain bicycle", "model": "Mountain storm", "version": "Mk9"}, False),
    # attributes the assignment does not give stay unknown: applicable unless something else decides
    ({"model": "Mountain storm", "version": "Mk1"}, None),
    ({"model": "Mountain storm", "version": "Mk9"}, False),
    ({"type": "Mountain bicycle", "model": "Brook trekker"}, None),
    ({}, None),
])
def test_nested_expressions(assignment, expected):
    assert evaluate(NESTED, assignment) is expected
    assert evaluate_json(json.loads(json.dumps(to_json(NESTED))), assignment) is expected


def test_text_only_applicability_is_unknown():
    text_only = etree.fromstring("<applic><displayText><simplePara>Dry conditions</simplePara></displayText></applic>")
    text_assert = etree.fromstring("<applic><assert>Bikes with a chain guard</assert></applic>")
    assert evaluate(text_only, {"model": "Brook trekker"}) is None
    assert evaluate(text_assert, {"model": "Brook trekker"}) is None
    assert to_json(text_only) == {"id": None, "text": "Dry conditions", "expr": None}


def test_json_form_of_a_bike_annotation(bike, bike_applic):
    from ietm.parse import load

    doc = load(bike / CLEANING)
    app = bike_applic.annotations(doc.root)["app-0002"]
    assert to_json(app) == {
        "id": "app-0002",
        "text": "Mountain bicycle Mountain storm Mk1",
        "expr": {"op": "and", "args": [
            {"assert": "type", "type": "prodattr", "values": [{"value": "Mountain bicycle"}]},
            {"assert": "model", "type": "prodattr", "values": [{"value": "Mountain storm"}]},
            {"assert": "version", "type": "prodattr", "values": [{"value": "Mk1"}]},
        ]},
    }
    assert evaluate(app, BIKE_PRODUCTS["1B070643"]) is False
    assert evaluate(app, BIKE_PRODUCTS["1B070701"]) is None  # `type` is not assigned by the PCT
    assert evaluate(app, {**BIKE_PRODUCTS["1B070701"], "type": "Mountain bicycle"}) is True


def test_applicability_repository_references_resolve(bike, bike_applic):
    """LIGHTING wiring data points at applic through referencedApplicGroupRef and the 0A2A repository."""
    from ietm.parse import load

    doc = load(bike / "DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-056A-A_009-00_en-US.XML")
    app = bike_applic.annotations(doc.root)["app-0001"]
    assert app is not None and app.get("id") == "app-0002"  # applicMapRefId of app-00000000AA056A-0001
    assert evaluate(app, BIKE_PRODUCTS["1B070701"]) is None and evaluate(app, {**BIKE_PRODUCTS["1B070701"], "type": "Mountain bicycle"})


def _lines(report, rule):
    return sorted((Path(f.path).name, f.line) for f in report.findings if f.rule == rule)


def test_bike_set_faults_are_reported(bike):
    """The sample set itself has applicability faults, read by hand: the PCT assigns SB-S001 'Pre'/'Post'
    where the CCT allows PRE or POST-001~POST-999, the CCT's own annotations assert undeclared SB1/SB9, and
    0A2A asserts versrank 1~9 where the ACT allows 1~3."""
    report = check_csdb(bike)
    assert _lines(report, "applic-value") == [
        (PCT, 155), (PCT, 167), (PCT, 179),
        ("DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-0A2A-D_002-00_en-US.XML", 119),
    ]
    assert _lines(report, "applic-undeclared") == [("DMC-S1000DBIKE-AAA-D00-00-00-00AA-00QA-D_006-00_en-US.XML", n) for n in (157, 165, 167)]
    assert _lines(report, "applic-refid") == []


def _break(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in a file; return the line it is on."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, at) + 1


def test_a_bad_value_is_reported_at_its_line(bike_copy):
    line = _break(bike_copy / CLEANING, 'applicPropertyValues="Brook trekker"', 'applicPropertyValues="Brook trekkr"')
    r = ietm("applic", bike_copy, "--format", "json")
    assert r.code == 1
    found = [f for f in json.loads(r.out)["findings"] if Path(f["path"]).name == CLEANING]
    assert [(f["rule"], f["line"]) for f in found] == [("applic-value", line)]
    assert "'Brook trekkr' of 'model' is not allowed" in found[0]["message"]
    text = ietm("applic", bike_copy)
    assert f"{CLEANING}:{line}: error: applic-value: value 'Brook trekkr'" in text.out


def test_undeclared_attribute_and_dangling_refid(bike_copy):
    line1 = _break(bike_copy / CLEANING, 'applicPropertyIdent="version"', 'applicPropertyIdent="colour"')
    line2 = _break(bike_copy / CLEANING, '<proceduralStep applicRefId="app-0002">', '<proceduralStep applicRefId="app-0009">')
    report = check_csdb(bike_copy)
    mine = sorted((f.rule, f.line) for f in report.findings if Path(f.path).name == CLEANING)
    assert mine == sorted([("applic-undeclared", line1 + 1), ("applic-refid", line2)])


def test_an_unresolved_repository_reference(bike_copy):
    name = "DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-029A-A_008-00_en-US.XML"
    line = _break(bike_copy / name, 'applicIdentValue="app-00000000AA029A-0000"', 'applicIdentValue="app-nowhere"')
    report = check_csdb(bike_copy)
    assert [(f.rule, f.line) for f in report.findings if Path(f.path).name == name] == [("applic-repository", line)]


def test_a_bad_product_value_in_the_pct(bike_copy):
    line = _break(bike_copy / PCT, 'applicPropertyValue="Mk1"', 'applicPropertyValue="Mk2"')
    report = check_csdb(bike_copy)
    assert (PCT, line) in _lines(report, "applic-value")


def test_malformed_file_is_named_not_a_traceback(bike_copy):
    (bike_copy / CLEANING).write_text("<dmodule><content>", encoding="utf-8")
    r = ietm("applic", bike_copy)
    assert r.code == 1
    assert f"{CLEANING}:1: error: not-readable: not well-formed XML" in r.out


def test_missing_csdb_is_one_clear_error(tmp_path):
    r = ietm("applic", tmp_path / "nowhere")
    assert r.code == 5 and r.err.startswith("ERROR: ") and "no such file or folder" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_a_csdb_without_tables(tmp_path):
    """A CSDB with no ACT/CCT/PCT has nothing to check and no products; it says so."""
    r = ietm("applic", tmp_path)
    assert r.code == 0 and r.out.startswith("SUCCESS: applic: 0 file(s) checked")
    r = ietm("applic", tmp_path, "--products")
    assert r.code == 0 and "no products" in r.out


def test_the_viewer_script_evaluates_like_python(bike, bike_applic, tmp_path):
    """The viewer hides content with its own JavaScript (viewer/static/js/applic.js) over `to_json`; it must
    decide every Bike annotation for every product, and for partial assignments, exactly as Python does."""
    import shutil
    import subprocess

    from clirun import ROOT
    from ietm.parse import load

    node = shutil.which("node")
    assert node, "node is needed to run the viewer's script outside a browser"
    cases = []
    assignments = [p.assignment for p in bike_applic.products()]
    assignments += [{**a, "type": "Mountain bicycle"} for a in assignments] + [{"version": "Mk1"}, {"versrank": "10"}, {}]
    for path in sorted(bike.glob("*.XML")):
        root = load(path).root
        for applic in [*bike_applic.annotations(root).values(), *root.iterfind("identAndStatusSection/*/applic")]:
            if applic is None:
                continue
            expr = to_json(applic)
            cases += [{"expr": expr, "assignment": a, "python": evaluate(applic, a)} for a in assignments]
    assert len(cases) > 1000
    data = tmp_path / "cases.json"
    data.write_text(json.dumps(cases), encoding="utf-8")
    script = f"""
        global.window = {{}};
        global.document = {{ addEventListener() {{}} }};
        require({json.dumps(str(ROOT / "viewer" / "static" / "js" / "applic.js"))});
        const cases = JSON.parse(require("fs").readFileSync({json.dumps(str(data))}, "utf8"));
        const wrong = cases.filter(c => window.IETMApplic.evaluate(c.expr, c.assignment) !== c.python);
        console.log(JSON.stringify(wrong.slice(0, 3)));
        process.exit(wrong.length ? 1 : 0);
    """
    proc = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def large_csdb(bike, tmp_path_factory) -> Path:
    """Six Bike sets in one CSDB, each bike copy under its own model code: ~490 distinct latest modules."""
    dest = tmp_path_factory.mktemp("large")
    for i in range(6):
        for f in bike.glob("*.XML"):
            data = f.read_bytes().replace(b'modelIdentCode="S1000DBIKE"', f'modelIdentCode="S1000DBIKE{i:04d}"'.encode())
            (dest / f.name.replace("S1000DBIKE", f"S1000DBIKE{i:04d}")).write_bytes(data)
    return dest


def test_both_cores_find_what_one_core_finds(large_csdb):
    one = check_csdb(large_csdb, jobs=1)
    both = check_csdb(large_csdb, jobs=2)
    assert one.files == both.files > 450
    assert one.findings == both.findings
    # each bike copy brings its own PCT and CCT faults (3 + 3), the shared LIGHTING repository one
    assert len(one.findings) == 6 * 6 + 1


def test_a_missing_cct_is_named(bike_copy):
    """Without the CCT, the SB-S001 condition of the PCT is undeclared, and the finding says why."""
    (bike_copy / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-00QA-D_006-00_en-US.XML").unlink()
    report = check_csdb(bike_copy)
    undeclared = [f for f in report.findings if f.rule == "applic-undeclared" and "SB-S001" in f.message]
    assert len(undeclared) == 3  # one per product of the PCT
    assert all(f.message.endswith("(DMC-S1000DBIKE-AAA-D00-00-00-00AA-00QA-D not in the CSDB)") for f in undeclared)
