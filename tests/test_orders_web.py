"""Orders over a real `ietm serve` on loopback (SQLite and PostgreSQL): the API and the supply desk enforce roles,
CSRF, the manual's parts and applicability, and idempotency server-side; a refused request records nothing;
approved orders reach a test ERP from the server's own delivery loop; a configured bundle origin, and no
other, may call the orders API."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import httpx
import pytest

from erpserver import LoopbackErp, fail_first
from liveserver import Server
from orders_support import fuel_filter, login, server_csdb, submit

BUNDLE = "http://127.0.0.1:9"  # a published bundle's origin this server lets in (nothing listens there)


@pytest.fixture(scope="module")
def erp():
    with LoopbackErp(fail_first(1)) as e:
        yield e


@pytest.fixture(scope="module")
def server(tmp_path_factory, content: Path, erp: LoopbackErp, module_db_url: str):
    csdb = server_csdb(content, tmp_path_factory.mktemp("orders-web") / "csdb", erp.url, (BUNDLE,),
                       database=module_db_url)
    s = Server(csdb)
    s.start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def ivan(server) -> httpx.Client:
    return login(server.url, "ivan")


@pytest.fixture(scope="module")
def olga(server) -> httpx.Client:
    return login(server.url, "olga")


def count(olga: httpx.Client) -> int:
    return len(olga.get("/api/orders", params={"limit": 1000}).json()["orders"])


def test_roles_and_csrf_are_enforced_server_side(server, ivan, olga) -> None:
    before = count(olga)
    assert httpx.post(server.url + "/api/orders", json=fuel_filter()).status_code == 401
    assert submit(olga, fuel_filter()).status_code == 403  # the supply clerk does not order parts
    forged = httpx.Client(base_url=server.url, cookies=ivan.cookies, timeout=30)
    assert submit(forged, fuel_filter()).status_code == 403  # no CSRF token
    assert submit(forged, fuel_filter(), **{"X-CSRF-Token": "forged"}).status_code == 403
    for path in ("/orders/stats", "/orders/stock", "/orders/purchase", "/orders/export.csv", "/api/orders/stats"):
        assert ivan.get(path).status_code == 403, path
    assert ivan.post("/api/orders/1/decision", json={"approve_all": True}).status_code == 403
    assert ivan.post("/api/orders/stock", content=b"partNumber,quantity\nGS-1001,5\n").status_code == 403
    assert count(olga) == before


@pytest.mark.parametrize(("change", "says"), [
    ({"lines": [{"part_number": "GS-2001", "quantity": -3}]}, "line 1: the quantity must be more than 0, not -3"),
    ({"lines": [{"part_number": "GS-2001", "quantity": 50000}]}, "line 1: 50000 is more than a line may ask for"),
    ({"lines": [{"part_number": "XX-0000", "quantity": 1}]}, "line 1: unknown part number XX-0000"),
    ({"product": "P-001"}, "line 1: GS-1012 does not apply to product P-001"),
    ({"product": "P-999"}, "no product 'P-999'"),
    ({"lines": []}, "the order has no lines"),
    ({"urgency": "yesterday"}, "urgency 'yesterday' is not one of routine, urgent, critical"),
])
def test_hostile_orders_are_refused_with_a_clear_message_and_nothing_recorded(ivan, olga, change, says) -> None:
    before = count(olga)
    r = submit(ivan, fuel_filter(**change))
    assert r.status_code == 422 and says in r.json()["error"]["message"], r.text
    assert r.json()["error"]["problems"][0]["where"]
    assert count(olga) == before


def test_refusals_speak_the_readers_language(ivan) -> None:
    r = submit(ivan, fuel_filter(product="P-001"), **{"Accept-Language": "ru"})
    assert "GS-1012 не применима к изделию P-001" in r.json()["error"]["message"]


def test_a_faults_remedy_offers_the_part_it_names_and_the_order_keeps_that_source(ivan) -> None:
    page = ivan.get("/dm/DGEN-A-D10-20-00-00A-421A-A", headers={"Accept-Language": "ru"}).text
    assert 'data-order-kind="remedy"' in page and 'data-order-pn="GS-2001"' in page and "fi-e03" in page
    r = submit(ivan, {"product": "P-001", "lines": [{"part_number": "GS-2001", "quantity": 1, "source": {
        "kind": "remedy", "module": "DMC-DGEN-A-D10-20-00-00A-421A-A", "item": "fi-e03"}}]})
    assert r.status_code == 201, r.text
    assert r.json()["order"]["lines"][0]["source"] == {"kind": "remedy", "module": "DMC-DGEN-A-D10-20-00-00A-421A-A",
                                                      "figure": "", "item": "fi-e03"}


def test_a_malformed_submission_is_refused_before_anything_is_read(ivan, olga) -> None:
    before = count(olga)
    r = ivan.post("/api/orders", json=fuel_filter())  # no Idempotency-Key
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["error"]["message"]
    assert submit(ivan, {"product": "P-003", "lines": [{"part_number": "GS-2001", "quantity": "lots"}]}
                  ).status_code == 422
    assert submit(ivan, fuel_filter(), key="short").status_code == 422
    assert count(olga) == before


def test_a_replayed_submission_makes_no_second_order(ivan, olga) -> None:
    key = str(uuid.uuid4())
    first = submit(ivan, fuel_filter(), key)
    assert first.status_code == 201 and first.headers["location"] == f"/api/orders/{first.json()['order']['id']}"
    before = count(olga)
    again = submit(ivan, fuel_filter(), key)
    assert again.status_code == 200 and again.json()["replayed"]
    assert again.json()["order"]["id"] == first.json()["order"]["id"]
    assert "already received as order" in again.json()["message"]
    other = submit(ivan, fuel_filter(work_order="WO-18"), key)
    assert other.status_code == 409 and "was used for order" in other.json()["error"]["message"]
    assert count(olga) == before


def test_another_users_order_is_refused(server, ivan) -> None:
    order = submit(ivan, fuel_filter()).json()["order"]
    petr = login(server.url, "petr")
    r = petr.get(f"/api/orders/{order['id']}")
    assert r.status_code == 403 and f"order {order['id']} is not yours" in r.json()["error"]["message"]
    assert petr.get(f"/orders/{order['id']}").status_code == 403
    assert petr.get(f"/orders/{order['id']}.xml").status_code == 403
    assert order["id"] not in [o["id"] for o in petr.get("/api/orders").json()["orders"]]
    assert order["id"] in [o["id"] for o in ivan.get("/api/orders").json()["orders"]]


def test_the_desk_decides_on_its_page_and_the_erp_gets_the_order_once(server, ivan, olga, erp) -> None:
    order = submit(ivan, fuel_filter()).json()["order"]
    page = olga.get(f"/orders/{order['id']}")
    assert page.status_code == 200 and 'name="action-1"' in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    bad = olga.post(f"/orders/{order['id']}/decide", data={
        "csrf": token, "action-1": "approve", "substitute-1": "GS-9999|DZM01", "action-2": "reject"})
    assert bad.status_code == 422 and "GS-9999 is not an alternative to GS-1012" in bad.text
    assert olga.get(f"/api/orders/{order['id']}").json()["order"]["status"] == "submitted"
    done = olga.post(f"/orders/{order['id']}/decide", data={
        "csrf": token, "action-1": "approve", "quantity-1": "1", "action-2": "reject", "reason-2": "belt in stock"})
    assert done.status_code == 303
    decided = olga.get(f"/api/orders/{order['id']}").json()["order"]
    assert decided["status"] == "approved" and decided["in_part"]
    key = decided["delivery"]["idempotency_key"]
    deadline = time.monotonic() + 30
    while key not in erp.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    assert erp.tries(key) == ["fail", "accept"], erp.requests  # the server's own loop retried the failure
    while olga.get(f"/api/orders/{order['id']}").json()["order"]["delivery"]["state"] != "delivered":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    news = ivan.get("/api/orders/news").json()["orders"]
    assert any(n["id"] == order["id"] and "approved in part" in n["summary"] for n in news)
    assert ivan.post("/api/orders/news/seen", json={"orders": [order["id"]]}).json()["marked"] >= 1
    assert order["id"] not in [n["id"] for n in ivan.get("/api/orders/news").json()["orders"]]
    shipped = olga.post(f"/api/orders/{order['id']}/status", json={"status": "shipped"})
    assert shipped.json()["order"]["status"] == "shipped"
    back = olga.post(f"/api/orders/{order['id']}/status", json={"status": "ordered"})
    assert back.status_code == 422 and "cannot become ordered" in back.json()["error"]["message"]


def test_the_desk_pages_stock_purchase_and_consumption(server, ivan, olga) -> None:
    order = submit(ivan, fuel_filter(product="P-002", lines=[{"part_number": "GS-2001", "quantity": 1}])).json()
    olga.post(f"/api/orders/{order['order']['id']}/decision", json={"approve_all": True})
    stock = olga.post("/api/orders/stock", content="partNumber;quantity\nGS-2001;7\n".encode())
    assert stock.json() == {"imported": 1}
    assert olga.post("/api/orders/stock", content=b"partNumber,quantity\nGS-2001,many\n").status_code == 422
    assert {r["part_number"]: r["quantity"] for r in olga.get("/api/orders/stock").json()["stock"]}["GS-2001"] == 7
    desk = olga.get("/orders", headers={"Accept-Language": "ru"})
    assert desk.status_code == 200 and "Заказы запчастей" in desk.text
    purchase = olga.get("/api/orders/purchase").json()["purchase"]
    assert any(p["part_number"] == "GS-2001" and p["supplier"] == "DZM01" for p in purchase)
    assert "GS-2001" in olga.get("/orders/purchase.csv").text
    assert olga.get("/orders/purchase.xml").text.startswith("<?xml")
    stats = olga.get("/orders/stats", params={"part": "GS-2001"})
    assert stats.status_code == 200 and stats.text.count("<svg") == 2 and "GS-2001" in stats.text
    assert olga.get("/orders/stats", params={"since": "yesterday"}).status_code == 422
    assert olga.get("/orders/stats.csv").text.startswith("partNumber,name,unit,model,serial")
    assert olga.get("/orders/export.xml").text.startswith("<?xml")


def test_only_the_configured_bundle_origin_may_call_the_orders_api(server) -> None:
    preflight = {"Origin": BUNDLE, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type, x-csrf-token, idempotency-key"}
    ok = httpx.options(server.url + "/api/orders", headers=preflight)
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == BUNDLE
    assert ok.headers["access-control-allow-credentials"] == "true"
    assert "idempotency-key" in ok.headers["access-control-allow-headers"]
    other = httpx.options(server.url + "/api/orders", headers={**preflight, "Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    me = httpx.get(server.url + "/api/me", headers={"Origin": BUNDLE})
    assert me.headers["access-control-allow-origin"] == BUNDLE
    assert "access-control-allow-origin" not in httpx.get(server.url + "/api/objects", headers={"Origin": BUNDLE}).headers


def test_the_api_is_described_by_openapi(server) -> None:
    paths = httpx.get(server.url + "/openapi.json").json()["paths"]
    for path in ("/api/orders", "/api/orders/{order_id}", "/api/orders/{order_id}/decision",
                 "/api/orders/{order_id}/status", "/api/orders/news", "/api/orders/stock", "/api/orders/purchase",
                 "/api/orders/stats", "/orders/export.xml", "/orders/{order_id}.xml"):
        assert path in paths, path
    assert "Idempotency-Key" in str(paths["/api/orders"]["post"]["parameters"]).replace("idempotency-key",
                                                                                      "Idempotency-Key")
