"""Approved orders reach the ERP exactly once, from the outbox table: against a test ERP on loopback that fails,
answers too late, takes a message and loses the answer, or refuses; with several deliverers at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from erpserver import LoopbackErp, always_accept, fail_first
from ietm.orders.erp import Deliverer, ErpSettings, retry
from ietm.orders.exports import erp_message
from ietm.orders.parts import PartsIndex
from ietm.orders.store import Decision, OrderStore
from ietm.orders.validate import LineIn, OrderIn, check
from ietm.serverdb import open_database
from ietm.sign.audit import DatabaseLog
from ietm.web.site import Site


@pytest.fixture(scope="module")
def sample(content: Path) -> PartsIndex:
    return PartsIndex.of(Site(content))


@pytest.fixture
def db_path(tmp_path: Path, db_url: str) -> str:
    return db_url or f"sqlite:///{tmp_path / 'server.sqlite'}"


@pytest.fixture
def store(tmp_path: Path, db_path: str) -> OrderStore:
    db = open_database(db_path)
    yield OrderStore(db, DatabaseLog(db))
    db.dispose()


def approved(store: OrderStore, sample: PartsIndex, key: str) -> int:
    order = OrderIn("P-002", [LineIn("GS-2001", 1), LineIn("GS-1001", 1)], urgency="urgent", language="en")
    order_id, _ = store.submit("ivan", key, check(order, sample, 1000, lambda m: True))
    store.decide(order_id, "olga", [Decision(1, True), Decision(2, False, reason="in the van")], payload=erp_message)
    return order_id


def settings(erp: LoopbackErp, **change) -> ErpSettings:
    return ErpSettings(**{"url": erp.url, "timeout": 2.0, "attempts": 6, "backoff": 0.05, "backoff_max": 0.2,
                          **change})


def deliver_until_settled(deliverer: Deliverer, store: OrderStore, order_ids: list[int], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        deliverer.run_due()
        if all(store.get(i).delivery.state != "pending" for i in order_ids):
            return
        time.sleep(0.05)
    raise AssertionError([store.get(i).delivery for i in order_ids])


def test_the_erp_gets_one_message_although_the_first_two_tries_fail(sample, store) -> None:
    order_id = approved(store, sample, "erp-1")
    with LoopbackErp(fail_first(2)) as erp:
        deliverer = Deliverer(store, settings(erp))
        deliver_until_settled(deliverer, store, [order_id])
    delivery = store.get(order_id).delivery
    assert erp.tries(delivery.key) == ["fail", "fail", "accept"]
    assert list(erp.messages) == [delivery.key]
    sent = erp.messages[delivery.key]["order"]
    assert sent["id"] == order_id and [ln["part_number"] for ln in sent["lines"]] == ["GS-2001"]
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 3, 200)
    assert [e["kind"] for e in store.get(order_id).events][-1] == "erp-delivered"


def test_a_timeout_and_a_lost_answer_are_retried_with_the_same_key_and_kept_once(sample, store) -> None:
    order_id = approved(store, sample, "erp-2")
    plan = {1: "hang", 2: "lose"}
    with LoopbackErp(lambda key, n: plan.get(n, "accept")) as erp:
        deliver_until_settled(Deliverer(store, settings(erp, timeout=1.0)), store, [order_id])
    key = store.get(order_id).delivery.key
    assert erp.tries(key) == ["hang", "lose", "known"]  # the third send met a message the ERP already had
    assert list(erp.messages) == [key] and store.get(order_id).delivery.state == "delivered"


def test_a_refusal_fails_the_delivery_visibly_until_the_desk_sends_it_again(sample, store) -> None:
    order_id = approved(store, sample, "erp-3")
    with LoopbackErp(lambda key, n: "refuse" if n == 1 else "accept") as erp:
        deliverer = Deliverer(store, settings(erp))
        deliver_until_settled(deliverer, store, [order_id])
        failed = store.get(order_id)
        assert failed.delivery.state == "failed" and failed.delivery.last_status == 400
        assert "unknown cost centre" in failed.delivery.last_error
        assert failed.events[-1]["kind"] == "erp-failed"
        assert retry(store, order_id, "olga") and not retry(store, order_id, "olga")
        deliver_until_settled(deliverer, store, [order_id])
    key = store.get(order_id).delivery.key
    assert erp.tries(key) == ["refuse", "accept"] and store.get(order_id).delivery.state == "delivered"


def test_attempts_run_out_into_a_failed_delivery(sample, store) -> None:
    order_id = approved(store, sample, "erp-4")
    with LoopbackErp(lambda key, n: "fail") as erp:
        deliver_until_settled(Deliverer(store, settings(erp, attempts=3)), store, [order_id])
    delivery = store.get(order_id).delivery
    assert (delivery.state, delivery.attempts) == ("failed", 3) and len(erp.requests) == 3 and not erp.messages


def test_several_workers_send_each_order_once(sample, store, db_path) -> None:
    orders = [approved(store, sample, f"erp-many-{n}") for n in range(6)]
    with LoopbackErp(always_accept) as erp:
        workers = [Deliverer(OrderStore(open_database(db_path), None), settings(erp)) for _ in range(3)]
        start = threading.Barrier(len(workers))

        def work(d: Deliverer) -> None:
            start.wait()
            d.run_due()

        threads = [threading.Thread(target=work, args=(d,)) for d in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for d in workers:
            d.store.db.dispose()
    keys = [store.get(i).delivery.key for i in orders]
    assert sorted(k for k, _ in erp.requests) == sorted(keys)  # one request per order: no two workers sent one
    assert all(store.get(i).delivery.state == "delivered" for i in orders)


def test_nothing_is_sent_while_no_erp_is_configured(sample, store) -> None:
    order_id = approved(store, sample, "erp-5")
    assert Deliverer(store, ErpSettings(url="")).run_due() == 0
    assert store.get(order_id).delivery.state == "pending"
