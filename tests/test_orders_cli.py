"""`ietm orders`: the stock list, exports and ERP delivery from the command line, on a server's database."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from lxml import etree

from clirun import ietm
from erpserver import LoopbackErp, fail_first
from ietm.orders.exports import SCHEMA, erp_message
from ietm.orders.parts import PartsIndex
from ietm.orders.store import Decision, OrderStore
from ietm.orders.validate import LineIn, OrderIn, check
from ietm.serverdb import server_database
from ietm.web.site import Site
from orders_support import server_csdb


@pytest.fixture
def csdb(tmp_path: Path, content: Path) -> Path:
    return server_csdb(content, tmp_path / "csdb")


def approve_one(csdb: Path) -> int:
    store = OrderStore(server_database(csdb), None)
    order = OrderIn("P-003", [LineIn("GS-2001", 2, note="and a spare"), LineIn("GS-1012", 1)], language="en")
    order_id, _ = store.submit("ivan", "cli-1", check(order, PartsIndex.of(Site(csdb)), 1000, lambda m: True))
    store.decide(order_id, "olga", [Decision(1, True), Decision(2, True)], payload=erp_message)
    store.db.dispose()
    return order_id


def test_the_stock_list_goes_in_and_comes_out(csdb: Path, tmp_path: Path) -> None:
    stock = tmp_path / "склад.csv"
    stock.write_text("Обозначение;Количество;Место хранения\nGS-2001;12;A-03\nGS-1012;0,5;A-04\n", encoding="utf-8")
    r = ietm("orders", "stock-import", stock, "--csdb", csdb)
    assert r.code == 0 and "2 stock row(s) imported" in r.out, r.err
    out = ietm("orders", "stock-export", "--csdb", csdb)
    assert "GS-2001,,12,,A-03" in out.out and "GS-1012,,0.5,,A-04" in out.out
    stock.write_text("partNumber,quantity\nGS-2001,3\nGS-1012,some\n", encoding="utf-8")
    bad = ietm("orders", "stock-import", stock, "--csdb", csdb)
    assert bad.code == 3 and f"{stock}:3: quantity 'some' is not a number" in bad.err
    assert "GS-2001,,12" in ietm("orders", "stock-export", "--csdb", csdb).out, "a refused list changes nothing"


def test_orders_and_purchase_lines_are_written_as_files(csdb: Path, tmp_path: Path) -> None:
    approve_one(csdb)
    xml = tmp_path / "orders.xml"
    assert ietm("orders", "export", "--format", "xml", "--status", "approved", "--csdb", csdb, "-o", xml).code == 0
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(etree.parse(str(xml))), schema.error_log
    csv_out = ietm("orders", "export", "--format", "csv", "--csdb", csdb).out
    assert csv_out.splitlines()[0].startswith("order,submitted,status,technician") and "GS-2001" in csv_out
    purchase = ietm("orders", "purchase", "--format", "csv", "--csdb", csdb).out
    assert "DZM01,GS-2001" in purchase and "DZM01,GS-1012" in purchase


def test_deliver_sends_the_outbox_to_the_erp(tmp_path: Path, content: Path) -> None:
    with LoopbackErp(fail_first(1)) as erp:
        csdb = server_csdb(content, tmp_path / "csdb", erp.url)
        approve_one(csdb)
        first = ietm("orders", "deliver", "--csdb", csdb, "--format", "json")
        assert first.code == 0 and json.loads(first.out) == {"tried": 1, "pending": 1, "delivered": 0, "failed": 0}
        time.sleep(0.3)  # the retry falls due (erp_backoff_ms = 100)
        second = ietm("orders", "deliver", "--csdb", csdb)
        assert second.code == 0 and "1 delivered, 0 waiting, 0 failed" in second.out
        assert len(erp.messages) == 1 and [a for _, a in erp.requests] == ["fail", "accept"]


def test_deliver_without_an_erp_says_so(csdb: Path) -> None:
    r = ietm("orders", "deliver", "--csdb", csdb)
    assert r.code == 4 and "orders.erp_url: no ERP endpoint is configured" in r.err
