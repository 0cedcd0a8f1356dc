"""Delivery of approved orders to the ERP: JSON POSTs driven from the outbox table `order_deliveries`.

The approving transaction writes the message and its idempotency key; any server process (or `ietm orders
deliver`) claims a due message by taking a lease on its row, sends it with the key in the `Idempotency-Key`
header, and records the answer. The ERP sees each order once however often it is sent: a lost answer, a
timeout or a process killed mid-send leads to the same message with the same key once the lease runs out,
and the ERP answers a key it knows with what it answered before. Transient failures (no answer, 408, 409,
425, 429, 5xx) are retried with exponential back-off up to `orders.erp_attempts`; a refusal (other 4xx) or
the last attempt marks the delivery failed, which the supply desk shows and can retry.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import threading
import time
import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy import or_, select, update

from ietm import __version__
from ietm.orders.store import OrderStore, record_event
from ietm.orders.tables import deliveries

log = logging.getLogger("ietm.orders")
TRANSIENT = {408, 409, 425, 429}


@dataclass(frozen=True)
class ErpSettings:
    url: str = ""
    timeout: float = 10.0
    attempts: int = 8
    backoff: float = 2.0  # seconds before the first retry; doubled after each failure
    backoff_max: float = 600.0
    token_env: str = ""
    poll: float = 5.0

    @classmethod
    def of(cls, config) -> ErpSettings:
        return cls(config.get("orders.erp_url"), float(config.get("orders.erp_timeout")),
                   int(config.get("orders.erp_attempts")), config.get("orders.erp_backoff_ms") / 1000,
                   float(config.get("orders.erp_backoff_max")), config.get("orders.erp_token_env"),
                   float(config.get("orders.erp_poll")))

    @property
    def lease(self) -> float:
        """How long a claimed message is left to its sender before another may send it again."""
        return 2 * self.timeout + 5

    def delay(self, attempts: int) -> float:
        """Back-off after the n-th failed attempt, with a little jitter so workers do not retry in step."""
        return min(self.backoff_max, self.backoff * 2 ** max(attempts - 1, 0)) * random.uniform(0.9, 1.1)


@dataclass
class Outcome:
    ok: bool
    transient: bool
    status: int | None
    error: str


class Deliverer:
    """Sends due messages of the outbox; many may run at once (workers, machines), each message goes to one."""

    def __init__(self, store: OrderStore, settings: ErpSettings) -> None:
        self.store = store
        self.settings = settings
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.client: httpx.Client | None = None

    def claim(self) -> dict | None:
        """Take the lease of the oldest due message, or None when nothing is due."""
        now = time.time()
        free = or_(deliveries.c.lease_until.is_(None), deliveries.c.lease_until < now)
        with self.store.db.begin() as conn:
            row = conn.execute(select(deliveries).where(
                deliveries.c.state == "pending", deliveries.c.next_attempt <= now, free)
                .order_by(deliveries.c.next_attempt, deliveries.c.id).limit(1)
                .with_for_update(skip_locked=True)).first()
            if row is None:
                return None
            taken = conn.execute(update(deliveries).where(deliveries.c.id == row.id, deliveries.c.state == "pending",
                                                          free).values(
                lease_owner=self.owner, lease_until=now + self.settings.lease, attempts=deliveries.c.attempts + 1)
                .execution_options(preserve_rowcount=True)).rowcount
        return {**row._mapping, "attempts": row.attempts + 1} if taken == 1 else None

    def post(self, key: str, payload: dict) -> Outcome:
        headers = {"Idempotency-Key": key, "Content-Type": "application/json", "User-Agent": f"ietm/{__version__}"}
        token = os.environ.get(self.settings.token_env, "") if self.settings.token_env else ""
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps(payload, ensure_ascii=False).encode()
        if self.client is None:  # one client per deliverer: connections and TLS set-up are reused
            self.client = httpx.Client(timeout=self.settings.timeout)
        try:
            r = self.client.post(self.settings.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Outcome(False, True, None, f"{type(exc).__name__}: {exc}"[:1000] or type(exc).__name__)
        if 200 <= r.status_code < 300:
            return Outcome(True, False, r.status_code, "")
        transient = r.status_code in TRANSIENT or r.status_code >= 500
        return Outcome(False, transient, r.status_code, f"HTTP {r.status_code}: {r.text.strip()[:300]}")

    def deliver(self, row: dict) -> Outcome:
        """Send one claimed message and record what happened."""
        outcome = self.post(row["key"], row["payload"])
        now = time.time()
        mine = (deliveries.c.id == row["id"]) & (deliveries.c.state == "pending")
        with self.store.db.begin() as conn:
            if outcome.ok:
                values = {"state": "delivered", "delivered": now, "last_status": outcome.status, "last_error": "",
                          "lease_until": None, "lease_owner": None}
                kind = "erp-delivered"
            elif outcome.transient and row["attempts"] < self.settings.attempts:
                values = {"next_attempt": now + self.settings.delay(row["attempts"]), "last_status": outcome.status,
                          "last_error": outcome.error, "lease_until": None, "lease_owner": None}
                kind = None
            else:
                values = {"state": "failed", "last_status": outcome.status, "last_error": outcome.error,
                          "lease_until": None, "lease_owner": None}
                kind = "erp-failed"
            changed = conn.execute(update(deliveries).where(mine).values(**values)
                                   .execution_options(preserve_rowcount=True)).rowcount
            if changed and kind:
                record_event(conn, row["order_id"], "erp", kind, {
                    "key": row["key"], "attempts": row["attempts"], "status": outcome.status, "error": outcome.error},
                    seen=True)
        if not outcome.ok:
            log.warning("ERP delivery of order %s (attempt %d): %s", row["order_id"], row["attempts"], outcome.error)
        return outcome

    def run_due(self, limit: int = 100) -> int:
        """Deliver what is due now (one pass); the number of messages tried."""
        if not self.settings.url:
            return 0
        tried = 0
        while tried < limit and not self.stop.is_set():
            row = self.claim()
            if row is None:
                break
            self.deliver(row)
            tried += 1
        if tried:
            self.store.audit_changes()
        return tried

    def run_forever(self) -> None:
        """The server's delivery loop: due messages, then the audit catch-up, then sleep until woken or polled."""
        while not self.stop.is_set():
            pause = self.settings.poll
            try:
                self.run_due()
                self.store.flush_audit()  # events a killed process committed but did not log
                pause = min(pause, self._next_due())
            except Exception:  # a database or network hiccup must not end the loop
                log.exception("ERP delivery loop")
            self.wake.wait(pause)
            self.wake.clear()
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def _next_due(self) -> float:
        """Seconds until a pending message is due (its back-off over, and any other sender's lease)."""
        with self.store.db.read() as conn:
            rows = conn.execute(select(deliveries.c.next_attempt, deliveries.c.lease_until).where(
                deliveries.c.state == "pending").order_by(deliveries.c.next_attempt).limit(50)).all()
        if not rows:
            return self.settings.poll
        return max(0.05, min(max(r.next_attempt, r.lease_until or 0) for r in rows) - time.time())

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="ietm-erp", daemon=True)
        thread.start()
        return thread


def retry(store: OrderStore, order_id: int, actor: str) -> bool:
    """Send a failed delivery again (the desk's button): the same message, the same key."""
    now = time.time()
    with store.db.begin() as conn:
        changed = conn.execute(update(deliveries).where(
            deliveries.c.order_id == order_id, deliveries.c.state == "failed").values(
            state="pending", attempts=0, next_attempt=now).execution_options(preserve_rowcount=True)).rowcount
        if changed:
            record_event(conn, order_id, actor, "erp-retry", {}, seen=True)
    store.audit_changes()
    return bool(changed)
