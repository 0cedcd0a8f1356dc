"""What the order tests over a real server share: a CSDB copy with users and [orders] settings, and logins."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import httpx

from ietm.accounts import open_accounts

PASSWORD = "correct horse battery"
USERS = (("ivan", "technician"), ("petr", "technician"), ("olga", "supply"), ("wanda", "writer"))
FUEL_IPD = "DMC-DGEN-A-D20-00-00-00A-941A-D"


def server_csdb(source: Path, dest: Path, erp_url: str = "", origins: tuple[str, ...] = (),
                database: str = "") -> Path:
    """A writable copy of a CSDB whose server sends approved orders to `erp_url`, with the test users."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".*", "ietm.toml"))
    for p in [dest, *dest.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    listed = ", ".join(f'"{o}"' for o in origins)
    (dest / "ietm.toml").write_text(
        f'[orders]\nerp_url = "{erp_url}"\nerp_timeout = 2\nerp_backoff_ms = 100\nerp_backoff_max = 1\n'
        f'erp_poll = 1\nallowed_origins = [{listed}]\n'
        + (f'[server]\ndatabase = "{database}"\n' if database else ""), encoding="utf-8")
    accounts = open_accounts(dest)
    for name, role in USERS:
        accounts.add(name, role, PASSWORD)
    accounts.db.dispose()
    return dest


def login(base: str, name: str) -> httpx.Client:
    """A client logged in as `name`, its CSRF token sent with every request; its browser asks for English, the
    language of the messages the tests read (the server's own default is Russian)."""
    client = httpx.Client(base_url=base, timeout=30, headers={"Accept-Language": "en"})
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token, "next": "/"})
    assert r.status_code == 303, r.text
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf"]
    return client


def fuel_filter(product: str = "P-003", **change) -> dict:
    """An order body for a DG-5E from serial 1000 on: its fuel filter from the IPD, and a fan belt."""
    return {"product": product, "urgency": "urgent", "work_order": "WO-17", "lines": [
        {"part_number": "GS-1012", "quantity": 1, "source": {"kind": "ipd", "module": FUEL_IPD, "figure": "01",
                                                            "item": "1"}},
        {"part_number": "GS-2001", "quantity": 1}], **change}


def submit(client: httpx.Client, body: dict, key: str | None = None, **headers) -> httpx.Response:
    return client.post("/api/orders", json=body, headers={"Idempotency-Key": key or str(uuid.uuid4()), **headers})
