"""`ietm brex` on the real Bike set, its project BREX and the S1000D 4.2 default BREX.

Broken copies change one thing each, read by hand from the files, and must trigger exactly one rule at the
line of the change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clirun import ietm
from ietm.check.brex import Allowed, in_set, xsd_pattern

BIKE_BREX = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-022A-D_009-00_en-US.XML"
BRAKE_PADS = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-121A-A_009-00_en-US.XML"  # procedure with a caution at line 283
WHEEL_CLEAN = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"


def broken(bike: Path, dest: Path, name: str, change) -> Path:
    """A one-module CSDB: the module changed by `change(text)`, beside the Bike BREX it names."""
    dest.mkdir(exist_ok=True)
    (dest / BIKE_BREX).write_bytes((bike / BIKE_BREX).read_bytes())
    text = (bike / name).read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    (dest / name).write_text(changed, encoding="utf-8")
    return dest / name


def findings(*args) -> tuple[int, list[dict]]:
    r = ietm("brex", *args, "--format", "json")
    return r.code, json.loads(r.out)["findings"]


def test_bike_set_passes_project_and_default_brex_with_values(bike, brex42):
    r = ietm("brex", bike, "-B", brex42, "--format", "json")
    data = json.loads(r.out)
    assert r.code == 0, data["findings"][:5]
    assert data["files"] == 105
    assert data["errors"] == 0 and data["warnings"] == 0


def test_value_the_project_brex_does_not_allow(bike, brex42, tmp_path):
    f = broken(bike, tmp_path, WHEEL_CLEAN, lambda t: t.replace('securityClassification="01"', 'securityClassification="02"'))
    code, found = findings(f, "-B", brex42)
    assert code == 1
    assert [(x["rule"], x["line"], x["severity"]) for x in found] == [("BIKE-BR-00007", 32, "error")]
    assert "Security classification: '02' is not an allowed value" in found[0]["message"]
    assert "brsl01" in found[0]["message"]
    # value checks are on by default; --no-values turns them off
    code, found = findings(f, "-B", brex42, "--no-values")
    assert code == 0 and found == []


def test_wrong_sns_code_reported_at_the_attribute_line(bike, brex42, tmp_path):
    # systemCode sits on line 11 of the module, the dmCode element ends on line 19
    f = broken(bike, tmp_path, WHEEL_CLEAN, lambda t: t.replace('systemCode="DA1"', 'systemCode="DB1"', 1))
    code, found = findings(f, "-B", brex42)
    assert code == 1
    assert [(x["rule"], x["line"]) for x in found] == [("BIKE-BR-00053", 11)]
    assert "'DB1'" in found[0]["message"] and "Systems (Bike specific SNS)" in found[0]["message"]


def test_element_a_rule_forbids_in_that_context(bike, brex42, tmp_path):
    lines = (bike / BRAKE_PADS).read_text(encoding="utf-8").split("\n")
    assert lines[282].strip() == "<caution>"  # line 283, read by hand

    def add_note(text: str) -> str:
        ls = text.split("\n")
        ls.insert(283, "<note><notePara>Check twice.</notePara></note>")
        return "\n".join(ls)

    f = broken(bike, tmp_path, BRAKE_PADS, add_note)
    code, found = findings(f, "-B", brex42)
    assert code == 1
    assert [(x["rule"], x["line"]) for x in found] == [("BIKE-BR-00064", 284)]
    assert found[0]["message"].startswith("Notes are not allowed in Cautions (<note> not allowed here)")


def test_rule_of_the_default_brex_reached_through_the_project_brex(bike, brex42, tmp_path):
    # the module is issue 009 of a changed module; issue 001-00 with issueType "changed" breaks BREX-S1-00030
    f = broken(bike, tmp_path, BRAKE_PADS, lambda t: t.replace('issueNumber="009" inWork="00"', 'issueNumber="001" inWork="00"', 1))
    code, found = findings(f, "-B", brex42)
    assert [(x["rule"], x["line"]) for x in found] == [("BREX-S1-00030", 26)]
    # without the official default BREX, ietm's built-in rules of it find the same, and say where S1000D says it
    code, found = findings(f)
    assert code == 1 and [(x["rule"], x["line"]) for x in found] == [("BREX-S1-00030", 26)]
    assert found[0]["message"].startswith("S1000D 4.2 default rule, Chap 3.9.5.1")


def test_a_brex_reference_that_leads_nowhere_is_said_once(bike, tmp_path):
    """The project BREX refers on to a BREX that neither the CSDB, the settings nor ietm knows."""
    f = broken(bike, tmp_path, BRAKE_PADS, lambda t: t.replace('issueNumber="009" inWork="00"', 'issueNumber="001" inWork="00"', 1))
    project = tmp_path / BIKE_BREX
    project.write_text(project.read_text(encoding="utf-8").replace('modelIdentCode="S1000D" systemDiffCode="F"',
                                                                   'modelIdentCode="NOSUCH" systemDiffCode="F"', 1), encoding="utf-8")
    code, found = findings(f)
    assert code == 0
    assert [(x["rule"], x["severity"]) for x in found] == [("brex-not-found", "warning")]
    assert "DMC-NOSUCH-F-04-10-0301-00A-022A-D" in found[0]["message"]


def sns_brex(bike: Path) -> str:
    """The Bike BREX with SNS rules: system DA1 has subsystem 1 only, with sub-subsystem 0 and assembly 00."""
    sns = ("<snsRules><snsDescr><snsSystem><snsCode>DA1</snsCode><snsTitle>Wheels</snsTitle>"
           "<snsSubSystem><snsCode>1</snsCode><snsTitle>Front wheel</snsTitle>"
           "<snsSubSubSystem><snsCode>0</snsCode><snsTitle>Front wheel</snsTitle>"
           "<snsAssy><snsCode>00</snsCode><snsTitle>Wheel</snsTitle></snsAssy>"
           "</snsSubSubSystem></snsSubSystem></snsSystem></snsDescr></snsRules>\n")
    text = (bike / BIKE_BREX).read_text(encoding="utf-8")
    return text.replace("<contextRules>", sns + "<contextRules>", 1)


def test_sns_rules_of_the_brex(bike, brex42, tmp_path):
    (tmp_path / BIKE_BREX).write_text(sns_brex(bike), encoding="utf-8")
    ok = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"
    sub = "DMC-S1000DBIKE-AAA-DA1-20-00-00AA-520A-A_002-00_en-US.XML"
    system = "DMC-S1000DBIKE-AAA-DA2-10-00-00AA-520A-A_009-00_en-US.XML"
    for name in (ok, sub, system):
        (tmp_path / name).write_bytes((bike / name).read_bytes())
    code, found = findings(tmp_path, "-B", brex42)
    assert code == 1
    by_file = {Path(x["path"]).name: (x["rule"], x["message"]) for x in found}
    assert set(by_file) == {sub, system}
    assert by_file[sub][0] == "sns" and "subSystemCode of DA1-2" in by_file[sub][1]
    assert by_file[system][0] == "sns" and "systemCode of DA2" in by_file[system][1]


def test_notation_rules(bike, brex42, tmp_path):
    rules = ("<notationRuleList><notationRule><notationName allowedNotationFlag=\"1\">cgm</notationName>"
             "<objectUse>Illustrations are CGM</objectUse></notationRule>"
             "<notationRule><notationName allowedNotationFlag=\"0\">png</notationName>"
             "<objectUse>No PNG illustrations</objectUse></notationRule></notationRuleList>\n")
    text = (bike / BIKE_BREX).read_text(encoding="utf-8")
    (tmp_path / BIKE_BREX).write_text(text.replace("<nonContextRules", rules + "<nonContextRules", 1), encoding="utf-8")
    name = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_009-00_en-US.XML"  # declares a PNG illustration
    data = (bike / name).read_bytes()
    (tmp_path / name).write_bytes(data)
    png_line = next(i for i, line in enumerate(data.split(b"\n"), 1) if b"NDATA png" in line)
    code, found = findings(tmp_path / name, "-B", brex42)
    assert code == 1
    assert [(x["rule"], x["line"]) for x in found] == [("notation", png_line)]
    assert "No PNG illustrations" in found[0]["message"]


def test_same_findings_on_one_core_and_on_two(bike, brex42, bike_copy):
    target = bike_copy / WHEEL_CLEAN
    target.write_text(target.read_text(encoding="utf-8").replace('securityClassification="01"', 'securityClassification="02"'),
                      encoding="utf-8")
    one = ietm("brex", bike_copy, "-B", brex42, "-j", "1", "--format", "json")
    two = ietm("brex", bike_copy, "-B", brex42, "-j", "2", "--format", "json")
    assert one.code == two.code == 1
    assert json.loads(one.out) == json.loads(two.out)
    assert json.loads(one.out)["errors"] == 1


def test_text_and_junit_formats(bike, brex42, tmp_path):
    f = broken(bike, tmp_path, WHEEL_CLEAN, lambda t: t.replace('securityClassification="01"', 'securityClassification="02"'))
    r = ietm("brex", f, "-B", brex42)
    assert r.out.splitlines()[0] == f"{f}:32: error: BIKE-BR-00007: Security classification: '02' is not an allowed value [brsl01]"
    assert r.out.splitlines()[-1].startswith("FAILED: brex: 1 file(s) checked, 1 with errors")
    r = ietm("brex", f, "-B", brex42, "--format", "junit")
    assert '<failure message="Security classification' in r.out and 'type="BIKE-BR-00007"' in r.out


def test_clear_errors_without_traceback(bike, tmp_path):
    r = ietm("brex", bike / WHEEL_CLEAN, "--brex", tmp_path / "nothing.XML")
    assert r.code == 4 and r.err.strip() == f"ERROR: {tmp_path / 'nothing.XML'}: BREX file not found"
    r = ietm("brex", bike / WHEEL_CLEAN, "--brex", bike / WHEEL_CLEAN)
    assert r.code == 4 and "not a BREX data module" in r.err and len(r.err.strip().splitlines()) == 1
    r = ietm("brex", tmp_path / "missing")
    assert r.code == 5 and "no such file or folder" in r.err
    bad = tmp_path / "DMC-BAD.XML"
    bad.write_text("<dmodule><identAndStatusSection>", encoding="utf-8")
    r = ietm("brex", bad)
    assert r.code == 1 and re.search(r"DMC-BAD.XML:1: error: not-readable: not well-formed XML", r.out)


def test_module_whose_brex_is_nowhere(bike, tmp_path):
    """Its project BREX is missing: said as a warning, and the default rules of its issue still apply."""
    (tmp_path / WHEEL_CLEAN).write_bytes((bike / WHEEL_CLEAN).read_bytes())
    code, found = findings(tmp_path)
    assert code == 0
    assert [(x["rule"], x["severity"]) for x in found] == [("brex-not-found", "warning")]
    assert "DMC-S1000DBIKE-AAA-D00-00-00-00AA-022A-D" in found[0]["message"]
    assert "ietm's built-in S1000D 4.2 default rules" in found[0]["message"]


def test_explicit_brex_and_broken_rule(bike, tmp_path):
    # an explicit BREX whose one rule is not XPath 1.0: said once, as a warning, and the run goes on
    text = (bike / BIKE_BREX).read_text(encoding="utf-8")
    text = text.replace("//dmAddress/dmIdent/dmCode/@modelIdentCode", "//dmCode/@modelIdentCode[", 1)
    (tmp_path / "project-brex.XML").write_text(text, encoding="utf-8")
    code, found = findings(bike / WHEEL_CLEAN, "--brex", tmp_path / "project-brex.XML")
    assert code == 0
    # the S1000D default BREX it refers to is known by its built-in rules, so nothing else is said
    assert {(x["rule"], x["severity"]) for x in found} == {("BIKE-BR-00052", "warning")}
    assert any("not usable XPath 1.0" in x["message"] for x in found)


@pytest.mark.parametrize(("value", "allowed", "ok"), [
    ("D05", "D00~D09", True), ("DA0", "D00~D09", False), ("DA3", "D00~D09|DA0~DA9", True),
    ("b", "a|b|c", True), ("d", "a|b|c", False), ("7", "0~9", True),
])
def test_ranges_and_sets(value, allowed, ok):
    assert in_set(value, allowed) is ok


def test_patterns_match_the_whole_value():
    system = Allowed("pattern", "([A-HJT-Z0-9])?[A-Z0-9]{2}", xsd_pattern("([A-HJT-Z0-9])?[A-Z0-9]{2}"))
    assert system.matches("DA1") and system.matches("00")
    assert not system.matches("IA1") and not system.matches("DA12")


def test_faster_paths_select_the_same_nodes_in_every_bike_module(bike, brex42):
    """The rewritten objectPaths ietm runs give exactly what the BREX's own text gives, rule by rule."""
    from lxml import etree

    from ietm.check.brex import faster_path, read_brex
    from ietm.parse import load

    def key(node):
        if isinstance(node, etree._Element):
            return ("el", node)
        if getattr(node, "is_attribute", False):
            return ("attr", node.getparent(), node.attrname)
        return ("value", node)

    rules = [r for path in (bike / BIKE_BREX, next(brex42.iterdir())) for r in read_brex(path).rules]
    rewritten = [(r.path, faster_path(r.path)) for r in rules if faster_path(r.path) != r.path]
    assert len(rewritten) > 100
    docs = [load(p) for p in sorted(bike.glob("*.XML"))]
    for original, faster in rewritten:
        a, b = etree.XPath(original), etree.XPath(faster)
        for doc in docs:
            ra, rb = a(doc.tree), b(doc.tree)
            assert [key(n) for n in ra] == [key(n) for n in rb], (original, doc.path)
    # and a rule skipped because a module lacks a name its path needs would indeed have selected nothing
    skipped = 0
    for doc in docs:
        elements = {el.tag for el in doc.root.iter() if isinstance(el.tag, str)}
        attributes = {a for el in doc.root.iter() for a in el.attrib}
        for r in rules:
            if not (r.needs_elements <= elements and r.needs_attributes <= attributes):
                skipped += 1
                assert etree.XPath(r.path)(doc.tree) in ([], False), (r.path, doc.path)
    assert skipped > 100 * len(docs)


def test_module_naming_no_brex_gets_the_default_of_its_issue(bike, brex42, tmp_path):
    def change(text: str) -> str:
        text = re.sub(r"<brexDmRef>.*?</brexDmRef>", "", text, count=1, flags=re.S)
        text = text.replace('securityClassification="01"', 'securityClassification="02"')  # only the Bike BREX minds
        return text.replace('issueNumber="009" inWork="00"', 'issueNumber="001" inWork="00"', 1)  # the default BREX minds

    f = broken(bike, tmp_path, BRAKE_PADS, change)
    code, found = findings(f, "-B", brex42)
    assert code == 1 and [x["rule"] for x in found] == ["BREX-S1-00030"]
    code, found = findings(f)  # ietm's built-in default rules of Issue 4.2
    assert code == 1 and [x["rule"] for x in found] == ["BREX-S1-00030"]


def test_lines_of_multi_line_start_tags():
    """lxml knows the line where a start tag ends; findings point at the tag's first line or the attribute's."""
    from ietm.check.brex import _Places
    from ietm.parse import load_bytes

    doc = load_bytes(b'<a>\n<note\n  x="1"><notePara x="2">t</notePara></note>\n</a>', "t.XML")
    note = doc.root[0]
    places = _Places(doc)
    assert (places.element(note), places.attribute(note, "x")) == (2, 3)
    assert (places.element(note[0]), places.attribute(note[0], "x")) == (3, 3)


def test_brex_chain_that_loops_ends(bike, tmp_path):
    """Project BREX A refers to BREX B, which refers back to A: both apply, once, and the run ends."""
    text = (bike / BIKE_BREX).read_text(encoding="utf-8")
    ident = re.search(r'(<dmIdent>\s*<dmCode [^>]*?infoCode="022"\s+infoCodeVariant=")A(")', text)
    assert ident
    b_text = text[: ident.start()] + ident.group(1) + "B" + ident.group(2) + text[ident.end():]
    b_text = b_text.replace('brDecisionIdentNumber="BIKE-BR-00007"', 'brDecisionIdentNumber="LOOP-B-00007"')  # B's own rule
    ref_a = '<dmCode modelIdentCode="S1000DBIKE" systemDiffCode="AAA" systemCode="D00" subSystemCode="0" subSubSystemCode="0" ' \
            'assyCode="00" disassyCode="00" disassyCodeVariant="AA" infoCode="022" infoCodeVariant="{v}" itemLocationCode="D"/>'
    def point(t: str, variant: str) -> str:
        return re.sub(r"(<brexDmRef>\s*<dmRef>\s*<dmRefIdent>\s*)<dmCode [^>]*/>", lambda m: m.group(1) + ref_a.format(v=variant), t, count=1)
    (tmp_path / BIKE_BREX).write_text(point(text, "B"), encoding="utf-8")
    (tmp_path / BIKE_BREX.replace("022A", "022B")).write_text(point(b_text, "A"), encoding="utf-8")
    module = (bike / WHEEL_CLEAN).read_text(encoding="utf-8").replace('securityClassification="01"', 'securityClassification="02"')
    (tmp_path / WHEEL_CLEAN).write_text(module, encoding="utf-8")
    code, found = findings(tmp_path / WHEEL_CLEAN)
    assert code == 1
    assert sorted((x["rule"], x["line"]) for x in found) == [("BIKE-BR-00007", 32), ("LOOP-B-00007", 32)]
