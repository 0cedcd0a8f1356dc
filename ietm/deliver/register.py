"""The register of deliveries: who received which release for which product, and what they acknowledged.

A customer holds a release for a product when a delivery (or an update package) of it was made for them; the
holding is confirmed when their receipt came back complete (an update: applied). A holding is behind when
its release is not the CSDB's current release. Queries are SQLAlchemy Core, alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import asdict, dataclass, field

from sqlalchemy import select, update

from ietm.deliver.tables import customers, deliveries, delivery_products, receipts
from ietm.errors import InputError, NotFound
from ietm.serverdb import Database, insert_or_ignore


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def record_delivery(db: Database, record: dict, output: str, token: str, kind: str = "delivery") -> None:
    """Enter a finished delivery (kind "delivery") or update package ("update") and its products, in one
    transaction; `record` is the delivery record of the resulting state."""
    now = time.time()
    release = record["release"]
    with db.begin() as conn:
        insert_or_ignore(conn, customers, name=record["customer"], certificate=None, created=now)
        conn.execute(deliveries.insert().values(
            id=record["id"], customer=record["customer"], kind=kind, base=(record.get("base") or {}).get("id"),
            release_name=release["name"], release_created=release.get("created"),
            release_sha256=release["sha256"], bundle_release=record["bundle"], created=now,
            signer=record["supplier"], output=output, token_hash=token_hash(token), record=record))
        for p in record["products"]:
            conn.execute(delivery_products.insert().values(
                delivery=record["id"], product=p["id"], model=p.get("model"), serial=p.get("serial"),
                assignment=p.get("assignment") or {}))


def set_certificate(db: Database, name: str, pem: str | None) -> None:
    """The customer's signing certificate (None: forget it); their signed receipts are checked with it."""
    with db.begin() as conn:
        if not insert_or_ignore(conn, customers, name=name, certificate=pem, created=time.time()):
            conn.execute(update(customers).where(customers.c.name == name).values(certificate=pem))


def certificate_of(db: Database, name: str) -> str | None:
    with db.read() as conn:
        return conn.execute(select(customers.c.certificate).where(customers.c.name == name)).scalar()


def get(db: Database, ident: str) -> dict:
    """One delivery with its record; NotFound names it."""
    with db.read() as conn:
        row = conn.execute(select(deliveries).where(deliveries.c.id == ident)).mappings().first()
    if row is None:
        raise NotFound(f"no delivery {ident} in the register")
    return dict(row)


def check_token(db: Database, ident: str, token: str) -> dict:
    """The delivery whose bundle presents this key; NotFound for an unknown delivery or a wrong key alike."""
    with db.read() as conn:
        row = conn.execute(select(deliveries).where(deliveries.c.id == ident)).mappings().first()
    if row is None or not hmac.compare_digest(row["token_hash"], token_hash(token or "")):
        raise NotFound(f"no delivery {ident} with this key")
    return dict(row)


def latest_for(db: Database, customer: str, products: list[str]) -> dict:
    """The customer's most recent delivery or update of exactly these products: what an update builds on."""
    wanted = sorted(products)
    with db.read() as conn:
        rows = conn.execute(select(deliveries).where(deliveries.c.customer == customer)
                            .order_by(deliveries.c.created.desc())).mappings().all()
        for row in rows:
            have = sorted(conn.execute(select(delivery_products.c.product)
                                       .where(delivery_products.c.delivery == row["id"])).scalars())
            if have == wanted:
                return dict(row)
    raise NotFound(f"no delivery to {customer} of {', '.join(wanted)} in the register; make the first one without --update")


@dataclass
class Receipt:
    id: str
    delivery: str
    verdict: str
    applied: bool = False
    checked_at: str | None = None
    findings: list = field(default_factory=list)
    signature: str = "unsigned"
    signer: str | None = None
    source: str = "bundle"
    recorded_by: str | None = None


VERDICTS = ("complete", "incomplete", "tampered")


def record_receipt(db: Database, receipt: Receipt) -> bool:
    """Enter a receipt once (True), or recognise it as already entered (False)."""
    if receipt.verdict not in VERDICTS:
        raise InputError(f"a receipt's verdict is one of {', '.join(VERDICTS)}, not {receipt.verdict!r}")
    with db.begin() as conn:
        if conn.execute(select(deliveries.c.id).where(deliveries.c.id == receipt.delivery)).first() is None:
            raise NotFound(f"no delivery {receipt.delivery} in the register")
        return insert_or_ignore(conn, receipts, received=time.time(), **asdict(receipt))


def listing(db: Database) -> list[dict]:
    """Every delivery, newest first, with its products and its latest receipt."""
    with db.read() as conn:
        rows = [dict(r) for r in conn.execute(select(deliveries).order_by(deliveries.c.created.desc())).mappings()]
        products: dict[str, list[dict]] = {}
        for p in conn.execute(select(delivery_products).order_by(delivery_products.c.product)).mappings():
            products.setdefault(p["delivery"], []).append(dict(p))
        latest: dict[str, dict] = {}
        for r in conn.execute(select(receipts).order_by(receipts.c.received)).mappings():
            latest[r["delivery"]] = dict(r)
    for row in rows:
        row["products"] = products.get(row["id"], [])
        row["receipt"] = latest.get(row["id"])
        row.pop("token_hash", None)
    return rows


def confirmed(row: dict) -> bool:
    """A delivery counts as held once its receipt says complete (an update: applied and complete)."""
    r = row.get("receipt")
    return bool(r and r["verdict"] == "complete" and (row["kind"] != "update" or r["applied"]))


def holdings(db: Database, current: dict | None) -> list[dict]:
    """Per customer and product: the release last sent, the release last confirmed, and whether they are behind
    the CSDB's current release (`current` from ietm.deliver.source.current)."""
    out: dict[tuple[str, str], dict] = {}
    for row in reversed(listing(db)):  # oldest first, so later deliveries replace earlier ones
        for p in row["products"]:
            h = out.setdefault((row["customer"], p["product"]), {
                "customer": row["customer"], "product": p["product"], "model": p["model"], "serial": p["serial"],
                "sent": None, "held": None})
            summary = {"delivery": row["id"], "kind": row["kind"], "release": row["release_name"],
                       "release_created": row["release_created"], "release_sha256": row["release_sha256"],
                       "created": row["created"], "receipt": row["receipt"]}
            h["sent"] = summary
            if confirmed(row):
                h["held"] = summary
    for h in out.values():
        newest = h["held"] or h["sent"]
        h["behind"] = bool(current and newest["release_sha256"] != current["sha256"])
        h["awaiting"] = h["held"] is None or h["held"]["delivery"] != h["sent"]["delivery"]
    return sorted(out.values(), key=lambda h: (h["customer"], h["product"]))
