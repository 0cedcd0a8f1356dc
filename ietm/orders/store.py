"""Orders in the server database: submission (idempotent), the supply desk's decisions, status, stock, events.

Each change is one transaction that also writes its `order_events` row; the ERP message of an approved order
is written in the approving transaction (`order_deliveries`, the outbox of ietm.orders.erp). After a change,
`flush_audit` copies the new events into the hash-chained audit log (in the same database), marking each event
in the same transaction; events a killed process left unwritten are copied by the next flush, so each event is
in the log exactly once.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ietm.errors import IetmError, NotFound, Refused
from ietm.i18n import message
from ietm.orders.tables import deliveries, events, lines, orders, purchases, stock
from ietm.orders.validate import CheckedOrder, OrderRefused, Problem, number
from ietm.serverdb import Database, insert_or_ignore
from ietm.sign.audit import DatabaseLog

log = logging.getLogger("ietm.orders")
#: an order's life, in order; rejected ends it
FLOW = ("submitted", "approved", "ordered", "shipped", "received")
STATUSES = (*FLOW, "rejected")
#: what the technician is told about on their next visit
NOTIFY = ("approved", "rejected", "ordered", "shipped", "received")


@dataclass
class Line:
    line: int
    part_number: str
    cage: str
    name: str
    quantity: float
    unit: str
    note: str
    source_kind: str
    source_module: str
    source_figure: str
    source_item: str
    per_assembly: str
    state: str
    approved_qty: float | None
    substitute_pn: str | None
    substitute_cage: str | None
    reason: str
    received_qty: float | None
    purchase_id: int | None

    @property
    def supplied_pn(self) -> str:
        return self.substitute_pn or self.part_number

    @property
    def supplied_cage(self) -> str:
        return (self.substitute_cage if self.substitute_pn else self.cage) or ""

    def to_dict(self) -> dict:
        return {"line": self.line, "part_number": self.part_number, "manufacturer_code": self.cage,
                "name": self.name, "quantity": self.quantity, "unit": self.unit, "note": self.note,
                "source": {"kind": self.source_kind, "module": self.source_module, "figure": self.source_figure,
                           "item": self.source_item},
                "per_assembly": self.per_assembly, "state": self.state, "approved_quantity": self.approved_qty,
                "substitute": ({"part_number": self.substitute_pn, "manufacturer_code": self.substitute_cage or ""}
                               if self.substitute_pn else None),
                "reason": self.reason, "received_quantity": self.received_qty, "purchase": self.purchase_id}


@dataclass
class Delivery:
    key: str
    state: str
    attempts: int
    next_attempt: float
    last_status: int | None
    last_error: str
    created: float
    delivered: float | None

    def to_dict(self) -> dict:
        return {"idempotency_key": self.key, "state": self.state, "attempts": self.attempts,
                "next_attempt": self.next_attempt, "last_status": self.last_status, "last_error": self.last_error,
                "created": self.created, "delivered": self.delivered}


@dataclass
class Order:
    id: int
    owner: str
    product_id: str
    model: str
    serial: str
    assigns: dict
    urgency: str
    work_order: str
    remark: str
    language: str
    status: str
    reason: str
    submitted: float
    updated: float
    decided_by: str | None
    lines: list[Line] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    delivery: Delivery | None = None

    @property
    def approved_lines(self) -> list[Line]:
        return [ln for ln in self.lines if ln.state == "approved"]

    @property
    def in_part(self) -> bool:
        """Approved, but not every line as asked (a line refused, a smaller quantity or a substitute)."""
        return bool(self.approved_lines) and any(
            ln.state != "approved" or ln.substitute_pn or (ln.approved_qty or 0) < ln.quantity for ln in self.lines)

    def to_dict(self) -> dict:
        return {"id": self.id, "owner": self.owner, "product": {"id": self.product_id, "model": self.model,
                                                                "serial": self.serial, "attributes": self.assigns},
                "urgency": self.urgency, "work_order": self.work_order, "remark": self.remark,
                "language": self.language, "status": self.status, "in_part": self.in_part, "reason": self.reason,
                "submitted": self.submitted, "updated": self.updated, "decided_by": self.decided_by,
                "lines": [ln.to_dict() for ln in self.lines], "events": self.events,
                "delivery": self.delivery.to_dict() if self.delivery else None}


@dataclass
class Decision:
    """The desk's word on one line: approve (a quantity, perhaps a substitute) or reject with a reason."""

    line: int
    approve: bool
    quantity: float | None = None
    substitute_pn: str = ""
    substitute_cage: str = ""
    reason: str = ""


@dataclass
class StockRow:
    part_number: str
    cage: str
    quantity: float
    unit: str = ""
    location: str = ""


class OrderStore:
    def __init__(self, db: Database, audit_log: DatabaseLog | None) -> None:
        """`audit_log`: the log in this same database (its entries are written in the orders' transactions)."""
        self.db = db
        self.audit_log = audit_log

    # -- reading ---------------------------------------------------------------------------------------------

    def submission(self, owner: str, key: str) -> tuple[int, str] | None:
        """(order id, body fingerprint) of an earlier submission with this idempotency key, if there is one."""
        with self.db.read() as conn:
            row = conn.execute(select(orders.c.id, orders.c.body_hash).where(
                orders.c.owner == owner, orders.c.client_key == key)).first()
        return (row.id, row.body_hash) if row else None

    def get(self, order_id: int) -> Order:
        with self.db.read() as conn:
            return _load(conn, order_id)

    def owned(self, order_id: int, user: str) -> Order:
        """An order its owner asks for; another user's order is refused, saying so."""
        order = self.get(order_id)
        if order.owner != user:
            raise Refused(message("orders_not_yours", id=order_id))
        return order

    def listing(self, owner: str | None = None, status: str | None = None, limit: int | None = 200,
                offset: int = 0) -> list[Order]:
        """Orders newest first, with their lines and delivery (no events)."""
        query = select(orders).order_by(orders.c.id.desc()).limit(limit).offset(offset)
        if owner is not None:
            query = query.where(orders.c.owner == owner)
        if status:
            query = query.where(orders.c.status == status)
        with self.db.read() as conn:
            found = [_order(r) for r in conn.execute(query)]
            ids = [o.id for o in found]
            by_id = {o.id: o for o in found}
            if ids:
                for r in conn.execute(select(lines).where(lines.c.order_id.in_(ids)).order_by(lines.c.line)):
                    by_id[r.order_id].lines.append(_line(r))
                for d in conn.execute(select(deliveries).where(deliveries.c.order_id.in_(ids))):
                    by_id[d.order_id].delivery = _delivery(d)
        return found

    def counts(self) -> dict[str, int]:
        with self.db.read() as conn:
            return {r.status: r.n for r in conn.execute(
                select(orders.c.status, func.count().label("n")).group_by(orders.c.status))}

    # -- the technician ---------------------------------------------------------------------------------------

    def submit(self, owner: str, key: str, checked: CheckedOrder) -> tuple[int, bool]:
        """Record an order once per (owner, idempotency key): (order id, whether this call recorded it).

        Two workers receiving the same submission at once both try; the unique key lets one win, and the
        other answers with the winner's order."""
        order = checked.order
        digest = order.digest()
        now = time.time()
        try:
            with self.db.begin() as conn:
                found = _submission(conn, owner, key)
                if found is not None:
                    return _replayed(found, digest, key)
                order_id = conn.execute(insert(orders).values(
                    owner=owner, client_key=key, body_hash=digest, product_id=checked.product.id, model=checked.model,
                    serial=checked.serial, assigns=checked.product.assignment, urgency=order.urgency,
                    work_order=order.work_order.strip(), remark=order.remark.strip(), language=order.language,
                    status="submitted", submitted=now, updated=now)).inserted_primary_key[0]
                conn.execute(insert(lines), [{
                    "order_id": order_id, "line": n, "part_number": c.line.part_number.strip(),
                    "cage": c.line.manufacturer_code.strip() or c.source.cage, "name": c.name[:500],
                    "quantity": float(c.line.quantity), "unit": c.unit, "note": c.line.note.strip(),
                    "source_kind": c.source.kind, "source_module": c.source.module, "source_figure": c.source.figure,
                    "source_item": c.source.item, "per_assembly": c.source.per_assembly, "state": "pending"}
                    for n, c in enumerate(checked.lines, start=1)])
                record_event(conn, order_id, owner, "submitted", {
                    "key": key, "product": checked.product.id, "lines": len(checked.lines),
                    "parts": [c.line.part_number.strip() for c in checked.lines]}, seen=True)
        except IntegrityError:  # another worker recorded the same submission a moment ago
            with self.db.read() as conn:
                found = _submission(conn, owner, key)
            if found is None:
                raise
            return _replayed(found, digest, key)
        self.audit_changes()
        return order_id, True

    def news(self, owner: str) -> list[Order]:
        """The owner's orders that changed since they last looked (approved, rejected, ordered ...)."""
        with self.db.read() as conn:
            ids = [r.order_id for r in conn.execute(
                select(events.c.order_id).distinct().join(orders, orders.c.id == events.c.order_id).where(
                    orders.c.owner == owner, events.c.seen.is_(False), events.c.kind.in_(NOTIFY)))]
        return [self.get(i) for i in sorted(ids)]

    def seen(self, owner: str, order_ids: Iterable[int]) -> int:
        ids = list(order_ids)
        if not ids:
            return 0
        with self.db.begin() as conn:
            owned = select(orders.c.id).where(orders.c.owner == owner, orders.c.id.in_(ids))
            return conn.execute(update(events).where(events.c.order_id.in_(owned), events.c.seen.is_(False))
                                .values(seen=True).execution_options(preserve_rowcount=True)).rowcount

    # -- the supply desk -------------------------------------------------------------------------------------

    def decide(self, order_id: int, actor: str, decisions: list[Decision], payload: Any = None) -> Order:
        """Approve or reject lines still pending. When none is left pending the order is approved (some line
        approved; its ERP message enters the outbox in the same transaction) or rejected.

        `payload(order) -> dict` builds the ERP message of an order that becomes approved."""
        now = time.time()
        with self.db.begin() as conn:
            row = conn.execute(select(orders).where(orders.c.id == order_id).with_for_update()).first()
            if row is None:
                raise NotFound(message("orders_no_order", id=order_id))
            if row.status != "submitted":
                raise OrderRefused([Problem("status", "orders_already_decided", {"id": order_id, "status": row.status})])
            pending = {r.line: r for r in conn.execute(select(lines).where(lines.c.order_id == order_id))
                       if r.state == "pending"}
            problems = []
            for d in decisions:
                current = pending.get(d.line)
                if current is None:
                    problems.append(Problem(f"lines[{d.line}]", "orders_no_pending_line", {"n": d.line}))
                elif d.approve and d.quantity is not None and not (0 < d.quantity <= current.quantity):
                    problems.append(Problem(f"lines[{d.line}].quantity", "orders_bad_approved_qty", {
                        "n": d.line, "value": d.quantity, "asked": number(current.quantity)}))
                elif not d.approve and not d.reason.strip():
                    problems.append(Problem(f"lines[{d.line}].reason", "orders_reason_needed", {"n": d.line}))
            if problems:
                raise OrderRefused(problems)
            for d in decisions:
                values: dict[str, Any] = {"state": "approved" if d.approve else "rejected", "reason": d.reason.strip()}
                if d.approve:
                    values.update(approved_qty=d.quantity if d.quantity is not None else pending[d.line].quantity,
                                  substitute_pn=d.substitute_pn or None, substitute_cage=d.substitute_cage or None)
                conn.execute(update(lines).where(lines.c.order_id == order_id, lines.c.line == d.line).values(**values))
                detail = {"line": d.line, "part": pending[d.line].part_number, "reason": d.reason.strip()}
                if d.approve:
                    detail.update(quantity=values["approved_qty"], substitute=d.substitute_pn or None)
                record_event(conn, order_id, actor, "line-approved" if d.approve else "line-rejected", detail, seen=True)
            states = [r.state for r in conn.execute(select(lines.c.state).where(lines.c.order_id == order_id))]
            status = row.status
            if "pending" not in states:
                status = "approved" if "approved" in states else "rejected"
                reason = row.reason if status == "approved" else "; ".join(
                    dict.fromkeys(d.reason.strip() for d in decisions if not d.approve and d.reason.strip()))
                conn.execute(update(orders).where(orders.c.id == order_id).values(
                    status=status, updated=now, decided_by=actor, reason=reason))
                record_event(conn, order_id, actor, status, {"lines": len(states), "approved": states.count("approved")})
                if status == "approved" and payload is not None:
                    now = time.time()  # the ERP message leaves with the approval, or not at all
                    conn.execute(insert(deliveries).values(
                        order_id=order_id, key=str(uuid.uuid4()), payload=payload(_load(conn, order_id)),
                        state="pending", attempts=0, next_attempt=now, created=now))
            else:
                conn.execute(update(orders).where(orders.c.id == order_id).values(updated=now))
        self.audit_changes()
        return self.get(order_id)

    def advance(self, order_id: int, actor: str, status: str) -> Order:
        """Ordered, shipped, received: forward only. Received adds what was supplied to the stock."""
        if status not in FLOW[2:]:
            raise OrderRefused([Problem("status", "orders_bad_status", {"value": status, "known": ", ".join(FLOW[2:])})])
        now = time.time()
        with self.db.begin() as conn:
            row = conn.execute(select(orders).where(orders.c.id == order_id).with_for_update()).first()
            if row is None:
                raise NotFound(message("orders_no_order", id=order_id))
            if row.status not in FLOW[1:] or FLOW.index(status) <= FLOW.index(row.status):
                raise OrderRefused([Problem("status", "orders_cannot_advance", {
                    "id": order_id, "status": row.status, "to": status})])
            conn.execute(update(orders).where(orders.c.id == order_id).values(status=status, updated=now))
            received = []
            if status == "received":
                for ln in conn.execute(select(lines).where(lines.c.order_id == order_id, lines.c.state == "approved")):
                    qty = ln.approved_qty or 0
                    conn.execute(update(lines).where(lines.c.order_id == order_id, lines.c.line == ln.line)
                                 .values(received_qty=qty))
                    pn, cage = (ln.substitute_pn, ln.substitute_cage or "") if ln.substitute_pn else (ln.part_number, ln.cage)
                    _add_stock(conn, pn, cage, qty, ln.unit, actor, now)
                    received.append({"part": pn, "quantity": qty})
            record_event(conn, order_id, actor, status, {"from": row.status, "received": received} if received else
                   {"from": row.status})
        self.audit_changes()
        return self.get(order_id)

    # -- stock ------------------------------------------------------------------------------------------------

    def import_stock(self, rows: list[StockRow], actor: str, replace: bool = False) -> int:
        """Set the quantity on hand of each listed part (all in one transaction); `replace` empties the table first."""
        now = time.time()
        with self.db.begin() as conn:
            if replace:
                conn.execute(stock.delete())
            for r in rows:
                _set_stock(conn, r, actor, now)
            record_event(conn, None, actor, "stock-import", {"rows": len(rows), "replace": replace}, seen=True)
        self.audit_changes()
        return len(rows)

    def stock(self) -> list[StockRow]:
        with self.db.read() as conn:
            return [StockRow(r.part_number, r.cage, r.quantity, r.unit, r.location) for r in conn.execute(
                select(stock).order_by(stock.c.part_number, stock.c.cage))]

    def on_hand(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], float]:
        """Quantity in stock per (part number, manufacturer code); a stock row without a code counts for any."""
        wanted = {(pn, cage) for pn, cage in keys}
        if not wanted:
            return {}
        with self.db.read() as conn:
            rows = conn.execute(select(stock).where(stock.c.part_number.in_({pn for pn, _ in wanted}))).all()
        out = {}
        for pn, cage in wanted:
            found = [r for r in rows if r.part_number == pn and (r.cage == cage or not r.cage or not cage)]
            out[(pn, cage)] = sum(r.quantity for r in found)
        return out

    # -- consolidation ----------------------------------------------------------------------------------------

    def unpurchased(self) -> list[tuple[Order, Line]]:
        """Approved lines of approved orders that no purchase holds yet."""
        return [(order, ln) for order in self.listing(status="approved", limit=None)
                for ln in order.approved_lines if ln.purchase_id is None]

    def purchase(self, actor: str, supplier: str, lines_of: list[tuple[int, int]]) -> int:
        """Record one purchase of a supplier holding these (order, line) pairs; orders whose approved lines are
        then all purchased become `ordered`."""
        now = time.time()
        with self.db.begin() as conn:
            purchase_id = conn.execute(insert(purchases).values(supplier=supplier, created=now, created_by=actor)
                                       ).inserted_primary_key[0]
            taken = 0
            for order_id, line in lines_of:
                taken += conn.execute(update(lines).where(
                    lines.c.order_id == order_id, lines.c.line == line, lines.c.state == "approved",
                    lines.c.purchase_id.is_(None)).values(purchase_id=purchase_id)
                    .execution_options(preserve_rowcount=True)).rowcount
            if taken == 0:
                raise OrderRefused([Problem("lines", "orders_nothing_to_purchase", {"supplier": supplier})])
            for order_id in sorted({o for o, _ in lines_of}):
                open_lines = conn.execute(select(func.count()).select_from(lines).where(
                    lines.c.order_id == order_id, lines.c.state == "approved", lines.c.purchase_id.is_(None))).scalar()
                status = conn.execute(select(orders.c.status).where(orders.c.id == order_id)).scalar()
                if open_lines == 0 and status == "approved":
                    conn.execute(update(orders).where(orders.c.id == order_id).values(status="ordered", updated=now))
                    record_event(conn, order_id, actor, "ordered", {"from": "approved", "purchase": purchase_id})
            record_event(conn, None, actor, "purchase", {"purchase": purchase_id, "supplier": supplier, "lines": taken},
                   seen=True)
        self.audit_changes()
        return purchase_id

    # -- the audit log ----------------------------------------------------------------------------------------

    def audit_changes(self) -> None:
        """After a change: its events into the audit log. A log that cannot be written must not undo or refuse a
        change already recorded; its events stay marked unwritten and the delivery loop writes them later."""
        try:
            self.flush_audit()
        except IetmError as exc:
            log.error("orders: audit log not written (will be retried): %s", exc)

    def flush_audit(self) -> int:
        """Copy events not yet in the audit log into it, in order, each once: the entries and the marks on their
        events are written in one transaction, under the chain's lock that also keeps two flushes apart."""
        if self.audit_log is None:
            return 0
        self.audit_log.open()
        with self.db.begin() as conn:
            self.audit_log.lock(conn)  # first: a second flush waits here, then finds these events marked
            pending = conn.execute(select(events).where(events.c.audited_seq.is_(None)).order_by(events.c.id)
                                   .limit(1000)).all()
            appended = self.audit_log.chain(conn, [(f"order-{ev.kind}", {
                "order": ev.order_id, "actor": ev.actor, "order_event": ev.id, "at": ev.at, "detail": ev.detail})
                for ev in pending])
            for ev, entry in zip(pending, appended):
                conn.execute(update(events).where(events.c.id == ev.id).values(audited_seq=entry["seq"]))
        return len(pending)


# -- rows ----------------------------------------------------------------------------------------------------

def _load(conn: Connection, order_id: int) -> Order:
    row = conn.execute(select(orders).where(orders.c.id == order_id)).first()
    if row is None:
        raise NotFound(message("orders_no_order", id=order_id))
    order = _order(row)
    order.lines = [_line(r) for r in conn.execute(
        select(lines).where(lines.c.order_id == order_id).order_by(lines.c.line))]
    order.events = [{"at": e.at, "actor": e.actor, "kind": e.kind, "detail": e.detail} for e in conn.execute(
        select(events).where(events.c.order_id == order_id).order_by(events.c.id))]
    d = conn.execute(select(deliveries).where(deliveries.c.order_id == order_id)).first()
    order.delivery = _delivery(d) if d else None
    return order


def _submission(conn: Connection, owner: str, key: str):
    return conn.execute(select(orders.c.id, orders.c.body_hash).where(
        orders.c.owner == owner, orders.c.client_key == key)).first()


def _replayed(found, digest: str, key: str) -> tuple[int, bool]:
    if found.body_hash != digest:
        raise key_reused(key, found.id)
    return found.id, False


def key_reused(key: str, order_id: int) -> OrderRefused:
    refused = OrderRefused([Problem("idempotency_key", "orders_key_reused", {"key": key, "id": order_id})])
    refused.http_status = 409
    return refused


def record_event(conn: Connection, order_id: int | None, actor: str, kind: str, detail: dict, seen: bool = False) -> None:
    conn.execute(insert(events).values(order_id=order_id, at=time.time(), actor=actor, kind=kind, detail=detail,
                                       seen=seen))


def _set_stock(conn: Connection, r: StockRow, actor: str, now: float) -> None:
    _stock_row(conn, r.part_number, r.cage, r.unit, actor, now)
    conn.execute(update(stock).where(stock.c.part_number == r.part_number, stock.c.cage == r.cage).values(
        quantity=r.quantity, unit=r.unit, location=r.location, updated=now, updated_by=actor))


def _add_stock(conn: Connection, pn: str, cage: str, qty: float, unit: str, actor: str, now: float) -> None:
    _stock_row(conn, pn, cage, unit, actor, now)
    conn.execute(update(stock).where(stock.c.part_number == pn, stock.c.cage == cage).values(
        quantity=stock.c.quantity + qty, updated=now, updated_by=actor))


def _stock_row(conn: Connection, pn: str, cage: str, unit: str, actor: str, now: float) -> None:
    """The part's stock row, made empty if there is none (two workers making it at once make one)."""
    insert_or_ignore(conn, stock, part_number=pn, cage=cage, quantity=0.0, unit=unit, location="", updated=now,
                     updated_by=actor)


def _order(r) -> Order:
    return Order(r.id, r.owner, r.product_id, r.model, r.serial, r.assigns, r.urgency, r.work_order, r.remark,
                 r.language, r.status, r.reason, r.submitted, r.updated, r.decided_by)


def _line(r) -> Line:
    return Line(r.line, r.part_number, r.cage, r.name, r.quantity, r.unit, r.note, r.source_kind, r.source_module,
                r.source_figure, r.source_item, r.per_assembly, r.state, r.approved_qty, r.substitute_pn,
                r.substitute_cage, r.reason, r.received_qty, r.purchase_id)


def _delivery(d) -> Delivery:
    return Delivery(d.key, d.state, d.attempts, d.next_attempt, d.last_status, d.last_error, d.created, d.delivered)
