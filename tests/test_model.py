"""Reading real Bike objects: identity and metadata agree with values read by hand from the files."""

from pathlib import Path

from ietm.parse import read_object
from ietm.parse.loader import load


def test_procedure_identity_and_status(bike: Path):
    o = read_object(bike / "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML")
    assert o.kind == "dm" and o.key == "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
    assert o.content_type == "procedural" and o.schema == "proced" and o.s1000d_issue == "4.2"
    assert o.title == "Brake pads - Clean with rubbing alcohol"
    assert (o.issue, o.in_work, o.language, o.issue_date) == ("008-00", False, "en-US", "2016-12-31")
    assert (o.issue_type, o.security, o.qa, o.qa_type) == ("deleted", "01", "first", "tabtop")
    assert o.applic == "Mountain bicycle and (Mountain storm Mk1 or Brook trekker Mk9)"
    assert o.name_ok
    kinds = {r.kind for r in o.refs}
    assert {"act", "brex", "dm"} <= kinds


def test_learning_module_with_learn_code(bike: Path):
    o = read_object(bike / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-200A-T-T36D_002-00_en-US.XML")
    assert o.key == "DMC-S1000DBIKE-AAA-D00-00-00-00AA-200A-T-T36D"
    assert o.title == "Bicycle - Servicing: Prerequisite concept review"
    assert o.content_type == "learning"


def test_publication_module_and_its_references(bike: Path):
    o = read_object(bike / "PMC-S1000DBIKE-B6865-LOAP1-00_001-00_en-US.XML")
    assert (o.kind, o.key, o.title, o.issue, o.issue_type) == ("pm", "PMC-S1000DBIKE-B6865-LOAP1-00", "pmTitle", "001-00", "new")
    # this manual is a list of other publications: its entries are pmRefs
    assert {r.target for r in o.refs if r.kind == "pm"} >= {"PMC-S1000DBIKE-B6865-EPWG1-00"}


def test_dml_ddn_imf_upf_and_extension(bike: Path):
    dml = read_object(bike / "DML-S1000DBIKE-B6865-S-2016-00002_001-00.XML")
    assert (dml.kind, dml.key, dml.issue) == ("dml", "DML-S1000DBIKE-B6865-S-2016-00002", "001-00")
    assert dml.name_ok
    ddn = read_object(bike / "DDN-S1000DBIKE-B6865-B6865-2016_00001.XML")
    assert ddn.kind == "ddn" and ddn.key == "DDN-S1000DBIKE-B6865-B6865-2016-00001"
    assert not ddn.name_ok  # S1000D names a DDN with a hyphen before the sequence number
    imf = read_object(bike / "IMF-C0419-S1000D0360-001-01_001-00.XML")
    assert (imf.kind, imf.key, imf.title) == ("imf", "IMF-C0419-S1000D0360-001-01", "Bicycle")
    upf = read_object(bike / "UPF-S1000DLIGHTING-AAA-D00-00-00-00AA-00GA-D_002-00_en-US.XML")
    assert upf.kind == "upf" and upf.key == "UPF-S1000DLIGHTING-AAA-D00-00-00-00AA-00GA-D"
    dme = read_object(bike / "DME-SF518-CE0701-S1000DBIKE-AAA-D00-00-00-00AA-131A-A_009-00_en-US.XML")
    assert dme.key == "DME-SF518-CE0701-S1000DBIKE-AAA-D00-00-00-00AA-131A-A" and dme.content_type == "crew"
    assert dme.name_ok


def test_icn_entities_from_internal_subset(bike: Path):
    """The internal DTD subset stays readable: infoEntityIdent resolves to its declared file."""
    path = next(p for p in bike.glob("DMC-S1000DBIKE-AAA-DA1-00-00-00AA-041A-A_*.XML"))
    doc = load(path)
    assert doc.entities, "the module declares its illustrations as unparsed entities"
    name, file = next(iter(doc.entities.items()))
    assert file.upper().startswith(name.upper())
    o = read_object(path)
    icn_refs = [r.target for r in o.refs if r.kind == "icn"]
    assert icn_refs and set(icn_refs) <= set(doc.entities.values())


def test_every_bike_object_is_identified(bike: Path):
    objs = [read_object(p) for p in sorted(bike.iterdir()) if not p.name.startswith(".")]
    kinds = {}
    for o in objs:
        kinds[o.kind] = kinds.get(o.kind, 0) + 1
    assert kinds == {"dm": 97, "pm": 4, "dml": 1, "ddn": 1, "imf": 1, "upf": 1, "icn": 50}
    assert sum(1 for o in objs if o.content_type == "procedural") == 39
    assert sum(1 for o in objs if o.applic) >= 70


def test_s1000d_issue_of_each_object(bike, brex50, tmp_path):
    assert read_object(next(bike.glob("DMC-*.XML"))).s1000d_issue == "4.2"
    assert read_object(next(brex50.glob("DMC-*.XML"))).s1000d_issue == "5.0"
    src = (bike / "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML").read_text(encoding="utf-8")
    for url_issue, expected in (("S1000D_4-0-1", "4.0.1"), ("S1000D_4-1", "4.1"), ("S1000D_6", "6")):
        f = tmp_path / f"DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"
        f.write_text(src.replace("S1000D_4-2", url_issue), encoding="utf-8")
        assert read_object(f).s1000d_issue == expected
    f.write_text(src.replace(' xsi:noNamespaceSchemaLocation="http://www.s1000d.org/S1000D_4-2/xml_schema_flat/proced.xsd"', ""), encoding="utf-8")
    assert read_object(f).s1000d_issue == "4.0+"
