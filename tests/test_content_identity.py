"""The sample manual in content/: identity, language pairs, procedures and applicability tables as the plan sets them.

content/ is what every new user, demo and benchmark starts from, so a module that loses its translation, a
procedure that loses its persons or an ACT that drops a model must fail here, not in front of a technician.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from ietm.parse import load, read_object

LANGS = {"ru-RU", "en-US"}
ACT = "DMC-DGEN-A-D00-00-00-00A-00WA-D"
CCT = "DMC-DGEN-A-D00-00-00-00A-00QA-D"
PCT = "DMC-DGEN-A-D00-00-00-00A-00PA-D"
BREX = "DMC-DGEN-A-D00-00-00-00A-022A-D"
# the procedures other modules (fault isolation, schedule, PMs) rely on, with the codes the plan fixes
PLAN_PROCEDURES = [
    "DMC-DGEN-A-D00-00-00-00A-100A-A", "DMC-DGEN-A-D00-00-00-00A-130B-A", "DMC-DGEN-A-D30-00-00-00A-130A-A",
    "DMC-DGEN-A-D10-10-00-00A-212A-A", "DMC-DGEN-A-D20-00-00-00A-921A-A", "DMC-DGEN-A-D10-30-00-00A-921A-A",
    "DMC-DGEN-A-D10-20-00-00A-210A-A", "DMC-DGEN-A-D10-20-00-00A-271A-A", "DMC-DGEN-A-D40-10-00-00A-520A-A",
    "DMC-DGEN-A-D40-10-00-00A-720A-A", "DMC-DGEN-A-D30-00-00-00A-921A-A", "DMC-DGEN-A-D30-00-00-00A-340A-A",
    "DMC-DGEN-A-D10-20-00-00A-921A-A",
]
PLAN_PARTS = {"GS-1001", "GS-1002", "GS-1012", "GS-1003", "GS-1004", "GS-1005", "GS-2001", "GS-2011", "GS-2002",
              "GS-2003", "GS-3001", "GS-3002", "GS-3003", "GS-3004", "GS-3005", "GS-3006", "GS-4001", "GS-4002"}


@pytest.fixture(scope="session")
def objects(content: Path):
    xml = sorted(p for p in content.iterdir() if p.suffix.upper() == ".XML")
    assert len(xml) >= 60, f"the sample manual has only {len(xml)} XML objects"
    return {p: read_object(p) for p in xml}


@pytest.fixture(scope="session")
def dms(objects):
    return {p: o for p, o in objects.items() if o.kind == "dm"}


def _by_issue(dms):
    """(code, issue) -> {language: object}: a CSDB may keep an old issue beside the current one."""
    out = defaultdict(dict)
    for o in dms.values():
        out[(o.key, o.issue)][o.language] = o
    return out


def _one(dms, key, language="en-US"):
    found = [(p, o) for p, o in dms.items() if o.key == key and o.language == language]
    assert len(found) == 1, f"{key} {language}: expected one module, found {len(found)}"
    return found[0]


def test_every_object_is_identified_and_named_by_its_code(objects):
    for path, o in objects.items():
        assert o.kind in {"dm", "pm", "dml"}, path.name
        assert o.s1000d_issue == "4.2", path.name
        assert o.name_ok, f"{path.name} should be named {o.expected_name}"
        assert o.title, path.name


def test_every_data_module_exists_in_russian_and_english_at_the_same_issue(dms):
    for (key, issue), langs in _by_issue(dms).items():
        assert set(langs) == LANGS, f"{key} issue {issue}: languages {sorted(langs)}"
        types = {o.content_type for o in langs.values()}
        assert len(types) == 1, f"{key}: ru-RU and en-US differ in content type: {types}"


def test_language_pairs_have_the_same_structure(dms):
    """A translation says the same thing: same steps, same applicability, same references, same figures."""
    def shape(path):
        root = load(path).root
        steps = [(s.get("applicRefId"), s.get("warningRefs"), s.get("cautionRefs"))
                 for s in root.iter("proceduralStep")]
        return (steps, sorted(e.get("applicRefId") for e in root.iter() if e.get("applicRefId")),
                sorted(g.get("infoEntityIdent") for g in root.iter("graphic")),
                len(list(root.iter("dmRef"))), len(list(root.iter("levelledPara"))), len(list(root.iter("row"))))
    paths = defaultdict(dict)
    for p, o in dms.items():
        paths[(o.key, o.issue)][o.language] = p
    for key, pair in paths.items():
        assert shape(pair["ru-RU"]) == shape(pair["en-US"]), f"{key}: ru-RU and en-US differ in structure"


def test_russian_modules_are_written_in_russian(dms):
    for p, o in dms.items():
        text = "".join(load(p).root.find("content").itertext())
        cyrillic = sum("а" <= ch.lower() <= "я" for ch in text)
        if o.language == "ru-RU":
            assert o.content_type in {"act", "cct", "pct"} or cyrillic > 20, f"{p.name} has almost no Russian text"
        else:
            assert cyrillic == 0, f"{p.name} (en-US) contains Cyrillic text"


def test_every_procedure_states_its_preliminary_requirements(dms):
    procedures = [(p, o) for p, o in dms.items() if o.content_type == "procedural"]
    assert len(procedures) >= 2 * 12
    for p, _ in procedures:
        root = load(p).root
        prelim = root.find("content/procedure/preliminaryRqmts")
        assert prelim is not None, p.name
        persons = prelim.findall("reqPersons/personnel") + prelim.findall("reqPersons/person")
        assert persons, f"{p.name}: no persons"
        for person in persons:
            assert person.find("personCategory") is not None, f"{p.name}: person without category"
            assert person.find("personSkill") is not None, f"{p.name}: person without skill level"
            t = person.find("estimatedTime")
            assert t is not None and t.get("unitOfMeasure") == "h" and float(t.text) > 0, f"{p.name}: no time"
            if person.tag == "personnel":
                assert int(person.get("numRequired", "0")) >= 1, f"{p.name}: number of persons missing"
        for part in ("reqCondGroup", "reqSupportEquips", "reqSupplies", "reqSpares", "reqSafety"):
            assert prelim.find(part) is not None, f"{p.name}: no {part}"
        assert root.find("content/procedure/closeRqmts") is not None, p.name
        assert root.find("content/procedure/mainProcedure/proceduralStep/proceduralStep") is not None, \
            f"{p.name}: steps are not nested"


def test_the_plan_procedures_exist_with_their_codes(dms):
    keys = {o.key for o in dms.values() if o.content_type == "procedural"}
    missing = [k for k in PLAN_PROCEDURES if k not in keys]
    assert not missing, f"procedures missing: {missing}"


def test_every_info_code_is_one_the_specification_defines_and_no_procedure_takes_a_list_code(dms):
    """A module's info code says what it is (Chap 8.4): a procedure coded as a list (x01-x07, such as 101, the list of
    consumables of operation) is filed by every S1000D tool under the wrong kind of information."""
    from ietm.render.content.infocodes import table

    names = table()
    for p, o in dms.items():
        code = o.key.split("-")[-2][:3]
        assert code in names, f"{p.name}: info code {code} is not one of S1000D Chap 8.4"
        if o.content_type == "procedural":
            assert not names[code][0].startswith("List of"), f"{p.name}: a procedure under {code}, {names[code][0]}"


def test_spares_use_the_plan_part_numbers(dms):
    used = set()
    for p in dms:
        for spare in load(p).root.iter("spareDescr"):
            used.update(pn.text for pn in spare.iter("partNumber"))
    assert used <= PLAN_PARTS, f"unknown part numbers: {used - PLAN_PARTS}"
    assert {"GS-1001", "GS-1002", "GS-1012", "GS-1003", "GS-3002"} <= used


def test_applicability_is_used_inside_content(dms):
    """Steps for one model, the fuel filter by serial number and cold-weather steps, not only whole modules."""
    def step_asserts(key):
        root = load(_one(dms, key)[0]).root
        applics = {a.get("id"): a for a in root.iter("applic") if a.get("id")}
        out = set()
        for el in root.iter():
            ref = el.get("applicRefId")
            if ref:
                assert ref in applics, f"{key}: applicRefId {ref} is not declared"
                for a in applics[ref].iter("assert"):
                    out.add((a.get("applicPropertyIdent"), a.get("applicPropertyValues")))
        return out
    start = step_asserts("DMC-DGEN-A-D00-00-00-00A-100A-A")
    assert {("model", "DG-5E"), ("model", "DG-5M"), ("ambient", "cold")} <= start
    fuel = step_asserts("DMC-DGEN-A-D20-00-00-00A-921A-A")
    assert {("serialno", "0001~0999"), ("serialno", "1000~9999")} <= fuel


def test_internal_references_resolve(dms):
    for p in dms:
        root = load(p).root
        ids = {e.get("id") for e in root.iter() if e.get("id")}
        for el in root.iter():
            for attr in ("warningRefs", "cautionRefs", "internalRefId", "applicRefId"):
                for target in (el.get(attr) or "").split():
                    assert target in ids, f"{p.name}:{el.sourceline}: {attr}={target} has no target"


def test_illustrations_exist_and_carry_the_hotspot_ids(dms, content: Path):
    for p in dms:
        doc = load(p)
        for g in doc.root.iter("graphic"):
            name = doc.entities.get(g.get("infoEntityIdent"))
            assert name, f"{p.name}: {g.get('infoEntityIdent')} is not declared"
            svg = content / name
            assert svg.exists(), f"{p.name}: {name} missing"
            text = svg.read_text(encoding="utf-8")
            assert "viewBox=" in text
            for hs in g.iter("hotspot"):
                assert f'id="{hs.get("applicationStructureIdent")}"' in text, \
                    f"{p.name}: hotspot {hs.get('applicationStructureIdent')} not in {name}"


def test_act_declares_models_and_serial_numbers(dms):
    root = load(_one(dms, ACT)[0]).root
    attrs = {a.get("id"): a for a in root.iter("productAttribute")}
    assert set(attrs) == {"model", "serialno"}
    models = {v for e in attrs["model"].iter("enumeration") for v in e.get("applicPropertyValues").split("|")}
    assert models == {"DG-5M", "DG-5E"}
    assert attrs["serialno"].get("valueDataType") == "integer"
    assert attrs["serialno"].find("enumeration").get("applicPropertyValues") == "0001~9999"
    refs = {r.kind for r in read_object(_one(dms, ACT)[0]).refs}
    assert {"cct", "pct"} <= refs or len(list(root.iter("dmRef"))) >= 2


def test_cct_declares_the_ambient_condition(dms):
    root = load(_one(dms, CCT)[0]).root
    types = {t.get("id"): t for t in root.iter("condType")}
    cond = root.find(".//condList/cond[@id='ambient']")
    assert cond is not None, "condition 'ambient' missing"
    values = {v for e in types[cond.get("condTypeRefId")].iter("enumeration") for v in e.get("applicPropertyValues").split("|")}
    assert values == {"normal", "cold"}


def test_pct_declares_the_three_products(dms):
    root = load(_one(dms, PCT)[0]).root
    products = {}
    for prod in root.iter("product"):
        products[prod.get("id")] = {a.get("applicPropertyIdent"): a.get("applicPropertyValue") for a in prod.iter("assign")}
    assert products == {"P-001": {"model": "DG-5M", "serialno": "0450"},
                        "P-002": {"model": "DG-5E", "serialno": "0870"},
                        "P-003": {"model": "DG-5E", "serialno": "1240"}}


def test_project_brex_refers_on_to_the_s1000d_default(dms):
    path, o = _one(dms, BREX)
    assert o.content_type == "brex"
    brex_refs = [r.target for r in o.refs if r.kind == "brex"]
    assert brex_refs == ["DMC-S1000D-F-04-10-0301-00A-022A-D"]
    for p, other in dms.items():
        if other.key != BREX:
            assert [r.target for r in other.refs if r.kind == "brex"] == [BREX], p.name


def test_the_old_issue_kept_beside_issue_002_is_a_new_issue_without_change_marks(dms):
    old = [p for p, o in dms.items() if o.key == "DMC-DGEN-A-D10-10-00-00A-212A-A" and o.issue == "001-00"]
    for p in old:
        root = load(p).root
        assert root.find(".//dmStatus").get("issueType") == "new"
        assert not [e for e in root.iter() if e.get("changeMark")], p.name


def test_a_module_at_issue_002_carries_change_marks_with_their_reasons(dms):
    changed = [p for p, o in dms.items() if o.issue == "002-00"]
    assert changed, "no module at issue 002"
    for p in changed:
        root = load(p).root
        assert root.find(".//dmStatus").get("issueType") == "changed"
        reasons = {r.get("id") for r in root.iter("reasonForUpdate")}
        marked = [e for e in root.iter() if e.get("changeMark") == "1"]
        assert marked, f"{p.name}: no change marks"
        for e in marked:
            assert e.get("changeType") in {"add", "modify", "delete"}
            assert set(e.get("reasonForUpdateRefIds", "").split()) <= reasons and e.get("reasonForUpdateRefIds")


def test_dml_and_publication_modules_cover_the_delivered_set(objects, dms):
    dml = [o for o in objects.values() if o.kind == "dml"]
    assert len(dml) == 1
    listed = {(r.target, r.language) for r in dml[0].refs if r.kind == "dm"}
    for o in dms.values():
        assert (o.key, o.language) in listed, f"{o.key} {o.language} not in the DML"
    pms = [o for o in objects.values() if o.kind == "pm"]
    assert {o.language for o in pms} == LANGS and len(pms) == 4
    in_pms = {r.target for o in pms for r in o.refs if r.kind == "dm"}
    for key in PLAN_PROCEDURES:
        assert key in in_pms, f"{key} is in no publication module"
