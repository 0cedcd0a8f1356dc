"""Live preview (`ietm serve --watch`): a writer edits a file, the open page reloads and shows its problems."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
import pytest

from liveserver import serving

PROC = "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML"
ADDRESS = "/dm/S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"


@pytest.fixture
def csdb(bike, schemas42, brex42, tmp_path) -> Path:
    root = tmp_path / "csdb"
    shutil.copytree(bike, root, ignore=shutil.ignore_patterns(".*"))
    for p in [root, *root.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    (root / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n')
    return root


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    line = text.count("\n", 0, text.index(old)) + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def test_changed_file_is_rechecked_and_announced(csdb, db_url):
    """The change log and the problems found live in the server's database: on SQLite and on PostgreSQL."""
    with open(csdb / "ietm.toml", "a") as toml:
        toml.write(f'[server]\ndatabase = "{db_url}"\n')
    with serving(csdb, "--watch") as server:
        page = httpx.get(server.url + ADDRESS)
        assert "/static/js/live.js" in page.text
        version = httpx.get(server.url + "/api/changes?since=-1").json()["version"]
        line = _edit(csdb / PROC, 'issueType="deleted"', 'issueType="bogus"')
        news = httpx.get(f"{server.url}/api/changes?since={version}&timeout=30", timeout=40).json()
        assert news["version"] > version and "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A" in news["changed"]
        problems = news["problems"][ADDRESS]
        assert any(p["line"] == line and "issueType" in p["message"] for p in problems)
        # a new file appears in the catalog and its address works
        shutil.copy(csdb / PROC, csdb / PROC.replace("251A-A_008", "251A-A_009"))
        _edit(csdb / PROC.replace("251A-A_008", "251A-A_009"), 'issueNumber="008"', 'issueNumber="009"')
        deadline = time.monotonic() + 30
        while httpx.get(server.url + "/api" + ADDRESS).json().get("issue") != "009-00":
            assert time.monotonic() < deadline, "the new issue never showed up"
            time.sleep(0.3)


def _marker(page) -> str:
    """'set' before the reload, 'gone' after it; a question asked while the page navigates waits for the next."""
    from playwright.sync_api import Error

    try:
        return "set" if page.evaluate("() => window.__marker") == 1 else "gone"
    except Error:  # the execution context went away mid-question: the reload is under way
        return "navigating"


@pytest.mark.browser
def test_open_page_reloads_and_shows_problems(csdb, browser):
    with serving(csdb, "--watch") as server:
        page = browser.new_page(base_url=server.url)
        page.goto(ADDRESS)
        page.evaluate("window.__marker = 1")
        page.wait_for_timeout(500)
        line = _edit(csdb / PROC, 'issueType="deleted"', 'issueType="bogus"')
        deadline = time.monotonic() + 30  # the page reloads itself; a fresh document has no marker
        while _marker(page) != "gone":
            assert time.monotonic() < deadline, "the page never reloaded"
            page.wait_for_timeout(200)
        box = page.locator("#live-problems")
        box.wait_for(timeout=30000)
        assert f"line {line}" in box.inner_text() and "issueType" in box.inner_text()
        page.close()
