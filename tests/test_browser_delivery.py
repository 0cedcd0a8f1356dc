"""A delivered bundle in a real browser (Debian Chromium through Playwright), served by a plain static web server
as the customer's own would serve it, with the supplier's ietm server on another port:

- the start page checks the delivered set on the device and says it is complete;
- offline (browser offline, the bundle's server stopped), modules opened, a procedure completed and a fault
  isolated are kept in the device's outbox; an update package applies with no network, the start page checks
  the new release complete and the changed module shows its new text;
- back online, the usage events reach the server once, /usage counts them, and the receipt of the applied
  update moves the register to the new release;
- a bundle delivered with usage reporting off sends nothing at all (the browser's network log).
"""

from __future__ import annotations

import re
import time

import httpx
import pytest

from deliver_support import NORTH, SOUTH, make_supplier
from static_server import StaticServer
from ietm.accounts import open_accounts
from liveserver import serving
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
CHANGED = "DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_ru-RU.XML"
CHANGED_PAGE = "dm/DGEN-A-D10-00-00-00A-040A-A_ru-RU.html"
PROCEDURE_PAGE = "dm/DGEN-A-D10-30-00-00A-921A-A_ru-RU.html"
FAULT_PAGE = "dm/DGEN-A-D10-00-00-00A-421A-A_ru-RU.html"
NEW_TEXT = "Проверено в эксплуатации: новый абзац второго выпуска."


@pytest.fixture(scope="module")
def world(tmp_path_factory, content):
    supplier = make_supplier(tmp_path_factory.mktemp("browser-delivery"), content, "[usage]\nreport = true\n")
    open_accounts(supplier.csdb).add("anna", "admin", PASSWORD)
    with serving(supplier.csdb) as server:
        settings = supplier.csdb / "ietm.toml"
        with open(settings, "a", encoding="utf-8") as f:
            f.write(f'\n[bundle]\nserver = "{server.url}"\n')
        north = supplier.deliver(NORTH, ["P-001"], supplier.root / "north")
        # South's bundle is made with usage reporting off
        settings.write_text(settings.read_text(encoding="utf-8").replace("report = true", "report = false"),
                            encoding="utf-8")
        supplier.deliver(SOUTH, ["P-002", "P-003"], supplier.root / "south")
        settings.write_text(settings.read_text(encoding="utf-8").replace("report = false", "report = true"),
                            encoding="utf-8")
        supplier.change_module(CHANGED, NEW_TEXT)
        supplier.release("Выпуск 2")
        update = supplier.deliver(NORTH, ["P-001"], supplier.root / "north-2.zip", "--update")
        yield server, supplier, north, update


def _wait(page, expression: str, seconds: float = 120) -> None:
    """Until the expression holds on the page. Polled from here: the bundle's Content-Security-Policy refuses the
    string evaluation wait_for_function would use; a page that reloads meanwhile is asked again."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if page.evaluate(f"!!({expression})"):
                return
        except PlaywrightError as exc:
            if "destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
        assert time.monotonic() < deadline, f"waited {seconds} s for {expression}"
        time.sleep(0.2)


def _admin(server) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": "anna", "password": PASSWORD, "csrf": token}).status_code == 303
    return client


def _counts(server) -> dict[str, int]:
    text = _admin(server).get("/usage").text
    return {k: int(n) for k, n in re.findall(r'data-kind="(\w+)" data-count="(\d+)"', text)}


def test_an_offline_bundle_checks_itself_updates_and_reports_once_back_online(browser, world) -> None:
    server, supplier, north, update = world
    context = browser.new_context(viewport={"width": 1024, "height": 1366})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    to_server: list[str] = []
    page.on("requestfinished", lambda r: to_server.append(r.url) if r.url.startswith(server.url) else None)
    try:
        with StaticServer(supplier.root / "north") as shelf:
            base = shelf.url
            page.goto(base + "index.html")
            _wait(page, "document.documentElement.dataset.offlineReady === 'true'")
            _wait(page, "document.documentElement.dataset.deliveryChecked")
            assert page.get_attribute("html", "data-delivery-checked") == "complete"
            section = page.inner_text("section.delivery")
            assert north["id"] in section and NORTH in section and "Комплектна" in section and "Выпуск 1" in section
        context.set_offline(True)  # and the bundle's server is gone: everything comes from the device

        # a technician's day, offline: modules opened, a procedure completed, a fault isolated
        page.goto(base + CHANGED_PAGE)
        assert NEW_TEXT not in page.inner_text("main")
        page.goto(base + PROCEDURE_PAGE)
        page.wait_for_selector("section[data-procedure]")
        page.evaluate("""() => document.querySelectorAll('section[data-procedure] li.step > .step-head input[type=checkbox]')
                         .forEach(box => { if (!box.checked) box.click(); })""")
        assert page.get_attribute("section[data-procedure]", "data-progress") == "12/12"
        page.goto(base + FAULT_PAGE)
        page.click("section[data-node='fi-s01'] a[data-next='fi-e01']")
        _wait(page, "document.querySelector('section[data-fault]')?.classList.contains('fi-finished')")
        waiting = page.evaluate("ietmOutbox.waiting('usage')")
        assert waiting == 5, waiting  # three modules opened, a procedure completed, a fault isolated: kept here
        assert not to_server

        # the update package, applied with no network
        page.goto(base + "index.html")
        _wait(page, "document.documentElement.dataset.deliveryChecked")
        page.set_input_files("[data-delivery-update]", str(supplier.root / "north-2.zip"))
        _wait(page, f"document.querySelector('section.delivery[data-delivery=\"{update['id']}\"]')")
        _wait(page, "document.documentElement.dataset.deliveryChecked")
        assert page.get_attribute("html", "data-delivery-checked") == "complete"
        assert "Выпуск 2" in page.inner_text("section.delivery")
        assert update["id"] in page.inner_text("[data-delivery-status]")
        page.goto(base + CHANGED_PAGE)
        assert NEW_TEXT in page.inner_text("main")  # the new issue, from the device
        assert page.evaluate("ietmOutbox.waiting('receipts')") == 1
        assert not to_server

        # back online: what waited reaches the server, once
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        try:
            _wait(page, "ietmOutbox.waiting('usage') === 0 && ietmOutbox.waiting('receipts') === 0")
        except Exception:
            left = page.evaluate("[ietmOutbox.waiting('usage'), ietmOutbox.waiting('receipts')]")
            raise AssertionError(f"still waiting: {left}; sent to the server: {to_server}; page errors: {errors}") from None
        counts = _counts(server)
        assert counts == {"open": 4, "procedure": 1, "fault": 1, "remark": 0}, counts
        page.evaluate("ietmOutbox.flush()")
        page.reload()  # the start page is no module: it reports nothing new
        assert _counts(server) == counts
        releases = _admin(server).get("/usage").text
        assert 'data-release="Выпуск 1" data-model="DG-5M"' in releases
        assert 'data-release="Выпуск 2" data-model="DG-5M"' in releases
        listing = _admin(server).get("/api/deliveries").json()
        held = next(h for h in listing["holdings"] if h["customer"] == NORTH)
        assert held["held"]["release"] == "Выпуск 2" and held["held"]["delivery"] == update["id"]
        assert not held["behind"] and not held["awaiting"]
        assert any("/api/usage" in u for u in to_server) and any("/receipts" in u for u in to_server)
    finally:
        context.close()
    assert not errors, errors


def test_with_usage_reporting_off_nothing_is_sent(browser, world) -> None:
    server, supplier, _, _ = world
    context = browser.new_context(viewport={"width": 1024, "height": 1366})
    page = context.new_page()
    requests: list[tuple[str, str]] = []
    page.on("request", lambda r: requests.append((r.method, r.url)))
    context.on("request", lambda r: requests.append((r.method, r.url)))
    try:
        with StaticServer(supplier.root / "south") as shelf:
            base = shelf.url
            page.goto(base + "index.html")
            _wait(page, "document.documentElement.dataset.offlineReady === 'true'")
            _wait(page, "document.documentElement.dataset.deliveryChecked")
            for path in (PROCEDURE_PAGE, FAULT_PAGE, CHANGED_PAGE):
                page.goto(base + path)
            page.goto(base + FAULT_PAGE)
            page.click("section[data-node='fi-s01'] a[data-next='fi-e01']")
            page.evaluate("window.dispatchEvent(new Event('online'))")
            page.wait_for_timeout(1500)
            assert page.locator("#ietm-usage").count() == 0
            assert page.evaluate("localStorage.getItem('ietm.outbox.usage')") is None
        assert requests and all(u.startswith((base, server.url)) for _, u in requests), requests
        # the server is only asked who is logged in and what is new in their orders (js/orders.js, for the
        # bundle's [bundle] server); nothing about what was read or done leaves the device
        to_server = [(m, u.removeprefix(server.url).split("?")[0]) for m, u in requests if u.startswith(server.url)]
        assert all(m == "GET" and u in ("/api/me", "/api/orders/news") for m, u in to_server), to_server
    finally:
        context.close()
