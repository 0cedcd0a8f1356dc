"""The shared server in a real browser: script in module text or file names never runs, and a remark made
with no network waits on the device and is sent when the network is back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ietm.accounts import open_accounts
from liveserver import serving

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
PROC = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"
ADDRESS = "/dm/S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
PAYLOADS = ['<script>window.__pwned = 1; alert(1)</script>', '<img src="x" onerror="window.__pwned = 2; alert(2)">',
            '"><svg onload="window.__pwned = 3">']


@pytest.fixture(scope="module")
def csdb(tmp_path_factory, bike) -> Path:
    root = tmp_path_factory.mktemp("browser-server") / "csdb"
    shutil.copytree(bike, root, ignore=shutil.ignore_patterns(".*"))
    for p in [root, *root.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    # hostile text inside a real module: escaped as XML, so it is text that looks like markup
    text = (root / PROC).read_text(encoding="utf-8")
    hostile = "".join(p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for p in PAYLOADS)
    head, body = text.split("<content>", 1)
    text = head + "<content>" + re.sub(r"(<para>)", lambda m: m.group(1) + hostile, body, count=3)
    (root / PROC).write_text(text, encoding="utf-8")
    accounts = open_accounts(root)
    accounts.add("tech", "technician", PASSWORD)
    accounts.add("writer", "writer", PASSWORD)
    return root



def test_script_in_module_text_never_runs(csdb, browser):
    with serving(csdb) as server:
        context = browser.new_context(base_url=server.url)
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(ADDRESS)
        page.wait_for_load_state("networkidle")
        assert "<script>window.__pwned = 1" in page.inner_text("main")  # shown as text
        assert page.evaluate("() => window.__pwned") is None and not dialogs
        # a hostile name in an address is shown as text in the error page, never run
        page.goto("/dm/%3Cscript%3Ewindow.__pwned%3D4%3C%2Fscript%3E")
        assert page.evaluate("() => window.__pwned") is None and not dialogs
        context.close()


def _login(page, name):
    page.goto("/login")
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url("**/")


def test_remark_waits_offline_and_is_sent_when_back_online(csdb, browser):
    with serving(csdb) as server:
        context = browser.new_context(base_url=server.url)
        page = context.new_page()
        _login(page, "tech")
        page.goto(ADDRESS)
        page.locator("form.remark-form").wait_for()
        context.set_offline(True)
        page.fill("#remark-text", "Step 1: the screwdriver size is not given.")
        page.select_option("#remark-priority", "emergency")
        page.click("form.remark-form button[type=submit]")
        page.wait_for_timeout(500)
        outbox = page.evaluate("() => JSON.parse(localStorage.getItem('ietm.remarks.outbox') || '[]')")
        assert len(outbox) == 1 and not list(csdb.glob("COM-*.XML"))
        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        for _ in range(50):
            if not page.evaluate("() => JSON.parse(localStorage.getItem('ietm.remarks.outbox') || '[]').length"):
                break
            page.wait_for_timeout(200)
        [comment] = list(csdb.glob("COM-*.XML"))
        text = comment.read_text(encoding="utf-8")
        assert "the screwdriver size is not given" in text and 'commentPriorityCode="cp02"' in text
        context.close()


def test_script_in_an_uploaded_file_name_never_runs(csdb, browser):
    with serving(csdb) as server:
        context = browser.new_context(base_url=server.url)
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        _login(page, "writer")
        page.goto("/upload")
        name = '<img src=x onerror="window.__pwned=5;alert(5)">.XML'
        page.set_input_files("#upload-files", files=[{"name": name, "mimeType": "text/xml", "buffer": b"<a/>"}])
        page.click("form.upload-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "not a plain CSDB file name" in page.inner_text("main")
        assert page.evaluate("() => window.__pwned") is None and not dialogs
        context.close()
