"""A writer's session in the editor: drafts that survive a closed tab and a lost network, undo and redo across
saves, the preview as the viewer renders it, and the parts catalogue's items kept in step with the figure's
callouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from edit_support import login, official_findings, open_editor, writable_content
from ietm.parse.loader import load
from webserver import serving

pytestmark = pytest.mark.browser

CODE = "DGEN-A-D30-00-00-00A-921A-A"  # automatic voltage regulator: replace
IPD = "DGEN-A-D10-00-00-00A-941A-D"


@pytest.fixture(scope="module")
def csdb(tmp_path_factory, brex42) -> Path:
    return writable_content(tmp_path_factory.mktemp("session") / "content", brex42)


@pytest.fixture(scope="module")
def base(csdb):
    with serving(csdb) as url:
        yield url


def first_para(page) -> str:
    return ".ed-step .ed-el-para [data-host] >> nth=0"


def test_a_draft_survives_a_closed_tab(page, csdb):
    login(page, "olga")
    open_editor(page, CODE, "en-US")
    page.click(first_para(page))
    page.keyboard.press("End")
    page.keyboard.type(" Wear insulating gloves.")
    page.wait_for_timeout(800)  # the draft is kept a moment after the last key
    context = page.context
    page.close()
    again = context.new_page()
    open_editor(again, CODE, "en-US")
    assert again.locator("[data-draft]").is_visible()
    assert again.inner_text(first_para(again)).endswith("Wear insulating gloves.")
    assert not list(csdb.glob(f"DMC-{CODE}_001-01_*.XML")), "a draft is not a save"
    again.click("[data-draft-discard]")
    assert not again.inner_text(first_para(again)).endswith("Wear insulating gloves.")
    again.reload()
    again.wait_for_selector("#editor[data-ready]")
    assert again.locator("[data-draft]").is_hidden()


def test_a_save_without_network_is_sent_when_it_is_back(page, csdb):
    login(page, "olga")
    open_editor(page, CODE, "en-US")
    page.click(first_para(page))
    page.keyboard.press("End")
    page.keyboard.type(" Note the serial number.")
    page.context.set_offline(True)
    page.keyboard.press("Control+S")
    page.wait_for_selector("[data-status][data-kind=warning]")
    assert not list(csdb.glob(f"DMC-{CODE}_001-01_*.XML"))
    with page.expect_response(lambda r: "/save" in r.url) as info:
        page.context.set_offline(False)  # the browser's "online" event sends the kept save
    assert info.value.status == 200
    page.wait_for_selector("[data-status][data-kind=ok]")
    saved = load(csdb / f"DMC-{CODE}_001-01_en-US.XML").root
    assert "Note the serial number." in " ".join(saved.xpath("string(//mainProcedure)").split())


def test_undo_and_redo_across_saves_and_the_preview(page, csdb):
    login(page, "olga")
    open_editor(page, CODE, "en-US")
    original = page.inner_text(first_para(page))
    page.click(first_para(page))
    page.keyboard.press("End")
    page.keyboard.type(" Check twice.")
    with page.expect_response(lambda r: "/save" in r.url):
        page.keyboard.press("Control+S")
    page.wait_for_selector("[data-status][data-kind=ok]")
    page.click("[data-cmd=undo]")
    assert page.inner_text(first_para(page)) == original
    assert "Unsaved" in page.inner_text("[data-dirty]")
    page.click("[data-cmd=redo]")
    assert page.inner_text(first_para(page)).endswith("Check twice.")
    page.click("[data-cmd=preview]")
    page.wait_for_selector("#ed-dialog[open] .ed-preview")
    preview = page.inner_text("#ed-dialog .ed-preview")
    assert "Check twice." in preview
    assert page.locator("#ed-dialog .ed-preview script").count() == 0


def test_parts_items_and_callouts_in_step(page, csdb, schemas42, brex42, shot):
    login(page, "olga")
    open_editor(page, IPD, "en-US")
    rows = page.locator(".ed-ipd-items tbody tr")
    count = rows.count()
    assert page.locator(".ed-ipd-items .ed-warn").count() == 0  # every item has its callout
    page.click("[data-action=ipd-item]")
    assert rows.count() == count + 1
    last = rows.nth(count)
    number = last.locator(".ed-item-no").input_value()
    assert last.locator(".ed-warn").count() == 1  # no callout for it yet
    last.locator("[data-action=ipd-hotspot]").click()
    assert rows.nth(count).locator(".ed-ok").count() == 1
    spots = page.evaluate("window.ietmEditor.doc.findAll((n) => n.n === 'hotspot').map((h) => h.a.applicationStructureName)")
    assert str(int(number)) in spots  # named as the viewer links callouts to rows
    # renumbering the item renumbers its callout
    field = rows.nth(count).locator(".ed-item-no")
    field.fill("099")
    field.press("Enter")
    field.blur()
    spots = page.evaluate("window.ietmEditor.doc.findAll((n) => n.n === 'hotspot').map((h) => h.a.applicationStructureName)")
    assert "99" in spots and str(int(number)) not in spots
    shot(page, "editor-ipd")
    with page.expect_response(lambda r: "/save" in r.url) as info:
        page.keyboard.press("Control+S")
    assert info.value.json()["errors"] == 0, info.value.json()["findings"]
    path = sorted(csdb.glob(f"DMC-{IPD}_*_en-US.XML"))[-1]
    assert official_findings(path, schemas42, csdb, brex42) == []
    root = load(path).root
    assert root.find(".//catalogSeqNumber[@item='099']") is not None
    assert root.find(".//hotspot[@applicationStructureName='99']") is not None
