"""The interactive parts of the sample manual hold together.

A technician follows a fault tree answer by answer, taps a callout on a parts figure, and walks a guided
inspection that reads the answers it asked for. These tests check, over the real files in content/, that
every answer leads on to a step that exists and never round in a circle, that each tree ends in a fix that
points at a module the manual delivers, that every hotspot finds its part in the drawing, that the parts
figures list only the part numbers of the product, and that the process module declares and fills each
variable before it reads it. Each checker is also run on a copy of a module broken the way writers break
things, to show that it notices.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from ietm.parse import Loaded, load, read_object
from ietm.parse.codes import DmCode

# The part numbers of the DG-5 generator set (the sample manual plan); the IPD may list no others.
PLAN_PARTS = frozenset({
    "GS-1001", "GS-1002", "GS-1012", "GS-1003", "GS-1004", "GS-1005", "GS-2001", "GS-2011", "GS-2002", "GS-2003",
    "GS-3001", "GS-3002", "GS-3003", "GS-3004", "GS-3005", "GS-3006", "GS-4001", "GS-4002",
})
LANGUAGES = ("ru-RU", "en-US")
STEP_TAGS = ("isolationStep", "isolationStepAlts", "isolationProcedureEnd", "isolationProcedureEndAlts")


def modules(folder: Path, content_type: str) -> Iterator[Loaded]:
    for path in sorted(folder.glob("DMC-*.XML")):
        if read_object(path).content_type == content_type:
            yield load(path)


def keys_present(folder: Path) -> set[str]:
    return {read_object(p).key for p in folder.glob("DMC-*.XML")}


def ref_key(dm_ref: etree._Element) -> str:
    return f"DMC-{DmCode.from_xml(dm_ref.find('dmRefIdent/dmCode'))}"


def name(doc: Loaded) -> str:
    return Path(doc.path).name


# ---------------------------------------------------------------- fault isolation
def tree(doc: Loaded) -> tuple[str, dict[str, etree._Element], dict[str, list[str]]]:
    """First node, nodes by id, and where each node can lead (answers, or the alternatives of an Alts)."""
    main = doc.root.find(".//isolationMainProcedure")
    nodes: dict[str, etree._Element] = {}
    for el in main.iter(*STEP_TAGS):
        nodes[el.get("id")] = el
    edges: dict[str, list[str]] = {}
    for node_id, el in nodes.items():
        if el.tag.endswith("Alts"):
            edges[node_id] = [child.get("id") for child in el]
        elif el.tag == "isolationStep":
            edges[node_id] = [a.get("nextActionRefId") for a in el.iterfind("isolationStepAnswer//*[@nextActionRefId]")]
        else:
            edges[node_id] = []
    first = next(iter(main)).get("id")
    return first, nodes, edges


def fault_problems(doc: Loaded, present: set[str]) -> list[str]:
    first, nodes, edges = tree(doc)
    problems = [f"{name(doc)}: {src} answers to '{dst}', which is not a step or end"
                for src, targets in edges.items() for dst in targets if dst not in nodes]
    for node_id, el in nodes.items():
        if el.tag == "isolationStep" and not edges[node_id]:
            problems.append(f"{name(doc)}: step {node_id} asks a question with no answers")
    state: dict[str, str] = {}

    def walk(node_id: str, path: list[str]) -> None:
        if state.get(node_id) == "open":
            problems.append(f"{name(doc)}: cycle {' -> '.join(path + [node_id])}")
            return
        if state.get(node_id) == "done" or node_id not in nodes:
            return
        state[node_id] = "open"
        for nxt in edges[node_id]:
            walk(nxt, path + [node_id])
        state[node_id] = "done"

    walk(first, [])
    inner = {child.get("id") for el in nodes.values() if el.tag.endswith("Alts") for child in el}
    problems += [f"{name(doc)}: {n} cannot be reached from the first step {first}"
                 for n in nodes if n not in state and n not in inner]
    for end in (el for el in nodes.values() if el.tag == "isolationProcedureEnd"):
        refs = end.findall(".//dmRef")
        if not refs:
            problems.append(f"{name(doc)}: end {end.get('id')} names no procedure that fixes the fault")
        problems += [f"{name(doc)}: end {end.get('id')} points at {ref_key(r)}, which is not in content/"
                     for r in refs if ref_key(r) not in present]
    return problems


def fault_shape(doc: Loaded) -> tuple:
    """What must be the same in both languages: steps, where answers lead, applicability, fixes."""
    first, nodes, edges = tree(doc)
    ends = {n: sorted(ref_key(r) for r in el.iter("dmRef")) for n, el in nodes.items()
            if el.tag == "isolationProcedureEnd"}
    applic = {n: el.get("applicRefId") for n, el in nodes.items()}
    return first, edges, ends, applic


# ---------------------------------------------------------------- illustrated parts data
def svg_ids_and_labels(svg: Path) -> tuple[set[str], set[str]]:
    root = load(svg).root
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    labels = {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
    return ids, labels


def ipd_problems(doc: Loaded) -> list[str]:
    problems = []
    folder = Path(doc.path).parent
    listed = {p.get("partNumberValue") for p in doc.root.iter("partRef")}
    problems += [f"{name(doc)}: part number {pn} is not a DG-5 part" for pn in sorted(listed - PLAN_PARTS)]
    illustrated = {c.get("item").lstrip("0") for c in doc.root.iter("catalogSeqNumber")
                   if c.find("itemSeqNumber/partLocationSegment/notIllustrated") is None}
    callouts: set[str] = set()
    graphics = doc.root.findall(".//figure/graphic")
    if not graphics:
        problems.append(f"{name(doc)}: the parts list has no figure")
    for graphic in graphics:
        icn = graphic.get("infoEntityIdent")
        file = doc.entities.get(icn)
        if not file or not (folder / file).is_file():
            problems.append(f"{name(doc)}: illustration {icn} is not declared or its file is missing")
            continue
        ids, labels = svg_ids_and_labels(folder / file)
        callouts |= labels
        for hotspot in graphic.iter("hotspot"):
            target = hotspot.get("applicationStructureIdent")
            if target not in ids:
                problems.append(f"{name(doc)}: hotspot {hotspot.get('id')} points at '{target}', not in {file}")
            elif f"GS-{target.removeprefix('gs-')}" not in listed:
                problems.append(f"{name(doc)}: hotspot {hotspot.get('id')} shows {target}, which the parts list lacks")
    problems += [f"{name(doc)}: item {item} has no callout in its illustration"
                 for item in sorted(illustrated - callouts)]
    return problems


def ipd_shape(doc: Loaded) -> list[tuple]:
    return [(c.get("item"), i.get("itemSeqNumberValue"), i.find("partRef").get("partNumberValue"),
             i.findtext("quantityPerNextHigherAssy"), i.get("applicRefIds"))
            for c in doc.root.iter("catalogSeqNumber") for i in c.iter("itemSeqNumber")]


# ---------------------------------------------------------------- process data module
ASSIGNING = ("userEntry", "assertion")


def process_problems(doc: Loaded) -> list[str]:
    """Each variableRef names a declared variable, and a variable is given a value before it is read.

    Document order stands for the order of the dialog: a value comes from initialize, from a user entry or
    from a menu assertion, and must come before the first expression or prompt that reads it.
    """
    problems = []
    declarations = doc.root.find(".//process/variableDeclarations")
    declared = {} if declarations is None else {v.get("variableName"): v for v in declarations.iter("variable")}
    has_value = {n for n, v in declared.items() if v.find("initialize") is not None}
    order = {el: i for i, el in enumerate(doc.root.iter())}
    for ref in doc.root.iter("variableRef"):
        var = ref.get("variableName")
        where = f"{name(doc)}:{ref.sourceline}"
        if var not in declared:
            problems.append(f"{where}: variable '{var}' is used but never declared")
            continue
        if order[declared[var]] > order[ref]:
            problems.append(f"{where}: variable '{var}' is used before its declaration")
        parent = ref.getparent()
        if parent.tag in ASSIGNING and parent.index(ref) == parent.index(parent.find("variableRef")):
            has_value.add(var)
        elif var not in has_value:
            problems.append(f"{where}: variable '{var}' is read before anything gives it a value")
    return problems


# ---------------------------------------------------------------- the real content
@pytest.fixture(scope="module")
def present(content: Path) -> set[str]:
    return keys_present(content)


@pytest.fixture(scope="module")
def faults(content: Path) -> list[Loaded]:
    return list(modules(content, "fault"))


@pytest.fixture(scope="module")
def ipds(content: Path) -> list[Loaded]:
    return list(modules(content, "ipd"))


@pytest.fixture(scope="module")
def processes(content: Path) -> list[Loaded]:
    return list(modules(content, "process"))


def by_language(docs: list[Loaded]) -> dict[str, dict[str, Loaded]]:
    """Module key -> language -> document."""
    pairs: dict[str, dict[str, Loaded]] = {}
    for doc in docs:
        obj = read_object(doc.path)
        pairs.setdefault(obj.key, {})[obj.language] = doc
    return pairs


@pytest.mark.parametrize("content_type, at_least", [
    ("fault", 3), ("ipd", 3), ("schedule", 1), ("crew", 1), ("process", 1)])
def test_each_interactive_kind_is_delivered_in_both_languages(content: Path, content_type: str, at_least: int) -> None:
    pairs = by_language(list(modules(content, content_type)))
    assert len(pairs) >= at_least, f"only {len(pairs)} {content_type} modules in content/"
    for key, langs in pairs.items():
        assert sorted(langs) == sorted(LANGUAGES), f"{key} is not in both ru-RU and en-US: {sorted(langs)}"


def test_fault_trees_cover_the_three_symptoms(faults: list[Loaded]) -> None:
    titles = " ".join(d.root.findtext(".//dmTitle/infoName") for d in faults if "en-US" in d.path).lower()
    for symptom in ("will not start", "no output voltage", "overheat"):
        assert symptom in titles


def test_fault_trees_are_acyclic_and_every_answer_leads_to_an_existing_step(faults: list[Loaded], present: set[str]) -> None:
    problems = [p for doc in faults for p in fault_problems(doc, present)]
    assert problems == []


def test_fault_trees_ask_yes_no_and_list_of_choices_questions(faults: list[Loaded]) -> None:
    for doc in faults:
        assert doc.root.find(".//yesNoAnswer") is not None, name(doc)
    assert any(doc.root.find(".//listOfChoices") is not None for doc in faults)


def test_fault_trees_say_the_same_in_both_languages(faults: list[Loaded]) -> None:
    for key, langs in by_language(faults).items():
        assert fault_shape(langs["ru-RU"]) == fault_shape(langs["en-US"]), key


def test_ipd_hotspots_find_their_parts_in_the_drawings(ipds: list[Loaded]) -> None:
    problems = [p for doc in ipds for p in ipd_problems(doc)]
    assert problems == []


def test_ipd_lists_the_same_parts_in_both_languages(ipds: list[Loaded]) -> None:
    for key, langs in by_language(ipds).items():
        assert ipd_shape(langs["ru-RU"]) == ipd_shape(langs["en-US"]), key


def test_ipd_shows_both_fuel_filter_designs_by_serial_number(ipds: list[Loaded]) -> None:
    for doc in ipds:
        applic = {a.get("id"): a.find("assert").get("applicPropertyValues") for a in doc.root.iter("applic")
                  if a.get("id") and a.find("assert") is not None}
        for isn in doc.root.iter("itemSeqNumber"):
            pn = isn.find("partRef").get("partNumberValue")
            if pn == "GS-1002":
                assert applic[isn.get("applicRefIds")] == "0001~0999", name(doc)
            if pn == "GS-1012":
                assert applic[isn.get("applicRefIds")] == "1000~9999", name(doc)
    listed = {p.get("partNumberValue") for d in ipds for p in d.root.iter("partRef")}
    assert {"GS-1002", "GS-1012"} <= listed


def test_process_variables_are_declared_and_filled_before_use(processes: list[Loaded]) -> None:
    problems = [p for doc in processes for p in process_problems(doc)]
    assert problems == []


def test_process_branches_on_the_model_and_on_the_answers(processes: list[Loaded]) -> None:
    for doc in processes:
        conditions = doc.root.findall(".//dmIf/expression")
        assert any(c.find("assert[@applicPropertyIdent='model']") is not None for c in conditions), name(doc)
        assert any(c.find(".//variableRef") is not None for c in conditions), name(doc)
        assert doc.root.find(".//dialog//userEntry") is not None and doc.root.find(".//dialog//menu") is not None


@pytest.mark.parametrize("content_type", ["fault", "ipd", "schedule", "crew", "process"])
def test_references_and_applicability_of_interactive_modules_resolve(content: Path, present: set[str], content_type: str) -> None:
    problems = []
    for doc in modules(content, content_type):
        problems += [f"{name(doc)}:{r.sourceline}: {ref_key(r)} is not in content/"
                     for r in doc.root.find("content").iter("dmRef") if ref_key(r) not in present]
        ids = {a.get("id") for a in doc.root.iter("applic") if a.get("id")}
        for el in doc.root.iter():
            for token in (el.get("applicRefId") or "").split() + (el.get("applicRefIds") or "").split():
                if token not in ids:
                    problems.append(f"{name(doc)}:{el.sourceline}: applicability '{token}' is not defined")
    assert problems == []


# ---------------------------------------------------------------- the checkers notice broken content
def broken_copy(content: Path, tmp_path: Path, pattern: str, old: str, new: str) -> Loaded:
    """Copy one module (and the illustrations it declares) and change `old` to `new` once in it."""
    src = next((p for p in sorted(content.glob(pattern)) if old in p.read_text(encoding="utf-8")), None)
    assert src is not None, f"no {pattern} in content/ contains {old!r} to break"
    for entity_file in load(src).entities.values():
        shutil.copy(content / entity_file, tmp_path / entity_file)
    dest = tmp_path / src.name
    dest.write_text(src.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return load(dest)


def test_fault_checker_notices_a_loop(content: Path, tmp_path: Path, present: set[str]) -> None:
    doc = broken_copy(content, tmp_path, "DMC-*-421A-A_*_en-US.XML", 'noAnswer nextActionRefId="fi-e01"',
                      'noAnswer nextActionRefId="fi-s01"')
    assert any("cycle" in p for p in fault_problems(doc, present))


def test_fault_checker_notices_an_answer_leading_nowhere(content: Path, tmp_path: Path, present: set[str]) -> None:
    doc = broken_copy(content, tmp_path, "DMC-*-421A-A_*_ru-RU.XML", 'yesAnswer nextActionRefId="fi-s02"',
                      'yesAnswer nextActionRefId="fi-s99"')
    assert any("'fi-s99'" in p for p in fault_problems(doc, present))


def test_fault_checker_notices_a_fix_pointing_at_a_missing_module(content: Path, tmp_path: Path, present: set[str]) -> None:
    doc = broken_copy(content, tmp_path, "DMC-*-421A-A_*_en-US.XML", 'infoCode="921"', 'infoCode="929"')
    assert any("not in content/" in p for p in fault_problems(doc, present))


def test_ipd_checker_notices_a_hotspot_missing_from_the_drawing(content: Path, tmp_path: Path) -> None:
    doc = broken_copy(content, tmp_path, "DMC-*-941A-D_*_en-US.XML", 'applicationStructureIdent="gs-',
                      'applicationStructureIdent="gs-9')
    assert any("hotspot" in p for p in ipd_problems(doc))


def test_ipd_checker_notices_a_foreign_part_number(content: Path, tmp_path: Path) -> None:
    doc = broken_copy(content, tmp_path, "DMC-*-941A-D_*_ru-RU.XML", 'partNumberValue="GS-', 'partNumberValue="XX-')
    assert any("is not a DG-5 part" in p for p in ipd_problems(doc))


@pytest.mark.parametrize("old, new, message", [
    ('variableName="hourMeter" valueType', 'variableName="hourMeterReading" valueType', "never declared"),
    ('<variableRef variableName="batteryVoltage"/>\n', '<variableRef variableName="batteryVoltageX"/>\n', "never declared"),
])
def test_process_checker_notices_undeclared_variables(content: Path, tmp_path: Path, old: str, new: str, message: str) -> None:
    doc = broken_copy(content, tmp_path, "DMC-DGEN-A-D00-00-00-00A-130A-A_*_en-US.XML", old, new)
    assert any(message in p for p in process_problems(doc))


def test_process_checker_notices_a_variable_read_before_it_has_a_value(content: Path, tmp_path: Path) -> None:
    src = next(content.glob("DMC-DGEN-A-D00-00-00-00A-130A-A_*_en-US.XML"))
    text = src.read_text(encoding="utf-8")
    # move the hour meter entry after the first read of hourMeter: drop the userEntry that fills it
    start = text.index("<userEntry", text.index('variableName="operatorName"/>'))
    end = text.index("</userEntry>", start) + len("</userEntry>")
    (tmp_path / src.name).write_text(text[:start] + text[end:], encoding="utf-8")
    assert any("before anything gives it a value" in p for p in process_problems(load(tmp_path / src.name)))
