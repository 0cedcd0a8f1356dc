"""Orders: the parts index of a large manual, checking and recording orders, and ERP delivery throughput.

The corpus is bench_render's: the Bike set copied under distinct model codes, so the parts index reads
thousands of modules. Then orders of 3 lines are checked against it and recorded in the server database
(SQLite), approved, and delivered to a local ERP (tests/erpserver.py) by one and by three deliverers at once.
Run:
    .venv/bin/python bench/bench_orders.py [--copies 30] [--orders 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bench_render import renamed_corpus  # noqa: E402
from corpus import BIKE  # noqa: E402
from erpserver import LoopbackErp  # noqa: E402

from ietm.orders.erp import Deliverer, ErpSettings  # noqa: E402
from ietm.orders.exports import erp_message  # noqa: E402
from ietm.orders.parts import PartsIndex, build  # noqa: E402
from ietm.orders.store import Decision, OrderStore  # noqa: E402
from ietm.orders.validate import LineIn, OrderIn, check  # noqa: E402
from ietm.serverdb import open_database  # noqa: E402
from ietm.web.site import Site  # noqa: E402


def ms(values: list[float]) -> str:
    values = sorted(values)
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {values[int(len(values) * 0.95)] * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=30, help="copies of the Bike set under their own codes")
    parser.add_argument("--orders", type=int, default=300, help="orders to record, approve and deliver")
    args = parser.parse_args()
    corpus = renamed_corpus(args.copies)
    site = Site(corpus)
    started = time.perf_counter()
    index = build(site)
    took = time.perf_counter() - started
    modules = sum(1 for o in site.latest.values() if o.kind == "dm")
    print(f"parts index: {modules} data modules, {index.known()} part numbers, built in {took:.2f} s")
    # the copies repeat the Bike set's product ids (its PCT), so orders are checked against the Bike set itself
    bike = Site(BIKE)
    index = PartsIndex.of(bike)
    product = bike.applicability.products()[0]
    parts = [pn for pn, occ in index.by_number.items() if any(o.kind == "ipd" for o in occ)
             and all(o.applies_to(product, index.applicability) is not False for o in occ)
             and all(o.per_assembly_number() != 0 for o in occ)][:3]
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/server.sqlite")
        store = OrderStore(db, Path(tmp) / "audit.jsonl")
        checks, submits, decisions = [], [], []
        ids = []
        for n in range(args.orders):
            order = OrderIn(product.id, [LineIn(pn, 1) for pn in parts], language="en")
            t0 = time.perf_counter()
            checked = check(order, index, 1000, lambda m: True)
            t1 = time.perf_counter()
            order_id, _ = store.submit("ivan", f"bench-{n}", checked)
            t2 = time.perf_counter()
            store.decide(order_id, "olga", [Decision(i + 1, True) for i in range(len(parts))], payload=erp_message)
            t3 = time.perf_counter()
            checks.append(t1 - t0)
            submits.append(t2 - t1)
            decisions.append(t3 - t2)
            ids.append(order_id)
        print(f"check an order of {len(parts)} lines: {ms(checks)}")
        print(f"record it (one transaction, audit log appended): {ms(submits)}")
        print(f"approve it (its ERP message into the outbox): {ms(decisions)}")
        half = len(ids) // 2
        with LoopbackErp() as erp:
            settings = ErpSettings(url=erp.url, timeout=5, backoff=0.05)
            started = time.perf_counter()
            Deliverer(store, settings).run_due(limit=half)
            one = time.perf_counter() - started
            workers = [Deliverer(OrderStore(open_database(f"sqlite:///{tmp}/server.sqlite"), None), settings)
                       for _ in range(3)]
            started = time.perf_counter()
            threads = [threading.Thread(target=w.run_due, kwargs={"limit": len(ids)}) for w in workers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            three = time.perf_counter() - started
            assert len(erp.messages) == len(ids) and len(erp.requests) == len(ids), "an order was sent twice"
        print(f"ERP delivery, one deliverer: {half / one:.0f} orders/s; three at once: "
              f"{(len(ids) - half) / three:.0f} orders/s; each order sent once ({len(erp.requests)} requests)")
        db.dispose()


if __name__ == "__main__":
    main()
