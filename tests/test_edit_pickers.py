"""Pickers instead of codes, in a real browser: a reference to a figure of the module by what it is, the module's
and a step's applicability from the products' attributes (ACT/PCT), attribute values limited to what the
schema and the project BREX allow, and wrapping an element in another (and back)."""

from __future__ import annotations

from pathlib import Path

import pytest

from edit_support import login, official_findings, open_editor, writable_content
from ietm.parse.loader import load
from webserver import serving

pytestmark = pytest.mark.browser

PROC = "DGEN-A-D10-10-00-00A-212A-A"  # oil change: a figure, persons with a skill level
DESCR = "DGEN-A-D10-10-00-00A-040A-A"


@pytest.fixture(scope="module")
def csdb(tmp_path_factory, brex42) -> Path:
    return writable_content(tmp_path_factory.mktemp("pickers") / "content", brex42)


@pytest.fixture(scope="module")
def base(csdb):
    with serving(csdb) as url:
        yield url


def save(page) -> dict:
    with page.expect_response(lambda r: "/save" in r.url) as info:
        page.keyboard.press("Control+S")
    return info.value.json()


def latest(csdb: Path, code: str) -> Path:
    return sorted(csdb.glob(f"DMC-{code}_*_en-US.XML"))[-1]


def build_applic(page, text: str, prop: str, value: str) -> None:
    page.wait_for_selector("#ed-dialog[open] .ed-applic-row")
    page.fill("#ed-dialog[open] input[name=text]", text)
    page.select_option("#ed-dialog[open] select[name=prop]", prop)
    page.select_option("#ed-dialog[open] select[name=values]", [value])
    page.click("#ed-dialog[open] button[type=submit]")


def test_references_applicability_and_values_are_picked(page, csdb, schemas42, brex42):
    login(page, "olga")
    open_editor(page, PROC, "en-US")
    # a reference to the figure, by its title, at the end of the last step
    host = ".ed-step .ed-el-para [data-host] >> nth=-1"
    page.click(host)
    page.keyboard.press("End")
    page.keyboard.type(" See ")
    page.keyboard.press("Control+.")
    page.click("#ed-dialog[open] .ed-choice[data-name=internalRef]")
    page.wait_for_selector("#ed-dialog[open] .ed-choice[data-target='fig-0001']")
    assert "Oil and oil filter change" in page.inner_text("#ed-dialog[open] .ed-choice[data-target='fig-0001']")
    page.click("#ed-dialog[open] .ed-choice[data-target='fig-0001']")
    page.wait_for_selector(".ed-step .ed-el-para [data-host] >> nth=-1 >> .ed-atom.ed-el-internalRef")
    assert "Figure 1" in page.inner_text(".ed-atom.ed-el-internalRef >> nth=-1")

    # the module applies to the DG-5E only
    page.click("[data-tab=module]")
    page.click("#ed-panel-module button.ed-button")
    build_applic(page, "DG-5E only", "model", "DG-5E")
    page.wait_for_selector("#ed-panel-module .ed-applic-text:text('DG-5E only')")

    # the first sub-step applies in cold weather: a new applicability of the module, named by the step
    page.click(".ed-step[data-step='1.1'] > .ed-head > .ed-label")
    page.click("[data-tab=element]")
    page.click("#ed-panel-element .ed-refs[data-attr=applicRefId] .ed-button")
    build_applic(page, "Below −20 °C", "ambient", "cold")
    page.wait_for_selector("#ed-panel-element select[name=applicRefId]")

    # skill levels: only the three the project BREX allows, with their names
    page.click(".ed-el-personSkill")
    page.wait_for_selector("#ed-panel-element select[data-attr=skillLevelCode]")
    options = page.eval_on_selector_all("#ed-panel-element select[data-attr=skillLevelCode] option", "os => os.map((o) => [o.value, o.textContent])")
    assert [v for v, _ in options] == ["sk01", "sk02", "sk03"]
    assert all(label != value for value, label in options)
    page.select_option("#ed-panel-element select[data-attr=skillLevelCode]", "sk03")

    result = save(page)
    assert result["ok"] and result["errors"] == 0, result["findings"]
    path = latest(csdb, PROC)
    assert official_findings(path, schemas42, csdb, brex42) == []
    root = load(path).root
    ref = root.find(".//mainProcedure//para/internalRef")
    assert ref.attrib == {"internalRefId": "fig-0001", "internalRefTargetType": "irtt01"}
    module = root.find("identAndStatusSection/dmStatus/applic")
    assert module.findtext("displayText/simplePara") == "DG-5E only"
    assert module.find("assert").attrib == {"applicPropertyIdent": "model", "applicPropertyType": "prodattr",
                                            "applicPropertyValues": "DG-5E"}
    step = root.find("content/procedure/mainProcedure/proceduralStep/proceduralStep")
    applic = root.find(f"content/referencedApplicGroup/applic[@id='{step.get('applicRefId')}']")
    assert applic.find("assert").get("applicPropertyValues") == "cold"
    assert root.find(".//personSkill").get("skillLevelCode") == "sk03"


def hold_repositories(page) -> list:
    """The repositories' entries (which the editor asks for as it opens) held back until `redraw_with` lets them go."""
    held: list = []
    page.route("**/api/edit-pick/repository?*", lambda route: held.append(route))
    return held


def redraw_with(page, held: list) -> None:
    """Let the held repositories' entries arrive, and wait until the editor has drawn the module again with them."""
    for _ in range(600):
        if len(held) == 5:
            break
        page.wait_for_timeout(50)
    assert len(held) == 5, f"the editor asked for {len(held)} of the 5 repositories"
    page.evaluate("() => { window.drawnBefore = document.querySelector('#ed-canvas').firstElementChild; }")
    for route in held:
        route.continue_()
    page.wait_for_function("() => document.querySelector('#ed-canvas').firstElementChild !== window.drawnBefore")


@pytest.mark.parametrize("redrawn_in", ["menu", "picker"])
def test_a_picked_reference_goes_where_the_caret_was_though_the_module_was_drawn_again(page, redrawn_in):
    """On a slow server the repositories' entries arrive while the writer is in the menu or the picker: the
    module is drawn again with their words, and the chosen reference must still go where the caret was
    (it used to be lost without a word: read back from the text as drawn before)."""
    held = hold_repositories(page)
    login(page, "olga")
    open_editor(page, PROC, "en-US")
    host = ".ed-step .ed-el-para [data-host] >> nth=-1"
    text = page.inner_text(host)
    refs = page.locator(f"{host} >> .ed-atom.ed-el-internalRef").count()  # the first test saved one here
    page.focus(host)  # not a click: one on the reference this text holds would take the keys
    page.keyboard.press("Control+End")
    page.keyboard.type(" See")
    page.keyboard.press("Control+.")
    page.wait_for_selector("#ed-dialog[open] .ed-choice[data-name=internalRef]")
    if redrawn_in == "menu":
        redraw_with(page, held)
    page.click("#ed-dialog[open] .ed-choice[data-name=internalRef]")
    page.wait_for_selector("#ed-dialog[open] .ed-choice[data-target='fig-0001']")
    if redrawn_in == "picker":
        redraw_with(page, held)
    page.click("#ed-dialog[open] .ed-choice[data-target='fig-0001']")
    page.wait_for_selector(f"{host} >> .ed-atom.ed-el-internalRef >> nth={refs}")
    assert page.inner_text(host) == text + " See→ Figure 1"


def test_wrap_and_unwrap(page, csdb, schemas42, brex42):
    login(page, "olga")
    open_editor(page, DESCR, "en-US")
    count = page.locator(".ed-el-levelledPara").count()
    # the last part of the first section (a figure) may become a sub-section of its own; the paragraphs before
    # it may not (a sub-section comes after everything else of its section)
    kids = page.evaluate("[...document.querySelector('.ed-el-levelledPara > .ed-kids').children].map((e) => e.dataset.id)")
    page.click(f"[data-id='{kids[-2]}'] > .ed-more")
    assert page.locator("#ed-dialog[open] .ed-choice[data-where=wrap]").count() == 0
    page.keyboard.press("Escape")
    page.click(f"[data-id='{kids[-1]}'] > .ed-head > .ed-more")
    page.click("#ed-dialog[open] .ed-choice[data-name=levelledPara][data-where=wrap]")
    assert page.locator(".ed-el-levelledPara").count() == count + 1
    page.click("[data-cmd=undo]")
    assert page.locator(".ed-el-levelledPara").count() == count
    page.click("[data-cmd=redo]")
    inner = ".ed-el-levelledPara .ed-el-levelledPara"
    page.click(f"{inner} > .ed-head > .ed-more")
    page.click("#ed-dialog[open] .ed-choice[data-action=unwrap]")
    assert page.locator(".ed-el-levelledPara").count() == count
    page.click("[data-cmd=undo]")
    assert page.locator(".ed-el-levelledPara").count() == count + 1
    result = save(page)
    assert result["ok"] and result["errors"] == 0, result["findings"]
    assert official_findings(latest(csdb, DESCR), schemas42, csdb, brex42) == []
