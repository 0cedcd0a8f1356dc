"""Spare-part orders, from what the manual lists to the stock: on the sample manual and the Bike set, with the
server database on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from lxml import etree

from ietm.orders.exports import SCHEMA, consolidate, erp_message, orders_csv, orders_xml, purchase_xml
from ietm.orders.parts import PartsIndex
from ietm.orders.stats import Filter, consumption, consumption_csv, months_chart, top_chart
from ietm.orders.stock import read_stock_csv, write_stock_csv
from ietm.orders.store import Decision, OrderStore, StockRow
from ietm.orders.validate import LineIn, OrderIn, OrderRefused, check, check_substitute, find_product
from ietm.errors import InputError, Refused
from ietm.serverdb import open_database
from ietm.sign.audit import DatabaseLog
from ietm.web.site import Site

IPD_FUEL = "DMC-DGEN-A-D20-00-00-00A-941A-D"
IPD_ENGINE = "DMC-DGEN-A-D10-00-00-00A-941A-D"
OIL_CHANGE = "DMC-DGEN-A-D10-10-00-00A-212A-A"
BIKE_IPD = "DMC-S1000DBIKE-AAA-D00-00-00-01AA-941A-D"


@pytest.fixture(scope="module")
def sample(content: Path) -> PartsIndex:
    return PartsIndex.of(Site(content))


@pytest.fixture(scope="module")
def bike_parts(bike: Path) -> PartsIndex:
    return PartsIndex.of(Site(bike))


@pytest.fixture
def store(tmp_path: Path, db_url: str) -> OrderStore:
    db = open_database(db_url or f"sqlite:///{tmp_path / 'server.sqlite'}")
    yield OrderStore(db, DatabaseLog(db))
    db.dispose()


def everywhere(module: str) -> bool:
    return True


def fuel_filter_order(**change) -> OrderIn:
    """A DG-5E from serial 1000 on: the water-separating fuel filter of the IPD, and oil for the oil change."""
    lines = [LineIn("GS-1012", 1, source_module=IPD_FUEL, source_kind="ipd", source_figure="01", source_item="1"),
             LineIn("GS-4001", 3, unit="l", source_module=OIL_CHANGE, source_item="sup-gs-4001", note="two changes")]
    return OrderIn(**{"product": "P-003", "lines": lines, "urgency": "urgent", "work_order": "WO-17",
                      "language": "ru", **change})


# -- what the manual lets a technician order ----------------------------------------------------------------

def test_the_parts_index_knows_where_each_part_is_listed_and_where_it_applies(sample, bike_parts) -> None:
    kinds = {o.kind: o for o in sample.find("GS-1012")}
    assert set(kinds) == {"ipd", "spare", "repository"}
    ipd = kinds["ipd"]
    assert (ipd.module, ipd.figure, ipd.item, ipd.per_assembly, ipd.unit) == (IPD_FUEL, "01", "1", "1", "EA")
    assert ipd.alternates == [("GS-1002", "DZM01")]  # the other item of the same catalogue sequence number
    assert "1000" in ipd.applic_text("ru") and ipd.name("ru").startswith("Фильтр топливный-влагоотделитель")
    applicability = sample.applicability
    assert ipd.applies_to(applicability.product("P-003"), applicability) is True  # S/N 1240
    assert ipd.applies_to(applicability.product("P-001"), applicability) is False  # S/N 0450
    # a fault's remedy that names a part in its text: "Замените ремень вентилятора GS-2001"
    assert any(o.kind == "remedy" and o.item == "fi-e03" for o in sample.find("GS-2001"))
    seat = [o for o in bike_parts.find("BICYCLE-001/2A") if o.kind == "ipd"][0]
    assert seat.module == BIKE_IPD and seat.alternates == [("BICYCLE-001/2B", "KZ999")]


def test_a_good_order_is_checked_against_the_product_and_its_sources(sample) -> None:
    checked = check(fuel_filter_order(), sample, 1000, everywhere)
    assert (checked.product.id, checked.model, checked.serial) == ("P-003", "DG-5E", "1240")
    assert [(c.source.kind, c.unit) for c in checked.lines] == [("ipd", "EA"), ("supply", "l")]
    assert checked.lines[0].name.startswith("Фильтр топливный-влагоотделитель")


def test_every_hostile_line_is_refused_at_once_with_its_place_and_a_clear_message(sample) -> None:
    order = OrderIn("P-001", [
        LineIn("GS-1012", 1),  # S/N 1000 and above only; P-001 is S/N 0450
        LineIn("GS-9999", 1),  # the manual lists no such part
        LineIn("GS-1001", -2),
        LineIn("GS-1001", 1e9),
        LineIn("GS-1001", 1.5),  # an oil filter is counted in pieces
        LineIn("GS-3006", 5),  # 2 glow plugs per assembly, and no word of why
        LineIn("GS-3001", 1),  # the battery: DG-5E only; P-001 is a DG-5M
        LineIn("GS-1001", 1, unit="l"),
        LineIn("GS-1001", 1, source_module="DGEN-A-D20-00-00-00A-941A-D"),  # not listed in the fuel system IPD
        LineIn("GS-1001", float("nan")),
    ], urgency="whenever", language="ru")
    with pytest.raises(OrderRefused) as refused:
        check(order, sample, 1000, everywhere)
    said = {p.where: p.message("ru") for p in refused.value.problems}
    assert said["urgency"].startswith("срочность «whenever»")
    assert "GS-1012 не применима к изделию P-001" in said["lines[1].part_number"]
    assert "1000–9999" in said["lines[1].part_number"]
    assert "неизвестное обозначение GS-9999" in said["lines[2].part_number"]
    assert "больше 0, а не -2" in said["lines[3].quantity"]
    assert "1000000000 — больше" in said["lines[4].quantity"]
    assert "целыми штуками" in said["lines[5].quantity"]
    assert "больше, чем 2 на сборочную единицу" in said["lines[6].quantity"]
    assert "GS-3001 не применима к изделию P-001" in said["lines[7].part_number"]
    assert "отпускается в единицах EA, а не l" in said["lines[8].unit"]
    assert "не указана в DMC-DGEN-A-D20-00-00-00A-941A-D" in said["lines[9].source"]
    assert "lines[10].quantity" in said
    assert refused.value.http_status == 422 and "(and 10 more)" in str(refused.value)


def test_more_of_a_supply_than_its_procedure_needs_asks_for_a_reason_in_the_procedures_words(sample) -> None:
    order = fuel_filter_order()
    order.lines[1].note = ""  # 3 l of oil for an oil change that needs less, and no word of why
    with pytest.raises(OrderRefused) as refused:
        check(order, sample, 1000, everywhere)
    [problem] = refused.value.problems
    assert problem.where == "lines[2].quantity"
    assert f"GS-4001 — 3 l, больше, чем 2.8 l по {OIL_CHANGE} (sup-gs-4001)" in problem.message("ru")
    assert "сборочную единицу" not in problem.message("ru"), "a supply is not fitted to an assembly"
    assert "3 l of GS-4001 is more than the" in problem.message("en") and "note" in problem.message("en")


def test_a_product_not_in_the_pct_and_a_module_above_clearance_are_refused(sample) -> None:
    with pytest.raises(OrderRefused, match="no product 'P-999'"):
        check(fuel_filter_order(product="P-999", language="en"), sample, 1000, everywhere)
    with pytest.raises(OrderRefused, match="unknown part number GS-1012"):
        check(fuel_filter_order(language="en"), sample, 1000, lambda module: False)


def test_more_than_fitted_per_assembly_passes_when_the_technician_says_why(sample) -> None:
    order = OrderIn("P-002", [LineIn("GS-3006", 4, note="both plugs burnt twice in a row; a spare set")])
    assert check(order, sample, 1000, everywhere).lines[0].source.per_assembly == "2"


# -- the store -------------------------------------------------------------------------------------------------

def test_a_submission_is_recorded_once_per_key_and_a_reused_key_is_refused(sample, store) -> None:
    checked = check(fuel_filter_order(), sample, 1000, everywhere)
    order_id, created = store.submit("ivan", "key-0001", checked)
    assert created and store.submit("ivan", "key-0001", checked) == (order_id, False)
    other = check(fuel_filter_order(work_order="WO-99"), sample, 1000, everywhere)
    with pytest.raises(OrderRefused, match="key-0001 was used for order") as reused:
        store.submit("ivan", "key-0001", other)
    assert reused.value.http_status == 409
    assert [o.id for o in store.listing()] == [order_id]
    assert store.submit("petr", "key-0001", checked)[1], "keys are the device's own: another user's is another order"


def test_two_workers_receiving_the_same_submission_at_once_make_one_order(sample, store) -> None:
    checked = check(fuel_filter_order(), sample, 1000, everywhere)
    start = threading.Barrier(4)
    results: list = []

    def submit() -> None:
        start.wait()
        results.append(store.submit("ivan", "same-key-42", checked))

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({order_id for order_id, _ in results}) == 1 and sum(created for _, created in results) == 1
    assert len(store.listing()) == 1


def test_another_users_order_is_refused(sample, store) -> None:
    order_id, _ = store.submit("ivan", "key-0002", check(fuel_filter_order(), sample, 1000, everywhere))
    assert store.owned(order_id, "ivan").id == order_id
    with pytest.raises(Refused, match=f"order {order_id} is not yours"):
        store.owned(order_id, "petr")


def test_the_desk_approves_in_part_with_a_substitute_and_the_erp_message_leaves_with_it(bike_parts, store) -> None:
    order = OrderIn("1B070643", [
        LineIn("BICYCLE-001/2A", 1, source_module=BIKE_IPD, source_kind="ipd", source_figure="01", source_item="2"),
        LineIn("WH-001", 1)], urgency="routine", language="en")
    order_id, _ = store.submit("ivan", "bike-1", check(order, bike_parts, 1000, everywhere))
    product = find_product(bike_parts, "1B070643")
    sub = check_substitute(bike_parts, product, "BICYCLE-001/2A", "KZ999", BIKE_IPD, "BICYCLE-001/2B")
    with pytest.raises(OrderRefused, match="WH-002 is not an alternative to BICYCLE-001/2A"):
        check_substitute(bike_parts, product, "BICYCLE-001/2A", "KZ999", BIKE_IPD, "WH-002")
    with pytest.raises(OrderRefused, match="line 2: say why it is rejected"):
        store.decide(order_id, "olga", [Decision(2, False)], payload=erp_message)
    first = store.decide(order_id, "olga", [Decision(1, True, substitute_pn=sub.part_number,
                                                     substitute_cage=sub.cage)], payload=erp_message)
    assert first.status == "submitted" and first.delivery is None  # a line is still to be decided
    done = store.decide(order_id, "olga", [Decision(2, False, reason="wheels come with the next batch")],
                        payload=erp_message)
    assert done.status == "approved" and done.in_part and done.decided_by == "olga"
    lines = erp_message(store.get(order_id))["order"]["lines"]
    assert [(ln["part_number"], ln["substitute_for"]["part_number"]) for ln in lines] == [
        ("BICYCLE-001/2B", "BICYCLE-001/2A")]
    assert done.delivery.state == "pending" and len(done.delivery.key) == 36
    with pytest.raises(OrderRefused, match="already approved"):
        store.decide(order_id, "olga", [Decision(1, True)], payload=erp_message)
    news = store.news("ivan")
    assert [o.id for o in news] == [order_id] and store.seen("ivan", [order_id]) > 0 and not store.news("ivan")


def test_a_substitute_that_does_not_apply_to_the_product_is_refused(sample) -> None:
    product = find_product(sample, "P-001")  # S/N 0450: the paper fuel filter GS-1002
    with pytest.raises(OrderRefused, match="the substitute GS-1012 does not apply to product P-001"):
        check_substitute(sample, product, "GS-1002", "DZM01", IPD_FUEL, "GS-1012")


def test_received_orders_add_to_the_stock_that_a_csv_set(sample, store) -> None:
    rows = read_stock_csv("Обозначение;Код изготовителя;Количество;Ед. изм.\nGS-1012;DZM01;2,5;EA\n"
                          "GS-1001;;4;EA\n", "склад.csv")
    assert store.import_stock(rows, "olga") == 2
    order_id, _ = store.submit("ivan", "key-0003", check(fuel_filter_order(), sample, 1000, everywhere))
    store.decide(order_id, "olga", [Decision(1, True), Decision(2, True, quantity=2)], payload=erp_message)
    store.advance(order_id, "olga", "shipped")
    with pytest.raises(OrderRefused, match="it cannot become ordered"):
        store.advance(order_id, "olga", "ordered")
    received = store.advance(order_id, "olga", "received")
    assert [ln.received_qty for ln in received.lines] == [1.0, 2.0]
    assert store.on_hand([("GS-1012", "DZM01"), ("GS-4001", "")]) == {("GS-1012", "DZM01"): 3.5,
                                                                        ("GS-4001", ""): 2.0}
    assert "GS-1012,DZM01,3.5,EA," in write_stock_csv(store.stock())


@pytest.mark.parametrize(("text", "says"), [
    ("partNumber,quantity\nGS-1,abc\n", "stock.csv:2: quantity 'abc' is not a number"),
    ("partNumber,quantity\nGS-1,-3\n", "stock.csv:2: quantity -3 is not a count"),
    ("name,count\nGS-1,3\n", "stock.csv:1: no 'partnumber' column"),
    ("", "the stock list is empty"),
])
def test_a_bad_stock_list_is_refused_whole_with_its_line(text: str, says: str) -> None:
    with pytest.raises(InputError) as bad:
        read_stock_csv(text)
    assert says in str(bad.value)


def test_every_change_is_in_the_audit_log_once_even_after_a_crash(sample, store) -> None:
    order_id, _ = store.submit("ivan", "key-0004", check(fuel_filter_order(), sample, 1000, everywhere))
    store.decide(order_id, "olga", [Decision(1, True), Decision(2, False, reason="no oil")], payload=erp_message)
    log = store.audit_log
    entries = [e for e in _entries(log) if e["order"] == order_id]
    assert [e["event"] for e in entries] == ["order-submitted", "order-line-approved", "order-line-rejected",
                                             "order-approved"]
    assert entries[0]["actor"] == "ivan" and entries[-1]["actor"] == "olga"
    # a process killed after its change was committed, before it wrote the log: the next flush writes it, once
    died = OrderStore(store.db, None)
    second, _ = died.submit("petr", "key-0005", check(fuel_filter_order(), sample, 1000, everywhere))
    assert store.flush_audit() == 1 and store.flush_audit() == 0
    assert [e["event"] for e in _entries(log) if e["order"] == second] == ["order-submitted"]
    assert len(_entries(log)) == 5 and log.verify().ok


def _entries(log: DatabaseLog) -> list[dict]:
    return [e for e in log.entries() if "order" in e]


# -- what leaves ietm ------------------------------------------------------------------------------------------

def test_exports_are_valid_xml_safe_csv_and_consolidated_per_supplier(sample, store) -> None:
    first, _ = store.submit("ivan", "key-0005", check(fuel_filter_order(), sample, 1000, everywhere))
    second, _ = store.submit("petr", "key-0006", check(fuel_filter_order(remark="=HYPERLINK(\"x\")"), sample,
                                                      1000, everywhere))
    for order_id in (first, second):
        store.decide(order_id, "olga", [Decision(1, True), Decision(2, True)], payload=erp_message)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    orders = store.listing()
    assert schema.validate(etree.fromstring(orders_xml(orders))), schema.error_log
    assert "'=HYPERLINK" not in orders_csv(orders)  # the remark is not a CSV column; names and notes are guarded
    lines = consolidate(store.unpurchased())
    assert [(p.supplier, p.part_number, p.quantity, len(p.sources)) for p in lines] == [
        ("", "GS-4001", 6.0, 2), ("DZM01", "GS-1012", 2.0, 2)]
    assert schema.validate(etree.fromstring(purchase_xml(lines))), schema.error_log
    purchase = store.purchase("olga", "DZM01", [(o.id, ln.line) for o, ln in store.unpurchased()
                                                if ln.supplied_cage == "DZM01"])
    assert purchase and all(o.status == "approved" for o in store.listing())  # the oil is still to buy
    store.purchase("olga", "", [(o.id, ln.line) for o, ln in store.unpurchased()])
    assert {o.status for o in store.listing()} == {"ordered"} and not store.unpurchased()


def test_consumption_per_part_model_serial_and_month(sample, store) -> None:
    for n, product in enumerate(("P-003", "P-003", "P-002")):
        order = OrderIn(product, [LineIn("GS-2001", 1 + n, note="belt worn"), LineIn("GS-1001", 1)])
        order_id, _ = store.submit("ivan", f"stats-{n}", check(order, sample, 1000, everywhere))
        store.decide(order_id, "olga", [Decision(1, True), Decision(2, n != 1, reason="in stock")],
                     payload=erp_message)
        if n == 0:
            store.advance(order_id, "olga", "received")
    data = consumption(store.db, Filter())
    belt = {(r.serial, r.part_number): r for r in data.rows}
    assert (belt[("1240", "GS-2001")].asked, belt[("1240", "GS-2001")].approved,
            belt[("1240", "GS-2001")].received) == (3.0, 3.0, 1.0)
    assert data.top[0][:1] == ("GS-2001",) and data.top[0][2] == 6.0
    assert len(data.months) == 1 and data.months[0][1:] == (8.0, 2.0)
    only = consumption(store.db, Filter(serial="0870"))
    assert {r.serial for r in only.rows} == {"0870"}
    assert consumption_csv(only).splitlines()[0].startswith("partNumber,name,unit,model,serial,asked")
    svg = months_chart(data.months, "Утверждено и получено", "утверждено", "получено")
    assert svg.startswith("<svg") and 'aria-label="Утверждено и получено"' in svg and svg.count("<rect") >= 4
    assert top_chart(data.top, "top").count("<rect") == len(data.top)
    etree.fromstring(str(svg).encode())  # well-formed
