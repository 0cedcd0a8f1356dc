"""`ietm instance`: a Bike module filtered for each product is schema-valid and lost exactly the right content.

Expectations read by hand from DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A (cleaning procedure): app-0001 is
"Mountain bicycle Brook trekker Mk9", app-0002 "Mountain bicycle Mountain storm Mk1"; the PCT does not
assign `type`, so for a product only the model/version part decides.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from applic_helpers import schema_errors, validator
from clirun import ietm
from ietm.applic import Applicability
from ietm.applic.instance import NOT_APPLICABLE, make_instance
from ietm.parse import load
from ietm.parse.model import describe

CLEANING = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_009-00_en-US.XML"


@pytest.fixture(scope="session")
def v42(schemas42):
    return validator(schemas42)


@pytest.fixture(scope="session")
def bike_applic(bike: Path) -> Applicability:
    return Applicability.for_csdb(bike)


def _instance(path: Path, applic: Applicability, product_id: str, extra: dict | None = None):
    doc = load(path)
    product = applic.product(product_id)
    scope = applic.scope_of(doc.root)
    assignment = {**applic.assignment_for(product, scope), **(extra or {})}
    result = make_instance(doc.root, applic.annotations(doc.root), assignment, f"Product {product_id}", scope.properties,
                           applic.whole(doc.root))
    return doc, result, etree.tostring(doc.tree, xml_declaration=True, encoding="UTF-8")


def _texts(root, xpath: str) -> list[str]:
    return [" ".join("".join(e.itertext()).split()) for e in root.xpath(xpath)]


@pytest.mark.parametrize("product", ["1B070643", "1B070644"])
def test_brook_trekker_instance(bike, bike_applic, v42, product):
    doc, result, data = _instance(bike / CLEANING, bike_applic, product)
    assert schema_errors(v42, data) == []
    root = doc.root
    assert sorted(result.removed) == [("proceduralStep", 442), ("reqPersons", 266)]
    # the Mountain storm rider (sk02, 1,0 h) is gone, the Brook trekker rider (sk03, 0,8 h) stays
    assert root.xpath("//reqPersons/person[@man='B']/personSkill/@skillLevelCode") == ["sk03"]
    paras = _texts(root, "//para")
    assert not any(t.startswith("Flush the bicycle and make sure that all") for t in paras)  # Mountain storm step
    assert "Flush the bicycle to make sure that all detergents are removed." in paras
    assert root.xpath("//supplyDescr[@id='sup-0003']/name/text()") == ["BoeBus DeLux Detergent No.6"]
    # app-0002 is referred to by nothing any more; app-0001 is undecided (type) and stays
    assert root.xpath("//referencedApplicGroup/applic/@id") == ["app-0001"]
    status = root.find("identAndStatusSection/dmStatus")
    assert status[0].tag == "sourceDmIdent" and status[0].find("issueInfo").get("issueNumber") == "009"
    assert _texts(status, "applic/displayText") == [f"Product {product}"]
    asserts = {a.get("applicPropertyIdent"): a.get("applicPropertyValues") for a in status.iterfind("applic//assert")}
    assert asserts["model"] == "Brook trekker" and asserts["SerialNo"] == product


def test_mountain_storm_instance(bike, bike_applic, v42):
    doc, result, data = _instance(bike / CLEANING, bike_applic, "1B070701")
    assert schema_errors(v42, data) == []
    root = doc.root
    assert sorted(result.removed) == [("caution", 397), ("proceduralStep", 459), ("reqPersons", 274),
                                      ("supplyDescr", 365), ("warning", 387)]
    assert root.xpath("//supplyDescr[@id='sup-0003']") == []
    assert not any("sup-0003" in r for r in root.xpath("//internalRef/@internalRefId"))
    paras = _texts(root, "//para")
    assert any(t.startswith("Flush the bicycle and make sure that all") for t in paras)
    assert "Flush the bicycle to make sure that all detergents are removed." not in paras
    assert "Fully clean the bicycle with the soaked sponge." not in paras
    assert root.xpath("//reqPersons/person[@man='B']/personSkill/@skillLevelCode") == ["sk02"]


def test_decided_annotations_are_dropped(bike, bike_applic, v42):
    """With `type` given too, app-0001 is true for a Brook trekker: the annotation and the group go."""
    doc, _, data = _instance(bike / CLEANING, bike_applic, "1B070643", {"type": "Mountain bicycle"})
    assert schema_errors(v42, data) == []
    assert doc.root.xpath("//referencedApplicGroup") == []
    assert doc.root.xpath("//@applicRefId") == []


def test_every_bike_object_stays_valid_for_every_product(bike, bike_applic, v42):
    """All 101 DMs and PMs, three products: each instance is valid or left out as not applicable."""
    written = left_out = 0
    for path in sorted(bike.glob("*.XML")):
        if load(path).root.tag not in ("dmodule", "pm"):
            continue
        for product in bike_applic.products():
            _, result, data = _instance(path, bike_applic, product.id)
            if result.applicable is False or result.emptied:
                left_out += 1
                continue
            written += 1
            assert schema_errors(v42, data) == [], f"{path.name} for {product.id}"
    assert written > 250 and left_out > 0


def test_removing_the_only_steps_keeps_the_procedure_valid(bike_copy, v42):
    """Every step of the main procedure annotated as Mountain storm only: a Brook trekker gets one
    'not applicable' step instead of an empty (invalid) main procedure."""
    path = bike_copy / CLEANING
    doc = load(path)
    for step in doc.root.iterfind("content/procedure/mainProcedure/proceduralStep"):
        step.set("applicRefId", "app-0002")
    path.write_bytes(etree.tostring(doc.tree, xml_declaration=True, encoding="UTF-8"))
    applic = Applicability.for_csdb(bike_copy)
    doc, result, data = _instance(path, applic, "1B070643")
    assert schema_errors(v42, data) == []
    steps = doc.root.findall("content/procedure/mainProcedure/proceduralStep")
    assert len(steps) == 1 and _texts(steps[0], "para") == [NOT_APPLICABLE] and result.placeholders == 1


def test_instance_command_on_the_bike_folder(bike, tmp_path, v42):
    out = tmp_path / "mountain-storm"
    r = ietm("instance", bike, "--product", "1B070701", "-o", out, "--format", "json")
    assert r.code == 0, r.err
    rows = {Path(row["source"]).name: row for row in json.loads(r.out)["objects"]}
    # 00AB-720A asserts Brook trekker Mk9 for the whole module: not part of a Mountain storm's manual
    assert rows["DMC-S1000DBIKE-AAA-D00-00-01-00AB-720A-A_002-00_en-US.XML"]["skipped"] == "not applicable to this product"
    assert not (out / "DMC-S1000DBIKE-AAA-D00-00-01-00AB-720A-A_002-00_en-US.XML").exists()
    assert len(rows[CLEANING]["removed"]) == 5
    assert schema_errors(v42, out / CLEANING) == []
    # the illustrations the instance shows travel with it
    assert (out / "ICN-C0419-S1000D0400-001-01.CGM").is_file()


def test_set_values_instead_of_a_product(bike, tmp_path):
    r = ietm("instance", bike / CLEANING, "--set", "model=Mountain storm", "--set", "version=Mk1", "-o", tmp_path / "o")
    assert r.code == 0, r.err
    assert f"{CLEANING}: 5 element(s) removed" in r.out


def test_existing_output_is_not_replaced(bike, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / CLEANING).write_text("mine", encoding="utf-8")
    r = ietm("instance", bike / CLEANING, "--product", "1B070701", "-o", out)
    assert r.code == 6 and "already exists" in r.err
    assert (out / CLEANING).read_text(encoding="utf-8") == "mine"
    assert [p.name for p in out.iterdir()] == [CLEANING]  # no temporary file left behind
    assert ietm("instance", bike / CLEANING, "--product", "1B070701", "-o", out, "--force").code == 0


def test_unknown_product_is_one_clear_error(bike, tmp_path):
    r = ietm("instance", bike, "--product", "NOPE", "-o", tmp_path / "o")
    assert r.code == 5
    assert r.err.strip() == "ERROR: no product 'NOPE' in the PCT (products: 1B070643, 1B070644, 1B070701)"


def test_malformed_input_is_one_clear_error(bike_copy, tmp_path):
    bad = bike_copy / CLEANING
    bad.write_text("<dmodule><content>", encoding="utf-8")
    r = ietm("instance", bad, "--product", "1B070701", "-o", tmp_path / "o")
    assert r.code == 3 and r.err.startswith("ERROR: ") and "not well-formed XML" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_writing_into_the_masters_folder_is_refused(bike_copy):
    r = ietm("instance", bike_copy, "--product", "1B070701", "-o", bike_copy)
    assert r.code == 6 and "replace their masters" in r.err
    r = ietm("instance", bike_copy, "--product", "1B070701", "-o", bike_copy / "mountain-storm")
    assert r.code == 6 and "inside the CSDB" in r.err and not (bike_copy / "mountain-storm").exists()


def test_without_product_or_values_it_says_what_to_give(bike, tmp_path):
    r = ietm("instance", bike, "-o", tmp_path / "o")
    assert r.code == 2 and "--product" in r.err


def test_publication_entries_for_modules_left_out_are_dropped(bike, tmp_path, v42):
    """Read by hand: every functional item of the lighting CIR (00EA) is for the Mountain storm (app-0001),
    so a Brook trekker's instance has nothing of it and leaves it out; the lighting PM lists 00EA at line 152,
    and that entry must go too, or the instance's PM would point at a module that is not there."""
    out = tmp_path / "o"
    r = ietm("instance", bike, "--product", "1B070643", "-o", out, "--format", "json")
    assert r.code == 0, r.err
    rows = {Path(row["source"]).name: row for row in json.loads(r.out)["objects"]}
    assert rows["DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-00EA-D_002-00_en-US.XML"]["skipped"] == "nothing applicable left"
    pm = "PMC-S1000DLIGHTING-B6865-EPWG1-00_001-00_en-US.XML"
    assert rows[pm]["droppedRefs"] == [{"target": "DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-00EA-D", "line": 152}]
    assert schema_errors(v42, out / pm) == []
    listed = load(out / pm).root.xpath("//pmEntry/dmRef/dmRefIdent/dmCode/@infoCode")
    assert "00E" not in listed and len(listed) == len(load(bike / pm).root.xpath("//pmEntry/dmRef")) - 1


def test_set_names_a_declared_attribute_with_an_allowed_value(bike, tmp_path):
    r = ietm("instance", bike / CLEANING, "--set", "colour=red", "-o", tmp_path / "o")
    assert r.code == 5 and "no ACT or CCT of the CSDB declares 'colour'" in r.err
    r = ietm("instance", bike / CLEANING, "--set", "version=Mk5", "-o", tmp_path / "o")
    assert r.code == 3 and "--set version=Mk5: value not allowed (allowed: Mk1|Mk9 (pattern Mk(1|9)))" in r.err


def test_whole_object_applicability_through_the_repository(bike, bike_applic, v42):
    """Read by hand: 057A says where it applies with applicRef app-00000000AA057A-0000, which the 0A2A
    repository maps to its app-0001 (type, and Mountain storm Mk1 versrank 1~3 or Brook trekker Mk9 versrank
    1~2). The instance replaces the reference by the product's own applicability."""
    name = "DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-057A-A_009-00_en-US.XML"
    marker, statement = bike_applic.whole(load(bike / name).root)
    assert marker.tag == "applicRef" and statement.get("id") == "app-0001"
    doc, result, data = _instance(bike / name, bike_applic, "1B070701")
    assert result.applicable is None and schema_errors(v42, data) == []
    status = doc.root.find("identAndStatusSection/dmStatus")
    assert status.find("applicRef") is None and _texts(status, "applic/displayText") == ["Product 1B070701"]
    assert bike_applic.whole(load(bike / name).root)[1] is not None


def test_both_cores_write_what_one_core_writes(bike, tmp_path):
    """Six Bike sets under distinct model codes (~490 distinct latest objects): filtered on two worker
    processes, the instance folder is byte for byte what one process writes."""
    csdb = tmp_path / "large"
    csdb.mkdir()
    for i in range(6):
        for f in bike.glob("*.XML"):
            data = f.read_bytes().replace(b'modelIdentCode="S1000DBIKE"', f'modelIdentCode="S1000DBIKE{i:04d}"'.encode())
            (csdb / f.name.replace("S1000DBIKE", f"S1000DBIKE{i:04d}")).write_bytes(data)
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        r = ietm("instance", csdb, "--set", "model=Mountain storm", "--set", "version=Mk1", "-o", out, "-j", jobs)
        assert r.code == 0, r.err
        outputs[jobs] = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(outputs["1"]) > 450
    assert outputs["1"] == outputs["2"]


def test_an_instance_folder_breaks_no_reference_its_master_kept(bike, tmp_path):
    """`ietm refs` on the instance finds what it finds on the master set (the Bike set refers to modules it
    does not hold), plus only references to the modules left out for the product: no internalRef to a
    removed element, no illustration lost."""
    from collections import Counter

    out = tmp_path / "o"
    r = ietm("instance", bike, "--product", "1B070701", "-o", out, "--format", "json")
    assert r.code == 0, r.err
    left_out = {describe(load(Path(row["source"]))).key for row in json.loads(r.out)["objects"] if "skipped" in row}

    def findings(folder: Path) -> Counter:
        report = json.loads(ietm("refs", folder, "--format", "json").out)
        return Counter((Path(f["path"]).name, f["rule"], f["message"]) for f in report["findings"])

    master = findings(bike)
    new = findings(out) - master
    assert new, "the product leaves modules out that others refer to"
    for name, rule, message in new:
        assert rule == "dangling" and any(f"reference to {key}:" in message for key in left_out), (name, rule, message)
