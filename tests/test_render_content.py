"""Content renderers over real modules: the whole Bike set and content/, real text of each type, spans,
broken references, and hostile text that must stay text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from render_support import FolderLinks, render_file

BRAKE_PADS = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"
TIRE_FAULT = "DMC-S1000DBIKE-AAA-DA0-10-20-00AA-400A-A_008-00_en-US.XML"
IPD = "DMC-S1000DBIKE-AAA-D00-00-00-01AA-941A-D_008-00_en-US.XML"
PROCESS = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-130A-A_004-00_en-US.XML"
CREW = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-131A-A_009-00_en-US.XML"
SPANS = "DMC-S1000DBIKE-AAA-D00-00-01-00AA-930A-A_002-00_en-US.XML"
HANDLEBAR = "DMC-S1000DBIKE-AAA-DA2-20-00-00AA-520A-A_009-00_en-US.XML"
HOTSPOTS = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-041A-A_010-00_en-US.XML"
FRONT_TOC = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-009A-A_002-00_en-US.XML"


def modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.XML") if p.name.upper().startswith(("DMC-", "DME-")))


def tree(html: str):
    return lxml_html.fromstring(f"<div>{html}</div>")


@pytest.fixture(scope="session")
def bike_links(bike: Path) -> FolderLinks:
    return FolderLinks(bike)


@pytest.fixture(scope="session")
def bike_rendered(bike: Path, bike_links: FolderLinks) -> dict[str, object]:
    return {p.name: render_file(p, bike_links) for p in modules(bike)}


def test_every_bike_module_renders_with_no_element_dropped_or_unknown(bike_rendered):
    assert len(bike_rendered) >= 97
    for name, res in bike_rendered.items():
        assert res.html.startswith('<div class="s1000d'), name
        assert res.unseen() == [], f"{name}: elements no renderer read: {[e.tag for e in res.unseen()][:10]}"
        assert res.unknown == [], f"{name}: elements without a renderer: {sorted({e.tag for e in res.unknown})}"


def test_every_content_module_renders_and_unknown_elements_are_shown_and_reported(content: Path):
    found = modules(content)
    assert found, "content/ holds no data modules"
    for path in found:
        res = render_file(path, FolderLinks(content))
        assert res.unseen() == [], f"{path.name}: elements no renderer read: {[e.tag for e in res.unseen()][:10]}"
        shown = {el.get("data-element") for el in tree(res.html).iter("span") if "unknown" in (el.get("class") or "")}
        assert {e.tag for e in res.unknown} == shown, path.name


def test_brake_pad_procedure_steps_requirements_and_links(bike_rendered):
    res = bike_rendered[BRAKE_PADS]
    doc = tree(res.html)
    proc = doc.xpath("//section[@data-procedure]")[0]
    assert proc.get("data-key") == "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
    assert proc.get("data-issue") == "008-00" and proc.get("data-lang") == "en-US"
    steps = {li.get("data-step"): " ".join(li.xpath("./div[@class='step-body']")[0].text_content().split())
             for li in doc.xpath("//li[contains(@class,'step')]")}
    assert steps["2"].startswith("Clean the brake pads.")
    assert steps["2.1"] == "Find each of the brake pads."
    assert steps["2.4"] == "Remove the unwanted alcohol."
    # the supply is listed with its part number, and the step's reference to it reads as its name
    supply = doc.xpath("//tr[@id='sup-0001']")[0]
    assert "Rubbing alcohol" in supply.text_content() and "LL-002" in supply.text_content()
    refs = doc.xpath("//a[@href='#sup-0001']")
    assert refs and all(a.text_content() == "Rubbing alcohol" for a in refs)
    person = doc.xpath("//table[contains(@class,'persons')]//tr[@class='req']")[0].text_content()
    assert "Basic user" in person and "0,3 h" in person
    assert len(doc.xpath("//input[@data-step-id]")) == 6
    assert 'js/procedure.js' in res.html
    assert "Brake pads" not in res.ident or "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A" in res.ident
    assert "First verification" in res.ident and "S1000D upissued" in res.ident


def test_warnings_guard_the_steps_after_them(bike_rendered):
    doc = tree(bike_rendered[HANDLEBAR].html)
    safety = doc.xpath("//aside[contains(@class,'warning')][@data-ack]")
    assert safety, "the safety warning carries an acknowledgement id"
    ack = safety[0].get("data-ack")
    assert safety[0].xpath(".//button[@data-ack-for]")[0].get("data-ack-for") == ack
    guarded = doc.xpath("//li[contains(@class,'step')]")
    assert guarded and all(ack in li.get("data-guards", "").split() for li in guarded)


def test_fault_isolation_question_choices_and_ends(bike_rendered):
    doc = tree(bike_rendered[TIRE_FAULT].html)
    fi = doc.xpath("//section[@data-fault]")[0]
    assert fi.get("data-start") == "stp-0001"
    first = doc.xpath("//section[@data-node='stp-0001']")[0]
    assert "What is the tire pressure reading?" in first.text_content()
    choices = [(a.text_content(), a.get("data-next")) for a in first.xpath(".//a[@data-next]")]
    assert choices == [("More than 2700 hPa", "stp-0002"), ("Between 100 hPa and 2700 hPa", "stp-0003"),
                       ("Less than 100 hPa", "stp-0004")]
    yes_no = [(a.text_content(), a.get("data-next")) for a in doc.xpath("//section[@data-node='stp-0004']//a[@data-next]")]
    assert yes_no == [("Yes", "stp-0005"), ("No", "stp-0006")]
    end = doc.xpath("//section[@data-node='stp-0005']")[0]
    assert end.get("data-kind") == "end"
    assert end.xpath(".//a[contains(@class,'dmref')]")[0].get("href") == "/dm/S1000DBIKE-AAA-DA0-10-20-00AA-921A-A"
    assert "Tire does not function correctly" in doc.xpath("//h2[@class='fault-title']")[0].text_content()


def test_ipd_rows_part_numbers_callouts_and_order_buttons(bike_rendered):
    doc = tree(bike_rendered[IPD].html)
    rows = doc.xpath("//tr[contains(@class,'part-row')]")
    by_pn = {r.xpath("./td[@class='pn']")[0].text_content(): r for r in rows}
    seat = by_pn["BICYCLE-001/2A"]
    assert "Seat, assembly" in seat.text_content() and seat.get("data-callout") == "2"
    assert by_pn["BICYCLE-001/2B"].get("data-callout") == "2"  # the alternative part shares the callout
    button = seat.xpath(".//button[contains(@class,'order-add')]")[0]
    assert button.get("data-order-pn") == "BICYCLE-001/2A" and button.get("data-order-cage") == "KZ999"
    assert button.get("data-order-source") == "DMC-S1000DBIKE-AAA-D00-00-00-01AA-941A-D"
    callouts = doc.xpath("//ol[contains(@class,'ipd-callouts')]//a[@data-callout='2']")
    assert callouts and "Seat, assembly" in callouts[0].text_content()
    assert "PGOOF" in seat.text_content()  # the SMR code column


def test_hotspots_are_listed_with_their_callouts(bike_rendered):
    doc = tree(bike_rendered[HOTSPOTS].html)
    spot = doc.xpath("//a[@data-hotspot='fig-0001-gra-0001-hot-0001']")[0]
    assert spot.get("data-callout") == "1" and "BRAKE SUB-SYSTEM" in spot.text_content()
    img = doc.xpath("//figure[@id]//img[@data-icn='ICN-C0419-S1000D0360-001-01']")
    assert img and img[0].get("src").startswith("/icn/ICN-C0419-S1000D0360-001-01")


def test_process_variables_expressions_and_dialogs(bike_rendered):
    doc = tree(bike_rendered[PROCESS].html)
    proc = doc.xpath("//section[@data-process]")[0]
    variables = {v["name"]: v for v in json.loads(proc.get("data-vars"))}
    assert variables["level"]["init"] == {"lit": "amateur"}
    assert variables["tourCorrectAnswer"]["init"] == {"lit": False}
    cond = json.loads(doc.xpath("//div[@data-pe='if']")[0].get("data-cond"))
    assert cond == {"fn": "not", "kind": "boolean", "args": [
        {"op": "equal", "kind": "number", "args": [{"var": "level"}, {"lit": "experienced"}]}]}
    age = [i for i in doc.xpath("//input[@data-pe-input]") if json.loads(i.get("data-target")) == {"var": "age"}][0]
    assert age.get("data-error") == "Age must be within 4 to 100" and age.get("maxlength") == "3"
    alts = doc.xpath("//div[@data-pe='alts']/div[@data-pe='seq']")
    assert [json.loads(a.get("data-cond")) for a in alts][1] == {
        "op": "equal", "kind": "boolean", "args": [{"var": "tourCorrectAnswer"}, {"lit": True}]}


def test_crew_challenge_and_response(bike_rendered):
    doc = tree(bike_rendered[CREW].html)
    pairs = [(c.xpath("./div[@class='cr-challenge']")[0].text_content().strip(),
              c.xpath("./div[@class='cr-response']")[0].text_content().strip()) for c in doc.xpath("//div[@class='cr']")]
    assert ("Pads", "Free of unwanted material") in pairs
    assert "Spokes not broken" in doc.xpath("//div[contains(@class,'crew-if')]")[0].text_content()


def test_spanspec_spans_columns(bike_rendered):
    doc = tree(bike_rendered[SPANS].html)
    heads = doc.xpath("//table[contains(@class,'cals')]//thead//th[@colspan='2']")
    assert heads, "an entry with spanname='whole' spans both columns"


def test_front_matter_table_of_contents_links(bike_rendered):
    doc = tree(bike_rendered[FRONT_TOC].html)
    links = doc.xpath("//table[contains(@class,'fm-table')]//a[contains(@class,'dmref')]")
    assert any("Description of how it is made" in a.text_content() for a in links)


def test_morerows_and_namest_make_rowspans_and_colspans(bike: Path, tmp_path: Path):
    source = (bike / HOTSPOTS).read_bytes()
    table = (b'<table id="tab-x"><title>Spans</title><tgroup cols="3"><colspec colname="c1"/><colspec colname="c2"/>'
             b'<colspec colname="c3"/><tbody><row><entry morerows="1">A</entry><entry namest="c2" nameend="c3">B</entry>'
             b'</row><row><entry>C</entry><entry>D</entry></row></tbody></tgroup></table>')
    patched = re.sub(rb"(<levelledPara[^>]*>)", lambda m: m.group(1) + table, source, count=1)
    path = tmp_path / HOTSPOTS
    path.write_bytes(patched)
    doc = tree(render_file(path, FolderLinks(bike)).html)
    rows = doc.xpath("//table[@id='tab-x']//tr")
    first = [(c.text_content(), c.get("rowspan"), c.get("colspan")) for c in rows[0]]
    assert first == [("A", "2", None), ("B", None, "2")]
    assert [c.text_content() for c in rows[1]] == ["C", "D"]


def test_unresolvable_references_are_marked_broken(bike: Path, tmp_path: Path):
    empty = FolderLinks(tmp_path)  # nothing resolves: every DM and ICN is missing
    res = render_file(bike / BRAKE_PADS, empty)
    doc = tree(res.html)
    broken = doc.xpath("//span[@class='broken-ref']")
    assert broken and "DMC-S1000DBIKE-AAA-D00-00-00-00AA-121A-A" in broken[0].text_content()
    assert not doc.xpath("//a[starts-with(@href,'/dm/')]")
    figure = tree(render_file(bike / HANDLEBAR, empty).html)
    assert "missing" in figure.xpath("//div[@class='icn-missing']")[0].text_content()


def test_russian_labels(bike: Path, bike_links: FolderLinks):
    res = render_file(bike / BRAKE_PADS, bike_links, language="ru")
    assert "Предварительные требования" in res.html and "Запись о работе" in res.html


HOSTILE_TEXT = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_hostile_text_and_attributes_render_as_text(bike: Path, tmp_path: Path):
    source = (bike / BRAKE_PADS).read_bytes()
    escaped = b"&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    hostile = source.replace(b"<para>Find each of the brake pads.</para>",
                             b"<para>" + escaped + b"</para>", 1)
    hostile = hostile.replace(b'internalRefId="sup-0001"', b'internalRefId="x&quot; onerror=&quot;alert(3)"', 1)
    hostile = hostile.replace(b"<name>Rubbing alcohol</name>",
                              b"<name>Rubbing &lt;b onmouseover=alert(4)&gt;alcohol</name>", 1)
    assert hostile.count(b"alert(") == 4  # every payload went in
    path = tmp_path / BRAKE_PADS
    path.write_bytes(hostile)
    res = render_file(path, FolderLinks(bike))
    doc = tree(res.html)
    assert not doc.xpath("//script[not(@src)]")
    assert not doc.xpath("//img[@src='x']") and not doc.xpath("//b")
    assert not [el for el in doc.iter() if any(k.startswith("on") for k in el.attrib)]
    assert HOSTILE_TEXT in doc.text_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in res.html
    assert "Rubbing <b onmouseover=alert(4)>alcohol" in doc.text_content()


def test_applicability_inside_content_carries_its_expression(bike_rendered):
    doc = tree(bike_rendered[SPANS].html)
    marked = doc.xpath("//*[@data-applic-ref='app-0002']")
    assert marked
    applic = json.loads(marked[0].get("data-applic"))
    assert applic["id"] == "app-0002" and "expr" in applic
    assert marked[0].get("data-applic-text") == "Mountain bicycle and Mountain storm Mk1"


def test_footnotes_are_numbered_and_listed_at_the_end(bike_rendered):
    doc = tree(bike_rendered["DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-921A-A_008-00_en-US.XML"].html)
    notes = doc.xpath("//ol[@class='footnotes']/li")
    assert [n.get("id") for n in notes] == ["ftn-0002"]
    assert "Make sure that the new bulb is not cracked." in notes[0].text_content()
    assert doc.xpath("//sup[@class='fn-ref']/a[@href='#ftn-0002']")


def test_a_figure_with_several_sheets_numbers_them(bike: Path, tmp_path: Path):
    source = (bike / HANDLEBAR).read_bytes()
    one = b'<graphic infoEntityIdent="ICN-C0419-S1000D0389-001-01"/>'
    assert one in source
    path = tmp_path / HANDLEBAR
    path.write_bytes(source.replace(one, one + b'<graphic infoEntityIdent="ICN-C0419-S1000D0389-001-01"/>', 1))
    doc = tree(render_file(path, FolderLinks(bike)).html)
    figure = doc.xpath("//figure[@data-sheets='2']")[0]
    assert [s.text_content() for s in figure.xpath(".//div[@class='sheet-no']")] == ["Sheet 1 of 2", "Sheet 2 of 2"]
    assert len(figure.xpath(".//img[@data-icn='ICN-C0419-S1000D0389-001-01']")) == 2


def test_numbered_hotspot_titles_give_the_callout_that_links_the_parts_rows(content: Path):
    ipd = next(p for p in modules(content) if "D10-00-00-00A-941A-D" in p.name and "en-US" in p.name)
    doc = tree(render_file(ipd, FolderLinks(content)).html)
    spots = {a.get("data-callout"): a for a in doc.xpath("//a[contains(@class,'hotspot')]")}
    rows = {r.get("data-callout") for r in doc.xpath("//tr[contains(@class,'part-row')]")}
    assert spots and set(spots) <= rows, "every callout on the figure has its row in the parts list"
    assert all(not a.xpath("string(.)").split(" ", 1)[1].strip()[:1].isdigit() for a in spots.values())


def test_wire_list_shows_both_ends_of_each_wire(bike_rendered):
    doc = tree(bike_rendered["DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-057A-A_009-00_en-US.XML"].html)
    rows = {r.xpath("./td[1]/text()")[0]: [c.text_content() for c in r.xpath("./td")[1:]]
            for r in doc.xpath("//table[contains(@class,'wire-list')]//tr[contains(@class,'wire-row')]")}
    assert rows["FL1AA"][:4] == ["L1 : +", "VV1 : 1 +", "AP", "010"]
    assert rows["FL1AA"][5:7] == ["W2201-K", "Lamp1"]


def test_publication_and_external_references(bike_rendered):
    doc = tree(bike_rendered["DMC-S1000DBIKE-AAA-D00-00-00-00AA-258A-A_009-00_en-US.XML"].html)
    broken = [s.text_content() for s in doc.xpath("//span[@class='broken-ref']")]
    assert any("PMC-S1000DBIKE-B6865-SAFE1-00" in b for b in broken), "a PM not in the CSDB is marked broken"
    cites = [c.text_content() for c in doc.xpath("//cite[contains(@class,'extref')]")]
    assert "Sticky stuff - Safety sheet SafeS-12-156B 2014" in cites


COMMENT = """<?xml version="1.0" encoding="UTF-8"?>
<comment><identAndStatusSection><commentAddress><commentIdent>
<commentCode modelIdentCode="S1000DBIKE" senderIdent="B6865" yearOfDataIssue="2026" seqNumber="00001" commentType="q"/>
<language languageIsoCode="en" countryIsoCode="US"/></commentIdent>
<commentAddressItems><issueDate year="2026" month="11" day="29"/><commentTitle>Torque of the stem bolt</commentTitle>
</commentAddressItems></commentAddress>
<commentStatus><security securityClassification="01"/><commentPriority commentPriorityCode="cp01"/>
<commentResponse responseType="rt02"/></commentStatus></identAndStatusSection>
<commentContent><simplePara>Step 2 gives no torque for the &lt;stem&gt; bolt.</simplePara></commentContent></comment>
"""


def test_comment_renders_title_priority_and_text(tmp_path: Path):
    path = tmp_path / "COM-S1000DBIKE-B6865-2026-00001-Q_en-US.XML"
    path.write_text(COMMENT, encoding="utf-8")
    res = render_file(path, FolderLinks(tmp_path))
    doc = tree(res.html)
    article = doc.xpath("//article[@class='comment']")[0]
    assert article.xpath("./h2")[0].text_content() == "Torque of the stem bolt"
    assert "cp01" in article.text_content() and "rt02" in article.text_content()
    assert "Step 2 gives no torque for the <stem> bolt." in article.text_content()
    assert res.unseen() == [] and res.unknown == []


def test_change_marks_carry_their_reason_for_update(bike_rendered):
    doc = tree(bike_rendered[PROCESS].html)
    marked = doc.xpath("//*[@data-rfu='rfu-2013-054DE']")
    assert len(marked) == 2 and all("chg" in m.get("class") for m in marked)  # a dmNode and a title
    assert marked[0].get("title") == 'Optional element "title" to be added to element "dmNode"'


@pytest.mark.parametrize("name, old, new", [
    (IPD, b'partNumberValue="BICYCLE-001/2A"', b'partNumberValue="X&quot; onmouseover=&quot;alert(5)"'),
    (IPD, b"<descrForPart>Seat, assembly</descrForPart>", b"<descrForPart>&lt;script&gt;alert(6)&lt;/script&gt;</descrForPart>"),
    (PROCESS, b"<stringValue>amateur</stringValue>", b"<stringValue>a\" onclick=\"alert(7)</stringValue>"),
    (PROCESS, b"<paraBasic>Enter your name</paraBasic>", b"<paraBasic>&lt;img src=x onerror=alert(8)&gt;</paraBasic>"),
    (TIRE_FAULT, b"More than 2700 hPa</choice>", b"&lt;iframe src=javascript:alert(9)&gt;</choice>"),
])
def test_hostile_values_in_parts_process_and_fault_modules_stay_text(bike: Path, tmp_path: Path, name, old, new):
    source = (bike / name).read_bytes()
    assert old in source
    path = tmp_path / name
    path.write_bytes(source.replace(old, new, 1))
    doc = tree(render_file(path, FolderLinks(bike)).html)
    assert not doc.xpath("//script[not(@src)] | //img[@src='x'] | //iframe")
    assert not [el for el in doc.iter() if any(k.startswith("on") for k in el.attrib)]
    assert "alert(" in doc.text_content() or any("alert(" in v for el in doc.iter() for v in el.attrib.values())


def test_schedule_tasks_with_their_applicability(bike_rendered):
    doc = tree(bike_rendered["DMC-S1000DBIKE-AAA-D05-20-00-00AA-000A-A_008-00_en-US.XML"].html)
    tasks = doc.xpath("//div[contains(@class,'r-taskDefinition')]")
    assert "To do the pre-ride checks" in tasks[0].text_content()
    post = [t for t in tasks if "To do the post-ride maintenance" in t.text_content()][0]
    assert post.get("data-applic-ref") == "app-MK1MK9" and json.loads(post.get("data-applic"))


def test_common_repository_warnings_keep_their_box_and_code(bike_rendered):
    doc = tree(bike_rendered["DMC-S1000DLIGHTING-AAA-D00-00-00-01AA-012A-A_002-00_en-US.XML"].html)
    boxes = doc.xpath("//aside[contains(@class,'adm') and contains(@class,'warning')]")
    assert "Make sure that the bulb is cool before you replace it." in boxes[0].text_content()
    row = boxes[0].xpath("ancestor::tr")[0]  # the repository's row: its code beside its box
    assert "warning-001" in row.xpath("td[contains(@class,'cir-ident')]")[0].text_content()
    assert row.xpath(".//*[@id='w001']"), "references to the warning land on its row"
    tools = tree(bike_rendered["DMC-S1000DLIGHTING-AAA-D00-00-00-00AA-00NA-D_002-00_en-US.XML"].html)
    assert "BSK-TLST-001-01" in tools.xpath("//*[@id='seq-0001']")[0].text_content()


def content_module(content: Path, code: str) -> Path:
    found = [p for p in modules(content) if code in p.name and "en-US" in p.name]
    assert found, f"content/ has no {code}"
    return found[0]


def test_sample_manual_fault_tree_alternatives_by_product(content: Path):
    doc = tree(render_file(content_module(content, "D10-00-00-00A-421A-A"), FolderLinks(content)).html)
    alts = doc.xpath("//section[@data-node='fi-s03']")[0]
    assert alts.get("data-kind") == "step" and "fi-alts" in alts.get("class")
    variants = alts.xpath("./div[contains(@class,'fi-alt')]")
    assert [v.get("data-applic-ref") for v in variants] == ["app-e", "app-m"]
    assert all(json.loads(v.get("data-applic")) for v in variants)
    assert {a.get("data-next") for a in alts.xpath(".//a[@data-next]")} >= {"fi-s05", "fi-s04", "fi-e03"}


def test_sample_manual_process_declares_what_it_reads(content: Path):
    doc = tree(render_file(content_module(content, "D00-00-00-00A-130A-A"), FolderLinks(content)).html)
    proc = doc.xpath("//section[@data-process]")[0]
    declared = {v["name"] for v in json.loads(proc.get("data-vars"))}
    read = {json.loads(i.get("data-target")).get("var") for i in doc.xpath("//input[@data-pe-input]")}
    assert declared and read - {None} <= declared
    assert doc.xpath("//div[@data-pe='if']") and doc.xpath("//fieldset[@data-pe-menu]")


def test_record_labels_in_russian(content: Path):
    schedule = content_module(content, "D00-00-00-00A-0B0A-A").with_name(
        content_module(content, "D00-00-00-00A-0B0A-A").name.replace("en-US", "ru-RU"))
    doc = tree(render_file(schedule, FolderLinks(content), language="ru").html)
    labels = {e.text_content().strip() for e in doc.xpath("//div[contains(@class,'r-taskDefinition')]/div[@class='rec-h']")}
    assert labels and all(label.startswith("Задача") for label in labels)


def test_a_quantity_written_with_a_decimal_comma_is_ordered_as_that_quantity(content: Path, tmp_path: Path):
    """Russian modules write 0,3 l: the page shows it as written, the order button carries the number 0.3 (a
    quantity it cannot read, "as required", is ordered as one)."""
    name = "DMC-DGEN-A-D20-00-00-00A-921A-A_001-00_ru-RU.XML"
    source = (content / name).read_text(encoding="utf-8")
    assert '<reqQuantity unitOfMeasure="l">0.3</reqQuantity>' in source
    path = tmp_path / name
    path.write_text(source.replace('<reqQuantity unitOfMeasure="l">0.3</reqQuantity>',
                                   '<reqQuantity unitOfMeasure="l">0,3</reqQuantity>'), encoding="utf-8")
    doc = tree(render_file(path, FolderLinks(content), language="ru").html)
    [fuel] = doc.xpath("//button[@data-order-pn='EN 590']")
    assert (fuel.get("data-order-qty"), fuel.get("data-order-unit")) == ("0.3", "l")
    assert "0,3" in fuel.getparent().getparent().text_content()
    [rags] = doc.xpath("//button[@data-order-pn='C-001']")
    assert rags.get("data-order-qty") == "1"


def test_leaf_paragraphs_and_titles_are_what_their_renderers_make(bike: Path, bike_links: FolderLinks):
    """A paragraph or title with no attributes and no child is made from its leaf form (LEAF_FORMS), without
    its renderer's call, in the dispatch and inside records: both must give what the renderer gives."""
    from lxml import etree

    from ietm.render.content.base import HANDLERS, LEAF_FORMS
    from ietm.render.content.records import record

    r = render_file(bike / BRAKE_PADS, bike_links).html_pass
    assert {"para", "title"} <= LEAF_FORMS.keys()
    for tag, (start, end) in LEAF_FORMS.items():
        for text in ('Tighten the <bolt> & "nut" \'now\'', None):
            el = etree.Element(tag)
            el.text = text
            made = str(r.render(el))
            assert made == str(HANDLERS[tag](r, el)) and made.startswith(start) and made.endswith(end), tag
            group = etree.Element("brDecisionValue")
            group.append(el)
            assert made in str(record(r, group)), tag
