"""Two writers, one module, in two real browsers: the official issue stays as it was, the first save starts
the next in-work issue, the second writer's save is refused with what the other changed (nothing of either is
lost), and the merge brings both edits together; where both changed the same text the writer chooses. Every
save and refusal is in the audit log; the writers' dashboard shows the modules in work and their check state."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from edit_support import login, open_editor, writable_content
from ietm.parse.loader import load
from ietm.sign.commands import audit_log_for
from webserver import serving

pytestmark = pytest.mark.browser

CODE = "DGEN-A-D10-10-00-00A-212A-A"
OFFICIAL = f"DMC-{CODE}_002-00_en-US.XML"
DRAFT = f"DMC-{CODE}_002-01_en-US.XML"


@pytest.fixture(scope="module")
def csdb(tmp_path_factory, brex42) -> Path:
    return writable_content(tmp_path_factory.mktemp("writers") / "content", brex42)


@pytest.fixture(scope="module")
def base(csdb):
    with serving(csdb) as url:
        yield url


@pytest.fixture
def second(browser, base):
    """A second writer's browser (its own cookies and storage)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, errors


def host_of_text(page, text: str) -> str:
    """A selector for the editable text that currently starts with `text`."""
    index = page.evaluate("""(text) => [...document.querySelectorAll('[data-host]')]
        .findIndex((h) => h.textContent.startsWith(text))""", text)
    assert index >= 0, f"no editable text starts with {text!r}"
    return f"[data-host] >> nth={index}"


def retype(page, text: str, new: str) -> None:
    page.click(host_of_text(page, text))
    page.keyboard.press("Control+A")
    page.keyboard.type(new)


def save(page) -> tuple[int, dict]:
    with page.expect_response(lambda r: "/save" in r.url) as info:
        page.click("[data-cmd=save]")
    return info.value.status, info.value.json()


def audit(csdb: Path) -> list[dict]:
    return audit_log_for(csdb).entries()


def test_the_second_save_is_refused_nothing_is_lost_and_the_edits_merge(page, second, csdb):
    official = csdb / OFFICIAL
    before = hashlib.sha256(official.read_bytes()).hexdigest()
    login(page, "olga")
    login(second, "pavel")
    open_editor(page, CODE, "en-US")
    open_editor(second, CODE, "en-US")
    assert "002-01" in page.inner_text("[data-issue]")  # the writer is told what the first save does

    retype(page, "Remove the oil filler cap", "Remove the oil filler cap (item 1) and put it on a clean cloth.")
    status, result = save(page)
    assert status == 200 and result["issue"] == "002-01" and result["upissued"]
    assert (csdb / DRAFT).exists()
    assert hashlib.sha256(official.read_bytes()).hexdigest() == before, "the official issue was changed"
    draft_root = load(csdb / DRAFT).root
    assert draft_root.find(".//qualityAssurance/unverified") is not None
    assert draft_root.find("identAndStatusSection/dmStatus").get("issueType") == "changed"

    retype(second, "Install the oil filler cap", "Install the oil filler cap and tighten it by hand.")
    status, refused = save(second)
    assert status == 409
    second.wait_for_selector("#ed-dialog[open] .ed-diff")
    dialog = second.inner_text("#ed-dialog")
    assert "olga" in dialog
    assert "Remove the oil filler cap (item 1) and put it on a clean cloth." in dialog  # what they changed
    assert "Install the oil filler cap and tighten it by hand." in dialog  # what you changed
    kept = second.evaluate(f"JSON.parse(localStorage.getItem('ietm.edit.draft.{CODE}.en-US'))")
    assert "Install the oil filler cap and tighten it by hand." in json.dumps(kept, ensure_ascii=False)
    assert load(csdb / DRAFT).root.xpath("string(//proceduralStep[contains(., 'filler cap (item 1) and put')])")

    second.click("#ed-dialog[open] [data-merge]")
    second.wait_for_selector("[data-status][data-kind=warning]")
    texts = second.evaluate("[...document.querySelectorAll('[data-host]')].map((h) => h.textContent)")
    assert "Remove the oil filler cap (item 1) and put it on a clean cloth." in texts
    assert "Install the oil filler cap and tighten it by hand." in texts
    status, result = save(second)
    assert status == 200 and result["issue"] == "002-01" and not result["upissued"]
    saved = " ".join(load(csdb / DRAFT).root.xpath("string(//mainProcedure)").split())
    assert "put it on a clean cloth" in saved and "tighten it by hand" in saved
    assert hashlib.sha256(official.read_bytes()).hexdigest() == before

    events = [(e["event"], e.get("writer")) for e in audit(csdb) if e["event"].startswith("edit-")]
    assert events[-3:] == [("edit-save", "olga"), ("edit-refused", "pavel"), ("edit-save", "pavel")]


def test_where_both_changed_the_same_text_the_writer_chooses(page, second, csdb):
    login(page, "olga")
    login(second, "pavel")
    open_editor(page, CODE, "en-US")
    open_editor(second, CODE, "en-US")
    retype(page, "Wipe the filter mounting face", "Wipe the mounting face with a lint-free cloth.")
    assert save(page)[0] == 200
    retype(second, "Wipe the filter mounting face", "Clean the mounting face and check the old sealing ring.")
    assert save(second)[0] == 409
    second.click("#ed-dialog[open] [data-merge]")
    second.wait_for_selector("#ed-dialog[open] fieldset.ed-conflict")
    assert "Wipe the mounting face with a lint-free cloth." in second.inner_text("#ed-dialog")
    second.check("#ed-dialog[open] fieldset.ed-conflict input[value=mine]")
    second.click("#ed-dialog[open] form button[type=submit]")
    second.wait_for_selector("[data-status][data-kind=warning]")
    status, _ = save(second)
    assert status == 200
    saved = " ".join(load(csdb / DRAFT).root.xpath("string(//mainProcedure)").split())
    assert "Clean the mounting face and check the old sealing ring." in saved
    assert "lint-free cloth" not in saved


def test_the_dashboard_lists_modules_in_work_with_their_check_state(page, csdb):
    login(page, "olga")
    page.goto("/edit")
    mine = page.locator(f"table[data-group=mine] tr[data-key='DMC-{CODE}'][data-language=en-US]")
    assert mine.count() == 1
    assert mine.locator("[data-state]").count() == 1
    assert "pavel" in mine.inner_text()  # the last save was his
    page.click(f"table[data-group=mine] tr[data-key='DMC-{CODE}'] a.button")
    page.wait_for_selector("#editor[data-ready]")
    assert "002-01" in page.inner_text("[data-issue]")
