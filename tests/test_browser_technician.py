"""A technician's day in a real browser (Debian Chromium, headless, Playwright) against a real viewer on
loopback over the Bike set: a procedure with a warning to acknowledge, steps kept across a reload and a
work record exported; a fault isolation run to its fix; parts ordered from an IPD callout and from a
procedure's spares, and the order exported; the process module driven through its loop.
Screenshots go to tests/screenshots/ for review."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from lxml import etree

from webserver import serving

pytestmark = pytest.mark.browser

HANDLEBAR = "/dm/S1000DBIKE-AAA-DA2-20-00-00AA-520A-A"  # a safety warning guards every step
TIRE_FAULT = "/dm/S1000DBIKE-AAA-DA0-10-20-00AA-400A-A"
IPD = "/dm/S1000DBIKE-AAA-D00-00-00-01AA-941A-D"
SPARES = "/dm/S1000DBIKE-AAA-D00-00-00-00AA-663A-A"
PROCESS = "/dm/S1000DBIKE-AAA-D00-00-00-00AA-130A-A"


@pytest.fixture(scope="module")
def base(bike: Path):
    with serving(bike) as url:
        yield url






def download(pg, selector: str) -> str:
    with pg.expect_download() as info:
        pg.click(selector)
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_procedure_warning_steps_reload_and_work_record(page, shot) -> None:
    page.goto(HANDLEBAR)
    first = page.locator("li.step[data-step='1'] > .step-head input")
    assert first.is_disabled(), "steps wait for the safety warning"
    assert "locked" in page.get_attribute("li.step[data-step='1']", "class")
    page.click("section[data-procedure] .ack-btn")
    assert first.is_enabled()
    page.check("li.step[data-step='1'] > .step-head input")
    page.check("li.step[data-step='1.1'] > .step-head input")
    total = page.locator("li.step[data-step]").count()
    assert page.inner_text("[data-progress-text]") == f"2 of {total} steps done"
    page.check("input.req-check >> nth=0")
    page.fill("input[name=technician]", "A. Petrova")
    page.fill("textarea[name=remarks]", "Grip was worn")
    page.reload()
    assert page.is_checked("li.step[data-step='1'] > .step-head input")
    assert page.is_checked("li.step[data-step='1.1'] > .step-head input")
    assert not page.is_checked("li.step[data-step='1.2'] > .step-head input")
    assert page.locator("li.step[data-step='1.2'] > .step-head input").is_enabled(), "acknowledgement kept"
    assert page.input_value("input[name=technician]") == "A. Petrova"
    page.locator("li.step[data-step='1']").scroll_into_view_if_needed()
    shot(page, "technician-procedure")
    record = json.loads(download(page, "[data-export=json]"))
    assert record["module"] == "DMC-S1000DBIKE-AAA-DA2-20-00-00AA-520A-A" and record["issue"] == "009-00"
    assert record["technician"] == "A. Petrova" and record["remarks"] == "Grip was worn"
    done = [s["step"] for s in record["steps"] if s["done"]]
    assert done == ["1", "1.1"] and all(s["at"] for s in record["steps"] if s["done"])
    assert record["acknowledgements"] and record["acknowledgements"][0]["at"]
    assert record["requirements"][0]["done"] and not record["requirements"][1]["done"]
    assert record["requirements"][0]["item"].startswith("Done: ")
    rows = list(csv.DictReader(io.StringIO(download(page, "[data-export=csv]"))))
    assert len(rows) == total and rows[0]["step"] == "1" and rows[0]["done"] == "yes" and rows[2]["done"] == "no"
    assert rows[0]["technician"] == "A. Petrova"


def test_fault_isolation_to_the_fix_and_back(page, shot) -> None:
    page.goto(TIRE_FAULT)
    visible = lambda: page.eval_on_selector_all(".fi-node[data-node]", "ns => ns.filter(n => !n.hidden).map(n => n.dataset.node)")
    assert visible() == ["stp-0001"]
    page.click("section[data-node='stp-0001'] >> text=Less than 100 hPa")
    assert visible() == ["stp-0004"]
    page.click("section[data-node='stp-0004'] >> text=Yes")
    assert visible() == ["stp-0005"]
    assert "fi-finished" in page.get_attribute("section[data-fault]", "class")
    path = page.locator("[data-fi-path] li")
    assert path.count() == 2 and "Less than 100 hPa" in path.nth(0).inner_text()
    fix = page.locator("section[data-node='stp-0005'] a.dmref")
    assert fix.get_attribute("href").endswith("/dm/S1000DBIKE-AAA-DA0-10-20-00AA-921A-A")
    shot(page, "technician-fault-fix")
    page.click("[data-fi-path] li:nth-child(2) button")  # change the answer to the damage question
    assert visible() == ["stp-0004"]
    page.click("section[data-node='stp-0004'] >> text=No")
    assert visible() == ["stp-0006"]
    page.reload()
    assert visible() == ["stp-0006"], "the path is kept on the device"
    page.click("[data-fi-mode=tree]")
    assert len(visible()) == 6
    outline = page.inner_text(".fi-outline")
    assert "Less than 100 hPa →\nStep 2: Is there damage to the tire?" in outline
    assert "Yes →\nEnd of fault isolation: Replace the tire" in outline
    assert not page.is_visible("[data-fi-back]"), "stepping controls leave with step-by-step mode"
    shot(page, "technician-fault-tree")
    page.click("[data-fi-mode=run]")
    page.click("[data-fi-restart]")
    assert visible() == ["stp-0001"]


def test_parts_from_ipd_callout_and_procedure_spares_to_an_exported_order(page, shot) -> None:
    page.goto(IPD)
    page.evaluate("localStorage.removeItem('ietm:order')")
    page.click("ol.ipd-callouts a[data-callout='2']")
    highlighted = page.eval_on_selector_all("tr.part-row.hl td.pn", "cs => cs.map(c => c.textContent)")
    assert highlighted == ["BICYCLE-001/2A", "BICYCLE-001/2B"]
    page.click("tr.part-row.hl >> nth=0 >> button.order-add")
    page.click("tr.part-row[data-callout='3'] a.callout-link")
    assert page.eval_on_selector_all("ol.ipd-callouts a.hl", "as => as.map(a => a.dataset.callout)") == ["3"]
    page.goto(SPARES)
    spare = page.locator("button.order-add").first
    spare_pn = spare.get_attribute("data-order-pn")
    spare.click()
    page.click("#ietm-order-toggle")
    assert page.is_visible("#ietm-order")
    shot(page, "technician-order")
    rows = list(csv.DictReader(io.StringIO(download(page, "#ietm-order [data-order-export=csv]"))))
    assert [(r["partNumber"], r["manufacturerCode"], r["quantity"], r["sourceModule"]) for r in rows] == [
        ("BICYCLE-001/2A", "KZ999", "1", "DMC-S1000DBIKE-AAA-D00-00-00-01AA-941A-D"),
        (spare_pn, rows[1]["manufacturerCode"], rows[1]["quantity"], "DMC-S1000DBIKE-AAA-D00-00-00-00AA-663A-A"),
    ]
    assert rows[0]["name"] == "Seat, assembly"
    order = etree.fromstring(download(page, "#ietm-order [data-order-export=xml]").encode())
    refs = order.findall("orderItem/partRef")
    assert [r.get("partNumberValue") for r in refs] == ["BICYCLE-001/2A", spare_pn]
    page.reload()
    assert page.get_attribute("#ietm-order-toggle", "data-count") == str(1 + int(rows[1]["quantity"]))


def test_process_module_runs_dialogs_branches_and_loop(page, shot) -> None:
    page.goto(PROCESS)
    page.click("[data-pe-restart]")
    stage = page.locator("[data-pe-stage]")
    nxt = page.locator("[data-pe-next]")
    assert "Prerequisities" in stage.inner_text()
    nxt.click()
    page.fill("[data-pe-stage] input[data-target='{\"var\":\"name\"}']", "Ann")
    page.fill("[data-pe-stage] input[data-target='{\"var\":\"age\"}']", "2")
    page.check("[data-pe-stage] label.pe-choice:has-text('No') input")
    nxt.click()
    assert page.inner_text("[data-pe-error]") == "Age must be within 4 to 100"
    page.fill("[data-pe-stage] input[data-target='{\"var\":\"age\"}']", "30")
    nxt.click()
    assert "Dear Ann, because you are an unexperienced user" in stage.inner_text()
    for _ in range(3):
        nxt.click()
    page.check("[data-pe-stage] label.pe-choice:has-text('Left brake lever') input")
    nxt.click()
    assert "Wrong answer!" in stage.inner_text() and "Number of mistakes: 1" in stage.inner_text()
    shot(page, "technician-process")
    nxt.click()
    assert "Introduction" in stage.inner_text(), "the loop runs again"
    for _ in range(3):
        nxt.click()
    page.check("[data-pe-stage] label.pe-choice:has-text('Right brake lever') input")
    nxt.click()
    assert "Correct!" in stage.inner_text()
    page.click("[data-pe-back]")
    assert "The rear brake is operated by" in stage.inner_text()
    page.check("[data-pe-stage] label.pe-choice:has-text('Right brake lever') input")
    nxt.click()
    assert "Correct!" in stage.inner_text()
    nxt.click()
    assert "Practical part" in stage.inner_text()
    nxt.click()
    assert "finished" in stage.inner_text()


def test_scripts_work_on_static_pages_without_a_server(browser, bike: Path, tmp_path: Path) -> None:
    """The offline bundle has no server: the same fragments, opened from files, still run."""
    from ietm.paths import STATIC
    from render_support import FolderLinks, render_file

    links = FolderLinks(bike, static_root=STATIC.as_uri() + "/")
    pages = {}
    for name in ("DMC-S1000DBIKE-AAA-DA0-10-20-00AA-400A-A_008-00_en-US.XML",
                 "DMC-S1000DBIKE-AAA-DA2-20-00-00AA-520A-A_009-00_en-US.XML"):
        res = render_file(bike / name, links)
        page_file = tmp_path / (name[:-4] + ".html")
        page_file.write_text(f"<!doctype html><meta charset=utf-8><title>t</title><body>{res.ident}{res.html}</body>",
                             encoding="utf-8")
        pages[name[:40]] = page_file.as_uri()
    context = browser.new_context(viewport={"width": 800, "height": 1000})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(pages["DMC-S1000DBIKE-AAA-DA0-10-20-00AA-400A-A"])
    pg.click("section[data-node='stp-0001'] >> text=More than 2700 hPa")
    assert pg.eval_on_selector_all(".fi-node", "ns => ns.filter(n => !n.hidden).map(n => n.dataset.node)") == ["stp-0002"]
    pg.goto(pages["DMC-S1000DBIKE-AAA-DA2-20-00-00AA-520A-A"])
    pg.click(".ack-btn")
    pg.check("li.step[data-step='2'] > .step-head input")
    pg.reload()
    assert pg.is_checked("li.step[data-step='2'] > .step-head input")
    context.close()
    assert not errors, errors


def test_text_references_and_hotspots_point_at_each_other(page, shot) -> None:
    page.goto("/dm/S1000DBIKE-AAA-D00-00-00-00AA-041A-A")
    page.click("a.iref[data-hotspot='fig-0001-gra-0001-hot-0009']")
    assert page.eval_on_selector_all(".hl", "els => els.map(e => e.id)") == ["fig-0001-gra-0001-hot-0009"]
    page.click("a.hotspot[data-hotspot='fig-0001-gra-0001-hot-0009']")
    lit = page.eval_on_selector_all("a.iref.hl", "els => els.map(e => e.textContent)")
    assert lit and all("FRAME ASSEMBLY" in t for t in lit)
    shot(page, "technician-hotspots")


EXPRESSIONS = [  # (expression JSON as process.py writes it, environment, expected value)
    ({"op": "plus", "kind": "number", "args": [{"var": "n"}, {"lit": 1}]}, {"n": 41}, 42),
    ({"op": "integerDivide", "kind": "number", "args": [{"lit": 7}, {"lit": 2}]}, {}, 3),
    ({"op": "lessThanOrEqual", "kind": "number", "args": [{"var": "age"}, {"lit": 100}]}, {"age": 30}, True),
    ({"op": "and", "kind": "boolean", "args": [{"lit": True}, {"fn": "not", "kind": "boolean", "args": [{"lit": True}]}]}, {}, False),
    ({"op": "contains", "kind": "string", "args": [{"var": "s"}, {"lit": "oil"}]}, {"s": "low oil level"}, True),
    ({"op": "concatenate", "kind": "string", "args": [{"lit": "DG-"}, {"lit": "5M"}]}, {}, "DG-5M"),
    ({"op": "add", "kind": "set", "args": [{"var": "names"}, {"lit": "Ann"}]}, {"names": ["Bob"]}, ["Bob", "Ann"]),
    ({"op": "member", "kind": "set", "args": [{"lit": "Bob"}, {"var": "names"}]}, {"names": ["Bob"]}, True),
    ({"fn": "sizeOf", "kind": "set", "args": [{"var": "names"}]}, {"names": ["a", "b"]}, 2),
    ({"assert": "serialno", "values": "1000~9999"}, {"serialno": "1234"}, True),
    ({"assert": "serialno", "values": "1000~9999"}, {"serialno": "99"}, False),
    ({"assert": "model", "values": "DG-5M|DG-5E"}, {"model": "DG-5E"}, True),
    ({"assert": "tourFinished", "values": "False"}, {}, True),
    ({"fn": "defined", "kind": "boolean", "args": [{"var": "x"}]}, {}, False),
]


def test_process_expressions_evaluate_as_chapter_7_6_defines(page) -> None:
    page.goto(PROCESS)
    for expr, env, expected in EXPRESSIONS:
        got = page.evaluate("([e, env]) => window.ietmProcess.evaluate(e, {vars: env, props: env})", [expr, env])
        assert got == expected, (expr, env, got)


@pytest.fixture(scope="module")
def content_base(content: Path):
    with serving(content) as url:
        yield url


def test_clicking_a_part_in_the_drawing_finds_its_row(browser, content_base, shot) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 1366}, base_url=content_base)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto("/dm/DGEN-A-D10-00-00-00A-941A-D")
    pg.wait_for_selector("figure svg .svg-hotspot")  # the viewer inlines the SVG so its parts can be clicked
    aps = pg.get_attribute("a.hotspot[data-callout='1']", "data-aps")
    pg.click(f"figure svg [id='{aps}']", force=True)
    assert pg.eval_on_selector_all("tr.part-row.hl td.pn", "cs => cs.map(c => c.textContent)") == ["GS-1001"]
    pg.click("tr.part-row[data-callout='6'] a.callout-link")
    assert pg.eval_on_selector_all("a.hotspot.hl", "as => as.map(a => a.dataset.callout)") == ["6"]
    six = pg.get_attribute("a.hotspot[data-callout='6']", "data-aps")
    assert pg.eval_on_selector_all("figure svg .svg-hotspot.active", "gs => gs.map(g => g.id)") == [six]
    shot(pg, "technician-ipd-drawing")
    context.close()
    assert not errors, errors


def test_process_resumes_after_reload_and_speaks_russian(page) -> None:
    page.goto(PROCESS + "?lang=ru")
    page.click("[data-pe-restart]")
    page.click("[data-pe-next]")
    page.fill("[data-pe-stage] input[data-target='{\"var\":\"name\"}']", "Аня")
    page.fill("[data-pe-stage] input[data-target='{\"var\":\"age\"}']", "12")
    page.click("[data-pe-next]")
    assert "Dear Аня" in page.inner_text("[data-pe-stage]")
    page.reload()
    assert "Dear Аня" in page.inner_text("[data-pe-stage]"), "the run continues where it was"
    assert page.inner_text("[data-pe-next]") == "Далее" and page.inner_text("[data-pe-back]") == "Назад"
    page.goto(HANDLEBAR + "?lang=ru")
    assert page.inner_text("[data-progress-text]").startswith("Выполнено шагов: ")


def test_operator_checklist_is_ticked_off_and_kept(page, shot) -> None:
    page.goto("/dm/S1000DBIKE-AAA-D00-00-00-00AA-131A-A")
    items = page.locator(".crew-step.step[data-step] > .step-head input")
    total = items.count()
    assert total >= 20
    items.nth(0).check()
    items.nth(1).check()
    assert page.inner_text("[data-progress-text]") == f"2 of {total} steps done"
    page.reload()
    assert items.nth(0).is_checked() and items.nth(1).is_checked() and not items.nth(2).is_checked()
    record = json.loads(download(page, "[data-export=json]"))
    assert record["module"] == "DMC-S1000DBIKE-AAA-D00-00-00-00AA-131A-A"
    assert [s["done"] for s in record["steps"][:3]] == [True, True, False]
    assert "Pads" in record["steps"][0]["text"]
    items.nth(2).scroll_into_view_if_needed()
    shot(page, "technician-crew-checklist")
