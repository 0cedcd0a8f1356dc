"""kill -9 of the server while orders are submitted and while one is being delivered to the ERP: no order is
lost, none is made twice, and the ERP keeps each order once."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from pathlib import Path

import httpx

from erpserver import LoopbackErp
from liveserver import Server
from orders_support import fuel_filter, login, server_csdb, submit

SUBMISSIONS = 24


def test_orders_submitted_while_the_server_is_killed_are_kept_once(tmp_path: Path, content: Path) -> None:
    csdb = server_csdb(content, tmp_path / "csdb")
    server = Server(csdb)
    server.start()
    try:
        ivan = login(server.url, "ivan")
        keys = [str(uuid.uuid4()) for _ in range(SUBMISSIONS)]
        answered: dict[str, int] = {}

        def send(key: str) -> None:
            try:
                r = submit(ivan, fuel_filter(work_order=key[:8]), key)
                if r.status_code in (200, 201):
                    answered[key] = r.json()["order"]["id"]
            except httpx.HTTPError:
                pass  # the server died under this request: the device keeps it and sends it again

        threads = [threading.Thread(target=send, args=(k,)) for k in keys]
        for n, t in enumerate(threads):
            t.start()
            if n == SUBMISSIONS // 2:
                while len(answered) < 3:
                    time.sleep(0.01)
                server.stop(signal.SIGKILL)  # a power cut in the middle of the submissions
        for t in threads:
            t.join()
        assert len(answered) < SUBMISSIONS, "the kill came too late to interrupt anything"
        server.start()  # the same port, the same database
        ivan = login(server.url, "ivan")
        again = {}
        for key in keys:  # every device sends again what it has no answer for; here: everything, to be sure
            r = submit(ivan, fuel_filter(work_order=key[:8]), key)
            assert r.status_code in (200, 201), r.text
            again[key] = r.json()["order"]["id"]
        assert all(again[k] == answered[k] for k in answered), "an answered order was lost or made again"
        orders = login(server.url, "olga").get("/api/orders", params={"limit": 1000}).json()["orders"]
        assert len(orders) == SUBMISSIONS and len(set(again.values())) == SUBMISSIONS
    finally:
        server.stop()


def test_an_order_being_delivered_when_the_server_is_killed_reaches_the_erp_once(tmp_path: Path,
                                                                                content: Path) -> None:
    # the ERP takes the first send of each order and never answers it: the server is killed while waiting
    with LoopbackErp(lambda key, n: "keep-hang" if n == 1 else "accept", hang_seconds=60) as erp:
        csdb = server_csdb(content, tmp_path / "csdb", erp.url)
        server = Server(csdb)
        server.start()
        try:
            order = submit(login(server.url, "ivan"), fuel_filter()).json()["order"]
            olga = login(server.url, "olga")
            assert olga.post(f"/api/orders/{order['id']}/decision", json={"approve_all": True}).status_code == 200
            deadline = time.monotonic() + 30
            while not erp.requests:
                assert time.monotonic() < deadline, "the server did not send the approved order"
                time.sleep(0.05)
            server.stop(signal.SIGKILL)  # the ERP has the message; the server never heard back
            server.start()
            olga = login(server.url, "olga")
            deadline = time.monotonic() + 60  # the dead sender's lease (2 × timeout + 5 s) must run out first
            while olga.get(f"/api/orders/{order['id']}").json()["order"]["delivery"]["state"] != "delivered":
                assert time.monotonic() < deadline, erp.requests
                time.sleep(0.2)
            key = olga.get(f"/api/orders/{order['id']}").json()["order"]["delivery"]["idempotency_key"]
            assert erp.tries(key) == ["keep-hang", "known"] and list(erp.messages) == [key]
        finally:
            server.stop()

