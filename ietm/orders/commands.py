"""`ietm orders`: the supply department's work from the command line, on the server database of a CSDB.

For scripts and schedulers beside the web desk: keep the stock list in step with a warehouse system, hand the
orders and the consolidated purchase lines to an ERP as files, and deliver approved orders to the ERP
endpoint from a process of its own (the server's processes do it too; the outbox lets any number share it).
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from ietm.cli import format_option
from ietm.config import load_config


def _store(csdb: Path):
    from ietm.orders.store import OrderStore
    from ietm.serverdb import server_database
    from ietm.sign.commands import audit_log_for

    config = load_config(csdb)
    return OrderStore(server_database(csdb, config), audit_log_for(csdb)), config


def _write(text: str | bytes, out: Path | None) -> None:
    from ietm.atomic import write_new

    if out is None:
        click.echo(text.decode() if isinstance(text, bytes) else text, nl=False)
    else:
        write_new(out, text.encode() if isinstance(text, str) else text, overwrite=True)


csdb_option = click.option("--csdb", type=click.Path(path_type=Path, file_okay=False, exists=True), default=".",
                           show_default=True, help="The CSDB whose server database holds the orders.")
out_option = click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False),
                          help="File to write (atomically); default: standard output.")


@click.group()
def orders() -> None:
    """Spare-part orders: the stock list, exports for the ERP, delivery of approved orders.

    The supply desk itself is at /orders of `ietm serve`; these commands work on the same server database
    ([server] database of ietm.toml).
    """


@orders.command("stock-import")
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@csdb_option
@click.option("--replace", is_flag=True, help="Empty the stock list first (a full inventory).")
@click.option("--by", "actor", default=None, help="Name recorded in the audit log; default: the system user.")
def stock_import(csv_file: Path, csdb: Path, replace: bool, actor: str | None) -> None:
    """Set the quantity on hand of each part a CSV stock list names (columns partNumber, quantity; optional
    manufacturerCode, unit, location; headings in English or Russian; commas or semicolons)."""
    from ietm.orders.stock import read_stock_csv

    rows = read_stock_csv(csv_file.read_bytes().decode("utf-8-sig", errors="replace"), str(csv_file))
    store, _ = _store(csdb)
    count = store.import_stock(rows, actor or f"cli:{getpass.getuser()}", replace)
    click.echo(f"SUCCESS: {count} stock row(s) imported from {csv_file}")


@orders.command("stock-export")
@csdb_option
@out_option
def stock_export(csdb: Path, out: Path | None) -> None:
    """Write the stock list as CSV."""
    from ietm.orders.stock import write_stock_csv

    store, _ = _store(csdb)
    _write(write_stock_csv(store.stock()), out)


@orders.command("export")
@csdb_option
@click.option("--status", type=click.Choice(("submitted", "approved", "rejected", "ordered", "shipped", "received")),
              help="Only orders in this status.")
@format_option("csv", "xml")
@out_option
def export(csdb: Path, status: str | None, fmt: str, out: Path | None) -> None:
    """Write orders as CSV (one row per line) or XML (schemas/orders/orders.xsd)."""
    from ietm.orders.exports import orders_csv, orders_xml

    store, _ = _store(csdb)
    found = store.listing(None, status, limit=None)
    _write(orders_csv(found) if fmt == "csv" else orders_xml(found), out)


@orders.command("purchase")
@csdb_option
@format_option("csv", "xml")
@out_option
def purchase(csdb: Path, fmt: str, out: Path | None) -> None:
    """Write the approved lines not yet purchased, one line per part and supplier (manufacturer code)."""
    from ietm.orders.exports import consolidate, purchase_csv, purchase_xml

    store, _ = _store(csdb)
    lines = consolidate(store.unpurchased())
    _write(purchase_csv(lines) if fmt == "csv" else purchase_xml(lines), out)


@orders.command("deliver")
@csdb_option
@click.option("--watch", is_flag=True, help="Keep delivering until interrupted (Ctrl+C), as the server does.")
@format_option()
def deliver(csdb: Path, watch: bool, fmt: str) -> None:
    """Send approved orders waiting in the outbox to the ERP endpoint ([orders] erp_url), each once."""
    from ietm.errors import ConfigError
    from ietm.orders.erp import Deliverer, ErpSettings
    from ietm.orders.tables import deliveries
    from sqlalchemy import func, select

    store, config = _store(csdb)
    settings = ErpSettings.of(config)
    if not settings.url:
        raise ConfigError("orders.erp_url: no ERP endpoint is configured; approved orders wait in the outbox")
    deliverer = Deliverer(store, settings)
    tried = 0
    if watch:
        try:
            deliverer.run_forever()
        except KeyboardInterrupt:
            pass
    else:
        tried = deliverer.run_due()  # what is due now; a retry falls due later (--watch, or the next run)
        deliverer.close()
    store.flush_audit()
    with store.db.read() as conn:
        states = dict(conn.execute(select(deliveries.c.state, func.count()).group_by(deliveries.c.state)).all())
    summary = {"tried": tried, **{s: states.get(s, 0) for s in ("pending", "delivered", "failed")}}
    if fmt == "json":
        click.echo(json.dumps(summary))
    else:
        click.echo(f"{'FAILED' if summary['failed'] else 'SUCCESS'}: {tried} delivery attempt(s); "
                   f"{summary['delivered']} delivered, {summary['pending']} waiting, {summary['failed']} failed")
    click.get_current_context().exit(1 if summary["failed"] else 0)
