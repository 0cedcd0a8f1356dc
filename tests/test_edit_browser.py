"""A writer authors with the structured editor only, in a real browser (Chromium) against a real server: a
procedure from the empty template of `ietm new` (steps, a nested step, a warning from the repository, a tool
from the repository, a reference to another module, an illustration, the persons the project BREX asks for)
and a small fault tree. The saved files are valid against the official S1000D 4.2 schemas and the project
BREX, and the viewer renders what the writer saw."""

from __future__ import annotations

from pathlib import Path

import pytest

from edit_support import login, official_findings, writable_content
from ietm.parse.loader import load
from ietm.render.content.cir import entry_name
from webserver import serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def csdb(tmp_path_factory, brex42) -> Path:
    return writable_content(tmp_path_factory.mktemp("edit") / "content", brex42)


@pytest.fixture(scope="module")
def base(csdb):
    with serving(csdb) as url:
        yield url


def new_module(page, code: str, title: str, kind: str, language: str = "ru-RU") -> None:
    page.goto("/edit/new")
    page.fill("input[name=code]", code)
    page.fill("input[name=title]", title)
    page.select_option("select[name=type]", kind)
    page.select_option("select[name=language]", language)
    page.click("form.ed-new button[type=submit]")
    page.wait_for_selector("#editor[data-ready]", timeout=30000)


def type_into(page, selector: str, text: str) -> None:
    """Replace the text of an editable text, as a writer does: click, select all, type."""
    page.click(selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose(page, selector: str) -> None:
    page.wait_for_selector(f"#ed-dialog[open] {selector}")
    page.click(f"#ed-dialog[open] {selector}")


def menu(page, node_selector: str, choice: str) -> None:
    """Open an element's menu (its ⋯ button) and choose what to do or insert."""
    page.click(f"{node_selector} > .ed-head > .ed-more, {node_selector} > .ed-more")
    choose(page, choice)


def saved_file(csdb: Path, code: str, language: str) -> Path:
    found = sorted(csdb.glob(f"DMC-{code}_*_{language}.XML"))
    assert found, f"no file of {code} {language}"
    return found[-1]


def save(page) -> dict:
    with page.expect_response(lambda r: r.url.endswith("/save") or "/save?" in r.url) as info:
        page.keyboard.press("Control+S")
    return info.value.json()


STEP = ".ed-step[data-step='{}']"


def step_text(n: str) -> str:
    return f"{STEP.format(n)} > .ed-kids > .ed-el-para > [data-host]"


def test_a_procedure_from_the_empty_template(page, csdb, schemas42, brex42, shot):
    code = "DGEN-A-D10-10-00-00A-251A-A"
    login(page, "olga")
    new_module(page, code, "Система смазки - Очистка маслозаборника", "procedural")

    # steps: the template's first step, a second one, and a sub-step of the second
    type_into(page, step_text("1"), "Слейте масло из двигателя.")
    page.click(f"{STEP.format('1')} > .ed-step-add [data-action=add-step]")
    page.wait_for_selector(step_text("2"))
    page.keyboard.type("Снимите маслозаборник и промойте его.")
    page.click(f"{STEP.format('2')} > .ed-step-add [data-action=add-substep]")
    page.wait_for_selector(step_text("2.1"))
    page.keyboard.type("Остановите двигатель ")

    # a reference to another module, at the caret, through the picker
    page.click(step_text("2.1"))
    page.keyboard.press("End")
    page.keyboard.press("Control+.")
    choose(page, ".ed-choice[data-name=dmRef]")
    page.fill("#ed-dialog[open] .ed-search", "Останов")
    choose(page, ".ed-choice[data-key='DMC-DGEN-A-D00-00-00-00A-130B-A']")
    page.wait_for_selector(f"{step_text('2.1')} .ed-atom.ed-el-dmRef")

    # a warning from the common warnings repository on step 1
    page.click(f"{STEP.format('1')} > .ed-step-add [data-action=add-warning]")
    choose(page, ".ed-choice[data-number='WRN-005']")
    page.wait_for_selector(f"{STEP.format('1')} > .ed-guards .ed-guard.warning")

    # a tool from the tools repository: "no support equipment" gives way to the list
    page.click(".ed-el-reqSupportEquips > [data-action=add-row]")
    choose(page, ".ed-choice[data-number='T-001']")
    page.wait_for_selector(".ed-el-supportEquipDescr")

    # the persons the project BREX asks for in every procedure
    menu(page, ".ed-el-reqCondGroup", ".ed-choice[data-name=reqPersons][data-where=after]")
    page.wait_for_selector(".ed-el-reqPersons")

    # an illustration: common information with a figure, the drawing picked by its thumbnail
    menu(page, ".ed-el-procedure", ".ed-choice[data-name=commonInfo]")
    page.wait_for_selector(".ed-el-commonInfo")
    page.keyboard.type("Масло сливайте в подготовленную ёмкость.")
    menu(page, ".ed-el-commonInfo", ".ed-choice[data-name=figure]")
    page.fill("#ed-dialog[open] .ed-field input[type=text]", "Маслозаборник")
    choose(page, ".ed-icn[data-icn='ICN-DGENA-00002-001-01']")
    page.wait_for_selector(".ed-el-figure .ed-graphic img")
    shot(page, "editor-procedure")

    result = save(page)
    assert result["ok"] and result["errors"] == 0, result["findings"]
    path = saved_file(csdb, code, "ru-RU")
    assert path.name == f"DMC-{code}_000-01_ru-RU.XML"
    assert official_findings(path, schemas42, csdb, brex42) == []

    root = load(path).root
    steps = root.findall("content/procedure/mainProcedure/proceduralStep")
    assert [s.findtext("para") for s in steps] == ["Слейте масло из двигателя.", "Снимите маслозаборник и промойте его."]
    nested = steps[1].find("proceduralStep")
    assert nested is not None and nested.find("para/dmRef/dmRefIdent/dmCode").get("infoCode") == "130"
    ref = root.find("content/warningsAndCautionsRef/warningRef")
    assert ref.get("warningIdentNumber") == "WRN-005" and steps[0].get("warningRefs") == ref.get("id")
    tool = root.find(".//reqSupportEquips/supportEquipDescrGroup/supportEquipDescr/toolRef")
    assert tool.get("toolNumber") == "T-001"
    assert root.find(".//reqSupportEquips/noSupportEquips") is None
    graphic = root.find("content/procedure/commonInfo/figure/graphic")
    assert graphic.get("infoEntityIdent") == "ICN-DGENA-00002-001-01"
    assert b'<!ENTITY ICN-DGENA-00002-001-01 SYSTEM "ICN-DGENA-00002-001-01.SVG" NDATA svg>' in path.read_bytes()

    # the viewer shows what the writer made
    page.goto(f"/dm/{code}?language=ru-RU")
    article = page.inner_text("article.module")
    for text in ("Слейте масло из двигателя.", "Снимите маслозаборник и промойте его.", "Маслозаборник",
                 "Масло сливайте в подготовленную ёмкость."):
        assert text in article
    warning = load(next(csdb.glob("DMC-DGEN-A-D00-00-00-00A-0A4A-D_*_ru-RU.XML"))).root
    wrn_text = warning.find(".//warningIdent[@warningIdentNumber='WRN-005']/../warningAndCautionPara")
    assert " ".join("".join(wrn_text.itertext()).split())[:40] in " ".join(article.split())
    assert page.locator("a.ref[href*='D00-00-00-00A-130B-A']").count() >= 1
    assert page.locator("figure img.icn").count() == 1
    tools = load(next(csdb.glob("DMC-DGEN-A-D00-00-00-00A-00NA-D_*_ru-RU.XML"))).root
    assert entry_name(tools.find(".//toolIdent[@toolNumber='T-001']/..")) in article


def test_a_small_fault_tree(page, csdb, schemas42, brex42, shot):
    code = "DGEN-A-D10-10-00-00A-421A-A"
    login(page, "olga")
    new_module(page, code, "Система смазки - Поиск неисправностей - низкое давление масла", "fault")
    first = ".ft-tree > .ft-item > .ft-node"
    type_into(page, f"{first} .ed-el-isolationStepQuestion [data-host]", "Уровень масла ниже метки MIN?")
    # "yes": an end with the fix; "no": a further check, whose "no" ends at the service centre
    page.click(f"{first} + .ft-branches > .ft-branch[data-arm=yesAnswer] [data-action=ft-end]")
    page.wait_for_selector(".ft-branch[data-arm=yesAnswer] .ft-end")
    page.keyboard.type("Долейте масло до метки MAX.")
    page.click(f"{first} + .ft-branches > .ft-branch[data-arm=noAnswer] [data-action=ft-step]")
    second = ".ft-branch[data-arm=noAnswer] > .ft-item > .ft-step"
    page.wait_for_selector(second)
    page.keyboard.type("Горит лампа давления масла при работе?")
    page.click(f"{second} + .ft-branches > .ft-branch[data-arm=noAnswer] [data-action=ft-end]")
    page.keyboard.type("Неисправность устранена.")
    page.click(f"{second} + .ft-branches > .ft-branch[data-arm=yesAnswer] [data-action=ft-end]")
    page.keyboard.type("Обратитесь в сервисный центр.")
    menu(page, ".ed-el-reqCondGroup", ".ed-choice[data-name=reqPersons][data-where=after]")
    shot(page, "editor-fault-tree")

    result = save(page)
    assert result["ok"] and result["errors"] == 0, result["findings"]
    path = saved_file(csdb, code, "ru-RU")
    assert official_findings(path, schemas42, csdb, brex42) == []
    root = load(path).root
    main = root.find(".//isolationMainProcedure")
    by_id = {el.get("id"): el for el in main}
    start = main[0]
    assert start.findtext("isolationStepQuestion") == "Уровень масла ниже метки MIN?"
    yes = by_id[start.find(".//yesAnswer").get("nextActionRefId")]
    assert yes.tag == "isolationProcedureEnd" and yes.findtext("action") == "Долейте масло до метки MAX."
    check = by_id[start.find(".//noAnswer").get("nextActionRefId")]
    assert check.findtext("isolationStepQuestion") == "Горит лампа давления масла при работе?"
    assert by_id[check.find(".//yesAnswer").get("nextActionRefId")].findtext("action") == "Обратитесь в сервисный центр."
    assert by_id[check.find(".//noAnswer").get("nextActionRefId")].findtext("action") == "Неисправность устранена."

    page.goto(f"/dm/{code}?language=ru-RU")
    article = page.inner_text("article.module")
    assert "Уровень масла ниже метки MIN?" in article
